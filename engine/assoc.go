package engine

import (
	"context"

	"github.com/seed-a084b42d/marketsql/udf/assocfn"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// AssocOptions are assoc_train's options (see the README's "Basket rules");
// start from assocfn.Defaults() and change what you need.
type AssocOptions = assocfn.Options

// AssocSummary is what a mining found: assoc_train's JSON summary.
type AssocSummary = assocfn.Summary

// TrainRules mines the (basket, item) rows of source (a table or view name
// or a read-only query) and stores the frequent itemsets and association
// rules as model name, exactly as assoc_train does; nil options are the
// documented defaults. Cancelling ctx stops mining and keeps the previous
// model.
func (e *Engine) TrainRules(ctx context.Context, name, source string, opts *AssocOptions) (*AssocSummary, error) {
	opt := assocfn.Defaults()
	if opts != nil {
		opt = *opts
	}
	if err := opt.Check("TrainRules"); err != nil {
		return nil, err
	}
	var s *AssocSummary
	err := e.withConn(ctx, "TrainRules", nil, func(c *core.Conn) error {
		var err error
		s, err = assocfn.Train(c, "TrainRules", name, source, opt)
		return err
	})
	return s, err
}
