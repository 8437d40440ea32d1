// Command report times the HTML report (make bench-report): a database of
// 20 models of every family, ten of them k-means models of a 100,000-row
// customer table, the others on the bundled Online Retail data. It builds
// the database once (untimed), then writes the report reps times and prints
// the median, beside the same report for the ten 100k-row k-means models
// alone and for one of them.
//
// No peer is timed: the Python peers here (scikit-learn, gensim) draw
// nothing, and matplotlib is not installed on the project's machines.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sort"
	"strings"
	"time"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/report"
	"github.com/seed-a084b42d/marketsql/shell"
)

func main() {
	rows := flag.Int("rows", 100_000, "rows of the k-means customer table")
	reps := flag.Int("reps", 5, "timed repetitions (medians are reported)")
	retail := flag.String("retail", "testdata/online-retail/online_retail.csv.gz", "the Online Retail CSV")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the timed reports to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/report:", err)
			os.Exit(1)
		}
		defer f.Close()
		cpuProfile = f
	}
	if err := run(*rows, *reps, *retail); err != nil {
		fmt.Fprintln(os.Stderr, "bench/report:", err)
		os.Exit(1)
	}
}

var cpuProfile *os.File

func run(rows, reps int, retail string) error {
	dir, err := os.MkdirTemp("", "bench-report-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "bench.db")
	start := time.Now()
	var stderr bytes.Buffer
	for _, cmd := range []string{
		".import --csv " + retail + " retail_raw",
		".read examples/rfm.sql",
	} {
		if err := shell.Run(context.Background(), shell.Config{DBPath: path, Args: []string{cmd}}, nil, &bytes.Buffer{}, &stderr); err != nil {
			return fmt.Errorf("%s: %v %s", cmd, err, stderr.String())
		}
	}
	e, err := engine.Open(path, nil)
	if err != nil {
		return err
	}
	defer e.Close()
	db := e.DB()
	if err := customers(db, rows); err != nil {
		return err
	}
	var kmeans []string
	stmts := []string{
		`SELECT * FROM kmeans_select_k('customers', 2, 8, '{"n_init": 1}')`,
	}
	for k := 3; k <= 12; k++ {
		name := fmt.Sprintf("segments_k%d", k)
		kmeans = append(kmeans, name)
		stmts = append(stmts, fmt.Sprintf(`SELECT kmeans_train('%s', 'customers', '{"k": %d, "n_init": 1}')`, name, k))
	}
	stmts = append(stmts,
		`SELECT kmeans_train('rfm_segments', 'customer_rfm', '{"k": 4}')`,
		`SELECT recommend_train('rec_als', 'SELECT customer_id, stock_code FROM purchases WHERE customer_id IS NOT NULL', '{"method": "als"}')`,
		`SELECT recommend_train('rec_knn', 'SELECT customer_id, stock_code FROM purchases WHERE customer_id IS NOT NULL', '{"method": "item_knn"}')`,
		`SELECT recommend_train('rec_pop', 'SELECT customer_id, stock_code FROM purchases WHERE customer_id IS NOT NULL', '{"method": "popular"}')`,
		`SELECT lda_train('topics8', 'SELECT customer_id, group_concat(description, ''. '') FROM purchases WHERE customer_id IS NOT NULL GROUP BY customer_id', '{"topics": 8, "passes": 2}')`,
		`SELECT lda_train('topics4', 'SELECT customer_id, group_concat(description, ''. '') FROM purchases WHERE customer_id IS NOT NULL GROUP BY customer_id', '{"topics": 4, "passes": 2}')`,
		`SELECT assoc_train('rules1', 'SELECT invoice_no, stock_code FROM purchases', '{"min_support": 0.01, "min_confidence": 0.5}')`,
		`SELECT assoc_train('rules2', 'SELECT invoice_no, stock_code FROM purchases', '{"min_support": 0.005, "min_confidence": 0.6}')`,
		`SELECT clv_train('value_bgnbd', 'SELECT customer_id, invoice_date, quantity * unit_price FROM purchases WHERE customer_id IS NOT NULL AND quantity > 0', '{"time_unit": "week"}')`,
		`SELECT clv_train('value_monthly', 'SELECT customer_id, invoice_date, quantity * unit_price FROM purchases WHERE customer_id IS NOT NULL AND quantity > 0', '{"time_unit": "month"}')`,
	)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			return fmt.Errorf("%s: %w", s, err)
		}
	}
	var n int
	db.QueryRow(`SELECT count(*) FROM ml_models`).Scan(&n)
	fmt.Printf("database: %d models (%s), ten k-means models of %d rows; built in %.1f s\n\n", n, "k-means, LDA, recommend, basket rules, customer value", rows, time.Since(start).Seconds())

	if cpuProfile != nil {
		pprof.StartCPUProfile(cpuProfile)
		defer pprof.StopCPUProfile()
	}
	fmt.Println("| report | charts | median of", reps, "|")
	fmt.Println("|---|---|---|")
	for _, c := range []struct {
		name   string
		models []string
	}{
		{"all 20 models", nil},
		{"the ten 100k-row k-means models", kmeans},
		{"one 100k-row k-means model", kmeans[:1]},
	} {
		var times []float64
		var sum report.Summary
		for i := 0; i <= reps; i++ {
			t0 := time.Now()
			sum, err = report.WriteFile(context.Background(), db, filepath.Join(dir, "report.html"), report.Options{Models: c.models, Database: "bench.db"})
			if err != nil {
				return err
			}
			if i > 0 { // the first run warms the model caches
				times = append(times, time.Since(t0).Seconds())
			}
		}
		sort.Float64s(times)
		fmt.Printf("| %s | %d | %.3f s |\n", c.name, sum.Charts, times[len(times)/2])
		if len(sum.Notes) > 0 && c.models == nil {
			defer fmt.Printf("\nnotes: %s\n", strings.Join(sum.Notes, "; "))
		}
	}
	return nil
}

// customers creates a table of rows customers with recency, frequency and
// monetary value drawn from four segments, reproducibly.
func customers(db *sql.DB, rows int) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`CREATE TABLE customers(customer_id INTEGER PRIMARY KEY, recency REAL, frequency REAL, monetary REAL, tenure REAL)`); err != nil {
		return err
	}
	ins, err := tx.Prepare(`INSERT INTO customers VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(7, 11))
	segments := [][4]float64{ // mean log recency, log frequency, log monetary, log tenure
		{2.5, 2.0, 7.5, 6.0}, {4.5, 0.5, 5.5, 5.0}, {3.5, 1.2, 6.5, 5.5}, {5.5, 0.1, 4.5, 5.8},
	}
	for i := 0; i < rows; i++ {
		s := segments[rng.IntN(len(segments))]
		v := make([]any, 5)
		v[0] = i + 1
		for j := range 4 {
			v[j+1] = math.Exp(s[j] + 0.45*rng.NormFloat64())
		}
		if _, err := ins.Exec(v...); err != nil {
			return err
		}
	}
	return tx.Commit()
}
