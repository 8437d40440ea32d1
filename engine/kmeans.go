package engine

import (
	"context"
	"fmt"

	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/kmeansfn"
)

// ErrModelNotFound reports a model name with no model in the catalog.
var ErrModelNotFound = catalog.ErrModelNotFound

// KMeansOptions configures TrainKMeans. Each field is one of kmeans_train's
// JSON options (its key in brackets) with the same default. Where 0 is a
// valid setting (Tol) the field is a pointer and nil means the default;
// elsewhere the zero value means the default. A nil *KMeansOptions means
// every default, except that K is required. Negative counts are errors.
type KMeansOptions struct {
	// K is the number of clusters ("k"), from 1 to the number of rows.
	// Required: 0 is an error.
	K int
	// Init chooses the first centroids ("init"): "k-means++" (scikit-learn's
	// greedy variant, 2+ln k trials per centre) or "random" (K distinct rows
	// at random). "" means "k-means++". Ignored when InitCentroids is set.
	Init string
	// InitCentroids, when not nil, are the K initial centroids in feature
	// units, one row of one value per feature ("init" given as a JSON
	// array); training then makes a single run, whatever NInit.
	InitCentroids [][]float64
	// Weight names a source column of non-negative sample weights such as
	// revenue ("weight"); that column is then not a feature. "" means every
	// row weighs 1.
	Weight string
	// NInit is the number of runs from different starts, the lowest inertia
	// winning ("n_init"). 0 means 1 for k-means++ and InitCentroids, 10 for
	// random.
	NInit int
	// MaxIter bounds the iterations of each run ("max_iter"); 0 means 300.
	MaxIter int
	// Tol is scikit-learn's tolerance ("tol"), from 0 to 1, scaled by the
	// mean feature variance: a run stops when the centroids move less. nil
	// means 1e-4; new(0.0) is "tol": 0, a run stops only when the labels
	// stop changing.
	Tol *float64
	// Seed seeds every random choice ("seed"); 0, the default, is a seed
	// like any other. The same call on the same data gives the same model,
	// whatever Threads.
	Seed uint64
	// KeepScale clusters the features in their own units ("standardize":
	// false). By default (false) every feature is z-scored first; centroids
	// and profiles are reported in feature units either way.
	KeepScale bool
	// Algorithm is "lloyd", "elkan" or "hamerly" (exact: the same result as
	// Lloyd with fewer distance computations), "minibatch" (approximate,
	// for very large sources) or "auto" ("algorithm"). "" means "auto",
	// which uses Hamerly's bounds.
	Algorithm string
	// BatchSize is the mini-batch size of "minibatch" ("batch_size"); 0
	// means 1024.
	BatchSize int
	// SkipBad leaves out rows with a NULL, text, BLOB, NaN or infinite
	// feature or weight, counted in KMeansModel.Skipped ("on_null":
	// "skip"). By default (false, "error") such a row is an error naming
	// the row key and the column.
	SkipBad bool
	// Threads bounds the worker goroutines ("threads"); 0 means Open's
	// Options.Threads, and all cores when that is 0 too. Results do not
	// depend on it.
	Threads int
	// SilhouetteSample is the number of rows up to which the silhouette is
	// exact; above it, it is computed on a seeded sample of that many rows
	// ("silhouette_sample"). 0 means 10000.
	SilhouetteSample int
	// MaxMemory is the training's memory budget in bytes ("max_memory"): a
	// training whose estimated peak memory is above it fails before it
	// allocates, naming the estimate. 0 means the default, half of the
	// memory the process may use.
	MaxMemory int64
	// NumPyRandom draws k-means++ exactly as scikit-learn 1.2.1 does for
	// random_state = Seed ("rng": "numpy"; false is "pcg", the default
	// stream), to reproduce a Python notebook's segments. k-means++ only,
	// Seed below 2^32.
	NumPyRandom bool
	// Progress, when not nil, receives this call's progress events (instead
	// of Open's Options.Progress). It only observes: cancel ctx to stop.
	Progress func(Progress)
}

