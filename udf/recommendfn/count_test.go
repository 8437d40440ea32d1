package recommendfn

import (
	"math"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/udf/core"
)

// TestCountCapsAtItems: n never exceeds the number of items, so it never
// sizes an allocation beyond the catalogue (recommend_eval, recommend,
// similar_items and recommend_basket all read n through count).
func TestCountCapsAtItems(t *testing.T) {
	for _, tc := range []struct {
		v           any
		items, want int
	}{
		{nil, 6, 6}, {nil, 50, 10}, {[]byte(nil), 3, 3}, {int64(4), 6, 4}, {int64(7), 6, 6},
		{int64(math.MaxInt32), 6, 6}, {int64(math.MaxInt64), 1000, 1000}, {float64(1 << 40), 9, 9},
	} {
		got, err := count("f", tc.v, tc.items)
		if err != nil || got != tc.want {
			t.Errorf("count(%v, items %d) = %d, %v; want %d", tc.v, tc.items, got, err, tc.want)
		}
	}
	if _, err := count("f", int64(0), 6); err == nil {
		t.Errorf("count(0) is not an error")
	}
}

// TestGoZeroOptions: from Go, a pointer to 0 asks for an exact 0, which is
// kept and stored as 0, never as a default or a sentinel.
func TestGoZeroOptions(t *testing.T) {
	o, err := Options{Regularization: new(0.0), Alpha: new(0.0)}.withDefaults("f", &core.Env{})
	if err != nil || *o.Regularization != 0 || *o.Alpha != 0 {
		t.Fatalf("withDefaults: %+v, %v", o, err)
	}
	if j := o.json(); !strings.Contains(j, `"alpha":0,`) || !strings.Contains(j, `"regularization":0,`) {
		t.Errorf("stored options %s", j)
	}
	o, err = Options{Method: "item_knn", Weighting: "bm25", BM25B: new(0.0)}.withDefaults("f", &core.Env{})
	if err != nil || *o.BM25B != 0 || !strings.Contains(o.json(), `"bm25_b":0,`) {
		t.Errorf("bm25_b: %+v, %v, %s", o, err, o.json())
	}
}
