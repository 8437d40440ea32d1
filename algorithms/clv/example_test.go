package clv_test

import (
	"fmt"

	"github.com/seed-a084b42d/marketsql/algorithms/clv"
)

func Example() {
	// 20,000 customers simulated in weeks with the CDNOW parameters.
	d := clv.SimulateBGNBD(0.243, 4.414, 0.793, 2.426, 20000, 27, 39, 1)
	m, err := clv.FitPurchases(clv.BGNBD, d, clv.FitOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	names, params := m.Params()
	for i := range names {
		fmt.Printf("%s=%.2f\n", names[i], params[i])
	}
	// A customer with 2 repeat purchases, the last in week 30.43 of 38.86.
	fmt.Printf("P(alive)=%.2f, next 39 weeks: %.2f purchases\n",
		m.PAlive(2, 30.43, 38.86), m.ExpectedPurchases(39, 2, 30.43, 38.86))
	s, err := clv.NewSpend(6.25, 3.74, 15.44)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("12-month value at 1%% a month: %.2f\n",
		clv.CLV(m, s, 2, 30.43, 38.86, 22.35, 12, 0.01, clv.WeeksPerMonth))
	// Output:
	// r=0.24
	// alpha=4.36
	// a=0.75
	// b=2.20
	// P(alive)=0.72, next 39 weeks: 1.22 purchases
	// 12-month value at 1% a month: 36.19
}
