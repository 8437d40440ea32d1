// Command clv measures the customer-value family in SQL (make bench-clv):
//
//   - clv_train on a summary of 1M customers drawn from the BG/NBD process
//     (and Gamma-Gamma spend) with known parameters: the fitted parameters
//     beside the true ones, with their standard errors, and the seconds;
//   - clv_predict over those 1M customers (12 months, the model's default);
//   - rfm over 1M order rows (100k customers, ISO dates, an invoice column).
//
// Each statement runs once untimed, then reps times; medians are reported.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"time"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/seed-a084b42d/marketsql/algorithms/clv"
	"github.com/seed-a084b42d/marketsql/engine"
)

// The true parameters: Fader, Hardie and Lee's CDNOW estimates (weeks).
const (
	trueR, trueAlpha, trueA, trueB = 0.243, 4.414, 0.793, 2.426
	trueP, trueQ, trueV            = 6.25, 3.74, 15.44
)

func main() {
	customers := flag.Int("customers", 1_000_000, "customers of the lifetime-value model")
	orderRows := flag.Int("order-rows", 1_000_000, "order rows for rfm")
	reps := flag.Int("reps", 3, "timed repetitions (medians are reported)")
	flag.Parse()
	if err := run(*customers, *orderRows, *reps); err != nil {
		fmt.Fprintln(os.Stderr, "bench/clv:", err)
		os.Exit(1)
	}
}

func median(d []float64) float64 {
	s := append([]float64(nil), d...)
	sort.Float64s(s)
	return s[len(s)/2]
}

type fit struct {
	Params map[string]float64 `json:"params"`
	StdErr map[string]any     `json:"std_err"`
}

type summary struct {
	Customers int     `json:"customers"`
	Purchases fit     `json:"purchases"`
	Spend     *fit    `json:"spend"`
	Seconds   float64 `json:"seconds"`
	Timings   struct {
		Read         float64 `json:"read"`
		FitPurchases float64 `json:"fit_purchases"`
		FitSpend     float64 `json:"fit_spend"`
		Predict      float64 `json:"predict"`
		Write        float64 `json:"write"`
	} `json:"timings"`
}

