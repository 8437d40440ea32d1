package hoststest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"github.com/seed-a084b42d/marketsql/internal/exttest"
)

// longTraining is a k-means training that runs for minutes: 200,000 rows
// of 8 uniform features, k = 400 from random starts, Lloyd's algorithm
// (no bounds to skip work), 10 restarts, up to 1,000 iterations each, to
// convergence of the labels. One Lloyd pass costs 200,000 x 400 x 8
// multiply-adds (0.1 s or more on this project's 2-core machines), and
// uniform data takes tens to hundreds of passes per restart. A test that
// sees it stop within seconds has seen it interrupted, not finish.
const (
	bigRows      = 200000
	longTraining = `SELECT kmeans_train('seg', 'big', '{"k": 400, "init": "random", "n_init": 10, "max_iter": 1000, "tol": 0, "algorithm": "lloyd"}');`
	// stopBound is how long an interrupted training may take to give the
	// prompt back before the test fails: a hang guard, generous for a
	// loaded machine, far below the training's own time.
	stopBound = 10 * time.Second
)

// interruptDB makes a database with a small model 'seg' (version 1) and
// the big table for longTraining, with the stock sqlite3 and the
// extension, and returns it and the model's catalog row.
func interruptDB(t *testing.T, dir string) (db, model string) {
	t.Helper()
	db = filepath.Join(dir, "shop.db")
	setup := fmt.Sprintf(`
CREATE TABLE customers(id INTEGER PRIMARY KEY, visits REAL, spend REAL);
INSERT INTO customers VALUES (1, 1, 100.5), (2, 2, 2000), (3, 3, 45), (4, 10, 5000), (5, 12, 4000), (6, 1, 200), (7, 2, 1000);
SELECT kmeans_train('seg', 'customers', '{"k": 2}') IS NOT NULL;
CREATE TABLE big(id INTEGER PRIMARY KEY, a REAL, b REAL, c REAL, d REAL, e REAL, f REAL, g REAL, h REAL);
INSERT INTO big WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
  SELECT i, random() / 9.2e18, random() / 9.2e18, random() / 9.2e18, random() / 9.2e18,
         random() / 9.2e18, random() / 9.2e18, random() / 9.2e18, random() / 9.2e18 FROM n;
`, bigRows)
	if out, code := hosts(t, 1)[0].run(t, db, nil, setup); code != 0 || out != "1\n" {
		t.Fatalf("setup: exit %d: %s", code, out)
	}
	return db, modelRow(t, db)
}

// modelRow is the catalog row of the model 'seg', all of it, as text.
func modelRow(t *testing.T, db string) string {
	t.Helper()
	row := sqlite3Plain(t, "-readonly", db, "SELECT name, kind, version, created_at, n_rows, options, metrics, hex(params) FROM ml_models WHERE name = 'seg'")
	if !strings.HasPrefix(row, "seg|kmeans|") {
		t.Fatalf("model seg: %q", row)
	}
	return row
}

// terminal is what a program wrote to its pseudo-terminal.
type terminal struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	mark    int
	changed chan struct{}
}

