package engine

import (
	"context"
	"fmt"

	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/ldafn"
)

// LDAOptions configures TrainLDA. Each field is one of lda_train's JSON
// options (its key in brackets) with the same default, and a nil
// *LDAOptions means every default. A field that cannot be zero means its
// default at zero; Holdout and MinimumProbability, which can, are
// pointers: nil means the default, a pointer to 0 means zero. Negative
// counts are errors.
type LDAOptions struct {
	// Topics is the number of topics ("topics"), 1 to 100000; 0 means 10.
	Topics int
	// Alpha is the document-topic prior ("alpha"): "symmetric" (1/Topics),
	// "asymmetric" (gensim's 1/(i+sqrt(Topics)), normalized) or "auto"
	// (learned); "" means "symmetric". A positive AlphaValue is a fixed
	// prior instead ("alpha" given as a number) and Alpha is then ignored.
	Alpha      string
	AlphaValue float64
	// Eta is the topic-word prior ("eta"): "symmetric" (1/Topics) or "auto"
	// (learned); "" means "symmetric". A positive EtaValue is a fixed prior
	// instead ("eta" given as a number) and Eta is then ignored.
	Eta      string
	EtaValue float64
	// Passes is the number of passes over the corpus ("passes"); 0 means 1.
	Passes int
	// Iterations bounds the per-document updates of each chunk
	// ("iterations"); 0 means 50.
	Iterations int
	// Chunksize is the number of documents per online update
	// ("chunksize"); 0 means 2000.
	Chunksize int
	// Decay is the learning-rate exponent κ, in (0, 1] ("decay"); 0 means
	// 0.5. Offset is τ0, which slows the first updates down ("offset"); 0
	// means 1. GammaThreshold ends a document's updates once its topic
	// weights change less ("gamma_threshold"); 0 means 0.001. These are
	// gensim's defaults.
	Decay          float64
	Offset         float64
	GammaThreshold float64
	// Seed seeds every random choice ("seed"); 0, the default, is a seed
	// like any other.
	Seed uint64
	// Threads bounds the worker goroutines ("threads"); 0 means Open's
	// Options.Threads, and all cores when that is 0 too. Results do not
	// depend on it.
	Threads int
	// MinDF drops terms found in fewer documents ("min_df"); 0 means 2.
	MinDF int
	// MaxDF drops terms found in more than this fraction of the documents,
	// in (0, 1] ("max_df"); 0 means 0.5.
	MaxDF float64
	// MaxVocab keeps at most this many of the most frequent terms
	// ("max_vocab"); 0 means 100000.
	MaxVocab int
	// Holdout is the seeded fraction of documents, below 0.9, kept out of
	// training to measure perplexity ("holdout"). nil means 0.1; 0 holds
	// none out. Corpora of fewer than 10 documents hold none out.
	Holdout *float64
	// MinimumProbability is the smallest topic weight of a document kept in
	// ml_lda_doc_topics ("minimum_probability"). nil means 0.01; 0 keeps
	// every weight.
	MinimumProbability *float64
	// Language selects the tokenizer for (doc_id, text) sources and
	// lda_infer ("language"): "auto" (runs of Han characters are segmented
	// with the Chinese dictionary, other text at Unicode word boundaries),
	// "zh" (the same) or "en" (never the dictionary). "" means "auto".
	Language string
	// MinLength is the minimum length in characters of a kept word
	// ("min_length"); 0 means 3. MinLengthCJK is the same for Chinese words
	// ("min_length_cjk"); 0 means 2.
	MinLength    int
	MinLengthCJK int
	// Stem reduces English words to their Snowball stem ("stem"); off by
	// default.
	Stem bool
	// KeepStopWords keeps the words of the built-in English and Chinese
	// stop lists ("keep_stop_words"); by default they are dropped.
	KeepStopWords bool
	// StopWords are further words to drop ("stop_words"), compared after
	// lower-casing.
	StopWords []string
	// UserWords are Chinese words the segmenter keeps whole ("user_words"):
	// domain words and brand names the dictionary lacks.
	UserWords []string
	// MaxTokenBytes skips words (and terms) longer than this many bytes and
	// counts them in LDASkipped.LongTokens ("max_token_bytes"); 0 means 64.
	MaxTokenBytes int
	// MaxMemory is the training's memory budget in bytes ("max_memory"): a
	// training whose estimated peak memory is above it fails before it
	// allocates, naming the estimate. 0 means the default, half of the
	// memory the process may use.
	MaxMemory int64
	// Progress, when not nil, receives this call's progress events (instead
	// of Open's Options.Progress). It only observes: cancel ctx to stop.
	Progress func(Progress)
}

