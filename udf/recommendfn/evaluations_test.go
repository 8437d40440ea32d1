package recommendfn_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// metric is one row of recommend_eval.
type metric struct {
	name  string
	value float64
}

// evalRows runs recommend_eval(args) on db and returns its rows.
func evalRows(t *testing.T, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, args string) []metric {
	t.Helper()
	return tableMetrics(t, db, `SELECT metric, value FROM recommend_eval(`+args+`)`)
}

// tableMetrics returns the rows of q, which selects a metric and its value.
func tableMetrics(t *testing.T, db interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, q string) []metric {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []metric
	for rows.Next() {
		var m metric
		if err := rows.Scan(&m.name, &m.value); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// jsonMetrics decodes a recorded result, a JSON object of metric -> value,
// keeping the order of its keys.
func jsonMetrics(t *testing.T, text string) []metric {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(text))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("result %s is not a JSON object", text)
	}
	var out []metric
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		var v float64
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("result %s: %v", text, err)
		}
		out = append(out, metric{key.(string), v})
	}
	return out
}

// evaluation is the recorded row of recommend_eval on model, "" if none.
func evaluation(t *testing.T, db *sql.DB, model string) (args, result, created string) {
	t.Helper()
	err := db.QueryRow(`SELECT args, result, created_at FROM ml_evaluations WHERE subject = ? AND function = 'recommend_eval'`, model).
		Scan(&args, &result, &created)
	if err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return args, result, created
}

var createdAt = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// TestEvalRecorded: recommend_eval on Online Retail (a model trained on
// four fifths of the purchase lines, evaluated on the rest) records exactly
// the metrics it returns, with its arguments, also from inside INSERT ...
// SELECT and CREATE TABLE ... AS, and each run replaces the record; nothing
// is recorded from inside another call's source; ml_drop removes the
// record with the model.
func TestEvalRecorded(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "retail.db")
	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	loadRetail(t, db)
	sqltest.Exec(t, db, `CREATE VIEW rec_train AS SELECT customer, item FROM buys WHERE rowid % 5 <> 0`)
	sqltest.Exec(t, db, `CREATE VIEW rec_holdout AS SELECT customer, item FROM buys WHERE rowid % 5 = 0`)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'rec_train', '{"method": "item_knn"}')`)

	before := time.Now().UTC().Truncate(time.Millisecond)
	got := evalRows(t, db, `'recs', 'rec_holdout', 10`)
	after := time.Now().UTC()
	args, result, created := evaluation(t, db, "recs")
	if args != `{"holdout":"rec_holdout","n":10}` {
		t.Errorf("args %s", args)
	}
	if rec := jsonMetrics(t, result); len(rec) != 7 || !equalMetrics(rec, got) {
		t.Errorf("recorded %v, returned %v", rec, got)
	}
	if got[0].name != "users" || got[0].value < 1000 {
		t.Errorf("evaluated %v users on Online Retail", got[0])
	}
	at, err := time.Parse("2006-01-02T15:04:05.000Z", created)
	if !createdAt.MatchString(created) || err != nil || at.Before(before) || at.After(after) {
		t.Errorf("created_at %q, want the time of the call (between %v and %v)", created, before, after)
	}

	// A second run replaces the record: the holdout as given (trimmed) and
	// n as used, capped at the number of items as the metric names are.
	got = evalRows(t, db, `'recs', '  SELECT customer, item FROM buys WHERE rowid % 5 = 0
