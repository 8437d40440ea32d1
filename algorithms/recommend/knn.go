package recommend

import (
	"context"
	"math"
	"slices"
)

// Weighting says how item-kNN weights the user×item matrix before taking
// similarities, as the implicit library's recommenders do.
type Weighting int

const (
	// Cosine L2-normalizes each item's column: similarity is the cosine.
	Cosine Weighting = iota
	// BM25 weights each entry with Okapi BM25 (items are the documents,
	// users the terms), without normalization: implicit's BM25Recommender.
	BM25
	// TFIDF weights each entry with sqrt(value)·idf(user), then normalizes
	// each item's column: implicit's TFIDFRecommender.
	TFIDF
)

var weightingNames = [...]string{"cosine", "bm25", "tfidf"}

func (w Weighting) String() string { return nameOf(weightingNames[:], "weighting", int(w)) }

// ParseWeighting returns the weighting called s ("cosine", "bm25", "tfidf").
func ParseWeighting(s string) (Weighting, bool) {
	i := slices.Index(weightingNames[:], s)
	return Weighting(max(i, 0)), i >= 0
}

// KNNOptions configures ItemKNN. DefaultKNN returns the documented
// defaults; a field left at 0 means what its comment says.
type KNNOptions struct {
	// Neighbors is how many most similar items are kept per item; 0 keeps
	// every item with a non-zero similarity.
	Neighbors int
	Weighting Weighting
	// K1 and B are the BM25 parameters: K1 0, not a valid setting, means
	// 1.2; B 0 is zero (no length normalization).
	K1, B float64
	// Threads bounds worker goroutines; 0 means all cores.
	Threads int
	// Progress, if set, is called on the calling goroutine before each block
	// of items with the number of items done and the total. It only
	// reports: to stop the build, cancel ItemKNN's context.
	Progress func(done, total int)
}

// DefaultKNN returns the documented defaults of the neighbourhood methods,
// those of recommend_train: 20 neighbours, cosine weighting, and BM25's k1
// 1.2 and b 0.75 (the defaults of implicit's BM25Recommender).
func DefaultKNN() KNNOptions {
	return KNNOptions{Neighbors: 20, Weighting: Cosine, K1: defaultK1, B: 0.75}
}

// defaultK1 is BM25's k1 for a K1 of 0.
const defaultK1 = 1.2

// Neighbors holds, per item, its most similar other items, most similar
// first (ties: lower index first): the neighbours of item i are
// Items[Indptr[i]:Indptr[i+1]] with similarities Scores[...].
type Neighbors struct {
	Indptr []int
	Items  []int32
	Scores []float64
}

// Of returns the neighbours of item i and their similarities.
func (n *Neighbors) Of(i int) ([]int32, []float64) {
	a, b := n.Indptr[i], n.Indptr[i+1]
	return n.Items[a:b], n.Scores[a:b]
}

// Weight returns the user×item matrix x weighted for item-kNN with the
// BM25 parameters k1 and b as KNNOptions has them. x is not changed.
func Weight(x *CSR, w Weighting, k1, b float64) *CSR {
	out, _ := weight(context.Background(), x, w, k1, b)
	return out
}

