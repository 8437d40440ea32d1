package engine

import (
	"context"
	"fmt"

	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/recommendfn"
)

// RecommendOptions configures TrainRecommender. Each field is one of
// recommend_train's JSON options (its key in brackets) with the same
// default, and a nil *RecommendOptions means every default. Where 0 is
// itself a useful value the field is a pointer: nil means the default and
// new(0.0) asks for 0, as an explicit 0 does in JSON. Elsewhere the zero
// value, not a valid setting, means the default (ALS, 64 factors, binarized
// purchases). Negative counts are errors.
type RecommendOptions struct {
	// Method is "als" (implicit ALS), "item_knn", "user_knn" or "popular"
	// (distinct buyers per item) ("method"); "" means "als".
	Method string
	// Factors is the number of ALS latent factors, up to 1024 ("factors");
	// 0 means 64.
	Factors int
	// Regularization is ALS's L2 penalty λ ("regularization"); nil means
	// 0.01, new(0.0) trains without one.
	Regularization *float64
	// Alpha scales ALS's confidence c = 1 + Alpha·weight ("alpha"); nil
	// means 40, new(0.0) gives every entry confidence 1.
	Alpha *float64
	// Iterations is the number of ALS sweeps ("iterations"); 0 means 15.
	Iterations int
	// CGSteps is the number of conjugate-gradient steps per row and sweep,
	// warm-started ("cg_steps"); 0 means 3.
	CGSteps int
	// Seed seeds ALS's initial factors ("seed"); 0, the default, is a seed
	// like any other. The same seed on the same data gives the same model,
	// whatever Threads.
	Seed uint64
	// NumPyRandom draws ALS's initial factors as
	// numpy.random.default_rng(Seed).random() does, users then items
	// ("rng": "numpy"; false is "pcg", the default stream), so a model
	// starts exactly where numpy code with that seed starts. Seed below
	// 2^32.
	NumPyRandom bool
	// Neighbors is how many most similar items (item_knn) or users
	// (user_knn) are kept per item or user ("neighbors"); nil means 20,
	// new(0) keeps every one.
	Neighbors *int
	// Weighting is item_knn's "cosine", "bm25" or "tfidf", as the implicit
	// library weighs them ("weighting"); "" means "cosine".
	Weighting string
	// BM25K1 (> 0) and BM25B (0 to 1) are the BM25 parameters ("bm25_k1",
	// "bm25_b"), by default 1.2 and 0.75, those of implicit's
	// BM25Recommender: a BM25K1 of 0 and a nil BM25B mean them, and
	// new(0.0) as BM25B turns length normalization off.
	BM25K1 float64
	BM25B  *float64
	// KeepWeights trains on the summed weights instead of 1 per purchased
	// item ("binarize": false); by default purchases are binarized.
	KeepWeights bool
	// SkipBad leaves out rows with a NULL user or item, or a NULL,
	// negative, non-numeric or non-finite weight, counted in
	// Recommender.Skipped ("on_null": "skip"). By default (false, "error")
	// such a row is an error naming it.
	SkipBad bool
	// Threads bounds the worker goroutines ("threads"); 0 means Open's
	// Options.Threads, and all cores when that is 0 too. Results do not
	// depend on it.
	Threads int
	// MaxMemory is the training's memory budget in bytes ("max_memory"): a
	// training whose estimated peak memory is above it fails before it
	// allocates, naming the estimate. 0 means the default, half of the
	// memory the process may use.
	MaxMemory int64
	// Progress, when not nil, receives this call's progress events (instead
	// of Open's Options.Progress). It only observes: cancel ctx to stop.
	Progress func(Progress)
}

// udf converts the options to the trainer's; fn names the caller in errors.
func (o *RecommendOptions) udf(fn string) (recommendfn.Options, error) {
	neighbors := 0
	if o.Neighbors != nil {
		neighbors = *o.Neighbors
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"Factors", o.Factors}, {"Iterations", o.Iterations}, {"CGSteps", o.CGSteps},
		{"Neighbors", neighbors}, {"Threads", o.Threads}} {
		if f.v < 0 {
			return recommendfn.Options{}, fmt.Errorf("%s: %s must not be negative, got %d", fn, f.name, f.v)
		}
	}
	if o.MaxMemory < 0 {
		return recommendfn.Options{}, fmt.Errorf("%s: MaxMemory must not be negative, got %d", fn, o.MaxMemory)
	}
	return recommendfn.Options{
		Method: o.Method, Factors: o.Factors, Regularization: o.Regularization, Alpha: o.Alpha,
		Iterations: o.Iterations, CGSteps: o.CGSteps, Seed: o.Seed, NumPyRandom: o.NumPyRandom,
		Neighbors: o.Neighbors, Weighting: o.Weighting, BM25K1: o.BM25K1, BM25B: o.BM25B,
		KeepWeights: o.KeepWeights, SkipBad: o.SkipBad, Threads: o.Threads, MaxMemory: o.MaxMemory,
	}, nil
}

// Recommender is a trained recommendation model.
type Recommender struct {
	Name         string
	Method       string
	Users        int      // distinct users
	Items        int      // distinct items
	Interactions int      // distinct (user, item) pairs
	Rows         int      // source rows read
	Skipped      int      // rows left out by SkipBad
	ZeroWeight   int      // rows of weight 0, left out
	Loss         *float64 // ALS objective per interaction; nil for other methods
	Seconds      float64
}

// TrainRecommender learns recommendations from source (a table or view
// name or a read-only query with columns user, item and optionally a
// non-negative weight) and stores the model called name, exactly as
// recommend_train does. Cancelling ctx stops training and keeps the
// previous model. Use the model with recommend, recommend_basket,
// similar_items and recommend_eval on e.DB().
func (e *Engine) TrainRecommender(ctx context.Context, name, source string, opts *RecommendOptions) (*Recommender, error) {
	if opts == nil {
		opts = &RecommendOptions{}
	}
	ro, err := opts.udf("TrainRecommender")
	if err != nil {
		return nil, err
	}
	var s *recommendfn.Summary
	err = e.withConn(ctx, "TrainRecommender", opts.Progress, func(c *core.Conn) error {
		var err error
		s, err = recommendfn.Train(c, "TrainRecommender", name, source, ro)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Recommender{Name: s.Model, Method: s.Method, Users: s.Users, Items: s.Items, Interactions: s.Interactions,
		Rows: s.Rows, Skipped: s.Skipped, ZeroWeight: s.ZeroWeight, Loss: s.Loss, Seconds: s.Seconds}, nil
}
