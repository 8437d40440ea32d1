// Package udf is every marketsql SQL function. Each family is its own
// package (kmeansfn, ldafn, recommendfn, interchangefn, clvfn, assocfn, catalogfn, mathfn) that declares
// its functions in one table; core holds what they share and sqlext is the
// binding to SQLite's extension interface through which they register.
//
// Importing this package makes sqlext's entry point register every family
// on each connection it is called for: the engine attaches that entry point
// to its embedded SQLite, the loadable extension hands it to the host.
package udf

import (
	"errors"

	"github.com/seed-a084b42d/marketsql/udf/assocfn"
	"github.com/seed-a084b42d/marketsql/udf/catalogfn"
	"github.com/seed-a084b42d/marketsql/udf/clvfn"
	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/interchangefn"
	"github.com/seed-a084b42d/marketsql/udf/kmeansfn"
	"github.com/seed-a084b42d/marketsql/udf/ldafn"
	"github.com/seed-a084b42d/marketsql/udf/mathfn"
	"github.com/seed-a084b42d/marketsql/udf/recommendfn"
	"github.com/seed-a084b42d/marketsql/udf/sqlext"
)

func init() { sqlext.OnConnect(register) }

// register adds every marketsql function to a new connection and keeps its
// state on it, where Conn finds it.
func register(sc *sqlext.Conn) error {
	c := core.NewConn(sc, nil)
	sc.State = c
	return errors.Join(
		catalogfn.Register(c),
		kmeansfn.Register(c),
		ldafn.Register(c),
		recommendfn.Register(c),
		interchangefn.Register(c),
		assocfn.Register(c),
		clvfn.Register(c),
		mathfn.RegisterMissing(c),
	)
}

// Conn returns the marketsql state of the connection whose id the SQL
// function sqlext.ConnectionFunction reported, or nil.
func Conn(id int64) *core.Conn {
	sc := sqlext.Lookup(id)
	if sc == nil {
		return nil
	}
	c, _ := sc.State.(*core.Conn)
	return c
}

// Functions documents every marketsql SQL function, from the families'
// tables; no database is needed. SQLite's math functions, which marketsql
// supplies only to a host built without them, are not listed.
func Functions() []core.Doc {
	return core.Docs(catalogfn.Functions, kmeansfn.Functions, ldafn.Functions, recommendfn.Functions, interchangefn.Functions, clvfn.Functions, assocfn.Functions)
}
