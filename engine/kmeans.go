package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/kmeansfn"
)

// ErrModelNotFound reports a model name with no model in the catalog.
var ErrModelNotFound = catalog.ErrModelNotFound

// KMeansOptions configures TrainKMeans; the fields and their defaults are
// those of kmeans_train's JSON options. A nil pointer means the defaults
// (K is required, though).
type KMeansOptions = kmeansfn.Options

// KMeansModel is a trained k-means model.
type KMeansModel struct {
	Name             string
	K                int
	Features         []string
	Centroids        [][]float64 // K rows in feature units; row 0 is cluster 1, the largest
	Sizes            []int64     // rows per cluster
	Rows             int         // training rows
	Skipped          int         // rows left out by SkipBad
	Iterations       int
	Inertia          float64
	Silhouette       *float64 // nil when undefined (k = 1)
	DaviesBouldin    *float64
	CalinskiHarabasz *float64
	Seconds          float64
	Warnings         []string // e.g. fewer distinct points than K
}

// TrainKMeans clusters the rows of source (a table or view name or a
// read-only query whose first column is the row key) and stores the model
// called name, exactly as kmeans_train does. Cancelling ctx stops training
// and keeps the previous model.
func (e *Engine) TrainKMeans(ctx context.Context, name, source string, opts *KMeansOptions) (*KMeansModel, error) {
	if opts == nil {
		opts = &KMeansOptions{}
	}
	if opts.K == 0 {
		return nil, errors.New("TrainKMeans: K (the number of clusters) is required")
	}
	var s *kmeansfn.Summary
	err := e.withConn(ctx, opts.Progress, func(c *core.Conn) error {
		var err error
		s, err = kmeansfn.Train(c, "TrainKMeans", name, source, *opts)
		return err
	})
	if err != nil {
		if !strings.HasPrefix(err.Error(), "TrainKMeans: ") { // e.g. no connection: ctx already done
			err = fmt.Errorf("TrainKMeans: %w", err)
		}
		return nil, err
	}
	m := &KMeansModel{
		Name: s.Model, K: s.K, Features: s.Features, Sizes: s.Sizes, Rows: s.Rows, Skipped: s.Skipped,
		Iterations: s.Iterations, Inertia: s.Inertia, Silhouette: s.Silhouette, DaviesBouldin: s.DaviesBouldin,
		CalinskiHarabasz: s.CalinskiHarabasz, Seconds: s.Seconds, Warnings: s.Warnings,
	}
	d := len(s.Features)
	for c := 0; c < s.K; c++ {
		m.Centroids = append(m.Centroids, s.Centroids[c*d:(c+1)*d])
	}
	return m, nil
}

// DropModel deletes a model and all its rows; it reports whether it existed.
func (e *Engine) DropModel(ctx context.Context, name string) (bool, error) {
	var existed bool
	err := e.withConn(ctx, nil, func(c *core.Conn) error {
		var err error
		existed, err = catalog.Drop(c.SQL, name)
		c.Forget(name)
		return err
	})
	return existed, err
}
