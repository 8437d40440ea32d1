package recommend_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
)

func TestNewCSRSumsDuplicatesAndTransposes(t *testing.T) {
	t.Parallel()
	x := recommend.NewCSR(3, 4,
		[]int32{2, 0, 0, 2, 1, 0},
		[]int32{1, 3, 0, 1, 2, 3},
		[]float64{1, 2, 3, 4, 5, 6})
	if x.NNZ() != 4 {
		t.Fatalf("nnz %d, want 4", x.NNZ())
	}
	is, vs := x.Row(0)
	if !slices.Equal(is, []int32{0, 3}) || !slices.Equal(vs, []float64{3, 8}) {
		t.Errorf("row 0 = %v %v, want [0 3] [3 8]", is, vs)
	}
	is, vs = x.Row(2)
	if !slices.Equal(is, []int32{1}) || !slices.Equal(vs, []float64{5}) {
		t.Errorf("row 2 = %v %v, want [1] [5]", is, vs)
	}
	xt := x.Transpose()
	is, vs = xt.Row(3)
	if xt.Rows != 4 || !slices.Equal(is, []int32{0}) || !slices.Equal(vs, []float64{8}) {
		t.Errorf("transpose row 3 = %v %v", is, vs)
	}
	if got := x.ColumnCounts(); !slices.Equal(got, []float64{1, 1, 1, 1}) {
		t.Errorf("column counts %v", got)
	}
}

func TestTopOrdersByScoreThenIndex(t *testing.T) {
	t.Parallel()
	scores := []float64{1, 3, 2, 3, math.NaN(), 0, 2}
	idx, val := recommend.Top(scores, 4, func(i int) bool { return i == 0 })
	if !slices.Equal(idx, []int32{1, 3, 2, 6}) || !slices.Equal(val, []float64{3, 3, 2, 2}) {
		t.Errorf("Top = %v %v", idx, val)
	}
	if idx, _ := recommend.Top(scores, 100, nil); len(idx) != 6 {
		t.Errorf("Top(100) kept %d items, want the 6 non-NaN", len(idx))
	}
}

func randomMatrix(seed uint64, users, items int, density float64) *recommend.CSR {
	rng := rand.New(rand.NewPCG(seed, 1))
	var r, c []int32
	var v []float64
	for u := 0; u < users; u++ {
		for i := 0; i < items; i++ {
			if rng.Float64() < density {
				r, c, v = append(r, int32(u)), append(c, int32(i)), append(v, float64(1+rng.IntN(5)))
			}
		}
	}
	return recommend.NewCSR(users, items, r, c, v)
}

// TestItemKNNMatchesBruteForce compares every weighting with a dense
// computation of the same formulas.
func TestItemKNNMatchesBruteForce(t *testing.T) {
	t.Parallel()
	x := randomMatrix(3, 40, 25, 0.2)
	for _, w := range []recommend.Weighting{recommend.Cosine, recommend.BM25, recommend.TFIDF} {
		d := recommend.DefaultKNN()
		xw := recommend.Weight(x, w, d.K1, d.B)
		dense := make([][]float64, x.Rows)
		for u := range dense {
			dense[u] = make([]float64, x.Cols)
			is, vs := xw.Row(u)
			for k, i := range is {
				dense[u][i] = vs[k]
			}
		}
		nb, err := recommend.ItemKNN(context.Background(), x, withKNNDefaults(recommend.KNNOptions{Neighbors: 5, Weighting: w, Threads: 3}))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < x.Cols; i++ {
			sims := make([]float64, x.Cols)
			for j := range sims {
				for u := range dense {
					sims[j] += dense[u][i] * dense[u][j]
				}
			}
			sims[i] = 0
			want, _ := recommend.Top(sims, 5, func(j int) bool { return sims[j] == 0 })
			got, gs := nb.Of(i)
			if !slices.Equal(got, want) {
				t.Errorf("weighting %d item %d: neighbours %v, want %v", w, i, got, want)
				continue
			}
			for k, j := range got {
				if math.Abs(gs[k]-sims[j]) > 1e-12 {
					t.Errorf("weighting %d item %d: similarity to %d is %v, want %v", w, i, j, gs[k], sims[j])
				}
			}
		}
	}
}

