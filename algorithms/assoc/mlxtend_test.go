package assoc

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// Cases ported from mlxtend's frequent-pattern tests: rasbt/mlxtend @
// 9aadcee334f8b07003246d436cd9135b6d62a6b2,
// mlxtend/frequent_patterns/tests/test_fpbase.py, test_fpgrowth.py and
// test_association_rules.py (BSD-3-Clause, Copyright (c) 2014-2026
// Sebastian Raschka). Data and expected values only.

// mlxtendOneAry is the shared 5-transaction data set over the 11 items
// Apple, Corn, Dill, Eggs, Ice cream, Kidney Beans, Milk, Nutmeg, Onion,
// Unicorn, Yogurt (ids 0..10), as a 0/1 array.
var mlxtendOneAry = [][]int{
	{0, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1},
	{0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 1},
	{1, 0, 0, 1, 0, 1, 1, 0, 0, 0, 0},
	{0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 1},
	{0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 0},
}

func mlxtendBaskets() [][]int32 {
	var b [][]int32
	for _, row := range mlxtendOneAry {
		var basket []int32
		for j, v := range row {
			if v == 1 {
				basket = append(basket, int32(j))
			}
		}
		b = append(b, basket)
	}
	return b
}

// test_fpbase.py FPTestEx1All.test_default: fpgrowth(df) at the default
// min_support 0.5.
var mlxtendEx1Itemsets = []struct {
	support float64
	items   []int32
}{
	{0.8, []int32{3}},
	{1.0, []int32{5}},
	{0.6, []int32{6}},
	{0.6, []int32{8}},
	{0.6, []int32{10}},
	{0.8, []int32{3, 5}},
	{0.6, []int32{3, 8}},
	{0.6, []int32{5, 6}},
	{0.6, []int32{5, 8}},
	{0.6, []int32{5, 10}},
	{0.6, []int32{3, 5, 8}},
}

func TestMlxtendEx1Itemsets(t *testing.T) {
	baskets := mlxtendBaskets()
	sets, err := FrequentItemsets(baskets, 11, Options{MinCount: MinCountFor(0.5, len(baskets))})
	if err != nil {
		t.Fatal(err)
	}
	if len(sets) != len(mlxtendEx1Itemsets) {
		t.Fatalf("%d itemsets, want %d: %v", len(sets), len(mlxtendEx1Itemsets), sets)
	}
	for i, want := range mlxtendEx1Itemsets {
		got := sets[i]
		support := float64(got.Count) / float64(len(baskets))
		if !slices.Equal(got.Items, want.items) || math.Abs(support-want.support) > 1e-12 {
			t.Errorf("itemset %d: %v support %v, want %v support %v", i, got.Items, support, want.items, want.support)
		}
	}

	// test_max_len: the longest itemset has 3 items, 2 with max_len=2.
	sets, err = FrequentItemsets(baskets, 11, Options{MinCount: 3, MaxLen: 2})
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sets[len(sets)-1].Items); n != 2 || len(sets) != 10 {
		t.Errorf("max_len 2: %d itemsets, longest %d items; want 10 and 2", len(sets), n)
	}
}

// test_fpbase.py FPTestEx2All.test_output: [a], [b], [c, d], [e] at
// min_support 0.001: every item and {c, d}, each with support 0.25.
// FPTestEdgeCases.test_empty: no transactions, no itemsets.
func TestMlxtendEx2AndEmpty(t *testing.T) {
	baskets := [][]int32{{0}, {1}, {2, 3}, {4}}
	sets, err := FrequentItemsets(baskets, 5, Options{MinCount: MinCountFor(0.001, len(baskets))})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int32{{0}, {1}, {2}, {3}, {4}, {2, 3}}
	if len(sets) != len(want) {
		t.Fatalf("%d itemsets, want %d: %v", len(sets), len(want), sets)
	}
	for i := range want {
		if !slices.Equal(sets[i].Items, want[i]) || sets[i].Count != 1 {
			t.Errorf("itemset %d: %v count %d, want %v count 1 (support 0.25)", i, sets[i].Items, sets[i].Count, want[i])
		}
	}

	sets, err = FrequentItemsets(nil, 0, Options{})
	if err != nil || len(sets) != 0 {
		t.Errorf("no baskets: %v, %v; want no itemsets and no error", sets, err)
	}
	rules, err := Rules(nil, 0, RuleOptions{})
	if err != nil || len(rules) != 0 {
		t.Errorf("no itemsets: %v, %v; want no rules and no error", rules, err)
	}
}

