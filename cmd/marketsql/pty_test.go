package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestMain lets the terminal test run this test binary as the marketsql
// command: with MARKETSQL_TEST_MAIN=1 it is main, with the arguments given.
func TestMain(m *testing.M) {
	if os.Getenv("MARKETSQL_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// screen collects what a program writes to its terminal.
type screen struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	mark    int           // waitFor looks after this offset of the text without escapes
	changed chan struct{} // a send after each write, dropped when one is pending
}

func newScreen() *screen { return &screen{changed: make(chan struct{}, 1)} }

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	n, err := s.buf.Write(p)
	s.mu.Unlock()
	select {
	case s.changed <- struct{}{}:
	default:
	}
	return n, err
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// text is the output since the mark, without terminal escape sequences.
func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.ReplaceAllString(s.buf.String(), "")[s.mark:]
}

// find moves the mark past the first want after it and reports whether
// there was one.
func (s *screen) find(want string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	clean := ansi.ReplaceAllString(s.buf.String(), "")
	if i := strings.Index(clean[s.mark:], want); i >= 0 {
		s.mark += i + len(want)
		return true
	}
	return false
}

// session is the shell running on a pseudo-terminal.
type session struct {
	t        *testing.T
	scr      *screen
	exited   chan struct{} // closed when the shell has exited
	waitErr  error         // cmd.Wait's result, once exited is closed
	deadline time.Time     // a hang guard only: the test binary's own deadline
}

// rest is the rest of the line at the mark, as shown so far.
func (s *screen) rest() string {
	t := s.text()
	if i := strings.IndexAny(t, "\r\n"); i >= 0 {
		t = t[:i]
	}
	return strings.TrimSuffix(t, " (Ctrl-C cancels)")
}

// waitFor waits until the terminal shows want after the mark, then moves
// the mark past it. It fails the test at once if the shell exits first (a
// crash is a failure, not a wait), and at the deadline of the test binary
// (go test -timeout) if nothing comes: that guards against a hang and
// asserts nothing about speed.
func (s *session) waitFor(want, doing string) {
	s.t.Helper()
	hang := time.NewTimer(time.Until(s.deadline))
	defer hang.Stop()
	for {
		if s.scr.find(want) {
			return
		}
		select {
		case <-s.scr.changed:
		case <-s.exited:
			// The last output may have arrived just before the exit.
			if s.scr.find(want) {
				return
			}
			s.t.Fatalf("%s: the shell exited (%v) before %q appeared; the terminal shows:\n%s", doing, s.waitErr, want, s.scr.text())
		case <-hang.C:
			s.t.Fatalf("%s: %q did not appear before the test's deadline; the terminal shows:\n%s", doing, want, s.scr.text())
		}
	}
}

// modelRow is the catalog row of a model, all of it, as text.
func modelRow(t *testing.T, db, name string) string {
	t.Helper()
	var out, errb bytes.Buffer
	q := fmt.Sprintf("select name, kind, version, created_at, n_rows, options, metrics, hex(params) from ml_models where name = '%s'", name)
	if code := run(context.Background(), []string{"-list", db, q}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("reading model %s: %s", name, errb.String())
	}
	return out.String()
}

