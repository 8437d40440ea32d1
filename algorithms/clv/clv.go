// Package clv fits customer-lifetime-value models by maximum likelihood: the
// BG/NBD and Pareto/NBD models of repeat purchasing (how many purchases a customer
// makes and whether they are still "alive") and the Gamma-Gamma model of the
// average order value, and combines them into a discounted customer lifetime value.
//
// The models and their expressions follow Fader, Hardie and Lee, "Counting Your
// Customers the Easy Way: An Alternative to the Pareto/NBD Model" (Marketing
// Science, 2005), Schmittlein, Morrison and Colombo (1987) with Fader and Hardie's
// note "A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005), and
// Fader, Hardie and Lee, "RFM and CLV: Using Iso-Value Curves for Customer Base
// Analysis" (Journal of Marketing Research, 2005). The conventions (penalizer,
// the lifetime-value sum) are those of the Python package lifetimes.
//
// Every fit works in log-parameters (all parameters are positive) with BFGS and
// analytic gradients; the likelihoods are evaluated in log space so customers with
// a thousand repeat purchases neither overflow nor underflow. Identical customer
// rows are aggregated with counts before fitting, and the log-likelihood is summed
// over fixed chunks in a fixed order, so a fit does not depend on the thread count.
//
// The package is pure numerics: slices in, numbers out.
package clv

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/optimize"
)

// Kind is a purchase (transaction-count) model.
type Kind int

const (
	// BGNBD is the beta-geometric/negative-binomial model of Fader, Hardie and Lee (2005).
	BGNBD Kind = iota
	// ParetoNBD is the Pareto/NBD model of Schmittlein, Morrison and Colombo (1987).
	ParetoNBD
)

// String returns "bgnbd" or "pareto_nbd".
func (k Kind) String() string {
	switch k {
	case BGNBD:
		return "bgnbd"
	case ParetoNBD:
		return "pareto_nbd"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(s) {
	case "bgnbd", "bg/nbd", "bg_nbd":
		return BGNBD, nil
	case "pareto_nbd", "pareto/nbd", "paretonbd":
		return ParetoNBD, nil
	}
	return 0, fmt.Errorf("clv: unknown model %q; use \"bgnbd\" or \"pareto_nbd\"", s)
}

// Data is one row per customer in the model's time unit (days, weeks, ...):
// X is the number of repeat purchases (a non-negative integer), TX the recency
// (time of the last purchase since the first; 0 when X is 0) and T the age (time
// from the first purchase to the end of the calibration period), with TX <= T.
//
// A row with X > 0 and TX == 0 is legal: it arises when purchases are counted per
// period and the repeat purchases fall in the first period.
type Data struct {
	X, TX, T []float64
}

// Len returns the number of customers.
func (d *Data) Len() int { return len(d.X) }

// Check returns an error naming the first bad row: slices of different lengths, a
// negative, non-finite or non-integer X, a negative or non-finite TX or T, TX > T,
// or X == 0 with TX != 0.
func (d *Data) Check() error {
	if len(d.TX) != len(d.X) || len(d.T) != len(d.X) {
		return fmt.Errorf("clv: data columns differ in length: x %d, t_x %d, T %d", len(d.X), len(d.TX), len(d.T))
	}
	for i := range d.X {
		x, tx, T := d.X[i], d.TX[i], d.T[i]
		bad := ""
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(tx) || math.IsInf(tx, 0) || math.IsNaN(T) || math.IsInf(T, 0):
			bad = "values must be finite"
		case x < 0:
			bad = "x (repeat purchases) must be >= 0"
		case x != math.Trunc(x):
			bad = "x (repeat purchases) must be a whole number"
		case tx < 0:
			bad = "t_x (recency) must be >= 0"
		case T < 0:
			bad = "T (age) must be >= 0"
		case tx > T:
			bad = "t_x (recency) must not exceed T (age)"
		case x == 0 && tx != 0:
			bad = "t_x (recency) must be 0 when x is 0"
		}
		if bad != "" {
			return fmt.Errorf("clv: row %d (x=%g, t_x=%g, T=%g): %s", i, x, tx, T, bad)
		}
	}
	return nil
}

