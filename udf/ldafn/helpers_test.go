package ldafn_test

import (
	"database/sql"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// reviews are 14 short product reviews about two things, chocolate and coffee,
// with a NULL, a stop-word-only and a numbers-only review.
const reviewsSQL = `CREATE TABLE reviews(id INTEGER, txt TEXT);
INSERT INTO reviews VALUES
 (1, 'The chocolate cookies were delicious and sweet'), (2, 'Great coffee, strong and fresh roasted beans'),
 (3, 'Cookies arrived broken but tasted of sweet chocolate'), (4, 'This coffee is bitter; the beans were stale'),
 (5, 'Sweet chocolate candy, kids love the chocolate'), (6, 'Fresh coffee beans, dark roast coffee'),
 (7, NULL), (8, 'the and of'), (9, 'chocolate cookies, sweet'), (10, 'coffee beans, roast'), (11, '1234 5678'),
 (12, 'coffee and chocolate'), (13, 'sweet cookies'), (14, 'dark roast beans');`

func openMem(t *testing.T) (*engine.Engine, *sql.DB) {
	t.Helper()
	e := sqltest.Open(t, reviewsSQL)
	return e, e.DB()
}

// snapshot renders the LDA part of the catalog: what must not change when a
// call fails.
func snapshot(t *testing.T, db *sql.DB) string {
	t.Helper()
	return sqltest.Table(t, db, `SELECT name, kind, version, created_at, options, metrics, n_rows, hex(params) FROM ml_models ORDER BY name`) +
		"--\n" + sqltest.Table(t, db, `SELECT * FROM ml_lda_topic_words ORDER BY model, topic, rank`) +
		"--\n" + sqltest.Table(t, db, `SELECT * FROM ml_lda_doc_topics ORDER BY model, doc_id, topic`)
}
