// Package kmeansfn is the SQL surface of k-means customer segmentation.
//
//	kmeans_train(model, source, options)           JSON summary; trains and stores a model
//	kmeans_assign(model, x1, ..., xd)              cluster 1..k of a point (1 is the largest)
//	kmeans_distance(model, x1, ..., xd)            distance from a point to its cluster's centroid
//	kmeans_centroids(model)                        table: cluster, feature, value, size
//	kmeans_profile(model)                          table: cluster, size, share, feature, mean, overall_mean, z
//	kmeans_select_k(source, k_min, k_max, options) table: k, inertia, silhouette, davies_bouldin, calinski_harabasz
//
// kmeans_select_k also keeps its latest rows per source in the catalog's
// ml_evaluations (function 'kmeans_select_k', subject the source as given),
// when the database can be written (creating the catalog if needed; from
// inside a statement that writes, only into an existing, current catalog);
// see core.RecordEvaluation.
package kmeansfn

import (
	"errors"
	"math"
	"strings"

	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Functions is the k-means family's SQL surface.
var Functions = []core.Function{
	{Name: "kmeans_train", Writes: true, Signature: "kmeans_train(model, source, options)",
		Summary: "cluster the rows of a table or query with k-means and store the model; returns a JSON summary",
		Scalar:  trainSQL},
	{Name: "kmeans_assign", Signature: "kmeans_assign(model, x1, ..., xd)",
		Summary: "the cluster (1..k, 1 = largest) of a point; NULL if any value is NULL",
		Scalar:  func(c *core.Conn, args []any) (any, error) { return score(c, "kmeans_assign", args, false) }},
	{Name: "kmeans_distance", Signature: "kmeans_distance(model, x1, ..., xd)",
		Summary: "distance from a point to its cluster's centroid, in the model's (standardized) units",
		Scalar:  func(c *core.Conn, args []any) (any, error) { return score(c, "kmeans_distance", args, true) }},
	{Name: "kmeans_centroids", Signature: "kmeans_centroids(model)",
		Summary: "the centroid of every cluster in feature units, with cluster sizes",
		Table: &core.TableFunc{Columns: []string{"cluster INTEGER", "feature TEXT", "value REAL", "size INTEGER"},
			Args: []string{"model"}, MinArgs: 1, Run: centroids}},
	{Name: "kmeans_profile", Signature: "kmeans_profile(model)",
		Summary: "what makes each segment different: per cluster and feature, its mean against the overall mean, as a z-score",
		Table: &core.TableFunc{Columns: []string{"cluster INTEGER", "size INTEGER", "share REAL", "feature TEXT", "mean REAL", "overall_mean REAL", "z REAL"},
			Args: []string{"model"}, MinArgs: 1, Run: profile}},
	{Name: "kmeans_select_k", Signature: "kmeans_select_k(source, k_min, k_max [, options])",
		Summary: "fit k-means for each k in a range and report inertia and quality metrics, to choose k",
		Table: &core.TableFunc{Columns: selectKColumns,
			Args: []string{"source", "k_min", "k_max", "options"}, MinArgs: 3, Run: selectK}},
}

var selectKColumns = []string{"k INTEGER", "inertia REAL", "silhouette REAL", "davies_bouldin REAL", "calinski_harabasz REAL", "iterations INTEGER"}

// Register adds the k-means functions to a connection; kmeans_assign and
// kmeans_distance then get their C scoring path.
func Register(c *core.Conn) error {
	return errors.Join(core.Register(c, Functions), registerNative(c))
}

// trainSQL is kmeans_train(model, source [, options]), which requires "k".
var trainSQL = core.TrainFunc("kmeans_train",
	func(fn string, options any) (Options, error) { return parseOptions(fn, options, true) }, Train)

func load(c *core.Conn, fn string, name any) (*Model, error) {
	return core.LoadModelArg(c, fn, name, Kind, Decode)
}

func score(c *core.Conn, fn string, args []any, distance bool) (any, error) {
	if len(args) < 1 {
		return nil, core.Errorf(fn, "takes (model, x1, ..., xd)")
	}
	m, err := load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	if len(args)-1 != m.D() {
		return nil, core.Errorf(fn, "model %q takes %d feature values (%s), got %d", args[0], m.D(), strings.Join(m.Features, ", "), len(args)-1)
	}
	x := make([]float64, 2*m.D())
	point, scratch := x[:m.D()], x[m.D():]
	for j, a := range args[1:] {
		f, ok, err := core.Number(fn, m.Features[j], a)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, nil
		}
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, core.Errorf(fn, "argument %s is not a finite number (%g)", m.Features[j], f)
		}
		point[j] = f
	}
	cl, dist := m.Nearest(point, scratch)
	if math.IsInf(dist, 0) || math.IsNaN(dist) {
		return nil, core.Errorf(fn, "the values are too large to score: their distance to every centroid overflows; rescale them to the units the model was trained in")
	}
	if distance {
		return dist, nil
	}
	return int64(cl + 1), nil
}

