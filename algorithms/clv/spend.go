package clv

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Spend is a fitted Gamma-Gamma model of the average order value (Fader, Hardie
// and Lee, "RFM and CLV", 2005): order values are gamma(p, ν) with ν ~ gamma(q, v)
// across customers.
type Spend struct {
	P, Q, V float64
	// StdErr holds the standard errors by name ("p", "q", "v"), from the inverse
	// Hessian of the unpenalized negative log-likelihood at the optimum.
	StdErr     map[string]float64
	LogLik     float64 // total log-likelihood at the optimum (unpenalized)
	Iterations int
	Converged  bool
	Customers  int // repeat customers fitted (x > 0)
}

// Params returns the parameters by their names in the literature: p, q, v.
func (s *Spend) Params() ([]string, []float64) {
	return []string{"p", "q", "v"}, []float64{s.P, s.Q, s.V}
}

// NewSpend returns a Gamma-Gamma model with the given parameters.
func NewSpend(p, q, v float64) (*Spend, error) {
	for i, x := range []float64{p, q, v} {
		if !(x > 0) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("clv: gamma-gamma parameter %s must be positive and finite, got %g", []string{"p", "q", "v"}[i], x)
		}
	}
	return &Spend{P: p, Q: q, V: v}, nil
}

// ExpectedAverage is the conditional expected average order value of a customer
// with x repeat purchases of average value m:
//
//	(q-1)/(px+q-1) · p v/(q-1) + px/(px+q-1) · m = p (v + x m) / (px + q - 1).
//
// With x == 0 it is the population mean p v/(q-1), which exists only for q > 1
// (NaN otherwise).
func (s *Spend) ExpectedAverage(x, m float64) float64 {
	if x <= 0 {
		if s.Q <= 1 {
			return math.NaN()
		}
		return s.P * s.V / (s.Q - 1)
	}
	return s.P * (s.V + x*m) / (s.P*x + s.Q - 1)
}

// FitSpend fits the Gamma-Gamma model on customers with x > 0, m being each
// one's average repeat-order value (> 0). Rows with x == 0 are ignored.
func FitSpend(x, m []float64, opt FitOptions) (*Spend, error) {
	if len(x) != len(m) {
		return nil, fmt.Errorf("clv: gamma-gamma: x and m differ in length (%d, %d)", len(x), len(m))
	}
	if !(opt.Penalizer >= 0) || math.IsInf(opt.Penalizer, 0) {
		return nil, fmt.Errorf("clv: penalizer must be >= 0 and finite, got %g", opt.Penalizer)
	}
	d := &ggRows{}
	idx := map[[2]float64]int{}
	xidx := map[float64]int32{}
	var sum, sum2 float64
	for i := range x {
		xi, mi := x[i], m[i]
		if math.IsNaN(xi) || math.IsInf(xi, 0) || xi < 0 || xi != math.Trunc(xi) {
			return nil, fmt.Errorf("clv: gamma-gamma: row %d (x=%g, m=%g): x must be a whole number >= 0", i, xi, mi)
		}
		if xi == 0 {
			continue
		}
		if !(mi > 0) || math.IsInf(mi, 0) {
			return nil, fmt.Errorf("clv: gamma-gamma: row %d (x=%g, m=%g): the average order value must be positive and finite", i, xi, mi)
		}
		d.total++
		sum += mi
		sum2 += mi * mi
		k := [2]float64{xi, mi}
		if j, ok := idx[k]; ok {
			d.w[j]++
			continue
		}
		idx[k] = len(d.x)
		d.x = append(d.x, xi)
		d.m = append(d.m, mi)
		d.w = append(d.w, 1)
		xj, ok := xidx[xi]
		if !ok {
			xj = int32(len(d.xs))
			xidx[xi] = xj
			d.xs = append(d.xs, xi)
		}
		d.xi = append(d.xi, xj)
	}
	if d.total < 2 {
		return nil, fmt.Errorf("%w: gamma-gamma needs at least 2 customers with repeat purchases (x > 0), got %d", ErrTooFewCustomers, int(d.total))
	}
	// Start from the moments of m: mean p v/(q-1) with q = 3, p = 1... scaled.
	mean := sum / d.total
	start := []float64{1, 3, 2 * mean}
	obj := newGGLL(d)
	names := []string{"p", "q", "v"}
	res, err := maximize("gamma-gamma", names, obj, start, d.total, opt)
	if err != nil {
		return nil, err
	}
	s := &Spend{P: res.theta[0], Q: res.theta[1], V: res.theta[2], LogLik: res.loglik,
		Iterations: res.iterations, Converged: res.converged, Customers: int(d.total)}
	se := stdErrors(obj, res.theta, opt.Threads)
	s.StdErr = map[string]float64{}
	for i, n := range names {
		s.StdErr[n] = se[i]
	}
	return s, nil
}

