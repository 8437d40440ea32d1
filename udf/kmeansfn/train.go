package kmeansfn

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/seed-a084b42d/marketsql/algorithms/kmeans"
	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Summary is what training returns (as JSON in SQL).
type Summary struct {
	Model            string    `json:"model"`
	K                int       `json:"k"`
	Rows             int       `json:"rows"`
	Skipped          int       `json:"skipped"`
	Features         []string  `json:"features"`
	Iterations       int       `json:"iterations"`
	Inertia          float64   `json:"inertia"`
	Silhouette       *float64  `json:"silhouette"`
	DaviesBouldin    *float64  `json:"davies_bouldin"`
	CalinskiHarabasz *float64  `json:"calinski_harabasz"`
	Sizes            []int64   `json:"sizes"`
	Warnings         []string  `json:"warnings,omitempty"`
	Seconds          float64   `json:"seconds"`
	Timings          Timings   `json:"timings"`
	Centroids        []float64 `json:"-"` // K×d in feature units, for the Go API
}

// Timings say where a training's time went, in seconds: reading the source
// and standardizing it, choosing initial centroids (k-means++ or random,
// every restart), iterating (every restart, and the final labelling), the
// quality metrics with the distance of every row to its centroid, and
// writing the model. Restarts may run in parallel: init and iterate split
// their elapsed time in proportion to the time spent in each. The five add
// up to about Seconds (checks and encoding make the rest).
type Timings struct {
	Read    float64 `json:"read"`
	Init    float64 `json:"init"`
	Iterate float64 `json:"iterate"`
	Metrics float64 `json:"metrics"`
	Write   float64 `json:"write"`
}

// fitted is one clustering of a matrix, before it is stored.
type fitted struct {
	model      *Model
	labels     []int
	distances  []float64
	inertia    float64
	iterations int
	metrics    metrics
	timings    Timings // Init, Iterate and Metrics
}

type metrics struct {
	Silhouette, DaviesBouldin, CalinskiHarabasz *float64
}

// Train reads source on c, clusters it and stores the model called name,
// replacing an earlier one atomically. It is the one trainer behind the SQL
// function kmeans_train and the Go API.
func Train(c *core.Conn, fn, name string, source any, opt Options) (*Summary, error) {
	start := time.Now()
	if err := c.CheckWrite(fn); err != nil {
		return nil, err
	}
	if err := catalog.CheckName(name); err != nil {
		return nil, core.Errorf(fn, "%v", err)
	}
	if err := catalog.CanWrite(c.SQL); err != nil {
		return nil, core.Errorf(fn, "%w", err)
	}
	if err := opt.validate(fn); err != nil {
		return nil, err
	}
	opt.Threads = opt.threads(c.Env) // the memory estimate counts per-thread state
	query, err := core.SourceQuery(fn, source)
	if err != nil {
		return nil, err
	}
	progress(c, fn, name, "read", 0, 0, "")
	readStart := time.Now()
	m, err := readSource(c, fn, query, opt)
	if err != nil {
		return nil, err
	}
	if opt.K > m.Rows() {
		return nil, core.Errorf(fn, "k must be between 1 and the number of rows (%d), got %d", m.Rows(), opt.K)
	}
	if err := checkMemory(fn, m, opt, opt.K, false); err != nil {
		return nil, err
	}
	ctx := c.Context()
	p, err := prepare(ctx, fn, m, opt)
	if err != nil {
		return nil, err
	}
	read := time.Since(readStart).Seconds()
	f, err := fit(ctx, c, fn, name, p, opt, opt.K)
	if err != nil {
		return nil, err
	}
	summary := &Summary{
		Model: name, K: opt.K, Rows: m.Rows(), Skipped: m.Skipped, Features: m.Features,
		Iterations: f.iterations, Inertia: f.inertia,
		Silhouette: f.metrics.Silhouette, DaviesBouldin: f.metrics.DaviesBouldin, CalinskiHarabasz: f.metrics.CalinskiHarabasz,
		Sizes: f.model.Sizes, Timings: f.timings,
	}
	summary.Timings.Read = read
	if empty := countEmpty(f.model.Sizes); empty > 0 {
		// scikit-learn warns in the same case (ConvergenceWarning).
		summary.Warnings = append(summary.Warnings, fmt.Sprintf(
			"only %d of %d clusters have rows: the source has fewer distinct points than k; use a smaller k", opt.K-empty, opt.K))
	}
	for cl := 0; cl < opt.K; cl++ {
		summary.Centroids = append(summary.Centroids, f.model.CentroidUnits(cl)...)
	}
	if err := finiteValues(fn, p, "the centroids in feature units", summary.Centroids); err != nil {
		return nil, err
	}
	// Everything that is written or returned is built, and checked, before
	// anything is written: the stored model must load back.
	params := f.model.Encode()
	if _, err := Decode(params); err != nil {
		return nil, core.Errorf(fn, "the trained model does not load back (%v); nothing was stored", err)
	}
	metricsJSON, err := buildMetrics(f, m, summary)
	if err != nil {
		return nil, core.Errorf(fn, "cannot write the metrics (%v); nothing was stored", err)
	}
	if _, err := json.Marshal(summary); err != nil {
		return nil, core.Errorf(fn, "cannot write the summary (%v); nothing was stored", err)
	}
	summary.Seconds = time.Since(start).Seconds()
	progress(c, fn, name, "write", 0, float64(m.Rows()), "")
	writeStart := time.Now()
	if err := store(c, fn, name, source, m, f, opt, params, metricsJSON, summary.Seconds); err != nil {
		return nil, err
	}
	summary.Timings.Write = time.Since(writeStart).Seconds()
	summary.Seconds = time.Since(start).Seconds()
	return summary, nil
}

