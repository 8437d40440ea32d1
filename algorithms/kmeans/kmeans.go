// Package kmeans clusters the rows of a dense matrix with k-means: greedy
// k-means++, random or explicit initialisation, Lloyd's algorithm, exact
// bounded variants that skip distance computations (Hamerly, Elkan), and
// mini-batch k-means for very large inputs. It follows scikit-learn's
// semantics (tolerance scaling, iteration counting, empty-cluster relocation)
// so results can be compared with it, and it is deterministic for a seed
// whatever the number of threads.
//
// It also holds everything else k-means computes: the scoring model (Model:
// the scaler, the centroids, Nearest), the standardization (Scaler,
// WeightedMoments), each row's distance to its centroid (Assign) and the
// quality metrics (Silhouette, DaviesBouldin, CalinskiHarabasz). Defaults
// returns every documented default once.
//
// The package is pure numerics: it sees slices and gonum matrices, never a
// database or a file.
package kmeans

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"time"

	"gonum.org/v1/gonum/mat"
)

// Init selects how initial centroids are chosen when Options.Centroids is nil.
type Init int

const (
	// InitKMeansPlusPlus is scikit-learn's greedy k-means++: each new centre is the
	// best of 2+int(ln k) candidates sampled proportionally to squared distance.
	InitKMeansPlusPlus Init = iota
	// InitRandom picks k distinct rows at random.
	InitRandom
)

// Algorithm selects the iteration scheme.
type Algorithm int

const (
	// Auto picks the fastest exact algorithm; on every shape measured that is
	// Hamerly (see chooseMode).
	Auto Algorithm = iota
	// Lloyd is the classic assign-then-update iteration.
	Lloyd
	// Elkan is exact Lloyd with triangle-inequality bounds (k lower bounds per row).
	Elkan
	// Hamerly is exact Lloyd with one lower bound per row.
	Hamerly
	// MiniBatch is mini-batch k-means (Sculley 2010) as scikit-learn implements it;
	// it is approximate.
	MiniBatch
)

// Progress describes the state of a running fit.
type Progress struct {
	Phase     string  // "init", "iterate", "minibatch"
	Run       int     // 1-based restart number
	Runs      int     // total restarts (NInit)
	Iteration int     // 1-based iteration within the run
	MaxIter   int     // iteration limit
	Inertia   float64 // inertia after the iteration, if known
}

// Options configures Fit. Defaults returns the documented defaults; a field
// left at its zero value means what its comment says (for Tol, zero itself).
type Options struct {
	K         int        // number of clusters, required, 1 <= K <= rows
	Init      Init       // ignored when Centroids is set
	Centroids *mat.Dense // explicit K×d initial centroids; forces a single run
	// NInit is the number of restarts keeping the lowest inertia; 0 means
	// scikit-learn's "auto", resolved by Runs: 1 for k-means++ and explicit
	// centroids, 10 for random.
	NInit int
	// MaxIter is the iteration limit per run (epochs for MiniBatch); 0, not
	// a valid limit, means Defaults' 300 (100 epochs for MiniBatch, as
	// scikit-learn's MiniBatchKMeans).
	MaxIter int
	// Tol is scikit-learn's tol, scaled by the mean feature variance: a run
	// stops when the summed squared centre shift is at most that. 0 is zero:
	// a run stops only when the labels stop changing. Defaults has 1e-4.
	Tol       float64
	Seed      uint64 // seeds every random choice
	Algorithm Algorithm
	BatchSize int // mini-batch size; 0, not a valid size, means Defaults' 1024
	Threads   int // worker goroutines; 0 means GOMAXPROCS. Results do not depend on it
	// SilhouetteSample is the number of rows the silhouette of a fit is
	// computed on (a seeded sample above it; Evaluate uses it): 0 means
	// every row. Defaults has 10000.
	SilhouetteSample int
	// NumPyRandom draws the k-means++ choices from numpy's legacy
	// RandomState(Seed) stream exactly as scikit-learn 1.2.1 does (its first
	// centre uniformly, ignoring weights, as 1.2.1 does), so that a fit picks
	// the same initial centres as KMeans(random_state=Seed) and can be
	// compared with it run for run. Restarts continue the same stream, as in
	// scikit-learn. It needs Init k-means++, not MiniBatch, and Seed < 2^32.
	NumPyRandom bool
	// Progress, if set, is called on the goroutine that called Fit between
	// units of work (at least every few tens of milliseconds of work). It
	// only reports: to stop Fit, cancel its context.
	Progress func(Progress)
}

// The documented defaults, written once: Defaults returns them and Fit
// resolves the zero values that are not valid settings to them.
const (
	defaultMaxIter          = 300
	defaultTol              = 1e-4
	defaultBatchSize        = 1024
	defaultMiniMaxIter      = 100 // scikit-learn's MiniBatchKMeans max_iter, for MaxIter 0 only
	defaultSilhouetteSample = 10000
	randomInitRuns          = 10 // NInit "auto" with random initialisation
)

