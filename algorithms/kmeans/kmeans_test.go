package kmeans

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Fixtures: testdata/kmeans/fixtures.json, written by
// testdata/kmeans/make_fixtures.py with scikit-learn 1.2.1 (each case records
// its exact call).

const testdata = "../../testdata/kmeans"

type skResult struct {
	Labels  []int       `json:"labels"`
	Inertia float64     `json:"inertia"`
	NIter   int         `json:"n_iter"`
	Centers [][]float64 `json:"centers"`
}

type explicitCase struct {
	Name        string      `json:"name"`
	Data        string      `json:"data"`
	K           int         `json:"k"`
	MaxIter     int         `json:"max_iter"`
	Tol         float64     `json:"tol"`
	Note        string      `json:"note"`
	Call        string      `json:"call"`
	InitCenters [][]float64 `json:"init_centers"`
	Weights     []float64   `json:"weights"`
	Lloyd       skResult    `json:"lloyd"`
	Elkan       skResult    `json:"elkan"`
}

type kppCase struct {
	Data          string    `json:"data"`
	K             int       `json:"k"`
	Init          string    `json:"init"`
	Call          string    `json:"call"`
	InertiaBySeed []float64 `json:"inertia_by_seed"`
	BestInertia   float64   `json:"best_inertia"`
	Median        float64   `json:"median_inertia"`
}

type miniCase struct {
	Data          string    `json:"data"`
	K             int       `json:"k"`
	BatchSize     int       `json:"batch_size"`
	Call          string    `json:"call"`
	InertiaBySeed []float64 `json:"inertia_by_seed"`
	NIterBySeed   []int     `json:"n_iter_by_seed"`
	Median        float64   `json:"median_inertia"`
}

type fixtures struct {
	Explicit  []explicitCase `json:"explicit"`
	KPP       []kppCase      `json:"kpp"`
	MiniBatch []miniCase     `json:"minibatch"`
}

var (
	fixOnce sync.Once
	fix     fixtures
	fixData map[string]*mat.Dense
	fixErr  error
)

func loadFixtures(t testing.TB) (fixtures, map[string]*mat.Dense) {
	t.Helper()
	fixOnce.Do(func() {
		b, err := os.ReadFile(filepath.Join(testdata, "fixtures.json"))
		if err != nil {
			fixErr = err
			return
		}
		if fixErr = json.Unmarshal(b, &fix); fixErr != nil {
			return
		}
		fixData = map[string]*mat.Dense{}
		// The six spending columns of the Wholesale customers table.
		if fixData["wholesale"], fixErr = readCSV(filepath.Join(testdata, "wholesale_customers_data.csv"), 2); fixErr != nil {
			return
		}
		fixData["blobs"], fixErr = readCSV(filepath.Join(testdata, "blobs_3000x5.csv"), 0)
	})
	if fixErr != nil {
		t.Fatal(fixErr)
	}
	return fix, fixData
}

// readCSV reads a CSV file with a header, skipping the first skip columns.
func readCSV(path string, skip int) (*mat.Dense, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, err
	}
	recs = recs[1:]
	d := len(recs[0]) - skip
	out := mat.NewDense(len(recs), d, nil)
	for i, r := range recs {
		for j, s := range r[skip:] {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return nil, fmt.Errorf("%s row %d: %w", path, i+1, err)
			}
			out.Set(i, j, v)
		}
	}
	return out, nil
}

func relDiff(a, b float64) float64 {
	if a == b {
		return 0
	}
	return math.Abs(a-b) / math.Max(math.Abs(a), math.Abs(b))
}

var exactAlgorithms = []struct {
	name string
	alg  Algorithm
}{{"lloyd", Lloyd}, {"elkan", Elkan}, {"hamerly", Hamerly}, {"auto", Auto}}

