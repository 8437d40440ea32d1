package kmeans

import (
	"container/heap"
	"math"
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
// current distance D to its closest centre a satisfies 2D <= ||a - c|| for
// every candidate c cannot get closer to any of them (triangle inequality),
// so it only adds w·D² to every potential and its row is not read. The
// potentials are those of the plain method.
//
// It writes k centres (centred coordinates) into cen and, when b is not nil,
// the labels and Hamerly bounds of every row against those centres.
func kmeansPP(f *fitter, dt *data, k int, rng randSource, cen []float64, b *bounds) error {
	return new(ppScratch).run(f, dt, k, rng, cen, b)
}

// ppScratch holds k-means++'s buffers, so that the restarts of a fit reuse
// them instead of allocating (and clearing) them each time.
type ppScratch struct {
	d2, pot, cand, candN, ccr, near, cpot, cd []float64
	candT                                     *centresT
}

// grow returns v resized to n, reallocated only when too small.
func grow(v []float64, n int) []float64 {
	if cap(v) < n {
		return make([]float64, n)
	}
	return v[:n]
}

// run is kmeansPP with the buffers of s.
func (s *ppScratch) run(f *fitter, dt *data, k int, rng randSource, cen []float64, b *bounds) error {
	n, d := dt.n, dt.d
	trials := 2 + int(math.Log(float64(k)))
	if b == nil || len(b.lab) != n {
		b = newBounds(n)
	}
	// During the loop upper holds D (the distance to the closest centre) and
	// lower the square of the lower bound on the distance to the others.
	lab, dist, lower := b.lab, b.upper, b.lower
	s.d2 = grow(s.d2, n)
	d2 := s.d2 // D²
	nc := dt.nchunk
	s.pot = grow(s.pot, nc)
	pot := s.pot
	f.prog.Phase = "init"
	f.prog.Iteration = 0
	f.prog.MaxIter = k
	f.prog.Inertia = 0

	// First centre: a row sampled by weight (uniformly, as scikit-learn
	// 1.2.1 does, when reproducing numpy's stream).
	var first int
	if _, numpy := rng.(*numpyRandomState); numpy {
		first = rng.IntN(n)
	} else {
		first = sampleIndex(dt, func(i int) float64 { return dt.w[i] }, dt.wChunk, rng.Float64()*dt.wTotal)
	}
	copy(cen[:d], dt.row(first))
	cn0 := dt.xn[first]
	c0 := cen[:d]
	err := f.pass(dt, d, func(c int) {
		lo, hi := dt.rows(c)
		var p float64
		for i := lo; i < hi; i++ {
			if i+16 < hi {
				prefetchRow(dt.row(i + 16))
			}
			v := max(0, dt.xn[i]+cn0-2*dot(dt.row(i), c0))
			d2[i] = v
			dist[i] = math.Sqrt(v)
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

	s.cand = grow(s.cand, trials*d)
	cand := s.cand
	if s.candT == nil || s.candT.k != trials || s.candT.d != d {
		s.candT = newCentresT(trials, d)
	}
	candT := s.candT
	kp := candT.kp
	s.candN = grow(s.candN, trials)
	candN := s.candN
	// Squared distances that overflow (values near 1e154) keep the pruned
	// passes, whose treatment of them the callers' overflow errors rely on.
	if denseInit(n, d, trials) && !math.IsInf(total, 0) && !math.IsNaN(total) {
		return s.dense(f, dt, k, trials, rng, cen, b, total)
	}
	s.ccr = grow(s.ccr, k*trials)
	ccr := s.ccr // distance centre j - candidate t
	s.near = grow(s.near, k)
	near := s.near // (min_t ||c_j - cand_t||)²/4
	s.cpot = grow(s.cpot, nc*(trials+1))
	cpot := s.cpot // per chunk: candidate potentials, then the pruned rows' share
	s.cd = grow(s.cd, n*trials)
	cd := s.cd // row-candidate distance², unpruned rows only
	dv := func(i int) float64 { return dt.w[i] * d2[i] }

	for step := 1; step < k; step++ {
		for t := range trials {
			id := sampleIndex(dt, dv, pot, rng.Float64()*total)
			copy(cand[t*d:t*d+d], dt.row(id))
			candN[t] = dt.xn[id]
		}
		for j := range step {
			m := inf
			for t := range trials {
				v := sqDist(cen[j*d:j*d+d], cand[t*d:t*d+d])
				ccr[j*trials+t] = math.Sqrt(v)
				m = min(m, v)
			}
			near[j] = m / 4
		}
		candT.set(cand, candN)
		// Pass A: the potential of each candidate.
		err := f.pass(dt, trials*d, func(c int) {
			lo, hi := dt.rows(c)
			// Accumulate on the stack: the per-chunk slots of cpot share
			// cache lines between threads.
			var acc [32]float64 // trials = 2+int(ln k) < 32 for any int k
			cp := acc[:trials]
			var pruned float64
			var sc [4 * 32]float64
			var q [4]int // unpruned rows waiting to be scored
			nq := 0
			flush := func() {
				for r := nq; r < 4; r++ {
					q[r] = q[0]
				}
				scores4(dt.row(q[0]), dt.row(q[1]), dt.row(q[2]), dt.row(q[3]), candT, sc[:4*kp])
				for r := range nq {
					i := q[r]
					scoreCandidates(cd[i*trials:i*trials+trials], sc[r*kp:r*kp+trials], cp, dt.w[i], d2[i], dt.xn[i])
				}
				nq = 0
			}
			const ahead = 16 // rows: prefetch the unpruned ones this far ahead
			for i := lo; i < min(hi, lo+ahead); i++ {
				if d2[i] > near[lab[i]] {
					prefetchRow(dt.row(i))
				}
			}
			for i := lo; i < hi; i++ {
				if j := i + ahead; j < hi && d2[j] > near[lab[j]] {
					prefetchRow(dt.row(j))
				}
				D2 := d2[i]
				if D2 <= near[lab[i]] {
					pruned += dt.w[i] * D2
					continue
				}
				q[nq] = i
				nq++
				if nq == 4 {
					flush()
				}
			}
			if nq > 0 {
				flush()
			}
			copy(cpot[c*(trials+1):], cp)
			cpot[c*(trials+1)+trials] = pruned
		})
		if err != nil {
			return err
		}
		best, bestPot := 0, inf
		for t := range trials {
			var p float64
			for c := range nc {
				p += cpot[c*(trials+1)+t] + cpot[c*(trials+1)+trials]
			}
			if p < bestPot {
				best, bestPot = t, p
			}
		}
		copy(cen[step*d:step*d+d], cand[best*d:best*d+d])
		s32 := int32(step)
		// Pass B: the chosen candidate becomes a centre. Rows pruned in pass
		// A keep their centre, and ||a - c|| - D bounds their distance to it;
		// the others read the distance pass A stored.
		err = f.pass(dt, 1, func(c int) {
			lo, hi := dt.rows(c)
			var p float64
			for i := lo; i < hi; i++ {
				D2 := d2[i]
				a := lab[i]
				if D2 <= near[a] {
					lb := ccr[int(a)*trials+best] - dist[i]
					lower[i] = min(lower[i], lb*lb)
				} else if v := cd[i*trials+best]; v < D2 {
					lower[i] = min(lower[i], D2)
					lab[i] = s32
					d2[i] = v
					dist[i] = math.Sqrt(v)
				} else {
					lower[i] = min(lower[i], v)
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
	for i, v := range lower {
		lower[i] = math.Sqrt(v)
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
func randomInit(dt *data, k int, rng randSource, cen []float64) {
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

// denseInit says whether k-means++ computes every row's distance to every
// candidate (dense) rather than pruning with the triangle inequality: when
// the candidates are few and the rows narrow, the distances cost less than
// the tests that would skip them, and a small data set stays in the cache,
// so what pruning saves in memory traffic is nothing. Large inputs keep
// pruning (and their measured speed).
func denseInit(n, d, trials int) bool {
	return trials*d <= 32 && n*max(d, 8) <= parallelRunWork
}

// dense runs the steps of k-means++ after the first centre (chosen by run,
// whose first pass left D² in s.d2, the per-chunk potentials in s.pot and
// their sum in total) without pruning. One pass per step applies the
// previous step's choice to each row (its label, D and Hamerly bounds, from
// the distance stored for that candidate) and then computes and stores the
// row's distances to the new candidates and their potentials; the choice of
// the last step is applied by one more pass. The potential of the chosen
// candidate is, chunk by chunk, the potential after the step, so sampling
// needs no separate pass: a row's sampling weight is w·min(D², its distance
// to the chosen candidate).
func (s *ppScratch) dense(f *fitter, dt *data, k, trials int, rng randSource, cen []float64, b *bounds, total float64) error {
	n, d, nc := dt.n, dt.d, dt.nchunk
	lab, dist, lower := b.lab, b.upper, b.lower
	d2, pot, cand, candN, candT := s.d2, s.pot, s.cand, s.candN, s.candT
	kp := candT.kp
	s.cpot = grow(s.cpot, nc*trials)
	cpot := s.cpot // per chunk: the potential of each candidate
	s.cd = grow(s.cd, n*trials)
	cd := s.cd // row-candidate distance²
	prev, prevLab := -1, int32(0)
	// apply makes the previous step's choice the centre of row i when it is
	// closer; lower holds squared bounds until the end.
	apply := func(i int) {
		v, e := cd[i*trials+prev], d2[i]
		if v < e {
			lower[i] = min(lower[i], e)
			lab[i] = prevLab
			d2[i] = v
			dist[i] = math.Sqrt(v)
		} else {
			lower[i] = min(lower[i], v)
		}
	}
	dv := func(i int) float64 {
		e := d2[i]
		if prev >= 0 {
			e = min(e, cd[i*trials+prev])
		}
		return dt.w[i] * e
	}
	for step := 1; step < k; step++ {
		for t := range trials {
			id := sampleIndex(dt, dv, pot, rng.Float64()*total)
			copy(cand[t*d:t*d+d], dt.row(id))
			candN[t] = dt.xn[id]
		}
		candT.set(cand, candN)
		err := f.pass(dt, trials*d, func(c int) {
			lo, hi := dt.rows(c)
			var acc [32]float64 // trials*d <= 32
			cp := acc[:trials]
			var sc [4 * 32]float64
			for i := lo; i < hi; i += 4 {
				m := min(4, hi-i)
				if prev >= 0 {
					for r := range m {
						apply(i + r)
					}
				}
				scores4(dt.row(i), dt.row(i+min(1, m-1)), dt.row(i+min(2, m-1)), dt.row(i+min(3, m-1)), candT, sc[:4*kp])
				for r := range m {
					ii := i + r
					scoreCandidates(cd[ii*trials:ii*trials+trials], sc[r*kp:r*kp+trials], cp, dt.w[ii], d2[ii], dt.xn[ii])
				}
			}
			copy(cpot[c*trials:c*trials+trials], cp)
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
		for c := range nc {
			pot[c] = cpot[c*trials+best]
		}
		total = sum(pot)
		prev, prevLab = best, int32(step)
		f.prog.Iteration = step + 1
		if err := f.tick(true); err != nil {
			return err
		}
	}
	if prev >= 0 {
		err := f.pass(dt, 1, func(c int) {
			lo, hi := dt.rows(c)
			for i := lo; i < hi; i++ {
				apply(i)
			}
		})
		if err != nil {
			return err
		}
	}
	for i, v := range lower {
		lower[i] = math.Sqrt(v)
	}
	return nil
}

// scoreCandidates turns one row's scores s against the candidate centres
// into squared distances dist (|x|² + s, clamped at 0 against rounding) and
// adds to each candidate's potential cp the row's weight w times its
// distance to the nearest centre once that candidate joins: min(e, dist),
// e being its distance to the centres chosen so far.
func scoreCandidates(dist, s, cp []float64, w, e, xn float64) {
	for t := range cp {
		v := max(0, xn+s[t])
		dist[t] = v
		cp[t] += w * min(e, v)
	}
}
