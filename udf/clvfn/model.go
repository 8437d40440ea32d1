package clvfn

import (
	"fmt"
	"math"

	"github.com/seed-a084b42d/marketsql/algorithms/clv"
	"github.com/seed-a084b42d/marketsql/catalog"
)

// Kind is the ml_models.kind of customer-lifetime-value models.
const Kind = "clv"

// payloadVersion is the version of the clv payload inside the envelope.
const payloadVersion = 1

var format = catalog.Format{Kind: Kind, Name: "clv", Version: payloadVersion}

// Model is a trained lifetime-value model with the customers it was
// fitted on.
type Model struct {
	Purchases *clv.Purchases
	Spend     *clv.Spend // nil when trained with "spend": "none"
	TimeUnit  string     // "day", "week" or "month"
	AsOf      int64      // end of the calibration (day), inclusive
	// Holdout is set when trained with holdout_from: the holdout runs
	// from HoldoutFrom to HoldoutTo (days, inclusive).
	Holdout                bool
	HoldoutFrom, HoldoutTo int64
	Horizon                float64 // default horizon of clv_predict, in TimeUnit
	Discount               float64 // default monthly discount rate
	CustomerColumn         string
	Keys                   []any     // customer keys, in key order
	X, TX, T               []float64 // calibration summary, in TimeUnit
	M                      []float64 // average repeat-purchase value; nil without amounts
	HoldoutX               []float64 // purchases in the holdout; nil without one
}

// unitDays is the length of a time unit in days.
func unitDays(unit string) float64 {
	switch unit {
	case "day":
		return 1
	case "month":
		return 365.25 / 12
	}
	return 7
}

// periodsPerMonth is the number of time units in a month.
func (m *Model) periodsPerMonth() float64 { return 365.25 / 12 / unitDays(m.TimeUnit) }

// holdoutPeriods is the length of the holdout in time units.
func (m *Model) holdoutPeriods() float64 {
	return float64(m.HoldoutTo-m.HoldoutFrom+1) / unitDays(m.TimeUnit)
}

var units = []string{"day", "week", "month"}

// stdErrs returns the standard errors in the order of names (NaN where
// missing).
func stdErrs(se map[string]float64, names []string) []float64 {
	out := make([]float64, len(names))
	for i, n := range names {
		v, ok := se[n]
		if !ok {
			v = math.NaN()
		}
		out[i] = v
	}
	return out
}

// Encode returns the sealed params blob of m.
func (m *Model) Encode() []byte {
	e := format.Encoder()
	p := m.Purchases
	names, params := p.Params()
	e.Uint(uint64(p.Kind))
	e.Floats(params)
	e.Floats(stdErrs(p.StdErr, names))
	e.Float(p.LogLik)
	e.Uint(uint64(p.Iterations))
	e.Bool(p.Converged)
	e.Uint(uint64(p.Customers))
	e.Bool(m.Spend != nil)
	if s := m.Spend; s != nil {
		names, params := s.Params()
		e.Floats(params)
		e.Floats(stdErrs(s.StdErr, names))
		e.Float(s.LogLik)
		e.Uint(uint64(s.Iterations))
		e.Bool(s.Converged)
		e.Uint(uint64(s.Customers))
	}
	e.String(m.TimeUnit)
	e.Int(m.AsOf)
	e.Bool(m.Holdout)
	if m.Holdout {
		e.Int(m.HoldoutFrom)
		e.Int(m.HoldoutTo)
	}
	e.Float(m.Horizon)
	e.Float(m.Discount)
	e.String(m.CustomerColumn)
	e.Keys(m.Keys)
	e.Floats(m.X)
	e.Floats(m.TX)
	e.Floats(m.T)
	e.Bool(m.M != nil)
	if m.M != nil {
		e.Floats(m.M)
	}
	if m.Holdout {
		e.Floats(m.HoldoutX)
	}
	return format.Seal(e)
}

func damaged(what string) error { return fmt.Errorf("%w: %s", catalog.ErrDamaged, what) }

