package clv

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/stat/distuv"
)

// WeeksPerMonth and DaysPerMonth convert a purchase model's time unit to months
// for CLV's periodsPerMonth.
const (
	DaysPerMonth  = 365.25 / 12
	WeeksPerMonth = 365.25 / 12 / 7
)

// CLV is the customer's discounted value over the next horizonMonths months, as
// lifetimes' customer_lifetime_value: the sum over months i = 1..horizonMonths of
//
//	(E[purchases by month i] - E[purchases by month i-1]) · E[average value] / (1+d)^i
//
// with the purchases conditional on the customer's history (x, t_x, T in the
// purchase model's time unit), the average value s.ExpectedAverage(x, m), d the
// monthly discount rate and periodsPerMonth the number of the purchase model's
// time units in a month (WeeksPerMonth for a model fitted in weeks).
func CLV(p *Purchases, s *Spend, x, tx, T, m float64, horizonMonths int, monthlyDiscount, periodsPerMonth float64) float64 {
	if horizonMonths <= 0 {
		return 0
	}
	return clvAlive(p, s, x, T, m, horizonMonths, monthlyDiscount, periodsPerMonth) * p.PAlive(x, tx, T)
}

// clvAlive is CLV divided by P(alive).
func clvAlive(p *Purchases, s *Spend, x, T, m float64, horizonMonths int, monthlyDiscount, periodsPerMonth float64) float64 {
	if horizonMonths <= 0 {
		return 0
	}
	value := s.ExpectedAverage(x, m)
	if p.Kind == BGNBD {
		if v, ok := bgnbdCLV(p, x, T, horizonMonths, monthlyDiscount, periodsPerMonth); ok {
			return v * value
		}
	}
	total, prev, disc := 0.0, 0.0, 1.0
	for i := 1; i <= horizonMonths; i++ {
		cur := p.expectedAlive(float64(i)*periodsPerMonth, x, T)
		disc /= 1 + monthlyDiscount
		total += (cur - prev) * disc
		prev = cur
	}
	return total * value
}

// bgnbdCLV is the discounted sum of the monthly increments of the BG/NBD
// expectation for a customer alive at T (the bracket of bgnbdExpectedAlive).
// Every month's 2F1(a+b-1-r, a-1; a+b+x-1; z_i) shares its coefficients, so they
// are computed once and the months' power series are summed side by side. It
// reports false when the series would converge slowly (z close to 1).
func bgnbdCLV(p *Purchases, x, T float64, horizon int, disc, ppm float64) (float64, bool) {
	r, alpha, a, b := p.R, p.Alpha, p.A, p.B
	const maxMonths = 64
	if horizon > maxMonths || math.Abs(a-1) < 1e-7 {
		return 0, false
	}
	var z, zp, g [maxMonths]float64
	zmax := 0.0
	for i := range horizon {
		t := float64(i+1) * ppm
		z[i] = t / (alpha + T + t)
		zp[i] = 1
		zmax = math.Max(zmax, z[i])
	}
	if !(zmax < 0.9) {
		return 0, false
	}
	A, B, C := a+b-1-r, a-1, a+b+x-1
	coef, pmax := 1.0, 1.0
	zs, gs, zps := z[:horizon], g[:horizon], zp[:horizon]
	for n := 0.0; n < 2000; n++ {
		coef *= (A + n) * (B + n) / ((C + n) * (n + 1))
		for i, zi := range zs {
			zps[i] *= zi
			gs[i] += coef * zps[i]
		}
		// The last month has the largest z and the slowest series.
		pmax *= zmax
		if math.Abs(coef)*pmax <= 1e-16*(1+math.Abs(gs[horizon-1])) && n > 2 {
			break
		}
	}
	total, prev, d := 0.0, 0.0, 1.0
	for i := range horizon {
		em := math.Expm1((a - 1) * math.Log1p(-z[i]))
		cur := C / (a - 1) * (-em - (1+em)*g[i])
		d /= 1 + disc
		total += (cur - prev) * d
		prev = cur
	}
	return total, !math.IsNaN(total) && !math.IsInf(total, 0)
}

// SimulateBGNBD draws n customers from the BG/NBD process with parameters r,
// alpha, a, b: each has a purchase rate λ ~ gamma(r, rate α) and a dropout
// probability p ~ beta(a, b), buys at exponential(λ) intervals from time 0 and
// after each repeat purchase becomes inactive with probability p. Each is
// observed for T periods, T uniform in [minT, maxT]. The same seed gives the
// same data.
func SimulateBGNBD(r, alpha, a, b float64, n int, minT, maxT float64, seed uint64) *Data {
	src := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	lam := distuv.Gamma{Alpha: r, Beta: alpha, Src: src}
	drop := distuv.Beta{Alpha: a, Beta: b, Src: src}
	d := &Data{X: make([]float64, n), TX: make([]float64, n), T: make([]float64, n)}
	for i := range n {
		T := minT + (maxT-minT)*src.Float64()
		l := lam.Rand()
		p := drop.Rand()
		t, x, tx := 0.0, 0.0, 0.0
		for l > 0 {
			t += src.ExpFloat64() / l
			if t > T || math.IsInf(t, 0) {
				break
			}
			x++
			tx = t
			if src.Float64() < p {
				break
			}
		}
		d.X[i], d.TX[i], d.T[i] = x, tx, T
	}
	return d
}
