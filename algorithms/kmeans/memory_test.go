package kmeans

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// allocated returns the bytes fn allocates on the heap (garbage included,
// so it bounds the peak from above).
func allocated(fn func()) int64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return int64(after.TotalAlloc - before.TotalAlloc)
}

// TestFitMemory: the estimate bounds what Fit allocates, and not by much
// more than it needs (it is what a fit is refused for).
func TestFitMemory(t *testing.T) {
	for _, tc := range []struct {
		name     string
		n, d, k  int
		opts     Options
		weighted bool
	}{
		{"hamerly", 20000, 5, 8, Options{Algorithm: Hamerly}, false},
		{"auto weighted", 20000, 5, 8, Options{}, true},
		{"lloyd", 20000, 5, 8, Options{Algorithm: Lloyd}, false},
		{"elkan", 20000, 5, 30, Options{Algorithm: Elkan}, false},
		{"elkan random", 20000, 3, 30, Options{Algorithm: Elkan, Init: InitRandom, NInit: 1}, false},
		{"minibatch", 50000, 4, 10, Options{Algorithm: MiniBatch, BatchSize: 500}, false},
		{"wide", 5000, 60, 16, Options{}, false},
		{"many clusters", 10000, 2, 300, Options{MaxIter: 20}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := blobs(tc.n, tc.d, max(2, tc.k/3), 1, 5)
			var w []float64
			if tc.weighted {
				w = make([]float64, tc.n)
				for i := range w {
					w[i] = float64(1 + i%3)
				}
			}
			opts := tc.opts
			opts.K, opts.Threads, opts.Seed = tc.k, 1, 3
			if opts.MaxIter == 0 {
				opts.MaxIter = 100
			}
			est := FitMemory(tc.n, tc.d, tc.weighted, opts)
			var err error
			got := allocated(func() { _, err = Fit(context.Background(), x, w, opts) })
			if err != nil {
				t.Fatal(err)
			}
			if got > est.Total() {
				t.Errorf("Fit allocated %d bytes, more than the estimate %d (%+v)", got, est.Total(), est)
			}
			if est.Total() > 3*got {
				t.Errorf("estimate %d (%+v) is more than 3 times what Fit allocated (%d)", est.Total(), est, got)
			}
		})
	}
}

func TestSilhouetteMemory(t *testing.T) {
	for _, tc := range []struct{ n, d, k, sample int }{{5000, 4, 5, 0}, {20000, 3, 8, 2000}, {3000, 40, 3, 10000}} {
		t.Run(fmt.Sprint(tc), func(t *testing.T) {
			x := blobs(tc.n, tc.d, tc.k, 1, 2)
			labels := make([]int, tc.n)
			for i := range labels {
				labels[i] = i % tc.k
			}
			est := SilhouetteMemory(tc.n, tc.d, tc.k, tc.sample)
			var err error
			got := allocated(func() { _, err = Silhouette(context.Background(), x, labels, tc.k, nil, tc.sample, 1, 1) })
			if err != nil {
				t.Fatal(err)
			}
			if got > est || est > 3*got {
				t.Errorf("Silhouette allocated %d bytes; estimate %d", got, est)
			}
		})
	}
}

// The estimate grows with what costs memory and saturates instead of
// overflowing.
func TestFitMemoryShape(t *testing.T) {
	base := FitMemory(1_000_000, 8, false, Options{K: 10})
	if e := FitMemory(1_000_000, 8, false, Options{K: 10, Algorithm: Elkan}); e.Elkan < 8*1_000_000*10 || e.Total() <= base.Total() {
		t.Errorf("Elkan %+v, Hamerly %+v", e, base)
	}
	if e := FitMemory(1_000_000, 8, false, Options{K: 10, Centroids: mat.NewDense(10, 8, nil)}); e.Init != 0 {
		t.Errorf("explicit centroids need no k-means++: %+v", e)
	}
	if e := FitMemory(1<<40, 2000, false, Options{K: 1 << 30, Algorithm: Elkan}); e.Total() <= 0 {
		t.Errorf("huge estimate overflowed: %+v", e)
	}
}
