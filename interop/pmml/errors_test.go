package pmml

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadErrors(t *testing.T) {
	t.Parallel()
	const (
		c1 = `<Cluster id="c1"><Array n="2" type="real">1 2</Array></Cluster>`
		c2 = `<Cluster id="c2"><Array n="2" type="real">3 4</Array></Cluster>`
	)
	sparse := func(body string) string {
		return model{clusters: c1 + `<Cluster id="s">` + body + `</Cluster>`}.String()
	}
	cases := []struct {
		name string
		doc  string
		kind error
		want []string // every one must appear in the message
	}{
		// Not XML, not PMML.
		{"empty", "", ErrNotPMML, []string{"not an XML document", "PMML file is expected"}},
		{"text", "hello, world", ErrNotPMML, []string{"not an XML document"}},
		{"parquet", "PAR1\x15\x04\x15\x10", ErrNotPMML, []string{"XML", "a PMML file is expected"}},
		{"json", `{"class": "org.apache.spark.ml.clustering.KMeansModel"}`, ErrNotPMML, []string{"not an XML document"}},
		{"truncated", `<PMML version="4.4"><Header>`, ErrNotPMML, []string{"not a well-formed XML document"}},
		{"mismatched tags", `<PMML><Header></DataDictionary></PMML>`, ErrNotPMML, []string{"not a well-formed XML document"}},
		{"other root", `<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`, ErrNotPMML, []string{"root element is <svg>", "not <PMML>"}},
		{"unsupported encoding", `<?xml version="1.0" encoding="Shift_JIS"?><PMML/>`, ErrNotPMML, []string{`encoding "Shift_JIS" is not supported`}},

		// Not a ClusteringModel.
		{"tree model", `<PMML version="4.4"><Header/><DataDictionary/><TreeModel functionName="classification"><Node/></TreeModel></PMML>`,
			ErrUnsupported, []string{"holds a TreeModel", "only ClusteringModel (k-means"}},
		{"mining model", `<PMML version="4.4"><MiningModel><Segmentation><Segment><ClusteringModel/></Segment></Segmentation></MiningModel></PMML>`,
			ErrUnsupported, []string{"holds a MiningModel", "only ClusteringModel"}},
		{"no model", `<PMML version="4.4"><Header/><DataDictionary/></PMML>`, ErrUnsupported, []string{"holds no model", "only ClusteringModel"}},
		{"distribution based", model{attrs: `modelClass="distributionBased"`}.String(),
			ErrUnsupported, []string{`modelClass "distributionBased" is not supported`, `only "centerBased"`}},
		{"unknown model class", model{attrs: `modelClass="fuzzy"`}.String(), ErrUnsupported, []string{`modelClass "fuzzy"`}},

		// Measures.
		{"cityBlock", model{measure: `kind="distance"><cityBlock/>`}.String(), ErrUnsupported, []string{`measure "cityBlock" is not supported`, "only euclidean and squaredEuclidean"}},
		{"chebychev", model{measure: `kind="distance"><chebychev/>`}.String(), ErrUnsupported, []string{`"chebychev"`, "only euclidean and squaredEuclidean"}},
		{"minkowski", model{measure: `kind="distance"><minkowski p-parameter="3"/>`}.String(), ErrUnsupported, []string{`"minkowski"`, "only euclidean and squaredEuclidean"}},
		{"simpleMatching", model{measure: `kind="similarity"><simpleMatching/>`}.String(), ErrUnsupported, []string{`kind "similarity" is not supported`, `only kind "distance"`}},
		{"simpleMatching as distance", model{measure: `kind="distance"><simpleMatching/>`}.String(), ErrUnsupported, []string{`"simpleMatching"`}},
		{"jaccard", model{measure: `kind="distance"><jaccard/>`}.String(), ErrUnsupported, []string{`"jaccard"`}},
		{"tanimoto", model{measure: `kind="distance"><tanimoto/>`}.String(), ErrUnsupported, []string{`"tanimoto"`}},
		{"binarySimilarity", model{measure: `kind="distance"><binarySimilarity c00-parameter="1" c01-parameter="0" c10-parameter="0" c11-parameter="1" d00-parameter="1" d01-parameter="1" d10-parameter="1" d11-parameter="1"/>`}.String(),
			ErrUnsupported, []string{`"binarySimilarity"`}},
		{"similarity kind", model{measure: `kind="similarity"><squaredEuclidean/>`}.String(), ErrUnsupported, []string{`kind "similarity"`}},
		{"no measure", model{measure: `kind="distance"><Extension/>`}.String(), ErrInvalid, []string{"names no measure"}},
		{"two measures", model{measure: `kind="distance"><euclidean/><squaredEuclidean/>`}.String(), ErrInvalid, []string{"2 measures (euclidean, squaredEuclidean)"}},
		{"no ComparisonMeasure", strings.Replace(model{}.String(), `<ComparisonMeasure kind="distance"><squaredEuclidean/></ComparisonMeasure>`, "", 1),
			ErrInvalid, []string{"no ComparisonMeasure"}},
		{"measure compareFunction", model{measure: `kind="distance" compareFunction="gaussSim"><squaredEuclidean/>`}.String(),
			ErrUnsupported, []string{`compareFunction "gaussSim" of the ComparisonMeasure`, "only absDiff"}},

		// Fields.
		{"categorical field", model{dict: `<DataField name="a" optype="categorical" dataType="double"/><DataField name="b" optype="continuous" dataType="double"/>`}.String(),
			ErrUnsupported, []string{`clustering field "a" is categorical`, "only continuous numeric fields"}},
		{"ordinal field", model{dict: `<DataField name="a" optype="continuous" dataType="double"/><DataField name="b" optype="ordinal" dataType="integer"/>`}.String(),
			ErrUnsupported, []string{`clustering field "b" is ordinal`}},
		{"string field", model{dict: `<DataField name="a" optype="continuous" dataType="string"/><DataField name="b" optype="continuous" dataType="double"/>`}.String(),
			ErrUnsupported, []string{`clustering field "a" has dataType string`}},
		{"boolean field", model{dict: `<DataField name="a" optype="continuous" dataType="double"/><DataField name="b" optype="continuous" dataType="boolean"/>`}.String(),
			ErrUnsupported, []string{`clustering field "b" has dataType boolean`}},
		{"mining optype", model{schema: `<MiningField name="a" optype="categorical"/><MiningField name="b"/>`}.String(),
			ErrUnsupported, []string{`clustering field "a" is categorical`}},
		{"outliers", model{schema: `<MiningField name="a"/><MiningField name="b" outliers="asExtremeValues" lowValue="0" highValue="1"/>`}.String(),
			ErrUnsupported, []string{`MiningField "b" treats outliers "asExtremeValues"`, `only outliers="asIs"`}},
		{"field compareFunction", model{fields: `<ClusteringField field="a"/><ClusteringField field="b" compareFunction="delta"/>`}.String(),
			ErrUnsupported, []string{`compareFunction "delta" of ClusteringField "b"`, "only absDiff"}},
		{"field compareFunction table", model{fields: `<ClusteringField field="a" compareFunction="table"><Comparisons><Matrix/></Comparisons></ClusteringField><ClusteringField field="b"/>`}.String(),
			ErrUnsupported, []string{`compareFunction "table" of ClusteringField "a"`}},
		{"zero field weight", model{fields: `<ClusteringField field="a" fieldWeight="0"/><ClusteringField field="b"/>`}.String(),
			ErrUnsupported, []string{`ClusteringField "a" has fieldWeight 0`, "only positive, finite weights"}},
		{"negative field weight", model{fields: `<ClusteringField field="a"/><ClusteringField field="b" fieldWeight="-2"/>`}.String(),
			ErrUnsupported, []string{`ClusteringField "b" has fieldWeight -2`, "only positive, finite weights"}},
		{"bad field weight", model{fields: `<ClusteringField field="a"/><ClusteringField field="b" fieldWeight="heavy"/>`}.String(),
			ErrInvalid, []string{`ClusteringField "b": fieldWeight "heavy" is not a number`}},
		{"bad isCenterField", model{fields: `<ClusteringField field="a" isCenterField="maybe"/><ClusteringField field="b"/>`}.String(),
			ErrInvalid, []string{`isCenterField "maybe" is not a boolean`}},
		{"duplicate clustering field", model{fields: `<ClusteringField field="a"/><ClusteringField field="a"/>`}.String(),
			ErrInvalid, []string{`field "a" appears twice`}},
		{"no centre fields", model{fields: `<ClusteringField field="a" isCenterField="false"/><ClusteringField field="b" isCenterField="0"/>`}.String(),
			ErrInvalid, []string{"no centre fields"}},
		{"undeclared field", model{fields: `<ClusteringField field="a"/><ClusteringField field="zz"/>`}.String(),
			ErrInvalid, []string{`clustering field "zz" is not declared in the DataDictionary`}},
		{"missing value weights", model{extra: `<MissingValueWeights><Array n="2" type="real">1 1</Array></MissingValueWeights>`}.String(),
			ErrUnsupported, []string{"MissingValueWeights is not supported"}},
		{"PMML 3 CenterFields", model{extra: `<CenterFields><DerivedField name="a"/></CenterFields>`}.String(),
			ErrUnsupported, []string{"CenterFields", "not supported"}},
		{"local transformation", model{
			local:  `<LocalTransformations><DerivedField name="z_a" optype="continuous" dataType="double"><NormContinuous field="a"><LinearNorm orig="0" norm="0"/><LinearNorm orig="10" norm="1"/></NormContinuous></DerivedField></LocalTransformations>`,
			fields: `<ClusteringField field="z_a"/><ClusteringField field="b"/>`,
		}.String(), ErrUnsupported, []string{`clustering field "z_a" is a DerivedField of LocalTransformations`, "transformations are not supported", "DataFields"}},
		{"transformation dictionary", model{
			trans:  `<TransformationDictionary><DerivedField name="log_b" optype="continuous" dataType="double"><Apply function="ln"><FieldRef field="b"/></Apply></DerivedField></TransformationDictionary>`,
			fields: `<ClusteringField field="a"/><ClusteringField field="log_b"/>`,
		}.String(), ErrUnsupported, []string{`clustering field "log_b" is a DerivedField of the TransformationDictionary`}},

		// Clusters.
		{"zero clusters", model{clusters: " ", attrs: `modelClass="centerBased"`}.String(), ErrInvalid, []string{"has no Cluster"}},
		{"numberOfClusters", model{attrs: `modelClass="centerBased" numberOfClusters="3"`}.String(),
			ErrInvalid, []string{"numberOfClusters is 3 but the ClusteringModel has 2 Cluster elements"}},
		{"too many clusters", model{attrs: `modelClass="centerBased" numberOfClusters="1"`}.String(),
			ErrInvalid, []string{"numberOfClusters is 1 but the ClusteringModel has more Cluster elements"}},
		{"bad numberOfClusters", model{attrs: `modelClass="centerBased" numberOfClusters="two"`}.String(),
			ErrInvalid, []string{`numberOfClusters "two" is not an integer`}},
		{"duplicate ids", model{clusters: c1 + strings.Replace(c2, "c2", "c1", 1)}.String(),
			ErrInvalid, []string{`clusters 1 and 2 share the id "c1"`}},
		{"duplicate names", model{clusters: `<Cluster name="x"><Array n="2" type="real">1 2</Array></Cluster><Cluster name="x"><Array n="2" type="real">1 2</Array></Cluster>`}.String(),
			ErrInvalid, []string{`share the id "x"`}},
		{"array n", model{clusters: c1 + `<Cluster id="c2"><Array n="3" type="real">3 4 5</Array></Cluster>`}.String(),
			ErrInvalid, []string{`cluster "c2": Array n="3" but the model has 2 centre fields`}},
		{"huge array n", model{clusters: c1 + `<Cluster id="c2"><Array n="9223372036854775807" type="real">3 4</Array></Cluster>`}.String(),
			ErrInvalid, []string{`n="9223372036854775807"`}},
		{"bad array n", model{clusters: c1 + `<Cluster id="c2"><Array n="two" type="real">3 4</Array></Cluster>`}.String(),
			ErrInvalid, []string{`Array n="two" is not an integer`}},
		{"short array", model{clusters: c1 + `<Cluster id="c2"><Array type="real">3</Array></Cluster>`}.String(),
			ErrInvalid, []string{`cluster "c2": the Array holds 1 number, expected 2`}},
		{"long array", model{clusters: `<Cluster id="c1"><Array type="real">1 2 3</Array></Cluster>` + c2}.String(),
			ErrInvalid, []string{`cluster "c1": the Array holds more than 2 numbers`}},
		{"string array", model{clusters: c1 + `<Cluster id="c2"><Array n="2" type="string">"x" "y"</Array></Cluster>`}.String(),
			ErrUnsupported, []string{`cluster "c2": Array type "string" is not supported`, "only numeric (real, int)"}},
		{"unknown array type", model{clusters: c1 + `<Cluster id="c2"><Array n="2" type="complex">3 4</Array></Cluster>`}.String(),
			ErrInvalid, []string{`Array type "complex" is unknown`}},
		{"NaN", model{clusters: c1 + `<Cluster id="c2"><Array n="2" type="real">3 NaN</Array></Cluster>`}.String(),
			ErrInvalid, []string{`cluster "c2": value 2 ("NaN") is not a finite number`}},
		{"INF", model{clusters: `<Cluster name="first"><Array n="2" type="real">INF 1</Array></Cluster>` + c2}.String(),
			ErrInvalid, []string{`cluster "first": value 1 ("INF") is not a finite number`}},
		{"overflow", model{clusters: c1 + `<Cluster id="c2"><Array n="2" type="real">1e400 4</Array></Cluster>`}.String(),
			ErrInvalid, []string{`cluster "c2": value 1 ("1e400") is not a finite number`}},
		{"unparsable", model{clusters: c1 + `<Cluster><Array n="2" type="real">3 4,5</Array></Cluster>`}.String(),
			ErrInvalid, []string{`cluster "2": value 2 ("4,5") is not a number`}},
		{"no array", model{clusters: c1 + `<Cluster id="c2"/>`}.String(), ErrInvalid, []string{`cluster "c2" has no Array`}},
		{"two arrays", model{clusters: c1 + `<Cluster id="c2"><Array n="2" type="real">3 4</Array><Array n="2" type="real">3 4</Array></Cluster>`}.String(),
			ErrInvalid, []string{`cluster "c2" has 2 arrays`}},
		{"bad size", model{clusters: `<Cluster id="c1" size="-4"><Array n="2" type="real">1 2</Array></Cluster>` + c2}.String(),
			ErrInvalid, []string{`cluster "c1": size "-4" is not a non-negative integer`}},

		// Sparse arrays.
		{"sparse n", sparse(`<REAL-SparseArray n="5"><Indices>1</Indices><REAL-Entries>1</REAL-Entries></REAL-SparseArray>`),
			ErrInvalid, []string{`cluster "s": REAL-SparseArray n="5" but the model has 2 centre fields`}},
		{"sparse index range", sparse(`<INT-SparseArray n="2"><Indices>3</Indices><INT-Entries>1</INT-Entries></INT-SparseArray>`),
			ErrInvalid, []string{`cluster "s": INT-SparseArray index "3" is not an integer between 1 and 2`}},
		{"sparse index zero", sparse(`<REAL-SparseArray><Indices>0</Indices><REAL-Entries>1</REAL-Entries></REAL-SparseArray>`),
			ErrInvalid, []string{`index "0" is not an integer between 1 and 2`}},
		{"sparse duplicate index", sparse(`<REAL-SparseArray n="2"><Indices>2 2</Indices><REAL-Entries>1 2</REAL-Entries></REAL-SparseArray>`),
			ErrInvalid, []string{"index 2 appears twice"}},
		{"sparse counts", sparse(`<REAL-SparseArray n="2"><Indices>1 2</Indices><REAL-Entries>1</REAL-Entries></REAL-SparseArray>`),
			ErrInvalid, []string{"different number of Indices and Entries"}},
		{"sparse NaN", sparse(`<REAL-SparseArray n="2"><Indices>1</Indices><REAL-Entries>NaN</REAL-Entries></REAL-SparseArray>`),
			ErrInvalid, []string{`cluster "s": value 1 ("NaN") is not a finite number`}},
		{"sparse default", sparse(`<REAL-SparseArray n="2" defaultValue="-Infinity"/>`),
			ErrInvalid, []string{`cluster "s": the defaultValue ("-Infinity") is not a finite number`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m, err := Read(strings.NewReader(c.doc))
			if err == nil {
				t.Fatalf("no error; read %+v from\n%s", m, c.doc)
			}
			if m != nil {
				t.Errorf("a model as well as the error %v", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "pmml: ") {
				t.Errorf("message %q lacks the pmml: prefix", msg)
			}
			for _, w := range c.want {
				if !strings.Contains(msg, w) {
					t.Errorf("message %q does not contain %q", msg, w)
				}
			}
			if !errors.Is(err, c.kind) {
				t.Errorf("error %q is not %v", msg, c.kind)
			}
		})
	}
}

// padded yields a PMML start tag followed by endless whitespace.
type padded struct{ n int64 }

func (p *padded) Read(b []byte) (int, error) {
	for i := range b {
		if p.n < 6 {
			b[i] = "<PMML>"[p.n]
		} else {
			b[i] = ' '
		}
		p.n++
	}
	return len(b), nil
}

func TestReadTooLarge(t *testing.T) {
	t.Parallel()
	m, err := readLimited(&padded{}, 1<<20)
	if m != nil || !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Fatalf("got %v, %v; want the too-large error", m, err)
	}
	// Exactly at the limit is fine as far as size goes.
	doc := model{}.String()
	if _, err := readLimited(strings.NewReader(doc), int64(len(doc))); err != nil {
		t.Fatal(err)
	}
	if _, err := readLimited(io.MultiReader(strings.NewReader(doc), strings.NewReader(" ")), int64(len(doc))); err != nil {
		t.Fatalf("trailing bytes after </PMML> beyond the limit: %v", err)
	}
	if _, err := readLimited(strings.NewReader(doc), int64(len(doc))-1); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("one byte over the limit: %v", err)
	}
}

type failing struct{ n int }

func (f *failing) Read(b []byte) (int, error) {
	if f.n > 0 {
		return 0, errors.New("disk on fire")
	}
	f.n++
	return copy(b, "<PMML><Header>"), nil
}

func TestReadIOError(t *testing.T) {
	t.Parallel()
	_, err := Read(&failing{})
	if err == nil || !strings.Contains(err.Error(), "pmml: reading the document: disk on fire") || errors.Is(err, ErrNotPMML) {
		t.Fatalf("error %v, want the read failure", err)
	}
}

func TestReadFileMissing(t *testing.T) {
	t.Parallel()
	if _, err := ReadFile("no/such/model.pmml"); err == nil || !strings.Contains(err.Error(), "no/such/model.pmml") {
		t.Fatalf("error %v does not name the file", err)
	}
}