// weight is Weight with an error that says when the
// weighting left the floating-point range: values so large that an item's
// sum (BM25) or sum of squares (cosine, TF-IDF) overflows, or so small that
// a sum of squares underflows to 0 (the column would not be normalized).
// It polls ctx.Err() between its passes over the matrix.
func weight(ctx context.Context, x *CSR, w Weighting, k1, b float64) (*CSR, error) {
	if k1 == 0 {
		k1 = defaultK1
	}
	out := &CSR{Rows: x.Rows, Cols: x.Cols, Indptr: x.Indptr, Indices: x.Indices, Data: make([]float64, len(x.Data))}
	copy(out.Data, x.Data)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch w {
	case BM25, TFIDF:
		// implicit weights item_users (items as rows, users as columns):
		// N is the number of items, idf is per user, lengths per item.
		n := float64(x.Cols)
		itemLen := make([]float64, x.Cols)
		for k, c := range x.Indices {
			itemLen[c] += x.Data[k]
		}
		avg := 0.0
		for _, l := range itemLen {
			avg += l
		}
		avg /= n
		for u := 0; u < x.Rows; u++ {
			a, e := x.Indptr[u], x.Indptr[u+1]
			idf := math.Log(n) - math.Log1p(float64(e-a))
			for k := a; k < e; k++ {
				v := x.Data[k]
				if w == TFIDF {
					out.Data[k] = math.Sqrt(v) * idf
				} else {
					norm := (1 - b) + b*itemLen[x.Indices[k]]/avg
					out.Data[k] = v * (k1 + 1) / (k1*norm + v) * idf
				}
			}
		}
		if w == BM25 && !allFinite(out.Data) {
			return out, rangeError(MethodItemKNN, "the BM25 weights are not finite: an item's values sum to %.3g, their mean is %.3g", maxOf(itemLen), avg)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	if w == Cosine || w == TFIDF {
		norm := make([]float64, x.Cols)
		nonzero := make([]bool, x.Cols)
		for k, c := range out.Indices {
			v := out.Data[k]
			norm[c] += v * v
			nonzero[c] = nonzero[c] || v != 0
		}
		for c, s := range norm {
			switch {
			case math.IsInf(s, 0) || s != s:
				return out, rangeError(MethodItemKNN, "the squares of an item's values overflow in the cosine normalization")
			case s == 0 && nonzero[c]:
				e := rangeError(MethodItemKNN, "the squares of an item's values underflow to 0 in the cosine normalization")
				e.Small = true
				return out, e
			case s == 0:
				norm[c] = 1
			default:
				norm[c] = 1 / math.Sqrt(s)
			}
		}
		for k, c := range out.Indices {
			out.Data[k] *= norm[c]
		}
	}
	return out, nil
}

func maxOf(v []float64) float64 {
	m := math.Inf(-1)
	for _, x := range v {
		m = math.Max(m, x)
	}
	return m
}

// ItemKNN returns each item's most similar items: similarities are the dot
// products of the weighted item columns (XᵀX with the diagonal left out),
// so with Cosine they are cosines. It polls ctx.Err() between blocks of
// items (at most 512, and a few milliseconds of work), on the calling
// goroutine only, and returns its error. Values whose weighting leaves the
// floating-point range are a *RangeError.
func ItemKNN(ctx context.Context, x *CSR, opt KNNOptions) (*Neighbors, error) {
	xw, err := weight(ctx, x, opt.Weighting, opt.K1, opt.B)
	if err != nil {
		return nil, err
	}
	xt, err := xw.transpose(ctx)
	if err != nil {
		return nil, err
	}
	ni := x.Cols
	threads := threadsOr(opt.Threads)
	type scratch struct {
		acc     []float64
		mark    []int32 // mark[j] == i+1: j is in touched for item i
		touched []int32
		top     topN
	}
	sc := make([]*scratch, threads)
	for w := range sc {
		sc[w] = &scratch{acc: make([]float64, ni), mark: make([]int32, ni)}
	}
	rows := make([][]int32, ni)
	vals := make([][]float64, ni)
	const block = 512
	// An item costs a visit of every item of each of its users.
	cost := func(i int) int {
		c := 1
		us, _ := xt.Row(i)
		for _, u := range us {
			c += xw.RowLen(int(u))
		}
		return c
	}
	err = segments(ctx, 0, ni, segmentWork*threads, block, cost, func(lo, hi int) {
		if opt.Progress != nil {
			opt.Progress(lo, ni)
		}
		parallelRange(lo, hi, threads, func(w, a, b int) {
			s := sc[w]
			for i := a; i < b; i++ {
				s.touched = s.touched[:0]
				us, wu := xt.Row(i)
				for k, u := range us {
					wi := wu[k]
					js, wj := xw.Row(int(u))
					for m, j := range js {
						if s.mark[j] != int32(i+1) {
							s.mark[j] = int32(i + 1)
							s.touched = append(s.touched, j)
						}
						s.acc[j] += wi * wj[m]
					}
				}
				s.acc[i] = 0
				n := opt.Neighbors
				if n <= 0 || n > len(s.touched) {
					n = len(s.touched)
				}
				s.top.reset(n)
				for _, j := range s.touched {
					if v := s.acc[j]; v != 0 {
						s.top.push(j, v)
					}
					s.acc[j] = 0
				}
				rows[i], vals[i] = s.top.sorted()
			}
		})
	})
	if err != nil {
		return nil, err
	}
	nb := &Neighbors{Indptr: make([]int, ni+1)}
	for i := range rows {
		nb.Indptr[i+1] = nb.Indptr[i] + len(rows[i])
	}
	nb.Items = make([]int32, 0, nb.Indptr[ni])
	nb.Scores = make([]float64, 0, nb.Indptr[ni])
	for i := range rows {
		nb.Items = append(nb.Items, rows[i]...)
		nb.Scores = append(nb.Scores, vals[i]...)
	}
	return nb, nil
}

// ItemKNNScores writes into dst (length items) the item-kNN score of every
// item for a user or basket with the given items and weights: the sum over
// its items j of weight(j)·similarity(j, i).
func ItemKNNScores(nb *Neighbors, items []int32, weights []float64, dst []float64) {
	clear(dst)
	for k, j := range items {
		w := 1.0
		if weights != nil {
			w = weights[k]
		}
		ns, ss := nb.Of(int(j))
		for m, i := range ns {
			dst[i] += w * ss[m]
		}
	}
}

// UserKNNScores writes into dst the user-kNN score of every item for a user
// or basket with the given items (weights ignored when nil, else used):
// the cosine similarity to every training user is computed through xt (the
// transpose of the row-normalized matrix xn), the k most similar users are
// kept (all when k <= 0), and each item scores the similarity-weighted sum
// of those users' values. exclude, if >= 0, is a training user left out
// (the user themself). acc must have length xn.Rows.
func UserKNNScores(xn, xt *CSR, items []int32, weights []float64, k, exclude int, acc, dst []float64) {
	clear(dst)
	clear(acc)
	norm := 0.0
	for m := range items {
		w := 1.0
		if weights != nil {
			w = weights[m]
		}
		norm += w * w
	}
	if norm == 0 {
		return
	}
	norm = 1 / math.Sqrt(norm)
	var touched []int32
	for m, j := range items {
		w := norm
		if weights != nil {
			w *= weights[m]
		}
		us, vs := xt.Row(int(j))
		for q, v := range us {
			if acc[v] == 0 {
				touched = append(touched, v)
			}
			acc[v] += w * vs[q]
		}
	}
	if exclude >= 0 {
		acc[exclude] = 0
	}
	if k <= 0 || k > len(touched) {
		k = len(touched)
	}
	var top topN
	top.reset(k)
	for _, v := range touched {
		if s := acc[v]; s > 0 {
			top.push(v, s)
		}
	}
	users, sims := top.sorted()
	for q, v := range users {
		is, vs := xn.Row(int(v))
		for m, i := range is {
			dst[i] += sims[q] * vs[m]
		}
	}
}

// NormalizeRows returns a copy of x with every row scaled to unit length.
func NormalizeRows(x *CSR) *CSR {
	out, _ := normalizeRows(context.Background(), x)
	return out
}

// normalizeRows is NormalizeRows; its error says when a row's sum of
// squares overflows, or underflows to 0 although the row has a non-zero
// value (the row would not be normalized); it polls ctx.Err() every
// million or so entries and returns its error.
func normalizeRows(ctx context.Context, x *CSR) (*CSR, error) {
	out := &CSR{Rows: x.Rows, Cols: x.Cols, Indptr: x.Indptr, Indices: x.Indices, Data: make([]float64, len(x.Data))}
	var bad error
	p := poller{ctx: ctx}
	for r := 0; r < x.Rows; r++ {
		a, b := x.Indptr[r], x.Indptr[r+1]
		if err := p.tick(b - a + 1); err != nil {
			return nil, err
		}
		s, nonzero := 0.0, false
		for k := a; k < b; k++ {
			s += x.Data[k] * x.Data[k]
			nonzero = nonzero || x.Data[k] != 0
		}
		switch {
		case bad != nil:
		case math.IsInf(s, 0) || s != s:
			bad = rangeError(MethodUserKNN, "the squares of a user's values overflow in the cosine normalization")
		case s == 0 && nonzero:
			e := rangeError(MethodUserKNN, "the squares of a user's values underflow to 0 in the cosine normalization")
			e.Small = true
			bad = e
		}
		if s > 0 {
			s = 1 / math.Sqrt(s)
		}
		for k := a; k < b; k++ {
			out.Data[k] = x.Data[k] * s
		}
	}
	return out, bad
}
