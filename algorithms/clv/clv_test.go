package clv

import (
	"errors"
	"math"
	"strings"
	"sync"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
	"gonum.org/v1/gonum/mat"
)

// The CDNOW fits are shared by several tests.
var (
	cdnowOnce                 sync.Once
	cdnowBG, cdnowPareto      *Purchases
	cdnowSpend                *Spend
	cdnowErrA, cdnowErrB, cdE error
)

func cdnowFits(t *testing.T) (*Purchases, *Purchases, *Spend) {
	t.Helper()
	d, zbar := cdnow(t)
	cdnowOnce.Do(func() {
		cdnowBG, cdnowErrA = FitPurchases(BGNBD, d, FitOptions{})
		cdnowPareto, cdnowErrB = FitPurchases(ParetoNBD, d, FitOptions{})
		cdnowSpend, cdE = FitSpend(d.X, zbar, FitOptions{})
	})
	for _, err := range []error{cdnowErrA, cdnowErrB, cdE} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return cdnowBG, cdnowPareto, cdnowSpend
}

func checkParams(t *testing.T, names []string, got, want []float64, tol float64) {
	t.Helper()
	for i := range want {
		if math.Abs(got[i]-want[i]) >= tol {
			t.Errorf("%s = %.5f, want %.3f (within %g)", names[i], got[i], want[i], tol)
		}
	}
}

func checkStdErr(t *testing.T, se map[string]float64, names []string) {
	t.Helper()
	for _, n := range names {
		v, ok := se[n]
		if !ok || !(v > 0) || math.IsInf(v, 0) {
			t.Errorf("standard error of %s = %v, want positive and finite", n, v)
		}
	}
}

func TestBGNBDCDNOW(t *testing.T) {
	m, _, _ := cdnowFits(t)
	names, got := m.Params()
	// expected: Fader, Hardie and Lee (2005), "Counting Your Customers the Easy
	// Way", section 5, and lifetimes' tests/test_estimation.py (decimal=3):
	// r = 0.243, alpha = 4.414, a = 0.793, b = 2.426; log-likelihood -9582.4.
	checkParams(t, names, got, []float64{0.243, 4.414, 0.793, 2.426}, 0.0015)
	if math.Abs(m.LogLik-(-9582.4)) > 0.05 {
		t.Errorf("log-likelihood %.3f, want -9582.4", m.LogLik)
	}
	// expected: Hardie's spreadsheet via lifetimes' test
	// test_conditional_expectation_returns_same_value_as_Hardie_excel_sheet.
	if e := m.ExpectedPurchases(39, 2, 30.43, 38.86); math.Abs(e-1.226) > 0.001 {
		t.Errorf("E[Y(39) | x=2, t_x=30.43, T=38.86] = %.5f, want 1.226", e)
	}
	checkStdErr(t, m.StdErr, names)
	if !m.Converged || m.Customers != 2357 {
		t.Errorf("converged %v, customers %d", m.Converged, m.Customers)
	}
	t.Logf("BG/NBD on CDNOW: r=%.5f alpha=%.5f a=%.5f b=%.5f LL=%.4f iterations=%d", m.R, m.Alpha, m.A, m.B, m.LogLik, m.Iterations)
	t.Logf("BG/NBD standard errors: r=%.5f alpha=%.5f a=%.5f b=%.5f", m.StdErr["r"], m.StdErr["alpha"], m.StdErr["a"], m.StdErr["b"])
}

