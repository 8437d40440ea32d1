package pmml

import (
	"errors"
	"fmt"
	"math"
)

// Measures of a KMeans model.
const (
	SquaredEuclidean = "squaredEuclidean"
	Euclidean        = "euclidean"
)

// MaxDocumentSize is the largest document Read accepts, in bytes.
const MaxDocumentSize = 256 << 20

// Errors returned by Read and Write wrap one of these, so callers can tell the
// kinds apart with errors.Is; the message itself says what was found.
var (
	// ErrNotPMML: the input is not XML, or its root element is not PMML.
	ErrNotPMML = errors.New("pmml: not a PMML document")
	// ErrTooLarge: the document exceeds MaxDocumentSize.
	ErrTooLarge = errors.New("pmml: document too large")
	// ErrUnsupported: a well-formed PMML document using something this
	// package does not implement (another model type, measure, transformation).
	ErrUnsupported = errors.New("pmml: unsupported PMML content")
	// ErrInvalid: the model contradicts itself or the PMML specification
	// (array lengths, unparsable or non-finite numbers, duplicate ids), or a
	// KMeans given to Write is inconsistent.
	ErrInvalid = errors.New("pmml: invalid model")
)

// pmmlError is an error of one of the kinds above with its own message.
type pmmlError struct {
	kind error
	msg  string
}

func (e *pmmlError) Error() string { return "pmml: " + e.msg }
func (e *pmmlError) Unwrap() error { return e.kind }

func errorf(kind error, format string, args ...any) error {
	return &pmmlError{kind: kind, msg: fmt.Sprintf(format, args...)}
}

// KMeans is a center-based clustering model.
type KMeans struct {
	ModelName string
	// Fields are the active clustering fields, in ClusteringField order (or
	// MiningSchema order when there is no ClusteringField). Fields with
	// isCenterField="false" are left out.
	Fields []string
	// Centers holds one centre per Cluster element, in document order,
	// len(Fields) values each.
	Centers [][]float64
	// IDs holds each Cluster's id attribute, else its name, else its 1-based
	// position. They are unique.
	IDs []string
	// Names holds each Cluster's name ("" when absent).
	Names []string
	// Sizes holds each Cluster's size attribute; nil unless every cluster
	// has one.
	Sizes []int64
	// Weights are the fields' fieldWeight attributes, nil when every field
	// has weight 1: the measure sums Weights[i]·(x[i]−c[i])².
	Weights []float64
	// Measure is SquaredEuclidean or Euclidean. Write treats "" as
	// SquaredEuclidean.
	Measure string
	// Application and Version are the name and version of the Header's
	// Application element; Write puts them in the header it writes
	// (Application "marketsql" when empty).
	Application, Version string
	// PMMLVersion is the version attribute of the PMML element read
	// ("4.3", "4.2", ...); Write always writes PMML 4.4 and ignores it.
	PMMLVersion string
}

// Assign returns the index (into Centers) of the nearest cluster of x under
// the model's measure and the distance to it under that measure (squared for
// squaredEuclidean). Ties go to the first cluster, as the PMML specification
// says. x must hold one value per field; when it does not, or when a value of
// x is NaN, Assign returns -1 and NaN.
func (m *KMeans) Assign(x []float64) (int, float64) {
	if len(m.Centers) == 0 || len(x) != len(m.Fields) {
		return -1, math.NaN()
	}
	for _, v := range x {
		if math.IsNaN(v) {
			return -1, math.NaN()
		}
	}
	root := m.Measure == Euclidean
	best, bestD := -1, math.Inf(1)
	for j, c := range m.Centers {
		d := sqDist(x, c, m.Weights)
		if root {
			d = math.Sqrt(d)
		}
		if best < 0 || d < bestD {
			best, bestD = j, d
		}
	}
	return best, bestD
}

// Distances writes the distance from x to every centre under the model's
// measure (PMML's clusterAffinity) into dst, which it grows as needed, and
// returns it. x must hold one value per field; when it does not, Distances
// returns nil.
func (m *KMeans) Distances(dst, x []float64) []float64 {
	if len(x) != len(m.Fields) {
		return nil
	}
	dst = dst[:0]
	for _, c := range m.Centers {
		d := sqDist(x, c, m.Weights)
		if m.Measure == Euclidean {
			d = math.Sqrt(d)
		}
		dst = append(dst, d)
	}
	return dst
}