// Defaults returns the documented defaults (scikit-learn's, except the
// silhouette sample): k-means++, NInit "auto" (see Runs), MaxIter 300, Tol
// 1e-4, Auto (Hamerly), BatchSize 1024, all processors, a silhouette on at
// most 10000 rows, seed 0. K must still be set.
func Defaults() Options {
	return Options{Init: InitKMeansPlusPlus, MaxIter: defaultMaxIter, Tol: defaultTol,
		Algorithm: Auto, BatchSize: defaultBatchSize, SilhouetteSample: defaultSilhouetteSample}
}

// Runs is the number of restarts a fit with these options makes: 1 with
// explicit centroids, NInit when set, and otherwise scikit-learn's "auto":
// 10 for random initialisation, 1 for k-means++.
func (o Options) Runs() int {
	switch {
	case o.Centroids != nil:
		return 1
	case o.NInit > 0:
		return o.NInit
	case o.Init == InitRandom:
		return randomInitRuns
	}
	return 1
}

// Result is a fitted clustering.
type Result struct {
	Centroids  *mat.Dense // K×d
	Labels     []int      // 0-based cluster of each row
	Inertia    float64    // weighted sum of squared distances to the assigned centroid
	Iterations int        // iterations of the winning run, counted as scikit-learn's n_iter_
	Run        int        // 1-based restart that won
	// Init and Iterate split the wall time of the fit's restarts between
	// choosing initial centres (k-means++ or random) and iterating (Lloyd,
	// the bounded variants, mini-batch steps and the final labelling), in
	// proportion to the time the restarts spent in each: restarts may run in
	// parallel, so the two add up to the elapsed time, not the CPU time.
	Init, Iterate time.Duration
}

// ErrInput reports input Fit cannot cluster (bad K, NaN, shape mismatch).
var ErrInput = errors.New("kmeans: invalid input")

// ErrUndefined reports a metric that is not defined for a labelling (the
// silhouette with fewer than 2 or more than n−1 clusters).
var ErrUndefined = errors.New("kmeans: metric undefined for this labelling")

// Fit clusters the rows of x. weights, if non-nil, holds one non-negative
// sample weight per row (scikit-learn's sample_weight); it is used by the
// initialisation, the centroid updates, inertia and the metrics.
// Fit polls ctx.Err() between units of work (every few milliseconds) on the
// calling goroutine only, never from its workers, and returns promptly with
// that error.
//
// Hamerly keeps one lower bound per row (seeded by k-means++ at no extra
// cost); Elkan keeps one per row and centre plus the centre-centre distances
// (n×k extra memory); Auto picks by shape (chooseMode). Both give Lloyd's
// labels: the bounds only skip distance computations whose outcome they
// already know, and a row that needs any is scored against every centre with
// Lloyd's kernel.
//
// Restarts of a small fit (see parallelRuns) run side by side, one per
// thread, each single-threaded; larger fits run one restart at a time on
// every thread. Either way each restart computes the same bits, and the
// winner is the lowest inertia, the earliest restart on ties.
func Fit(ctx context.Context, x *mat.Dense, weights []float64, opts Options) (*Result, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if x == nil || x.IsEmpty() {
		return nil, fmt.Errorf("%w: no rows to cluster", ErrInput)
	}
	n, d := x.Dims()
	if err := checkOptions(&opts, n, d); err != nil {
		return nil, err
	}
	threads := opts.Threads
	if threads == 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	f := &fitter{ctx: ctx, r: runner{threads: threads}, progress: opts.Progress}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dt, meanVar, err := prepare(f, x, weights)
	if err != nil {
		return nil, err
	}
	k := opts.K
	if opts.Centroids == nil {
		pos := 0
		for _, w := range dt.w {
			if w > 0 {
				pos++
			}
		}
		if pos < k {
			return nil, fmt.Errorf("%w: k (%d) is larger than the number of rows with a positive weight (%d)", ErrInput, k, pos)
		}
	}
	tol := opts.Tol * meanVar
	nInit := opts.Runs()
	f.prog.Runs = nInit
	if opts.Algorithm == MiniBatch {
		return fitMiniBatch(f, dt, opts, tol, nInit)
	}
	maxIter := opts.MaxIter
	if maxIter == 0 {
		maxIter = defaultMaxIter
	}
	s := &search{opts: opts, dt: dt, k: k, tol: tol, maxIter: maxIter, mode: chooseMode(opts.Algorithm)}
	start := time.Now()
	if workers := parallelRuns(n, d, nInit, threads, opts.NumPyRandom); workers > 1 {
		err = s.parallel(f, workers, nInit)
	} else {
		err = s.sequential(f, nInit)
	}
	if err != nil {
		return nil, err
	}
	best := s.best
	best.Centroids = uncentre(s.bestCen, dt.mean, k, d)
	best.Init, best.Iterate = splitWall(time.Since(start), s.initTime, s.iterTime)
	return best, nil
}

// splitWall divides the wall time of the restarts in proportion to the time
// they spent seeding and iterating.
func splitWall(wall, init, iter time.Duration) (time.Duration, time.Duration) {
	if init+iter <= 0 {
		return 0, wall
	}
	i := time.Duration(float64(wall) * float64(init) / float64(init+iter))
	return i, wall - i
}