// Decode reads a params blob written by Encode, checking every shape and
// value, so a damaged or foreign blob is an error and never a panic or a
// NaN later. It accepts exactly what Encode writes.
func Decode(blob []byte) (*Model, error) {
	d, err := format.Open(blob)
	if err != nil {
		return nil, err
	}
	m := &Model{}
	kind := clv.Kind(d.Uint())
	params := d.Floats()
	pse := d.Floats()
	p := struct {
		ll        float64
		it        uint64
		converged bool
		customers uint64
	}{d.Float(), d.Uint(), d.Bool(), d.Uint()}
	if d.Err() != nil {
		return nil, d.Err()
	}
	if kind != clv.BGNBD && kind != clv.ParetoNBD || len(params) != 4 || len(pse) != 4 {
		return nil, damaged("purchase model")
	}
	if err := catalog.CheckFinite("purchase model parameters", append(params, p.ll)); err != nil {
		return nil, err
	}
	if m.Purchases, err = clv.NewPurchases(kind, params); err != nil {
		return nil, damaged(err.Error())
	}
	names, _ := m.Purchases.Params()
	m.Purchases.StdErr = map[string]float64{}
	for i, n := range names {
		m.Purchases.StdErr[n] = pse[i]
	}
	if p.it > math.MaxInt32 || p.customers > math.MaxInt32 {
		return nil, damaged("purchase model counts")
	}
	m.Purchases.LogLik, m.Purchases.Iterations, m.Purchases.Converged, m.Purchases.Customers = p.ll, int(p.it), p.converged, int(p.customers)
	if d.Bool() {
		sp, sse := d.Floats(), d.Floats()
		ll, it, conv, cust := d.Float(), d.Uint(), d.Bool(), d.Uint()
		if d.Err() != nil {
			return nil, d.Err()
		}
		if len(sp) != 3 || len(sse) != 3 || it > math.MaxInt32 || cust > math.MaxInt32 {
			return nil, damaged("spend model")
		}
		if err := catalog.CheckFinite("spend model parameters", append(sp, ll)); err != nil {
			return nil, err
		}
		if m.Spend, err = clv.NewSpend(sp[0], sp[1], sp[2]); err != nil {
			return nil, damaged(err.Error())
		}
		m.Spend.StdErr = map[string]float64{"p": sse[0], "q": sse[1], "v": sse[2]}
		m.Spend.LogLik, m.Spend.Iterations, m.Spend.Converged, m.Spend.Customers = ll, int(it), conv, int(cust)
	}
	m.TimeUnit = d.String()
	m.AsOf = d.Int()
	if m.Holdout = d.Bool(); m.Holdout {
		m.HoldoutFrom, m.HoldoutTo = d.Int(), d.Int()
	}
	m.Horizon, m.Discount = d.Float(), d.Float()
	m.CustomerColumn = d.String()
	m.Keys = d.Keys()
	m.X, m.TX, m.T = d.Floats(), d.Floats(), d.Floats()
	if d.Bool() {
		m.M = d.Floats()
	}
	if m.Holdout {
		m.HoldoutX = d.Floats()
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	n := len(m.Keys)
	switch {
	case !contains(units, m.TimeUnit):
		return nil, damaged("time unit")
	case m.AsOf < minDay || m.AsOf > maxDay:
		return nil, damaged("as_of")
	case m.Holdout && (m.HoldoutFrom <= m.AsOf || m.HoldoutTo < m.HoldoutFrom || m.HoldoutTo > maxDay):
		return nil, damaged("holdout period")
	case !(m.Horizon >= 0) || m.Horizon > maxHorizon || !(m.Discount >= 0) || m.Discount > 1:
		return nil, damaged("horizon or discount rate")
	case len(m.X) != n || len(m.TX) != n || len(m.T) != n || m.M != nil && len(m.M) != n || m.Holdout && len(m.HoldoutX) != n:
		return nil, damaged("inconsistent customer shapes")
	}
	for _, v := range [][]float64{m.M, m.HoldoutX} {
		for _, x := range v {
			if !(x >= 0) || math.IsInf(x, 0) {
				return nil, damaged("customer values")
			}
		}
	}
	if err := (&clv.Data{X: m.X, TX: m.TX, T: m.T}).Check(); err != nil {
		return nil, damaged(err.Error())
	}
	seen := make(map[any]struct{}, n)
	for _, k := range m.Keys {
		if _, dup := seen[k]; dup {
			return nil, damaged("a customer appears twice")
		}
		seen[k] = struct{}{}
	}
	return m, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
