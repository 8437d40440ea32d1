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
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// metricsFixture is one JSON file written by
// testdata/kmeans_metrics/make_fixtures.py with scikit-learn 1.2.1.
type metricsFixture struct {
	K                        int         `json:"k"`
	X                        [][]float64 `json:"x"` // blobs only
	Labels                   []int       `json:"labels"`
	Weights                  []float64   `json:"weights"`
	ScalerMean               []float64   `json:"scaler_mean"`
	ScalerScale              []float64   `json:"scaler_scale"`
	Silhouette               float64     `json:"silhouette"`
	SilhouetteSample500      float64     `json:"silhouette_sample500_seed0"`
	DaviesBouldin            float64     `json:"davies_bouldin"`
	CalinskiHarabasz         float64     `json:"calinski_harabasz"`
	RepeatedSilhouette       float64     `json:"repeated_silhouette"`
	RepeatedSilhouetteExact  float64     `json:"repeated_silhouette_exact_distances"`
	RepeatedDaviesBouldin    float64     `json:"repeated_davies_bouldin"`
	RepeatedCalinskiHarabasz float64     `json:"repeated_calinski_harabasz"`

	data *mat.Dense // the matrix the expected scores were computed on
}

const metricsFixtureDir = "../../testdata/kmeans_metrics"

func loadMetricsFixture(t testing.TB, name string) *metricsFixture {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(metricsFixtureDir, name))
	if err != nil {
		t.Fatal(err)
	}
	var f metricsFixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &f
}

// metricsWholesaleRaw reads the six spending columns of the Wholesale customers CSV
// (UCI #292, CC BY 4.0; see testdata/kmeans_metrics/SOURCE.md).
func metricsWholesaleRaw(t testing.TB) *mat.Dense {
	t.Helper()
	fh, err := os.Open(filepath.Join(metricsFixtureDir, "wholesale_customers_data.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	recs, err := csv.NewReader(fh).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0][2:], ","); got != "Fresh,Milk,Grocery,Frozen,Detergents_Paper,Delicassen" {
		t.Fatalf("unexpected header %q", got)
	}
	x := mat.NewDense(len(recs)-1, 6, nil)
	for i, r := range recs[1:] {
		for j := range 6 {
			v, err := strconv.ParseFloat(strings.TrimSpace(r[j+2]), 64)
			if err != nil {
				t.Fatal(err)
			}
			x.Set(i, j, v)
		}
	}
	return x
}

// metricsFixtures returns the two fixture sets: Wholesale customers standardized by
// FitScaler (scikit-learn used StandardScaler, checked in TestScalerWholesale)
// with KMeans(n_clusters=4, n_init=10, random_state=0) labels, and
// make_blobs(n_samples=2000, n_features=4, centers=5, random_state=0).
func metricsFixtures(t testing.TB) map[string]*metricsFixture {
	t.Helper()
	w := loadMetricsFixture(t, "wholesale.json")
	raw := metricsWholesaleRaw(t)
	w.data = mat.DenseCopyOf(raw)
	FitScaler(raw).Transform(w.data, w.data)
	b := loadMetricsFixture(t, "blobs.json")
	b.data = mat.NewDense(len(b.X), len(b.X[0]), nil)
	for i, r := range b.X {
		b.data.SetRow(i, r)
	}
	return map[string]*metricsFixture{"wholesale": w, "blobs": b}
}

func metricsRelErr(got, want float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-300)
}

func metricsOnes(n int) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1
	}
	return w
}

// metricsRepeatRows returns x and labels with row i repeated w[i] times.
func metricsRepeatRows(x *mat.Dense, labels []int, w []float64) (*mat.Dense, []int) {
	_, d := x.Dims()
	var data []float64
	var lab []int
	for i, wi := range w {
		for range int(wi) {
			data = append(data, x.RawRowView(i)...)
			lab = append(lab, labels[i])
		}
	}
	return mat.NewDense(len(lab), d, data), lab
}