func readSource(c *core.Conn, fn, query string, opt Options) (*core.Matrix, error) {
	spec := core.MatrixSpec{Function: fn, WeightColumn: opt.Weight, UniqueKeys: true}
	if opt.SkipBad {
		spec.OnNull = core.NullSkip
	}
	m, err := c.ReadMatrix(query, spec)
	if err != nil {
		return nil, err
	}
	if m.Rows() == 0 {
		if m.Skipped > 0 {
			return nil, core.Errorf(fn, "every row of the source (%d) was skipped for NULL or non-numeric values; nothing to cluster", m.Skipped)
		}
		return nil, core.Errorf(fn, "the source has no rows; nothing to cluster (check the table, or the WHERE clause of the query)")
	}
	if m.Weights != nil {
		total := 0.0
		for _, w := range m.Weights {
			total += w
		}
		if !(total > 0) {
			return nil, core.Errorf(fn, "the weights in column %q sum to zero; at least one row needs a positive weight", opt.Weight)
		}
		if math.IsInf(total, 0) {
			return nil, core.Errorf(fn, "the weights in column %q sum to more than the largest number; scale them down in the source query", opt.Weight)
		}
	}
	return m, nil
}

// prepared is a source in model space, ready to cluster with any k.
type prepared struct {
	m      *core.Matrix
	x      *mat.Dense // model space: standardized (in place over m.X) unless KeepScale
	base   Model      // KeyColumn, Features, Standardize, Mean, Std, OverallMean, OverallStd
	maxAbs float64    // the largest |value| of the source, for overflow messages
	keep   bool       // KeepScale
}

