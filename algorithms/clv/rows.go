package clv

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// rows is Data aggregated: distinct (x, t_x, T) with their counts, and per row
// the index of its x among the distinct x values, for per-x tables.
type rows struct {
	x, tx, T, w []float64
	xi          []int32
	xs          []float64 // distinct x values
	total       float64   // number of customers
}

// aggregate merges identical rows, keeping first-seen order (deterministic).
func aggregate(d *Data) *rows {
	type key struct{ x, tx, T float64 }
	idx := make(map[key]int32, len(d.X)/4+16)
	xidx := make(map[float64]int32)
	r := &rows{}
	for i := range d.X {
		k := key{d.X[i], d.TX[i], d.T[i]}
		if j, ok := idx[k]; ok {
			r.w[j]++
			continue
		}
		idx[k] = int32(len(r.x))
		r.x = append(r.x, k.x)
		r.tx = append(r.tx, k.tx)
		r.T = append(r.T, k.T)
		r.w = append(r.w, 1)
		xj, ok := xidx[k.x]
		if !ok {
			xj = int32(len(r.xs))
			xidx[k.x] = xj
			r.xs = append(r.xs, k.x)
		}
		r.xi = append(r.xi, xj)
	}
	r.total = float64(len(d.X))
	return r
}

// invDiagSE returns sqrt of the diagonal of the inverse of the symmetric matrix
// h (symmetrized first); NaN where that is not defined.
func invDiagSE(h [][]float64) []float64 {
	k := len(h)
	s := mat.NewSymDense(k, nil)
	for i := range k {
		for j := i; j < k; j++ {
			s.SetSym(i, j, (h[i][j]+h[j][i])/2)
		}
	}
	out := make([]float64, k)
	var inv mat.Dense
	var ch mat.Cholesky
	if ch.Factorize(s) {
		var si mat.SymDense
		if err := ch.InverseTo(&si); err == nil {
			for i := range k {
				out[i] = math.Sqrt(si.At(i, i))
			}
			return out
		}
	}
	if err := inv.Inverse(s); err != nil {
		for i := range out {
			out[i] = math.NaN()
		}
		return out
	}
	for i := range k {
		v := inv.At(i, i)
		if v > 0 {
			out[i] = math.Sqrt(v)
		} else {
			out[i] = math.NaN()
		}
	}
	return out
}

// logAddExp returns log(e^a + e^b) without overflow.
func logAddExp(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if math.IsInf(b, -1) {
		return a
	}
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}

func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}
