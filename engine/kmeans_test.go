package engine_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

const ptsSQL = `CREATE TABLE pts(id INTEGER PRIMARY KEY, a REAL, b REAL);
INSERT INTO pts VALUES
  (1, 0.0, 0.1), (2, 0.2, 0.0), (3, 0.1, 0.3), (4, 0.3, 0.2), (5, 0.2, 0.2),
  (6, 10.0, 10.1), (7, 10.2, 9.9), (8, 9.8, 10.0), (9, 10.1, 10.2),
  (10, 0.1, 20.0), (11, 0.3, 20.2), (12, 0.2, 19.9);`

func openPts(t *testing.T, path string) *engine.Engine {
	t.Helper()
	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if _, err := e.DB().Exec(ptsSQL); err != nil {
		t.Fatal(err)
	}
	return e
}

func scalar[T any](t *testing.T, db *sql.DB, q string, args ...any) T {
	t.Helper()
	var v T
	if err := db.QueryRow(q, args...).Scan(&v); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return v
}

// TestTrainKMeans checks the Go API against the SQL function: the same model.
func TestTrainKMeans(t *testing.T) {
	t.Parallel()
	e := openPts(t, ":memory:")
	ctx := context.Background()
	var events int
	m, err := e.TrainKMeans(ctx, "go", "pts", &engine.KMeansOptions{
		K:        3,
		Seed:     7,
		Progress: func(engine.Progress) { events++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "go" || m.K != 3 || m.Rows != 12 || len(m.Centroids) != 3 || len(m.Centroids[0]) != 2 ||
		strings.Join(m.Features, ",") != "a,b" || m.Sizes[0] != 5 || m.Sizes[1] != 4 || m.Sizes[2] != 3 || m.Silhouette == nil {
		t.Errorf("model %+v", m)
	}
	if events == 0 {
		t.Error("no progress events")
	}
	if _, err := e.DB().Exec(`SELECT kmeans_train('sql', 'pts', '{"k": 3, "seed": 7}')`); err != nil {
		t.Fatal(err)
	}
	same := scalar[bool](t, e.DB(), `SELECT (SELECT params FROM ml_models WHERE name = 'go') = (SELECT params FROM ml_models WHERE name = 'sql')`)
	if !same {
		t.Error("TrainKMeans and kmeans_train stored different models for the same options")
	}
	if got := scalar[float64](t, e.DB(), `SELECT value FROM kmeans_centroids('go') WHERE cluster = 2 AND feature = 'b'`); got != m.Centroids[1][1] {
		t.Errorf("centroid 2 b: SQL %v, Go %v", got, m.Centroids[1][1])
	}
	existed, err := e.DropModel(ctx, "go")
	if !existed || err != nil {
		t.Errorf("DropModel = %v, %v", existed, err)
	}
	if existed, _ := e.DropModel(ctx, "go"); existed {
		t.Error("second DropModel reports the model existed")
	}
}

func TestTrainKMeansErrors(t *testing.T) {
	t.Parallel()
	e := openPts(t, ":memory:")
	ctx := context.Background()
	if _, err := e.TrainKMeans(ctx, "prev", "pts", &engine.KMeansOptions{K: 2}); err != nil {
		t.Fatal(err)
	}
	before := scalar[string](t, e.DB(), `SELECT version || hex(params) FROM ml_models`)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	for _, tc := range []struct {
		name   string
		ctx    context.Context
		model  string
		source string
		opts   *engine.KMeansOptions
		is     error
		want   string
	}{
		{"nil options", ctx, "prev", "pts", nil, nil, "K"},
		{"bad name", ctx, "a b", "pts", &engine.KMeansOptions{K: 2}, nil, `"a b"`},
		{"k above rows", ctx, "prev", "pts", &engine.KMeansOptions{K: 20}, nil, "number of rows (12)"},
		{"bad algorithm", ctx, "prev", "pts", &engine.KMeansOptions{K: 2, Algorithm: "foo"}, nil, `"algorithm"`},
		{"bad init", ctx, "prev", "pts", &engine.KMeansOptions{K: 2, Init: "foo"}, nil, `"init"`},
		{"init shape", ctx, "prev", "pts", &engine.KMeansOptions{K: 2, InitCentroids: [][]float64{{1, 2, 3}, {1, 2, 3}}}, nil, "3 values"},
		{"writing source", ctx, "prev", "DELETE FROM pts", &engine.KMeansOptions{K: 2}, nil, "source"},
		{"cancelled", cancelled, "prev", "pts", &engine.KMeansOptions{K: 2}, context.Canceled, "canceled"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.TrainKMeans(tc.ctx, tc.model, tc.source, tc.opts)
			if err == nil || !strings.HasPrefix(err.Error(), "TrainKMeans: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v: want one starting with TrainKMeans: and mentioning %s", err, tc.want)
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v is not %v", err, tc.is)
			}
			if got := scalar[string](t, e.DB(), `SELECT version || hex(params) FROM ml_models`); got != before {
				t.Error("the previous model changed")
			}
			if n := scalar[int64](t, e.DB(), `SELECT count(*) FROM pts`); n != 12 {
				t.Errorf("pts has %d rows", n)
			}
		})
	}
}

// TestStockCLI checks that the stock sqlite3 command-line shell reads the
// catalog of a database trained by marketsql.
func TestStockCLI(t *testing.T) {
	t.Parallel()
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("the sqlite3 command-line shell is not installed (apt-get install sqlite3; make test installs it)")
	}
	path := filepath.Join(t.TempDir(), "shop.db")
	e := openPts(t, path)
	if _, err := e.DB().Exec(`SELECT kmeans_train('segments', 'pts', '{"k": 3}')`); err != nil {
		t.Fatal(err)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, path,
		`SELECT name, kind, version, n_rows FROM ml_models; SELECT count(*), min(cluster), max(cluster) FROM ml_kmeans_assignments; SELECT count(*) FROM ml_kmeans_centroids WHERE model = 'segments'; SELECT json_extract(metrics, '$.sizes') FROM ml_models`).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
	want := "segments|kmeans|1|12\n12|1|3\n6\n[5,4,3]\n"
	if string(out) != want {
		t.Errorf("sqlite3 printed\n%s\nwant\n%s", out, want)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		if fi, _ := os.Stat(path + "-wal"); fi.Size() > 0 {
			t.Logf("note: a non-empty WAL file remains after Close")
		}
	}
}

