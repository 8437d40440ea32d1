package recommend

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// ALSOptions configures ALS. DefaultALS returns the documented defaults.
// Regularization and Alpha are used as given, 0 included (no penalty;
// confidence 1 for every entry); a count left at 0, which is not a valid
// setting, means DefaultALS's.
type ALSOptions struct {
	Factors        int     // latent factors; 0 means 64
	Regularization float64 // L2 penalty λ; 0 is none
	Alpha          float64 // confidence c = 1 + Alpha·value; 0 gives confidence 1
	Iterations     int     // alternating sweeps; 0 means 15
	CGSteps        int     // conjugate-gradient steps per row and sweep; 0 means 3
	Seed           uint64  // seeds the initial factors
	// NumPyRandom draws the initial factors as numpy does:
	// default_rng(Seed).random((users, F)) * 0.01, then the items from the
	// same stream (Seed below 2^32), so a fit starts exactly where the numpy
	// reference implementation with that seed starts.
	NumPyRandom bool
	Threads     int // worker goroutines; 0 means all cores
	// InitUsers and InitItems, if set, are the initial factors (users×F and
	// items×F, row-major) instead of seeded uniform [0, 0.01) values.
	InitUsers, InitItems []float32
	// Progress, if set, is called on the calling goroutine after every
	// sweep with the 1-based iteration. It only reports: to stop training,
	// cancel ALS's context.
	Progress func(iteration int)
}

// The documented defaults of ALS, written once: DefaultALS returns them and
// ALS resolves the zero counts to them.
const (
	defaultFactors        = 64
	defaultRegularization = 0.01
	defaultAlpha          = 40
	defaultIterations     = 15
	defaultCGSteps        = 3
)

// DefaultALS returns ALS's documented defaults, those of recommend_train and
// of the implicit library: 64 factors, regularization 0.01, alpha 40, 15
// sweeps of 3 conjugate-gradient steps, seed 0.
func DefaultALS() ALSOptions {
	return ALSOptions{Factors: defaultFactors, Regularization: defaultRegularization, Alpha: defaultAlpha,
		Iterations: defaultIterations, CGSteps: defaultCGSteps}
}

// resolved returns o with its zero counts set to the defaults.
func (o ALSOptions) resolved() ALSOptions {
	for _, f := range []struct {
		v   *int
		def int
	}{{&o.Factors, defaultFactors}, {&o.Iterations, defaultIterations}, {&o.CGSteps, defaultCGSteps}} {
		if *f.v == 0 {
			*f.v = f.def
		}
	}
	return o
}

// Factors is a trained ALS model: row-major users×F and items×F float32
// factor matrices; the score of user u for item i is their dot product.
type Factors struct {
	F     int
	Users []float32
	Items []float32
}

// User returns the factor vector of user u.
func (f *Factors) User(u int) []float32 { return f.Users[u*f.F : (u+1)*f.F] }

// Item returns the factor vector of item i.
func (f *Factors) Item(i int) []float32 { return f.Items[i*f.F : (i+1)*f.F] }

