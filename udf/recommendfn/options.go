package recommendfn

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"

	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Options are the training options of recommend_train; the JSON keys are
// given in brackets. The zero value of a field means its default; where 0
// is itself a meaningful value (regularization, alpha, bm25_b, neighbors),
// a Zero... or ...All flag asks for it, as an explicit 0 in JSON does. The
// values used are stored in ml_models.options exactly, an explicit 0 as 0.
type Options struct {
	// Method is "als" (default), "item_knn", "user_knn" or "popular"
	// ("method").
	Method string
	// Factors is the number of ALS latent factors ("factors"); 0 means 64.
	Factors int
	// Regularization is ALS's L2 penalty ("regularization"); 0 means 0.01.
	// ZeroRegularization trains without a penalty ("regularization": 0 in
	// JSON).
	Regularization     float64
	ZeroRegularization bool
	// Alpha scales ALS confidence, c = 1 + alpha·weight ("alpha"); 0 means
	// 40. ZeroAlpha gives every entry confidence 1 ("alpha": 0 in JSON).
	Alpha     float64
	ZeroAlpha bool
	// Iterations is the number of ALS sweeps ("iterations"); 0 means 15.
	Iterations int
	// CGSteps is the number of conjugate-gradient steps per row and sweep
	// ("cg_steps"); 0 means 3.
	CGSteps int
	// Seed seeds ALS's initial factors ("seed"); the same seed on the same
	// data gives the same model.
	Seed uint64
	// NumPyRandom draws ALS's initial factors as numpy's
	// default_rng(seed).random() does ("rng": "numpy"; the default is
	// "pcg"), so a model starts exactly where numpy code with that seed
	// starts (users, then items, uniform in [0, 0.01); seed below 2^32).
	NumPyRandom bool
	// Neighbors is how many most similar items (item_knn) or users
	// (user_knn) are kept ("neighbors"); 0 means 20. NeighborsAll keeps
	// every one ("neighbors": 0 in JSON).
	Neighbors    int
	NeighborsAll bool
	// Weighting is item_knn's "cosine" (default), "bm25" or "tfidf"
	// ("weighting").
	Weighting string
	// BM25K1 and BM25B are the BM25 parameters ("bm25_k1", "bm25_b"); 0
	// means 1.2 and 0.75, the defaults of implicit's BM25Recommender.
	// ZeroBM25B turns off length normalization ("bm25_b": 0 in JSON); a
	// k1 of 0 is not accepted.
	BM25K1, BM25B float64
	ZeroBM25B     bool
	// KeepWeights trains on the summed weights instead of 1 per purchased
	// item ("binarize": false; binarizing is the default).
	KeepWeights bool
	// SkipBad leaves out rows with a NULL user or item, or a NULL, negative
	// or non-numeric weight ("on_null": "skip"; the default is "error").
	SkipBad bool
	// Threads bounds worker goroutines ("threads"); 0 means all cores.
	Threads int
	// MaxMemory is the memory budget of the training in bytes ("max_memory":
	// a number of bytes or text such as "512MB" or "2GB"); 0 means the
	// default budget, core.DefaultMemoryShare of the memory the process may
	// use. A training whose estimated peak is above it is refused before it
	// allocates.
	MaxMemory int64
	// Progress, for Go callers (the SQL functions report through the
	// engine's hook), receives the progress events of this call.
	Progress func(core.ProgressEvent) `json:"-"`
}

var trainKeys = []string{"method", "factors", "regularization", "alpha", "iterations", "cg_steps", "seed",
	"neighbors", "weighting", "bm25_k1", "bm25_b", "binarize", "on_null", "threads", "rng", core.MemoryOption}

func parseOptions(fn string, text any) (Options, error) {
	o, err := core.ParseOptions(fn, text, trainKeys)
	if err != nil {
		return Options{}, err
	}
	var opt Options
	opt.Method = o.Enum("method", "als", "als", "item_knn", "user_knn", "popular")
	opt.Factors = o.Int("factors", 64, 1, 1024)
	opt.Regularization = o.Float("regularization", 0.01, 0, 1e6)
	opt.Alpha = o.Float("alpha", 40, 0, 1e9)
	opt.Iterations = o.Int("iterations", 15, 1, 10000)
	opt.CGSteps = o.Int("cg_steps", 3, 1, 1024)
	opt.Seed = uint64(o.Int("seed", 0, 0, math.MaxInt))
	opt.NumPyRandom = o.Enum("rng", "pcg", "pcg", "numpy") == "numpy"
	opt.Neighbors = o.Int("neighbors", 20, 0, math.MaxInt32)
	if o.Has("neighbors") && opt.Neighbors == 0 {
		opt.NeighborsAll = true
	}
	opt.Weighting = o.Enum("weighting", "cosine", "cosine", "bm25", "tfidf")
	opt.BM25K1 = o.Float("bm25_k1", 1.2, 1e-9, 1e9)
	opt.BM25B = o.Float("bm25_b", 0.75, 0, 1)
	// An explicit 0 is a value, not "unset": keep it as 0, flagged.
	opt.ZeroBM25B = o.Has("bm25_b") && opt.BM25B == 0
	opt.KeepWeights = !o.Bool("binarize", true)
	opt.SkipBad = o.Enum("on_null", "error", "error", "skip") == "skip"
	opt.Threads = o.Int("threads", 0, 0, 1024)
	opt.ZeroRegularization = o.Has("regularization") && opt.Regularization == 0
	opt.ZeroAlpha = o.Has("alpha") && opt.Alpha == 0
	if b := o.MemoryBudget(); b.Given {
		opt.MaxMemory = b.Bytes
	}
	return opt, o.Err()
}

