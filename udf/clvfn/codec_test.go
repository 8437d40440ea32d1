package clvfn_test

import (
	"bytes"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/clv"
	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
	"github.com/seed-a084b42d/marketsql/udf/clvfn"
)

// codecBlob is the params blob of a model trained through clv_train, with
// what it must decode to.
type codecBlob struct {
	name      string
	blob      []byte
	customers int
	kind      clv.Kind
	spend     bool
	holdout   bool
}

// codecTrainings are the models whose blobs the codec tests use: CDNOW
// (testdata/cdnow) with both purchase models, with and without spend, with
// a holdout and with TEXT keys, and the 20-customer shop of errors_test.go
// with INTEGER and TEXT keys mixed, small enough to damage at every byte.
var codecTrainings = []struct {
	name, source, options string
	customers             int
	kind                  clv.Kind
	spend, holdout        bool
}{
	{"bgnbd_spend", "SELECT customer, day, amount FROM cdnow", `{"as_of": "1997-09-30"}`, 2357, clv.BGNBD, true, false},
	{"pareto_spend", "SELECT customer, day, amount FROM cdnow", `{"model": "pareto_nbd", "as_of": "1997-09-30"}`, 2357, clv.ParetoNBD, true, false},
	{"bgnbd_none", "SELECT customer, day FROM cdnow", `{"as_of": "1997-09-30"}`, 2357, clv.BGNBD, false, false},
	{"pareto_none", "SELECT customer, day FROM cdnow", `{"model": "pareto_nbd", "time_unit": "day", "as_of": "1997-09-30"}`, 2357, clv.ParetoNBD, false, false},
	{"bgnbd_holdout", "SELECT customer, day, amount FROM cdnow", `{"holdout_from": "1997-10-01", "horizon": 26, "discount_rate": 0.02}`, 2357, clv.BGNBD, true, true},
	{"pareto_text_holdout", "SELECT 'c' || customer, day, amount FROM cdnow", `{"model": "pareto_nbd", "holdout_from": "1997-10-01", "time_unit": "month"}`, 2357, clv.ParetoNBD, true, true},
	{"summary", "SELECT customer, frequency, recency, T, monetary FROM cdnow_summary", `{"input": "summary"}`, 2357, clv.BGNBD, true, false},
	{"small_mixed_holdout", "SELECT CASE WHEN customer % 3 = 0 THEN 'c' || customer ELSE customer END, day, amount FROM orders",
		`{"holdout_from": "2024-09-01", "penalizer": 0.01}`, 20, clv.BGNBD, true, true},
	{"small_pareto", "SELECT customer, day FROM orders", `{"model": "pareto_nbd", "penalizer": 0.01}`, 20, clv.ParetoNBD, false, false},
}

var (
	codecOnce  sync.Once
	codecBlobs []codecBlob
	codecErr   string
)

// trainedBlobs trains every model of codecTrainings once per test binary
// and returns their blobs as ml_models stores them.
func trainedBlobs(tb testing.TB) []codecBlob {
	tb.Helper()
	codecOnce.Do(func() {
		db := openCDNOW(tb)
		sqltest.Exec(tb, db, `CREATE TABLE orders(customer INTEGER, day TEXT, amount REAL)`)
		sqltest.Exec(tb, db, `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 59)
		 INSERT INTO orders SELECT i % 20, date('2024-01-01', '+' || ((i * 37 + (i % 20) * 11) % 300) || ' days'),
		   10 + (i * 7 % 13) * 2.5 FROM n`)
		for _, tr := range codecTrainings {
			if err := sqltest.QueryErr(db, `SELECT clv_train(?, ?, ?)`, tr.name, tr.source, tr.options); err != nil {
				codecErr = tr.name + ": " + err.Error()
				return
			}
			blob := sqltest.One[[]byte](tb, db, `SELECT params FROM ml_models WHERE name = ?`, tr.name)
			codecBlobs = append(codecBlobs, codecBlob{tr.name, blob, tr.customers, tr.kind, tr.spend, tr.holdout})
		}
	})
	if codecErr != "" || len(codecBlobs) != len(codecTrainings) {
		tb.Fatalf("training the codec models failed: %s", codecErr)
	}
	return codecBlobs
}