// udf converts the options to the trainer's, over its defaults; fn names
// the caller in errors.
func (o *LDAOptions) udf(fn string) (ldafn.Options, error) {
	for _, f := range []struct {
		name string
		v    int
	}{{"Topics", o.Topics}, {"Passes", o.Passes}, {"Iterations", o.Iterations}, {"Chunksize", o.Chunksize},
		{"Threads", o.Threads}, {"MinDF", o.MinDF}, {"MaxVocab", o.MaxVocab}, {"MinLength", o.MinLength},
		{"MinLengthCJK", o.MinLengthCJK}} {
		if f.v < 0 {
			return ldafn.Options{}, fmt.Errorf("%s: %s must not be negative, got %d", fn, f.name, f.v)
		}
	}
	opt := ldafn.DefaultOptions()
	f, t := &opt.LDA, &opt.Text
	var err error
	if f.Alpha, err = ldafn.NamedPrior(fn, "alpha", o.Alpha, o.AlphaValue, f.Alpha); err != nil {
		return opt, err
	}
	if f.Eta, err = ldafn.NamedPrior(fn, "eta", o.Eta, o.EtaValue, f.Eta); err != nil {
		return opt, err
	}
	setNonZero(&f.Topics, o.Topics)
	setNonZero(&f.Passes, o.Passes)
	setNonZero(&f.Iterations, o.Iterations)
	setNonZero(&f.Chunksize, o.Chunksize)
	setNonZero(&f.Decay, o.Decay)
	setNonZero(&f.Offset, o.Offset)
	setNonZero(&f.GammaThreshold, o.GammaThreshold)
	f.Seed = o.Seed
	f.Threads = o.Threads
	setNonZero(&f.MinDF, o.MinDF)
	setNonZero(&f.MaxDF, o.MaxDF)
	setNonZero(&f.MaxVocab, o.MaxVocab)
	if o.Holdout != nil {
		f.Holdout = *o.Holdout
	}
	if o.MinimumProbability != nil {
		f.MinimumProbability = *o.MinimumProbability
	}
	setNonZero(&t.Language, o.Language)
	setNonZero(&t.MinLength, o.MinLength)
	setNonZero(&t.MinLengthCJK, o.MinLengthCJK)
	t.Stem = o.Stem
	t.KeepStopWords = o.KeepStopWords
	t.StopWords = o.StopWords
	t.UserWords = o.UserWords
	setNonZero(&t.MaxTokenBytes, o.MaxTokenBytes)
	opt.MaxMemory = o.MaxMemory
	return opt, nil
}

// setNonZero overwrites *dst with v unless v is zero, which means the
// default.
func setNonZero[T comparable](dst *T, v T) {
	var zero T
	if v != zero {
		*dst = v
	}
}

// LDASkipped counts what training left out of the source.
type LDASkipped struct {
	NullText    int // rows whose text (or term) is NULL
	Empty       int // documents with no word once tokenized (empty, numbers, stop words)
	Pruned      int // documents left with no word by vocabulary pruning
	InvalidUTF8 int // documents with invalid UTF-8, kept with the bad bytes read as spaces
	LongTokens  int // words longer than MaxTokenBytes, left out
}

// LDAModel is a trained topic model.
type LDAModel struct {
	Name          string
	Topics        int
	Docs          int     // documents trained on
	HoldoutDocs   int     // documents held out for perplexity
	Tokens        float64 // in-vocabulary tokens trained on
	Vocabulary    int     // terms kept
	Skipped       LDASkipped
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
	lo, err := opts.udf("TrainLDA")
	if err != nil {
		return nil, err
	}
	var s *ldafn.Summary
	err = e.withConn(ctx, "TrainLDA", opts.Progress, func(c *core.Conn) error {
		var err error
		s, err = ldafn.Train(c, "TrainLDA", name, source, lo)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &LDAModel{
		Name: s.Model, Topics: s.Topics, Docs: s.Docs, HoldoutDocs: s.HoldoutDocs, Tokens: s.Tokens,
		Vocabulary: s.Vocabulary, Skipped: LDASkipped{NullText: s.Skipped.NullText, Empty: s.Skipped.Empty, Pruned: s.Skipped.Pruned, InvalidUTF8: s.Skipped.InvalidUTF8, LongTokens: s.LongTokens}, Perplexity: s.Perplexity, LogPerplexity: s.LogPerplexity,
		CNPMI: s.Coherence.CNPMI, UMass: s.Coherence.UMass, TopWords: s.TopWords, TopicShare: s.TopicShare,
		Seconds: s.Seconds,
	}, nil
}
