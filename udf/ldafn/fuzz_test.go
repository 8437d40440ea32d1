package ldafn_test

import (
	"testing"

	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/ldafn"
)

// FuzzDecode feeds damaged LDA payloads behind a valid envelope: Decode must
// return an error or a usable model, never panic.
func FuzzDecode(f *testing.F) {
	var e catalog.Encoder
	e.Uint(1)
	e.Strings([]string{"a", "b"})
	e.Uint(2)
	e.Floats([]float64{0.5, 0.5})
	e.Floats([]float64{0.5, 0.5})
	e.Floats([]float64{1, 2, 3, 4})
	e.Uint(50)
	e.Float(0.001)
	e.Uint(0)
	e.Bool(false)
	e.String("auto")
	e.Uint(3)
	e.Uint(2)
	e.Bool(false)
	e.Bool(false)
	e.Strings(nil)
	e.Strings(nil)
	f.Add(e.Data())
	f.Add([]byte{1, 0})
	f.Fuzz(func(t *testing.T, payload []byte) {
		m, err := ldafn.Decode(catalog.Seal(ldafn.Kind, payload))
		if err != nil {
			return
		}
		if len(m.Vocab) != m.LDA.V || len(m.LDA.Lambda) != m.LDA.K*m.LDA.V {
			t.Fatalf("inconsistent model accepted")
		}
	})
}
