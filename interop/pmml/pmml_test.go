package pmml

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/datasets"
)

// fixtureDir returns the folder of the Rattle k-means PMML fixture, which
// lives beside the repository (../shared/data/spark-models from the module
// root) and is not part of it (AGPL-3.0, test data only). It skips the test
// when the folder is absent.
func fixtureDir(t testing.TB) string {
	t.Helper()
	dir := datasets.Shared(filepath.Join("spark-models", "pmml-kmeans-iris-rattle"))
	if dir == "" {
		t.Skip("../shared/data/spark-models/pmml-kmeans-iris-rattle (or $MARKETSQL_DATA) is absent; skipping")
	}
	return dir
}

func readCSV(t testing.TB, path string) [][]float64 {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]float64
	for _, rec := range recs[1:] {
		var row []float64
		for _, s := range rec {
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				continue // the species label
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	return rows
}

func closeRel(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// expected: jpmml-evaluator's KMeansIris.csv, the scores of R Rattle's
// KMeansIris.pmml on Iris.csv (pmml-rattle test resources).
func TestIrisFixture(t *testing.T) {
	dir := fixtureDir(t)
	m, err := ReadFile(filepath.Join(dir, "KMeansIris.pmml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Centers) != 3 || len(m.Fields) != 4 {
		t.Fatalf("got %d centres of %d fields, want 3 of 4", len(m.Centers), len(m.Fields))
	}
	if m.Measure != SquaredEuclidean {
		t.Errorf("measure %q, want squaredEuclidean", m.Measure)
	}
	if want := []int64{62, 38, 50}; len(m.Sizes) != 3 || m.Sizes[0] != want[0] || m.Sizes[1] != want[1] || m.Sizes[2] != want[2] {
		t.Errorf("sizes %v, want %v", m.Sizes, want)
	}
	if m.PMMLVersion != "4.3" || m.Application == "" || m.ModelName == "" {
		t.Errorf("header: PMML %q, application %q, model %q", m.PMMLVersion, m.Application, m.ModelName)
	}
	x := readCSV(t, filepath.Join(dir, "Iris.csv"))
	want := readCSV(t, filepath.Join(dir, "KMeansIris.csv"))
	if len(x) != 150 || len(want) != len(x) {
		t.Fatalf("%d rows, %d expected rows", len(x), len(want))
	}
	var dist []float64
	for r := range x {
		j, d := m.Assign(x[r])
		if j < 0 || m.IDs[j] != strconv.Itoa(int(want[r][0])) {
			t.Fatalf("row %d: assigned cluster %d (id %q), want id %v", r+1, j, m.IDs[min(max(j, 0), 2)], want[r][0])
		}
		dist = m.Distances(dist, x[r])
		for c := range 3 {
			if !closeRel(dist[c], want[r][1+c], 1e-9) {
				t.Fatalf("row %d: distance to cluster %d = %v, want %v", r+1, c+1, dist[c], want[r][1+c])
			}
		}
		if d != dist[j] {
			t.Fatalf("row %d: Assign distance %v, Distances %v", r+1, d, dist[j])
		}
	}
}

func TestRoundTripIris(t *testing.T) {
	dir := fixtureDir(t)
	m, err := ReadFile(filepath.Join(dir, "KMeansIris.pmml"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	checkWritten(t, buf.Bytes(), m)
	got, err := Read(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("reading back: %v\n%s", err, buf.Bytes())
	}
	sameModel(t, got, m)
	for r, row := range readCSV(t, filepath.Join(dir, "Iris.csv")) {
		j1, d1 := m.Assign(row)
		j2, d2 := got.Assign(row)
		if j1 != j2 || d1 != d2 {
			t.Fatalf("row %d: (%d, %v) before the round trip, (%d, %v) after", r+1, j1, d1, j2, d2)
		}
	}
}

func sameModel(t *testing.T, got, want *KMeans) {
	t.Helper()
	eqS := func(what string, a, b []string) {
		if strings.Join(a, "\x00") != strings.Join(b, "\x00") || len(a) != len(b) {
			t.Errorf("%s: got %q, want %q", what, a, b)
		}
	}
	eqS("fields", got.Fields, want.Fields)
	eqS("ids", got.IDs, want.IDs)
	eqS("names", got.Names, want.Names)
	if len(got.Centers) != len(want.Centers) {
		t.Fatalf("%d centres, want %d", len(got.Centers), len(want.Centers))
	}
	for j := range want.Centers {
		for i := range want.Centers[j] {
			if math.Float64bits(got.Centers[j][i]) != math.Float64bits(want.Centers[j][i]) {
				t.Errorf("centre %d value %d: %v, want %v (bit-exact)", j, i, got.Centers[j][i], want.Centers[j][i])
			}
		}
	}
	if (got.Sizes == nil) != (want.Sizes == nil) || len(got.Sizes) != len(want.Sizes) {
		t.Errorf("sizes %v, want %v", got.Sizes, want.Sizes)
	}
	for j := range want.Sizes {
		if got.Sizes[j] != want.Sizes[j] {
			t.Errorf("sizes %v, want %v", got.Sizes, want.Sizes)
		}
	}
	wm := want.Measure
	if wm == "" {
		wm = SquaredEuclidean
	}
	if got.Measure != wm || got.ModelName != want.ModelName {
		t.Errorf("measure %q model %q, want %q %q", got.Measure, got.ModelName, wm, want.ModelName)
	}
}

// checkWritten checks the structure of a written document without a golden
// file: it is well-formed XML in the PMML 4.4 namespace, holds no NaN, and has
// the elements PMML consumers need.
func checkWritten(t *testing.T, doc []byte, m *KMeans) {
	t.Helper()
	if bytes.Contains(bytes.ToLower(doc), []byte("nan")) && !strings.Contains(strings.ToLower(strings.Join(append(append([]string{m.ModelName, m.Application}, m.Fields...), m.Names...), " ")), "nan") {
		t.Errorf("the document contains NaN:\n%s", doc)
	}
	var v struct {
		XMLName xml.Name
		Version string `xml:"version,attr"`
		Dict    struct {
			N      int `xml:"numberOfFields,attr"`
			Fields []struct {
				Name     string `xml:"name,attr"`
				Optype   string `xml:"optype,attr"`
				DataType string `xml:"dataType,attr"`
			} `xml:"DataField"`
		} `xml:"DataDictionary"`
		Model struct {
			ModelClass string `xml:"modelClass,attr"`
			K          int    `xml:"numberOfClusters,attr"`
			Mining     []struct {
				Name string `xml:"name,attr"`
			} `xml:"MiningSchema>MiningField"`
			Outputs []struct {
				Feature string `xml:"feature,attr"`
			} `xml:"Output>OutputField"`
			Measure struct {
				Kind string `xml:"kind,attr"`
				Any  []struct {
					XMLName xml.Name
				} `xml:",any"`
			} `xml:"ComparisonMeasure"`
			CF []struct {
				Field string `xml:"field,attr"`
				CF    string `xml:"compareFunction,attr"`
			} `xml:"ClusteringField"`
			Clusters []struct {
				ID    string `xml:"id,attr"`
				Array struct {
					N    int    `xml:"n,attr"`
					Type string `xml:"type,attr"`
				} `xml:"Array"`
			} `xml:"Cluster"`
		} `xml:"ClusteringModel"`
	}
	if err := xml.Unmarshal(doc, &v); err != nil {
		t.Fatalf("the written document does not parse: %v\n%s", err, doc)
	}
	if v.XMLName.Local != "PMML" || v.XMLName.Space != "http://www.dmg.org/PMML-4_4" || v.Version != "4.4" {
		t.Errorf("root %v version %q, want PMML in the PMML-4_4 namespace, version 4.4", v.XMLName, v.Version)
	}
	d, k := len(m.Fields), len(m.Centers)
	if v.Dict.N != d || len(v.Dict.Fields) != d || len(v.Model.Mining) != d || len(v.Model.CF) != d {
		t.Errorf("field counts: dictionary %d/%d, mining %d, clustering %d, want %d", v.Dict.N, len(v.Dict.Fields), len(v.Model.Mining), len(v.Model.CF), d)
	}
	for _, f := range v.Dict.Fields {
		if f.Optype != "continuous" || f.DataType != "double" {
			t.Errorf("DataField %+v is not continuous double", f)
		}
	}
	for _, f := range v.Model.CF {
		if f.CF != "absDiff" {
			t.Errorf("ClusteringField %+v", f)
		}
	}
	if v.Model.ModelClass != "centerBased" || v.Model.K != k || len(v.Model.Clusters) != k {
		t.Errorf("model class %q, numberOfClusters %d, %d clusters, want centerBased and %d", v.Model.ModelClass, v.Model.K, len(v.Model.Clusters), k)
	}
	if len(v.Model.Outputs) != 1+k || v.Model.Outputs[0].Feature != "predictedValue" {
		t.Errorf("outputs %+v", v.Model.Outputs)
	}
	if v.Model.Measure.Kind != "distance" || len(v.Model.Measure.Any) != 1 {
		t.Errorf("comparison measure %+v", v.Model.Measure)
	}
	for _, c := range v.Model.Clusters {
		if c.Array.N != d || c.Array.Type != "real" || c.ID == "" {
			t.Errorf("cluster %+v", c)
		}
	}
}

func TestWriteReadRoundTrip(t *testing.T) {
	t.Parallel()
	cases := map[string]*KMeans{
		"awkward numbers": {
			ModelName: "segments",
			Fields:    []string{"recency", "frequency", "monetary"},
			Centers: [][]float64{
				{0.1 + 0.2, 1e-310, -0.0},
				{math.MaxFloat64, -math.SmallestNonzeroFloat64, 1.0 / 3},
			},
			IDs:     []string{"1", "2"},
			Names:   []string{"loyal", ""},
			Sizes:   []int64{10, 0},
			Measure: Euclidean,
		},
		"defaults": {
			Fields:  []string{"x"},
			Centers: [][]float64{{1}, {2}, {3}},
		},
		"names that need escaping": {
			ModelName:   `a "b" <c> & d`,
			Fields:      []string{"predictedValue", "clusterAffinity_1", "é ü\t'"},
			Centers:     [][]float64{{1, 2, 3}},
			IDs:         []string{"<1>"},
			Names:       []string{"&"},
			Application: "app & co",
			Version:     "1.0",
		},
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Write(&buf, m); err != nil {
				t.Fatal(err)
			}
			checkWritten(t, buf.Bytes(), m)
			got, err := Read(&buf)
			if err != nil {
				t.Fatal(err)
			}
			want := *m
			if want.IDs == nil {
				for j := range m.Centers {
					want.IDs = append(want.IDs, strconv.Itoa(j+1))
				}
			}
			if want.Names == nil {
				want.Names = make([]string, len(m.Centers))
			}
			sameModel(t, got, &want)
			if m.Application != "" && (got.Application != m.Application || got.Version != m.Version) {
				t.Errorf("application %q %q, want %q %q", got.Application, got.Version, m.Application, m.Version)
			}
			if m.Application == "" && got.Application != "marketsql" {
				t.Errorf("application %q, want marketsql", got.Application)
			}
			if got.PMMLVersion != "4.4" {
				t.Errorf("PMML version %q", got.PMMLVersion)
			}
		})
	}
}

func TestWriteRefusesInvalid(t *testing.T) {
	t.Parallel()
	ok := func() *KMeans {
		return &KMeans{Fields: []string{"a", "b"}, Centers: [][]float64{{1, 2}, {3, 4}}}
	}
	cases := []struct {
		name   string
		change func(*KMeans)
		want   string
	}{
		{"no fields", func(m *KMeans) { m.Fields = nil }, "no fields"},
		{"no centres", func(m *KMeans) { m.Centers = nil }, "no centres"},
		{"short centre", func(m *KMeans) { m.Centers[1] = []float64{1} }, "centre 2 has 1 values, expected 2"},
		{"NaN", func(m *KMeans) { m.Centers[0][1] = math.NaN() }, "not a finite number"},
		{"Inf", func(m *KMeans) { m.Centers[0][1] = math.Inf(-1) }, "not a finite number"},
		{"duplicate field", func(m *KMeans) { m.Fields[1] = "a" }, `field "a" appears twice`},
		{"duplicate id", func(m *KMeans) { m.IDs = []string{"x", "x"} }, `share the id "x"`},
		{"ids count", func(m *KMeans) { m.IDs = []string{"x"} }, "1 ids for 2 centres"},
		{"sizes count", func(m *KMeans) { m.Sizes = []int64{1} }, "1 sizes for 2 centres"},
		{"negative size", func(m *KMeans) { m.Sizes = []int64{1, -1} }, "negative size"},
		{"measure", func(m *KMeans) { m.Measure = "cityBlock" }, `measure "cityBlock" is not supported`},
		{"control character", func(m *KMeans) { m.Fields[0] = "a\x01" }, "character XML cannot hold"},
		{"invalid UTF-8", func(m *KMeans) { m.Fields[0] = "a\xff" }, "character XML cannot hold"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m := ok()
			c.change(m)
			var buf bytes.Buffer
			err := Write(&buf, m)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want it to contain %q", err, c.want)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

// sparkDoc has the shape org.apache.spark.mllib.pmml.export.KMeansPMMLModelExport
// writes: PMML 4.2, fields field_0.., clusters named cluster_0.. without id or
// size. The numbers are made up.
const sparkDoc = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<PMML xmlns="http://www.dmg.org/PMML-4_2" version="4.2">
    <Header description="k-means clustering">
        <Application name="Apache Spark MLlib" version="2.4.8"/>
        <Timestamp>2021-03-04T10:11:12</Timestamp>
    </Header>
    <DataDictionary numberOfFields="3">
        <DataField name="field_0" optype="continuous" dataType="double"/>
        <DataField name="field_1" optype="continuous" dataType="double"/>
        <DataField name="field_2" optype="continuous" dataType="double"/>
    </DataDictionary>
    <ClusteringModel modelName="k-means" functionName="clustering" modelClass="centerBased" numberOfClusters="2">
        <MiningSchema>
            <MiningField name="field_0" usageType="active"/>
            <MiningField name="field_1" usageType="active"/>
            <MiningField name="field_2" usageType="active"/>
        </MiningSchema>
        <ComparisonMeasure kind="distance">
            <squaredEuclidean/>
        </ComparisonMeasure>
        <ClusteringField field="field_0" compareFunction="absDiff"/>
        <ClusteringField field="field_1" compareFunction="absDiff"/>
        <ClusteringField field="field_2" compareFunction="absDiff"/>
        <Cluster name="cluster_0">
            <Array type="real" n="3">1.0 2.0 3.0</Array>
        </Cluster>
        <Cluster name="cluster_1">
            <Array type="real" n="3">-4.5 0.25 1.0E-3</Array>
        </Cluster>
    </ClusteringModel>
</PMML>
`

func TestSparkShape(t *testing.T) {
	t.Parallel()
	m, err := Read(strings.NewReader(sparkDoc))
	if err != nil {
		t.Fatal(err)
	}
	want := &KMeans{
		ModelName: "k-means",
		Fields:    []string{"field_0", "field_1", "field_2"},
		Centers:   [][]float64{{1, 2, 3}, {-4.5, 0.25, 0.001}},
		IDs:       []string{"cluster_0", "cluster_1"},
		Names:     []string{"cluster_0", "cluster_1"},
		Measure:   SquaredEuclidean,
	}
	sameModel(t, m, want)
	if m.Application != "Apache Spark MLlib" || m.Version != "2.4.8" || m.PMMLVersion != "4.2" {
		t.Errorf("header %q %q PMML %q", m.Application, m.Version, m.PMMLVersion)
	}
	if j, d := m.Assign([]float64{-4, 0, 0}); j != 1 || !closeRel(d, 0.25+0.0625+0.000001, 1e-12) {
		t.Errorf("Assign = %d, %v", j, d)
	}
}

// model builds a small PMML document; the parts are spliced in so that each
// error case changes one thing.
type model struct {
	root, dict, trans, attrs, schema, local, measure, fields, extra, clusters string
}

func (p model) String() string {
	def := func(s, d string) string {
		if s == "" {
			return d
		}
		return s
	}
	return `<?xml version="1.0"?>
<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"` + p.root + `>
<Header><Application name="test" version="1"/></Header>
<DataDictionary>` + def(p.dict, `
<DataField name="a" optype="continuous" dataType="double"/>
<DataField name="b" optype="continuous" dataType="integer"/>`) + `
</DataDictionary>` + p.trans + `
<ClusteringModel functionName="clustering" ` + def(p.attrs, `modelClass="centerBased" numberOfClusters="2"`) + `>
<MiningSchema>` + def(p.schema, `<MiningField name="a"/><MiningField name="b"/>`) + `</MiningSchema>` + p.local + `
<ComparisonMeasure ` + def(p.measure, `kind="distance"><squaredEuclidean/>`) + `</ComparisonMeasure>
` + def(p.fields, `<ClusteringField field="a"/><ClusteringField field="b" compareFunction="absDiff" fieldWeight="1"/>`) + p.extra + `
` + def(p.clusters, `<Cluster id="c1"><Array n="2" type="real">1 2</Array></Cluster>
<Cluster id="c2"><Array n="2" type="real">3 4</Array></Cluster>`) + `
</ClusteringModel>
</PMML>`
}

func TestReadVariants(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		doc     string
		fields  []string
		centers [][]float64
		ids     []string
		sizes   []int64
		measure string
	}{
		{name: "base", doc: model{}.String(),
			fields: []string{"a", "b"}, centers: [][]float64{{1, 2}, {3, 4}}, ids: []string{"c1", "c2"}, measure: SquaredEuclidean},
		{name: "euclidean", doc: model{measure: `kind="distance"><Extension/><euclidean/>`}.String(),
			fields: []string{"a", "b"}, centers: [][]float64{{1, 2}, {3, 4}}, ids: []string{"c1", "c2"}, measure: Euclidean},
		{name: "non-centre field skipped", doc: model{
			dict:     `<DataField name="a" optype="continuous" dataType="double"/><DataField name="s" optype="categorical" dataType="string"/><DataField name="b" optype="continuous" dataType="double"/>`,
			fields:   `<ClusteringField field="a"/><ClusteringField field="s" isCenterField="false" compareFunction="equal"/><ClusteringField field="b"/>`,
			clusters: `<Cluster><Array n="2" type="real">1 2</Array></Cluster><Cluster><Array n="2" type="real">3 4</Array></Cluster>`,
		}.String(), fields: []string{"a", "b"}, centers: [][]float64{{1, 2}, {3, 4}}, ids: []string{"1", "2"}, measure: SquaredEuclidean},
		{name: "mining schema order without ClusteringField", doc: model{
			schema: `<MiningField name="b"/><MiningField name="target" usageType="supplementary"/><MiningField name="a" usageType="active"/>`,
			fields: " ",
		}.String(), fields: []string{"b", "a"}, centers: [][]float64{{1, 2}, {3, 4}}, ids: []string{"c1", "c2"}, measure: SquaredEuclidean},
		{name: "sparse arrays", doc: model{
			dict:   `<DataField name="a" optype="continuous" dataType="double"/><DataField name="b" optype="continuous" dataType="double"/><DataField name="c" optype="continuous" dataType="double"/>`,
			schema: `<MiningField name="a"/><MiningField name="b"/><MiningField name="c"/>`,
			fields: " ",
			clusters: `<Cluster id="x" size="5"><REAL-SparseArray n="3"><Indices>3 1</Indices><REAL-Entries>2.5 -1</REAL-Entries></REAL-SparseArray></Cluster>
<Cluster id="y" size="7"><INT-SparseArray n="3" defaultValue="4"><Indices>2</Indices><INT-Entries>9</INT-Entries></INT-SparseArray></Cluster>
<Cluster id="z" size="0"><REAL-SparseArray n="3"/></Cluster>`,
			attrs: `modelClass="centerBased" numberOfClusters="3"`,
		}.String(), fields: []string{"a", "b", "c"}, centers: [][]float64{{-1, 0, 2.5}, {4, 9, 4}, {0, 0, 0}}, ids: []string{"x", "y", "z"}, sizes: []int64{5, 7, 0}, measure: SquaredEuclidean},
		{name: "int array, no n, no type, one size missing", doc: model{
			clusters: `<Cluster id="c1" size="3"><Array type="int">1 2</Array></Cluster><Cluster id="c2"><Array>
				3
				4e0 </Array></Cluster>`,
		}.String(), fields: []string{"a", "b"}, centers: [][]float64{{1, 2}, {3, 4}}, ids: []string{"c1", "c2"}, measure: SquaredEuclidean},
		{name: "PMML 3 namespace with prefix", doc: `<?xml version="1.0" encoding="ISO-8859-1"?>
<p:PMML version="3.2" xmlns:p="http://www.dmg.org/PMML-3_2"><p:DataDictionary><p:DataField name="` + "\xe9" + `" optype="continuous" dataType="double"/></p:DataDictionary>
<p:ClusteringModel modelClass="centerBased" numberOfClusters="1"><p:MiningSchema><p:MiningField name="` + "\xe9" + `"/></p:MiningSchema>
<p:ComparisonMeasure kind="distance"><p:squaredEuclidean/></p:ComparisonMeasure><p:ClusteringField field="` + "\xe9" + `"/>
<p:Cluster name="only"><p:Array n="1" type="real">7</p:Array></p:Cluster></p:ClusteringModel></p:PMML>`,
			fields: []string{"é"}, centers: [][]float64{{7}}, ids: []string{"only"}, measure: SquaredEuclidean},
		{name: "byte order mark, comments, other models after", doc: "\xEF\xBB\xBF<!-- made by hand -->" + strings.Replace(model{}.String(), "</PMML>", "<TreeModel/></PMML>", 1)[len(`<?xml version="1.0"?>`):],
			fields: []string{"a", "b"}, centers: [][]float64{{1, 2}, {3, 4}}, ids: []string{"c1", "c2"}, measure: SquaredEuclidean},
		{name: "a ClusteringModel after another model", doc: strings.Replace(model{}.String(), "<ClusteringModel", "<RegressionModel><x/></RegressionModel><ClusteringModel", 1),
			fields: []string{"a", "b"}, centers: [][]float64{{1, 2}, {3, 4}}, ids: []string{"c1", "c2"}, measure: SquaredEuclidean},
		{name: "transformations the fields do not use", doc: model{
			trans: `<TransformationDictionary><DerivedField name="z" optype="continuous" dataType="double"><FieldRef field="a"/></DerivedField></TransformationDictionary>`,
			local: `<LocalTransformations><DerivedField name="w" optype="continuous" dataType="double"><FieldRef field="b"/></DerivedField></LocalTransformations>`,
		}.String(), fields: []string{"a", "b"}, centers: [][]float64{{1, 2}, {3, 4}}, ids: []string{"c1", "c2"}, measure: SquaredEuclidean},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			m, err := Read(strings.NewReader(c.doc))
			if err != nil {
				t.Fatalf("%v\n%s", err, c.doc)
			}
			names := m.Names
			sameModel(t, m, &KMeans{ModelName: m.ModelName, Fields: c.fields, Centers: c.centers, IDs: c.ids, Names: names, Sizes: c.sizes, Measure: c.measure})
			if len(m.Names) != len(m.Centers) {
				t.Errorf("%d names for %d centres", len(m.Names), len(m.Centers))
			}
		})
	}
}

func TestAssign(t *testing.T) {
	t.Parallel()
	m := &KMeans{Fields: []string{"x", "y"}, Centers: [][]float64{{0, 0}, {2, 0}, {0, 0}}, Measure: SquaredEuclidean}
	cases := []struct {
		x       []float64
		j       int
		d       float64
		measure string
	}{
		{[]float64{1, 0}, 0, 1, SquaredEuclidean}, // tie between 0 and 1: the first
		{[]float64{3, 4}, 1, 17, SquaredEuclidean},
		{[]float64{3, 4}, 1, math.Sqrt(17), Euclidean},
		{[]float64{-1, 0}, 0, 1, Euclidean}, // tie between 0 and 2: the first
	}
	for _, c := range cases {
		m.Measure = c.measure
		if j, d := m.Assign(c.x); j != c.j || d != c.d {
			t.Errorf("%s Assign(%v) = %d, %v, want %d, %v", c.measure, c.x, j, d, c.j, c.d)
		}
	}
	for _, x := range [][]float64{nil, {1}, {1, 2, 3}, {math.NaN(), 0}} {
		if j, d := m.Assign(x); j != -1 || !math.IsNaN(d) {
			t.Errorf("Assign(%v) = %d, %v, want -1, NaN", x, j, d)
		}
	}
	if d := m.Distances(nil, []float64{1}); d != nil {
		t.Errorf("Distances of a short row = %v", d)
	}
}

func TestSniff(t *testing.T) {
	t.Parallel()
	cases := map[string]bool{
		`<PMML version="4.4">`: true,
		"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- written by R -->\n<PMML xmlns=\"http://www.dmg.org/PMML-4_3\">": true,
		"  \r\n\t<PMML>":             true,
		`<PMML`:                      true,
		`<pmml:PMML xmlns:pmml="x">`: true,
		`<!DOCTYPE PMML><PMML>`:      true,
		`<?xml version="1.0"?><?other x?><PMML/>`: true,
		``:                                false,
		`PAR1`:                            false,
		`{"class":"org.apache.spark.ml"}`: false,
		`<PMMLX>`:                         false,
		`<svg xmlns="http://www.w3.org/2000/svg">`: false,
		`<?xml version="1.0"?>`:                    false,
		`<!-- unterminated comment <PMML>`:         false,
		`<!DOCTYPE x [<!ENTITY a "b">]><PMML>`:     false,
		"\x00\x01\x02":                             false,
	}
	for in, want := range cases {
		if got := Sniff([]byte(in)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestSniffFixture(t *testing.T) {
	dir := fixtureDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "KMeansIris.pmml"))
	if err != nil {
		t.Fatal(err)
	}
	if !Sniff(b[:min(len(b), 512)]) {
		t.Error("Sniff does not recognize the Rattle PMML file")
	}
	b, err = os.ReadFile(filepath.Join(dir, "Iris.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if Sniff(b) {
		t.Error("Sniff takes a CSV file for PMML")
	}
}

// TestFieldWeights: a fieldWeight scales its field's squared difference,
// in Assign and Distances, and survives a write and read back.
func TestFieldWeights(t *testing.T) {
	doc := `<PMML version="4.4" xmlns="http://www.dmg.org/PMML-4_4"><Header/>
<DataDictionary><DataField name="a" optype="continuous" dataType="double"/><DataField name="b" optype="continuous" dataType="double"/></DataDictionary>
<ClusteringModel functionName="clustering" modelClass="centerBased" numberOfClusters="2">
<MiningSchema><MiningField name="a"/><MiningField name="b"/></MiningSchema>
<ComparisonMeasure kind="distance"><squaredEuclidean/></ComparisonMeasure>
<ClusteringField field="a" fieldWeight="100"/><ClusteringField field="b"/>
<Cluster id="1"><Array n="2" type="real">0 0</Array></Cluster>
<Cluster id="2"><Array n="2" type="real">1 10</Array></Cluster>
</ClusteringModel></PMML>`
	m, err := Read(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Weights) != 2 || m.Weights[0] != 100 || m.Weights[1] != 1 {
		t.Fatalf("weights %v", m.Weights)
	}
	// The weighted squared distances of (0.6, 5) to both centres.
	x := []float64{0.6, 5}
	got, d := m.Assign(x)
	d0, d1 := 100*0.6*0.6+25, 100*0.4*0.4+25
	want, wd := 0, d0
	if d1 < d0 {
		want, wd = 1, d1
	}
	if got != want || d != wd {
		t.Errorf("Assign %d %g, want %d %g", got, d, want, wd)
	}
	var buf strings.Builder
	if err := Write(&buf, m); err != nil {
		t.Fatal(err)
	}
	back, err := Read(strings.NewReader(buf.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Weights) != 2 || back.Weights[0] != 100 || back.Weights[1] != 1 {
		t.Errorf("weights after a round trip: %v", back.Weights)
	}
	// All weights 1 read as nil.
	plain, err := Read(strings.NewReader(strings.Replace(doc, `fieldWeight="100"`, `fieldWeight="1"`, 1)))
	if err != nil || plain.Weights != nil {
		t.Errorf("unit weights: %v %v", plain.Weights, err)
	}
}
