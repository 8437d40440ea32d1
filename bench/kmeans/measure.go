package main

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"slices"
	"time"

	"github.com/seed-a084b42d/marketsql/algorithms/kmeans"
	"gonum.org/v1/gonum/mat"
)

// fitStat is the timing of one configuration: medians over reps, plus what
// the last fit returned (fits are deterministic for a seed).
type fitStat struct {
	MedianS float64 `json:"median_s"`
	MinS    float64 `json:"min_s"`
	MaxS    float64 `json:"max_s"`
	Reps    int     `json:"reps"`
	NIter   int     `json:"n_iter"`
	Inertia float64 `json:"inertia"`
	// InertiaCheck is |reported − recomputed| / recomputed, where recomputed is
	// the inertia of the returned labels and centroids computed here (ours only).
	InertiaCheck *float64 `json:"inertia_check_rel,omitempty"`
	// Unstable is set when reps returned different inertias or iteration counts.
	Unstable bool `json:"unstable,omitempty"`
}

// seedStat is one timed fit per seed (seeds 0..n-1, n_init=1 each, after
// the warm-up of the seed-0 measurement): on randomized data one seed's
// k-means++ draw decides the local optimum, so a single seed is luck.
type seedStat struct {
	Seeds   []uint64  `json:"seeds"`
	FitS    []float64 `json:"fit_s"`
	NIter   []int     `json:"n_iter"`
	Inertia []float64 `json:"inertia"`
}

// totalStat is a training with its metrics, medians over reps. Ours: the
// seconds of kmeans_train's summary, FitS its init + iterate timings and
// MetricsS its metrics timing; sklearn: KMeans.fit, then silhouette_score
// (sample_size=10000, random_state=0), davies_bouldin_score and
// calinski_harabasz_score, FitS and MetricsS their parts.
type totalStat struct {
	MedianS  float64            `json:"median_s"`
	FitS     float64            `json:"fit_s"`
	MetricsS float64            `json:"metrics_s"`
	Reps     int                `json:"reps"`
	Timings  map[string]float64 `json:"timings,omitempty"` // ours: medians of the summary's timings
}

// passStat is the cost of one Lloyd pass (assign every row, update centroids).
type passStat struct {
	MedianS float64 `json:"median_s"`
	Method  string  `json:"method"`
}

// line is one JSON line of results, written by this program (side "ours")
// and by peer.py (side "sklearn").
type line struct {
	Side    string    `json:"side"`
	Dataset string    `json:"dataset"`
	N       int       `json:"n"`
	D       int       `json:"d"`
	K       int       `json:"k"`
	Threads int       `json:"threads"`
	Fit     *fitStat  `json:"fit,omitempty"`   // ours, Algorithm: Auto
	Lloyd   *fitStat  `json:"lloyd,omitempty"` // sklearn algorithm="lloyd"
	Elkan   *fitStat  `json:"elkan,omitempty"` // sklearn algorithm="elkan"
	Pass    *passStat `json:"pass,omitempty"`
	// Per-seed fits: ours (Algorithm Auto) and sklearn's lloyd and elkan.
	Seeds      *seedStat `json:"seeds,omitempty"`
	SeedsLloyd *seedStat `json:"seeds_lloyd,omitempty"`
	SeedsElkan *seedStat `json:"seeds_elkan,omitempty"`
	// Total is a training with its default metrics: ours kmeans_train
	// through SQL, sklearn's fit plus its three metrics (rows with NInit).
	Total  *totalStat `json:"total,omitempty"`
	Errors []string   `json:"errors,omitempty"`
	// OthersCPU is the average number of CPUs other processes kept busy
	// during the measurement (machine busy time minus our own), if known.
	OthersCPU *float64 `json:"others_cpu,omitempty"`
	Info      string   `json:"info,omitempty"`
}

// benchConfig holds the knobs of one measurement.
type benchConfig struct {
	Reps       int           // timed fits after one warm-up
	Budget     time.Duration // fewer reps when reps × warm-up time would exceed it
	PassIters  int           // MaxIter of the long fixed-iteration Lloyd run
	Threads    int           // kmeans.Options.Threads
	FitTimeout time.Duration // per Fit call
	Seeds      int           // seeds 0..Seeds-1 timed once each (0: none)
	NumPyRNG   bool          // draw k-means++ from numpy's stream, as scikit-learn does for the same seed
}

// fitOptions are the parameters: k-means++, one init, 100 iterations,
// tol 1e-4 (scaled by the mean feature variance, as scikit-learn does), and
// the given seed. With numpy, k-means++ draws numpy's RandomState(seed)
// stream, so both sides start from the same rows and the comparison is one
// of speed on the same work, not of two random draws.
func fitOptions(k, threads int, seed uint64, numpy bool) kmeans.Options {
	return kmeans.Options{K: k, Init: kmeans.InitKMeansPlusPlus, NInit: 1, MaxIter: 100, Tol: 1e-4,
		Seed: seed, Algorithm: kmeans.Auto, Threads: threads, NumPyRandom: numpy}
}

