package engine_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// threadsSetup makes the tables the concurrency test scores and trains on:
// 1500 points in a few loose groups, and 6000 purchases of 301 customers.
var threadsSetup = []string{
	`CREATE TABLE pts(id INTEGER PRIMARY KEY, a REAL, b REAL, c REAL)`,
	`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1500)
	 INSERT INTO pts SELECT i, (i % 5) * 10 + ((i * 7919) % 101) / 50.0,
	   ((i * 31) % 7) * 3 + ((i * 104729) % 97) / 40.0, ((i * 13) % 11) + ((i * 15485863) % 89) / 30.0 FROM n`,
	`CREATE TABLE buys(u INTEGER, i INTEGER)`,
	`WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 6000)
	 INSERT INTO buys SELECT k % 301, (k * 7919) % 211 FROM n`,
}

// The work the goroutines do, each as one statement.
const (
	assignQuery = `SELECT group_concat(id || ':' || kmeans_assign(?, a, b, c), ',')
		FROM (SELECT id, a, b, c FROM pts ORDER BY id)`
	centroidsQuery = `SELECT group_concat(cluster || ':' || feature || ':' || printf('%.17g', value), ',')
		FROM (SELECT * FROM ml_kmeans_centroids WHERE model = ? ORDER BY cluster, feature)`
	recommendQuery = `SELECT group_concat(item || ':' || printf('%.17g', score), ',') FROM recommend('recs', ?, 10)`
	trainRecs      = `SELECT recommend_train('recs', 'buys', '{"method": "item_knn"}')`
)

func trainQuery(name string, k int) string {
	return fmt.Sprintf(`SELECT kmeans_train('%s', 'pts', '{"k": %d, "n_init": 3}')`, name, k)
}

var threadUsers = []int{0, 5, 17, 42, 300, 1000} // 1000 is unknown: popular items

// threadsResults is what the goroutines compare with.
type threadsResults struct {
	assign    map[string]string   // model -> kmeans_assign over pts
	train     map[int]string      // k -> kmeans_train's summary, less model and seconds
	centroids map[int]string      // k -> ml_kmeans_centroids
	goModel   *engine.KMeansModel // TrainKMeans with K 4, NInit 3
	recommend map[int]string      // user -> recommend
}

// one returns the single value of a query, or an error.
func one(ctx context.Context, db *sql.DB, q string, args ...any) (string, error) {
	var s sql.NullString
	if err := db.QueryRowContext(ctx, q, args...).Scan(&s); err != nil {
		return "", fmt.Errorf("%s: %w", q, err)
	}
	return s.String, nil
}

// summary trains with q and returns its JSON summary without the fields
// that differ from run to run (the model's name, the seconds).
func summary(ctx context.Context, db *sql.DB, q string) (string, error) {
	s, err := one(ctx, db, q)
	if err != nil {
		return "", err
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return "", fmt.Errorf("summary %s: %w", s, err)
	}
	delete(m, "model")
	delete(m, "seconds")
	delete(m, "timings")
	b, err := json.Marshal(m) // keys sorted
	return string(b), err
}

// sameModel compares what TrainKMeans returns, less the seconds.
func sameModel(a, b *engine.KMeansModel) bool {
	x, y := *a, *b
	x.Seconds, y.Seconds = 0, 0
	x.Timings, y.Timings = engine.KMeansTimings{}, engine.KMeansTimings{}
	x.Name, y.Name = "", ""
	return reflect.DeepEqual(x, y)
}