// prepare standardizes the matrix as the options say, in place: m.X then
// holds the model-space values. It polls ctx.
func prepare(ctx context.Context, fn string, m *core.Matrix, opt Options) (*prepared, error) {
	n, d := m.Rows(), len(m.Features)
	p := &prepared{m: m, x: mat.NewDense(n, d, m.X), keep: opt.KeepScale,
		base: Model{KeyColumn: m.KeyColumn, Features: m.Features, Standardize: !opt.KeepScale}}
	moments, err := kmeans.WeightedMoments(ctx, m.X, n, d, m.Weights)
	if err != nil {
		return nil, fitError(fn, err)
	}
	p.base.OverallMean, p.base.OverallStd, p.maxAbs = moments.Mean, moments.Std, moments.MaxAbs
	for j := range d {
		if math.IsInf(p.base.OverallMean[j], 0) || math.IsInf(p.base.OverallStd[j], 0) || math.IsNaN(p.base.OverallStd[j]) {
			if m.Weights != nil {
				return nil, core.Errorf(fn, "column %q holds values too large to cluster (their weighted mean or spread overflows); scale it or the weights down in the source query", m.Features[j])
			}
			return nil, core.Errorf(fn, "column %q holds values too large to cluster (their mean or spread overflows); scale it down in the source query", m.Features[j])
		}
	}
	if opt.KeepScale {
		p.base.Mean = make([]float64, d)
		p.base.Std = make([]float64, d)
		for j := range p.base.Std {
			p.base.Std[j] = 1
		}
		return p, nil
	}
	var sc kmeans.Scaler
	if m.Weights != nil {
		// Standardize with the weighted moments, so that a row of weight w
		// is the same as w copies of the row and a row of weight 0 has no
		// effect at all.
		sc = kmeans.WeightedScaler(moments)
	} else if sc, err = kmeans.FitScalerContext(ctx, p.x); err != nil {
		return nil, fitError(fn, err)
	}
	if err := finiteValues(fn, p, "the feature means and scales", append(append([]float64(nil), sc.Mean...), sc.Std...)); err != nil {
		return nil, err
	}
	p.base.Mean, p.base.Std = sc.Mean, sc.Std
	if err := sc.TransformContext(ctx, p.x, p.x); err != nil {
		return nil, fitError(fn, err)
	}
	return p, nil
}

// kmeansOptions are the algorithm's options for k clusters, without
// explicit initial centroids.
func kmeansOptions(opt Options, k int) kmeans.Options {
	ko := kmeans.Options{
		K: k, NInit: opt.NInit, MaxIter: opt.MaxIter, Tol: opt.Tol, Seed: opt.Seed,
		BatchSize: opt.BatchSize, Threads: opt.Threads, SilhouetteSample: opt.SilhouetteSample,
		NumPyRandom: opt.NumPyRandom,
	}
	if opt.Init == "random" {
		ko.Init = kmeans.InitRandom
	}
	switch opt.Algorithm {
	case "lloyd":
		ko.Algorithm = kmeans.Lloyd
	case "elkan":
		ko.Algorithm = kmeans.Elkan
	case "hamerly":
		ko.Algorithm = kmeans.Hamerly
	case "minibatch":
		ko.Algorithm = kmeans.MiniBatch
	}
	return ko
}