func centroids(c *core.Conn, args []any) ([][]any, error) {
	m, err := load(c, "kmeans_centroids", args[0])
	if err != nil {
		return nil, err
	}
	var rows [][]any
	for cl := 0; cl < m.K; cl++ {
		for j, v := range m.CentroidUnits(cl) {
			rows = append(rows, []any{int64(cl + 1), m.Features[j], v, m.Sizes[cl]})
		}
	}
	return rows, nil
}

func profile(c *core.Conn, args []any) ([][]any, error) {
	m, err := load(c, "kmeans_profile", args[0])
	if err != nil {
		return nil, err
	}
	var rows [][]any
	for cl := 0; cl < m.K; cl++ {
		share, mean, z := m.Profile(cl)
		for j, v := range mean {
			rows = append(rows, []any{int64(cl + 1), m.Sizes[cl], share, m.Features[j], v, m.OverallMean[j], z[j]})
		}
	}
	return rows, nil
}

func selectK(c *core.Conn, args []any) ([][]any, error) {
	const fn = "kmeans_select_k"
	kmin, err := core.Integer(fn, "k_min", args[1])
	if err != nil {
		return nil, err
	}
	kmax, err := core.Integer(fn, "k_max", args[2])
	if err != nil {
		return nil, err
	}
	if kmin < 1 || kmax < kmin || kmax-kmin > 1000 {
		return nil, core.Errorf(fn, "k_min and k_max must satisfy 1 <= k_min <= k_max (at most 1000 apart), got %d and %d", kmin, kmax)
	}
	opt, err := parseOptions(fn, args[3], false)
	if err != nil {
		return nil, err
	}
	if err := opt.validate(fn); err != nil {
		return nil, err
	}
	opt.Threads = opt.threads(c.Env) // the memory estimate counts per-thread state
	if opt.InitCentroids != nil {
		return nil, core.Errorf(fn, "option \"init\" cannot be a list of centroids here, since k varies; use \"k-means++\" or \"random\"")
	}
	query, err := core.SourceQuery(fn, args[0])
	if err != nil {
		return nil, err
	}
	m, err := readSource(c, fn, query, opt)
	if err != nil {
		return nil, err
	}
	if int(kmax) > m.Rows() {
		return nil, core.Errorf(fn, "k_max (%d) is larger than the number of rows (%d)", kmax, m.Rows())
	}
	if err := checkMemory(fn, m, opt, int(kmax), true); err != nil {
		return nil, err
	}
	ctx := c.Context()
	p, err := prepare(ctx, fn, m, opt)
	if err != nil {
		return nil, err
	}
	var rows [][]any
	for k := int(kmin); k <= int(kmax); k++ {
		f, err := fit(ctx, c, fn, "", p, opt, k)
		if err != nil {
			return nil, err
		}
		rows = append(rows, []any{int64(k), f.inertia, ptr(f.metrics.Silhouette), ptr(f.metrics.DaviesBouldin),
			ptr(f.metrics.CalinskiHarabasz), int64(f.iterations)})
	}
	call := core.Object{{Key: "k_min", Value: kmin}, {Key: "k_max", Value: kmax}, {Key: "options", Value: core.JSONOptions(args[3])}}
	subject := strings.TrimSpace(args[0].(string)) // SourceQuery took it as text
	if err := c.RecordEvaluation(fn, subject, call, core.RowObjects(selectKColumns, rows)); err != nil {
		return nil, err
	}
	return rows, nil
}

func ptr(v *float64) any {
	if v == nil || math.IsNaN(*v) {
		return nil
	}
	return *v
}
