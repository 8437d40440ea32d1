package engine_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3" // a second, plain connection that holds the write lock

	"github.com/seed-a084b42d/marketsql/engine"
)

// Training waits for a busy database like any write: while another
// connection holds the write lock (BEGIN IMMEDIATE, held for a while), each
// trainer waits through the busy timeout and succeeds, with and without a
// catalog in the file and in rollback-journal and WAL files alike. A trainer
// that read first and wrote later would fail at once with "database is
// locked", since SQLite does not call the busy handler to upgrade a read
// lock to a write lock.
func TestTrainingWaitsForBusyDatabase(t *testing.T) {
	trainers := map[string]string{
		"kmeans":    `SELECT kmeans_train('m_kmeans', 'pts', '{"k": 2}')`,
		"lda":       `SELECT lda_train('m_lda', 'SELECT id, word FROM docs', '{"topics": 2, "min_df": 1, "max_df": 1.0, "holdout": 0}')`,
		"recommend": `SELECT recommend_train('m_recommend', 'SELECT id % 4, id % 5 FROM pts', '{}')`,
	}
	for _, journal := range []string{"delete", "wal"} {
		for _, retrain := range []bool{false, true} {
			for family, train := range trainers {
				name := family + "/" + journal
				if retrain {
					name += "/retrain"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					path := filepath.Join(t.TempDir(), "busy.db")
					e := openPts(t, path)
					db := e.DB()
					for _, q := range []string{
						`PRAGMA journal_mode = ` + journal,
						`CREATE TABLE docs(id INTEGER, word TEXT)`,
						`INSERT INTO docs VALUES (1, 'red apple pie'), (2, 'green apple tart'), (3, 'blue whale sea'), (4, 'grey whale ocean')`,
					} {
						if _, err := db.Exec(q); err != nil {
							t.Fatal(err)
						}
					}
					if retrain {
						if _, err := db.Exec(train); err != nil {
							t.Fatal(err)
						}
					}
					other, err := sql.Open("sqlite3", path)
					if err != nil {
						t.Fatal(err)
					}
					defer other.Close()
					tx, err := other.Begin() // deferred; the INSERT takes the write lock
					if err != nil {
						t.Fatal(err)
					}
					if _, err := tx.Exec(`INSERT INTO pts(a, b) VALUES (5, 5)`); err != nil {
						t.Fatal(err)
					}
					const hold = 1500 * time.Millisecond
					released := make(chan struct{})
					go func() {
						time.Sleep(hold)
						tx.Rollback()
						close(released)
					}()
					start := time.Now()
					var summary string
					err = db.QueryRow(train).Scan(&summary)
					waited := time.Since(start)
					<-released
					if err != nil {
						t.Fatalf("%s while another connection writes: %v (after %v)", train, err, waited)
					}
					if waited < hold/2 {
						t.Errorf("training returned after %v, before the other connection released its lock", waited)
					}
					want := int64(1)
					if retrain {
						want = 2
					}
					var version int64
					if err := db.QueryRow(`SELECT version FROM ml_models WHERE name = ?`, "m_"+family).Scan(&version); err != nil {
						t.Fatal(err)
					}
					if version != want {
						t.Errorf("version %d, want %d", version, want)
					}
				})
			}
		}
	}
}

// Opening a connection while another connection holds an exclusive lock
// waits like any statement: the extension's entry point, which runs inside
// SQLite's open before the busy timeout is set, runs no statement.
func TestOpenWhileLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "locked.db")
	openPts(t, path)
	other, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(context.Background(), `BEGIN EXCLUSIVE`); err != nil {
		t.Fatal(err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(time.Second)
		conn.ExecContext(context.Background(), `ROLLBACK`)
		close(released)
	}()
	e, err := engine.Open(path, &engine.Options{MaxConns: 2})
	if err != nil {
		t.Fatalf("open while another connection holds an exclusive lock: %v", err)
	}
	defer e.Close()
	var n int
	if err := e.DB().QueryRow(`SELECT count(*) FROM pts`).Scan(&n); err != nil || n != 12 {
		t.Fatalf("count = %d, %v; want 12 after waiting for the lock", n, err)
	}
	<-released
}
