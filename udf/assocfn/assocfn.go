// Package assocfn is the SQL surface of market-basket rules:
//
//	assoc_train(model, source, options)   mine (basket, item) rows with FP-growth and store the rules; JSON summary
//	assoc_rules(model [, options])        table: one row per rule with its measures
//	assoc_itemsets(model)                 table: the frequent itemsets with support and count
//	assoc_recommend(model, basket, n)     table: items the rules suggest for a basket, with the rule that fired
package assocfn

import (
	"cmp"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/seed-a084b42d/marketsql/algorithms/assoc"
	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Functions is the basket-rule family's SQL surface.
var Functions = []core.Function{
	{Name: "assoc_train", Writes: true, Signature: "assoc_train(model, source, options)",
		Summary: "mine frequent itemsets of (basket, item) rows with FP-growth and store the association rules; returns a JSON summary",
		Scalar:  core.TrainFunc("assoc_train", ParseOptions, Train)},
	{Name: "assoc_rules", Signature: "assoc_rules(model [, options])",
		Summary: "the rules of a model with support, confidence, lift, leverage, conviction and count, by lift (option order_by)",
		Table: &core.TableFunc{Columns: []string{"rule INTEGER", "antecedent TEXT", "consequent TEXT", "support REAL",
			"confidence REAL", "lift REAL", "leverage REAL", "conviction REAL", "count INTEGER"},
			Args: []string{"model", "options"}, MinArgs: 1, Run: rulesTable}},
	{Name: "assoc_itemsets", Signature: "assoc_itemsets(model)",
		Summary: "the frequent itemsets of a model with their support, count and size",
		Table: &core.TableFunc{Columns: []string{"itemset TEXT", "support REAL", "count INTEGER", "size INTEGER"},
			Args: []string{"model"}, MinArgs: 1, Run: itemsetsTable}},
	{Name: "assoc_recommend", Signature: "assoc_recommend(model, basket_json [, n])",
		Summary: "the n (default 10) items the rules suggest for a basket (a JSON array of item keys), each with the rule that fired",
		Table: &core.TableFunc{Columns: []string{"rank INTEGER", "item", "confidence REAL", "lift REAL", "support REAL",
			"because INTEGER", "antecedent TEXT"},
			Args: []string{"model", "basket", "n"}, MinArgs: 2, Run: recommendTable}},
}

// Register adds the family's functions to a connection.
func Register(c *core.Conn) error { return core.Register(c, Functions) }

// Load returns the model named by arg.
func Load(c *core.Conn, fn string, arg any) (*Model, error) {
	return core.LoadModelArg(c, fn, arg, Kind, Decode)
}

// conviction is a rule's conviction for SQL: NULL when it is infinite
// (confidence 1), which no REAL column can sort or sum.
func conviction(r *assoc.Rule) any {
	if math.IsInf(r.Conviction, 0) {
		return nil
	}
	return r.Conviction
}

func rulesTable(c *core.Conn, args []any) ([][]any, error) {
	const fn = "assoc_rules"
	m, err := Load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	o, err := core.ParseOptions(fn, args[1], []string{"order_by"})
	if err != nil {
		return nil, err
	}
	by := o.Enum("order_by", "lift", "lift", "confidence", "support", "leverage", "count")
	if err := o.Err(); err != nil {
		return nil, err
	}
	order := make([]int, len(m.Rules))
	for i := range order {
		order[i] = i
	}
	if by != "lift" { // stored by lift; other orders keep lift order among ties
		key := func(r *assoc.Rule) float64 {
			switch by {
			case "confidence":
				return r.Confidence
			case "support":
				return r.Support
			case "leverage":
				return r.Leverage
			}
			return float64(r.Count)
		}
		slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(key(&m.Rules[b]), key(&m.Rules[a])) })
	}
	rows := make([][]any, 0, len(order))
	for _, i := range order {
		r := &m.Rules[i]
		rows = append(rows, []any{int64(i + 1), m.keysJSON(r.Antecedent), m.keysJSON(r.Consequent), r.Support,
			r.Confidence, r.Lift, r.Leverage, conviction(r), int64(r.Count)})
	}
	return rows, nil
}

