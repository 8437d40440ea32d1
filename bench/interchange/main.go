// Command interchange measures serving a model trained elsewhere
// (make bench-interchange): an ALS model of 100,000 users x 4,000 items
// with 20 factors, written in Spark's ALSModel layout and imported with
// ml_import, then the top 10 of every user in one statement, side by side
// with the same model as trained here.
//
// No Spark runs here: the Spark files are written by ml_export from a model
// trained here (their schema is checked against real Spark's in
// interop/spark's tests), so the imported and the trained model hold the
// same factors and recommend the same items.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/seed-a084b42d/marketsql/engine"
)

func main() {
	users := flag.Int("users", 100_000, "users")
	items := flag.Int("items", 4_000, "items")
	perUser := flag.Int("per-user", 8, "interactions per user")
	factors := flag.Int("factors", 20, "ALS factors (Spark's rank)")
	reps := flag.Int("reps", 5, "repetitions (medians are reported)")
	flag.Parse()
	if err := run(*users, *items, *perUser, *factors, *reps); err != nil {
		fmt.Fprintln(os.Stderr, "bench/interchange:", err)
		os.Exit(1)
	}
}

func median(d []float64) float64 {
	s := append([]float64(nil), d...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func run(nu, ni, perUser, factors, reps int) error {
	dir, err := os.MkdirTemp("", "bench-interchange-")
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

	// Interactions: every user has perUser distinct items, popular items
	// more often (a Zipf-like draw), as in a shop.
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 4, uint64(ni-1))
	if _, err := db.ExecContext(ctx, `CREATE TABLE events(user_id INTEGER, item_id INTEGER)`); err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO events VALUES (?, ?)`)
	if err != nil {
		return err
	}
	for u := 1; u <= nu; u++ {
		seen := map[uint64]bool{}
		for len(seen) < perUser {
			i := zipf.Uint64()
			if !seen[i] {
				seen[i] = true
				if _, err := st.ExecContext(ctx, u, int(i)+1); err != nil {
					return err
				}
			}
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE users AS SELECT DISTINCT user_id FROM events`); err != nil {
		return err
	}

	start := time.Now()
	var summary string
	if err := db.QueryRowContext(ctx, fmt.Sprintf(`SELECT recommend_train('trained', 'events', '{"method": "als", "factors": %d, "iterations": 3}')`, factors)).Scan(&summary); err != nil {
		return err
	}
	train := time.Since(start).Seconds()

	sparkDir := filepath.Join(dir, "als-spark")
	start = time.Now()
	if err := db.QueryRowContext(ctx, `SELECT ml_export('trained', ?)`, sparkDir).Scan(&summary); err != nil {
		return err
	}
	export := time.Since(start).Seconds()
	size, files := dirSize(sparkDir)

	var imports, importsSeen []float64
	for r := 0; r < reps; r++ {
		start = time.Now()
		if err := db.QueryRowContext(ctx, `SELECT ml_import('imported', ?)`, sparkDir).Scan(&summary); err != nil {
			return err
		}
		imports = append(imports, time.Since(start).Seconds())
		start = time.Now()
		if err := db.QueryRowContext(ctx, `SELECT ml_import('imported_seen', ?, '{"interactions": "events"}')`, sparkDir).Scan(&summary); err != nil {
			return err
		}
		importsSeen = append(importsSeen, time.Since(start).Seconds())
	}

	// Every statement runs on one connection, which keeps the decoded
	// models, after one untimed run that loads the model.
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	all := func(model, opts string) (float64, error) {
		var times []float64
		for r := -1; r < reps; r++ {
			start := time.Now()
			var n int
			q := `SELECT count(*) FROM users u, recommend(?, u.user_id, 10, ?) r`
			if err := conn.QueryRowContext(ctx, q, model, opts).Scan(&n); err != nil {
				return 0, err
			}
			if n != 10*nu {
				return 0, fmt.Errorf("%s: %d recommendations, want %d", model, n, 10*nu)
			}
			if r >= 0 {
				times = append(times, time.Since(start).Seconds())
			}
		}
		return median(times), nil
	}
	type row struct {
		what, model, opts string
	}
	rows := []row{
		{"trained here, seen items left out", "trained", `{}`},
		{"trained here, include_seen", "trained", `{"include_seen": true}`},
		{"imported, nothing seen (Spark's ranking)", "imported", `{}`},
		{"imported with interactions, seen left out", "imported_seen", `{}`},
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ALS %d users x %d items, %d factors, %d interactions (%d per user); medians of %d runs (the top-10 runs on one connection after an untimed run)\n\n",
		nu, ni, factors, nu*perUser, perUser, reps)
	fmt.Fprintf(&b, "| step | seconds |\n|---|---:|\n")
	fmt.Fprintf(&b, "| recommend_train (3 iterations, for the factors) | %.2f |\n", train)
	fmt.Fprintf(&b, "| ml_export as Spark ALSModel (%d files, %.1f MB) | %.3f |\n", files, float64(size)/1e6, export)
	fmt.Fprintf(&b, "| **ml_import** of that directory | **%.3f** |\n", median(imports))
	fmt.Fprintf(&b, "| ml_import with the interactions (seen items) | %.3f |\n\n", median(importsSeen))
	fmt.Fprintf(&b, "| top 10 of every user in one statement | seconds | µs per user |\n|---|---:|---:|\n")
	for _, r := range rows {
		s, err := all(r.model, r.opts)
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "| %s | %.2f | %.1f |\n", r.what, s, s/float64(nu)*1e6)
	}
	fmt.Print(b.String())
	return nil
}

func dirSize(dir string) (int64, int) {
	var size int64
	var n int
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			size += info.Size()
			n++
		}
		return nil
	})
	return size, n
}
