package hoststest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed-a084b42d/marketsql/internal/exttest"
)

// debianPython is the Python the examples and these tests use: Debian's,
// whose sqlite3 module is built with extension loading.
const debianPython = "/usr/bin/python3"

// python returns Debian's python3, or skips the test saying why: it is not
// installed, or its sqlite3 module cannot load extensions.
func python(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(debianPython); err != nil {
		t.Skipf("skipped: %s is not installed (Debian: apt-get install python3)", debianPython)
	}
	out, err := exec.Command(debianPython, "-c", "import sqlite3; sqlite3.connect(':memory:').enable_load_extension(True)").CombinedOutput()
	if err != nil {
		t.Skipf("skipped: %s's sqlite3 module cannot load extensions: %v\n%s", debianPython, err, out)
	}
	return debianPython
}

// runPython runs a Python script with arguments and decodes the one JSON
// object it prints last into v.
func runPython(t *testing.T, script string, v any, args ...string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "script.py")
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python(t), append([]string{file}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python: %v\nstdout:\n%s\nstderr:\n%s", err, out, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), v); err != nil {
		t.Fatalf("python's output: %v\n%s\nstderr:\n%s", err, out, stderr.String())
	}
}

const pythonInterrupt = `
import json, sqlite3, sys, threading, time

db, ext, stmt = sys.argv[1:4]
conn = sqlite3.connect(db)
conn.enable_load_extension(True)
conn.load_extension(ext)
res = {}

def interrupter():
    time.sleep(2)  # well into the training
    res["interrupted_at"] = time.monotonic()
    conn.interrupt()

th = threading.Thread(target=interrupter)
start = time.monotonic()
th.start()
try:
    res["result"] = conn.execute(stmt).fetchone()[0]
    res["error"] = None
except sqlite3.Error as e:
    res["error"] = "%s: %s" % (type(e).__name__, e)
stopped = time.monotonic()
th.join()
res["latency"] = stopped - res["interrupted_at"]
res["ran"] = stopped - start
res["version"] = conn.execute("SELECT version FROM ml_models WHERE name = 'seg'").fetchone()[0]
res["scores"] = conn.execute("SELECT kmeans_assign('seg', 10, 5000), kmeans_assign('seg', 1, 100)").fetchone()
res["topic"] = conn.execute("SELECT lda_top_topic('topics', 'coffee espresso beans')").fetchone()[0]
conn.close()
print(json.dumps(res))
`

// TestPythonInterrupt: Python's Connection.interrupt(), called from
// another thread while the connection trains, stops a long k-means and a
// long LDA training promptly with an "interrupted" error, and the previous
// models are intact (the same catalog row, version 1) and still score.
// The latency is logged; the test fails only if the call takes longer than
// stopBound after the interrupt (each training runs for minutes).
func TestPythonInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: builds a 200,000-row table")
	}
	python(t)
	ext := exttest.Build(t)
	dir := t.TempDir()
	db, before := interruptDB(t, dir)
	// Topics on two themes, and 3,000 documents of 40 random terms each
	// for an LDA of 200 topics and 1,000 passes.
	setup := `
CREATE TABLE reviews(id INTEGER PRIMARY KEY, body TEXT);
INSERT INTO reviews VALUES (1, 'coffee espresso beans roast'), (2, 'espresso beans coffee crema'),
  (3, 'garden seeds soil compost'), (4, 'soil compost garden tomato');
SELECT lda_train('topics', 'reviews', '{"topics": 2, "holdout": 0, "min_df": 1, "max_df": 1.0}') IS NOT NULL;
CREATE TABLE terms(doc_id INTEGER, term TEXT, n INTEGER);
INSERT INTO terms WITH RECURSIVE d(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM d WHERE i < 3000),
                                w(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM w WHERE j < 40)
  SELECT i, 'term' || char(97 + abs(random()) % 26, 97 + abs(random()) % 26, 97 + abs(random()) % 26), 1 + abs(random()) % 3
  FROM d, w;
`
	if out, code := hosts(t, 1)[0].run(t, db, nil, setup); code != 0 || out != "1\n" {
		t.Fatalf("setup: exit %d: %s", code, out)
	}
	topicsBefore := sqlite3Plain(t, "-readonly", db, "SELECT version, hex(params) FROM ml_models WHERE name = 'topics'")

	for _, c := range []struct{ name, stmt string }{
		{"kmeans_train", longTraining},
		{"lda_train", `SELECT lda_train('topics', 'SELECT doc_id, term, sum(n) FROM terms GROUP BY doc_id, term', '{"topics": 200, "passes": 1000, "iterations": 1000, "gamma_threshold": 1e-12, "min_df": 1, "max_df": 1.0}')`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var res struct {
				Result  *string
				Error   *string
				Latency float64
				Ran     float64
				Version int
				Scores  []int
				Topic   int
			}
			runPython(t, pythonInterrupt, &res, db, ext, c.stmt)
			if res.Error == nil {
				t.Fatalf("the training was not interrupted: it returned %q after %.1f s", *res.Result, res.Ran)
			}
			t.Logf("Python's interrupt(): %s stopped %v after the call (ran %v in all): %s", c.name,
				time.Duration(res.Latency*float64(time.Second)).Round(time.Millisecond),
				time.Duration(res.Ran*float64(time.Second)).Round(time.Millisecond), *res.Error)
			if !strings.Contains(*res.Error, "interrupted") || !strings.HasPrefix(*res.Error, "OperationalError: "+c.name+":") {
				t.Errorf("error %q, want an OperationalError from %s saying it was interrupted", *res.Error, c.name)
			}
			if res.Latency > stopBound.Seconds() {
				t.Errorf("the training stopped %.1f s after interrupt(), beyond the %v bound", res.Latency, stopBound)
			}
			if res.Version != 1 || len(res.Scores) != 2 || res.Scores[0] != 2 || res.Scores[1] != 1 || res.Topic < 1 || res.Topic > 2 {
				t.Errorf("after the interrupt: version %d, scores %v, topic %d; want version 1, scores [2 1], topic 1 or 2", res.Version, res.Scores, res.Topic)
			}
		})
	}
	if after := modelRow(t, db); after != before {
		t.Errorf("the interrupted training changed the k-means model:\nbefore %q\nafter  %q", before, after)
	}
	if after := sqlite3Plain(t, "-readonly", db, "SELECT version, hex(params) FROM ml_models WHERE name = 'topics'"); after != topicsBefore {
		t.Errorf("the interrupted training changed the LDA model")
	}
}