// TestFitMatchesScikitLearn: from the same explicit initial centroids, every
// exact algorithm reaches scikit-learn's labels, inertia (relative 1e-9),
// iteration count and centres. Expected: scikit-learn 1.2.1
// KMeans(init=init_centers, n_init=1, algorithm='lloyd'/'elkan') as recorded
// in each case of testdata/kmeans/fixtures.json.
func TestFitMatchesScikitLearn(t *testing.T) {
	fx, data := loadFixtures(t)
	for _, c := range fx.Explicit {
		x := data[c.Data]
		_, d := x.Dims()
		init := mat.NewDense(c.K, d, nil)
		for j, row := range c.InitCenters {
			init.SetRow(j, row)
		}
		if !slices.Equal(c.Lloyd.Labels, c.Elkan.Labels) || c.Lloyd.NIter != c.Elkan.NIter {
			t.Fatalf("%s: fixture lloyd and elkan disagree", c.Name)
		}
		for _, a := range exactAlgorithms {
			t.Run(c.Name+"/"+a.name, func(t *testing.T) {
				t.Parallel()
				res, err := Fit(context.Background(), x, c.Weights, Options{
					K: c.K, Centroids: init, MaxIter: c.MaxIter, Tol: c.Tol, Algorithm: a.alg, Threads: 2,
				})
				if err != nil {
					t.Fatal(err)
				}
				want := c.Lloyd
				if res.Iterations != want.NIter {
					t.Errorf("iterations %d, scikit-learn %d", res.Iterations, want.NIter)
				}
				if r := relDiff(res.Inertia, want.Inertia); r > 1e-9 {
					t.Errorf("inertia %.12g, scikit-learn %.12g (relative difference %.3g)", res.Inertia, want.Inertia, r)
				}
				diff := 0
				for i, l := range res.Labels {
					if l != want.Labels[i] {
						diff++
					}
				}
				if diff > 0 {
					t.Errorf("%d labels differ from scikit-learn's", diff)
				}
				scale := mat.Norm(x, math.Inf(1))
				for j := range c.K {
					for t2 := range d {
						if e := math.Abs(res.Centroids.At(j, t2) - want.Centers[j][t2]); e > 1e-9*scale {
							t.Errorf("centre %d[%d] = %.12g, scikit-learn %.12g", j, t2, res.Centroids.At(j, t2), want.Centers[j][t2])
						}
					}
				}
			})
		}
	}
}

// TestKMeansPlusPlusQuality: with k-means++ (or random) initialisation and
// n_init=10 our best inertia over five seeds is within 1% of scikit-learn's
// best over its five seeds. Expected: scikit-learn 1.2.1 KMeans(init=...,
// n_init=10, random_state=0..4), the "kpp" cases of fixtures.json.
func TestKMeansPlusPlusQuality(t *testing.T) {
	fx, data := loadFixtures(t)
	for _, c := range fx.KPP {
		t.Run(fmt.Sprintf("%s/k%d/%s", c.Data, c.K, c.Init), func(t *testing.T) {
			t.Parallel()
			init := InitKMeansPlusPlus
			if c.Init == "random" {
				init = InitRandom
			}
			best := math.Inf(1)
			for seed := range uint64(5) {
				res, err := Fit(context.Background(), data[c.Data], nil, Options{
					K: c.K, Init: init, NInit: 10, Tol: 1e-4, Seed: seed, Threads: 2,
				})
				if err != nil {
					t.Fatal(err)
				}
				best = math.Min(best, res.Inertia)
			}
			if best > c.BestInertia*1.01 {
				t.Errorf("best inertia %.10g, scikit-learn %.10g (+%.2f%%)", best, c.BestInertia, 100*(best/c.BestInertia-1))
			}
		})
	}
}

// TestMiniBatchQuality: the median inertia of our MiniBatch over 40 seeds is
// within 3% of scikit-learn's MiniBatchKMeans median over its 40 seeds.
// Expected: the "minibatch" cases of fixtures.json.
func TestMiniBatchQuality(t *testing.T) {
	fx, data := loadFixtures(t)
	for _, c := range fx.MiniBatch {
		t.Run(fmt.Sprintf("%s/k%d/batch%d", c.Data, c.K, c.BatchSize), func(t *testing.T) {
			t.Parallel()
			var in []float64
			for seed := range uint64(40) {
				res, err := Fit(context.Background(), data[c.Data], nil, Options{
					K: c.K, Algorithm: MiniBatch, BatchSize: c.BatchSize, Seed: seed, Threads: 2,
				})
				if err != nil {
					t.Fatal(err)
				}
				if res.Iterations < 1 || res.Iterations > 100 {
					t.Errorf("seed %d: %d epochs", seed, res.Iterations)
				}
				in = append(in, res.Inertia)
			}
			slices.Sort(in)
			med := (in[19] + in[20]) / 2
			if med > c.Median*1.03 {
				t.Errorf("median inertia %.10g, scikit-learn %.10g (+%.2f%%)", med, c.Median, 100*(med/c.Median-1))
			}
		})
	}
}

