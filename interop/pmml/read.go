package pmml

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// The parts of a PMML document Read looks at. Elements and attributes are
// matched by local name, so every PMML namespace (and none) works.

type xHeader struct {
	Application *struct {
		Name    string `xml:"name,attr"`
		Version string `xml:"version,attr"`
	} `xml:"Application"`
}

type xDataField struct {
	Name     string `xml:"name,attr"`
	Optype   string `xml:"optype,attr"`
	DataType string `xml:"dataType,attr"`
}

type xDataDictionary struct {
	Fields []xDataField `xml:"DataField"`
}

type xNamed struct {
	Name string `xml:"name,attr"`
}

type xTransformations struct {
	Derived []xNamed `xml:"DerivedField"`
}

type xMiningField struct {
	Name      string `xml:"name,attr"`
	UsageType string `xml:"usageType,attr"`
	Optype    string `xml:"optype,attr"`
	Outliers  string `xml:"outliers,attr"`
}

type xMiningSchema struct {
	Fields []xMiningField `xml:"MiningField"`
}

type xClusteringField struct {
	Field           string  `xml:"field,attr"`
	IsCenterField   string  `xml:"isCenterField,attr"`
	FieldWeight     *string `xml:"fieldWeight,attr"`
	CompareFunction string  `xml:"compareFunction,attr"`
}

type xElement struct {
	XMLName xml.Name
}

type xComparisonMeasure struct {
	Kind            string     `xml:"kind,attr"`
	CompareFunction string     `xml:"compareFunction,attr"`
	Children        []xElement `xml:",any"`
}

type xArray struct {
	N    *string `xml:"n,attr"`
	Type string  `xml:"type,attr"`
	Text string  `xml:",chardata"`
}

type xSparseArray struct {
	XMLName     xml.Name
	N           *string  `xml:"n,attr"`
	Default     *string  `xml:"defaultValue,attr"`
	Indices     []string `xml:"Indices"`
	IntEntries  []string `xml:"INT-Entries"`
	RealEntries []string `xml:"REAL-Entries"`
}

type xCluster struct {
	ID         *string        `xml:"id,attr"`
	Name       *string        `xml:"name,attr"`
	Size       *string        `xml:"size,attr"`
	Arrays     []xArray       `xml:"Array"`
	RealSparse []xSparseArray `xml:"REAL-SparseArray"`
	IntSparse  []xSparseArray `xml:"INT-SparseArray"`
}

type xClusteringModel struct {
	ModelName            string              `xml:"modelName,attr"`
	ModelClass           string              `xml:"modelClass,attr"`
	NumberOfClusters     *string             `xml:"numberOfClusters,attr"`
	MiningSchema         *xMiningSchema      `xml:"MiningSchema"`
	LocalTransformations []xTransformations  `xml:"LocalTransformations"`
	ComparisonMeasure    *xComparisonMeasure `xml:"ComparisonMeasure"`
	ClusteringFields     []xClusteringField  `xml:"ClusteringField"`
	MissingValueWeights  *xElement           `xml:"MissingValueWeights"`
	CenterFields         *xElement           `xml:"CenterFields"`
}

// document is what Read collects from the top level of the PMML element.
type document struct {
	version   string
	header    xHeader
	dict      xDataDictionary
	trans     xTransformations
	model     *KMeans // from the first ClusteringModel
	otherKind string  // the first model element that is not a ClusteringModel
}

// Elements at the top level of PMML that are not models.
var notModels = map[string]bool{
	"Header": true, "MiningBuildTask": true, "DataDictionary": true,
	"TransformationDictionary": true, "Extension": true,
}

// ReadFile reads the PMML file at path.
func ReadFile(path string) (*KMeans, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	m, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Read parses a PMML document holding a ClusteringModel. It reads at most
// MaxDocumentSize bytes.
func Read(r io.Reader) (*KMeans, error) {
	return readLimited(r, MaxDocumentSize)
}

func readLimited(r io.Reader, limit int64) (*KMeans, error) {
	lr := &limitReader{r: r, left: limit}
	br := bufio.NewReader(lr)
	// encoding/xml does not skip a UTF-8 byte order mark.
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte("\xEF\xBB\xBF")) {
		br.Discard(3)
	}
	doc, err := decode(br)
	if lr.over {
		size := fmt.Sprintf("%d bytes", limit)
		if limit%(1<<20) == 0 {
			size = fmt.Sprintf("%d MiB", limit>>20)
		}
		return nil, errorf(ErrTooLarge, "the document is larger than %s; only documents up to %s are read", size, size)
	}
	if lr.err != nil {
		return nil, fmt.Errorf("pmml: reading the document: %w", lr.err)
	}
	if err != nil {
		return nil, err
	}
	return convert(doc)
}