', 2147483647`)
	items := sqltest.One[int64](t, db, `SELECT count(DISTINCT item) FROM rec_train`)
	args, result, _ = evaluation(t, db, "recs")
	if want := `{"holdout":"SELECT customer, item FROM buys WHERE rowid % 5 = 0","n":` + itoa(items) + `}`; args != want {
		t.Errorf("args after the second run %s, want %s", args, want)
	}
	if rec := jsonMetrics(t, result); !equalMetrics(rec, got) || got[2].name != "precision@"+itoa(items) {
		t.Errorf("recorded %v, returned %v", rec, got)
	}
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM ml_evaluations`); n != 1 {
		t.Errorf("%d records, want 1 per model and function", n)
	}

	// Recorded from inside a statement that writes, as examples/recommend.sql
	// and CREATE TABLE ... AS run it: one INSERT OR REPLACE into the catalog
	// that exists, holding the metrics the statement saved.
	sqltest.Exec(t, db, `CREATE TABLE saved AS SELECT * FROM recommend_eval('recs', 'rec_holdout', 3)`)
	saved := tableMetrics(t, db, `SELECT metric, value FROM saved`)
	if len(saved) != 7 || saved[2].name != "precision@3" {
		t.Errorf("CREATE TABLE AS recommend_eval saved %v", saved)
	}
	args, result, _ = evaluation(t, db, "recs")
	if args != `{"holdout":"rec_holdout","n":3}` || !equalMetrics(jsonMetrics(t, result), saved) {
		t.Errorf("inside CREATE TABLE AS: recorded %s %s, saved %v", args, result, saved)
	}
	sqltest.Exec(t, db, `CREATE TABLE rec_eval(model TEXT, metric TEXT, value REAL)`)
	sqltest.Exec(t, db, `INSERT INTO rec_eval SELECT 'item_knn', metric, value FROM recommend_eval('recs', 'rec_holdout', 10)`)
	saved = tableMetrics(t, db, `SELECT metric, value FROM rec_eval WHERE model = 'item_knn'`)
	if len(saved) != 7 || saved[2].name != "precision@10" {
		t.Errorf("INSERT ... SELECT recommend_eval saved %v", saved)
	}
	args, result, _ = evaluation(t, db, "recs")
	if args != `{"holdout":"rec_holdout","n":10}` || !equalMetrics(jsonMetrics(t, result), saved) {
		t.Errorf("inside INSERT ... SELECT: recorded %s %s, saved %v", args, result, saved)
	}
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM ml_evaluations`); n != 1 {
		t.Errorf("%d records, want 1 per model and function", n)
	}

	// Not recorded from inside the source of another call; the evaluation
	// itself works there.
	last := sqltest.Table(t, db, `SELECT * FROM ml_evaluations`)
	sqltest.One[string](t, db, `SELECT kmeans_train('seg', 'SELECT metric, value FROM recommend_eval(''recs'', ''rec_holdout'', 4)', '{"k": 2}')`)
	if got := sqltest.Table(t, db, `SELECT * FROM ml_evaluations`); got != last {
		t.Errorf("record changed by a call inside another call's source:\n%s\nwas\n%s", got, last)
	}

	// ml_drop removes the model's evaluations, not kmeans_select_k's of a
	// table that has the model's name.
	sqltest.Exec(t, db, `CREATE TABLE recs AS SELECT customer, count(*) AS lines, sum(qty) AS qty FROM buys GROUP BY customer`)
	sqltest.Exec(t, db, `SELECT count(*) FROM kmeans_select_k('recs', 2, 3)`)
	if n := sqltest.One[int64](t, db, `SELECT ml_drop('recs')`); n != 1 {
		t.Fatalf("ml_drop('recs') = %d", n)
	}
	if got := sqltest.Table(t, db, `SELECT subject, function FROM ml_evaluations`); got != "recs|kmeans_select_k\n" {
		t.Errorf("evaluations after ml_drop:\n%s", got)
	}
}

