package lda

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
)

// PriorKind says how a Dirichlet prior is set.
type PriorKind int

const (
	// Symmetric is 1/topics for every component (gensim's default).
	Symmetric PriorKind = iota
	// Asymmetric is gensim's 1/(i + sqrt(topics)), normalized (alpha only).
	Asymmetric
	// Auto starts symmetric and is learned from the data by Newton steps.
	Auto
	// Value is a fixed number for every component.
	Value
)

// priorNames are the names of the kinds other than Value, as lda_train's
// "alpha" and "eta" options spell them.
var priorNames = map[PriorKind]string{Symmetric: "symmetric", Asymmetric: "asymmetric", Auto: "auto"}

// String is the kind's name: "symmetric", "asymmetric", "auto" or "value".
func (k PriorKind) String() string {
	if n, ok := priorNames[k]; ok {
		return n
	}
	return "value"
}

// ParsePriorKind returns the kind called name ("symmetric", "asymmetric" or
// "auto"; a fixed value is given as a number, not a name).
func ParsePriorKind(name string) (PriorKind, bool) {
	for k, n := range priorNames {
		if n == name {
			return k, true
		}
	}
	return 0, false
}

// Prior is a Dirichlet prior setting.
type Prior struct {
	Kind  PriorKind
	Value float64 // for Kind == Value; must be positive
}

// Progress describes the state of a running fit.
type Progress struct {
	Pass, Passes   int // 1-based pass
	Chunk, Chunks  int // 1-based chunk within the pass
	Docs           int // documents processed in this pass
	Converged      int // documents of the chunk whose γ converged
	ChunkDocuments int
	Iterations     int // γ iterations summed over the chunk's documents
}

// Options configures a training: Fit's settings, then how the documents
// are prepared for it (Vocabulary.Prune, Split) and which document weights
// are reported (Significant). Start from Defaults and change what differs:
// a zero field means zero, and Check refuses the zeros that are not
// allowed. Threads is the exception: 0 means every core.
type Options struct {
	Topics         int     // at least 1
	Alpha, Eta     Prior   // document-topic and topic-word priors; Eta cannot be Asymmetric
	Passes         int     // passes over the corpus, at least 1
	Iterations     int     // maximum γ iterations per document, at least 1
	Chunksize      int     // documents per online update, at least 1
	Decay          float64 // κ, the learning rate's exponent, in (0, 1]
	Offset         float64 // τ0, which slows the first updates, positive
	GammaThreshold float64 // γ convergence (mean absolute change), positive
	Seed           uint64  // seeds every random choice: the start, the hold-out
	Threads        int     // 0 means GOMAXPROCS; results do not depend on it
	// Progress, if set, is called on Fit's goroutine after every chunk. It
	// only reports: to stop Fit, cancel its context.
	Progress func(Progress)

	// MinDF and MaxDF keep the terms in at least MinDF documents and in at
	// most the fraction MaxDF of them, in (0, 1]; MaxVocab then keeps the
	// most frequent, at least 1 (see Vocabulary.Prune).
	MinDF    int
	MaxDF    float64
	MaxVocab int
	// Holdout is the fraction of the documents, in [0, 0.9), that Split
	// holds out of training to measure perplexity; 0 holds none out.
	Holdout float64
	// MinimumProbability is the smallest document weight Significant
	// reports, in [0, 1]; 0 reports every weight.
	MinimumProbability float64
}

// Defaults returns the documented defaults, gensim's LdaModel's where it
// has them: 10 topics, symmetric priors, 1 pass, 50 iterations, chunks of
// 2000 documents, decay 0.5, offset 1, gamma threshold 0.001, seed 0, every
// core; terms in at least 2 documents and at most half of them, 100000 at
// most; a tenth of the documents held out; weights from 0.01 reported.
func Defaults() Options {
	return Options{
		Topics: 10, Passes: 1, Iterations: 50, Chunksize: 2000,
		Decay: 0.5, Offset: 1, GammaThreshold: 0.001,
		MinDF: 2, MaxDF: 0.5, MaxVocab: 100000,
		Holdout: 0.1, MinimumProbability: 0.01,
	}
}

