package kmeansfn

import (
	"bytes"
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/kmeans"
	"github.com/seed-a084b42d/marketsql/catalog"
)

func sampleModel() *Model {
	return &Model{
		KeyColumn: "customer_id", Features: []string{"recency", "frequency"}, Standardize: true,
		Model: kmeans.Model{
			Mean: []float64{50, 3}, Std: []float64{20, 1.5}, K: 2,
			Centroids: []float64{-1, 0.5, 1, -0.5}, Sizes: []int64{7, 3}, Weights: []float64{7, 3},
			OverallMean: []float64{50, 3}, OverallStd: []float64{20, 1.5},
		},
	}
}

func TestEncodeDecode(t *testing.T) {
	t.Parallel()
	m := sampleModel()
	blob := m.Encode()
	got, err := Decode(blob)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Encode(), blob) {
		t.Error("Encode(Decode(blob)) differs from blob")
	}
	if cl, d := got.Nearest([]float64{30, 3.75}, make([]float64, 2)); cl != 0 || d != 0 {
		t.Errorf("Nearest = %d, %v", cl, d)
	}
	// Every single-byte change and every truncation is an error, never a panic.
	for i := range blob {
		for _, x := range []byte{0x01, 0x80, 0xff} {
			b := append([]byte(nil), blob...)
			b[i] ^= x
			if _, err := Decode(b); err == nil {
				t.Fatalf("flipping byte %d by %#x was not detected", i, x)
			}
		}
		if _, err := Decode(blob[:i]); err == nil {
			t.Fatalf("truncation to %d bytes was not detected", i)
		}
	}
	// Inconsistent shapes inside a valid envelope.
	for name, mutate := range map[string]func(m *Model){
		"k 0":                  func(m *Model) { m.K = 0 },
		"k 3":                  func(m *Model) { m.K = 3 },
		"short sizes":          func(m *Model) { m.Sizes = m.Sizes[:1] },
		"short std":            func(m *Model) { m.Std = m.Std[:1] },
		"zero std":             func(m *Model) { m.Std[1] = 0 },
		"nan std":              func(m *Model) { m.Std[1] = math.NaN() },
		"no features":          func(m *Model) { m.Features = nil },
		"extra centroid":       func(m *Model) { m.Centroids = append(m.Centroids, 1) },
		"nan centroid":         func(m *Model) { m.Centroids[2] = math.NaN() },
		"inf centroid":         func(m *Model) { m.Centroids[0] = math.Inf(1) },
		"inf mean":             func(m *Model) { m.Mean[0] = math.Inf(-1) },
		"inf std":              func(m *Model) { m.Std[0] = math.Inf(1) },
		"nan weight":           func(m *Model) { m.Weights[1] = math.NaN() },
		"negative size":        func(m *Model) { m.Sizes[1] = -3 },
		"negative weight":      func(m *Model) { m.Weights[0] = -1 },
		"nan overall":          func(m *Model) { m.OverallMean[1] = math.NaN() },
		"inf overall std":      func(m *Model) { m.OverallStd[1] = math.Inf(1) },
		"negative overall std": func(m *Model) { m.OverallStd[0] = -1 },
	} {
		m := sampleModel()
		mutate(m)
		if _, err := Decode(m.Encode()); !errors.Is(err, catalog.ErrDamaged) {
			t.Errorf("%s: Decode = %v, want ErrDamaged", name, err)
		}
	}
}

