package clv

import (
	"runtime"
	"sync"
)

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
	threads := opt.Threads
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	const block = 4096
	nblocks := (n + block - 1) / block
	var wg sync.WaitGroup
	var mu sync.Mutex
	next := 0
	for range min(threads, max(nblocks, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				c := next
				next++
				mu.Unlock()
				if c >= nblocks {
					return
				}
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
			}
		}()
	}
	wg.Wait()
}