// naiveSilhouetteAB computes a(i) and b(i) of Silhouette's weighted definition
// straight from the formula, as an independent reference.
func naiveSilhouetteAB(x *mat.Dense, labels []int, k int, w []float64) (a, b []float64) {
	n, _ := x.Dims()
	a, b = make([]float64, n), make([]float64, n)
	for i := range n {
		sum := make([]float64, k)
		wt := make([]float64, k)
		for j := range n {
			if j == i {
				continue
			}
			var ss float64
			for t, v := range x.RawRowView(i) {
				diff := v - x.At(j, t)
				ss += diff * diff
			}
			sum[labels[j]] += w[j] * math.Sqrt(ss)
			wt[labels[j]] += w[j]
		}
		a[i] = math.NaN()
		if wt[labels[i]] > 0 {
			a[i] = sum[labels[i]] / wt[labels[i]]
		}
		b[i] = math.Inf(1)
		for c := range k {
			if c != labels[i] && wt[c] > 0 {
				b[i] = math.Min(b[i], sum[c]/wt[c])
			}
		}
	}
	return a, b
}

func silFromAB(a, b float64) float64 {
	if math.IsNaN(a) || math.Max(a, b) == 0 {
		return 0
	}
	return (b - a) / math.Max(a, b)
}

func TestSilhouetteFixtures(t *testing.T) {
	t.Parallel()
	for name, f := range metricsFixtures(t) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			n, _ := f.data.Dims()
			// expected: scikit-learn 1.2.1 silhouette_score(X, labels), make_fixtures.py.
			got, err := Silhouette(ctx, f.data, f.Labels, f.K, nil, 0, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if e := metricsRelErr(got, f.Silhouette); e > 1e-12 {
				t.Errorf("Silhouette = %.17g, scikit-learn %.17g (rel err %.2g)", got, f.Silhouette, e)
			}
			// Same bits for every thread count, and with all-metricsOnes weights.
			for _, threads := range []int{1, 2, 3, 8} {
				for _, w := range [][]float64{nil, metricsOnes(n)} {
					v, err := Silhouette(ctx, f.data, f.Labels, f.K, w, 0, 0, threads)
					if err != nil {
						t.Fatal(err)
					}
					if math.Float64bits(v) != math.Float64bits(got) {
						t.Errorf("threads=%d weighted=%v: %.17g, want the bits of %.17g", threads, w != nil, v, got)
					}
				}
			}
			// sampleSize >= n uses every row, as scikit-learn does.
			if v, _ := Silhouette(ctx, f.data, f.Labels, f.K, nil, n, 7, 0); v != got {
				t.Errorf("sampleSize=n: %.17g, want %.17g", v, got)
			}
		})
	}
}

func TestSilhouetteSampled(t *testing.T) {
	t.Parallel()
	// blobs: make_blobs(n_samples=2000, n_features=4, centers=5, random_state=0).
	f := metricsFixtures(t)["blobs"]
	ctx := context.Background()
	for _, seed := range []uint64{0, 1, 42} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			t.Parallel()
			v1, err := Silhouette(ctx, f.data, f.Labels, f.K, nil, 500, seed, 1)
			if err != nil {
				t.Fatal(err)
			}
			v2, err := Silhouette(ctx, f.data, f.Labels, f.K, nil, 500, seed, 3)
			if err != nil {
				t.Fatal(err)
			}
			if math.Float64bits(v1) != math.Float64bits(v2) {
				t.Errorf("not deterministic for seed %d: %.17g vs %.17g", seed, v1, v2)
			}
			// The subset's mean of s(i) estimates the full mean (which scikit-learn
			// puts at 0.7478; its own 500-row sample with random_state=0 gave 0.7472).
			// Per-row values spread ~0.15, so 500 rows are within ~0.02.
			if d := math.Abs(v1 - f.Silhouette); d > 0.03 {
				t.Errorf("sampled %.6f is %.3g away from the exact %.6f", v1, d, f.Silhouette)
			}
			if d := math.Abs(f.SilhouetteSample500 - f.Silhouette); d > 0.03 {
				t.Errorf("fixture: scikit-learn's sample is %.3g from its exact value", d)
			}
		})
	}
	a, _ := Silhouette(ctx, f.data, f.Labels, f.K, nil, 500, 1, 0)
	b, _ := Silhouette(ctx, f.data, f.Labels, f.K, nil, 500, 2, 0)
	if a == b {
		t.Errorf("seeds 1 and 2 gave the same sample score %.17g", a)
	}
}

