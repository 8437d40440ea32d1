package assocfn_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/datasets"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// groceries loads ../shared/data/groceries (arules' Groceries; GPL data,
// read in place, never copied) as groc(txn_id, item), or skips.
func groceries(t *testing.T) *sql.DB {
	t.Helper()
	dir := datasets.Shared("groceries")
	if dir == "" {
		t.Skip("../shared/data/groceries (or $MARKETSQL_DATA) is not here; skipping the arules reference counts")
	}
	f, err := os.Open(filepath.Join(dir, "groceries_long.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	db := sqltest.Open(t, `CREATE TABLE groc(txn_id INTEGER, item TEXT)`).DB()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs[1:] {
		if _, err := tx.Exec(`INSERT INTO groc VALUES (?, ?)`, r[0], r[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestGroceries: R arules' rule and itemset counts on Groceries (its
// SOURCE.md), and the top rules by lift, through SQL.
func TestGroceries(t *testing.T) {
	db := groceries(t)
	for _, c := range []struct {
		support, confidence float64
		rules, itemsets     int
	}{{0.001, 0.8, 410, 13492}, {0.001, 0.5, 5668, 13492}, {0.005, 0.5, 120, 1001}, {0.01, 0.5, 15, 333}} {
		opts := fmt.Sprintf(`{"min_support": %g, "min_confidence": %g}`, c.support, c.confidence)
		s := sqltest.One[string](t, db, `SELECT assoc_train('g', 'SELECT txn_id, item FROM groc', ?)`, opts)
		want := fmt.Sprintf(`"itemsets":%d,"rules":%d`, c.itemsets, c.rules)
		if !strings.Contains(s, want) {
			t.Errorf("%s: %s, want %s", opts, s, want)
		}
		if n := sqltest.One[int64](t, db, `SELECT count(*) FROM assoc_rules('g')`); n != int64(c.rules) {
			t.Errorf("%s: assoc_rules has %d rows", opts, n)
		}
		if n := sqltest.One[int64](t, db, `SELECT count(*) FROM assoc_itemsets('g')`); n != int64(c.itemsets) {
			t.Errorf("%s: assoc_itemsets has %d rows", opts, n)
		}
		top := sqltest.Table(t, db, `SELECT antecedent, consequent, round(lift, 4) FROM assoc_rules('g') LIMIT 1`)
		switch {
		case c.support == 0.001 && c.confidence == 0.5 && top != "[\"Instant food products\",\"soda\"]|[\"hamburger meat\"]|18.9957\n":
			t.Errorf("top rule at 0.001/0.5: %s", top)
		case c.support == 0.001 && c.confidence == 0.8 && top != "[\"liquor\",\"red/blush wine\"]|[\"bottled beer\"]|11.2353\n":
			t.Errorf("top rule at 0.001/0.8: %s", top)
		}
	}
	// One row per rule and item in the side table.
	if got := sqltest.Table(t, db, `SELECT count(DISTINCT rule), sum(side = 'consequent') FROM ml_assoc_rules WHERE model = 'g'`); got != "15|15\n" {
		t.Errorf("ml_assoc_rules: %s", got)
	}
	// Rule 1 fires for a basket of its antecedent and suggests its consequent.
	ante := sqltest.One[string](t, db, `SELECT antecedent FROM assoc_rules('g') WHERE rule = 1`)
	cons := sqltest.One[string](t, db, `SELECT json_extract(consequent, '$[0]') FROM assoc_rules('g') WHERE rule = 1`)
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM assoc_recommend('g', ?, 20) WHERE item = ?`, ante, cons); n != 1 {
		t.Errorf("a basket of %s does not get %s", ante, cons)
	}
}

// mlxtend's shared 5-basket data set (rasbt/mlxtend @ 9aadcee,
// mlxtend/frequent_patterns/tests/test_fpbase.py, BSD-3): at min_support
// 0.5 its 11 frequent itemsets.
const mlxtendBaskets = `INSERT INTO b VALUES
	(1, 'Milk'), (1, 'Onion'), (1, 'Nutmeg'), (1, 'Kidney Beans'), (1, 'Eggs'), (1, 'Yogurt'),
	(2, 'Dill'), (2, 'Onion'), (2, 'Nutmeg'), (2, 'Kidney Beans'), (2, 'Eggs'), (2, 'Yogurt'),
	(3, 'Milk'), (3, 'Apple'), (3, 'Kidney Beans'), (3, 'Eggs'),
	(4, 'Milk'), (4, 'Unicorn'), (4, 'Corn'), (4, 'Kidney Beans'), (4, 'Yogurt'),
	(5, 'Corn'), (5, 'Onion'), (5, 'Onion'), (5, 'Kidney Beans'), (5, 'Ice cream'), (5, 'Eggs')`

func TestMlxtendItemsets(t *testing.T) {
	db := sqltest.Open(t, `CREATE TABLE b(basket INTEGER, item TEXT)`, mlxtendBaskets).DB()
	s := sqltest.One[string](t, db, `SELECT assoc_train('m', 'b', '{"min_support": 0.5, "target": "itemsets"}')`)
	if !strings.Contains(s, `"repeated":1`) || !strings.Contains(s, `"itemsets":11`) || !strings.Contains(s, `"rules":0`) {
		t.Errorf("summary %s", s)
	}
	got := sqltest.Table(t, db, `SELECT itemset, support FROM assoc_itemsets('m')`)
	want := `["Eggs"]|0.8
["Kidney Beans"]|1
["Milk"]|0.6
["Onion"]|0.6
["Yogurt"]|0.6
["Eggs","Kidney Beans"]|0.8
["Eggs","Onion"]|0.6
["Kidney Beans","Milk"]|0.6
["Kidney Beans","Onion"]|0.6
["Kidney Beans","Yogurt"]|0.6
["Eggs","Kidney Beans","Onion"]|0.6
`
	if got != want {
		t.Errorf("itemsets:\n%s\nwant:\n%s", got, want)
	}
	// Rules with confidence 1 have no finite conviction: NULL.
	sqltest.One[string](t, db, `SELECT assoc_train('r', 'b', '{"min_support": 0.5, "min_confidence": 0.8, "max_consequent": 2}')`)
	if got := sqltest.Table(t, db, `SELECT antecedent, consequent, confidence, conviction IS NULL FROM assoc_rules('r') WHERE antecedent = '["Eggs"]' ORDER BY consequent`); got !=
		"[\"Eggs\"]|[\"Kidney Beans\",\"Onion\"]|0.75|0\n[\"Eggs\"]|[\"Kidney Beans\"]|1|1\n" &&
		got != "[\"Eggs\"]|[\"Kidney Beans\"]|1|1\n" {
		t.Errorf("rules of Eggs:\n%s", got)
	}
	// assoc_recommend: a basket with Onion gets Kidney Beans and Eggs.
	if got := sqltest.Table(t, db, `SELECT item FROM assoc_recommend('r', '["Onion"]') ORDER BY item`); got != "Eggs\nKidney Beans\n" {
		t.Errorf("recommend for Onion: %q", got)
	}
	if got := sqltest.Table(t, db, `SELECT count(*) FROM assoc_recommend('r', '["Onion", "Eggs", "Kidney Beans"]')`); got != "0\n" {
		t.Errorf("a basket holding every suggestion still gets %s", got)
	}
}

func TestBadInput(t *testing.T) {
	db := sqltest.Open(t, `CREATE TABLE b(basket INTEGER, item TEXT)`, mlxtendBaskets,
		`CREATE TABLE e(basket INTEGER, item TEXT)`,
		`CREATE TABLE n(basket INTEGER, item TEXT)`, `INSERT INTO n VALUES (1, 'a'), (1, NULL), (2, 'a'), (NULL, 'b')`,
		`CREATE TABLE three(a, b, c)`).DB()
	for _, c := range []struct {
		call string
		want []string
	}{
		{`assoc_train('m', 'e', '{}')`, []string{"no (basket, item) rows"}},
		{`assoc_train('m', 'n', '{}')`, []string{"row 2", "item column", "NULL", "on_null"}},
		{`assoc_train('m', 'three', '{}')`, []string{"3 column(s)", "(basket, item)"}},
		{`assoc_train('m', 'b', '{"min_support": 0}')`, []string{"min_support"}},
		{`assoc_train('m', 'b', '{"min_support": 1.5}')`, []string{"min_support"}},
		{`assoc_train('m', 'b', '{"min_confidence": -0.1}')`, []string{"min_confidence"}},
		{`assoc_train('m', 'b', '{"min_confidence": 2}')`, []string{"min_confidence"}},
		{`assoc_train('m', 'b', '{"min_count": 1, "max_itemsets": 10}')`, []string{"max_itemsets", "min_support", "nothing was stored"}},
		{`assoc_train('m', 'b', '{"colour": 1}')`, []string{"colour"}},
		{`assoc_rules('nope')`, []string{"nope"}},
	} {
		err := sqltest.QueryErr(db, `SELECT * FROM `+tableOrScalar(c.call))
		fn := c.call[:strings.IndexByte(c.call, '(')]
		sqltest.WantErr(t, err, fn+":", c.want...)
	}
	// NULL rows skipped and counted; a basket of one item is a basket.
	s := sqltest.One[string](t, db, `SELECT assoc_train('m', 'n', '{"on_null": "skip", "min_count": 1}')`)
	if !strings.Contains(s, `"skipped":2`) || !strings.Contains(s, `"baskets":2`) {
		t.Errorf("summary %s", s)
	}
	// A failed training leaves the previous model as it was.
	before := sqltest.Table(t, db, `SELECT * FROM ml_models`)
	sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT assoc_train('m', 'b', '{"min_count": 1, "max_itemsets": 5}')`), "assoc_train:", "max_itemsets")
	if after := sqltest.Table(t, db, `SELECT * FROM ml_models`); after != before {
		t.Errorf("a failed training changed the catalog")
	}
	// Scoring arguments.
	sqltest.One[string](t, db, `SELECT assoc_train('r', 'b', '{"min_support": 0.5}')`)
	sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT * FROM assoc_recommend('r', 'Onion')`), "assoc_recommend:", "JSON array")
	sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT * FROM assoc_recommend('r', '[1.5]')`), "assoc_recommend:", "item 1")
	sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT * FROM assoc_recommend('r', '["Onion"]', 0)`), "assoc_recommend:", "n must be")
	sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT * FROM assoc_rules('r', '{"order_by": "colour"}')`), "assoc_rules:", "order_by")
}

