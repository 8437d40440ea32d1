package kmeansfn_test

import (
	"database/sql"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// openMem opens an in-memory marketsql database with the rfm-like table
// "pts" (12 rows, 3 well separated groups of sizes 5, 4, 3).
func openMem(t *testing.T) *sql.DB {
	t.Helper()
	return sqltest.Open(t, `CREATE TABLE pts(id INTEGER PRIMARY KEY, a REAL, b REAL)`,
		`INSERT INTO pts VALUES
		(1, 0.0, 0.1), (2, 0.2, 0.0), (3, 0.1, 0.3), (4, 0.3, 0.2), (5, 0.2, 0.2),
		(6, 10.0, 10.1), (7, 10.2, 9.9), (8, 9.8, 10.0), (9, 10.1, 10.2),
		(10, 0.1, 20.0), (11, 0.3, 20.2), (12, 0.2, 19.9)`).DB()
}

// snapshot renders the whole catalog: what must not change when a call fails.
func snapshot(t *testing.T, db *sql.DB) string {
	t.Helper()
	return sqltest.Table(t, db, `SELECT name, kind, version, created_at, source, options, metrics, n_rows, format, hex(params) FROM ml_models ORDER BY name`) +
		"--\n" + sqltest.Table(t, db, `SELECT * FROM ml_kmeans_centroids ORDER BY model, cluster, feature`) +
		"--\n" + sqltest.Table(t, db, `SELECT * FROM ml_kmeans_assignments ORDER BY model, key`)
}
