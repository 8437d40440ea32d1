package ldafn

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Options are the LDA training options; the JSON keys of lda_train are given
// in brackets. The zero value of a field means its default.
type Options struct {
	// Topics is the number of topics ("topics"); 0 means 10.
	Topics int
	// Alpha is the document-topic prior ("alpha"): "symmetric" (1/topics,
	// the default), "asymmetric" (gensim's 1/(i+sqrt(topics)), normalized),
	// "auto" (learned), or a positive number given in AlphaValue.
	Alpha      string
	AlphaValue float64
	// Eta is the topic-word prior ("eta"): "symmetric" (1/topics, the
	// default), "auto", or a positive number given in EtaValue.
	Eta      string
	EtaValue float64
	// Passes over the corpus ("passes"); 0 means 1.
	Passes int
	// Iterations bounds the per-document updates ("iterations"); 0 means 50.
	Iterations int
	// Chunksize is documents per online update ("chunksize"); 0 means 2000.
	Chunksize int
	// Decay (κ, "decay") 0 means 0.5; Offset (τ0, "offset") 0 means 1;
	// GammaThreshold ("gamma_threshold") 0 means 0.001: gensim's defaults.
	Decay, Offset, GammaThreshold float64
	// Seed seeds every random choice ("seed").
	Seed uint64
	// Threads bounds worker goroutines ("threads"); 0 means all cores.
	Threads int
	// MinDF drops terms in fewer documents ("min_df"); 0 means 2.
	MinDF int
	// MaxDF drops terms in more than this fraction of the documents
	// ("max_df"); 0 means 0.5.
	MaxDF float64
	// MaxVocab keeps the most frequent terms ("max_vocab"); 0 means 100000.
	MaxVocab int
	// Holdout is the seeded fraction of documents held out of training to
	// measure perplexity ("holdout"); 0 means 0.1, negative means none.
	// Corpora of fewer than 10 documents hold none out.
	Holdout float64
	// MinimumProbability is the smallest topic weight of a document kept in
	// ml_lda_doc_topics ("minimum_probability"); 0 means 0.01, negative
	// keeps every weight.
	MinimumProbability float64
	// Tokenizer settings for (doc_id, text) sources and for lda_infer:
	// "language" ("auto", "en", "zh"), "min_length" (3), "min_length_cjk"
	// (2), "stem" (false), "keep_stop_words" (false), "stop_words" and
	// "user_words" (arrays of words).
	Language                string
	MinLength, MinLengthCJK int
	Stem, KeepStopWords     bool
	StopWords, UserWords    []string
	// MaxTokenBytes skips, and counts in the summary's skipped.long_tokens,
	// tokens (and terms of (doc_id, term, count) sources) longer than this
	// many bytes when training ("max_token_bytes"); 0 means 64.
	MaxTokenBytes int
	// MaxMemory is the memory training may plan to use, in bytes
	// ("max_memory": a number of bytes or a size such as "2GB"); 0 means
	// half of what the process may use (physical memory, cgroup limit or
	// ulimit -v). Training estimates its peak before it allocates the
	// model and refuses above it.
	MaxMemory int64
	// Progress, for Go callers (the SQL functions report through the
	// engine's hook), receives the progress events of this call.
	Progress func(core.ProgressEvent) `json:"-"`
}

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

func parseOptions(fn string, raw any) (Options, error) {
	o, err := core.ParseOptions(fn, raw, trainKeys)
	if err != nil {
		return Options{}, err
	}
	var opt Options
	opt.Topics = o.Int("topics", 10, 1, 100000)
	var perr error
	opt.Alpha, opt.AlphaValue, perr = prior(fn, o, "alpha", "symmetric", "asymmetric", "auto")
	if perr != nil {
		return opt, perr
	}
	opt.Eta, opt.EtaValue, perr = prior(fn, o, "eta", "symmetric", "auto")
	if perr != nil {
		return opt, perr
	}
	opt.Passes = o.Int("passes", 1, 1, 100000)
	opt.Iterations = o.Int("iterations", 50, 1, 100000)
	opt.Chunksize = o.Int("chunksize", 2000, 1, math.MaxInt32)
	opt.Decay = o.Float("decay", 0.5, 1e-9, 1)
	opt.Offset = o.Float("offset", 1, 1e-9, 1e12)
	opt.GammaThreshold = o.Float("gamma_threshold", 0.001, 1e-12, 1e6)
	opt.Seed = uint64(o.Int("seed", 0, 0, math.MaxInt))
	opt.Threads = o.Int("threads", 0, 0, 1024)
	opt.MinDF = o.Int("min_df", 2, 1, math.MaxInt32)
	opt.MaxDF = o.Float("max_df", 0.5, 1e-9, 1)
	opt.MaxVocab = o.Int("max_vocab", 100000, 1, math.MaxInt32)
	opt.Holdout = o.Float("holdout", 0.1, 0, 0.9)
	if o.Has("holdout") && opt.Holdout == 0 {
		opt.Holdout = -1
	}
	opt.MinimumProbability = o.Float("minimum_probability", 0.01, 0, 1)
	if o.Has("minimum_probability") && opt.MinimumProbability == 0 {
		opt.MinimumProbability = -1
	}
	opt.Language = o.Enum("language", "auto", "auto", "en", "zh")
	opt.MinLength = o.Int("min_length", 3, 1, 1000)
	opt.MinLengthCJK = o.Int("min_length_cjk", 2, 1, 1000)
	opt.Stem = o.Bool("stem", false)
	opt.KeepStopWords = o.Bool("keep_stop_words", false)
	opt.MaxTokenBytes = o.Int("max_token_bytes", text.DefaultMaxTokenBytes, 1, maxTokenBytesLimit)
	if b := o.MemoryBudget(); b.Given {
		opt.MaxMemory = b.Bytes
	}
	for _, k := range []string{"stop_words", "user_words"} {
		if raw := o.Raw(k); raw != nil {
			var ws []string
			if err := json.Unmarshal(raw, &ws); err != nil {
				return opt, core.Errorf(fn, "option %q must be a JSON array of words, got %s", k, short(string(raw)))
			}
			if k == "stop_words" {
				opt.StopWords = ws
			} else {
				opt.UserWords = ws
			}
		}
	}
	return opt, o.Err()
}