// OptionError reports an option out of its range.
type OptionError struct {
	Option string // its name in lda_train's options: "topics", "decay", ...
	Want   string // what it must be: "at least 1", "in (0, 1]", ...
	Value  any
}

func (e *OptionError) Error() string {
	return fmt.Sprintf("%s must be %s, got %v", e.Option, e.Want, e.Value)
}

// Check returns an *OptionError for the first option out of its range.
func (o *Options) Check() error {
	bad := func(option, want string, v any) error { return &OptionError{Option: option, Want: want, Value: v} }
	switch {
	case o.Topics < 1:
		return bad("topics", "at least 1", o.Topics)
	case o.Passes < 1:
		return bad("passes", "at least 1", o.Passes)
	case o.Iterations < 1:
		return bad("iterations", "at least 1", o.Iterations)
	case o.Chunksize < 1:
		return bad("chunksize", "at least 1", o.Chunksize)
	case !(o.Decay > 0 && o.Decay <= 1):
		return bad("decay", "in (0, 1]", o.Decay)
	case !(o.Offset > 0) || math.IsInf(o.Offset, 0):
		return bad("offset", "positive", o.Offset)
	case !(o.GammaThreshold > 0) || math.IsInf(o.GammaThreshold, 0):
		return bad("gamma_threshold", "positive", o.GammaThreshold)
	case o.Threads < 0:
		return bad("threads", "0 (every core) or more", o.Threads)
	case o.Eta.Kind == Asymmetric:
		return bad("eta", "symmetric, auto or a number (gensim has no asymmetric eta)", o.Eta.Kind)
	case o.MinDF < 1:
		return bad("min_df", "at least 1", o.MinDF)
	case !(o.MaxDF > 0 && o.MaxDF <= 1):
		return bad("max_df", "in (0, 1]", o.MaxDF)
	case o.MaxVocab < 1:
		return bad("max_vocab", "at least 1", o.MaxVocab)
	case !(o.Holdout >= 0 && o.Holdout < 0.9):
		return bad("holdout", "a fraction from 0 to 0.9", o.Holdout)
	case !(o.MinimumProbability >= 0 && o.MinimumProbability <= 1):
		return bad("minimum_probability", "in [0, 1]", o.MinimumProbability)
	}
	for _, p := range []struct {
		option string
		prior  Prior
	}{{"alpha", o.Alpha}, {"eta", o.Eta}} {
		if p.prior.Kind == Value && !(p.prior.Value > 0 && !math.IsInf(p.prior.Value, 0)) {
			return bad(p.option, "positive", p.prior.Value)
		}
	}
	return nil
}

// threadCount is the number of threads a count of 0 stands for.
func threadCount(threads int) int {
	if threads <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return threads
}

// MinHoldoutDocs is the fewest documents Split holds any out of.
const MinHoldoutDocs = 10

// holdoutStream is the random stream of the hold-out's draw.
const holdoutStream = 0x401d

// Split divides docs (document indexes) into the training documents and
// the ones held out for perplexity: round(Holdout·len(docs)) of them, at
// least 1 and all but one at most, drawn with Seed, each list in the order
// of docs. Fewer than MinHoldoutDocs documents, or Holdout 0, hold none out.
func (o *Options) Split(docs []int) (train, held []int) {
	if !(o.Holdout > 0) || len(docs) < MinHoldoutDocs {
		return docs, nil
	}
	nh := int(math.Round(o.Holdout * float64(len(docs))))
	nh = max(1, min(nh, len(docs)-1))
	perm := rand.New(rand.NewPCG(o.Seed, holdoutStream)).Perm(len(docs))
	isHeld := make([]bool, len(docs))
	for _, p := range perm[:nh] {
		isHeld[p] = true
	}
	for i, d := range docs {
		if isHeld[i] {
			held = append(held, d)
		} else {
			train = append(train, d)
		}
	}
	return train, held
}
