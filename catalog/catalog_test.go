package catalog

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

var driverSeq atomic.Int64

// codedConn gives the driver's errors the ResultCode method the catalog reads
// (as the project's own binding's errors have).
type codedConn struct{ *sqlite3.SQLiteConn }

func (c codedConn) Exec(query string, args []driver.Value) (driver.Result, error) {
	r, err := c.SQLiteConn.Exec(query, args)
	return r, coded(err)
}

func (c codedConn) Query(query string, args []driver.Value) (driver.Rows, error) {
	r, err := c.SQLiteConn.Query(query, args)
	return r, coded(err)
}

type codedError struct{ err sqlite3.Error }

func (e codedError) Error() string   { return e.err.Error() }
func (e codedError) ResultCode() int { return int(e.err.Code) }

func coded(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		return codedError{se}
	}
	return err
}

// openConn opens a private in-memory database and returns a pool of one
// connection and that connection. hook, if set, runs on the connection at
// open (to register test functions).
func openConn(t *testing.T, hook func(*sqlite3.SQLiteConn) error) (*sql.DB, codedConn) {
	t.Helper()
	return openDSN(t, "file::memory:", hook)
}

// openDSN is openConn on the database dsn names.
func openDSN(t *testing.T, dsn string, hook func(*sqlite3.SQLiteConn) error) (*sql.DB, codedConn) {
	t.Helper()
	var conn *sqlite3.SQLiteConn
	name := fmt.Sprintf("catalog_test_%d", driverSeq.Add(1))
	sql.Register(name, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		conn = c
		if hook != nil {
			return hook(c)
		}
		return nil
	}})
	db, err := sql.Open(name, dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	t.Cleanup(func() { db.Close() })
	if err := db.Ping(); err != nil {
		t.Fatal(err)
	}
	return db, codedConn{conn}
}

