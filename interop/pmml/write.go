package pmml

import (
	"bufio"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
)

// Namespace is the XML namespace of the documents Write produces.
const Namespace = "http://www.dmg.org/PMML-4_4"

// Write writes m as a PMML 4.4 document: a Header (Application from m, else
// "marketsql"), a DataDictionary of continuous double fields, and a
// ClusteringModel with modelClass="centerBased" holding the MiningSchema, an
// Output with the predicted cluster id and one clusterAffinity per cluster,
// the ComparisonMeasure (kind="distance"), one ClusteringField per field
// (compareFunction absDiff) and one Cluster per centre with its id, name (if
// any), size (if Sizes) and an Array type="real" of the centre in full
// float64 precision. Clusters without IDs are numbered from 1. m must pass
// Validate.
func Write(w io.Writer, m *KMeans) error {
	if err := m.Validate(); err != nil {
		return err
	}
	d, k := len(m.Fields), len(m.Centers)
	measure := m.Measure
	if measure == "" {
		measure = SquaredEuclidean
	}
	app := m.Application
	if app == "" {
		app = "marketsql"
	}
	bw := bufio.NewWriter(w)
	x := &xmlWriter{w: bw}
	x.raw(xml.Header)
	x.open(0, "PMML", false, "xmlns", Namespace, "version", "4.4")
	x.open(1, "Header", false)
	x.open(2, "Application", true, "name", app, "version", m.Version)
	x.close(1, "Header")
	x.open(1, "DataDictionary", false, "numberOfFields", strconv.Itoa(d))
	for _, f := range m.Fields {
		x.open(2, "DataField", true, "name", f, "optype", "continuous", "dataType", "double")
	}
	x.close(1, "DataDictionary")
	x.open(1, "ClusteringModel", false, "modelName", m.ModelName, "functionName", "clustering",
		"modelClass", "centerBased", "numberOfClusters", strconv.Itoa(k))
	x.open(2, "MiningSchema", false)
	taken := make(map[string]bool, d+k+1)
	for _, f := range m.Fields {
		x.open(3, "MiningField", true, "name", f, "usageType", "active")
		taken[f] = true
	}
	x.close(2, "MiningSchema")

	// Output field names must differ from the input fields and each other.
	unique := func(name string) string {
		for taken[name] {
			name += "_"
		}
		taken[name] = true
		return name
	}
	ids := m.IDs
	if ids == nil {
		ids = make([]string, k)
		for j := range ids {
			ids[j] = strconv.Itoa(j + 1)
		}
	}
	x.open(2, "Output", false)
	x.open(3, "OutputField", true, "name", unique("predictedValue"), "optype", "categorical",
		"dataType", "string", "feature", "predictedValue")
	for _, id := range ids {
		x.open(3, "OutputField", true, "name", unique("clusterAffinity_"+id), "optype", "continuous",
			"dataType", "double", "feature", "clusterAffinity", "value", id)
	}
	x.close(2, "Output")

	x.open(2, "ComparisonMeasure", false, "kind", "distance")
	x.open(3, measure, true)
	x.close(2, "ComparisonMeasure")
	for i, f := range m.Fields {
		if m.Weights != nil && m.Weights[i] != 1 {
			x.open(2, "ClusteringField", true, "field", f, "compareFunction", "absDiff",
				"fieldWeight", strconv.FormatFloat(m.Weights[i], 'g', -1, 64))
		} else {
			x.open(2, "ClusteringField", true, "field", f, "compareFunction", "absDiff")
		}
	}
	for j, c := range m.Centers {
		var name, size string
		if m.Names != nil {
			name = m.Names[j]
		}
		if m.Sizes != nil {
			size = strconv.FormatInt(m.Sizes[j], 10)
		}
		x.open(2, "Cluster", false, "id", ids[j], "name", name, "size", size)
		x.open(3, "Array", false, "n", strconv.Itoa(d), "type", "real")
		for i, v := range c {
			if i > 0 {
				x.raw(" ")
			}
			x.buf = strconv.AppendFloat(x.buf[:0], v, 'g', -1, 64)
			x.bytes(x.buf)
		}
		x.raw("</Array>\n")
		x.close(2, "Cluster")
	}
	x.close(1, "ClusteringModel")
	x.close(0, "PMML")
	if x.err != nil {
		return x.err
	}
	return bw.Flush()
}

// xmlWriter writes indented XML, keeping the first error.
type xmlWriter struct {
	w   *bufio.Writer
	buf []byte
	err error
}

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = x.w.WriteString(s)
	}
}

func (x *xmlWriter) bytes(b []byte) {
	if x.err == nil {
		_, x.err = x.w.Write(b)
	}
}

// open writes a start tag (an empty element when empty) at the given depth
// with the attributes given as name, value pairs, leaving out empty values.
// Array's content follows its start tag on the same line.
func (x *xmlWriter) open(depth int, name string, empty bool, attrs ...string) {
	x.raw(strings.Repeat("  ", depth))
	x.raw("<" + name)
	for i := 0; i+1 < len(attrs); i += 2 {
		if attrs[i+1] == "" {
			continue
		}
		x.raw(" " + attrs[i] + `="`)
		if x.err == nil {
			x.err = xml.EscapeText(x.w, []byte(attrs[i+1]))
		}
		x.raw(`"`)
	}
	switch {
	case empty:
		x.raw("/>\n")
	case name == "Array":
		x.raw(">")
	default:
		x.raw(">\n")
	}
}

func (x *xmlWriter) close(depth int, name string) {
	x.raw(strings.Repeat("  ", depth) + "</" + name + ">\n")
}
