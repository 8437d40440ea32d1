package assoc

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// bruteItemsets counts every itemset over numItems items (numItems small)
// directly and keeps those with count >= minCount and size <= maxLen
// (0 = any), in FrequentItemsets' order.
func bruteItemsets(baskets [][]int32, numItems, minCount, maxLen int) []Itemset {
	minCount = max(minCount, 1)
	masks := make([]uint32, len(baskets))
	for b, basket := range baskets {
		for _, it := range basket {
			masks[b] |= 1 << it
		}
	}
	var out []Itemset
	for set := uint32(1); set < 1<<numItems; set++ {
		size := 0
		for m := set; m != 0; m &= m - 1 {
			size++
		}
		if maxLen > 0 && size > maxLen {
			continue
		}
		c := 0
		for _, m := range masks {
			if m&set == set {
				c++
			}
		}
		if c >= minCount {
			var items []int32
			for i := range numItems {
				if set&(1<<i) != 0 {
					items = append(items, int32(i))
				}
			}
			out = append(out, Itemset{Items: items, Count: c})
		}
	}
	slices.SortFunc(out, func(a, b Itemset) int {
		if len(a.Items) != len(b.Items) {
			return len(a.Items) - len(b.Items)
		}
		return slices.Compare(a.Items, b.Items)
	})
	return out
}

func randomBaskets(rng *rand.Rand, n, numItems int) [][]int32 {
	baskets := make([][]int32, n)
	for b := range baskets {
		k := rng.IntN(numItems + 1)
		for range k {
			// Skewed item choice, with duplicates allowed (counted once).
			it := int32(rng.IntN(numItems) * rng.IntN(numItems) / numItems)
			baskets[b] = append(baskets[b], it)
		}
	}
	return baskets
}

func TestFrequentItemsetsBruteForce(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 300 {
		numItems := 1 + rng.IntN(12)
		n := rng.IntN(60)
		baskets := randomBaskets(rng, n, numItems)
		minCount := rng.IntN(6)
		maxLen := rng.IntN(5)
		want := bruteItemsets(baskets, numItems, minCount, maxLen)
		got, err := FrequentItemsets(baskets, numItems, Options{MinCount: minCount, MaxLen: maxLen})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.EqualFunc(got, want, func(a, b Itemset) bool {
			return a.Count == b.Count && slices.Equal(a.Items, b.Items)
		}) {
			t.Fatalf("trial %d (%d baskets, %d items, min count %d, max len %d):\n got %v\nwant %v",
				trial, n, numItems, minCount, maxLen, got, want)
		}
	}
}

// bruteRules makes the rules of sets straight from the definitions.
func bruteRules(sets []Itemset, opt RuleOptions) map[string]bool {
	count := map[string]int{}
	for _, s := range sets {
		count[fmt.Sprint(s.Items)] = s.Count
	}
	maxCons := max(1, opt.MaxConsequent)
	conf := func(a, c []int32) (int, int) { // count(A ∪ C), count(A)
		u := slices.Sorted(slices.Values(append(slices.Clone(a), c...)))
		return count[fmt.Sprint(u)], count[fmt.Sprint(a)]
	}
	out := map[string]bool{}
	for _, s := range sets {
		k := len(s.Items)
		for mask := 1; mask < 1<<k-1; mask++ {
			var a, c []int32
			for i, it := range s.Items {
				if mask&(1<<i) != 0 {
					c = append(c, it)
				} else {
					a = append(a, it)
				}
			}
			if len(c) > maxCons || float64(s.Count)/float64(count[fmt.Sprint(a)]) < opt.MinConfidence {
				continue
			}
			redundant := false
			if opt.PruneRedundant {
				for sub := 1; sub < 1<<len(a)-1; sub++ {
					var a2 []int32
					for i, it := range a {
						if sub&(1<<i) != 0 {
							a2 = append(a2, it)
						}
					}
					cu, ca := conf(a2, c)
					if cu*count[fmt.Sprint(a)] >= s.Count*ca {
						redundant = true
					}
				}
			}
			if !redundant {
				out[ruleKey(a, c)] = true
			}
		}
	}
	return out
}

