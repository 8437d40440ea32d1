package hoststest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-a084b42d/marketsql/internal/exttest"
)

// root is the repository's top directory; the examples' SQL scripts name
// their files relative to it (.read examples/rfm.sql).
var root = func() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}()

var (
	shellOnce  sync.Once
	shellBuilt = make(chan struct{})
	shellPath  string
	shellErr   error
	shellOut   []byte
)

// buildShell starts building bin/marketsql (go build ./cmd/marketsql) into
// a temporary directory, once per test process, in the background.
func buildShell() {
	shellOnce.Do(func() {
		go func() {
			defer close(shellBuilt)
			dir, err := os.MkdirTemp("", "marketsql-shell-")
			if err != nil {
				shellErr = err
				return
			}
			shellPath = filepath.Join(dir, "marketsql")
			goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
			if _, err := os.Stat(goBin); err != nil {
				goBin = "go"
			}
			cmd := exec.Command(goBin, "build", "-o", shellPath, "./cmd/marketsql")
			cmd.Dir = root
			shellOut, shellErr = cmd.CombinedOutput()
		}()
	})
}

// marketsqlShell returns the path of bin/marketsql as buildShell built it.
func marketsqlShell(t testing.TB) string {
	t.Helper()
	buildShell()
	<-shellBuilt
	if shellErr != nil {
		t.Fatalf("build bin/marketsql: %v\n%s", shellErr, shellOut)
	}
	return shellPath
}

// host is one program that runs SQL scripts on a database file: the stock
// sqlite3 CLI with the extension loaded, or bin/marketsql.
type host struct {
	name string
	// command returns the command line for a database file and extra
	// flags (both hosts take sqlite3's flags); the script comes on stdin.
	command func(db string, flags []string) *exec.Cmd
}

// hosts returns the stock sqlite3 (skipping the test when it is not
// installed) with the extension loaded loads times by -cmd '.load PATH'
// (at least once), and bin/marketsql.
func hosts(t *testing.T, loads int) []host {
	t.Helper()
	sqlite3 := exttest.SQLite3(t)
	buildShell() // beside the extension's build
	ext := exttest.Build(t)
	shell := marketsqlShell(t)
	if loads < 1 {
		loads = 1
	}
	return []host{
		{"sqlite3", func(db string, flags []string) *exec.Cmd {
			args := append([]string(nil), flags...)
			for range loads {
				args = append(args, "-cmd", ".load "+ext)
			}
			return exec.Command(sqlite3, append(args, db)...)
		}},
		{"marketsql", func(db string, flags []string) *exec.Cmd {
			return exec.Command(shell, append(append([]string(nil), flags...), db)...)
		}},
	}
}

// run runs script on db in the host from the repository's top directory
// and returns what it printed, standard output and standard error in the
// order it wrote them, and its exit status.
func (h host) run(t *testing.T, db string, flags []string, script string) (string, int) {
	t.Helper()
	cmd := h.command(db, flags)
	cmd.Dir = root
	cmd.Stdin = strings.NewReader(script)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out // one pipe: the order is kept
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &ee) && ee.Exited():
		return out.String(), ee.ExitCode()
	default:
		t.Fatalf("%s: %v\n%s", h.name, err, out.String())
		return "", -1
	}
}

// sqlite3Plain runs the stock sqlite3 without the extension, for reading
// files; it fails the test on a non-zero exit.
func sqlite3Plain(t *testing.T, args ...string) string {
	t.Helper()
	out, err := exec.Command(exttest.SQLite3(t), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3 %q: %v\n%s", args, err, out)
	}
	return string(out)
}

// copyFile copies src to dst.
func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// timing masks what depends on the clock: "seconds" and "train_seconds"
// in JSON summaries and "created_at" timestamps.
var timing = regexp.MustCompile(`"(seconds|train_seconds)":\s*[-+0-9.eE]+|"created_at":\s*"[^"]*"`)

func maskTiming(s string) string {
	return timing.ReplaceAllStringFunc(s, func(m string) string {
		return m[:strings.Index(m, ":")] + ":<time>"
	})
}

// retailBase imports the bundled Online Retail CSV with bin/marketsql's
// .import --csv, as make demo does, into a file of its own that the tests
// copy for each host.
func retailBase(t *testing.T, dir string) string {
	t.Helper()
	db := filepath.Join(dir, "base.db")
	cmd := exec.Command(marketsqlShell(t), db, ".import --csv testdata/online-retail/online_retail.csv.gz retail_raw")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("importing Online Retail: %v\n%s", err, out)
	}
	return db
}

