package kmeans

import "math"

// Elkan's bounded E-step (Elkan 2003): besides the label and an upper bound
// on the distance to its centre, every row keeps a lower bound on its
// distance to each centre, and the centre-centre distances prune further: a
// centre j cannot take row i from its centre a when u(i) <= l(i, j) or
// u(i) <= ||c_a - c_j|| / 2. For a row some centre survives (after the upper
// bound is tightened), the distances to its centre and to the survivors are
// computed with exactScore, which gives the bits of the Lloyd kernel, and the
// row takes the nearest as Lloyd's argmin would; when more than a quarter of
// the centres survive, the row is scored against all of them with the SIMD
// kernel instead, four rows at a time. Either way the labels are Lloyd's.
//
// The lower bounds are not decremented every iteration (k writes per row):
// each row records the epoch (number of centre updates) at which its bounds
// were exact, and the cumulative shift of every centre per epoch turns a
// stored bound into the current one: l(i, j) - (S_j(now) - S_j(stamp_i)).

// elkanState is the per-run state of the Elkan pass.
type elkanState struct {
	lb    []float64 // n×k lower bounds, as of the row's stamp
	stamp []int32   // epoch at which each row's bounds were exact
	hist  []float64 // (epochs+1)×k cumulative centre shifts
	cch   []float64 // k×k half centre-centre distances, +Inf on the diagonal
	surv  []int32   // per chunk k: the centres a row's bounds cannot rule out
	epoch int
}

// elkanInit allocates (once) and resets the Elkan state for a run. When
// haveBounds is set, the Hamerly bounds in it.b (from k-means++) seed every
// lower bound of a row, at epoch 0.
func (it *iter) elkanInit(haveBounds bool) error {
	n, k := it.dt.n, it.k
	e := it.el
	if e == nil {
		e = &elkanState{lb: make([]float64, n*k), stamp: make([]int32, n), cch: make([]float64, k*k),
			surv: make([]int32, it.dt.nchunk*k)}
		it.el = e
	}
	e.epoch = 0
	e.hist = append(e.hist[:0], make([]float64, k)...)
	it.elkanGeometry()
	if !haveBounds {
		return nil
	}
	dt := it.dt
	lower := it.b.lower
	return it.f.pass(dt, k, func(c int) {
		lo, hi := dt.rows(c)
		for i := lo; i < hi; i++ {
			l := lower[i]
			row := e.lb[i*k : i*k+k]
			for j := range row {
				row[j] = l
			}
			e.stamp[i] = 0
		}
	})
}

// elkanGeometry computes the half centre-centre distances and, from them,
// half the distance from each centre to its nearest other centre.
func (it *iter) elkanGeometry() {
	k, d := it.k, it.d
	cch := it.el.cch
	for j := range k {
		it.half[j] = inf
		cch[j*k+j] = inf
	}
	for j := range k {
		cj := it.cen[j*d : j*d+d]
		for t := j + 1; t < k; t++ {
			v := 0.5 * math.Sqrt(sqDist(cj, it.cen[t*d:t*d+d]))
			cch[j*k+t], cch[t*k+j] = v, v
			it.half[j] = min(it.half[j], v)
			it.half[t] = min(it.half[t], v)
		}
	}
}

// elkanAdvance records the shifts of the centre update that just happened.
func (it *iter) elkanAdvance() {
	e, k := it.el, it.k
	prev := e.hist[e.epoch*k : e.epoch*k+k]
	for j := range k {
		e.hist = append(e.hist, prev[j]+it.shift[j])
		prev = e.hist[e.epoch*k : e.epoch*k+k] // append may have moved it
	}
	e.epoch++
	it.elkanGeometry()
}

