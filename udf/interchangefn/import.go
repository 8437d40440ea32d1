package interchangefn

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/interop/pmml"
	"github.com/seed-a084b42d/marketsql/interop/spark"
	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/kmeansfn"
	"github.com/seed-a084b42d/marketsql/udf/ldafn"
	"github.com/seed-a084b42d/marketsql/udf/recommendfn"
)

// ImportSummary is what ml_import returns: what was read, what it became,
// and where its conventions differ from the source's.
type ImportSummary struct {
	Model        string `json:"model"`
	Kind         string `json:"kind"`
	Format       string `json:"format"` // "spark" or "pmml"
	Path         string `json:"path"`
	Class        string `json:"class,omitempty"`
	SparkVersion string `json:"spark_version,omitempty"`
	Stage        string `json:"stage,omitempty"` // the pipeline stage the model came from
	PMMLVersion  string `json:"pmml_version,omitempty"`
	Application  string `json:"application,omitempty"`

	// k-means
	K            int          `json:"k,omitempty"`
	Features     []string     `json:"features,omitempty"`
	Standardized bool         `json:"standardized,omitempty"`
	Clusters     []ClusterMap `json:"clusters,omitempty"`

	// recommend
	Users        int `json:"users,omitempty"`
	Items        int `json:"items,omitempty"`
	Rank         int `json:"rank,omitempty"`
	Seen         int `json:"seen,omitempty"`
	SeenUnknown  int `json:"seen_unknown,omitempty"`
	Interactions int `json:"interactions_rows,omitempty"`

	// LDA
	Topics     int `json:"topics,omitempty"`
	Vocabulary int `json:"vocabulary,omitempty"`

	Notes   []string `json:"notes,omitempty"`
	Seconds float64  `json:"seconds"`
}

// ClusterMap maps one of our clusters to the source's.
type ClusterMap struct {
	Cluster       int    `json:"cluster"`
	SourceCluster any    `json:"source_cluster"`
	Size          *int64 `json:"size"` // nil when the source did not record sizes
}

// Import reads the model at path and stores it as model name, replacing a
// model of that name atomically. fn prefixes errors.
func Import(c *core.Conn, fn, name, path string, opt ImportOptions) (*ImportSummary, error) {
	start := time.Now()
	if err := c.CheckFileAccess(fn); err != nil {
		return nil, err
	}
	if err := c.CheckWrite(fn); err != nil {
		return nil, err
	}
	if err := catalog.CheckName(name); err != nil {
		return nil, core.Errorf(fn, "%v", err)
	}
	if err := catalog.CanWrite(c.SQL); err != nil {
		return nil, core.Errorf(fn, "%w", err)
	}
	if path == "" {
		return nil, core.Errorf(fn, "the path is empty; give a Spark model directory or a PMML file")
	}
	st, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, core.Errorf(fn, "nothing at %s%s; give the directory a Spark model was saved to, or a PMML file", quotePath(path), relativeNote(path))
		}
		return nil, core.Errorf(fn, "cannot read %s: %v", quotePath(path), err)
	}
	var s *ImportSummary
	if st.IsDir() {
		s, err = importSpark(c, fn, name, path, opt)
	} else {
		s, err = importFile(c, fn, name, path, opt)
	}
	if err != nil {
		return nil, err
	}
	s.Seconds = time.Since(start).Seconds()
	return s, nil
}

