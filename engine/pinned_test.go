package engine_test

import (
	"database/sql"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
	"github.com/seed-a084b42d/marketsql/udf/assocfn"
	"github.com/seed-a084b42d/marketsql/udf/clvfn"
	"github.com/seed-a084b42d/marketsql/udf/kmeansfn"
	"github.com/seed-a084b42d/marketsql/udf/ldafn"
	"github.com/seed-a084b42d/marketsql/udf/recommendfn"
)

var writePinned = flag.Bool("write-pinned", false, "write the pinned model files of testdata/models that do not exist yet (an existing one is never rewritten)")

// pinnedDir holds one model database per family and format version, each
// written by the first release of that format. Whatever changes later, every
// file must still load and give the numbers recorded in pinnedModels. A
// deliberate format change adds a file (kmeans_v2.db) and keeps the old one.
const pinnedDir = "../testdata/models"

type pinnedModel struct {
	file   string
	schema int64              // the catalog schema version it was written with; 0 means 1
	setup  []string           // how the file was written: run on a new database
	decode func([]byte) error // the family's blob decoder
	want   map[string]string  // query -> its rows, as sqltest.Table prints them
	models map[string]string  // model name -> kind, for ml_models
}

var pinnedModels = []pinnedModel{{
	file: "kmeans_v1.db",
	setup: []string{
		`CREATE TABLE customers(customer_id INTEGER PRIMARY KEY, recency REAL, frequency INTEGER, monetary REAL)`,
		`INSERT INTO customers VALUES
  (1, 8, 18, 2900), (2, 12, 22, 3100), (3, 9, 21, 2950), (4, 11, 19, 3050), (5, 10, 20, 3000), (6, 10, 20, 3000),
  (7, 95, 2, 190), (8, 105, 4, 210), (9, 98, 3, 205), (10, 102, 3, 195), (11, 100, 3, 200),
  (12, 290, 1, 45), (13, 310, 1, 55), (14, 300, 0, 50), (15, 295, 2, 48)`,
		`SELECT kmeans_train('segments', 'customers', '{"k": 3, "seed": 1}')`,
	},
	decode: func(b []byte) error { _, err := kmeansfn.Decode(b); return err },
	models: map[string]string{"segments": "kmeans"},
	want: map[string]string{
		// Every customer's cluster, scored now and as stored at training.
		`SELECT c.customer_id, kmeans_assign('segments', recency, frequency, monetary), a.cluster
FROM customers c JOIN ml_kmeans_assignments a ON a.model = 'segments' AND a.key = c.customer_id ORDER BY customer_id`: "1|1|1\n2|1|1\n3|1|1\n4|1|1\n5|1|1\n6|1|1\n7|2|2\n8|2|2\n9|2|2\n10|2|2\n11|2|2\n12|3|3\n13|3|3\n14|3|3\n15|3|3\n",
		`SELECT cluster, feature, round(value, 9) FROM kmeans_centroids('segments') ORDER BY cluster, feature`: "1|frequency|20\n1|monetary|3000\n1|recency|10\n2|frequency|3\n2|monetary|200\n2|recency|100\n3|frequency|1\n3|monetary|49.5\n3|recency|298.75\n",
		`SELECT count(*) FROM kmeans_profile('segments')`:                                                      "9\n",
	},
}, {
	file: "recommend_v1.db",
	setup: []string{
		`CREATE TABLE buys(customer INTEGER, item TEXT, qty INTEGER)`,
		`INSERT INTO buys VALUES (1,'a',1),(1,'b',2),(1,'c',1),(2,'a',1),(2,'b',1),(3,'b',3),(3,'c',1),
			(4,'d',1),(4,'e',1),(4,'f',2),(5,'d',1),(5,'e',1),(6,'e',1),(6,'f',1),(6,'a',1)`,
		`SELECT recommend_train('als', 'buys', '{"factors": 4, "seed": 1}')`,
		`SELECT recommend_train('knn', 'buys', '{"method": "item_knn", "binarize": false}')`,
		`SELECT recommend_train('uknn', 'buys', '{"method": "user_knn", "neighbors": 3}')`,
		`SELECT recommend_train('pop', 'buys', '{"method": "popular"}')`,
	},
	decode: func(b []byte) error { _, err := recommendfn.Decode(b); return err },
	models: map[string]string{"als": "recommend", "knn": "recommend", "uknn": "recommend", "pop": "recommend"},
	want: map[string]string{
		`SELECT rank, item, round(score, 5), reason FROM recommend('als', 2, 3)`:              "1|f|0.33232|model\n2|c|0.23775|model\n3|e|-0.13878|model\n",
		`SELECT rank, item, round(score, 5), reason FROM recommend('knn', 4, 3)`:              "1|a|0.84973|model\n2|b|3|popular\n3|c|2|popular\n",
		`SELECT rank, item, round(score, 5) FROM similar_items('knn', 'd', 2)`:                "1|e|0.8165\n2|f|0.63246\n",
		`SELECT rank, item, round(score, 5), reason FROM recommend('uknn', 1, 2)`:             "1|e|0.19245|model\n2|f|0.19245|model\n",
		`SELECT rank, item, round(score, 5), reason FROM recommend_basket('pop', '["a"]', 2)`: "1|b|3|model\n2|e|3|model\n",
	},
}, {
	file: "lda_v1.db",
	setup: []string{
		`CREATE TABLE reviews(id INTEGER PRIMARY KEY, body TEXT)`,
		`INSERT INTO reviews(body) VALUES
  ('dark roast coffee with a rich aroma'), ('smooth coffee beans, fresh roast'), ('espresso roast, bold coffee flavour'),
  ('coffee aroma and roast were fresh'), ('green tea with a light aroma'), ('loose leaf tea, green and fresh'),
  ('herbal tea, light and calming'), ('chamomile tea before sleep, calming'), ('dog food my dog loves'),
  ('the dog treats were chewy'), ('puppy food, healthy dog'), ('chewy treats for a small dog')`,
		`SELECT lda_train('topics', 'reviews', '{"topics": 3, "passes": 20, "seed": 5, "holdout": 0}')`,
	},
	decode: func(b []byte) error { _, err := ldafn.Decode(b); return err },
	models: map[string]string{"topics": "lda"},
	want:   pinnedLDAWant,
}, {
	file:   "clv_v1.db",
	schema: 2,
	// 40 customers: every fourth buys every 12-20 days all along, the
	// others 1 to 5 times and then stop; calibration to 2024-09-30, then a
	// holdout. BG/NBD and Gamma-Gamma.
	setup: []string{
		`CREATE TABLE orders(customer INTEGER, day TEXT, amount REAL)`,
		`WITH RECURSIVE c(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM c WHERE id < 40),
  k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < 24)
INSERT INTO orders SELECT id, date('2024-01-01', '+' || ((id * 13) % 90 + n * CASE WHEN id % 4 = 0 THEN 12 + id % 9 ELSE 5 + (id * 17) % 26 END) || ' days'),
  round(12 + (id * 31 + n * 7) % 40 + (id % 5) * 3.5, 2)
FROM c, k WHERE n < CASE WHEN id % 4 = 0 THEN 25 ELSE (id * 7) % 5 + 1 END`,
		`SELECT clv_train('value', 'orders', '{"holdout_from": "2024-10-01"}')`,
	},
	decode: func(b []byte) error { _, err := clvfn.Decode(b); return err },
	models: map[string]string{"value": "clv"},
	want:   pinnedCLVWant,
}, {
	file:   "assoc_v1.db",
	schema: 2,
	// mlxtend's 5-basket data set (its test_fpbase.py), TEXT items, and
	// the same with INTEGER items; rules with one and two consequents.
	setup: []string{
		`CREATE TABLE b(basket INTEGER, item TEXT)`,
		`INSERT INTO b VALUES
  (1, 'Milk'), (1, 'Onion'), (1, 'Nutmeg'), (1, 'Kidney Beans'), (1, 'Eggs'), (1, 'Yogurt'),
  (2, 'Dill'), (2, 'Onion'), (2, 'Nutmeg'), (2, 'Kidney Beans'), (2, 'Eggs'), (2, 'Yogurt'),
  (3, 'Milk'), (3, 'Apple'), (3, 'Kidney Beans'), (3, 'Eggs'),
  (4, 'Milk'), (4, 'Unicorn'), (4, 'Corn'), (4, 'Kidney Beans'), (4, 'Yogurt'),
  (5, 'Corn'), (5, 'Onion'), (5, 'Kidney Beans'), (5, 'Ice cream'), (5, 'Eggs')`,
		`CREATE TABLE nb AS SELECT basket, unicode(item) * 100 + length(item) AS item FROM b`,
		`SELECT assoc_train('rules', 'b', '{"min_support": 0.6, "min_confidence": 0.8}')`,
		`SELECT assoc_train('wide', 'nb', '{"min_support": 0.4, "min_confidence": 0.5, "max_consequent": 2}')`,
	},
	decode: func(b []byte) error { _, err := assocfn.Decode(b); return err },
	models: map[string]string{"rules": "assoc", "wide": "assoc"},
	want: map[string]string{
		`SELECT rule, antecedent, consequent, round(support, 6), round(confidence, 6), round(lift, 6), count FROM assoc_rules('rules')`: `1|["Kidney Beans","Onion"]|["Eggs"]|0.6|1|1.25|3
2|["Onion"]|["Eggs"]|0.6|1|1.25|3
3|["Eggs"]|["Kidney Beans"]|0.8|1|1|4
4|["Eggs","Onion"]|["Kidney Beans"]|0.6|1|1|3
5|["Milk"]|["Kidney Beans"]|0.6|1|1|3
6|["Onion"]|["Kidney Beans"]|0.6|1|1|3
7|["Yogurt"]|["Kidney Beans"]|0.6|1|1|3
8|["Kidney Beans"]|["Eggs"]|0.8|0.8|1|4
`,
		`SELECT count(*), sum(size), sum(count) FROM assoc_itemsets('wide')`:                          "39|96|93\n",
		`SELECT rank, item, round(confidence, 6), because FROM assoc_recommend('rules', '["Onion"]')`: "1|Eggs|1|2\n2|Kidney Beans|1|6\n",
		`SELECT count(*), max(json_array_length(consequent)) FROM assoc_rules('wide')`:                "156|2\n",
	},
}}