func TestParetoNBDCDNOW(t *testing.T) {
	_, m, _ := cdnowFits(t)
	names, got := m.Params()
	// expected: Fader, Hardie and Lee (2005), "Counting Your Customers the Easy
	// Way", Pareto/NBD estimates on the same data, as asserted (decimal=3) by
	// lifetimes' tests/test_estimation.py, TestParetoNBDFitter.
	// test_params_out_is_close_to_Hardie_paper: r = 0.553, alpha = 10.578,
	// s = 0.606, beta = 11.669; log-likelihood -9595.0.
	checkParams(t, names, got, []float64{0.553, 10.578, 0.606, 11.669}, 0.0015)
	if math.Abs(m.LogLik-(-9595.0)) > 0.05 {
		t.Errorf("log-likelihood %.3f, want -9595.0", m.LogLik)
	}
	checkStdErr(t, m.StdErr, names)
	pa := m.PAlive(2, 30.43, 38.86)
	if !(pa > 0 && pa < 1) {
		t.Errorf("P(alive) = %v", pa)
	}
	t.Logf("Pareto/NBD on CDNOW: r=%.5f alpha=%.5f s=%.5f beta=%.5f LL=%.4f iterations=%d", m.R, m.Alpha, m.S, m.Beta, m.LogLik, m.Iterations)
	t.Logf("Pareto/NBD standard errors: r=%.5f alpha=%.5f s=%.5f beta=%.5f", m.StdErr["r"], m.StdErr["alpha"], m.StdErr["s"], m.StdErr["beta"])
	t.Logf("Pareto/NBD x=2 t_x=30.43 T=38.86: P(alive)=%.5f E[Y(39)]=%.5f", pa, m.ExpectedPurchases(39, 2, 30.43, 38.86))
}

func TestGammaGammaCDNOW(t *testing.T) {
	_, _, s := cdnowFits(t)
	names, got := s.Params()
	// expected: Fader, Hardie and Lee (2005), "RFM and CLV", and lifetimes'
	// TestGammaGammaFitter.test_params_out_is_close_to_Hardie_paper, which
	// asserts them with decimal=2 (|diff| < 0.015): p = 6.25, q = 3.74, v = 15.44.
	checkParams(t, names, got, []float64{6.25, 3.74, 15.44}, 0.015)
	// lifetimes' README prints its own fit to 2 decimals as p: 6.25, q: 3.74,
	// v: 15.45; the likelihood is flat in v (standard error about 4), and the
	// published point has a lower likelihood than ours.
	checkParams(t, names, got, []float64{6.25, 3.74, 15.45}, 0.005)
	if pub := (&Spend{P: 6.25, Q: 3.74, V: 15.44}).LogLikelihood(cdnowX(t), cdnowZ(t), nil); !(pub <= s.LogLik) {
		t.Errorf("published point LL %.6f above the fitted %.6f", pub, s.LogLik)
	}
	checkStdErr(t, s.StdErr, names)
	if s.Customers != 946 {
		t.Errorf("fitted %d repeat customers, want 946", s.Customers)
	}
	t.Logf("Gamma-Gamma on CDNOW: p=%.5f q=%.5f v=%.5f LL=%.4f iterations=%d", s.P, s.Q, s.V, s.LogLik, s.Iterations)
	t.Logf("Gamma-Gamma standard errors: p=%.5f q=%.5f v=%.5f", s.StdErr["p"], s.StdErr["q"], s.StdErr["v"])
	// x == 0: the population mean.
	if got, want := s.ExpectedAverage(0, 0), s.P*s.V/(s.Q-1); got != want {
		t.Errorf("ExpectedAverage(0) = %v, want %v", got, want)
	}
	q := &Spend{P: 1, Q: 0.5, V: 1}
	if !math.IsNaN(q.ExpectedAverage(0, 0)) {
		t.Error("ExpectedAverage(0) with q <= 1 is not NaN")
	}
}