// limitReader reads at most left bytes and then fails, recording that the
// input was longer.
type limitReader struct {
	r    io.Reader
	left int64
	over bool
	err  error // a failure of r itself, not io.EOF
}

var errOver = errors.New("too large")

func (l *limitReader) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// Is there more? One byte tells.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			l.over = true
			return 0, errOver
		}
		l.note(err)
		return 0, err
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	l.note(err)
	return n, err
}

func (l *limitReader) note(err error) {
	if err != nil && err != io.EOF && l.err == nil {
		l.err = err
	}
}

// decode walks the top level of the document, decoding the parts Read needs
// and skipping the rest.
func decode(r io.Reader) (*document, error) {
	dec := xml.NewDecoder(r)
	dec.CharsetReader = charsetReader
	syntax := func(err error) error {
		var pe *pmmlError
		if errors.Is(err, errOver) || errors.As(err, &pe) {
			return err
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return errorf(ErrNotPMML, "not a well-formed XML document (%v); a PMML file is expected", err)
	}
	var root xml.StartElement
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, errorf(ErrNotPMML, "not an XML document (no root element); a PMML file is expected")
		}
		if err != nil {
			return nil, syntax(err)
		}
		if cd, ok := tok.(xml.CharData); ok && len(bytes.TrimSpace(cd)) > 0 {
			return nil, errorf(ErrNotPMML, "not an XML document (text before the first element); a PMML file is expected")
		}
		if se, ok := tok.(xml.StartElement); ok {
			root = se
			break
		}
	}
	if root.Name.Local != "PMML" {
		return nil, errorf(ErrNotPMML, "the root element is <%s>, not <PMML>; a PMML file is expected", root.Name.Local)
	}
	doc := &document{version: attr(root, "version")}
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, syntax(err)
		}
		if _, ok := tok.(xml.EndElement); ok {
			return doc, nil
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "Header":
			err = dec.DecodeElement(&doc.header, &se)
		case "DataDictionary":
			var dd xDataDictionary
			if err = dec.DecodeElement(&dd, &se); err == nil {
				doc.dict.Fields = append(doc.dict.Fields, dd.Fields...)
			}
		case "TransformationDictionary":
			var td xTransformations
			if err = dec.DecodeElement(&td, &se); err == nil {
				doc.trans.Derived = append(doc.trans.Derived, td.Derived...)
			}
		case "ClusteringModel":
			if doc.model != nil {
				err = dec.Skip()
				break
			}
			err = doc.decodeModel(dec, se)
		default:
			if !notModels[se.Name.Local] && doc.otherKind == "" {
				doc.otherKind = se.Name.Local
			}
			err = dec.Skip()
		}
		if err != nil {
			return nil, syntax(err)
		}
	}
}

func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// charsetReader lets documents declared as ISO-8859-1 or US-ASCII through;
// everything else must be UTF-8.
func charsetReader(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "iso_8859-1":
		return &latin1Reader{r: bufio.NewReader(r)}, nil
	case "us-ascii", "ascii":
		return r, nil
	}
	return nil, fmt.Errorf("encoding %q is not supported; only UTF-8, ISO-8859-1 and US-ASCII are", label)
}

type latin1Reader struct {
	r   *bufio.Reader
	buf []byte
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(l.buf) > 0 {
			c := copy(p[n:], l.buf)
			l.buf = l.buf[c:]
			n += c
			continue
		}
		if n > 0 && l.r.Buffered() == 0 {
			break
		}
		b, err := l.r.ReadByte()
		if err != nil {
			if n > 0 {
				return n, nil
			}
			return 0, err
		}
		if b < 0x80 {
			p[n] = b
			n++
		} else {
			l.buf = append(l.buf[:0], byte(0xC0|b>>6), byte(0x80|b&0x3F))
		}
	}
	return n, nil
}

// convert returns the model of the document, or says why there is none.
func convert(doc *document) (*KMeans, error) {
	m := doc.model
	if m == nil {
		if doc.otherKind != "" {
			return nil, errorf(ErrUnsupported, "the document holds a %s, not a ClusteringModel; only ClusteringModel (k-means, modelClass=\"centerBased\") is supported", doc.otherKind)
		}
		return nil, errorf(ErrUnsupported, "the document holds no model; only ClusteringModel (k-means, modelClass=\"centerBased\") is supported")
	}
	m.PMMLVersion = doc.version
	if a := doc.header.Application; a != nil {
		m.Application, m.Version = a.Name, a.Version
	}
	return m, nil
}

