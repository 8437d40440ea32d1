package clvfn_test

import (
	"compress/gzip"
	"database/sql"
	"encoding/csv"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

func shop(t *testing.T) *sql.DB {
	return sqltest.Open(t, `CREATE TABLE orders(customer INTEGER, day TEXT, amount REAL)`,
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 59)
		 INSERT INTO orders SELECT i % 20, date('2024-01-01', '+' || ((i * 37 + (i % 20) * 11) % 300) || ' days'),
		   10 + (i * 7 % 13) * 2.5 FROM n`).DB()
}

func TestBadInput(t *testing.T) {
	db := shop(t)
	sqltest.Exec(t, db, `CREATE TABLE single(customer INTEGER, day TEXT, amount REAL)`)
	sqltest.Exec(t, db, `INSERT INTO single VALUES (1, '2024-01-01', 5), (2, '2024-01-02', 6), (2, '2024-01-02', 1)`)
	for _, c := range []struct{ name, q, want string }{
		{"date does not parse", `SELECT * FROM rfm('SELECT customer, ''12/01/2010'', amount FROM orders')`,
			`rfm: row 1 (customer=0): date column "'12/01/2010'" is TEXT "12/01/2010", not a date; accepted dates: 'YYYY-MM-DD'`},
		{"date does not exist", `SELECT clv_train('m', 'SELECT 1, ''2023-02-29'', 1', '{}')`, `is TEXT "2023-02-29", not a date`},
		{"negative amount", `SELECT * FROM rfm('SELECT customer, day, -amount FROM orders')`, `amount column "-amount" is negative (-10)`},
		{"NULL amount", `SELECT clv_train('m', 'SELECT customer, day, NULL FROM orders', '{}')`, `amount column "NULL" is NULL; clean it or pass "on_null": "skip"`},
		{"NULL date", `SELECT * FROM rfm('SELECT customer, NULL, amount FROM orders')`, `date column "NULL" is NULL`},
		{"no repeat buyers", `SELECT clv_train('m', 'single', '{}')`, `none of the 2 customers has a repeat purchase`},
		{"no repeat buyers, no spend", `SELECT clv_train('m', 'SELECT customer, day FROM single', '{}')`, `the purchase model needs repeat buyers`},
		{"gamma_gamma without amounts", `SELECT clv_train('m', 'SELECT customer, day FROM orders', '{"spend": "gamma_gamma"}')`, `"spend": "gamma_gamma" needs amounts`},
		{"no convergence", `SELECT clv_train('m', 'orders', '{"max_iter": 2}')`, `clv_train: the bgnbd fit did not converge after`},
		{"horizon < 0", `SELECT * FROM clv_predict('ok', -1)`, `clv_predict: horizon must be a number of weeks of at least 0, got -1`},
		{"t < 0", `SELECT clv_expected_purchases('ok', -2, 1, 1, 2)`, `t must be a number of weeks of at least 0`},
		{"recency > T", `SELECT clv_p_alive('ok', 1, 5, 2)`, `clv_p_alive: frequency 1, recency 5, T 2`},
		{"summary recency > T", `SELECT clv_train('m', 'SELECT 1, 1, 5, 2', '{"input": "summary"}')`, `recency 5 is more than T 2`},
		{"summary frequency not whole", `SELECT clv_train('m', 'SELECT 1, 1.5, 1, 2', '{"input": "summary"}')`, `frequency 1.5 is not a whole number`},
		{"holdout after the last order", `SELECT clv_train('m', 'orders', '{"holdout_from": "2030-01-01"}')`, `after the last order`},
		{"bad as_of", `SELECT * FROM rfm('orders', '{"as_of": "yesterday"}')`, `option "as_of" must be a date`},
		{"bad segments", `SELECT * FROM rfm('orders', '{"segments": {"A": {"x": 1}}}')`, `unknown score "x"`},
		{"segment range", `SELECT * FROM rfm('orders', '{"segments": {"A": {"r": [0, 9]}}}')`, `r must be a score from 1 to 5`},
		{"too few columns", `SELECT * FROM rfm('SELECT customer, day FROM orders')`, `order rows have the columns customer, date, amount [, order]`},
		{"wrong kind", `SELECT * FROM clv_predict('km')`, `is a kmeans model, not clv`},
		{"writes in a view", `SELECT * FROM v`, `unsafe use of clv_train()`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "horizon < 0" || c.name == "t < 0" || c.name == "recency > T" {
				sqltest.One[string](t, db, `SELECT clv_train('ok', 'orders', '{"penalizer": 0.01}')`)
			}
			if c.name == "wrong kind" {
				sqltest.Exec(t, db, `CREATE TABLE pts(id INTEGER, x REAL); INSERT INTO pts VALUES (1, 1), (2, 2), (3, 9)`)
				sqltest.One[string](t, db, `SELECT kmeans_train('km', 'pts', '{"k": 2}')`)
			}
			if c.name == "writes in a view" {
				sqltest.Exec(t, db, `CREATE VIEW IF NOT EXISTS v AS SELECT clv_train('x', 'orders', '{}')`)
			}
			err := sqltest.QueryErr(db, c.q)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("got %v, want %q", err, c.want)
			}
		})
	}
	// A failed fit stores nothing.
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM ml_models WHERE name = 'm'`); n != 0 {
		t.Errorf("a failed training stored a model")
	}
}

