package ldafn_test

import (
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// TestMemoryBudget: a training whose estimated peak memory is over
// "max_memory" is refused before the model is allocated, with an error
// naming the estimate, the budget and the options to lower; the catalog
// is unchanged.
func TestMemoryBudget(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	sqltest.Exec(t, db, `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9}')`)
	before := snapshot(t, db)
	for _, c := range []struct {
		name, options string
		fragments     []string
	}{
		{"100000 topics in 10 MB", `{"topics": 100000, "max_df": 0.9, "max_memory": "10MB"}`,
			[]string{"would need about", "100000 topics", "budget of 10 MB", `set with "max_memory"`, `lower "topics" (100000) or "max_vocab" (the vocabulary has 8 words)`}},
		{"bytes as a number", `{"topics": 5000, "max_df": 0.9, "max_memory": 1000000}`,
			[]string{"would need about", "5000 topics", "budget of 1 MB"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := sqltest.QueryErrCtx(context.Background(), db, `SELECT lda_train('m', 'reviews', ?)`, c.options)
			sqltest.WantErr(t, err, "lda_train: ", c.fragments...)
		})
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("a refused training changed the catalog")
	}
	// Within the budget, training runs, and the stored options keep the budget.
	sqltest.Exec(t, db, `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9, "max_memory": "512MB"}')`)
	if got := sqltest.One[int64](t, db, `SELECT json_extract(options, '$.max_memory') FROM ml_models WHERE name = 'm'`); got != 512e6 {
		t.Errorf("stored max_memory %d, want 512000000", got)
	}
}

// TestMaxMemoryOption: "max_memory" is a positive number of bytes or a
// size with a unit; anything else is an error naming the option.
func TestMaxMemoryOption(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	for _, ok := range []string{`1e9`, `"2GB"`, `"1.5GiB"`, `"512MB"`, `2000000000`} {
		q := `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9, "max_memory": ` + ok + `}')`
		if err := sqltest.QueryErr(db, q); err != nil {
			t.Errorf("max_memory %s: %v", ok, err)
		}
	}
	before := snapshot(t, db)
	for _, bad := range []string{`0`, `-1`, `"lots"`, `"12 parsecs"`, `true`, `[1]`} {
		q := `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_memory": ` + bad + `}')`
		sqltest.WantErr(t, sqltest.QueryErr(db, q), "lda_train: ", `option "max_memory"`, `"512MB"`)
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("a refused option changed the catalog")
	}
}

// TestLongTokensSkipped: words longer than "max_token_bytes" (64 bytes by
// default) are skipped and counted in skipped.long_tokens, in text and in
// (doc_id, term, count) sources; a 10 MB "word" is one of them.
func TestLongTokensSkipped(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	sqltest.Exec(t, db, `CREATE TABLE longs(id INTEGER, txt TEXT)`)
	sqltest.Exec(t, db, `INSERT INTO longs SELECT id, txt FROM reviews`)
	sqltest.Exec(t, db, `INSERT INTO longs VALUES (30, ?), (31, ?), (1, ?)`,
		"sweet chocolate "+strings.Repeat("x", 10<<20)+" cookies",
		strings.Repeat("coffee", 11)+" roast beans "+strings.Repeat("b", 64),
		strings.Repeat("Chocolate", 8))
	raw := sqltest.One[string](t, db, `SELECT lda_train('m', 'longs', '{"topics": 2, "max_df": 0.9, "holdout": 0}')`)
	var s struct {
		Vocabulary int
		Skipped    struct {
			LongTokens int `json:"long_tokens"`
		}
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatal(err)
	}
	if s.Skipped.LongTokens != 3 {
		t.Errorf("long_tokens %d, want 3 (the 10 MB word, 66 and 72 bytes; the 64-byte one is kept): %s", s.Skipped.LongTokens, raw)
	}
	if n := sqltest.One[int](t, db, `SELECT count(*) FROM lda_topics('m', 100) WHERE length(word) > 64`); n != 0 {
		t.Errorf("%d words over 64 bytes in the topics", n)
	}
	if got := sqltest.One[int](t, db, `SELECT json_extract(metrics, '$.skipped.long_tokens') FROM ml_models WHERE name = 'm'`); got != 3 {
		t.Errorf("metrics skipped.long_tokens %d, want 3", got)
	}
	// A lower limit, and the same for terms.
	raw = sqltest.One[string](t, db, `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9, "max_token_bytes": 6}')`)
	if !strings.Contains(raw, `"long_tokens":`) || strings.Contains(raw, `"long_tokens":0`) {
		t.Errorf("max_token_bytes 6: %s", raw)
	}
	if n := sqltest.One[int](t, db, `SELECT count(*) FROM lda_topics('m', 100) WHERE length(word) > 6`); n != 0 {
		t.Errorf("max_token_bytes 6: %d longer words in the topics", n)
	}
	sqltest.Exec(t, db, `CREATE TABLE bow(doc INTEGER, term TEXT, n INTEGER)`)
	sqltest.Exec(t, db, `INSERT INTO bow VALUES (1, 'a', 1), (1, 'b', 2), (2, 'a', 1), (2, 'b', 1), (3, ?, 5), (3, 'a', 1)`, strings.Repeat("t", 65))
	raw = sqltest.One[string](t, db, `SELECT lda_train('t', 'bow', '{"topics": 2, "max_df": 1}')`)
	if !strings.Contains(raw, `"long_tokens":1`) {
		t.Errorf("term source: %s", raw)
	}
	before := snapshot(t, db)
	for _, bad := range []string{`0`, `2000000`, `"64"`} {
		sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT lda_train('m', 'reviews', '{"max_token_bytes": `+bad+`}')`), "lda_train: ", `option "max_token_bytes"`)
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("a refused option changed the catalog")
	}
}

// TestHugeTextValue: a text value over 16 MB is an error naming its row,
// its document and the limit (a longer document is several rows with the
// same doc_id), in lda_train and in lda_infer; the catalog is unchanged.
func TestHugeTextValue(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	sqltest.Exec(t, db, `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9}')`)
	before := snapshot(t, db)
	huge := strings.Repeat("chocolate coffee ", 1_000_000) // 17 MB
	sqltest.Exec(t, db, `CREATE TABLE big(id INTEGER, body)`)
	sqltest.Exec(t, db, `INSERT INTO big SELECT id, txt FROM reviews`)
	sqltest.Exec(t, db, `INSERT INTO big VALUES (77, ?)`, huge)
	err := sqltest.QueryErr(db, `SELECT lda_train('m', 'SELECT id, body FROM big ORDER BY id', '{"topics": 2}')`)
	sqltest.WantErr(t, err, "lda_train: ", "row 15 (id=77)", `column "body"`, "17 MB of text", "more than the 16 MB", "several rows with the same id")
	sqltest.Exec(t, db, `UPDATE big SET body = CAST(body AS BLOB) WHERE id = 77`)
	err = sqltest.QueryErr(db, `SELECT lda_train('m', 'SELECT id, body FROM big ORDER BY id', '{"topics": 2}')`)
	sqltest.WantErr(t, err, "lda_train: ", "row 15 (id=77)", "more than the 16 MB")
	err = sqltest.QueryErr(db, `SELECT * FROM lda_infer('m', ?)`, huge)
	sqltest.WantErr(t, err, "lda_infer: ", "17 MB", "16 MB")
	if after := snapshot(t, db); after != before {
		t.Errorf("a refused training changed the catalog")
	}
	// The same text in rows of at most 16 MB is one document.
	sqltest.Exec(t, db, `DELETE FROM big WHERE id = 77`)
	half := huge[:len(huge)/2]
	sqltest.Exec(t, db, `INSERT INTO big VALUES (77, ?), (77, ?)`, half, half)
	raw := sqltest.One[string](t, db, `SELECT lda_train('m', 'big', '{"topics": 2, "max_df": 1, "holdout": 0}')`)
	if !strings.Contains(raw, `"docs":12`) {
		t.Errorf("two rows of one document: %s", raw)
	}
}

// TestDemoTopics100000: lda_train with 100000 topics on the demo's source
// (Online Retail descriptions grouped per customer) is refused after
// reading, before the model is allocated: by the memory budget, naming its
// estimate, or, with a budget large enough, because the model would not
// fit in one SQLite value. The catalog is unchanged.
func TestDemoTopics100000(t *testing.T) {
	if testing.Short() {
		t.Skip("loads Online Retail")
	}
	t.Parallel()
	db := openRetailText(t)
	sqltest.Exec(t, db, `SELECT lda_train('interests', 'SELECT customer_id, group_concat(description, ''. '') FROM (SELECT DISTINCT customer_id, description FROM sales) GROUP BY customer_id LIMIT 300', '{"topics": 3}')`)
	before := snapshot(t, db)
	const source = `SELECT customer_id, group_concat(description, '. ') FROM (SELECT DISTINCT customer_id, description FROM sales) GROUP BY customer_id`
	err := sqltest.QueryErr(db, `SELECT lda_train('interests', ?, '{"topics": 100000, "passes": 5, "seed": 1, "max_memory": "8GB"}')`, source)
	// 100000 topics × 1824 words: λ alone is 1.5 GB; the writing step holds
	// it twice, the documents' weights and the encoded model four times.
	sqltest.WantErr(t, err, "lda_train: ", "would need about", "GB of memory", "100000 topics × (2 × 1824 terms", "budget of 8.0 GB", `lower "topics" (100000) or "max_vocab"`)
	err = sqltest.QueryErr(db, `SELECT lda_train('interests', ?, '{"topics": 100000, "passes": 5, "seed": 1, "max_memory": "1TB"}')`, source)
	sqltest.WantErr(t, err, "lda_train: ", "the model would be 1.5 GB", "more than SQLite stores in one value", `lower "topics" or "max_vocab"`)
	if after := snapshot(t, db); after != before {
		t.Errorf("a refused training changed the catalog")
	}
}

// openRetailText opens an in-memory database with the product descriptions
// of the bundled Online Retail sample (testdata/online-retail, UCI, CC BY
// 4.0) as sales(customer_id INTEGER, description TEXT): the rows of the
// demo's product_sales (a customer, not cancelled, positive quantity and
// price).
func openRetailText(t *testing.T) *sql.DB {
	t.Helper()
	f, err := os.Open("../../testdata/online-retail/online_retail.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(gz)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for k, h := range head {
		col[h] = k
	}
	db := sqltest.Open(t, `CREATE TABLE raw(invoice_no TEXT, stock_code TEXT, description TEXT, quantity REAL, unit_price REAL, customer_id TEXT)`).DB()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	ins, err := tx.Prepare(`INSERT INTO raw VALUES (?, ?, ?, ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ins.Exec(rec[col["InvoiceNo"]], rec[col["StockCode"]], rec[col["Description"]], rec[col["Quantity"]], rec[col["UnitPrice"]], rec[col["CustomerID"]]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	// As examples/rfm.sql's product_sales.
	sqltest.Exec(t, db, `CREATE TABLE sales AS SELECT CAST(CAST(customer_id AS REAL) AS INTEGER) AS customer_id, description FROM raw
WHERE customer_id <> '' AND substr(invoice_no, 1, 1) <> 'C' AND quantity > 0 AND unit_price > 0
  AND stock_code NOT IN ('POST', 'DOT', 'M', 'm', 'C2', 'D', 'S', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'PADS', 'B')
  AND substr(stock_code, 1, 4) <> 'DCGS' AND substr(stock_code, 1, 10) <> 'gift_0001_'`)
	sqltest.Exec(t, db, `DROP TABLE raw`)
	return db
}
