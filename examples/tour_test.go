package examples_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// TestREADMETour runs the SQL of the README's "A tour in SQL", as the README
// has it when the test runs, statement by statement on the Online Retail
// data loaded as `make demo` loads it, and checks that each step gives what
// the README says it gives.
func TestREADMETour(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	stmts := splitSQL(sqlBlocks(t, string(readme), "A tour in SQL"))
	for _, want := range []string{"CREATE TABLE customer_rfm", "kmeans_select_k(", "kmeans_train(", "kmeans_assign(", "ml_drop("} {
		if !anyContains(stmts, want) {
			t.Errorf("the tour has no statement with %q: this test checks one", want)
		}
	}

	// The demo database; the tour computes rfm itself, so examples/rfm.sql's
	// rfm is kept aside to compare with.
	src := retail(t)
	path := filepath.Join(t.TempDir(), "tour.db")
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	db := e.DB()
	if _, err := db.ExecContext(ctx, `DROP VIEW rfm_log; ALTER TABLE customer_rfm RENAME TO rfm_script`); err != nil {
		t.Fatal(err)
	}

	var customers, k int
	for i, stmt := range stmts {
		cols, rows, err := run(ctx, db, stmt)
		if err != nil {
			t.Fatalf("statement %d failed: %v\n%s", i+1, err, stmt)
		}
		t.Logf("statement %d: %d rows\n%s", i+1, len(rows), stmt)
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("statement %d: %s\n%s", i+1, fmt.Sprintf(format, args...), stmt)
		}
		switch {
		case strings.Contains(stmt, "CREATE TABLE customer_rfm"):
			// The README's RFM is examples/rfm.sql's, row for row.
			var n, diff int
			if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM customer_rfm),
				(SELECT count(*) FROM (SELECT * FROM customer_rfm EXCEPT SELECT * FROM rfm_script)) +
				(SELECT count(*) FROM (SELECT * FROM rfm_script EXCEPT SELECT * FROM customer_rfm))`).Scan(&n, &diff); err != nil {
				t.Fatal(err)
			}
			if n != 4334 || diff != 0 {
				fail("customer_rfm has %d customers (examples/rfm.sql: 4334) and %d rows differ from examples/rfm.sql's", n, diff)
			}
			customers = n

		case strings.Contains(stmt, "kmeans_select_k("):
			m := regexp.MustCompile(`kmeans_select_k\('\w+',\s*(\d+),\s*(\d+)`).FindStringSubmatch(stmt)
			if m == nil {
				fail("cannot read the k range")
				break
			}
			lo, _ := strconv.Atoi(m[1])
			hi, _ := strconv.Atoi(m[2])
			if len(rows) != hi-lo+1 || col(cols, "k") < 0 || col(cols, "inertia") < 0 || col(cols, "silhouette") < 0 {
				fail("%d rows with columns %v, want one per k in %d..%d with k, inertia, silhouette", len(rows), cols, lo, hi)
				break
			}
			prev := -1.0
			for j, r := range rows {
				kk := num(get(cols, r, "k"))
				inertia := num(get(cols, r, "inertia"))
				sil := num(get(cols, r, "silhouette"))
				if int(kk) != lo+j || !(inertia > 0) || sil < -1 || sil > 1 || (prev >= 0 && inertia > prev*1.05) {
					fail("row %v: k out of order, inertia not positive or rising, or silhouette outside [-1, 1]", r)
				}
				prev = inertia
			}

		case strings.Contains(stmt, "kmeans_train("):
			if len(rows) != 1 || len(rows[0]) != 1 {
				fail("%d rows, want one JSON summary", len(rows))
				break
			}
			var s struct {
				Model      string   `json:"model"`
				K          int      `json:"k"`
				Rows       int      `json:"rows"`
				Skipped    int      `json:"skipped"`
				Features   []string `json:"features"`
				Iterations int      `json:"iterations"`
				Inertia    float64  `json:"inertia"`
				Silhouette *float64 `json:"silhouette"`
				Sizes      []int64  `json:"sizes"`
				Seconds    *float64 `json:"seconds"`
			}
			if err := json.Unmarshal([]byte(fmt.Sprint(rows[0][0])), &s); err != nil {
				fail("summary %v: %v", rows[0][0], err)
				break
			}
			var sum int64
			for j, n := range s.Sizes {
				sum += n
				if j > 0 && n > s.Sizes[j-1] {
					fail("sizes %v are not largest first", s.Sizes)
				}
			}
			if s.Model != "segments" || s.K != 4 || s.Rows != customers || s.Skipped != 0 || len(s.Sizes) != s.K ||
				sum != int64(s.Rows) || s.Iterations < 1 || !(s.Inertia > 0) || s.Silhouette == nil || s.Seconds == nil ||
				strings.Join(s.Features, ",") != "recency,frequency,monetary" {
				fail("summary %v: want model segments, k 4 on the %d customers, sizes summing to rows", rows[0][0], customers)
			}
			k = s.K

		case strings.Contains(stmt, "kmeans_profile("), strings.Contains(stmt, "kmeans_centroids("):
			if len(rows) != k*3 || col(cols, "cluster") < 0 || col(cols, "feature") < 0 {
				fail("%d rows with columns %v, want one per cluster and feature (%d)", len(rows), cols, k*3)
				break
			}
			for _, r := range rows {
				if c := int(num(get(cols, r, "cluster"))); c < 1 || c > k {
					fail("cluster %d outside 1..%d", c, k)
				}
			}

		case strings.Contains(stmt, "CREATE TABLE customer_segment"):
			// Every customer scored; segments 1..k all used, 1 the largest.
			var n, lo, hi, distinct, largest int
			if err := db.QueryRowContext(ctx, `SELECT count(*), min(segment), max(segment), count(DISTINCT segment),
				(SELECT segment FROM customer_segment GROUP BY segment ORDER BY count(*) DESC LIMIT 1)
				FROM customer_segment`).Scan(&n, &lo, &hi, &distinct, &largest); err != nil {
				t.Fatal(err)
			}
			if n != customers || lo != 1 || hi != k || distinct != k || largest != 1 {
				fail("%d customers in segments %d..%d (%d distinct, largest %d), want %d in 1..%d, largest 1",
					n, lo, hi, distinct, largest, customers, k)
			}

		case strings.Contains(stmt, "FROM ml_models"):
			found := false
			for _, r := range rows {
				if get(cols, r, "name") == "segments" {
					found = true
					if get(cols, r, "kind") != "kmeans" || num(get(cols, r, "version")) != 1 || num(get(cols, r, "n_rows")) != float64(customers) {
						fail("catalog row %v: want kind kmeans, version 1, n_rows %d", r, customers)
					}
				}
			}
			if !found {
				fail("no catalog row for segments in %v", rows)
			}

		case strings.Contains(stmt, "ml_kmeans_assignments"):
			// The stored assignments are what kmeans_assign gives.
			if len(rows) != customers {
				fail("%d assignments, want %d", len(rows), customers)
			}
			var differ int
			if err := db.QueryRowContext(ctx, `SELECT count(*) FROM ml_kmeans_assignments a
				JOIN customer_segment s ON s.customer_id = a.key
				WHERE a.model = 'segments' AND (a.cluster <> s.segment OR abs(a.distance - s.distance) > 1e-9)`).Scan(&differ); err != nil {
				t.Fatal(err)
			}
			if differ != 0 {
				fail("%d stored assignments differ from kmeans_assign/kmeans_distance", differ)
			}

		case strings.Contains(stmt, "ml_drop("):
			if len(rows) != 1 || num(rows[0][0]) != 1 {
				fail("got %v, want 1 (the model existed)", rows)
			}
			var left int
			if err := db.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM ml_models WHERE name = 'segments') +
				(SELECT count(*) FROM ml_kmeans_assignments WHERE model = 'segments') +
				(SELECT count(*) FROM ml_kmeans_centroids WHERE model = 'segments')`).Scan(&left); err != nil {
				t.Fatal(err)
			}
			if left != 0 {
				fail("%d rows of the dropped model are left", left)
			}
		}
	}
}