// TestDemoInEveryHost runs examples/demo.sql and examples/recommend.sql,
// unchanged, in the stock sqlite3 with the extension loaded and in
// bin/marketsql, each on its own copy of a database prepared as make demo
// prepares it, and compares what they print (timings masked) and then the
// models and result tables they leave in the files.
func TestDemoInEveryHost(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: the demo trains every family on Online Retail (~20 s per host)")
	}
	hs := hosts(t, 1)
	dir := t.TempDir()
	base := retailBase(t, dir)

	type result struct {
		db      string
		outputs []string
		took    time.Duration
	}
	results := make([]result, len(hs))
	var wg sync.WaitGroup
	for i, h := range hs {
		db := filepath.Join(dir, h.name+".db")
		copyFile(t, base, db)
		results[i].db = db
		wg.Add(1)
		go func() { // the hosts run side by side; results do not depend on the load
			defer wg.Done()
			start := time.Now()
			for _, script := range []string{"examples/demo.sql", "examples/recommend.sql"} {
				src, err := os.ReadFile(filepath.Join(root, script))
				if err != nil {
					t.Error(err)
					return
				}
				out, code := h.run(t, db, []string{"-table"}, string(src))
				if code != 0 {
					t.Errorf("%s < %s: exit status %d:\n%s", h.name, script, code, out)
				}
				results[i].outputs = append(results[i].outputs, maskTiming(out))
			}
			results[i].took = time.Since(start)
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	for i, h := range hs {
		t.Logf("%s ran both scripts in %v", h.name, results[i].took.Round(time.Millisecond))
	}

	a, b := results[0], results[1]
	for i, script := range []string{"examples/demo.sql", "examples/recommend.sql"} {
		if a.outputs[i] != b.outputs[i] {
			t.Errorf("%s prints differently:\n%s", script, lineDiff(hs[0].name, a.outputs[i], hs[1].name, b.outputs[i]))
		}
		// Real results, not two empty outputs that agree.
		for _, want := range [][]string{
			{"| customers |", "| segment |", "| topic | share |", "| Champions ", "| value_12_months |", "who_buys", "REGENCY TEA PLATE PINK"},
			{"| item_knn |", "| REGENCY CAKESTAND 3 TIER |", "| 4335      | 43350           |"},
		}[i] {
			if !strings.Contains(a.outputs[i], want) {
				t.Errorf("%s: the output lacks %q:\n%s", script, want, a.outputs[i])
			}
		}
	}

	compareFiles(t, hs[0].name, a.db, hs[1].name, b.db)
}

// compareFiles compares the catalog and the result tables two hosts left.
// Everything must be equal, bit for bit, with one explained exception:
// the demo segments customers on ln() of their RFM values, and ln comes
// from the host's SQLite (C's log) in sqlite3 but from marketsql's own math
// functions (Go's math.Log) in the engine, whose SQLite is built without
// them. Where those inputs differ in the last bit, the k-means model
// trained on them may differ in the last bits too: then its numbers must
// agree to 1e-9 (relative) and its cluster assignments exactly.
func compareFiles(t *testing.T, nameA, dbA, nameB, dbB string) {
	// ln of the RFM values, as each host computes it.
	lnQuery := "SELECT customer_id, printf('%!.17g|%!.17g|%!.17g', ln(recency), ln(frequency), ln(monetary)) FROM customer_rfm ORDER BY customer_id"
	lnA := dumpWith(t, hosts(t, 1)[0], dbA, lnQuery)
	lnB := dumpWith(t, hosts(t, 1)[1], dbB, lnQuery)
	lnDiff := 0
	la, lb := lines(lnA), lines(lnB)
	if len(la) != len(lb) {
		t.Fatalf("ln(customer_rfm): %d rows in %s, %d in %s", len(la), nameA, len(lb), nameB)
	}
	for i := range la {
		if la[i] != lb[i] {
			lnDiff++
			if lnDiff <= 3 {
				t.Logf("ln() differs between the hosts: %s %s, %s %s", nameA, la[i], nameB, lb[i])
			}
		}
	}
	if lnDiff > 0 {
		t.Logf("ln() differs in the last bit for %d of %d customers' RFM values (C's log in %s, Go's math.Log in %s)", lnDiff, len(la), nameA, nameB)
	}

	allKMeans := func(string) bool { return true }
	queries := []struct {
		name, sql string
		kmeans    func(row string) bool // which rows belong to a k-means model
	}{
		{"ml_models", "SELECT name, kind, version, replace(source, char(10), ' '), options, json_remove(metrics, '$.seconds'), n_rows, format, hex(params) FROM ml_models ORDER BY name",
			func(row string) bool { return strings.Contains(row, "|kmeans|") }},
		{"ml_kmeans_centroids", "SELECT * FROM ml_kmeans_centroids ORDER BY 1, 2, 3", allKMeans},
		{"ml_kmeans_assignments", "SELECT * FROM ml_kmeans_assignments ORDER BY 1, 2", allKMeans},
		{"ml_lda_topic_words", "SELECT * FROM ml_lda_topic_words ORDER BY 1, 2, 3", nil},
		{"ml_lda_doc_topics", "SELECT * FROM ml_lda_doc_topics ORDER BY 1, 2, 3", nil},
		{"customer_segment", "SELECT * FROM customer_segment ORDER BY 1", nil},
		{"customer_recommendations", "SELECT customer_id, rank, stock_code, printf('%!.17g', score) FROM customer_recommendations ORDER BY 1, 2", nil},
	}
	for _, q := range queries {
		ra := lines(sqlite3Plain(t, "-batch", "-list", dbA, q.sql))
		rb := lines(sqlite3Plain(t, "-batch", "-list", dbB, q.sql))
		if len(ra) == 0 {
			t.Errorf("%s: no rows in %s", q.name, nameA)
		}
		if len(ra) != len(rb) {
			t.Errorf("%s: %d rows in %s, %d in %s", q.name, len(ra), nameA, len(rb), nameB)
			continue
		}
		exact, near := 0, 0
		for i := range ra {
			if ra[i] == rb[i] {
				exact++
				continue
			}
			// Only rows of k-means models may differ, only when their ln()
			// inputs did, and only in the last bits of numbers (cluster
			// numbers and sizes are integers: they must be equal).
			if lnDiff == 0 || q.kmeans == nil || !q.kmeans(ra[i]) || !nearlyEqual(ra[i], rb[i]) {
				t.Errorf("%s differs between the hosts:\n%s: %.600s\n%s: %.600s", q.name, nameA, ra[i], nameB, rb[i])
				continue
			}
			near++
		}
		if near > 0 {
			t.Logf("%s: %d rows equal, %d equal to 1e-9 only (k-means on the ln() inputs above)", q.name, exact, near)
		} else {
			t.Logf("%s: all %d rows equal", q.name, exact)
		}
	}
}

// lines splits output into its lines, without the final newline's empty one.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// dumpWith runs one query in a host, in list mode, and returns its output.
func dumpWith(t *testing.T, h host, db, query string) string {
	t.Helper()
	out, code := h.run(t, db, []string{"-list"}, query+";\n")
	if code != 0 {
		t.Fatalf("%s: %s: exit status %d: %s", h.name, query, code, out)
	}
	return out
}

var (
	number  = regexp.MustCompile(`-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?`)
	hexBlob = regexp.MustCompile(`^[0-9A-F]{64,}$`)
)

// nearlyEqual reports whether two lines have the same fields, numbers
// (alone, or inside JSON) equal to a relative 1e-9 and everything else
// equal, except hex blobs (a model's parameters), which only need the
// same length.
func nearlyEqual(a, b string) bool {
	fa, fb := strings.Split(a, "|"), strings.Split(b, "|")
	if len(fa) != len(fb) {
		return false
	}
	for i := range fa {
		if fa[i] == fb[i] {
			continue
		}
		if hexBlob.MatchString(fa[i]) && hexBlob.MatchString(fb[i]) {
			if len(fa[i]) != len(fb[i]) {
				return false
			}
			continue
		}
		na, nb := number.FindAllString(fa[i], -1), number.FindAllString(fb[i], -1)
		if len(na) != len(nb) || number.ReplaceAllString(fa[i], "#") != number.ReplaceAllString(fb[i], "#") {
			return false
		}
		for j := range na {
			x, err1 := strconv.ParseFloat(na[j], 64)
			y, err2 := strconv.ParseFloat(nb[j], 64)
			if err1 != nil || err2 != nil || math.Abs(x-y) > 1e-9*math.Max(1, math.Max(math.Abs(x), math.Abs(y))) {
				return false
			}
		}
	}
	return true
}

// lineDiff shows the lines of a and b that differ, with their numbers.
func lineDiff(nameA, a, nameB, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	var sb strings.Builder
	shown := 0
	for i := 0; i < max(len(la), len(lb)) && shown < 40; i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			fmt.Fprintf(&sb, "line %d:\n  %-9s %s\n  %-9s %s\n", i+1, nameA, x, nameB, y)
			shown++
		}
	}
	return sb.String()
}