const pythonThreads = `
import json, sqlite3, sys, threading, time

db, ext, journal = sys.argv[1:4]
THREADS, ROUNDS = 4, 3
KM = '{"k": 5, "n_init": 3, "silhouette_sample": 2000}'
REC = '{"method": "item_knn"}'

def connect():
    conn = sqlite3.connect(db, timeout=60, isolation_level=None)
    conn.enable_load_extension(True)
    conn.load_extension(ext)
    conn.enable_load_extension(False)
    return conn

def summary(conn, sql):
    s = json.loads(conn.execute(sql).fetchone()[0])
    s.pop("seconds", None)
    s.pop("timings", None)
    s.pop("model", None)
    return s

def scores(conn, model):
    return conn.execute("SELECT id, kmeans_assign(?, a, b, c, d), kmeans_distance(?, a, b, c, d) FROM pts ORDER BY id",
                        (model, model)).fetchall()

def recs(conn, model):
    return [conn.execute("SELECT group_concat(item, ',') FROM recommend(?, ?, 5)", (model, u)).fetchone()[0]
            for u in range(0, 300, 7)]

# One connection: the data, the shared models and the reference results.
start = time.perf_counter()
main = connect()
load_ms = (time.perf_counter() - start) * 1000
main.execute("PRAGMA journal_mode = " + journal)
main.executescript("""
CREATE TABLE pts(id INTEGER PRIMARY KEY, a REAL, b REAL, c REAL, d REAL);
INSERT INTO pts WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
  SELECT i, (i * 7919) % 1000 / 10.0, (i * 104729) % 997 / 5.0, (i % 13) * 3.5 + (i % 7), (i * 31) % 101 FROM n;
CREATE TABLE baskets(customer INTEGER, item TEXT);
INSERT INTO baskets WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
  SELECT i % 300, 'item' || ((i * 37 + (i % 300) * 11) % 150) FROM n;
""")
main.execute("SELECT kmeans_train('base', 'pts', ?)", (KM,))
main.execute("SELECT recommend_train('recs', 'baskets', ?)", (REC,))
ref_train = summary(main, "SELECT kmeans_train('ref', 'pts', '%s')" % KM)
ref_rec_train = summary(main, "SELECT recommend_train('ref_recs', 'baskets', '%s')" % REC)
ref_scores = scores(main, "base")
ref_trained_scores = scores(main, "ref")
ref_recs = recs(main, "recs")
main.close()

start = time.perf_counter()
connect().close()
second_load_ms = (time.perf_counter() - start) * 1000
mismatches, errors, done = [], [], []

def worker(i):
    try:
        conn = connect()
        for r in range(ROUNDS):
            if scores(conn, "base") != ref_scores:
                mismatches.append("thread %d round %d: kmeans scores differ" % (i, r))
            if recs(conn, "recs") != ref_recs:
                mismatches.append("thread %d round %d: recommendations differ" % (i, r))
            s = summary(conn, "SELECT kmeans_train('t%d', 'pts', '%s')" % (i, KM))
            if s != ref_train:
                mismatches.append("thread %d round %d: kmeans_train summary %s, want %s" % (i, r, s, ref_train))
            if scores(conn, "t%d" % i) != ref_trained_scores:
                mismatches.append("thread %d round %d: its own model scores differently" % (i, r))
            s = summary(conn, "SELECT recommend_train('r%d', 'baskets', '%s')" % (i, REC))
            if s != ref_rec_train:
                mismatches.append("thread %d round %d: recommend_train summary %s, want %s" % (i, r, s, ref_rec_train))
            if recs(conn, "r%d" % i) != recs(conn, "recs"):
                mismatches.append("thread %d round %d: its own recommendations differ" % (i, r))
        conn.close()
        done.append(i)
    except Exception as e:
        errors.append("thread %d: %s: %s" % (i, type(e).__name__, e))

threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
for t in threads: t.start()
for t in threads: t.join()

check = sqlite3.connect(db)
versions = check.execute("SELECT name, version FROM ml_models ORDER BY name").fetchall()
print(json.dumps({"load_ms": load_ms, "second_load_ms": second_load_ms, "threads": THREADS, "rounds": ROUNDS, "done": sorted(done), "errors": errors,
                  "mismatches": mismatches, "scored": len(ref_scores), "clusters": sorted({s[1] for s in ref_scores}),
                  "recommendation_lists": len([r for r in ref_recs if r]), "versions": versions,
                  "journal": check.execute("PRAGMA journal_mode").fetchone()[0]}))
`

