// Package catalogfn is the SQL surface of the model catalog.
//
//	ml_drop(model)   1 if the model existed and was dropped with all its rows, 0 if there was none
//
// The catalog itself is plain tables: SELECT * FROM ml_models.
package catalogfn

import (
	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Functions is the catalog's SQL surface.
var Functions = []core.Function{
	{Name: "ml_drop", Writes: true, Signature: "ml_drop(model)",
		Summary: "drop a model and all its rows from the catalog; 1 if it existed, else 0",
		Scalar:  drop},
}

// Register adds the catalog functions to a connection.
func Register(c *core.Conn) error { return core.Register(c, Functions) }

func drop(c *core.Conn, args []any) (any, error) {
	const fn = "ml_drop"
	if len(args) != 1 {
		return nil, core.Errorf(fn, "takes one argument, the model name")
	}
	if err := c.CheckWrite(fn); err != nil {
		return nil, err
	}
	name, err := core.Text(fn, "model", args[0])
	if err != nil {
		return nil, err
	}
	existed, err := catalog.Drop(c.SQL, name)
	if err != nil {
		return nil, core.Errorf(fn, "%w", err)
	}
	c.Forget(name)
	if existed {
		return int64(1), nil
	}
	return int64(0), nil
}
