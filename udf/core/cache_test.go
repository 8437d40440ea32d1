package core_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
	"github.com/seed-a084b42d/marketsql/udf"
	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/sqlext"
)

// twoConns opens a file database with two connections of its pool.
func twoConns(t *testing.T) (c1, c2 *sql.Conn) {
	t.Helper()
	e, err := engine.Open(filepath.Join(t.TempDir(), "c.db"), &engine.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	ctx := context.Background()
	if c1, err = e.DB().Conn(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c1.Close() })
	if c2, err = e.DB().Conn(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c2.Close() })
	return c1, c2
}

func run(t *testing.T, c *sql.Conn, q string) {
	t.Helper()
	if _, err := c.ExecContext(context.Background(), q); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// trainPopular writes purchases whose most popular item is a and trains
// the popularity model recs on them.
func trainPopular(t *testing.T, c *sql.Conn) {
	t.Helper()
	run(t, c, `CREATE TABLE buys(u INTEGER, i TEXT)`)
	run(t, c, `INSERT INTO buys VALUES (1, 'a'), (2, 'a'), (3, 'a'), (1, 'b'), (2, 'c')`)
	run(t, c, `SELECT recommend_train('recs', 'buys', '{"method": "popular"}')`)
}

// first is the first item recommend gives an unknown user (the most popular
// one), or the error.
func first(c *sql.Conn) string {
	var item string
	if err := c.QueryRowContext(context.Background(), `SELECT item FROM recommend('recs', 'new user', 1)`).Scan(&item); err != nil {
		return "error: " + err.Error()
	}
	return item
}

// TestModelCacheSeesChanges: a connection that keeps a model between calls
// sees it retrained, replaced by hand, dropped, and retrained by another
// connection.
func TestModelCacheSeesChanges(t *testing.T) {
	t.Parallel()
	c1, c2 := twoConns(t)
	trainPopular(t, c1)
	if got := first(c1); got != "a" {
		t.Fatalf("most popular %q, want a", got)
	}
	run(t, c1, `SELECT recommend_train('recs', 'SELECT u, replace(i, ''a'', ''z'') FROM buys', '{"method": "popular"}')`)
	if got := first(c1); got != "z" {
		t.Errorf("after retraining on the same connection: %q, want z", got)
	}
	first(c2) // connection 2 caches the model too
	run(t, c1, `SELECT recommend_train('recs', 'SELECT u, replace(i, ''a'', ''y'') FROM buys', '{"method": "popular"}')`)
	if got := first(c2); got != "y" {
		t.Errorf("after another connection retrained: %q, want y", got)
	}
	run(t, c2, `UPDATE ml_models SET params = (SELECT params FROM ml_models WHERE name = 'recs') WHERE name = 'recs'`)
	run(t, c2, `SELECT ml_drop('recs')`)
	if got := first(c2); !strings.Contains(got, "model not found") {
		t.Errorf("after ml_drop on the same connection: %q", got)
	}
	if got := first(c1); !strings.Contains(got, "model not found") {
		t.Errorf("after ml_drop on another connection: %q", got)
	}
}

// TestModelCacheRollback: a model trained inside a transaction and used
// there is not used after the transaction is rolled back, even though a
// rollback moves no counter; nor is a model that a hand-made UPDATE put in
// place and a rollback took back.
func TestModelCacheRollback(t *testing.T) {
	t.Parallel()
	c1, _ := twoConns(t)
	trainPopular(t, c1)
	// A blob of another length: the cache cannot tell a rolled-back UPDATE
	// to a blob of the same length (see cache.go).
	run(t, c1, `SELECT recommend_train('other', 'SELECT u, replace(i, ''a'', ''x'') FROM buys UNION ALL SELECT 9, ''w''', '{"method": "popular"}')`)
	if got := first(c1); got != "a" {
		t.Fatalf("most popular %q, want a", got)
	}
	for _, tc := range []struct{ name, change string }{
		{"retrained", `SELECT recommend_train('recs', 'SELECT u, replace(i, ''a'', ''z'') FROM buys', '{"method": "popular"}')`},
		{"dropped and retrained", `SELECT ml_drop('recs'), recommend_train('recs', 'SELECT u, replace(i, ''a'', ''z'') FROM buys', '{"method": "popular"}')`},
		{"replaced by hand", `UPDATE ml_models SET params = (SELECT params FROM ml_models WHERE name = 'other') WHERE name = 'recs'`},
	} {
		run(t, c1, `BEGIN`)
		run(t, c1, tc.change)
		want := "z"
		if tc.name == "replaced by hand" {
			want = "x"
		}
		if got := first(c1); got != want {
			t.Errorf("%s, inside the transaction: %q, want %s", tc.name, got, want)
		}
		run(t, c1, `ROLLBACK`)
		if got := first(c1); got != "a" {
			t.Errorf("%s, after ROLLBACK: %q, want a", tc.name, got)
		}
	}
}

// conn returns the marketsql state of c, for calling LoadModel directly.
func conn(t testing.TB, c *sql.Conn) *core.Conn {
	t.Helper()
	var id int64
	if err := c.QueryRowContext(context.Background(), `SELECT `+sqlext.ConnectionFunction+`()`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	st := udf.Conn(id)
	if st == nil {
		t.Fatalf("connection %d has no marketsql state", id)
	}
	return st
}

// counter loads the model called name on c with a decode that counts its
// calls.
type counter struct {
	t       testing.TB
	sc      *sql.Conn
	c       *core.Conn
	decoded int
}

func (k *counter) load(name, kind string) error {
	return k.sc.Raw(func(any) error {
		_, err := k.c.LoadModel("test", name, kind, func(m *catalog.Model) (any, error) {
			k.decoded++
			return m.Params, nil
		})
		return err
	})
}

// TestLoadModelDecodesOnce: a model is decoded once, however often it is
// used, and again after any change to it; writes elsewhere only make the
// cache compare stamps. Every family's models go through the same cache.
func TestLoadModelDecodesOnce(t *testing.T) {
	t.Parallel()
	c1, c2 := twoConns(t)
	k := &counter{t: t, sc: c1, c: conn(t, c1)}
	run(t, c1, `CREATE TABLE pts(id INTEGER PRIMARY KEY, x REAL, y REAL)`)
	run(t, c1, `INSERT INTO pts(x, y) VALUES (0, 0), (0, 1), (5, 5), (5, 6)`)
	run(t, c1, `SELECT kmeans_train('seg', 'pts', '{"k": 2}')`)
	steps := []struct {
		name    string
		conn    *sql.Conn
		sql     string
		decoded int // decodes so far
	}{
		{"first use", nil, "", 1},
		{"nothing changed", nil, "", 1},
		{"another table written here", c1, `INSERT INTO pts(x, y) VALUES (1, 1)`, 1},
		{"another table written by another connection", c2, `INSERT INTO pts(x, y) VALUES (2, 2)`, 1},
		{"retrained here", c1, `SELECT kmeans_train('seg', 'pts', '{"k": 2}')`, 2},
		{"retrained by another connection", c2, `SELECT kmeans_train('seg', 'pts', '{"k": 3}')`, 3},
		{"options changed by hand", c2, `UPDATE ml_models SET options = '{}' WHERE name = 'seg'`, 3},
	}
	for _, s := range steps {
		if s.conn != nil {
			run(t, s.conn, s.sql)
		}
		for range 3 {
			if err := k.load("seg", "kmeans"); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
		}
		if k.decoded != s.decoded {
			t.Errorf("%s: %d decodes, want %d", s.name, k.decoded, s.decoded)
		}
	}
	if err := k.load("seg", "recommend"); err == nil || !strings.Contains(err.Error(), `model "seg" is a kmeans model, not recommend`) {
		t.Errorf("wrong kind from the cache: %v", err)
	}
	run(t, c2, `SELECT ml_drop('seg')`)
	if err := k.load("seg", "kmeans"); err == nil || !strings.Contains(err.Error(), "model not found") {
		t.Errorf("after ml_drop on another connection: %v", err)
	}
}

// BenchmarkLoadModel times one LoadModel of a model that is cached and
// current, the cost every recommend or kmeans_assign call pays before it
// scores: it must not grow with the model's blob.
func BenchmarkLoadModel(b *testing.B) {
	for _, users := range []int{100, 10000, 50000} {
		b.Run(fmt.Sprint(users, " users"), func(b *testing.B) {
			db := sqltest.Open(b, `CREATE TABLE buys(u INTEGER, i INTEGER)`,
				fmt.Sprintf(`INSERT INTO buys WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k + 1 < %d)
					SELECT k / 4, (k * 7) %% 500 FROM n`, 4*users),
				`SELECT recommend_train('recs', 'buys', '{"iterations": 1}')`).DB()
			sc, err := db.Conn(context.Background())
			if err != nil {
				b.Fatal(err)
			}
			defer sc.Close()
			k := &counter{t: b, sc: sc, c: conn(b, sc)}
			var size int
			if err := sc.QueryRowContext(context.Background(), `SELECT length(params) FROM ml_models`).Scan(&size); err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(size), "blob-bytes")
			err = sc.Raw(func(any) error {
				for b.Loop() {
					if _, err := k.c.LoadModel("bench", "recs", "recommend", func(m *catalog.Model) (any, error) { return m.Params, nil }); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
		})
	}
}
