package recommendfn

import (
	"encoding/json"
	"fmt"
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
// the SQL function recommend_train and the Go API.
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
	x := recommend.NewCSR(len(in.Users), len(in.Items), in.U, in.I, in.W)
	if !opt.KeepWeights {
		x = x.Binarized()
	}
	method, _ := recommend.ParseMethod(opt.Method)
	ro := recommend.Options{Method: method}
	started := time.Now()
	ro.ALS = recommend.ALSOptions{
		Factors: opt.Factors, Regularization: opt.Regularization, Alpha: opt.Alpha, Iterations: opt.Iterations,
		CGSteps: opt.CGSteps, Seed: opt.Seed, NumPyRandom: opt.NumPyRandom, Threads: opt.Threads, Exact: true,
		Progress: func(it int) {
			c.Report(core.ProgressEvent{Function: fn, Model: name, Phase: "iterate", Done: float64(it),
				Total: float64(opt.Iterations), Iteration: it, Elapsed: time.Since(started),
				Detail: fmt.Sprintf("ALS iteration %d/%d", it, opt.Iterations)})
		},
	}
	ro.KNN = recommend.KNNOptions{Neighbors: opt.Neighbors, K1: opt.BM25K1, B: opt.BM25B, Exact: true, Threads: opt.Threads,
		Progress: func(done, total int) {
			c.Report(core.ProgressEvent{Function: fn, Model: name, Phase: "neighbors", Done: float64(done),
				Total: float64(total), Elapsed: time.Since(started), Detail: fmt.Sprintf("items %d/%d", done, total)})
		}}
	switch opt.Weighting {
	case "bm25":
		ro.KNN.Weighting = recommend.BM25
	case "tfidf":
		ro.KNN.Weighting = recommend.TFIDF
	}
	progress(c, fn, name, "fit", 0, 0, opt.Method)
	// ctx stops the fit and the loss when the call is interrupted or its
	// Go context ends; it is polled on this goroutine only.
	ctx := c.Context()
	rm, err := recommend.Fit(ctx, x, ro)
	if err != nil {
		return nil, fitError(fn, err)
	}
	m := newModel(rm, in.UserColumn, in.ItemColumn, in.Users, in.Items)
	s := &Summary{Model: name, Method: opt.Method, Users: len(in.Users), Items: len(in.Items), Interactions: x.NNZ(),
		Rows: in.Rows, Skipped: in.Skipped, ZeroWeight: in.Zero}
	if rm.Factors != nil {
		l, err := rm.Factors.Loss(ctx, x, opt.Alpha, opt.Regularization)
		if err != nil {
			return nil, fitError(fn, err)
		}
		s.Loss = &l
	}
	progress(c, fn, name, "write", 0, 0, "")
	s.Seconds = time.Since(start).Seconds()
	if err := store(c, fn, name, source, m, opt, s); err != nil {
		return nil, err
	}
	s.Seconds = time.Since(start).Seconds()
	c.Forget(name)
	return s, nil
}

func fitError(fn string, err error) error { return core.TrainError(fn, err, true) }

func store(c *core.Conn, fn, name string, source any, m *Model, opt Options, s *Summary) error {
	if err := catalog.Migrate(c.SQL); err != nil {
		return core.Errorf(fn, "%w", err)
	}
	metrics := map[string]any{"users": s.Users, "items": s.Items, "interactions": s.Interactions,
		"skipped": s.Skipped, "zero_weight": s.ZeroWeight, "user_column": m.UserColumn, "item_column": m.ItemColumn}
	if s.Loss != nil {
		metrics["loss"] = *s.Loss
	}
	metricsJSON, _ := json.Marshal(metrics)
	src, _ := source.(string)
	params := m.Encode()
	err := catalog.InTx(c.SQL, "recommend_train", func() error {
		if err := catalog.DeleteSideRows(c.SQL, name); err != nil {
			return err
		}
		return catalog.Put(c.SQL, &catalog.Model{
			Name: name, Kind: Kind, CreatedAt: c.Env.Clock(), Source: src, Options: opt.json(),
			Metrics: string(metricsJSON), NRows: int64(s.Rows), TrainSeconds: s.Seconds, Params: params,
		})
	})
	if err != nil {
		return fitError(fn, fmt.Errorf("save model %q: %w", name, err))
	}
	return nil
}

func progress(c *core.Conn, fn, name, phase string, done, total float64, detail string) {
	c.Report(core.ProgressEvent{Function: fn, Model: name, Phase: phase, Done: done, Total: total, Detail: detail})
}
