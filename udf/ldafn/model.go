package ldafn

import (
	"fmt"
	"math"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/catalog"
)

// Kind is the ml_models.kind of LDA models.
const Kind = "lda"

// payloadVersion is the version of the LDA payload inside the envelope.
const payloadVersion = 1

// format is the envelope of this family's model blobs.
var format = catalog.Format{Kind: Kind, Name: "LDA", Version: payloadVersion}

// Model is a trained topic model as stored in the catalog.
type Model struct {
	Vocab []string
	LDA   *lda.Model // topic 0 is the largest (most tokens)
	// TermSource is true when the model was trained on (doc_id, term,
	// count) rows rather than raw text.
	TermSource bool
	Tok        text.Options // the tokenizer's settings but its length limit

	lex       *lda.Lexicon
	tokenizer *text.Tokenizer
}

// Encode returns the sealed params blob of m.
func (m *Model) Encode() []byte {
	e := format.Encoder()
	e.Strings(m.Vocab)
	e.Uint(uint64(m.LDA.K))
	e.Floats(m.LDA.Alpha)
	e.Floats(m.LDA.Eta)
	e.Floats(m.LDA.Lambda)
	e.Uint(uint64(m.LDA.Iterations))
	e.Float(m.LDA.GammaThreshold)
	e.Uint(m.LDA.Seed)
	e.Bool(m.TermSource)
	e.String(m.Tok.Language)
	e.Uint(uint64(m.Tok.MinLength))
	e.Uint(uint64(m.Tok.MinLengthCJK))
	e.Bool(m.Tok.Stem)
	e.Bool(m.Tok.KeepStopWords)
	e.Strings(m.Tok.StopWords)
	e.Strings(m.Tok.UserWords)
	return format.Seal(e)
}

// Decode reads a params blob written by Encode, checking every shape and
// that every parameter is finite, and prepares the model for inference. It
// accepts exactly what Encode writes: Encode(Decode(blob)) == blob.
func Decode(blob []byte) (*Model, error) {
	d, err := format.Open(blob)
	if err != nil {
		return nil, err
	}
	m := &Model{LDA: &lda.Model{}}
	m.Vocab = d.Strings()
	m.LDA.K = int(d.Uint())
	m.LDA.Alpha = d.Floats()
	m.LDA.Eta = d.Floats()
	m.LDA.Lambda = d.Floats()
	m.LDA.Iterations = int(d.Uint())
	m.LDA.GammaThreshold = d.Float()
	m.LDA.Seed = d.Uint()
	m.TermSource = d.Bool()
	m.Tok.Language = d.String()
	m.Tok.MinLength = int(d.Uint())
	m.Tok.MinLengthCJK = int(d.Uint())
	m.Tok.Stem = d.Bool()
	m.Tok.KeepStopWords = d.Bool()
	m.Tok.StopWords = d.Strings()
	m.Tok.UserWords = d.Strings()
	if err := d.Finish(); err != nil {
		return nil, err
	}
	m.LDA.V = len(m.Vocab)
	if m.LDA.K < 1 || m.LDA.V < 1 || m.LDA.K > len(m.LDA.Lambda) {
		return nil, fmt.Errorf("%w: bad shapes", catalog.ErrDamaged)
	}
	// Training stores at least one iteration and a positive, finite
	// threshold; anything else is damage, not a setting to make up.
	if m.LDA.Iterations < 1 || m.LDA.Iterations > 1<<30 || !(m.LDA.GammaThreshold > 0) || math.IsInf(m.LDA.GammaThreshold, 0) {
		return nil, fmt.Errorf("%w: bad inference settings (iterations %d, gamma threshold %g)", catalog.ErrDamaged, m.LDA.Iterations, m.LDA.GammaThreshold)
	}
	if m.Tok.MinLength < 0 || m.Tok.MinLength > 1<<20 || m.Tok.MinLengthCJK < 0 || m.Tok.MinLengthCJK > 1<<20 {
		return nil, fmt.Errorf("%w: bad token lengths %d, %d", catalog.ErrDamaged, m.Tok.MinLength, m.Tok.MinLengthCJK)
	}
	for _, c := range []struct {
		what string
		v    []float64
	}{{"topic-word parameters (lambda)", m.LDA.Lambda}, {"document-topic prior (alpha)", m.LDA.Alpha}, {"topic-word prior (eta)", m.LDA.Eta}} {
		if err := catalog.CheckFinite(c.what, c.v); err != nil {
			return nil, err
		}
		for i, v := range c.v {
			if !(v > 0) {
				return nil, fmt.Errorf("%w: %s: %g at position %d is not positive", catalog.ErrDamaged, c.what, v, i)
			}
		}
	}
	if err := m.prepare(); err != nil {
		return nil, err
	}
	return m, nil
}

// prepare builds the lookup tables used by inference.
func (m *Model) prepare() error {
	if err := m.LDA.Init(0); err != nil {
		return fmt.Errorf("%w: %w", catalog.ErrDamaged, err)
	}
	lex, err := lda.NewLexicon(m.Vocab)
	if err != nil {
		return fmt.Errorf("%w: %w", catalog.ErrDamaged, err)
	}
	m.lex = lex
	tok, err := inferTokenizer(m.Tok)
	if err != nil {
		return fmt.Errorf("%w: %w", catalog.ErrDamaged, err)
	}
	m.tokenizer = tok
	return nil
}