// TestALSDeterministicAcrossThreads: the same seed gives the same factors
// whatever the number of threads; another seed gives others.
func TestALSDeterministicAcrossThreads(t *testing.T) {
	t.Parallel()
	x := randomMatrix(5, 300, 80, 0.05).Binarized()
	a, err := recommend.ALS(context.Background(), x, withALSDefaults(recommend.ALSOptions{Factors: 8, Iterations: 4, Seed: 9, Threads: 1}))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := recommend.ALS(context.Background(), x, withALSDefaults(recommend.ALSOptions{Factors: 8, Iterations: 4, Seed: 9, Threads: 4}))
	c, _ := recommend.ALS(context.Background(), x, withALSDefaults(recommend.ALSOptions{Factors: 8, Iterations: 4, Seed: 10, Threads: 4}))
	if !slices.Equal(a.Users, b.Users) || !slices.Equal(a.Items, b.Items) {
		t.Error("1 and 4 threads gave different factors")
	}
	if slices.Equal(a.Users, c.Users) {
		t.Error("seeds 9 and 10 gave the same factors")
	}
}

// TestALSLossDecreases: every sweep lowers the objective (CG steps are
// descent steps on each row's quadratic).
func TestALSLossDecreases(t *testing.T) {
	t.Parallel()
	x := randomMatrix(6, 200, 60, 0.08).Binarized()
	prev := math.Inf(1)
	for it := 1; it <= 6; it++ {
		f, err := recommend.ALS(context.Background(), x, withALSDefaults(recommend.ALSOptions{Factors: 6, Iterations: it, Seed: 1}))
		if err != nil {
			t.Fatal(err)
		}
		l := loss(t, f, x, 40, 0.01)
		if l > prev*(1+1e-5) {
			t.Errorf("loss rose from %v to %v at iteration %d", prev, l, it)
		}
		prev = l
	}
}

// TestFoldInSolvesTheUserStep: the factors folded in for a basket solve
// the user step's normal equations (YᵀY + λI + Yᵀ(C-I)Y) x = YᵀCp.
func TestFoldInSolvesTheUserStep(t *testing.T) {
	t.Parallel()
	const f, alpha, reg = 5, 40.0, 0.01
	x := randomMatrix(7, 150, 40, 0.1).Binarized()
	m, err := recommend.ALS(context.Background(), x, withALSDefaults(recommend.ALSOptions{Factors: f, Iterations: 5, Seed: 2}))
	if err != nil {
		t.Fatal(err)
	}
	yty := make([]float32, f*f)
	recommend.Gram(m.Items, f, reg, yty)
	basket := []int32{1, 4, 9, 30}
	got, err := m.FoldIn(basket, nil, yty, alpha)
	if err != nil {
		t.Fatal(err)
	}
	for r := 0; r < f; r++ {
		lhs, rhs := 0.0, 0.0
		for c := 0; c < f; c++ {
			lhs += float64(yty[r*f+c]) * float64(got[c])
		}
		for _, i := range basket {
			yi := m.Item(int(i))
			d := 0.0
			for c := 0; c < f; c++ {
				d += float64(yi[c]) * float64(got[c])
			}
			lhs += alpha * float64(yi[r]) * d
			rhs += (1 + alpha) * float64(yi[r])
		}
		if math.Abs(lhs-rhs) > 1e-3*(1+math.Abs(rhs)) {
			t.Errorf("row %d of the normal equations: %v, want %v", r, lhs, rhs)
		}
	}
}

