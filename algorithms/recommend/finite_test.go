package recommend_test

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
)

// scaled returns a copy of x with every value multiplied by s.
func scaled(x *recommend.CSR, s float64) *recommend.CSR {
	y := *x
	y.Data = make([]float64, len(x.Data))
	for k, v := range x.Data {
		y.Data[k] = v * s
	}
	return &y
}

// TestFitOutOfRange: values that drive a fit out of the floating-point
// range are a *RangeError saying what overflowed, never a model of NaN.
func TestFitOutOfRange(t *testing.T) {
	t.Parallel()
	x := randomMatrix(11, 200, 60, 0.1)
	als := withALSDefaults(recommend.ALSOptions{Factors: 8, Iterations: 3, Seed: 1})
	for _, tc := range []struct {
		name  string
		x     *recommend.CSR
		opt   recommend.Options
		what  string
		small bool
	}{
		{"als confidences beyond float32", scaled(x, 1e40), recommend.Options{Method: recommend.MethodALS, ALS: als},
			"the confidences 1 + alpha·value reach", false},
		{"als diverges", scaled(x, 1e12), recommend.Options{Method: recommend.MethodALS, ALS: als},
			"ALS diverged, the factors are not finite after iteration 1", false},
		{"item_knn cosine overflows", scaled(x, 1e200), recommend.Options{Method: recommend.MethodItemKNN},
			"the squares of an item's values overflow", false},
		{"item_knn cosine underflows", scaled(x, 1e-200), recommend.Options{Method: recommend.MethodItemKNN},
			"the squares of an item's values underflow to 0", true},
		{"item_knn tfidf overflows", scaled(x, 1e307), recommend.Options{Method: recommend.MethodItemKNN, KNN: withKNNDefaults(recommend.KNNOptions{Weighting: recommend.TFIDF})},
			"the squares of an item's values overflow", false},
		{"item_knn bm25 overflows", scaled(x, 3e307), recommend.Options{Method: recommend.MethodItemKNN, KNN: withKNNDefaults(recommend.KNNOptions{Weighting: recommend.BM25})},
			"the BM25 weights are not finite", false},
		{"user_knn overflows", scaled(x, 1e200), recommend.Options{Method: recommend.MethodUserKNN},
			"the squares of a user's values overflow", false},
		{"user_knn underflows", scaled(x, 1e-200), recommend.Options{Method: recommend.MethodUserKNN},
			"the squares of a user's values underflow to 0", true},
		{"infinite value", scaled(x, math.Inf(1)), recommend.Options{Method: recommend.MethodPopular},
			"a (user, item) pair has the value +Inf", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := recommend.Fit(context.Background(), tc.x, tc.opt)
			var re *recommend.RangeError
			if !errors.As(err, &re) || m != nil {
				t.Fatalf("got model %v, error %v; want a *RangeError", m != nil, err)
			}
			if !strings.Contains(re.What, tc.what) || re.Small != tc.small || re.Method != tc.opt.Method {
				t.Errorf("got %+v, want %q (small %v, method %v)", re, tc.what, tc.small, tc.opt.Method)
			}
		})
	}
	// The same values scaled into range train, and the cosine methods do
	// not notice the scale.
	for _, m := range []recommend.Method{recommend.MethodALS, recommend.MethodItemKNN, recommend.MethodUserKNN} {
		a, err := recommend.Fit(context.Background(), scaled(x, 1e100), recommend.Options{Method: m, ALS: withALSDefaults(recommend.ALSOptions{Factors: 8, Iterations: 2, Alpha: 1e-99})})
		if err != nil {
			t.Errorf("%v, values of 1e100: %v", m, err)
			continue
		}
		if m == recommend.MethodItemKNN {
			b, _ := recommend.Fit(context.Background(), x, recommend.Options{Method: m})
			for i := 0; i < x.Cols; i++ {
				ai, as := a.Neighbors.Of(i)
				bi, bs := b.Neighbors.Of(i)
				for k := range min(len(ai), len(bi)) {
					if ai[k] != bi[k] || math.Abs(as[k]-bs[k]) > 1e-12 {
						t.Fatalf("item %d: neighbours of values 1e100 %v %v, of values 1: %v %v", i, ai, as, bi, bs)
					}
				}
			}
		}
	}
}

