package ldafn

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Options are the LDA training options, lda_train's JSON keys in
// brackets. DefaultOptions holds every documented default; a zero field
// means zero, and training refuses the zeros that are not allowed.
type Options struct {
	// LDA holds the algorithm's options: "topics", "alpha" and "eta" (a
	// name or a positive number), "passes", "iterations", "chunksize",
	// "decay", "offset", "gamma_threshold", "seed", "threads" (0: the
	// connection's threads, every core if it has none), "min_df", "max_df",
	// "max_vocab", "holdout" (0 holds none out; corpora of fewer than 10
	// documents hold none out) and "minimum_probability" (the smallest
	// weight kept in ml_lda_doc_topics; 0 keeps every weight).
	LDA lda.Options
	// Text is the tokenizer of (doc_id, text) sources and of lda_infer:
	// "language" ("auto", "en", "zh"), "min_length", "min_length_cjk",
	// "stem", "keep_stop_words", "stop_words" and "user_words" (arrays of
	// words), and "max_token_bytes": tokens (and terms of (doc_id, term,
	// count) sources) longer than this many bytes are skipped when
	// training, and counted in the summary's skipped.long_tokens.
	Text text.Options
	// MaxMemory is the memory training may plan to use, in bytes
	// ("max_memory": a number of bytes or a size such as "2GB"). No
	// budget is 0 bytes, so 0 means the default: half of what the process
	// may use (physical memory, cgroup limit or ulimit -v). Training
	// estimates its peak before it allocates the model and refuses above it.
	MaxMemory int64
	// Progress, for Go callers (the SQL functions report through the
	// engine's hook), receives the progress events of this call.
	Progress func(core.ProgressEvent) `json:"-"`
}

// DefaultOptions returns the documented defaults of every option: the
// algorithm's (lda.Defaults) and the tokenizer's (text.Defaults).
func DefaultOptions() Options { return Options{LDA: lda.Defaults(), Text: text.Defaults()} }

var trainKeys = []string{"topics", "alpha", "eta", "passes", "iterations", "chunksize", "decay", "offset",
	"gamma_threshold", "seed", "threads", "min_df", "max_df", "max_vocab", "holdout", "minimum_probability",
	"language", "min_length", "min_length_cjk", "stem", "keep_stop_words", "stop_words", "user_words",
	"max_token_bytes", core.MemoryOption}

// maxTokenBytesLimit is the largest "max_token_bytes".
const maxTokenBytesLimit = 1 << 20

// MaxTextBytes is the largest text value of a source (16 MB): a larger one
// is an error naming its row. Rows with the same doc_id make one document,
// so a longer document is several rows.
const MaxTextBytes = 16_000_000

// maxTopics is the largest "topics".
const maxTopics = 100000

// parseOptions reads lda_train's JSON options over the defaults: only the
// keys given change, each checked against its range.
func parseOptions(fn string, raw any) (Options, error) {
	o, err := core.ParseOptions(fn, raw, trainKeys)
	if err != nil {
		return Options{}, err
	}
	opt := DefaultOptions()
	f, t := &opt.LDA, &opt.Text
	f.Topics = o.Int("topics", f.Topics, 1, maxTopics)
	if f.Alpha, err = prior(fn, o, "alpha", f.Alpha); err != nil {
		return opt, err
	}
	if f.Eta, err = prior(fn, o, "eta", f.Eta); err != nil {
		return opt, err
	}
	f.Passes = o.Int("passes", f.Passes, 1, 100000)
	f.Iterations = o.Int("iterations", f.Iterations, 1, 100000)
	f.Chunksize = o.Int("chunksize", f.Chunksize, 1, math.MaxInt32)
	f.Decay = o.Float("decay", f.Decay, 1e-9, 1)
	f.Offset = o.Float("offset", f.Offset, 1e-9, 1e12)
	f.GammaThreshold = o.Float("gamma_threshold", f.GammaThreshold, 1e-12, 1e6)
	f.Seed = uint64(o.Int("seed", int(f.Seed), 0, math.MaxInt))
	f.Threads = o.Int("threads", f.Threads, 0, 1024)
	f.MinDF = o.Int("min_df", f.MinDF, 1, math.MaxInt32)
	f.MaxDF = o.Float("max_df", f.MaxDF, 1e-9, 1)
	f.MaxVocab = o.Int("max_vocab", f.MaxVocab, 1, math.MaxInt32)
	f.Holdout = o.Float("holdout", f.Holdout, 0, 0.9)
	f.MinimumProbability = o.Float("minimum_probability", f.MinimumProbability, 0, 1)
	t.Language = o.Enum("language", t.Language, "auto", "en", "zh")
	t.MinLength = o.Int("min_length", t.MinLength, 1, 1000)
	t.MinLengthCJK = o.Int("min_length_cjk", t.MinLengthCJK, 1, 1000)
	t.Stem = o.Bool("stem", t.Stem)
	t.KeepStopWords = o.Bool("keep_stop_words", t.KeepStopWords)
	t.MaxTokenBytes = o.Int("max_token_bytes", t.MaxTokenBytes, 1, maxTokenBytesLimit)
	if b := o.MemoryBudget(); b.Given {
		opt.MaxMemory = b.Bytes
	}
	for _, w := range []struct {
		key string
		dst *[]string
	}{{"stop_words", &t.StopWords}, {"user_words", &t.UserWords}} {
		if raw := o.Raw(w.key); raw != nil {
			if err := json.Unmarshal(raw, w.dst); err != nil {
				return opt, core.Errorf(fn, "option %q must be a JSON array of words, got %s", w.key, short(string(raw)))
			}
		}
	}
	return opt, o.Err()
}

