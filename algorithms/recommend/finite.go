package recommend

import (
	"fmt"
	"math"
)

// A fit is finite or it is an error: every trainer checks what it produced
// (factors, similarities, normalizations, the scores a stored model will
// give) before returning, so that a model of NaN or infinite numbers is
// never stored and never scores silently.

// RangeError is the error of a fit whose numbers left the floating-point
// range: values that overflowed to infinity or became NaN, or (Small) a
// normalization that underflowed to 0. The values of the matrix (or, for
// ALS, alpha times them) are too large, or too small.
type RangeError struct {
	Method Method
	// What says which numbers left the range, e.g. "ALS diverged, the
	// factors are not finite after iteration 2".
	What string
	// Small is set when the values are too small (an underflow to 0), not
	// too large.
	Small bool
}

func (e *RangeError) Error() string { return "recommend: " + e.Method.String() + ": " + e.What }

func rangeError(m Method, format string, args ...any) *RangeError {
	return &RangeError{Method: m, What: fmt.Sprintf(format, args...)}
}

// finite reports whether v is neither NaN nor infinite.
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// allFinite32 reports whether every value of v is finite.
func allFinite32(v []float32) bool {
	for _, x := range v {
		// x-x is 0 for a finite x and NaN for NaN and ±Inf.
		if x-x != 0 {
			return false
		}
	}
	return true
}

// allFinite reports whether every value of v is finite.
func allFinite(v []float64) bool {
	for _, x := range v {
		if x-x != 0 {
			return false
		}
	}
	return true
}

// ValueRange returns the largest stored value of m (0 when it has none), and
// the smallest positive one (0 when none is positive).
func (m *CSR) ValueRange() (largest, smallestPositive float64) {
	for _, v := range m.Data {
		if v > largest || v != v {
			largest = v
		}
		if v > 0 && (smallestPositive == 0 || v < smallestPositive) {
			smallestPositive = v
		}
	}
	return largest, smallestPositive
}

// checkValues checks that the training values are finite: summing the
// values of duplicate pairs (NewCSR) can overflow. It polls p, when not
// nil.
func checkValues(p *poller, method Method, x *CSR) error {
	for k, v := range x.Data {
		if v-v != 0 {
			return rangeError(method, "a (user, item) pair has the value %g (its values summed)", v)
		}
		if p != nil && k%pollEntries == 0 {
			if err := p.ctx.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// CheckFinite returns a *RangeError when m holds a number that is not
// finite, or would score a training user with one: ALS factors whose dot
// products overflow float32, item-kNN similarities, or the weighted sums
// of them that recommend computes. Fit calls it; call it after decoding a
// model to refuse a damaged one.
func (m *Model) CheckFinite() error {
	if err := checkValues(nil, m.Method, m.Train); err != nil {
		return err
	}
	switch m.Method {
	case MethodALS:
		f := m.Factors
		if !allFinite32(f.Users) || !allFinite32(f.Items) {
			return rangeError(m.Method, "the factors are not finite")
		}
		// |x·y| <= |x|·|y|: no score of a user and an item overflows
		// float32 when the largest norms multiply to less than its range.
		nu, ni := maxNorm(f.Users, f.F), maxNorm(f.Items, f.F)
		if p := nu * ni; !(p < math.MaxFloat32) {
			return rangeError(m.Method, "the factors are finite, but their scores reach %.3g, beyond the float32 range", p)
		}
		if m.yty != nil && !allFinite32(m.yty) {
			return rangeError(m.Method, "the item factors are finite, but their Gram matrix (for baskets) is not")
		}
	case MethodItemKNN:
		nb := m.Neighbors
		if !allFinite(nb.Scores) {
			return rangeError(m.Method, "the item similarities are not finite")
		}
		// A user's score for an item sums value × similarity over the
		// user's items: bound it with each item's largest similarity.
		top := make([]float64, m.Items())
		for i := range top {
			_, ss := nb.Of(i)
			for _, s := range ss {
				top[i] = math.Max(top[i], math.Abs(s))
			}
		}
		for u := 0; u < m.Users(); u++ {
			is, vs := m.Train.Row(u)
			sum := 0.0
			for k, i := range is {
				sum += vs[k] * top[i]
			}
			if !finite(sum) {
				return rangeError(m.Method, "the similarities are finite, but the scores of a user overflow")
			}
		}
	case MethodUserKNN:
		if m.norm != nil && !allFinite(m.norm.Data) {
			return rangeError(m.Method, "the normalized user rows are not finite")
		}
	}
	return nil
}

// maxNorm returns the largest Euclidean norm of the rows of the row-major
// n×f matrix v, in float64.
func maxNorm(v []float32, f int) float64 {
	best := 0.0
	for r := 0; r+f <= len(v); r += f {
		s := 0.0
		for _, x := range v[r : r+f] {
			s += float64(x) * float64(x)
		}
		best = math.Max(best, s)
	}
	return math.Sqrt(best)
}