// decodeModel reads the ClusteringModel that start opens into doc.model. The
// parts before the clusters are decoded whole and checked at the first
// Cluster; each Cluster is then decoded and turned into its centre on its
// own, so that a bad or huge model fails early and costs little memory.
func (doc *document) decodeModel(dec *xml.Decoder, start xml.StartElement) error {
	cm := &xClusteringModel{ModelName: attr(start, "modelName"), ModelClass: attr(start, "modelClass")}
	for _, a := range start.Attr {
		if a.Name.Local == "numberOfClusters" {
			cm.NumberOfClusters = &a.Value
		}
	}
	var (
		m     *KMeans
		want  int64 = -1 // numberOfClusters, when given
		ids         = map[string]int{}
		sizes []int64
	)
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if _, ok := tok.(xml.EndElement); ok {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "MiningSchema":
			ms := new(xMiningSchema)
			if err = dec.DecodeElement(ms, &se); err == nil && cm.MiningSchema == nil {
				cm.MiningSchema = ms
			}
		case "LocalTransformations":
			var lt xTransformations
			if err = dec.DecodeElement(&lt, &se); err == nil {
				cm.LocalTransformations = append(cm.LocalTransformations, lt)
			}
		case "ComparisonMeasure":
			cmp := new(xComparisonMeasure)
			if err = dec.DecodeElement(cmp, &se); err == nil && cm.ComparisonMeasure == nil {
				cm.ComparisonMeasure = cmp
			}
		case "ClusteringField":
			var cf xClusteringField
			if err = dec.DecodeElement(&cf, &se); err == nil {
				cm.ClusteringFields = append(cm.ClusteringFields, cf)
			}
		case "MissingValueWeights":
			cm.MissingValueWeights = &xElement{XMLName: se.Name}
			err = dec.Skip()
		case "CenterFields":
			cm.CenterFields = &xElement{XMLName: se.Name}
			err = dec.Skip()
		case "Cluster":
			if m == nil {
				if m, want, err = begin(doc, cm); err != nil {
					return err
				}
			}
			var c xCluster
			if err = dec.DecodeElement(&c, &se); err == nil {
				err = addCluster(m, &c, ids, &sizes, want)
			}
		default:
			err = dec.Skip()
		}
		if err != nil {
			return err
		}
	}
	if m == nil {
		var err error
		if m, want, err = begin(doc, cm); err != nil {
			return err
		}
	}
	k := len(m.Centers)
	if k == 0 {
		return errorf(ErrInvalid, "the ClusteringModel has no Cluster; at least one is needed")
	}
	if want >= 0 && want != int64(k) {
		return errorf(ErrInvalid, "numberOfClusters is %d but the ClusteringModel has %d Cluster elements", want, k)
	}
	if len(sizes) == k {
		m.Sizes = sizes
	}
	doc.model = m
	return nil
}

// begin checks the parts of a ClusteringModel before its clusters and
// returns the model without centres and numberOfClusters (-1 when absent).
func begin(doc *document, cm *xClusteringModel) (*KMeans, int64, error) {
	switch cm.ModelClass {
	case "centerBased", "":
	default:
		return nil, 0, errorf(ErrUnsupported, "ClusteringModel modelClass %q is not supported; only \"centerBased\" (k-means) models are", cm.ModelClass)
	}
	want := int64(-1)
	if cm.NumberOfClusters != nil {
		n, err := strconv.ParseInt(strings.TrimSpace(*cm.NumberOfClusters), 10, 64)
		if err != nil || n < 0 {
			return nil, 0, errorf(ErrInvalid, "numberOfClusters %q is not an integer", *cm.NumberOfClusters)
		}
		want = n
	}
	if cm.CenterFields != nil {
		return nil, 0, errorf(ErrUnsupported, "CenterFields (PMML 3 normalized centre fields) is not supported; only ClusteringFields on DataFields are")
	}
	if cm.MissingValueWeights != nil {
		return nil, 0, errorf(ErrUnsupported, "MissingValueWeights is not supported; only models without missing-value weighting are")
	}
	measure, err := convertMeasure(cm.ComparisonMeasure)
	if err != nil {
		return nil, 0, err
	}
	fields, weights, err := clusteringFields(doc, cm)
	if err != nil {
		return nil, 0, err
	}
	return &KMeans{ModelName: cm.ModelName, Fields: fields, Weights: weights, Measure: measure}, want, nil
}

