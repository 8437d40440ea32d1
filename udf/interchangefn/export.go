package interchangefn

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/interop/pmml"
	"github.com/seed-a084b42d/marketsql/interop/spark"
	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/kmeansfn"
	"github.com/seed-a084b42d/marketsql/udf/recommendfn"
)

// ExportSummary is what ml_export returns.
type ExportSummary struct {
	Model   string   `json:"model"`
	Kind    string   `json:"kind"`
	Format  string   `json:"format"` // "pmml" or "spark"
	Class   string   `json:"class,omitempty"`
	Path    string   `json:"path"`
	Notes   []string `json:"notes,omitempty"`
	Seconds float64  `json:"seconds"`
}

// Export writes model name to path in the format other systems read for
// its kind. Nothing is left at path when it fails.
func Export(c *core.Conn, fn, name, path string, opt ExportOptions) (*ExportSummary, error) {
	start := time.Now()
	if err := c.CheckFileAccess(fn); err != nil {
		return nil, err
	}
	if path == "" {
		return nil, core.Errorf(fn, "the path is empty; give the file (PMML) or directory (Spark) to write")
	}
	if _, err := os.Lstat(path); err == nil && !opt.Overwrite {
		return nil, core.Errorf(fn, "%s already exists; remove it, choose another path, or pass '{\"overwrite\": true}'", quotePath(path))
	}
	rec, err := catalog.Get(c.SQL, name)
	if err != nil {
		return nil, core.Errorf(fn, "%w", err)
	}
	s := &ExportSummary{Model: name, Kind: rec.Kind, Path: path}
	switch rec.Kind {
	case kmeansfn.Kind:
		m, err := core.LoadModelAs(c, fn, name, kmeansfn.Kind, kmeansfn.Decode)
		if err != nil {
			return nil, err
		}
		err = writeFileAtomic(path, func(f *os.File) error { return pmml.Write(f, kmeansPMML(name, m)) })
		if err != nil {
			return nil, core.Errorf(fn, "write %s: %v", quotePath(path), err)
		}
		s.Format = "pmml"
		s.Notes = append(s.Notes, "PMML ClusteringModel, squared Euclidean; clusters keep their numbers here as ids and their sizes")
		if m.Standardize {
			s.Notes = append(s.Notes, "the model standardizes its features: each field's fieldWeight is 1/scale², which gives the same distances on the raw features")
		}
	case recommendfn.Kind:
		m, err := core.LoadModelAs(c, fn, name, recommendfn.Kind, recommendfn.Decode)
		if err != nil {
			return nil, err
		}
		if m.Factors == nil {
			return nil, core.Errorf(fn, "model %q is a %s recommender; only an ALS model (factors) can be written as a Spark ALSModel", name, m.Method)
		}
		a, err := alsForSpark(fn, m)
		if err != nil {
			return nil, err
		}
		meta := spark.ALSMeta{Timestamp: time.Now().UnixMilli(), ParamMap: map[string]any{
			"userCol": m.UserColumn, "itemCol": m.ItemColumn, "rank": a.Rank,
			"alpha": m.Alpha, "regParam": m.Reg, "implicitPrefs": true,
		}}
		if err := writeDirAtomic(path, opt.Overwrite, func(tmp string) error { return spark.WriteALS(tmp, a, meta) }); err != nil {
			return nil, core.Errorf(fn, "write %s: %v", quotePath(path), err)
		}
		s.Format, s.Class = "spark", spark.ClassALS
		s.Notes = append(s.Notes, "load it in Spark with ALSModel.load(path); the ids are the user and item keys (int32)")
	default:
		return nil, core.Errorf(fn, "model %q is a %s model; ml_export writes k-means models (PMML) and ALS recommenders (Spark ALSModel)", name, rec.Kind)
	}
	s.Seconds = time.Since(start).Seconds()
	return s, nil
}