// loss is f.Loss with a live context.
func loss(t testing.TB, f *recommend.Factors, x *recommend.CSR, alpha, reg float64) float64 {
	t.Helper()
	l, err := f.Loss(context.Background(), x, alpha, reg)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// goid returns the id of the calling goroutine.
func goid() string {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	return strings.Fields(string(b))[1]
}

// pollCtx is a context that counts its polls, fails the test when Err is
// called on a goroutine other than the one that made it (a SQL call's
// context must be polled on the connection's goroutine), and reports
// context.Canceled from poll number stopAt on (never when 0).
type pollCtx struct {
	context.Context
	t      *testing.T
	owner  string
	polls  int
	stopAt int
}

func newPollCtx(t *testing.T, stopAt int) *pollCtx {
	return &pollCtx{Context: context.Background(), t: t, owner: goid(), stopAt: stopAt}
}

func (c *pollCtx) Err() error {
	if g := goid(); g != c.owner {
		c.t.Errorf("ctx.Err() called on goroutine %s, the caller is %s", g, c.owner)
		return nil
	}
	c.polls++
	if c.stopAt > 0 && c.polls >= c.stopAt {
		return context.Canceled
	}
	return nil
}

// TestContextPolledByCaller: every long entry point polls its context on
// the calling goroutine only, even with several threads, and stops with the
// context's error whenever it ends; progress only reports.
func TestContextPolledByCaller(t *testing.T) {
	t.Parallel()
	x := randomMatrix(8, 300, 80, 0.1).Binarized()
	als, err := recommend.Fit(context.Background(), x, recommend.Options{Method: recommend.MethodALS, ALS: withALSDefaults(recommend.ALSOptions{Factors: 4, Iterations: 2})})
	if err != nil {
		t.Fatal(err)
	}
	relevant := map[int]map[int32]bool{}
	for u := 0; u < x.Rows; u += 3 {
		relevant[u] = map[int32]bool{int32(u % x.Cols): true}
	}
	var progress []int
	calls := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"ALS", func(ctx context.Context) error {
			progress = progress[:0]
			_, err := recommend.ALS(ctx, x, withALSDefaults(recommend.ALSOptions{Factors: 4, Iterations: 3, Threads: 4, Progress: func(it int) { progress = append(progress, it) }}))
			return err
		}},
		{"ItemKNN", func(ctx context.Context) error {
			_, err := recommend.ItemKNN(ctx, x, withKNNDefaults(recommend.KNNOptions{Neighbors: 5, Threads: 4}))
			return err
		}},
		{"Fit/user_knn", func(ctx context.Context) error {
			_, err := recommend.Fit(ctx, x, recommend.Options{Method: recommend.MethodUserKNN})
			return err
		}},
		{"Loss", func(ctx context.Context) error { _, err := als.Factors.Loss(ctx, x, 40, 0.01); return err }},
		{"Evaluate", func(ctx context.Context) error { _, err := als.Evaluate(ctx, relevant, 5, false, 4); return err }},
	}
	for _, call := range calls {
		t.Run(call.name, func(t *testing.T) {
			live := newPollCtx(t, 0)
			if err := call.run(live); err != nil || live.polls == 0 {
				t.Fatalf("live context: error %v after %d polls", err, live.polls)
			}
			for _, at := range []int{1, (live.polls + 1) / 2, live.polls} {
				if err := call.run(newPollCtx(t, at)); !errors.Is(err, context.Canceled) {
					t.Errorf("cancelled at poll %d of %d: error %v, want context.Canceled", at, live.polls, err)
				}
			}
		})
	}
	// Cancelling from the progress hook stops ALS before the next sweep.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	_, err = recommend.ALS(ctx, x, withALSDefaults(recommend.ALSOptions{Factors: 4, Iterations: 10, Progress: func(it int) {
		n++
		if it == 3 {
			cancel()
		}
	}}))
	if !errors.Is(err, context.Canceled) || n != 3 {
		t.Errorf("err %v after %d sweeps, want context.Canceled after 3", err, n)
	}
}

