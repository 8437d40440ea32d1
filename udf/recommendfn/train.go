package recommendfn

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Summary is what training returns (as JSON in SQL).
type Summary struct {
	Model        string   `json:"model"`
	Method       string   `json:"method"`
	Users        int      `json:"users"`
	Items        int      `json:"items"`
	Interactions int      `json:"interactions"` // distinct (user, item) pairs
	Rows         int      `json:"rows"`         // source rows read
	Skipped      int      `json:"skipped"`      // rows left out by "on_null": "skip"
	ZeroWeight   int      `json:"zero_weight"`  // rows of weight 0, left out
	Loss         *float64 `json:"loss,omitempty"`
	Seconds      float64  `json:"seconds"`
}

// Train reads source on c, fits a recommender and stores the model called
// name, replacing an earlier one atomically. It is the one trainer behind
// the SQL function recommend_train and the Go API. Before it allocates the
// model it estimates the memory the training needs and refuses above the
// budget; a fit whose numbers leave the floating-point range is an error;
// nothing is written unless the model, its metrics and the summary are
// complete and finite.
func Train(c *core.Conn, fn, name string, source any, opt Options) (*Summary, error) {
	start := time.Now()
	if err := c.CheckWrite(fn); err != nil {
		return nil, err
	}
	if err := checkName(fn, name); err != nil {
		return nil, err
	}
	if err := catalog.CanWrite(c.SQL); err != nil {
		return nil, core.Errorf(fn, "%w", err)
	}
	opt, err := opt.withDefaults(fn, c.Env)
	if err != nil {
		return nil, err
	}
	query, err := core.SourceQuery(fn, source)
	if err != nil {
		return nil, err
	}
	// ctx stops the training when the call is interrupted or its Go
	// context ends; it is polled on this goroutine only.
	ctx := c.Context()
	progress(c, fn, name, "read", 0, 0, "")
	in, err := c.ReadInteractions(fn, query, opt.SkipBad)
	if err != nil {
		return nil, err
	}
	switch {
	case len(in.U) == 0 && in.Rows == 0:
		return nil, core.Errorf(fn, "the source has no rows; nothing to learn from")
	case len(in.U) == 0:
		return nil, core.Errorf(fn, "none of the source's %d rows is usable (%d skipped, %d of weight 0); nothing to learn from", in.Rows, in.Skipped, in.Zero)
	case len(in.Users) < 2:
		return nil, core.Errorf(fn, "the source has a single user (%s=%s); recommendations need at least 2 users", abbreviate(in.UserColumn), core.KeyText(in.Users[0]))
	case len(in.Items) < 2:
		return nil, core.Errorf(fn, "the source has a single item (%s=%s); recommendations need at least 2 items", abbreviate(in.ItemColumn), core.KeyText(in.Items[0]))
	}
	x, err := recommend.NewCSRContext(ctx, len(in.Users), len(in.Items), in.U, in.I, in.W)
	if err != nil {
		return nil, fitError(fn, err)
	}
	in.U, in.I, in.W = nil, nil, nil // the matrix holds them now
	if !opt.KeepWeights {
		x = x.Binarized()
	} else if err := checkSums(fn, in, x); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fitError(fn, err)
	}
	ro := opt.algorithm()
	started := time.Now()
	ro.ALS.Progress = func(it int) {
		c.Report(core.ProgressEvent{Function: fn, Model: name, Phase: "iterate", Done: float64(it),
			Total: float64(opt.Iterations), Iteration: it, Elapsed: time.Since(started),
			Detail: fmt.Sprintf("ALS iteration %d/%d", it, opt.Iterations)})
	}
	ro.KNN.Progress = func(done, total int) {
		c.Report(core.ProgressEvent{Function: fn, Model: name, Phase: "neighbors", Done: float64(done),
			Total: float64(total), Elapsed: time.Since(started), Detail: fmt.Sprintf("items %d/%d", done, total)})
	}
	need, how, lower := estimateMemory(in, x, ro, opt)
	if err := opt.budget(fn).Check(fn, need, how, lower); err != nil {
		return nil, err
	}
	progress(c, fn, name, "fit", 0, 0, opt.Method)
	rm, err := recommend.Fit(ctx, x, ro)
	if err != nil {
		var re *recommend.RangeError
		if errors.As(err, &re) {
			return nil, rangeError(fn, re, x, opt)
		}
		return nil, fitError(fn, err)
	}
	m := newModel(rm, in.UserColumn, in.ItemColumn, in.Users, in.Items)
	s := &Summary{Model: name, Method: opt.Method, Users: len(in.Users), Items: len(in.Items), Interactions: x.NNZ(),
		Rows: in.Rows, Skipped: in.Skipped, ZeroWeight: in.Zero}
	if rm.Factors != nil {
		l, err := rm.Factors.Loss(ctx, x, *opt.Alpha, *opt.Regularization)
		if err != nil {
			return nil, fitError(fn, err)
		}
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return nil, rangeError(fn, &recommend.RangeError{Method: recommend.MethodALS,
				What: fmt.Sprintf("the factors are finite, but the loss is %g", l)}, x, opt)
		}
		s.Loss = &l
	}
	// Everything that is written, and the summary returned after, is
	// built (and checked) before the write: a failure leaves the previous
	// model as it was.
	metrics, err := metricsJSON(m, s)
	if err != nil {
		return nil, core.Errorf(fn, "metrics: %w", err)
	}
	if _, err := json.Marshal(s); err != nil {
		return nil, core.Errorf(fn, "summary: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fitError(fn, err)
	}
	progress(c, fn, name, "write", 0, 0, "")
	s.Seconds = time.Since(start).Seconds()
	if err := store(c, fn, name, source, m, opt, s, metrics); err != nil {
		return nil, err
	}
	s.Seconds = time.Since(start).Seconds()
	return s, nil
}