// withDefaults fills zero fields and checks what a Go caller may get wrong.
func (o Options) withDefaults(fn string, env *core.Env) (Options, error) {
	if o.Method == "" {
		o.Method = "als"
	}
	switch o.Method {
	case "als", "item_knn", "user_knn", "popular":
	default:
		return o, core.Errorf(fn, "option \"method\" must be one of \"als\", \"item_knn\", \"user_knn\", \"popular\", got %q", o.Method)
	}
	if o.Weighting == "" {
		o.Weighting = "cosine"
	}
	switch o.Weighting {
	case "cosine", "bm25", "tfidf":
	default:
		return o, core.Errorf(fn, "option \"weighting\" must be one of \"cosine\", \"bm25\", \"tfidf\", got %q", o.Weighting)
	}
	if o.Factors <= 0 {
		o.Factors = 64
	}
	if o.Factors > 1024 {
		return o, core.Errorf(fn, "option \"factors\" must be an integer from 1 to 1024, got %d", o.Factors)
	}
	if o.Regularization == 0 && !o.ZeroRegularization {
		o.Regularization = 0.01
	}
	if o.Alpha == 0 && !o.ZeroAlpha {
		o.Alpha = 40
	}
	if o.Iterations <= 0 {
		o.Iterations = 15
	}
	if o.CGSteps <= 0 {
		o.CGSteps = 3
	}
	if o.Neighbors <= 0 && !o.NeighborsAll {
		o.Neighbors = 20
	}
	if o.NeighborsAll {
		o.Neighbors = 0
	}
	if o.BM25K1 == 0 {
		o.BM25K1 = 1.2
	}
	if o.BM25B == 0 && !o.ZeroBM25B {
		o.BM25B = 0.75
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"regularization", o.Regularization}, {"alpha", o.Alpha}, {"bm25_k1", o.BM25K1}, {"bm25_b", o.BM25B}} {
		if v.v < 0 || math.IsNaN(v.v) || math.IsInf(v.v, 0) {
			return o, core.Errorf(fn, "option %q must be a non-negative number, got %g", v.name, v.v)
		}
	}
	if o.BM25B > 1 {
		return o, core.Errorf(fn, "option \"bm25_b\" must be a number from 0 to 1, got %g", o.BM25B)
	}
	if o.MaxMemory < 0 {
		return o, core.Errorf(fn, "option %q must be a positive number of bytes, got %d", core.MemoryOption, o.MaxMemory)
	}
	if o.Threads <= 0 {
		o.Threads = env.Threads
	}
	if o.Threads <= 0 {
		o.Threads = runtime.GOMAXPROCS(0)
	}
	return o, nil
}

// budget returns the memory budget of a training: MaxMemory, or the
// default of the "max_memory" option.
func (o Options) budget(fn string) core.Budget {
	if o.MaxMemory > 0 {
		return core.Budget{Bytes: o.MaxMemory, Given: true}
	}
	def, err := core.ParseOptions(fn, nil, nil)
	if err != nil {
		panic(fmt.Sprintf("recommend options: %v", err)) // no text: cannot fail
	}
	return def.MemoryBudget()
}

// json returns the options as stored in ml_models.options (the budget and
// the threads, which do not change the model, are not stored).
func (o Options) json() string {
	m := map[string]any{"method": o.Method, "binarize": !o.KeepWeights, "on_null": "error"}
	if o.SkipBad {
		m["on_null"] = "skip"
	}
	switch o.Method {
	case "als":
		m["factors"], m["regularization"], m["alpha"] = o.Factors, o.Regularization, o.Alpha
		m["iterations"], m["cg_steps"], m["seed"] = o.Iterations, o.CGSteps, o.Seed
		if o.NumPyRandom {
			m["rng"] = "numpy"
		}
	case "item_knn":
		m["neighbors"], m["weighting"] = o.Neighbors, o.Weighting
		if o.Weighting == "bm25" {
			m["bm25_k1"], m["bm25_b"] = o.BM25K1, o.BM25B
		}
	case "user_knn":
		m["neighbors"] = o.Neighbors
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("recommend options: %v", err))
	}
	return string(b)
}