// ALS fits implicit-feedback matrix factorization (Hu, Koren & Volinsky
// 2008) to the user×item matrix x of non-negative values: preference 1 and
// confidence 1+Alpha·value on every stored entry, preference 0 and
// confidence 1 elsewhere. Each half-sweep updates every row with CGSteps
// steps of conjugate gradient warm-started from its current factors
// (Takács et al. 2011), as the implicit library does. Rows are updated in
// parallel; each row's update is independent of the others, so the result
// depends only on the seed, not on the number of threads. ALS polls
// ctx.Err() every few milliseconds of work, on the calling goroutine only,
// and returns its error. Confidences beyond the float32 range, and a sweep
// that leaves a factor NaN or infinite, are a *RangeError.
func ALS(ctx context.Context, x *CSR, opt ALSOptions) (*Factors, error) {
	opt = opt.resolved()
	f := opt.Factors
	if f < 1 || opt.Iterations < 1 || opt.CGSteps < 1 {
		return nil, fmt.Errorf("recommend: ALS needs positive counts, got %d factors, %d iterations, %d CG steps", f, opt.Iterations, opt.CGSteps)
	}
	var rng interface{ Float64() float64 } = rand.New(rand.NewPCG(opt.Seed, 0x6d61726b6574))
	if opt.NumPyRandom {
		if opt.Seed > math.MaxUint32 {
			return nil, fmt.Errorf("recommend: with numpy's random stream the seed must be below 2^32, got %d", opt.Seed)
		}
		rng = NewNumPyRNG(uint32(opt.Seed))
	}
	// Confidences beyond float32's range cannot be trained: say so before
	// allocating anything.
	if maxV, _ := x.ValueRange(); !(opt.Alpha*maxV <= math.MaxFloat32) {
		return nil, rangeError(MethodALS, "the confidences 1 + alpha·value reach %.3g, beyond the float32 range of %.3g", 1+opt.Alpha*maxV, math.MaxFloat32)
	}
	p := &poller{ctx: ctx}
	users, err := uniformFactors(p, rng, x.Rows, f)
	if err != nil {
		return nil, err
	}
	items, err := uniformFactors(p, rng, x.Cols, f)
	if err != nil {
		return nil, err
	}
	m := &Factors{F: f, Users: users, Items: items}
	if opt.InitUsers != nil || opt.InitItems != nil {
		if len(opt.InitUsers) != len(m.Users) || len(opt.InitItems) != len(m.Items) {
			return nil, fmt.Errorf("recommend: initial factors of %d and %d values, want %d×%d and %d×%d",
				len(opt.InitUsers), len(opt.InitItems), x.Rows, f, x.Cols, f)
		}
		copy(m.Users, opt.InitUsers)
		copy(m.Items, opt.InitItems)
	}
	xt, err := x.transpose(ctx)
	if err != nil {
		return nil, err
	}
	cu := confidences(x, opt.Alpha)
	ci := confidences(xt, opt.Alpha)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	threads := threadsOr(opt.Threads)
	yty := make([]float32, f*f)
	work := make([]*cgScratch, threads)
	for w := range work {
		work[w] = newCGScratch(f)
	}
	budget := segmentWork * threads
	for it := 1; it <= opt.Iterations; it++ {
		for half := 0; half < 2; half++ {
			c, xs, ys := cu, m.Users, m.Items
			if half == 1 {
				c, xs, ys = ci, m.Items, m.Users
			}
			if err := gramPolled(ctx, ys, f, opt.Regularization, yty); err != nil {
				return nil, err
			}
			// A row costs about (entries + f)·f per conjugate-gradient step.
			cost := func(r int) int { return (c.indptr[r+1] - c.indptr[r] + f) * f * (opt.CGSteps + 1) }
			err := segments(ctx, 0, c.rows, budget, 0, cost, func(lo, hi int) {
				parallelRange(lo, hi, threads, func(w, a, b int) {
					s := work[w]
					for r := a; r < b; r++ {
						cgRow(c, r, xs[r*f:(r+1)*f], ys, yty, f, opt.CGSteps, s)
					}
				})
			})
			if err != nil {
				return nil, err
			}
		}
		// A sweep that overflowed leaves NaN or infinite factors, and
		// every later sweep spreads them: stop at the first.
		if !allFinite32(m.Users) || !allFinite32(m.Items) {
			return nil, rangeError(MethodALS, "ALS diverged, the factors are not finite after iteration %d", it)
		}
		if opt.Progress != nil {
			opt.Progress(it)
		}
	}
	return m, nil
}

// gramPolled is Gram with ctx.Err() polled between segments of rows; the
// rows are summed in the same order, so the result is Gram's.
func gramPolled(ctx context.Context, y []float32, f int, reg float64, dst []float32) error {
	clear(dst)
	rows := len(y) / f
	step := max(1, segmentWork/(f*f))
	for a := 0; a < rows; a += step {
		if err := ctx.Err(); err != nil {
			return err
		}
		gramAdd(y[a*f:min(a+step, rows)*f], f, dst)
	}
	addDiagonal(dst, f, reg)
	return nil
}

// confMatrix is a CSR matrix of float32 confidences minus one.
type confMatrix struct {
	rows    int
	indptr  []int
	indices []int32
	cm1     []float32 // confidence - 1 = Alpha·value
}

func confidences(x *CSR, alpha float64) *confMatrix {
	c := &confMatrix{rows: x.Rows, indptr: x.Indptr, indices: x.Indices, cm1: make([]float32, len(x.Data))}
	for k, v := range x.Data {
		c.cm1[k] = float32(alpha * v)
	}
	return c
}

// Gram writes YᵀY + reg·I (f×f, row-major) into dst for the row-major
// n×f matrix y.
func Gram(y []float32, f int, reg float64, dst []float32) {
	gram(y, f, reg, dst)
}

type cgScratch struct {
	r, p, ap []float32
}

func newCGScratch(f int) *cgScratch {
	return &cgScratch{r: make([]float32, f), p: make([]float32, f), ap: make([]float32, f)}
}

