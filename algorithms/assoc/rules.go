package assoc

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// RuleOptions controls Rules. The zero value keeps every rule with a
// one-item consequent.
type RuleOptions struct {
	// MinConfidence keeps a rule when its confidence >= MinConfidence
	// (inclusive, as arules; Weka keeps only confidence above it). It
	// must lie in 0..1.
	MinConfidence float64

	// MinLift keeps a rule when its lift >= MinLift; 0 keeps all.
	MinLift float64

	// MaxConsequent is the largest number of items on the right-hand
	// side. 0 or 1 means one item, as arules; more gives mlxtend's rules
	// (every split of an itemset with a consequent up to this size).
	MaxConsequent int

	// PruneRedundant drops a rule A => C when a more general rule A' => C
	// (A' a non-empty proper subset of A, same consequent) has at least
	// its confidence: arules' is.redundant (improvement <= 0). The
	// comparison is exact, on the counts. Rules with an empty antecedent
	// are never made, so unlike arules' default (minlen 1), {} => C does
	// not make a rule redundant; arules with minlen = 2 agrees.
	PruneRedundant bool

	// Check, when not nil, is polled regularly; its error stops Rules.
	Check func() error
}

// Rule is an association rule Antecedent => Consequent. Both sides are
// non-empty, disjoint and in ascending id order. The measures follow
// mlxtend's association_rules (which agree with arules' where both define
// them), with supports as fractions of the baskets: sA, sC and sAC are the
// supports of the antecedent, the consequent and both.
type Rule struct {
	Antecedent, Consequent []int32

	Count           int // baskets holding antecedent ∪ consequent
	AntecedentCount int // baskets holding the antecedent
	ConsequentCount int // baskets holding the consequent

	Support           float64 // sAC
	AntecedentSupport float64 // sA
	ConsequentSupport float64 // sC
	Confidence        float64 // sAC / sA, computed as Count / AntecedentCount
	Lift              float64 // Confidence / sC
	Leverage          float64 // sAC - sA sC
	Conviction        float64 // (1 - sC) / (1 - Confidence); +Inf when Confidence == 1

	// ZhangsMetric is Leverage / max(sAC (1 - sA), sA (sC - sAC)), 0 when
	// that maximum is 0.
	ZhangsMetric float64
	Jaccard      float64 // sAC / (sA + sC - sAC)
	// Certainty is (Confidence - sC) / (1 - sC), 0 when sC == 1.
	Certainty  float64
	Kulczynski float64 // (sAC/sA + sAC/sC) / 2
	// Representativity is mlxtend's share of baskets without missing
	// values; baskets here have none, so it is always 1.
	Representativity float64
}

// Rules derives the association rules of frequent itemsets counted over
// baskets baskets. sets must hold every subset of each of its itemsets,
// as FrequentItemsets' output does; a missing subset is an error. Items
// of each set must be in ascending order. The rules are ordered by lift,
// highest first, then by confidence and count (highest first), then by
// antecedent and consequent (lexicographically by id).
func Rules(sets []Itemset, baskets int, opt RuleOptions) ([]Rule, error) {
	if !(opt.MinConfidence >= 0 && opt.MinConfidence <= 1) {
		return nil, fmt.Errorf("assoc: minimum confidence must be between 0 and 1, got %v", opt.MinConfidence)
	}
	if !(opt.MinLift >= 0) || math.IsInf(opt.MinLift, 1) {
		return nil, fmt.Errorf("assoc: minimum lift must be 0 (none) or a positive number, got %v", opt.MinLift)
	}
	if opt.MaxConsequent < 0 {
		return nil, fmt.Errorf("assoc: maximum consequent size must be 0 (one item) or positive, got %d", opt.MaxConsequent)
	}
	if len(sets) == 0 {
		return nil, nil
	}
	if baskets <= 0 {
		return nil, fmt.Errorf("assoc: number of baskets must be positive, got %d", baskets)
	}
	ix, err := newSetIndex(sets)
	if err != nil {
		return nil, err
	}
	r := &ruler{ix: ix, opt: opt, n: float64(baskets)}
	maxCons := max(1, opt.MaxConsequent)
	for si := range sets {
		s := &sets[si]
		k := len(s.Items)
		if k < 2 {
			continue
		}
		if s.Count > baskets {
			return nil, fmt.Errorf("assoc: itemset %v has count %d, more than the %d baskets", s.Items, s.Count, baskets)
		}
		for size := 1; size <= min(maxCons, k-1); size++ {
			if err := r.split(s, size); err != nil {
				return nil, err
			}
		}
		if si&1023 == 1023 && opt.Check != nil {
			if err := opt.Check(); err != nil {
				return nil, fmt.Errorf("assoc: rule generation stopped: %w", err)
			}
		}
	}
	// Candidates are compact records without pointers (cheap to grow,
	// nothing for the garbage collector to scan); the Rules are made once,
	// in order, at the end.
	recs, items := r.recs, r.items
	side := func(off, n int32) []int32 { return items[off : off+n : off+n] }
	slices.SortFunc(recs, func(a, b ruleRec) int {
		if c := cmp.Compare(b.lift, a.lift); c != 0 {
			return c
		}
		// Confidence, exactly: a.count/a.ante vs b.count/b.ante.
		if c := cmp.Compare(int64(b.count)*int64(a.ante), int64(a.count)*int64(b.ante)); c != 0 {
			return c
		}
		if c := cmp.Compare(b.count, a.count); c != 0 {
			return c
		}
		if c := slices.Compare(side(a.off, a.nAnte), side(b.off, b.nAnte)); c != 0 {
			return c
		}
		return slices.Compare(side(a.off+a.nAnte, a.nCons), side(b.off+b.nAnte, b.nCons))
	})
	out := make([]Rule, len(recs))
	for i, rec := range recs {
		out[i] = r.rule(rec, side(rec.off, rec.nAnte), side(rec.off+rec.nAnte, rec.nCons))
	}
	return out, nil
}