func itemsetsTable(c *core.Conn, args []any) ([][]any, error) {
	const fn = "assoc_itemsets"
	m, err := Load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	rows := make([][]any, 0, len(m.Itemsets))
	for _, s := range m.Itemsets {
		rows = append(rows, []any{m.keysJSON(s.Items), float64(s.Count) / float64(m.Baskets), int64(s.Count), int64(len(s.Items))})
	}
	return rows, nil
}

func recommendTable(c *core.Conn, args []any) ([][]any, error) {
	const fn = "assoc_recommend"
	m, err := Load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	basketText, err := core.Text(fn, "basket", args[1])
	if err != nil {
		return nil, err
	}
	var keys []any
	dec := json.NewDecoder(strings.NewReader(basketText))
	dec.UseNumber()
	if err := dec.Decode(&keys); err != nil {
		return nil, core.Errorf(fn, "basket must be a JSON array of item keys such as '[\"85123A\", \"71053\"]' or json_array(...), got %s", text.Quote(basketText, 60))
	}
	n := int64(10)
	if args[2] != nil {
		if n, err = core.Integer(fn, "n", args[2]); err != nil {
			return nil, err
		}
		if n < 1 {
			return nil, core.Errorf(fn, "n must be at least 1, got %d", n)
		}
	}
	in := make(map[int32]bool, len(keys))
	for i, k := range keys {
		key, ok, err := jsonKey(k)
		if err != nil {
			return nil, core.Errorf(fn, "basket item %d: %v", i+1, err)
		}
		if !ok {
			continue
		}
		if id, found := m.Item(key); found {
			in[id] = true
		}
	}
	type pick struct {
		item int32
		rule int
	}
	best := map[int32]int{} // item -> the best rule suggesting it
	for k := range m.Rules {
		r := &m.Rules[k]
		fires := true
		for _, id := range r.Antecedent {
			if !in[id] {
				fires = false
				break
			}
		}
		if !fires {
			continue
		}
		for _, id := range r.Consequent {
			if in[id] {
				continue
			}
			if b, seen := best[id]; !seen || better(r, &m.Rules[b]) {
				best[id] = k
			}
		}
	}
	picks := make([]pick, 0, len(best))
	for id, k := range best {
		picks = append(picks, pick{id, k})
	}
	slices.SortFunc(picks, func(a, b pick) int {
		ra, rb := &m.Rules[a.rule], &m.Rules[b.rule]
		if better(ra, rb) {
			return -1
		}
		if better(rb, ra) {
			return 1
		}
		if core.KeyLess(m.Items[a.item], m.Items[b.item]) {
			return -1
		}
		return 1
	})
	rows := make([][]any, 0, min(int64(len(picks)), n))
	for i, p := range picks {
		if int64(i) >= n {
			break
		}
		r := &m.Rules[p.rule]
		rows = append(rows, []any{int64(i + 1), m.Items[p.item], r.Confidence, r.Lift, r.Support, int64(p.rule + 1), m.keysJSON(r.Antecedent)})
	}
	return rows, nil
}

// better orders the rules that suggest an item: higher confidence, then
// higher lift, then the earlier rule (by lift).
func better(a, b *assoc.Rule) bool {
	if a.Confidence != b.Confidence {
		return a.Confidence > b.Confidence
	}
	return a.Lift > b.Lift
}

// jsonKey converts one element of a basket's JSON array to an item key:
// a whole number to INTEGER, a string to TEXT; ok is false for null.
func jsonKey(v any) (key any, ok bool, err error) {
	switch k := v.(type) {
	case nil:
		return nil, false, nil
	case string:
		return k, true, nil
	case json.Number:
		if n, err := k.Int64(); err == nil {
			return n, true, nil
		}
		if f, err := k.Float64(); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f), true, nil
		}
		return nil, false, fmt.Errorf("%s is not an item key (item keys are integers or text)", k)
	}
	return nil, false, fmt.Errorf("%s is not an item key (item keys are integers or text)", core.DescribeValue(v))
}
