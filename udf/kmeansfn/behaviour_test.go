package kmeansfn_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// groups are the three groups of table pts, largest first, with their means.
var groups = []struct {
	ids  string
	size int
	a, b float64
}{
	{"1,2,3,4,5", 5, 0.16, 0.16},
	{"6,7,8,9", 4, 10.025, 10.05},
	{"10,11,12", 3, 0.2, 20.033333333333333},
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*(1+math.Abs(b)) }

func TestTrainSummary(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	out := sqltest.One[string](t, db, `SELECT kmeans_train('m', 'pts', json_object('k', 3))`)
	var s struct {
		Model      string
		K          int
		Rows       int
		Skipped    int
		Features   []string
		Sizes      []int64
		Inertia    float64
		Silhouette *float64
	}
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("summary %s: %v", out, err)
	}
	if s.Model != "m" || s.K != 3 || s.Rows != 12 || s.Skipped != 0 || strings.Join(s.Features, ",") != "a,b" ||
		fmt.Sprint(s.Sizes) != "[5 4 3]" || s.Silhouette == nil || *s.Silhouette < 0.9 {
		t.Errorf("summary %s", out)
	}
	got := sqltest.Table(t, db, `SELECT name, kind, version, source, n_rows, format FROM ml_models`)
	if got != "m|kmeans|1|pts|12|1\n" {
		t.Errorf("ml_models row %q", got)
	}
	var opts map[string]any
	if err := json.Unmarshal([]byte(sqltest.One[string](t, db, `SELECT options FROM ml_models`)), &opts); err != nil || opts["k"] != 3.0 {
		t.Errorf("stored options %v %v", opts, err)
	}
}

// TestClusters checks numbering by size, the stored assignments and
// centroids against the known groups, and that kmeans_assign and
// kmeans_distance reproduce the stored assignments for every training row.
func TestClusters(t *testing.T) {
	t.Parallel()
	for _, opt := range []string{`{"k": 3}`, `{"k": 3, "standardize": false}`, `{"k": 3, "algorithm": "lloyd"}`,
		`{"k": 3, "algorithm": "minibatch", "batch_size": 4, "seed": 3}`, `{"k": 3, "init": "random", "n_init": 4}`} {
		t.Run(opt, func(t *testing.T) {
			t.Parallel()
			db := openMem(t)
			sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', ?)`, opt)
			tol := 1e-9
			if strings.Contains(opt, "minibatch") {
				tol = 0.05 // mini-batch centroids are running averages, not exact means
			}
			for i, g := range groups {
				got := sqltest.Table(t, db, `SELECT group_concat(key) FROM (SELECT key FROM ml_kmeans_assignments WHERE model = 'm' AND cluster = ? ORDER BY key)`, i+1)
				if got != g.ids+"\n" {
					t.Errorf("cluster %d holds %q, want %s", i+1, got, g.ids)
				}
				for _, src := range []string{
					`SELECT value FROM ml_kmeans_centroids WHERE model = 'm' AND cluster = ? AND feature = ?`,
					`SELECT value FROM kmeans_centroids('m') WHERE cluster = ? AND feature = ?`,
				} {
					if a := sqltest.One[float64](t, db, src, i+1, "a"); !near(a, g.a, tol) {
						t.Errorf("%s: cluster %d a = %v, want %v", src, i+1, a, g.a)
					}
					if b := sqltest.One[float64](t, db, src, i+1, "b"); !near(b, g.b, tol) {
						t.Errorf("%s: cluster %d b = %v, want %v", src, i+1, b, g.b)
					}
				}
			}
			assertScoresMatch(t, db, "m", "pts", "a, b")
		})
	}
}

