package recommendfn_test

import (
	"strings"
	"testing"
)

// "rng": "numpy" starts ALS from numpy's default_rng(seed) factors (checked
// against the numpy reference in algorithms/recommend); here: it is stored,
// changes the start, and is deterministic.
func TestNumPyRandomOption(t *testing.T) {
	db := openMem(t)
	mustExec(t, db, `SELECT recommend_train('np', 'buys', '{"factors": 4, "rng": "numpy", "seed": 3}')`)
	if got := one[string](t, db, `SELECT json_extract(options, '$.rng') FROM ml_models WHERE name = 'np'`); got != "numpy" {
		t.Errorf("stored rng = %q", got)
	}
	params := one[[]byte](t, db, `SELECT params FROM ml_models WHERE name = 'np'`)
	mustExec(t, db, `SELECT recommend_train('np', 'buys', '{"factors": 4, "rng": "numpy", "seed": 3}')`)
	if again := one[[]byte](t, db, `SELECT params FROM ml_models WHERE name = 'np'`); string(again) != string(params) {
		t.Error("the same numpy seed gave a different model")
	}
	mustExec(t, db, `SELECT recommend_train('pcg', 'buys', '{"factors": 4, "seed": 3}')`)
	if other := one[[]byte](t, db, `SELECT params FROM ml_models WHERE name = 'pcg'`); string(other) == string(params) {
		t.Error("the numpy and pcg streams gave the same model")
	}
	var s string
	err := db.QueryRow(`SELECT recommend_train('x', 'buys', '{"rng": "mt"}')`).Scan(&s)
	if err == nil || !strings.Contains(err.Error(), `recommend_train: option "rng" must be one of "pcg", "numpy"`) {
		t.Errorf("rng mt: %v", err)
	}
}