// blobs returns n rows of k Gaussian blobs in d dimensions (centres uniform
// in [-10,10], standard deviation std), seeded.
func blobs(n, d, k int, std float64, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 1))
	cen := make([]float64, k*d)
	for i := range cen {
		cen[i] = rng.Float64()*20 - 10
	}
	x := mat.NewDense(n, d, nil)
	for i := range n {
		c := rng.IntN(k)
		for j := range d {
			x.Set(i, j, cen[c*d+j]+std*rng.NormFloat64())
		}
	}
	return x
}

// TestBoundedMatchesLloyd: from the same k-means++ initialisation the bounded
// algorithm gives Lloyd's labels, iteration count and inertia (relative 1e-9)
// on data large enough to have many chunks.
func TestBoundedMatchesLloyd(t *testing.T) {
	cases := []struct {
		n, d, k int
		std     float64
		tol     float64
		weights bool
	}{
		{20000, 8, 8, 1, 1e-4, false},
		{20000, 8, 8, 4, 1e-4, false},
		{10000, 16, 30, 3, 0, false},
		{15000, 3, 5, 2, 1e-4, true},
		{5000, 32, 64, 2, 1e-4, false},
		{3000, 2, 1, 1, 1e-4, false},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("n%d_d%d_k%d_std%g_tol%g_w%v", c.n, c.d, c.k, c.std, c.tol, c.weights), func(t *testing.T) {
			t.Parallel()
			x := blobs(c.n, c.d, max(c.k, 2), c.std, uint64(c.n+c.k))
			var w []float64
			if c.weights {
				rng := rand.New(rand.NewPCG(9, 9))
				w = make([]float64, c.n)
				for i := range w {
					w[i] = float64(rng.IntN(4))
				}
			}
			var ref *Result
			for _, a := range exactAlgorithms {
				res, err := Fit(context.Background(), x, w, Options{K: c.k, Tol: c.tol, Seed: 3, Algorithm: a.alg, Threads: 2})
				if err != nil {
					t.Fatal(err)
				}
				if ref == nil {
					ref = res
					continue
				}
				if res.Iterations != ref.Iterations {
					t.Errorf("%s: %d iterations, lloyd %d", a.name, res.Iterations, ref.Iterations)
				}
				if r := relDiff(res.Inertia, ref.Inertia); r > 1e-9 {
					t.Errorf("%s: inertia %.12g, lloyd %.12g", a.name, res.Inertia, ref.Inertia)
				}
				if !slices.Equal(res.Labels, ref.Labels) {
					t.Errorf("%s: labels differ from lloyd", a.name)
				}
			}
		})
	}
}

// TestDeterministicAcrossThreads: the same seed gives bit-identical results
// with 1, 2 and 3 threads for every algorithm and initialisation.
func TestDeterministicAcrossThreads(t *testing.T) {
	x := blobs(40000, 6, 7, 2.5, 11)
	w := make([]float64, 40000)
	for i := range w {
		w[i] = 1 + float64(i%5)/4
	}
	cases := []struct {
		name string
		opts Options
		w    []float64
	}{
		{"kpp_bounded", Options{K: 7, Tol: 1e-4, Seed: 5}, nil},
		{"kpp_lloyd", Options{K: 7, Tol: 1e-4, Seed: 5, Algorithm: Lloyd}, nil},
		{"kpp_elkan_weighted", Options{K: 7, Tol: 1e-4, Seed: 5, Algorithm: Elkan}, w},
		{"random_ninit3", Options{K: 9, Init: InitRandom, NInit: 3, Tol: 1e-4, Seed: 5}, w},
		{"minibatch", Options{K: 7, Algorithm: MiniBatch, Seed: 5}, w},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			var ref *Result
			for _, th := range []int{1, 2, 3} {
				o := c.opts
				o.Threads = th
				res, err := Fit(context.Background(), x, c.w, o)
				if err != nil {
					t.Fatal(err)
				}
				if ref == nil {
					ref = res
					continue
				}
				if math.Float64bits(res.Inertia) != math.Float64bits(ref.Inertia) || res.Iterations != ref.Iterations || res.Run != ref.Run {
					t.Errorf("threads %d: inertia %v iterations %d run %d; threads 1: %v %d %d", th, res.Inertia, res.Iterations, res.Run, ref.Inertia, ref.Iterations, ref.Run)
				}
				if !slices.Equal(res.Labels, ref.Labels) {
					t.Errorf("threads %d: labels differ", th)
				}
				if !slices.Equal(res.Centroids.RawMatrix().Data, ref.Centroids.RawMatrix().Data) {
					t.Errorf("threads %d: centroids differ", th)
				}
			}
		})
	}
}

