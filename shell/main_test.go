package shell

import (
	"database/sql"
	"io"
	"os"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// TestMain runs the tests on the engine. While engine.Open is not
// implemented yet, it falls back to a plain mattn/go-sqlite3 database
// (registered as "sqlite3" by the import in sqlite.go) so the shell can be
// tested on its own; the fallback goes away once the engine opens
// databases.
func TestMain(m *testing.M) {
	if e, err := engine.Open(":memory:", nil); err != nil {
		opener = openPlain
	} else {
		e.Close()
	}
	os.Exit(m.Run())
}

func openPlain(path string) (*sql.DB, io.Closer, error) {
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		return nil, nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	return db, db, nil
}