// TestPythonThreads: four Python threads, each with its own connection
// that loads the extension, score (kmeans_assign, kmeans_distance,
// recommend) and train (kmeans_train, recommend_train, each thread its own
// models) at the same time, three rounds each, in a rollback-journal file
// and in a WAL file. Every result equals what one connection computed
// alone first, training waits for the busy database instead of failing,
// and the process neither crashes nor deadlocks.
func TestPythonThreads(t *testing.T) {
	python(t)
	ext := exttest.Build(t)
	for _, journal := range []string{"delete", "wal"} {
		t.Run(journal, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "threads.db")
			var res struct {
				Threads, Rounds     int
				Done                []int
				Errors, Mismatches  []string
				Scored              int
				Clusters            []int
				RecommendationLists int `json:"recommendation_lists"`
				Versions            [][]any
				Journal             string
				LoadMS              float64 `json:"load_ms"`
				SecondLoadMS        float64 `json:"second_load_ms"`
			}
			start := time.Now()
			runPython(t, pythonThreads, &res, db, ext, journal)
			t.Logf("%d threads x %d rounds in %v: %d rows scored per round, clusters %v, %d recommendation lists; models %v",
				res.Threads, res.Rounds, time.Since(start).Round(time.Millisecond), res.Scored, res.Clusters, res.RecommendationLists, res.Versions)
			t.Logf("connecting and loading the extension: %.1f ms the first time in the process, %.1f ms for another connection", res.LoadMS, res.SecondLoadMS)
			for _, e := range res.Errors {
				t.Error(e)
			}
			for _, m := range res.Mismatches {
				t.Error(m)
			}
			if len(res.Done) != res.Threads || res.Threads == 0 {
				t.Errorf("threads finished: %v of %d", res.Done, res.Threads)
			}
			if res.Scored != 5000 || len(res.Clusters) != 5 || res.Clusters[0] != 1 || res.Clusters[4] != 5 || res.RecommendationLists == 0 {
				t.Errorf("reference results: %d rows scored, clusters %v, %d recommendation lists; want 5000, 1..5, some", res.Scored, res.Clusters, res.RecommendationLists)
			}
			if res.Journal != journal {
				t.Errorf("journal mode %q after the run, want %q", res.Journal, journal)
			}
			// Each thread retrained its models once per round.
			for _, v := range res.Versions {
				name, _ := v[0].(string)
				version, _ := v[1].(float64)
				if (strings.HasPrefix(name, "t") || strings.HasPrefix(name, "r")) && name != "recs" && name != "ref" && name != "ref_recs" && int(version) != res.Rounds {
					t.Errorf("model %s: version %v, want %d (one per round)", name, version, res.Rounds)
				}
			}
		})
	}
}