// TestDecodeCanonical: a payload whose fields are right but one of whose
// integers is padded (a zero continuation group the encoder never writes)
// is damage, so that every accepted blob re-encodes to itself.
func TestDecodeCanonical(t *testing.T) {
	t.Parallel()
	_, payload, err := catalog.Open(sampleModel().Encode())
	if err != nil {
		t.Fatal(err)
	}
	// The payload starts with the version (1) and the key column's length.
	for name, p := range map[string][]byte{
		"padded version":    append([]byte{0x81, 0x00}, payload[1:]...),
		"padded key length": append([]byte{payload[0], payload[1] | 0x80, 0x00}, payload[2:]...),
		"trailing byte":     append(append([]byte(nil), payload...), 0),
	} {
		if _, err := Decode(catalog.Seal(Kind, p)); !errors.Is(err, catalog.ErrDamaged) {
			t.Errorf("%s: Decode = %v, want ErrDamaged", name, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(sampleModel().Encode())
	f.Add(catalog.Seal(Kind, nil))
	f.Add(catalog.Seal("lda", []byte{1}))
	f.Add([]byte("MSQLMODL"))
	f.Add([]byte{})
	var e catalog.Encoder
	e.Uint(payloadVersion)
	e.String("id")
	e.Uint(1 << 62) // a huge string count
	f.Add(catalog.Seal(Kind, e.Data()))
	f.Fuzz(func(t *testing.T, blob []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		m, err := Decode(blob)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(64*len(blob)+1<<16) {
			t.Fatalf("decoding %d bytes allocated %d bytes", len(blob), alloc)
		}
		if err != nil {
			if !errors.Is(err, catalog.ErrDamaged) && !errors.Is(err, catalog.ErrFormat) {
				t.Fatalf("error %v is neither ErrDamaged nor ErrFormat", err)
			}
			return
		}
		// A model that decodes is usable.
		x := make([]float64, m.D())
		cl, d := m.Nearest(x, make([]float64, m.D()))
		if cl < 0 || cl >= m.K || d < 0 {
			t.Fatalf("Nearest = %d, %v", cl, d)
		}
		for c := 0; c < m.K; c++ {
			m.CentroidUnits(c)
		}
		if !bytes.Equal(m.Encode(), blob) {
			t.Fatalf("Encode(Decode(blob)) differs from blob")
		}
	})
}

func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"k": 4}`, `{"k": 4, "init": [[1, 2], [3, 4]]}`, `{"k": 2, "init": "random", "n_init": 5}`,
		`{"k": 2, "init": []}`, `{"k": 2, "init": [1]}`, `{"k": 2, "init": [[1e999]]}`, `{"k": 2, "init": "[["}`,
		`{"k": 3, "weight": "w", "on_null": "skip", "standardize": false, "algorithm": "minibatch", "batch_size": 10}`,
		`{"k": "4"}`, `{"k": 4.5}`, `{"algorithm": "foo", "k": 1}`, `{"n_init": 0, "k": 1}`, `{"tol": 0, "k": 1}`,
		`{"seed": 18446744073709551615, "k": 1}`, `{"threads": 2, "silhouette_sample": 0, "k": 1, "max_iter": 1}`, `[`, `{"k": null}`} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, text string, requireK bool) {
		fn := "kmeans_select_k"
		if requireK {
			fn = "kmeans_train"
		}
		opt, err := parseOptions(fn, text, requireK)
		if err == nil {
			err = opt.validate(fn)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), fn+": ") {
				t.Fatalf("error %q does not start with %s", err, fn)
			}
			return
		}
		if requireK && opt.K < 1 || opt.NInit < 0 || opt.MaxIter < 1 || !(opt.Tol >= 0 && opt.Tol <= 1) || opt.BatchSize < 1 ||
			opt.Threads < 0 || opt.SilhouetteSample < 1 {
			t.Fatalf("accepted %q as %+v", text, opt)
		}
		opt.json() // never panics
	})
}

// FuzzDecodePayload fuzzes the k-means payload behind a valid envelope, so
// that mutations reach the field decoding instead of failing the checksum.
func FuzzDecodePayload(f *testing.F) {
	_, payload, _ := catalog.Open(sampleModel().Encode())
	f.Add(payload)
	f.Add([]byte{1})
	f.Add([]byte{1, 0, 1, 1, 'a', 1})
	f.Fuzz(func(t *testing.T, payload []byte) {
		blob := catalog.Seal(Kind, payload)
		m, err := Decode(blob)
		if err != nil {
			if !errors.Is(err, catalog.ErrDamaged) && !errors.Is(err, catalog.ErrFormat) {
				t.Fatalf("error %v is neither ErrDamaged nor ErrFormat", err)
			}
			return
		}
		if len(m.Centroids) > len(payload) || len(m.Features) > len(payload) {
			t.Fatalf("decoded %d centroids and %d features from %d bytes", len(m.Centroids), len(m.Features), len(payload))
		}
		x := make([]float64, m.D())
		cl, _ := m.Nearest(x, make([]float64, m.D()))
		if cl < 0 || cl >= m.K {
			t.Fatalf("Nearest = %d", cl)
		}
		for c := 0; c < m.K; c++ {
			m.CentroidUnits(c)
		}
		if !bytes.Equal(m.Encode(), blob) {
			t.Fatalf("Encode(Decode(blob)) differs from blob")
		}
	})
}
