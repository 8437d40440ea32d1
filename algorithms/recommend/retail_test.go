package recommend_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"math"
	"os"
	"sync"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
	"github.com/seed-a084b42d/marketsql/internal/datasets/retail"
)

var (
	splitOnce sync.Once
	split     *retail.Split
	splitErr  error
)

// onlineRetail returns the bundled Online Retail data prepared with the
// rules of ../shared/peers/recsys_prep.py (see package retail).
func onlineRetail(t testing.TB) *retail.Split {
	t.Helper()
	splitOnce.Do(func() { split, splitErr = retail.Load("../../testdata/online-retail/online_retail.csv.gz") })
	if splitErr != nil {
		t.Fatal(splitErr)
	}
	return split
}

type metricsFx struct {
	P    float64 `json:"precision@10"`
	R    float64 `json:"recall@10"`
	MAP  float64 `json:"map@10"`
	NDCG float64 `json:"ndcg@10"`
}

type fixtures struct {
	Stats struct {
		KeptRows  int `json:"kept_rows"`
		Users     int `json:"users"`
		Items     int `json:"items"`
		FullNNZ   int `json:"full_nnz"`
		TrainNNZ  int `json:"train_nnz"`
		EvalUsers int `json:"eval_users"`
	} `json:"stats"`
	ItemKNN    metricsFx   `json:"item_knn_cosine_binary"`
	Popularity metricsFx   `json:"popularity"`
	ALSSeeds   []metricsFx `json:"als_numpy_seeds"`
	ALSMean    metricsFx   `json:"als_numpy_mean"`
	ALSLoss    []float64   `json:"als_numpy_seed0_loss_per_nnz"`
}

