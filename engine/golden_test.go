package engine_test

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/engine"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite testdata/models/kmeans_v1.db")

// goldenKMeans is a model database written by catalog schema 1 and params
// format 1. It pins the on-disk format: whatever changes, this file must
// still load and score the same. Regenerate it (go test ./engine -run
// TestGoldenKMeans -update-golden) only for a deliberate format change, and
// then keep the old file too, under a new name.
const goldenKMeans = "../testdata/models/kmeans_v1.db"

// goldenAssign is the cluster of every customer (ids 1..15) in the golden
// model "segments".
var goldenAssign = []int64{1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3}

// goldenCentroids are the centroids of "segments" in feature units
// (recency, frequency, monetary), cluster 1 first.
var goldenCentroids = [][]float64{
	{10, 20, 3000},
	{100, 3, 200},
	{298.75, 1, 49.5},
}

const goldenSetup = `CREATE TABLE customers(customer_id INTEGER PRIMARY KEY, recency REAL, frequency INTEGER, monetary REAL);
INSERT INTO customers VALUES
  (1, 8, 18, 2900), (2, 12, 22, 3100), (3, 9, 21, 2950), (4, 11, 19, 3050), (5, 10, 20, 3000), (6, 10, 20, 3000),
  (7, 95, 2, 190), (8, 105, 4, 210), (9, 98, 3, 205), (10, 102, 3, 195), (11, 100, 3, 200),
  (12, 290, 1, 45), (13, 310, 1, 55), (14, 300, 0, 50), (15, 295, 2, 48);`

func writeGolden(t *testing.T) {
	os.MkdirAll(filepath.Dir(goldenKMeans), 0o755)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(goldenKMeans + suffix)
	}
	e, err := engine.Open(goldenKMeans, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		goldenSetup,
		`SELECT kmeans_train('segments', 'customers', '{"k": 3, "seed": 1}')`,
		`PRAGMA journal_mode = DELETE`, // one self-contained file
	} {
		if _, err := e.DB().Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestGoldenKMeans(t *testing.T) {
	if *updateGolden {
		writeGolden(t)
	}
	// Work on a copy: opening migrates and may switch the journal mode.
	path := filepath.Join(t.TempDir(), "kmeans_v1.db")
	src, err := os.Open(goldenKMeans)
	if err != nil {
		t.Fatalf("%v (generate it with -update-golden)", err)
	}
	dst, _ := os.Create(path)
	io.Copy(dst, src)
	src.Close()
	dst.Close()
	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	if v := scalar[int64](t, db, `SELECT version FROM ml_schema`); v != 1 || catalog.SchemaVersion < v {
		t.Errorf("catalog schema version %d", v)
	}
	if got := scalar[string](t, db, `SELECT name || '|' || kind || '|' || version || '|' || n_rows || '|' || format FROM ml_models`); got != "segments|kmeans|1|15|1" {
		t.Errorf("ml_models row %q", got)
	}
	rows, err := db.Query(`SELECT customer_id, kmeans_assign('segments', recency, frequency, monetary), a.cluster
FROM customers c JOIN ml_kmeans_assignments a ON a.model = 'segments' AND a.key = c.customer_id ORDER BY customer_id`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var id, got, stored int64
		if err := rows.Scan(&id, &got, &stored); err != nil {
			t.Fatal(err)
		}
		if want := goldenAssign[id-1]; got != want || stored != want {
			t.Errorf("customer %d: kmeans_assign %d, stored %d, want %d", id, got, stored, want)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	if n != len(goldenAssign) {
		t.Errorf("%d customers scored, want %d", n, len(goldenAssign))
	}
	features := []string{"recency", "frequency", "monetary"}
	for c, row := range goldenCentroids {
		for j, want := range row {
			got := scalar[float64](t, db, `SELECT value FROM kmeans_centroids('segments') WHERE cluster = ? AND feature = ?`, c+1, features[j])
			if d := got - want; d > 1e-9 || d < -1e-9 {
				t.Errorf("centroid %d %s = %v, want %v", c+1, features[j], got, want)
			}
		}
	}
	if n := scalar[int64](t, db, `SELECT count(*) FROM kmeans_profile('segments')`); n != 9 {
		t.Errorf("%d profile rows", n)
	}
}
