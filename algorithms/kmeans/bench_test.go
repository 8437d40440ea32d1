package kmeans

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Benchmarks at three sizes on generated blobs, and on the peers' blob files
// when they exist (written by /work/shared/peers/gen_blobs.py into
// $BENCH_OUT, default /tmp/marketsql-bench). The peers' timings come from
// /work/shared/peers/kmeans_bench.py: scikit-learn KMeans(init='k-means++',
// n_init=1, max_iter=100, tol=1e-4); the same settings are used here.

func benchFit(b *testing.B, x *mat.Dense, opts Options) {
	b.Helper()
	n, d := x.Dims()
	b.SetBytes(int64(n * d * 8))
	var res *Result
	for b.Loop() {
		var err error
		res, err = Fit(context.Background(), x, nil, opts)
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.Iterations), "iters")
	b.ReportMetric(res.Inertia, "inertia")
}

func BenchmarkFit(b *testing.B) {
	sizes := []struct {
		name    string
		n, d, k int
	}{
		{"small_n2k_d4_k3", 2000, 4, 3},
		{"medium_n100k_d8_k8", 100000, 8, 8},
		{"large_n500k_d16_k16", 500000, 16, 16},
	}
	for _, s := range sizes {
		x := blobs(s.n, s.d, s.k, 1, 1)
		for _, a := range []struct {
			name string
			alg  Algorithm
		}{{"auto", Auto}, {"lloyd", Lloyd}, {"minibatch", MiniBatch}} {
			b.Run(s.name+"/"+a.name, func(b *testing.B) {
				benchFit(b, x, Options{K: s.k, MaxIter: 100, Tol: 1e-4, Algorithm: a.alg})
			})
		}
	}
}

// readBlobs loads a peers' blob file (float64 little-endian, row-major).
func readBlobs(n, d, k int, suffix string) (*mat.Dense, error) {
	dir := os.Getenv("BENCH_OUT")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "marketsql-bench")
	}
	raw, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("blobs_n%d_d%d_k%d%s.f64", n, d, k, suffix)))
	if err != nil {
		return nil, err
	}
	if len(raw) != n*d*8 {
		return nil, fmt.Errorf("blob file has %d bytes, want %d", len(raw), n*d*8)
	}
	v := make([]float64, n*d)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(raw[8*i:]))
	}
	return mat.NewDense(n, d, v), nil
}

var peerSets = []struct {
	n, d, k int
	suffix  string
}{
	{100000, 8, 8, ""},
	{1000000, 8, 8, ""},
	{100000, 32, 64, ""},
	{1000000, 32, 16, ""},
	{1000000, 32, 16, "_std5"},
}

// benchSeed is the seed of BenchmarkPeers's fits ($KMEANS_SEED, default 0).
var benchSeed = func() uint64 {
	var s uint64
	fmt.Sscan(os.Getenv("KMEANS_SEED"), &s)
	return s
}()

// BenchmarkPeers times Fit on the peers' blob files (skipped when absent).
func BenchmarkPeers(b *testing.B) {
	for _, p := range peerSets {
		name := fmt.Sprintf("n%d_d%d_k%d%s", p.n, p.d, p.k, p.suffix)
		b.Run(name, func(b *testing.B) {
			x, err := readBlobs(p.n, p.d, p.k, p.suffix)
			if err != nil {
				b.Skip(err)
			}
			for _, a := range []struct {
				name string
				alg  Algorithm
			}{{"auto", Auto}, {"lloyd", Lloyd}, {"hamerly", Hamerly}, {"elkan", Elkan}} {
				b.Run(a.name, func(b *testing.B) {
					benchFit(b, x, Options{K: p.k, MaxIter: 100, Tol: 1e-4, Algorithm: a.alg, Seed: benchSeed})
				})
			}
			if p.n == 1000000 && p.d == 32 {
				b.Run("minibatch", func(b *testing.B) {
					benchFit(b, x, Options{K: p.k, MaxIter: 100, Algorithm: MiniBatch})
				})
			}
		})
	}
}

// BenchmarkKMeansPlusPlus times the initialisation alone on the peers' files.
func BenchmarkKMeansPlusPlus(b *testing.B) {
	for _, p := range peerSets {
		name := fmt.Sprintf("n%d_d%d_k%d%s", p.n, p.d, p.k, p.suffix)
		b.Run(name, func(b *testing.B) {
			x, err := readBlobs(p.n, p.d, p.k, p.suffix)
			if err != nil {
				b.Skip(err)
			}
			// MaxIter 1 with the bounded pass: k-means++ plus one cheap
			// bounded iteration and the final E-step (a few ms at 1M rows).
			benchFit(b, x, Options{K: p.k, MaxIter: 1})
		})
	}
}

// BenchmarkMidSized times the mid-sized row of bench/kmeans: 60k×6, k=7,
// n_init 10, otherwise the defaults (skipped when the file is absent).
func BenchmarkMidSized(b *testing.B) {
	x, err := readBlobs(60000, 6, 7, "")
	if err != nil {
		b.Skip(err)
	}
	b.Run("fit", func(b *testing.B) {
		benchFit(b, x, Options{K: 7, NInit: 10, MaxIter: 300, Tol: 1e-4})
	})
	res, err := Fit(context.Background(), x, nil, Options{K: 7, NInit: 10, MaxIter: 300, Tol: 1e-4})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("silhouette", func(b *testing.B) {
		for b.Loop() {
			if _, err := Silhouette(context.Background(), x, res.Labels, 7, nil, 10000, 0, 0); err != nil {
				b.Fatal(err)
			}
		}
	})
}