// prior reads "symmetric", another named setting, or a positive number.
func prior(fn string, o *core.Options, key string, names ...string) (string, float64, error) {
	raw := o.Raw(key)
	if raw == nil {
		return names[0], 0, nil
	}
	if f, err := strconv.ParseFloat(string(raw), 64); err == nil {
		if !(f > 0) || math.IsInf(f, 0) {
			return "", 0, core.Errorf(fn, "option %q must be a positive number or one of %s, got %s", key, quoted(names), short(string(raw)))
		}
		return "", f, nil
	}
	s := o.Enum(key, names[0], names...)
	if err := o.Err(); err != nil {
		return "", 0, core.Errorf(fn, "option %q must be a positive number or one of %s, got %s", key, quoted(names), short(string(raw)))
	}
	return s, 0, nil
}

func quoted(names []string) string {
	s := ""
	for i, n := range names {
		if i > 0 {
			s += ", "
		}
		s += strconv.Quote(n)
	}
	return s
}

// withDefaults fills zero fields and checks what a Go caller may get wrong.
func (o Options) withDefaults(fn string, env *core.Env) (Options, error) {
	if o.Topics == 0 {
		o.Topics = 10
	}
	if o.Topics < 1 || o.Topics > 100000 {
		return o, core.Errorf(fn, "option \"topics\" must be an integer from 1 to 100000, got %d", o.Topics)
	}
	if o.AlphaValue != 0 {
		o.Alpha = ""
		if !(o.AlphaValue > 0) || math.IsInf(o.AlphaValue, 0) {
			return o, core.Errorf(fn, "option \"alpha\" must be positive, got %g", o.AlphaValue)
		}
	} else if o.Alpha == "" {
		o.Alpha = "symmetric"
	}
	switch o.Alpha {
	case "", "symmetric", "asymmetric", "auto":
	default:
		return o, core.Errorf(fn, "option \"alpha\" must be \"symmetric\", \"asymmetric\", \"auto\" or a positive number, got %s", quote(o.Alpha))
	}
	if o.EtaValue != 0 {
		o.Eta = ""
		if !(o.EtaValue > 0) || math.IsInf(o.EtaValue, 0) {
			return o, core.Errorf(fn, "option \"eta\" must be positive, got %g", o.EtaValue)
		}
	} else if o.Eta == "" {
		o.Eta = "symmetric"
	}
	switch o.Eta {
	case "", "symmetric", "auto":
	default:
		return o, core.Errorf(fn, "option \"eta\" must be \"symmetric\", \"auto\" or a positive number, got %s", quote(o.Eta))
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.MinDF, 2)
	def(&o.MaxVocab, 100000)
	def(&o.MinLength, 3)
	def(&o.MinLengthCJK, 2)
	def(&o.MaxTokenBytes, text.DefaultMaxTokenBytes)
	if o.MinDF < 0 || o.MaxVocab < 0 || o.MinLength < 0 || o.MinLengthCJK < 0 {
		return o, core.Errorf(fn, "min_df, max_vocab and the minimum lengths must be positive")
	}
	if o.MaxTokenBytes < 0 || o.MaxTokenBytes > maxTokenBytesLimit {
		return o, core.Errorf(fn, "option \"max_token_bytes\" must be an integer from 1 to %d, got %d", maxTokenBytesLimit, o.MaxTokenBytes)
	}
	if o.MaxMemory < 0 {
		return o, core.Errorf(fn, "option %q must be a positive number of bytes, got %d", core.MemoryOption, o.MaxMemory)
	}
	if o.MaxDF == 0 {
		o.MaxDF = 0.5
	}
	if !(o.MaxDF > 0 && o.MaxDF <= 1) {
		return o, core.Errorf(fn, "option \"max_df\" must be in (0, 1], got %g", o.MaxDF)
	}
	if o.Holdout == 0 {
		o.Holdout = 0.1
	}
	if o.Holdout >= 0.9 || math.IsNaN(o.Holdout) {
		return o, core.Errorf(fn, "option \"holdout\" must be a fraction from 0 to 0.9, got %g", o.Holdout)
	}
	if o.MinimumProbability == 0 {
		o.MinimumProbability = 0.01
	}
	if o.Language == "" {
		o.Language = "auto"
	}
	if o.Threads <= 0 {
		o.Threads = env.Threads
	}
	// The fitting options' defaults and checks are the algorithm's own.
	f := o.fitOptions()
	if err := f.Defaults(); err != nil {
		return o, core.Errorf(fn, "%v", err)
	}
	o.Passes, o.Iterations, o.Chunksize, o.Threads = f.Passes, f.Iterations, f.Chunksize, f.Threads
	o.Decay, o.Offset, o.GammaThreshold = f.Decay, f.Offset, f.GammaThreshold
	return o, nil
}