// TestCheckFinite: a model with a NaN, or with finite numbers whose scores
// overflow, is refused.
func TestCheckFinite(t *testing.T) {
	t.Parallel()
	x := randomMatrix(12, 100, 30, 0.1)
	als, err := recommend.Fit(context.Background(), x, recommend.Options{Method: recommend.MethodALS, ALS: withALSDefaults(recommend.ALSOptions{Factors: 4, Iterations: 2})})
	if err != nil {
		t.Fatal(err)
	}
	knn, err := recommend.Fit(context.Background(), x, recommend.Options{Method: recommend.MethodItemKNN})
	if err != nil {
		t.Fatal(err)
	}
	if err := als.CheckFinite(); err != nil {
		t.Errorf("a fitted ALS model: %v", err)
	}
	if err := knn.CheckFinite(); err != nil {
		t.Errorf("a fitted item-kNN model: %v", err)
	}
	for _, tc := range []struct {
		name   string
		m      *recommend.Model
		damage func()
		want   string
	}{
		{"NaN factor", als, func() { als.Factors.Items[7] = float32(math.NaN()) }, "the factors are not finite"},
		{"huge factors", als, func() { als.Factors.Items[7], als.Factors.Users[3] = 1e20, 1e20 }, "their scores reach"},
		{"NaN similarity", knn, func() { knn.Neighbors.Scores[2] = math.NaN() }, "the item similarities are not finite"},
		{"Inf similarity", knn, func() { knn.Neighbors.Scores[2] = math.Inf(1) }, "the item similarities are not finite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			saveU, saveI := append([]float32(nil), als.Factors.Users...), append([]float32(nil), als.Factors.Items...)
			saveS := append([]float64(nil), knn.Neighbors.Scores...)
			defer func() {
				copy(als.Factors.Users, saveU)
				copy(als.Factors.Items, saveI)
				copy(knn.Neighbors.Scores, saveS)
			}()
			tc.damage()
			var re *recommend.RangeError
			if err := tc.m.CheckFinite(); !errors.As(err, &re) || !strings.Contains(re.What, tc.want) {
				t.Errorf("got %v, want a *RangeError saying %q", err, tc.want)
			}
		})
	}
}

// TestEstimateMemory: the neighbour bound holds what item-kNN keeps, and
// the factors are counted for ALS.
func TestEstimateMemory(t *testing.T) {
	t.Parallel()
	x := randomMatrix(13, 300, 120, 0.05).Binarized()
	for _, k := range []int{0, 5, 50} {
		opt := recommend.Options{Method: recommend.MethodItemKNN, KNN: withKNNDefaults(recommend.KNNOptions{Neighbors: k, Threads: 2})}
		fp := recommend.EstimateMemory(x, opt)
		nb, err := recommend.ItemKNN(context.Background(), x, opt.KNN)
		if err != nil {
			t.Fatal(err)
		}
		kept := int64(len(nb.Items))
		limit := int64(x.Cols * (x.Cols - 1))
		if k > 0 {
			limit = int64(x.Cols * k)
		}
		if kept > fp.Neighbors || fp.Neighbors > limit {
			t.Errorf("neighbors %d: %d kept, bound %d, at most %d", k, kept, fp.Neighbors, limit)
		}
		if fp.Model < 12*fp.Neighbors || fp.Fit <= 0 {
			t.Errorf("neighbors %d: footprint %+v does not count the neighbours", k, fp)
		}
	}
	small := recommend.EstimateMemory(x, recommend.Options{Method: recommend.MethodALS, ALS: withALSDefaults(recommend.ALSOptions{Factors: 8})})
	big := recommend.EstimateMemory(x, recommend.Options{Method: recommend.MethodALS, ALS: withALSDefaults(recommend.ALSOptions{Factors: 1024})})
	if got, want := big.Model-small.Model, int64(4*(1024-8)*(x.Rows+x.Cols)+4*(1024*1024-64)); got != want {
		t.Errorf("1024 factors over 8: %d more bytes of model, want %d", got, want)
	}
}

// TestEvaluateInBlocks: Evaluate ranks a block of users at a time; its
// metrics are those of every user's list added in order.
func TestEvaluateInBlocks(t *testing.T) {
	t.Parallel()
	x := randomMatrix(14, 500, 90, 0.08).Binarized()
	m, err := recommend.Fit(context.Background(), x, recommend.Options{Method: recommend.MethodItemKNN})
	if err != nil {
		t.Fatal(err)
	}
	relevant := map[int]map[int32]bool{}
	for u := 0; u < x.Rows; u += 2 {
		relevant[u] = map[int32]bool{int32(u % x.Cols): true, int32((u * 7) % x.Cols): true}
	}
	got, err := m.Evaluate(context.Background(), relevant, 10, false, 1) // blocks of 64 users
	if err != nil {
		t.Fatal(err)
	}
	acc := recommend.NewAccumulator(10, x.Cols)
	s := m.NewScratch()
	for u := 0; u < x.Rows; u++ {
		if relevant[u] != nil {
			items, _, _ := m.TopUser(u, 10, false, s)
			acc.Add(items, relevant[u])
		}
	}
	if want := acc.Result(); got != want {
		t.Errorf("Evaluate %+v, user by user %+v", got, want)
	}
}

// TestNewCSRContext: building a large matrix stops when its context ends.
func TestNewCSRContext(t *testing.T) {
	t.Parallel()
	const n = 3 << 20
	r, c, v := make([]int32, n), make([]int32, n), make([]float64, n)
	for k := range r {
		r[k], c[k], v[k] = int32(k%1000), int32(k%997), 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := recommend.NewCSRContext(ctx, 1000, 997, r, c, v); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	x, err := recommend.NewCSRContext(context.Background(), 1000, 997, r, c, v)
	if err != nil || x.NNZ() == 0 {
		t.Errorf("live: %v", err)
	}
}
