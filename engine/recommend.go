package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/recommendfn"
)

// RecommendOptions configures TrainRecommender; the fields and their
// defaults are those of recommend_train's JSON options. A nil pointer
// means the defaults (ALS, 64 factors, binarized purchases).
type RecommendOptions = recommendfn.Options

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
	var s *recommendfn.Summary
	err := e.withConn(ctx, opts.Progress, func(c *core.Conn) error {
		var err error
		s, err = recommendfn.Train(c, "TrainRecommender", name, source, *opts)
		return err
	})
	if err != nil {
		if !strings.HasPrefix(err.Error(), "TrainRecommender: ") {
			err = fmt.Errorf("TrainRecommender: %w", err)
		}
		return nil, err
	}
	return &Recommender{Name: s.Model, Method: s.Method, Users: s.Users, Items: s.Items, Interactions: s.Interactions,
		Rows: s.Rows, Skipped: s.Skipped, ZeroWeight: s.ZeroWeight, Loss: s.Loss, Seconds: s.Seconds}, nil
}
