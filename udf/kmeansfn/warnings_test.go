package kmeansfn_test

import (
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// With fewer distinct points than k some clusters stay empty; training
// succeeds, as scikit-learn's does, and says so in the summary and metrics.
func TestFewerDistinctPointsThanK(t *testing.T) {
	db := openMem(t)
	sqltest.Exec(t, db, `CREATE TABLE flat AS SELECT id, 1.0 AS a, 2.0 AS b FROM pts`)
	summary := sqltest.One[string](t, db, `SELECT kmeans_train('flat3', 'flat', '{"k": 3}')`)
	if !strings.Contains(summary, `"warnings":["only 1 of 3 clusters have rows`) {
		t.Errorf("summary lacks the empty-cluster warning: %s", summary)
	}
	metrics := sqltest.One[string](t, db, `SELECT metrics FROM ml_models WHERE name = 'flat3'`)
	if !strings.Contains(metrics, "only 1 of 3 clusters have rows") {
		t.Errorf("metrics lack the warning: %s", metrics)
	}
	// Well-separated data has no warning.
	if s := sqltest.One[string](t, db, `SELECT kmeans_train('ok', 'pts', '{"k": 3}')`); strings.Contains(s, "warnings") {
		t.Errorf("unexpected warning: %s", s)
	}
}