// TestPinnedModels opens a copy of every pinned model file, checks that its
// blobs decode and that the family's functions give the recorded numbers.
func TestPinnedModels(t *testing.T) {
	for _, pm := range pinnedModels {
		t.Run(pm.file, func(t *testing.T) {
			path := filepath.Join(pinnedDir, pm.file)
			if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) && *writePinned {
				writePinnedFile(t, path, pm.setup)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (a new family's first file is written with -write-pinned)", err)
			}
			// Work on a copy: a test must not change the record.
			cp := filepath.Join(t.TempDir(), pm.file)
			if err := os.WriteFile(cp, data, 0o644); err != nil {
				t.Fatal(err)
			}
			e, err := engine.Open(cp, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			db := e.DB()
			// Opening a file does not migrate its catalog.
			want := max(pm.schema, 1)
			if v := sqltest.One[int64](t, db, `SELECT version FROM ml_schema`); v != want || catalog.SchemaVersion < v {
				t.Errorf("catalog schema version %d, want %d", v, want)
			}
			checkPinnedBlobs(t, db, pm)
			for q, w := range pm.want {
				if got := sqltest.Table(t, db, q); got != w {
					t.Errorf("%s:\n got %q\nwant %q", q, got, w)
				}
			}
		})
	}
}

// checkPinnedBlobs decodes every model's params with the family's decoder.
func checkPinnedBlobs(t *testing.T, db *sql.DB, pm pinnedModel) {
	t.Helper()
	rows, err := db.Query(`SELECT name, kind, format, params FROM ml_models ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var name, kind string
		var format int64
		var params []byte
		if err := rows.Scan(&name, &kind, &format, &params); err != nil {
			t.Fatal(err)
		}
		if pm.models[name] != kind || format != catalog.FormatVersion {
			t.Errorf("model %q: kind %q, format %d; want kind %q, format %d", name, kind, format, pm.models[name], catalog.FormatVersion)
		}
		if err := pm.decode(params); err != nil {
			t.Errorf("model %q does not decode: %v", name, err)
		}
		seen++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if seen != len(pm.models) {
		t.Errorf("%d models in the file, want %d", seen, len(pm.models))
	}
}

func writePinnedFile(t *testing.T, path string, setup []string) {
	t.Helper()
	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range append(setup, `PRAGMA journal_mode = DELETE`) { // one self-contained file
		sqltest.Exec(t, e.DB(), q)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
}

// pinnedLDAWant are the numbers lda_v1.db gave when it was written.
var pinnedLDAWant = map[string]string{
	`SELECT topic, rank, word, round(weight, 6) FROM lda_topics('topics', 3) ORDER BY topic, rank`:                          "1|1|roast|0.206578\n1|2|coffee|0.206577\n1|3|fresh|0.158736\n2|1|dog|0.355294\n2|2|chewy|0.155386\n2|3|treats|0.155385\n3|1|tea|0.315233\n3|2|calming|0.211141\n3|3|light|0.192623\n",
	`SELECT topic, round(weight, 6) FROM lda_infer('topics', 'fresh coffee roast') ORDER BY topic`:                          "1|0.832821\n2|0.083547\n3|0.083632\n",
	`SELECT lda_top_topic('topics', 'green tea, calming'), lda_top_topic('topics', 'chewy dog treats')`:                     "3|2\n",
	`SELECT doc_id, topic, round(weight, 6) FROM lda_doc_topics('topics') WHERE doc_id IN (1, 5, 9) ORDER BY doc_id, topic`: "1|1|0.832794\n1|2|0.083547\n1|3|0.083659\n5|1|0.480299\n5|2|0.067054\n5|3|0.452647\n9|1|0.083448\n9|2|0.832994\n9|3|0.083559\n",
}

// pinnedCLVWant are the numbers clv_v1.db gave when it was written.
var pinnedCLVWant = map[string]string{
	`SELECT round(clv_p_alive('value', 4, 10, 30), 6), round(clv_p_alive('value', 0, 0, 20), 6), round(clv_p_alive('value', 13, 27.857143, 29.571429), 6)`:                                              "0.064022|1|0.911604\n",
	`SELECT round(clv_expected_purchases('value', 52, 4, 10, 30), 6), round(clv_expected_purchases('value', 26, 0, 0, 20), 6), round(clv_expected_purchases('value', 13, 13, 27.857143, 29.571429), 6)`: "0.381603|1.134221|4.571032\n",
	`SELECT customer, frequency, round(recency, 6), round(T, 6), round(p_alive, 6), round(expected_purchases, 6), round(expected_avg_value, 4), round(clv, 4)
FROM clv_predict('value') WHERE customer IN (1, 2, 7, 12, 40) ORDER BY customer`: "1|2|6.285714|37.142857|0.045261|0.145713|38.3694|5.2689\n2|4|7.428571|35.285714|0.010448|0.05572|38.718|2.0337\n7|4|11.428571|38.857143|0.032548|0.161897|40.8562|6.2335\n12|13|27.857143|29.571429|0.911604|14.709836|37.4942|520.292\n40|12|27.428571|29|0.913829|13.903944|33.3161|437.0099\n",
	`SELECT customer, round(expected_purchases, 6), round(clv, 4) FROM clv_predict('value', 26, '{"discount_rate": 0}') WHERE customer IN (3, 8) ORDER BY customer`: "3|0.12207|4.8157\n8|6.421656|266.4907\n",
	`SELECT count(*), round(sum(p_alive), 6), round(sum(clv), 4) FROM ml_clv_customers WHERE model = 'value'`:                                                       "40|16.537402|5820.7234\n",
	`SELECT diagnostic, frequency, customers, actual, round(expected, 6) FROM clv_eval('value') WHERE diagnostic <> 'frequency_histogram' OR frequency IN (0, 7)`:   "frequency_histogram|0|6|6|2.112961\nfrequency_histogram|7|10|10|9.635849\nholdout|0|6|0|5.447371\nholdout|1|6|0|0.738243\nholdout|2|6|0|0.763424\nholdout|3|6|0|1.093171\nholdout|4|6|0|1.096603\nholdout|5|0|0|0\nholdout|6|0|0|0\nholdout|7|10|100|98.095876\nholdout_total|<nil>|40|100|107.234687\n",
}
