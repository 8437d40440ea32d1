package engine

import (
	"context"

	"github.com/seed-a084b42d/marketsql/udf/clvfn"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// CLVOptions are clv_train's options (see the README's "Customer value:
// RFM and lifetime value"); the zero value means every default.
type CLVOptions = clvfn.Options

// CLVSummary is what TrainCLV fitted and stored: clv_train's JSON summary.
type CLVSummary = clvfn.Summary

// RFMOptions are rfm's options.
type RFMOptions = clvfn.RFMOptions

// RFMRow is one customer's recency, frequency, monetary value, scores and
// segment.
type RFMRow = clvfn.RFMRow

// TrainCLV fits a lifetime-value model on source (order rows customer,
// date [, amount], or a customer summary with CLVOptions.Summary) and
// stores it as model name with its customers in ml_clv_customers, exactly
// as clv_train does. Cancelling ctx stops the fit and keeps the previous
// model. Use the model with clv_predict, clv_p_alive,
// clv_expected_purchases and clv_eval on e.DB().
func (e *Engine) TrainCLV(ctx context.Context, name, source string, opts *CLVOptions) (*CLVSummary, error) {
	if opts == nil {
		opts = &CLVOptions{}
	}
	var s *CLVSummary
	err := e.withConn(ctx, "TrainCLV", nil, func(c *core.Conn) error {
		var err error
		s, err = clvfn.Train(c, "TrainCLV", name, source, *opts)
		return err
	})
	return s, err
}

// RFM scores every customer of source's order rows (customer, date,
// amount [, order]) exactly as the table-valued function rfm does, in
// customer key order.
func (e *Engine) RFM(ctx context.Context, source string, opts *RFMOptions) ([]RFMRow, error) {
	if opts == nil {
		opts = &RFMOptions{}
	}
	var rows []RFMRow
	err := e.withConn(ctx, "RFM", nil, func(c *core.Conn) error {
		var err error
		rows, err = clvfn.RFM(c, "RFM", source, *opts)
		return err
	})
	return rows, err
}
