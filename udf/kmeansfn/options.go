package kmeansfn

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"
	"slices"

	"github.com/seed-a084b42d/marketsql/algorithms/kmeans"
	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Options are the k-means training options; the JSON keys of the SQL
// functions are given in brackets. Defaults returns every documented default;
// parsing starts from it and overwrites only the keys given.
type Options struct {
	// K is the number of clusters ("k"), required.
	K int
	// Init is "k-means++" (the default) or "random" ("init").
	Init string
	// InitCentroids are explicit initial centroids in feature units, one per
	// cluster ("init" given as a JSON array of K arrays); they force NInit 1.
	InitCentroids [][]float64
	// Weight names a source column holding non-negative sample weights
	// ("weight"); that column is then not a feature.
	Weight string
	// NInit is the number of restarts keeping the lowest inertia ("n_init");
	// 0, the default, is scikit-learn's "auto": 1 for k-means++ and explicit
	// centroids, 10 for random (kmeans.Options.Runs).
	NInit int
	// MaxIter bounds iterations per restart ("max_iter"), default 300.
	MaxIter int
	// Tol is scikit-learn's relative tolerance ("tol"), default 1e-4; 0 stops
	// a run only when its labels stop changing.
	Tol float64
	// Seed seeds every random choice ("seed"); the same seed on the same
	// data gives the same model.
	Seed uint64
	// KeepScale clusters the features in their own units ("standardize":
	// false); by default every feature is standardized to z-scores first.
	KeepScale bool
	// Algorithm is "auto" (default), "lloyd", "elkan", "hamerly" or
	// "minibatch" ("algorithm").
	Algorithm string
	// BatchSize is the mini-batch size ("batch_size"), default 1024.
	BatchSize int
	// SkipBad leaves out rows with a NULL, text, NaN or infinite feature or
	// weight instead of failing ("on_null": "skip"; the default is "error").
	SkipBad bool
	// Threads bounds worker goroutines ("threads"); 0, the default, means
	// the connection's setting, else all cores.
	Threads int
	// SilhouetteSample is the number of rows the silhouette is computed on
	// ("silhouette_sample", an integer from 1 to 2^31-1 in JSON), default
	// 10000; above it a seeded sample is used.
	SilhouetteSample int
	// MaxMemory is the memory budget of the call in bytes ("max_memory", a
	// number of bytes or a size such as "2GB"): a training whose estimated
	// peak memory is above it fails before it allocates. 0, the default,
	// means core.DefaultMemoryShare of the memory the process may use.
	MaxMemory int64
	// NumPyRandom draws the k-means++ choices as scikit-learn 1.2.1 does for
	// random_state=Seed ("rng": "numpy"; the default is "pcg"), so a model
	// can be reproduced run for run from a scikit-learn notebook. k-means++
	// only; Seed below 2^32.
	NumPyRandom bool
	// Progress, for Go callers (the SQL functions report through the
	// engine's hook), receives the progress events of this call.
	Progress func(core.ProgressEvent) `json:"-"`
}

// Defaults returns the documented defaults of every option (K has none: it
// is required). The numbers come from kmeans.Defaults.
func Defaults() Options {
	d := kmeans.Defaults()
	return Options{Init: "k-means++", NInit: d.NInit, MaxIter: d.MaxIter, Tol: d.Tol, Seed: d.Seed,
		Algorithm: "auto", BatchSize: d.BatchSize, Threads: d.Threads, SilhouetteSample: d.SilhouetteSample}
}

var trainKeys = []string{"k", "init", "weight", "n_init", "max_iter", "tol", "seed", "standardize",
	"algorithm", "batch_size", "on_null", "threads", "silhouette_sample", "rng", core.MemoryOption}

// selectKeys are the options of kmeans_select_k: those of training, less k.
var selectKeys = trainKeys[1:]