func TestCLVCDNOW(t *testing.T) {
	bg, _, s := cdnowFits(t)
	// expected: lifetimes' documentation (quickstart), customer_lifetime_value
	// with BG/NBD and Gamma-Gamma fitted on this data, time=12 months,
	// discount_rate=0.01 and its default freq="D" (30 time units a month):
	// customer 1 (x=2, t_x=30.43, T=38.86, m=22.35) 140.096218, customer 2
	// (x=1, t_x=1.71, T=38.86, m=11.77) 18.943466, customer 3 (x=0, T=38.86)
	// 38.180575.
	cases := []struct{ x, tx, T, m, want float64 }{
		{2, 30.43, 38.86, 22.35, 140.096218},
		{1, 1.71, 38.86, 11.77, 18.943466},
		{0, 0, 38.86, 0, 38.180575},
	}
	for _, c := range cases {
		got := CLV(bg, s, c.x, c.tx, c.T, c.m, 12, 0.01, 30)
		if math.Abs(got-c.want) > 0.01 {
			t.Errorf("CLV(x=%g) = %.6f, want %.6f", c.x, got, c.want)
		}
	}
	// Without discounting the sum telescopes to the expectation over the horizon.
	got := CLV(bg, s, 2, 30.43, 38.86, 22.35, 6, 0, WeeksPerMonth)
	want := bg.ExpectedPurchases(6*WeeksPerMonth, 2, 30.43, 38.86) * s.ExpectedAverage(2, 22.35)
	if math.Abs(got-want) > 1e-9*want {
		t.Errorf("undiscounted CLV %v, want %v", got, want)
	}
}

// TestProbPurchases checks P(X(t)=n) against E[X(t)]: the probabilities sum to 1
// and their mean is ExpectedNew, for both models.
func TestProbPurchases(t *testing.T) {
	bg, pn, _ := cdnowFits(t)
	for _, m := range []*Purchases{bg, pn} {
		for _, tt := range []float64{1, 39, 78} {
			sum, mean := 0.0, 0.0
			for n := 0; n < 400; n++ {
				p := m.ProbPurchases(n, tt)
				if !(p >= 0) {
					t.Fatalf("%s P(X(%g)=%d) = %v", m.Kind, tt, n, p)
				}
				sum += p
				mean += float64(n) * p
			}
			e := m.ExpectedNew(tt)
			if math.Abs(sum-1) > 1e-6 || math.Abs(mean-e) > 1e-5*math.Max(1, e) {
				t.Errorf("%s t=%g: sum P = %.8f, mean %.8f, ExpectedNew %.8f", m.Kind, tt, sum, mean, e)
			}
			if c := m.ExpectedPurchases(tt, 0, 0, 0); math.Abs(c-e) > 1e-9*math.Max(1, e) {
				t.Errorf("%s t=%g: ExpectedPurchases(x=0, T=0) %v != ExpectedNew %v", m.Kind, tt, c, e)
			}
		}
	}
	// FHL (2005), figure 3 / lifetimes: the BG/NBD model's 39-week frequency
	// histogram matches CDNOW's: 1411 of 2357 customers made no repeat purchase.
	if got := bg.ProbPurchases(0, 39) * 2357; math.Abs(got-1411) > 60 {
		t.Errorf("expected customers with no repeat purchase in 39 weeks %.1f, observed 1411", got)
	}
}

// gradData mixes small and very large x, x > 0 with t_x == 0, t_x == T.
func gradData() *Data {
	return &Data{
		X:  []float64{0, 0, 1, 2, 3, 7, 1, 40, 500, 1000, 2, 5},
		TX: []float64{0, 0, 1.71, 30.43, 5, 20, 0, 35, 36.5, 38, 12, 30},
		T:  []float64{38.86, 27, 38.86, 38.86, 30, 35, 10, 38, 38.86, 38.86, 12, 300},
	}
}

