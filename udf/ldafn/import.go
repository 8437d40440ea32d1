package ldafn

import (
	"database/sql/driver"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// ImportedLDA is a topic model learned elsewhere (a Spark LocalLDAModel
// with the vocabulary of its CountVectorizerModel), as the importer read it.
type ImportedLDA struct {
	Vocab []string
	K     int
	// Lambda are the variational topic-word parameters, term-major:
	// Lambda[w*K+k]. Alpha is the document-topic prior (K values), Eta the
	// topic-word prior.
	Lambda []float64
	Alpha  []float64
	Eta    float64
}

// Inference settings of an imported model: Spark's online LDA repeats a
// document's update until the mean change of gamma falls below 1e-3, with
// no bound; 100 updates bound it here.
const (
	importedIterations     = 100
	importedGammaThreshold = 1e-3
)

// ImportedTokenizer is how lda_infer splits text for an imported model:
// the vocabulary already holds exactly the terms the model knows, so no
// word is dropped by length or stop list and none is stemmed; terms are
// lower-cased words, as Spark's Tokenizer and RegexTokenizer make them.
func ImportedTokenizer() text.Options {
	return text.Options{Language: "auto", MinLength: 1, MinLengthCJK: 1, KeepStopWords: true}
}

// ImportLDA checks im, stores it as model rec.Name with its topic words and
// returns the stored model. Topics keep the source's order: topic t is the
// source's topic t-1.
func ImportLDA(c *core.Conn, fn string, rec *catalog.Model, im *ImportedLDA) (*Model, error) {
	V := len(im.Vocab)
	if im.K < 1 || V < 1 || len(im.Lambda) != V*im.K || len(im.Alpha) != im.K {
		return nil, core.Errorf(fn, "inconsistent shapes: %d topics, %d terms, %d topic-word values, %d alpha values",
			im.K, V, len(im.Lambda), len(im.Alpha))
	}
	eta := make([]float64, V)
	for w := range eta {
		eta[w] = im.Eta
	}
	m := &Model{Vocab: im.Vocab, TermSource: false, Tok: ImportedTokenizer(), LDA: &lda.Model{
		K: im.K, V: V, Alpha: im.Alpha, Eta: eta, Lambda: im.Lambda,
		Iterations: importedIterations, GammaThreshold: importedGammaThreshold, Seed: 1,
	}}
	params := m.Encode()
	stored, err := Decode(params)
	if err != nil {
		return nil, core.Errorf(fn, "the imported model is not usable (%v); nothing was stored", err)
	}
	top, weights, err := stored.LDA.TopTermWeights(c.Context(), topicWords)
	if err != nil {
		return nil, core.TrainError(fn, err, true)
	}
	rec.Kind, rec.Params = Kind, params
	err = core.StoreModel(c, fn, rec, func() error {
		var rows [][]driver.Value
		for k, ids := range top {
			for r, id := range ids {
				rows = append(rows, []driver.Value{rec.Name, int64(k + 1), int64(r + 1), stored.Vocab[id], weights[k][r]})
			}
		}
		return core.InsertRows(c, "ml_lda_topic_words", 5, rows, nil)
	})
	if err != nil {
		return nil, err
	}
	return stored, nil
}