// TestKMeansOptionsDefaults: a nil Tol is the default 1e-4 and new(0.0) is
// "tol": 0, stored as given; zero counts mean the defaults; the model
// reports where its time went.
func TestKMeansOptionsDefaults(t *testing.T) {
	t.Parallel()
	e := openPts(t, ":memory:")
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		opts *engine.KMeansOptions
		want string
	}{
		{"defaults", &engine.KMeansOptions{K: 3}, `{"algorithm":"auto","init":"k-means++","k":3,"max_iter":300,"n_init":1,"on_null":"error","seed":0,"silhouette_sample":10000,"standardize":true,"tol":0.0001}`},
		{"zero tol", &engine.KMeansOptions{K: 3, Tol: new(0.0)}, `{"algorithm":"auto","init":"k-means++","k":3,"max_iter":300,"n_init":1,"on_null":"error","seed":0,"silhouette_sample":10000,"standardize":true,"tol":0}`},
		{"random", &engine.KMeansOptions{K: 3, Init: "random", Tol: new(0.5), MaxIter: 7}, `{"algorithm":"auto","init":"random","k":3,"max_iter":7,"n_init":10,"on_null":"error","seed":0,"silhouette_sample":10000,"standardize":true,"tol":0.5}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := e.TrainKMeans(ctx, "m_"+strings.ReplaceAll(tc.name, " ", "_"), "pts", tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := scalar[string](t, e.DB(), `SELECT options FROM ml_models WHERE name = ?`, m.Name); got != tc.want {
				t.Errorf("options %s, want %s", got, tc.want)
			}
			tm := m.Timings
			if tm.Read < 0 || tm.Init < 0 || tm.Iterate <= 0 || tm.Metrics <= 0 || tm.Write <= 0 ||
				tm.Read+tm.Init+tm.Iterate+tm.Metrics+tm.Write > m.Seconds {
				t.Errorf("timings %+v of %v s", tm, m.Seconds)
			}
		})
	}
	if _, err := e.TrainKMeans(ctx, "m", "pts", &engine.KMeansOptions{K: 3, Tol: new(-1.0)}); err == nil || !strings.Contains(err.Error(), `"tol"`) {
		t.Errorf("negative Tol: %v", err)
	}
}