// mlxtendRule is one row of test_association_rules.py test_default, in
// its column order; the expected values are rounded to 3 decimals, as the
// test rounds the result.
type mlxtendRule struct {
	ante, cons                             []int32
	sA, sC, s, conf, lift, repr, lev, conv float64
	zhang, jaccard, certainty, kulczynski  float64
}

// test_association_rules.py test_default: association_rules(apriori(df,
// min_support=0.6), len(df)), confidence >= 0.8 (the default metric and
// threshold); several items on the right-hand side.
var mlxtendDefaultRules = []mlxtendRule{
	{[]int32{8}, []int32{5}, 0.6, 1.0, 0.6, 1.0, 1.0, 1.0, 0.0, math.Inf(1), 0, 0.6, 0.0, 0.8},
	{[]int32{6}, []int32{5}, 0.6, 1.0, 0.6, 1.0, 1.0, 1.0, 0.0, math.Inf(1), 0, 0.6, 0.0, 0.8},
	{[]int32{8, 3}, []int32{5}, 0.6, 1.0, 0.6, 1.0, 1.0, 1.0, 0.0, math.Inf(1), 0, 0.6, 0.0, 0.8},
	{[]int32{8, 5}, []int32{3}, 0.6, 0.8, 0.6, 1.0, 1.25, 1.0, 0.12, math.Inf(1), 0.5, 0.75, 1.0, 0.875},
	{[]int32{8}, []int32{3, 5}, 0.6, 0.8, 0.6, 1.0, 1.25, 1.0, 0.12, math.Inf(1), 0.5, 0.75, 1.0, 0.875},
	{[]int32{3}, []int32{5}, 0.8, 1.0, 0.8, 1.0, 1.0, 1.0, 0.0, math.Inf(1), 0, 0.8, 0.0, 0.9},
	{[]int32{5}, []int32{3}, 1.0, 0.8, 0.8, 0.8, 1.0, 1.0, 0.0, 1.0, 0.0, 0.8, 0.0, 0.9},
	{[]int32{10}, []int32{5}, 0.6, 1.0, 0.6, 1.0, 1.0, 1.0, 0.0, math.Inf(1), 0, 0.6, 0.0, 0.8},
	{[]int32{8}, []int32{3}, 0.6, 0.8, 0.6, 1.0, 1.25, 1.0, 0.12, math.Inf(1), 0.5, 0.75, 1.0, 0.875},
}

func ruleKey(ante, cons []int32) string {
	a, c := slices.Sorted(slices.Values(ante)), slices.Sorted(slices.Values(cons))
	return fmt.Sprint(a, "=>", c)
}

