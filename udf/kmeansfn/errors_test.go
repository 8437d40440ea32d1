package kmeansfn_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// TestBadInput checks that every kind of bad input gives an error that starts
// with the function name and says what to do, and that the database is left
// exactly as it was: the previous model "prev", its side rows and the source.
func TestBadInput(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		setup  string // SQL run before the snapshot
		query  string
		prefix string
		want   []string // fragments of the error message
	}{
		// sources
		{"empty source", `CREATE TABLE empty(id INTEGER, a REAL)`,
			`SELECT kmeans_train('prev', 'empty', '{"k": 2}')`, "kmeans_train: ", []string{"no rows"}},
		{"empty query source", ``,
			`SELECT kmeans_train('prev', 'SELECT * FROM pts WHERE 0', '{"k": 2}')`, "kmeans_train: ", []string{"no rows"}},
		{"missing table", ``,
			`SELECT kmeans_train('prev', 'nope', '{"k": 2}')`, "kmeans_train: ", []string{"no such table"}},
		{"source not text", ``,
			`SELECT kmeans_train('prev', 42, '{"k": 2}')`, "kmeans_train: ", []string{"source must be", "INTEGER 42"}},
		{"key only", ``,
			`SELECT kmeans_train('prev', 'SELECT id FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{"key column first"}},
		{"text feature", `CREATE TABLE tx AS SELECT id, a, CASE WHEN id = 4 THEN 'abc' ELSE b END AS b FROM pts`,
			`SELECT kmeans_train('prev', 'tx', '{"k": 2}')`, "kmeans_train: ", []string{`id=4`, `column "b"`, "TEXT", "on_null"}},
		{"blob feature", `CREATE TABLE bx AS SELECT id, CASE WHEN id = 2 THEN x'00ff' ELSE a END AS a, b FROM pts`,
			`SELECT kmeans_train('prev', 'bx', '{"k": 2}')`, "kmeans_train: ", []string{`id=2`, `column "a"`, "BLOB"}},
		{"null feature", `CREATE TABLE nx AS SELECT id, a, CASE WHEN id = 7 THEN NULL ELSE b END AS b FROM pts`,
			`SELECT kmeans_train('prev', 'nx', '{"k": 2}')`, "kmeans_train: ", []string{`id=7`, `column "b"`, "NULL", `"on_null"`}},
		// SQLite stores NaN as NULL, so a NaN feature is reported as NULL;
		// infinities survive.
		{"inf feature", ``,
			`SELECT kmeans_train('prev', 'SELECT id, a, CASE WHEN id = 3 THEN 9e999 ELSE b END AS b FROM pts', '{"k": 2}')`,
			"kmeans_train: ", []string{`id=3`, "infinite"}},
		{"minus inf feature", ``,
			`SELECT kmeans_train('prev', 'SELECT id, CASE WHEN id = 5 THEN -9e999 ELSE a END AS a, b FROM pts', '{"k": 2}')`,
			"kmeans_train: ", []string{`id=5`, "infinite"}},
		{"duplicate keys", ``,
			`SELECT kmeans_train('prev', 'SELECT id % 5 AS id, a, b FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{"same key", "unique"}},
		{"duplicate feature names", ``,
			`SELECT kmeans_train('prev', 'SELECT id, a, b, a FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{`named "a" and "a"`, "AS"}},
		{"duplicate feature names by case", ``,
			`SELECT kmeans_train('prev', 'SELECT id, a, b AS A FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{`"a" and "A"`}},
		{"overflowing feature", ``,
			`SELECT kmeans_train('prev', 'SELECT id, a * 1e300 AS a, b FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{`column "a"`, "too large", "scale it down"}},
		{"overflowing feature unscaled", ``,
			`SELECT kmeans_train('prev', 'SELECT id, a, b * 1e300 AS b FROM pts', '{"k": 2, "standardize": false}')`, "kmeans_train: ", []string{`column "b"`, "too large"}},
		{"select_k overflowing feature", ``,
			`SELECT * FROM kmeans_select_k('SELECT id, a * 1e300 AS a, b FROM pts', 1, 2)`, "kmeans_select_k: ", []string{`column "a"`, "too large"}},
		{"null key", ``,
			`SELECT kmeans_train('prev', 'SELECT NULL AS id, a, b FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{"NULL", "needs a key"}},
		{"real key", ``,
			`SELECT kmeans_train('prev', 'SELECT id + 0.5 AS id, a, b FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{"INTEGER or TEXT"}},
		// training from a statement that writes
		{"create table as", ``, `CREATE TABLE log AS SELECT kmeans_train('prev', 'pts', '{"k": 2}') AS s`, "kmeans_train: ", []string{"inside a statement that itself writes", "SELECT of its own"}},
		{"insert select", `CREATE TABLE log(s)`, `INSERT INTO log SELECT kmeans_train('prev', 'pts', '{"k": 2}')`, "kmeans_train: ", []string{"inside a statement that itself writes"}},
		{"drop in insert", `CREATE TABLE log(s)`, `INSERT INTO log SELECT ml_drop('prev')`, "ml_drop: ", []string{"inside a statement that itself writes"}},
		// k
		{"k 0", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 0}')`, "kmeans_train: ", []string{`option "k"`, "integer"}},
		{"k negative", ``, `SELECT kmeans_train('prev', 'pts', '{"k": -3}')`, "kmeans_train: ", []string{`option "k"`}},
		{"k above rows", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 13}')`, "kmeans_train: ", []string{"number of rows (12)", "13"}},
		{"k missing", ``, `SELECT kmeans_train('prev', 'pts', '{}')`, "kmeans_train: ", []string{`"k"`, "required"}},
		{"no options", ``, `SELECT kmeans_train('prev', 'pts')`, "kmeans_train: ", []string{`"k"`, "required"}},
		// model names
		{"name with quote", ``, `SELECT kmeans_train('it''s', 'pts', '{"k": 2}')`, "kmeans_train: ", []string{`"it's"`, "letters, digits"}},
		{"name with space", ``, `SELECT kmeans_train('my model', 'pts', '{"k": 2}')`, "kmeans_train: ", []string{`"my model"`}},
		{"name with dquote", ``, `SELECT kmeans_train('a"b', 'pts', '{"k": 2}')`, "kmeans_train: ", []string{`invalid model name`}},
		{"name empty", ``, `SELECT kmeans_train('', 'pts', '{"k": 2}')`, "kmeans_train: ", []string{`invalid model name ""`}},
		{"name too long", ``, `SELECT kmeans_train('` + strings.Repeat("m", 65) + `', 'pts', '{"k": 2}')`, "kmeans_train: ", []string{`invalid model name`}},
		{"name null", ``, `SELECT kmeans_train(NULL, 'pts', '{"k": 2}')`, "kmeans_train: ", []string{"model must be text"}},
		// sources that write
		{"delete", ``, `SELECT kmeans_train('prev', 'DELETE FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{"source"}},
		{"with delete", ``, `SELECT kmeans_train('prev', 'WITH x AS (SELECT 1) DELETE FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{"only read"}},
		{"with insert returning", ``, `SELECT kmeans_train('prev', 'WITH x AS (SELECT 1) INSERT INTO pts SELECT 99, 1, 1 RETURNING *', '{"k": 2}')`, "kmeans_train: ", []string{"only read"}},
		{"insert", ``, `SELECT kmeans_train('prev', 'INSERT INTO pts VALUES (99, 1, 1)', '{"k": 2}')`, "kmeans_train: ", []string{"source"}},
		{"update", ``, `SELECT kmeans_train('prev', 'UPDATE pts SET a = 0', '{"k": 2}')`, "kmeans_train: ", []string{"source"}},
		{"drop", ``, `SELECT kmeans_train('prev', 'DROP TABLE pts', '{"k": 2}')`, "kmeans_train: ", []string{"source"}},
		{"two statements", ``, `SELECT kmeans_train('prev', 'SELECT 1; DELETE FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{"one statement"}},
		{"two statements select", ``, `SELECT kmeans_train('prev', 'SELECT * FROM pts; DELETE FROM pts;', '{"k": 2}')`, "kmeans_train: ", []string{"one statement"}},
		{"comment hides delete", ``, `SELECT kmeans_train('prev', '/* x */ DELETE FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{"source"}},
		{"source calls ml_drop", ``, `SELECT kmeans_train('other', 'SELECT id, a, b, ml_drop(''prev'') AS c FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{"ml_drop", "source"}},
		{"source trains", ``, `SELECT kmeans_train('other', 'SELECT id, a, b, length(kmeans_train(''prev'', ''pts'', ''{"k": 2}'')) AS c FROM pts', '{"k": 2}')`, "kmeans_train: ", []string{"source"}},
		{"select_k delete", ``, `SELECT * FROM kmeans_select_k('DELETE FROM pts', 1, 2)`, "kmeans_select_k: ", []string{"source"}},
		{"select_k two statements", ``, `SELECT * FROM kmeans_select_k('SELECT * FROM pts; DELETE FROM pts', 1, 2)`, "kmeans_select_k: ", []string{"one statement"}},
		// options
		{"options not json", ``, `SELECT kmeans_train('prev', 'pts', '{k: 4}')`, "kmeans_train: ", []string{"not a JSON object", `'{"k": 4}'`}},
		{"options array", ``, `SELECT kmeans_train('prev', 'pts', '[4]')`, "kmeans_train: ", []string{"must be a JSON object", `got "[4]"`}},
		{"options trailing", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2} {"k": 3}')`, "kmeans_train: ", []string{"not a JSON object"}},
		{"options integer", ``, `SELECT kmeans_train('prev', 'pts', 4)`, "kmeans_train: ", []string{"JSON object", "INTEGER 4"}},
		{"unknown key", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "clusters": 3}')`, "kmeans_train: ", []string{`unknown option "clusters"`, "accepted options: k, init"}},
		{"k string", ``, `SELECT kmeans_train('prev', 'pts', '{"k": "4"}')`, "kmeans_train: ", []string{`option "k" must be an integer`, `"4"`}},
		{"k fraction", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 4.5}')`, "kmeans_train: ", []string{`option "k" must be an integer`, "4.5"}},
		{"k huge", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 1e300}')`, "kmeans_train: ", []string{`option "k"`}},
		{"algorithm foo", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "algorithm": "foo"}')`, "kmeans_train: ", []string{`option "algorithm"`, `"lloyd"`, `"minibatch"`}},
		{"n_init 0", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "n_init": 0}')`, "kmeans_train: ", []string{`option "n_init"`, "from 1"}},
		{"max_iter 0", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "max_iter": 0}')`, "kmeans_train: ", []string{`option "max_iter"`}},
		{"tol negative", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "tol": -1}')`, "kmeans_train: ", []string{`option "tol"`}},
		{"seed negative", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "seed": -1}')`, "kmeans_train: ", []string{`option "seed"`}},
		{"standardize string", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "standardize": "no"}')`, "kmeans_train: ", []string{`option "standardize"`, "true or false"}},
		{"on_null foo", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "on_null": "drop"}')`, "kmeans_train: ", []string{`option "on_null"`, `"skip"`}},
		{"weight number", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "weight": 3}')`, "kmeans_train: ", []string{`option "weight"`, "string"}},
		{"threads negative", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "threads": -1}')`, "kmeans_train: ", []string{`option "threads"`}},
		// weights
		{"weight negative", `CREATE TABLE wt AS SELECT id, a, b, CASE WHEN id = 2 THEN -1 ELSE 1 END AS w FROM pts`,
			`SELECT kmeans_train('prev', 'wt', '{"k": 2, "weight": "w"}')`, "kmeans_train: ", []string{`id=2`, `weight column "w"`, "negative"}},
		{"weight missing column", ``,
			`SELECT kmeans_train('prev', 'pts', '{"k": 2, "weight": "w"}')`, "kmeans_train: ", []string{`"w"`, "id, a, b"}},
		{"weights zero", `CREATE TABLE w0 AS SELECT id, a, b, 0 AS w FROM pts`,
			`SELECT kmeans_train('prev', 'w0', '{"k": 2, "weight": "w"}')`, "kmeans_train: ", []string{"sum to zero"}},
		{"weight null", `CREATE TABLE wn AS SELECT id, a, b, CASE WHEN id = 9 THEN NULL ELSE 1 END AS w FROM pts`,
			`SELECT kmeans_train('prev', 'wn', '{"k": 2, "weight": "w"}')`, "kmeans_train: ", []string{`id=9`, "NULL"}},
		{"k above positive weights", `CREATE TABLE wk AS SELECT id, a, b, CASE WHEN id <= 2 THEN 1 ELSE 0 END AS w FROM pts`,
			`SELECT kmeans_train('prev', 'wk', '{"k": 3, "weight": "w"}')`, "kmeans_train: ", []string{"positive weight"}},
		// init
		{"init too few", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "init": [[0, 0]]}')`, "kmeans_train: ", []string{`"init"`, "1 centroids", "k is 2"}},
		{"init empty", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "init": []}')`, "kmeans_train: ", []string{`"init"`, "0 centroids"}},
		{"init short row", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "init": [[0, 0], [1]]}')`, "kmeans_train: ", []string{`"init"`, "centroid 2 has 1 values", "a, b"}},
		{"init long row", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "init": [[0, 0, 0], [1, 1, 1]]}')`, "kmeans_train: ", []string{`"init"`, "centroid 1 has 3 values"}},
		{"init not numbers", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "init": [[0, 0], [1, "x"]]}')`, "kmeans_train: ", []string{`"init"`}},
		{"init flat", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "init": [0, 0]}')`, "kmeans_train: ", []string{`"init"`}},
		{"init name", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "init": "kmeans++"}')`, "kmeans_train: ", []string{`"init"`, `"k-means++"`}},
		{"init object", ``, `SELECT kmeans_train('prev', 'pts', '{"k": 2, "init": {"a": 1}}')`, "kmeans_train: ", []string{`"init"`}},
		{"select_k init array", ``, `SELECT * FROM kmeans_select_k('pts', 1, 2, '{"init": [[0, 0]]}')`, "kmeans_select_k: ", []string{`"init"`}},
		// arity and arguments
		{"train one argument", ``, `SELECT kmeans_train('prev')`, "kmeans_train: ", []string{"(model, source, options)"}},
		{"assign arity", ``, `SELECT kmeans_assign('prev', 1)`, "kmeans_assign: ", []string{"2 feature values (a, b), got 1"}},
		{"assign arity long", ``, `SELECT kmeans_assign('prev', 1, 2, 3)`, "kmeans_assign: ", []string{"(a, b)", "got 3"}},
		{"assign no features", ``, `SELECT kmeans_assign('prev')`, "kmeans_assign: ", []string{"(a, b)", "got 0"}},
		{"assign no args", ``, `SELECT kmeans_assign()`, "kmeans_assign: ", []string{"(model, x1, ..., xd)"}},
		{"distance arity", ``, `SELECT kmeans_distance('prev', 1)`, "kmeans_distance: ", []string{"(a, b)"}},
		{"assign text", ``, `SELECT kmeans_assign('prev', 'x', 1)`, "kmeans_assign: ", []string{"argument a must be a number", `TEXT "x"`}},
		{"assign blob", ``, `SELECT kmeans_assign('prev', 1, x'01')`, "kmeans_assign: ", []string{"argument b", "BLOB"}},
		{"assign model not text", ``, `SELECT kmeans_assign(1, 1, 1)`, "kmeans_assign: ", []string{"model must be text"}},
		// unknown models
		{"assign unknown", ``, `SELECT kmeans_assign('nope', 1, 2)`, "kmeans_assign: ", []string{`"nope"`, "not found", "ml_models"}},
		{"distance unknown", ``, `SELECT kmeans_distance('nope', 1, 2)`, "kmeans_distance: ", []string{`"nope"`, "not found"}},
		{"centroids unknown", ``, `SELECT * FROM kmeans_centroids('nope')`, "kmeans_centroids: ", []string{`"nope"`, "not found"}},
		{"profile unknown", ``, `SELECT * FROM kmeans_profile('nope')`, "kmeans_profile: ", []string{`"nope"`, "not found"}},
		{"assign bad name", ``, `SELECT kmeans_assign('a b', 1, 2)`, "kmeans_assign: ", []string{`invalid model name "a b"`}},
		{"centroids bad name", ``, `SELECT * FROM kmeans_centroids('x''y')`, "kmeans_centroids: ", []string{`invalid model name "x'y"`}},
		{"centroids no argument", ``, `SELECT * FROM kmeans_centroids`, "kmeans_centroids: ", []string{"missing argument model"}},
		// select_k
		{"select_k k_max above rows", ``, `SELECT * FROM kmeans_select_k('pts', 2, 20)`, "kmeans_select_k: ", []string{"k_max (20)", "rows (12)"}},
		{"select_k k_min 0", ``, `SELECT * FROM kmeans_select_k('pts', 0, 3)`, "kmeans_select_k: ", []string{"1 <= k_min <= k_max"}},
		{"select_k reversed", ``, `SELECT * FROM kmeans_select_k('pts', 4, 3)`, "kmeans_select_k: ", []string{"1 <= k_min <= k_max"}},
		{"select_k k text", ``, `SELECT * FROM kmeans_select_k('pts', 'two', 3)`, "kmeans_select_k: ", []string{"k_min must be an integer"}},
		{"select_k unknown option", ``, `SELECT * FROM kmeans_select_k('pts', 2, 3, '{"k": 3}')`, "kmeans_select_k: ", []string{`unknown option "k"`}},
		{"select_k empty", `CREATE TABLE empty(id INTEGER, a REAL)`, `SELECT * FROM kmeans_select_k('empty', 1, 2)`, "kmeans_select_k: ", []string{"no rows"}},
		// ml_drop
		{"drop bad name", ``, `SELECT ml_drop('x y')`, "ml_drop: ", []string{`invalid model name "x y"`}},
		{"drop null", ``, `SELECT ml_drop(NULL)`, "ml_drop: ", []string{"model must be text"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := openMem(t)
			sqltest.Exec(t, db, `SELECT kmeans_train('prev', 'pts', '{"k": 3}')`)
			if tc.setup != "" {
				sqltest.Exec(t, db, tc.setup)
			}
			before := snapshot(t, db)
			ptsBefore := sqltest.Table(t, db, `SELECT * FROM pts ORDER BY id`)
			err := sqltest.QueryErr(db, tc.query)
			sqltest.WantErr(t, err, tc.prefix, tc.want...)
			if strings.Contains(err.Error(), "internal error") {
				t.Errorf("a panic was recovered: %v", err)
			}
			if after := snapshot(t, db); after != before {
				t.Errorf("the catalog changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if after := sqltest.Table(t, db, `SELECT * FROM pts ORDER BY id`); after != ptsBefore {
				t.Errorf("the source table changed:\n%s", after)
			}
			// The previous model still scores.
			if got := sqltest.One[int64](t, db, `SELECT kmeans_assign('prev', 10.0, 10.0)`); got < 1 || got > 3 {
				t.Errorf("prev model assigns cluster %d", got)
			}
		})
	}
}

// TestDamagedParams checks that a params blob damaged in the file is a clear
// error of every function that loads the model, never a panic.
func TestDamagedParams(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		update string // SQL that damages ml_models.params of "m"
		args   []any
		want   string
	}{
		{"flipped byte", `UPDATE ml_models SET params = substr(params, 1, 30) || x'ff' || substr(params, 32) WHERE name = 'm'`, nil, "damaged"},
		{"truncated", `UPDATE ml_models SET params = substr(params, 1, length(params) - 9) WHERE name = 'm'`, nil, "damaged"},
		{"truncated to magic", `UPDATE ml_models SET params = substr(params, 1, 8) WHERE name = 'm'`, nil, "not a marketsql model"},
		{"foreign blob", `UPDATE ml_models SET params = x'89504e470d0a1a0a0000000d49484452' WHERE name = 'm'`, nil, "not a marketsql model"},
		{"empty blob", `UPDATE ml_models SET params = x'' WHERE name = 'm'`, nil, "not a marketsql model"},
		{"text", `UPDATE ml_models SET params = 'hello, world' WHERE name = 'm'`, nil, "not a marketsql model"},
		{"future format", `UPDATE ml_models SET params = substr(params, 1, 8) || x'0900' || substr(params, 11) WHERE name = 'm'`, nil, "upgrade marketsql"},
		{"other kind", `UPDATE ml_models SET params = ? WHERE name = 'm'`, []any{catalog.Seal("lda", []byte{1, 2, 3})}, `"lda" model`},
		{"empty payload", `UPDATE ml_models SET params = ? WHERE name = 'm'`, []any{catalog.Seal("kmeans", nil)}, "damaged"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := openMem(t)
			sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', '{"k": 2}')`)
			sqltest.Exec(t, db, tc.update, tc.args...)
			for _, q := range []struct{ fn, sql string }{
				{"kmeans_assign", `SELECT kmeans_assign('m', 1, 2)`},
				{"kmeans_distance", `SELECT kmeans_distance('m', 1, 2)`},
				{"kmeans_centroids", `SELECT * FROM kmeans_centroids('m')`},
				{"kmeans_profile", `SELECT * FROM kmeans_profile('m')`},
			} {
				err := sqltest.QueryErr(db, q.sql)
				sqltest.WantErr(t, err, q.fn+": ", `"m"`, tc.want, "retrain")
				if err != nil && strings.Contains(err.Error(), "internal error") {
					t.Errorf("a panic was recovered: %v", err)
				}
			}
			// Retraining repairs it; dropping works too.
			sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', '{"k": 2}')`)
			if got := sqltest.One[int64](t, db, `SELECT kmeans_assign('m', 0.1, 0.1)`); got < 1 || got > 2 {
				t.Errorf("retrained model assigns %d", got)
			}
		})
	}
}

// bigTable fills table "big" with n rows of 8 pseudo-random features.
func bigTable(t *testing.T, e *engine.Engine, n int) {
	t.Helper()
	sqltest.Exec(t, e.DB(), `CREATE TABLE big(id INTEGER PRIMARY KEY, f1 REAL, f2 REAL, f3 REAL, f4 REAL, f5 REAL, f6 REAL, f7 REAL, f8 REAL)`)
	sqltest.Exec(t, e.DB(), `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < ?)
INSERT INTO big SELECT i, (i * 7919) % 1000, (i * 104729) % 997, (i * 1299709) % 991, (i * 15485863) % 983,
  (i * 32452843) % 977, (i * 49979687) % 971, (i * 67867967) % 967, (i * 86028121) % 953 FROM s`, n)
}

// TestInterruptTraining cancels a long kmeans_train, through SQL and through
// the Go API, and checks that it returns promptly with an interrupted error
// and leaves the previous model as it was.
func TestInterruptTraining(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 300k-row table")
	}
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	bigTable(t, e, 300_000)
	sqltest.Exec(t, db, `SELECT kmeans_train('seg', 'SELECT * FROM big WHERE id <= 2000', '{"k": 4}')`)
	before := snapshot(t, db)
	long := `{"k": 300, "max_iter": 100000, "tol": 0, "n_init": 50, "init": "random"}`

	check := func(t *testing.T, err error, elapsed time.Duration, prefix string) {
		t.Helper()
		sqltest.WantErr(t, err, prefix)
		if msg := err.Error(); !strings.Contains(msg, "interrupt") && !strings.Contains(msg, "cancel") && !strings.Contains(msg, "deadline") {
			t.Errorf("error %q does not say the call was interrupted", msg)
		}
		if elapsed > 3*time.Second {
			t.Errorf("returned %v after the cancellation; want promptly", elapsed)
		}
		if after := snapshot(t, db); after != before {
			t.Errorf("the previous model changed")
		}
		var ac bool
		if conn, err := db.Conn(context.Background()); err == nil {
			conn.Raw(func(dc any) error {
				ac = dc.(interface{ AutoCommit() bool }).AutoCommit()
				return nil
			})
			conn.Close()
		}
		if !ac {
			t.Errorf("the connection was left inside a transaction")
		}
		if got := sqltest.One[int64](t, db, `SELECT version FROM ml_models WHERE name = 'seg'`); got != 1 {
			t.Errorf("version %d, want 1", got)
		}
	}

	for _, delay := range []time.Duration{50 * time.Millisecond, 400 * time.Millisecond} {
		t.Run("sql/"+delay.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), delay)
			defer cancel()
			start := time.Now()
			err := sqltest.QueryErrCtx(ctx, db, `SELECT kmeans_train('seg', 'big', ?)`, long)
			// database/sql may report the context error; the driver's own
			// message is then lost, which is fine: the call stopped.
			if err != nil && (errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled)) {
				err = errors.New("kmeans_train: " + err.Error())
			}
			check(t, err, time.Since(start)-delay, "kmeans_train: ")
		})
		t.Run("go/"+delay.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), delay)
			defer cancel()
			start := time.Now()
			_, err := e.TrainKMeans(ctx, "seg", "big", &engine.KMeansOptions{K: 300, MaxIter: 100000, Tol: new(1e-300), NInit: 50, Init: "random"})
			check(t, err, time.Since(start)-delay, "TrainKMeans: ")
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
			}
		})
	}
	// The connection still works and still trains.
	sqltest.Exec(t, db, `SELECT kmeans_train('seg', 'SELECT * FROM big WHERE id <= 1000', '{"k": 2}')`)
	if got := sqltest.One[int64](t, db, `SELECT version FROM ml_models WHERE name = 'seg'`); got != 2 {
		t.Errorf("version after retraining %d, want 2", got)
	}
}

