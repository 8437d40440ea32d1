package kmeans

import (
	"math"
	"math/bits"
	"slices"
)

// iter is the state of one k-means run (Lloyd or bounded), reused across
// restarts. Centres are in centred coordinates.
type iter struct {
	f      *fitter
	dt     *data
	k, d   int
	cen    []float64 // k×d current centres
	cenNew []float64
	cn     []float64 // ||c_j||²
	sums   []float64 // per chunk k×d weighted sums
	wsums  []float64 // per chunk k weights
	chg    []int     // per chunk label changes
	cpot   []float64 // per chunk inertia at assignment time
	wk     []float64 // weight in each cluster
	shift  []float64 // ||c_new - c_old|| per centre
	scr    []float64 // per chunk scratch, 4 rows of kp scores
	tight  []int32   // per chunk (its rows' range): rows whose bounds failed
	ct     *centresT // the centres laid out for scores4
	b      *bounds

	// Hamerly state.
	half     []float64 // half the distance from each centre to its nearest other centre
	pending  bool      // shift not yet applied to the bounds
	maxShift float64   // largest shift
	argShift int       // its centre
	secShift float64   // second largest shift

	el *elkanState // Elkan state, allocated on first use

	// Incremental sums: dirty holds, per chunk, a bit set (words uint64s) of
	// the clusters a row of the chunk joined or left since the chunk's sums
	// were last brought up to date; sumsValid says the sums match the labels
	// apart from those clusters.
	dirty     []uint64
	words     int
	sumsValid bool
}

func newIter(f *fitter, dt *data, k int) *iter {
	d, nc := dt.d, dt.nchunk
	ct := newCentresT(k, d)
	words := (k + 63) / 64
	return &iter{
		dirty: make([]uint64, nc*words), words: words,
		ct: ct,
		f:  f, dt: dt, k: k, d: d,
		cen:    make([]float64, k*d),
		cenNew: make([]float64, k*d),
		cn:     make([]float64, k),
		sums:   make([]float64, nc*k*d),
		wsums:  make([]float64, nc*k),
		chg:    make([]int, nc),
		cpot:   make([]float64, nc),
		wk:     make([]float64, k),
		shift:  make([]float64, k),
		scr:    make([]float64, nc*4*ct.kp),
		tight:  make([]int32, dt.n),
		b:      newBounds(dt.n),
		half:   make([]float64, k),
	}
}

func (it *iter) norms() {
	d := it.d
	for j := range it.k {
		c := it.cen[j*d : j*d+d]
		it.cn[j] = dot(c, c)
	}
	it.ct.set(it.cen, it.cn)
}

// clearChunk zeroes chunk c's partial sums.
func (it *iter) clearChunk(c int) (s, ws []float64) {
	kd := it.k * it.d
	s = it.sums[c*kd : c*kd+kd]
	ws = it.wsums[c*it.k : c*it.k+it.k]
	clear(s)
	clear(ws)
	return
}

// lloydPass assigns every row to its nearest centre (scikit-learn's
// lloyd_iter_chunked_dense E-step) and, when update is set, accumulates the
// weighted sums of every cluster per chunk. It returns the number of labels
// that changed.
func (it *iter) lloydPass(update bool) (int, error) {
	dt, k, d, kp := it.dt, it.k, it.d, it.ct.kp
	lab := it.b.lab
	err := it.f.pass(it.dt, k*it.d, func(c int) {
		lo, hi := dt.rows(c)
		sc := it.scratch(c)
		changes := 0
		var p float64
		for i := lo; i < hi; i += 4 {
			m := min(4, hi-i)
			if i+20 <= hi {
				prefetchRow(dt.x[(i+16)*d : (i+20)*d])
			}
			it.score4(i, i+min(1, m-1), i+min(2, m-1), i+min(3, m-1), sc)
			for r := range m {
				a, v := argminPadded(sc[r*kp:r*kp+kp], k)
				if int32(a) != lab[i+r] {
					it.setLabel(c, i+r, a)
					changes++
				}
				p += dt.w[i+r] * max(0, dt.xn[i+r]+v)
			}
		}
		it.chg[c] = changes
		it.cpot[c] = p
		if update {
			it.accumulateChunk(c)
		}
	})
	if err != nil {
		return 0, err
	}
	return sumInts(it.chg), nil
}

