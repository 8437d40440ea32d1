package kmeans

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestScores4MatchesGeneric: the assembly kernel (where the CPU has it) gives
// the bits of the portable math.FMA kernel, for shapes with and without
// padding.
func TestScores4MatchesGeneric(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range []struct{ k, d int }{{1, 1}, {3, 5}, {8, 8}, {16, 32}, {13, 7}, {64, 32}, {6, 32}, {10, 3}, {4, 2}} {
		t.Run(fmt.Sprintf("k%d_d%d", s.k, s.d), func(t *testing.T) {
			cen := make([]float64, s.k*s.d)
			cn := make([]float64, s.k)
			for i := range cen {
				cen[i] = rng.NormFloat64() * 10
			}
			for j := range s.k {
				c := cen[j*s.d : j*s.d+s.d]
				cn[j] = dot(c, c)
			}
			ct := newCentresT(s.k, s.d)
			ct.set(cen, cn)
			var x [4][]float64
			for r := range x {
				x[r] = make([]float64, s.d)
				for i := range x[r] {
					x[r][i] = rng.NormFloat64() * 10
				}
			}
			got := make([]float64, 4*ct.kp)
			want := make([]float64, 4*ct.kp)
			scores4(x[0], x[1], x[2], x[3], ct, got)
			scores4Generic(x[0], x[1], x[2], x[3], ct, want)
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("score %d: %v, generic %v", i, got[i], want[i])
				}
			}
			for r := range 4 {
				for j := range s.k {
					if e := exactScore(x[r], cen[j*s.d:j*s.d+s.d], cn[j]); math.Float64bits(e) != math.Float64bits(got[r*ct.kp+j]) {
						t.Fatalf("row %d centre %d: exactScore %v, scores4 %v", r, j, e, got[r*ct.kp+j])
					}
					ref := cn[j] - 2*dot(x[r], cen[j*s.d:j*s.d+s.d])
					if math.Abs(got[r*ct.kp+j]-ref) > 1e-9*(1+math.Abs(ref)+cn[j]) {
						t.Fatalf("row %d centre %d: %v, want about %v", r, j, got[r*ct.kp+j], ref)
					}
				}
				for j := s.k; j < ct.kp; j++ {
					if !math.IsInf(got[r*ct.kp+j], 1) {
						t.Fatalf("padding centre %d scores %v, want +Inf", j, got[r*ct.kp+j])
					}
				}
			}
		})
	}
}

func BenchmarkScores4(b *testing.B) {
	for _, s := range []struct{ k, d int }{{8, 8}, {16, 32}, {64, 32}} {
		b.Run(fmt.Sprintf("k%d_d%d", s.k, s.d), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			cen := make([]float64, s.k*s.d)
			for i := range cen {
				cen[i] = rng.NormFloat64()
			}
			ct := newCentresT(s.k, s.d)
			ct.set(cen, make([]float64, s.k))
			x := make([]float64, 4*s.d)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			out := make([]float64, 4*ct.kp)
			for b.Loop() {
				scores4(x[:s.d], x[s.d:2*s.d], x[2*s.d:3*s.d], x[3*s.d:], ct, out)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/4, "ns/row")
		})
	}
}

// TestAccumRowsMatchesGeneric: the assembly accumulation gives the bits of
// the portable one, for dimensions with and without a remainder.
func TestAccumRowsMatchesGeneric(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, d := range []int{1, 3, 4, 7, 8, 32} {
		n, k := 37, 5
		x := make([]float64, n*d)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		lab := make([]int32, n)
		w := make([]float64, n)
		for i := range lab {
			lab[i] = int32(rng.IntN(k))
			w[i] = rng.Float64() * 3
		}
		for _, mask := range [][]uint64{nil, {0b10110}} {
			s1, w1 := make([]float64, k*d), make([]float64, k)
			s2, w2 := make([]float64, k*d), make([]float64, k)
			accumRows(x, lab, w, d, s1, w1, mask)
			accumRowsGeneric(x, lab, w, d, s2, w2, mask)
			for i := range s1 {
				if math.Float64bits(s1[i]) != math.Float64bits(s2[i]) {
					t.Fatalf("d=%d mask %v: sum %d is %v, generic %v", d, mask, i, s1[i], s2[i])
				}
				if mask != nil && mask[0]&(1<<(i/d)) == 0 && s1[i] != 0 {
					t.Fatalf("d=%d: cluster %d is not in the mask but has sum %v", d, i/d, s1[i])
				}
			}
			for i := range w1 {
				if w1[i] != w2[i] {
					t.Fatalf("d=%d mask %v: weight %d is %v, generic %v", d, mask, i, w1[i], w2[i])
				}
			}
		}
	}
	for _, n := range []int{1, 3, 4, 5, 8, 9, 32, 33} {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], y[i] = rng.NormFloat64(), rng.NormFloat64()
		}
		if got, want := dotBound(x, y), dot(x, y); math.Abs(got-want) > 1e-12*(1+math.Abs(want)) {
			t.Fatalf("dotBound n=%d: %v, want %v", n, got, want)
		}
	}
}