// goid returns the current goroutine's id (for checking where callbacks run).
func goid() string {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	return strings.Fields(string(b))[1]
}

// ownerCtx is a live context that fails the test when Err is called on a
// goroutine other than the one that made it: algorithms poll their context
// on the calling goroutine only, since a SQL call's context must be polled
// on the connection's goroutine.
type ownerCtx struct {
	context.Context
	t     testing.TB
	owner string
	polls int
}

func newOwnerCtx(t testing.TB) *ownerCtx {
	return &ownerCtx{Context: context.Background(), t: t, owner: goid()}
}

func (c *ownerCtx) Err() error {
	if g := goid(); g != c.owner {
		c.t.Errorf("ctx.Err() called on goroutine %s, the caller is %s", g, c.owner)
		return nil
	}
	c.polls++
	return nil
}

// TestCancellation: a context cancelled before or during Fit (from its
// progress hook) stops it and comes back so that errors.Is finds it;
// progress and ctx.Err() run on the calling goroutine only.
func TestCancellation(t *testing.T) {
	x := blobs(60000, 8, 8, 3, 2)
	for _, alg := range []Algorithm{Lloyd, Hamerly, Elkan, MiniBatch} {
		for _, init := range []Init{InitKMeansPlusPlus, InitRandom} {
			name := fmt.Sprintf("alg%d_init%d", alg, init)
			t.Run(name+"/cancelled_before", func(t *testing.T) {
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				_, err := Fit(ctx, x, nil, Options{K: 8, Algorithm: alg, Init: init})
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("got %v, want context.Canceled", err)
				}
			})
			t.Run(name+"/calling_goroutine", func(t *testing.T) {
				ctx := newOwnerCtx(t)
				calls := 0
				_, err := Fit(ctx, x, nil, Options{K: 8, Algorithm: alg, Init: init, Threads: 4, Progress: func(p Progress) {
					if g := goid(); g != ctx.owner {
						t.Errorf("progress called on goroutine %s, Fit on %s", g, ctx.owner)
					}
					calls++
				}})
				if err != nil || calls == 0 || ctx.polls < calls {
					t.Fatalf("got %v after %d progress calls and %d polls", err, calls, ctx.polls)
				}
			})
			for _, after := range []int{1, 3, 12} {
				t.Run(fmt.Sprintf("%s/cancel_during_%d", name, after), func(t *testing.T) {
					ctx, cancel := context.WithCancel(context.Background())
					defer cancel()
					calls := 0
					_, err := Fit(ctx, x, nil, Options{K: 8, Algorithm: alg, Init: init, Progress: func(p Progress) {
						calls++
						if calls == after {
							cancel()
						}
					}})
					if !errors.Is(err, context.Canceled) && !(err == nil && calls < after) {
						t.Fatalf("got %v after %d calls, want context.Canceled", err, calls)
					}
					if err != nil && calls != after {
						t.Errorf("%d progress calls after cancelling at call %d; want Fit to stop at once", calls-after, after)
					}
				})
			}
		}
	}
}