// addCluster appends the centre, id, name and size of cluster c to m.
func addCluster(m *KMeans, c *xCluster, ids map[string]int, sizes *[]int64, want int64) error {
	j := len(m.Centers)
	if want >= 0 && int64(j) >= want {
		return errorf(ErrInvalid, "numberOfClusters is %d but the ClusteringModel has more Cluster elements", want)
	}
	var id, name string
	if c.Name != nil {
		name = *c.Name
	}
	switch {
	case c.ID != nil && *c.ID != "":
		id = *c.ID
	case name != "":
		id = name
	default:
		id = strconv.Itoa(j + 1)
	}
	if p, ok := ids[id]; ok {
		return errorf(ErrInvalid, "clusters %d and %d share the id %q; cluster ids must be unique", p+1, j+1, id)
	}
	ids[id] = j
	if c.Size != nil {
		s, err := strconv.ParseInt(strings.TrimSpace(*c.Size), 10, 64)
		if err != nil || s < 0 {
			return errorf(ErrInvalid, "cluster %q: size %q is not a non-negative integer", id, *c.Size)
		}
		*sizes = append(*sizes, s)
	}
	x, err := center(c, len(m.Fields), id)
	if err != nil {
		return err
	}
	m.Centers = append(m.Centers, x)
	m.IDs = append(m.IDs, id)
	m.Names = append(m.Names, name)
	return nil
}

var supportedMeasures = "only euclidean and squaredEuclidean are"

func convertMeasure(cm *xComparisonMeasure) (string, error) {
	if cm == nil {
		return "", errorf(ErrInvalid, "the ClusteringModel has no ComparisonMeasure")
	}
	switch cm.Kind {
	case "distance", "":
	default:
		return "", errorf(ErrUnsupported, "ComparisonMeasure kind %q is not supported; only kind \"distance\" with euclidean or squaredEuclidean is", cm.Kind)
	}
	if f := cm.CompareFunction; f != "" && f != "absDiff" {
		return "", errorf(ErrUnsupported, "compareFunction %q of the ComparisonMeasure is not supported; only absDiff is", f)
	}
	var found []string
	for _, c := range cm.Children {
		if c.XMLName.Local != "Extension" {
			found = append(found, c.XMLName.Local)
		}
	}
	switch len(found) {
	case 0:
		return "", errorf(ErrInvalid, "the ComparisonMeasure names no measure; %s supported", supportedMeasures)
	case 1:
	default:
		return "", errorf(ErrInvalid, "the ComparisonMeasure names %d measures (%s); exactly one is needed", len(found), strings.Join(found, ", "))
	}
	switch found[0] {
	case SquaredEuclidean, Euclidean:
		return found[0], nil
	}
	return "", errorf(ErrUnsupported, "comparison measure %q is not supported; %s", found[0], supportedMeasures)
}

