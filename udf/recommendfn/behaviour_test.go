package recommendfn_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

func TestTrainSummaryAndCatalog(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	var s struct {
		Model, Method                    string
		Users, Items, Interactions, Rows int
		Skipped                          int
		Loss                             *float64
	}
	if err := json.Unmarshal([]byte(sqltest.One[string](t, db, `SELECT recommend_train('recs', 'buys', '{"factors": 4}')`)), &s); err != nil {
		t.Fatal(err)
	}
	if s.Model != "recs" || s.Method != "als" || s.Users != 6 || s.Items != 6 || s.Interactions != 15 || s.Rows != 15 || s.Loss == nil {
		t.Errorf("summary %+v", s)
	}
	if got := table(t, db, `SELECT kind, version, n_rows, json_extract(options, '$.factors') FROM ml_models WHERE name = 'recs'`); got != "recommend|1|15|4\n" {
		t.Errorf("catalog row %q", got)
	}
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'buys', '{"factors": 4}')`)
	if v := sqltest.One[int](t, db, `SELECT version FROM ml_models WHERE name = 'recs'`); v != 2 {
		t.Errorf("retrained version %d, want 2", v)
	}
	if got := sqltest.One[int](t, db, `SELECT ml_drop('recs')`); got != 1 {
		t.Errorf("ml_drop = %d", got)
	}
}

// TestRecommendExcludesSeenAndKeepsKeys: items a user has are left out
// unless include_seen; keys come back with their SQL types.
func TestRecommendExcludesSeenAndKeepsKeys(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	for _, m := range []string{"als", "item_knn", "user_knn", "popular"} {
		sqltest.One[string](t, db, `SELECT recommend_train(?, 'buys', json_object('method', ?, 'factors', 4))`, "r_"+m, m)
		got := table(t, db, `SELECT item, typeof(item), reason FROM recommend(?, 4, 10) ORDER BY rank`, "r_"+m)
		for _, seen := range []string{"d|", "e|", "f|"} {
			if strings.Contains(got, seen) {
				t.Errorf("%s: user 4 is recommended an item they have (%s):\n%s", m, seen, got)
			}
		}
		if n := strings.Count(got, "\n"); n != 3 || !strings.Contains(got, "|text|") {
			t.Errorf("%s: user 4 got %d items, want the 3 they do not have:\n%s", m, n, got)
		}
		all := table(t, db, `SELECT item FROM recommend(?, 4, 10, '{"include_seen": true}')`, "r_"+m)
		if strings.Count(all, "\n") != 6 {
			t.Errorf("%s: include_seen gave\n%s", m, all)
		}
		if got := table(t, db, `SELECT count(*), min(rank), max(rank) FROM recommend(?, 1, 2)`, "r_"+m); got != "2|1|2\n" {
			t.Errorf("%s: n=2 gave %q", m, got)
		}
	}
}

// TestUnknownUserGetsPopularItems: a user the model has never seen (no
// history) gets the most popular items, with reason "popular".
func TestUnknownUserGetsPopularItems(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'buys', '{"method": "item_knn"}')`)
	got := table(t, db, `SELECT rank, item, score, reason FROM recommend('recs', 'somebody new', 3)`)
	if got != "1|a|3|popular\n2|b|3|popular\n3|e|3|popular\n" {
		t.Errorf("unknown user:\n%s", got)
	}
}

// TestRecommendInJoin materializes recommendations for every customer in
// one statement.
func TestRecommendInJoin(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'SELECT customer, item FROM buys', '{"factors": 3}')`)
	sqltest.Exec(t, db, `CREATE TABLE customers(customer_id INTEGER)`)
	sqltest.Exec(t, db, `INSERT INTO customers VALUES (1), (2), (3), (4), (5), (6), (7)`)
	got := table(t, db, `SELECT count(*), count(DISTINCT c.customer_id), sum(r.reason = 'popular')
		FROM customers c, recommend('recs', c.customer_id, 2) r`)
	if got != "14|7|2\n" {
		t.Errorf("join: %q", got)
	}
	sqltest.Exec(t, db, `CREATE TABLE recs AS SELECT c.customer_id, r.* FROM customers c JOIN recommend('recs', c.customer_id, 2) r`)
	if n := sqltest.One[int](t, db, `SELECT count(*) FROM recs`); n != 14 {
		t.Errorf("materialized %d rows", n)
	}
}

func TestRecommendBasket(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	for _, m := range []string{"als", "item_knn", "user_knn"} {
		sqltest.One[string](t, db, `SELECT recommend_train(?, 'buys', json_object('method', ?, 'factors', 4))`, "r_"+m, m)
		got := table(t, db, `SELECT item, reason FROM recommend_basket(?, '["d", "e", "no such item"]', 3)`, "r_"+m)
		if strings.Contains(got, "d|") || strings.Contains(got, "e|") || !strings.HasPrefix(got, "f|model\n") {
			t.Errorf("%s: basket [d, e] got\n%s", m, got)
		}
		if got := table(t, db, `SELECT item, reason FROM recommend_basket(?, '[]', 2)`, "r_"+m); got != "a|popular\nb|popular\n" {
			t.Errorf("%s: empty basket got\n%s", m, got)
		}
		got = table(t, db, `SELECT item FROM recommend_basket(?, (SELECT json_group_array(item) FROM buys WHERE customer = 4), 6, '{"include_seen": true}')`, "r_"+m)
		if strings.Count(got, "\n") != 6 {
			t.Errorf("%s: include_seen basket got\n%s", m, got)
		}
	}
}

func TestIntegerItemsInBasket(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'SELECT customer, unicode(item) AS item FROM buys', '{"method": "item_knn"}')`)
	got := table(t, db, `SELECT item, typeof(item) FROM recommend_basket('recs', '[100, 101.0]', 1)`)
	if got != "102|integer\n" {
		t.Errorf("basket of integer keys: %q", got)
	}
}