// assertScoresMatch checks kmeans_assign and kmeans_distance against
// ml_kmeans_assignments for every row of table source (key column id).
func assertScoresMatch(t *testing.T, db *sql.DB, model, source, features string) {
	t.Helper()
	q := fmt.Sprintf(`SELECT count(*),
  sum(kmeans_assign(?1, %[2]s) = a.cluster),
  max(abs(kmeans_distance(?1, %[2]s) - a.distance))
FROM %[1]s s JOIN ml_kmeans_assignments a ON a.model = ?1 AND a.key = s.id`, source, features)
	var n, same int64
	var maxDiff float64
	if err := db.QueryRow(q, model).Scan(&n, &same, &maxDiff); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	rows := sqltest.One[int64](t, db, `SELECT count(*) FROM `+source)
	if n != rows || same != n || maxDiff > 1e-9 {
		t.Errorf("%d of %d rows joined, %d assigned as stored, max distance difference %g", n, rows, same, maxDiff)
	}
	// Clusters are 1..k, by size descending.
	sizes := sqltest.Table(t, db, `SELECT cluster, count(*) FROM ml_kmeans_assignments WHERE model = ? GROUP BY cluster ORDER BY cluster`, model)
	prev := math.MaxInt
	for i, line := range strings.Split(strings.TrimSpace(sizes), "\n") {
		var cl, size int
		fmt.Sscanf(line, "%d|%d", &cl, &size)
		if cl != i+1 || size > prev {
			t.Errorf("clusters are not 1..k by size descending:\n%s", sizes)
			break
		}
		prev = size
	}
}

