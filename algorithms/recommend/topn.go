package recommend

import "sort"

// topN keeps the n best (index, score) pairs pushed: higher score first,
// lower index first among equal scores. It is a bounded min-heap whose root
// is the worst pair kept.
type topN struct {
	n   int
	idx []int32
	val []float64
}

func (t *topN) reset(n int) {
	t.n = n
	t.idx = t.idx[:0]
	t.val = t.val[:0]
}

// worse reports whether pair a ranks below pair b.
func (t *topN) worse(a, b int) bool {
	if t.val[a] != t.val[b] {
		return t.val[a] < t.val[b]
	}
	return t.idx[a] > t.idx[b]
}

func (t *topN) swap(a, b int) {
	t.idx[a], t.idx[b] = t.idx[b], t.idx[a]
	t.val[a], t.val[b] = t.val[b], t.val[a]
}

func (t *topN) push(i int32, v float64) {
	if t.n <= 0 {
		return
	}
	if len(t.idx) < t.n {
		t.idx = append(t.idx, i)
		t.val = append(t.val, v)
		for c := len(t.idx) - 1; c > 0; {
			p := (c - 1) / 2
			if !t.worse(c, p) {
				break
			}
			t.swap(c, p)
			c = p
		}
		return
	}
	// Replace the root only if (i, v) ranks above it.
	if v < t.val[0] || v == t.val[0] && i > t.idx[0] {
		return
	}
	t.idx[0], t.val[0] = i, v
	for p := 0; ; {
		l, r, m := 2*p+1, 2*p+2, p
		if l < len(t.idx) && t.worse(l, m) {
			m = l
		}
		if r < len(t.idx) && t.worse(r, m) {
			m = r
		}
		if m == p {
			break
		}
		t.swap(p, m)
		p = m
	}
}

// sorted returns copies of the kept pairs, best first.
func (t *topN) sorted() ([]int32, []float64) {
	idx := append([]int32(nil), t.idx...)
	val := append([]float64(nil), t.val...)
	sort.Sort(byRank{idx, val})
	return idx, val
}

type byRank struct {
	idx []int32
	val []float64
}

func (b byRank) Len() int { return len(b.idx) }
func (b byRank) Less(i, j int) bool {
	if b.val[i] != b.val[j] {
		return b.val[i] > b.val[j]
	}
	return b.idx[i] < b.idx[j]
}
func (b byRank) Swap(i, j int) {
	b.idx[i], b.idx[j] = b.idx[j], b.idx[i]
	b.val[i], b.val[j] = b.val[j], b.val[i]
}

// Top returns the n highest-scoring items of scores (higher first, lower
// index first among ties), leaving out every item for which skip returns
// true (skip may be nil). NaN scores are left out.
func Top(scores []float64, n int, skip func(i int) bool) ([]int32, []float64) {
	var t topN
	t.reset(n)
	for i, v := range scores {
		// Full: an item that does not beat the worst kept one cannot enter
		// (a tie loses on its higher index), so skip is not even asked.
		if len(t.idx) == n && n > 0 && !(v > t.val[0]) {
			continue
		}
		if v != v || skip != nil && skip(i) {
			continue
		}
		t.push(int32(i), v)
	}
	return t.sorted()
}
