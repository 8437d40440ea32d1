package kmeansfn

import (
	"database/sql/driver"
	"fmt"

	"github.com/seed-a084b42d/marketsql/algorithms/kmeans"
	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Imported is a k-means model learned elsewhere (a Spark KMeansModel, a
// PMML ClusteringModel), as the importer read it.
type Imported struct {
	Features []string
	// Centroids are the source's centres in model space, in the source's
	// order; Mean and Std the scaler that maps feature units there (nil:
	// none, the centres are in feature units).
	Centroids [][]float64
	Mean, Std []float64
	// Sizes are the rows per cluster when the source recorded them.
	Sizes []int64
	// SourceClusters are the source's own index of each centre (Spark's
	// 0-based clusterIdx as int64, PMML's cluster id), kept in
	// ml_kmeans_centroids.source_cluster.
	SourceClusters []any
}

// Import checks im, stores it as model rec.Name (rec carries the source,
// options, metrics and seconds) with its centroids, and returns the stored
// model and order[c], the position in im.Centroids of cluster c+1.
func Import(c *core.Conn, fn string, rec *catalog.Model, im *Imported) (*Model, []int, error) {
	k, d := len(im.Centroids), len(im.Features)
	if k == 0 || d == 0 {
		return nil, nil, core.Errorf(fn, "the model has %d clusters of %d features; a k-means model needs at least one of each", k, d)
	}
	mean, std := im.Mean, im.Std
	if mean == nil {
		mean, std = make([]float64, d), make([]float64, d)
		for j := range std {
			std[j] = 1
		}
	}
	if len(mean) != d || len(std) != d || len(im.SourceClusters) != k || (im.Sizes != nil && len(im.Sizes) != k) {
		return nil, nil, core.Errorf(fn, "inconsistent shapes: %d features, %d scaler means, %d scales, %d clusters, %d source indexes",
			d, len(mean), len(std), k, len(im.SourceClusters))
	}
	flat := make([]float64, 0, k*d)
	for i, ctr := range im.Centroids {
		if len(ctr) != d {
			return nil, nil, core.Errorf(fn, "cluster %v has %d values, the model has %d features", im.SourceClusters[i], len(ctr), d)
		}
		flat = append(flat, ctr...)
	}
	km, order := kmeans.Imported(flat, k, mean, std, im.Sizes)
	m := &Model{Features: im.Features, Standardize: im.Mean != nil, Model: *km}
	params := m.Encode()
	stored, err := Decode(params)
	if err != nil {
		return nil, nil, core.Errorf(fn, "the imported model is not usable (%v); nothing was stored", err)
	}
	for cl := range k {
		if err := catalog.CheckFinite("centroids in feature units", m.CentroidUnits(cl)); err != nil {
			return nil, nil, core.Errorf(fn, "cluster %v: %v; nothing was stored", im.SourceClusters[order[cl]], err)
		}
	}
	rec.Kind, rec.Params = Kind, params
	err = core.StoreModel(c, fn, rec, func() error {
		var rows [][]driver.Value
		for cl := range k {
			units := m.CentroidUnits(cl)
			for j := range d {
				rows = append(rows, []driver.Value{rec.Name, int64(cl + 1), m.Features[j], units[j], im.SourceClusters[order[cl]]})
			}
		}
		return core.InsertRows(c, "ml_kmeans_centroids", 5, rows, nil)
	})
	if err != nil {
		return nil, nil, err
	}
	return stored, order, nil
}

// DefaultFeatures names d features x1..xd, for a source that names none
// (a Spark vector column).
func DefaultFeatures(d int) []string {
	out := make([]string, d)
	for j := range out {
		out[j] = fmt.Sprintf("x%d", j+1)
	}
	return out
}