func TestScalarArguments(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', '{"k": 3}')`)
	for _, tc := range []struct {
		query string
		want  string
	}{
		{`SELECT kmeans_assign('m', 10, 10)`, "2\n"},
		{`SELECT kmeans_assign('m', 10.0, 10.0)`, "2\n"},
		{`SELECT kmeans_assign('m', 0, 20)`, "3\n"},
		{`SELECT kmeans_assign('m', 0, 0)`, "1\n"},
		{`SELECT kmeans_distance('m', 10, 10) = kmeans_distance('m', 10.0, 10.0)`, "1\n"},
		{`SELECT kmeans_assign('m', NULL, 1) IS NULL`, "1\n"},
		{`SELECT kmeans_assign('m', 1, NULL) IS NULL`, "1\n"},
		{`SELECT kmeans_distance('m', NULL, NULL) IS NULL`, "1\n"},
		{`SELECT typeof(kmeans_assign('m', 1, 2)), typeof(kmeans_distance('m', 1, 2))`, "integer|real\n"},
		{`SELECT kmeans_assign('m', a, b), count(*) FROM pts GROUP BY 1 ORDER BY 1`, "1|5\n2|4\n3|3\n"},
		{`SELECT kmeans_assign('m', CAST(a AS INTEGER), b) FROM pts WHERE id = 7`, "2\n"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			if got := sqltest.Table(t, db, tc.query); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestDistanceUnits(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.Exec(t, db, `SELECT kmeans_train('raw', 'pts', '{"k": 3, "standardize": false}')`)
	// In feature units: the Euclidean distance to the centroid.
	got := sqltest.One[float64](t, db, `SELECT kmeans_distance('raw', 3, 4)`)
	want := math.Hypot(3-groups[0].a, 4-groups[0].b)
	if !near(got, want, 1e-9) {
		t.Errorf("kmeans_distance in feature units = %v, want %v", got, want)
	}
	// Standardized: the distance in z-scores, using the population std.
	sqltest.Exec(t, db, `SELECT kmeans_train('std', 'pts', '{"k": 3}')`)
	var ma, sa, mb, sb float64
	db.QueryRow(`SELECT avg(a), sqrt(avg(a*a) - avg(a)*avg(a)), avg(b), sqrt(avg(b*b) - avg(b)*avg(b)) FROM pts`).Scan(&ma, &sa, &mb, &sb)
	got = sqltest.One[float64](t, db, `SELECT kmeans_distance('std', 3, 4)`)
	want = math.Hypot((3-ma)/sa-(groups[0].a-ma)/sa, (4-mb)/sb-(groups[0].b-mb)/sb)
	if !near(got, want, 1e-9) {
		t.Errorf("kmeans_distance in z-scores = %v, want %v", got, want)
	}
}

func TestProfile(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', '{"k": 3}')`)
	n := sqltest.One[int64](t, db, `SELECT count(*) FROM kmeans_profile('m')`)
	if n != 6 {
		t.Fatalf("%d profile rows, want 3 clusters × 2 features", n)
	}
	// mean = centroid; overall_mean = avg; z = (mean - avg) / population std.
	bad := sqltest.Table(t, db, `WITH s AS (
  SELECT 'a' AS feature, avg(a) AS m, sqrt(avg(a*a) - avg(a)*avg(a)) AS sd FROM pts
  UNION ALL SELECT 'b', avg(b), sqrt(avg(b*b) - avg(b)*avg(b)) FROM pts)
SELECT p.cluster, p.feature, p.mean, c.value, p.overall_mean, s.m, p.z, (p.mean - s.m) / s.sd
FROM kmeans_profile('m') p
JOIN kmeans_centroids('m') c ON c.cluster = p.cluster AND c.feature = p.feature
JOIN s ON s.feature = p.feature
WHERE abs(p.mean - c.value) > 1e-9 OR abs(p.overall_mean - s.m) > 1e-9 OR abs(p.z - (p.mean - s.m) / s.sd) > 1e-9
   OR p.size != c.size`)
	if bad != "" {
		t.Errorf("inconsistent profile rows:\n%s", bad)
	}
	got := sqltest.Table(t, db, `SELECT cluster, size, round(share, 12) FROM kmeans_profile('m') WHERE feature = 'a' ORDER BY cluster`)
	if got != "1|5|0.416666666667\n2|4|0.333333333333\n3|3|0.25\n" {
		t.Errorf("sizes and shares:\n%s", got)
	}
	if s := sqltest.One[float64](t, db, `SELECT sum(share) FROM kmeans_profile('m') WHERE feature = 'b'`); !near(s, 1, 1e-12) {
		t.Errorf("shares sum to %v", s)
	}
	got = sqltest.Table(t, db, `SELECT cluster, size FROM kmeans_centroids('m') WHERE feature = 'a' ORDER BY cluster`)
	if got != "1|5\n2|4\n3|3\n" {
		t.Errorf("centroid sizes:\n%s", got)
	}
}

func TestSelectK(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	got := sqltest.Table(t, db, `SELECT k, silhouette IS NULL, davies_bouldin IS NULL, calinski_harabasz IS NULL, iterations >= 1 FROM kmeans_select_k('pts', 1, 5) ORDER BY k`)
	want := "1|1|1|1|1\n2|0|0|0|1\n3|0|0|0|1\n4|0|0|0|1\n5|0|0|0|1\n"
	if got != want {
		t.Errorf("select_k rows:\n%s\nwant\n%s", got, want)
	}
	best := sqltest.One[int64](t, db, `SELECT k FROM kmeans_select_k('pts', 2, 5, '{"seed": 1}') ORDER BY silhouette DESC LIMIT 1`)
	if best != 3 {
		t.Errorf("best silhouette at k=%d, want 3", best)
	}
	in := sqltest.Table(t, db, `SELECT k FROM kmeans_select_k('SELECT * FROM pts', 1, 4) a
WHERE inertia < (SELECT inertia FROM kmeans_select_k('pts', 1, 4) b WHERE b.k = a.k + 1) - 1e-9`)
	if in != "" {
		t.Errorf("inertia increases after k = %s", in)
	}
	// Named arguments through the hidden columns, in any order.
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM kmeans_select_k WHERE k_max = 3 AND source = 'pts' AND k_min = 2`); n != 2 {
		t.Errorf("%d rows with named arguments", n)
	}
	// It stores no model; on a writable connection it records its latest
	// run per source in ml_evaluations, creating the catalog for it (see
	// evaluations_test.go).
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM ml_models`); n != 0 {
		t.Errorf("kmeans_select_k stored %d models", n)
	}
	if got, want := sqltest.Table(t, db, `SELECT subject, args FROM ml_evaluations ORDER BY subject`),
		"SELECT * FROM pts|{\"k_min\":1,\"k_max\":4,\"options\":{}}\npts|{\"k_min\":2,\"k_max\":3,\"options\":{}}\n"; got != want {
		t.Errorf("recorded runs:\n%s\nwant\n%s", got, want)
	}
}

func TestSources(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, setup, source string
		rows                int
	}{
		{"temp table", `CREATE TEMP TABLE tt AS SELECT * FROM pts`, "tt", 12},
		{"temp qualified", `CREATE TEMP TABLE tt AS SELECT * FROM pts`, "temp.tt", 12},
		{"view", `CREATE VIEW v AS SELECT id, a, b FROM pts WHERE id > 2`, "v", 10},
		{"query", ``, "SELECT id, a, b FROM pts WHERE id <= 9", 9},
		{"query with semicolon and comment", ``, "SELECT id, a, b FROM pts -- all of them\n;", 12},
		{"with", ``, "WITH x AS (SELECT * FROM pts) SELECT * FROM x", 12},
		{"values", ``, "VALUES (1, 0.0), (2, 0.1), (3, 5.0), (4, 5.1)", 4},
		{"text keys", ``, "SELECT 'c' || id AS customer, a, b FROM pts", 12},
		{"quoted table", `CREATE TABLE "my pts" AS SELECT * FROM pts`, `SELECT * FROM "my pts"`, 12},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			db := openMem(t)
			if tc.setup != "" {
				sqltest.Exec(t, db, tc.setup)
			}
			sqltest.Exec(t, db, `SELECT kmeans_train('m', ?, '{"k": 2}')`, tc.source)
			if n := sqltest.One[int64](t, db, `SELECT n_rows FROM ml_models WHERE name = 'm'`); n != int64(tc.rows) {
				t.Errorf("n_rows %d, want %d", n, tc.rows)
			}
			if n := sqltest.One[int64](t, db, `SELECT count(*) FROM ml_kmeans_assignments WHERE model = 'm'`); n != int64(tc.rows) {
				t.Errorf("%d assignments, want %d", n, tc.rows)
			}
			if src := sqltest.One[string](t, db, `SELECT source FROM ml_models`); src != tc.source {
				t.Errorf("stored source %q", src)
			}
		})
	}
	t.Run("text keys kept as text", func(t *testing.T) {
		t.Parallel()
		db := openMem(t)
		sqltest.Exec(t, db, `SELECT kmeans_train('m', 'SELECT ''c'' || id AS customer, a, b FROM pts', '{"k": 3}')`)
		if got := sqltest.Table(t, db, `SELECT typeof(key), count(*) FROM ml_kmeans_assignments GROUP BY 1`); got != "text|12\n" {
			t.Errorf("key types %q", got)
		}
		sqltest.Exec(t, db, `SELECT kmeans_train('n', 'pts', '{"k": 3}')`)
		if got := sqltest.Table(t, db, `SELECT typeof(key), count(*) FROM ml_kmeans_assignments WHERE model = 'n' GROUP BY 1`); got != "integer|12\n" {
			t.Errorf("key types %q", got)
		}
	})
}

