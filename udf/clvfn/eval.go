package clvfn

import (
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// evalTop is the last frequency bin of clv_eval: it holds every customer
// with at least that many repeat purchases.
const evalTop = 7

var evalCols = []string{"diagnostic TEXT", "frequency INTEGER", "customers INTEGER", "actual REAL", "expected REAL"}

// Eval is one row of clv_eval.
type Eval struct {
	Check     string // "frequency_histogram", "holdout" or "holdout_total"
	Frequency int    // calibration frequency (evalTop: evalTop or more); -1 for the total
	Customers int
	Actual    float64
	Expected  float64
}

// Evaluate computes the diagnostics of m: for each calibration frequency
// 0..7+, the number of customers with it and the number the model
// expects (the sum over customers of P(X(T) = x) for their age T); and,
// when m has a holdout, the actual and predicted purchases in it per
// calibration frequency and in total.
func Evaluate(c *core.Conn, fn string, m *Model) ([]Eval, error) {
	ctx := c.Context()
	byT := map[float64]int{}
	var actual [evalTop + 1]int
	for i, x := range m.X {
		byT[m.T[i]]++
		actual[min(int(x), evalTop)]++
	}
	var expected [evalTop + 1]float64
	k := 0
	for T, n := range byT {
		if k++; k%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, core.TrainError(fn, err, false)
			}
		}
		for x := 0; x < evalTop; x++ {
			expected[x] += float64(n) * m.Purchases.ProbPurchases(x, T)
		}
	}
	rest := float64(len(m.X))
	for x := 0; x < evalTop; x++ {
		rest -= expected[x]
	}
	expected[evalTop] = max(rest, 0)
	var out []Eval
	for x := 0; x <= evalTop; x++ {
		out = append(out, Eval{"frequency_histogram", x, actual[x], float64(actual[x]), expected[x]})
	}
	if !m.Holdout {
		return out, nil
	}
	t := m.holdoutPeriods()
	var hc [evalTop + 1]int
	var ha, he [evalTop + 1]float64
	for i, x := range m.X {
		if i%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, core.TrainError(fn, err, false)
			}
		}
		b := min(int(x), evalTop)
		hc[b]++
		ha[b] += m.HoldoutX[i]
		he[b] += m.Purchases.ExpectedPurchases(t, x, m.TX[i], m.T[i])
	}
	total := Eval{Check: "holdout_total", Frequency: -1}
	for x := 0; x <= evalTop; x++ {
		out = append(out, Eval{"holdout", x, hc[x], ha[x], he[x]})
		total.Customers += hc[x]
		total.Actual += ha[x]
		total.Expected += he[x]
	}
	return append(out, total), nil
}

func evalSQL(c *core.Conn, args []any) ([][]any, error) {
	const fn = "clv_eval"
	m, err := load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	rows, err := Evaluate(c, fn, m)
	if err != nil {
		return nil, err
	}
	out := make([][]any, len(rows))
	for i, r := range rows {
		var f any = int64(r.Frequency)
		if r.Frequency < 0 {
			f = nil
		}
		out[i] = []any{r.Check, f, int64(r.Customers), r.Actual, finite(r.Expected)}
	}
	return out, nil
}
