package lda

import "math"

// digamma is ψ(x) for x > 0: the recurrence ψ(x) = ψ(x+n) - Σ 1/(x+i) up to
// x+n >= 6, its sum taken as one quotient (the derivative of Π(x+i) over the
// product: one division instead of n), then the asymptotic series
// (absolute error below 1e-11).
func digamma(x float64) float64 {
	var r float64
	if x < 6 {
		p, dp := 1.0, 0.0
		for x < 6 {
			dp = dp*x + p
			p *= x
			x++
		}
		r = -dp / p
	}
	ix := 1 / x
	f := ix * ix
	t := f * (-1.0/12 + f*(1.0/120+f*(-1.0/252+f*(1.0/240+f*(-1.0/132)))))
	return r + math.Log(x) - 0.5*ix + t
}

// trigamma is ψ'(x) for x > 0.
func trigamma(x float64) float64 {
	r := 0.0
	for x < 6 {
		r += 1 / (x * x)
		x++
	}
	f := 1 / (x * x)
	ix := 1 / x
	return r + ix + f/2 + ix*f*(1.0/6-f*(1.0/30-f*(1.0/42-f/30)))
}

// lgamma is log Γ(x) for x > 0.
func lgamma(x float64) float64 {
	v, _ := math.Lgamma(x)
	return v
}

// dirichletExpectation writes E[log θ] for θ ~ Dir(a) into dst.
func dirichletExpectation(dst, a []float64) {
	s := 0.0
	for _, v := range a {
		s += v
	}
	ps := digamma(s)
	for k, v := range a {
		dst[k] = digamma(v) - ps
	}
}

// expDigamma is exp(ψ(x)) for x > 0 with at most one call to math.Exp:
// exp(ψ(y)) = y·exp(-1/(2y) - 1/(12y²) + ...) for y >= 6, whose small
// exponent (|·| < 0.09) is a short Taylor polynomial, and the recurrence
// exp(ψ(x)) = exp(ψ(x+n))·exp(-Σ 1/(x+i)) below 6. The E-step evaluates it
// for every topic of every document at every iteration.
func expDigamma(x float64) float64 {
	s := 1.0
	if x < 6 {
		p, dp := 1.0, 0.0
		for x < 6 {
			dp = dp*x + p
			p *= x
			x++
		}
		s = math.Exp(-dp / p)
	}
	u := 1 / x
	f := u * u
	a := -0.5*u + f*(-1.0/12+f*(1.0/120+f*(-1.0/252+f*(1.0/240))))
	e := 1 + a*(1+a*(1.0/2+a*(1.0/6+a*(1.0/24+a*(1.0/120+a*(1.0/720+a*(1.0/5040+a*(1.0/40320))))))))
	return x * e * s
}