func TestOnNullSkip(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.Exec(t, db, `CREATE TABLE dirty AS SELECT id, CASE WHEN id = 2 THEN NULL ELSE a END AS a,
  CASE WHEN id = 6 THEN 'n/a' WHEN id = 10 THEN 9e999 ELSE b END AS b FROM pts`)
	out := sqltest.One[string](t, db, `SELECT kmeans_train('m', 'dirty', '{"k": 3, "on_null": "skip"}')`)
	var s struct{ Rows, Skipped int }
	json.Unmarshal([]byte(out), &s)
	if s.Rows != 9 || s.Skipped != 3 {
		t.Errorf("summary %s: want 9 rows and 3 skipped", out)
	}
	if got := sqltest.Table(t, db, `SELECT n_rows, json_extract(metrics, '$.skipped'), json_extract(options, '$.on_null') FROM ml_models`); got != "9|3|skip\n" {
		t.Errorf("catalog row %q", got)
	}
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM ml_kmeans_assignments WHERE key IN (2, 6, 10)`); n != 0 {
		t.Errorf("%d skipped rows were assigned", n)
	}
	sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT kmeans_train('m', 'SELECT id, NULL AS a FROM pts', '{"k": 1, "on_null": "skip"}')`),
		"kmeans_train: ", "every row", "skipped")
}