// TestInputErrors: everything a user can get wrong returns an error wrapping
// ErrInput, never a panic.
func TestInputErrors(t *testing.T) {
	x := mat.NewDense(4, 2, []float64{0, 0, 1, 1, 2, 2, 3, 3})
	nan := mat.NewDense(3, 2, []float64{0, 0, math.NaN(), 1, 2, 2})
	inf := mat.NewDense(3, 2, []float64{0, 0, 1, math.Inf(-1), 2, 2})
	cases := []struct {
		name string
		x    *mat.Dense
		w    []float64
		opts Options
		want string
	}{
		{"k zero", x, nil, Options{K: 0}, "k must be between 1 and the number of rows (4), got 0"},
		{"k too big", x, nil, Options{K: 5}, "got 5"},
		{"nil matrix", nil, nil, Options{K: 1}, "no rows"},
		{"empty matrix", &mat.Dense{}, nil, Options{K: 1}, "no rows"},
		{"nan", nan, nil, Options{K: 2}, "row 1 contains NaN or Inf"},
		{"inf", inf, nil, Options{K: 2}, "row 1 contains NaN or Inf"},
		{"weights length", x, []float64{1, 2}, Options{K: 2}, "weights has 2 values for 4 rows"},
		{"negative weight", x, []float64{1, -1, 1, 1}, Options{K: 2}, "weight of row 1 is -1"},
		{"nan weight", x, []float64{1, math.NaN(), 1, 1}, Options{K: 2}, "weight of row 1"},
		{"zero weights", x, []float64{0, 0, 0, 0}, Options{K: 1}, "weights sum to 0"},
		{"too few weighted rows", x, []float64{0, 0, 1, 0}, Options{K: 2}, "positive weight (1)"},
		{"centroid shape", x, nil, Options{K: 2, Centroids: mat.NewDense(2, 3, nil)}, "2×3; want k×columns = 2×2"},
		{"centroid rows", x, nil, Options{K: 2, Centroids: mat.NewDense(3, 2, nil)}, "3×2"},
		{"centroid nan", x, nil, Options{K: 2, Centroids: mat.NewDense(2, 2, []float64{0, 0, math.NaN(), 0})}, "centroid 1 contains NaN"},
		{"negative tol", x, nil, Options{K: 2, Tol: -1}, "tol must be"},
		{"nan tol", x, nil, Options{K: 2, Tol: math.NaN()}, "tol must be"},
		{"negative max iter", x, nil, Options{K: 2, MaxIter: -1}, "max_iter"},
		{"negative n init", x, nil, Options{K: 2, NInit: -2}, "n_init"},
		{"negative batch", x, nil, Options{K: 2, BatchSize: -2, Algorithm: MiniBatch}, "batch_size"},
		{"negative threads", x, nil, Options{K: 2, Threads: -1}, "threads"},
		{"unknown algorithm", x, nil, Options{K: 2, Algorithm: 99}, "unknown algorithm"},
		{"unknown init", x, nil, Options{K: 2, Init: 7}, "unknown init"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			_, err := Fit(context.Background(), c.x, c.w, c.opts)
			if !errors.Is(err, ErrInput) {
				t.Fatalf("got %v, want ErrInput", err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
			if strings.HasSuffix(err.Error(), ".") || !strings.HasPrefix(err.Error(), "kmeans: ") {
				t.Errorf("error %q: want a lowercase kmeans: prefix and no final period", err)
			}
		})
	}
}

// TestEdgeCases: degenerate but valid inputs.
func TestEdgeCases(t *testing.T) {
	dup := mat.NewDense(6, 2, []float64{1, 1, 1, 1, 1, 1, 1, 1, 5, 5, 5, 5})
	cases := []struct {
		name    string
		x       *mat.Dense
		opts    Options
		inertia float64
	}{
		{"k equals rows", mat.NewDense(3, 1, []float64{0, 1, 5}), Options{K: 3}, 0},
		{"single cluster", mat.NewDense(4, 1, []float64{0, 1, 2, 3}), Options{K: 1}, 5},
		{"duplicates k2", dup, Options{K: 2}, 0},
		{"duplicates k3", dup, Options{K: 3, Algorithm: Lloyd}, 0},
		{"duplicates k3 bounded", dup, Options{K: 3}, 0},
		{"duplicates k3 random", dup, Options{K: 3, Init: InitRandom}, 0},
		{"duplicates k3 minibatch", dup, Options{K: 3, Algorithm: MiniBatch}, 0},
		{"one column max iter 1", mat.NewDense(4, 1, []float64{0, 1, 10, 11}), Options{K: 2, MaxIter: 1, Centroids: mat.NewDense(2, 1, []float64{0, 1})}, 1 + 185.0/9},
		// (one iteration moves centre 1 to 22/3; the final E-step then gives row 1 to centre 0)
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := Fit(context.Background(), c.x, nil, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(res.Inertia-c.inertia) > 1e-9 {
				t.Errorf("inertia %v, want %v", res.Inertia, c.inertia)
			}
			n, _ := c.x.Dims()
			if len(res.Labels) != n {
				t.Fatalf("%d labels for %d rows", len(res.Labels), n)
			}
			for _, l := range res.Labels {
				if l < 0 || l >= c.opts.K {
					t.Fatalf("label %d out of range", l)
				}
			}
		})
	}
}