// scratch is chunk c's scoring buffer (four rows of kp scores).
func (it *iter) scratch(c int) []float64 {
	n := 4 * it.ct.kp
	return it.scr[c*n : c*n+n]
}

// score4 scores rows i0..i3 against the current centres into sc.
func (it *iter) score4(i0, i1, i2, i3 int, sc []float64) {
	dt := it.dt
	scores4(dt.row(i0), dt.row(i1), dt.row(i2), dt.row(i3), it.ct, sc)
}

func sumInts(v []int) int {
	s := 0
	for _, x := range v {
		s += x
	}
	return s
}

// hamerlyPass is the bounded E-step (Hamerly 2010): a row whose upper bound
// does not exceed max(lower bound, half the distance from its centre to the
// nearest other centre) keeps its label without any distance computation.
// Otherwise the upper bound is tightened and, if still needed, the row is
// scored against every centre exactly as lloydPass scores it (four rows at a
// time), so the labels are Lloyd's. When full is set every row is recomputed
// (initialising the bounds). Sums are accumulated in row order afterwards, as
// lloydPass does, so the centres are bit-identical too.
func (it *iter) hamerlyPass(update, full bool) (int, error) {
	dt, k, d, kp := it.dt, it.k, it.d, it.ct.kp
	b := it.b
	lab, upper, lower := b.lab, b.upper, b.lower
	pending := it.pending
	it.pending = false
	// Expected work per row: a few centres when the bounds hold.
	work := d * 4
	if full {
		work = k * d
	}
	err := it.f.pass(it.dt, work, func(c int) {
		lo, hi := dt.rows(c)
		sc := it.scratch(c)
		changes := 0
		var q [4]int // rows waiting to be scored
		nq := 0
		flush := func() {
			for r := nq; r < 4; r++ {
				q[r] = q[0]
			}
			it.score4(q[0], q[1], q[2], q[3], sc)
			for r := range nq {
				i := q[r]
				best, v1, v2 := argmin2(sc[r*kp : r*kp+k])
				upper[i] = math.Sqrt(max(0, dt.xn[i]+v1))
				lower[i] = math.Sqrt(max(0, dt.xn[i]+v2))
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
			// Phase 1 reads only the bounds and lists the rows whose bounds
			// fail; phase 2 reads those rows, prefetching a few ahead (they
			// are scattered, and a miss per row dominated the pass).
			tight := it.tight[lo:hi]
			nt := 0
			for i := lo; i < hi; i++ {
				a := int(lab[i])
				u, l := upper[i], lower[i]
				if pending {
					u += it.shift[a]
					if a == it.argShift {
						l -= it.secShift
					} else {
						l -= it.maxShift
					}
					upper[i], lower[i] = u, l
				}
				if u > max(it.half[a], l) {
					tight[nt] = int32(i)
					nt++
				}
			}
			const ahead = 8
			for t := range min(ahead, nt) {
				prefetchRow(dt.row(int(tight[t])))
			}
			for t := range nt {
				if t+ahead < nt {
					prefetchRow(dt.row(int(tight[t+ahead])))
				}
				i := int(tight[t])
				a := int(lab[i])
				u := math.Sqrt(max(0, dt.xn[i]+it.cn[a]-2*dotBound(dt.row(i), it.cen[a*d:a*d+d])))
				upper[i] = u
				if u > max(it.half[a], lower[i]) {
					push(i)
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

// incrementalSums enables accumulateChunk's reuse of unchanged cluster sums
// (a switch for tests, which check that it changes no bit).
var incrementalSums = true

// setLabel gives row i (of chunk c) label a and marks its old and new
// clusters as changed in the chunk.
func (it *iter) setLabel(c, i, a int) {
	w := it.words
	m := it.dirty[c*w : c*w+w]
	if old := it.b.lab[i]; old >= 0 {
		m[old>>6] |= 1 << (old & 63)
	}
	m[a>>6] |= 1 << (a & 63)
	it.b.lab[i] = int32(a)
}

// accumulateChunk brings chunk c's per-cluster sums up to date with the
// labels: each cluster's sum is its rows' weighted coordinates added in row
// order. A cluster no row of the chunk joined or left since the last
// accumulation keeps its sum (the same bits a recomputation would give);
// the others are recomputed, reading only their rows.
func (it *iter) accumulateChunk(c int) {
	dt, k, d := it.dt, it.k, it.d
	lo, hi := dt.rows(c)
	w := it.words
	m := it.dirty[c*w : c*w+w]
	if !it.sumsValid || !incrementalSums {
		s, ws := it.clearChunk(c)
		accumRows(dt.x[lo*d:hi*d], it.b.lab[lo:hi], dt.w[lo:hi], d, s, ws, nil)
		clear(m)
		return
	}
	nd := 0
	for _, b := range m {
		nd += bits.OnesCount64(b)
	}
	if nd == 0 {
		return
	}
	kd := k * d
	s := it.sums[c*kd : c*kd+kd]
	ws := it.wsums[c*k : c*k+k]
	if nd == k {
		clear(s)
		clear(ws)
		accumRows(dt.x[lo*d:hi*d], it.b.lab[lo:hi], dt.w[lo:hi], d, s, ws, nil)
		clear(m)
		return
	}
	for j := range k {
		if m[j>>6]&(1<<(j&63)) != 0 {
			clear(s[j*d : j*d+d])
			ws[j] = 0
		}
	}
	accumRows(dt.x[lo*d:hi*d], it.b.lab[lo:hi], dt.w[lo:hi], d, s, ws, m)
	clear(m)
}

// updateCentres is scikit-learn's M-step: reduce the per-chunk sums in chunk
// order, relocate empty clusters, divide by the cluster weights, record how
// far each centre moved, and make the new centres current. It returns the
// summed squared shift (scikit-learn's center_shift_tot).
func (it *iter) updateCentres() (float64, error) {
	k, d, nc := it.k, it.d, it.dt.nchunk
	kd := k * d
	clear(it.cenNew)
	clear(it.wk)
	for c := range nc {
		s := it.sums[c*kd : c*kd+kd]
		for j, v := range s {
			it.cenNew[j] += v
		}
		for j, v := range it.wsums[c*k : c*k+k] {
			it.wk[j] += v
		}
	}
	if slices.Contains(it.wk, 0) {
		if err := it.relocate(); err != nil {
			return 0, err
		}
	}
	for j := range k {
		if it.wk[j] > 0 {
			alpha := 1 / it.wk[j]
			c := it.cenNew[j*d : j*d+d]
			for t := range c {
				c[t] *= alpha
			}
		}
	}
	var tot float64
	for j := range k {
		s2 := sqDist(it.cen[j*d:j*d+d], it.cenNew[j*d:j*d+d])
		it.shift[j] = math.Sqrt(s2)
		tot += it.shift[j] * it.shift[j]
	}
	it.cen, it.cenNew = it.cenNew, it.cen
	it.norms()
	return tot, nil
}

// relocate is scikit-learn's _relocate_empty_clusters_dense: each empty
// cluster (zero weight) takes the row farthest from its own (old) centre, the
// farthest first, and that row's weighted coordinates move from its cluster's
// sums to the empty one. Rows are ranked by distance, ties by row number.
// Nothing moves when every row sits on its centre.
func (it *iter) relocate() error {
	dt, d := it.dt, it.d
	var empty []int
	for j, w := range it.wk {
		if w == 0 {
			empty = append(empty, j)
		}
	}
	ne := len(empty)
	lab := it.b.lab
	// Per-chunk top-ne candidates, merged in chunk order.
	tops := make([][]keyed, dt.nchunk)
	err := it.f.pass(it.dt, d, func(c int) {
		lo, hi := dt.rows(c)
		var top []keyed
		for i := lo; i < hi; i++ {
			a := int(lab[i])
			v := sqDist(dt.row(i), it.cen[a*d:a*d+d])
			top = pushTop(top, keyed{v, i}, ne)
		}
		tops[c] = top
	})
	if err != nil {
		return err
	}
	var all []keyed
	for _, t := range tops {
		all = append(all, t...)
	}
	sortTop(all)
	if len(all) == 0 || all[0].key == 0 {
		return nil
	}
	for e, j := range empty {
		if e >= len(all) {
			break
		}
		far := all[e].i
		w := dt.w[far]
		old := int(lab[far])
		x := dt.row(far)
		for t := range d {
			it.cenNew[old*d+t] -= x[t] * w
			it.cenNew[j*d+t] = x[t] * w
		}
		it.wk[j] = w
		it.wk[old] -= w
	}
	return nil
}

// better reports whether a ranks before b: larger distance, then lower row.
func better(a, b keyed) bool {
	return a.key > b.key || (a.key == b.key && a.i < b.i)
}

func sortTop(v []keyed) {
	slices.SortFunc(v, func(a, b keyed) int {
		switch {
		case better(a, b):
			return -1
		case better(b, a):
			return 1
		}
		return 0
	})
}

// pushTop keeps the m best entries of top (unsorted beyond that).
func pushTop(top []keyed, e keyed, m int) []keyed {
	if len(top) < m {
		return append(top, e)
	}
	worst := 0
	for j := 1; j < len(top); j++ {
		if better(top[worst], top[j]) {
			worst = j
		}
	}
	if better(e, top[worst]) {
		top[worst] = e
	}
	return top
}

// centreGeometry computes, for the bounded pass, half the distance from each
// centre to its nearest other centre, and the largest shifts.
func (it *iter) centreGeometry() {
	k, d := it.k, it.d
	for j := range k {
		it.half[j] = inf
	}
	for j := range k {
		cj := it.cen[j*d : j*d+d]
		for t := j + 1; t < k; t++ {
			v := 0.5 * math.Sqrt(sqDist(cj, it.cen[t*d:t*d+d]))
			it.half[j] = min(it.half[j], v)
			it.half[t] = min(it.half[t], v)
		}
	}
	it.maxShift, it.secShift, it.argShift = 0, 0, -1
	for j, s := range it.shift {
		if s > it.maxShift {
			it.secShift = it.maxShift
			it.maxShift, it.argShift = s, j
		} else if s > it.secShift {
			it.secShift = s
		}
	}
}

// inertia returns the weighted sum of squared distances of the rows to their
// assigned centres, computed from differences, reduced in chunk order.
func (it *iter) inertia() (float64, error) {
	dt, d := it.dt, it.d
	lab := it.b.lab
	err := it.f.pass(it.dt, d, func(c int) {
		lo, hi := dt.rows(c)
		var p float64
		for i := lo; i < hi; i++ {
			a := int(lab[i])
			p += dt.w[i] * sqDist(dt.row(i), it.cen[a*d:a*d+d])
		}
		it.cpot[c] = p
	})
	if err != nil {
		return 0, err
	}
	return sum(it.cpot), nil
}

// mode is the E-step an iteration uses.
type mode int

const (
	modeLloyd mode = iota
	modeHamerly
	modeElkan
)

// run iterates from the centres in it.cen with scikit-learn's stopping rule:
// stop when the labels do not change (strict convergence) or when the summed
// squared centre shift is at most tol; if not strictly converged, one more
// E-step makes the labels match the final centres. m selects the E-step;
// haveBounds says it.b already holds labels and Hamerly bounds for it.cen
// (from k-means++). It returns the iteration count as scikit-learn's n_iter_.
func (it *iter) run(maxIter int, tol float64, m mode, haveBounds bool) (int, error) {
	f := it.f
	it.norms()
	it.pending = false
	it.sumsValid = false
	if m == modeLloyd || !haveBounds {
		for i := range it.b.lab {
			it.b.lab[i] = -1
		}
	}
	switch m {
	case modeHamerly:
		clear(it.shift)
		it.centreGeometry()
	case modeElkan:
		if err := it.elkanInit(haveBounds); err != nil {
			return 0, err
		}
	}
	pass := func(update, full bool) (int, error) {
		switch m {
		case modeHamerly:
			return it.hamerlyPass(update, full)
		case modeElkan:
			return it.elkanPass(update, full)
		}
		return it.lloydPass(update)
	}
	f.prog.Phase = "iterate"
	f.prog.MaxIter = maxIter
	f.prog.Inertia = 0
	strict := false
	n := 0
	for i := range maxIter {
		n = i + 1
		changes, err := pass(true, i == 0 && !haveBounds)
		if err != nil {
			return 0, err
		}
		it.sumsValid = true
		if m == modeLloyd {
			f.prog.Inertia = sum(it.cpot)
		}
		tot, err := it.updateCentres()
		if err != nil {
			return 0, err
		}
		switch m {
		case modeHamerly:
			it.centreGeometry()
			it.pending = true
		case modeElkan:
			it.elkanAdvance()
		}
		f.prog.Iteration = n
		if err := f.tick(true); err != nil {
			return 0, err
		}
		if i > 0 && changes == 0 {
			strict = true
			break
		}
		if tot <= tol {
			break
		}
	}
	if !strict {
		if _, err := pass(false, false); err != nil {
			return 0, err
		}
	}
	return n, nil
}