// metricsClusters returns n×d data around k centres with labels (one label per
// centre) drawn with the given seed.
func metricsClusters(n, d, k int, seed uint64) (*mat.Dense, []int) {
	rng := rand.New(rand.NewPCG(seed, 1))
	centres := make([]float64, k*d)
	for i := range centres {
		centres[i] = 4 * rng.NormFloat64()
	}
	x := mat.NewDense(n, d, nil)
	labels := make([]int, n)
	for i := range n {
		c := rng.IntN(k)
		labels[i] = c
		for t := range d {
			x.Set(i, t, centres[c*d+t]+rng.NormFloat64())
		}
	}
	return x, labels
}

func TestSilhouetteWeighted(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	x, labels := metricsClusters(120, 3, 4, 5)
	labels[7] = 4 // a singleton cluster
	k := 5
	n := len(labels)
	rng := rand.New(rand.NewPCG(9, 9))
	frac := make([]float64, n)
	integer := make([]float64, n)
	for i := range n {
		frac[i] = 0.1 + rng.Float64()
		integer[i] = float64(1 + rng.IntN(3))
	}
	frac[3] = 0 // a zero weight row still counts as a member but weighs nothing

	t.Run("matches the definition", func(t *testing.T) {
		for name, w := range map[string][]float64{"metricsOnes": metricsOnes(n), "fractional": frac, "integer": integer} {
			a, b := naiveSilhouetteAB(x, labels, k, w)
			var num, den float64
			for i := range n {
				num += w[i] * silFromAB(a[i], b[i])
				den += w[i]
			}
			got, err := Silhouette(ctx, x, labels, k, w, 0, 0, 2)
			if err != nil {
				t.Fatal(err)
			}
			if e := metricsRelErr(got, num/den); e > 1e-12 {
				t.Errorf("%s: %.17g, reference %.17g", name, got, num/den)
			}
		}
	})

	t.Run("scale invariant", func(t *testing.T) {
		w10 := make([]float64, n)
		for i := range w10 {
			w10[i] = 1024 * frac[i] // a power of two keeps the bits
		}
		v1, _ := Silhouette(ctx, x, labels, k, frac, 0, 0, 0)
		v2, _ := Silhouette(ctx, x, labels, k, w10, 0, 0, 0)
		if v1 != v2 {
			t.Errorf("weights×1024: %.17g, want %.17g", v2, v1)
		}
	})

	// Integer weights versus repeating rows: b(i) and the final mean carry over,
	// but the w_i−1 copies of row i add zero distances to its own cluster, so
	// repetition's a(i) is a(i)·(W_C−w_i)/(W_C−1). Check that relation exactly,
	// on random data and against scikit-learn's score of the repeated fixture rows.
	repeated := func(x *mat.Dense, labels []int, k int, w []float64) float64 {
		a, b := naiveSilhouetteAB(x, labels, k, w)
		wc := make([]float64, k)
		for i, l := range labels {
			wc[l] += w[i]
		}
		var num, den float64
		for i, l := range labels {
			ar := math.NaN()
			if wc[l] > 1 {
				ar = a[i] * (wc[l] - w[i]) / (wc[l] - 1)
				if math.IsNaN(a[i]) {
					ar = 0 // only copies of row i: all at distance 0
				}
			}
			num += w[i] * silFromAB(ar, b[i])
			den += w[i]
		}
		return num / den
	}
	t.Run("repetition relation", func(t *testing.T) {
		xr, lr := metricsRepeatRows(x, labels, integer)
		got, err := Silhouette(ctx, xr, lr, k, nil, 0, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if want := repeated(x, labels, k, integer); metricsRelErr(got, want) > 1e-12 {
			t.Errorf("repeated rows: %.17g, relation gives %.17g", got, want)
		}
		weighted, _ := Silhouette(ctx, x, labels, k, integer, 0, 0, 0)
		if weighted == got {
			t.Errorf("weighted equals repetition (%.17g); the documented difference vanished", got)
		}
	})
	for name, f := range metricsFixtures(t) {
		t.Run("repetition relation/"+name, func(t *testing.T) {
			// expected: the silhouette of the rows repeated by the fixture weights,
			// computed by make_fixtures.py with direct-difference distances, and
			// scikit-learn 1.2.1's silhouette_score of the same rows. The latter is
			// looser: its ||a||²+||b||²−2a·b distances put copies of a row about
			// 1e-7 apart instead of 0 (see the note in metrics.go).
			want := repeated(f.data, f.Labels, f.K, f.Weights)
			if e := metricsRelErr(want, f.RepeatedSilhouetteExact); e > 1e-12 {
				t.Errorf("relation %.17g, exact distances on repeated rows %.17g", want, f.RepeatedSilhouetteExact)
			}
			if e := metricsRelErr(want, f.RepeatedSilhouette); e > 1e-9 {
				t.Errorf("relation %.17g, scikit-learn on repeated rows %.17g", want, f.RepeatedSilhouette)
			}
		})
	}
}

func TestSilhouetteErrors(t *testing.T) {
	t.Parallel()
	x := mat.NewDense(4, 2, []float64{0, 0, 1, 0, 5, 5, 6, 5})
	ctx := context.Background()
	cases := []struct {
		name    string
		labels  []int
		k       int
		weights []float64
		sample  int
		want    string
	}{
		{"one cluster", []int{0, 0, 0, 0}, 2, nil, 0, "silhouette needs between 2 and n-1 clusters, got 1 distinct labels for n=4 rows"},
		{"n clusters", []int{0, 1, 2, 3}, 4, nil, 0, "silhouette needs between 2 and n-1 clusters, got 4 distinct labels for n=4 rows"},
		{"sample of n clusters", []int{0, 0, 1, 1}, 2, nil, 2, "silhouette needs between 2 and n-1 clusters"},
		{"label out of range", []int{0, 0, 1, 2}, 2, nil, 0, "silhouette: label 2 of row 3 is outside [0, 2)"},
		{"negative label", []int{0, -1, 1, 1}, 2, nil, 0, "silhouette: label -1 of row 1"},
		{"negative weight", []int{0, 0, 1, 1}, 2, []float64{1, -1, 1, 1}, 0, "silhouette: weight -1 of row 1 must be finite and non-negative"},
		{"NaN weight", []int{0, 0, 1, 1}, 2, []float64{1, 1, math.NaN(), 1}, 0, "silhouette: weight NaN of row 2"},
		{"zero weights", []int{0, 0, 1, 1}, 2, []float64{0, 0, 0, 0}, 0, "silhouette: the weights of the 4 rows used sum to 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Silhouette(ctx, x, c.labels, c.k, c.weights, c.sample, 1, 0)
			if err == nil || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %v, want prefix %q", err, c.want)
			}
		})
	}
}

