package catalog

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// dump renders every row of q, one line per row, values joined by |.
func dump(t *testing.T, db *sql.DB, q string) string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var b strings.Builder
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for i, v := range vals {
			if i > 0 {
				b.WriteByte('|')
			}
			b.WriteString(v.String)
		}
		b.WriteByte('\n')
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

const evaluationsQuery = `SELECT subject, function, args, result, created_at FROM ml_evaluations ORDER BY subject, function`

func TestPutEvaluation(t *testing.T) {
	t.Parallel()
	db, c := openConn(t, nil)
	at := time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.FixedZone("CEST", 7200))
	e := &Evaluation{Subject: "recs", Function: "recommend_eval", Args: `{"holdout":"h","n":10}`, Result: `{"users":2}`, CreatedAt: at}

	if _, found, err := GetEvaluation(c, "recs", "recommend_eval"); found || err != nil {
		t.Fatalf("GetEvaluation without a catalog: %v %v", found, err)
	}
	// Read-only without a catalog: ErrReadOnly, and nothing is created.
	if _, err := db.Exec(`PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	if err := PutEvaluation(c, e); !errors.Is(err, ErrReadOnly) {
		t.Errorf("PutEvaluation under query_only without a catalog: %v, want ErrReadOnly", err)
	}
	if _, err := db.Exec(`PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM sqlite_schema`); n != 0 {
		t.Fatalf("a read-only PutEvaluation created %d objects", n)
	}
	// Without a catalog: it is created, as a first training would.
	if err := PutEvaluation(c, e); err != nil {
		t.Fatalf("PutEvaluation without a catalog: %v", err)
	}
	if v := count(t, db, `SELECT version FROM ml_schema`); v != SchemaVersion {
		t.Errorf("schema version %d after the first PutEvaluation, want %d", v, SchemaVersion)
	}
	for _, tbl := range []string{"ml_models", "ml_kmeans_centroids", "ml_evaluations"} {
		if ok, err := hasTable(c, tbl); !ok || err != nil {
			t.Errorf("table %s missing after the first PutEvaluation (%v)", tbl, err)
		}
	}
	if err := PutEvaluation(c, &Evaluation{Subject: "recs", Function: "kmeans_select_k", Args: `{}`, Result: `[]`, CreatedAt: at}); err != nil {
		t.Fatal(err)
	}
	want := "recs|kmeans_select_k|{}|[]|2024-05-06T05:08:09.123Z\nrecs|recommend_eval|{\"holdout\":\"h\",\"n\":10}|{\"users\":2}|2024-05-06T05:08:09.123Z\n"
	if got := dump(t, db, evaluationsQuery); got != want {
		t.Errorf("ml_evaluations:\n%s\nwant\n%s", got, want)
	}
	got, found, err := GetEvaluation(c, "recs", "recommend_eval")
	if err != nil || !found || got.Subject != e.Subject || got.Function != e.Function || got.Args != e.Args ||
		got.Result != e.Result || !got.CreatedAt.Equal(at) {
		t.Errorf("GetEvaluation = %+v, %v, %v; want %+v", got, found, err, e)
	}
	if _, found, err := GetEvaluation(c, "recs", "clv_eval"); found || err != nil {
		t.Errorf("GetEvaluation of a function never run: %v %v", found, err)
	}

	// A second result replaces the first.
	e2 := *e
	e2.Args, e2.Result, e2.CreatedAt = `{"holdout":"h","n":5}`, `{"users":3}`, at.Add(time.Second)
	if err := PutEvaluation(c, &e2); err != nil {
		t.Fatal(err)
	}
	want = "recs|kmeans_select_k|{}|[]|2024-05-06T05:08:09.123Z\nrecs|recommend_eval|{\"holdout\":\"h\",\"n\":5}|{\"users\":3}|2024-05-06T05:08:10.123Z\n"
	if got := dump(t, db, evaluationsQuery); got != want {
		t.Errorf("after replacing:\n%s\nwant\n%s", got, want)
	}

	// Read-only: ErrReadOnly, nothing changes.
	if _, err := db.Exec(`PRAGMA query_only = 1`); err != nil {
		t.Fatal(err)
	}
	if err := PutEvaluation(c, e); !errors.Is(err, ErrReadOnly) {
		t.Errorf("PutEvaluation under query_only: %v, want ErrReadOnly", err)
	}
	if _, err := db.Exec(`PRAGMA query_only = 0`); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, db, evaluationsQuery); got != want {
		t.Errorf("after a read-only PutEvaluation:\n%s\nwant\n%s", got, want)
	}
	if !c.AutoCommit() {
		t.Error("a transaction was left open")
	}
}

// TestPutEvaluationInWriteStatement calls PutEvaluation from a SQL function
// run by statements that write, where SQLite opens no savepoint: into a
// current catalog the record is one INSERT OR REPLACE, which belongs to the
// statement (kept when it succeeds, rolled back with it when it fails); a
// catalog that is missing or older is neither created nor migrated there
// (ErrInWriteStatement, nothing written), and the statement goes on.
func TestPutEvaluationInWriteStatement(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		catalog func(t *testing.T, db *sql.DB, c codedConn)
		want    error  // from PutEvaluation
		tables  string // the ml_ tables afterwards
	}{
		{"no catalog", func(*testing.T, *sql.DB, codedConn) {}, ErrInWriteStatement, ""},
		{"version 2", func(t *testing.T, db *sql.DB, _ codedConn) { v2Catalog(t, db) }, ErrInWriteStatement,
			"ml_assoc_rules ml_clv_customers ml_kmeans_assignments ml_kmeans_centroids ml_lda_doc_topics ml_lda_topic_words ml_models ml_schema"},
		{"current", func(t *testing.T, _ *sql.DB, c codedConn) {
			if err := Migrate(c); err != nil {
				t.Fatal(err)
			}
		}, nil, "ml_assoc_rules ml_clv_customers ml_evaluations ml_kmeans_assignments ml_kmeans_centroids ml_lda_doc_topics ml_lda_topic_words ml_models ml_schema"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var errs []error
			db, c := openConn(t, func(conn *sqlite3.SQLiteConn) error {
				return conn.RegisterFunc("record", func(subject string, n int64) int64 {
					errs = append(errs, PutEvaluation(codedConn{conn}, &Evaluation{Subject: subject, Function: "test_eval",
						Args: `{}`, Result: fmt.Sprintf(`{"n":%d}`, n)}))
					return n
				}, false)
			})
			tc.catalog(t, db, c)
			version := count(t, db, `SELECT count(*) FROM sqlite_schema WHERE name = 'ml_schema'`)
			if version > 0 {
				version = count(t, db, `SELECT version FROM ml_schema`)
			}
			for _, q := range []string{
				`CREATE TABLE t AS SELECT record('ctas', 1) AS n`,
				`INSERT INTO t SELECT record('insert', 2)`,
				`UPDATE t SET n = record('update', 3) WHERE n = 1`,
				`INSERT INTO t SELECT record('insert', 4)`, // replaces the earlier record
			} {
				if _, err := db.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			if got := dump(t, db, `SELECT n FROM t ORDER BY n`); got != "2\n3\n4\n" {
				t.Errorf("rows written by the statements:\n%s", got)
			}
			if len(errs) != 4 {
				t.Fatalf("record ran %d times, want 4", len(errs))
			}
			for i, err := range errs {
				if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
					t.Errorf("PutEvaluation %d: %v, want %v", i+1, err, tc.want)
				}
			}
			if got := strings.TrimSpace(dump(t, db, `SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE name LIKE 'ml\_%' ESCAPE '\' AND type = 'table' ORDER BY name)`)); got != tc.tables {
				t.Errorf("tables %q, want %q", got, tc.tables)
			}
			if version > 0 {
				if v := count(t, db, `SELECT version FROM ml_schema`); v != version {
					t.Errorf("schema version %d, was %d", v, version)
				}
			}
			if tc.want != nil {
				return
			}
			if got, want := dump(t, db, `SELECT subject, result FROM ml_evaluations ORDER BY subject`),
				"ctas|{\"n\":1}\ninsert|{\"n\":4}\nupdate|{\"n\":3}\n"; got != want {
				t.Errorf("ml_evaluations:\n%s\nwant\n%s", got, want)
			}
			// A statement that fails takes its record back with it.
			if _, err := db.Exec(`CREATE TABLE u(n INTEGER PRIMARY KEY)`); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(`INSERT INTO u SELECT record('failed', 6) UNION ALL SELECT 6`); err == nil {
				t.Fatal("the duplicate key was accepted")
			}
			if len(errs) != 5 || errs[4] != nil {
				t.Fatalf("record in the failing statement: %v", errs[4:])
			}
			if n := count(t, db, `SELECT count(*) FROM ml_evaluations WHERE subject = 'failed'`); n != 0 {
				t.Errorf("%d records of failed statements", n)
			}
			if !c.AutoCommit() {
				t.Error("a transaction was left open")
			}
		})
	}
}