// clusteringFields returns the centre fields and their weights (nil when
// every weight is 1), checking that each is a continuous numeric DataField
// compared with absDiff at a positive, finite weight.
func clusteringFields(doc *document, cm *xClusteringModel) (fields []string, weights []float64, err error) {
	mining := map[string]*xMiningField{}
	if cm.MiningSchema != nil {
		for i := range cm.MiningSchema.Fields {
			mf := &cm.MiningSchema.Fields[i]
			mining[mf.Name] = mf
		}
	}
	seen := map[string]bool{}
	add := func(name string) error {
		if name == "" {
			return errorf(ErrInvalid, "a clustering field has no name")
		}
		if seen[name] {
			return errorf(ErrInvalid, "field %q appears twice among the clustering fields", name)
		}
		seen[name] = true
		fields = append(fields, name)
		return nil
	}
	if len(cm.ClusteringFields) > 0 {
		for _, cf := range cm.ClusteringFields {
			center, ok := parseBool(cf.IsCenterField, true)
			if !ok {
				return nil, nil, errorf(ErrInvalid, "ClusteringField %q: isCenterField %q is not a boolean", cf.Field, cf.IsCenterField)
			}
			if !center {
				continue
			}
			if f := cf.CompareFunction; f != "" && f != "absDiff" {
				return nil, nil, errorf(ErrUnsupported, "compareFunction %q of ClusteringField %q is not supported; only absDiff is", f, cf.Field)
			}
			if cf.FieldWeight != nil {
				w, err := strconv.ParseFloat(strings.TrimSpace(*cf.FieldWeight), 64)
				if err != nil {
					return nil, nil, errorf(ErrInvalid, "ClusteringField %q: fieldWeight %q is not a number", cf.Field, *cf.FieldWeight)
				}
				if !(w > 0) || math.IsInf(w, 0) {
					return nil, nil, errorf(ErrUnsupported, "ClusteringField %q has fieldWeight %s; only positive, finite weights are supported", cf.Field, *cf.FieldWeight)
				}
				if w != 1 && weights == nil {
					weights = make([]float64, len(fields), len(cm.ClusteringFields))
					for i := range weights {
						weights[i] = 1
					}
				}
				if weights != nil {
					weights = append(weights, w)
				}
			} else if weights != nil {
				weights = append(weights, 1)
			}
			if err := add(cf.Field); err != nil {
				return nil, nil, err
			}
		}
	} else if cm.MiningSchema != nil {
		for _, mf := range cm.MiningSchema.Fields {
			if mf.UsageType == "" || mf.UsageType == "active" {
				if err := add(mf.Name); err != nil {
					return nil, nil, err
				}
			}
		}
	}
	if len(fields) == 0 {
		return nil, nil, errorf(ErrInvalid, "the ClusteringModel has no centre fields (no ClusteringField with isCenterField true, nor active MiningField)")
	}

	local := map[string]bool{}
	for _, lt := range cm.LocalTransformations {
		for _, df := range lt.Derived {
			local[df.Name] = true
		}
	}
	global := map[string]bool{}
	for _, df := range doc.trans.Derived {
		global[df.Name] = true
	}
	dict := map[string]*xDataField{}
	for i := range doc.dict.Fields {
		dict[doc.dict.Fields[i].Name] = &doc.dict.Fields[i]
	}
	for _, name := range fields {
		switch {
		case local[name]:
			return nil, nil, errorf(ErrUnsupported, "clustering field %q is a DerivedField of LocalTransformations; transformations are not supported, only clustering fields that are DataFields", name)
		case global[name]:
			return nil, nil, errorf(ErrUnsupported, "clustering field %q is a DerivedField of the TransformationDictionary; transformations are not supported, only clustering fields that are DataFields", name)
		}
		df := dict[name]
		if df == nil {
			return nil, nil, errorf(ErrInvalid, "clustering field %q is not declared in the DataDictionary", name)
		}
		optype := df.Optype
		mf := mining[name]
		if mf != nil && mf.Optype != "" {
			optype = mf.Optype
		}
		switch optype {
		case "continuous", "":
		default:
			return nil, nil, errorf(ErrUnsupported, "clustering field %q is %s; only continuous numeric fields (integer, float, double) are supported", name, optype)
		}
		switch df.DataType {
		case "double", "float", "integer", "":
		default:
			return nil, nil, errorf(ErrUnsupported, "clustering field %q has dataType %s; only continuous numeric fields (integer, float, double) are supported", name, df.DataType)
		}
		if mf != nil && mf.Outliers != "" && mf.Outliers != "asIs" {
			return nil, nil, errorf(ErrUnsupported, "MiningField %q treats outliers %q; only outliers=\"asIs\" is supported", name, mf.Outliers)
		}
	}
	return fields, weights, nil
}

func parseBool(s string, def bool) (v, ok bool) {
	switch strings.TrimSpace(s) {
	case "":
		return def, true
	case "true", "1":
		return true, true
	case "false", "0":
		return false, true
	}
	return false, false
}

// center reads the centre of cluster c, which must have d values.
func center(c *xCluster, d int, id string) ([]float64, error) {
	narrays := len(c.Arrays) + len(c.RealSparse) + len(c.IntSparse)
	switch {
	case narrays == 0:
		return nil, errorf(ErrInvalid, "cluster %q has no Array; a centre-based cluster needs its centre", id)
	case narrays > 1:
		return nil, errorf(ErrInvalid, "cluster %q has %d arrays; exactly one centre is needed", id, narrays)
	}
	if len(c.Arrays) == 1 {
		return denseCenter(&c.Arrays[0], d, id)
	}
	if len(c.RealSparse) == 1 {
		return sparseCenter(&c.RealSparse[0], d, id)
	}
	return sparseCenter(&c.IntSparse[0], d, id)
}

