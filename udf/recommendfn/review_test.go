package recommendfn_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// TestEvalCapsN: an n above the catalogue is capped at the number of items
// (buys has 6), in the metric names too, instead of sizing an allocation
// by n (2147483647 took 78 s and 16.8 GB; this test stays at 2^20 so that
// it cannot exhaust memory on a build without the cap).
func TestEvalCapsN(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'SELECT customer, item FROM buys WHERE customer <> 1 OR item <> ''c''', '{"method": "item_knn"}')`)
	sqltest.Exec(t, db, `CREATE TABLE hold(u INTEGER, i TEXT)`)
	sqltest.Exec(t, db, `INSERT INTO hold VALUES (1, 'c')`)
	for _, n := range []string{"1048576", "7"} { // count_test.go covers 2147483647 and more
		rows, err := db.Query(`SELECT metric FROM recommend_eval('recs', 'hold', ` + n + `)`)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var m string
			if err := rows.Scan(&m); err != nil {
				t.Fatal(err)
			}
			names = append(names, m)
		}
		rows.Close()
		if got := strings.Join(names, ","); !strings.Contains(got, "precision@6,") {
			t.Errorf("n = %s: metrics %s, want them at n = 6 (the number of items)", n, got)
		}
	}
	for _, q := range []string{`SELECT count(*) FROM recommend('recs', 1, 2147483647, '{"include_seen": true}')`,
		`SELECT count(*) FROM recommend_basket('recs', '["a"]', 2147483647, '{"include_seen": true}')`,
		`SELECT count(*) FROM recommend('recs', 99, 2147483647)`} {
		if got := sqltest.One[int](t, db, q); got != 6 {
			t.Errorf("%s = %d, want 6", q, got)
		}
	}
}

// TestExplicitZeroOptions: an explicit 0 is honoured and stored as 0,
// never replaced by the default or stored as a sentinel such as 5e-324.
func TestExplicitZeroOptions(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	for _, tc := range []struct {
		name, options string
		want          map[string]float64
	}{
		{"alpha0", `{"alpha": 0, "factors": 2, "iterations": 3}`, map[string]float64{"alpha": 0, "regularization": 0.01}},
		{"reg0", `{"regularization": 0, "factors": 2, "iterations": 3}`, map[string]float64{"regularization": 0, "alpha": 40}},
		{"als", `{"factors": 2, "iterations": 3}`, map[string]float64{"regularization": 0.01, "alpha": 40}},
		{"b0", `{"method": "item_knn", "weighting": "bm25", "bm25_b": 0}`, map[string]float64{"bm25_b": 0, "bm25_k1": 1.2}},
		{"nb0", `{"method": "item_knn", "neighbors": 0}`, map[string]float64{"neighbors": 0}},
	} {
		sqltest.One[string](t, db, `SELECT recommend_train(?, 'buys', ?)`, tc.name, tc.options)
		text := sqltest.One[string](t, db, `SELECT options FROM ml_models WHERE name = ?`, tc.name)
		var got map[string]any
		if err := json.Unmarshal([]byte(text), &got); err != nil {
			t.Fatal(err)
		}
		for k, v := range tc.want {
			if g, ok := got[k].(float64); !ok || g != v {
				t.Errorf("%s: stored options %s: %q is %v, want %v", tc.name, text, k, got[k], v)
			}
		}
	}
	// Honoured, not only stored: alpha 0 scores differ from the default's.
	q := `SELECT group_concat(printf('%s %.6f', item, score)) FROM recommend(?, 1, 6)`
	if a, b := sqltest.One[string](t, db, q, "alpha0"), sqltest.One[string](t, db, q, "als"); a == b {
		t.Errorf("alpha 0 and alpha 40 recommend the same: %s", a)
	}
}

// TestErrorsAbbreviated: a user value quoted in an error (a key, a column
// name, a model name, an option) is a short prefix, never the whole value.
func TestErrorsAbbreviated(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'buys', '{"method": "item_knn"}')`)
	long := `printf(''%.*c'', 100000, ''a'')`
	for _, q := range []string{
		`SELECT recommend_train('x', 'SELECT 1, printf(''%.*c'',1000000,''a''), -1', '{}')`,
		`SELECT recommend_train('x', 'SELECT ` + long + `, NULL', '{}')`,
		`SELECT recommend_train('x', 'SELECT ` + long + `, item FROM buys', '{}')`,
		`SELECT recommend_train('x', 'SELECT 1 AS "` + strings.Repeat("c", 5000) + `", NULL', '{}')`,
		`SELECT recommend_train('x', 'SELECT 1 AS "` + strings.Repeat("c", 5000) + `", 2 AS "` + strings.Repeat("d", 5000) + `", -1 AS "` + strings.Repeat("e", 5000) + `"', '{}')`,
		`SELECT recommend_train(printf('%.*c', 100000, 'm'), 'buys', '{}')`,
		`SELECT * FROM recommend(printf('%.*c', 100000, 'm'), 1)`,
		`SELECT * FROM similar_items('recs', printf('%.*c', 100000, 'z'))`,
		`SELECT * FROM recommend_basket('recs', '[' || printf('%.*c', 100000, '1') || '.5]')`,
		`SELECT * FROM recommend_basket('recs', '[{"' || printf('%.*c', 100000, 'k') || '": 1}]')`,
		`SELECT * FROM recommend_basket('recs', printf('%.*c', 100000, '['))`,
	} {
		err := sqltest.QueryErr(db, q)
		if err == nil {
			t.Errorf("%.80s...: no error", q)
			continue
		}
		if len(err.Error()) > 400 || !strings.Contains(err.Error(), "...") {
			t.Errorf("%.80s...: error of %d bytes: %.300s", q, len(err.Error()), err)
		}
	}
}

// TestNothingToEvaluate: recommend_eval with no evaluable holdout user is
// an error with a hint, not users 0 and metrics 0; a BLOB key argument is
// an error naming the argument, as a REAL one is.
func TestNothingToEvaluate(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.One[string](t, db, `SELECT recommend_train('recs', 'buys', '{"method": "item_knn"}')`)
	sqltest.Exec(t, db, `CREATE TABLE empty(u INTEGER, i TEXT)`)
	for _, tc := range []struct{ q, want string }{
		{`SELECT * FROM recommend_eval('recs', 'buys')`, "recommend_eval: no holdout user can be evaluated: of its 6 users, 0 are not in the model and 6 have only items they already had in training"},
		{`SELECT * FROM recommend_eval('recs', 'SELECT 99, ''a''')`, "of its 1 users, 1 are not in the model"},
		{`SELECT * FROM recommend_eval('recs', 'empty')`, "recommend_eval: the holdout source has no rows"},
		{`SELECT * FROM recommend_eval('recs', 'SELECT NULL, ''a''')`, "recommend_eval: none of the holdout's 1 rows is usable"},
		{`SELECT * FROM recommend('recs', x'01', 3)`, "recommend: argument user is a BLOB of 1 bytes; keys must be INTEGER or TEXT"},
		{`SELECT * FROM similar_items('recs', x'61')`, "similar_items: argument item is a BLOB of 1 bytes"},
	} {
		if err := sqltest.QueryErr(db, tc.q); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s\n got error: %v\nwant it to contain: %s", tc.q, err, tc.want)
		}
	}
}