// parseOptions reads a JSON options text: Defaults, with the keys given
// overwritten and validated. requireK is false for kmeans_select_k, which
// takes k from its range arguments.
func parseOptions(fn string, options any, requireK bool) (Options, error) {
	keys := selectKeys
	if requireK {
		keys = trainKeys
	}
	o, err := core.ParseOptions(fn, options, keys)
	if err != nil {
		return Options{}, err
	}
	opt := Defaults()
	if requireK {
		if !o.Has("k") {
			return opt, core.Errorf(fn, "option \"k\" (the number of clusters) is required, e.g. '{\"k\": 4}'; kmeans_select_k helps choose it")
		}
		opt.K = o.Int("k", opt.K, 1, math.MaxInt) // at most the row count, checked once rows are read
	}
	if raw := o.Raw("init"); len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &opt.InitCentroids); err != nil {
			return opt, core.Errorf(fn, "option \"init\" must be \"k-means++\", \"random\" or a JSON array of k centroids (arrays of numbers), got %s", string(raw))
		}
	} else {
		opt.Init = o.String("init", opt.Init)
		if o.Err() == nil && opt.Init != "k-means++" && opt.Init != "random" {
			return opt, core.Errorf(fn, "option \"init\" must be \"k-means++\", \"random\" or a JSON array of k centroids, got %q", text.Abbreviate(opt.Init, 40))
		}
	}
	opt.Weight = o.String("weight", opt.Weight)
	opt.NInit = o.Int("n_init", opt.NInit, 1, 1000)
	opt.MaxIter = o.Int("max_iter", opt.MaxIter, 1, 1_000_000)
	opt.Tol = o.Float("tol", opt.Tol, 0, 1)
	opt.Seed = uint64(o.Int("seed", int(opt.Seed), 0, math.MaxInt))
	opt.KeepScale = !o.Bool("standardize", !opt.KeepScale)
	opt.Algorithm = o.Enum("algorithm", opt.Algorithm, "auto", "lloyd", "elkan", "hamerly", "minibatch")
	opt.BatchSize = o.Int("batch_size", opt.BatchSize, 1, math.MaxInt32)
	opt.SkipBad = o.Enum("on_null", "error", "error", "skip") == "skip"
	opt.Threads = o.Int("threads", opt.Threads, 0, 1024)
	// An explicit 0 is refused: the silhouette is computed on at least one row.
	opt.SilhouetteSample = o.Int("silhouette_sample", opt.SilhouetteSample, 1, math.MaxInt32)
	opt.NumPyRandom = o.Enum("rng", "pcg", "pcg", "numpy") == "numpy"
	if b := o.MemoryBudget(); b.Given {
		opt.MaxMemory = b.Bytes
	}
	return opt, o.Err()
}

// validate checks what a Go caller may get wrong (the SQL options are
// checked as they are parsed); it changes nothing.
func (o Options) validate(fn string) error {
	switch {
	case o.Init != "k-means++" && o.Init != "random":
		return core.Errorf(fn, "option \"init\" must be \"k-means++\", \"random\" or an array of centroids, got %q", text.Abbreviate(o.Init, 40))
	case !slices.Contains([]string{"auto", "lloyd", "elkan", "hamerly", "minibatch"}, o.Algorithm):
		return core.Errorf(fn, "option \"algorithm\" must be one of \"auto\", \"lloyd\", \"elkan\", \"hamerly\", \"minibatch\", got %q", text.Abbreviate(o.Algorithm, 40))
	case o.NInit < 0:
		return core.Errorf(fn, "option \"n_init\" must be at least 1 (or 0 for the default), got %d", o.NInit)
	case o.MaxIter < 1:
		return core.Errorf(fn, "option \"max_iter\" must be at least 1, got %d", o.MaxIter)
	case !(o.Tol >= 0 && o.Tol <= 1):
		return core.Errorf(fn, "option \"tol\" must be a number from 0 to 1, got %g", o.Tol)
	case o.BatchSize < 1:
		return core.Errorf(fn, "option \"batch_size\" must be at least 1, got %d", o.BatchSize)
	case o.Threads < 0:
		return core.Errorf(fn, "option \"threads\" must be at least 1 (or 0 for all cores), got %d", o.Threads)
	case o.SilhouetteSample < 1:
		return core.Errorf(fn, "option \"silhouette_sample\" must be at least 1, got %d", o.SilhouetteSample)
	case o.MaxMemory < 0:
		return core.Errorf(fn, "option %q must be a positive number of bytes, got %d", core.MemoryOption, o.MaxMemory)
	}
	return nil
}

// threads is the number of worker goroutines of a call on a connection
// whose setting is env.Threads.
func (o Options) threads(env *core.Env) int {
	switch {
	case o.Threads > 0:
		return o.Threads
	case env != nil && env.Threads > 0:
		return env.Threads
	}
	return runtime.GOMAXPROCS(0)
}

// budget returns the memory budget of the call.
func (o Options) budget() core.Budget {
	if o.MaxMemory > 0 {
		return core.Budget{Bytes: o.MaxMemory, Given: true}
	}
	return (&core.Options{}).MemoryBudget() // the default
}

// json returns the options as stored in ml_models.options (the memory
// budget and the thread count are not: they do not change the model).
func (o Options) json() string {
	nInit := o.NInit
	switch {
	case nInit > 0:
	case o.InitCentroids != nil:
		nInit = 1
	default: // scikit-learn's "auto", resolved as Fit resolves it
		nInit = kmeansOptions(o, o.K).Runs()
	}
	m := map[string]any{
		"k": o.K, "n_init": nInit, "max_iter": o.MaxIter, "tol": o.Tol, "seed": o.Seed,
		"standardize": !o.KeepScale, "algorithm": o.Algorithm, "on_null": "error",
		"silhouette_sample": o.SilhouetteSample,
	}
	if o.InitCentroids != nil {
		m["init"] = o.InitCentroids
	} else {
		m["init"] = o.Init
	}
	if o.Weight != "" {
		m["weight"] = o.Weight
	}
	if o.Algorithm == "minibatch" {
		m["batch_size"] = o.BatchSize
	}
	if o.SkipBad {
		m["on_null"] = "skip"
	}
	if o.NumPyRandom {
		m["rng"] = "numpy"
	}
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("kmeans options: %v", err))
	}
	return string(b)
}