func mlxtendAllRules(t *testing.T, minConfidence float64) []Rule {
	t.Helper()
	baskets := mlxtendBaskets()
	sets, err := FrequentItemsets(baskets, 11, Options{MinCount: MinCountFor(0.6, len(baskets))})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := Rules(sets, len(baskets), RuleOptions{MinConfidence: minConfidence, MaxConsequent: 10})
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

func TestMlxtendRuleMetrics(t *testing.T) {
	rules := mlxtendAllRules(t, 0.8)
	if len(rules) != len(mlxtendDefaultRules) {
		t.Errorf("%d rules, want %d", len(rules), len(mlxtendDefaultRules))
	}
	byKey := map[string]Rule{}
	for _, r := range rules {
		byKey[ruleKey(r.Antecedent, r.Consequent)] = r
	}
	round3 := func(x float64) float64 {
		if math.IsInf(x, 0) {
			return x
		}
		return math.Round(x*1000) / 1000
	}
	for _, w := range mlxtendDefaultRules {
		key := ruleKey(w.ante, w.cons)
		r, ok := byKey[key]
		if !ok {
			t.Errorf("missing rule %s", key)
			continue
		}
		metrics := []struct {
			name      string
			got, want float64
		}{
			{"antecedent support", r.AntecedentSupport, w.sA},
			{"consequent support", r.ConsequentSupport, w.sC},
			{"support", r.Support, w.s},
			{"confidence", r.Confidence, w.conf},
			{"lift", r.Lift, w.lift},
			{"representativity", r.Representativity, w.repr},
			{"leverage", r.Leverage, w.lev},
			{"conviction", r.Conviction, w.conv},
			{"zhangs_metric", r.ZhangsMetric, w.zhang},
			{"jaccard", r.Jaccard, w.jaccard},
			{"certainty", r.Certainty, w.certainty},
			{"kulczynski", r.Kulczynski, w.kulczynski},
		}
		for _, m := range metrics {
			got := round3(m.got)
			if math.IsInf(m.want, 1) {
				if !math.IsInf(m.got, 1) {
					t.Errorf("%s: %s = %v, want +Inf", key, m.name, m.got)
				}
				continue
			}
			if math.Abs(got-m.want) > 1e-9 {
				t.Errorf("%s: %s = %v (rounded %v), want %v", key, m.name, m.got, got, m.want)
			}
		}
	}
}

// The test_leverage ... test_override_metric_with_support cases:
// association_rules(apriori(df, min_support=0.6), len(df), metric=...,
// min_threshold=...) and the number of rules it keeps (value >= threshold).
func TestMlxtendRuleCounts(t *testing.T) {
	rules := mlxtendAllRules(t, 0)
	if len(rules) != 16 {
		t.Fatalf("%d rules in all, want 16", len(rules))
	}
	cases := []struct {
		metric    string
		threshold float64
		want      int
		value     func(Rule) float64
	}{
		{"leverage", 0.1, 6, func(r Rule) float64 { return r.Leverage }},
		{"conviction", 1.5, 11, func(r Rule) float64 { return r.Conviction }},
		{"lift", 1.1, 6, func(r Rule) float64 { return r.Lift }},
		{"confidence", 0.8, 9, func(r Rule) float64 { return r.Confidence }},
		{"representativity", 1.0, 16, func(r Rule) float64 { return r.Representativity }},
		{"jaccard", 0.7, 8, func(r Rule) float64 { return r.Jaccard }},
		{"certainty", 0.6, 3, func(r Rule) float64 { return r.Certainty }},
		{"kulczynski", 0.9, 2, func(r Rule) float64 { return r.Kulczynski }},
		{"kulczynski", 0.6, 16, func(r Rule) float64 { return r.Kulczynski }},
		{"support", 0.8, 2, func(r Rule) float64 { return r.Support }},
	}
	for _, c := range cases {
		n := 0
		for _, r := range rules {
			if c.value(r) >= c.threshold {
				n++
			}
		}
		if n != c.want {
			t.Errorf("%s >= %v: %d rules, want %d", c.metric, c.threshold, n, c.want)
		}
	}
	// test_empty_result: confidence >= 2 keeps none (here an error: a
	// confidence threshold above 1 is a mistake).
	if _, err := Rules(nil, 5, RuleOptions{MinConfidence: 2}); err == nil {
		t.Error("MinConfidence 2: no error")
	}
	// The RuleOptions thresholds agree with filtering afterwards.
	viaLift := 0
	baskets := mlxtendBaskets()
	sets, _ := FrequentItemsets(baskets, 11, Options{MinCount: 3})
	lifted, err := Rules(sets, len(baskets), RuleOptions{MinLift: 1.1, MaxConsequent: 10})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if r.Lift >= 1.1 {
			viaLift++
		}
	}
	if len(lifted) != viaLift {
		t.Errorf("MinLift 1.1: %d rules, filtering gives %d", len(lifted), viaLift)
	}
}
