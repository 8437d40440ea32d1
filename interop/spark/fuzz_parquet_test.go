package spark

import (
	"math"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadParquet reads the bundled RDD-format k-means model with its first
// data part replaced by the fuzz input: any bytes give a model or an error, never a panic or a hang, and
// a model that reads is finite and rectangular.
func FuzzReadParquet(f *testing.F) {
	src := testdata(f, "mllib-kmeans-rdd/model4")
	parts, _ := filepath.Glob(filepath.Join(src, "data", "part-*.parquet"))
	if len(parts) == 0 {
		f.Fatal("no data parts in the bundled model")
	}
	for _, p := range parts {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("PAR1PAR1"))
	first := filepath.Base(parts[0])
	f.Fuzz(func(t *testing.T, part []byte) {
		dir := filepath.Join(t.TempDir(), "model")
		copyDir(t, src, dir)
		if err := os.WriteFile(filepath.Join(dir, "data", first), part, 0o644); err != nil {
			t.Fatal(err)
		}
		m, err := Read(dir, ReadOptions{})
		if err != nil {
			return
		}
		if m.KMeans == nil || len(m.KMeans.Centers) == 0 {
			t.Fatalf("a model without centres read: %+v", m)
		}
		d := len(m.KMeans.Centers[0])
		for _, c := range m.KMeans.Centers {
			if len(c) != d {
				t.Fatalf("centres of %d and %d values", d, len(c))
			}
			for _, v := range c {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("non-finite centre value %v", v)
				}
			}
		}
	})
}
