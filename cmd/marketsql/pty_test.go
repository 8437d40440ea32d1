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
	"strings"
	"sync"
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
	mu   sync.Mutex
	buf  bytes.Buffer
	mark int // waitFor looks after this offset of the text without escapes
}

func (s *screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

var ansi = regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`)

// text is the output since the mark, without terminal escape sequences.
func (s *screen) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return ansi.ReplaceAllString(s.buf.String(), "")[s.mark:]
}

// waitFor polls until the output since the mark (without escape
// sequences) contains want, then moves the mark past it. It fails the
// test at the deadline.
func (s *screen) waitFor(t *testing.T, deadline time.Time, want, doing string) {
	t.Helper()
	for {
		s.mu.Lock()
		clean := ansi.ReplaceAllString(s.buf.String(), "")
		if i := strings.Index(clean[s.mark:], want); i >= 0 {
			s.mark += i + len(want)
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("%s: %q did not appear on the terminal; it shows:\n%s", doing, want, clean[s.mark:])
		}
		time.Sleep(50 * time.Millisecond)
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
// Tab, a long training cancelled with Ctrl-C (the previous model stays),
// the shell still answering, Ctrl-D to leave, and the history file.
func TestTerminal(t *testing.T) {
	start := time.Now()
	deadline := start.Add(55 * time.Second)
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	hist := filepath.Join(dir, "history")

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
	}
	if code := run(context.Background(), setup, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("setup: exit %d: %s", code, errb.String())
	}
	before := modelRow(t, db, "seg")
	if !strings.HasPrefix(before, "seg|kmeans|") {
		t.Fatalf("setup: model row %q", before)
	}

	cmd := exec.Command(os.Args[0], db)
	cmd.Env = append(os.Environ(), "MARKETSQL_TEST_MAIN=1", "TERM=xterm", "MARKETSQL_HISTORY="+hist, "HOME="+dir)
	tty, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
	if err != nil {
		t.Skipf("cannot allocate a pseudo-terminal, so the real-terminal test cannot run: %v", err)
	}
	defer tty.Close()
	exited := make(chan error, 1)
	scr := &screen{}
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := tty.Read(buf)
			scr.Write(buf[:n])
			if err != nil {
				return
			}
		}
	}()
	go func() { exited <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
		}
	}()
	typeText := func(s string) {
		t.Helper()
		if _, err := tty.Write([]byte(s)); err != nil {
			t.Fatalf("typing %q: %v", s, err)
		}
	}

	scr.waitFor(t, deadline, "marketsql> ", "starting the shell")

	// A statement over two lines; "custo" + Tab completes to "customers".
	typeText("select count(*) as n,\r")
	scr.waitFor(t, deadline, "   ...> ", "continuing a statement")
	typeText("  sum(spend) as total from custo")
	typeText("\t")
	scr.waitFor(t, deadline, "customers", "completing a table name with Tab")
	typeText(";\r")
	scr.waitFor(t, deadline, "12345.5", "running the two-line statement")
	scr.waitFor(t, deadline, "marketsql> ", "prompting again")

	// A long training, cancelled once its progress shows.
	typeText(`select kmeans_train('seg', 'big', '{"k": 400, "max_iter": 1000, "n_init": 10, "init": "random"}');` + "\r")
	scr.waitFor(t, deadline, "kmeans_train seg", "showing the training's progress")
	typeText("\x03")
	scr.waitFor(t, deadline, "interrupted", "cancelling the training with Ctrl-C")
	scr.waitFor(t, deadline, "marketsql> ", "prompting after Ctrl-C")

	// Still alive, and the model is the old one.
	typeText("select 'alive' || 42 as still;\r")
	scr.waitFor(t, deadline, "alive42", "answering after Ctrl-C")
	typeText(".models\r")
	scr.waitFor(t, deadline, "customers", "listing the models")

	// Ctrl-D leaves.
	typeText("\x04")
	select {
	case err := <-exited:
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			t.Fatalf("waiting for the shell: %v", err)
		}
		if code := cmd.ProcessState.ExitCode(); code != 0 {
			t.Errorf("exit status %d after Ctrl-D, want 0; terminal:\n%s", code, scr.text())
		}
	case <-time.After(time.Until(deadline)):
		t.Fatalf("the shell did not exit after Ctrl-D; terminal:\n%s", scr.text())
	}

	if after := modelRow(t, db, "seg"); after != before {
		t.Errorf("the cancelled training changed the model:\nbefore %q\nafter  %q", before, after)
	}
	h, err := os.ReadFile(hist)
	if err != nil {
		t.Fatalf("history file: %v", err)
	}
	if !strings.Contains(string(h), "select count(*) as n, sum(spend) as total from customers;\n") {
		t.Errorf("history does not hold the two-line statement as one entry:\n%s", h)
	}
	t.Logf("terminal session took %v", time.Since(start).Round(time.Millisecond))
	if os.Getenv("PTY_DUMP") != "" {
		t.Logf("terminal:\n%s", ansi.ReplaceAllString(scr.buf.String(), ""))
	}
}
