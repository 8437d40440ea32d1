// Package udf registers every marketsql SQL function on a SQLite connection.
// Each family is its own package (kmeansfn, catalogfn, ...); core holds what
// they share.
package udf

import (
	"errors"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/seed-a084b42d/marketsql/udf/catalogfn"
	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/kmeansfn"
	"github.com/seed-a084b42d/marketsql/udf/ldafn"
	"github.com/seed-a084b42d/marketsql/udf/recommendfn"
)

// Register adds every marketsql function to conn and returns the
// connection's state, through which the Go API calls the same code.
func Register(conn *sqlite3.SQLiteConn, env *core.Env) (*core.Conn, error) {
	c := core.NewConn(conn, env)
	return c, errors.Join(
		catalogfn.Register(c),
		kmeansfn.Register(c),
		ldafn.Register(c),
		recommendfn.Register(c),
	)
}

// Functions documents every registered SQL function.
func Functions() []core.Doc { return core.Docs() }
