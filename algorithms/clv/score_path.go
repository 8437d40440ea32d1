package clv

import "math"

// pathBlock is how many horizons ExpectedPath evaluates side by side.
const pathBlock = 64

// ExpectedPath sets out[i] = m.ExpectedPurchases(ts[i], x, tx, T) for every i,
// bit for bit, sharing the work the horizons have in common: P(alive) is
// computed once, and for BG/NBD the 2F1 series of every horizon, which differ
// only in z, are summed side by side with each term ratio computed once (each
// series still stops at its own term, as hyp2f1 does). It is the month-by-month
// expectation a CLV sum needs. out must be at least as long as ts.
func (m *Purchases) ExpectedPath(ts []float64, x, tx, T float64, out []float64) {
	out = out[:len(ts)]
	pa := m.PAlive(x, tx, T)
	if m.Kind != BGNBD || math.Abs(m.A-1) < 1e-7 {
		for i, t := range ts {
			if t <= 0 {
				out[i] = 0
				continue
			}
			out[i] = m.expectedAlive(t, x, T) * pa
		}
		return
	}
	for lo := 0; lo < len(ts); lo += pathBlock {
		hi := min(len(ts), lo+pathBlock)
		bgnbdExpectedAlivePath(m.R, m.Alpha, m.A, m.B, ts[lo:hi], x, T, out[lo:hi])
		for i := lo; i < hi; i++ {
			if ts[i] <= 0 {
				out[i] = 0
				continue
			}
			out[i] *= pa
		}
	}
}

// bgnbdExpectedAlivePath sets out[i] = bgnbdExpectedAliveAt(r, alpha, a, b,
// ts[i], x, T) for up to pathBlock horizons, with the same operations in the
// same order for each.
func bgnbdExpectedAlivePath(r, alpha, a, b float64, ts []float64, x, T float64, out []float64) {
	// The series still being summed are kept at the front of zs, terms and
	// sums (pos says whose they are); one that converges moves out.
	var zs, terms, sums, hs [pathBlock]float64
	var pos [pathBlock]int
	n := len(ts)
	c := a + b + x - 1
	ha, hb := a+b-1-r, a-1
	nlive := 0
	for i, t := range ts {
		z := t / (alpha + T + t)
		// hyp2f1: 1 at z = 0; its power series below 0.9.
		hs[i] = 1
		if z != 0 && z < 0.9 {
			zs[nlive], terms[nlive], sums[nlive], pos[nlive] = z, 1, 1, i
			nlive++
		}
	}
	k := 0.0
	// hyp2f1 tests for convergence from its fourth term on.
	for ; k <= 2 && nlive > 0; k++ {
		q := (ha + k) * (hb + k) / ((c + k) * (k + 1))
		for j := range nlive {
			terms[j] *= q * zs[j]
			sums[j] += terms[j]
		}
	}
	for ; k < 2000 && nlive > 0; k++ {
		q := (ha + k) * (hb + k) / ((c + k) * (k + 1))
		for j := 0; j < nlive; {
			term := terms[j] * (q * zs[j])
			sum := sums[j] + term
			if !(math.Abs(term) <= 1e-16*math.Abs(sum)) {
				terms[j], sums[j] = term, sum
				j++
				continue
			}
			// Converged: record it, and take the last live series in
			// its place (not yet advanced at this k).
			hs[pos[j]] = sum
			nlive--
			zs[j], terms[j], sums[j], pos[j] = zs[nlive], terms[nlive], sums[nlive], pos[nlive]
		}
	}
	for j := range nlive {
		hs[pos[j]] = sums[j] // not converged in 2000 terms, as hyp2f1 leaves it
	}
	for i := range n {
		z := ts[i] / (alpha + T + ts[i])
		h := hs[i]
		if !(z == 0 || z < 0.9 && !math.IsInf(h, 0) && !math.IsNaN(h)) {
			h = hyp2f1(ha, hb, c, z)
		}
		lh := (a - 1) * math.Log1p(-z)
		// 1 - e^lh h, keeping precision when t is small.
		v := -math.Expm1(lh) - math.Exp(lh)*(h-1)
		out[i] = c / (a - 1) * v
	}
}