// udf converts the options to the trainer's; fn names the caller in errors.
// It starts from kmeansfn.Defaults and overwrites what the caller set; the
// trainer validates the result.
func (o *KMeansOptions) udf(fn string) (kmeansfn.Options, error) {
	if o.K == 0 {
		return kmeansfn.Options{}, fmt.Errorf("%s: K (the number of clusters) is required", fn)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"K", o.K}, {"NInit", o.NInit}, {"MaxIter", o.MaxIter}, {"BatchSize", o.BatchSize},
		{"Threads", o.Threads}, {"SilhouetteSample", o.SilhouetteSample}} {
		if f.v < 0 {
			return kmeansfn.Options{}, fmt.Errorf("%s: %s must not be negative, got %d", fn, f.name, f.v)
		}
	}
	if o.MaxMemory < 0 {
		return kmeansfn.Options{}, fmt.Errorf("%s: MaxMemory must not be negative, got %d", fn, o.MaxMemory)
	}
	u := kmeansfn.Defaults()
	u.K, u.InitCentroids, u.Weight, u.Seed, u.KeepScale = o.K, o.InitCentroids, o.Weight, o.Seed, o.KeepScale
	u.SkipBad, u.NumPyRandom, u.NInit, u.Threads, u.MaxMemory = o.SkipBad, o.NumPyRandom, o.NInit, o.Threads, o.MaxMemory
	setUnlessZero(&u.Init, o.Init)
	setUnlessZero(&u.Algorithm, o.Algorithm)
	setUnlessZero(&u.MaxIter, o.MaxIter)
	setUnlessZero(&u.BatchSize, o.BatchSize)
	setUnlessZero(&u.SilhouetteSample, o.SilhouetteSample)
	if o.Tol != nil {
		u.Tol = *o.Tol
	}
	return u, nil
}

// setUnlessZero overwrites *dst with v unless v is the zero value, which stands for
// the default already in *dst.
func setUnlessZero[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}

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
	// Timings say where the time went, in seconds: reading the source,
	// choosing initial centroids, iterating, the metrics, writing the model
	// (kmeans_train's "timings"; see kmeansfn.Timings).
	Timings  KMeansTimings
	Warnings []string // e.g. fewer distinct points than K
}

// KMeansTimings is where a k-means training's time went, in seconds.
type KMeansTimings = kmeansfn.Timings

// TrainKMeans clusters the rows of source (a table or view name or a
// read-only query whose first column is the row key) and stores the model
// called name, exactly as kmeans_train does. Cancelling ctx stops training
// and keeps the previous model.
func (e *Engine) TrainKMeans(ctx context.Context, name, source string, opts *KMeansOptions) (*KMeansModel, error) {
	if opts == nil {
		opts = &KMeansOptions{}
	}
	ko, err := opts.udf("TrainKMeans")
	if err != nil {
		return nil, err
	}
	var s *kmeansfn.Summary
	err = e.withConn(ctx, "TrainKMeans", opts.Progress, func(c *core.Conn) error {
		var err error
		s, err = kmeansfn.Train(c, "TrainKMeans", name, source, ko)
		return err
	})
	if err != nil {
		return nil, err
	}
	m := &KMeansModel{
		Name: s.Model, K: s.K, Features: s.Features, Sizes: s.Sizes, Rows: s.Rows, Skipped: s.Skipped,
		Iterations: s.Iterations, Inertia: s.Inertia, Silhouette: s.Silhouette, DaviesBouldin: s.DaviesBouldin,
		CalinskiHarabasz: s.CalinskiHarabasz, Seconds: s.Seconds, Timings: s.Timings, Warnings: s.Warnings,
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
	err := e.withConn(ctx, "DropModel", nil, func(c *core.Conn) error {
		var err error
		existed, err = catalog.Drop(c.SQL, name)
		c.Forget(name)
		return err
	})
	return existed, err
}