func TestSimilarItems(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	for _, m := range []string{"als", "item_knn", "user_knn", "popular"} {
		sqltest.One[string](t, db, `SELECT recommend_train(?, 'buys', json_object('method', ?, 'factors', 4))`, "r_"+m, m)
		got := table(t, db, `SELECT rank, item FROM similar_items(?, 'd', 2)`, "r_"+m)
		if strings.Contains(got, "|d\n") || strings.Count(got, "\n") != 2 {
			t.Errorf("%s: similar to d:\n%s", m, got)
		}
	}
	// item-kNN: cosines of binary columns; e (bought by 4, 5, 6) and d (4, 5): 2/sqrt(6).
	if got := table(t, db, `SELECT item, round(score, 6) FROM similar_items('r_item_knn', 'd', 1)`); got != "e|0.8165\n" {
		t.Errorf("item-kNN similar to d: %q", got)
	}
}

func TestRecommendEval(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'buys', '{"method": "popular"}')`)
	// user 2 has a, b: popular order of the rest is e (3), c (2), d (2), f (2).
	got := table(t, db, `SELECT metric, value FROM recommend_eval('recs', 'VALUES (2, ''c''), (2, ''a''), (99, ''x'')', 2)`)
	want := "users|1\nusers_unknown|1\nprecision@2|0.5\nrecall@2|1\nmap@2|0.5\nndcg@2|0.6309\ncoverage@2|0.3333\n"
	if got != want {
		t.Errorf("eval:\n%s\nwant\n%s", got, want)
	}
}

// TestWeightsAndBinarize: quantities count when "binarize" is false.
func TestWeightsAndBinarize(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.One[string](t, db, `SELECT recommend_train('b', 'buys', '{"method": "item_knn"}')`)
	sqltest.One[string](t, db, `SELECT recommend_train('w', 'buys', '{"method": "item_knn", "binarize": false}')`)
	b := sqltest.One[float64](t, db, `SELECT score FROM similar_items('b', 'b', 1)`)
	w := sqltest.One[float64](t, db, `SELECT score FROM similar_items('w', 'b', 1)`)
	if b == w {
		t.Errorf("binarized and weighted similarities are both %v", b)
	}
	s := sqltest.One[string](t, db, `SELECT recommend_train('z', 'SELECT customer, item, CASE WHEN customer = 1 THEN 0 ELSE qty END FROM buys', '{"method": "popular"}')`)
	if !strings.Contains(s, `"zero_weight":3`) || !strings.Contains(s, `"users":5`) {
		t.Errorf("zero weights: %s", s)
	}
}

func TestDeterministicTraining(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.One[string](t, db, `SELECT recommend_train('a', 'buys', '{"seed": 3, "factors": 5}')`)
	sqltest.One[string](t, db, `SELECT recommend_train('b', 'SELECT * FROM buys ORDER BY random()', '{"seed": 3, "factors": 5, "threads": 1}')`)
	if !sqltest.One[bool](t, db, `SELECT (SELECT params FROM ml_models WHERE name = 'a') = (SELECT params FROM ml_models WHERE name = 'b')`) {
		t.Error("the same seed gave different models for a shuffled source and another thread count")
	}
}

// TestKeysAcrossTypes: a customer number given as text finds the INTEGER
// key, and an integer finds digits stored as TEXT.
func TestKeysAcrossTypes(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'SELECT customer, CASE item WHEN ''a'' THEN ''22'' ELSE item END FROM buys', '{"method": "item_knn"}')`)
	a := table(t, db, `SELECT item, reason FROM recommend('recs', 4, 2)`)
	b := table(t, db, `SELECT item, reason FROM recommend('recs', '4', 2)`)
	if a != b || !strings.Contains(a, "|model") {
		t.Errorf("user 4: %q, user '4': %q", a, b)
	}
	if got := table(t, db, `SELECT count(*) FROM similar_items('recs', 22, 2)`); got != "2\n" {
		t.Errorf("similar to 22 (stored as '22'): %q", got)
	}
}
