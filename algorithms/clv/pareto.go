package clv

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
)

// The Pareto/NBD likelihood (Fader and Hardie, "A Note on Deriving the
// Pareto/NBD Model and Related Expressions", 2005, eq. 1 before the 2F1 step) is
//
//	L = Γ(r+x) α^r β^s / Γ(r) · [ (α+T)^-(r+x) (β+T)^-s
//	                            + s ∫_{t_x}^{T} (α+τ)^-(r+x) (β+τ)^-(s+1) dτ ]
//
// (the customer is alive at T, or dies at some τ between the last purchase and
// T). With I(τ0) = ∫_{τ0}^∞ (α+τ)^-(r+x) (β+τ)^-(s+1) dτ the integral is
// I(t_x) - I(T), and
//
//	I(τ0) = (M+τ0)^-(r+s+x) / (r+s+x) · 2F1(r+s+x, b; r+s+x+1; |α-β|/(M+τ0))
//
// with M = max(α, β), b = s+1 when α >= β and b = r+x otherwise: Fader and
// Hardie's A_0 (their eq. 22 and 23), the form lifetimes evaluates as _log_A_0.
// That 2F1 overflows for large x (its second parameter is r+x when α < β), so
// we apply Euler's transformation 2F1(a,b;c;z) = (1-z)^(c-a-b) 2F1(c-a,c-b;c;z),
// with c-a = 1, which gives, with m = min(α, β),
//
//	I(τ0) = (α+τ0)^-(r+x) (β+τ0)^-(s+1) (m+τ0) / (r+s+x) · F(1, B; r+s+x+1; z)
//
// where B = r+x when α >= β and B = s+1 otherwise, and z = |α-β|/(M+τ0).
// F(1, B; C; z) is a series of positive, decreasing terms bounded by
// (C-1)/(C-B-1), so the whole likelihood is evaluated in log space without
// overflow, and its derivatives follow term by term.

// paretoLL is the Pareto/NBD log-likelihood, parameters r, alpha, s, beta.
type paretoLL struct {
	d      *rows
	c0, dr []float64 // per distinct x: ln Γ(r+x) - ln Γ(r) + r ln α + s ln β; ψ(r+x) - ψ(r) + ln α
}

func newParetoLL(d *rows) *paretoLL {
	return &paretoLL{d: d, c0: make([]float64, len(d.xs)), dr: make([]float64, len(d.xs))}
}

func (o *paretoLL) n() int { return len(o.d.x) }

func (o *paretoLL) prepare(th []float64) {
	r, alpha, s, beta := th[0], th[1], th[2], th[3]
	lr, pr := lgamma(r), mathext.Digamma(r)
	la, lb := math.Log(alpha), math.Log(beta)
	for j, x := range o.d.xs {
		o.c0[j] = lgamma(r+x) - lr + r*la + s*lb
		o.dr[j] = mathext.Digamma(r+x) - pr + la
	}
}

func (o *paretoLL) eval(th []float64, lo, hi int, grad []float64) float64 {
	r, alpha, s, beta := th[0], th[1], th[2], th[3]
	d := o.d
	var ll float64
	var g [4]float64
	for i := lo; i < hi; i++ {
		x, w, j := d.x[i], d.w[i], d.xi[i]
		l, rg := paretoRow(th, x, d.tx[i], d.T[i], true)
		ll += w * (o.c0[j] + l)
		g[0] += w * (o.dr[j] + rg[0])
		g[1] += w * (r/alpha + rg[1])
		g[2] += w * (math.Log(beta) + rg[2])
		g[3] += w * (s/beta + rg[3])
	}
	copy(grad, g[:])
	return ll
}

// paretoLogI is ln I(τ0) and its gradient with respect to (r, α, s, β).
func paretoLogI(th []float64, x, tau float64) (float64, [4]float64) {
	r, alpha, s, beta := th[0], th[1], th[2], th[3]
	rsx := r + s + x
	la, lb := math.Log(alpha+tau), math.Log(beta+tau)
	var b, z, dbdr, dbds, dzda, dzdb, lm, dlma, dlmb float64
	if alpha >= beta {
		b, dbdr = r+x, 1
		z = (alpha - beta) / (alpha + tau)
		dzda = (beta + tau) / ((alpha + tau) * (alpha + tau))
		dzdb = -1 / (alpha + tau)
		lm, dlmb = lb, 1/(beta+tau)
	} else {
		b, dbds = s+1, 1
		z = (beta - alpha) / (beta + tau)
		dzdb = (alpha + tau) / ((beta + tau) * (beta + tau))
		dzda = -1 / (beta + tau)
		lm, dlma = la, 1/(alpha+tau)
	}
	lf, fb, fc, fz := hyp1(b, rsx+1, z)
	l := -(r+x)*la - (s+1)*lb + lm - math.Log(rsx) + lf
	var g [4]float64
	g[0] = -la - 1/rsx + fb*dbdr + fc
	g[1] = -(r+x)/(alpha+tau) + dlma + fz*dzda
	g[2] = -lb - 1/rsx + fb*dbds + fc
	g[3] = -(s+1)/(beta+tau) + dlmb + fz*dzdb
	return l, g
}

