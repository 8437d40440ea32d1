package recommendfn_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// TestModelCacheSeesChanges: a connection that keeps a model between calls
// sees it retrained, replaced by hand, dropped, and retrained by another
// connection.
func TestModelCacheSeesChanges(t *testing.T) {
	t.Parallel()
	e, err := engine.Open(filepath.Join(t.TempDir(), "c.db"), &engine.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	c1, err := e.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, err := e.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	run := func(conn int, q string) {
		t.Helper()
		c := c1
		if conn == 2 {
			c = c2
		}
		if _, err := c.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	first := func(conn int) string {
		t.Helper()
		c := c1
		if conn == 2 {
			c = c2
		}
		var item string
		if err := c.QueryRowContext(ctx, `SELECT item FROM recommend('recs', 'new user', 1)`).Scan(&item); err != nil {
			return "error: " + err.Error()
		}
		return item
	}
	run(1, `CREATE TABLE buys(u INTEGER, i TEXT)`)
	run(1, `INSERT INTO buys VALUES (1, 'a'), (2, 'a'), (3, 'a'), (1, 'b'), (2, 'c')`)
	run(1, `SELECT recommend_train('recs', 'buys', '{"method": "popular"}')`)
	if got := first(1); got != "a" {
		t.Fatalf("most popular %q, want a", got)
	}
	run(1, `SELECT recommend_train('recs', 'SELECT u, replace(i, ''a'', ''z'') FROM buys', '{"method": "popular"}')`)
	if got := first(1); got != "z" {
		t.Errorf("after retraining on the same connection: %q, want z", got)
	}
	first(2) // connection 2 caches the model too
	run(1, `SELECT recommend_train('recs', 'SELECT u, replace(i, ''a'', ''y'') FROM buys', '{"method": "popular"}')`)
	if got := first(2); got != "y" {
		t.Errorf("after another connection retrained: %q, want y", got)
	}
	run(2, `UPDATE ml_models SET params = (SELECT params FROM ml_models WHERE name = 'recs') WHERE name = 'recs'`)
	run(2, `SELECT ml_drop('recs')`)
	if got := first(2); !strings.Contains(got, "model not found") {
		t.Errorf("after ml_drop on the same connection: %q", got)
	}
	if got := first(1); !strings.Contains(got, "model not found") {
		t.Errorf("after ml_drop on another connection: %q", got)
	}
}
