package recommendfn_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// openMem opens an in-memory marketsql database with a small purchase
// table "buys" (user, item, qty): users 1..6, items a..f, two tastes.
func openMem(t *testing.T) *sql.DB {
	t.Helper()
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	db := e.DB()
	mustExec(t, db, `CREATE TABLE buys(customer INTEGER, item TEXT, qty INTEGER)`)
	mustExec(t, db, `INSERT INTO buys VALUES
		(1,'a',1),(1,'b',2),(1,'c',1),
		(2,'a',1),(2,'b',1),
		(3,'b',3),(3,'c',1),
		(4,'d',1),(4,'e',1),(4,'f',2),
		(5,'d',1),(5,'e',1),
		(6,'e',1),(6,'f',1),(6,'a',1)`)
	return db
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func one[T any](t *testing.T, db *sql.DB, q string, args ...any) T {
	t.Helper()
	var v T
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

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

// table renders every row of q as text, one line per row, values joined by |.
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
			switch x := v.(type) {
			case float64:
				fmt.Fprintf(&b, "%.4g", x)
			case []byte:
				b.Write(x)
			default:
				fmt.Fprint(&b, x)
			}
		}
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return b.String()
}
