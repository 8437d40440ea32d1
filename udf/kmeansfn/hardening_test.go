package kmeansfn_test

import (
	"database/sql"
	"math"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
	"github.com/seed-a084b42d/marketsql/udf/kmeansfn"
)

// hardeningTables adds to openMem's "pts":
//   - "far": two pairs of points whose coordinates (±6.5e153) have a finite
//     mean and spread, but whose squared distances overflow (8·6.5e153² >
//     the largest float64) unless the features are standardized;
//   - "heavy": pts with weights whose sum overflows;
//   - "many": 2000 points in 2 columns.
func hardeningTables(t *testing.T) *sql.DB {
	t.Helper()
	db := openMem(t)
	sqltest.Exec(t, db, `CREATE TABLE far(id INTEGER PRIMARY KEY, a REAL, b REAL);
INSERT INTO far VALUES (1, 6.5e153, 6.5e153), (2, 6.5e153, 6.5e153), (3, -6.5e153, -6.5e153), (4, -6.5e153, -6.5e153)`)
	sqltest.Exec(t, db, `CREATE TABLE heavy AS SELECT id, a, b, 1e308 AS w FROM pts`)
	sqltest.Exec(t, db, `CREATE TABLE many(id INTEGER PRIMARY KEY, a REAL, b REAL)`)
	sqltest.Exec(t, db, `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 2000)
INSERT INTO many SELECT i, (i * 7919) % 1000, (i * 104729) % 997 FROM s`)
	return db
}

// TestFiniteOrNothing: a training whose numbers overflow fails, naming what
// overflowed, the values that caused it and the fix, and the previous model
// (ml_models version and params, side tables) is unchanged.
func TestFiniteOrNothing(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, query, prefix string
		want                []string
	}{
		{"inertia", `SELECT kmeans_train('prev', 'far', '{"k": 2, "standardize": false}')`, "kmeans_train: ",
			[]string{"inertia", "overflowed to +Inf", "values up to 6.5e+153 overflow squared distances", "scale the features down", `keep "standardize" on`, "previous model", "unchanged"}},
		{"inertia elkan", `SELECT kmeans_train('prev', 'far', '{"k": 2, "standardize": false, "algorithm": "elkan"}')`, "kmeans_train: ",
			[]string{"overflowed", "6.5e+153"}},
		{"one cluster", `SELECT kmeans_train('prev', 'far', '{"k": 1, "standardize": false}')`, "kmeans_train: ",
			[]string{"inertia", "overflowed"}},
		// Random init finds the two pairs (inertia 0), but distances
		// between them overflow: the silhouette is not stored as 0.
		{"silhouette", `SELECT kmeans_train('prev', 'far', '{"k": 2, "standardize": false, "init": "random", "algorithm": "lloyd"}')`, "kmeans_train: ",
			[]string{"silhouette overflowed to NaN", "6.5e+153", `keep "standardize" on`}},
		{"select_k", `SELECT * FROM kmeans_select_k('far', 1, 3, '{"standardize": false}')`, "kmeans_select_k: ",
			[]string{"overflowed", "6.5e+153", `keep "standardize" on`}},
		{"weights", `SELECT kmeans_train('prev', 'heavy', '{"k": 2, "weight": "w"}')`, "kmeans_train: ",
			[]string{`weights in column "w"`, "largest number", "scale them down"}},
		{"feature", `SELECT kmeans_train('prev', 'SELECT id, a * 1e300 AS a, b FROM pts', '{"k": 2}')`, "kmeans_train: ",
			[]string{`column "a"`, "too large", "scale it down"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := hardeningTables(t)
			sqltest.Exec(t, db, `SELECT kmeans_train('prev', 'pts', '{"k": 3}')`)
			before := snapshot(t, db)
			sqltest.WantErr(t, sqltest.QueryErr(db, tc.query), tc.prefix, tc.want...)
			if after := snapshot(t, db); after != before {
				t.Errorf("the catalog changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if v := sqltest.One[int64](t, db, `SELECT version FROM ml_models WHERE name = 'prev'`); v != 1 {
				t.Errorf("version %d, want 1", v)
			}
		})
	}
	// Standardized, the same values cluster.
	db := hardeningTables(t)
	sqltest.Exec(t, db, `SELECT kmeans_train('m', 'far', '{"k": 2}')`)
	if got := sqltest.One[float64](t, db, `SELECT json_extract(metrics, '$.silhouette') FROM ml_models WHERE name = 'm'`); got != 1 {
		t.Errorf("silhouette %v, want 1", got)
	}
}

