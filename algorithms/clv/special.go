package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// hyp2f1 is the Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1,
// by its power series when that converges quickly and by mathext.Hypergeo
// otherwise.
func hyp2f1(a, b, c, z float64) float64 {
	if z == 0 {
		return 1
	}
	if z < 0.9 {
		sum, term := 1.0, 1.0
		for n := 0.0; n < 2000; n++ {
			term *= (a + n) * (b + n) / ((c + n) * (n + 1)) * z
			sum += term
			if math.Abs(term) <= 1e-16*math.Abs(sum) && n > 2 {
				break
			}
		}
		if !math.IsInf(sum, 0) && !math.IsNaN(sum) {
			return sum
		}
	}
	return mathext.Hypergeo(a, b, c, z)
}

// hyp1 is ln F(1, b; c; z) for 0 <= z < 1 and 0 < b < c, and the derivatives of
// ln F with respect to b, c and z, by the power series
//
//	F = sum_n (b)_n/(c)_n z^n,
//
// whose terms are positive and decrease (their ratio (b+n)/(c+n) z is below 1).
// It converges like z^n n^(b-c), so it is fast except when z is close to 1.
func hyp1(b, c, z float64) (lf, db, dc, dz float64) {
	if z == 0 {
		return 0, 0, 0, b / c
	}
	f, t := 1.0, 1.0
	var sb, sc, fb, fc, fz float64
	for n := 1; n < 1_000_000; n++ {
		k := float64(n - 1)
		t *= (b + k) / (c + k) * z
		sb += 1 / (b + k)
		sc += 1 / (c + k)
		f += t
		fb += t * sb
		fc -= t * sc
		fz += float64(n) * t
		if t*(float64(n)+sc+1) <= 1e-17*f {
			break
		}
	}
	return math.Log(f), fb / f, fc / f, fz / (z * f)
}
