package kmeansfn

import (
	"encoding/json"
	"fmt"
	"math"
	"runtime"

	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Options are the k-means training options; the JSON keys of the SQL
// functions are given in brackets. The zero value of a field means its
// default.
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
	// 0 means 1 for k-means++ and explicit centroids, 10 for random.
	NInit int
	// MaxIter bounds iterations per restart ("max_iter"); 0 means 300.
	MaxIter int
	// Tol is scikit-learn's relative tolerance ("tol"); 0 means 1e-4.
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
	// BatchSize is the mini-batch size ("batch_size"); 0 means 1024.
	BatchSize int
	// SkipBad leaves out rows with a NULL, text, NaN or infinite feature or
	// weight instead of failing ("on_null": "skip"; the default is "error").
	SkipBad bool
	// Threads bounds worker goroutines ("threads"); 0 means all cores.
	Threads int
	// SilhouetteSample is the number of rows the silhouette is computed on
	// ("silhouette_sample", an integer from 1 to 2^31-1 in JSON); above it
	// a seeded sample is used. 0 (the Go zero value) means 10000.
	SilhouetteSample int
	// MaxMemory is the memory budget of the call in bytes ("max_memory", a
	// number of bytes or a size such as "2GB"): a training whose estimated
	// peak memory is above it fails before it allocates. 0 means the
	// default, core.DefaultMemoryShare of the memory the process may use.
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

var trainKeys = []string{"k", "init", "weight", "n_init", "max_iter", "tol", "seed", "standardize",
	"algorithm", "batch_size", "on_null", "threads", "silhouette_sample", "rng", core.MemoryOption}

// selectKeys are the options of kmeans_select_k: those of training, less k.
var selectKeys = trainKeys[1:]

// parseOptions reads a JSON options text. requireK is false for
// kmeans_select_k, which takes k from its range arguments.
func parseOptions(fn string, options any, requireK bool) (Options, error) {
	keys := selectKeys
	if requireK {
		keys = trainKeys
	}
	o, err := core.ParseOptions(fn, options, keys)
	if err != nil {
		return Options{}, err
	}
	var opt Options
	if requireK {
		if !o.Has("k") {
			return opt, core.Errorf(fn, "option \"k\" (the number of clusters) is required, e.g. '{\"k\": 4}'; kmeans_select_k helps choose it")
		}
		opt.K = o.Int("k", 0, 1, math.MaxInt) // at most the row count, checked once rows are read
	}
	if raw := o.Raw("init"); len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &opt.InitCentroids); err != nil {
			return opt, core.Errorf(fn, "option \"init\" must be \"k-means++\", \"random\" or a JSON array of k centroids (arrays of numbers), got %s", string(raw))
		}
	} else {
		opt.Init = o.String("init", "k-means++")
		if o.Err() == nil && opt.Init != "k-means++" && opt.Init != "random" {
			return opt, core.Errorf(fn, "option \"init\" must be \"k-means++\", \"random\" or a JSON array of k centroids, got %q", text.Abbreviate(opt.Init, 40))
		}
	}
	opt.Weight = o.String("weight", "")
	opt.NInit = o.Int("n_init", 0, 1, 1000)
	opt.MaxIter = o.Int("max_iter", 300, 1, 1_000_000)
	opt.Tol = o.Float("tol", 1e-4, 0, 1)
	if opt.Tol == 0 {
		opt.Tol = math.SmallestNonzeroFloat64 // an explicit 0: stop only when labels stop changing
	}
	opt.Seed = uint64(o.Int("seed", 0, 0, math.MaxInt))
	opt.KeepScale = !o.Bool("standardize", true)
	opt.Algorithm = o.Enum("algorithm", "auto", "auto", "lloyd", "elkan", "hamerly", "minibatch")
	opt.BatchSize = o.Int("batch_size", 1024, 1, math.MaxInt32)
	opt.SkipBad = o.Enum("on_null", "error", "error", "skip") == "skip"
	opt.Threads = o.Int("threads", 0, 0, 1024)
	// An explicit 0 is refused rather than read as the default: the
	// silhouette is computed on at least one row.
	opt.SilhouetteSample = o.Int("silhouette_sample", 10000, 1, math.MaxInt32)
	opt.NumPyRandom = o.Enum("rng", "pcg", "pcg", "numpy") == "numpy"
	if b := o.MemoryBudget(); b.Given {
		opt.MaxMemory = b.Bytes
	}
	return opt, o.Err()
}

// withDefaults fills zero fields and checks what a Go caller may get wrong.
func (o Options) withDefaults(fn string, env *core.Env) (Options, error) {
	if o.Init == "" {
		o.Init = "k-means++"
	}
	if o.Init != "k-means++" && o.Init != "random" {
		return o, core.Errorf(fn, "option \"init\" must be \"k-means++\", \"random\" or an array of centroids, got %q", o.Init)
	}
	if o.Algorithm == "" {
		o.Algorithm = "auto"
	}
	switch o.Algorithm {
	case "auto", "lloyd", "elkan", "hamerly", "minibatch":
	default:
		return o, core.Errorf(fn, "option \"algorithm\" must be one of \"auto\", \"lloyd\", \"elkan\", \"hamerly\", \"minibatch\", got %q", o.Algorithm)
	}
	if o.MaxIter <= 0 {
		o.MaxIter = 300
	}
	if o.Tol == 0 {
		o.Tol = 1e-4
	}
	if o.Tol < 0 || math.IsNaN(o.Tol) {
		return o, core.Errorf(fn, "option \"tol\" must be a number from 0 to 1, got %g", o.Tol)
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 1024
	}
	if o.NInit < 0 {
		return o, core.Errorf(fn, "option \"n_init\" must be at least 1, got %d", o.NInit)
	}
	if o.Threads <= 0 {
		o.Threads = env.Threads
	}
	if o.Threads <= 0 {
		o.Threads = runtime.GOMAXPROCS(0)
	}
	if o.SilhouetteSample <= 0 {
		o.SilhouetteSample = 10000
	}
	if o.MaxMemory < 0 {
		return o, core.Errorf(fn, "option %q must be a positive number of bytes, got %d", core.MemoryOption, o.MaxMemory)
	}
	return o, nil
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
	tol := o.Tol
	if tol == math.SmallestNonzeroFloat64 {
		tol = 0 // how an explicit 0 travels (0 itself means the default)
	}
	nInit := o.NInit
	if nInit == 0 { // scikit-learn's "auto", resolved as Fit resolves it
		nInit = 1
		if o.Init == "random" && o.InitCentroids == nil {
			nInit = 10
		}
	}
	m := map[string]any{
		"k": o.K, "n_init": nInit, "max_iter": o.MaxIter, "tol": tol, "seed": o.Seed,
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