// fileState is what opening a file could change: its bytes, and the
// side files SQLite leaves beside it.
func fileState(t *testing.T, db string) string {
	t.Helper()
	b, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	state := fmt.Sprintf("%d bytes, sha256 %s", len(b), hex.EncodeToString(sum[:]))
	for _, side := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(db + side); err == nil {
			state += ", " + filepath.Base(db) + side + " exists"
		}
	}
	return state
}

// TestOpeningChangesNothing: a plain SQLite file made by the stock sqlite3
// stays byte for byte as it was after bin/marketsql opens it (.tables, a
// SELECT, a scoring call on a model that does not exist) and after the
// stock sqlite3 loads the extension into it and runs the same: no ml_*
// tables, no WAL, the same journal mode.
func TestOpeningChangesNothing(t *testing.T) {
	hs := hosts(t, 1)
	dir := t.TempDir()
	for _, journal := range []string{"delete", "wal"} {
		t.Run(journal, func(t *testing.T) {
			db := filepath.Join(dir, "plain-"+journal+".db")
			sqlite3Plain(t, db, "PRAGMA journal_mode = "+journal+";"+
				"CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT, spend REAL);"+
				"INSERT INTO customers VALUES (1, 'ann', 12.5), (2, 'bob', 7), (3, 'cy', NULL);")
			before := fileState(t, db)
			wantTables := "customers\n"

			// bin/marketsql plain.db .tables, as a user types it.
			if out, err := exec.Command(marketsqlShell(t), db, ".tables").CombinedOutput(); err != nil || string(out) != wantTables {
				t.Errorf("marketsql %s .tables: %q (%v), want %q", filepath.Base(db), out, err, wantTables)
			}
			if after := fileState(t, db); after != before {
				t.Errorf("marketsql .tables changed the file:\nbefore %s\nafter  %s", before, after)
			}

			steps := []struct {
				h      host
				script string
				want   string
			}{
				{hs[1], "SELECT count(*), sum(spend) FROM customers;\n", "3|19.5\n"},
				{hs[0], "SELECT count(*), sum(spend) FROM customers;\n", "3|19.5\n"},
				{hs[0], "SELECT count(*) > 0 FROM pragma_function_list WHERE name = 'kmeans_assign';\n", "1\n"},
			}
			for _, s := range steps {
				out, code := s.h.run(t, db, nil, s.script)
				if code != 0 || out != s.want {
					t.Errorf("%s %s: %q (exit %d), want %q", s.h.name, strings.TrimSpace(s.script), out, code, s.want)
				}
				if after := fileState(t, db); after != before {
					t.Errorf("%s %s changed the file:\nbefore %s\nafter  %s", s.h.name, strings.TrimSpace(s.script), before, after)
				}
			}
			// A scoring call on a model that does not exist is an error
			// that creates nothing either.
			for _, h := range hs {
				out, code := h.run(t, db, nil, "SELECT kmeans_assign('nosuch', 1, 2);\n")
				if code == 0 || !strings.Contains(out, `kmeans_assign: `) || !strings.Contains(out, "nosuch") {
					t.Errorf("%s: kmeans_assign on a missing model: %q (exit %d), want an error naming the model", h.name, out, code)
				}
				if after := fileState(t, db); after != before {
					t.Errorf("%s: the failed kmeans_assign changed the file:\nbefore %s\nafter  %s", h.name, before, after)
				}
			}
			if got := sqlite3Plain(t, db, "SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name"); got != wantTables {
				t.Errorf("tables after opening: %q, want %q", got, wantTables)
			}
			if got := sqlite3Plain(t, db, "PRAGMA journal_mode"); got != journal+"\n" {
				t.Errorf("journal mode after opening: %q, want %q", got, journal)
			}
			t.Logf("unchanged: %s", before)
		})
	}
}