// chooseMode maps the algorithm to an E-step. Auto picks Hamerly for every
// shape: with the SIMD scoring kernel, scoring a row against all k centres
// costs little more than the bookkeeping of Elkan's k bounds, and Hamerly was
// faster in every shape measured (n 100k-1M, d 8-64, k 8-256, separated and
// overlapping clusters; see bench/kmeans/README.md).
func chooseMode(a Algorithm) mode {
	switch a {
	case Lloyd:
		return modeLloyd
	case Hamerly:
		return modeHamerly
	case Elkan:
		return modeElkan
	}
	return modeHamerly
}

// randSource is what the initialisations draw from: math/rand/v2's PCG by
// default, numpy's legacy stream with Options.NumPyRandom.
type randSource interface {
	Float64() float64
	IntN(n int) int
}

// runRand returns the random stream of restart run (1-based) for seed.
func runRand(seed uint64, run int) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15*uint64(run)^0xda942042e4dd58b5))
}

// uncentre adds the column means back and returns the centres as a matrix.
func uncentre(cen, mean []float64, k, d int) *mat.Dense {
	out := make([]float64, k*d)
	for j := range k {
		for t := range d {
			out[j*d+t] = cen[j*d+t] + mean[t]
		}
	}
	return mat.NewDense(k, d, out)
}

func checkOptions(o *Options, n, d int) error {
	switch {
	case o.K < 1 || o.K > n:
		return fmt.Errorf("%w: k must be between 1 and the number of rows (%d), got %d", ErrInput, n, o.K)
	case o.Init != InitKMeansPlusPlus && o.Init != InitRandom:
		return fmt.Errorf("%w: unknown init %d", ErrInput, o.Init)
	case o.Algorithm < Auto || o.Algorithm > MiniBatch:
		return fmt.Errorf("%w: unknown algorithm %d", ErrInput, o.Algorithm)
	case o.NInit < 0:
		return fmt.Errorf("%w: n_init must be at least 1 (0 for the default), got %d", ErrInput, o.NInit)
	case o.SilhouetteSample < 0:
		return fmt.Errorf("%w: silhouette_sample must be at least 1 (0 for every row), got %d", ErrInput, o.SilhouetteSample)
	case o.MaxIter < 0:
		return fmt.Errorf("%w: max_iter must be at least 1 (0 for the default), got %d", ErrInput, o.MaxIter)
	case !(o.Tol >= 0) || math.IsInf(o.Tol, 1):
		return fmt.Errorf("%w: tol must be a finite number >= 0, got %v", ErrInput, o.Tol)
	case o.BatchSize < 0:
		return fmt.Errorf("%w: batch_size must be at least 1 (0 for the default), got %d", ErrInput, o.BatchSize)
	case o.Threads < 0:
		return fmt.Errorf("%w: threads must be at least 1 (0 for all processors), got %d", ErrInput, o.Threads)
	case o.NumPyRandom && (o.Init != InitKMeansPlusPlus || o.Centroids != nil || o.Algorithm == MiniBatch):
		return fmt.Errorf("%w: numpy's random stream is available for k-means++ initialisation only, not with random or explicit centroids or mini-batch", ErrInput)
	case o.NumPyRandom && o.Seed > math.MaxUint32:
		return fmt.Errorf("%w: with numpy's random stream the seed must be below 2^32, got %d", ErrInput, o.Seed)
	}
	if c := o.Centroids; c != nil {
		if c.IsEmpty() {
			return fmt.Errorf("%w: the initial centroids are empty; want %d×%d", ErrInput, o.K, d)
		}
		r, cc := c.Dims()
		if r != o.K || cc != d {
			return fmt.Errorf("%w: the initial centroids are %d×%d; want k×columns = %d×%d", ErrInput, r, cc, o.K, d)
		}
		for j := range r {
			for t := range cc {
				if v := c.At(j, t); math.IsNaN(v) || math.IsInf(v, 0) {
					return fmt.Errorf("%w: initial centroid %d contains NaN or Inf", ErrInput, j)
				}
			}
		}
	}
	return nil
}

// OrderBySize renumbers the clusters so that cluster 0 is the largest (by row
// count, ties broken by the old number) and returns the sizes in the new order.
func (r *Result) OrderBySize() []int {
	k, d := r.Centroids.Dims()
	size := make([]int, k)
	for _, a := range r.Labels {
		size[a]++
	}
	order := make([]int, k) // order[new] = old
	for j := range order {
		order[j] = j
	}
	sort.SliceStable(order, func(a, b int) bool { return size[order[a]] > size[order[b]] })
	perm := make([]int, k) // perm[old] = new
	sizes := make([]int, k)
	cen := mat.NewDense(k, d, nil)
	for nw, old := range order {
		perm[old] = nw
		sizes[nw] = size[old]
		cen.SetRow(nw, r.Centroids.RawRowView(old))
	}
	for i, a := range r.Labels {
		r.Labels[i] = perm[a]
	}
	r.Centroids = cen
	return sizes
}
