package kmeansfn_test

import (
	"fmt"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// BenchmarkScore measures kmeans_assign and kmeans_distance per scored row
// over a table of n rows × 3 features, against a plain SQL expression over
// the same columns (the floor of any per-row function).
func BenchmarkScore(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		e, err := engine.Open(":memory:", nil)
		if err != nil {
			b.Fatal(err)
		}
		db := e.DB()
		if _, err := db.Exec(fmt.Sprintf(`CREATE TABLE pts AS
			WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d)
			SELECT i AS id, (i * 7919 %% 1000) / 100.0 AS a, (i * 104729 %% 997) / 50.0 AS b, (i %% 13) * 1.0 AS c FROM s`, n)); err != nil {
			b.Fatal(err)
		}
		if _, err := db.Exec(`SELECT kmeans_train('m', 'pts', '{"k": 8, "max_iter": 20}')`); err != nil {
			b.Fatal(err)
		}
		for _, q := range []struct{ name, sql string }{
			{"floor", `SELECT sum(a + b + c) FROM pts`},
			{"assign", `SELECT sum(kmeans_assign('m', a, b, c)) FROM pts`},
			{"distance", `SELECT sum(kmeans_distance('m', a, b, c)) FROM pts`},
		} {
			b.Run(fmt.Sprintf("%s/rows=%d", q.name, n), func(b *testing.B) {
				var sink float64
				for i := 0; i < b.N; i++ {
					if err := db.QueryRow(q.sql).Scan(&sink); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/row")
			})
		}
		e.Close()
	}
}