// expected: testdata/recommend/make_fixtures.py (scipy 1.10.1, numpy 1.24,
// through ../shared/peers/recsys_bench.py).
func loadFixtures(t *testing.T) fixtures {
	t.Helper()
	raw, err := os.ReadFile("../../testdata/recommend/fixtures.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx fixtures
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	return fx
}

// TestRetailSplitMatchesReference: the same matrix and split as the
// reference script.
func TestRetailSplitMatchesReference(t *testing.T) {
	fx := loadFixtures(t)
	s := onlineRetail(t)
	got := [...]int{len(s.Rows), len(s.Users), len(s.Items), s.Full.NNZ(), s.Train.NNZ(), len(s.Relevant)}
	want := [...]int{fx.Stats.KeptRows, fx.Stats.Users, fx.Stats.Items, fx.Stats.FullNNZ, fx.Stats.TrainNNZ, fx.Stats.EvalUsers}
	if got != want {
		t.Errorf("rows, users, items, full nnz, train nnz, evaluated users = %v, want %v", got, want)
	}
}

// TestItemKNNMatchesScipy: cosine item-kNN on the binarised full matrix
// has the same top-10 neighbours as scipy for at least 99% of items, with
// similarities within 1e-9.
func TestItemKNNMatchesScipy(t *testing.T) {
	s := onlineRetail(t)
	f, err := os.Open("../../testdata/recommend/itemknn_top10.json.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Items     []string       `json:"items"`
		Neighbors [][][2]float64 `json:"neighbors"`
	}
	if err := json.NewDecoder(gz).Decode(&ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Items) != len(s.Items) {
		t.Fatalf("%d items, the reference %d", len(s.Items), len(ref.Items))
	}
	for i := range ref.Items {
		if ref.Items[i] != s.Items[i] {
			t.Fatalf("item %d is %q, the reference %q", i, s.Items[i], ref.Items[i])
		}
	}
	nb, err := recommend.ItemKNN(context.Background(), s.Full.Binarized(), withKNNDefaults(recommend.KNNOptions{Neighbors: 10}))
	if err != nil {
		t.Fatal(err)
	}
	same, maxDiff := 0, 0.0
	for i, want := range ref.Neighbors {
		got, scores := nb.Of(i)
		ok := len(got) == len(want)
		for k := 0; ok && k < len(want); k++ {
			ok = int(got[k]) == int(want[k][0])
		}
		if ok {
			same++
		}
		// Scores compared by neighbour, whatever its rank.
		sim := map[int32]float64{}
		for k, j := range got {
			sim[j] = scores[k]
		}
		for _, w := range want {
			if v, found := sim[int32(w[0])]; found {
				maxDiff = math.Max(maxDiff, math.Abs(v-w[1]))
			}
		}
	}
	share := float64(same) / float64(len(ref.Neighbors))
	t.Logf("same top-10 for %d of %d items (%.2f%%), largest similarity difference %.2g", same, len(ref.Neighbors), 100*share, maxDiff)
	if share < 0.99 {
		t.Errorf("same top-10 neighbours for %.2f%% of items, want at least 99%%", 100*share)
	}
	if maxDiff > 1e-9 {
		t.Errorf("similarities differ from scipy's by up to %g, want at most 1e-9", maxDiff)
	}
}

// evalRaw ranks as the reference script does: every item by score
// (higher first, lower index first), the user's training items left out.
func evalRaw(m *recommend.Model, s *retail.Split) recommend.Ranking {
	acc := recommend.NewAccumulator(10, m.Items())
	sc := m.NewScratch()
	for u := 0; u < m.Users(); u++ {
		rel := s.Relevant[u]
		if rel == nil {
			continue
		}
		seen, _ := m.Train.Row(u)
		skip := map[int]bool{}
		for _, i := range seen {
			skip[int(i)] = true
		}
		top, _ := recommend.Top(m.ScoreUser(u, sc), 10, func(i int) bool { return skip[i] })
		acc.Add(top, rel)
	}
	return acc.Result()
}

func close4(a, b float64) bool { return math.Abs(a-b) < 5e-5 }

// TestRetailItemKNNAndPopularityMatchReference: the same P@10, R@10,
// MAP@10 and NDCG@10 as the reference for item-kNN (all neighbours kept,
// binarised) and popularity.
func TestRetailItemKNNAndPopularityMatchReference(t *testing.T) {
	fx := loadFixtures(t)
	s := onlineRetail(t)
	x := s.Train.Binarized()
	for _, tc := range []struct {
		name string
		opt  recommend.Options
		want metricsFx
	}{
		{"item_knn", recommend.Options{Method: recommend.MethodItemKNN}, fx.ItemKNN},
		{"popular", recommend.Options{Method: recommend.MethodPopular}, fx.Popularity},
	} {
		m, err := recommend.Fit(context.Background(), x, tc.opt)
		if err != nil {
			t.Fatal(err)
		}
		r := evalRaw(m, s)
		t.Logf("%s: P@10 %.4f R@10 %.4f MAP@10 %.4f NDCG@10 %.4f (reference %.4f %.4f %.4f %.4f)",
			tc.name, r.Precision, r.Recall, r.MAP, r.NDCG, tc.want.P, tc.want.R, tc.want.MAP, tc.want.NDCG)
		if r.Users != fx.Stats.EvalUsers || !close4(r.Precision, tc.want.P) || !close4(r.Recall, tc.want.R) ||
			!close4(r.MAP, tc.want.MAP) || !close4(r.NDCG, tc.want.NDCG) {
			t.Errorf("%s: metrics %+v differ from the reference %+v", tc.name, r, tc.want)
		}
	}
}

// TestRetailALSAgainstReference: ALS (64 factors, reg 0.01, alpha 40,
// binarised, 3 CG steps, 15 iterations) reaches at least 95% of the numpy
// reference's P@10 and MAP@10 and beats popularity. Both depend on the
// random initial factors (the numpy reference ranges over 0.0432-0.0450
// P@10 and 0.0245-0.0273 MAP@10 for seeds 0-3), so the mean over seeds
// 0-3 is compared with the reference's published single run (seed 0),
// which is the best of its four.
func TestRetailALSAgainstReference(t *testing.T) {
	if testing.Short() {
		t.Skip("four ALS fits on Online Retail; skipped with -short")
	}
	fx := loadFixtures(t)
	s := onlineRetail(t)
	x := s.Train.Binarized()
	var p, mp float64
	const seeds = 4
	for seed := uint64(0); seed < seeds; seed++ {
		m, err := recommend.Fit(context.Background(), x, recommend.Options{Method: recommend.MethodALS, ALS: withALSDefaults(recommend.ALSOptions{Seed: seed})})
		if err != nil {
			t.Fatal(err)
		}
		r := evalRaw(m, s)
		t.Logf("seed %d: P@10 %.4f MAP@10 %.4f NDCG@10 %.4f loss %.4f", seed, r.Precision, r.MAP, r.NDCG, loss(t, m.Factors, x, 40, 0.01))
		p += r.Precision / seeds
		mp += r.MAP / seeds
		if r.Precision <= fx.Popularity.P {
			t.Errorf("seed %d: P@10 %.4f is not above popularity's %.4f", seed, r.Precision, fx.Popularity.P)
		}
	}
	ref := fx.ALSSeeds[0]
	t.Logf("mean of seeds 0-3: P@10 %.4f (%.1f%% of %.4f), MAP@10 %.4f (%.1f%% of %.4f); numpy's own mean %.4f / %.4f",
		p, 100*p/ref.P, ref.P, mp, 100*mp/ref.MAP, ref.MAP, fx.ALSMean.P, fx.ALSMean.MAP)
	if p < 0.95*ref.P || mp < 0.95*ref.MAP {
		t.Errorf("mean P@10 %.4f, MAP@10 %.4f: want at least 95%% of the reference's %.4f, %.4f", p, mp, ref.P, ref.MAP)
	}
}

// TestRetailALSFromNumpyStart: started from the numpy reference's initial
// factors (numpy.random.default_rng(0), reproduced bit for bit), our ALS
// follows the reference: the same objective after iterations 1, 5 and 15
// (within 0.5%; both sum in float32, in different orders) and P@10 and
// MAP@10 within 5% of the reference's 0.0450 and 0.0273.
func TestRetailALSFromNumpyStart(t *testing.T) {
	if testing.Short() {
		t.Skip("ALS on Online Retail; skipped with -short")
	}
	fx := loadFixtures(t)
	if len(fx.ALSLoss) != 15 {
		t.Fatalf("fixture has %d losses, want 15", len(fx.ALSLoss))
	}
	s := onlineRetail(t)
	x := s.Train.Binarized()
	f, err := recommend.ALS(context.Background(), x, withALSDefaults(recommend.ALSOptions{NumPyRandom: true}))
	if err != nil {
		t.Fatal(err)
	}
	// The objective after iterations 1 and 5: refit from the same start
	// (training is deterministic).
	for _, it := range []int{1, 5, 15} {
		fi := f
		if it != 15 {
			fi, err = recommend.ALS(context.Background(), x, withALSDefaults(recommend.ALSOptions{NumPyRandom: true, Iterations: it}))
			if err != nil {
				t.Fatal(err)
			}
		}
		got, want := loss(t, fi, x, 40, 0.01), fx.ALSLoss[it-1]
		t.Logf("iteration %d: objective per interaction %.5f, numpy %.5f", it, got, want)
		if math.Abs(got-want) > 0.005*want {
			t.Errorf("iteration %d: objective %.5f, numpy's %.5f", it, got, want)
		}
	}
	m := &recommend.Model{Method: recommend.MethodALS, Train: x, Factors: f, Alpha: 40, Reg: 0.01, Popularity: x.ColumnCounts()}
	m.Prepare()
	r := evalRaw(m, s)
	ref := fx.ALSSeeds[0]
	t.Logf("P@10 %.4f (numpy %.4f), MAP@10 %.4f (numpy %.4f), NDCG@10 %.4f (numpy %.4f)", r.Precision, ref.P, r.MAP, ref.MAP, r.NDCG, ref.NDCG)
	if r.Precision < 0.95*ref.P || r.MAP < 0.95*ref.MAP {
		t.Errorf("P@10 %.4f, MAP@10 %.4f: want at least 95%% of numpy's %.4f, %.4f from the same start", r.Precision, r.MAP, ref.P, ref.MAP)
	}
	if r.Precision <= fx.Popularity.P {
		t.Errorf("P@10 %.4f is not above popularity's %.4f", r.Precision, fx.Popularity.P)
	}
}