func TestRulesBruteForce(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		numItems := 1 + rng.IntN(9)
		baskets := randomBaskets(rng, 5+rng.IntN(50), numItems)
		sets, err := FrequentItemsets(baskets, numItems, Options{MinCount: 1 + rng.IntN(4)})
		if err != nil {
			t.Fatal(err)
		}
		opt := RuleOptions{
			MinConfidence:  []float64{0, 0.3, 0.5, 0.8, 1}[rng.IntN(5)],
			MaxConsequent:  rng.IntN(4),
			PruneRedundant: rng.IntN(2) == 0,
		}
		rules, err := Rules(sets, len(baskets), opt)
		if err != nil {
			t.Fatal(err)
		}
		want := bruteRules(sets, opt)
		got := map[string]bool{}
		for _, r := range rules {
			got[ruleKey(r.Antecedent, r.Consequent)] = true
			if r.Count != countOf(baskets, append(slices.Clone(r.Antecedent), r.Consequent...)) {
				t.Fatalf("trial %d: rule %v => %v has count %d", trial, r.Antecedent, r.Consequent, r.Count)
			}
		}
		if len(got) != len(rules) || len(got) != len(want) {
			t.Fatalf("trial %d %+v: %d rules (%d distinct), want %d", trial, opt, len(rules), len(got), len(want))
		}
		for k := range want {
			if !got[k] {
				t.Fatalf("trial %d %+v: missing rule %s", trial, opt, k)
			}
		}
		for i := 1; i < len(rules); i++ {
			if rules[i].Lift > rules[i-1].Lift {
				t.Fatalf("trial %d: rules not ordered by lift", trial)
			}
		}
	}
}

func countOf(baskets [][]int32, items []int32) int {
	n := 0
	for _, b := range baskets {
		all := true
		for _, it := range items {
			if !slices.Contains(b, it) {
				all = false
				break
			}
		}
		if all {
			n++
		}
	}
	return n
}

