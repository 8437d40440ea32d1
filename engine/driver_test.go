package engine_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// sql.Open("marketsql", path) gives the same functions and file settings as
// engine.Open (the file's journal mode untouched), and a model trained
// through it is read back by engine.Open.
func TestDriverName(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shop.db")
	db, err := sql.Open(engine.DriverName, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var mode string
	if err := db.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "delete" {
		t.Fatalf("journal_mode = %q, %v; want delete, as a new SQLite file has", mode, err)
	}
	if _, err := db.Exec(`CREATE TABLE c(id INTEGER, x REAL, y REAL);
		INSERT INTO c VALUES (1, 0, 0), (2, 0, 1), (3, 9, 9), (4, 9, 8), (5, 8, 9)`); err != nil {
		t.Fatal(err)
	}
	var summary string
	if err := db.QueryRow(`SELECT kmeans_train('seg', 'c', '{"k": 2}')`).Scan(&summary); err != nil {
		t.Fatal(err)
	}
	db.Close()

	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var cluster int
	if err := e.DB().QueryRow(`SELECT kmeans_assign('seg', 9, 9)`).Scan(&cluster); err != nil || cluster != 1 {
		t.Fatalf("kmeans_assign = %d, %v; want 1 (the larger cluster)", cluster, err)
	}
}

// :memory: engines share one database across the pool.
func TestMemoryIsOneDatabase(t *testing.T) {
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	if _, err := db.Exec(`CREATE TABLE t(x)`); err != nil {
		t.Fatal(err)
	}
	// Two concurrent users of the pool still see the same table.
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("count = %d, %v", n, err)
	}
}

// sql.Open("marketsql", ":memory:") is one database per sql.DB, whatever
// connection of its pool runs a statement, and two sql.DBs do not share.
func TestDriverMemory(t *testing.T) {
	a, err := sql.Open(engine.DriverName, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := sql.Open(engine.DriverName, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// Hold one connection so the next statement runs on another one.
	held, err := a.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := held.ExecContext(context.Background(), `CREATE TABLE t(x); INSERT INTO t VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := a.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("another connection of the pool: count = %d, %v", n, err)
	}
	held.Close()
	if err := b.QueryRow(`SELECT count(*) FROM t`).Scan(&n); err == nil {
		t.Fatalf("a second sql.Open(\":memory:\") sees the first one's table")
	}
}
