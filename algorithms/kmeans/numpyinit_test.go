package kmeans

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// With NumPyRandom, k-means++ picks the same rows as scikit-learn 1.2.1 with
// the same random_state, so whole fits match run for run.
// expected: testdata/kmeans/numpy_init.json, written by
// testdata/kmeans/make_numpy_init.py (scikit-learn 1.2.1 kmeans_plusplus and
// KMeans(init='k-means++', n_init=1, random_state=seed, algorithm='lloyd')).
func TestNumPyRandomMatchesScikitLearn(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testdata, "numpy_init.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Runs []struct {
			Data       string
			K, Seed    int
			Indices    []int
			Inertia    float64
			Iterations int `json:"n_iter"`
		}
	}
	if err := json.Unmarshal(raw, &fx); err != nil {
		t.Fatal(err)
	}
	blobs, err := readCSV(filepath.Join(testdata, "blobs_3000x5.csv"), 0)
	if err != nil {
		t.Fatal(err)
	}
	n, d := blobs.Dims()
	// "wide": the same rows spread 4 times further around their mean.
	wide := mat.NewDense(n, d, nil)
	for c := 0; c < d; c++ {
		mean := mat.Sum(blobs.ColView(c)) / float64(n)
		for i := 0; i < n; i++ {
			wide.Set(i, c, mean+4*(blobs.At(i, c)-mean))
		}
	}
	for _, run := range fx.Runs {
		x := map[string]*mat.Dense{"blobs": blobs, "wide": wide}[run.Data]
		f, dt := newTestData(t, x)
		cen := make([]float64, run.K*d)
		if err := kmeansPP(f, dt, run.K, newNumPyRandomState(uint32(run.Seed)), cen, nil); err != nil {
			t.Fatal(err)
		}
		for j, idx := range run.Indices {
			for c := 0; c < d; c++ {
				if got, want := cen[j*d+c]+dt.mean[c], x.At(idx, c); math.Abs(got-want) > 1e-9*(1+math.Abs(want)) {
					t.Fatalf("%s k=%d seed=%d: centre %d is not row %d", run.Data, run.K, run.Seed, j, idx)
				}
			}
		}
		res, err := Fit(context.Background(), x, nil, Options{K: run.K, Seed: uint64(run.Seed), NumPyRandom: true,
			Tol: 1e-4, Algorithm: Lloyd})
		if err != nil {
			t.Fatal(err)
		}
		if rel := math.Abs(res.Inertia-run.Inertia) / run.Inertia; rel > 1e-9 || res.Iterations != run.Iterations {
			t.Errorf("%s k=%d seed=%d: inertia %v in %d iterations, scikit-learn %v in %d", run.Data, run.K, run.Seed,
				res.Inertia, res.Iterations, run.Inertia, run.Iterations)
		}
	}
}

func TestNumPyRandomOptions(t *testing.T) {
	x := mat.NewDense(4, 1, []float64{0, 1, 2, 3})
	for _, o := range []Options{
		{K: 2, NumPyRandom: true, Init: InitRandom},
		{K: 2, NumPyRandom: true, Algorithm: MiniBatch},
		{K: 2, NumPyRandom: true, Seed: 1 << 32},
	} {
		if _, err := Fit(context.Background(), x, nil, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

func newTestData(t *testing.T, x *mat.Dense) (*fitter, *data) {
	t.Helper()
	f := &fitter{ctx: context.Background(), r: runner{threads: 2}}
	dt, _, err := prepare(f, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f, dt
}