func TestRedundantExample(t *testing.T) {
	// {0} => {2} has confidence 3/4; {0, 1} => {2} has 2/3 (redundant),
	// {0, 3} => {2} has 1/1 (kept).
	baskets := [][]int32{{0, 1, 2}, {0, 1, 2}, {0, 1}, {0, 2, 3}, {1}, {3}}
	sets, err := FrequentItemsets(baskets, 4, Options{MinCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := Rules(sets, len(baskets), RuleOptions{PruneRedundant: true})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, r := range rules {
		got[ruleKey(r.Antecedent, r.Consequent)] = true
	}
	if got["[0 1]=>[2]"] || !got["[0 3]=>[2]"] || !got["[0]=>[2]"] {
		t.Errorf("redundancy pruning kept %v", got)
	}
}

func TestLimitError(t *testing.T) {
	// 12 items in every basket: 4095 itemsets.
	basket := []int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	baskets := [][]int32{basket, basket, basket[:6]}
	_, err := FrequentItemsets(baskets, 12, Options{MinCount: 2, MaxItemsets: 1000})
	var le *LimitError
	if !errors.As(err, &le) || le.Limit != 1000 || le.Reached != 1001 {
		t.Fatalf("err = %v, want a *LimitError at 1000", err)
	}
	if !strings.Contains(err.Error(), "1001") || !strings.Contains(err.Error(), "raise") {
		t.Errorf("message %q does not name the count reached and what to raise", err)
	}
	sets, err := FrequentItemsets(baskets, 12, Options{MinCount: 2, MaxItemsets: 4095})
	if err != nil || len(sets) != 4095 {
		t.Errorf("limit 4095: %d itemsets, %v", len(sets), err)
	}
	// Not a single path: the limit also stops the recursive mining.
	rng := rand.New(rand.NewPCG(5, 6))
	many := randomBaskets(rng, 400, 14)
	_, err = FrequentItemsets(many, 14, Options{MinCount: 1, MaxItemsets: 50})
	if !errors.As(err, &le) {
		t.Errorf("random baskets, limit 50: err = %v", err)
	}
}

func TestCheckStops(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	baskets := randomBaskets(rng, 3000, 16)
	stop := errors.New("interrupted")
	calls := 0
	_, err := FrequentItemsets(baskets, 16, Options{MinCount: 1, Check: func() error {
		calls++
		if calls == 3 {
			return stop
		}
		return nil
	}})
	if !errors.Is(err, stop) || calls != 3 {
		t.Fatalf("err = %v after %d calls, want the Check error at the 3rd", err, calls)
	}
	sets, err := FrequentItemsets(baskets, 16, Options{MinCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	calls = 0
	_, err = Rules(sets, len(baskets), RuleOptions{MaxConsequent: 3, Check: func() error {
		calls++
		return stop
	}})
	if !errors.Is(err, stop) {
		t.Errorf("Rules: err = %v, want the Check error", err)
	}
}

func TestMaxLen(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	baskets := randomBaskets(rng, 200, 10)
	for maxLen := 1; maxLen <= 4; maxLen++ {
		sets, err := FrequentItemsets(baskets, 10, Options{MinCount: 2, MaxLen: maxLen})
		if err != nil {
			t.Fatal(err)
		}
		if len(sets) != len(bruteItemsets(baskets, 10, 2, maxLen)) {
			t.Errorf("max len %d: %d itemsets, want %d", maxLen, len(sets), len(bruteItemsets(baskets, 10, 2, maxLen)))
		}
		for _, s := range sets {
			if len(s.Items) > maxLen {
				t.Fatalf("max len %d: itemset %v", maxLen, s.Items)
			}
		}
	}
}

func TestMinCountFor(t *testing.T) {
	cases := []struct {
		s    float64
		n    int
		want int
	}{
		{0.001, 9835, 10}, {0.005, 9835, 50}, {0.01, 9835, 99}, {0.1, 30, 3}, {0.7, 10, 7},
		{0.5, 5, 3}, {0.6, 5, 3}, {1, 9835, 9835}, {0, 100, 1}, {1e-9, 100, 1},
	}
	for _, c := range cases {
		if got := MinCountFor(c.s, c.n); got != c.want {
			t.Errorf("MinCountFor(%v, %d) = %d, want %d", c.s, c.n, got, c.want)
		}
	}
}

func TestBadInput(t *testing.T) {
	if _, err := FrequentItemsets([][]int32{{0, 5}}, 3, Options{}); err == nil || !strings.Contains(err.Error(), "item 5") {
		t.Errorf("item out of range: %v", err)
	}
	if _, err := FrequentItemsets([][]int32{{-1}}, 3, Options{}); err == nil {
		t.Error("negative item: no error")
	}
	if _, err := FrequentItemsets(nil, 3, Options{MaxLen: -1}); err == nil {
		t.Error("MaxLen -1: no error")
	}
	if _, err := FrequentItemsets(nil, 3, Options{MaxItemsets: -1}); err == nil {
		t.Error("MaxItemsets -1: no error")
	}
	// One-item baskets and duplicates: counted once per basket.
	sets, err := FrequentItemsets([][]int32{{1, 1, 1}, {1}, {2, 2}}, 3, Options{MinCount: 1})
	if err != nil || len(sets) != 2 || sets[0].Count != 2 || sets[1].Count != 1 {
		t.Errorf("duplicates: %v, %v", sets, err)
	}
	sets = []Itemset{{Items: []int32{0}, Count: 3}, {Items: []int32{0, 1}, Count: 2}}
	if _, err := Rules(sets, 4, RuleOptions{}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing subset: %v", err)
	}
	for _, opt := range []RuleOptions{{MinConfidence: -0.1}, {MinConfidence: 1.5}, {MinLift: -1}, {MaxConsequent: -1}} {
		if _, err := Rules(sets, 4, opt); err == nil {
			t.Errorf("%+v: no error", opt)
		}
	}
	dup := []Itemset{{Items: []int32{0}, Count: 3}, {Items: []int32{0}, Count: 3}}
	if _, err := Rules(dup, 4, RuleOptions{}); err == nil {
		t.Error("duplicate itemset: no error")
	}
	if _, err := Rules(sets, 0, RuleOptions{}); err == nil {
		t.Error("0 baskets: no error")
	}
}
