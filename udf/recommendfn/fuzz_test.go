package recommendfn

import (
	"context"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
)

func fuzzSeeds(t testing.TB) [][]byte {
	x := recommend.NewCSR(4, 3, []int32{0, 0, 1, 2, 3, 3}, []int32{0, 1, 1, 2, 0, 2}, []float64{1, 2, 1, 1, 3, 1})
	var out [][]byte
	for _, o := range []recommend.Options{
		{Method: recommend.MethodALS, ALS: fuzzALS()},
		{Method: recommend.MethodItemKNN, KNN: recommend.KNNOptions{Neighbors: 2}},
		{Method: recommend.MethodUserKNN},
		{Method: recommend.MethodPopular},
	} {
		m, err := recommend.Fit(context.Background(), x, o)
		if err != nil {
			t.Fatal(err)
		}
		md := newModel(m, "u", "i", []any{int64(1), int64(2), "c", "d"}, []any{"x", int64(7), "z"})
		out = append(out, md.Encode())
	}
	return out
}

// FuzzDecode: a damaged or foreign params blob is an error, never a panic,
// and a blob that decodes can be used.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, blob []byte) {
		m, err := Decode(blob)
		if err != nil {
			return
		}
		s := m.NewScratch()
		if m.Model.Users() > 0 {
			m.TopUser(0, 3, false, s)
		}
		if m.Model.Items() > 0 {
			m.Similar(0, 3, s)
			m.TopBasket([]int32{0}, nil, 3, false, s)
		}
	})
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	for _, blob := range fuzzSeeds(t) {
		m, err := Decode(blob)
		if err != nil {
			t.Fatal(err)
		}
		if again := m.Encode(); string(again) != string(blob) {
			t.Errorf("%v: decode then encode changed the blob", m.Method)
		}
	}
}

// FuzzBasket: any items_json text is an error or a basket of known items,
// never a panic.
func FuzzBasket(f *testing.F) {
	blob := fuzzSeeds(f)[1]
	m, err := Decode(blob)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{`["x", 7]`, `[]`, `[7.0, "z", "z"]`, `{"a": 1}`, `[1e300]`, `[[1]]`, `null`, `[1,`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		items, err := parseBasket("recommend_basket", m, text)
		if err != nil {
			return
		}
		for _, i := range items {
			if i < 0 || int(i) >= len(m.Items) {
				t.Fatalf("item index %d out of range", i)
			}
		}
	})
}

// fuzzALS is DefaultALS with 2 factors and 2 iterations: a small model.
func fuzzALS() recommend.ALSOptions {
	o := recommend.DefaultALS()
	o.Factors, o.Iterations = 2, 2
	return o
}
