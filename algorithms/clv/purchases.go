package clv

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mathext"
)

// Purchases is a fitted purchase model: BG/NBD (R, Alpha, A, B) or Pareto/NBD
// (R, Alpha, S, Beta). Times are in the unit of the data it was fitted on.
type Purchases struct {
	Kind Kind
	// BG/NBD: R, Alpha, A, B. Pareto/NBD: R, Alpha, S, Beta.
	R, Alpha, A, B, S, Beta float64
	// StdErr holds the standard errors by the names in the literature ("r",
	// "alpha", "a", "b" or "r", "alpha", "s", "beta"), from the inverse Hessian of
	// the unpenalized negative log-likelihood at the optimum; NaN where the
	// Hessian is not positive definite there.
	StdErr     map[string]float64
	LogLik     float64 // total log-likelihood at the optimum (unpenalized)
	Iterations int
	Converged  bool
	Customers  int
}

// paramNames returns the names of kind's parameters in the literature's order.
func paramNames(kind Kind) []string {
	if kind == ParetoNBD {
		return []string{"r", "alpha", "s", "beta"}
	}
	return []string{"r", "alpha", "a", "b"}
}

// Params returns the parameters by their names in the literature, in order.
func (m *Purchases) Params() ([]string, []float64) {
	return paramNames(m.Kind), m.theta()
}

func (m *Purchases) theta() []float64 {
	if m.Kind == ParetoNBD {
		return []float64{m.R, m.Alpha, m.S, m.Beta}
	}
	return []float64{m.R, m.Alpha, m.A, m.B}
}

// NewPurchases returns a model of the given kind with the given parameters (in
// the order of Params), e.g. one read back from storage.
func NewPurchases(kind Kind, params []float64) (*Purchases, error) {
	if len(params) != 4 {
		return nil, fmt.Errorf("clv: %s takes 4 parameters, got %d", kind, len(params))
	}
	for i, v := range params {
		if !(v > 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("clv: %s parameter %s must be positive and finite, got %g", kind, paramNames(kind)[i], v)
		}
	}
	m := &Purchases{Kind: kind, R: params[0], Alpha: params[1]}
	if kind == ParetoNBD {
		m.S, m.Beta = params[2], params[3]
	} else {
		m.A, m.B = params[2], params[3]
	}
	return m, nil
}

func newObjective(kind Kind, r *rows) objective {
	if kind == ParetoNBD {
		return newParetoLL(r)
	}
	return newBGNBDLL(r)
}

// LogLikelihood returns the total log-likelihood of d under the model and its
// gradient with respect to the parameters (in the order of Params) in grad, when
// grad is not nil.
func (m *Purchases) LogLikelihood(d *Data, grad []float64) float64 {
	obj := newObjective(m.Kind, aggregate(d))
	g := make([]float64, 4)
	ll := logLik(obj, m.theta(), 1, g)
	if grad != nil {
		copy(grad, g)
	}
	return ll
}

// FitPurchases fits a BG/NBD or Pareto/NBD model to d by maximum likelihood.
// A fit that does not converge returns a *FitError (and no model).
func FitPurchases(kind Kind, d *Data, opt FitOptions) (*Purchases, error) {
	if kind != BGNBD && kind != ParetoNBD {
		return nil, fmt.Errorf("clv: unknown model kind %d", int(kind))
	}
	if err := d.Check(); err != nil {
		return nil, err
	}
	if d.Len() < 2 {
		return nil, fmt.Errorf("%w: %s needs at least 2 customers, got %d", ErrTooFewCustomers, kind, d.Len())
	}
	if !(opt.Penalizer >= 0) || math.IsInf(opt.Penalizer, 0) {
		return nil, fmt.Errorf("clv: penalizer must be >= 0 and finite, got %g", opt.Penalizer)
	}
	var sx, sT float64
	for i := range d.X {
		sx += d.X[i]
		sT += d.T[i]
	}
	n := float64(d.Len())
	if sx == 0 {
		return nil, fmt.Errorf("%w: %s needs at least one repeat purchase (every x is 0)", ErrTooFewCustomers, kind)
	}
	if sT == 0 {
		return nil, fmt.Errorf("%w: %s needs customers observed for some time (every T is 0)", ErrTooFewCustomers, kind)
	}
	// Start where a Poisson rate matches the mean purchase rate: r/alpha ≈ x̄/T̄.
	meanT := sT / n
	alpha0 := meanT / math.Max(sx/n, 1e-3)
	start := []float64{1, alpha0, 1, 1}
	if kind == ParetoNBD {
		start = []float64{1, alpha0, 1, meanT}
	}
	r := aggregate(d)
	obj := newObjective(kind, r)
	names := paramNames(kind)
	res, err := maximize(kind.String(), names, obj, start, r.total, opt)
	if err != nil {
		return nil, err
	}
	m, _ := NewPurchases(kind, res.theta)
	m.LogLik, m.Iterations, m.Converged, m.Customers = res.loglik, res.iterations, res.converged, d.Len()
	se := stdErrors(obj, res.theta, opt.Threads)
	m.StdErr = make(map[string]float64, 4)
	for i, n := range names {
		m.StdErr[n] = se[i]
	}
	return m, nil
}

