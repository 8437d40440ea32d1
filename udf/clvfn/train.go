package clvfn

import (
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/seed-a084b42d/marketsql/algorithms/clv"
	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// FitSummary is one fitted model of a training summary: the parameters
// under their names in the literature, their standard errors, the
// log-likelihood and convergence.
type FitSummary struct {
	Model         string             `json:"model"`
	Params        map[string]float64 `json:"params"`
	StdErr        map[string]any     `json:"std_err"` // a number, or null where the Hessian is not positive definite
	LogLikelihood float64            `json:"log_likelihood"`
	Iterations    int                `json:"iterations"`
	Converged     bool               `json:"converged"`
	Customers     int                `json:"customers"`
}

// Summary is what clv_train returns (as JSON in SQL).
type Summary struct {
	Model           string      `json:"model"`
	Input           string      `json:"input"`
	TimeUnit        string      `json:"time_unit"`
	AsOf            string      `json:"as_of,omitempty"`
	Rows            int         `json:"rows"`                 // source rows read
	Skipped         int         `json:"skipped"`              // rows left out by "on_null": "skip"
	AfterAsOf       int         `json:"rows_after_as_of"`     // order rows after as_of (the holdout among them)
	Customers       int         `json:"customers"`            // customers in the calibration
	RepeatCustomers int         `json:"repeat_customers"`     // of them with frequency > 0
	Purchases       *FitSummary `json:"purchases"`            // BG/NBD or Pareto/NBD
	Spend           *FitSummary `json:"spend,omitempty"`      // Gamma-Gamma
	SpendZero       int         `json:"spend_zero,omitempty"` // repeat customers left out of the spend fit: average value 0
	HoldoutFrom     string      `json:"holdout_from,omitempty"`
	HoldoutTo       string      `json:"holdout_to,omitempty"`
	Seconds         float64     `json:"seconds"`
	Timings         Timings     `json:"timings"`
}

// Timings is where a training's seconds went: reading the source, the
// purchase fit, the spend fit (both with their standard errors),
// predicting every customer for ml_clv_customers, and writing the model
// and those rows.
type Timings struct {
	Read         float64 `json:"read"`
	FitPurchases float64 `json:"fit_purchases"`
	FitSpend     float64 `json:"fit_spend"`
	Predict      float64 `json:"predict"`
	Write        float64 `json:"write"`
}

func fitSummary(names []string, params []float64, se map[string]float64, model string, ll float64, it int, conv bool, n int) *FitSummary {
	f := &FitSummary{Model: model, Params: map[string]float64{}, StdErr: map[string]any{}, LogLikelihood: ll,
		Iterations: it, Converged: conv, Customers: n}
	for i, name := range names {
		f.Params[name] = params[i]
		if v, ok := se[name]; ok && !math.IsNaN(v) && !math.IsInf(v, 0) {
			f.StdErr[name] = v
		} else {
			f.StdErr[name] = nil
		}
	}
	return f
}

var trainSQL = core.TrainFunc("clv_train", parseOptions, Train)

// Train reads source on c, fits the purchase and spend models and stores
// the model called name with its customers (ml_clv_customers), replacing
// an earlier one atomically. It is the one trainer behind clv_train and
// the Go API; nothing is written unless both fits converged.
func Train(c *core.Conn, fn, name string, source any, opt Options) (*Summary, error) {
	start := time.Now()
	if err := c.CheckWrite(fn); err != nil {
		return nil, err
	}
	if catalog.CheckName(name) != nil {
		return nil, core.Errorf(fn, "invalid model name %s: use letters, digits and _ (at most 64, not starting with a digit)", core.KeyText(name))
	}
	if err := catalog.CanWrite(c.SQL); err != nil {
		return nil, core.Errorf(fn, "%w", err)
	}
	opt, err := opt.withDefaults(fn)
	if err != nil {
		return nil, err
	}
	query, err := core.SourceQuery(fn, source)
	if err != nil {
		return nil, err
	}
	ctx := c.Context()
	report := func(phase, detail string, it int) {
		ev := core.ProgressEvent{Function: fn, Model: name, Phase: phase, Detail: detail, Iteration: it, Elapsed: time.Since(start)}
		if opt.Progress != nil {
			opt.Progress(ev)
			return
		}
		c.Report(ev)
	}
	report("read", "", 0)
	m := &Model{TimeUnit: opt.TimeUnit, Horizon: *opt.Horizon, Discount: *opt.DiscountRate}
	s := &Summary{Model: name, Input: "orders", TimeUnit: opt.TimeUnit}
	if opt.Summary {
		s.Input = "summary"
		if err := readSummary(c, fn, query, m, s); err != nil {
			return nil, err
		}
	} else if err := summarizeOrders(c, fn, query, opt, m, s); err != nil {
		return nil, err
	}
	if len(m.Keys) == 0 {
		return nil, core.Errorf(fn, "the source has no customers to learn from (%d rows read, %d skipped, %d after as_of)", s.Rows, s.Skipped, s.AfterAsOf)
	}
	spend := opt.Spend
	if spend == "" {
		spend = "none"
		if m.M != nil {
			spend = "gamma_gamma"
		}
	}
	if spend == "gamma_gamma" && m.M == nil {
		return nil, core.Errorf(fn, "\"spend\": \"gamma_gamma\" needs amounts: give the source an amount column (customer, date, amount) or a monetary column with \"input\": \"summary\", or pass \"spend\": \"none\"")
	}
	for _, x := range m.X {
		if x > 0 {
			s.RepeatCustomers++
		}
	}
	s.Customers = len(m.Keys)
	if s.RepeatCustomers == 0 {
		msg := "none of the %d customers has a repeat purchase (all bought in a single day)"
		if opt.Summary {
			msg = "none of the %d customers has a repeat purchase (every frequency is 0)"
		}
		if spend == "gamma_gamma" {
			return nil, core.Errorf(fn, msg+"; the purchase model and the Gamma-Gamma spend model, which fits the repeat purchases' values, need repeat buyers: use a longer calibration period (a later \"as_of\") or more customers", s.Customers)
		}
		return nil, core.Errorf(fn, msg+"; the purchase model needs repeat buyers: use a longer calibration period (a later \"as_of\") or more customers", s.Customers)
	}
	kind := clv.BGNBD
	if opt.Model == "pareto_nbd" {
		kind = clv.ParetoNBD
	}
	fitOpt := clv.FitOptions{Penalizer: opt.Penalizer, MaxIter: opt.MaxIter, Threads: threads(opt.Threads, c),
		Check: ctx.Err}
	fitOpt.Progress = func(it int, ll float64) {
		report("fit", fmt.Sprintf("%s iteration %d, log-likelihood %.6g", kind, it, ll), it)
	}
	s.Timings.Read = time.Since(start).Seconds()
	report("fit", kind.String(), 0)
	phase := time.Now()
	p, err := clv.FitPurchases(kind, &clv.Data{X: m.X, TX: m.TX, T: m.T}, fitOpt)
	if err != nil {
		return nil, fitError(fn, kind.String(), err)
	}
	m.Purchases = p
	s.Timings.FitPurchases = time.Since(phase).Seconds()
	phase = time.Now()
	names, params := p.Params()
	s.Purchases = fitSummary(names, params, p.StdErr, kind.String(), p.LogLik, p.Iterations, p.Converged, p.Customers)
	if spend == "gamma_gamma" {
		var xs, ms []float64
		for i, x := range m.X {
			if x > 0 {
				if m.M[i] > 0 {
					xs, ms = append(xs, x), append(ms, m.M[i])
				} else {
					s.SpendZero++
				}
			}
		}
		if len(xs) < 2 {
			return nil, core.Errorf(fn, "the Gamma-Gamma spend model needs at least 2 repeat buyers whose repeat purchases have a positive value, got %d (%d more spent 0); pass \"spend\": \"none\" or use a longer calibration period", len(xs), s.SpendZero)
		}
		fitOpt.Progress = func(it int, ll float64) {
			report("fit", fmt.Sprintf("gamma-gamma iteration %d, log-likelihood %.6g", it, ll), it)
		}
		sp, err := clv.FitSpend(xs, ms, fitOpt)
		if err != nil {
			return nil, fitError(fn, "gamma_gamma", err)
		}
		m.Spend = sp
		names, params := sp.Params()
		s.Spend = fitSummary(names, params, sp.StdErr, "gamma_gamma", sp.LogLik, sp.Iterations, sp.Converged, sp.Customers)
	}
	if err := ctx.Err(); err != nil {
		return nil, core.TrainError(fn, err, true)
	}
	s.Timings.FitSpend = time.Since(phase).Seconds()
	phase = time.Now()
	// Everything written is built and checked before the write.
	report("predict", "", 0)
	pred, err := predictAll(c, m, m.Horizon, m.Discount, threads(opt.Threads, c))
	if err != nil {
		return nil, core.TrainError(fn, err, true)
	}
	params2 := m.Encode()
	if _, err := Decode(params2); err != nil {
		return nil, core.Errorf(fn, "internal error: the model does not read back: %v", err)
	}
	metrics, err := json.Marshal(map[string]any{"customers": s.Customers, "repeat_customers": s.RepeatCustomers,
		"purchases": s.Purchases, "spend": s.Spend, "customer_column": m.CustomerColumn})
	if err != nil {
		return nil, core.Errorf(fn, "metrics: %w", err)
	}
	s.Timings.Predict = time.Since(phase).Seconds()
	phase = time.Now()
	report("write", "", 0)
	src, _ := source.(string)
	s.Seconds = time.Since(start).Seconds()
	rec := &catalog.Model{Name: name, Kind: Kind, Source: src, Options: opt.json(spend), Metrics: string(metrics),
		NRows: int64(s.Rows), TrainSeconds: s.Seconds, Params: params2}
	err = core.StoreModel(c, fn, rec, func() error {
		// In batches: the rows are never all in memory as SQL values.
		for lo := 0; lo < len(m.Keys); lo += sideBatch {
			if err := core.InsertRows(c, "ml_clv_customers", 12, sideRows(name, m, pred, lo, min(lo+sideBatch, len(m.Keys))), c.Check); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Timings.Write = time.Since(phase).Seconds()
	s.Seconds = time.Since(start).Seconds()
	return s, nil
}

func threads(n int, c *core.Conn) int {
	if n <= 0 && c.Env != nil {
		n = c.Env.Threads
	}
	return n
}

// fitError words a failed fit: the optimizer's state when it did not
// converge, the cause otherwise.
func fitError(fn, model string, err error) error {
	var fe *clv.FitError
	if errors.As(err, &fe) {
		return core.Errorf(fn, "the %s fit did not converge after %d iterations (optimizer status %s; log-likelihood %.6g at %s); nothing was stored: raise \"max_iter\", add a \"penalizer\" such as 0.001, or check the data",
			model, fe.Iterations, fe.Status, fe.LogLik, fe.ParamText())
	}
	if errors.Is(err, clv.ErrTooFewCustomers) {
		return core.Errorf(fn, "%s", strings.TrimPrefix(err.Error(), "clv: "))
	}
	return core.TrainError(fn, err, true)
}

// summarizeOrders reads order rows and computes each customer's
// calibration summary in m: frequency = distinct purchase days after the
// first, recency = last purchase day - first, T = as_of - first, in the
// time unit; monetary = the mean of the repeat days' totals.
func summarizeOrders(c *core.Conn, fn, query string, opt Options, m *Model, s *Summary) error {
	o, err := readOrders(c, query, readSpec{fn: fn, skipBad: opt.SkipBad})
	if err != nil {
		return err
	}
	s.Rows, s.Skipped = o.Rows, o.Skipped
	m.CustomerColumn = o.CustomerColumn
	last, ok := o.lastDay()
	if !ok {
		return core.Errorf(fn, "the source has no usable order rows (%d read, %d skipped); nothing to learn from", o.Rows, o.Skipped)
	}
	asOf := last
	if opt.AsOf != "" {
		if asOf, err = parseDateOption(fn, "as_of", opt.AsOf); err != nil {
			return err
		}
	}
	if opt.HoldoutFrom != "" {
		from, err := parseDateOption(fn, "holdout_from", opt.HoldoutFrom)
		if err != nil {
			return err
		}
		if opt.AsOf != "" && asOf != from-1 {
			return core.Errorf(fn, "options \"as_of\" (%s) and \"holdout_from\" (%s) disagree: the calibration ends the day before the holdout starts; give one of them", dayText(asOf), dayText(from))
		}
		if from > last {
			return core.Errorf(fn, "option \"holdout_from\" is %s, after the last order (%s); the holdout period would have no orders", dayText(from), dayText(last))
		}
		asOf = from - 1
		m.Holdout, m.HoldoutFrom, m.HoldoutTo = true, from, last
		s.HoldoutFrom, s.HoldoutTo = dayText(from), dayText(last)
	}
	m.AsOf = asOf
	s.AsOf = dayText(asOf)
	unit := unitDays(opt.TimeUnit)
	idx, start := o.byCustomer()
	hasAmount := o.Amount != nil
	ctx := c.Context()
	for cu := range o.Keys {
		if cu%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return core.TrainError(fn, err, true)
			}
		}
		rows := idx[start[cu]:start[cu+1]]
		first := o.Day[rows[0]]
		if first > asOf {
			s.AfterAsOf += len(rows)
			continue // not yet a customer at as_of
		}
		var days, holdout int
		lastDay, prevDay := first, int64(math.MinInt64)
		var repeatSum, dayTotal float64
		for _, i := range rows {
			d := o.Day[i]
			if d > asOf {
				s.AfterAsOf++
				if m.Holdout && d != prevDay {
					holdout++
				}
				prevDay = d
				continue
			}
			if d != prevDay {
				if days > 1 {
					repeatSum += dayTotal
				}
				days++
				dayTotal = 0
				lastDay = d
				prevDay = d
			}
			if hasAmount {
				dayTotal += o.Amount[i]
			}
		}
		if days > 1 {
			repeatSum += dayTotal
		}
		x := float64(days - 1)
		m.Keys = append(m.Keys, o.Keys[cu])
		m.X = append(m.X, x)
		m.TX = append(m.TX, float64(lastDay-first)/unit)
		m.T = append(m.T, float64(asOf-first)/unit)
		if hasAmount {
			mv := 0.0
			if x > 0 {
				mv = repeatSum / x
			}
			m.M = append(m.M, mv)
		}
		if m.Holdout {
			m.HoldoutX = append(m.HoldoutX, float64(holdout))
		}
	}
	if hasAmount && m.M == nil {
		m.M = []float64{}
	}
	if m.Holdout && m.HoldoutX == nil {
		m.HoldoutX = []float64{}
	}
	return nil
}

// readSummary reads one row per customer: customer, frequency, recency,
// T [, monetary], in the time unit.
func readSummary(c *core.Conn, fn, query string, m *Model, s *Summary) error {
	var cols []string
	type row struct {
		key          any
		x, tx, T, mv float64
	}
	var rows []row
	// Typed maps: hashing an interface key costs more than the row.
	seenInt, seenText := map[int64]int{}, map[string]int{}
	columns := func(names []string) error {
		cols = names
		if len(cols) < 4 || len(cols) > 5 {
			return core.Errorf(fn, "the source has %d column(s); with \"input\": \"summary\" it has the columns customer, frequency, recency, T [, monetary]", len(cols))
		}
		m.CustomerColumn = cols[0]
		if len(cols) == 5 {
			m.M = []float64{}
		}
		return nil
	}
	each := func(n int, vals []driver.Value) error {
		s.Rows++
		key, problem := core.RowKey(vals[0])
		if problem != "" {
			return core.Errorf(fn, "row %d: customer column %q is %s; customer keys must be INTEGER or TEXT", n, cols[0], problem)
		}
		// where names the row in messages; built only for one.
		where := func() string { return fmt.Sprintf("row %d (%s=%s)", n, cols[0], core.KeyText(key)) }
		var first int
		var dup bool
		switch k := key.(type) {
		case int64:
			if first, dup = seenInt[k]; !dup {
				seenInt[k] = n
			}
		case string:
			if first, dup = seenText[k]; !dup {
				seenText[k] = n
			}
		}
		if dup {
			return core.Errorf(fn, "rows %d and %d have the same customer %s=%s; a summary has one row per customer", first, n, cols[0], core.KeyText(key))
		}
		var v [4]float64
		for j := 1; j < len(cols); j++ {
			f, problem := amountValue(vals[j])
			if problem != "" {
				return core.Errorf(fn, "%s: column %q is %s; frequency, recency, T and monetary are numbers of at least 0", where(), cols[j], problem)
			}
			v[j-1] = f
		}
		r := row{key: key, x: v[0], tx: v[1], T: v[2], mv: v[3]}
		switch {
		case r.x != math.Trunc(r.x):
			return core.Errorf(fn, "%s: frequency %g is not a whole number; it counts repeat purchases", where(), r.x)
		case r.tx > r.T:
			return core.Errorf(fn, "%s: recency %g is more than T %g; recency is the time from the first purchase to the last, T from the first purchase to the end of calibration", where(), r.tx, r.T)
		case r.x == 0 && r.tx != 0:
			return core.Errorf(fn, "%s: frequency is 0 but recency is %g; a customer without repeat purchases has recency 0", where(), r.tx)
		}
		rows = push(rows, r)
		return nil
	}
	if err := c.ScanSource(fn, query, columns, each); err != nil {
		return err
	}
	slices.SortFunc(rows, func(a, b row) int {
		if core.KeyLess(a.key, b.key) {
			return -1
		}
		return 1
	})
	m.Keys = make([]any, 0, len(rows))
	m.X, m.TX, m.T = make([]float64, 0, len(rows)), make([]float64, 0, len(rows)), make([]float64, 0, len(rows))
	if m.M != nil {
		m.M = make([]float64, 0, len(rows))
	}
	for _, r := range rows {
		m.Keys = append(m.Keys, r.key)
		m.X, m.TX, m.T = append(m.X, r.x), append(m.TX, r.tx), append(m.T, r.T)
		if m.M != nil {
			mv := r.mv
			if r.x == 0 {
				mv = 0 // no repeat purchase: no average repeat value
			}
			m.M = append(m.M, mv)
		}
	}
	return nil
}

// sideRows are the rows of ml_clv_customers.
// sideBatch is how many ml_clv_customers rows are built at a time.
const sideBatch = 1 << 14

// sideRows returns the ml_clv_customers rows of customers lo..hi-1.
func sideRows(name string, m *Model, p *predictions, lo, hi int) [][]driver.Value {
	out := make([][]driver.Value, 0, hi-lo)
	for i := lo; i < hi; i++ {
		k := m.Keys[i]
		var mv, hx driver.Value
		if m.M != nil {
			mv = m.M[i]
		}
		if m.Holdout {
			hx = m.HoldoutX[i]
		}
		out = append(out, []driver.Value{name, k, m.X[i], m.TX[i], m.T[i], mv, p.alive[i], p.expected[i],
			nullable(p.avg, i), nullable(p.clv, i), m.Horizon, hx})
	}
	return out
}

func nullable(v []float64, i int) driver.Value {
	if v == nil || math.IsNaN(v[i]) || math.IsInf(v[i], 0) {
		return nil
	}
	return v[i]
}
