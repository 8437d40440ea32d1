// Command recommend benchmarks marketsql's recommendations against the
// reference peers, side by side in one run (make bench-recommend):
//
//   - item-kNN build: all items' top 10 by cosine on the binarised Online
//     Retail matrix, against scipy.sparse (../shared/peers/recsys_bench.py);
//   - ALS seconds per iteration (64 factors, 3 CG steps, binarised), against
//     the numpy reference;
//   - the top 10 of every Online Retail customer materialized through one SQL
//     statement (CREATE TABLE ... AS SELECT ... FROM customers c,
//     recommend('recs', c.customer_id, 10) r), for an ALS and an item-kNN model.
//
// With -movielens DIR it also prints P@10, MAP@10 and NDCG@10 of every
// method on MovieLens 100k (u1.base / u1.test, ratings >= 4 as positives).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/datasets/retail"
)

func main() {
	data := flag.String("data", "testdata/online-retail/online_retail.csv.gz", "Online Retail CSV (gzip)")
	peers := flag.String("peers", "../shared/peers", "directory of recsys_prep.py and recsys_bench.py; empty skips the peers")
	reps := flag.Int("reps", 5, "repetitions (medians are reported)")
	movielens := flag.String("movielens", "", "MovieLens 100k directory; empty skips the quality table")
	flag.Parse()
	if err := run(*data, *peers, *reps, *movielens); err != nil {
		fmt.Fprintln(os.Stderr, "bench/recommend:", err)
		os.Exit(1)
	}
}

