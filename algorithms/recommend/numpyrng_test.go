package recommend_test

import (
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
)

func TestNumpyRNG(t *testing.T) {
	// expected: numpy 1.24 np.random.default_rng(0).random(3) and random_raw(2)
	r := recommend.NewNumPyRNG(0)
	if got := r.Uint64(); got != 0xa30febcfd9c2825f {
		t.Fatalf("first raw output %#x, numpy 0xa30febcfd9c2825f", got)
	}
	r = recommend.NewNumPyRNG(0)
	for k, want := range []float64{0.6369616873214543, 0.2697867137638703, 0.04097352393619469} {
		if got := r.Float64(); got != want {
			t.Errorf("random()[%d] = %v, numpy %v", k, got, want)
		}
	}
}
