package spark

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadKMeansSpark34(t *testing.T) {
	t.Parallel()
	dir := shared(t, "kmeans-spark-3.4")
	m, err := Read(dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	km := m.KMeans
	if km == nil || m.ALS != nil || m.LDA != nil || m.Pipeline != nil || m.Stage != "" {
		t.Fatalf("got %+v", m)
	}
	if len(km.Centers) != 2 || len(km.Centers[0]) != 29 || len(km.Centers[1]) != 29 {
		t.Fatalf("centres %d x %d, want 2 x 29", len(km.Centers), len(km.Centers[0]))
	}
	if km.DistanceMeasure != "euclidean" || km.Scaler != nil {
		t.Errorf("distance %q, scaler %v", km.DistanceMeasure, km.Scaler)
	}
	if m.Metadata.Class != ClassKMeans || m.Metadata.UID != "KMeans_c441f7b5d16f" || m.Metadata.SparkVersion != "3.4.0" || m.Metadata.Timestamp != 1685075306246 {
		t.Errorf("metadata %+v", m.Metadata)
	}
	// The 64-bit default seed keeps its digits.
	if s := m.Metadata.DefaultParamMap["seed"]; s != json.Number("7969353092125344463") {
		t.Errorf("default seed %v", s)
	}
	if p := m.Metadata.Params(); p["seed"] != json.Number("123") || p["initMode"] != "k-means||" {
		t.Errorf("params %v", p)
	}
	// Every value against parquet-go's row reader, keyed by clusterIdx.
	for _, row := range rawRows(t, filepath.Join(dir, "data")) {
		i := row["clusterIdx"][0].Int32()
		vals := row["clusterCenter.values.list.element"]
		if len(vals) != 29 {
			t.Fatalf("raw row %d has %d values", i, len(vals))
		}
		for j, v := range vals {
			if km.Centers[i][j] != v.Double() {
				t.Fatalf("centre %d[%d] = %v, file has %v", i, j, km.Centers[i][j], v.Double())
			}
		}
	}
}

func TestReadALSMovieLens(t *testing.T) {
	t.Parallel()
	dir := shared(t, "als-spark-3.0-movielens100k")
	m, err := Read(dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := m.ALS
	if a == nil || a.Rank != 10 || len(a.UserIDs) != 943 || len(a.ItemIDs) != 1682 {
		t.Fatalf("got rank %d, %d users, %d items; want 10, 943, 1682", a.Rank, len(a.UserIDs), len(a.ItemIDs))
	}
	if len(a.UserFactors) != 943*10 || len(a.ItemFactors) != 1682*10 {
		t.Fatalf("factor lengths %d, %d", len(a.UserFactors), len(a.ItemFactors))
	}
	// MovieLens 100k numbers users 1..943 and items 1..1682.
	for i, id := range a.UserIDs {
		if id != int32(i+1) {
			t.Fatalf("user %d has id %d", i, id)
		}
	}
	for i, id := range a.ItemIDs {
		if id != int32(i+1) {
			t.Fatalf("item %d has id %d", i, id)
		}
	}
	for _, f := range [][]float32{a.UserFactors, a.ItemFactors} {
		for i, v := range f {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("factor %d is %v", i, v)
			}
		}
	}
	// Every factor against parquet-go's row reader over the 10 part files.
	for _, tc := range []struct {
		sub     string
		ids     []int32
		factors []float32
	}{{"userFactors", a.UserIDs, a.UserFactors}, {"itemFactors", a.ItemIDs, a.ItemFactors}} {
		rows := rawRows(t, filepath.Join(dir, tc.sub))
		if len(rows) != len(tc.ids) {
			t.Fatalf("%s: %d raw rows", tc.sub, len(rows))
		}
		for _, row := range rows {
			id := row["id"][0].Int32()
			k := int(id) - 1
			for j, v := range row["features.list.element"] {
				if tc.factors[k*10+j] != v.Float() {
					t.Fatalf("%s id %d factor %d = %v, file has %v", tc.sub, id, j, tc.factors[k*10+j], v.Float())
				}
			}
		}
	}
	if got := m.Metadata.ParamMap["userCol"]; got != "userID" {
		t.Errorf("userCol %v", got)
	}
}

func TestReadLDA(t *testing.T) {
	t.Parallel()
	dir := shared(t, "lda-spark-3.4/lda")
	m, err := Read(dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	l := m.LDA
	if l == nil || l.K != 5 || l.VocabSize != 14263 || len(l.Lambda) != 5*14263 {
		t.Fatalf("got %+v", l)
	}
	if len(l.DocConcentration) != 5 || l.TopicConcentration != 0.2 || l.GammaShape != 100 || l.Vocabulary != nil {
		t.Errorf("alpha %v eta %v gamma %v vocabulary %d", l.DocConcentration, l.TopicConcentration, l.GammaShape, len(l.Vocabulary))
	}
	// topicsMatrix as saved: dense, column-major (a topic per column).
	rows := rawRows(t, filepath.Join(dir, "data"))
	if len(rows) != 1 {
		t.Fatalf("%d raw rows", len(rows))
	}
	raw := rows[0]
	if raw["topicsMatrix.isTransposed"][0].Boolean() || raw["topicsMatrix.type"][0].Int32() != 1 {
		t.Fatal("the fixture is expected to be a dense, untransposed matrix")
	}
	vals := raw["topicsMatrix.values.list.element"]
	n := int(raw["topicsMatrix.numRows"][0].Int32())
	var sums [5]float64
	for k := range 5 {
		for w := range n {
			want := vals[w+k*n].Double()
			if got := l.Lambda[w*5+k]; got != want {
				t.Fatalf("Lambda[%d*5+%d] = %v, topicsMatrix(%d, %d) = %v", w, k, got, w, k, want)
			}
			sums[k] += want
		}
	}
	for k := range 5 {
		var s float64
		for w := range n {
			s += l.Lambda[w*5+k]
		}
		if math.Abs(s-sums[k]) > 1e-9*sums[k] {
			t.Errorf("topic %d sums to %v, the raw column to %v", k, s, sums[k])
		}
	}
	// Spot value read off the file by hand: topicsMatrix(0, 1).
	if l.Lambda[1] != vals[n].Double() {
		t.Errorf("spot value %v vs %v", l.Lambda[1], vals[n].Double())
	}
}

func TestReadLDAVocabulary(t *testing.T) {
	t.Parallel()
	dir := shared(t, "lda-spark-3.4/lda")
	cv := shared(t, "lda-spark-3.4/cv")
	m, err := Read(dir, ReadOptions{Vocabulary: cv})
	if err != nil {
		t.Fatal(err)
	}
	v := m.LDA.Vocabulary
	if len(v) != 14263 || v[0] != "chase" || v[4] != "card" {
		t.Fatalf("vocabulary has %d terms, starting %q", len(v), v[:min(len(v), 5)])
	}
}

func TestReadMLlibKMeans(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		k    int
	}{{"model2", 1}, {"model4", 2}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := testdata(t, filepath.Join("mllib-kmeans-rdd", tc.name))
			m, err := Read(dir, ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			k, _, _ := intParam(m.Metadata.Fields, "k")
			if int(k) != tc.k || m.Metadata.Class != ClassMLlibKMeans || m.Metadata.Fields["version"] != "1.0" {
				t.Fatalf("metadata %+v", m.Metadata)
			}
			if len(m.KMeans.Centers) != tc.k || len(m.KMeans.Centers[0]) != 3 {
				t.Fatalf("centres %v", m.KMeans.Centers)
			}
		})
	}
	// model2 is k-means with k = 1 on (1,2,3) and (5,6,7) (its README): the mean.
	m, err := Read(testdata(t, "mllib-kmeans-rdd/model2"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if c := m.KMeans.Centers[0]; c[0] != 3 || c[1] != 4 || c[2] != 5 {
		t.Errorf("model2 centre %v, want [3 4 5]", c)
	}
}

func TestReadSpark4MetadataName(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "model4")
	copyDir(t, testdata(t, "mllib-kmeans-rdd/model4"), dir)
	md := filepath.Join(dir, "metadata")
	if err := os.Rename(filepath.Join(md, "part-00000"), filepath.Join(md, "part-00000-0d8a5bde-8c5e-4d5b-9e7c-3e2f1f0b6a11-c000.txt")); err != nil {
		t.Fatal(err)
	}
	// A checksum file sorts first and must be ignored.
	if err := os.WriteFile(filepath.Join(md, ".part-00000-0d8a5bde-8c5e-4d5b-9e7c-3e2f1f0b6a11-c000.txt.crc"), []byte("crc"), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := Read(dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.KMeans.Centers) != 2 {
		t.Fatalf("centres %v", m.KMeans.Centers)
	}
}

func TestReadIDFMetadataName(t *testing.T) {
	t.Parallel()
	// The IDF model's metadata file ends in .parquet but is the JSON line.
	meta, err := readMetadata(shared(t, "lda-spark-3.4/idf"))
	if err != nil {
		t.Fatal(err)
	}
	if meta.Class != "org.apache.spark.ml.feature.IDFModel" {
		t.Fatalf("class %q", meta.Class)
	}
}

func TestReadSparseCentre(t *testing.T) {
	t.Parallel()
	dir := makeKMeans(t, []kmeansRow{
		{ClusterIdx: 1, ClusterCenter: sparse(3, []int32{2, 0}, []float64{-2, 1.5})},
		{ClusterIdx: 0, ClusterCenter: dense(1, 2, 3)},
	})
	m, err := Read(dir, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{1, 2, 3}, {1.5, 0, -2}}
	for i := range want {
		for j := range want[i] {
			if m.KMeans.Centers[i][j] != want[i][j] {
				t.Fatalf("centres %v, want %v", m.KMeans.Centers, want)
			}
		}
	}
}

func TestReadCheckAborts(t *testing.T) {
	t.Parallel()
	stop := errors.New("interrupted")
	_, err := Read(testdata(t, "mllib-kmeans-rdd/model4"), ReadOptions{Check: func() error { return stop }})
	if err != stop {
		t.Fatalf("got %v, want the check's error itself", err)
	}
	calls := 0
	if _, err := Read(testdata(t, "mllib-kmeans-rdd/model4"), ReadOptions{Check: func() error { calls++; return nil }}); err != nil || calls == 0 {
		t.Fatalf("err %v, %d calls", err, calls)
	}
}

// pipeline writes a PipelineModel directory whose stages are copies of dirs
// (a stage's uid is the directory name after its index).
func pipeline(t *testing.T, stages ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "pipeline")
	var uids []string
	for i, s := range stages {
		name := filepath.Base(s)
		uid := name[strings.IndexByte(name, '_')+1:]
		uids = append(uids, uid)
		copyDir(t, s, filepath.Join(dir, "stages", name))
		_ = i
	}
	b, _ := json.Marshal(uids)
	writeMetadata(t, dir, `{"class":"org.apache.spark.ml.PipelineModel","timestamp":1685075306300,"sparkVersion":"3.4.0","uid":"PipelineModel_4b0e2a7c9d31","paramMap":{"stageUids":`+string(b)+`},"defaultParamMap":{}}`)
	return dir
}

// stageDir copies src to a temporary directory named name (index_uid).
func stageDir(t *testing.T, src, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	copyDir(t, src, dir)
	return dir
}

// scalerStage writes a StandardScalerModel stage for d features.
func scalerStage(t *testing.T, name, outputCol string, d int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	uid := name[strings.IndexByte(name, '_')+1:]
	writeMetadata(t, dir, `{"class":"org.apache.spark.ml.feature.StandardScalerModel","timestamp":1685075306200,"sparkVersion":"3.4.0","uid":"`+uid+`","paramMap":{"inputCol":"raw","outputCol":"`+outputCol+`","withMean":true},"defaultParamMap":{"withMean":false,"withStd":true,"outputCol":"`+uid+`__output"}}`)
	std, mean := make([]float64, d), make([]float64, d)
	for i := range d {
		std[i], mean[i] = float64(i+1), float64(i)/2
	}
	writeParquet(t, dir, []scalerRow{{Std: dense(std...), Mean: dense(mean...)}})
	return dir
}

func TestReadPipelineKMeans(t *testing.T) {
	t.Parallel()
	km := shared(t, "kmeans-spark-3.4")
	p := pipeline(t,
		scalerStage(t, "0_StandardScaler_7f3e9a1b2c4d", "features", 29),
		stageDir(t, km, "1_KMeans_c441f7b5d16f"))
	m, err := Read(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.KMeans == nil || m.Pipeline == nil || m.Pipeline.Class != ClassPipeline || m.Stage != "1_KMeans_c441f7b5d16f" || m.Path != p {
		t.Fatalf("got %+v", m)
	}
	if m.Metadata.Class != ClassKMeans || m.Metadata.UID != "KMeans_c441f7b5d16f" {
		t.Errorf("stage metadata %+v", m.Metadata)
	}
	sc := m.KMeans.Scaler
	if sc == nil || len(sc.Std) != 29 || len(sc.Mean) != 29 || !sc.WithMean || !sc.WithStd || sc.Std[3] != 4 || sc.Mean[3] != 1.5 {
		t.Fatalf("scaler %+v", sc)
	}

	// A scaler whose output does not feed the k-means features is not its scaler.
	p2 := pipeline(t,
		scalerStage(t, "0_StandardScaler_7f3e9a1b2c4d", "other", 29),
		stageDir(t, km, "1_KMeans_c441f7b5d16f"))
	m, err = Read(p2, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.KMeans.Scaler != nil {
		t.Errorf("scaler attached from an unrelated column")
	}

	// A scaler of the wrong width is an error.
	p3 := pipeline(t,
		scalerStage(t, "0_StandardScaler_7f3e9a1b2c4d", "features", 4),
		stageDir(t, km, "1_KMeans_c441f7b5d16f"))
	if _, err := Read(p3, ReadOptions{}); err == nil || !strings.Contains(err.Error(), "has 4 features but the k-means centres have 29") {
		t.Errorf("got %v", err)
	}
}

func TestReadPipelineLDA(t *testing.T) {
	t.Parallel()
	p := pipeline(t,
		stageDir(t, shared(t, "lda-spark-3.4/cv"), "0_CountVectorizer_a83c9a334cba"),
		stageDir(t, shared(t, "lda-spark-3.4/idf"), "1_IDF_ef17ad7d3528"),
		stageDir(t, shared(t, "lda-spark-3.4/lda"), "2_LDA_db5a449d5dd6"))
	m, err := Read(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.LDA == nil || len(m.LDA.Vocabulary) != 14263 || m.Stage != "2_LDA_db5a449d5dd6" {
		t.Fatalf("got stage %q, lda %v", m.Stage, m.LDA != nil)
	}
	// Stage picks a stage by uid; an unsupported pick names its class.
	_, err = Read(p, ReadOptions{Stage: "IDF_ef17ad7d3528"})
	if err == nil || !strings.Contains(err.Error(), "org.apache.spark.ml.feature.IDFModel") || !errors.Is(err, ErrUnsupported) {
		t.Errorf("got %v", err)
	}
}

func TestReadPipelineNested(t *testing.T) {
	t.Parallel()
	inner := pipeline(t, stageDir(t, testdata(t, "mllib-kmeans-rdd/model4"), "0_KMeans_0123456789ab"))
	outer := pipeline(t, stageDir(t, inner, "0_PipelineModel_4b0e2a7c9d31"))
	m, err := Read(outer, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Stage != "0_PipelineModel_4b0e2a7c9d31/stages/0_KMeans_0123456789ab" || len(m.KMeans.Centers) != 2 {
		t.Fatalf("stage %q", m.Stage)
	}
}

// assemblerStage writes a VectorAssembler stage (a transformer: metadata
// only) with the given input columns.
func assemblerStage(t *testing.T, name string, cols ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	uid := name[strings.IndexByte(name, '_')+1:]
	b, _ := json.Marshal(cols)
	writeMetadata(t, dir, `{"class":"org.apache.spark.ml.feature.VectorAssembler","timestamp":1685075306100,"sparkVersion":"3.4.0","uid":"`+uid+`","paramMap":{"inputCols":`+string(b)+`,"outputCol":"features"},"defaultParamMap":{"handleInvalid":"error"}}`)
	return dir
}

// TestReadPipelineAssembler: the VectorAssembler before the model names the
// features; a model without one has none.
func TestReadPipelineAssembler(t *testing.T) {
	t.Parallel()
	km := testdata(t, "mllib-kmeans-rdd/model4")
	plain, err := Read(km, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d := len(plain.KMeans.Centers[0])
	if plain.InputColumns != nil {
		t.Errorf("a model outside a pipeline has input columns %v", plain.InputColumns)
	}
	cols := make([]string, d)
	for i := range cols {
		cols[i] = fmt.Sprintf("col_%d", i)
	}
	p := pipeline(t, assemblerStage(t, "0_VectorAssembler_0a1b2c3d4e5f", cols...), stageDir(t, km, "1_KMeans_c441f7b5d16f"))
	m, err := Read(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(m.InputColumns, ",") != strings.Join(cols, ",") {
		t.Errorf("input columns %v, want %v", m.InputColumns, cols)
	}
}
