package kmeans

import (
	"context"
	"errors"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestScalerWholesale(t *testing.T) {
	t.Parallel()
	// expected: scikit-learn 1.2.1 StandardScaler().fit(X).mean_ and .scale_ on the six
	// spending columns of testdata/kmeans_metrics/wholesale_customers_data.csv
	// (make_fixtures.py, wholesale.json).
	f := loadMetricsFixture(t, "wholesale.json")
	x := metricsWholesaleRaw(t)
	s := FitScaler(x)
	for j, col := range []string{"Fresh", "Milk", "Grocery", "Frozen", "Detergents_Paper", "Delicassen"} {
		t.Run(col, func(t *testing.T) {
			if e := metricsRelErr(s.Mean[j], f.ScalerMean[j]); e > 1e-13 {
				t.Errorf("Mean %.17g, scikit-learn %.17g", s.Mean[j], f.ScalerMean[j])
			}
			if e := metricsRelErr(s.Std[j], f.ScalerScale[j]); e > 1e-13 {
				t.Errorf("Std %.17g, scikit-learn %.17g", s.Std[j], f.ScalerScale[j])
			}
		})
	}
}

func TestScaler(t *testing.T) {
	t.Parallel()
	// Columns: varied; constant; constant but large (rounding must not make it
	// "vary"); a single non-zero value.
	x := mat.NewDense(4, 4, []float64{
		1, 5, 0.1, 0,
		2, 5, 0.1, 0,
		3, 5, 0.1, 0,
		6, 5, 0.1, 8,
	})
	s := FitScaler(x)
	cases := []struct {
		name      string
		mean, std float64
	}{
		{"varied", 3, 1.8708286933869707}, // sqrt(14/4)
		{"constant", 5, 1},
		{"constant 0.1", 0.1, 1},             // mean 0.1 is not exact in binary; still constant
		{"one value", 2, 3.4641016151377544}, // sqrt(48/4)
	}
	for j, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if metricsRelErr(s.Mean[j], c.mean) > 1e-15 || metricsRelErr(s.Std[j], c.std) > 1e-15 {
				t.Errorf("mean, std = %v, %v; want %v, %v", s.Mean[j], s.Std[j], c.mean, c.std)
			}
		})
	}

	t.Run("transform in place and back", func(t *testing.T) {
		z := mat.DenseCopyOf(x)
		s.Transform(z, z)
		zs := FitScaler(z)
		for j := range 4 {
			if m := zs.Mean[j]; m > 1e-15 || m < -1e-15 {
				t.Errorf("column %d: mean after transform %v", j, m)
			}
		}
		if v := z.At(0, 1); v != 0 {
			t.Errorf("constant column transforms to %v, want 0", v)
		}
		row := make([]float64, 4)
		for i := range 4 {
			s.InverseRow(row, z.RawRowView(i))
			for j, v := range row {
				if metricsRelErr(v, x.At(i, j)) > 1e-15 && v != x.At(i, j) {
					t.Errorf("row %d col %d: inverse %v, want %v", i, j, v, x.At(i, j))
				}
			}
			s.TransformRow(row, row)
			for j, v := range row {
				if v != z.At(i, j) {
					t.Errorf("row %d col %d: TransformRow %v, Transform %v", i, j, v, z.At(i, j))
				}
			}
		}
	})

}

// TestScalerAllocs is not parallel: AllocsPerRun refuses parallel tests.
func TestScalerAllocs(t *testing.T) {
	s := Scaler{Mean: []float64{1, 2, 3, 4}, Std: []float64{1, 2, 4, 8}}
	row := []float64{1, 2, 3, 4}
	dst := make([]float64, 4)
	if a := testing.AllocsPerRun(100, func() {
		s.TransformRow(dst, row)
		s.InverseRow(dst, dst)
	}); a != 0 {
		t.Errorf("%v allocations per call", a)
	}
}

// The context variants give the same numbers and stop when ctx ends.
func TestScalerContext(t *testing.T) {
	t.Parallel()
	x := blobs(70000, 3, 4, 2, 1)
	want := FitScaler(x)
	got, err := FitScalerContext(context.Background(), x)
	if err != nil || !mat.Equal(mat.NewVecDense(3, got.Mean), mat.NewVecDense(3, want.Mean)) || !mat.Equal(mat.NewVecDense(3, got.Std), mat.NewVecDense(3, want.Std)) {
		t.Errorf("FitScalerContext = %+v, %v; FitScaler %+v", got, err, want)
	}
	a, b := mat.DenseCopyOf(x), mat.DenseCopyOf(x)
	want.Transform(a, a)
	if err := want.TransformContext(context.Background(), b, b); err != nil || !mat.Equal(a, b) {
		t.Errorf("TransformContext differs from Transform (%v)", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := FitScalerContext(ctx, x); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled FitScalerContext: %v", err)
	}
	if err := want.TransformContext(ctx, b, b); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled TransformContext: %v", err)
	}
}
