package kmeans

import "testing"

// expected: numpy 1.24.2 (Debian python3-numpy),
//
//	r = np.random.RandomState(0); [r.randint(1000000) for _ in range(3)], r.uniform(size=3)
//	r = np.random.RandomState(42); r.randint(7), r.randint(1<<31), r.uniform(size=2)
//	r = np.random.RandomState(4294967295); r.randint(100), r.uniform(size=1)
func TestNumPyRandomState(t *testing.T) {
	r := newNumPyRandomState(0)
	for i, want := range []int{985772, 305711, 435829} {
		if got := r.IntN(1000000); got != want {
			t.Errorf("seed 0 randint #%d = %d, want %d", i, got, want)
		}
	}
	for i, want := range []float64{0.8442657485810173, 0.8579456176227568, 0.8472517387841254} {
		if got := r.Float64(); got != want {
			t.Errorf("seed 0 uniform #%d = %v, want %v", i, got, want)
		}
	}
	r = newNumPyRandomState(42)
	if got := r.IntN(7); got != 6 {
		t.Errorf("seed 42 randint(7) = %d, want 6", got)
	}
	if got := r.IntN(1 << 31); got != 1273642419 {
		t.Errorf("seed 42 randint(2^31) = %d, want 1273642419", got)
	}
	for i, want := range []float64{0.9507143064099162, 0.7319939418114051} {
		if got := r.Float64(); got != want {
			t.Errorf("seed 42 uniform #%d = %v, want %v", i, got, want)
		}
	}
	r = newNumPyRandomState(4294967295)
	if got := r.IntN(100); got != 35 {
		t.Errorf("seed 2^32-1 randint(100) = %d, want 35", got)
	}
	if got := r.Float64(); got != 0.11160667175339789 {
		t.Errorf("seed 2^32-1 uniform = %v, want 0.11160667175339789", got)
	}
}