func tableOrScalar(call string) string {
	if strings.HasPrefix(call, "assoc_train") {
		return "(SELECT " + call + ")"
	}
	return call
}

// TestInterrupt: a cancelled context stops mining an exploding itemset
// count promptly and keeps the previous model.
func TestInterrupt(t *testing.T) {
	e := sqltest.Open(t, `CREATE TABLE big(basket INTEGER, item INTEGER)`,
		`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 39999)
		 INSERT INTO big SELECT i / 40, i % 40 FROM s`) // 1000 baskets of the same 40 items: 2^40 itemsets
	db := e.DB()
	sqltest.One[string](t, db, `SELECT assoc_train('m', 'SELECT basket, item FROM big WHERE item < 3', '{}')`)
	before := sqltest.Table(t, db, `SELECT name, version FROM ml_models`)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := sqltest.QueryErrCtx(ctx, db, `SELECT assoc_train('m', 'big', '{"max_itemsets": 2000000000, "max_len": 40}')`)
	if took := time.Since(start); err == nil || took > 3*time.Second {
		t.Fatalf("mining 2^40 itemsets: %v after %v", err, took)
	}
	if !errors.Is(err, context.DeadlineExceeded) && !strings.Contains(err.Error(), "interrupted") && !strings.Contains(err.Error(), "deadline") {
		t.Errorf("error %v", err)
	}
	if after := sqltest.Table(t, db, `SELECT name, version FROM ml_models`); after != before {
		t.Errorf("the interrupted training changed the catalog:\n%s\n%s", before, after)
	}
	_ = engine.ErrModelNotFound
	_ = math.Inf
}
