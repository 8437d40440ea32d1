package kmeansfn_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// Scoring depends on the stored model, which retraining changes: SQLite must
// refuse it where results are stored (indexes, generated columns, CHECK), or
// the stored values would silently go stale and the file fail its integrity
// check.
func TestScoringIsNotAllowedInStoredExpressions(t *testing.T) {
	db := openMem(t)
	sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', '{"k": 3}')`)
	for _, ddl := range []string{
		`CREATE INDEX ix ON pts(kmeans_assign('m', a, b))`,
		`CREATE TABLE g(a REAL, b REAL, seg INTEGER AS (kmeans_assign('m', a, b)))`,
		`CREATE INDEX ix2 ON pts(a) WHERE kmeans_distance('m', a, b) < 10`,
	} {
		if _, err := db.Exec(ddl); err == nil || !strings.Contains(err.Error(), "non-deterministic") {
			t.Errorf("%s: err = %v, want SQLite's non-deterministic function error", ddl, err)
		}
	}
	// A view is fine: it is evaluated when read.
	sqltest.Exec(t, db, `CREATE VIEW seg AS SELECT id, kmeans_assign('m', a, b) AS cluster FROM pts`)
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM seg WHERE cluster BETWEEN 1 AND 3`); n != 12 {
		t.Errorf("view scored %d rows, want 12", n)
	}
}

func TestScoringRejectsNonFiniteValues(t *testing.T) {
	db := openMem(t)
	sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', '{"k": 3}')`)
	for _, tc := range []struct{ sql, want string }{
		{`SELECT kmeans_assign('m', 9e999, 1)`, `kmeans_assign: argument a is not a finite number`},
		{`SELECT kmeans_distance('m', 1, -9e999)`, `kmeans_distance: argument b is not a finite number`},
		{`SELECT kmeans_assign('m', 1e308, 1e308)`, `kmeans_assign: the values are too large to score`},
	} {
		var v any
		err := db.QueryRow(tc.sql).Scan(&v)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, %v; want an error containing %q", tc.sql, v, err, tc.want)
		}
	}
}

// A read-only database opens whatever its journal mode, and training on it
// fails before any work with an error saying what to do.
func TestReadOnlyDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plain.db")
	plain, err := sql.Open("sqlite3", path) // a plain SQLite file, rollback journal
	if err != nil {
		t.Fatal(err)
	}
	sqltest.Exec(t, plain, `CREATE TABLE p(id INTEGER, x REAL); INSERT INTO p VALUES (1, 1), (2, 2), (3, 9)`)
	plain.Close()

	e, err := engine.Open(path, &engine.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open read-only: %v", err)
	}
	defer e.Close()
	db := e.DB()
	if mode := sqltest.One[string](t, db, `PRAGMA journal_mode`); mode != "delete" {
		t.Errorf("journal_mode = %q; opening read-only must not change it", mode)
	}
	var s string
	err = db.QueryRow(`SELECT kmeans_train('m', 'p', '{"k": 2}')`).Scan(&s)
	if err == nil || !strings.Contains(err.Error(), "kmeans_train: the database is read-only") {
		t.Errorf("train on a read-only database: %v", err)
	}
}

// ml_models.options records what was used, as the user would write it.
func TestStoredOptions(t *testing.T) {
	db := openMem(t)
	for _, tc := range []struct {
		options, key string
		want         float64
	}{
		{`{"k": 3, "tol": 0}`, "tol", 0},
		{`{"k": 3}`, "tol", 1e-4},
		{`{"k": 3}`, "n_init", 1},
		{`{"k": 3, "init": "random"}`, "n_init", 10},
		{`{"k": 3, "n_init": 4}`, "n_init", 4},
	} {
		sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', ?)`, tc.options)
		got := sqltest.One[float64](t, db, `SELECT json_extract(options, '$.'||?) FROM ml_models WHERE name = 'm'`, tc.key)
		if got != tc.want {
			t.Errorf("%s stored %s = %v; want %v", tc.options, tc.key, got, tc.want)
		}
		if m := sqltest.One[string](t, db, `SELECT metrics FROM ml_models WHERE name = 'm'`); strings.Contains(m, "null") && strings.Contains(m, "warnings") {
			t.Errorf("metrics carry an empty warnings key: %s", m)
		}
	}
}

func TestOptionMessages(t *testing.T) {
	db := openMem(t)
	for _, tc := range []struct{ options, want string }{
		{`{"k": 3, "init": "foo"}`, `option "init" must be "k-means++", "random" or a JSON array of k centroids, got "foo"`},
		{`{"k": 0}`, `option "k" must be an integer of at least 1, got 0`},
		{`{"k": 300}`, `k must be between 1 and the number of rows (12), got 300`},
		{`{"k": 3, "k": 4}`, `option "k" is given twice`},
	} {
		var s string
		err := db.QueryRow(`SELECT kmeans_train('m', 'pts', ?)`, tc.options).Scan(&s)
		if err == nil || !strings.Contains(err.Error(), "kmeans_train: "+tc.want) {
			t.Errorf("%s: %v; want %q", tc.options, err, tc.want)
		}
	}
}

// "rng": "numpy" reproduces scikit-learn's k-means++ draws (checked against
// scikit-learn in algorithms/kmeans); here: the option is accepted, stored and
// refused where it cannot apply.
func TestNumPyRandomOption(t *testing.T) {
	db := openMem(t)
	sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', '{"k": 3, "rng": "numpy", "seed": 7}')`)
	if got := sqltest.One[string](t, db, `SELECT json_extract(options, '$.rng') FROM ml_models WHERE name = 'm'`); got != "numpy" {
		t.Errorf("stored rng = %q", got)
	}
	var s string
	err := db.QueryRow(`SELECT kmeans_train('m2', 'pts', '{"k": 3, "rng": "numpy", "init": "random"}')`).Scan(&s)
	if err == nil || !strings.Contains(err.Error(), "k-means++ initialisation only") {
		t.Errorf("rng numpy with random init: %v", err)
	}
	err = db.QueryRow(`SELECT kmeans_train('m2', 'pts', '{"k": 3, "rng": "mt"}')`).Scan(&s)
	if err == nil || !strings.Contains(err.Error(), `option "rng" must be one of "pcg", "numpy"`) {
		t.Errorf("rng mt: %v", err)
	}
}
