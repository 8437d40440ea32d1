package kmeans

import (
	"container/heap"
	"math"
	"math/rand/v2"
)

// bounds is the per-row state of the bounded iteration (Hamerly): the label,
// an upper bound on the distance to the assigned centre and a lower bound on
// the distance to every other centre. k-means++ produces it as a by-product.
type bounds struct {
	lab   []int32
	upper []float64
	lower []float64
}

func newBounds(n int) *bounds {
	return &bounds{lab: make([]int32, n), upper: make([]float64, n), lower: make([]float64, n)}
}

// sampleIndex returns the first row i whose cumulative weight
// sum_{j<=i} v[j] reaches r (numpy's searchsorted(cumsum(v), r), side left),
// clipped to the last row. chunkSum holds the per-chunk sums of v.
func sampleIndex(dt *data, v func(i int) float64, chunkSum []float64, r float64) int {
	var acc float64
	for c := range dt.nchunk {
		if acc+chunkSum[c] >= r || c == dt.nchunk-1 {
			lo, hi := dt.rows(c)
			for i := lo; i < hi; i++ {
				acc += v(i)
				if acc >= r {
					return i
				}
			}
			if c == dt.nchunk-1 {
				return hi - 1
			}
			continue // rounding put r just past this chunk
		}
		acc += chunkSum[c]
	}
	return dt.n - 1
}

// kmeansPP is scikit-learn's greedy k-means++ (_kmeans_plusplus), with sample
// weights as scikit-learn >= 1.3 uses them (scikit-learn 1.2.1 ignores them in
// the initialisation; with unit weights both are the same): the first centre
// is a row sampled proportionally to its weight; each further centre is the
// best of 2+int(ln k) candidates sampled proportionally to weight × squared
// distance to the closest centre, the best being the one that minimises the
// resulting potential.
//
// The work is the distance from every row to every candidate. A row whose
// closest centre a is far from candidate c (||a-c|| >= 2·D(x), D the row's
// current distance) cannot get closer to c, so its distance is not computed:
// a lower bound (||a-c|| - D) stands in for it. The potentials are exactly
// those of the plain method.
//
// It writes k centres (centred coordinates) into cen and, when b is not nil,
// the labels and Hamerly bounds of every row against those centres.
func kmeansPP(f *fitter, dt *data, k int, rng *rand.Rand, cen []float64, b *bounds) error {
	n, d := dt.n, dt.d
	trials := 2 + int(math.Log(float64(k)))
	if b == nil || len(b.lab) != n {
		b = newBounds(n)
	}
	lab, d2, lower := b.lab, b.upper, b.lower // upper holds D² until the end
	nc := dt.nchunk
	pot := make([]float64, nc)
	f.prog.Phase = "init"
	f.prog.Iteration = 0
	f.prog.MaxIter = k
	f.prog.Inertia = 0

	// First centre: a row sampled by weight.
	first := sampleIndex(dt, func(i int) float64 { return dt.w[i] }, dt.wChunk, rng.Float64()*dt.wTotal)
	copy(cen[:d], dt.row(first))
	cn := make([]float64, k)
	cn[0] = dt.xn[first]
	c0 := cen[:d]
	err := f.pass(dt, d, func(c int) {
		lo, hi := dt.rows(c)
		var p float64
		for i := lo; i < hi; i++ {
			v := max(0, dt.xn[i]+cn[0]-2*dot(dt.row(i), c0))
			d2[i] = v
			lab[i] = 0
			lower[i] = inf
			p += dt.w[i] * v
		}
		pot[c] = p
	})
	if err != nil {
		return err
	}
	f.prog.Iteration = 1
	if err := f.tick(true); err != nil {
		return err
	}
	total := sum(pot)

	cand := make([]float64, trials*d)
	candN := make([]float64, trials)
	candID := make([]int, trials)
	cc := make([]float64, k*trials)    // squared distance centre j - candidate t
	ccr := make([]float64, k*trials)   // its square root
	cd := make([]float64, trials*n)    // distance² (or lower bound²) row - candidate
	cpot := make([]float64, nc*trials) // per-chunk candidate potentials
	dv := func(i int) float64 { return dt.w[i] * d2[i] }

	for step := 1; step < k; step++ {
		for t := range trials {
			id := sampleIndex(dt, dv, pot, rng.Float64()*total)
			candID[t] = id
			copy(cand[t*d:t*d+d], dt.row(id))
			candN[t] = dt.xn[id]
		}
		for j := range step {
			for t := range trials {
				v := sqDist(cen[j*d:j*d+d], cand[t*d:t*d+d])
				cc[j*trials+t] = v
				ccr[j*trials+t] = math.Sqrt(v)
			}
		}
		err := f.pass(dt, trials*d, func(c int) {
			lo, hi := dt.rows(c)
			cp := cpot[c*trials : c*trials+trials]
			for t := range cp {
				cp[t] = 0
			}
			var sc [4]float64
			for i := lo; i < hi; i++ {
				a := int(lab[i])
				D2 := d2[i]
				row := cc[a*trials : a*trials+trials]
				far := 0
				for _, v := range row {
					if v >= 4*D2 {
						far++
					}
				}
				w := dt.w[i]
				if far == trials {
					// No candidate can be closer: keep D² (store a lower bound).
					D := math.Sqrt(D2)
					for t := range trials {
						lb := ccr[a*trials+t] - D
						cd[t*n+i] = max(lb*lb, D2)
						cp[t] += w * D2
					}
					continue
				}
				x := dt.row(i)
				xn := dt.xn[i]
				D := math.Sqrt(D2)
				t := 0
				for ; t+3 < trials; t += 4 {
					sc[0], sc[1], sc[2], sc[3] = dot4(x, cand[t*d:t*d+d], cand[(t+1)*d:(t+1)*d+d], cand[(t+2)*d:(t+2)*d+d], cand[(t+3)*d:(t+3)*d+d])
					for u := range 4 {
						v := max(0, xn+candN[t+u]-2*sc[u])
						cd[(t+u)*n+i] = v
						cp[t+u] += w * min(D2, v)
					}
				}
				for ; t < trials; t++ {
					var v float64
					if row[t] >= 4*D2 {
						lb := ccr[a*trials+t] - D
						v = max(lb*lb, D2)
					} else {
						v = max(0, xn+candN[t]-2*dot(x, cand[t*d:t*d+d]))
					}
					cd[t*n+i] = v
					cp[t] += w * min(D2, v)
				}
			}
		})
		if err != nil {
			return err
		}
		best, bestPot := 0, inf
		for t := range trials {
			var p float64
			for c := range nc {
				p += cpot[c*trials+t]
			}
			if p < bestPot {
				best, bestPot = t, p
			}
		}
		copy(cen[step*d:step*d+d], cand[best*d:best*d+d])
		cn[step] = candN[best]
		col := cd[best*n : best*n+n]
		s32 := int32(step)
		err = f.pass(dt, 1, func(c int) {
			lo, hi := dt.rows(c)
			var p float64
			for i := lo; i < hi; i++ {
				v := col[i]
				if v < d2[i] {
					lower[i] = min(lower[i], math.Sqrt(d2[i]))
					lab[i] = s32
					d2[i] = v
				} else {
					lower[i] = min(lower[i], math.Sqrt(v))
				}
				p += dt.w[i] * d2[i]
			}
			pot[c] = p
		})
		if err != nil {
			return err
		}
		total = sum(pot)
		f.prog.Iteration = step + 1
		if err := f.tick(true); err != nil {
			return err
		}
	}
	for i, v := range d2 {
		d2[i] = math.Sqrt(v)
	}
	return nil
}