func TestGradients(t *testing.T) {
	d := gradData()
	points := map[Kind][][]float64{
		BGNBD: {{0.243, 4.414, 0.793, 2.426}, {2, 0.5, 3, 0.7}, {0.05, 40, 0.2, 9}},
		// α < β, α > β, α = β for the Pareto/NBD branches.
		ParetoNBD: {{0.553, 10.578, 0.606, 11.669}, {1.5, 20, 0.3, 2}, {0.8, 5, 2.5, 5}, {0.2, 3, 1.2, 60}},
	}
	for _, kind := range []Kind{BGNBD, ParetoNBD} {
		for _, th := range points[kind] {
			m, err := NewPurchases(kind, th)
			if err != nil {
				t.Fatal(err)
			}
			g := make([]float64, 4)
			ll := m.LogLikelihood(d, g)
			f := func(p []float64) float64 {
				mm, _ := NewPurchases(kind, p)
				return mm.LogLikelihood(d, nil)
			}
			want := fd.Gradient(nil, f, th, &fd.Settings{Formula: fd.Central, Step: 1e-6})
			if math.IsNaN(ll) || math.IsInf(ll, 0) {
				t.Fatalf("%s %v: log-likelihood %v", kind, th, ll)
			}
			for i := range g {
				if math.Abs(g[i]-want[i]) > 1e-5*math.Max(1, math.Abs(want[i])) {
					t.Errorf("%s at %v: d/d%s = %.9g, finite differences %.9g", kind, th, paramNames(kind)[i], g[i], want[i])
				}
			}
		}
	}
	x := []float64{1, 2, 5, 40, 1000, 3}
	mv := []float64{10, 22.35, 7.5, 55, 30, 1e4}
	for _, th := range [][]float64{{6.25, 3.74, 15.44}, {0.5, 1.2, 300}} {
		s := &Spend{P: th[0], Q: th[1], V: th[2]}
		g := make([]float64, 3)
		s.LogLikelihood(x, mv, g)
		want := fd.Gradient(nil, func(p []float64) float64 {
			return (&Spend{P: p[0], Q: p[1], V: p[2]}).LogLikelihood(x, mv, nil)
		}, th, &fd.Settings{Formula: fd.Central, Step: 1e-6})
		for i := range g {
			if math.Abs(g[i]-want[i]) > 1e-5*math.Max(1, math.Abs(want[i])) {
				t.Errorf("gamma-gamma at %v: gradient[%d] = %.9g, finite differences %.9g", th, i, g[i], want[i])
			}
		}
	}
}