// TestDropDeletesEvaluations: dropping a model deletes its evaluations but
// not kmeans_select_k's of a source that has the model's name, nor another
// model's.
func TestDropDeletesEvaluations(t *testing.T) {
	t.Parallel()
	db, c := openConn(t, nil)
	if err := Migrate(c); err != nil {
		t.Fatal(err)
	}
	if err := Put(c, &Model{Name: "m", Kind: "recommend", Options: `{}`, Metrics: `{}`, Params: Seal("recommend", []byte{1})}); err != nil {
		t.Fatal(err)
	}
	for _, e := range []Evaluation{
		{Subject: "m", Function: "recommend_eval"}, {Subject: "m", Function: "kmeans_select_k"},
		{Subject: "other", Function: "recommend_eval"},
	} {
		e.Args, e.Result = `{}`, `{}`
		if err := PutEvaluation(c, &e); err != nil {
			t.Fatal(err)
		}
	}
	if existed, err := Drop(c, "m"); !existed || err != nil {
		t.Fatalf("Drop = %v, %v", existed, err)
	}
	if got, want := dump(t, db, `SELECT subject, function FROM ml_evaluations ORDER BY 1, 2`), "m|kmeans_select_k\nother|recommend_eval\n"; got != want {
		t.Errorf("after Drop:\n%s\nwant\n%s", got, want)
	}
}