// kmeansPMML is m as a PMML clustering model: centres in feature units, and
// a standardized model's scales as field weights, since
// sum ((x − c) / s)² = sum (1/s²)(x − c)² on the raw features.
func kmeansPMML(name string, m *kmeansfn.Model) *pmml.KMeans {
	out := &pmml.KMeans{ModelName: name, Fields: m.Features, Measure: "squaredEuclidean", Application: "marketsql"}
	for cl := range m.K {
		out.Centers = append(out.Centers, m.CentroidUnits(cl))
		out.IDs = append(out.IDs, fmt.Sprint(cl+1))
		out.Names = append(out.Names, fmt.Sprintf("cluster %d", cl+1))
	}
	out.Sizes = append([]int64(nil), m.Sizes...)
	if m.Standardize {
		out.Weights = make([]float64, m.D())
		for j, s := range m.Std {
			out.Weights[j] = 1 / (s * s)
		}
	}
	return out
}

// alsForSpark is m's factors with Spark's integer ids, sorted by id.
func alsForSpark(fn string, m *recommendfn.Model) (*spark.ALS, error) {
	a := &spark.ALS{Rank: m.Factors.F}
	ids := func(what string, keys []any) ([]int32, error) {
		out := make([]int32, len(keys))
		for k, key := range keys {
			v, ok := key.(int64)
			if !ok || v < math.MinInt32 || v > math.MaxInt32 {
				return nil, core.Errorf(fn, "%s key %s is not a 32-bit integer; Spark's ALSModel keeps integer ids, so map the keys to integers before training", what, core.KeyText(key))
			}
			out[k] = int32(v)
		}
		return out, nil
	}
	var err error
	if a.UserIDs, err = ids("user", m.Users); err != nil {
		return nil, err
	}
	if a.ItemIDs, err = ids("item", m.Items); err != nil {
		return nil, err
	}
	a.UserIDs, a.UserFactors = sortByID(a.UserIDs, m.Factors.Users, a.Rank)
	a.ItemIDs, a.ItemFactors = sortByID(a.ItemIDs, m.Factors.Items, a.Rank)
	return a, nil
}

// sortByID orders ids ascending with their factor rows. Integer keys are
// numbered in ascending order already, so this is usually a copy.
func sortByID(ids []int32, factors []float32, f int) ([]int32, []float32) {
	idx := make([]int, len(ids))
	sorted := true
	for k := range idx {
		idx[k] = k
		if k > 0 && ids[k-1] >= ids[k] {
			sorted = false
		}
	}
	if sorted {
		return ids, factors
	}
	sort.Slice(idx, func(a, b int) bool { return ids[idx[a]] < ids[idx[b]] })
	outIDs, out := make([]int32, len(ids)), make([]float32, len(factors))
	for k, i := range idx {
		outIDs[k] = ids[i]
		copy(out[k*f:(k+1)*f], factors[i*f:(i+1)*f])
	}
	return outIDs, out
}

// writeFileAtomic writes path through a temporary file beside it, renamed
// into place when write succeeds.
func writeFileAtomic(path string, write func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := write(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// writeDirAtomic writes the directory path through write, which must
// create the directory it is given. With overwrite, an existing path is
// moved aside first and removed once the new one is in place.
func writeDirAtomic(path string, overwrite bool, write func(dir string) error) error {
	if _, err := os.Lstat(path); err != nil {
		return write(path) // WriteALS writes through its own temporary directory
	}
	if !overwrite {
		return errors.New("it already exists")
	}
	tmp, err := os.MkdirTemp(filepath.Dir(path), "."+filepath.Base(path)+".new-*")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	out := filepath.Join(tmp, "model")
	if err := write(out); err != nil {
		return err
	}
	old := filepath.Join(tmp, "old")
	if err := os.Rename(path, old); err != nil {
		return err
	}
	if err := os.Rename(out, path); err != nil {
		os.Rename(old, path)
		return err
	}
	return nil
}
