// Package recommend is collaborative filtering on implicit feedback: a
// sparse user×item matrix (CSR, with its transpose as CSC), item-kNN with
// cosine, BM25 or TF-IDF weighting, user-kNN, implicit alternating least
// squares solved with conjugate gradient (Hu, Koren & Volinsky 2008;
// Takács, Pilászy & Tikk 2011), popularity, fold-in of baskets that are not
// trained users, and ranking metrics. It is pure Go on gonum and knows no
// SQL: users and items are dense indices 0..n-1 here; the SQL surface maps
// them to and from its keys.
package recommend

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"
)

// CSR is a sparse matrix in compressed sparse row form: the columns of row
// r are Indices[Indptr[r]:Indptr[r+1]], ascending, with values in Data.
// Its transpose is the same matrix in compressed sparse column form.
type CSR struct {
	Rows, Cols int
	Indptr     []int
	Indices    []int32
	Data       []float64
}

// NNZ returns the number of stored entries.
func (m *CSR) NNZ() int { return len(m.Indices) }

// Row returns the column indices and values of row r (not copies).
func (m *CSR) Row(r int) ([]int32, []float64) {
	a, b := m.Indptr[r], m.Indptr[r+1]
	return m.Indices[a:b], m.Data[a:b]
}

// RowLen returns the number of entries of row r.
func (m *CSR) RowLen(r int) int { return m.Indptr[r+1] - m.Indptr[r] }

// NewCSR builds a rows×cols matrix from coordinate triples, summing the
// values of duplicate (row, col) pairs. It panics on an index out of range
// or slices of different lengths (programmer errors).
func NewCSR(rows, cols int, r, c []int32, v []float64) *CSR {
	m, _ := NewCSRContext(context.Background(), rows, cols, r, c, v)
	return m
}

// NewCSRContext is NewCSR polling ctx.Err() every million or so entries,
// on the calling goroutine, and returning its error.
func NewCSRContext(ctx context.Context, rows, cols int, r, c []int32, v []float64) (*CSR, error) {
	p := poller{ctx: ctx}
	if len(r) != len(c) || len(r) != len(v) {
		panic("recommend: NewCSR: triples of different lengths")
	}
	count := make([]int, rows+1)
	for k, ri := range r {
		if int(ri) < 0 || int(ri) >= rows || int(c[k]) < 0 || int(c[k]) >= cols {
			panic(fmt.Sprintf("recommend: NewCSR: entry (%d, %d) outside %d×%d", ri, c[k], rows, cols))
		}
		count[ri+1]++
		if err := p.tick(1); err != nil {
			return nil, err
		}
	}
	for i := 0; i < rows; i++ {
		count[i+1] += count[i]
	}
	idx := make([]int32, len(r))
	val := make([]float64, len(r))
	next := append([]int(nil), count[:rows]...)
	for k, ri := range r {
		at := next[ri]
		idx[at], val[at] = c[k], v[k]
		next[ri]++
		if err := p.tick(1); err != nil {
			return nil, err
		}
	}
	m := &CSR{Rows: rows, Cols: cols, Indptr: make([]int, rows+1)}
	m.Indices = idx[:0]
	m.Data = val[:0]
	w := 0
	for i := 0; i < rows; i++ {
		a, b := count[i], count[i+1]
		if err := p.tick(b - a + 1); err != nil {
			return nil, err
		}
		sortPairs(idx[a:b], val[a:b])
		start := w
		for k := a; k < b; k++ {
			if w > start && idx[w-1] == idx[k] {
				val[w-1] += val[k]
				continue
			}
			idx[w], val[w] = idx[k], val[k]
			w++
		}
		m.Indptr[i+1] = w
	}
	m.Indices, m.Data = idx[:w:w], val[:w:w]
	return m, nil
}

type pairSorter struct {
	idx []int32
	val []float64
}

func (p pairSorter) Len() int           { return len(p.idx) }
func (p pairSorter) Less(i, j int) bool { return p.idx[i] < p.idx[j] }
func (p pairSorter) Swap(i, j int) {
	p.idx[i], p.idx[j] = p.idx[j], p.idx[i]
	p.val[i], p.val[j] = p.val[j], p.val[i]
}

// sortPairs sorts idx ascending, carrying val along; stable so duplicate
// pairs are summed in input order (deterministic sums).
func sortPairs(idx []int32, val []float64) {
	sorted := true
	for k := 1; k < len(idx); k++ {
		if idx[k] < idx[k-1] {
			sorted = false
			break
		}
	}
	if !sorted {
		sort.Stable(pairSorter{idx, val})
	}
}

// Transpose returns the transposed matrix (the CSC form of m).
func (m *CSR) Transpose() *CSR {
	t, _ := m.transpose(context.Background())
	return t
}

// transpose is Transpose polling ctx.Err() every million or so entries.
func (m *CSR) transpose(ctx context.Context) (*CSR, error) {
	p := poller{ctx: ctx}
	t := &CSR{Rows: m.Cols, Cols: m.Rows, Indptr: make([]int, m.Cols+1),
		Indices: make([]int32, len(m.Indices)), Data: make([]float64, len(m.Data))}
	for _, c := range m.Indices {
		t.Indptr[c+1]++
	}
	for i := 0; i < m.Cols; i++ {
		t.Indptr[i+1] += t.Indptr[i]
	}
	next := append([]int(nil), t.Indptr[:m.Cols]...)
	for r := 0; r < m.Rows; r++ {
		if err := p.tick(m.RowLen(r) + 1); err != nil {
			return nil, err
		}
		for k := m.Indptr[r]; k < m.Indptr[r+1]; k++ {
			c := m.Indices[k]
			at := next[c]
			t.Indices[at], t.Data[at] = int32(r), m.Data[k]
			next[c]++
		}
	}
	return t, nil
}

// Binarized returns a copy of m with every stored value set to 1.
func (m *CSR) Binarized() *CSR {
	b := &CSR{Rows: m.Rows, Cols: m.Cols, Indptr: m.Indptr, Indices: m.Indices, Data: make([]float64, len(m.Data))}
	for k := range b.Data {
		b.Data[k] = 1
	}
	return b
}

// ColumnCounts returns the number of stored entries of each column (for a
// user×item matrix: the number of distinct users of each item).
func (m *CSR) ColumnCounts() []float64 {
	out := make([]float64, m.Cols)
	for _, c := range m.Indices {
		out[c]++
	}
	return out
}

// Has reports whether row r has an entry in column c (rows are sorted).
func (m *CSR) Has(r int, c int32) bool {
	is, _ := m.Row(r)
	_, found := slices.BinarySearch(is, c)
	return found
}

// FirstInfinite returns the first entry, in row order, whose value is
// infinite: a sum of finite weights that overflowed. ok is false when every
// value is finite or NaN.
func (m *CSR) FirstInfinite() (r int, c int32, v float64, ok bool) {
	for r = 0; r < m.Rows; r++ {
		is, vs := m.Row(r)
		for k, v := range vs {
			if math.IsInf(v, 0) {
				return r, is[k], v, true
			}
		}
	}
	return 0, 0, 0, false
}
