package recommendfn_test

import (
	"context"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// TestBadInput: every mistake a user can make is an error that starts with
// the function name and says what is wrong; nothing is stored.
func TestBadInput(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'buys', '{"method": "item_knn"}')`)
	sqltest.One[string](t, db, `SELECT kmeans_train('seg', 'SELECT customer, qty FROM buys GROUP BY customer', '{"k": 2}')`)
	sqltest.Exec(t, db, `CREATE TABLE empty(u INTEGER, i TEXT)`)
	for _, tc := range []struct{ name, q, want string }{
		{"empty source", `SELECT recommend_train('x', 'empty', '{}')`, "recommend_train: the source has no rows"},
		{"single user", `SELECT recommend_train('x', 'SELECT 1, item FROM buys', '{}')`, "recommend_train: the source has a single user (1=1)"},
		{"single item", `SELECT recommend_train('x', 'SELECT customer, ''a'' FROM buys', '{}')`, "recommend_train: the source has a single item"},
		{"negative weight", `SELECT recommend_train('x', 'SELECT customer, item, qty - 2 FROM buys', '{}')`, `recommend_train: row 1 (customer=1, item="a"): weight column "qty - 2" is negative (-1)`},
		{"NULL weight", `SELECT recommend_train('x', 'SELECT customer, item, NULLIF(qty, 3) AS w FROM buys', '{}')`, `weight column "w" is NULL; clean it or pass "on_null": "skip"`},
		{"text weight", `SELECT recommend_train('x', 'SELECT customer, item, item FROM buys', '{}')`, `is TEXT "a", not a number`},
		{"NULL user", `SELECT recommend_train('x', 'SELECT NULLIF(customer, 2), item FROM buys', '{}')`, `recommend_train: row 4: user column "NULLIF(customer, 2)" is NULL`},
		{"NULL item", `SELECT recommend_train('x', 'SELECT customer, NULLIF(item, ''c'') FROM buys', '{}')`, `item column "NULLIF(item, 'c')" is NULL`},
		{"REAL key", `SELECT recommend_train('x', 'SELECT customer + 0.5, item FROM buys', '{}')`, "is REAL 1.5; keys must be INTEGER or TEXT"},
		{"one column", `SELECT recommend_train('x', 'SELECT customer FROM buys', '{}')`, "the source has 1 column(s); it needs (user, item) or (user, item, weight)"},
		{"writing source", `SELECT recommend_train('x', 'DELETE FROM buys RETURNING customer, item', '{}')`, "recommend_train: source must be a table or view name or a query starting with SELECT"},
		{"unknown option", `SELECT recommend_train('x', 'buys', '{"factor": 3}')`, `recommend_train: unknown option "factor"; accepted options: method, factors`},
		{"bad method", `SELECT recommend_train('x', 'buys', '{"method": "svd"}')`, `option "method" must be one of "als", "item_knn", "user_knn", "popular"`},
		{"bad factors", `SELECT recommend_train('x', 'buys', '{"factors": 0}')`, `option "factors" must be an integer from 1 to 1024`},
		{"bad model name", `SELECT recommend_train('no-dash', 'buys', '{}')`, `recommend_train: invalid model name "no-dash"`},
		{"unknown model", `SELECT * FROM recommend('nope', 1)`, `recommend: model not found: "nope"`},
		{"wrong kind", `SELECT * FROM recommend('seg', 1)`, `recommend: model "seg" is a kmeans model, not recommend`},
		{"n zero", `SELECT * FROM recommend('recs', 1, 0)`, "recommend: n must be at least 1, got 0"},
		{"n negative", `SELECT * FROM similar_items('recs', 'a', -3)`, "similar_items: n must be at least 1, got -3"},
		{"n text", `SELECT * FROM recommend('recs', 1, 'ten')`, `recommend: argument n must be an integer, got TEXT "ten"`},
		{"NULL user argument", `SELECT * FROM recommend('recs', NULL)`, "recommend: argument user is NULL"},
		{"bad call option", `SELECT * FROM recommend('recs', 1, 3, '{"seen": 1}')`, `recommend: unknown option "seen"; accepted options: include_seen`},
		{"missing user", `SELECT * FROM recommend('recs')`, "recommend: missing argument user"},
		{"basket not JSON", `SELECT * FROM recommend_basket('recs', 'a, b')`, "recommend_basket: items_json must be a JSON array of item keys"},
		{"basket not array", `SELECT * FROM recommend_basket('recs', '{"a": 1}')`, "recommend_basket: items_json must be a JSON array"},
		{"basket bad element", `SELECT * FROM recommend_basket('recs', '["a", {"b": 1}]')`, `recommend_basket: items_json element 2 is {"b":1}; item keys are integers or strings`},
		{"basket NULL", `SELECT * FROM recommend_basket('recs', NULL)`, "recommend_basket: argument items_json must be text, got NULL"},
		{"unknown item", `SELECT * FROM similar_items('recs', 'zz')`, `similar_items: item "zz" is not in model "recs"`},
		{"eval bad source", `SELECT * FROM recommend_eval('recs', 'nosuchtable')`, "recommend_eval: source query does not compile"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := sqltest.QueryErr(db, tc.q)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%s\n got error: %v\nwant it to contain: %s", tc.q, err, tc.want)
			}
		})
	}
	if n := sqltest.One[int](t, db, `SELECT count(*) FROM ml_models WHERE name = 'x'`); n != 0 {
		t.Errorf("a failed training stored a model")
	}
}

func TestSkipBadRows(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	s := sqltest.One[string](t, db, `SELECT recommend_train('x', 'SELECT NULLIF(customer, 2), item, NULLIF(qty, 3) FROM buys', '{"on_null": "skip", "method": "popular"}')`)
	if !strings.Contains(s, `"skipped":3`) || !strings.Contains(s, `"users":5`) {
		t.Errorf("skip: %s", s)
	}
}

// TestTrainInsideWritingStatement: training from INSERT ... SELECT is a
// clear error checked before any work.
func TestTrainInsideWritingStatement(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.Exec(t, db, `CREATE TABLE log(s TEXT)`)
	err := sqltest.QueryErr(db, `INSERT INTO log SELECT recommend_train('x', 'buys', '{}')`)
	if err == nil || !strings.Contains(err.Error(), "recommend_train: cannot write the catalog from inside a statement that itself writes") {
		t.Errorf("got %v", err)
	}
}

// TestInterruptKeepsPreviousModel: cancelling training halfway (after an
// ALS iteration) stops it, and the previous model stays as it was, both
// through SQL and through the Go API.
func TestInterruptKeepsPreviousModel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e, err := engine.Open(":memory:", &engine.Options{Progress: func(p engine.Progress) {
		if p.Phase == "iterate" && p.Iteration == 2 {
			cancel()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	sqltest.Exec(t, db, `CREATE TABLE buys(u INTEGER, i INTEGER)`)
	sqltest.Exec(t, db, `WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 20000)
		INSERT INTO buys SELECT k % 997, (k * 7919) % 1201 FROM n`)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'buys', '{"method": "popular"}')`)
	before := sqltest.One[string](t, db, `SELECT hex(params) || version FROM ml_models WHERE name = 'recs'`)
	err = sqltest.QueryErrCtx(ctx, db, `SELECT recommend_train('recs', 'buys', '{"iterations": 50, "factors": 16}')`)
	if err == nil || !strings.Contains(err.Error(), "interrupted") && !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("interrupted training: %v", err)
	}
	if after := sqltest.One[string](t, db, `SELECT hex(params) || version FROM ml_models WHERE name = 'recs'`); after != before {
		t.Error("the previous model changed")
	}
	ctx2, cancel2 := context.WithCancel(context.Background())
	opts := &engine.RecommendOptions{Progress: func(p engine.Progress) {
		if p.Iteration == 1 {
			cancel2()
		}
	}}
	opts.Iterations = 50
	_, err = e.TrainRecommender(ctx2, "recs", "buys", opts)
	if err == nil || !strings.HasPrefix(err.Error(), "TrainRecommender: ") || !strings.Contains(err.Error(), "previous model, if any, is unchanged") {
		t.Errorf("Go API interrupted: %v", err)
	}
	if after := sqltest.One[string](t, db, `SELECT hex(params) || version FROM ml_models WHERE name = 'recs'`); after != before {
		t.Error("the previous model changed after the Go API was cancelled")
	}
	// item-kNN stops between blocks of items.
	ctx3, cancel3 := context.WithCancel(context.Background())
	knn := &engine.RecommendOptions{Progress: func(p engine.Progress) {
		if p.Phase == "neighbors" && p.Done > 0 {
			cancel3()
		}
	}}
	knn.Method = "item_knn"
	_, err = e.TrainRecommender(ctx3, "recs", "buys", knn)
	if err == nil || !strings.Contains(err.Error(), "previous model, if any, is unchanged") {
		t.Errorf("item-kNN interrupted: %v", err)
	}
	if after := sqltest.One[string](t, db, `SELECT hex(params) || version FROM ml_models WHERE name = 'recs'`); after != before {
		t.Error("the previous model changed after item-kNN was cancelled")
	}
	if got := sqltest.One[int](t, db, `SELECT count(*) FROM recommend('recs', 1, 5)`); got != 5 {
		t.Errorf("the previous model no longer recommends: %d rows", got)
	}
}