// relativeNote says where a relative path was looked for.
func relativeNote(path string) string {
	if len(path) > 0 && path[0] == '/' {
		return ""
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	return fmt.Sprintf(" (a relative path is read from the program's working directory, %s)", quotePath(wd))
}

const lfsPointer = "version https://git-lfs.github.com/spec/v1"

// importFile imports a single file: PMML is the only single-file format.
func importFile(c *core.Conn, fn, name, path string, opt ImportOptions) (*ImportSummary, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, core.Errorf(fn, "cannot read %s: %v", quotePath(path), err)
	}
	head := make([]byte, 4096)
	n, _ := io.ReadFull(f, head)
	f.Close()
	head = head[:n]
	switch {
	case pmml.Sniff(head):
	case bytes.HasPrefix(head, []byte(lfsPointer)):
		return nil, core.Errorf(fn, "%s is a Git LFS pointer, not the file itself; run `git lfs pull` in its repository", quotePath(path))
	case bytes.HasPrefix(head, []byte("PAR1")):
		return nil, core.Errorf(fn, "%s is one Parquet file; give the Spark model's directory (the one holding metadata/)", quotePath(path))
	default:
		return nil, core.Errorf(fn, "%s is neither a PMML file nor a Spark model directory; ml_import reads those two", quotePath(path))
	}
	km, err := pmml.ReadFile(path)
	if err != nil {
		return nil, core.Errorf(fn, "%s: %v", quotePath(path), err)
	}
	if opt.Vocabulary != "" || opt.Interactions != "" {
		return nil, core.Errorf(fn, "options \"vocabulary\" and \"interactions\" are for Spark LDA and ALS models; a PMML k-means model takes \"features\" only")
	}
	features := km.Fields
	if opt.Features != nil {
		if len(opt.Features) != len(km.Fields) {
			return nil, core.Errorf(fn, "option \"features\" names %d features, the PMML model has %d (%v)", len(opt.Features), len(km.Fields), km.Fields)
		}
		features = opt.Features
	}
	im := &kmeansfn.Imported{Features: features, Centroids: km.Centers, Sizes: km.Sizes}
	if km.Weights != nil {
		// fieldWeight w on a squared difference is a scale of 1/sqrt(w):
		// sum w (x − c)² = sum ((x − c) / s)² with s = 1/sqrt(w).
		im.Mean, im.Std = make([]float64, len(features)), make([]float64, len(features))
		im.Centroids = make([][]float64, len(km.Centers))
		for j, w := range km.Weights {
			im.Std[j] = 1 / math.Sqrt(w)
		}
		for i, ctr := range km.Centers {
			im.Centroids[i] = make([]float64, len(ctr))
			for j, v := range ctr {
				im.Centroids[i][j] = v / im.Std[j]
			}
		}
	}
	im.SourceClusters = make([]any, len(km.IDs))
	for i, id := range km.IDs {
		im.SourceClusters[i] = sqlKey(id)
	}
	app := strings.TrimSpace(km.Application + " " + km.Version)
	source := fmt.Sprintf("pmml %s: %s", km.PMMLVersion, path)
	if app != "" {
		source = fmt.Sprintf("pmml %s (%s): %s", km.PMMLVersion, app, path)
	}
	optionsJSON, _ := json.Marshal(map[string]any{"measure": km.Measure, "model_name": km.ModelName})
	rec := &catalog.Model{Name: name, Source: source, Options: string(optionsJSON), NRows: sum(km.Sizes)}
	s := &ImportSummary{Model: name, Kind: kmeansfn.Kind, Format: "pmml", Path: path, PMMLVersion: km.PMMLVersion, Application: app}
	if err := importKMeans(c, fn, rec, im, s); err != nil {
		return nil, err
	}
	s.Notes = append(s.Notes, "kmeans_assign numbers clusters 1..k, largest first when the file records sizes; ml_kmeans_centroids.source_cluster (and \"clusters\" here) holds each cluster's id in the PMML file")
	return s, nil
}

// sqlKey is a PMML cluster id as SQL stores it: an integer when it is one.
func sqlKey(id string) any {
	if n, err := strconv.ParseInt(id, 10, 64); err == nil && strconv.FormatInt(n, 10) == id {
		return n
	}
	return id
}

func sum(v []int64) int64 {
	var t int64
	for _, x := range v {
		t += x
	}
	return t
}

// importKMeans stores im and fills the k-means part of s; metrics record
// the summary's mapping.
func importKMeans(c *core.Conn, fn string, rec *catalog.Model, im *kmeansfn.Imported, s *ImportSummary) error {
	s.K, s.Features, s.Standardized = len(im.Centroids), im.Features, im.Mean != nil
	metrics := map[string]any{"features": im.Features, "imported_from": s.Format}
	if im.Sizes != nil {
		// In cluster order: clusters are numbered largest first.
		sizes := slices.Clone(im.Sizes)
		slices.SortStableFunc(sizes, func(a, b int64) int { return cmp.Compare(b, a) })
		metrics["sizes"] = sizes
	}
	b, err := json.Marshal(metrics)
	if err != nil {
		return core.Errorf(fn, "cannot write the metrics: %v", err)
	}
	rec.Metrics = string(b)
	m, order, err := kmeansfn.Import(c, fn, rec, im)
	if err != nil {
		return err
	}
	for cl, src := range order {
		cs := ClusterMap{Cluster: cl + 1, SourceCluster: im.SourceClusters[src]}
		if im.Sizes != nil {
			size := m.Sizes[cl]
			cs.Size = &size
		}
		s.Clusters = append(s.Clusters, cs)
	}
	return nil
}

