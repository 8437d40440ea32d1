package spark

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func nanValue() float64 { return math.NaN() }

// model4 copies testdata's mllib k-means model4 to a temporary directory.
func model4(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "model4")
	copyDir(t, testdata(t, "mllib-kmeans-rdd/model4"), dir)
	return dir
}

// errorCase builds a model directory and names what the error must say.
type errorCase struct {
	name  string
	setup func(t *testing.T) string
	want  []string
}

func runErrorCases(t *testing.T, cases []errorCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := tc.setup(t)
			m, err := Read(path, ReadOptions{})
			if err == nil {
				t.Fatalf("no error; got %+v", m)
			}
			msg := err.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q\ndoes not contain %q", msg, w)
				}
			}
			if strings.HasPrefix(msg, "spark") || strings.HasPrefix(msg, "read") {
				t.Errorf("error %q starts with a function name", msg)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	t.Parallel()
	runErrorCases(t, []errorCase{
		{"does not exist", func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope") },
			[]string{"nope does not exist"}},
		{"a file", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "model.pmml")
			os.WriteFile(p, []byte("<PMML/>"), 0o644)
			return p
		}, []string{"model.pmml is a file, not a directory"}},
		{"no metadata", func(t *testing.T) string { return t.TempDir() },
			[]string{"not a Spark ML saved model:", "has no metadata/part-* file; give the directory passed to model.save()"}},
		{"only a crc", func(t *testing.T) string {
			d := t.TempDir()
			os.MkdirAll(filepath.Join(d, "metadata"), 0o755)
			os.WriteFile(filepath.Join(d, "metadata", ".part-00000.crc"), []byte("x"), 0o644)
			return d
		}, []string{"has no metadata/part-* file"}},
		{"metadata not JSON", func(t *testing.T) string {
			d := t.TempDir()
			writeMetadata(t, d, `{"class": "org.apache.spark.ml.clustering.KMeansModel", `)
			return d
		}, []string{filepath.Join("metadata", "part-00000"), "metadata is not a JSON object"}},
		{"metadata without class", func(t *testing.T) string {
			d := t.TempDir()
			writeMetadata(t, d, `{"sparkVersion":"3.4.0","uid":"x"}`)
			return d
		}, []string{`metadata has no "class"`}},
		{"metadata LFS pointer", func(t *testing.T) string {
			d := t.TempDir()
			writeMetadata(t, d, "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12")
			return d
		}, []string{"Git LFS pointer", "git lfs pull"}},
		{"unsupported class", func(t *testing.T) string {
			d := t.TempDir()
			writeMetadata(t, d, `{"class":"org.apache.spark.ml.classification.LogisticRegressionModel","sparkVersion":"3.4.0"}`)
			return d
		}, []string{"org.apache.spark.ml.classification.LogisticRegressionModel", "cannot be imported", ClassKMeans, ClassALS, ClassLocalLDA, ClassMLlibKMeans}},
		{"pipeline without a model", func(t *testing.T) string {
			return pipeline(t, scalerStage(t, "0_StandardScaler_7f3e9a1b2c4d", "features", 3))
		}, []string{"has no stage that can be imported", "0_StandardScaler_7f3e9a1b2c4d (" + ClassStandardScaler + ")", ClassKMeans}},
		{"pipeline stage missing", func(t *testing.T) string {
			p := pipeline(t, scalerStage(t, "0_StandardScaler_7f3e9a1b2c4d", "features", 3))
			os.RemoveAll(filepath.Join(p, "stages", "0_StandardScaler_7f3e9a1b2c4d"))
			return p
		}, []string{"stage 0 (StandardScaler_7f3e9a1b2c4d) has no directory"}},
		{"no data dir", func(t *testing.T) string {
			d := model4(t)
			os.RemoveAll(filepath.Join(d, "data"))
			return d
		}, []string{filepath.Join("model4", "data") + " is missing"}},
		{"no part files", func(t *testing.T) string {
			d := model4(t)
			parts, _ := filepath.Glob(filepath.Join(d, "data", "part-*"))
			for _, p := range parts {
				os.Remove(p)
			}
			return d
		}, []string{"has no Parquet part files"}},
		{"parquet LFS pointer", func(t *testing.T) string {
			d := model4(t)
			p := firstPart(t, filepath.Join(d, "data"))
			os.WriteFile(p, []byte("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 937\n"), 0o644)
			return d
		}, []string{"part-00000-4bf1db51", "is a Git LFS pointer", "git lfs pull"}},
		{"not parquet", func(t *testing.T) string {
			d := model4(t)
			os.WriteFile(firstPart(t, filepath.Join(d, "data")), []byte("id,point\n0,1 2 3\n"), 0o644)
			return d
		}, []string{"is not a Parquet file or is truncated"}},
		{"k mismatch", func(t *testing.T) string {
			d := model4(t)
			writeMetadata(t, d, `{"class":"org.apache.spark.mllib.clustering.KMeansModel","version":"1.0","k":3}`)
			return d
		}, []string{"holds 2 cluster centres but the metadata says k = 3"}},
		{"mllib without k", func(t *testing.T) string {
			d := model4(t)
			writeMetadata(t, d, `{"class":"org.apache.spark.mllib.clustering.KMeansModel","version":"1.0"}`)
			return d
		}, []string{`metadata has no "k"`}},
		{"cosine", func(t *testing.T) string {
			d := model4(t)
			writeMetadata(t, d, `{"class":"org.apache.spark.mllib.clustering.KMeansModel","version":"2.0","k":2,"distanceMeasure":"cosine"}`)
			return d
		}, []string{`distanceMeasure "cosine"`, `only "euclidean"`}},
		{"ml cosine", func(t *testing.T) string {
			d := makeKMeans(t, []kmeansRow{{0, dense(1, 2)}})
			writeMetadata(t, d, strings.Replace(kmeansMeta, `"euclidean"`, `"cosine"`, 1))
			return d
		}, []string{`distanceMeasure "cosine"`}},
		{"sparse index out of range", func(t *testing.T) string {
			return makeKMeans(t, []kmeansRow{{0, dense(1, 2, 3)}, {1, sparse(3, []int32{0, 3}, []float64{1, 2})}})
		}, []string{"cluster 1", "index 3 out of range"}},
		{"sparse negative index", func(t *testing.T) string {
			return makeKMeans(t, []kmeansRow{{0, sparse(3, []int32{-1}, []float64{1})}})
		}, []string{"index -1 out of range"}},
		{"sparse lengths", func(t *testing.T) string {
			return makeKMeans(t, []kmeansRow{{0, sparse(3, []int32{0, 1}, []float64{1})}})
		}, []string{"2 indices but 1 values"}},
		{"sparse duplicate index", func(t *testing.T) string {
			return makeKMeans(t, []kmeansRow{{0, sparse(3, []int32{1, 1}, []float64{1, 2})}})
		}, []string{"index 1 twice"}},
		{"sparse size mismatch", func(t *testing.T) string {
			return makeKMeans(t, []kmeansRow{{0, dense(1, 2, 3)}, {1, sparse(4, []int32{0}, []float64{1})}})
		}, []string{"cluster 1 has 4 dimensions but cluster 0 has 3"}},
		{"differing dimension", func(t *testing.T) string {
			return makeKMeans(t, []kmeansRow{{0, dense(1, 2, 3)}, {1, dense(1, 2)}})
		}, []string{"cluster 1 has 2 dimensions but cluster 0 has 3"}},
		{"vector type", func(t *testing.T) string {
			return makeKMeans(t, []kmeansRow{{0, &sparkVector{Type: 7, Values: []float64{1}}}})
		}, []string{"vector type 7"}},
		{"null centre", func(t *testing.T) string {
			return makeKMeans(t, []kmeansRow{{0, nil}})
		}, []string{"cluster 0: clusterCenter is null"}},
		{"NaN centre", func(t *testing.T) string {
			return makeKMeans(t, []kmeansRow{{0, dense(1, 2)}, {1, dense(3, math.NaN())}})
		}, []string{"centre of cluster 1 is NaN in dimension 1"}},
		{"Inf centre", func(t *testing.T) string {
			return makeKMeans(t, []kmeansRow{{0, dense(math.Inf(1), 2)}})
		}, []string{"centre of cluster 0 is +Inf in dimension 0"}},
		{"duplicate cluster", func(t *testing.T) string {
			return makeKMeans(t, []kmeansRow{{0, dense(1)}, {0, dense(2)}})
		}, []string{"cluster 0 appears twice"}},
		{"cluster index out of range", func(t *testing.T) string {
			return makeKMeans(t, []kmeansRow{{0, dense(1)}, {5, dense(2)}})
		}, []string{"row 1 has cluster index 5; expected 0 to 1"}},
		{"wrong data columns", func(t *testing.T) string {
			d := makeKMeans(t, nil)
			os.RemoveAll(filepath.Join(d, "data"))
			writeParquet(t, d, []vocabRow{{Vocabulary: []string{"a"}}})
			return d
		}, []string{`has no column "clusterIdx"`, "its columns: vocabulary.list.element"}},
		{"wrong column type", func(t *testing.T) string {
			type row struct {
				ClusterIdx    string       `parquet:"clusterIdx"`
				ClusterCenter *sparkVector `parquet:"clusterCenter,optional"`
			}
			d := makeKMeans(t, nil)
			os.RemoveAll(filepath.Join(d, "data"))
			writeParquet(t, d, []row{{"0", dense(1)}})
			return d
		}, []string{`column "clusterIdx" holds BYTE_ARRAY values, expected integer values`}},
	})
}