// ruler holds the state of one Rules call.
type ruler struct {
	ix    *setIndex
	opt   RuleOptions
	n     float64
	recs  []ruleRec
	items []int32 // antecedent then consequent of each record
	ante  []int32
	cons  []int32
	sub   []int32
	union []int32
	pos   []int
}

// split makes the rules of s whose consequent has size items.
func (r *ruler) split(s *Itemset, size int) error {
	k := len(s.Items)
	pos := r.pos[:0]
	for i := range size {
		pos = append(pos, i)
	}
	r.pos = pos
	for {
		// Consequent: the items at pos; antecedent: the others.
		cons, ante := r.cons[:0], r.ante[:0]
		j := 0
		for i, it := range s.Items {
			if j < size && pos[j] == i {
				cons = append(cons, it)
				j++
			} else {
				ante = append(ante, it)
			}
		}
		r.cons, r.ante = cons, ante
		if err := r.consider(s, ante, cons); err != nil {
			return err
		}
		// Next combination of size positions out of k.
		i := size - 1
		for i >= 0 && pos[i] == k-size+i {
			i--
		}
		if i < 0 {
			return nil
		}
		pos[i]++
		for j := i + 1; j < size; j++ {
			pos[j] = pos[j-1] + 1
		}
	}
}

func (r *ruler) count(items []int32) (int, error) {
	c := r.ix.count(items)
	if c < 0 {
		return 0, fmt.Errorf("assoc: itemset %v is missing from the frequent itemsets; Rules needs every subset of every itemset", items)
	}
	return c, nil
}

// consider makes the rule ante => cons of itemset s when it passes the
// thresholds.
func (r *ruler) consider(s *Itemset, ante, cons []int32) error {
	a, err := r.count(ante)
	if err != nil {
		return err
	}
	if a <= 0 || s.Count > a {
		return fmt.Errorf("assoc: itemset %v has count %d, more than its subset %v (%d)", s.Items, s.Count, ante, a)
	}
	conf := float64(s.Count) / float64(a)
	if conf < r.opt.MinConfidence {
		return nil
	}
	c, err := r.count(cons)
	if err != nil {
		return err
	}
	if c <= 0 || s.Count > c {
		return fmt.Errorf("assoc: itemset %v has count %d, more than its subset %v (%d)", s.Items, s.Count, cons, c)
	}
	sC := float64(c) / r.n
	lift := conf / sC
	if lift < r.opt.MinLift {
		return nil
	}
	if r.opt.PruneRedundant && len(ante) > 1 {
		red, err := r.redundant(s.Count, a, ante, cons)
		if err != nil || red {
			return err
		}
	}
	if len(r.items)+len(ante)+len(cons) > math.MaxInt32 {
		return fmt.Errorf("assoc: too many rules (%d)", len(r.recs))
	}
	r.recs = append(r.recs, ruleRec{
		lift: lift, count: int32(s.Count), ante: int32(a), cons: int32(c),
		off: int32(len(r.items)), nAnte: int32(len(ante)), nCons: int32(len(cons)),
	})
	r.items = append(r.items, ante...)
	r.items = append(r.items, cons...)
	return nil
}

// ruleRec is a rule while rules are collected: its lift (the sort key),
// counts, and where its items are in ruler.items.
type ruleRec struct {
	lift              float64
	count, ante, cons int32
	off, nAnte, nCons int32
}

// rule computes the measures of a collected rule.
func (r *ruler) rule(rec ruleRec, ante, cons []int32) Rule {
	return NewRule(ante, cons, int(rec.count), int(rec.ante), int(rec.cons), int(r.n))
}

