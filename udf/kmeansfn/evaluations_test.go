package kmeansfn_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/datasets"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// openRetailRFM opens a new database file with the bundled Online Retail
// sample (testdata/online-retail, UCI, CC BY 4.0) imported as retail_raw
// (TEXT columns, as the shell's .import makes it) and examples/rfm.sql run
// on it: customer_rfm and the view rfm_log (4,334 customers, as
// testdata/kmeans_rfm/rfm_sklearn.json counts them).
func openRetailRFM(t *testing.T) (*engine.Engine, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "retail.db")
	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	db := e.DB()
	r, err := datasets.OpenCSV("../../testdata/online-retail/online_retail.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	head := make([]string, len(r.Column))
	for name, i := range r.Column {
		head[i] = `"` + name + `" TEXT`
	}
	sqltest.Exec(t, db, `CREATE TABLE retail_raw(`+strings.Join(head, ", ")+`)`)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	ins, err := tx.Prepare(`INSERT INTO retail_raw VALUES (` + strings.TrimSuffix(strings.Repeat("?, ", len(head)), ", ") + `)`)
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]any, len(head))
	for {
		rec, err := r.Read()
		if err != nil {
			break // io.EOF; a damaged file fails the row count below
		}
		for i, v := range rec {
			vals[i] = v
		}
		if _, err := ins.Exec(vals...); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile("../../examples/rfm.sql")
	if err != nil {
		t.Fatal(err)
	}
	sqltest.Exec(t, db, string(script))
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM rfm_log`); n != 4334 {
		t.Fatalf("rfm_log has %d customers, want 4334", n)
	}
	return e, path
}

// selectKRow is one row of kmeans_select_k; its JSON form is the recorded one.
type selectKRow struct {
	K                int64    `json:"k"`
	Inertia          float64  `json:"inertia"`
	Silhouette       *float64 `json:"silhouette"`
	DaviesBouldin    *float64 `json:"davies_bouldin"`
	CalinskiHarabasz *float64 `json:"calinski_harabasz"`
	Iterations       int64    `json:"iterations"`
}

type querier interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

// selectK runs kmeans_select_k(args) on db and returns its rows.
func selectK(t *testing.T, db querier, args string) []selectKRow {
	t.Helper()
	return selectKRows(t, db, `SELECT * FROM kmeans_select_k(`+args+`)`)
}

// selectKRows returns the rows of q, which has kmeans_select_k's columns.
func selectKRows(t *testing.T, db querier, q string) []selectKRow {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []selectKRow
	for rows.Next() {
		var r selectKRow
		if err := rows.Scan(&r.K, &r.Inertia, &r.Silhouette, &r.DaviesBouldin, &r.CalinskiHarabasz, &r.Iterations); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// recorded returns the recorded args and rows of kmeans_select_k on subject.
func recorded(t *testing.T, db *sql.DB, subject string) (args string, rows []selectKRow, result, created string) {
	t.Helper()
	err := db.QueryRow(`SELECT args, result, created_at FROM ml_evaluations WHERE subject = ? AND function = 'kmeans_select_k'`, subject).
		Scan(&args, &result, &created)
	if err != nil {
		t.Fatalf("record of %q: %v", subject, err)
	}
	if err := json.Unmarshal([]byte(result), &rows); err != nil {
		t.Fatalf("result %s: %v", result, err)
	}
	return args, rows, result, created
}

func sameRows(a, b []selectKRow) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return len(a) > 0 && string(x) == string(y)
}

// TestSelectKRecorded: kmeans_select_k on the Online Retail RFM table, as
// examples/demo.sql runs it before training anything, creates the catalog
// to record exactly the rows it returns per source, replaced by the next
// run, also from inside a statement that writes (INSERT ... SELECT, CREATE
// TABLE ... AS) once the catalog exists; it records nothing from a
// read-only connection, nor from a writing statement in a database without
// a catalog, which stays without one.
func TestSelectKRecorded(t *testing.T) {
	t.Parallel()
	e, path := openRetailRFM(t)
	db := e.DB()
	catalogTables := `SELECT count(*) FROM sqlite_schema WHERE name LIKE 'ml\_%' ESCAPE '\'`

	// No catalog and a statement that writes: the rows are saved, and the
	// catalog, which SQLite cannot create there, is not.
	sqltest.Exec(t, db, `CREATE TABLE picked AS SELECT * FROM kmeans_select_k('rfm_log', 2, 3, '{"seed": 3}')`)
	sqltest.Exec(t, db, `INSERT INTO picked SELECT * FROM kmeans_select_k('rfm_log', 4, 4, '{"seed": 3}')`)
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM picked`); n != 3 {
		t.Errorf("%d rows saved for k = 2..4", n)
	}
	if n := sqltest.One[int64](t, db, catalogTables); n != 0 {
		t.Fatalf("kmeans_select_k in statements that write created %d catalog tables", n)
	}

	// Before any training, in a SELECT of its own: the catalog is created.
	before := time.Now().UTC().Truncate(time.Millisecond)
	got := selectK(t, db, `'  rfm_log
', 2, 4, '{"seed": 3, "n_init": 2}'`)
	after := time.Now().UTC()
	if len(got) != 3 {
		t.Fatalf("%d rows for k = 2..4", len(got))
	}
	if v := sqltest.One[int64](t, db, `SELECT version FROM ml_schema`); v != 3 {
		t.Errorf("catalog version %d after kmeans_select_k, want 3", v)
	}
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM ml_models`); n != 0 {
		t.Errorf("%d models after kmeans_select_k alone", n)
	}
	args, rec, result, created := recorded(t, db, "rfm_log")
	if args != `{"k_min":2,"k_max":4,"options":{"seed":3,"n_init":2}}` {
		t.Errorf("args %s", args)
	}
	if !sameRows(rec, got) {
		t.Errorf("recorded %s, returned %+v", result, got)
	}
	if !strings.HasPrefix(result, `[{"k":2,"inertia":`) || !strings.Contains(result, `,"silhouette":0.`) || !strings.Contains(result, `,"iterations":`) {
		t.Errorf("result %s: want one object per k, keys in column order", result)
	}
	at, err := time.Parse("2006-01-02T15:04:05.000Z", created)
	if err != nil || at.Before(before) || at.After(after) {
		t.Errorf("created_at %q, want the time of the call (between %v and %v)", created, before, after)
	}

	// Training then uses the catalog kmeans_select_k created.
	sqltest.One[string](t, db, `SELECT kmeans_train('segments', 'rfm_log', '{"k": 4}')`)

	// The next run on the same source replaces the record; k = 1 has no
	// silhouette (null). A query is a source of its own.
	got = selectK(t, db, `'rfm_log', 1, 2`)
	args, rec, result, _ = recorded(t, db, "rfm_log")
	if args != `{"k_min":1,"k_max":2,"options":{}}` || !sameRows(rec, got) || !strings.Contains(result, `"silhouette":null`) {
		t.Errorf("second run: args %s result %s, returned %+v", args, result, got)
	}
	const query = `SELECT customer_id, log_recency, log_monetary FROM rfm_log`
	got = selectK(t, db, `'`+query+`', 3, 3, json_object('seed', 1)`)
	if args, rec, _, _ := recorded(t, db, query); args != `{"k_min":3,"k_max":3,"options":{"seed":1}}` || !sameRows(rec, got) {
		t.Errorf("query source: args %s rows %+v, returned %+v", args, rec, got)
	}
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM ml_evaluations`); n != 2 {
		t.Errorf("%d records, want one per source", n)
	}
	last := sqltest.Table(t, db, `SELECT * FROM ml_evaluations ORDER BY subject`)
	unchanged := func(what string) {
		t.Helper()
		if got := sqltest.Table(t, db, `SELECT * FROM ml_evaluations ORDER BY subject`); got != last {
			t.Errorf("%s changed ml_evaluations:\n%s\nwas\n%s", what, got, last)
		}
	}

	// Read-only connections answer and record nothing.
	ro, err := engine.Open(path, &engine.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if got := selectK(t, ro.DB(), `'rfm_log', 2, 3`); len(got) != 2 {
		t.Errorf("read-only: %d rows", len(got))
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	if got := selectK(t, conn, `'rfm_log', 2, 3`); len(got) != 2 {
		t.Errorf("query_only: %d rows", len(got))
	}
	if _, err := conn.ExecContext(context.Background(), `PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	unchanged("read-only kmeans_select_k")

	// Inside a statement that writes, into the existing catalog: the rows
	// are saved and recorded.
	sqltest.Exec(t, db, `CREATE TABLE picked5 AS SELECT * FROM kmeans_select_k('rfm_log', 5, 5)`)
	saved := selectKRows(t, db, `SELECT * FROM picked5`)
	if len(saved) != 1 || saved[0].K != 5 {
		t.Errorf("CREATE TABLE AS kmeans_select_k saved %+v", saved)
	}
	if args, rec, result, _ := recorded(t, db, "rfm_log"); args != `{"k_min":5,"k_max":5,"options":{}}` || !sameRows(rec, saved) {
		t.Errorf("inside CREATE TABLE AS: recorded %s %s, saved %+v", args, result, saved)
	}
	sqltest.Exec(t, db, `INSERT INTO picked SELECT * FROM kmeans_select_k('rfm_log', 6, 7, '{"seed": 2}')`)
	saved = selectKRows(t, db, `SELECT * FROM picked WHERE k >= 6 ORDER BY k`)
	if len(saved) != 2 {
		t.Errorf("INSERT ... SELECT kmeans_select_k saved %+v", saved)
	}
	if args, rec, result, _ := recorded(t, db, "rfm_log"); args != `{"k_min":6,"k_max":7,"options":{"seed":2}}` || !sameRows(rec, saved) {
		t.Errorf("inside INSERT ... SELECT: recorded %s %s, saved %+v", args, result, saved)
	}
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM ml_evaluations`); n != 2 {
		t.Errorf("%d records, want one per source", n)
	}
	last = sqltest.Table(t, db, `SELECT * FROM ml_evaluations ORDER BY subject`)

	// Dropping a model, even one named as the source, leaves the source's records.
	sqltest.One[string](t, db, `SELECT kmeans_train('rfm_log', 'rfm_log', '{"k": 2}')`)
	sqltest.Exec(t, db, `SELECT ml_drop('segments'), ml_drop('rfm_log')`)
	unchanged("ml_drop")
}

// TestSelectKPinnedCatalog: on a copy of the pinned kmeans_v1.db (catalog
// version 1), a read-only kmeans_select_k leaves the file as it is, and one
// inside a statement that writes leaves the catalog at version 1 (SQLite
// cannot migrate it there); one in a SELECT of its own upgrades the catalog
// to version 3 in place to record, and the model still gives the pinned
// numbers.
func TestSelectKPinnedCatalog(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../testdata/models/kmeans_v1.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "kmeans_v1.db")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	const call = `'customers', 2, 4, '{"seed": 1}'`
	ro, err := engine.Open(path, &engine.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	want := selectK(t, ro.DB(), call)
	ro.Close()
	if after, err := os.ReadFile(path); err != nil || string(after) != string(data) {
		t.Errorf("a read-only kmeans_select_k changed the file (%v)", err)
	}

	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	sqltest.Exec(t, db, `CREATE TABLE picked AS SELECT * FROM kmeans_select_k(`+call+`)`)
	if saved := selectKRows(t, db, `SELECT * FROM picked`); !sameRows(saved, want) {
		t.Errorf("CREATE TABLE AS saved %+v, want %+v", saved, want)
	}
	if v := sqltest.One[int64](t, db, `SELECT version FROM ml_schema`); v != 1 {
		t.Errorf("catalog version %d after kmeans_select_k inside CREATE TABLE AS, want 1", v)
	}
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM sqlite_schema WHERE name = 'ml_evaluations'`); n != 0 {
		t.Error("ml_evaluations created inside CREATE TABLE AS")
	}
	got := selectK(t, db, call)
	if !sameRows(got, want) {
		t.Errorf("read-write %+v, read-only %+v", got, want)
	}
	if v := sqltest.One[int64](t, db, `SELECT version FROM ml_schema`); v != 3 {
		t.Errorf("catalog version %d after recording, want 3", v)
	}
	if args, rec, _, _ := recorded(t, db, "customers"); args != `{"k_min":2,"k_max":4,"options":{"seed":1}}` || !sameRows(rec, got) {
		t.Errorf("record %s %+v, returned %+v", args, rec, got)
	}
	// As engine/pinned_test.go has them.
	if got := sqltest.Table(t, db, `SELECT cluster, feature, round(value, 9) FROM kmeans_centroids('segments') ORDER BY cluster, feature`); got != "1|frequency|20\n1|monetary|3000\n1|recency|10\n2|frequency|3\n2|monetary|200\n2|recency|100\n3|frequency|1\n3|monetary|49.5\n3|recency|298.75\n" {
		t.Errorf("centroids after the upgrade:\n%s", got)
	}
}