// TestOrderBySize: clusters are renumbered by decreasing size, ties by the old
// number, and centroids follow their clusters.
func TestOrderBySize(t *testing.T) {
	r := &Result{
		Centroids: mat.NewDense(4, 1, []float64{10, 20, 30, 40}),
		Labels:    []int{0, 1, 1, 2, 2, 2, 3, 3},
	}
	sizes := r.OrderBySize()
	if want := []int{3, 2, 2, 1}; !slices.Equal(sizes, want) {
		t.Errorf("sizes %v, want %v", sizes, want)
	}
	if want := []int{3, 1, 1, 0, 0, 0, 2, 2}; !slices.Equal(r.Labels, want) {
		t.Errorf("labels %v, want %v", r.Labels, want)
	}
	if want := []float64{30, 20, 40, 10}; !slices.Equal(r.Centroids.RawMatrix().Data, want) {
		t.Errorf("centroids %v, want %v", r.Centroids.RawMatrix().Data, want)
	}
}

// TestParallelRestarts: restarts run side by side (a small fit on several
// threads) give the bits of restarts run one after the other, whichever
// finishes first, for every initialisation and algorithm.
func TestParallelRestarts(t *testing.T) {
	t.Parallel()
	x := blobs(3000, 4, 6, 2.5, 9)
	for _, init := range []Init{InitKMeansPlusPlus, InitRandom} {
		for _, alg := range []Algorithm{Auto, Lloyd, Elkan} {
			t.Run(fmt.Sprintf("init%d_alg%d", init, alg), func(t *testing.T) {
				t.Parallel()
				opts := Defaults()
				opts.K, opts.NInit, opts.Init, opts.Algorithm, opts.Seed = 6, 7, init, alg, 4
				if parallelRuns(3000, 4, opts.Runs(), 3, false) < 2 {
					t.Fatal("the fit is not small enough to run its restarts side by side")
				}
				var first *Result
				for _, threads := range []int{1, 2, 3, 1} {
					opts.Threads = threads
					r, err := Fit(context.Background(), x, nil, opts)
					if err != nil {
						t.Fatal(err)
					}
					if first == nil {
						first = r
						continue
					}
					if r.Inertia != first.Inertia || r.Run != first.Run || r.Iterations != first.Iterations ||
						!slices.Equal(r.Labels, first.Labels) || !mat.Equal(r.Centroids, first.Centroids) {
						t.Fatalf("threads %d: run %d inertia %v iterations %d; one thread: run %d inertia %v iterations %d",
							threads, r.Run, r.Inertia, r.Iterations, first.Run, first.Inertia, first.Iterations)
					}
				}
			})
		}
	}
}

// TestBeats: the winner of restarts finishing in any order is the one a
// scan in order keeps.
func TestBeats(t *testing.T) {
	t.Parallel()
	nan := math.NaN()
	for _, runs := range [][]float64{{3, 1, 1, 2}, {nan, 1, 0}, {2, nan, 1, nan}, {5, 5, 5}, {math.Inf(1), math.Inf(1), 4}} {
		want := 1
		for r := 2; r <= len(runs); r++ {
			if runs[r-1] < runs[want-1] {
				want = r
			}
		}
		for _, order := range [][]int{{0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}} {
			best := -1
			for _, i := range order {
				if i >= len(runs) {
					continue
				}
				if best < 0 || beats(runs[i], i+1, runs[best], best+1) {
					best = i
				}
			}
			if best+1 != want {
				t.Errorf("inertias %v in order %v: restart %d wins, a scan keeps %d", runs, order, best+1, want)
			}
		}
	}
}