// NewRule is the rule ante => cons with its measures, from the number of
// baskets holding both sides (count), the antecedent, the consequent, and
// all baskets: how Rules computes them, so a stored rule's measures come
// back bit for bit from its counts.
func NewRule(ante, cons []int32, count, anteCount, consCount, baskets int) Rule {
	n := float64(baskets)
	sA := float64(anteCount) / n
	sC := float64(consCount) / n
	sAC := float64(count) / n
	conf := float64(count) / float64(anteCount)
	rule := Rule{
		Antecedent:        ante,
		Consequent:        cons,
		Count:             count,
		AntecedentCount:   anteCount,
		ConsequentCount:   consCount,
		Support:           sAC,
		AntecedentSupport: sA,
		ConsequentSupport: sC,
		Confidence:        conf,
		Lift:              conf / sC,
		Leverage:          sAC - sA*sC,
		Conviction:        math.Inf(1),
		Jaccard:           sAC / (sA + sC - sAC),
		Kulczynski:        (sAC/sA + sAC/sC) / 2,
		Representativity:  1,
	}
	if conf < 1 {
		rule.Conviction = (1 - sC) / (1 - conf)
	}
	if d := math.Max(sAC*(1-sA), sA*(sC-sAC)); d != 0 {
		rule.ZhangsMetric = rule.Leverage / d
	}
	if d := 1 - sC; d != 0 {
		rule.Certainty = (conf - sC) / d
	}
	return rule
}

// redundant reports whether some rule A' => cons, A' a non-empty proper
// subset of ante, has confidence >= countAC / countA.
func (r *ruler) redundant(countAC, countA int, ante, cons []int32) (bool, error) {
	na := len(ante)
	if na > 62 {
		return false, fmt.Errorf("assoc: antecedent of %d items is too long to check for redundancy", na)
	}
	full := uint64(1)<<na - 1
	for mask := uint64(1); mask < full; mask++ {
		sub := r.sub[:0]
		for m := mask; m != 0; m &= m - 1 {
			sub = append(sub, ante[bits.TrailingZeros64(m)])
		}
		r.sub = sub
		union := mergeSorted(r.union[:0], sub, cons)
		r.union = union
		cs, err := r.count(sub)
		if err != nil {
			return false, err
		}
		cu, err := r.count(union)
		if err != nil {
			return false, err
		}
		// cu/cs >= countAC/countA, exactly.
		if int64(cu)*int64(countA) >= int64(countAC)*int64(cs) {
			return true, nil
		}
	}
	return false, nil
}

// mergeSorted appends the union of two ascending, disjoint lists to dst.
func mergeSorted(dst, a, b []int32) []int32 {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] < b[j] {
			dst = append(dst, a[i])
			i++
		} else {
			dst = append(dst, b[j])
			j++
		}
	}
	dst = append(dst, a[i:]...)
	return append(dst, b[j:]...)
}

// setIndex finds the count of an itemset by its items: open addressing
// over a power-of-two table of indices into the sets.
type setIndex struct {
	sets  []Itemset
	slots []int32 // 1 + index into sets; 0 = empty
	mask  uint64
}

func newSetIndex(sets []Itemset) (*setIndex, error) {
	if len(sets) >= math.MaxInt32 {
		return nil, fmt.Errorf("assoc: too many itemsets (%d)", len(sets))
	}
	size := 1
	for size < 2*len(sets) {
		size <<= 1
	}
	ix := &setIndex{sets: sets, slots: make([]int32, size), mask: uint64(size - 1)}
	for i, s := range sets {
		if !slices.IsSorted(s.Items) {
			return nil, fmt.Errorf("assoc: itemset %v is not in ascending item order", s.Items)
		}
		h := hashItems(s.Items) & ix.mask
		for {
			k := ix.slots[h]
			if k == 0 {
				ix.slots[h] = int32(i + 1)
				break
			}
			if slices.Equal(sets[k-1].Items, s.Items) {
				return nil, fmt.Errorf("assoc: itemset %v is given twice", s.Items)
			}
			h = (h + 1) & ix.mask
		}
	}
	return ix, nil
}

// count returns the count of the itemset with exactly these items, or -1.
func (ix *setIndex) count(items []int32) int {
	h := hashItems(items) & ix.mask
	for {
		k := ix.slots[h]
		if k == 0 {
			return -1
		}
		if s := &ix.sets[k-1]; slices.Equal(s.Items, items) {
			return s.Count
		}
		h = (h + 1) & ix.mask
	}
}

func hashItems(items []int32) uint64 {
	h := uint64(len(items)) * 0x9e3779b97f4a7c15
	for _, x := range items {
		h ^= uint64(uint32(x))
		h *= 0xff51afd7ed558ccd
		h ^= h >> 32
	}
	h ^= h >> 29
	h *= 0xc4ceb9fe1a85ec53
	return h ^ h>>32
}