// smallBlobs are the blobs of trainedBlobs with at most 100 customers.
func smallBlobs(tb testing.TB) []codecBlob {
	var out []codecBlob
	for _, b := range trainedBlobs(tb) {
		if b.customers <= 100 {
			out = append(out, b)
		}
	}
	return out
}

func payloadOf(tb testing.TB, blob []byte) []byte {
	tb.Helper()
	kind, payload, err := catalog.Open(blob)
	if err != nil || kind != clvfn.Kind {
		tb.Fatalf("catalog.Open: kind %q, %v", kind, err)
	}
	return payload
}

// wantDamaged fails unless err is an ErrDamaged or ErrFormat error.
func wantDamaged(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: decoded without an error", what)
	}
	if !errors.Is(err, catalog.ErrDamaged) && !errors.Is(err, catalog.ErrFormat) {
		t.Fatalf("%s: error %v is neither ErrDamaged nor ErrFormat", what, err)
	}
}

// TestCodecRoundTrip: every trained model decodes to what was trained and
// encodes back to the very bytes stored, and its customers are those of
// ml_clv_customers.
func TestCodecRoundTrip(t *testing.T) {
	for _, b := range trainedBlobs(t) {
		t.Run(b.name, func(t *testing.T) {
			m, err := clvfn.Decode(b.blob)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(m.Encode(), b.blob) {
				t.Fatal("Encode(Decode(blob)) differs from blob")
			}
			if len(m.Keys) != b.customers || m.Purchases.Kind != b.kind || (m.Spend != nil) != b.spend || m.Holdout != b.holdout {
				t.Errorf("decoded %d customers, kind %v, spend %v, holdout %v; want %d, %v, %v, %v",
					len(m.Keys), m.Purchases.Kind, m.Spend != nil, m.Holdout, b.customers, b.kind, b.spend, b.holdout)
			}
			if (m.M != nil) != (b.name != "bgnbd_none" && b.name != "pareto_none" && b.name != "small_pareto") {
				t.Errorf("average values present: %v", m.M != nil)
			}
			if !m.Purchases.Converged || m.Purchases.Iterations == 0 || m.Purchases.Customers != b.customers {
				t.Errorf("purchase fit record: converged %v, %d iterations, %d customers", m.Purchases.Converged, m.Purchases.Iterations, m.Purchases.Customers)
			}
			// A second round trip changes nothing either.
			m2, err := clvfn.Decode(m.Encode())
			if err != nil || !bytes.Equal(m2.Encode(), b.blob) {
				t.Errorf("second round trip: %v", err)
			}
		})
	}
}

// big reports whether a blob is one of CDNOW's (2,357 customers), which
// the damage tests touch at their fields before the customers and at a
// sample of the customers' bytes; the small blobs are touched at every
// byte.
func big(b []byte) bool { return len(b) > 4000 }

// TestCodecTruncated: a blob cut short anywhere is an error, never a panic
// or a model: cut as stored (the checksum fails) and cut inside a valid
// envelope (resealed, so that the field decoding meets the end).
func TestCodecTruncated(t *testing.T) {
	t.Parallel()
	cuts := func(n int) []int {
		var out []int
		for i := range n {
			if n <= 4000 || i < 300 || i >= n-100 || i%997 == 0 {
				out = append(out, i)
			}
		}
		return out
	}
	count := 0
	for _, b := range trainedBlobs(t) {
		payload := payloadOf(t, b.blob)
		for _, i := range cuts(len(b.blob)) {
			_, err := clvfn.Decode(b.blob[:i])
			wantDamaged(t, b.name+": blob cut to "+strconv.Itoa(i)+" bytes", err)
			count++
		}
		for _, i := range cuts(len(payload)) {
			_, err := clvfn.Decode(catalog.Seal(clvfn.Kind, payload[:i]))
			wantDamaged(t, b.name+": payload cut to "+strconv.Itoa(i)+" bytes", err)
			count++
		}
	}
	t.Logf("%d truncations refused", count)
}

