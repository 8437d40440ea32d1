package ldafn_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// reviews are 14 short product reviews about two things, chocolate and coffee,
// with a NULL, a stop-word-only and a numbers-only review.
const reviewsSQL = `CREATE TABLE reviews(id INTEGER, txt TEXT);
INSERT INTO reviews VALUES
 (1, 'The chocolate cookies were delicious and sweet'), (2, 'Great coffee, strong and fresh roasted beans'),
 (3, 'Cookies arrived broken but tasted of sweet chocolate'), (4, 'This coffee is bitter; the beans were stale'),
 (5, 'Sweet chocolate candy, kids love the chocolate'), (6, 'Fresh coffee beans, dark roast coffee'),
 (7, NULL), (8, 'the and of'), (9, 'chocolate cookies, sweet'), (10, 'coffee beans, roast'), (11, '1234 5678'),
 (12, 'coffee and chocolate'), (13, 'sweet cookies'), (14, 'dark roast beans');`

func openMem(t *testing.T) (*engine.Engine, *sql.DB) {
	t.Helper()
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	mustExec(t, e.DB(), reviewsSQL)
	return e, e.DB()
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

func queryErr(ctx context.Context, db *sql.DB, q string, args ...any) error {
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

// snapshot renders the LDA part of the catalog: what must not change when a
// call fails.
func snapshot(t *testing.T, db *sql.DB) string {
	t.Helper()
	return table(t, db, `SELECT name, kind, version, created_at, options, metrics, n_rows, hex(params) FROM ml_models ORDER BY name`) +
		"--\n" + table(t, db, `SELECT * FROM ml_lda_topic_words ORDER BY model, topic, rank`) +
		"--\n" + table(t, db, `SELECT * FROM ml_lda_doc_topics ORDER BY model, doc_id, topic`)
}

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
