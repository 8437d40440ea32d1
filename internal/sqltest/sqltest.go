// Package sqltest holds the helpers the SQL function families' tests share:
// an in-memory marketsql database and short ways to run statements on it.
// It is imported only by tests.
package sqltest

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// Open opens an in-memory marketsql database, closed when the test ends,
// and runs the setup statements on it.
func Open(t testing.TB, setup ...string) *engine.Engine {
	t.Helper()
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	for _, q := range setup {
		Exec(t, e.DB(), q)
	}
	return e
}

// Exec runs q and fails the test if it fails.
func Exec(t testing.TB, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// One returns the single value of a one-row, one-column query.
func One[T any](t testing.TB, db *sql.DB, q string, args ...any) T {
	t.Helper()
	var v T
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// QueryErr runs q, reads all of its rows and returns the first error.
func QueryErr(db *sql.DB, q string, args ...any) error {
	return QueryErrCtx(context.Background(), db, q, args...)
}

// QueryErrCtx is QueryErr under ctx.
func QueryErrCtx(ctx context.Context, db *sql.DB, q string, args ...any) error {
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

// Table renders every row of q as text, one line per row, values joined by
// | and blobs in hex.
func Table(t testing.TB, db *sql.DB, q string, args ...any) string {
	t.Helper()
	return TableWith(t, db, func(b *strings.Builder, v any) {
		if bs, ok := v.([]byte); ok {
			fmt.Fprintf(b, "%x", bs)
		} else {
			fmt.Fprint(b, v)
		}
	}, q, args...)
}

// TableWith is Table with every value written by format.
func TableWith(t testing.TB, db *sql.DB, format func(b *strings.Builder, v any), q string, args ...any) string {
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
			format(&b, v)
		}
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return b.String()
}

// WantErr checks that err is non-nil, starts with prefix and contains every
// fragment.
func WantErr(t testing.TB, err error, prefix string, fragments ...string) {
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
