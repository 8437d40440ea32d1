package interchangefn_test

import (
	"database/sql"
	"encoding/csv"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/datasets"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// sparkModels is the folder of models saved by real Spark and PMML files;
// its licences forbid copying most of it into the repository.
func sparkModels(t *testing.T, sub string) string {
	t.Helper()
	dir := datasets.Shared(filepath.Join("spark-models", sub))
	if dir == "" {
		t.Skipf("../shared/data/spark-models/%s (or $MARKETSQL_DATA) is not here; skipping", sub)
	}
	return dir
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows[1:]
}

func num(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestPMMLIris imports the Rattle k-means model of Iris and checks, for
// every row of the file's expected output, the cluster (mapped back to the
// file's ids through ml_kmeans_centroids.source_cluster) and the squared
// distance to it.
func TestPMMLIris(t *testing.T) {
	dir := sparkModels(t, "pmml-kmeans-iris-rattle")
	db := sqltest.Open(t, `CREATE TABLE iris(id INTEGER PRIMARY KEY, sl REAL, sw REAL, pl REAL, pw REAL)`).DB()
	for i, r := range readCSV(t, filepath.Join(dir, "Iris.csv")) {
		sqltest.Exec(t, db, `INSERT INTO iris VALUES (?, ?, ?, ?, ?)`, i+1, num(t, r[0]), num(t, r[1]), num(t, r[2]), num(t, r[3]))
	}
	summary := sqltest.One[string](t, db, `SELECT ml_import('iris', ?)`, filepath.Join(dir, "KMeansIris.pmml"))
	t.Log(summary)
	// Sizes 62, 38, 50 in the file: ours are ordered largest first.
	if got := sqltest.Table(t, db, `SELECT DISTINCT cluster, source_cluster FROM ml_kmeans_centroids WHERE model = 'iris' ORDER BY 1`); got != "1|1\n2|3\n3|2\n" {
		t.Errorf("cluster map:\n%s", got)
	}
	if got := sqltest.Table(t, db, `SELECT json_extract(metrics, '$.sizes') FROM ml_models WHERE name = 'iris'`); got != "[62,50,38]\n" {
		t.Errorf("sizes %s", got)
	}
	rows, err := db.Query(`SELECT i.id, c.source_cluster, kmeans_distance('iris', sl, sw, pl, pw)
		FROM iris i JOIN (SELECT DISTINCT cluster, source_cluster FROM ml_kmeans_centroids WHERE model = 'iris') c
		ON c.cluster = kmeans_assign('iris', sl, sw, pl, pw) ORDER BY i.id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	want := readCSV(t, filepath.Join(dir, "KMeansIris.csv"))
	n := 0
	for rows.Next() {
		var id, cluster int
		var dist float64
		if err := rows.Scan(&id, &cluster, &dist); err != nil {
			t.Fatal(err)
		}
		w := want[id-1]
		if strconv.Itoa(cluster) != w[0] {
			t.Errorf("row %d: cluster %d, the PMML evaluator's %s", id, cluster, w[0])
		}
		affinity := num(t, w[cluster]) // clusterAffinity_<cluster> is the squared distance
		if math.Abs(dist*dist-affinity) > 1e-9*math.Max(1, affinity) {
			t.Errorf("row %d: squared distance %.12g, the evaluator's %.12g", id, dist*dist, affinity)
		}
		n++
	}
	if n != len(want) || n != 150 {
		t.Errorf("%d rows checked, want %d", n, len(want))
	}
}

// roundTripAssignments exports model from db as PMML, imports it as model2
// and checks that every row of the query q (key, features...) gets the
// same cluster and distance.
func assignments(t *testing.T, db *sql.DB, model, features, table string) string {
	t.Helper()
	return sqltest.Table(t, db, `SELECT kmeans_assign('`+model+`', `+features+`), round(kmeans_distance('`+model+`', `+features+`), 9) FROM `+table+` ORDER BY rowid`)
}

func TestPMMLExportRoundTrip(t *testing.T) {
	for _, standardize := range []bool{true, false} {
		db := sqltest.Open(t, `CREATE TABLE pts(id INTEGER PRIMARY KEY, a REAL, b REAL, c REAL)`,
			`WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 300)
			 INSERT INTO pts SELECT i, (i % 7) * 13.5 + (i % 3), (i % 5) * 0.01 + (i % 11) * 0.002, (i % 13) * 100.0 FROM s`).DB()
		opts := `{"k": 4, "standardize": false}`
		if standardize {
			opts = `{"k": 4}`
		}
		sqltest.One[string](t, db, `SELECT kmeans_train('m', 'pts', ?)`, opts)
		path := filepath.Join(t.TempDir(), "m.pmml")
		sqltest.One[string](t, db, `SELECT ml_export('m', ?)`, path)
		sqltest.One[string](t, db, `SELECT ml_import('m2', ?)`, path)
		if a, b := assignments(t, db, "m", "a, b, c", "pts"), assignments(t, db, "m2", "a, b, c", "pts"); a != b {
			t.Errorf("standardize %v: re-imported PMML assigns differently", standardize)
		}
		if got := sqltest.Table(t, db, `SELECT count(*) FROM ml_kmeans_centroids a JOIN ml_kmeans_centroids b
			ON a.model = 'm' AND b.model = 'm2' AND a.cluster = b.cluster AND a.feature = b.feature
			AND abs(a.value - b.value) <= 1e-9 * max(1, abs(a.value)) AND b.source_cluster = a.cluster`); got != "12\n" {
			t.Errorf("standardize %v: %s centroid values match, want 12", standardize, got)
		}
	}
}
