package lda

import (
	"math"
	"testing"
)

// expected: scipy.special.psi and polygamma(1, x) (scipy 1.10.1).
func TestDigammaTrigamma(t *testing.T) {
	cases := []struct{ x, psi, tri float64 }{
		{0.01, -100.56088545786867, 10001.621213528315},
		{0.1, -10.423754940411076, 101.43329915079276},
		{1, -0.5772156649015329, 1.6449340668482264},
		{5.5, 1.611093148581751, 0.1993423869896277},
		{100, 4.600161852738087, 0.010050166663333571},
	}
	for _, c := range cases {
		if got := digamma(c.x); math.Abs(got-c.psi) > 1e-10*math.Max(1, math.Abs(c.psi)) {
			t.Errorf("digamma(%g) = %.15g, want %.15g", c.x, got, c.psi)
		}
		if got := trigamma(c.x); math.Abs(got-c.tri) > 1e-9*math.Max(1, math.Abs(c.tri)) {
			t.Errorf("trigamma(%g) = %.15g, want %.15g", c.x, got, c.tri)
		}
	}
}

func TestExpDigamma(t *testing.T) {
	worst := 0.0
	for x := 1e-4; x < 1e4; x *= 1.003 {
		want := math.Exp(digamma(x))
		worst = math.Max(worst, math.Abs(expDigamma(x)-want)/want)
	}
	if worst > 1e-12 {
		t.Errorf("expDigamma relative error up to %g", worst)
	}
}
