package kmeansfn

import (
	"context"
	"database/sql/driver"
	"encoding/json"
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
	Centroids        []float64 `json:"-"` // K×d in feature units, for the Go API
}

// fitted is one clustering of a matrix, before it is stored.
type fitted struct {
	model      *Model
	labels     []int
	distances  []float64
	inertia    float64
	iterations int
	metrics    metrics
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
	opt, err := opt.withDefaults(fn, c.Env)
	if err != nil {
		return nil, err
	}
	query, err := core.SourceQuery(fn, source)
	if err != nil {
		return nil, err
	}
	progress(c, fn, name, "read", 0, 0, "")
	m, err := readSource(c, fn, query, opt)
	if err != nil {
		return nil, err
	}
	if opt.K > m.Rows() {
		return nil, core.Errorf(fn, "k must be between 1 and the number of rows (%d), got %d", m.Rows(), opt.K)
	}
	f, err := fit(c.Context(), c, fn, name, m, opt, opt.K, true)
	if err != nil {
		return nil, err
	}
	progress(c, fn, name, "write", 0, float64(m.Rows()), "")
	summary := &Summary{
		Model: name, K: opt.K, Rows: m.Rows(), Skipped: m.Skipped, Features: m.Features,
		Iterations: f.iterations, Inertia: f.inertia,
		Silhouette: f.metrics.Silhouette, DaviesBouldin: f.metrics.DaviesBouldin, CalinskiHarabasz: f.metrics.CalinskiHarabasz,
		Sizes: f.model.Sizes,
	}
	if empty := countEmpty(f.model.Sizes); empty > 0 {
		// scikit-learn warns in the same case (ConvergenceWarning).
		summary.Warnings = append(summary.Warnings, fmt.Sprintf(
			"only %d of %d clusters have rows: the source has fewer distinct points than k; use a smaller k", opt.K-empty, opt.K))
	}
	for cl := 0; cl < opt.K; cl++ {
		summary.Centroids = append(summary.Centroids, f.model.CentroidUnits(cl)...)
	}
	summary.Seconds = time.Since(start).Seconds()
	if err := store(c, fn, name, query, source, m, f, opt, summary); err != nil {
		return nil, err
	}
	summary.Seconds = time.Since(start).Seconds()
	c.Forget(name)
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
	}
	return m, nil
}