func run(n, nOrders, reps int) error {
	dir, err := os.MkdirTemp("", "bench-clv-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	e, err := engine.Open(filepath.Join(dir, "bench.db"), nil)
	if err != nil {
		return err
	}
	defer e.Close()
	ctx := context.Background()
	db := e.DB()

	// Customers from the BG/NBD process, observed 27 to 39 weeks; each
	// repeat customer's average spend from Gamma-Gamma: a spend rate
	// ν ~ gamma(q, rate v), x orders of gamma(p, rate ν) each.
	fmt.Fprintf(os.Stderr, "generating %d customers and %d order rows...\n", n, nOrders)
	d := clv.SimulateBGNBD(trueR, trueAlpha, trueA, trueB, n, 27, 39, 1)
	src := rand.New(rand.NewPCG(2, 3))
	nu := distuv.Gamma{Alpha: trueQ, Beta: trueV, Src: src}
	if _, err := db.ExecContext(ctx, `CREATE TABLE summary(customer INTEGER, frequency REAL, recency REAL, T REAL, monetary REAL)`); err != nil {
		return err
	}
	if err := insert(ctx, e, `INSERT INTO summary VALUES (?, ?, ?, ?, ?)`, n, func(i int) []any {
		m := 0.0
		if x := int(d.X[i]); x > 0 {
			z := distuv.Gamma{Alpha: trueP, Beta: nu.Rand(), Src: src}
			for range x {
				m += z.Rand()
			}
			m /= float64(x)
		}
		return []any{i + 1, d.X[i], d.TX[i], d.T[i], m}
	}); err != nil {
		return err
	}

	// Order rows: 100k customers (one in ten rows' worth), ISO dates over
	// 400 days, amounts, three lines to an invoice.
	if _, err := db.ExecContext(ctx, `CREATE TABLE orders(customer INTEGER, day TEXT, amount REAL, invoice INTEGER)`); err != nil {
		return err
	}
	start := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	ncust := max(1, nOrders/10)
	if err := insert(ctx, e, `INSERT INTO orders VALUES (?, ?, ?, ?)`, nOrders, func(i int) []any {
		day := start.AddDate(0, 0, src.IntN(400)).Format("2006-01-02")
		return []any{1 + src.IntN(ncust), day, math.Round(src.ExpFloat64()*4000) / 100, i / 3}
	}); err != nil {
		return err
	}

	timeIt := func(query string, out any) ([]float64, error) {
		var secs []float64
		for r := 0; r <= reps; r++ {
			t0 := time.Now()
			if err := db.QueryRowContext(ctx, query).Scan(out); err != nil {
				return nil, fmt.Errorf("%s: %w", query, err)
			}
			if r > 0 { // the first run is untimed
				secs = append(secs, time.Since(t0).Seconds())
			}
		}
		return secs, nil
	}

	var js string
	train, err := timeIt(`SELECT clv_train('m', 'summary', '{"input": "summary"}')`, &js)
	if err != nil {
		return err
	}
	var s summary
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		return err
	}
	var sum float64
	predict, err := timeIt(`SELECT sum(clv) FROM clv_predict('m')`, &sum)
	if err != nil {
		return err
	}
	var count int64
	predictCount, err := timeIt(`SELECT count(*) FROM clv_predict('m')`, &count)
	if err != nil {
		return err
	}
	rfm, err := timeIt(`SELECT count(*) FROM rfm('orders')`, &count)
	if err != nil {
		return err
	}

	fmt.Printf("clv_train on %d customers (BG/NBD + Gamma-Gamma, \"input\": \"summary\"):\n\n", s.Customers)
	fmt.Printf("| parameter | true | fitted | std. error | |fitted - true| / SE |\n|---|---|---|---|---|\n")
	all := true
	row := func(f fit, name string, truth float64) {
		v := f.Params[name]
		se, _ := f.StdErr[name].(float64)
		z := math.Abs(v-truth) / se
		verdict := "within 2 SE"
		if !(z <= 2) {
			verdict, all = "NOT within 2 SE", false
		}
		fmt.Printf("| %s | %g | %.4f | %.4f | %.2f (%s) |\n", name, truth, v, se, z, verdict)
	}
	for _, p := range []struct {
		name  string
		truth float64
	}{{"r", trueR}, {"alpha", trueAlpha}, {"a", trueA}, {"b", trueB}} {
		row(s.Purchases, p.name, p.truth)
	}
	if s.Spend != nil {
		for _, p := range []struct {
			name  string
			truth float64
		}{{"p", trueP}, {"q", trueQ}, {"v", trueV}} {
			row(*s.Spend, p.name, p.truth)
		}
	}
	if all {
		fmt.Printf("\nevery parameter is within 2 standard errors of the truth\n")
	} else {
		fmt.Printf("\nsome parameters are NOT within 2 standard errors of the truth\n")
	}
	fmt.Printf("\n| statement | median of %d | target |\n|---|---|---|\n", reps)
	line := func(what string, secs []float64, target float64) {
		m := median(secs)
		mark := "met"
		if m >= target {
			mark = "missed"
		}
		fmt.Printf("| %s | %.2f s | < %g s (%s) |\n", what, m, target, mark)
	}
	line(fmt.Sprintf("`clv_train` on %d customers (summary)", n), train, 5)
	line(fmt.Sprintf("`SELECT sum(clv) FROM clv_predict('m')`, %d customers", n), predict, 1)
	line(fmt.Sprintf("`SELECT count(*) FROM clv_predict('m')`, %d customers", n), predictCount, 1)
	line(fmt.Sprintf("`SELECT count(*) FROM rfm('orders')`, %d order rows", nOrders), rfm, 1)
	fmt.Printf("\n(clv_train's own seconds, last run: %.2f s: read %.2f, BG/NBD fit %.2f, Gamma-Gamma fit %.2f (both with standard errors), predicting every customer %.2f, writing the model and ml_clv_customers %.2f)\n",
		s.Seconds, s.Timings.Read, s.Timings.FitPurchases, s.Timings.FitSpend, s.Timings.Predict, s.Timings.Write)
	return nil
}

// insert runs query for rows 0..n-1 in one transaction.
func insert(ctx context.Context, e *engine.Engine, query string, n int, row func(i int) []any) error {
	tx, err := e.DB().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	for i := range n {
		if _, err := st.ExecContext(ctx, row(i)...); err != nil {
			return err
		}
	}
	return tx.Commit()
}
