package assocfn_test

import (
	"bytes"
	"testing"

	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
	"github.com/seed-a084b42d/marketsql/udf/assocfn"
)

// blobs trains models on the mlxtend baskets (TEXT and INTEGER items,
// rules with one and two consequents, itemsets only) and returns their
// blobs.
func blobs(t testing.TB) [][]byte {
	db := sqltest.Open(t, `CREATE TABLE b(basket INTEGER, item TEXT)`, mlxtendBaskets,
		`CREATE TABLE nb AS SELECT basket, CASE item WHEN 'Eggs' THEN 7 ELSE item END AS item FROM b`).DB()
	var out [][]byte
	for _, c := range [][2]string{
		{"b", `{"min_support": 0.4}`}, {"b", `{"min_support": 0.4, "max_consequent": 3, "min_confidence": 0.5}`},
		{"nb", `{"min_support": 0.2, "target": "itemsets"}`}, {"nb", `{"min_count": 1, "prune_redundant": true, "min_confidence": 0.3}`},
	} {
		sqltest.One[string](t, db, `SELECT assoc_train('m', ?, ?)`, c[0], c[1])
		out = append(out, sqltest.One[[]byte](t, db, `SELECT params FROM ml_models WHERE name = 'm'`))
	}
	return out
}

// TestCodec: Decode reads back exactly what Encode wrote; every
// truncation and a sweep of byte changes are errors or decode to a model
// that encodes identically, never a panic.
func TestCodec(t *testing.T) {
	for i, blob := range blobs(t) {
		m, err := assocfn.Decode(blob)
		if err != nil {
			t.Fatalf("blob %d: %v", i, err)
		}
		if !bytes.Equal(m.Encode(), blob) {
			t.Errorf("blob %d does not encode back to itself", i)
		}
		for n := 0; n < len(blob); n++ {
			if _, err := assocfn.Decode(blob[:n]); err == nil {
				t.Errorf("blob %d cut to %d bytes decodes", i, n)
			}
		}
		_, payload, err := catalog.Open(blob)
		if err != nil {
			t.Fatal(err)
		}
		for p := range payload {
			for _, v := range []byte{0, 1, 0x7f, 0x80, 0xff} {
				changed := bytes.Clone(payload)
				changed[p] = v
				m, err := assocfn.Decode(catalog.Seal(assocfn.Kind, changed))
				if err == nil && !bytes.Equal(m.Encode(), catalog.Seal(assocfn.Kind, changed)) {
					t.Errorf("blob %d with byte %d = %#x decodes to a model that encodes differently", i, p, v)
				}
			}
		}
	}
}

func FuzzDecode(f *testing.F) {
	for _, b := range blobs(f) {
		_, payload, err := catalog.Open(b)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(payload)
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		blob := catalog.Seal(assocfn.Kind, payload)
		m, err := assocfn.Decode(blob)
		if err != nil {
			return
		}
		if !bytes.Equal(m.Encode(), blob) {
			t.Fatalf("decoded blob does not encode back")
		}
	})
}
