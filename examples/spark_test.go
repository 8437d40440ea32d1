package examples_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/datasets"
)

// TestREADMESpark runs the SQL of the README's "Train on Spark, serve in
// SQLite" as written, from a working directory laid out like the
// repository's root (testdata/ here, ../shared/data beside it), and checks
// what each statement gives.
func TestREADMESpark(t *testing.T) {
	shared := datasets.Shared("spark-models")
	if shared == "" {
		t.Skip("../shared/data/spark-models (or $MARKETSQL_DATA) is not here; the README's Spark example reads it")
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	testdata, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	data, err := filepath.Abs(filepath.Dir(shared))
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	work := filepath.Join(root, "work")
	for _, l := range [][2]string{{testdata, filepath.Join(work, "testdata")}, {data, filepath.Join(root, "shared", "data")}} {
		if err := os.MkdirAll(filepath.Dir(l[1]), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(l[0], l[1]); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(work)
	e, err := engine.Open("spark.db", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	stmts := splitSQL(sqlBlocks(t, string(readme), "Train on Spark, serve in SQLite"))
	for _, want := range []string{"ml_import('spark_segments'", "ml_import('movies'", "ml_import('reviews_spark'", "ml_export('spark_segments'", "ml_export('movies'", "recommend('movies'", "lda_topics('reviews_spark'"} {
		if !anyContains(stmts, want) {
			t.Errorf("the README's Spark example has no statement with %q: this test checks one", want)
		}
	}
	for i, stmt := range stmts {
		_, rows, err := run(ctx, e.DB(), stmt)
		if err != nil {
			t.Fatalf("statement %d failed: %v\n%s", i+1, err, stmt)
		}
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("statement %d: "+format+"\n%s", append([]any{i + 1}, append(args, stmt)...)...)
		}
		first := ""
		if len(rows) > 0 && len(rows[0]) > 0 {
			if s, ok := rows[0][0].(string); ok {
				first = s
			}
		}
		switch {
		case strings.HasPrefix(stmt, "SELECT ml_import('spark_segments'"):
			if !strings.Contains(first, `"kind":"kmeans"`) || !strings.Contains(first, `"class":"org.apache.spark.mllib.clustering.KMeansModel"`) {
				fail("summary %s", first)
			}
		case strings.HasPrefix(stmt, "SELECT ml_import('movies'"):
			if !strings.Contains(first, `"kind":"recommend"`) || !strings.Contains(first, `"users":943`) {
				fail("summary %s", first)
			}
		case strings.HasPrefix(stmt, "SELECT ml_import('reviews_spark'"):
			if !strings.Contains(first, `"kind":"lda"`) || !strings.Contains(first, `"topics":5`) {
				fail("summary %s", first)
			}
		case strings.Contains(stmt, "FROM recommend('movies', 196, 5)"):
			if len(rows) != 5 {
				fail("%d recommendations, want 5", len(rows))
			}
		case strings.Contains(stmt, "FROM lda_topics('reviews_spark', 5)"):
			if len(rows) != 25 {
				fail("%d topic words, want 5 topics x 5", len(rows))
			}
		case strings.Contains(stmt, "FROM ml_kmeans_centroids"):
			if len(rows) == 0 {
				fail("no centroids")
			}
			for _, r := range rows {
				if r[1] == nil {
					fail("a centroid without its source cluster: %v", r)
				}
			}
		case strings.HasPrefix(stmt, "SELECT kmeans_assign("):
			if len(rows) != 1 || fmt.Sprint(rows[0][0]) != "1" {
				fail("cluster %v, want 1 (Spark's cluster 0)", rows)
			}
		}
	}
	for _, p := range []string{"segments.pmml", "movies-als/metadata/part-00000", "movies-als/userFactors", "movies-als/itemFactors"} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("the export wrote no %s: %v", p, err)
		}
	}
	// The PMML round trip assigns as the Spark model does.
	var a, b int64
	q := `SELECT kmeans_assign('spark_segments', 1, 2, 2.9), kmeans_assign('segments_again', 1, 2, 2.9)`
	if err := e.DB().QueryRowContext(ctx, q).Scan(&a, &b); err != nil || a != b {
		t.Errorf("the re-imported PMML assigns %d, the Spark model %d (%v)", b, a, err)
	}
}
