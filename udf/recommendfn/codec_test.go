package recommendfn

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
	"github.com/seed-a084b42d/marketsql/catalog"
)

// TestDecodeRejectsNonFinite: a blob with a valid checksum but a NaN or
// infinite number (factors, similarities, settings, training values) is
// damage, named in the error; so are a non-canonical matrix encoding and a
// key that appears twice.
func TestDecodeRejectsNonFinite(t *testing.T) {
	t.Parallel()
	seeds := fuzzSeeds(t) // als, item_knn, user_knn, popular
	model := func(i int) *Model {
		m, err := Decode(seeds[i])
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	nan32, inf32 := float32(math.NaN()), float32(math.Inf(1))
	for _, tc := range []struct {
		name   string
		seed   int
		mutate func(m *Model)
		want   string
	}{
		{"user factor NaN", 0, func(m *Model) { m.Factors.Users[1] = nan32 }, "user factors: non-finite value NaN"},
		{"item factor Inf", 0, func(m *Model) { m.Factors.Items[0] = inf32 }, "item factors: non-finite value +Inf"},
		{"alpha Inf", 0, func(m *Model) { m.Alpha = math.Inf(1) }, "ALS settings"},
		{"reg NaN", 0, func(m *Model) { m.Reg = math.NaN() }, "ALS settings"},
		{"similarity NaN", 1, func(m *Model) { m.Neighbors.Scores[0] = math.NaN() }, "item similarities: non-finite"},
		{"similarity Inf", 1, func(m *Model) { m.Neighbors.Scores[0] = math.Inf(-1) }, "item similarities: non-finite"},
		{"training value Inf", 2, func(m *Model) { m.Train.Data[1] = math.Inf(1) }, "training values: non-finite"},
		{"training value negative", 3, func(m *Model) { m.Train.Data[1] = -2 }, "training values: negative"},
		{"duplicate user", 3, func(m *Model) { m.Users[1] = m.Users[0] }, "appears twice"},
		{"duplicate item", 2, func(m *Model) { m.Items[2] = "x" }, "appears twice"},
		{"user k huge", 2, func(m *Model) { m.UserK = -1 }, "neighbour count"},
	} {
		m := model(tc.seed)
		tc.mutate(m)
		_, err := Decode(m.Encode())
		if !errors.Is(err, catalog.ErrDamaged) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Decode = %v, want ErrDamaged mentioning %q", tc.name, err, tc.want)
		}
	}

	// A matrix of ones written as not binary is what encodeCSR never
	// writes: the blob would not encode back to itself.
	for _, binary := range []bool{true, false} {
		var e catalog.Encoder
		e.Uint(payloadVersion)
		e.Uint(uint64(recommend.MethodPopular))
		e.String("u")
		e.String("i")
		e.Keys([]any{int64(1), int64(2)})
		e.Keys([]any{"a", "b"})
		e.Uint(2) // a 2×2 identity
		e.Uint(2)
		e.Uint(1)
		e.Uint(1)
		e.Bool(binary)
		e.Uint(0)
		e.Uint(1)
		if !binary {
			e.Float(1)
			e.Float(1)
		}
		blob := catalog.Seal(Kind, e.Data())
		m, err := Decode(blob)
		switch {
		case binary && (err != nil || !bytes.Equal(m.Encode(), blob)):
			t.Errorf("binary matrix: %v", err)
		case !binary && !errors.Is(err, catalog.ErrDamaged):
			t.Errorf("ones written as values: Decode = %v, want ErrDamaged", err)
		}
	}
}

// FuzzDecodePayload fuzzes the recommend payload behind a valid envelope,
// so that mutations reach the field decoding instead of failing the
// checksum: a payload is an error (ErrDamaged or ErrFormat) or a usable
// model that encodes back to the same bytes.
func FuzzDecodePayload(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		_, payload, err := catalog.Open(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(payload)
	}
	f.Add([]byte{1, 3})
	f.Fuzz(func(t *testing.T, payload []byte) {
		blob := catalog.Seal(Kind, payload)
		m, err := Decode(blob)
		if err != nil {
			if !errors.Is(err, catalog.ErrDamaged) && !errors.Is(err, catalog.ErrFormat) {
				t.Fatalf("error %v is neither ErrDamaged nor ErrFormat", err)
			}
			return
		}
		if !bytes.Equal(m.Encode(), blob) {
			t.Fatalf("Encode(Decode(blob)) differs from blob")
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