// fit standardizes the matrix as the options say, clusters it with k
// clusters, orders clusters by size and computes the metrics. ctx is c's
// Context: the clustering and the metrics stop when the call is
// interrupted or its Go context ends.
func fit(ctx context.Context, c *core.Conn, fn, name string, m *core.Matrix, opt Options, k int, withMetrics bool) (*fitted, error) {
	n, d := m.Rows(), len(m.Features)
	x := mat.NewDense(n, d, append([]float64(nil), m.X...))
	model := &Model{KeyColumn: m.KeyColumn, Features: m.Features, Standardize: !opt.KeepScale, K: k}
	model.OverallMean, model.OverallStd = weightedMoments(m.X, n, d, m.Weights)
	for j := range d {
		if math.IsInf(model.OverallMean[j], 0) || math.IsInf(model.OverallStd[j], 0) || math.IsNaN(model.OverallStd[j]) {
			return nil, core.Errorf(fn, "column %q holds values too large to cluster (their mean or spread overflows); scale it down in the source query", m.Features[j])
		}
	}
	if opt.KeepScale {
		model.Mean = make([]float64, d)
		model.Std = make([]float64, d)
		for j := range model.Std {
			model.Std[j] = 1
		}
	} else {
		sc := kmeans.FitScaler(x)
		if m.Weights != nil {
			// Standardize with the weighted moments, so that a row of weight w
			// is the same as w copies of the row and a row of weight 0 has no
			// effect at all.
			sc = weightedScaler(model.OverallMean, model.OverallStd)
		}
		model.Mean, model.Std = sc.Mean, sc.Std
		sc.Transform(x, x)
	}
	ko := kmeans.Options{
		K: k, NInit: opt.NInit, MaxIter: opt.MaxIter, Tol: opt.Tol, Seed: opt.Seed,
		BatchSize: opt.BatchSize, Threads: opt.Threads, NumPyRandom: opt.NumPyRandom,
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
	if opt.InitCentroids != nil {
		if len(opt.InitCentroids) != k {
			return nil, core.Errorf(fn, "option \"init\" has %d centroids but k is %d", len(opt.InitCentroids), k)
		}
		init := mat.NewDense(k, d, nil)
		for i, row := range opt.InitCentroids {
			if len(row) != d {
				return nil, core.Errorf(fn, "option \"init\": centroid %d has %d values but there are %d features (%s)", i+1, len(row), d, strings.Join(m.Features, ", "))
			}
			for j, v := range row {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, core.Errorf(fn, "option \"init\": centroid %d has a non-finite value", i+1)
				}
				init.Set(i, j, (v-model.Mean[j])/model.Std[j])
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
	sizes := res.OrderBySize()
	model.Centroids = append([]float64(nil), res.Centroids.RawMatrix().Data...)
	if rm := res.Centroids.RawMatrix(); rm.Stride != d {
		model.Centroids = model.Centroids[:0]
		for i := 0; i < k; i++ {
			model.Centroids = append(model.Centroids, res.Centroids.RawRowView(i)...)
		}
	}
	model.Sizes = make([]int64, k)
	model.Weights = make([]float64, k)
	for i, s := range sizes {
		model.Sizes[i] = int64(s)
	}
	f := &fitted{model: model, labels: res.Labels, inertia: res.Inertia, iterations: res.Iterations,
		distances: make([]float64, n)}
	for i, l := range res.Labels {
		w := 1.0
		if m.Weights != nil {
			w = m.Weights[i]
		}
		model.Weights[l] += w
		row := x.RawRowView(i)
		cen := model.Centroids[l*d : l*d+d]
		s := 0.0
		for j, v := range row {
			t := v - cen[j]
			s += t * t
		}
		f.distances[i] = math.Sqrt(s)
	}
	if withMetrics && k >= 2 {
		progress(c, fn, name, "metrics", 0, 0, "")
		db, err := kmeans.DaviesBouldin(ctx, x, res.Labels, k, m.Weights)
		if err != nil {
			return nil, fitError(fn, err)
		}
		ch, err := kmeans.CalinskiHarabasz(ctx, x, res.Labels, k, m.Weights)
		if err != nil {
			return nil, fitError(fn, err)
		}
		f.metrics.DaviesBouldin, f.metrics.CalinskiHarabasz = finite(db), finite(ch)
		if k <= n-1 {
			sil, err := kmeans.Silhouette(ctx, x, res.Labels, k, m.Weights, opt.SilhouetteSample, opt.Seed, opt.Threads)
			switch {
			case err == nil:
				f.metrics.Silhouette = finite(sil)
			case core.Stopped(err):
				return nil, fitError(fn, err)
			}
			// Any other error is a labelling silhouette is not defined
			// for (fewer than 2 non-empty clusters): no silhouette.
		}
	}
	return f, nil
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

func finite(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

func fitError(fn string, err error) error {
	return core.TrainError(fn, err, fn != "kmeans_select_k")
}

// weightedScaler standardizes with the given weighted means and standard
// deviations; a constant column (a deviation within rounding of zero) keeps
// its scale, as kmeans.FitScaler does.
func weightedScaler(mean, std []float64) kmeans.Scaler {
	sc := kmeans.Scaler{Mean: append([]float64(nil), mean...), Std: append([]float64(nil), std...)}
	for j, s := range sc.Std {
		if !(s > 1e-12*math.Max(1, math.Abs(sc.Mean[j]))) {
			sc.Std[j] = 1
		}
	}
	return sc
}

// weightedMoments returns the (weighted) mean and population standard
// deviation of each column.
func weightedMoments(x []float64, n, d int, w []float64) (mean, std []float64) {
	mean, std = make([]float64, d), make([]float64, d)
	total := 0.0
	for i := 0; i < n; i++ {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		total += wi
		for j := 0; j < d; j++ {
			mean[j] += wi * x[i*d+j]
		}
	}
	for j := range mean {
		mean[j] /= total
	}
	for i := 0; i < n; i++ {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		for j := 0; j < d; j++ {
			t := x[i*d+j] - mean[j]
			std[j] += wi * t * t
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / total)
	}
	return mean, std
}

// store writes the model, its centroids and its assignments in one savepoint.
func store(c *core.Conn, fn, name, query string, source any, m *core.Matrix, f *fitted, opt Options, s *Summary) error {
	if err := catalog.Migrate(c.SQL); err != nil {
		return core.Errorf(fn, "%w", err)
	}
	metrics := map[string]any{
		"inertia": f.inertia, "iterations": f.iterations, "silhouette": f.metrics.Silhouette,
		"davies_bouldin": f.metrics.DaviesBouldin, "calinski_harabasz": f.metrics.CalinskiHarabasz,
		"sizes": f.model.Sizes, "skipped": m.Skipped, "features": m.Features,
	}
	if len(s.Warnings) > 0 {
		metrics["warnings"] = s.Warnings
	}
	metricsJSON, _ := json.Marshal(metrics)
	src, _ := source.(string)
	err := catalog.InTx(c.SQL, "kmeans_train", func() error {
		if err := catalog.DeleteSideRows(c.SQL, name); err != nil {
			return err
		}
		if err := catalog.Put(c.SQL, &catalog.Model{
			Name: name, Kind: Kind, CreatedAt: c.Env.Clock(), Source: src, Options: opt.json(),
			Metrics: string(metricsJSON), NRows: int64(m.Rows()), TrainSeconds: s.Seconds, Params: f.model.Encode(),
		}); err != nil {
			return err
		}
		d := f.model.D()
		var rows [][]driver.Value
		for cl := 0; cl < f.model.K; cl++ {
			units := f.model.CentroidUnits(cl)
			for j := 0; j < d; j++ {
				rows = append(rows, []driver.Value{name, int64(cl + 1), f.model.Features[j], units[j]})
			}
		}
		if err := core.InsertRows(c, "ml_kmeans_centroids", 4, rows, nil); err != nil {
			return err
		}
		rows = rows[:0]
		for i, key := range m.Keys {
			rows = append(rows, []driver.Value{name, key, int64(f.labels[i] + 1), f.distances[i]})
		}
		return core.InsertRows(c, "ml_kmeans_assignments", 4, rows, c.Check)
	})
	if err != nil {
		return fitError(fn, fmt.Errorf("save model %q: %w", name, err))
	}
	return nil
}

func progress(c *core.Conn, fn, name, phase string, done, total float64, detail string) {
	c.Report(core.ProgressEvent{Function: fn, Model: name, Phase: phase, Done: done, Total: total, Detail: detail})
}
