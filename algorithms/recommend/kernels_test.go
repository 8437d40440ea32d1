package recommend

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKernelsMatchGo: the assembly kernels agree with the Go loops to
// rounding, for every length (multiples of 8 take the fast path).
func TestKernelsMatchGo(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n <= 70; n++ {
		a, b := make([]float32, n), make([]float32, n+3)
		for k := range a {
			a[k] = float32(rng.NormFloat64())
		}
		for k := range b {
			b[k] = float32(rng.NormFloat64())
		}
		if got, want := dot(a, b), dotGo(a, b); math.Abs(float64(got-want)) > 1e-4*(1+math.Abs(float64(want))) {
			t.Errorf("n=%d: dot %v, Go %v", n, got, want)
		}
		y1, y2 := append([]float32(nil), b...), append([]float32(nil), b...)
		axpy(0.7, a, y1)
		axpyGo(0.7, a, y2)
		for k := range y1 {
			if math.Abs(float64(y1[k]-y2[k])) > 1e-5*(1+math.Abs(float64(y2[k]))) {
				t.Errorf("n=%d: axpy[%d] %v, Go %v", n, k, y1[k], y2[k])
			}
		}
		if y1[n] != b[n] {
			t.Errorf("n=%d: axpy wrote past x's length", n)
		}
	}
	t.Logf("AVX2+FMA kernels in use: %v", useAVX2)
}

// TestALSScoresMatchDot: scoring every item in one assembly loop gives the
// same bits as one dot product per item, so recommendations do not depend
// on which path ran.
func TestALSScoresMatchDot(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, f := range []int{8, 16, 24, 64, 7, 12} {
		const n = 37
		m := &Factors{F: f, Items: make([]float32, n*f)}
		x := make([]float32, f)
		for k := range m.Items {
			m.Items[k] = float32(rng.NormFloat64())
		}
		for k := range x {
			x[k] = float32(rng.NormFloat64())
		}
		got := make([]float64, n)
		m.ALSScores(x, got, nil)
		for i := range n {
			if want := float64(dot(m.Items[i*f:i*f+f], x)); got[i] != want {
				t.Errorf("f=%d item %d: score %v, dot %v", f, i, got[i], want)
			}
		}
	}
}

func BenchmarkDot64(b *testing.B) {
	x, y := make([]float32, 64), make([]float32, 64)
	for k := range x {
		x[k], y[k] = float32(k), 1
	}
	var s float32
	for b.Loop() {
		s += dot(x, y)
	}
	_ = s
}