func sum(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s
}

// randomInit picks k distinct rows, each draw proportional to the weight of
// the rows not yet drawn (numpy's choice(n, k, replace=False, p=w/sum(w)),
// which scikit-learn >= 1.3 uses; with unit weights it is 1.2.1's
// permutation(n)[:k]). It uses the Efraimidis-Spirakis keys log(u)/w, which
// give that distribution in one pass. Rows with zero weight are never drawn.
func randomInit(dt *data, k int, rng *rand.Rand, cen []float64) {
	h := make(keyHeap, 0, k)
	for i := range dt.n {
		u := rng.Float64()
		w := dt.w[i]
		if w <= 0 {
			continue
		}
		key := math.Log1p(-u) / w // in (-Inf, 0]; larger is better
		if len(h) < k {
			heap.Push(&h, keyed{key, i})
		} else if key > h[0].key {
			h[0] = keyed{key, i}
			heap.Fix(&h, 0)
		}
	}
	// Order the picks by decreasing key: the order of sequential drawing.
	picks := make([]keyed, len(h))
	for j := len(h) - 1; j >= 0; j-- {
		picks[j] = heap.Pop(&h).(keyed)
	}
	for j, p := range picks {
		copy(cen[j*dt.d:j*dt.d+dt.d], dt.row(p.i))
	}
}

type keyed struct {
	key float64
	i   int
}

type keyHeap []keyed // min-heap on key

func (h keyHeap) Len() int           { return len(h) }
func (h keyHeap) Less(a, b int) bool { return h[a].key < h[b].key }
func (h keyHeap) Swap(a, b int)      { h[a], h[b] = h[b], h[a] }
func (h *keyHeap) Push(x any)        { *h = append(*h, x.(keyed)) }
func (h *keyHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
