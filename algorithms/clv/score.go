package clv

// ScoreOptions sets what ScoreCustomers computes.
type ScoreOptions struct {
	T               float64 // periods ahead for Scores.Expected
	HorizonMonths   int     // CLV horizon in months
	MonthlyDiscount float64 // CLV monthly discount rate
	PeriodsPerMonth float64 // the purchase model's time units in a month
	Threads         int     // goroutines; 0 means all cores (results do not depend on it)
}

// Scores holds per-customer predictions. A nil slice is not computed; a non-nil
// one must have one element per customer.
type Scores struct {
	PAlive   []float64 // PAlive(x, t_x, T)
	Expected []float64 // ExpectedPurchases(opt.T, x, t_x, T)
	CLV      []float64 // CLV(p, s, x, t_x, T, m, ...); needs s and m
}

// ScoreCustomers fills dst for every customer of d (average order values m, used
// for CLV only), in parallel. Each value equals the corresponding single-customer
// call.
func ScoreCustomers(p *Purchases, s *Spend, d *Data, m []float64, opt ScoreOptions, dst *Scores) {
	n := d.Len()
	const block = 4096
	forChunks(opt.Threads, (n+block-1)/block, func(c int) {
		for i := c * block; i < min(n, (c+1)*block); i++ {
			x, tx, T := d.X[i], d.TX[i], d.T[i]
			pa := p.PAlive(x, tx, T)
			if dst.PAlive != nil {
				dst.PAlive[i] = pa
			}
			if dst.Expected != nil {
				dst.Expected[i] = pa * p.expectedAlive(opt.T, x, T)
			}
			if dst.CLV != nil {
				dst.CLV[i] = clvAlive(p, s, x, T, m[i], opt.HorizonMonths, opt.MonthlyDiscount, opt.PeriodsPerMonth) * pa
			}
		}
	})
}