// FitOptions controls a maximum-likelihood fit. The zero value is usable.
type FitOptions struct {
	// Penalizer is an L2 penalty on the parameters added to the mean negative
	// log-likelihood, as lifetimes' penalizer_coef: Penalizer * sum(param^2).
	// 0 means none.
	Penalizer float64
	// MaxIter bounds the optimizer's major iterations; 0 means DefaultMaxIter.
	MaxIter int
	// Threads is the number of goroutines evaluating the log-likelihood; 0 means
	// all cores. The result does not depend on it.
	Threads int
	// Check is polled at every evaluation; an error it returns aborts the fit and
	// is returned (wrapped).
	Check func() error
	// Progress, when set, is called after every major iteration with the
	// iteration number and the current (unpenalized) total log-likelihood.
	Progress func(iter int, loglik float64)
}

// DefaultMaxIter is the iteration limit when FitOptions.MaxIter is 0.
const DefaultMaxIter = 500

// FitError reports a fit that did not converge: what the optimizer reached.
type FitError struct {
	Model      string
	Iterations int
	LogLik     float64
	Params     map[string]float64
	Status     string
}

// ParamText is the parameters the optimizer reached, by name in sorted
// order: "a=0.79, alpha=4.41, ...".
func (e *FitError) ParamText() string {
	names := make([]string, 0, len(e.Params))
	for k := range e.Params {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for i, k := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%.6g", k, e.Params[k])
	}
	return b.String()
}

func (e *FitError) Error() string {
	return fmt.Sprintf("clv: %s fit did not converge after %d iterations (%s; log-likelihood %.6g at %s); raise the iteration limit, add a penalizer or check the data",
		e.Model, e.Iterations, e.Status, e.LogLik, e.ParamText())
}

// ErrTooFewCustomers is returned (wrapped) when there is too little data to fit.
var ErrTooFewCustomers = errors.New("clv: too few customers")

// chunkSize is the number of aggregated rows per partial sum. It is fixed (not
// derived from the thread count) so the reduction order, and hence every bit of
// the result, is the same for any number of threads.
const chunkSize = 2048

// objective is a model's log-likelihood over aggregated rows: eval adds the
// weighted log-likelihood of rows [lo, hi) and its gradient with respect to the
// natural parameters into grad, and returns the log-likelihood.
type objective interface {
	n() int
	prepare(theta []float64) // per-evaluation tables (per distinct x)
	eval(theta []float64, lo, hi int, grad []float64) float64
}

// forChunks runs work(c) for every chunk c of nchunks on up to threads
// goroutines (0: all cores), each taking the next chunk as it is free; on
// one thread it runs on the caller's goroutine.
func forChunks(threads, nchunks int, work func(c int)) {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	threads = min(threads, nchunks)
	if threads <= 1 {
		for c := range nchunks {
			work(c)
		}
		return
	}
	var wg sync.WaitGroup
	var next atomic.Int64
	for range threads {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := int(next.Add(1) - 1); c < nchunks; c = int(next.Add(1) - 1) {
				work(c)
			}
		}()
	}
	wg.Wait()
}

// logLik evaluates the total log-likelihood and its gradient (natural parameters)
// over all rows, in parallel over fixed chunks reduced in chunk order.
func logLik(obj objective, theta []float64, threads int, grad []float64) float64 {
	obj.prepare(theta)
	n := obj.n()
	nchunks := (n + chunkSize - 1) / chunkSize
	k := len(theta)
	vals := make([]float64, nchunks)
	grads := make([]float64, nchunks*k)
	forChunks(threads, nchunks, func(c int) {
		lo := c * chunkSize
		hi := min(lo+chunkSize, n)
		vals[c] = obj.eval(theta, lo, hi, grads[c*k:(c+1)*k])
	})
	total := 0.0
	for i := range grad {
		grad[i] = 0
	}
	for c := range nchunks {
		total += vals[c]
		for j := range k {
			grad[j] += grads[c*k+j]
		}
	}
	return total
}

// fitResult is what maximize reports.
type fitResult struct {
	theta      []float64
	loglik     float64
	iterations int
	converged  bool
	status     string
}

