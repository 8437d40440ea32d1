package recommendfn_test

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// BenchmarkRecommendJoin times recommend in a join, once per customer: the
// way a BI table of every customer's top 10 is materialized. Most of a
// call's cost beyond scoring is finding the model in the connection's
// cache, so the sizes differ in the model's blob (users × 64 factors for
// ALS). ns/call is the time of one recommend call.
func BenchmarkRecommendJoin(b *testing.B) {
	sizes := []struct {
		name         string
		users, items int
	}{{"small", 500, 200}, {"medium", 5000, 2000}, {"large", 20000, 5000}}
	for _, size := range sizes {
		db := openSynthetic(b, size.users, size.items)
		for _, method := range []string{"als", "item_knn"} {
			sqltest.Exec(b, db, fmt.Sprintf(`SELECT recommend_train('%s', 'buys', '{"method": "%s", "iterations": 2}')`, method, method))
			b.Run(size.name+"/"+method, func(b *testing.B) {
				q := fmt.Sprintf(`SELECT count(*) FROM customers c, recommend('%s', c.customer, 10) r`, method)
				for b.Loop() {
					if n := sqltest.One[int](b, db, q); n != 10*size.users {
						b.Fatalf("%d rows, want %d", n, 10*size.users)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*size.users), "ns/call")
			})
		}
	}
}

// openSynthetic opens an in-memory database whose buys table gives each of
// users customers 12 items out of items, in a pattern with some overlap,
// and a customers table of their keys.
func openSynthetic(b *testing.B, users, items int) *sql.DB {
	b.Helper()
	return sqltest.Open(b, `CREATE TABLE buys(customer INTEGER, item INTEGER)`,
		fmt.Sprintf(`INSERT INTO buys WITH RECURSIVE u(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM u WHERE n + 1 < %d),
			k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j + 1 < 12)
			SELECT DISTINCT n, (n * 7 + j * j * 31 + (n %% 13) * j) %% %d FROM u, k`, users, items),
		`CREATE TABLE customers AS SELECT DISTINCT customer FROM buys ORDER BY 1`).DB()
}
