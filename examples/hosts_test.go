package examples_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-a084b42d/marketsql/internal/exttest"
)

// hostDemoResult is the summary the Python and Node examples print as their
// last line with --json.
type hostDemoResult struct {
	SQLiteVersion            string              `json:"sqlite_version"`
	Customers                int                 `json:"customers"`
	Scored                   int                 `json:"scored"`
	ScoredNull               int                 `json:"scored_null"`
	K                        int                 `json:"k"`
	Segments                 []int               `json:"segments"`
	SegmentSizes             []int               `json:"segment_sizes"`
	TrainedSizes             []int               `json:"trained_sizes"`
	Recommended              []string            `json:"recommended"`
	RecommendedKnown         bool                `json:"recommended_known"`
	RecommendedAlreadyBought int                 `json:"recommended_already_bought"`
	Topics                   int                 `json:"topics"`
	TopicWords               map[string][]string `json:"topic_words"`
}

// The tests run the examples on the first demoRows rows of the bundled
// Online Retail CSV (December 2010 to spring 2011), which hold over
// 2,000 customers with a clean purchase, customer 17850 among them.
const demoRows = "150000"

// checkHostDemo checks one example's summary: every customer scored into
// segments 1..k whose sizes are the trained ones, largest first; five
// recommendations of products in the data that the customer has not
// bought; k topics of six words.
func checkHostDemo(t *testing.T, r hostDemoResult) {
	t.Helper()
	if r.Customers < 2000 || r.Scored != r.Customers || r.ScoredNull != 0 {
		t.Errorf("%d customers, %d scored (%d NULL); want over 2,000, all scored", r.Customers, r.Scored, r.ScoredNull)
	}
	var want []int
	for s := 1; s <= r.K; s++ {
		want = append(want, s)
	}
	if r.K < 2 || !slices.Equal(r.Segments, want) {
		t.Errorf("segments %v, want 1..%d", r.Segments, r.K)
	}
	sum := 0
	for _, n := range r.SegmentSizes {
		sum += n
	}
	if !slices.Equal(r.SegmentSizes, r.TrainedSizes) || sum != r.Scored ||
		!slices.IsSortedFunc(r.SegmentSizes, func(a, b int) int { return b - a }) {
		t.Errorf("scored segment sizes %v, trained %v: want equal, largest first, summing to %d", r.SegmentSizes, r.TrainedSizes, r.Scored)
	}
	if len(r.Recommended) != 5 || !r.RecommendedKnown || r.RecommendedAlreadyBought != 0 {
		t.Errorf("recommended %v (all in the data: %v, already bought: %d); want 5 products of the data the customer has not bought",
			r.Recommended, r.RecommendedKnown, r.RecommendedAlreadyBought)
	}
	if r.Topics != 5 || len(r.TopicWords) != 5 {
		t.Errorf("%d topics (%v), want 5", r.Topics, r.TopicWords)
	}
	for topic, words := range r.TopicWords {
		if len(words) != 6 {
			t.Errorf("topic %s: words %v, want 6", topic, words)
		}
	}
}

// runHostDemo runs an example program, logs what it printed and returns its
// --json summary.
func runHostDemo(t *testing.T, cmd *exec.Cmd) hostDemoResult {
	t.Helper()
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", cmd.Args, err, out, stderr.String())
	}
	text := strings.TrimSpace(string(out))
	last := text[strings.LastIndex(text, "\n")+1:]
	t.Logf("%s ran in %v and printed:\n%s", filepath.Base(cmd.Args[1]), time.Since(start).Round(time.Millisecond), strings.TrimSuffix(text, last))
	if stderr.Len() > 0 {
		t.Logf("stderr:\n%s", stderr.String())
	}
	var r hostDemoResult
	if err := json.Unmarshal([]byte(last), &r); err != nil {
		t.Fatalf("the last line is not the --json summary: %v\n%s", err, last)
	}
	return r
}

// pythonForDemo returns Debian's python3 when it can run the example (its
// sqlite3 module loads extensions, pandas imports), or skips saying why.
func pythonForDemo(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skipf("skipped: %s is not installed (Debian: apt-get install python3 python3-pandas)", py)
	}
	out, err := exec.Command(py, "-c", "import sqlite3, pandas; sqlite3.connect(':memory:').enable_load_extension(True)").CombinedOutput()
	if err != nil {
		t.Skipf("skipped: %s cannot run the example (needs pandas, Debian's python3-pandas, and a sqlite3 module that loads extensions): %s", py, strings.TrimSpace(string(out)))
	}
	return py
}