// TestCodecByteFlips: a blob with changed bytes is an error (the checksum),
// and a payload with changed bytes behind a valid envelope is an error or,
// where the change still reads as a model (a digit of a number), one that
// encodes back to the changed bytes and can be used.
func TestCodecByteFlips(t *testing.T) {
	t.Parallel()
	masks := []byte{0x01, 0xff, 0x80, 0x7f, 0x10}
	decoded, refused := 0, 0
	for _, b := range trainedBlobs(t) {
		payload := payloadOf(t, b.blob)
		for i := range b.blob {
			if big(b.blob) && i%97 != 0 {
				continue
			}
			for _, mask := range masks[:2] {
				d := bytes.Clone(b.blob)
				d[i] ^= mask
				_, err := clvfn.Decode(d)
				wantDamaged(t, b.name+": blob byte "+strconv.Itoa(i)+" changed", err)
				refused++
			}
		}
		for i := range payload {
			ms := masks
			if big(payload) {
				if i >= 200 && i%4999 != 0 {
					continue
				}
				ms = masks[:2]
			}
			for _, mask := range ms {
				p := bytes.Clone(payload)
				p[i] ^= mask
				blob := catalog.Seal(clvfn.Kind, p)
				m, err := clvfn.Decode(blob)
				if err != nil {
					wantDamaged(t, b.name+": payload byte "+strconv.Itoa(i)+" changed", err)
					refused++
					continue
				}
				decoded++
				if !bytes.Equal(m.Encode(), blob) {
					t.Fatalf("%s: payload byte %d ^ %#x decodes to a model that encodes differently", b.name, i, mask)
				}
				useModel(m)
			}
		}
	}
	t.Logf("changed bytes: %d refused, %d decoded (a changed digit of a number)", refused, decoded)
}

// useModel scores the first customers of m as clv_predict does.
func useModel(m *clvfn.Model) {
	for i := range min(len(m.Keys), 5) {
		x, tx, T := m.X[i], m.TX[i], m.T[i]
		m.Purchases.PAlive(x, tx, T)
		m.Purchases.ExpectedPurchases(m.Horizon, x, tx, T)
		if m.Spend != nil && m.M != nil {
			m.Spend.ExpectedAverage(x, m.M[i])
		}
	}
}