var escapes = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]`)

func (s *terminal) Write(p []byte) (int, error) {
	s.mu.Lock()
	n, err := s.buf.Write(p)
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return n, err
}

// text is everything shown, without escape sequences.
func (s *terminal) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return escapes.ReplaceAllString(s.buf.String(), "")
}

// find moves the mark past the first want after it.
func (s *terminal) find(want string) bool {
	clean := s.text()
	s.mu.Lock()
	defer s.mu.Unlock()
	if i := strings.Index(clean[s.mark:], want); i >= 0 {
		s.mark += i + len(want)
		return true
	}
	return false
}

// TestCtrlCInSQLite3 drives the stock sqlite3, with the extension loaded,
// through a pseudo-terminal as a user would: a training that would run for
// minutes is cancelled with Ctrl-C; the prompt comes back, the error says
// it was interrupted, and the previous model is intact (same catalog row,
// same version) and still scores. The latency from ^C to the message is
// logged, not asserted; the test fails only if the prompt does not come
// back within stopBound (the training itself takes far longer).
func TestCtrlCInSQLite3(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: builds a 200,000-row table")
	}
	sqlite3 := exttest.SQLite3(t)
	ext := exttest.Build(t)
	dir := t.TempDir()
	start := time.Now()
	db, before := interruptDB(t, dir)
	t.Logf("setup (model and %d-row table) took %v", bigRows, time.Since(start).Round(time.Millisecond))

	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("skipped: no pseudo-terminal available on this system (pty.Open: %v)", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 200}); err != nil {
		tty.Close()
		t.Fatal(err)
	}
	cmd := exec.Command(sqlite3, "-cmd", ".load "+ext, db)
	cmd.Env = append(os.Environ(), "TERM=dumb", "HOME="+dir)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	err = cmd.Start()
	tty.Close()
	if err != nil {
		t.Fatalf("starting sqlite3 on the pseudo-terminal: %v", err)
	}
	scr := &terminal{changed: make(chan struct{}, 1)}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			scr.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	defer func() {
		select {
		case <-exited:
		default:
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("the whole terminal session:\n%s", scr.text())
		}
	}()

	// waitFor waits until the terminal shows want after the mark, failing
	// when sqlite3 exits first or nothing comes within bound.
	waitFor := func(want, doing string, bound time.Duration) {
		t.Helper()
		limit := time.NewTimer(bound)
		defer limit.Stop()
		for {
			if scr.find(want) {
				return
			}
			select {
			case <-scr.changed:
			case <-exited:
				if scr.find(want) {
					return
				}
				t.Fatalf("%s: sqlite3 exited (%v) before %q appeared", doing, waitErr, want)
			case <-limit.C:
				t.Fatalf("%s: %q did not appear within %v", doing, want, bound)
			}
		}
	}
	typeText := func(s string) {
		t.Helper()
		if _, err := ptmx.Write([]byte(s)); err != nil {
			t.Fatalf("typing %q: %v", s, err)
		}
	}
	const prompt = "sqlite> "
	waitFor(prompt, "starting sqlite3", time.Minute)
	typeText("SELECT 'segment ' || kmeans_assign('seg', 10, 5000) || ' ' || kmeans_assign('seg', 1, 100);\r")
	waitFor("segment 2 1", "scoring with the model", time.Minute)
	waitFor(prompt, "prompting again", time.Minute)

	typeText(longTraining + "\r")
	started := time.Now()
	// Nothing shows while it runs; give it time to read the source and
	// get into its iterations.
	time.Sleep(2 * time.Second)
	select {
	case <-exited:
		t.Fatalf("sqlite3 exited during the training: %v", waitErr)
	default:
	}
	shown := scr.text()
	i := strings.LastIndex(shown, longTraining)
	if i < 0 {
		t.Fatalf("the terminal does not show the training statement as typed:\n%s", shown)
	}
	if strings.Contains(shown[i:], prompt) {
		t.Fatalf("the training finished (or failed) within 2 s, before Ctrl-C: it cannot show an interrupt:\n%s", shown[i:])
	}
	typeText("\x03")
	pressed := time.Now()
	waitFor("interrupted", "cancelling the training with Ctrl-C", stopBound)
	latency := time.Since(pressed)
	waitFor(prompt, "prompting after Ctrl-C", stopBound)
	t.Logf("Ctrl-C latency in sqlite3: %v from typing ^C to \"interrupted\" on the terminal (the training ran %v in all)",
		latency.Round(time.Millisecond), time.Since(started).Round(time.Millisecond))
	msg := scr.text()
	if i := strings.LastIndex(msg, longTraining); i >= 0 {
		msg = strings.TrimSpace(strings.TrimSuffix(msg[i+len(longTraining):], prompt))
	}
	t.Logf("sqlite3 printed: %q", msg)
	if !strings.Contains(msg, "kmeans_train") {
		t.Errorf("the interrupted training's message does not name kmeans_train: %q", msg)
	}

	// Still alive, the model is the old one and scores.
	typeText("SELECT 'alive' || 42 AS still;\r")
	waitFor("alive42", "answering after Ctrl-C", time.Minute)
	typeText("SELECT 'version ' || version FROM ml_models WHERE name = 'seg';\r")
	waitFor("version 1", "showing the model's version, still 1", time.Minute)
	typeText("SELECT 'segment ' || kmeans_assign('seg', 10, 5000) || ' ' || kmeans_assign('seg', 1, 100);\r")
	waitFor("segment 2 1", "scoring with the previous model", time.Minute)
	typeText(".quit\r")
	select {
	case <-exited:
	case <-time.After(time.Minute):
		t.Fatal("sqlite3 did not exit after .quit")
	}
	// sqlite3 exits with status 1 after a session that had an error (the
	// interrupt); anything else (a signal, a crash) fails.
	var ee *exec.ExitError
	if waitErr != nil && (!errors.As(waitErr, &ee) || !ee.Exited() || ee.ExitCode() != 1) {
		t.Errorf("sqlite3 ended with %v, want exit status 0 or 1", waitErr)
	}
	if after := modelRow(t, db); after != before {
		t.Errorf("the interrupted training changed the model:\nbefore %q\nafter  %q", before, after)
	}
}