// restartOptions are scikit-learn's KMeans defaults with nInit restarts
// (max_iter 300, tol 1e-4, k-means++), seed 0, and our default random
// stream, as kmeans_train uses them.
func restartOptions(k, nInit, threads int) kmeans.Options {
	o := kmeans.Defaults()
	o.K, o.NInit, o.Threads = k, nInit, threads
	return o
}

// timeSeeds fits once per seed 0..cfg.Seeds-1 (no warm-up: the seed-0
// measurement just ran the same code on the same data).
func timeSeeds(ctx context.Context, cfg benchConfig, x *mat.Dense, k int) (*seedStat, error) {
	st := &seedStat{}
	for s := range uint64(cfg.Seeds) {
		runtime.GC() // each fit starts from a collected heap (see timeFit)
		t0 := time.Now()
		r, err := fitRecover(ctx, cfg.FitTimeout, x, fitOptions(k, cfg.Threads, s, cfg.NumPyRNG))
		if err != nil {
			return nil, fmt.Errorf("seed %d: %w", s, err)
		}
		st.Seeds = append(st.Seeds, s)
		st.FitS = append(st.FitS, time.Since(t0).Seconds())
		st.NIter = append(st.NIter, r.Iterations)
		st.Inertia = append(st.Inertia, r.Inertia)
	}
	return st, nil
}

// timeFit runs fit once untimed, then cfg.Reps timed (fewer if over budget).
func timeFit(ctx context.Context, cfg benchConfig, fit func(context.Context) (*kmeans.Result, error)) (*fitStat, *kmeans.Result, error) {
	call := func() (dt time.Duration, r *kmeans.Result, err error) {
		cctx, cancel := context.WithTimeout(ctx, cfg.FitTimeout)
		defer cancel()
		defer func() {
			if p := recover(); p != nil { // report a crashing Fit as this row's error
				err = fmt.Errorf("panic: %v", p)
			}
		}()
		// The previous fit's garbage (hundreds of MB at a million rows) is
		// collected first, outside the timing: otherwise whether a
		// collection's dedicated worker, one of the two CPUs, lands inside
		// a fit decides between two modes 2× apart.
		runtime.GC()
		t0 := time.Now()
		r, err = fit(cctx)
		return time.Since(t0), r, err
	}
	warm, _, err := call()
	if err != nil {
		return nil, nil, err
	}
	reps := cfg.Reps
	if cfg.Budget > 0 && warm > 0 {
		if fit := int(cfg.Budget / warm); fit < reps {
			reps = max(fit, 1)
		}
	}
	ts := make([]float64, 0, reps)
	var last *kmeans.Result
	st := &fitStat{Reps: reps}
	for i := 0; i < reps; i++ {
		dt, r, err := call()
		if err != nil {
			return nil, nil, err
		}
		ts = append(ts, dt.Seconds())
		if last != nil && (r.Inertia != last.Inertia || r.Iterations != last.Iterations) {
			st.Unstable = true
		}
		last = r
	}
	st.MedianS, st.MinS, st.MaxS = median(ts), slices.Min(ts), slices.Max(ts)
	st.NIter, st.Inertia = last.Iterations, last.Inertia
	return st, last, nil
}

// passSamples is how many timed iterations the per-pass figure wants at
// least (more fits are run, up to maxPassRuns, when fits converge early).
const (
	passSamples = 10
	maxPassRuns = 15
)

// lloydPass measures one Lloyd iteration (assign every row, update the
// centroids, check convergence) inside a real fit: kmeans.Fit with Algorithm
// Lloyd from the first k rows, Tol 0, MaxIter cfg.PassIters, timestamping the
// Progress callback that ends each iteration. Iteration i's time is the gap
// between the callbacks ending iterations i−1 and i, for i ≥ 2, so nothing
// paid once per fit (validation, centring, the final labelling) is counted.
// The figure is the median over every iteration of every timed fit (one
// warm-up fit first; at least cfg.Reps fits, more up to 15 until there are 10
// iterations). peer.py times scikit-learn's loop body the same way. If Fit
// reports no per-iteration progress, it falls back to lloydPassDiff.
func lloydPass(ctx context.Context, cfg benchConfig, x *mat.Dense, k int) (*passStat, error) {
	_, d := x.Dims()
	start := mat.DenseCopyOf(x.Slice(0, k, 0, d))
	var samples []float64
	maxIter := 0
	for runs := -1; runs < cfg.Reps || (len(samples) < passSamples && runs < maxPassRuns); runs++ {
		var stamps []time.Time
		last := 0
		opts := kmeans.Options{K: k, Centroids: mat.DenseCopyOf(start), NInit: 1, MaxIter: cfg.PassIters, Tol: 0,
			Algorithm: kmeans.Lloyd, Threads: cfg.Threads,
			Progress: func(p kmeans.Progress) {
				if p.Phase == "iterate" && p.Iteration != last {
					now := time.Now()
					if p.Iteration != last+1 {
						stamps = stamps[:0] // not consecutive: start over
					}
					last = p.Iteration
					stamps = append(stamps, now)
				}
			}}
		r, err := fitRecover(ctx, cfg.FitTimeout, x, opts)
		if err != nil {
			return nil, err
		}
		if len(stamps) < 2 {
			if r.Iterations >= 2 {
				return lloydPassDiff(ctx, cfg, x, k) // no per-iteration callbacks
			}
			break
		}
		maxIter = max(maxIter, len(stamps))
		if runs < 0 {
			continue // warm-up
		}
		for i := 1; i < len(stamps); i++ {
			samples = append(samples, stamps[i].Sub(stamps[i-1]).Seconds())
		}
	}
	if len(samples) == 0 {
		return nil, fmt.Errorf("lloyd pass: the fit from the first %d rows converged at once", k)
	}
	return &passStat{MedianS: median(samples),
		Method: fmt.Sprintf("median of %d Lloyd iterations (2..%d) inside fits from the first k rows, Tol 0, timed by Progress",
			len(samples), maxIter)}, nil
}