// TestInterruptMetrics stops kmeans_train while it computes the silhouette
// (O(n²) on a large sample), through SQL (sqlite3_interrupt) and through the
// Go API, and checks that the call returns promptly, not when the metric is
// done, and keeps the previous model.
func TestInterruptMetrics(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 60k-row table")
	}
	var mu sync.Mutex
	var stop func()
	var stopped time.Time
	e, err := engine.Open(":memory:", &engine.Options{Progress: func(p engine.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if p.Phase == "metrics" && stop != nil {
			stop()
			stop, stopped = nil, time.Now()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	bigTable(t, e, 60_000)
	sqltest.Exec(t, db, `SELECT kmeans_train('seg', 'SELECT * FROM big WHERE id <= 2000', '{"k": 4}')`)
	before := snapshot(t, db)
	// Unstopped, the silhouette of 60k rows takes tens of seconds.
	const opts = `{"k": 3, "silhouette_sample": 60000}`
	arm := func(cancel func()) {
		mu.Lock()
		defer mu.Unlock()
		stop = cancel
	}
	latency := func() time.Duration {
		mu.Lock()
		defer mu.Unlock()
		if stopped.IsZero() {
			t.Fatal("no metrics progress event")
		}
		return time.Since(stopped)
	}
	t.Run("sql", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		arm(cancel)
		err := sqltest.QueryErrCtx(ctx, db, `SELECT kmeans_train('seg', 'big', ?)`, opts)
		if err == nil {
			t.Fatal("the interrupted call succeeded")
		}
		if d := latency(); d > 3*time.Second {
			t.Errorf("returned %v after the interrupt; want promptly", d)
		}
	})
	t.Run("go", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		arm(cancel)
		_, err := e.TrainKMeans(ctx, "seg", "big", &engine.KMeansOptions{K: 3, SilhouetteSample: 60000})
		if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "TrainKMeans: ") {
			t.Errorf("error %v, want TrainKMeans: ... wrapping context.Canceled", err)
		}
		if d := latency(); d > 3*time.Second {
			t.Errorf("returned %v after the cancellation; want promptly", d)
		}
	})
	if after := snapshot(t, db); after != before {
		t.Error("the previous model changed")
	}
}