// LogLikelihood returns the total Gamma-Gamma log-likelihood of (x, m) over the
// rows with x > 0 (rows are not checked).
func (s *Spend) LogLikelihood(x, m []float64, grad []float64) float64 {
	d := &ggRows{}
	xidx := map[float64]int32{}
	for i := range x {
		if x[i] <= 0 {
			continue
		}
		d.x = append(d.x, x[i])
		d.m = append(d.m, m[i])
		d.w = append(d.w, 1)
		xj, ok := xidx[x[i]]
		if !ok {
			xj = int32(len(d.xs))
			xidx[x[i]] = xj
			d.xs = append(d.xs, x[i])
		}
		d.xi = append(d.xi, xj)
	}
	g := make([]float64, 3)
	ll := logLik(newGGLL(d), []float64{s.P, s.Q, s.V}, 1, g)
	if grad != nil {
		copy(grad, g)
	}
	return ll
}

type ggRows struct {
	x, m, w []float64
	xi      []int32
	xs      []float64
	total   float64
}

// ggLL is the Gamma-Gamma log-likelihood of the average m of x order values
// (Fader, Hardie and Lee 2005, "RFM and CLV", eq. 3 with x z̄ = x m):
//
//	ln Γ(px+q) - ln Γ(px) - ln Γ(q) + q ln v + (px-1) ln m + px ln x - (px+q) ln(xm + v)
type ggLL struct {
	d            *ggRows
	c0, dp0, dq0 []float64 // per distinct x
}

func newGGLL(d *ggRows) *ggLL {
	k := len(d.xs)
	return &ggLL{d: d, c0: make([]float64, k), dp0: make([]float64, k), dq0: make([]float64, k)}
}

func (o *ggLL) n() int { return len(o.d.x) }

func (o *ggLL) prepare(th []float64) {
	p, q, v := th[0], th[1], th[2]
	lq, pq := lgamma(q), mathext.Digamma(q)
	lv := math.Log(v)
	for j, x := range o.d.xs {
		px := p * x
		ppq := mathext.Digamma(px + q)
		o.c0[j] = lgamma(px+q) - lgamma(px) - lq + q*lv + px*math.Log(x)
		o.dp0[j] = x * (ppq - mathext.Digamma(px) + math.Log(x))
		o.dq0[j] = ppq - pq + lv
	}
}

func (o *ggLL) eval(th []float64, lo, hi int, grad []float64) float64 {
	p, q, v := th[0], th[1], th[2]
	d := o.d
	var ll, gp, gq, gv float64
	for i := lo; i < hi; i++ {
		x, m, w, j := d.x[i], d.m[i], d.w[i], d.xi[i]
		px := p * x
		lm := math.Log(m)
		xmv := x*m + v
		lxmv := math.Log(xmv)
		ll += w * (o.c0[j] + (px-1)*lm - (px+q)*lxmv)
		gp += w * (o.dp0[j] + x*lm - x*lxmv)
		gq += w * (o.dq0[j] - lxmv)
		gv += w * (q/v - (px+q)/xmv)
	}
	grad[0], grad[1], grad[2] = gp, gq, gv
	return ll
}