// Convergence thresholds of maximize, on the mean negative log-likelihood in
// log-parameters: converged when every gradient component is below
// gradTol, or when the function has stopped decreasing (relative change
// below 1e-15 over 3 iterations) with the gradient below gradTolLoose.
const (
	gradTol      = 1e-9
	gradTolLoose = 1e-6
)

// maximize fits obj from start by minimizing, in log-parameters u = ln θ, the
// mean negative log-likelihood plus the penalty, with gonum's BFGS (More-
// Thuente line search) on the analytic gradient. weight is the number of
// customers.
func maximize(model string, names []string, obj objective, start []float64, weight float64, opt FitOptions) (*fitResult, error) {
	k := len(start)
	maxIter := opt.MaxIter
	if maxIter <= 0 {
		maxIter = DefaultMaxIter
	}
	theta := make([]float64, k)
	g := make([]float64, k)
	// eval returns the objective at u, its gradient in gu and the unpenalized
	// total log-likelihood; a non-finite objective is +Inf.
	// gonum's Minimize evaluates on goroutines of its own, while Check
	// (which may poll SQLite) and Progress must run on the calling
	// goroutine: the caller polls them while the optimizer runs, and an
	// evaluation only reads the stop the caller recorded.
	var stop atomic.Pointer[error]
	var iterations atomic.Int64
	eval := func(u, gu []float64) (float64, float64, error) {
		if e := stop.Load(); e != nil {
			return 0, 0, *e
		}
		pen := 0.0
		for i := range u {
			theta[i] = math.Exp(u[i])
			pen += theta[i] * theta[i]
		}
		ll := logLik(obj, theta, opt.Threads, g)
		f := -ll/weight + opt.Penalizer*pen
		ok := !math.IsNaN(f) && !math.IsInf(f, 0)
		for i, t := range theta {
			// d/du of (-ll/w + P t^2) with t = e^u.
			gu[i] = (-g[i]/weight + 2*opt.Penalizer*t) * t
			ok = ok && !math.IsNaN(gu[i]) && !math.IsInf(gu[i], 0)
		}
		if !ok {
			return math.Inf(1), ll, nil
		}
		return f, ll, nil
	}

	u := make([]float64, k)
	for i, s := range start {
		u[i] = math.Log(s)
	}
	// The optimizer asks for the value and the gradient at a point
	// separately; one evaluation computes both, kept for the other call.
	var (
		lastU         = make([]float64, k)
		lastG         = make([]float64, k)
		lastF, lastLL float64
		have          bool
		evalErr       error
		mu            sync.Mutex // lastLL, read by the caller for progress
	)
	at := func(x []float64) {
		if have && floats.Equal(x, lastU) {
			return
		}
		f, ll, err := eval(x, lastG)
		if err != nil && evalErr == nil {
			evalErr = err
		}
		copy(lastU, x)
		mu.Lock()
		lastF, lastLL, have = f, ll, true
		mu.Unlock()
	}
	if opt.Check != nil {
		if err := opt.Check(); err != nil {
			return nil, fmt.Errorf("clv: %s fit stopped: %w", model, err)
		}
	}
	f0, _, err := eval(u, lastG)
	if err != nil {
		return nil, fmt.Errorf("clv: %s fit stopped: %w", model, err)
	}
	if math.IsInf(f0, 1) {
		return nil, fmt.Errorf("clv: %s log-likelihood is not finite at the starting point; check the data", model)
	}
	problem := optimize.Problem{
		Func: func(x []float64) float64 { at(x); return lastF },
		Grad: func(grad, x []float64) { at(x); copy(grad, lastG) },
		Status: func() (optimize.Status, error) {
			if evalErr != nil {
				return optimize.Failure, evalErr
			}
			return optimize.NotTerminated, nil
		},
	}
	settings := &optimize.Settings{
		GradientThreshold: gradTol,
		MajorIterations:   maxIter,
		Converger:         &optimize.FunctionConverge{Relative: 1e-15, Iterations: 3},
		Recorder:          &recorder{iterations: &iterations},
	}
	var res *optimize.Result
	done := make(chan struct{})
	go func() {
		defer close(done)
		res, err = optimize.Minimize(problem, u, settings, &optimize.BFGS{})
	}()
	tick := time.NewTicker(2 * time.Millisecond)
	reported := int64(0)
	for running := true; running; {
		select {
		case <-done:
			running = false
		case <-tick.C:
		}
		if opt.Check != nil && stop.Load() == nil {
			if e := opt.Check(); e != nil {
				stop.Store(&e)
			}
		}
		if it := iterations.Load(); opt.Progress != nil && it > reported {
			reported = it
			mu.Lock()
			ll := lastLL
			mu.Unlock()
			opt.Progress(int(it), ll)
		}
	}
	tick.Stop()
	if evalErr != nil {
		return nil, fmt.Errorf("clv: %s fit stopped: %w", model, evalErr)
	}
	status, converged := "", false
	if res != nil {
		copy(u, res.X)
		at(u)
		status = res.Status.String()
		switch res.Status {
		case optimize.GradientThreshold:
			converged = true
		case optimize.FunctionConvergence, optimize.Failure:
			// The function stopped decreasing (or the line search found no
			// lower point, as at an optimum below rounding): a stationary
			// point when the gradient is small.
			if floats.Norm(lastG, math.Inf(1)) < gradTolLoose {
				converged, status = true, "no further decrease at a stationary point"
			}
		}
	}
	if err != nil && !converged {
		status = fmt.Sprintf("%s (%v)", status, err)
	}
	iter := 0
	if res != nil {
		iter = res.Stats.MajorIterations
	}
	out := &fitResult{theta: make([]float64, k), loglik: lastLL, iterations: iter, converged: converged, status: status}
	for i := range u {
		out.theta[i] = math.Exp(u[i])
	}
	if !converged {
		fe := &FitError{Model: model, Iterations: iter, LogLik: lastLL, Params: map[string]float64{}, Status: status}
		for i, n := range names {
			fe.Params[n] = out.theta[i]
		}
		return out, fe
	}
	return out, nil
}