// TestDecodeRejects: a blob with a valid checksum holding what no training
// writes (a non-finite or impossible parameter, shapes that disagree, an
// impossible customer history, a duplicate customer) is damage, named in
// the error.
func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	var base []byte
	for _, b := range trainedBlobs(t) {
		if b.name == "small_mixed_holdout" {
			base = b.blob
		}
	}
	model := func() *clvfn.Model {
		m, err := clvfn.Decode(base)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	for _, tc := range []struct {
		name   string
		mutate func(m *clvfn.Model)
		want   string
	}{
		{"r NaN", func(m *clvfn.Model) { m.Purchases.R = math.NaN() }, "purchase model parameters: non-finite"},
		{"alpha Inf", func(m *clvfn.Model) { m.Purchases.Alpha = math.Inf(1) }, "purchase model parameters: non-finite"},
		{"a zero", func(m *clvfn.Model) { m.Purchases.A = 0 }, "must be positive"},
		{"b negative", func(m *clvfn.Model) { m.Purchases.B = -1 }, "must be positive"},
		{"log-likelihood NaN", func(m *clvfn.Model) { m.Purchases.LogLik = math.NaN() }, "purchase model parameters: non-finite"},
		{"unknown purchase model", func(m *clvfn.Model) { m.Purchases.Kind = 2 }, "purchase model"},
		{"iterations huge", func(m *clvfn.Model) { m.Purchases.Iterations = math.MaxInt32 + 1 }, "purchase model counts"},
		{"spend p Inf", func(m *clvfn.Model) { m.Spend.P = math.Inf(-1) }, "spend model parameters: non-finite"},
		{"spend v negative", func(m *clvfn.Model) { m.Spend.V = -2 }, "must be positive"},
		{"spend log-likelihood Inf", func(m *clvfn.Model) { m.Spend.LogLik = math.Inf(1) }, "spend model parameters: non-finite"},
		{"spend customers huge", func(m *clvfn.Model) { m.Spend.Customers = math.MaxInt32 + 1 }, "spend model"},
		{"time unit", func(m *clvfn.Model) { m.TimeUnit = "year" }, "time unit"},
		{"as_of before year 0", func(m *clvfn.Model) { m.AsOf = -800000 }, "as_of"},
		{"holdout before as_of", func(m *clvfn.Model) { m.HoldoutFrom = m.AsOf }, "holdout period"},
		{"holdout ends before it starts", func(m *clvfn.Model) { m.HoldoutTo = m.HoldoutFrom - 1 }, "holdout period"},
		{"horizon NaN", func(m *clvfn.Model) { m.Horizon = math.NaN() }, "horizon or discount rate"},
		{"horizon negative", func(m *clvfn.Model) { m.Horizon = -1 }, "horizon or discount rate"},
		{"horizon Inf", func(m *clvfn.Model) { m.Horizon = math.Inf(1) }, "horizon or discount rate"},
		{"discount above 1", func(m *clvfn.Model) { m.Discount = 1.5 }, "horizon or discount rate"},
		{"short T", func(m *clvfn.Model) { m.T = m.T[:len(m.T)-1] }, "inconsistent customer shapes"},
		{"short M", func(m *clvfn.Model) { m.M = m.M[1:] }, "inconsistent customer shapes"},
		{"short holdout", func(m *clvfn.Model) { m.HoldoutX = m.HoldoutX[:3] }, "inconsistent customer shapes"},
		{"extra key", func(m *clvfn.Model) { m.Keys = append(m.Keys, int64(1000)) }, "inconsistent customer shapes"},
		{"average value negative", func(m *clvfn.Model) { m.M[2] = -1 }, "customer values"},
		{"average value NaN", func(m *clvfn.Model) { m.M[0] = math.NaN() }, "customer values"},
		{"holdout purchases Inf", func(m *clvfn.Model) { m.HoldoutX[1] = math.Inf(1) }, "customer values"},
		{"frequency not whole", func(m *clvfn.Model) { m.X[4] = 1.5 }, "whole number"},
		{"recency above T", func(m *clvfn.Model) { m.TX[4] = m.T[4] + 1 }, "must not exceed T"},
		{"T NaN", func(m *clvfn.Model) { m.T[0] = math.NaN() }, "finite"},
		{"duplicate INTEGER customer", func(m *clvfn.Model) { m.Keys[1] = m.Keys[0] }, "a customer appears twice"},
		{"duplicate TEXT customer", func(m *clvfn.Model) { m.Keys[len(m.Keys)-1] = m.Keys[len(m.Keys)-2] }, "a customer appears twice"},
	} {
		m := model()
		tc.mutate(m)
		_, err := clvfn.Decode(m.Encode())
		if !errors.Is(err, catalog.ErrDamaged) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Decode = %v, want ErrDamaged mentioning %q", tc.name, err, tc.want)
		}
	}
}