// fit clusters a prepared source with k clusters, orders clusters by size
// and computes the metrics; the model and the metrics it returns are
// finite, or it fails saying why. ctx is c's Context: every phase stops
// when the call is interrupted or its Go context ends.
func fit(ctx context.Context, c *core.Conn, fn, name string, p *prepared, opt Options, k int) (*fitted, error) {
	m, x := p.m, p.x
	n, d := m.Rows(), len(m.Features)
	model := p.base
	model.K = k
	ko := kmeansOptions(opt, k)
	ko.Threads = opt.threads(c.Env)
	if opt.InitCentroids != nil {
		if len(opt.InitCentroids) != k {
			return nil, core.Errorf(fn, "option \"init\" has %d centroids but k is %d", len(opt.InitCentroids), k)
		}
		init := mat.NewDense(k, d, nil)
		sc := kmeans.Scaler{Mean: model.Mean, Std: model.Std}
		for i, row := range opt.InitCentroids {
			if len(row) != d {
				return nil, core.Errorf(fn, "option \"init\": centroid %d has %d values but there are %d features (%s)", i+1, len(row), d, strings.Join(m.Features, ", "))
			}
			for _, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, core.Errorf(fn, "option \"init\": centroid %d has a non-finite value", i+1)
				}
			}
			z := init.RawRowView(i)
			sc.TransformRow(z, row)
			for j, v := range z {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, core.Errorf(fn, "option \"init\": centroid %d has a value too large for the features' scale (%g)", i+1, row[j])
				}
			}
		}
		ko.Centroids = init
	}
	started := time.Now()
	ko.Progress = func(p kmeans.Progress) {
		c.Report(core.ProgressEvent{
			Function: fn, Model: name, Phase: p.Phase, Done: float64(p.Iteration), Total: float64(p.MaxIter),
			Iteration: p.Iteration, Elapsed: time.Since(started),
			Detail: progressDetail(k, p),
		})
	}
	res, err := kmeans.Fit(ctx, x, m.Weights, ko)
	if err != nil {
		return nil, fitError(fn, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fitError(fn, err)
	}
	sizes := res.OrderBySize()
	model.Centroids = make([]float64, 0, k*d)
	for i := 0; i < k; i++ {
		model.Centroids = append(model.Centroids, res.Centroids.RawRowView(i)...)
	}
	if err := finiteValues(fn, p, "the centroids", model.Centroids); err != nil {
		return nil, err
	}
	if err := finiteValues(fn, p, "the inertia (the sum of squared distances)", []float64{res.Inertia}); err != nil {
		return nil, err
	}
	model.Sizes = make([]int64, k)
	for i, s := range sizes {
		model.Sizes[i] = int64(s)
	}
	f := &fitted{model: &model, labels: res.Labels, inertia: res.Inertia, iterations: res.Iterations,
		timings: Timings{Init: res.Init.Seconds(), Iterate: res.Iterate.Seconds()}}
	metricsStart := time.Now()
	defer func() { f.timings.Metrics = time.Since(metricsStart).Seconds() }()
	as, err := kmeans.Assign(ctx, x, res.Labels, model.Centroids, k, m.Weights)
	if err != nil {
		return nil, fitError(fn, err)
	}
	f.distances, model.Weights = as.Distances, as.Weights
	if err := finiteValues(fn, p, "the distances to the centroids", f.distances); err != nil {
		return nil, err
	}
	if err := finiteValues(fn, p, "the cluster weights", model.Weights); err != nil {
		return nil, err
	}
	if k >= 2 {
		progress(c, fn, name, "metrics", 0, 0, "")
		// A metric is NaN by definition for some labellings (fewer than 2
		// clusters with rows, or as many clusters as rows): it is then
		// left out. Any other NaN, and any infinity, is an overflow.
		live, total := as.Clusters()
		db, err := kmeans.DaviesBouldin(ctx, x, res.Labels, k, m.Weights)
		if err != nil {
			return nil, fitError(fn, err)
		}
		if f.metrics.DaviesBouldin, err = metric(fn, p, "the Davies-Bouldin index", db, live >= 2 && live <= n-1); err != nil {
			return nil, err
		}
		ch, err := kmeans.CalinskiHarabasz(ctx, x, res.Labels, k, m.Weights)
		if err != nil {
			return nil, fitError(fn, err)
		}
		if f.metrics.CalinskiHarabasz, err = metric(fn, p, "the Calinski-Harabasz index", ch, live >= 2 && float64(live) < total); err != nil {
			return nil, err
		}
		if k <= n-1 {
			sil, err := kmeans.Silhouette(ctx, x, res.Labels, k, m.Weights, ko.SilhouetteSample, ko.Seed, ko.Threads)
			switch {
			case err == nil:
				if f.metrics.Silhouette, err = metric(fn, p, "the silhouette", sil, true); err != nil {
					return nil, err
				}
			case errors.Is(err, kmeans.ErrUndefined):
				// Fewer than 2 non-empty clusters: no silhouette.
			default:
				return nil, fitError(fn, err)
			}
		}
	}
	return f, nil
}

// metric returns a metric's value, nil when it is undefined (NaN where
// defined says it may be), or the overflow error.
func metric(fn string, p *prepared, what string, v float64, defined bool) (*float64, error) {
	if math.IsNaN(v) && !defined {
		return nil, nil
	}
	if err := finiteValues(fn, p, what, []float64{v}); err != nil {
		return nil, err
	}
	return &v, nil
}

