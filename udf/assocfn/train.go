package assocfn

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/seed-a084b42d/marketsql/algorithms/assoc"
	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Summary is what assoc_train returns.
type Summary struct {
	Model          string  `json:"model"`
	Rows           int     `json:"rows"`     // source rows read
	Skipped        int     `json:"skipped"`  // rows with a NULL basket or item, left out by "on_null": "skip"
	Repeated       int     `json:"repeated"` // (basket, item) rows given more than once, counted once
	Baskets        int     `json:"baskets"`
	Items          int     `json:"items"`
	MinCount       int     `json:"min_count"` // baskets an itemset needs to be frequent
	MinSupport     float64 `json:"min_support"`
	Itemsets       int     `json:"itemsets"`
	Rules          int     `json:"rules"`
	FPTreeBytes    int64   `json:"fp_tree_bytes"`
	PeakBytes      int64   `json:"peak_bytes"` // the tree, the conditional trees alive at once and scratch
	Seconds        float64 `json:"seconds"`
	MiningSeconds  float64 `json:"mining_seconds"`
	RulesSeconds   float64 `json:"rules_seconds"`
	ReadingSeconds float64 `json:"reading_seconds"`
}

// Train mines the (basket, item) rows of source and stores the model.
func Train(c *core.Conn, fn, name string, source any, opt Options) (*Summary, error) {
	start := time.Now()
	if err := c.CheckWrite(fn); err != nil {
		return nil, err
	}
	if err := catalog.CheckName(name); err != nil {
		return nil, core.Errorf(fn, "%v", err)
	}
	if err := catalog.CanWrite(c.SQL); err != nil {
		return nil, core.Errorf(fn, "%w", err)
	}
	query, err := core.SourceQuery(fn, source)
	if err != nil {
		return nil, err
	}
	report := func(phase, detail string) {
		c.Report(core.ProgressEvent{Function: fn, Model: name, Phase: phase, Detail: detail, Elapsed: time.Since(start)})
	}
	report("read", "")
	b, err := readBaskets(c, fn, query, opt.SkipNull)
	if err != nil {
		return nil, err
	}
	if len(b.Lists) == 0 {
		return nil, core.Errorf(fn, "the source has no (basket, item) rows to mine (%d rows read, %d skipped)", b.Rows, b.Skipped)
	}
	s := &Summary{Model: name, Rows: b.Rows, Skipped: b.Skipped, Repeated: b.Repeated, Baskets: len(b.Lists),
		Items: len(b.Items), MinCount: opt.MinCountFor(len(b.Lists)), MinSupport: opt.MinSupport}
	if opt.MinCount > 0 {
		s.MinSupport = float64(opt.MinCount) / float64(len(b.Lists))
	}
	s.ReadingSeconds = time.Since(start).Seconds()
	report("mine", fmt.Sprintf("%d baskets, %d items, itemsets in at least %d baskets", s.Baskets, s.Items, s.MinCount))
	phase := time.Now()
	sets, stats, err := assoc.FrequentItemsetsStats(b.Lists, len(b.Items), assoc.Options{
		MinCount: s.MinCount, MaxLen: opt.MaxLen, MaxItemsets: opt.MaxItemsets, Check: c.Check})
	if err != nil {
		return nil, mineError(fn, err, s)
	}
	s.MiningSeconds = time.Since(phase).Seconds()
	s.Itemsets, s.FPTreeBytes, s.PeakBytes = len(sets), stats.TreeBytes, stats.PeakBytes
	var rules []assoc.Rule
	if opt.Target == "rules" {
		report("rules", fmt.Sprintf("%d itemsets", len(sets)))
		phase = time.Now()
		rules, err = assoc.Rules(sets, len(b.Lists), assoc.RuleOptions{MinConfidence: opt.MinConfidence, MinLift: opt.MinLift,
			MaxConsequent: opt.MaxConsequent, PruneRedundant: opt.PruneRedundant, Check: c.Check})
		if err != nil {
			return nil, mineError(fn, err, s)
		}
		s.RulesSeconds = time.Since(phase).Seconds()
	}
	s.Rules = len(rules)
	m := &Model{BasketColumn: b.BasketColumn, ItemColumn: b.ItemColumn, Items: b.Items, Baskets: len(b.Lists),
		MinCount: s.MinCount, Itemsets: sets, Rules: rules}
	params := m.Encode()
	stored, err := Decode(params)
	if err != nil {
		return nil, core.Errorf(fn, "the mined model does not load back (%v); nothing was stored", err)
	}
	metrics := fmt.Sprintf(`{"baskets":%d,"items":%d,"min_count":%d,"itemsets":%d,"rules":%d,"repeated":%d,"skipped":%d}`,
		s.Baskets, s.Items, s.MinCount, s.Itemsets, s.Rules, s.Repeated, s.Skipped)
	src, _ := source.(string)
	s.Seconds = time.Since(start).Seconds()
	report("write", "")
	rec := &catalog.Model{Name: name, Kind: Kind, Source: src, Options: opt.json(), Metrics: metrics,
		NRows: int64(b.Rows), TrainSeconds: s.Seconds, Params: params}
	err = core.StoreModel(c, fn, rec, func() error { return insertRuleItems(c, name, stored) })
	if err != nil {
		return nil, err
	}
	s.Seconds = time.Since(start).Seconds()
	return s, nil
}

// insertRuleItems writes ml_assoc_rules: one row per rule and item.
func insertRuleItems(c *core.Conn, name string, m *Model) error {
	var rows [][]driver.Value
	flush := func() error {
		err := core.InsertRows(c, "ml_assoc_rules", 7, rows, c.Check)
		rows = rows[:0]
		return err
	}
	for k, r := range m.Rules {
		for _, side := range []struct {
			name string
			ids  []int32
		}{{"antecedent", r.Antecedent}, {"consequent", r.Consequent}} {
			for _, id := range side.ids {
				rows = append(rows, []driver.Value{name, int64(k + 1), side.name, m.Items[id], r.Support, r.Confidence, r.Lift})
			}
		}
		if len(rows) >= 1<<14 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// mineError words a failed mining: the itemset limit with what to change.
func mineError(fn string, err error, s *Summary) error {
	var le *assoc.LimitError
	if errors.As(err, &le) {
		return core.Errorf(fn, "mining stopped at %d frequent itemsets, more than \"max_itemsets\" (%d), with itemsets needing %d of %d baskets; raise \"min_support\" (or \"min_count\"), lower \"max_len\", or raise \"max_itemsets\" if the memory is there; nothing was stored",
			le.Reached, le.Limit, s.MinCount, s.Baskets)
	}
	return core.TrainError(fn, err, true)
}
