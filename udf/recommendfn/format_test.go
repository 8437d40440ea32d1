package recommendfn_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

var updateFormat = flag.Bool("update-format", false, "rewrite testdata/recommend/recommend_v1.db (only when the format version changes)")

const pinnedDB = "../../testdata/recommend/recommend_v1.db"

// pinnedWant are the results the committed models gave when they were
// written; a later build must read the same models and give the same.
var pinnedWant = map[string]string{
	`SELECT rank, item, round(score, 5), reason FROM recommend('als', 2, 3)`:              "1|f|0.3323|model\n2|c|0.2377|model\n3|e|-0.1388|model\n",
	`SELECT rank, item, round(score, 5), reason FROM recommend('knn', 4, 3)`:              "1|a|0.8497|model\n2|b|3|popular\n3|c|2|popular\n",
	`SELECT rank, item, round(score, 5) FROM similar_items('knn', 'd', 2)`:                "1|e|0.8165\n2|f|0.6325\n",
	`SELECT rank, item, round(score, 5), reason FROM recommend('uknn', 1, 2)`:             "1|e|0.1925|model\n2|f|0.1925|model\n",
	`SELECT rank, item, round(score, 5), reason FROM recommend_basket('pop', '["a"]', 2)`: "1|b|3|model\n2|e|3|model\n",
}

// TestCommittedModelsLoad: models written by the first version of the
// format load and give the same recommendations.
func TestCommittedModelsLoad(t *testing.T) {
	if *updateFormat {
		os.Remove(pinnedDB)
		e, err := engine.Open(pinnedDB, nil)
		if err != nil {
			t.Fatal(err)
		}
		db := e.DB()
		sqltest.Exec(t, db, `CREATE TABLE buys(customer INTEGER, item TEXT, qty INTEGER)`)
		sqltest.Exec(t, db, `INSERT INTO buys VALUES (1,'a',1),(1,'b',2),(1,'c',1),(2,'a',1),(2,'b',1),(3,'b',3),(3,'c',1),
			(4,'d',1),(4,'e',1),(4,'f',2),(5,'d',1),(5,'e',1),(6,'e',1),(6,'f',1),(6,'a',1)`)
		for _, q := range []string{
			`SELECT recommend_train('als', 'buys', '{"factors": 4, "seed": 1}')`,
			`SELECT recommend_train('knn', 'buys', '{"method": "item_knn", "binarize": false}')`,
			`SELECT recommend_train('uknn', 'buys', '{"method": "user_knn", "neighbors": 3}')`,
			`SELECT recommend_train('pop', 'buys', '{"method": "popular"}')`,
		} {
			sqltest.Exec(t, db, q)
		}
		sqltest.Exec(t, db, `PRAGMA wal_checkpoint(TRUNCATE)`)
		sqltest.Exec(t, db, `PRAGMA journal_mode=DELETE`)
		e.Close()
	}
	data, err := os.ReadFile(pinnedDB)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "v1.db")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for q, want := range pinnedWant {
		if got := table(t, e.DB(), q); got != want {
			t.Errorf("%s:\n got %q\nwant %q", q, got, want)
		}
	}
}