func TestSilhouetteSmall(t *testing.T) {
	t.Parallel()
	// Hand-checked: clusters {0,1}, {4}, {10,11} on a line.
	// Row 0: a=1, b=min(4, 10.5)=4 → 0.75; row 1: a=1, b=3 → 2/3; row 2 singleton → 0;
	// row 3: a=1, b=min(9.5, 6)=6 → 5/6; row 4: a=1, b=min(10.5, 7)=7 → 6/7.
	x := mat.NewDense(5, 1, []float64{0, 1, 4, 10, 11})
	labels := []int{0, 0, 1, 2, 2}
	want := (0.75 + 2.0/3 + 0 + 5.0/6 + 6.0/7) / 5
	got, err := Silhouette(context.Background(), x, labels, 3, nil, 0, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if metricsRelErr(got, want) > 1e-15 {
		t.Errorf("got %.17g, want %.17g", got, want)
	}
	// Duplicate points in their own cluster: a=b=0 scores 0 (scikit-learn's nan_to_num).
	x = mat.NewDense(4, 1, []float64{1, 1, 1, 1})
	got, err = Silhouette(context.Background(), x, []int{0, 0, 1, 1}, 2, nil, 0, 0, 0)
	if err != nil || got != 0 {
		t.Errorf("identical points: %v, %v; want 0", got, err)
	}
}

// metricsCountdownCtx is a context whose Err becomes Canceled after a number of calls.
type metricsCountdownCtx struct {
	context.Context
	left int
}

func (c *metricsCountdownCtx) Err() error {
	if c.left <= 0 {
		return context.Canceled
	}
	c.left--
	return nil
}

func TestSilhouetteCancelled(t *testing.T) {
	t.Parallel()
	x, labels := metricsClusters(3000, 4, 5, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, threads := range []int{1, 2} {
		t.Run(fmt.Sprint("threads=", threads), func(t *testing.T) {
			if _, err := Silhouette(ctx, x, labels, 5, nil, 0, 0, threads); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled before: error %v, want context.Canceled", err)
			}
			// Cancelled between chunks, after the work has started.
			cd := &metricsCountdownCtx{Context: context.Background(), left: 3}
			if _, err := Silhouette(cd, x, labels, 5, nil, 0, 0, threads); !errors.Is(err, context.Canceled) {
				t.Errorf("cancelled during: error %v, want context.Canceled", err)
			}
			oc := newOwnerCtx(t)
			if _, err := Silhouette(oc, x, labels, 5, nil, 0, 0, threads); err != nil || oc.polls == 0 {
				t.Errorf("live context: error %v after %d polls", err, oc.polls)
			}
		})
	}
}

func TestDaviesBouldinCalinskiHarabasz(t *testing.T) {
	t.Parallel()
	type metric struct {
		name string
		fn   func(*mat.Dense, []int, int, []float64) float64
		want func(*metricsFixture) (plain, repeated float64)
	}
	// ignoreCtx runs a metric with a live context, whose Err is never set.
	ignoreCtx := func(m func(context.Context, *mat.Dense, []int, int, []float64) (float64, error)) func(*mat.Dense, []int, int, []float64) float64 {
		return func(x *mat.Dense, labels []int, k int, w []float64) float64 {
			v, err := m(context.Background(), x, labels, k, w)
			if err != nil {
				t.Fatalf("error %v with a live context", err)
			}
			return v
		}
	}
	metrics := []metric{
		{"DaviesBouldin", ignoreCtx(DaviesBouldin), func(f *metricsFixture) (float64, float64) {
			return f.DaviesBouldin, f.RepeatedDaviesBouldin
		}},
		{"CalinskiHarabasz", ignoreCtx(CalinskiHarabasz), func(f *metricsFixture) (float64, float64) {
			return f.CalinskiHarabasz, f.RepeatedCalinskiHarabasz
		}},
	}
	for name, f := range metricsFixtures(t) {
		n, _ := f.data.Dims()
		for _, m := range metrics {
			t.Run(m.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				// expected: scikit-learn 1.2.1 davies_bouldin_score / calinski_harabasz_score
				// on the fixture (make_fixtures.py), and on its rows repeated w[i] times.
				plain, rep := m.want(f)
				got := m.fn(f.data, f.Labels, f.K, nil)
				if e := metricsRelErr(got, plain); e > 1e-10 {
					t.Errorf("unweighted %.17g, scikit-learn %.17g (rel err %.2g)", got, plain, e)
				}
				if v := m.fn(f.data, f.Labels, f.K, metricsOnes(n)); metricsRelErr(v, got) > 1e-14 {
					t.Errorf("all-metricsOnes weights %.17g, unweighted %.17g", v, got)
				}
				if v := m.fn(f.data, f.Labels, f.K, f.Weights); metricsRelErr(v, rep) > 1e-10 {
					t.Errorf("integer weights %.17g, scikit-learn on repeated rows %.17g", v, rep)
				}
				xr, lr := metricsRepeatRows(f.data, f.Labels, f.Weights)
				if v := m.fn(xr, lr, f.K, nil); metricsRelErr(v, rep) > 1e-10 {
					t.Errorf("repeated rows %.17g, scikit-learn %.17g", v, rep)
				}
				// Empty clusters are skipped: spread the labels over 0, 2, 4, ... of 2k+1.
				spread := make([]int, n)
				for i, l := range f.Labels {
					spread[i] = 2 * l
				}
				if v := m.fn(f.data, spread, 2*f.K+1, nil); metricsRelErr(v, got) > 1e-14 {
					t.Errorf("with empty clusters %.17g, want %.17g", v, got)
				}
			})
		}
	}

	x := mat.NewDense(4, 2, []float64{0, 0, 1, 0, 5, 5, 6, 5})
	for _, m := range metrics {
		t.Run(m.name+"/invalid", func(t *testing.T) {
			for _, c := range []struct {
				labels  []int
				weights []float64
			}{
				{[]int{0, 0, 0, 0}, nil},
				{[]int{0, 1, 2, 3}, nil},
				{[]int{0, 0, 1, 1}, []float64{1, 1, 0, 0}},  // one cluster with weight
				{[]int{0, 0, 1, 1}, []float64{1, -1, 1, 1}}, // negative weight
			} {
				if v := m.fn(x, c.labels, 4, c.weights); !math.IsNaN(v) {
					t.Errorf("labels %v weights %v: %v, want NaN", c.labels, c.weights, v)
				}
			}
		})
	}
	// Hand-checked DB: clusters {(0,0),(2,0)} and {(10,0),(10,2)}: S = 1, 1,
	// centroids (1,0) and (10,1) at distance √82, so DB = 2/√82. CH: B = 2·(4.5²+0.5²)·2
	// = 82, W = 4, (N−K)/(K−1) = 2, so CH = 82·2/4 = 41.
	x = mat.NewDense(4, 2, []float64{0, 0, 2, 0, 10, 0, 10, 2})
	labels := []int{0, 0, 1, 1}
	if got, want := metrics[0].fn(x, labels, 2, nil), 2/math.Sqrt(82); metricsRelErr(got, want) > 1e-15 {
		t.Errorf("DaviesBouldin %.17g, want %.17g", got, want)
	}
	if got := metrics[1].fn(x, labels, 2, nil); metricsRelErr(got, 41) > 1e-15 {
		t.Errorf("CalinskiHarabasz %.17g, want 41", got)
	}
}

