package clv

import (
	"math"
	"testing"
)

// ExpectedPath equals ExpectedPurchases at every horizon, bit for bit (where
// the build does not fuse multiply-adds), for
// BG/NBD (also at a = 1 and with z near 1) and Pareto/NBD.
func TestExpectedPathBitIdentical(t *testing.T) {
	models := []*Purchases{
		{Kind: BGNBD, R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426},
		{Kind: BGNBD, R: 2.5, Alpha: 0.3, A: 3.1, B: 0.4},
		{Kind: BGNBD, R: 0.5, Alpha: 10, A: 1, B: 2},
		{Kind: ParetoNBD, R: 0.55, Alpha: 10.58, S: 0.61, Beta: 11.67},
	}
	d := SimulateBGNBD(0.243, 4.414, 0.793, 2.426, 3000, 0, 39, 7)
	var ts []float64
	for i := 1; i <= 70; i++ {
		ts = append(ts, math.Min(float64(i)*WeeksPerMonth, 300))
	}
	ts = append(ts, 0, -1, 1e-9, 1e6)
	out := make([]float64, len(ts))
	for k, m := range models {
		for i := range d.X {
			x, tx, T := d.X[i], d.TX[i], d.T[i]
			if i%3 == 0 {
				x *= 40 // many purchases
			}
			m.ExpectedPath(ts, x, tx, T, out)
			for j, h := range ts {
				want := m.ExpectedPurchases(h, x, tx, T)
				same := math.Float64bits(out[j]) == math.Float64bits(want) || math.IsNaN(want) && math.IsNaN(out[j])
				if !exactFloat {
					same = same || math.Abs(out[j]-want) <= 1e-13*math.Abs(want)
				}
				if !same {
					t.Fatalf("model %d customer %d (x=%g tx=%g T=%g) t=%g: %v, want %v", k, i, x, tx, T, h, out[j], want)
				}
			}
		}
	}
}

func BenchmarkExpectedPath(b *testing.B) {
	m := &Purchases{Kind: BGNBD, R: 0.243, Alpha: 4.414, A: 0.793, B: 2.426}
	d := SimulateBGNBD(0.243, 4.414, 0.793, 2.426, 10000, 27, 39, 1)
	ts := make([]float64, 12)
	for i := range ts {
		ts[i] = float64(i+1) * WeeksPerMonth
	}
	out := make([]float64, len(ts))
	b.ResetTimer()
	for b.Loop() {
		for i := range d.X {
			m.ExpectedPath(ts, d.X[i], d.TX[i], d.T[i], out)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(d.X)), "ns/customer")
}