// recorder counts the optimizer's major iterations for the caller, which
// reports progress from its own goroutine.
type recorder struct {
	iterations *atomic.Int64
}

func (r *recorder) Init() error { return nil }

func (r *recorder) Record(_ *optimize.Location, op optimize.Operation, stats *optimize.Stats) error {
	if op == optimize.MajorIteration {
		r.iterations.Store(int64(stats.MajorIterations))
	}
	return nil
}

func identity(k int) [][]float64 {
	h := make([][]float64, k)
	for i := range h {
		h[i] = make([]float64, k)
		h[i][i] = 1
	}
	return h
}

// bfgsUpdate applies the BFGS update of the inverse Hessian approximation h:
// H <- (I - ρ s yᵀ) H (I - ρ y sᵀ) + ρ s sᵀ, ρ = 1/(sᵀy).
func bfgsUpdate(h [][]float64, s, y []float64, sy float64) {
	k := len(s)
	hy := make([]float64, k)
	for i := range k {
		for j := range k {
			hy[i] += h[i][j] * y[j]
		}
	}
	yhy := dot(y, hy)
	rho := 1 / sy
	for i := range k {
		for j := range k {
			h[i][j] += rho*((1+rho*yhy)*s[i]*s[j]) - rho*(hy[i]*s[j]+s[i]*hy[j])
		}
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func normInf(a []float64) float64 {
	m := 0.0
	for _, v := range a {
		m = math.Max(m, math.Abs(v))
	}
	return m
}

// stdErrors returns the standard errors of the parameters from the inverse of
// the Hessian of the negative log-likelihood at theta, the Hessian taken by
// central differences of the analytic gradient (step relative to each
// parameter). A parameter whose variance is not positive gets NaN.
func stdErrors(obj objective, theta []float64, threads int) []float64 {
	k := len(theta)
	h := make([][]float64, k)
	gp := make([]float64, k)
	gm := make([]float64, k)
	tt := make([]float64, k)
	for j := range k {
		h[j] = make([]float64, k)
	}
	for j := range k {
		step := 1e-5 * theta[j]
		copy(tt, theta)
		tt[j] = theta[j] + step
		logLik(obj, tt, threads, gp)
		tt[j] = theta[j] - step
		logLik(obj, tt, threads, gm)
		for i := range k {
			h[i][j] = -(gp[i] - gm[i]) / (2 * step)
		}
	}
	return invDiagSE(h)
}