// checkN checks an array's n attribute against d without trusting it.
func checkN(n *string, d int, what, id string) error {
	if n == nil {
		return nil
	}
	v, err := strconv.ParseInt(strings.TrimSpace(*n), 10, 64)
	if err != nil {
		return errorf(ErrInvalid, "cluster %q: %s n=%q is not an integer", id, what, *n)
	}
	if v != int64(d) {
		return errorf(ErrInvalid, "cluster %q: %s n=\"%d\" but the model has %d centre fields", id, what, v, d)
	}
	return nil
}

func denseCenter(a *xArray, d int, id string) ([]float64, error) {
	switch a.Type {
	case "real", "int", "":
	case "string":
		return nil, errorf(ErrUnsupported, "cluster %q: Array type \"string\" is not supported; only numeric (real, int) centres are", id)
	default:
		return nil, errorf(ErrInvalid, "cluster %q: Array type %q is unknown; only numeric (real, int) centres are supported", id, a.Type)
	}
	if err := checkN(a.N, d, "Array", id); err != nil {
		return nil, err
	}
	x := make([]float64, 0, d)
	t := tokens{s: a.Text}
	for {
		tok, ok := t.next()
		if !ok {
			break
		}
		if len(x) == d {
			return nil, errorf(ErrInvalid, "cluster %q: the Array holds more than %d numbers, expected %d (one per centre field)", id, d, d)
		}
		v, err := number(tok, id, len(x)+1)
		if err != nil {
			return nil, err
		}
		x = append(x, v)
	}
	if len(x) != d {
		return nil, errorf(ErrInvalid, "cluster %q: the Array holds %s, expected %d (one per centre field)", id, plural(len(x), "number"), d)
	}
	return x, nil
}

func sparseCenter(a *xSparseArray, d int, id string) ([]float64, error) {
	what := a.XMLName.Local
	if err := checkN(a.N, d, what, id); err != nil {
		return nil, err
	}
	def := 0.0
	if a.Default != nil {
		v, err := number(*a.Default, id, 0)
		if err != nil {
			return nil, err
		}
		def = v
	}
	if len(a.Indices) > 1 || len(a.IntEntries)+len(a.RealEntries) > 1 {
		return nil, errorf(ErrInvalid, "cluster %q: %s has more than one Indices or Entries element", id, what)
	}
	var indices, entries string
	if len(a.Indices) == 1 {
		indices = a.Indices[0]
	}
	switch {
	case len(a.IntEntries) == 1:
		entries = a.IntEntries[0]
	case len(a.RealEntries) == 1:
		entries = a.RealEntries[0]
	}
	x := make([]float64, d)
	for i := range x {
		x[i] = def
	}
	set := make([]bool, d)
	ti, te := tokens{s: indices}, tokens{s: entries}
	for count := 1; ; count++ {
		is, iok := ti.next()
		es, eok := te.next()
		if !iok && !eok {
			break
		}
		if iok != eok {
			return nil, errorf(ErrInvalid, "cluster %q: %s has a different number of Indices and Entries", id, what)
		}
		idx, err := strconv.ParseInt(is, 10, 64)
		if err != nil || idx < 1 || idx > int64(d) {
			return nil, errorf(ErrInvalid, "cluster %q: %s index %q is not an integer between 1 and %d", id, what, is, d)
		}
		if set[idx-1] {
			return nil, errorf(ErrInvalid, "cluster %q: %s index %d appears twice", id, what, idx)
		}
		set[idx-1] = true
		if x[idx-1], err = number(es, id, int(idx)); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// number parses one value of the centre of cluster id (position pos, 0 for
// a default value), refusing non-finite numbers.
func number(s, id string, pos int) (float64, error) {
	where := fmt.Sprintf("value %d", pos)
	if pos == 0 {
		where = "the defaultValue"
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return 0, errorf(ErrInvalid, "cluster %q: %s (%q) is not a number", id, where, clip(s))
	}
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, errorf(ErrInvalid, "cluster %q: %s (%q) is not a finite number", id, where, clip(s))
	}
	return v, nil
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}

// tokens splits XML whitespace-separated values one at a time, so that a
// long array costs nothing before its length is checked.
type tokens struct{ s string }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (t *tokens) next() (string, bool) {
	i := 0
	for i < len(t.s) && isSpace(t.s[i]) {
		i++
	}
	if i == len(t.s) {
		t.s = ""
		return "", false
	}
	j := i
	for j < len(t.s) && !isSpace(t.s[j]) {
		j++
	}
	tok := t.s[i:j]
	t.s = t.s[j:]
	return tok, true
}