// TestMemoryBudget: a training whose estimated peak memory is above
// "max_memory" fails before it allocates, naming the estimate, the budget
// and what to lower, and leaves the previous model as it was.
func TestMemoryBudget(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, query, prefix string
		want                []string
	}{
		{"train", `SELECT kmeans_train('prev', 'many', '{"k": 3, "max_memory": 1000}')`, "kmeans_train: ",
			[]string{"would need about", "2,000 rows × 2 features, k = 3", "the source", "k-means", "k-means++ distances",
				"budget of 1 kB", `set with "max_memory"`, "lower the rows or features of the source", `raise "max_memory"`}},
		{"elkan", `SELECT kmeans_train('prev', 'many', '{"k": 50, "algorithm": "elkan", "max_memory": "1MB"}')`, "kmeans_train: ",
			[]string{"Elkan's bounds (rows × k) 1 MB", `lower "algorithm" ("hamerly" keeps one bound per row instead of k), k or the rows`}},
		{"select_k", `SELECT * FROM kmeans_select_k('many', 2, 60, '{"algorithm": "elkan", "max_memory": "1MB"}')`, "kmeans_select_k: ",
			[]string{"k_max = 60", `"algorithm"`, "k_max or the rows"}},
		{"minibatch", `SELECT kmeans_train('prev', 'many', '{"k": 3, "algorithm": "minibatch", "max_memory": "10kB"}')`, "kmeans_train: ",
			[]string{"mini-batch subsets", `"batch_size"`}},
		{"bad value", `SELECT kmeans_train('prev', 'many', '{"k": 3, "max_memory": "lots"}')`, "kmeans_train: ",
			[]string{`option "max_memory"`, `"512MB"`}},
		{"zero", `SELECT kmeans_train('prev', 'many', '{"k": 3, "max_memory": 0}')`, "kmeans_train: ",
			[]string{`option "max_memory"`, "positive"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := hardeningTables(t)
			sqltest.Exec(t, db, `SELECT kmeans_train('prev', 'pts', '{"k": 3}')`)
			before := snapshot(t, db)
			sqltest.WantErr(t, sqltest.QueryErr(db, tc.query), tc.prefix, tc.want...)
			if after := snapshot(t, db); after != before {
				t.Errorf("the catalog changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
	// Within the budget, training and selection run; the budget is not
	// stored with the model's options.
	db := hardeningTables(t)
	sqltest.Exec(t, db, `SELECT kmeans_train('m', 'many', '{"k": 3, "max_memory": "64MB"}')`)
	sqltest.Exec(t, db, `SELECT * FROM kmeans_select_k('many', 2, 4, '{"max_memory": 64000000}')`)
	if opts := sqltest.One[string](t, db, `SELECT options FROM ml_models WHERE name = 'm'`); strings.Contains(opts, "max_memory") {
		t.Errorf("stored options %s carry the memory budget", opts)
	}
}

// An explicit "silhouette_sample": 0 is refused with the accepted range (it
// used to become the default silently); the Go zero value still means the
// default.
func TestSilhouetteSampleZero(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	for _, q := range []struct{ fn, sql string }{
		{"kmeans_train", `SELECT kmeans_train('m', 'pts', '{"k": 3, "silhouette_sample": 0}')`},
		{"kmeans_select_k", `SELECT * FROM kmeans_select_k('pts', 2, 3, '{"silhouette_sample": 0}')`},
	} {
		sqltest.WantErr(t, sqltest.QueryErr(db, q.sql), q.fn+": ",
			`option "silhouette_sample" must be an integer from 1 to 2147483647, got 0`)
	}
	sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', '{"k": 3, "silhouette_sample": 1}')`)
	if got := sqltest.One[int64](t, db, `SELECT json_extract(options, '$.silhouette_sample') FROM ml_models WHERE name = 'm'`); got != 1 {
		t.Errorf("stored silhouette_sample %d", got)
	}
}

// TestNonFiniteParams: a params blob with a valid checksum but a NaN or an
// infinity is damage: every function that loads the model says so, and to
// retrain it.
func TestNonFiniteParams(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		mutate func(m *kmeansfn.Model)
		want   string
	}{
		{"centroid NaN", func(m *kmeansfn.Model) { m.Centroids[1] = math.NaN() }, "centroids: non-finite value NaN"},
		{"centroid Inf", func(m *kmeansfn.Model) { m.Centroids[0] = math.Inf(-1) }, "centroids: non-finite value -Inf"},
		{"mean", func(m *kmeansfn.Model) { m.Mean[0] = math.Inf(1) }, "feature means: non-finite value +Inf"},
		{"std", func(m *kmeansfn.Model) { m.Std[1] = math.Inf(1) }, "feature scales: non-finite"},
		{"weights", func(m *kmeansfn.Model) { m.Weights[0] = math.NaN() }, "cluster weights: non-finite"},
		{"overall mean", func(m *kmeansfn.Model) { m.OverallMean[1] = math.NaN() }, "overall means: non-finite"},
		{"overall std", func(m *kmeansfn.Model) { m.OverallStd[0] = math.Inf(1) }, "overall deviations: non-finite"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := openMem(t)
			sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', '{"k": 2}')`)
			m, err := kmeansfn.Decode(sqltest.One[[]byte](t, db, `SELECT params FROM ml_models WHERE name = 'm'`))
			if err != nil {
				t.Fatal(err)
			}
			tc.mutate(m)
			sqltest.Exec(t, db, `UPDATE ml_models SET params = ? WHERE name = 'm'`, m.Encode())
			for _, q := range []struct{ fn, sql string }{
				{"kmeans_assign", `SELECT kmeans_assign('m', 1, 2)`},
				{"kmeans_distance", `SELECT kmeans_distance('m', 1, 2)`},
				{"kmeans_centroids", `SELECT * FROM kmeans_centroids('m')`},
				{"kmeans_profile", `SELECT * FROM kmeans_profile('m')`},
			} {
				sqltest.WantErr(t, sqltest.QueryErr(db, q.sql), q.fn+": ", `model "m"`, "damaged", tc.want, "retrain it")
			}
		})
	}
}