func TestValidEdgeCases(t *testing.T) {
	db := shop(t)
	// on_null skip leaves rows out and counts them.
	s := sqltest.One[string](t, db, `SELECT clv_train('m', 'SELECT customer, day, CASE WHEN amount > 30 THEN NULL ELSE amount END FROM orders', '{"on_null": "skip", "spend": "none", "penalizer": 0.01}')`)
	if !strings.Contains(s, `"skipped":`) || strings.Contains(s, `"skipped":0,`) {
		t.Errorf("summary %s", s)
	}
	// Frequency-0 customers are valid, and orders after as_of are left out
	// and counted.
	sqltest.Exec(t, db, `INSERT INTO orders VALUES (100, '2024-06-01', 10)`)
	s = sqltest.One[string](t, db, `SELECT clv_train('m', 'orders', '{"as_of": "2024-09-30", "penalizer": 0.01}')`)
	if !strings.Contains(s, `"as_of":"2024-09-30"`) || strings.Contains(s, `"rows_after_as_of":0,`) {
		t.Errorf("summary %s", s)
	}
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM ml_clv_customers WHERE model = 'm' AND customer = 100 AND frequency = 0 AND p_alive = 1`); n != 1 {
		t.Errorf("no frequency-0 customer, or one not certainly alive")
	}
	// horizon 0: nothing expected.
	if v := sqltest.One[float64](t, db, `SELECT max(expected_purchases) + max(clv) FROM clv_predict('m', 0)`); v != 0 {
		t.Errorf("horizon 0: %g", v)
	}
	// Pareto/NBD without spend.
	s = sqltest.One[string](t, db, `SELECT clv_train('p', 'SELECT customer, day FROM orders', '{"model": "pareto_nbd", "penalizer": 0.01}')`)
	if !strings.Contains(s, `"model":"pareto_nbd"`) || !strings.Contains(s, `"beta":`) || strings.Contains(s, `"spend":{`) {
		t.Errorf("summary %s", s)
	}
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM clv_predict('p') WHERE clv IS NULL AND expected_avg_value IS NULL`); n != 21 {
		t.Errorf("without spend: %d rows with NULL value", n)
	}
}