// PAlive is the probability that a customer with x repeat purchases, the last at
// t_x, observed for T periods, is still alive at T.
func (m *Purchases) PAlive(x, tx, T float64) float64 {
	if m.Kind == ParetoNBD {
		return m.paretoPAlive(x, tx, T)
	}
	if x == 0 {
		return 1
	}
	// 1 / (1 + a/(b+x-1) ((α+T)/(α+t_x))^(r+x)), in log space.
	l := math.Log(m.A) - math.Log(m.B+x-1) + (m.R+x)*(math.Log(m.Alpha+T)-math.Log(m.Alpha+tx))
	return 1 / (1 + math.Exp(l))
}

// ExpectedPurchases is the expected number of purchases in the next t periods
// (T, T+t] of a customer with x repeat purchases, the last at t_x, observed for T
// periods.
func (m *Purchases) ExpectedPurchases(t, x, tx, T float64) float64 {
	if t <= 0 {
		return 0
	}
	if m.Kind == ParetoNBD {
		return m.paretoExpected(t, x, tx, T)
	}
	return m.bgnbdExpectedAlive(t, x, T) * m.PAlive(x, tx, T)
}

// expectedAlive is ExpectedPurchases divided by PAlive: the expected purchases
// in the next t periods of a customer known to be alive at T.
func (m *Purchases) expectedAlive(t, x, T float64) float64 {
	if t <= 0 {
		return 0
	}
	if m.Kind == ParetoNBD {
		return (m.R + x) * (m.Beta + T) / (m.Alpha + T) * powTerm(m.S-1, math.Log((m.Beta+T)/(m.Beta+T+t)))
	}
	return m.bgnbdExpectedAlive(t, x, T)
}

// bgnbdExpectedAlive is Fader, Hardie and Lee (2005) eq. 10 without the P(alive)
// denominator:
//
//	(a+b+x-1)/(a-1) [1 - ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(α+T+t))]
//
// evaluated after Euler's transformation, which turns the product into
// (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z), bounded for any x.
func (m *Purchases) bgnbdExpectedAlive(t, x, T float64) float64 {
	if math.Abs(m.A-1) < 1e-7 {
		// The expression is 0/0 at a = 1; its limit is the mean of the two sides.
		return (bgnbdExpectedAliveAt(m.R, m.Alpha, 1-1e-7, m.B, t, x, T) + bgnbdExpectedAliveAt(m.R, m.Alpha, 1+1e-7, m.B, t, x, T)) / 2
	}
	return bgnbdExpectedAliveAt(m.R, m.Alpha, m.A, m.B, t, x, T)
}

func bgnbdExpectedAliveAt(r, alpha, a, b, t, x, T float64) float64 {
	z := t / (alpha + T + t)
	c := a + b + x - 1
	lh := (a - 1) * math.Log1p(-z)
	h := hyp2f1(a+b-1-r, a-1, c, z)
	// 1 - e^lh h, keeping precision when t is small.
	v := -math.Expm1(lh) - math.Exp(lh)*(h-1)
	return c / (a - 1) * v
}

// ExpectedNew is E[X(t)], the expected number of repeat purchases in the first t
// periods of a customer just acquired.
func (m *Purchases) ExpectedNew(t float64) float64 {
	if t <= 0 {
		return 0
	}
	if m.Kind == ParetoNBD {
		// r β / (α (s-1)) [1 - (β/(β+t))^(s-1)]
		return m.R * m.Beta / m.Alpha * powTerm(m.S-1, math.Log(m.Beta/(m.Beta+t)))
	}
	return m.bgnbdExpectedAlive(t, 0, 0)
}

// powTerm returns (1 - e^(k l)) / k, and its limit -l as k → 0.
func powTerm(k, l float64) float64 {
	if math.Abs(k*l) < 1e-12 {
		return -l
	}
	return -math.Expm1(k*l) / k
}

// ProbPurchases is P(X(t) = n), the probability that a customer just acquired
// makes exactly n repeat purchases in the first t periods.
func (m *Purchases) ProbPurchases(n int, t float64) float64 {
	if n < 0 || t < 0 {
		return 0
	}
	if t == 0 {
		if n == 0 {
			return 1
		}
		return 0
	}
	if m.Kind == ParetoNBD {
		return m.paretoProb(n, t)
	}
	// Fader, Hardie and Lee (2005) eq. 8.
	r, alpha, a, b := m.R, m.Alpha, m.A, m.B
	x := float64(n)
	lbab := mathext.Lbeta(a, b)
	lnb := lgamma(r+x) - lgamma(r) - lgamma(x+1) + r*math.Log(alpha/(alpha+t)) + x*math.Log(t/(alpha+t))
	p := math.Exp(mathext.Lbeta(a, b+x) - lbab + lnb)
	if n > 0 {
		// 1 - sum_{j<x} NBD(j) = P(NBD >= x) = I_{t/(α+t)}(x, r).
		tail := mathext.RegIncBeta(x, r, t/(alpha+t))
		p += math.Exp(mathext.Lbeta(a+1, b+x-1)-lbab) * tail
	}
	return p
}