func count(t *testing.T, db *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

func TestCheckName(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"segments", true}, {"_x", true}, {"A1_b2", true}, {strings.Repeat("m", 64), true},
		{"", false}, {"1abc", false}, {"my model", false}, {"it's", false}, {`a"b`, false},
		{"a-b", false}, {"a;DROP", false}, {strings.Repeat("m", 65), false}, {"é", false}, {"a\n", false},
	} {
		t.Run(fmt.Sprintf("%q", tc.name), func(t *testing.T) {
			err := CheckName(tc.name)
			if (err == nil) != tc.ok {
				t.Fatalf("CheckName(%q) = %v, want ok=%v", tc.name, err, tc.ok)
			}
			if err != nil && !strings.Contains(err.Error(), fmt.Sprintf("%q", tc.name)) {
				t.Errorf("error %q does not quote the name", err)
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	t.Parallel()
	db, c := openConn(t, nil)
	for i := 0; i < 2; i++ { // idempotent
		if err := Migrate(c); err != nil {
			t.Fatal(err)
		}
	}
	for _, tbl := range []string{"ml_schema", "ml_models", "ml_kmeans_centroids", "ml_kmeans_assignments", "ml_evaluations"} {
		if n := count(t, db, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, tbl); n != 1 {
			t.Errorf("table %s missing", tbl)
		}
	}
	if v := count(t, db, `SELECT version FROM ml_schema`); v != SchemaVersion {
		t.Errorf("schema version %d, want %d", v, SchemaVersion)
	}
	if n := count(t, db, `SELECT count(*) FROM ml_schema`); n != 1 {
		t.Errorf("ml_schema has %d rows", n)
	}
	if _, err := db.Exec(`UPDATE ml_schema SET version = ?`, SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	err := Migrate(c)
	if !errors.Is(err, ErrSchemaTooNew) || !strings.Contains(err.Error(), "upgrade marketsql") {
		t.Errorf("Migrate on a newer catalog: %v", err)
	}
}

func TestPutGetDrop(t *testing.T) {
	t.Parallel()
	db, c := openConn(t, nil)
	if _, err := Get(c, "m"); !errors.Is(err, ErrModelNotFound) {
		t.Fatalf("Get without a catalog: %v", err)
	}
	if _, err := GetStamp(c, "m"); !errors.Is(err, ErrModelNotFound) {
		t.Fatalf("GetStamp without a catalog: %v", err)
	}
	if existed, err := Drop(c, "m"); existed || err != nil {
		t.Fatalf("Drop without a catalog: %v %v", existed, err)
	}
	if err := Migrate(c); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.UTC)
	m := &Model{Name: "m", Kind: "kmeans", CreatedAt: at, Source: "rfm", Options: `{"k":2}`, Metrics: `{}`,
		NRows: 10, TrainSeconds: 0.5, Params: Seal("kmeans", []byte{1, 2, 3})}
	if err := Put(c, m); err != nil {
		t.Fatal(err)
	}
	if m.Version != 1 || m.Format != FormatVersion {
		t.Errorf("version %d format %d after the first Put", m.Version, m.Format)
	}
	got, err := Get(c, "m")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "m" || got.Kind != "kmeans" || got.Version != 1 || !got.CreatedAt.Equal(at) || got.Source != "rfm" ||
		got.Options != `{"k":2}` || got.NRows != 10 || got.TrainSeconds != 0.5 || string(got.Params) != string(m.Params) {
		t.Errorf("Get = %+v, want %+v", got, m)
	}
	s1, err := GetStamp(c, "m")
	if err != nil {
		t.Fatal(err)
	}
	m2 := *m
	m2.Params = Seal("kmeans", []byte{4, 5})
	if err := Put(c, &m2); err != nil {
		t.Fatal(err)
	}
	if m2.Version != 2 {
		t.Errorf("version %d after the second Put, want 2", m2.Version)
	}
	if s2, _ := GetStamp(c, "m"); s2 == s1 {
		t.Errorf("stamp unchanged after replacing the model: %+v", s2)
	}
	if n := count(t, db, `SELECT count(*) FROM ml_models`); n != 1 {
		t.Errorf("%d rows in ml_models, want 1", n)
	}
	if err := Put(c, &Model{Name: "bad name"}); err == nil {
		t.Error("Put accepted a bad name")
	}
	// Side rows of m and of another model.
	for _, q := range []string{
		`INSERT INTO ml_kmeans_centroids VALUES ('m', 1, 'a', 1.0, NULL), ('other', 1, 'a', 2.0, 0)`,
		`INSERT INTO ml_kmeans_assignments VALUES ('m', 1, 1, 0.5), ('m', 'x', 1, 0.5), ('other', 1, 1, 0.1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	existed, err := Drop(c, "m")
	if !existed || err != nil {
		t.Fatalf("Drop = %v, %v", existed, err)
	}
	for tbl, want := range map[string]int64{"ml_models": 0, "ml_kmeans_centroids": 1, "ml_kmeans_assignments": 1} {
		if n := count(t, db, `SELECT count(*) FROM `+tbl); n != want {
			t.Errorf("%s has %d rows after Drop, want %d", tbl, n, want)
		}
	}
	if existed, err := Drop(c, "m"); existed || err != nil {
		t.Errorf("second Drop = %v, %v", existed, err)
	}
	if _, err := Get(c, "m"); !errors.Is(err, ErrModelNotFound) || !strings.Contains(err.Error(), `"m"`) {
		t.Errorf("Get after Drop: %v", err)
	}
	if _, err := Drop(c, "a'b"); err == nil {
		t.Error("Drop accepted a bad name")
	}
}

func TestInTx(t *testing.T) {
	t.Parallel()
	db, c := openConn(t, nil)
	if _, err := db.Exec(`CREATE TABLE t(x)`); err != nil {
		t.Fatal(err)
	}
	insert := func(v int) func() error {
		return func() error { _, err := c.Exec(`INSERT INTO t VALUES (?)`, []driver.Value{int64(v)}); return err }
	}
	if err := InTx(c, "ok", insert(1)); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := InTx(c, "fail", func() error { insert(2)(); return boom })
	if !errors.Is(err, boom) {
		t.Errorf("InTx returned %v, want boom", err)
	}
	func() {
		defer func() {
			if r := recover(); r == nil {
				t.Error("the panic did not continue")
			}
		}()
		InTx(c, "panics", func() error { insert(3)(); panic("x") })
	}()
	// Nested: the inner failure rolls back only the inner writes.
	err = InTx(c, "outer", func() error {
		insert(4)()
		InTx(c, "inner", func() error { insert(5)(); return boom })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	rows, _ := db.Query(`SELECT x FROM t ORDER BY x`)
	for rows.Next() {
		var x string
		rows.Scan(&x)
		got = append(got, x)
	}
	rows.Close()
	if strings.Join(got, ",") != "1,4" {
		t.Errorf("rows %v, want 1,4", got)
	}
	if !c.AutoCommit() {
		t.Error("a transaction was left open")
	}
}

// TestInTxInterrupted runs InTx from a SQL function whose statement is
// interrupted after the savepoint wrote a row: SQLite then refuses ROLLBACK
// TO, and InTx must still leave no transaction and no row behind.
func TestInTxInterrupted(t *testing.T) {
	t.Parallel()
	var inner error
	db, c := openConn(t, func(c *sqlite3.SQLiteConn) error {
		return c.RegisterFunc("write_then_wait", func() (int64, error) {
			inner = InTx(codedConn{c}, "ml_test", func() error {
				if _, err := c.Exec(`INSERT INTO ml_models VALUES ('half', 'kmeans', 1, '', '', '{}', '{}', 0, 0, 1, x'00')`, nil); err != nil {
					return err
				}
				for i := 0; i < 5000; i++ { // until the statement is interrupted
					if _, err := c.Exec(`SELECT 1`, nil); err != nil {
						return err
					}
					time.Sleep(time.Millisecond)
				}
				return errors.New("not interrupted")
			})
			return 0, inner
		}, false)
	})
	if err := Migrate(c); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	var v int64
	if err := db.QueryRowContext(ctx, `SELECT write_then_wait()`).Scan(&v); err == nil {
		t.Fatal("the statement was not interrupted")
	}
	if inner == nil || !strings.Contains(inner.Error(), "interrupt") {
		t.Fatalf("InTx returned %v, want interrupted", inner)
	}
	if !c.AutoCommit() {
		t.Error("a transaction was left open")
	}
	if n := count(t, db, `SELECT count(*) FROM ml_models`); n != 0 {
		t.Errorf("%d half-written rows are visible", n)
	}
}

// TestMigrateFromVersion1 upgrades a catalog as version 1 wrote it: the
// centroids table gains source_cluster (NULL for the models already there)
// and every row stays.
func TestMigrateFromVersion1(t *testing.T) {
	t.Parallel()
	db, c := openConn(t, nil)
	for _, s := range []string{
		`CREATE TABLE ml_schema(version INTEGER NOT NULL)`, `INSERT INTO ml_schema VALUES (1)`, modelsDDL,
		`CREATE TABLE ml_kmeans_centroids(model TEXT NOT NULL, cluster INTEGER NOT NULL, feature TEXT NOT NULL,
			value REAL NOT NULL, PRIMARY KEY (model, cluster, feature)) WITHOUT ROWID`,
		`INSERT INTO ml_kmeans_centroids VALUES ('m', 1, 'x', 2.5)`,
	} {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ {
		if err := Migrate(c); err != nil {
			t.Fatal(err)
		}
	}
	if v := count(t, db, `SELECT version FROM ml_schema`); v != SchemaVersion {
		t.Errorf("schema version %d, want %d", v, SchemaVersion)
	}
	if n := count(t, db, `SELECT count(*) FROM ml_kmeans_centroids WHERE model = 'm' AND value = 2.5 AND source_cluster IS NULL`); n != 1 {
		t.Errorf("%d upgraded centroid rows, want 1", n)
	}
	if _, err := db.Exec(`INSERT INTO ml_kmeans_centroids VALUES ('n', 1, 'x', 1, 0)`); err != nil {
		t.Errorf("insert with source_cluster after the upgrade: %v", err)
	}
}