// TestRetrain checks that training again replaces the model, its rows and
// every connection's cached copy.
func TestRetrain(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', '{"k": 1}')`)
	if got := sqltest.One[int64](t, db, `SELECT kmeans_assign('m', 10, 10)`); got != 1 {
		t.Fatalf("k=1 assigns %d", got)
	}
	sqltest.Exec(t, db, `SELECT kmeans_train('m', 'SELECT * FROM pts WHERE id > 3', '{"k": 3}')`)
	if got := sqltest.One[int64](t, db, `SELECT kmeans_assign('m', 10, 10)`); got != 1 {
		// groups without ids 1..3: sizes 4 (6..9), 3 (10..12), 2 (4, 5)
		t.Errorf("after retraining, assign = %d, want 1 (the cache kept the old model?)", got)
	}
	if got := sqltest.One[int64](t, db, `SELECT kmeans_assign('m', 0, 0)`); got != 3 {
		t.Errorf("after retraining, assign(0,0) = %d, want 3", got)
	}
	got := sqltest.Table(t, db, `SELECT version, n_rows FROM ml_models`)
	if got != "2|9\n" {
		t.Errorf("ml_models %q", got)
	}
	if got := sqltest.Table(t, db, `SELECT count(*), min(key), max(cluster) FROM ml_kmeans_assignments`); got != "9|4|3\n" {
		t.Errorf("assignments %q", got)
	}
	if got := sqltest.Table(t, db, `SELECT count(*) FROM ml_kmeans_centroids`); got != "6\n" {
		t.Errorf("centroid rows %q", got)
	}
	// Training inside a transaction that is rolled back leaves the old model.
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`SELECT kmeans_train('m', 'pts', '{"k": 2}')`); err != nil {
		t.Fatal(err)
	}
	tx.Rollback()
	if got := sqltest.Table(t, db, `SELECT version, n_rows, kmeans_assign('m', 0, 0) FROM ml_models`); got != "2|9|3\n" {
		t.Errorf("after a rolled back retraining: %q", got)
	}
}