func fitError(fn string, err error) error { return core.TrainError(fn, err, true) }

// checkSums finds a (user, item) pair whose weights, each finite, sum to
// infinity: the source's rows are checked one by one, their sum here.
func checkSums(fn string, in *core.Interactions, x *recommend.CSR) error {
	if u, i, v, ok := x.FirstInfinite(); ok {
		return core.Errorf(fn, "the weights of user %s and item %s add up to %g, beyond the largest number (%.3g); scale them down or leave \"binarize\" on",
			core.KeyText(in.Users[u]), core.KeyText(in.Items[i]), v, math.MaxFloat64)
	}
	return nil
}

// rangeError explains a fit whose numbers left the floating-point range:
// which weights (or alpha) cause it and what to change.
func rangeError(fn string, e *recommend.RangeError, x *recommend.CSR, opt Options) error {
	largest, smallest := x.ValueRange()
	if e.Method == recommend.MethodALS {
		alpha := *opt.Alpha
		conf := num(1 + alpha*largest)
		if !opt.KeepWeights {
			return core.Errorf(fn, "alpha %s gives confidences 1 + alpha·weight of %s, too large for ALS in float32 (%s); lower \"alpha\"",
				num(alpha), conf, e.What)
		}
		return core.Errorf(fn, "weights up to %s with alpha %s give confidences 1 + alpha·weight up to %s, too large for ALS in float32 (%s); "+
			"scale the weights down (e.g. ln(1 + weight)), lower \"alpha\", or leave \"binarize\" on", num(largest), num(alpha), conf, e.What)
	}
	if e.Small {
		return core.Errorf(fn, "weights as small as %s are too small for %s (%s); scale them up or leave \"binarize\" on", num(smallest), e.Method, e.What)
	}
	return core.Errorf(fn, "weights up to %s are too large for %s (%s); scale them down (e.g. ln(1 + weight)) or leave \"binarize\" on", num(largest), e.Method, e.What)
}

// num writes a number for a message: whole numbers below a million in
// full, others to three significant digits.
func num(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e6 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// metricsJSON is the ml_models.metrics of a model.
func metricsJSON(m *Model, s *Summary) (string, error) {
	metrics := map[string]any{"users": s.Users, "items": s.Items, "interactions": s.Interactions,
		"skipped": s.Skipped, "zero_weight": s.ZeroWeight, "user_column": m.UserColumn, "item_column": m.ItemColumn}
	if s.Loss != nil {
		metrics["loss"] = *s.Loss
	}
	b, err := json.Marshal(metrics)
	return string(b), err
}

func store(c *core.Conn, fn, name string, source any, m *Model, opt Options, s *Summary, metrics string) error {
	src, _ := source.(string)
	return core.StoreModel(c, fn, &catalog.Model{
		Name: name, Kind: Kind, Source: src, Options: opt.json(),
		Metrics: metrics, NRows: int64(s.Rows), TrainSeconds: s.Seconds, Params: m.Encode(),
	}, nil)
}

func progress(c *core.Conn, fn, name, phase string, done, total float64, detail string) {
	c.Report(core.ProgressEvent{Function: fn, Model: name, Phase: phase, Done: done, Total: total, Detail: detail})
}