func finite(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// TestLargeCounts: customers with hundreds of purchases and long histories give
// finite likelihoods, gradients and predictions in both models.
func TestLargeCounts(t *testing.T) {
	params := map[Kind][][]float64{
		BGNBD: {{0.243, 4.414, 0.793, 2.426}, {10.465, 7.98565181e-03, 3.0516, 2.820}},
		// The second point is lifetimes' test_overflow_error for the Pareto/NBD.
		ParetoNBD: {{0.553, 10.578, 0.606, 11.669}, {10.465, 7.98565181e-03, 3.0516, 2.820}, {0.5, 20, 0.6, 0.01}},
	}
	rows := [][3]float64{{500, 36, 38.86}, {1000, 38, 38.86}, {500, 1, 37}, {400, 5, 6}, {1000, 500, 5000}, {0, 0, 1e5}, {1000, 1, 1e5}}
	for _, kind := range []Kind{BGNBD, ParetoNBD} {
		for _, th := range params[kind] {
			m, _ := NewPurchases(kind, th)
			for _, r := range rows {
				d := &Data{X: []float64{r[0]}, TX: []float64{r[1]}, T: []float64{r[2]}}
				g := make([]float64, 4)
				ll := m.LogLikelihood(d, g)
				pa := m.PAlive(r[0], r[1], r[2])
				e := m.ExpectedPurchases(52, r[0], r[1], r[2])
				if !finite(ll, g[0], g[1], g[2], g[3], pa, e) || pa < 0 || pa > 1 || e < 0 {
					t.Errorf("%s %v row %v: LL %v grad %v P(alive) %v E %v", kind, th, r, ll, g, pa, e)
				}
			}
			if e := m.ExpectedNew(1e4); !finite(e) || e <= 0 {
				t.Errorf("%s %v: E[X(1e4)] = %v", kind, th, e)
			}
		}
	}
	// A fit with a few very heavy buyers among ordinary ones.
	d, _ := cdnow(t)
	d.X = append(d.X, 500, 1000)
	d.TX = append(d.TX, 38, 38.5)
	d.T = append(d.T, 38.86, 38.86)
	for _, kind := range []Kind{BGNBD, ParetoNBD} {
		m, err := FitPurchases(kind, d, FitOptions{})
		if err != nil {
			t.Fatalf("%s with heavy buyers: %v", kind, err)
		}
		_, p := m.Params()
		if !finite(p...) || !finite(m.LogLik) {
			t.Errorf("%s with heavy buyers: %v, LL %v", kind, p, m.LogLik)
		}
	}
}

func TestSimulateRecovers(t *testing.T) {
	want := []float64{0.243, 4.414, 0.793, 2.426}
	d := SimulateBGNBD(want[0], want[1], want[2], want[3], 100_000, 27, 39, 42)
	if err := d.Check(); err != nil {
		t.Fatal(err)
	}
	m, err := FitPurchases(BGNBD, d, FitOptions{})
	if err != nil {
		t.Fatal(err)
	}
	names, got := m.Params()
	for i, n := range names {
		se := m.StdErr[n]
		if math.Abs(got[i]-want[i]) > 2*se {
			t.Errorf("%s = %.4f, true %.3f, more than 2 standard errors (%.4f) away", n, got[i], want[i], se)
		}
		t.Logf("%s: fitted %.4f (se %.4f), true %.3f", n, got[i], se, want[i])
	}
	if a, b := SimulateBGNBD(1, 2, 3, 4, 100, 1, 2, 7), SimulateBGNBD(1, 2, 3, 4, 100, 1, 2, 7); !equal(a.TX, b.TX) {
		t.Error("SimulateBGNBD is not deterministic for a seed")
	}
}

func TestThreadsBitIdentical(t *testing.T) {
	d := SimulateBGNBD(0.243, 4.414, 0.793, 2.426, 20_000, 27, 39, 3)
	for _, kind := range []Kind{BGNBD, ParetoNBD} {
		a, err := FitPurchases(kind, d, FitOptions{Threads: 1})
		if err != nil {
			t.Fatal(err)
		}
		b, err := FitPurchases(kind, d, FitOptions{Threads: 4})
		if err != nil {
			t.Fatal(err)
		}
		_, pa := a.Params()
		_, pb := b.Params()
		if !equal(pa, pb) || a.LogLik != b.LogLik || a.StdErr["r"] != b.StdErr["r"] {
			t.Errorf("%s: Threads 1 %v (LL %v), Threads 4 %v (LL %v)", kind, pa, a.LogLik, pb, b.LogLik)
		}
	}
}

func TestFitErrors(t *testing.T) {
	d, zbar := cdnow(t)
	_, err := FitPurchases(BGNBD, d, FitOptions{MaxIter: 1})
	var fe *FitError
	if !errors.As(err, &fe) {
		t.Fatalf("MaxIter 1: error %v, want *FitError", err)
	}
	if fe.Model != "bgnbd" || fe.Iterations != 1 || len(fe.Params) != 4 || !finite(fe.LogLik) {
		t.Errorf("FitError %+v", fe)
	}
	if _, err := FitSpend(d.X, zbar, FitOptions{MaxIter: 1}); !errors.As(err, &fe) {
		t.Errorf("gamma-gamma MaxIter 1: %v", err)
	}

	stop := errors.New("interrupted")
	calls := 0
	_, err = FitPurchases(ParetoNBD, d, FitOptions{Check: func() error {
		calls++
		if calls > 3 {
			return stop
		}
		return nil
	}})
	if !errors.Is(err, stop) {
		t.Errorf("Check aborting: %v", err)
	}

	iters := 0
	if _, err := FitPurchases(BGNBD, d, FitOptions{Progress: func(int, float64) { iters++ }}); err != nil || iters == 0 {
		t.Errorf("progress called %d times, err %v", iters, err)
	}

	bad := []struct {
		d    Data
		want string
	}{
		{Data{X: []float64{1, -1}, TX: []float64{1, 0}, T: []float64{2, 2}}, "row 1 (x=-1"},
		{Data{X: []float64{1, 1.5}, TX: []float64{1, 1}, T: []float64{2, 2}}, "row 1 (x=1.5"},
		{Data{X: []float64{1, 2}, TX: []float64{1, 3}, T: []float64{2, 2}}, "row 1 (x=2, t_x=3, T=2): t_x (recency) must not exceed T"},
		{Data{X: []float64{0}, TX: []float64{1}, T: []float64{2}}, "row 0"},
		{Data{X: []float64{1}, TX: []float64{math.NaN()}, T: []float64{2}}, "finite"},
		{Data{X: []float64{1}, TX: []float64{1}, T: []float64{2, 3}}, "differ in length"},
	}
	for _, c := range bad {
		_, err := FitPurchases(BGNBD, &c.d, FitOptions{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("bad data %+v: %v, want %q", c.d, err, c.want)
		}
	}
	// x > 0 with t_x == 0 is legal.
	if err := (&Data{X: []float64{2}, TX: []float64{0}, T: []float64{5}}).Check(); err != nil {
		t.Error(err)
	}

	if _, err := FitSpend([]float64{0, 3, 0}, []float64{0, 10, 0}, FitOptions{}); !errors.Is(err, ErrTooFewCustomers) {
		t.Errorf("one repeat customer: %v", err)
	}
	if _, err := FitSpend([]float64{1, 3}, []float64{5, 0}, FitOptions{}); err == nil || !strings.Contains(err.Error(), "row 1") {
		t.Errorf("m = 0: %v", err)
	}
	if _, err := FitPurchases(BGNBD, &Data{X: []float64{0, 0}, TX: []float64{0, 0}, T: []float64{1, 2}}, FitOptions{}); !errors.Is(err, ErrTooFewCustomers) {
		t.Errorf("no repeat purchases: %v", err)
	}
}

func TestPenalizer(t *testing.T) {
	d, _ := cdnow(t)
	bg, _, _ := cdnowFits(t)
	m, err := FitPurchases(BGNBD, d, FitOptions{Penalizer: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	_, p0 := bg.Params()
	_, p1 := m.Params()
	if !(m.LogLik < bg.LogLik) || dot(p1, p1) >= dot(p0, p0) {
		t.Errorf("penalized fit %v (LL %v) vs %v (LL %v)", p1, m.LogLik, p0, bg.LogLik)
	}
}

func TestKindString(t *testing.T) {
	for _, k := range []Kind{BGNBD, ParetoNBD} {
		if got, err := ParseKind(k.String()); err != nil || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, err)
		}
	}
	if BGNBD.String() != "bgnbd" || ParetoNBD.String() != "pareto_nbd" {
		t.Error("kind names")
	}
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func cdnowX(t *testing.T) []float64 { d, _ := cdnow(t); return d.X }
func cdnowZ(t *testing.T) []float64 { _, z := cdnow(t); return z }

// TestCLVPaths: the shared-coefficient BG/NBD sum agrees with month-by-month
// expectations.
func TestCLVPaths(t *testing.T) {
	bg, _, s := cdnowFits(t)
	for _, c := range [][4]float64{{0, 0, 38.86, 0}, {2, 30.43, 38.86, 22.35}, {7, 10, 20, 40}, {1000, 38, 38.86, 30}} {
		x, tx, T, m := c[0], c[1], c[2], c[3]
		for _, h := range []int{1, 12, 36} {
			got := CLV(bg, s, x, tx, T, m, h, 0.01, WeeksPerMonth)
			want, prev, d := 0.0, 0.0, 1.0
			for i := 1; i <= h; i++ {
				cur := bg.ExpectedPurchases(float64(i)*WeeksPerMonth, x, tx, T)
				d /= 1.01
				want += (cur - prev) * s.ExpectedAverage(x, m) * d
				prev = cur
			}
			if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
				t.Errorf("x=%g h=%d: CLV %.12g, month by month %.12g", x, h, got, want)
			}
		}
	}
}

func TestScoreCustomers(t *testing.T) {
	bg, pn, s := cdnowFits(t)
	d, _ := cdnow(t)
	_, zbar := cdnow(t)
	for _, p := range []*Purchases{bg, pn} {
		n := d.Len()
		dst := &Scores{PAlive: make([]float64, n), Expected: make([]float64, n), CLV: make([]float64, n)}
		ScoreCustomers(p, s, d, zbar, ScoreOptions{T: 39, HorizonMonths: 12, MonthlyDiscount: 0.01, PeriodsPerMonth: WeeksPerMonth, Threads: 3}, dst)
		for i := range n {
			x, tx, T := d.X[i], d.TX[i], d.T[i]
			pa, e, c := p.PAlive(x, tx, T), p.ExpectedPurchases(39, x, tx, T), CLV(p, s, x, tx, T, zbar[i], 12, 0.01, WeeksPerMonth)
			if dst.PAlive[i] != pa || math.Abs(dst.Expected[i]-e) > 1e-12*math.Max(1, e) || dst.CLV[i] != c {
				t.Fatalf("%s row %d: batch %v %v %v, single %v %v %v", p.Kind, i, dst.PAlive[i], dst.Expected[i], dst.CLV[i], pa, e, c)
			}
		}
	}
}

// TestStdErrHessian compares the standard errors (central differences of the
// analytic gradient) with the inverse of gonum's finite-difference Hessian of
// the log-likelihood.
func TestStdErrHessian(t *testing.T) {
	bg, pn, _ := cdnowFits(t)
	d, _ := cdnow(t)
	for _, m := range []*Purchases{bg, pn} {
		names, th := m.Params()
		f := func(p []float64) float64 {
			mm, err := NewPurchases(m.Kind, p)
			if err != nil {
				return math.NaN()
			}
			return -mm.LogLikelihood(d, nil)
		}
		var h mat.SymDense
		fd.Hessian(&h, f, th, &fd.Settings{Formula: fd.Central, Step: 1e-4})
		rows := make([][]float64, 4)
		for i := range rows {
			rows[i] = make([]float64, 4)
			for j := range rows[i] {
				rows[i][j] = h.At(i, j)
			}
		}
		se := invDiagSE(rows)
		for i, n := range names {
			if math.Abs(se[i]-m.StdErr[n]) > 0.02*se[i] { // two approximations: central differences of the analytic gradient against fd.Hessian of values (step 1e-4), whose rounding grows with the weakly identified Pareto/NBD s and beta
				t.Errorf("%s: se(%s) = %.6g, from fd.Hessian %.6g", m.Kind, n, m.StdErr[n], se[i])
			}
		}
	}
}

// TestANearOne: the BG/NBD expectation is 0/0 at a = 1; it stays continuous.
func TestANearOne(t *testing.T) {
	at := func(a float64) float64 {
		m, _ := NewPurchases(BGNBD, []float64{0.243, 4.414, a, 2.426})
		return m.ExpectedPurchases(39, 2, 30.43, 38.86)
	}
	e0, e1, e2 := at(1-1e-4), at(1), at(1+1e-4)
	if !finite(e1) || math.Abs(e1-(e0+e2)/2) > 1e-6 {
		t.Errorf("E at a = 1-1e-4, 1, 1+1e-4: %v %v %v", e0, e1, e2)
	}
}
