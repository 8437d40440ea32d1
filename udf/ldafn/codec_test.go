package ldafn

import (
	"bytes"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/catalog"
)

// codecModel is a small LDA model as training stores it: 2 topics over a
// 3-word vocabulary.
func codecModel() *Model {
	return &Model{
		Vocab: []string{"candle", "mug", "tea"},
		LDA: &lda.Model{K: 2, Alpha: []float64{0.5, 0.5}, Eta: []float64{0.5, 0.5, 0.5},
			Lambda: []float64{3.5, 0.5, 0.5, 2.5, 1.5, 4.5}, Iterations: 50, GammaThreshold: 0.001, Seed: 7},
		Tok: text.Options{Language: "auto", MinLength: 3, MinLengthCJK: 2, StopWords: []string{"the"}},
	}
}

func TestCodecRoundTrip(t *testing.T) {
	t.Parallel()
	blob := codecModel().Encode()
	m, err := Decode(blob)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(m.Encode(), blob) {
		t.Error("Encode(Decode(blob)) differs from blob")
	}
}

// TestDecodeRejects: a blob with a valid checksum but a non-finite (or
// otherwise impossible) parameter is damage, named in the error.
func TestDecodeRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		mutate func(m *Model)
		want   string
	}{
		{"lambda NaN", func(m *Model) { m.LDA.Lambda[2] = math.NaN() }, "lambda"},
		{"lambda Inf", func(m *Model) { m.LDA.Lambda[0] = math.Inf(1) }, "lambda"},
		{"lambda zero", func(m *Model) { m.LDA.Lambda[0] = 0 }, "not positive"},
		{"alpha Inf", func(m *Model) { m.LDA.Alpha[1] = math.Inf(1) }, "alpha"},
		{"alpha NaN", func(m *Model) { m.LDA.Alpha[0] = math.NaN() }, "alpha"},
		{"alpha negative", func(m *Model) { m.LDA.Alpha[0] = -0.5 }, "alpha"},
		{"eta NaN", func(m *Model) { m.LDA.Eta[2] = math.NaN() }, "eta"},
		{"eta Inf", func(m *Model) { m.LDA.Eta[2] = math.Inf(-1) }, "eta"},
		// Init would replace these by its defaults: not what Encode wrote.
		{"iterations 0", func(m *Model) { m.LDA.Iterations = 0 }, "inference settings"},
		{"gamma threshold 0", func(m *Model) { m.LDA.GammaThreshold = 0 }, "inference settings"},
		{"gamma threshold Inf", func(m *Model) { m.LDA.GammaThreshold = math.Inf(1) }, "inference settings"},
		{"gamma threshold NaN", func(m *Model) { m.LDA.GammaThreshold = math.NaN() }, "inference settings"},
		{"min length huge", func(m *Model) { m.Tok.MinLength = -1 }, "token lengths"},
		{"duplicate word", func(m *Model) { m.Vocab[2] = "mug" }, "twice"},
		{"short lambda", func(m *Model) { m.LDA.Lambda = m.LDA.Lambda[:5] }, ""},
	} {
		m := codecModel()
		tc.mutate(m)
		_, err := Decode(m.Encode())
		if !errors.Is(err, catalog.ErrDamaged) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Decode = %v, want ErrDamaged mentioning %q", tc.name, err, tc.want)
		}
	}
	_, payload, _ := catalog.Open(codecModel().Encode())
	for name, p := range map[string][]byte{
		"padded version": append([]byte{0x81, 0x00}, payload[1:]...),
		"trailing byte":  append(append([]byte(nil), payload...), 0),
	} {
		if _, err := Decode(catalog.Seal(Kind, p)); !errors.Is(err, catalog.ErrDamaged) {
			t.Errorf("%s: Decode = %v, want ErrDamaged", name, err)
		}
	}
}

// FuzzDecodePayload fuzzes the LDA payload behind a valid envelope, so that
// mutations reach the field decoding instead of failing the checksum: a
// payload is an error (ErrDamaged or ErrFormat) or a usable model that
// encodes back to the same bytes.
func FuzzDecodePayload(f *testing.F) {
	_, payload, _ := catalog.Open(codecModel().Encode())
	f.Add(payload)
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, payload []byte) {
		blob := catalog.Seal(Kind, payload)
		m, err := Decode(blob)
		if err != nil {
			if !errors.Is(err, catalog.ErrDamaged) && !errors.Is(err, catalog.ErrFormat) {
				t.Fatalf("error %v is neither ErrDamaged nor ErrFormat", err)
			}
			return
		}
		if len(m.Vocab) != m.LDA.V || len(m.LDA.Lambda) != m.LDA.K*m.LDA.V {
			t.Fatalf("inconsistent model accepted")
		}
		if !bytes.Equal(m.Encode(), blob) {
			t.Fatalf("Encode(Decode(blob)) differs from blob")
		}
		m.LDA.TopTerms(3)
	})
}
