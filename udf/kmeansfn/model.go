package kmeansfn

import (
	"fmt"

	"github.com/seed-a084b42d/marketsql/algorithms/kmeans"
	"github.com/seed-a084b42d/marketsql/catalog"
)

// Kind is the ml_models.kind of k-means models.
const Kind = "kmeans"

// payloadVersion is the version of the k-means payload inside the envelope.
const payloadVersion = 1

// format is the envelope of this family's model blobs.
var format = catalog.Format{Kind: Kind, Name: "k-means", Version: payloadVersion}

// Model is a trained k-means model as stored in the catalog: the scoring
// model of algorithms/kmeans (centroids in model space, z-scores when
// Standardize is set, and the scaler that maps a feature vector there) with
// the names of its source columns.
type Model struct {
	KeyColumn   string
	Features    []string
	Standardize bool
	kmeans.Model
}

// D is the number of features.
func (m *Model) D() int { return len(m.Features) }

// Encode returns the sealed params blob of m.
func (m *Model) Encode() []byte {
	e := format.Encoder()
	e.String(m.KeyColumn)
	e.Strings(m.Features)
	e.Bool(m.Standardize)
	e.Floats(m.Mean)
	e.Floats(m.Std)
	e.Uint(uint64(m.K))
	e.Floats(m.Centroids)
	e.Uint(uint64(len(m.Sizes)))
	for _, s := range m.Sizes {
		e.Int(s)
	}
	e.Floats(m.Weights)
	e.Floats(m.OverallMean)
	e.Floats(m.OverallStd)
	return format.Seal(e)
}

// Decode reads a params blob written by Encode, checking every shape and
// that every parameter is finite, so a damaged or foreign blob is an error
// and never a panic or a NaN later. It accepts exactly what Encode writes:
// Encode(Decode(blob)) == blob.
func Decode(blob []byte) (*Model, error) {
	d, err := format.Open(blob)
	if err != nil {
		return nil, err
	}
	m := &Model{}
	m.KeyColumn = d.String()
	m.Features = d.Strings()
	m.Standardize = d.Bool()
	m.Mean = d.Floats()
	m.Std = d.Floats()
	k := d.Uint()
	m.Centroids = d.Floats()
	n := d.Len(1)
	m.Sizes = make([]int64, n)
	for i := range m.Sizes {
		m.Sizes[i] = d.Int()
	}
	m.Weights = d.Floats()
	m.OverallMean = d.Floats()
	m.OverallStd = d.Floats()
	if err := d.Finish(); err != nil {
		return nil, err
	}
	dim := len(m.Features)
	switch {
	case dim == 0:
		return nil, fmt.Errorf("%w: no features", catalog.ErrDamaged)
	case k < 1 || k > uint64(len(m.Centroids)):
		return nil, fmt.Errorf("%w: bad cluster count %d", catalog.ErrDamaged, k)
	}
	m.K = int(k)
	switch {
	case len(m.Centroids) != m.K*dim, len(m.Sizes) != m.K, len(m.Weights) != m.K,
		len(m.Mean) != dim, len(m.Std) != dim, len(m.OverallMean) != dim, len(m.OverallStd) != dim:
		return nil, fmt.Errorf("%w: inconsistent shapes", catalog.ErrDamaged)
	}
	for _, c := range []struct {
		what string
		v    []float64
	}{{"centroids", m.Centroids}, {"feature means", m.Mean}, {"feature scales", m.Std},
		{"cluster weights", m.Weights}, {"overall means", m.OverallMean}, {"overall deviations", m.OverallStd}} {
		if err := catalog.CheckFinite(c.what, c.v); err != nil {
			return nil, err
		}
	}
	for _, s := range m.Std {
		if !(s > 0) {
			return nil, fmt.Errorf("%w: bad feature scale %g", catalog.ErrDamaged, s)
		}
	}
	for j, s := range m.OverallStd {
		if s < 0 {
			return nil, fmt.Errorf("%w: negative overall deviation %g of feature %d", catalog.ErrDamaged, s, j+1)
		}
	}
	for c := range m.K {
		if m.Sizes[c] < 0 || m.Weights[c] < 0 {
			return nil, fmt.Errorf("%w: cluster %d has a negative size (%d) or weight (%g)", catalog.ErrDamaged, c+1, m.Sizes[c], m.Weights[c])
		}
	}
	return m, nil
}
