package clvfn_test

import (
	"fmt"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/clv"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// BenchmarkRFM: rfm over n synthetic order rows (n/10 customers, 400 days,
// an invoice column), counted in one statement.
func BenchmarkRFM(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		db := sqltest.Open(b, `CREATE TABLE orders(customer INTEGER, day TEXT, amount REAL, invoice INTEGER)`,
			fmt.Sprintf(`WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < %d)
			INSERT INTO orders SELECT (i * 7919) %% %d, date('2023-01-01', '+' || (i * 31 %% 400) || ' days'),
			  (i %% 97) * 1.5, i / 3 FROM s`, n-1, n/10)).DB()
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			for b.Loop() {
				sqltest.One[int64](b, db, `SELECT count(*) FROM rfm('orders')`)
			}
		})
	}
}

// BenchmarkPredict: clv_predict over n customers drawn from the BG/NBD
// process (CDNOW's parameters), 12 months ahead, counted in one statement.
func BenchmarkPredict(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		d := clv.SimulateBGNBD(0.243, 4.414, 0.793, 2.426, n, 27, 39, 1)
		db := sqltest.Open(b, `CREATE TABLE s(customer INTEGER, frequency REAL, recency REAL, T REAL, monetary REAL)`).DB()
		tx, _ := db.Begin()
		st, _ := tx.Prepare(`INSERT INTO s VALUES (?, ?, ?, ?, ?)`)
		for i := range n {
			st.Exec(i, d.X[i], d.TX[i], d.T[i], 10+float64(i%50))
		}
		tx.Commit()
		sqltest.One[string](b, db, `SELECT clv_train('m', 's', '{"input": "summary"}')`)
		b.Run(fmt.Sprintf("customers=%d", n), func(b *testing.B) {
			for b.Loop() {
				sqltest.One[float64](b, db, `SELECT sum(clv) FROM clv_predict('m')`)
			}
		})
	}
}