// TestLinearMetricsCancelled: Davies-Bouldin and Calinski-Harabasz stop
// with the context's error, whether it ends before they start or while
// they read the rows, and poll it only on the calling goroutine.
func TestLinearMetricsCancelled(t *testing.T) {
	t.Parallel()
	x, labels := metricsClusters(5*metricPollRows, 3, 4, 9)
	for _, m := range []struct {
		name string
		fn   func(context.Context, *mat.Dense, []int, int, []float64) (float64, error)
	}{{"DaviesBouldin", DaviesBouldin}, {"CalinskiHarabasz", CalinskiHarabasz}} {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			for _, left := range []int{0, 1, 3, 6} {
				cd := &metricsCountdownCtx{Context: context.Background(), left: left}
				if _, err := m.fn(cd, x, labels, 4, nil); !errors.Is(err, context.Canceled) {
					t.Errorf("cancelled after %d polls: error %v, want context.Canceled", left, err)
				}
			}
			oc := newOwnerCtx(t)
			if _, err := m.fn(oc, x, labels, 4, nil); err != nil || oc.polls == 0 {
				t.Errorf("live context: error %v after %d polls", err, oc.polls)
			}
		})
	}
}

func BenchmarkSilhouette(b *testing.B) {
	for _, n := range []int{2000, 10000} {
		for _, d := range []int{3, 8} {
			x, labels := metricsClusters(n, d, 5, 1)
			b.Run(fmt.Sprintf("n=%d/d=%d", n, d), func(b *testing.B) {
				for b.Loop() {
					if _, err := Silhouette(context.Background(), x, labels, 5, nil, 0, 0, 0); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// Distances that overflow make the silhouette NaN (not 0, which
// scikit-learn's nan_to_num would give): two pairs of points whose
// difference, squared and summed over two columns, exceeds the float64
// range.
func TestSilhouetteOverflow(t *testing.T) {
	t.Parallel()
	const c = 6.5e153
	x := mat.NewDense(4, 2, []float64{c, c, c, c, -c, -c, -c, -c})
	s, err := Silhouette(context.Background(), x, []int{0, 0, 1, 1}, 2, nil, 0, 0, 1)
	if err != nil || !math.IsNaN(s) {
		t.Errorf("Silhouette = %v, %v; want NaN", s, err)
	}
	x.Scale(1e-150, x)
	if s, err := Silhouette(context.Background(), x, []int{0, 0, 1, 1}, 2, nil, 0, 0, 1); err != nil || s != 1 {
		t.Errorf("scaled: Silhouette = %v, %v; want 1", s, err)
	}
}