// alsDir writes a small ALS model with WriteALS and returns its path.
func alsDir(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "als")
	if err := WriteALS(p, synthALS(4, 3, 2, 5), ALSMeta{UID: "ALS_0123456789ab"}); err != nil {
		t.Fatal(err)
	}
	return p
}

// replaceFactors rewrites dir/sub's part file with ids and factors, unchecked.
func replaceFactors(t *testing.T, dir, sub string, ids []int32, factors []float32, rank int) {
	t.Helper()
	p := firstPart(t, filepath.Join(dir, sub))
	os.Remove(p)
	if err := writeFactorFile(p, ids, factors, rank, "3.5.0"); err != nil {
		t.Fatal(err)
	}
}

func TestReadALSErrors(t *testing.T) {
	t.Parallel()
	runErrorCases(t, []errorCase{
		{"rank mismatch", func(t *testing.T) string {
			d := alsDir(t)
			writeMetadata(t, d, `{"class":"org.apache.spark.ml.recommendation.ALSModel","sparkVersion":"3.5.0","uid":"ALS_0123456789ab","paramMap":{},"defaultParamMap":{},"rank":3}`)
			return d
		}, []string{"userFactors: user 1 has 2 features but the metadata says rank 3"}},
		{"no rank", func(t *testing.T) string {
			d := alsDir(t)
			writeMetadata(t, d, `{"class":"org.apache.spark.ml.recommendation.ALSModel","sparkVersion":"3.5.0"}`)
			return d
		}, []string{`metadata has no "rank"`}},
		{"rank not a number", func(t *testing.T) string {
			d := alsDir(t)
			writeMetadata(t, d, `{"class":"org.apache.spark.ml.recommendation.ALSModel","rank":"ten"}`)
			return d
		}, []string{`"rank" is a string, expected an integer`}},
		{"duplicate ids", func(t *testing.T) string {
			d := alsDir(t)
			replaceFactors(t, d, "itemFactors", []int32{9, 4, 9}, []float32{1, 2, 3, 4, 5, 6}, 2)
			return d
		}, []string{"itemFactors: item id 9 appears twice"}},
		{"NaN factor", func(t *testing.T) string {
			d := alsDir(t)
			replaceFactors(t, d, "userFactors", []int32{1, 2}, []float32{1, 2, 3, float32(math.NaN())}, 2)
			return d
		}, []string{"factor 1 of user 2 is NaN"}},
		{"missing itemFactors", func(t *testing.T) string {
			d := alsDir(t)
			os.RemoveAll(filepath.Join(d, "itemFactors"))
			return d
		}, []string{"itemFactors is missing"}},
	})
}