// elkanPass is the Elkan E-step; update and full as in hamerlyPass.
func (it *iter) elkanPass(update, full bool) (int, error) {
	dt, k, d, kp := it.dt, it.k, it.d, it.ct.kp
	e := it.el
	lab, upper := it.b.lab, it.b.upper
	now := int32(e.epoch)
	hNow := e.hist[e.epoch*k : e.epoch*k+k]
	work := d * 4
	if full {
		work = k * d
	}
	err := it.f.pass(dt, work, func(c int) {
		lo, hi := dt.rows(c)
		sc := it.scratch(c)
		changes := 0
		var q [4]int
		nq := 0
		flush := func() {
			for r := nq; r < 4; r++ {
				q[r] = q[0]
			}
			it.score4(q[0], q[1], q[2], q[3], sc)
			for r := range nq {
				i := q[r]
				s := sc[r*kp : r*kp+kp]
				best, v := argminPadded(s, k)
				xn := dt.xn[i]
				row := e.lb[i*k : i*k+k]
				for j := range row {
					row[j] = math.Sqrt(max(0, xn+s[j]))
				}
				upper[i] = math.Sqrt(max(0, xn+v))
				e.stamp[i] = now
				if int32(best) != lab[i] {
					it.setLabel(c, i, best)
					changes++
				}
			}
			nq = 0
		}
		push := func(i int) {
			q[nq] = i
			nq++
			if nq == 4 {
				flush()
			}
		}
		if full {
			for i := lo; i < hi; i++ {
				push(i)
			}
		} else {
			// Phase 1: Hamerly's test on the upper bound alone (no row and
			// no lower bound read); phase 2: the rows that failed it, their
			// data and bounds prefetched a few rows ahead.
			tight := it.tight[lo:hi]
			nt := 0
			for i := lo; i < hi; i++ {
				a := int(lab[i])
				st := int(e.stamp[i])
				if upper[i]+(hNow[a]-e.hist[st*k+a]) > it.half[a] {
					tight[nt] = int32(i)
					nt++
				}
			}
			const ahead = 8
			pre := func(i int) {
				prefetchRow(dt.row(i))
				prefetchRow(e.lb[i*k : i*k+k])
			}
			for t := range min(ahead, nt) {
				pre(int(tight[t]))
			}
			surv := e.surv[c*k : c*k+k]
			for t := range nt {
				if t+ahead < nt {
					pre(int(tight[t+ahead]))
				}
				i := int(tight[t])
				a := int(lab[i])
				st := int(e.stamp[i])
				hOld := e.hist[st*k : st*k+k]
				u := upper[i] + (hNow[a] - hOld[a])
				row := e.lb[i*k : i*k+k]
				cc := e.cch[a*k : a*k+k]
				if !elkanNeeds(u, row, cc, hNow, hOld) {
					continue
				}
				// Tighten the upper bound and bring the row's bounds up to date.
				x := dt.row(i)
				u = math.Sqrt(max(0, dt.xn[i]+it.cn[a]-2*dotBound(x, it.cen[a*d:a*d+d])))
				if st != int(now) {
					for j := range row {
						row[j] -= hNow[j] - hOld[j]
					}
					e.stamp[i] = now
				}
				upper[i] = u
				ns := 0
				for j, l := range row {
					if u > cc[j] && u > l {
						surv[ns] = int32(j)
						ns++
					}
				}
				if ns == 0 {
					continue
				}
				if 4*(ns+1) > k {
					push(i) // most centres survive: score all, four rows at a time
					continue
				}
				// Score the row's centre and the survivors exactly as scores4
				// would (same bits), and pick as argmin would.
				xn := dt.xn[i]
				best, bs := a, exactScore(x, it.cen[a*d:a*d+d], it.cn[a])
				sa := bs
				for _, j32 := range surv[:ns] {
					j := int(j32)
					sj := exactScore(x, it.cen[j*d:j*d+d], it.cn[j])
					row[j] = math.Sqrt(max(0, xn+sj))
					if sj < bs || (sj == bs && j < best) {
						best, bs = j, sj
					}
				}
				upper[i] = math.Sqrt(max(0, xn+bs))
				if best != a {
					row[a] = math.Sqrt(max(0, xn+sa))
					it.setLabel(c, i, best)
					changes++
				}
			}
		}
		if nq > 0 {
			flush()
		}
		it.chg[c] = changes
		if update {
			it.accumulateChunk(c)
		}
	})
	if err != nil {
		return 0, err
	}
	return sumInts(it.chg), nil
}

// elkanNeeds reports whether some centre j may be closer than u: u exceeds
// both its current lower bound lb[j] - (hNow[j] - hOld[j]) and half its
// distance to the row's centre (cc[j], +Inf for the centre itself).
func elkanNeeds(u float64, lb, cc, hNow, hOld []float64) bool {
	k := len(lb)
	cc, hNow, hOld = cc[:k], hNow[:k], hOld[:k]
	for j, l := range lb {
		if u > cc[j] && u > l-(hNow[j]-hOld[j]) {
			return true
		}
	}
	return false
}

// exactScore is ||c||² - 2 x·c with the dot product accumulated as scores4
// accumulates it (one fused multiply-add per dimension, in order), so a
// decision taken on it is the one Lloyd's pass would take.
func exactScore(x, c []float64, cn float64) float64 {
	c = c[:len(x)]
	var s float64
	for t, v := range x {
		s = math.FMA(v, c[t], s)
	}
	return cn - 2*s
}
