package clvfn

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/seed-a084b42d/marketsql/udf/core"
)

// maxHorizon bounds a horizon in any time unit: 100 years of days.
const maxHorizon = 36525

// maxYears bounds a horizon in years.
const maxYears = 100

// Options are clv_train's options; the JSON keys are given in brackets.
// A field left at its zero value means its default.
type Options struct {
	// Model is the purchase model: "bgnbd" (default) or "pareto_nbd"
	// ("model").
	Model string
	// Spend is the spend model: "gamma_gamma" (the default when the
	// source has amounts) or "none" ("spend").
	Spend string
	// TimeUnit is "day", "week" (default) or "month" ("time_unit"): the
	// unit of frequency's periods, recency, T and horizons.
	TimeUnit string
	// AsOf ends the calibration period, inclusive ("as_of",
	// 'YYYY-MM-DD'); "" means the day of the last order. Later orders are
	// left out of the fit.
	AsOf string
	// HoldoutFrom starts a holdout period that runs to the last order
	// ("holdout_from"): the calibration ends the day before, and
	// clv_eval compares predicted and actual purchases in it.
	HoldoutFrom string
	// Penalizer is an L2 penalty on the parameters, as lifetimes'
	// penalizer_coef ("penalizer"); 0 means none.
	Penalizer float64
	// Summary reads the source as one row per customer (customer,
	// frequency, recency, T [, monetary]) in TimeUnit ("input": "summary";
	// the default is "orders").
	Summary bool
	// MaxIter bounds the optimizer's iterations ("max_iter"); 0 means 500.
	MaxIter int
	// Threads bounds worker goroutines ("threads"); 0 means all cores.
	Threads int
	// Horizon is the default horizon of clv_predict and of the
	// predictions in ml_clv_customers, in TimeUnit ("horizon"); nil means
	// 12 months (52.18 weeks, 365.25 days).
	Horizon *float64
	// DiscountRate is the default monthly discount rate of clv
	// ("discount_rate"); nil means 0.01.
	DiscountRate *float64
	// SkipBad leaves out order rows with a NULL customer or date, or a
	// NULL, negative or non-numeric amount, counted in the summary
	// ("on_null": "skip"; the default is "error").
	SkipBad bool
	// Progress, for Go callers, receives this call's progress events.
	Progress func(core.ProgressEvent) `json:"-"`
}

var trainKeys = []string{"model", "spend", "time_unit", "as_of", "holdout_from", "penalizer", "input",
	"max_iter", "threads", "horizon", "discount_rate", "on_null"}

func parseOptions(fn string, v any) (Options, error) {
	o, err := core.ParseOptions(fn, v, trainKeys)
	if err != nil {
		return Options{}, err
	}
	var opt Options
	opt.Model = o.Enum("model", "bgnbd", "bgnbd", "pareto_nbd")
	opt.Spend = o.Enum("spend", "", "gamma_gamma", "none")
	opt.TimeUnit = o.Enum("time_unit", "week", units...)
	opt.AsOf = o.String("as_of", "")
	opt.HoldoutFrom = o.String("holdout_from", "")
	opt.Penalizer = o.Float("penalizer", 0, 0, 1e6)
	opt.Summary = o.Enum("input", "orders", "orders", "summary") == "summary"
	opt.MaxIter = o.Int("max_iter", 500, 1, 100000)
	opt.Threads = o.Int("threads", 0, 0, 1024)
	if o.Has("horizon") {
		opt.Horizon = new(o.Float("horizon", 0, 0, math.MaxFloat64))
	}
	if o.Has("discount_rate") {
		opt.DiscountRate = new(o.Float("discount_rate", 0.01, 0, 1))
	}
	opt.SkipBad = o.Enum("on_null", "error", "error", "skip") == "skip"
	return opt, o.Err()
}

// defaultHorizon is 12 months in unit.
func defaultHorizon(unit string) float64 { return 365.25 / unitDays(unit) }

// checkHorizon checks a horizon in unit; fn and what name it in errors.
func checkHorizon(fn, what string, h float64, unit string) error {
	limit := maxYears * 365.25 / unitDays(unit)
	if math.IsNaN(h) || h < 0 {
		return core.Errorf(fn, "%s must be a number of %ss of at least 0, got %g", what, unit, h)
	}
	if h > limit {
		return core.Errorf(fn, "%s is %g %ss, more than %d years; pass at most %g", what, h, unit, maxYears, limit)
	}
	return nil
}

// withDefaults fills the defaults and checks what a Go caller may get wrong.
func (o Options) withDefaults(fn string) (Options, error) {
	if o.Model == "" {
		o.Model = "bgnbd"
	}
	if o.Model != "bgnbd" && o.Model != "pareto_nbd" {
		return o, core.Errorf(fn, "option \"model\" must be one of \"bgnbd\", \"pareto_nbd\", got %q", o.Model)
	}
	if o.Spend != "" && o.Spend != "gamma_gamma" && o.Spend != "none" {
		return o, core.Errorf(fn, "option \"spend\" must be one of \"gamma_gamma\", \"none\", got %q", o.Spend)
	}
	if o.TimeUnit == "" {
		o.TimeUnit = "week"
	}
	if !contains(units, o.TimeUnit) {
		return o, core.Errorf(fn, "option \"time_unit\" must be one of \"day\", \"week\", \"month\", got %q", o.TimeUnit)
	}
	if !(o.Penalizer >= 0) || math.IsInf(o.Penalizer, 0) {
		return o, core.Errorf(fn, "option \"penalizer\" must be a number of at least 0, got %g", o.Penalizer)
	}
	if o.MaxIter < 0 || o.Threads < 0 {
		return o, core.Errorf(fn, "options \"max_iter\" and \"threads\" must not be negative")
	}
	if o.MaxIter == 0 {
		o.MaxIter = 500
	}
	if o.Horizon == nil {
		o.Horizon = new(defaultHorizon(o.TimeUnit))
	}
	if err := checkHorizon(fn, "option \"horizon\"", *o.Horizon, o.TimeUnit); err != nil {
		return o, err
	}
	if o.DiscountRate == nil {
		o.DiscountRate = new(0.01)
	}
	if d := *o.DiscountRate; !(d >= 0 && d <= 1) {
		return o, core.Errorf(fn, "option \"discount_rate\" must be a monthly rate from 0 to 1, got %g", d)
	}
	if o.Summary && o.HoldoutFrom != "" {
		return o, core.Errorf(fn, "option \"holdout_from\" needs order rows; it cannot be used with \"input\": \"summary\"")
	}
	if o.Summary && o.AsOf != "" {
		return o, core.Errorf(fn, "option \"as_of\" applies to order rows; a summary gives T itself")
	}
	return o, nil
}

// json returns the options as stored in ml_models.options.
func (o Options) json(spend string) string {
	m := map[string]any{"model": o.Model, "spend": spend, "time_unit": o.TimeUnit, "penalizer": o.Penalizer,
		"input": "orders", "max_iter": o.MaxIter, "horizon": *o.Horizon, "discount_rate": *o.DiscountRate,
		"on_null": "error"}
	if o.Summary {
		m["input"] = "summary"
	}
	if o.SkipBad {
		m["on_null"] = "skip"
	}
	if o.AsOf != "" {
		m["as_of"] = o.AsOf
	}
	if o.HoldoutFrom != "" {
		m["holdout_from"] = o.HoldoutFrom
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("clv options: %v", err))
	}
	return string(b)
}
