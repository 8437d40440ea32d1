package clv

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// bgnbdLL is the BG/NBD log-likelihood (Fader, Hardie and Lee 2005, eq. 6):
//
//	ln L = ln[Γ(r+x) α^r / Γ(r)] + ln[B(a, b+x) / B(a, b)]
//	     + ln[(α+T)^-(r+x) + 1{x>0} a/(b+x-1) (α+t_x)^-(r+x)]
//
// with the parameter order r, alpha, a, b.
type bgnbdLL struct {
	d *rows
	// per distinct x: the parameter-only terms and their derivatives
	c0, dr, da, db []float64
}

func newBGNBDLL(d *rows) *bgnbdLL {
	k := len(d.xs)
	return &bgnbdLL{d: d, c0: make([]float64, k), dr: make([]float64, k), da: make([]float64, k), db: make([]float64, k)}
}

func (o *bgnbdLL) n() int { return len(o.d.x) }

func (o *bgnbdLL) prepare(th []float64) {
	r, alpha, a, b := th[0], th[1], th[2], th[3]
	lr, lb, lab := lgamma(r), lgamma(b), lgamma(a+b)
	pr, pb, pab := mathext.Digamma(r), mathext.Digamma(b), mathext.Digamma(a+b)
	la := math.Log(alpha)
	for j, x := range o.d.xs {
		o.c0[j] = lgamma(r+x) - lr + r*la + lab + lgamma(b+x) - lb - lgamma(a+b+x)
		o.dr[j] = mathext.Digamma(r+x) - pr + la
		pabx := mathext.Digamma(a + b + x)
		o.da[j] = pab - pabx
		o.db[j] = pab + mathext.Digamma(b+x) - pb - pabx
	}
}

func (o *bgnbdLL) eval(th []float64, lo, hi int, grad []float64) float64 {
	r, alpha, a, b := th[0], th[1], th[2], th[3]
	d := o.d
	la := math.Log(a)
	var ll, gr, gal, ga, gb float64
	for i := lo; i < hi; i++ {
		x, w, j := d.x[i], d.w[i], d.xi[i]
		rx := r + x
		lT := math.Log(alpha + d.T[i])
		a3 := -rx * lT
		l, w3, w4, ltx := a3, 1.0, 0.0, 0.0
		if x > 0 {
			ltx = math.Log(alpha + d.tx[i])
			a4 := la - math.Log(b+x-1) - rx*ltx
			l = logAddExp(a3, a4)
			w3, w4 = math.Exp(a3-l), math.Exp(a4-l)
		}
		ll += w * (o.c0[j] + l)
		gr += w * (o.dr[j] - w3*lT - w4*ltx)
		gal += w * (r/alpha - w3*rx/(alpha+d.T[i]) - w4*rx/(alpha+d.tx[i]))
		ga += w * (o.da[j] + w4/a)
		gb += w * o.db[j]
		if x > 0 {
			gb -= w * w4 / (b + x - 1)
		}
	}
	grad[0], grad[1], grad[2], grad[3] = gr, gal, ga, gb
	return ll
}
