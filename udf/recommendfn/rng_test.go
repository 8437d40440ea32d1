package recommendfn_test

import (
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// "rng": "numpy" starts ALS from numpy's default_rng(seed) factors (checked
// against the numpy reference in algorithms/recommend); here: it is stored,
// changes the start, and is deterministic.
func TestNumPyRandomOption(t *testing.T) {
	db := openMem(t)
	sqltest.Exec(t, db, `SELECT recommend_train('np', 'buys', '{"factors": 4, "rng": "numpy", "seed": 3}')`)
	if got := sqltest.One[string](t, db, `SELECT json_extract(options, '$.rng') FROM ml_models WHERE name = 'np'`); got != "numpy" {
		t.Errorf("stored rng = %q", got)
	}
	params := sqltest.One[[]byte](t, db, `SELECT params FROM ml_models WHERE name = 'np'`)
	sqltest.Exec(t, db, `SELECT recommend_train('np', 'buys', '{"factors": 4, "rng": "numpy", "seed": 3}')`)
	if again := sqltest.One[[]byte](t, db, `SELECT params FROM ml_models WHERE name = 'np'`); string(again) != string(params) {
		t.Error("the same numpy seed gave a different model")
	}
	sqltest.Exec(t, db, `SELECT recommend_train('pcg', 'buys', '{"factors": 4, "seed": 3}')`)
	if other := sqltest.One[[]byte](t, db, `SELECT params FROM ml_models WHERE name = 'pcg'`); string(other) == string(params) {
		t.Error("the numpy and pcg streams gave the same model")
	}
	var s string
	err := db.QueryRow(`SELECT recommend_train('x', 'buys', '{"rng": "mt"}')`).Scan(&s)
	if err == nil || !strings.Contains(err.Error(), `recommend_train: option "rng" must be one of "pcg", "numpy"`) {
		t.Errorf("rng mt: %v", err)
	}
}