// importSpark imports a Spark ML saved model directory.
func importSpark(c *core.Conn, fn, name, path string, opt ImportOptions) (*ImportSummary, error) {
	sm, err := spark.Read(path, spark.ReadOptions{Vocabulary: opt.Vocabulary, Check: c.Check})
	if err != nil {
		if core.Stopped(err) {
			return nil, core.TrainError(fn, err, true)
		}
		return nil, core.Errorf(fn, "%v", err)
	}
	params, err := json.Marshal(sm.Metadata.Params())
	if err != nil {
		return nil, core.Errorf(fn, "cannot keep the model's parameters: %v", err)
	}
	s := &ImportSummary{Model: name, Format: "spark", Path: path, Class: sm.Metadata.Class,
		SparkVersion: sm.Metadata.SparkVersion, Stage: sm.Stage}
	version := sm.Metadata.SparkVersion
	if version == "" { // the RDD-based format records its own format version instead
		version = fmt.Sprintf("(format %v)", sm.Metadata.Fields["version"])
	}
	rec := &catalog.Model{Name: name, Source: fmt.Sprintf("spark %s %s: %s", version, shortClass(sm.Metadata.Class), path),
		Options: string(params)}
	switch {
	case sm.KMeans != nil:
		if opt.Vocabulary != "" || opt.Interactions != "" {
			return nil, core.Errorf(fn, "options \"vocabulary\" and \"interactions\" are for LDA and ALS models; a k-means model takes \"features\" only")
		}
		err = importSparkKMeans(c, fn, rec, sm, opt, s)
	case sm.ALS != nil:
		if opt.Vocabulary != "" || opt.Features != nil {
			return nil, core.Errorf(fn, "options \"vocabulary\" and \"features\" are for LDA and k-means models; an ALS model takes \"interactions\" only")
		}
		err = importSparkALS(c, fn, rec, sm, opt, s)
	case sm.LDA != nil:
		if opt.Interactions != "" || opt.Features != nil {
			return nil, core.Errorf(fn, "options \"interactions\" and \"features\" are for ALS and k-means models; an LDA model takes \"vocabulary\" only")
		}
		err = importSparkLDA(c, fn, rec, sm, s)
	default:
		err = core.Errorf(fn, "%s holds no model this build can serve (class %s)", quotePath(path), sm.Metadata.Class)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// shortClass is a Spark class name without its package.
func shortClass(class string) string {
	for i := len(class) - 1; i >= 0; i-- {
		if class[i] == '.' {
			return class[i+1:]
		}
	}
	return class
}

func importSparkKMeans(c *core.Conn, fn string, rec *catalog.Model, sm *spark.Model, opt ImportOptions, s *ImportSummary) error {
	km := sm.KMeans
	s.Kind = kmeansfn.Kind
	d := len(km.Centers[0])
	features := kmeansfn.DefaultFeatures(d)
	if sm.InputColumns != nil && len(sm.InputColumns) == d {
		features = sm.InputColumns
	}
	if opt.Features != nil {
		if len(opt.Features) != d {
			return core.Errorf(fn, "option \"features\" names %d features, the model's centres have %d", len(opt.Features), d)
		}
		features = opt.Features
	}
	im := &kmeansfn.Imported{Features: features, Centroids: km.Centers, SourceClusters: make([]any, len(km.Centers))}
	for i := range km.Centers {
		im.SourceClusters[i] = int64(i)
	}
	if sc := km.Scaler; sc != nil {
		im.Mean, im.Std = make([]float64, d), make([]float64, d)
		for j := range d {
			im.Std[j] = 1
			if sc.WithMean {
				im.Mean[j] = sc.Mean[j]
			}
			if sc.WithStd {
				if !(sc.Std[j] > 0) {
					return core.Errorf(fn, "the pipeline's StandardScalerModel has standard deviation %g for feature %d; Spark then maps the feature to 0, which a k-means model here cannot express; drop the constant feature before scaling", sc.Std[j], j+1)
				}
				im.Std[j] = sc.Std[j]
			}
		}
		s.Notes = append(s.Notes, "the pipeline's StandardScalerModel is applied: kmeans_assign takes the features in their own units")
	}
	if err := importKMeans(c, fn, rec, im, s); err != nil {
		return err
	}
	s.Notes = append(s.Notes, "Spark numbers clusters from 0; here cluster c (1..k) is Spark's cluster c-1 (Spark's saved model records no sizes); ml_kmeans_centroids.source_cluster holds Spark's index")
	return nil
}

func importSparkALS(c *core.Conn, fn string, rec *catalog.Model, sm *spark.Model, opt ImportOptions, s *ImportSummary) error {
	a := sm.ALS
	s.Kind = recommendfn.Kind
	params := sm.Metadata.Params()
	im := &recommendfn.ImportedALS{
		UserColumn: paramString(params, "userCol", "user"), ItemColumn: paramString(params, "itemCol", "item"),
		Rank: a.Rank, UserFactors: a.UserFactors, ItemFactors: a.ItemFactors,
		Alpha: paramFloat(params, "alpha", 1), Reg: paramFloat(params, "regParam", 0.1),
		Users: make([]any, len(a.UserIDs)), Items: make([]any, len(a.ItemIDs)),
	}
	for k, id := range a.UserIDs {
		im.Users[k] = int64(id)
	}
	for k, id := range a.ItemIDs {
		im.Items[k] = int64(id)
	}
	if opt.Interactions != "" {
		query, err := core.SourceQuery(fn, opt.Interactions)
		if err != nil {
			return err
		}
		in, err := c.ReadInteractions(fn, query, false)
		if err != nil {
			return err
		}
		im.Seen = in
		s.Interactions = in.Rows
	}
	rec.NRows = int64(s.Interactions)
	metrics, _ := json.Marshal(map[string]any{"users": len(a.UserIDs), "items": len(a.ItemIDs), "rank": a.Rank,
		"user_column": im.UserColumn, "item_column": im.ItemColumn, "imported_from": "spark"})
	rec.Metrics = string(metrics)
	if _, err := recommendfn.ImportALS(c, fn, rec, im); err != nil {
		return err
	}
	s.Users, s.Items, s.Rank = len(a.UserIDs), len(a.ItemIDs), a.Rank
	if im.Seen != nil {
		s.Seen = len(im.Seen.U) - im.SeenUnknown
		s.SeenUnknown = im.SeenUnknown
		s.Notes = append(s.Notes, "recommend leaves out the items each user has in \"interactions\"; pass '{\"include_seen\":true}' to rank as Spark's recommendForAllUsers does")
	} else {
		s.Notes = append(s.Notes, "no \"interactions\" given: recommend ranks every item by the dot product of the factors and leaves nothing out, as Spark's recommendForAllUsers does; give the training rows as \"interactions\" to leave out what a user has")
	}
	s.Notes = append(s.Notes, "user and item keys are Spark's integer ids (int32)",
		fmt.Sprintf("recommend_basket folds a basket in with alpha %g and regularization %g (Spark's alpha and regParam)", im.Alpha, im.Reg))
	return nil
}

func importSparkLDA(c *core.Conn, fn string, rec *catalog.Model, sm *spark.Model, s *ImportSummary) error {
	l := sm.LDA
	s.Kind = ldafn.Kind
	if l.Vocabulary == nil {
		return core.Errorf(fn, "the LDA model's terms are column numbers of a CountVectorizerModel saved separately; give its directory as the option \"vocabulary\", e.g. '{\"vocabulary\": \"path/to/cv\"}'")
	}
	metrics, _ := json.Marshal(map[string]any{"topics": l.K, "vocabulary": l.VocabSize, "alpha": l.DocConcentration,
		"eta": l.TopicConcentration, "imported_from": "spark"})
	rec.Metrics = string(metrics)
	im := &ldafn.ImportedLDA{Vocab: l.Vocabulary, K: l.K, Lambda: l.Lambda, Alpha: l.DocConcentration, Eta: l.TopicConcentration}
	if _, err := ldafn.ImportLDA(c, fn, rec, im); err != nil {
		return err
	}
	s.Topics, s.Vocabulary = l.K, l.VocabSize
	s.Notes = append(s.Notes, "topic t here is Spark's topic t-1",
		"lda_infer counts the words of a text; a Spark pipeline that weighted them (TF-IDF) gives other document weights")
	return nil
}

func paramString(p map[string]any, key, def string) string {
	if v, ok := p[key].(string); ok && v != "" {
		return v
	}
	return def
}

func paramFloat(p map[string]any, key string, def float64) float64 {
	switch v := p[key].(type) {
	case json.Number:
		if f, err := v.Float64(); err == nil {
			return f
		}
	case float64:
		return v
	}
	return def
}
