// Package clvfn is the SQL surface of customer value: RFM scores with
// named segments, and customer lifetime value (BG/NBD or Pareto/NBD
// purchases, Gamma-Gamma spend).
//
//	rfm(source [, options])                              table: customer, recency_days, frequency, monetary, r, f, m, score, segment
//	clv_train(model, source, options)                    JSON summary; fits and stores a model
//	clv_predict(model [, horizon [, options]])           table: customer, frequency, recency, T, p_alive, expected_purchases, expected_avg_value, clv
//	clv_p_alive(model, frequency, recency, T)            probability that a customer is still active
//	clv_expected_purchases(model, t, frequency, recency, T) expected purchases in the next t periods
//	clv_eval(model)                                      table: diagnostic, frequency, customers, actual, expected
//
// Order rows have the columns customer, date [, amount [, order]] (in that
// order, any names); dates are read as dates.go describes. A model's
// customers and their predictions over its default horizon are also kept
// in the side table ml_clv_customers.
package clvfn

import "github.com/seed-a084b42d/marketsql/udf/core"

// Functions is the customer-value family's SQL surface.
var Functions = []core.Function{
	{Name: "rfm", Signature: "rfm(source [, options])",
		Summary: "recency, frequency and monetary value of every customer of order rows (customer, date, amount [, order]), their 1-5 quantile scores and named segment",
		Table:   &core.TableFunc{Columns: rfmCols, Args: []string{"source", "options"}, MinArgs: 1, Run: rfmSQL}},
	{Name: "clv_train", Writes: true, Signature: "clv_train(model, source, options)",
		Summary: "fit a lifetime-value model (BG/NBD or Pareto/NBD purchases, Gamma-Gamma spend) on order rows or a customer summary and store it; returns a JSON summary",
		Scalar:  trainSQL},
	{Name: "clv_predict", Signature: "clv_predict(model [, horizon [, options]])",
		Summary: "per customer of the model: probability alive, expected purchases and discounted value over horizon periods (default 12 months)",
		Table:   &core.TableFunc{Columns: predictCols, Args: []string{"model", "horizon", "options"}, MinArgs: 1, Run: predictSQL}},
	{Name: "clv_p_alive", Signature: "clv_p_alive(model, frequency, recency, T)",
		Summary: "the probability that a customer with this history is still active",
		Scalar:  pAliveSQL},
	{Name: "clv_expected_purchases", Signature: "clv_expected_purchases(model, t, frequency, recency, T)",
		Summary: "the expected number of purchases in the next t periods of a customer with this history",
		Scalar:  expectedSQL},
	{Name: "clv_eval", Signature: "clv_eval(model)",
		Summary: "diagnostics: actual vs expected customers per repeat-purchase count, and actual vs predicted holdout purchases",
		Table:   &core.TableFunc{Columns: evalCols, Args: []string{"model"}, MinArgs: 1, Run: evalSQL}},
}

// Register adds the customer-value functions to a connection.
func Register(c *core.Conn) error { return core.Register(c, Functions) }
