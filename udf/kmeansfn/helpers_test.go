package kmeansfn_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/udf/kmeansfn"
)

// openMem opens an in-memory marketsql database with the rfm-like table
// "pts" (12 rows, 3 well separated groups of sizes 5, 4, 3).
func openMem(t *testing.T) *sql.DB {
	t.Helper()
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	db := e.DB()
	mustExec(t, db, `CREATE TABLE pts(id INTEGER PRIMARY KEY, a REAL, b REAL)`)
	mustExec(t, db, `INSERT INTO pts VALUES
		(1, 0.0, 0.1), (2, 0.2, 0.0), (3, 0.1, 0.3), (4, 0.3, 0.2), (5, 0.2, 0.2),
		(6, 10.0, 10.1), (7, 10.2, 9.9), (8, 9.8, 10.0), (9, 10.1, 10.2),
		(10, 0.1, 20.0), (11, 0.3, 20.2), (12, 0.2, 19.9)`)
	return db
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// one returns the single value of a one-row, one-column query.
func one[T any](t *testing.T, db *sql.DB, q string, args ...any) T {
	t.Helper()
	var v T
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// queryErr runs q, reads all of its rows and returns the first error.
func queryErr(db *sql.DB, q string, args ...any) error {
	return queryErrCtx(context.Background(), db, q, args...)
}

func queryErrCtx(ctx context.Context, db *sql.DB, q string, args ...any) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return rows.Close()
}

// table renders every row of q as text, one line per row.
func table(t *testing.T, db *sql.DB, q string, args ...any) string {
	t.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteByte('|')
			}
			if bs, ok := v.([]byte); ok {
				fmt.Fprintf(&b, "%x", bs)
			} else {
				fmt.Fprint(&b, v)
			}
		}
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return b.String()
}

// snapshot renders the whole catalog: what must not change when a call fails.
func snapshot(t *testing.T, db *sql.DB) string {
	t.Helper()
	return table(t, db, `SELECT name, kind, version, created_at, source, options, metrics, n_rows, format, hex(params) FROM ml_models ORDER BY name`) +
		"--\n" + table(t, db, `SELECT * FROM ml_kmeans_centroids ORDER BY model, cluster, feature`) +
		"--\n" + table(t, db, `SELECT * FROM ml_kmeans_assignments ORDER BY model, key`)
}

// wantErr checks that err is non-nil, starts with prefix and contains every
// fragment.
func wantErr(t *testing.T, err error, prefix string, fragments ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want an error starting with %q, got none", prefix)
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, prefix) {
		t.Errorf("error %q does not start with %q", msg, prefix)
	}
	for _, f := range fragments {
		if !strings.Contains(msg, f) {
			t.Errorf("error %q does not mention %q", msg, f)
		}
	}
}

func kmeansOpts(k int) kmeansfn.Options {
	return kmeansfn.Options{K: k, MaxIter: 100000, Tol: 1e-300, NInit: 50, Init: "random"}
}