// tokenizer is the tokenizer of lda_infer and lda_top_topic: no length
// limit, since a word too long for training is in no vocabulary.
func (o Options) tokenizer() (*text.Tokenizer, error) {
	return text.New(text.Options{Language: o.Language, MinLength: o.MinLength, MinLengthCJK: o.MinLengthCJK,
		Stem: o.Stem, KeepStopWords: o.KeepStopWords, StopWords: o.StopWords, UserWords: o.UserWords})
}

// trainTokenizer is the tokenizer of training: tokens longer than
// MaxTokenBytes are skipped and counted.
func (o Options) trainTokenizer() (*text.Tokenizer, error) {
	return text.New(text.Options{Language: o.Language, MinLength: o.MinLength, MinLengthCJK: o.MinLengthCJK,
		Stem: o.Stem, KeepStopWords: o.KeepStopWords, StopWords: o.StopWords, UserWords: o.UserWords,
		MaxTokenBytes: o.MaxTokenBytes})
}

// budget is the memory training may plan to use.
func (o Options) budget(fn string) core.Budget {
	if o.MaxMemory > 0 {
		return core.Budget{Bytes: o.MaxMemory, Given: true}
	}
	def, _ := core.ParseOptions(fn, nil, nil) // no options: the default budget
	return def.MemoryBudget()
}

func (o Options) fitOptions() lda.Options {
	f := lda.Options{Topics: o.Topics, Passes: o.Passes, Iterations: o.Iterations, Chunksize: o.Chunksize,
		Decay: o.Decay, Offset: o.Offset, GammaThreshold: o.GammaThreshold, Seed: o.Seed, Threads: o.Threads}
	switch {
	case o.AlphaValue > 0:
		f.Alpha = lda.Prior{Kind: lda.Value, Value: o.AlphaValue}
	case o.Alpha == "asymmetric":
		f.Alpha = lda.Prior{Kind: lda.Asymmetric}
	case o.Alpha == "auto":
		f.Alpha = lda.Prior{Kind: lda.Auto}
	}
	switch {
	case o.EtaValue > 0:
		f.Eta = lda.Prior{Kind: lda.Value, Value: o.EtaValue}
	case o.Eta == "auto":
		f.Eta = lda.Prior{Kind: lda.Auto}
	}
	return f
}

// json returns the options as stored in ml_models.options.
func (o Options) json() string {
	m := map[string]any{
		"topics": o.Topics, "passes": o.Passes, "iterations": o.Iterations, "chunksize": o.Chunksize,
		"decay": o.Decay, "offset": o.Offset, "gamma_threshold": o.GammaThreshold, "seed": o.Seed,
		"min_df": o.MinDF, "max_df": o.MaxDF, "max_vocab": o.MaxVocab, "holdout": math.Max(o.Holdout, 0),
		"minimum_probability": math.Max(o.MinimumProbability, 0), "language": o.Language,
		"min_length": o.MinLength, "min_length_cjk": o.MinLengthCJK, "stem": o.Stem, "keep_stop_words": o.KeepStopWords,
		"max_token_bytes": o.MaxTokenBytes,
	}
	if o.MaxMemory > 0 {
		m[core.MemoryOption] = o.MaxMemory
	}
	if o.AlphaValue > 0 {
		m["alpha"] = o.AlphaValue
	} else {
		m["alpha"] = o.Alpha
	}
	if o.EtaValue > 0 {
		m["eta"] = o.EtaValue
	} else {
		m["eta"] = o.Eta
	}
	if len(o.StopWords) > 0 {
		m["stop_words"] = o.StopWords
	}
	if len(o.UserWords) > 0 {
		m["user_words"] = o.UserWords
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("lda options: %v", err))
	}
	return string(b)
}