func TestReadALSUnsortedParts(t *testing.T) {
	t.Parallel()
	d := alsDir(t)
	replaceFactors(t, d, "userFactors", []int32{30, -2, 7}, []float32{3, 3.5, -2, -2.5, 7, 7.5}, 2)
	m, err := Read(d, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	a := m.ALS
	if a.UserIDs[0] != -2 || a.UserIDs[1] != 7 || a.UserIDs[2] != 30 || a.UserFactors[0] != -2 || a.UserFactors[3] != 7.5 || a.UserFactors[5] != 3.5 {
		t.Fatalf("ids %v factors %v", a.UserIDs, a.UserFactors)
	}
}

func TestReadLDAErrors(t *testing.T) {
	t.Parallel()
	lda := func(t *testing.T) string {
		d := filepath.Join(t.TempDir(), "lda")
		copyDir(t, shared(t, "lda-spark-3.4/lda"), d)
		return d
	}
	runErrorCases(t, []errorCase{
		{"k mismatch", func(t *testing.T) string {
			d := lda(t)
			writeMetadata(t, d, `{"class":"org.apache.spark.ml.clustering.LocalLDAModel","sparkVersion":"3.4.1","uid":"LDA_db5a449d5dd6","paramMap":{"k":6},"defaultParamMap":{"k":10}}`)
			return d
		}, []string{"topicsMatrix is 14263 x 5 but should be vocabSize x k = 14263 x 6"}},
	})
	t.Run("vocabulary length", func(t *testing.T) {
		t.Parallel()
		cv := filepath.Join(t.TempDir(), "cv")
		writeMetadata(t, cv, `{"class":"org.apache.spark.ml.feature.CountVectorizerModel","sparkVersion":"3.4.1","uid":"CountVectorizer_a83c9a334cba"}`)
		writeParquet(t, cv, []vocabRow{{Vocabulary: []string{"chase", "account", "credit"}}})
		_, err := Read(shared(t, "lda-spark-3.4/lda"), ReadOptions{Vocabulary: cv})
		if err == nil || !strings.Contains(err.Error(), "has 3 terms but the LDA model has vocabSize 14263") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("vocabulary not a CountVectorizerModel", func(t *testing.T) {
		t.Parallel()
		_, err := Read(shared(t, "lda-spark-3.4/lda"), ReadOptions{Vocabulary: shared(t, "lda-spark-3.4/idf")})
		if err == nil || !strings.Contains(err.Error(), "IDFModel, not a "+ClassCountVectorizer) {
			t.Fatalf("got %v", err)
		}
	})
}

// TestReadDamagedParquet truncates a real part file at every length and
// flips every byte of it in turn: each read must end in an error or a model,
// never a panic or a hang.
func TestReadDamagedParquet(t *testing.T) {
	t.Parallel()
	for _, src := range []struct {
		name string
		dir  func(t *testing.T) string
		sub  string
	}{
		{"mllib", func(t *testing.T) string { return testdata(t, "mllib-kmeans-rdd/model4") }, "data"},
		{"als", alsDir, "userFactors"},
		{"spark-3.4-snappy", func(t *testing.T) string { return shared(t, "kmeans-spark-3.4") }, "data"},
	} {
		t.Run(src.name, func(t *testing.T) {
			t.Parallel()
			dir := src.dir(t)
			work := filepath.Join(t.TempDir(), "m")
			copyDir(t, dir, work)
			parts, _ := partFiles(filepath.Join(work, src.sub))
			part := parts[len(parts)-1] // model4's last part holds a row
			orig, err := os.ReadFile(part)
			if err != nil {
				t.Fatal(err)
			}
			read := func(b []byte) error {
				if err := os.WriteFile(part, b, 0o644); err != nil {
					t.Fatal(err)
				}
				_, err := Read(work, ReadOptions{})
				if err != nil && strings.Contains(err.Error(), "cannot read the model") {
					t.Logf("recovered: %v", err)
				}
				return err
			}
			for n := 0; n < len(orig); n++ {
				err := read(orig[:n])
				if err == nil {
					t.Fatalf("truncated to %d of %d bytes: no error", n, len(orig))
				}
				if n == len(orig)/2 && !strings.Contains(err.Error(), filepath.Base(part)) {
					t.Errorf("error does not name the file: %v", err)
				}
			}
			flipped := 0
			for i := range orig {
				b := append([]byte(nil), orig...)
				b[i] ^= 0xff
				if read(b) != nil {
					flipped++
				}
			}
			if flipped == 0 {
				t.Errorf("no flipped byte was detected")
			}
			if err := read(orig); err != nil {
				t.Fatalf("the restored file fails: %v", err)
			}
		})
	}
}

func TestReadUnsupportedIs(t *testing.T) {
	t.Parallel()
	_, err := Read(shared(t, "lda-spark-3.4/idf"), ReadOptions{})
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "IDFModel") {
		t.Fatalf("got %v", err)
	}
}
