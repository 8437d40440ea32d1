package clv

import (
	"fmt"
	"testing"
)

var benchData = map[int]*Data{}

func benchCustomers(n int) *Data {
	if d, ok := benchData[n]; ok {
		return d
	}
	d := SimulateBGNBD(0.243, 4.414, 0.793, 2.426, n, 27, 39, 1)
	benchData[n] = d
	return d
}

// benchSpend draws an average order value for every repeat customer.
func benchSpend(d *Data) []float64 {
	m := make([]float64, d.Len())
	for i := range m {
		if d.X[i] > 0 {
			m[i] = 10 + float64(i%97)/3 + d.X[i]
		}
	}
	return m
}

// BenchmarkFit fits BG/NBD and Gamma-Gamma on simulated customers (the CDNOW
// parameters, ages 27 to 39 weeks); the simulation is not timed.
func BenchmarkFit(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		d := benchCustomers(n)
		m := benchSpend(d)
		b.Run(fmt.Sprintf("bgnbd+gammagamma/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := FitPurchases(BGNBD, d, FitOptions{}); err != nil {
					b.Fatal(err)
				}
				if _, err := FitSpend(d.X, m, FitOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	d := benchCustomers(100_000)
	b.Run("pareto_nbd/n=100000", func(b *testing.B) {
		for b.Loop() {
			if _, err := FitPurchases(ParetoNBD, d, FitOptions{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkScore computes P(alive), the expected purchases over 39 periods and a
// 12-month CLV for every customer.
func BenchmarkScore(b *testing.B) {
	d := benchCustomers(1_000_000)
	m := benchSpend(d)
	bg, err := NewPurchases(BGNBD, []float64{0.243, 4.414, 0.793, 2.426})
	if err != nil {
		b.Fatal(err)
	}
	pn, _ := NewPurchases(ParetoNBD, []float64{0.553, 10.578, 0.606, 11.669})
	s := &Spend{P: 6.25, Q: 3.74, V: 15.44}
	for _, p := range []*Purchases{bg, pn} {
		b.Run(fmt.Sprintf("%s/n=%d", p.Kind, d.Len()), func(b *testing.B) {
			sum := 0.0
			for b.Loop() {
				for i := range d.X {
					x, tx, T := d.X[i], d.TX[i], d.T[i]
					sum += p.PAlive(x, tx, T) + p.ExpectedPurchases(39, x, tx, T) +
						CLV(p, s, x, tx, T, m[i], 12, 0.01, WeeksPerMonth)
				}
			}
			_ = sum
		})
	}
	b.Run(fmt.Sprintf("bgnbd/batch/n=%d", d.Len()), func(b *testing.B) {
		dst := &Scores{PAlive: make([]float64, d.Len()), Expected: make([]float64, d.Len()), CLV: make([]float64, d.Len())}
		opt := ScoreOptions{T: 39, HorizonMonths: 12, MonthlyDiscount: 0.01, PeriodsPerMonth: WeeksPerMonth}
		for b.Loop() {
			ScoreCustomers(bg, s, d, m, opt, dst)
		}
	})
}