// TestTerminal drives the shell through a pseudo-terminal as an analyst
// would: a statement typed over two lines with a table name completed by
// Tab, long calls of every family cancelled with Ctrl-C (the previous
// models stay), the shell still answering, Ctrl-D to leave, and the
// history file.
//
// The cancelled calls are kmeans_train, kmeans_select_k, lda_train and
// recommend_train, each sized to run far longer than 20 s (minutes to
// hours), and each cancelled at two or three moments: while it reads the
// source and builds its arrays, during k-means++ initialisation, while LDA
// allocates and initialises 5000 topics (on a small corpus, read at once),
// and once it iterates. Reading and allocating draw no progress line, so
// there Ctrl-C comes a set time after the statement. A cancellation must
// print "interrupted" and leave the models as they were, which a training
// that ran to its end would have replaced.
//
// It skips only when the system has no pseudo-terminal to give; anything
// else (the shell not starting, dying, not answering, changing a model,
// exiting badly) fails it. It asserts no durations: each Ctrl-C latency,
// from typing ^C to "interrupted" on the terminal, is measured and logged
// (go test -v shows them), and the only time limit is the test binary's
// deadline, against hangs.
func TestTerminal(t *testing.T) {
	start := time.Now()
	deadline := start.Add(10 * time.Minute)
	if d, ok := t.Deadline(); ok {
		deadline = d.Add(-15 * time.Second) // time to report before go test panics
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	hist := filepath.Join(dir, "history")

	// The terminal first: without one the test cannot run at all.
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("skipped: no pseudo-terminal available on this system (pty.Open: %v), so the real-terminal test cannot run", err)
	}
	defer ptmx.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 40, Cols: 120}); err != nil {
		tty.Close()
		t.Fatalf("sizing the pseudo-terminal: %v", err)
	}

	// A small table with a model trained on it, and a big one to train on
	// for far longer than the test waits.
	var out, errb bytes.Buffer
	setup := []string{db,
		"create table customers(id integer primary key, visits real, spend real)",
		"insert into customers values (1, 1, 100.5), (2, 2, 2000), (3, 3, 45), (4, 10, 5000), (5, 12, 4000), (6, 1, 200), (7, 2, 1000)",
		`select kmeans_train('seg', 'customers', '{"k": 2}') is not null`,
		"create table big(id integer primary key, a real, b real, c real, d real, e real, f real, g real, h real)",
		"insert into big with recursive n(i) as (select 1 union all select i + 1 from n where i < 500000) " +
			"select i, random() / 9.2e18, random() / 9.2e18, random() / 9.2e18, random() / 9.2e18, " +
			"random() / 9.2e18, random() / 9.2e18, random() / 9.2e18, random() / 9.2e18 from n",
		// 60000 documents of 30 words drawn from 10^4 (one pass with 100
		// topics takes about 9 s), and a million purchases of 20000
		// products by 50000 customers.
		"create table docs(id integer primary key, body text)",
		"insert into docs with recursive n(i) as (select 1 union all select i + 1 from n where i < 60000) " +
			"select i, (with recursive m(j) as (select 1 union all select j + 1 from m where j < 30 + 0 * i) " +
			"select group_concat(char(97 + abs(random()) % 10, 97 + abs(random()) % 10, 97 + abs(random()) % 10, 97 + abs(random()) % 10), ' ') from m) from n",
		"create table buys(person integer, product integer)",
		"insert into buys with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000000) " +
			"select abs(random()) % 50000, abs(random()) % 20000 from n",
		`select lda_train('topics', 'select id, body from docs where id <= 500', '{"topics": 2}') is not null`,
		`select recommend_train('recs', 'select person, product from buys limit 5000', '{}') is not null`,
	}
	if code := run(context.Background(), setup, strings.NewReader(""), &out, &errb); code != 0 {
		tty.Close()
		t.Fatalf("setup: exit %d: %s", code, errb.String())
	}
	before := modelRow(t, db, "seg")
	if !strings.HasPrefix(before, "seg|kmeans|") {
		tty.Close()
		t.Fatalf("setup: model row %q", before)
	}
	others := map[string]string{}
	for _, m := range []string{"topics", "recs"} {
		if others[m] = modelRow(t, db, m); !strings.HasPrefix(others[m], m+"|") {
			tty.Close()
			t.Fatalf("setup: model row %q", others[m])
		}
	}
	t.Logf("setup took %v", time.Since(start).Round(time.Millisecond))

	cmd := exec.Command(os.Args[0], db)
	cmd.Env = append(os.Environ(), "MARKETSQL_TEST_MAIN=1", "TERM=xterm", "MARKETSQL_HISTORY="+hist, "HOME="+dir)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	err = cmd.Start()
	tty.Close() // the shell has it now
	if err != nil {
		t.Fatalf("starting the shell on the pseudo-terminal: %v", err)
	}
	s := &session{t: t, scr: newScreen(), exited: make(chan struct{}), deadline: deadline}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := ptmx.Read(buf)
			s.scr.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	go func() {
		s.waitErr = cmd.Wait()
		close(s.exited)
	}()
	defer func() {
		select {
		case <-s.exited:
		default: // the test failed with the shell still running
			cmd.Process.Kill()
			<-s.exited
		}
		if t.Failed() || os.Getenv("PTY_DUMP") != "" {
			t.Logf("whole terminal session:\n%s", ansi.ReplaceAllString(func() string {
				s.scr.mu.Lock()
				defer s.scr.mu.Unlock()
				return s.scr.buf.String()
			}(), ""))
		}
	}()
	typeText := func(text string) {
		t.Helper()
		select {
		case <-s.exited:
			t.Fatalf("typing %q: the shell has exited (%v); the terminal shows:\n%s", text, s.waitErr, s.scr.text())
		default:
		}
		if _, err := ptmx.Write([]byte(text)); err != nil {
			t.Fatalf("typing %q: %v", text, err)
		}
	}

	s.waitFor("marketsql> ", "starting the shell")

	// A statement over two lines; "custo" + Tab completes to "customers".
	typeText("select count(*) as n,\r")
	s.waitFor("   ...> ", "continuing a statement")
	typeText("  sum(spend) as total from custo")
	typeText("\t")
	s.waitFor("customers", "completing a table name with Tab")
	typeText(";\r")
	s.waitFor("12345.5", "running the two-line statement")
	s.waitFor("marketsql> ", "prompting again")

	// Long calls, each cancelled once its progress shows what it does.
	// Latencies are logged, not asserted (timing assertions are flaky on
	// loaded machines); issue 9 asks for under a second.
	const kmeansLong = `select kmeans_train('seg', 'big', '{"k": 400, "max_iter": 1000, "n_init": 10}');`
	const ldaLong = `select lda_train('topics', 'docs', '{"topics": 100, "passes": 200}');`
	const recommendLong = `select recommend_train('recs', 'select person, product from buys', '{"factors": 512, "iterations": 1000}');`
	for _, c := range []struct {
		name, sql string
		after     time.Duration // Ctrl-C this long after the statement is sent
		progress  string        // or once the progress line shows this
	}{
		{name: "kmeans_train, reading 500000 rows", sql: kmeansLong, after: 800 * time.Millisecond},
		{name: "kmeans_train, k-means++ init", sql: kmeansLong, progress: "kmeans_train seg: init"},
		{name: "kmeans_train, iterating", sql: `select kmeans_train('seg', 'big', '{"k": 400, "max_iter": 1000, "n_init": 10, "init": "random"}');`, progress: "kmeans_train seg: iterate"},
		{name: "kmeans_select_k, reading 500000 rows", sql: `select * from kmeans_select_k('big', 2, 400, '{"n_init": 10}');`, after: 800 * time.Millisecond},
		{name: "kmeans_select_k, iterating", sql: `select * from kmeans_select_k('big', 300, 400, '{"n_init": 10, "init": "random"}');`, progress: "kmeans_select_k: iterate"},
		{name: "lda_train, reading 60000 documents", sql: ldaLong, after: 800 * time.Millisecond},
		{name: "lda_train, allocating 5000 topics", sql: `select lda_train('topics', 'select id, body from docs where id <= 3000', '{"topics": 5000, "passes": 100, "max_df": 1.0}');`, after: 3 * time.Second},
		{name: "lda_train, iterating", sql: ldaLong, progress: "lda_train topics: iterate"},
		{name: "recommend_train, reading a million rows", sql: recommendLong, after: 800 * time.Millisecond},
		{name: "recommend_train, iterating", sql: recommendLong, progress: "recommend_train recs: iterate"},
	} {
		typeText(c.sql + "\r")
		if c.progress != "" {
			s.waitFor(c.progress, c.name+": showing the progress")
		} else {
			time.Sleep(c.after)
		}
		typeText("\x03")
		pressed := time.Now()
		shown := "no progress line yet"
		if c.progress != "" {
			shown = "progress " + strconv.Quote(c.progress+s.scr.rest())
		}
		s.waitFor("interrupted", c.name+": cancelling with Ctrl-C")
		latency := time.Since(pressed)
		s.waitFor("marketsql> ", c.name+": prompting after Ctrl-C")
		t.Logf("Ctrl-C latency %5dms: %s (%s)", latency.Milliseconds(), c.name, shown)
	}

	// Still alive, and the model is the old one.
	typeText("select 'alive' || 42 as still;\r")
	s.waitFor("alive42", "answering after Ctrl-C")
	version := strings.Split(before, "|")[2]
	typeText("select 'version ' || version as v from ml_models where name = 'seg';\r")
	s.waitFor("version "+version, "showing the model's version, still "+version)
	typeText(".models seg\r")
	s.waitFor("customers", "listing the model, still trained on customers")
	s.waitFor("marketsql> ", "prompting after .models")

	// Ctrl-D leaves, with status 0.
	typeText("\x04")
	select {
	case <-s.exited:
	case <-time.After(time.Until(deadline)):
		t.Fatalf("the shell did not exit after Ctrl-D before the test's deadline; terminal:\n%s", s.scr.text())
	}
	var ee *exec.ExitError
	switch {
	case errors.As(s.waitErr, &ee):
		t.Errorf("after Ctrl-D: %v, want exit status 0; terminal:\n%s", ee, s.scr.text())
	case s.waitErr != nil:
		t.Fatalf("waiting for the shell: %v", s.waitErr)
	}

	if after := modelRow(t, db, "seg"); after != before {
		t.Errorf("the cancelled training changed the model:\nbefore %q\nafter  %q", before, after)
	}
	for m, row := range others {
		if after := modelRow(t, db, m); after != row {
			t.Errorf("the cancelled training changed model %s:\nbefore %q\nafter  %q", m, row, after)
		}
	}
	h, err := os.ReadFile(hist)
	if err != nil {
		t.Fatalf("history file: %v", err)
	}
	if !strings.Contains(string(h), "select count(*) as n, sum(spend) as total from customers;\n") {
		t.Errorf("history does not hold the two-line statement as one entry:\n%s", h)
	}
	t.Logf("terminal session took %v", time.Since(start).Round(time.Millisecond))
}