func TestReadOnlyAndInterrupt(t *testing.T) {
	db := shop(t)
	sqltest.Exec(t, db, `PRAGMA query_only = 1`)
	err := sqltest.QueryErr(db, `SELECT clv_train('m', 'orders', '{}')`)
	if err == nil || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("read-only: %v", err)
	}
	// rfm needs no write.
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM rfm('orders')`); n != 20 {
		t.Errorf("rfm on a read-only connection: %d rows", n)
	}
	sqltest.Exec(t, db, `PRAGMA query_only = 0`)
	err = sqltest.QueryErr(db, `SELECT clv_train('m', 'SELECT customer, day, amount FROM orders WHERE 0 = (SELECT clv_train(''n'', ''orders'', ''{}''))', '{}')`)
	if err == nil {
		t.Errorf("a source that trains: no error")
	}
}

// TestRetailRFMMatchesNTILE: rfm on the bundled Online Retail data (the
// demo's product_sales rules: customers, no cancellations, positive
// quantities and prices) gives every customer the scores of SQL's NTILE(5)
// with ties kept at the smallest bin of their run, computed here in SQL.
func TestRetailRFMMatchesNTILE(t *testing.T) {
	db := sqltest.Open(t, `CREATE TABLE sales(customer_id INTEGER, invoice_date TEXT, amount REAL, invoice_no TEXT)`).DB()
	f, err := os.Open("../../testdata/online-retail/online_retail.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, _ := gzip.NewReader(f)
	r := csv.NewReader(gz)
	head, _ := r.Read()
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	tx, _ := db.Begin()
	ins, _ := tx.Prepare(`INSERT INTO sales SELECT CAST(CAST(?1 AS REAL) AS INTEGER), ?2, CAST(?3 AS INTEGER) * CAST(?4 AS REAL), ?5
		WHERE ?1 <> '' AND substr(?5, 1, 1) <> 'C' AND CAST(?3 AS INTEGER) > 0 AND CAST(?4 AS REAL) > 0`)
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ins.Exec(rec[col["CustomerID"]], rec[col["InvoiceDate"]], rec[col["Quantity"]], rec[col["UnitPrice"]], rec[col["InvoiceNo"]]); err != nil {
			t.Fatal(err)
		}
	}
	tx.Commit()
	sqltest.Exec(t, db, `CREATE TABLE got AS SELECT * FROM rfm('sales')`)
	sqltest.Exec(t, db, `CREATE TABLE want AS
		WITH agg AS (SELECT customer_id AS customer,
		       CAST(julianday('2011-12-10') - julianday(date(max(invoice_date))) AS INTEGER) AS recency_days,
		       count(DISTINCT invoice_no) AS frequency, sum(amount) AS monetary FROM sales GROUP BY customer_id),
		nt AS (SELECT *, ntile(5) OVER (ORDER BY recency_days DESC) AS nr, ntile(5) OVER (ORDER BY frequency) AS nf,
		       ntile(5) OVER (ORDER BY monetary) AS nm FROM agg)
		SELECT customer, recency_days, frequency, monetary,
		       min(nr) OVER (PARTITION BY recency_days) AS r, min(nf) OVER (PARTITION BY frequency) AS f,
		       min(nm) OVER (PARTITION BY monetary) AS m FROM nt`)
	n := sqltest.One[int64](t, db, `SELECT count(*) FROM got`)
	bad := sqltest.One[int64](t, db, `SELECT count(*) FROM got g JOIN want w USING (customer)
		WHERE g.recency_days <> w.recency_days OR g.frequency <> w.frequency OR abs(g.monetary - w.monetary) > 1e-6
		   OR g.r <> w.r OR g.f <> w.f OR g.m <> w.m`)
	if n != 4338 || bad != 0 {
		t.Errorf("%d customers (want 4338), %d differ from SQL NTILE", n, bad)
	}
	// A few known customers, by hand: 12346 bought once on 2011-01-18
	// (one invoice of £77,183.60), 12347 seven times up to 2011-12-07.
	t.Log("\n" + sqltest.Table(t, db, `SELECT customer, recency_days, frequency, round(monetary, 2), r, f, m, score, segment FROM got WHERE customer IN (12346, 12347, 12348, 17850) ORDER BY customer`))
	t.Log("\n" + sqltest.Table(t, db, `SELECT segment, count(*) FROM got GROUP BY segment ORDER BY 2 DESC`))
}