// paretoRow returns the log of the bracket of the likelihood (everything but
// the per-x constant) for one customer and, when grad is set, its gradient.
// The probability of being alive is exp(lE - l) with lE the first term.
func paretoRow(th []float64, x, tx, T float64, grad bool) (float64, [4]float64) {
	r, alpha, s, beta := th[0], th[1], th[2], th[3]
	laT, lbT := math.Log(alpha+T), math.Log(beta+T)
	lE := -(r+x)*laT - s*lbT
	dE := [4]float64{-laT, -(r + x) / (alpha + T), -lbT, -s / (beta + T)}
	if !(tx < T) {
		return lE, dE
	}
	l1, d1 := paretoLogI(th, x, tx)
	l2, d2 := paretoLogI(th, x, T)
	if !(l2 < l1) {
		return lE, dE
	}
	ls := math.Log(s)
	lD := l1 + math.Log1p(-math.Exp(l2-l1))
	lZ := logAddExp(lE, ls+lD)
	if !grad {
		return lZ, [4]float64{}
	}
	wE := math.Exp(lE - lZ)
	wD := math.Exp(ls + lD - lZ)
	w1 := math.Exp(ls + l1 - lZ)
	w2 := math.Exp(ls + l2 - lZ)
	var g [4]float64
	for k := range g {
		g[k] = wE*dE[k] + w1*d1[k] - w2*d2[k]
	}
	g[2] += wD / s
	return lZ, g
}

func (m *Purchases) paretoPAlive(x, tx, T float64) float64 {
	th := []float64{m.R, m.Alpha, m.S, m.Beta}
	lZ, _ := paretoRow(th, x, tx, T, false)
	lE := -(m.R+x)*math.Log(m.Alpha+T) - m.S*math.Log(m.Beta+T)
	return math.Min(1, math.Exp(lE-lZ))
}

// paretoExpected is the conditional expectation (Fader and Hardie 2005, eq. 24 of
// the note; lifetimes' conditional_expected_number_of_purchases_up_to_time):
//
//	P(alive) (r+x)(β+T) / ((α+T)(s-1)) [1 - ((β+T)/(β+T+t))^(s-1)]
func (m *Purchases) paretoExpected(t, x, tx, T float64) float64 {
	return m.paretoPAlive(x, tx, T) * m.expectedAlive(t, x, T)
}

// paretoProb is P(X(t) = n) for a new customer: alive through t with n purchases
// from an NBD, or dead at τ < t with n purchases by τ,
//
//	NBD(n; t) (β/(β+t))^s + ∫_0^t s β^s (β+τ)^-(s+1) NBD(n; τ) dτ,
//
// with NBD(n; τ) = Γ(r+n)/(Γ(r) n!) (α/(α+τ))^r (τ/(α+τ))^n, the integral by
// Gauss-Legendre quadrature on geometrically growing panels.
func (m *Purchases) paretoProb(n int, t float64) float64 {
	r, alpha, s, beta := m.R, m.Alpha, m.S, m.Beta
	x := float64(n)
	c := lgamma(r+x) - lgamma(r) - lgamma(x+1)
	lnbd := func(tau float64) float64 {
		if tau == 0 {
			if n == 0 {
				return 0
			}
			return math.Inf(-1)
		}
		return c + r*math.Log(alpha/(alpha+tau)) + x*math.Log(tau/(alpha+tau))
	}
	p := math.Exp(lnbd(t) + s*math.Log(beta/(beta+t)))
	f := func(tau float64) float64 {
		return math.Exp(math.Log(s) + s*math.Log(beta) - (s+1)*math.Log(beta+tau) + lnbd(tau))
	}
	h := math.Min(t, math.Min(alpha, beta)) / 16
	lo := 0.0
	for hi := h; lo < t; hi *= 2 {
		hi = math.Min(hi, t)
		p += quad.Fixed(f, lo, hi, 24, quad.Legendre{}, 0)
		lo = hi
	}
	return p
}