// sqlBlocks returns the ```sql code blocks of the README section with the
// given heading (up to the next heading of its level or above), joined.
func sqlBlocks(t *testing.T, readme, heading string) string {
	t.Helper()
	_, section, ok := strings.Cut(readme, "\n## "+heading+"\n")
	if !ok {
		t.Fatalf("README has no section %q", heading)
	}
	if end := strings.Index(section, "\n## "); end >= 0 {
		section = section[:end]
	}
	var b strings.Builder
	for {
		_, rest, ok := strings.Cut(section, "\n```sql\n")
		if !ok {
			break
		}
		code, after, ok := strings.Cut(rest, "\n```")
		if !ok {
			t.Fatalf("README section %q has an unclosed code block", heading)
		}
		b.WriteString(code + "\n")
		section = after
	}
	if b.Len() == 0 {
		t.Fatalf("README section %q has no SQL code block", heading)
	}
	return b.String()
}

// splitSQL splits a script into statements at semicolons outside quotes and
// comments, dropping the comments before each statement.
func splitSQL(script string) []string {
	var stmts []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			stmts = append(stmts, s)
		}
		cur.Reset()
	}
	for i := 0; i < len(script); i++ {
		c := script[i]
		switch {
		case c == '-' && strings.HasPrefix(script[i:], "--"):
			end := strings.IndexByte(script[i:], '\n')
			if end < 0 {
				end = len(script) - i
			}
			i += end - 1
		case c == '/' && strings.HasPrefix(script[i:], "/*"):
			end := strings.Index(script[i+2:], "*/")
			if end < 0 {
				end = len(script) - i - 4
			}
			i += end + 3
		case c == '\'' || c == '"':
			end := i + 1
			for end < len(script) {
				if script[end] == c {
					if end+1 < len(script) && script[end+1] == c { // doubled quote
						end += 2
						continue
					}
					break
				}
				end++
			}
			cur.WriteString(script[i:min(end+1, len(script))])
			i = end
		case c == ';':
			flush()
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return stmts
}

// run executes one statement and returns the rows it gives, if any.
func run(ctx context.Context, db *sql.DB, stmt string) ([]string, [][]any, error) {
	rows, err := db.QueryContext(ctx, stmt)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, nil, err
	}
	var out [][]any
	for rows.Next() {
		r := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range r {
			ptrs[i] = &r[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, err
		}
		for i, v := range r {
			if b, ok := v.([]byte); ok {
				r[i] = string(b)
			}
		}
		out = append(out, r)
	}
	return cols, out, rows.Err()
}

// get returns the value of the named column of r, nil if there is none.
func get(cols []string, r []any, name string) any {
	if i := col(cols, name); i >= 0 && i < len(r) {
		return r[i]
	}
	return nil
}

func col(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	return -1
}

// num reads an INTEGER or REAL value; anything else is NaN.
func num(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case float64:
		return v
	}
	f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
	if err != nil {
		return math.NaN()
	}
	return f
}

// anyContains reports whether one of stmts contains s.
func anyContains(stmts []string, s string) bool {
	for _, st := range stmts {
		if strings.Contains(st, s) {
			return true
		}
	}
	return false
}