// TestDecodeNonCanonical: the codec accepts exactly what Encode writes, so
// that Encode(Decode(blob)) == blob always holds: a padded varint, a
// boolean other than 0 or 1, an unknown key type, bytes no field claims,
// another model kind and other versions are refused.
func TestDecodeNonCanonical(t *testing.T) {
	t.Parallel()
	var base []byte
	for _, b := range trainedBlobs(t) {
		if b.name == "small_mixed_holdout" {
			base = b.blob
		}
	}
	m, err := clvfn.Decode(base)
	if err != nil {
		t.Fatal(err)
	}
	payload := payloadOf(t, base)

	// Offsets of fields in the payload, from the layout Encode writes.
	var e catalog.Encoder
	e.Uint(1)                              // payload version
	kindAt := len(e.Data())                // purchase model kind
	e.Uint(uint64(m.Purchases.Kind))       //
	paramsAt := len(e.Data())              // parameter count
	_, params := m.Purchases.Params()      //
	e.Floats(params)                       //
	e.Floats([]float64{0, 0, 0, 0})        // standard errors
	e.Float(0)                             // log-likelihood
	e.Uint(uint64(m.Purchases.Iterations)) //
	convergedAt := len(e.Data())           // purchase fit converged
	if payload[convergedAt] != 1 || payload[kindAt] != 0 || payload[paramsAt] != 4 {
		t.Fatalf("the payload layout is not the one this test knows: % x", payload[:convergedAt+1])
	}
	splice := func(at, drop int, with ...byte) []byte {
		p := append([]byte(nil), payload[:at]...)
		p = append(p, with...)
		return append(p, payload[at+drop:]...)
	}
	// The customer keys: a TEXT key is tag 1, length, bytes; find the
	// first one, "c0", by its bytes.
	textAt := bytes.Index(payload, []byte{1, 2, 'c', '0'})
	if textAt < 0 {
		t.Fatal("no TEXT key c0 in the payload")
	}
	for _, tc := range []struct {
		name    string
		payload []byte
		want    error
	}{
		{"padded payload version", splice(0, 1, 0x81, 0x00), catalog.ErrDamaged},
		{"payload version 2", splice(0, 1, 2), catalog.ErrFormat},
		{"padded model kind", splice(kindAt, 1, 0x80, 0x00), catalog.ErrDamaged},
		{"model kind 2^63", splice(kindAt, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01), catalog.ErrDamaged},
		{"padded parameter count", splice(paramsAt, 1, 0x84, 0x80, 0x00), catalog.ErrDamaged},
		{"boolean 2", splice(convergedAt, 1, 2), catalog.ErrDamaged},
		{"padded boolean", splice(convergedAt, 1, 0x81, 0x00), catalog.ErrDamaged},
		{"key tag 2", splice(textAt, 1, 2), catalog.ErrDamaged},
		{"key tag 2 before a zero", splice(textAt, 4, 2, 0), catalog.ErrDamaged},
		{"padded key length", splice(textAt+1, 1, 0x82, 0x00), catalog.ErrDamaged},
		{"trailing byte", append(bytes.Clone(payload), 0), catalog.ErrDamaged},
		{"empty payload", nil, catalog.ErrDamaged},
	} {
		_, err := clvfn.Decode(catalog.Seal(clvfn.Kind, tc.payload))
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: Decode = %v, want %v", tc.name, err, tc.want)
		}
	}
	// An unknown key type followed by a zero must not read as no key at
	// all: a model of no customers whose key count says 1.
	empty := model0(t, base)
	ep := payloadOf(t, empty.Encode())
	if _, err := clvfn.Decode(catalog.Seal(clvfn.Kind, ep)); err != nil {
		t.Fatalf("a model of no customers: %v", err)
	}
	if tail := ep[len(ep)-5:]; !bytes.Equal(tail, []byte{0, 0, 0, 0, 0}) {
		t.Fatalf("payload of no customers ends with % x", tail)
	}
	bad := append(bytes.Clone(ep[:len(ep)-5]), 1, 2, 0, 0, 0, 0, 0)
	if m, err := clvfn.Decode(catalog.Seal(clvfn.Kind, bad)); !errors.Is(err, catalog.ErrDamaged) {
		t.Errorf("key count 1, key tag 2, then 0: Decode = %v (%d customers), want ErrDamaged", err, len(m.Keys))
	}

	// The envelope: another kind's, another envelope version, no magic.
	if _, err := clvfn.Decode(catalog.Seal("kmeans", payload)); !errors.Is(err, catalog.ErrDamaged) || !strings.Contains(err.Error(), `holds a "kmeans" model`) {
		t.Errorf("kmeans envelope: %v", err)
	}
	v2 := bytes.Clone(base)
	v2[8] = 2
	if _, err := clvfn.Decode(v2); !errors.Is(err, catalog.ErrFormat) {
		t.Errorf("envelope version 2: %v", err)
	}
	if _, err := clvfn.Decode([]byte("not a model at all")); !errors.Is(err, catalog.ErrDamaged) {
		t.Errorf("not a model: %v", err)
	}
}

// model0 is the model of blob without customers.
func model0(t *testing.T, blob []byte) *clvfn.Model {
	m, err := clvfn.Decode(blob)
	if err != nil {
		t.Fatal(err)
	}
	m.Keys, m.X, m.TX, m.T, m.M = []any{}, []float64{}, []float64{}, []float64{}, nil
	m.Holdout, m.HoldoutFrom, m.HoldoutTo, m.HoldoutX = false, 0, 0, nil
	return m
}