// TestEvalNotRecordedReadOnly: on a read-only connection (mode=ro, or
// PRAGMA query_only) recommend_eval answers as usual and records nothing.
func TestEvalNotRecordedReadOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "retail.db")
	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	loadRetail(t, db)
	sqltest.Exec(t, db, `CREATE VIEW rec_train AS SELECT customer, item FROM buys WHERE rowid % 5 <> 0`)
	sqltest.Exec(t, db, `CREATE VIEW rec_holdout AS SELECT customer, item FROM buys WHERE rowid % 5 = 0`)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'rec_train', '{"method": "popular"}')`)
	evalRows(t, db, `'recs', 'rec_holdout', 10`)
	recorded := sqltest.Table(t, db, `SELECT * FROM ml_evaluations`)

	ro, err := engine.Open(path, &engine.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got := evalRows(t, ro.DB(), `'recs', 'rec_holdout', 5`); len(got) != 7 || got[2].name != "precision@5" {
		t.Errorf("read-only recommend_eval: %v", got)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	if got := evalRows(t, conn, `'recs', 'rec_holdout', 3`); len(got) != 7 {
		t.Errorf("recommend_eval under query_only: %v", got)
	}
	if _, err := conn.ExecContext(context.Background(), `PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	if got := sqltest.Table(t, db, `SELECT * FROM ml_evaluations`); got != recorded {
		t.Errorf("read-only calls changed ml_evaluations:\n%s\nwas\n%s", got, recorded)
	}
}

// TestEvalPinnedCatalog: on a copy of the pinned recommend_v1.db (catalog
// version 1), a read-only recommend_eval leaves the file as it is, and one
// inside a statement that writes leaves the catalog at version 1 (SQLite
// cannot migrate it there); one in a SELECT of its own upgrades it to
// version 3 in place to record, and the models still give the pinned
// numbers.
func TestEvalPinnedCatalog(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../testdata/models/recommend_v1.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "recommend_v1.db")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	const call = `'knn', 'VALUES (1, ''d''), (2, ''e''), (3, ''f'')', 3`
	ro, err := engine.Open(path, &engine.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	want := evalRows(t, ro.DB(), call)
	ro.Close()
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(data) {
		t.Error("a read-only recommend_eval changed the file")
	}

	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	sqltest.Exec(t, db, `CREATE TABLE saved AS SELECT metric, value FROM recommend_eval(`+call+`)`)
	if saved := tableMetrics(t, db, `SELECT metric, value FROM saved`); !equalMetrics(saved, want) {
		t.Errorf("CREATE TABLE AS saved %v, want %v", saved, want)
	}
	if v := sqltest.One[int64](t, db, `SELECT version FROM ml_schema`); v != 1 {
		t.Errorf("catalog version %d after recommend_eval inside CREATE TABLE AS, want 1", v)
	}
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM sqlite_schema WHERE name = 'ml_evaluations'`); n != 0 {
		t.Error("ml_evaluations created inside CREATE TABLE AS")
	}
	got := evalRows(t, db, call)
	if !equalMetrics(got, want) {
		t.Errorf("read-write %v, read-only %v", got, want)
	}
	if v := sqltest.One[int64](t, db, `SELECT version FROM ml_schema`); v != 3 {
		t.Errorf("catalog version %d after recording, want 3", v)
	}
	args, result, _ := evaluation(t, db, "knn")
	if args != `{"holdout":"VALUES (1, 'd'), (2, 'e'), (3, 'f')","n":3}` || !equalMetrics(jsonMetrics(t, result), got) {
		t.Errorf("record %s %s, returned %v", args, result, got)
	}
	// As engine/pinned_test.go has them.
	if got := sqltest.Table(t, db, `SELECT rank, item, round(score, 5), reason FROM recommend('als', 2, 3)`); got != "1|f|0.33232|model\n2|c|0.23775|model\n3|e|-0.13878|model\n" {
		t.Errorf("als after the upgrade:\n%s", got)
	}
}

// TestEvalNoCatalog: on a database without a catalog recommend_eval fails
// (there is no model) and creates nothing.
func TestEvalNoCatalog(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT * FROM recommend_eval('recs', 'buys', 3)`), `recommend_eval: model not found: "recs"`)
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM sqlite_schema WHERE name LIKE 'ml\_%' ESCAPE '\'`); n != 0 {
		t.Errorf("%d catalog tables after recommend_eval", n)
	}
}

func equalMetrics(a, b []metric) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }
