package hoststest

import (
	"path/filepath"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/exttest"
)

// pythonBusy: one connection holds the write lock (BEGIN IMMEDIATE) for
// 1.5 s while another, with the extension loaded and Python's default busy
// timeout of 5 s, trains each family in turn. Training waits like any write
// and succeeds, both for the first model (no catalog yet) and retraining.
const pythonBusy = `
import json, sqlite3, sys, threading, time
db, ext = sys.argv[1], sys.argv[2]
setup = sqlite3.connect(db)
setup.executescript("""
CREATE TABLE pts(id INTEGER PRIMARY KEY, x REAL, y REAL);
INSERT INTO pts VALUES (1, 0, 0), (2, 0, 1), (3, 9, 9), (4, 9, 8), (5, 8, 9), (6, 1, 0);
CREATE TABLE docs(id INTEGER, body TEXT);
INSERT INTO docs VALUES (1, 'red apple pie'), (2, 'green apple tart'), (3, 'blue whale sea'), (4, 'grey whale ocean');
""")
setup.close()
conn = sqlite3.connect(db, check_same_thread=False)
conn.enable_load_extension(True)
conn.load_extension(ext)
trainers = [
    "SELECT kmeans_train('seg', 'pts', '{\"k\": 2}')",
    "SELECT lda_train('top', 'docs', '{\"topics\": 2, \"min_df\": 1, \"max_df\": 1.0, \"holdout\": 0}')",
    "SELECT recommend_train('rec', 'SELECT id % 3, id FROM pts', '{}')",
]
results = []
for round in range(2):
    for q in trainers:
        holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        holder.execute("BEGIN IMMEDIATE")
        t = threading.Timer(1.5, lambda: (holder.execute("ROLLBACK"), holder.close()))
        start = time.time()
        t.start()
        try:
            conn.execute(q).fetchone()
            results.append({"q": q[:25], "ok": True, "waited": time.time() - start})
        except Exception as e:
            results.append({"q": q[:25], "ok": False, "error": str(e), "waited": time.time() - start})
        t.join()
versions = dict(conn.execute("SELECT name, version FROM ml_models").fetchall())
print(json.dumps({"results": results, "versions": versions}))
`

func TestPythonTrainingWaitsForBusyDatabase(t *testing.T) {
	python(t)
	ext := exttest.Build(t)
	var res struct {
		Results []struct {
			Q      string
			OK     bool
			Error  string
			Waited float64
		}
		Versions map[string]int
	}
	runPython(t, pythonBusy, &res, filepath.Join(t.TempDir(), "busy.db"), ext)
	for _, r := range res.Results {
		t.Logf("%s...: ok %v, returned after %.2f s", r.Q, r.OK, r.Waited)
		if !r.OK {
			t.Errorf("%s... failed while another connection wrote: %s", r.Q, r.Error)
		} else if r.Waited < 0.75 {
			t.Errorf("%s... returned after %.2f s, before the other connection let go of its lock", r.Q, r.Waited)
		}
	}
	for _, m := range []string{"seg", "top", "rec"} {
		if res.Versions[m] != 2 {
			t.Errorf("model %s at version %d, want 2 (trained, then retrained)", m, res.Versions[m])
		}
	}
}