// v2Catalog creates a catalog as version 2 wrote it, with one model and
// one centroid row.
func v2Catalog(t *testing.T, db *sql.DB) {
	t.Helper()
	stmts := []string{`CREATE TABLE ml_schema(version INTEGER NOT NULL)`, `INSERT INTO ml_schema VALUES (2)`, modelsDDL}
	for _, st := range SideTables {
		stmts = append(stmts, st.DDL)
	}
	stmts = append(stmts, `INSERT INTO ml_models VALUES ('m', 'kmeans', 1, '2024-01-01T00:00:00.000Z', 'pts', '{}', '{}', 1, 0, 1, x'00')`,
		`INSERT INTO ml_kmeans_centroids VALUES ('m', 1, 'x', 2.5, NULL)`)
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMigrateFromVersion2: a version-2 catalog gains an empty
// ml_evaluations and keeps every row; Drop works on it before the upgrade.
func TestMigrateFromVersion2(t *testing.T) {
	t.Parallel()
	db, c := openConn(t, nil)
	v2Catalog(t, db)
	if existed, err := Drop(c, "never"); existed || err != nil {
		t.Fatalf("Drop on a version-2 catalog: %v, %v", existed, err)
	}
	for i := 0; i < 2; i++ {
		if err := Migrate(c); err != nil {
			t.Fatal(err)
		}
	}
	if v := count(t, db, `SELECT version FROM ml_schema`); v != 3 {
		t.Errorf("schema version %d, want 3", v)
	}
	if n := count(t, db, `SELECT count(*) FROM ml_evaluations`); n != 0 {
		t.Errorf("%d rows in the new ml_evaluations", n)
	}
	if got := dump(t, db, `SELECT name, version FROM ml_models UNION ALL SELECT model, value FROM ml_kmeans_centroids`); got != "m|1\nm|2.5\n" {
		t.Errorf("rows after the upgrade:\n%s", got)
	}
}

// TestPutEvaluationMigrates: recording into a version-2 catalog upgrades it
// in the same savepoint.
func TestPutEvaluationMigrates(t *testing.T) {
	t.Parallel()
	db, c := openConn(t, nil)
	v2Catalog(t, db)
	if err := PutEvaluation(c, &Evaluation{Subject: "pts", Function: "kmeans_select_k", Args: `{}`, Result: `[]`}); err != nil {
		t.Fatal(err)
	}
	if v := count(t, db, `SELECT version FROM ml_schema`); v != 3 {
		t.Errorf("schema version %d, want 3", v)
	}
	if got := dump(t, db, `SELECT subject, function FROM ml_evaluations`); got != "pts|kmeans_select_k\n" {
		t.Errorf("ml_evaluations:\n%s", got)
	}
}

// TestMigratePinnedFiles upgrades a copy of every pinned model file
// (testdata/models, written at catalog versions 1 and 2) in place: the
// version becomes 3, ml_evaluations appears empty, and every model and side
// row stays as it was.
func TestMigratePinnedFiles(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("../testdata/models/*.db")
	if err != nil || len(files) == 0 {
		t.Fatalf("no pinned model files: %v", err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			cp := filepath.Join(t.TempDir(), filepath.Base(f))
			if err := os.WriteFile(cp, data, 0o644); err != nil {
				t.Fatal(err)
			}
			db, c := openDSN(t, "file:"+cp, nil)
			v := count(t, db, `SELECT version FROM ml_schema`)
			if v < 1 || v >= SchemaVersion {
				t.Fatalf("pinned file at catalog version %d", v)
			}
			// The side tables the file has, and their columns as written.
			var tables []string
			for _, st := range SideTables {
				if ok, err := hasTable(c, st.Name); err != nil {
					t.Fatal(err)
				} else if ok {
					tables = append(tables, st.Name)
				}
			}
			rows := func() string {
				out := dump(t, db, `SELECT name, kind, version, created_at, options, metrics, n_rows, format, hex(params) FROM ml_models ORDER BY name`)
				for _, name := range tables {
					cols := "*"
					if name == "ml_kmeans_centroids" {
						cols = "model, cluster, feature, value" // version 1 has no source_cluster
					}
					out += name + "\n" + dump(t, db, `SELECT `+cols+` FROM `+name+` ORDER BY 1, 2, 3`)
				}
				return out
			}
			before := rows()
			if err := Migrate(c); err != nil {
				t.Fatal(err)
			}
			if got := count(t, db, `SELECT version FROM ml_schema`); got != SchemaVersion {
				t.Errorf("version %d after Migrate, want %d", got, SchemaVersion)
			}
			if n := count(t, db, `SELECT count(*) FROM ml_evaluations`); n != 0 {
				t.Errorf("%d rows in the new ml_evaluations", n)
			}
			if after := rows(); after != before {
				t.Errorf("rows changed by the upgrade:\n%s\nwas\n%s", after, before)
			}
		})
	}
}
