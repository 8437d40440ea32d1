package assocfn

import (
	"encoding/json"
	"math"

	"github.com/seed-a084b42d/marketsql/algorithms/assoc"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Options are assoc_train's options.
type Options struct {
	// MinSupport is the smallest share of baskets a frequent itemset is in
	// ("min_support", default 0.01); an itemset is frequent when its count
	// is at least ceil(MinSupport × baskets), as in R's arules. MinCount
	// ("min_count"), when given, is that count itself and replaces it.
	MinSupport float64
	MinCount   int
	// MinConfidence keeps rules whose confidence is at least this
	// ("min_confidence", default 0.8, arules' default).
	MinConfidence float64
	// MinLift keeps rules whose lift is at least this ("min_lift", default 0).
	MinLift float64
	// MaxLen bounds the items of an itemset, both sides of a rule together
	// ("max_len", default 10, arules' default).
	MaxLen int
	// MaxConsequent bounds the items on a rule's right-hand side
	// ("max_consequent", default 1 as arules; more as mlxtend).
	MaxConsequent int
	// Target is "rules" (default) or "itemsets" (no rules are derived).
	Target string
	// PruneRedundant drops a rule when a more general rule (the same
	// right-hand side, a smaller left-hand side) has at least its
	// confidence ("prune_redundant", default false; arules' is.redundant).
	PruneRedundant bool
	// MaxItemsets stops mining with an error past this many frequent
	// itemsets ("max_itemsets", default 1,000,000).
	MaxItemsets int
	// SkipNull leaves out rows with a NULL basket or item ("on_null":
	// "skip"), counting them; the default is an error naming the row.
	SkipNull bool
}

// DefaultMaxItemsets is the default "max_itemsets".
const DefaultMaxItemsets = 1_000_000

var trainKeys = []string{"min_support", "min_count", "min_confidence", "min_lift", "max_len", "max_consequent",
	"target", "prune_redundant", "max_itemsets", "on_null"}

// Defaults returns the documented defaults.
func Defaults() Options {
	return Options{MinSupport: 0.01, MinConfidence: 0.8, MaxLen: 10, MaxConsequent: 1, Target: "rules", MaxItemsets: DefaultMaxItemsets}
}

// ParseOptions reads assoc_train's JSON options: every key starts at its
// default and is replaced by the one given, once checked.
func ParseOptions(fn string, text any) (Options, error) {
	o, err := core.ParseOptions(fn, text, trainKeys)
	if err != nil {
		return Options{}, err
	}
	opt := Defaults()
	if o.Has("min_support") {
		v := o.Float("min_support", opt.MinSupport, math.SmallestNonzeroFloat64, 1)
		if err := o.Err(); err != nil {
			return opt, core.Errorf(fn, "option \"min_support\" must be a share of the baskets above 0 and at most 1 (0.01 is 1%%), got %s", o.Raw("min_support"))
		}
		opt.MinSupport = v
	}
	opt.MinCount = o.Int("min_count", 0, 1, math.MaxInt32)
	opt.MinConfidence = o.Float("min_confidence", opt.MinConfidence, 0, 1)
	opt.MinLift = o.Float("min_lift", opt.MinLift, 0, math.MaxFloat64)
	opt.MaxLen = o.Int("max_len", opt.MaxLen, 1, 1000)
	opt.MaxConsequent = o.Int("max_consequent", opt.MaxConsequent, 1, 1000)
	opt.Target = o.Enum("target", opt.Target, "rules", "itemsets")
	opt.PruneRedundant = o.Bool("prune_redundant", false)
	opt.MaxItemsets = o.Int("max_itemsets", opt.MaxItemsets, 1, math.MaxInt32)
	opt.SkipNull = o.Enum("on_null", "error", "error", "skip") == "skip"
	if err := o.Err(); err != nil {
		return opt, err
	}
	return opt, opt.Check(fn)
}

// Check reports an option out of its range, for Go callers who fill
// Options themselves (the JSON options are checked as they are read).
func (o Options) Check(fn string) error {
	switch {
	case o.MinCount == 0 && !(o.MinSupport > 0 && o.MinSupport <= 1):
		return core.Errorf(fn, "MinSupport must be above 0 and at most 1, got %g", o.MinSupport)
	case o.MinCount < 0:
		return core.Errorf(fn, "MinCount must be 1 or more (or 0 to use MinSupport), got %d", o.MinCount)
	case !(o.MinConfidence >= 0 && o.MinConfidence <= 1):
		return core.Errorf(fn, "MinConfidence must be from 0 to 1, got %g", o.MinConfidence)
	case !(o.MinLift >= 0):
		return core.Errorf(fn, "MinLift must be 0 or more, got %g", o.MinLift)
	case o.MaxLen < 1, o.MaxConsequent < 1, o.MaxItemsets < 1:
		return core.Errorf(fn, "MaxLen, MaxConsequent and MaxItemsets must be at least 1, got %d, %d, %d", o.MaxLen, o.MaxConsequent, o.MaxItemsets)
	case o.Target != "rules" && o.Target != "itemsets":
		return core.Errorf(fn, "Target must be \"rules\" or \"itemsets\", got %q", o.Target)
	}
	return nil
}

// MinCountFor is the count an itemset needs among baskets: MinCount when
// given, else ceil(MinSupport × baskets) as R's arules computes it
// (assoc.MinCountFor).
func (o Options) MinCountFor(baskets int) int {
	if o.MinCount > 0 {
		return o.MinCount
	}
	return assoc.MinCountFor(o.MinSupport, baskets)
}

// json is the options as ml_models.options records them.
func (o Options) json() string {
	m := map[string]any{"min_support": o.MinSupport, "min_confidence": o.MinConfidence, "min_lift": o.MinLift,
		"max_len": o.MaxLen, "max_consequent": o.MaxConsequent, "target": o.Target, "prune_redundant": o.PruneRedundant,
		"max_itemsets": o.MaxItemsets, "on_null": "error"}
	if o.MinCount > 0 {
		m["min_count"] = o.MinCount
	}
	if o.SkipNull {
		m["on_null"] = "skip"
	}
	b, _ := json.Marshal(m)
	return string(b)
}