func TestRetrainOtherConnection(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "shop.db")
	e, err := engine.Open(path, &engine.Options{MaxConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	a, err := e.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := e.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, q := range []string{
		`CREATE TABLE pts(id INTEGER PRIMARY KEY, a REAL, b REAL)`,
		`INSERT INTO pts VALUES (1, 0, 0), (2, 0, 1), (3, 10, 10), (4, 10, 11), (5, 11, 10)`,
		`SELECT kmeans_train('m', 'pts', '{"k": 1}')`,
	} {
		if _, err := a.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	assign := func(c *sql.Conn) int64 {
		var v int64
		if err := c.QueryRowContext(ctx, `SELECT kmeans_assign('m', 0, 0)`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if assign(a) != 1 || assign(b) != 1 {
		t.Fatal("k=1 model does not assign 1")
	}
	if _, err := b.ExecContext(ctx, `SELECT kmeans_train('m', 'pts', '{"k": 2}')`); err != nil {
		t.Fatal(err)
	}
	if got := assign(a); got != 2 {
		t.Errorf("connection a assigns %d after b retrained; want 2 (stale cache)", got)
	}
	if _, err := b.ExecContext(ctx, `SELECT ml_drop('m')`); err != nil {
		t.Fatal(err)
	}
	err = a.QueryRowContext(ctx, `SELECT kmeans_assign('m', 0, 0)`).Scan(new(int64))
	sqltest.WantErr(t, err, "kmeans_assign: ", "not found")
}

func TestDrop(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.Exec(t, db, `SELECT kmeans_train('m', 'pts', '{"k": 3}')`)
	sqltest.Exec(t, db, `SELECT kmeans_train('keep', 'pts', '{"k": 2}')`)
	sqltest.Exec(t, db, `SELECT kmeans_assign('m', 1, 1)`) // cache it
	if got := sqltest.One[int64](t, db, `SELECT ml_drop('m')`); got != 1 {
		t.Errorf("first ml_drop = %d", got)
	}
	if got := sqltest.One[int64](t, db, `SELECT ml_drop('m')`); got != 0 {
		t.Errorf("second ml_drop = %d", got)
	}
	for tbl, want := range map[string]string{
		"ml_models": "1|keep\n", "ml_kmeans_centroids": "4|keep\n", "ml_kmeans_assignments": "12|keep\n",
	} {
		col := "model"
		if tbl == "ml_models" {
			col = "name"
		}
		if got := sqltest.Table(t, db, `SELECT count(*), group_concat(DISTINCT `+col+`) FROM `+tbl); got != want {
			t.Errorf("%s after drop: %q, want %q", tbl, got, want)
		}
	}
	sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT kmeans_assign('m', 1, 1)`), "kmeans_assign: ", "not found")
	if got := sqltest.One[int64](t, db, `SELECT ml_drop('never')`); got != 0 {
		t.Errorf("ml_drop of an unknown model = %d", got)
	}
}

// TestWeights checks that a row of weight 0 has no effect on the model and
// that integer weights equal repeated rows, standardized or not.
func TestWeights(t *testing.T) {
	t.Parallel()
	for _, std := range []bool{true, false} {
		t.Run(fmt.Sprint("standardize=", std), func(t *testing.T) {
			t.Parallel()
			db := openMem(t)
			sqltest.Exec(t, db, `CREATE TABLE w AS SELECT id, a, b, 1 + id % 3 AS w FROM pts`)
			// Row 100 is a far outlier of weight 0.
			sqltest.Exec(t, db, `CREATE TABLE w0 AS SELECT * FROM w UNION ALL SELECT 100, 50.0, -30.0, 0`)
			sqltest.Exec(t, db, `CREATE TABLE rep AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3)
SELECT w.id * 10 + r.n AS id, a, b FROM w JOIN r ON r.n <= w.w`)
			opts := fmt.Sprintf(`{"k": 3, "standardize": %v, "weight": "w"}`, std)
			summaries := map[string]string{}
			for name, q := range map[string]string{
				"weighted": `SELECT kmeans_train('weighted', 'w', ?)`,
				"zero":     `SELECT kmeans_train('zero', 'w0', ?)`,
				"repeated": `SELECT kmeans_train('repeated', 'rep', json_remove(?, '$.weight'))`,
			} {
				summaries[name] = sqltest.One[string](t, db, q, opts)
			}
			inertia := func(name string) float64 {
				var s struct{ Inertia float64 }
				json.Unmarshal([]byte(summaries[name]), &s)
				return s.Inertia
			}
			for _, other := range []string{"zero", "repeated"} {
				diff := sqltest.Table(t, db, `SELECT a.cluster, a.feature, a.value, b.value FROM kmeans_centroids('weighted') a
JOIN kmeans_centroids(?) b ON a.cluster = b.cluster AND a.feature = b.feature WHERE abs(a.value - b.value) > 1e-9`, other)
				if diff != "" {
					t.Errorf("centroids of %s differ from the weighted model:\n%s", other, diff)
				}
				if a, b := inertia("weighted"), inertia(other); !near(a, b, 1e-9) {
					t.Errorf("inertia of %s %v, weighted %v", other, b, a)
				}
				prof := `SELECT cluster, feature, round(share, 12), round(overall_mean, 9), round(z, 9) FROM kmeans_profile(?) ORDER BY 1, 2`
				if a, b := sqltest.Table(t, db, prof, "weighted"), sqltest.Table(t, db, prof, other); a != b {
					t.Errorf("profile of %s:\n%s\nweighted:\n%s", other, b, a)
				}
			}
			if n := sqltest.One[int64](t, db, `SELECT count(*) FROM ml_kmeans_assignments WHERE model = 'zero' AND key = 100`); n != 1 {
				t.Errorf("the zero-weight row was not assigned")
			}
		})
	}
}

func TestExplicitInit(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	// Start at the group means: one iteration, the same centroids.
	out := sqltest.One[string](t, db, `SELECT kmeans_train('m', 'pts', '{"k": 3, "init": [[10.025, 10.05], [0.16, 0.16], [0.2, 20.033333333333333]]}')`)
	if !strings.Contains(out, `"iterations":1`) {
		t.Errorf("summary %s: want one iteration", out)
	}
	for i, g := range groups {
		if a := sqltest.One[float64](t, db, `SELECT value FROM kmeans_centroids('m') WHERE cluster = ? AND feature = 'a'`, i+1); !near(a, g.a, 1e-9) {
			t.Errorf("cluster %d a = %v, want %v", i+1, a, g.a)
		}
	}
	// A bad start shows the init was used: from (0, 0) and (0.1, 0.1), one
	// Lloyd iteration moves (0.1, 0.1) to the mean of the 7 points of the
	// two far groups and a few near points; the final assignment (after the
	// update, as scikit-learn does) puts group 1 alone: sizes 7 and 5.
	sqltest.Exec(t, db, `SELECT kmeans_train('one', 'pts', '{"k": 2, "init": [[0, 0], [0.1, 0.1]], "max_iter": 1, "standardize": false}')`)
	if got := sqltest.Table(t, db, `SELECT cluster, group_concat(key) FROM (SELECT * FROM ml_kmeans_assignments WHERE model = 'one' ORDER BY key) GROUP BY 1`); got != "1|6,7,8,9,10,11,12\n2|1,2,3,4,5\n" {
		t.Errorf("max_iter 1 from an explicit init: %q", got)
	}
	if got := sqltest.One[string](t, db, `SELECT json_extract(options, '$.init') FROM ml_models WHERE name = 'm'`); !strings.HasPrefix(got, "[[10.025") {
		t.Errorf("stored init %q", got)
	}
}

// TestDeterminism checks that the same seed gives the same model whatever
// the thread count, and that another seed may not.
func TestDeterminism(t *testing.T) {
	t.Parallel()
	db := openMem(t)
	sqltest.Exec(t, db, `CREATE TABLE big(id INTEGER PRIMARY KEY, f1 REAL, f2 REAL, f3 REAL)`)
	sqltest.Exec(t, db, `WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 3000)
INSERT INTO big SELECT i, (i * 7919) % 1000, (i * 104729) % 997, (i * 1299709) % 991 FROM s`)
	for _, algo := range []string{"auto", "lloyd", "minibatch"} {
		params := map[string]string{}
		for _, threads := range []int{1, 2, 1} {
			opts := fmt.Sprintf(`{"k": 6, "seed": 42, "n_init": 3, "init": "random", "algorithm": %q, "threads": %d}`, algo, threads)
			sqltest.Exec(t, db, `SELECT kmeans_train('d', 'big', ?)`, opts)
			got := sqltest.One[string](t, db, `SELECT hex(params) FROM ml_models WHERE name = 'd'`) +
				sqltest.Table(t, db, `SELECT key, cluster, distance FROM ml_kmeans_assignments WHERE model = 'd' ORDER BY key`)
			if prev, ok := params["any"]; ok && prev != got {
				t.Errorf("%s: threads=%d gives another model", algo, threads)
			}
			params["any"] = got
		}
		assertScoresMatch(t, db, "d", "big", "f1, f2, f3")
	}
}