// finiteValues returns the error of a training whose numbers overflowed:
// what they are, the values that caused it and what to do.
func finiteValues(fn string, p *prepared, what string, v []float64) error {
	bad := -1
	for i, x := range v {
		if x-x != 0 { // NaN for NaN and ±Inf
			bad = i
			break
		}
	}
	if bad < 0 {
		return nil
	}
	scale := "the features"
	if p.m.Weights != nil {
		scale = "the features or the weights"
	}
	fix := "scale " + scale + " down in the source query"
	if p.keep {
		fix += " or keep \"standardize\" on"
	}
	if fn != "kmeans_select_k" {
		fix += "; the previous model, if any, is unchanged"
	}
	return core.Errorf(fn, "%s overflowed to %v: values up to %.3g overflow squared distances; %s", what, v[bad], p.maxAbs, fix)
}

func progressDetail(k int, p kmeans.Progress) string {
	if p.Phase == "init" {
		return fmt.Sprintf("k=%d run %d/%d choosing centroid %d of %d", k, p.Run, p.Runs, p.Iteration, k)
	}
	return fmt.Sprintf("k=%d run %d/%d iteration %d", k, p.Run, p.Runs, p.Iteration)
}

func countEmpty(sizes []int64) int {
	n := 0
	for _, s := range sizes {
		if s == 0 {
			n++
		}
	}
	return n
}

func fitError(fn string, err error) error {
	return core.TrainError(fn, err, fn != "kmeans_select_k")
}

// buildMetrics returns ml_models.metrics of a fit.
func buildMetrics(f *fitted, m *core.Matrix, s *Summary) ([]byte, error) {
	metrics := map[string]any{
		"inertia": f.inertia, "iterations": f.iterations, "silhouette": f.metrics.Silhouette,
		"davies_bouldin": f.metrics.DaviesBouldin, "calinski_harabasz": f.metrics.CalinskiHarabasz,
		"sizes": f.model.Sizes, "skipped": m.Skipped, "features": m.Features,
	}
	if len(s.Warnings) > 0 {
		metrics["warnings"] = s.Warnings
	}
	return json.Marshal(metrics)
}

// assignBatch is how many assignment rows are built at a time: the
// assignments are never all in memory as SQL values at once.
const assignBatch = 1 << 14

// store writes the model, its centroids and its assignments in one savepoint.
func store(c *core.Conn, fn, name string, source any, m *core.Matrix, f *fitted, opt Options, params, metricsJSON []byte, seconds float64) error {
	src, _ := source.(string)
	rec := &catalog.Model{Name: name, Kind: Kind, Source: src, Options: opt.json(),
		Metrics: string(metricsJSON), NRows: int64(m.Rows()), TrainSeconds: seconds, Params: params}
	return core.StoreModel(c, fn, rec, func() error {
		d := f.model.D()
		var rows [][]driver.Value
		for cl := 0; cl < f.model.K; cl++ {
			units := f.model.CentroidUnits(cl)
			for j := 0; j < d; j++ {
				rows = append(rows, []driver.Value{name, int64(cl + 1), f.model.Features[j], units[j], nil})
			}
		}
		if err := core.InsertRows(c, "ml_kmeans_centroids", 5, rows, nil); err != nil {
			return err
		}
		vals := make([]driver.Value, 4*min(assignBatch, len(m.Keys)))
		rows = make([][]driver.Value, 0, min(assignBatch, len(m.Keys)))
		for lo := 0; lo < len(m.Keys); lo += assignBatch {
			if err := c.Check(); err != nil {
				return err
			}
			rows = rows[:0]
			for i := lo; i < min(lo+assignBatch, len(m.Keys)); i++ {
				v := vals[4*(i-lo) : 4*(i-lo)+4 : 4*(i-lo)+4]
				v[0], v[1], v[2], v[3] = name, m.Keys[i], int64(f.labels[i]+1), f.distances[i]
				rows = append(rows, v)
			}
			if err := core.InsertRows(c, "ml_kmeans_assignments", 4, rows, c.Check); err != nil {
				return err
			}
		}
		return nil
	})
}

func progress(c *core.Conn, fn, name, phase string, done, total float64, detail string) {
	c.Report(core.ProgressEvent{Function: fn, Model: name, Phase: phase, Done: done, Total: total, Detail: detail})
}