// nodeForDemo returns node when it can run the example, installing
// better-sqlite3 into examples/node/node_modules with npm when it is
// missing and the npm registry answers; otherwise it skips saying why.
func nodeForDemo(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("skipped: node is not on PATH (Debian: apt-get install nodejs npm)")
	}
	dir, err := filepath.Abs("node")
	if err != nil {
		t.Fatal(err)
	}
	probe := func() error {
		cmd := exec.Command(node, "-e", "new (require('better-sqlite3'))(':memory:').close()")
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
		}
		return nil
	}
	if probe() == nil {
		return node
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("skipped: better-sqlite3 is not installed in examples/node/node_modules and npm is not on PATH to install it (cd examples/node && npm install)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, npm, "ping").CombinedOutput(); err != nil {
		t.Skipf("skipped: better-sqlite3 is not installed in examples/node/node_modules and the npm registry does not answer (npm ping: %v: %s); run cd examples/node && npm install where it does",
			err, strings.TrimSpace(string(out)))
	}
	// better-sqlite3 builds its native module from source when no prebuilt
	// one can be downloaded: minutes, once.
	t.Logf("installing better-sqlite3 into examples/node/node_modules (npm install; once)")
	cmd := exec.Command(npm, "install", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("skipped: npm install of better-sqlite3 in examples/node failed (%v):\n%s", err, out)
	}
	if err := probe(); err != nil {
		t.Fatalf("better-sqlite3 installed by npm does not load: %v", err)
	}
	return node
}

// TestExtensionFromPythonAndNode runs examples/python/marketsql_demo.py
// (Debian's python3 with pandas and its sqlite3 module) and
// examples/node/marketsql_demo.js (node with better-sqlite3 12, which
// bundles a SQLite of its own) with the loadable extension on the bundled
// Online Retail data (its first demoRows rows), and checks what they find:
// every customer scored into segments 1..k, recommended products that
// exist, k topics. The two hosts, with different SQLite versions, clean the
// data independently (pandas, SQL) and train on the same purchases, so
// their customers, recommendations and topics must be the same too.
func TestExtensionFromPythonAndNode(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: each example trains three models on Online Retail")
	}
	ext := exttest.Build(t)
	var mu sync.Mutex
	results := map[string]hostDemoResult{}
	t.Run("group", func(t *testing.T) {
		t.Run("python", func(t *testing.T) {
			t.Parallel()
			py := pythonForDemo(t)
			r := runHostDemo(t, exec.Command(py, filepath.Join("python", "marketsql_demo.py"), "--extension", ext, "--rows", demoRows, "--json"))
			checkHostDemo(t, r)
			mu.Lock()
			results["python"] = r
			mu.Unlock()
		})
		t.Run("node", func(t *testing.T) {
			t.Parallel()
			node := nodeForDemo(t)
			r := runHostDemo(t, exec.Command(node, filepath.Join("node", "marketsql_demo.js"), "--extension", ext, "--rows", demoRows, "--json"))
			checkHostDemo(t, r)
			mu.Lock()
			results["node"] = r
			mu.Unlock()
		})
	})
	py, ok1 := results["python"]
	js, ok2 := results["node"]
	if !ok1 || !ok2 {
		return
	}
	t.Logf("Python's SQLite %s, Node's (better-sqlite3) %s", py.SQLiteVersion, js.SQLiteVersion)
	if py.Customers != js.Customers {
		t.Errorf("customers differ: Python %d, Node %d", py.Customers, js.Customers)
	}
	if !slices.Equal(py.Recommended, js.Recommended) {
		t.Errorf("recommendations differ: Python %v, Node %v", py.Recommended, js.Recommended)
	}
	if !reflect.DeepEqual(py.TopicWords, js.TopicWords) {
		t.Errorf("topics differ: Python %v, Node %v", py.TopicWords, js.TopicWords)
	}
	// The segments are trained on logarithms computed by numpy in Python
	// and by SQLite's ln() in Node, which may differ in the last bit.
	if !slices.Equal(py.SegmentSizes, js.SegmentSizes) {
		t.Logf("segment sizes differ (numpy's log against SQLite's ln): Python %v, Node %v", py.SegmentSizes, js.SegmentSizes)
	}
}