// sqDist is the weighted squared distance; w nil weighs every field 1.
func sqDist(x, c, w []float64) float64 {
	if len(c) != len(x) {
		return math.NaN()
	}
	var s float64
	for i, v := range x {
		d := v - c[i]
		if w != nil {
			s += w[i] * d * d
		} else {
			s += d * d
		}
	}
	return s
}

// Validate reports whether m is a consistent model: at least one field and
// one centre, unique non-empty field names, finite centres of len(Fields)
// values, IDs (when given) unique and one per centre, Names and Sizes (when
// given) one per centre, sizes not negative, and a supported measure ("" is
// squaredEuclidean).
func (m *KMeans) Validate() error {
	if m == nil {
		return errorf(ErrInvalid, "no model")
	}
	if len(m.Fields) == 0 {
		return errorf(ErrInvalid, "the model has no fields")
	}
	seen := make(map[string]bool, len(m.Fields))
	for i, f := range m.Fields {
		if f == "" {
			return errorf(ErrInvalid, "field %d has an empty name", i+1)
		}
		if !validXML(f) {
			return errorf(ErrInvalid, "field %q has a character XML cannot hold", f)
		}
		if seen[f] {
			return errorf(ErrInvalid, "field %q appears twice", f)
		}
		seen[f] = true
	}
	if m.Weights != nil {
		if len(m.Weights) != len(m.Fields) {
			return errorf(ErrInvalid, "%d field weights for %d fields", len(m.Weights), len(m.Fields))
		}
		for i, w := range m.Weights {
			if !(w > 0) || math.IsInf(w, 0) {
				return errorf(ErrInvalid, "field %q has weight %v; weights must be positive and finite", m.Fields[i], w)
			}
		}
	}
	k := len(m.Centers)
	if k == 0 {
		return errorf(ErrInvalid, "the model has no centres")
	}
	for j, c := range m.Centers {
		if len(c) != len(m.Fields) {
			return errorf(ErrInvalid, "centre %d has %d values, expected %d (one per field)", j+1, len(c), len(m.Fields))
		}
		for i, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return errorf(ErrInvalid, "centre %d: value %d (%v) is not a finite number", j+1, i+1, v)
			}
		}
	}
	if m.IDs != nil {
		if len(m.IDs) != k {
			return errorf(ErrInvalid, "%d ids for %d centres", len(m.IDs), k)
		}
		ids := make(map[string]int, k)
		for j, id := range m.IDs {
			if id == "" {
				return errorf(ErrInvalid, "centre %d has an empty id", j+1)
			}
			if !validXML(id) {
				return errorf(ErrInvalid, "centre %d: id %q has a character XML cannot hold", j+1, id)
			}
			if p, ok := ids[id]; ok {
				return errorf(ErrInvalid, "centres %d and %d share the id %q; ids must be unique", p+1, j+1, id)
			}
			ids[id] = j
		}
	}
	if m.Names != nil {
		if len(m.Names) != k {
			return errorf(ErrInvalid, "%d names for %d centres", len(m.Names), k)
		}
		for j, n := range m.Names {
			if !validXML(n) {
				return errorf(ErrInvalid, "centre %d: name %q has a character XML cannot hold", j+1, n)
			}
		}
	}
	if m.Sizes != nil {
		if len(m.Sizes) != k {
			return errorf(ErrInvalid, "%d sizes for %d centres", len(m.Sizes), k)
		}
		for j, s := range m.Sizes {
			if s < 0 {
				return errorf(ErrInvalid, "centre %d has a negative size (%d)", j+1, s)
			}
		}
	}
	switch m.Measure {
	case "", SquaredEuclidean, Euclidean:
	default:
		return errorf(ErrUnsupported, "measure %q is not supported; only %s and %s are", m.Measure, Euclidean, SquaredEuclidean)
	}
	for _, s := range []string{m.ModelName, m.Application, m.Version} {
		if !validXML(s) {
			return errorf(ErrInvalid, "%q has a character XML cannot hold", s)
		}
	}
	return nil
}

// validXML reports whether s is valid UTF-8 made only of characters XML 1.0
// allows.
func validXML(s string) bool {
	for i, r := range s {
		if r == 0xFFFD {
			// A literal U+FFFD is fine; an invalid byte decodes to it with width 1.
			if len(s[i:]) < 3 || s[i:i+3] != "\uFFFD" {
				return false
			}
			continue
		}
		switch {
		case r == 0x9 || r == 0xA || r == 0xD:
		case r >= 0x20 && r <= 0xD7FF:
		case r >= 0xE000 && r <= 0xFFFD:
		case r >= 0x10000 && r <= 0x10FFFF:
		default:
			return false
		}
	}
	return true
}
