package core

import (
	"encoding/json"
	"fmt"

	"github.com/seed-a084b42d/marketsql/catalog"
)

// TrainArgs reads the arguments of a training function called as
// fn(model, source [, options]): the model name (text), the source (a table
// name or a query, read by the trainer) and the options (nil when left out).
// Errors start with fn.
func TrainArgs(fn string, args []any) (name string, source, options any, err error) {
	if len(args) < 2 || len(args) > 3 {
		return "", nil, nil, Errorf(fn, "takes (model, source, options), got %d arguments", len(args))
	}
	if name, err = Text(fn, "model", args[0]); err != nil {
		return "", nil, nil, err
	}
	if len(args) == 3 {
		options = args[2]
	}
	return name, args[1], options, nil
}

// TrainFunc is the SQL side of a family's trainer fn(model, source
// [, options]): it reads the arguments with TrainArgs, the options with
// parse, runs train and returns its summary as JSON text.
func TrainFunc[O, S any](fn string, parse func(fn string, options any) (O, error),
	train func(c *Conn, fn, name string, source any, opt O) (S, error)) ScalarFunc {
	return func(c *Conn, args []any) (any, error) {
		name, source, options, err := TrainArgs(fn, args)
		if err != nil {
			return nil, err
		}
		opt, err := parse(fn, options)
		if err != nil {
			return nil, err
		}
		s, err := train(c, fn, name, source, opt)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(s)
		return string(b), err
	}
}

// LoadModelAs is LoadModel for a family whose model of kind decodes from
// its params blob with decode, returned as the family's type.
func LoadModelAs[M any](c *Conn, fn, name, kind string, decode func(params []byte) (M, error)) (M, error) {
	v, err := c.LoadModel(fn, name, kind, func(m *catalog.Model) (any, error) { return decode(m.Params) })
	if err != nil {
		var zero M
		return zero, err
	}
	return v.(M), nil
}

// LoadModelArg is LoadModelAs for the model argument of fn, which must be text.
func LoadModelArg[M any](c *Conn, fn string, arg any, kind string, decode func(params []byte) (M, error)) (M, error) {
	name, err := Text(fn, "model", arg)
	if err != nil {
		var zero M
		return zero, err
	}
	return LoadModelAs(c, fn, name, kind, decode)
}

// StoreModel writes rec and its side rows (written by side, which may be
// nil) in one savepoint, replacing a model of the same name and all of its
// side rows: readers see the old model or the new one, never a mix. It
// fills rec's CreatedAt from the connection's clock and forgets any cached
// copy of the old model.
func StoreModel(c *Conn, fn string, rec *catalog.Model, side func() error) error {
	if err := catalog.Migrate(c.SQL); err != nil {
		return Errorf(fn, "%w", err)
	}
	rec.CreatedAt = c.Env.Clock()
	err := catalog.InTx(c.SQL, fn, func() error {
		if err := catalog.DeleteSideRows(c.SQL, rec.Name); err != nil {
			return err
		}
		if err := catalog.Put(c.SQL, rec); err != nil {
			return err
		}
		if side == nil {
			return nil
		}
		return side()
	})
	if err != nil {
		return TrainError(fn, fmt.Errorf("save model %q: %w", rec.Name, err), true)
	}
	c.Forget(rec.Name)
	return nil
}
