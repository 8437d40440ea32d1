package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/ldafn"
)

// LDAOptions configures TrainLDA; the fields and their defaults are those of
// lda_train's JSON options. A nil pointer means the defaults.
type LDAOptions = ldafn.Options

// LDAModel is a trained topic model.
type LDAModel struct {
	Name          string
	Topics        int
	Docs          int     // documents trained on
	HoldoutDocs   int     // documents held out for perplexity
	Tokens        float64 // in-vocabulary tokens trained on
	Vocabulary    int     // terms kept
	Skipped       ldafn.Skipped
	Perplexity    *float64   // 2^-bound on the held-out documents; nil without a hold-out
	LogPerplexity *float64   // gensim's per-word bound
	CNPMI, UMass  float64    // mean coherence of the topics' top 10 words
	TopWords      [][]string // top 10 words of every topic; row 0 is topic 1, the largest
	TopicShare    []float64  // share of the tokens per topic
	Seconds       float64
}

// TrainLDA finds topics in source (a table or view name or a read-only query
// with columns (doc_id, text) or (doc_id, term, count)) and stores the model
// called name, exactly as lda_train does. Cancelling ctx stops training and
// keeps the previous model.
func (e *Engine) TrainLDA(ctx context.Context, name, source string, opts *LDAOptions) (*LDAModel, error) {
	if opts == nil {
		opts = &LDAOptions{}
	}
	var s *ldafn.Summary
	err := e.withConn(ctx, opts.Progress, func(c *core.Conn) error {
		var err error
		s, err = ldafn.Train(c, "TrainLDA", name, source, *opts)
		return err
	})
	if err != nil {
		if !strings.HasPrefix(err.Error(), "TrainLDA: ") {
			err = fmt.Errorf("TrainLDA: %w", err)
		}
		return nil, err
	}
	return &LDAModel{
		Name: s.Model, Topics: s.Topics, Docs: s.Docs, HoldoutDocs: s.HoldoutDocs, Tokens: s.Tokens,
		Vocabulary: s.Vocabulary, Skipped: s.Skipped, Perplexity: s.Perplexity, LogPerplexity: s.LogPerplexity,
		CNPMI: s.Coherence.CNPMI, UMass: s.Coherence.UMass, TopWords: s.TopWords, TopicShare: s.TopicShare,
		Seconds: s.Seconds,
	}, nil
}
