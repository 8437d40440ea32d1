package spark

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/datasets"

	"github.com/parquet-go/parquet-go"
)

// repoRoot walks up from the package directory to the directory holding go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test directory")
		}
		dir = parent
	}
}

// shared returns a model folder of ../shared/data/spark-models beside the
// repository, skipping the test when it is absent. Those models come from
// repositories without a licence, so they are read in place, never copied
// into the repository.
func shared(t testing.TB, name string) string {
	t.Helper()
	dir := datasets.Shared(filepath.Join("spark-models", name))
	if dir == "" {
		t.Skipf("../shared/data/spark-models/%s (or $MARKETSQL_DATA) is absent; skipping", name)
	}
	return dir
}

// testdata returns a model of testdata/spark (Apache-2.0, committed).
func testdata(t testing.TB, name string) string {
	t.Helper()
	return filepath.Join(repoRoot(t), "testdata", "spark", name)
}

// copyDir copies the tree src to dst (which must not exist), writable, without .crc files.
func copyDir(t testing.TB, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		if strings.HasSuffix(p, ".crc") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// partFile returns the only or first Parquet part file under dir.
func firstPart(t testing.TB, dir string) string {
	t.Helper()
	files, err := partFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	return files[0]
}

// writeMetadata writes dir/metadata/part-00000 and _SUCCESS.
func writeMetadata(t testing.TB, dir, line string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, "metadata"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "metadata", "part-00000"), []byte(line+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "metadata", "_SUCCESS"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeParquet writes rows of T as dir/data/part-00000-...-c000.snappy.parquet.
func writeParquet[T any](t testing.TB, dir string, rows []T) {
	t.Helper()
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[T](&buf, parquet.Compression(&parquet.Snappy))
	if _, err := w.Write(rows); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	name := filepath.Join(data, "part-00000-00000000-0000-4000-8000-000000000000-c000.snappy.parquet")
	if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sparkVector has the shape of Spark's VectorUDT struct.
type sparkVector struct {
	Type    int8      `parquet:"type"`
	Size    *int32    `parquet:"size,optional"`
	Indices []int32   `parquet:"indices,optional,list"`
	Values  []float64 `parquet:"values,optional,list"`
}

func dense(v ...float64) *sparkVector { return &sparkVector{Type: 1, Values: v} }

func sparse(size int32, idx []int32, v []float64) *sparkVector {
	return &sparkVector{Type: 0, Size: &size, Indices: idx, Values: v}
}

// kmeansRow has the shape of an ml KMeansModel's data rows.
type kmeansRow struct {
	ClusterIdx    int32        `parquet:"clusterIdx"`
	ClusterCenter *sparkVector `parquet:"clusterCenter,optional"`
}

// scalerRow has the shape of a StandardScalerModel's data row.
type scalerRow struct {
	Std  *sparkVector `parquet:"std,optional"`
	Mean *sparkVector `parquet:"mean,optional"`
}

// vocabRow has the shape of a CountVectorizerModel's data row.
type vocabRow struct {
	Vocabulary []string `parquet:"vocabulary,optional,list"`
}

const kmeansMeta = `{"class":"org.apache.spark.ml.clustering.KMeansModel","timestamp":1685075306246,"sparkVersion":"3.4.0","uid":"KMeans_000000000001","paramMap":{"k":2},"defaultParamMap":{"distanceMeasure":"euclidean","featuresCol":"features"}}`

// makeKMeans writes an ml KMeansModel directory with the given rows.
func makeKMeans(t testing.TB, rows []kmeansRow) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "km")
	writeMetadata(t, dir, kmeansMeta)
	writeParquet(t, dir, rows)
	return dir
}

// rawRows reads every row of the Parquet files in dir through parquet-go's
// row reader (not the column reader Read uses) and returns, per row, the
// values of each leaf column by its dotted path.
func rawRows(t testing.TB, dir string) []map[string][]parquet.Value {
	t.Helper()
	files, err := partFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string][]parquet.Value
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		paths := f.Schema().Columns()
		rows := f.Schema()
		_ = rows
		for _, rg := range f.RowGroups() {
			rr := rg.Rows()
			buf := make([]parquet.Row, 64)
			for {
				n, err := rr.ReadRows(buf)
				for _, row := range buf[:n] {
					m := map[string][]parquet.Value{}
					for _, v := range row {
						p := strings.Join(paths[v.Column()], ".")
						m[p] = append(m[p], v.Clone())
					}
					out = append(out, m)
				}
				if err != nil {
					break
				}
			}
			rr.Close()
		}
	}
	return out
}
