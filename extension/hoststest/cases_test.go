package hoststest

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/exttest"
)

var update = flag.Bool("update", false, "rewrite testdata/hosts/*/want.txt with what both hosts print (only where they agree)")

// The SQL behaviour cases of testdata/hosts: one directory per case with
//
//	cmd.sql    the script, run unchanged on standard input by each host
//	want.txt   what it prints (standard output and errors, in order), then
//	           "[exit N]" when the host exits with a non-zero status N
//	setup.sql  optional: run first, read-write, on the same file (by the
//	           same host); it must succeed and its output is not compared
//	flags      optional: command-line flags for cmd.sql (e.g. -readonly),
//	           which both hosts take as sqlite3 does
//
// A line of cmd.sql that starts with "-- sqlite3: " is a comment for
// bin/marketsql (which has the functions built in) and, for the stock
// sqlite3, the rest of the line with $EXT replaced by the extension's path:
// the way a case loads the extension once more. The line count does not
// change, so both hosts report errors "near line N" alike. $TMP stands for
// an empty temporary directory of each host's own, for files a case writes
// (keep it out of what the case prints).
var hostCases = filepath.Join(root, "testdata", "hosts")

// TestHostCases runs every case of testdata/hosts in the stock sqlite3 with
// the extension loaded and in bin/marketsql, each on a fresh database file,
// and compares both outputs with want.txt. With -update it rewrites
// want.txt where the two hosts agree (read the diff before committing).
func TestHostCases(t *testing.T) {
	hs := hosts(t, 1)
	ext := exttest.Build(t)
	dirs, err := filepath.Glob(filepath.Join(hostCases, "*", "cmd.sql"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no cases in %s (%v)", hostCases, err)
	}
	for _, cmdFile := range dirs {
		dir := filepath.Dir(cmdFile)
		t.Run(filepath.Base(dir), func(t *testing.T) {
			script := readFile(t, cmdFile)
			setup := readOptional(t, filepath.Join(dir, "setup.sql"))
			flags := strings.Fields(readOptional(t, filepath.Join(dir, "flags")))
			wantFile := filepath.Join(dir, "want.txt")
			outs := make([]string, len(hs))
			for i, h := range hs {
				db := filepath.Join(t.TempDir(), "case.db")
				tmp := t.TempDir()
				if setup != "" {
					if out, code := h.run(t, db, nil, strings.ReplaceAll(forHost(h.name, setup, ext), "$TMP", tmp)); code != 0 {
						t.Fatalf("%s: setup.sql: exit status %d:\n%s", h.name, code, out)
					}
				}
				out, code := h.run(t, db, flags, strings.ReplaceAll(forHost(h.name, script, ext), "$TMP", tmp))
				if code != 0 {
					out += "[exit " + strconv.Itoa(code) + "]\n"
				}
				outs[i] = out
			}
			if outs[0] != outs[1] {
				t.Errorf("the hosts differ:\n%s", lineDiff(hs[0].name, outs[0], hs[1].name, outs[1]))
				return
			}
			if *update {
				if err := os.WriteFile(wantFile, []byte(outs[0]), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := readFile(t, wantFile)
			for i, h := range hs {
				if outs[i] != want {
					t.Errorf("%s prints something else than %s:\n%s", h.name, wantFile, lineDiff("want", want, h.name, outs[i]))
				}
			}
		})
	}
}

// forHost turns the "-- sqlite3: " lines of a case into commands for the
// stock sqlite3; bin/marketsql gets the script unchanged.
func forHost(host, script, ext string) string {
	if host != "sqlite3" {
		return script
	}
	lines := strings.SplitAfter(script, "\n")
	for i, l := range lines {
		if rest, ok := strings.CutPrefix(l, "-- sqlite3: "); ok {
			lines[i] = strings.ReplaceAll(rest, "$EXT", ext)
		}
	}
	return strings.Join(lines, "")
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func readOptional(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
