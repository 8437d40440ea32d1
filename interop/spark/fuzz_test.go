package spark

import (
	"strings"
	"testing"
)

// FuzzMetadata feeds the metadata parser arbitrary text: it must return a
// model's metadata or an error, never panic, and a parsed line always has a
// class and parameter maps of the declared types.
func FuzzMetadata(f *testing.F) {
	for _, s := range []string{
		`{"class":"org.apache.spark.ml.clustering.KMeansModel","timestamp":1685075306246,"sparkVersion":"3.4.0","uid":"KMeans_c441f7b5d16f","paramMap":{"seed":123,"k":2},"defaultParamMap":{"k":2,"seed":7969353092125344463,"distanceMeasure":"euclidean","tol":1.0E-4}}`,
		`{"class":"org.apache.spark.ml.recommendation.ALSModel","timestamp":1620764750648,"sparkVersion":"3.0.2","uid":"ALS_eae115fa8b80","paramMap":{"itemCol":"movieID"},"defaultParamMap":{"blockSize":4096},"rank":10}`,
		`{"class":"org.apache.spark.mllib.clustering.KMeansModel","version":"1.0","k":2}` + "\n",
		`{"class":"org.apache.spark.ml.PipelineModel","paramMap":{"stageUids":["a","b"]}}`,
		"\n\n  {\"class\":\"x\"}  \n{garbage",
		`{"class":1}`, `{"class":"x","timestamp":1.5}`, `{"class":"x","paramMap":[]}`, `null`, `[]`, `{`, "",
		"version https://git-lfs.github.com/spec/v1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMetadata(b)
		if err != nil {
			if m != nil {
				t.Fatalf("metadata %+v with error %v", m, err)
			}
			if strings.HasSuffix(err.Error(), ".") {
				t.Errorf("error ends with a period: %v", err)
			}
			return
		}
		if m.Class == "" || m.Fields == nil || len(m.Line) == 0 {
			t.Fatalf("parsed %+v", m)
		}
		_ = m.Params()
	})
}