// lloydPassDiff measures one Lloyd pass as the difference of two Lloyd fits from
// the same explicit start (the first k rows, Tol 0) that both stop at their
// iteration limit: t[MaxIter=j] − t[MaxIter=1], divided by j − 1. Both runs
// pay once for what is not a pass (validation, tolerance scaling, the final
// labelling and inertia), so it cancels. j is cfg.PassIters, or one less than
// the iteration at which labels stop changing if that comes first (a run that
// converges skips scikit-learn's final labelling and would bias the
// difference). It is noisier than lloydPass: a fallback.
func lloydPassDiff(ctx context.Context, cfg benchConfig, x *mat.Dense, k int) (*passStat, error) {
	_, d := x.Dims()
	start := mat.DenseCopyOf(x.Slice(0, k, 0, d))
	run := func(maxIter, reps int) (*fitStat, error) {
		c := cfg
		c.Reps = reps
		st, _, err := timeFit(ctx, c, func(ctx context.Context) (*kmeans.Result, error) {
			opts := kmeans.Options{K: k, Centroids: mat.DenseCopyOf(start), NInit: 1, MaxIter: maxIter, Tol: 0,
				Algorithm: kmeans.Lloyd, Threads: cfg.Threads}
			return kmeans.Fit(ctx, x, nil, opts)
		})
		return st, err
	}
	reps := cfg.Reps
	long, err := run(cfg.PassIters, reps)
	if err != nil {
		return nil, err
	}
	if j := long.NIter - 1; long.NIter < cfg.PassIters && j >= 2 {
		// Fewer passes in the difference: more reps (up to 15) to keep its noise down.
		reps = min(max(reps, (reps*(cfg.PassIters-1)+j-2)/(j-1)), 15)
		if long, err = run(j, reps); err != nil {
			return nil, err
		}
	}
	j := long.NIter
	if j < 2 {
		return &passStat{MedianS: long.MedianS / float64(max(j, 1)),
			Method: fmt.Sprintf("t[MaxIter=%d] / %d iterations (converged at once), Lloyd from the first k rows", cfg.PassIters, j)}, nil
	}
	short, err := run(1, reps)
	if err != nil {
		return nil, err
	}
	return &passStat{MedianS: (long.MedianS - short.MedianS) / float64(j-short.NIter),
		Method: fmt.Sprintf("(t[MaxIter=%d] - t[MaxIter=%d]) / %d, Lloyd from the first k rows, Tol 0", j, short.NIter, j-short.NIter)}, nil
}

// fitRecover calls kmeans.Fit with a timeout and turns a panic into an error.
func fitRecover(ctx context.Context, timeout time.Duration, x *mat.Dense, opts kmeans.Options) (r *kmeans.Result, err error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return kmeans.Fit(ctx, x, nil, opts)
}

// inertiaOf recomputes the inertia of labels and centroids, to check what Fit reports.
func inertiaOf(x *mat.Dense, r *kmeans.Result) (float64, error) {
	n, d := x.Dims()
	if len(r.Labels) != n || r.Centroids == nil {
		return 0, fmt.Errorf("result has %d labels for %d rows", len(r.Labels), n)
	}
	k, cd := r.Centroids.Dims()
	if cd != d {
		return 0, fmt.Errorf("centroids have %d columns, data %d", cd, d)
	}
	var s float64
	for i := 0; i < n; i++ {
		l := r.Labels[i]
		if l < 0 || l >= k {
			return 0, fmt.Errorf("label %d of row %d out of range", l, i)
		}
		row, c := x.RawRowView(i), r.Centroids.RawRowView(l)
		for j := range row {
			t := row[j] - c[j]
			s += t * t
		}
	}
	return s, nil
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return math.NaN()
	}
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}