// TestMetricsByHand checks the formulas of recsys_bench.py on one user.
func TestMetricsByHand(t *testing.T) {
	t.Parallel()
	acc := recommend.NewAccumulator(4, 10)
	acc.Add([]int32{5, 1, 7, 2}, map[int32]bool{1: true, 2: true, 9: true})
	r := acc.Result()
	disc := func(k int) float64 { return 1 / math.Log2(float64(k+1)) }
	want := recommend.Ranking{N: 4, Users: 1, Precision: 0.5, Recall: 2.0 / 3, MAP: (1.0/2 + 2.0/4) / 3,
		NDCG: (disc(2) + disc(4)) / (disc(1) + disc(2) + disc(3)), Coverage: 0.4}
	for _, c := range []struct {
		name      string
		got, want float64
	}{{"P", r.Precision, want.Precision}, {"R", r.Recall, want.Recall}, {"MAP", r.MAP, want.MAP},
		{"NDCG", r.NDCG, want.NDCG}, {"coverage", r.Coverage, want.Coverage}} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// TestModelFallsBackToPopular: a neighbourhood model with too few scored
// items fills the list with popular items, never with items the user has.
func TestModelFallsBackToPopular(t *testing.T) {
	t.Parallel()
	x := recommend.NewCSR(3, 5, []int32{0, 0, 1, 1, 2, 2, 2}, []int32{0, 1, 0, 1, 2, 3, 4}, []float64{1, 1, 1, 1, 1, 1, 1})
	m, err := recommend.Fit(context.Background(), x, recommend.Options{Method: recommend.MethodItemKNN})
	if err != nil {
		t.Fatal(err)
	}
	s := m.NewScratch()
	items, _, nModel := m.TopUser(0, 3, false, s)
	if nModel != 0 || len(items) != 3 || slices.Contains(items, 0) || slices.Contains(items, 1) {
		t.Errorf("user 0: items %v, %d from the model", items, nModel)
	}
	items, _, nModel, err = m.TopBasket([]int32{2}, nil, 2, false, s)
	if err != nil || nModel != 2 || !slices.Equal(items, []int32{3, 4}) {
		t.Errorf("basket [2]: items %v, %d from the model, %v", items, nModel, err)
	}
}

// withALSDefaults returns o with its zero counts and its zero
// regularization and alpha replaced by DefaultALS's: the options these
// tests were written with.
func withALSDefaults(o recommend.ALSOptions) recommend.ALSOptions {
	d := recommend.DefaultALS()
	for _, f := range []struct{ v, def *int }{{&o.Factors, &d.Factors}, {&o.Iterations, &d.Iterations}, {&o.CGSteps, &d.CGSteps}} {
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
	if o.Regularization == 0 {
		o.Regularization = d.Regularization
	}
	if o.Alpha == 0 {
		o.Alpha = d.Alpha
	}
	return o
}

// withKNNDefaults returns o with zero BM25 parameters replaced by
// DefaultKNN's (its Neighbors 0 still keeps every neighbour).
func withKNNDefaults(o recommend.KNNOptions) recommend.KNNOptions {
	d := recommend.DefaultKNN()
	if o.K1 == 0 {
		o.K1 = d.K1
	}
	if o.B == 0 {
		o.B = d.B
	}
	return o
}

// TestRelevant: held-out pairs the user had in training are left out,
// unknown items (negative) stay relevant, and users with nothing new get
// no entry.
func TestRelevant(t *testing.T) {
	t.Parallel()
	// user 0 bought items 0 and 1, user 1 item 2
	x := recommend.NewCSR(2, 3, []int32{0, 0, 1}, []int32{0, 1, 2}, []float64{1, 1, 1})
	m, err := recommend.Fit(context.Background(), x, recommend.Options{Method: recommend.MethodPopular})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Relevant(context.Background(), []int{0, 0, 0, 1}, []int32{1, 2, -1, 2})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]map[int32]bool{0: {2: true, -1: true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Relevant = %v, want %v", got, want)
	}
	if !x.Has(0, 1) || x.Has(1, 0) {
		t.Error("Has")
	}
	if _, _, _, ok := x.FirstInfinite(); ok {
		t.Error("FirstInfinite of a finite matrix")
	}
	x.Data[2] = math.Inf(1)
	if r, c, v, ok := x.FirstInfinite(); !ok || r != 1 || c != 2 || !math.IsInf(v, 1) {
		t.Errorf("FirstInfinite = %d, %d, %g, %v", r, c, v, ok)
	}
}
