package recommend_test

import (
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
)

// TestAccumulatorCapsN: an n above the catalogue is capped at its size, so
// recommend_eval(..., 2147483647) does not allocate 16 GB of discounts;
// the metrics are those at n = items.
func TestAccumulatorCapsN(t *testing.T) {
	t.Parallel()
	recs, rel := []int32{3, 1, 0}, map[int32]bool{1: true, 4: true, -1: true}
	big := recommend.NewAccumulator(1<<20, 5)
	big.Add(recs, rel)
	exact := recommend.NewAccumulator(5, 5)
	exact.Add(recs, rel)
	if got, want := big.Result(), exact.Result(); got != want {
		t.Errorf("n = 2^20 over 5 items: %+v, want the n = 5 result %+v", got, want)
	}
}