// cgRow improves the factors x of one row with conjugate gradient on
// (YᵀY + λI + Yᵀ(C-I)Y) x = YᵀCp, as implicit's _least_squares_cg.
func cgRow(c *confMatrix, row int, x, y, yty []float32, f, steps int, s *cgScratch) {
	a, b := c.indptr[row], c.indptr[row+1]
	r, p, ap := s.r, s.p, s.ap
	// r = YᵀCp - A x
	symv(-1, yty, f, x, r)
	for k := a; k < b; k++ {
		yi := y[int(c.indices[k])*f : int(c.indices[k])*f+f]
		cm1 := c.cm1[k]
		axpy((cm1+1)-cm1*dot(yi, x), yi, r)
	}
	copy(p, r)
	rsold := dot(r, r)
	if rsold < 1e-20 {
		return
	}
	for it := 0; it < steps; it++ {
		symv(1, yty, f, p, ap)
		for k := a; k < b; k++ {
			yi := y[int(c.indices[k])*f : int(c.indices[k])*f+f]
			axpy(c.cm1[k]*dot(yi, p), yi, ap)
		}
		den := dot(p, ap)
		if den == 0 {
			return
		}
		alpha := rsold / den
		axpy(alpha, p, x)
		axpy(-alpha, ap, r)
		rsnew := dot(r, r)
		if rsnew < 1e-20 {
			return
		}
		beta := rsnew / rsold
		for j := range p {
			p[j] = r[j] + beta*p[j]
		}
		rsold = rsnew
	}
}

// Loss returns the implicit-ALS objective divided by the number of stored
// entries: Σ c(p - x·y)² over all user×item cells plus λ(|X|² + |Y|²),
// computed without the dense product through XᵀX and YᵀY. It polls
// ctx.Err() every few milliseconds of work and returns its error.
func (m *Factors) Loss(ctx context.Context, x *CSR, alpha, reg float64) (float64, error) {
	f := m.F
	gx, err := gram64(ctx, m.Users, f)
	if err != nil {
		return 0, err
	}
	gy, err := gram64(ctx, m.Items, f)
	if err != nil {
		return 0, err
	}
	l := 0.0
	for k := range gx {
		l += gx[k] * gy[k]
	}
	poll := max(1, segmentWork/(f*max(1, x.NNZ()/max(1, x.Rows))))
	for u := 0; u < x.Rows; u++ {
		if u%poll == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		xu := m.User(u)
		is, vs := x.Row(u)
		for k, i := range is {
			d := float64(dot32(xu, m.Item(int(i))))
			c := 1 + alpha*vs[k]
			l += c*(1-d)*(1-d) - d*d
		}
	}
	for k := range gx {
		if k%(f+1) == 0 {
			l += reg * (gx[k] + gy[k])
		}
	}
	if x.NNZ() > 0 {
		l /= float64(x.NNZ())
	}
	return l, nil
}

// gram64 returns YᵀY in float64, polling ctx between segments of rows.
func gram64(ctx context.Context, y []float32, f int) ([]float64, error) {
	g := make([]float64, f*f)
	poll := max(1, segmentWork/(f*f))
	for r := 0; r+f <= len(y); r += f {
		if (r/f)%poll == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		row := y[r : r+f]
		for a := 0; a < f; a++ {
			va := float64(row[a])
			for b := 0; b < f; b++ {
				g[a*f+b] += va * float64(row[b])
			}
		}
	}
	return g, nil
}

func dot32(a, b []float32) float32 { return dot(a, b) }

// ALSScores writes into dst the score of every item for factor vector x.
// buf is unused (kept for callers' scratch layout).
func (m *Factors) ALSScores(x []float32, dst []float64, buf []float32) {
	f := m.F
	n := len(m.Items) / f
	if useAVX2 && f >= 8 && f%8 == 0 && len(x) >= f && len(dst) >= n && n > 0 {
		scores8(&m.Items[0], &x[0], f, n, &dst[0])
		return
	}
	for i := range n {
		dst[i] = float64(dot(m.Items[i*f:i*f+f], x))
	}
}

// FoldIn returns the factors of a user who is not in the model, from the
// items of a basket and their values (nil means 1 each): the exact
// least-squares solution of the user step, (YᵀY + λI + Yᵀ(C-I)Y) x = YᵀCp,
// given yty = YᵀY + λI (from Gram). It fails only when that system is
// singular.
func (m *Factors) FoldIn(items []int32, values []float64, yty []float32, alpha float64) ([]float32, error) {
	f := m.F
	a := mat.NewSymDense(f, nil)
	for r := 0; r < f; r++ {
		for c := r; c < f; c++ {
			a.SetSym(r, c, float64(yty[r*f+c]))
		}
	}
	rhs := make([]float64, f)
	for k, i := range items {
		v := 1.0
		if values != nil {
			v = values[k]
		}
		cm1 := alpha * v
		yi := m.Item(int(i))
		for r := 0; r < f; r++ {
			rhs[r] += (1 + cm1) * float64(yi[r])
			for c := r; c < f; c++ {
				a.SetSym(r, c, a.At(r, c)+cm1*float64(yi[r])*float64(yi[c]))
			}
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(a) {
		return nil, fmt.Errorf("fold-in: the factor system is not positive definite")
	}
	var sol mat.VecDense
	if err := ch.SolveVecTo(&sol, mat.NewVecDense(f, rhs)); err != nil {
		return nil, fmt.Errorf("fold-in: %w", err)
	}
	out := make([]float32, f)
	for r := range out {
		v := sol.AtVec(r)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("fold-in: non-finite factors")
		}
		out[r] = float32(v)
	}
	return out, nil
}
