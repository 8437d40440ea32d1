package pmml

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func FuzzRead(f *testing.F) {
	f.Add([]byte(model{}.String()))
	f.Add([]byte(sparkDoc))
	f.Add([]byte(model{clusters: `<Cluster id="x" size="5"><REAL-SparseArray n="2"><Indices>2</Indices><REAL-Entries>2.5</REAL-Entries></REAL-SparseArray></Cluster>`, attrs: `modelClass="centerBased"`}.String()))
	f.Add([]byte(model{measure: `kind="distance"><euclidean/>`, fields: " "}.String()))
	f.Add([]byte(`<PMML><TreeModel/></PMML>`))
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><PMML/>`))
	f.Add([]byte("\xEF\xBB\xBF<PMML"))
	f.Add([]byte(""))
	var buf bytes.Buffer
	if err := Write(&buf, &KMeans{Fields: []string{"a", "b"}, Centers: [][]float64{{1, 2}, {3, 4}}, Sizes: []int64{1, 2}}); err == nil {
		f.Add(buf.Bytes())
	}
	// The Rattle fixture lives beside the repository; seed with it when present.
	if dir, err := os.Getwd(); err == nil {
		for d := dir; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				if b, err := os.ReadFile(filepath.Join(d, "..", "shared", "data", "spark-models", "pmml-kmeans-iris-rattle", "KMeansIris.pmml")); err == nil {
					f.Add(b)
				}
				break
			}
			if filepath.Dir(d) == d {
				break
			}
		}
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		Sniff(doc)
		m, err := Read(bytes.NewReader(doc))
		if err != nil {
			if m != nil {
				t.Fatal("a model as well as an error")
			}
			if !strings.HasPrefix(err.Error(), "pmml: ") {
				t.Fatalf("error without prefix: %v", err)
			}
			return
		}
		if len(m.Fields) == 0 || len(m.Centers) == 0 {
			t.Fatalf("%d fields, %d centres", len(m.Fields), len(m.Centers))
		}
		if len(m.IDs) != len(m.Centers) || len(m.Names) != len(m.Centers) || (m.Sizes != nil && len(m.Sizes) != len(m.Centers)) {
			t.Fatalf("%d centres, %d ids, %d names, %d sizes", len(m.Centers), len(m.IDs), len(m.Names), len(m.Sizes))
		}
		for j, c := range m.Centers {
			if len(c) != len(m.Fields) {
				t.Fatalf("centre %d has %d values for %d fields", j, len(c), len(m.Fields))
			}
			for _, v := range c {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("centre %d holds %v", j, v)
				}
			}
		}
		if m.Measure != SquaredEuclidean && m.Measure != Euclidean {
			t.Fatalf("measure %q", m.Measure)
		}
		if j, _ := m.Assign(m.Centers[len(m.Centers)-1]); j < 0 || j >= len(m.Centers) {
			t.Fatalf("Assign of a centre gave %d", j)
		}
		// What was read writes out (when its names are XML-safe) and reads back the same.
		if m.Validate() != nil {
			return
		}
		var buf bytes.Buffer
		if err := Write(&buf, m); err != nil {
			t.Fatalf("Write of a read model: %v", err)
		}
		back, err := Read(&buf)
		if err != nil {
			t.Fatalf("reading back: %v\n%s", err, buf.Bytes())
		}
		for j := range m.Centers {
			for i := range m.Centers[j] {
				if math.Float64bits(back.Centers[j][i]) != math.Float64bits(m.Centers[j][i]) {
					t.Fatalf("centre %d value %d changed from %v to %v", j, i, m.Centers[j][i], back.Centers[j][i])
				}
			}
			if back.IDs[j] != m.IDs[j] {
				t.Fatalf("id %q came back as %q", m.IDs[j], back.IDs[j])
			}
		}
	})
}
