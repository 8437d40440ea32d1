package recommendfn

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Options are the training options of recommend_train; the JSON keys are
// given in brackets and the defaults are recommend.Defaults'. A pointer
// field left nil means its default, and points to the value to use
// otherwise, 0 included (an explicit 0 in JSON); a count or name left at
// its zero value, which is not a valid setting, means its default. The
// values used are stored in ml_models.options exactly, an explicit 0 as 0.
type Options struct {
	// Method is "als" (default), "item_knn", "user_knn" or "popular"
	// ("method").
	Method string
	// Factors is the number of ALS latent factors ("factors"); 0 means 64.
	Factors int
	// Regularization is ALS's L2 penalty ("regularization"); nil means
	// 0.01, 0 trains without a penalty.
	Regularization *float64
	// Alpha scales ALS confidence, c = 1 + alpha·weight ("alpha"); nil
	// means 40, 0 gives every entry confidence 1.
	Alpha *float64
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
	// (user_knn) are kept ("neighbors"); nil means 20, 0 keeps every one.
	Neighbors *int
	// Weighting is item_knn's "cosine" (default), "bm25" or "tfidf"
	// ("weighting").
	Weighting string
	// BM25K1 is BM25's k1 ("bm25_k1"), above 0; 0 means 1.2. BM25B is its
	// b ("bm25_b"), from 0 to 1; nil means 0.75, 0 turns length
	// normalization off. The defaults are implicit's BM25Recommender's.
	BM25K1 float64
	BM25B  *float64
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

// parseOptions reads recommend_train's JSON options: every key starts at
// recommend.Defaults' value and is replaced by the one given, once checked.
func parseOptions(fn string, text any) (Options, error) {
	o, err := core.ParseOptions(fn, text, trainKeys)
	if err != nil {
		return Options{}, err
	}
	d := recommend.Defaults()
	var opt Options
	opt.Method = o.Enum("method", d.Method.String(), "als", "item_knn", "user_knn", "popular")
	opt.Factors = o.Int("factors", d.ALS.Factors, 1, 1024)
	opt.Regularization = new(o.Float("regularization", d.ALS.Regularization, 0, 1e6))
	opt.Alpha = new(o.Float("alpha", d.ALS.Alpha, 0, 1e9))
	opt.Iterations = o.Int("iterations", d.ALS.Iterations, 1, 10000)
	opt.CGSteps = o.Int("cg_steps", d.ALS.CGSteps, 1, 1024)
	opt.Seed = uint64(o.Int("seed", int(d.ALS.Seed), 0, math.MaxInt))
	opt.NumPyRandom = o.Enum("rng", "pcg", "pcg", "numpy") == "numpy"
	opt.Neighbors = new(o.Int("neighbors", d.KNN.Neighbors, 0, math.MaxInt32))
	opt.Weighting = o.Enum("weighting", d.KNN.Weighting.String(), "cosine", "bm25", "tfidf")
	opt.BM25K1 = o.Float("bm25_k1", d.KNN.K1, 1e-9, 1e9)
	opt.BM25B = new(o.Float("bm25_b", d.KNN.B, 0, 1))
	opt.KeepWeights = !o.Bool("binarize", true)
	opt.SkipBad = o.Enum("on_null", "error", "error", "skip") == "skip"
	opt.Threads = o.Int("threads", 0, 0, 1024)
	if b := o.MemoryBudget(); b.Given {
		opt.MaxMemory = b.Bytes
	}
	return opt, o.Err()
}

// withDefaults fills the fields left unset with recommend.Defaults' values
// (every pointer is set on return) and checks what a Go caller may get
// wrong.
func (o Options) withDefaults(fn string, env *core.Env) (Options, error) {
	d := recommend.Defaults()
	if o.Method == "" {
		o.Method = d.Method.String()
	}
	if _, ok := recommend.ParseMethod(o.Method); !ok {
		return o, core.Errorf(fn, "option \"method\" must be one of \"als\", \"item_knn\", \"user_knn\", \"popular\", got %q", o.Method)
	}
	if o.Weighting == "" {
		o.Weighting = d.KNN.Weighting.String()
	}
	if _, ok := recommend.ParseWeighting(o.Weighting); !ok {
		return o, core.Errorf(fn, "option \"weighting\" must be one of \"cosine\", \"bm25\", \"tfidf\", got %q", o.Weighting)
	}
	if o.Factors <= 0 {
		o.Factors = d.ALS.Factors
	}
	if o.Factors > 1024 {
		return o, core.Errorf(fn, "option \"factors\" must be an integer from 1 to 1024, got %d", o.Factors)
	}
	if o.Iterations <= 0 {
		o.Iterations = d.ALS.Iterations
	}
	if o.CGSteps <= 0 {
		o.CGSteps = d.ALS.CGSteps
	}
	if o.BM25K1 == 0 {
		o.BM25K1 = d.KNN.K1
	}
	o.Regularization = orDefault(o.Regularization, d.ALS.Regularization)
	o.Alpha = orDefault(o.Alpha, d.ALS.Alpha)
	o.BM25B = orDefault(o.BM25B, d.KNN.B)
	o.Neighbors = orDefault(o.Neighbors, d.KNN.Neighbors)
	if *o.Neighbors < 0 {
		return o, core.Errorf(fn, "option \"neighbors\" must be an integer from 0 to %d, got %d", math.MaxInt32, *o.Neighbors)
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"regularization", *o.Regularization}, {"alpha", *o.Alpha}, {"bm25_k1", o.BM25K1}, {"bm25_b", *o.BM25B}} {
		if v.v < 0 || math.IsNaN(v.v) || math.IsInf(v.v, 0) {
			return o, core.Errorf(fn, "option %q must be a non-negative number, got %g", v.name, v.v)
		}
	}
	if *o.BM25B > 1 {
		return o, core.Errorf(fn, "option \"bm25_b\" must be a number from 0 to 1, got %g", *o.BM25B)
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

// orDefault returns p, or a pointer to def when p is nil.
func orDefault[T any](p *T, def T) *T {
	if p == nil {
		return &def
	}
	return p
}

// algorithm returns the options of recommend.Fit for options o filled by
// withDefaults, without the progress hooks.
func (o Options) algorithm() recommend.Options {
	method, _ := recommend.ParseMethod(o.Method)
	weighting, _ := recommend.ParseWeighting(o.Weighting)
	ro := recommend.Options{Method: method}
	ro.ALS = recommend.ALSOptions{Factors: o.Factors, Regularization: *o.Regularization, Alpha: *o.Alpha,
		Iterations: o.Iterations, CGSteps: o.CGSteps, Seed: o.Seed, NumPyRandom: o.NumPyRandom, Threads: o.Threads}
	ro.KNN = recommend.KNNOptions{Neighbors: *o.Neighbors, Weighting: weighting,
		K1: o.BM25K1, B: *o.BM25B, Threads: o.Threads}
	return ro
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
		m["factors"], m["regularization"], m["alpha"] = o.Factors, *o.Regularization, *o.Alpha
		m["iterations"], m["cg_steps"], m["seed"] = o.Iterations, o.CGSteps, o.Seed
		if o.NumPyRandom {
			m["rng"] = "numpy"
		}
	case "item_knn":
		m["neighbors"], m["weighting"] = *o.Neighbors, o.Weighting
		if o.Weighting == "bm25" {
			m["bm25_k1"], m["bm25_b"] = o.BM25K1, *o.BM25B
		}
	case "user_knn":
		m["neighbors"] = *o.Neighbors
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("recommend options: %v", err))
	}
	return string(b)
}