func median(d []float64) float64 {
	s := append([]float64(nil), d...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func minOf(d []float64) float64 {
	m := 0.0
	for k, v := range d {
		if k == 0 || v < m {
			m = v
		}
	}
	return m
}

type peerResult struct {
	ItemKNN    float64 `json:"itemknn_s"`
	ALSIter    float64 `json:"als_iter_s"`
	ItemKNNMin float64 `json:"itemknn_min_s"`
	ALSIterMin float64 `json:"als_iter_min_s"`
	Numpy      string  `json:"numpy"`
	Scipy      string  `json:"scipy"`
}

func run(data, peers string, reps int, movielens string) error {
	s, err := retail.Load(data)
	if err != nil {
		return err
	}
	ctx := context.Background()
	fmt.Printf("Online Retail: %d users × %d items, %d non-zeros (full), %d (train); GOMAXPROCS %d\n",
		len(s.Users), len(s.Items), s.Full.NNZ(), s.Train.NNZ(), runtime.GOMAXPROCS(0))

	// item-kNN build on the full matrix.
	full := s.Full.Binarized()
	var knn []float64
	for r := 0; r <= reps; r++ {
		t0 := time.Now()
		if _, err := recommend.ItemKNN(ctx, full, recommend.KNNOptions{Neighbors: 10}); err != nil {
			return err
		}
		if r > 0 { // the first run warms up
			knn = append(knn, time.Since(t0).Seconds())
		}
	}
	// ALS iterations on the training matrix.
	train := s.Train.Binarized()
	var iters []float64
	for r := 0; r < 3; r++ {
		t0 := time.Now()
		opt := recommend.DefaultALS()
		opt.Seed = uint64(r)
		opt.Progress = func(int) {
			iters = append(iters, time.Since(t0).Seconds())
			t0 = time.Now()
		}
		_, err := recommend.ALS(ctx, train, opt)
		if err != nil {
			return err
		}
	}
	sqlALS, sqlKNN, sqlUser, trainALS, err := sqlMaterialize(s, reps)
	if err != nil {
		return err
	}

	oursLoad := loadAvg()
	var peer peerResult
	havePeer := false
	peerLoad := ""
	if peers != "" {
		script := filepath.Join("bench", "recommend", "peer.py")
		cmd := exec.Command("/usr/bin/python3", script, peers, fmt.Sprint(reps))
		cmd.Env = envWithout(os.Environ(), "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "peer failed (%v); reporting ours only\n", err)
		} else if err := json.Unmarshal(out, &peer); err != nil {
			fmt.Fprintf(os.Stderr, "peer output %q: %v\n", out, err)
		} else {
			havePeer = true
		}
		peerLoad = loadAvg()
	}
	ratio := func(peerS, ours float64) string {
		if !havePeer || ours == 0 {
			return "-"
		}
		return fmt.Sprintf("%.2fx", peerS/ours)
	}
	ps := func(v float64) string {
		if !havePeer {
			return "-"
		}
		return fmt.Sprintf("%.3f s", v)
	}
	fmt.Printf("\n| measure (median; fastest) | marketsql | peer | peer/ours | target |\n|---|---|---|---|---|\n")
	fmt.Printf("| item-kNN build, all items' top 10 (cosine, binarised, %d items) | %.3f s; %.3f s | %s; %s (scipy %s) | %s; %s | >= 1x |\n",
		len(s.Items), median(knn), minOf(knn), ps(peer.ItemKNN), ps(peer.ItemKNNMin), peer.Scipy,
		ratio(peer.ItemKNN, median(knn)), ratio(peer.ItemKNNMin, minOf(knn)))
	fmt.Printf("| ALS seconds per iteration (64 factors, 3 CG steps) | %.4f s; %.4f s | %s; %s (numpy %s) | %s; %s | >= 2x |\n",
		median(iters), minOf(iters), ps(peer.ALSIter), ps(peer.ALSIterMin), peer.Numpy,
		ratio(peer.ALSIter, median(iters)), ratio(peer.ALSIterMin, minOf(iters)))
	fmt.Printf("| top 10 for all %d customers, one SQL statement, ALS model | %.3f s | | | < 1 s |\n", len(s.Users), sqlALS)
	fmt.Printf("| top 10 for all %d customers, one SQL statement, item-kNN model | %.3f s | | | < 1 s |\n", len(s.Users), sqlKNN)
	fmt.Printf("| top 10 for all %d customers, one SQL statement, user-kNN model | %.3f s | | | |\n", len(s.Users), sqlUser)
	fmt.Printf("| recommend_train ALS through SQL (read + 15 iterations + store) | %.3f s | | | |\n", trainALS)
	fmt.Printf("\nload average (1, 5, 15 min) after our measurements: %s; after the peer's: %s (other processes on the machine disturb both sides)\n", oursLoad, peerLoad)

	if movielens != "" {
		if _, err := os.Stat(filepath.Join(movielens, "u1.base")); err != nil {
			fmt.Printf("\nMovieLens 100k not found in %s: quality table skipped\n", movielens)
			return nil
		}
		if err := movieLens(movielens); err != nil {
			return err
		}
	}
	return nil
}

// loadAvg returns the machine's load averages, or "?" where unknown.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

func envWithout(env []string, names ...string) []string {
	var out []string
outer:
	for _, e := range env {
		for _, n := range names {
			if len(e) > len(n) && e[:len(n)+1] == n+"=" {
				continue outer
			}
		}
		out = append(out, e)
	}
	return out
}

// sqlMaterialize loads the purchases into an in-memory marketsql database,
// trains through SQL and times the one statement that materializes every
// customer's top 10.
func sqlMaterialize(s *retail.Split, reps int) (als, knn, user, trainALS float64, err error) {
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer e.Close()
	db := e.DB()
	tx, err := db.Begin()
	if err != nil {
		return 0, 0, 0, 0, err
	}
	if _, err := tx.Exec(`CREATE TABLE purchases(customer_id INTEGER, stock_code TEXT, quantity INTEGER)`); err != nil {
		return 0, 0, 0, 0, err
	}
	st, err := tx.Prepare(`INSERT INTO purchases VALUES (?, ?, ?)`)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	for _, r := range s.Rows {
		if _, err := st.Exec(r.User, r.Item, r.Qty); err != nil {
			return 0, 0, 0, 0, err
		}
	}
	st.Close()
	if _, err := tx.Exec(`CREATE TABLE customers AS SELECT DISTINCT customer_id FROM purchases ORDER BY 1`); err != nil {
		return 0, 0, 0, 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, 0, 0, 0, err
	}
	t0 := time.Now()
	if _, err := db.Exec(`SELECT recommend_train('recs', 'SELECT customer_id, stock_code FROM purchases', '{}')`); err != nil {
		return 0, 0, 0, 0, err
	}
	trainALS = time.Since(t0).Seconds()
	if _, err := db.Exec(`SELECT recommend_train('knn', 'SELECT customer_id, stock_code FROM purchases', '{"method": "item_knn"}')`); err != nil {
		return 0, 0, 0, 0, err
	}
	if _, err := db.Exec(`SELECT recommend_train('uknn', 'SELECT customer_id, stock_code FROM purchases', '{"method": "user_knn"}')`); err != nil {
		return 0, 0, 0, 0, err
	}
	timeIt := func(model string) (float64, error) {
		var ts []float64
		for r := 0; r <= reps; r++ {
			if _, err := db.Exec(`DROP TABLE IF EXISTS top10`); err != nil {
				return 0, err
			}
			t0 := time.Now()
			_, err := db.Exec(`CREATE TABLE top10 AS SELECT c.customer_id, r.rank, r.item, r.score
				FROM customers c, recommend('` + model + `', c.customer_id, 10) r`)
			if err != nil {
				return 0, err
			}
			if r > 0 {
				ts = append(ts, time.Since(t0).Seconds())
			}
		}
		var n int
		if err := db.QueryRow(`SELECT count(*) FROM top10`).Scan(&n); err != nil {
			return 0, err
		}
		if n != 10*len(s.Users) {
			return 0, fmt.Errorf("materialized %d rows, want %d", n, 10*len(s.Users))
		}
		return median(ts), nil
	}
	if als, err = timeIt("recs"); err != nil {
		return
	}
	if knn, err = timeIt("knn"); err != nil {
		return
	}
	user, err = timeIt("uknn")
	return
}
