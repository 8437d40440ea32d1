package recommendfn_test

import (
	"bytes"
	"database/sql"
	"regexp"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// modelState is everything ml_models holds of a model, to check that a
// failed training left it exactly as it was ("" when there is none).
type modelState struct {
	version         int64
	options, metric string
	params          []byte
}

func stateOf(t *testing.T, db *sql.DB, name string) *modelState {
	t.Helper()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'ml_models'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		return nil
	}
	var s modelState
	err := db.QueryRow(`SELECT version, options, metrics, params FROM ml_models WHERE name = ?`, name).Scan(&s.version, &s.options, &s.metric, &s.params)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	return &s
}

func sameState(a, b *modelState) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.version == b.version && a.options == b.options && a.metric == b.metric && bytes.Equal(a.params, b.params)
}

// failsCleanly runs a training that must fail with an error starting with
// prefix and containing every fragment, and checks that the model called
// name (and a model called "fresh", never trained) are as they were. It
// returns the error.
func failsCleanly(t *testing.T, db *sql.DB, name, q string, prefix string, fragments ...string) error {
	t.Helper()
	before, fresh := stateOf(t, db, name), stateOf(t, db, "fresh")
	err := sqltest.QueryErr(db, q)
	sqltest.WantErr(t, err, prefix, fragments...)
	if after := stateOf(t, db, name); !sameState(before, after) {
		t.Errorf("%s: the failed training changed model %q (version %v, now %v)", q, name, before, after)
	}
	if after := stateOf(t, db, "fresh"); !sameState(fresh, after) {
		t.Errorf("%s: the failed training stored a model", q)
	}
	return err
}

// TestNonFiniteTrainingsFail: weights that drive a fit out of the
// floating-point range are an error that names the cause and the fix,
// before anything is written; the previous model stays as it was. The data
// are Online Retail's purchases, the case of issue 9 among them.
func TestNonFiniteTrainingsFail(t *testing.T) {
	t.Parallel()
	db := openRetail(t)
	for _, m := range []string{"als", "item_knn", "user_knn"} {
		sqltest.One[string](t, db, `SELECT recommend_train(?, 'buys', json_object('method', ?, 'factors', 8, 'iterations', 2))`, m, m)
	}
	for _, tc := range []struct {
		name, model, q string
		fragments      []string
	}{
		// ALS diverges: every confidence fits float32, the sweeps do not.
		{"als diverges", "als", `SELECT recommend_train('als', 'SELECT customer, item, qty * 1e9 FROM buys', '{"binarize": false}')`,
			[]string{"weights up to 8.1e+13 with alpha 40 give confidences 1 + alpha·weight up to 3.24e+15, too large for ALS in float32",
				"ALS diverged, the factors are not finite after iteration 1",
				`scale the weights down (e.g. ln(1 + weight)), lower "alpha", or leave "binarize" on`}},
		// Confidences beyond float32: refused before the fit allocates.
		{"als out of range", "als", `SELECT recommend_train('als', 'SELECT customer, item, qty * 1e300 FROM buys', '{"binarize": false}')`,
			[]string{"weights up to 8.1e+304 with alpha 40",
				"the confidences 1 + alpha·value reach 3.24e+306, beyond the float32 range of 3.4e+38",
				`leave "binarize" on`}},
		{"item_knn overflows", "item_knn", `SELECT recommend_train('item_knn', 'SELECT customer, item, qty * 1e300 FROM buys', '{"binarize": false, "method": "item_knn"}')`,
			[]string{"weights up to 8.1e+304 are too large for item_knn (the squares of an item's values overflow in the cosine normalization)",
				`scale them down (e.g. ln(1 + weight)) or leave "binarize" on`}},
		// An item's weights sum to +Inf in BM25's length normalization.
		{"item_knn bm25 overflows", "item_knn", `SELECT recommend_train('item_knn', 'SELECT customer, item, 1e305 FROM buys', '{"binarize": false, "method": "item_knn", "weighting": "bm25"}')`,
			[]string{"weights up to 8.4e+306 are too large for item_knn (the BM25 weights are not finite: an item's values sum to +Inf"}},
		// Finite similarities, but recommend would sum weights × them to +Inf.
		{"item_knn scores overflow", "item_knn", `SELECT recommend_train('item_knn', 'SELECT customer, item, qty * 1e300 FROM buys', '{"binarize": false, "method": "item_knn", "weighting": "bm25"}')`,
			[]string{"weights up to 8.1e+304 are too large for item_knn (the similarities are finite, but the scores of a user overflow)"}},
		{"item_knn underflows", "item_knn", `SELECT recommend_train('item_knn', 'SELECT customer, item, qty * 1e-300 FROM buys', '{"binarize": false, "method": "item_knn"}')`,
			[]string{"weights as small as 1e-300 are too small for item_knn (the squares of an item's values underflow to 0",
				`scale them up or leave "binarize" on`}},
		{"user_knn overflows", "user_knn", `SELECT recommend_train('user_knn', 'SELECT customer, item, qty * 1e300 FROM buys', '{"binarize": false, "method": "user_knn"}')`,
			[]string{"weights up to 8.1e+304 are too large for user_knn (the squares of a user's values overflow in the cosine normalization)"}},
		// Each row's weight is finite, their sum for one pair is not.
		{"sum overflows", "item_knn", `SELECT recommend_train('item_knn', 'SELECT customer, item, 1e308 FROM buys', '{"binarize": false, "method": "item_knn"}')`,
			[]string{`the weights of user 12347 and item "20719" add up to +Inf, beyond the largest number (1.8e+308)`,
				`scale them down or leave "binarize" on`}},
		{"fresh model", "fresh", `SELECT recommend_train('fresh', 'SELECT customer, item, qty * 1e9 FROM buys', '{"binarize": false, "iterations": 2}')`,
			[]string{"ALS diverged"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			failsCleanly(t, db, tc.model, tc.q, "recommend_train: ", tc.fragments...)
		})
	}
	// The models that stayed still answer, with finite scores.
	for _, m := range []string{"als", "item_knn", "user_knn"} {
		if n := sqltest.One[int](t, db, `SELECT count(*) FROM recommend(?, 17850, 5) WHERE reason = 'model' AND score BETWEEN -1e300 AND 1e300`, m); n != 5 {
			t.Errorf("%s: %d finite recommendations from the model, want 5", m, n)
		}
	}
	// Scaled down, the same weights train.
	s := sqltest.One[string](t, db, `SELECT recommend_train('fresh', 'SELECT customer, item, ln(1 + qty) FROM buys', '{"binarize": false, "factors": 8, "iterations": 2}')`)
	if !strings.Contains(s, `"loss":`) {
		t.Errorf("scaled weights: %s", s)
	}
}