// singleThreaded computes every result on one connection and one thread.
func singleThreaded(t *testing.T) *threadsResults {
	t.Helper()
	ctx := context.Background()
	e, err := engine.Open(":memory:", &engine.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	for _, q := range threadsSetup {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	r := &threadsResults{assign: map[string]string{}, train: map[int]string{}, centroids: map[int]string{}, recommend: map[int]string{}}
	for k := 3; k <= 5; k++ {
		name := fmt.Sprintf("k%d", k)
		if r.train[k], err = summary(ctx, db, trainQuery(name, k)); err != nil {
			t.Fatal(err)
		}
		if r.centroids[k], err = one(ctx, db, centroidsQuery, name); err != nil {
			t.Fatal(err)
		}
		if r.assign[name], err = one(ctx, db, assignQuery, name); err != nil {
			t.Fatal(err)
		}
	}
	if r.goModel, err = e.TrainKMeans(ctx, "go", "pts", &engine.KMeansOptions{K: 4, NInit: 3}); err != nil {
		t.Fatal(err)
	}
	if _, err := one(ctx, db, trainRecs); err != nil {
		t.Fatal(err)
	}
	for _, u := range threadUsers {
		if r.recommend[u], err = one(ctx, db, recommendQuery, u); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// TestConcurrentConnections: goroutines share one database file through a
// pool of four connections, scoring (kmeans_assign over a table, recommend)
// and training (k-means under their own names, and one name retrained again
// and again, through SQL and the Go API) at once, in a rollback-journal
// file and in a WAL file. Every result equals the single-threaded one; a
// model read while it is being retrained is the old or the new one (here
// the same), and retraining one name counts every version. Run under
// -race, it also checks the Go side for data races.
func TestConcurrentConnections(t *testing.T) {
	want := singleThreaded(t)
	for _, journal := range []string{"delete", "wal"} {
		t.Run(journal, func(t *testing.T) {
			t.Parallel()
			concurrentRun(t, journal, want)
		})
	}
}

func concurrentRun(t *testing.T, journal string, want *threadsResults) {
	ctx := context.Background()
	e, err := engine.Open(filepath.Join(t.TempDir(), "threads.db"), &engine.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	for _, q := range append([]string{"PRAGMA journal_mode = " + journal}, threadsSetup...) {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	// Models the goroutines score: k5 stays, same is retrained meanwhile.
	for _, q := range []string{trainQuery("k5", 5), trainQuery("same", 4), trainRecs} {
		if _, err := one(ctx, db, q); err != nil {
			t.Fatal(err)
		}
	}
	// Open the pool's four connections now: this test is about using open
	// connections at once (opening one while another writes is the busy
	// tests' subject).
	var conns []*sql.Conn
	for range 4 {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}

	const workers, rounds = 8, 6
	var retrains atomic.Int64
	trained := make([]int, workers) // kmeans_train calls per goroutine's own model
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			own := fmt.Sprintf("w%d", w)
			ownK := 3 + w%3
			for r := range rounds {
				switch job := (w + r) % 6; job {
				case 0, 1: // score a model that stays, and one being retrained
					model := map[int]string{0: "k5", 1: "same"}[job]
					src := map[int]string{0: "k5", 1: "k4"}[job]
					if got, err := one(ctx, db, assignQuery, model); err != nil {
						t.Errorf("worker %d: score %s: %v", w, model, err)
					} else if got != want.assign[src] {
						t.Errorf("worker %d: kmeans_assign with %s differs from the single-threaded run", w, model)
					}
				case 2: // recommend
					for _, u := range threadUsers {
						if got, err := one(ctx, db, recommendQuery, u); err != nil {
							t.Errorf("worker %d: recommend for %d: %v", w, u, err)
						} else if got != want.recommend[u] {
							t.Errorf("worker %d: recommend for %d: %s, single-threaded %s", w, u, got, want.recommend[u])
						}
					}
				case 3: // train a model of one's own
					trained[w]++
					if got, err := summary(ctx, db, trainQuery(own, ownK)); err != nil {
						t.Errorf("worker %d: train %s: %v", w, own, err)
					} else if got != want.train[ownK] {
						t.Errorf("worker %d: kmeans_train %s: %s, single-threaded %s", w, own, got, want.train[ownK])
					}
					if got, err := one(ctx, db, centroidsQuery, own); err != nil {
						t.Errorf("worker %d: centroids of %s: %v", w, own, err)
					} else if got != want.centroids[ownK] {
						t.Errorf("worker %d: centroids of %s differ from the single-threaded run", w, own)
					}
				case 4: // retrain the shared name through SQL
					retrains.Add(1)
					if got, err := summary(ctx, db, trainQuery("same", 4)); err != nil {
						t.Errorf("worker %d: retrain same: %v", w, err)
					} else if got != want.train[4] {
						t.Errorf("worker %d: retraining same: %s, single-threaded %s", w, got, want.train[4])
					}
				case 5: // and through the Go API
					retrains.Add(1)
					if m, err := e.TrainKMeans(ctx, "same", "pts", &engine.KMeansOptions{K: 4, NInit: 3}); err != nil {
						t.Errorf("worker %d: TrainKMeans same: %v", w, err)
					} else if !sameModel(m, want.goModel) {
						t.Errorf("worker %d: TrainKMeans: %+v, single-threaded %+v", w, m, want.goModel)
					}
				}
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}

	for _, c := range []struct {
		model   string
		version int
	}{{"same", 1 + int(retrains.Load())}, {"k5", 1}, {"recs", 1}} {
		if got, err := one(ctx, db, `SELECT version FROM ml_models WHERE name = ?`, c.model); err != nil || got != fmt.Sprint(c.version) {
			t.Errorf("%s is at version %s (%v), want %d", c.model, got, err, c.version)
		}
	}
	for w, n := range trained {
		if n == 0 {
			continue
		}
		if got, err := one(ctx, db, `SELECT version FROM ml_models WHERE name = ?`, fmt.Sprintf("w%d", w)); err != nil || got != fmt.Sprint(n) {
			t.Errorf("w%d is at version %s (%v), want %d", w, got, err, n)
		}
	}
	if got, err := one(ctx, db, assignQuery, "same"); err != nil || got != want.assign["k4"] {
		t.Errorf("same scores differently after the retraining (%v)", err)
	}
	if got, err := one(ctx, db, `PRAGMA integrity_check`); err != nil || got != "ok" {
		t.Errorf("integrity_check: %s %v", got, err)
	}
}
