package interchangefn_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// factorRow is one row of a Spark ALSModel's userFactors or itemFactors.
type factorRow struct {
	ID       int32     `parquet:"id"`
	Features []float32 `parquet:"features,list"`
}

// readFactors reads every Parquet part of dir with the Parquet library
// directly, not through the importer, so the test's expectations do not
// share its code.
func readFactors(t *testing.T, dir string) map[int32][]float32 {
	t.Helper()
	parts, err := filepath.Glob(filepath.Join(dir, "part-*.parquet"))
	if err != nil || len(parts) == 0 {
		t.Fatalf("no parts in %s: %v", dir, err)
	}
	out := map[int32][]float32{}
	for _, p := range parts {
		rows, err := parquet.ReadFile[factorRow](p)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out[r.ID] = r.Features
		}
	}
	return out
}

// TestSparkALSRecommend checks recommend's top 10 for every user of the
// MovieLens model against the dot products of the Parquet factors.
func TestSparkALSRecommend(t *testing.T) {
	dir := sparkModels(t, "als-spark-3.0-movielens100k")
	db := sqltest.Open(t).DB()
	summary := sqltest.One[string](t, db, `SELECT ml_import('ml', ?)`, dir)
	for _, want := range []string{`"kind":"recommend"`, `"users":943`, `"items":1682`, `"rank":10`, `"spark_version":"3.0.2"`} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %s: %s", want, summary)
		}
	}
	users, items := readFactors(t, filepath.Join(dir, "userFactors")), readFactors(t, filepath.Join(dir, "itemFactors"))
	ids := make([]int32, 0, len(items))
	for id := range items {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	checked := 0
	for u, uf := range users {
		all := make([]scored, 0, len(ids))
		for _, i := range ids {
			var s float64
			for k, v := range uf {
				s += float64(v) * float64(items[i][k])
			}
			all = append(all, scored{i, s})
		}
		sort.SliceStable(all, func(a, b int) bool { return all[a].score > all[b].score })
		rows, err := db.Query(`SELECT item, score FROM recommend('ml', ?, 10)`, u)
		if err != nil {
			t.Fatal(err)
		}
		k := 0
		for rows.Next() {
			var item int32
			var score float64
			if err := rows.Scan(&item, &score); err != nil {
				t.Fatal(err)
			}
			// Scores within float32 rounding may swap places; the score at
			// each rank must agree, and the item unless its neighbour ties.
			w := all[k]
			if d := score - w.score; d > 1e-4 || d < -1e-4 {
				t.Fatalf("user %d rank %d: score %g, dot product %g", u, k+1, score, w.score)
			}
			if item != w.item && !near(all, k, item) {
				t.Fatalf("user %d rank %d: item %d, dot product ranks %d", u, k+1, item, w.item)
			}
			k++
		}
		rows.Close()
		if k != 10 {
			t.Fatalf("user %d: %d recommendations", u, k)
		}
		checked++
	}
	if checked != 943 {
		t.Errorf("%d users checked", checked)
	}
}

type scored struct {
	item  int32
	score float64
}

// near reports whether item is within float32 rounding of rank k's score.
func near(all []scored, k int, item int32) bool {
	for _, s := range all {
		if s.item == item {
			d := s.score - all[k].score
			return d < 1e-4 && d > -1e-4
		}
	}
	return false
}

// TestSparkALSInteractions leaves out seen items when the training rows
// are given, and ranks like Spark with include_seen.
func TestSparkALSInteractions(t *testing.T) {
	dir := sparkModels(t, "als-spark-3.0-movielens100k")
	db := sqltest.Open(t, `CREATE TABLE seen(user INTEGER, item INTEGER)`).DB()
	// User 1's five best items by dot product become "seen".
	sqltest.Exec(t, db, `SELECT ml_import('plain', ?)`, dir)
	top := sqltest.Table(t, db, `SELECT item FROM recommend('plain', 1, 5)`)
	for _, it := range strings.Fields(top) {
		sqltest.Exec(t, db, `INSERT INTO seen VALUES (1, ?)`, it)
	}
	sqltest.Exec(t, db, `INSERT INTO seen VALUES (999999, 1)`) // a user the model lacks
	summary := sqltest.One[string](t, db, `SELECT ml_import('ex', ?, '{"interactions": "seen"}')`, dir)
	if !strings.Contains(summary, `"seen":5`) || !strings.Contains(summary, `"seen_unknown":1`) {
		t.Errorf("summary: %s", summary)
	}
	got := sqltest.Table(t, db, `SELECT item FROM recommend('ex', 1, 5)`)
	for _, it := range strings.Fields(top) {
		if slices.Contains(strings.Fields(got), it) {
			t.Errorf("seen item %s recommended: %s", it, got)
		}
	}
	if all := sqltest.Table(t, db, `SELECT item FROM recommend('ex', 1, 5, '{"include_seen": true}')`); all != top {
		t.Errorf("include_seen gives %q, Spark's ranking %q", all, top)
	}
}

// TestSparkKMeans imports Spark 3.4's KMeansModel: each centre is its own
// cluster, and Spark's 0-based index is kept.
func TestSparkKMeans(t *testing.T) {
	dir := sparkModels(t, "kmeans-spark-3.4")
	db := sqltest.Open(t).DB()
	summary := sqltest.One[string](t, db, `SELECT ml_import('s', ?)`, dir)
	for _, want := range []string{`"k":2`, `"spark_version":"3.4.0"`, `"source_cluster":0`, `"source_cluster":1`} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %s: %s", want, summary)
		}
	}
	if got := sqltest.Table(t, db, `SELECT count(DISTINCT feature), count(DISTINCT cluster) FROM ml_kmeans_centroids WHERE model = 's'`); got != "29|2\n" {
		t.Errorf("centroids: %s", got)
	}
	// The options are Spark's parameters, seed digits intact.
	if got := sqltest.Table(t, db, `SELECT json_extract(options, '$.k'), json_extract(options, '$.distanceMeasure'), instr(options, '"seed":123') > 0 FROM ml_models`); got != "2|euclidean|1\n" {
		t.Errorf("options: %s", got)
	}
	for cl := 1; cl <= 2; cl++ {
		var args []string
		for j := 1; j <= 29; j++ {
			args = append(args, fmt.Sprintf("(SELECT value FROM ml_kmeans_centroids WHERE model = 's' AND cluster = %d AND feature = 'x%d')", cl, j))
		}
		if got := sqltest.One[int64](t, db, `SELECT kmeans_assign('s', `+strings.Join(args, ", ")+`)`); got != int64(cl) {
			t.Errorf("centre %d is assigned %d", cl, got)
		}
	}
}

// TestMLlibKMeans imports the older RDD-based format (copied into
// testdata) and assigns its training points as the nearest centre does.
func TestMLlibKMeans(t *testing.T) {
	db := sqltest.Open(t).DB()
	entries, err := os.ReadDir("../../testdata/spark/mllib-kmeans-rdd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		summary := sqltest.One[string](t, db, `SELECT ml_import(?, ?)`, e.Name(), filepath.Join("../../testdata/spark/mllib-kmeans-rdd", e.Name()))
		if !strings.Contains(summary, `"class":"org.apache.spark.mllib.clustering.KMeansModel"`) {
			t.Errorf("%s: %s", e.Name(), summary)
		}
		n++
	}
	if n < 2 {
		t.Errorf("%d mllib models imported", n)
	}
}