// TestArgminPadded: the padded argmin finds argmin's position and value,
// the first one on ties.
func TestArgminPadded(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for k := 1; k <= 140; k++ {
		for rep := range 50 {
			kp := (k + 3) &^ 3
			v := make([]float64, kp)
			for j := range v {
				if j < k {
					v[j] = float64(rng.IntN(6) - 3) // many ties
					if rep%2 == 1 {
						v[j] = rng.NormFloat64()
					}
				} else {
					v[j] = inf
				}
			}
			ga, gv := argminPadded(v, k)
			wa, wv := argmin(v[:k])
			if ga != wa || gv != wv {
				t.Fatalf("k=%d %v: got (%d, %v), want (%d, %v)", k, v, ga, gv, wa, wv)
			}
		}
	}
}

// TestIncrementalSumsExact: reusing the sums of clusters no row joined or
// left gives the bits of recomputing every sum, for every E-step.
func TestIncrementalSumsExact(t *testing.T) {
	x := blobs(30000, 5, 9, 3, 21)
	for _, a := range exactAlgorithms {
		opts := Options{K: 9, Tol: 0, MaxIter: 60, Seed: 4, Algorithm: a.alg, Threads: 2}
		inc, err := Fit(context.Background(), x, nil, opts)
		if err != nil {
			t.Fatal(err)
		}
		incrementalSums = false
		full, err := Fit(context.Background(), x, nil, opts)
		incrementalSums = true
		if err != nil {
			t.Fatal(err)
		}
		if inc.Iterations != full.Iterations || inc.Inertia != full.Inertia || !slices.Equal(inc.Labels, full.Labels) ||
			!slices.Equal(inc.Centroids.RawMatrix().Data, full.Centroids.RawMatrix().Data) {
			t.Errorf("%s: incremental sums differ from full recomputation (iterations %d vs %d, inertia %v vs %v)",
				a.name, inc.Iterations, full.Iterations, inc.Inertia, full.Inertia)
		}
		if inc.Iterations < 5 {
			t.Errorf("%s: only %d iterations; the test wants several partial updates", a.name, inc.Iterations)
		}
	}
}

// TestSilSums4MatchesGeneric: the silhouette's pairwise kernel in assembly
// (where the CPU has it) gives the bits of the portable one, for several
// dimensions, strides and block counts, adding to what out already holds.
func TestSilSums4MatchesGeneric(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for _, s := range []struct{ d, stride, nblk int }{{1, 8, 1}, {2, 19, 2}, {6, 40, 3}, {7, 64, 8}, {32, 17, 2}} {
		t.Run(fmt.Sprintf("d%d_stride%d_blocks%d", s.d, s.stride, s.nblk), func(t *testing.T) {
			cols := max(s.stride, 8*s.nblk)
			xt := make([]float64, (s.d-1)*s.stride+cols)
			for i := range xt {
				xt[i] = rng.NormFloat64() * 3
			}
			w := make([]float64, cols)
			for i := range w {
				w[i] = rng.Float64() * 2
			}
			var x [4][]float64
			for r := range x {
				x[r] = make([]float64, s.d)
				for t := range x[r] {
					x[r][t] = rng.NormFloat64() * 3
				}
			}
			x[2] = []float64{} // a row equal to a column: distance exactly 0
			for t := range s.d {
				x[2] = append(x[2], xt[t*s.stride+5%cols])
			}
			var got, want [32]float64
			for i := range got {
				got[i] = float64(i) / 7
				want[i] = got[i]
			}
			silSums4Generic(x[0], x[1], x[2], x[3], xt, w, s.d, s.stride, s.nblk, &want)
			for _, wide := range kernelWidths() {
				got := got
				silSums4With(wide, x[0], x[1], x[2], x[3], xt, w, s.d, s.stride, s.nblk, &got)
				for i := range got {
					if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
						t.Fatalf("%s: out[%d] = %v, generic %v", wide, i, got[i], want[i])
					}
				}
			}
		})
	}
}