// priorKinds are the settings each prior option may name; gensim has no
// asymmetric eta.
var priorKinds = map[string][]lda.PriorKind{
	"alpha": {lda.Symmetric, lda.Asymmetric, lda.Auto},
	"eta":   {lda.Symmetric, lda.Auto},
}

// prior reads the prior option key: a setting's name or a positive number.
func prior(fn string, o *core.Options, key string, def lda.Prior) (lda.Prior, error) {
	raw := o.Raw(key)
	if raw == nil {
		return def, nil
	}
	if f, err := strconv.ParseFloat(string(raw), 64); err == nil {
		if !(f > 0) || math.IsInf(f, 0) {
			return def, priorError(fn, key, short(string(raw)))
		}
		return lda.Prior{Kind: lda.Value, Value: f}, nil
	}
	var name string
	k, ok := lda.PriorKind(0), false
	if json.Unmarshal(raw, &name) == nil {
		k, ok = namedKind(key, name)
	}
	// An earlier option's error stands for this one too.
	if !ok || o.Err() != nil {
		return def, priorError(fn, key, short(string(raw)))
	}
	return lda.Prior{Kind: k}, nil
}

// namedKind is the setting of the prior option key called name.
func namedKind(key, name string) (lda.PriorKind, bool) {
	for _, k := range priorKinds[key] {
		if k.String() == name {
			return k, true
		}
	}
	return 0, false
}

// NamedPrior is the prior option key ("alpha" or "eta") as a Go caller
// gives it: the fixed value when value is not 0, else the setting called
// name ("symmetric", "asymmetric" for alpha, "auto"), def for "".
func NamedPrior(fn, key, name string, value float64, def lda.Prior) (lda.Prior, error) {
	if value != 0 {
		return lda.Prior{Kind: lda.Value, Value: value}, nil
	}
	if name == "" {
		return def, nil
	}
	if k, ok := namedKind(key, name); ok {
		return lda.Prior{Kind: k}, nil
	}
	return def, priorError(fn, key, quote(name))
}

func priorError(fn, key, got string) error {
	var names []string
	for _, k := range priorKinds[key] {
		names = append(names, strconv.Quote(k.String()))
	}
	return core.Errorf(fn, "option %q must be a positive number or one of %s, got %s", key, strings.Join(names, ", "), got)
}

// check refuses what a Go caller may set out of range; the JSON options
// are checked as they are read.
func (o Options) check(fn string) error {
	f, t := &o.LDA, &o.Text
	if f.Topics < 1 || f.Topics > maxTopics {
		return core.Errorf(fn, "option \"topics\" must be an integer from 1 to %d, got %d", maxTopics, f.Topics)
	}
	if t.MinLength < 0 || t.MinLengthCJK < 0 {
		return core.Errorf(fn, "options \"min_length\" and \"min_length_cjk\" must not be negative, got %d and %d", t.MinLength, t.MinLengthCJK)
	}
	if t.MaxTokenBytes < 1 || t.MaxTokenBytes > maxTokenBytesLimit {
		return core.Errorf(fn, "option \"max_token_bytes\" must be an integer from 1 to %d, got %d", maxTokenBytesLimit, t.MaxTokenBytes)
	}
	if o.MaxMemory < 0 {
		return core.Errorf(fn, "option %q must be a positive number of bytes, got %d", core.MemoryOption, o.MaxMemory)
	}
	var bad *lda.OptionError
	if err := f.Check(); errors.As(err, &bad) {
		return core.Errorf(fn, "option %q must be %s, got %v", bad.Option, bad.Want, bad.Value)
	} else if err != nil {
		return core.Errorf(fn, "%w", err)
	}
	return nil
}

// inferTokenizer is the tokenizer of lda_infer and lda_top_topic for a
// model trained with tok: no length limit, since a word too long for
// training is in no vocabulary.
func inferTokenizer(tok text.Options) (*text.Tokenizer, error) {
	tok.MaxTokenBytes = 0
	return text.New(tok)
}

// budget is the memory training may plan to use.
func (o Options) budget(fn string) core.Budget {
	if o.MaxMemory > 0 {
		return core.Budget{Bytes: o.MaxMemory, Given: true}
	}
	def, _ := core.ParseOptions(fn, nil, nil) // no options: the default budget
	return def.MemoryBudget()
}

// priorJSON is a prior as lda_train's options write it.
func priorJSON(p lda.Prior) any {
	if p.Kind == lda.Value {
		return p.Value
	}
	return p.Kind.String()
}

// json returns the options as stored in ml_models.options.
func (o Options) json() string {
	f, t := &o.LDA, &o.Text
	m := map[string]any{
		"topics": f.Topics, "passes": f.Passes, "iterations": f.Iterations, "chunksize": f.Chunksize,
		"decay": f.Decay, "offset": f.Offset, "gamma_threshold": f.GammaThreshold, "seed": f.Seed,
		"min_df": f.MinDF, "max_df": f.MaxDF, "max_vocab": f.MaxVocab, "holdout": f.Holdout,
		"minimum_probability": f.MinimumProbability, "alpha": priorJSON(f.Alpha), "eta": priorJSON(f.Eta),
		"language": t.Language, "min_length": t.MinLength, "min_length_cjk": t.MinLengthCJK, "stem": t.Stem,
		"keep_stop_words": t.KeepStopWords, "max_token_bytes": t.MaxTokenBytes,
	}
	if o.MaxMemory > 0 {
		m[core.MemoryOption] = o.MaxMemory
	}
	if len(t.StopWords) > 0 {
		m["stop_words"] = t.StopWords
	}
	if len(t.UserWords) > 0 {
		m["user_words"] = t.UserWords
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("lda options: %v", err))
	}
	return string(b)
}