// TestMemoryBudget: a training whose estimated peak memory is above
// "max_memory" is refused before it allocates, with the estimate and what
// to lower; lowering it (or the default budget) trains.
func TestMemoryBudget(t *testing.T) {
	t.Parallel()
	db := openRetail(t)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'buys', '{"method": "popular"}')`)
	need := regexp.MustCompile(`would need about ([0-9.]+ [kMG]?B) of memory`)
	for _, tc := range []struct {
		name, options string
		fragments     []string
	}{
		{"als", `{"max_memory": "1MB"}`, []string{
			"ALS with 64 factors on 4339 users, 3665 items, 266802 interactions: 2 MB of factors",
			`more than its budget of 1 MB (set with "max_memory")`, `lower "factors" (64), or train on fewer users and items`}},
		{"als many factors", `{"factors": 1024, "max_memory": "100MB"}`, []string{
			"ALS with 1024 factors", "33 MB of factors", "more than its budget of 100 MB"}},
		{"item_knn every neighbour", `{"method": "item_knn", "neighbors": 0, "max_memory": 100000000}`, []string{
			"item_knn keeping every neighbour of each of 3665 items, up to 10937883 in all",
			`more than its budget of 100 MB (set with "max_memory"); lower "neighbors" or "threads"`}},
		{"user_knn", `{"method": "user_knn", "max_memory": "1 MiB"}`, []string{"user_knn on 4339 users", "lower the interactions (train on fewer rows)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := `SELECT recommend_train('recs', 'buys', '` + tc.options + `')`
			err := failsCleanly(t, db, "recs", q, "recommend_train: this training would need about ", tc.fragments...)
			if err == nil || !need.MatchString(err.Error()) {
				t.Errorf("no estimate in %v", err)
			}
		})
	}
	// The budget that refuses every neighbour is enough for 20 of them.
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'buys', '{"method": "item_knn", "max_memory": "100MB"}')`)
	// Under the default budget, the default training trains.
	s := sqltest.One[string](t, db, `SELECT recommend_train('recs', 'buys', '{"iterations": 3}')`)
	if !strings.Contains(s, `"method":"als"`) {
		t.Errorf("default budget: %s", s)
	}
	if v := sqltest.One[int](t, db, `SELECT version FROM ml_models WHERE name = 'recs'`); v != 3 {
		t.Errorf("version %d after three trainings that succeeded, want 3", v)
	}
	sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT recommend_train('recs', 'buys', '{"max_memory": "lots"}')`),
		`recommend_train: option "max_memory" must be a positive number of bytes or a size such as "512MB" or "2GB", got "lots"`)
	sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT recommend_train('recs', 'buys', '{"max_memory": -5}')`),
		`recommend_train: option "max_memory" must be`)
}
