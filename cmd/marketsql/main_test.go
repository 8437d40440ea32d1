package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/shell"
)

func TestRun(t *testing.T) {
	t.Parallel()
	gz, err := filepath.Abs("../../testdata/shell/data/customers.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		args      []string
		stdin     string
		code      int
		stdout    string
		stderrHas string
		stdoutHas string // instead of stdout
		onFreshDB bool   // prepend a new database file to args
	}{
		{name: "version", args: []string{"-version"}, stdout: "marketsql " + programVersion() + " (SQLite " + shell.SQLiteVersion() + ")\n"},
		{name: "help", args: []string{"-help"}, stdoutHas: "Usage: marketsql [OPTIONS] [FILENAME] [SQL...]"},
		{name: "no database is in memory", args: []string{"-csv"}, stdin: "create table t(a); insert into t values(1); select * from t;\n", stdout: "1\n"},
		{name: "several SQL arguments", onFreshDB: true, args: []string{"create table t(a)", "insert into t values(7)", "select a*2 from t"}, stdout: "14\n"},
		{name: "options after the file", args: []string{":memory:", "-json", "select 1 as a"}, stdout: "[{\"a\":1}]\n"},
		{name: "double dash", args: []string{"--csv", "--header", ":memory:", "select 1 as a"}, stdout: "a\n1\n"},
		{name: "unknown flag", args: []string{"-nope", "a.db"}, code: 1, stderrHas: "marketsql: Error: unknown option: -nope"},
		{name: "missing option value", args: []string{"-separator"}, code: 1, stderrHas: "missing argument to -separator"},
		{name: "separator and nullvalue", args: []string{"-separator", ";", "-nullvalue", "NULL", ":memory:", "select 1, null"}, stdout: "1;NULL\n"},
		{name: "csv then separator", args: []string{"-csv", "-separator", "\t", ":memory:", "select 1, 'a b'"}, stdout: "1\t\"a b\"\n"},
		{name: "newline", args: []string{"-newline", "X", ":memory:", "select 1; select 2"}, stdout: "1X2X"},
		{name: "cmd runs first", args: []string{"-cmd", ".mode csv", "-cmd", "create table t(a)", ":memory:", "insert into t values('x y')", "select * from t"}, stdout: "\"x y\"\r\n"},
		{name: "echo", args: []string{"-echo", ":memory:", "select 1"}, stdout: "select 1\n1\n"},
		{name: "markdown", args: []string{"-markdown", ":memory:", "select 1 as a"}, stdout: "| a |\n|---|\n| 1 |\n"},
		{name: "line", args: []string{"-line", ":memory:", "select 1 as a"}, stdout: "    a = 1\n"},
		{name: "tabs", args: []string{"-tabs", "-header", ":memory:", "select 1 as a, 2 as b"}, stdout: "a\tb\n1\t2\n"},
		{name: "html", args: []string{"-html", ":memory:", "select '<a>' as a"}, stdout: "<TR><TD>&lt;a&gt;</TD>\n</TR>\n"},
		{name: "insert", args: []string{"-insert", ":memory:", "select 1 as a"}, stdout: "INSERT INTO \"table\" VALUES(1);\n"},
		{name: "batch", args: []string{"-batch", ":memory:"}, stdin: "select 3;\n", stdout: "3\n"},
		{name: "exit code", args: []string{":memory:"}, stdin: "select 1;\n.exit 3\nselect 2;\n", code: 3, stdout: "1\n"},
		{name: "exit code 0 after an error", args: []string{":memory:"}, stdin: "selec;\n.exit 0\n", code: 1, stderrHas: "Parse error near line 1"},
		{name: "exit bad code", args: []string{":memory:"}, stdin: ".exit x\nselect 2;\n", code: 1, stdout: "2\n", stderrHas: "not an exit status"},
		{name: "sql argument", onFreshDB: true, args: []string{"select 1 as a; select 'x y' as b"}, stdout: "1\nx y\n"},
		{name: "csv header", onFreshDB: true, args: []string{"-csv", "-header", "select 1 as a, 'x y' as b"}, stdout: "a,b\n1,\"x y\"\n"},
		{name: "json", onFreshDB: true, args: []string{"-json", "select 1 as a, null as b"}, stdout: "[{\"a\":1,\"b\":null}]\n"},
		{name: "noheader wins when last", onFreshDB: true, args: []string{"-header", "-noheader", "select 1 as a"}, stdout: "1\n"},
		{name: "table", onFreshDB: true, args: []string{"-table", "select 1 as a"}, stdout: "+---+\n| a |\n+---+\n| 1 |\n+---+\n"},
		{name: "sql error", onFreshDB: true, args: []string{"select 1; selec 2"}, code: 1, stdout: "1\n",
			stderrHas: "Error: in prepare, near \"selec\": syntax error"},
		{name: "stdin", onFreshDB: true, stdin: "select 1;\nselect 2;\n", stdout: "1\n2\n"},
		{name: "stdin error continues", onFreshDB: true, stdin: "select * from nope;\nselect 2;\n", code: 1, stdout: "2\n",
			stderrHas: "Parse error near line 1: no such table: nope"},
		{name: "stdin bail", onFreshDB: true, args: []string{"-bail"}, stdin: "select * from nope;\nselect 2;\n", code: 1, stdout: "",
			stderrHas: "Parse error near line 1"},
		{name: "import argument", onFreshDB: true, args: []string{".import --csv " + gz + " c"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := tc.args
			if tc.onFreshDB {
				args = reorder(filepath.Join(t.TempDir(), "t.db"), tc.args)
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), args, strings.NewReader(tc.stdin), &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tc.code, stderr.String())
			}
			if tc.stdoutHas != "" {
				if !strings.Contains(stdout.String(), tc.stdoutHas) {
					t.Errorf("stdout %q, want it to contain %q", stdout.String(), tc.stdoutHas)
				}
			} else if stdout.String() != tc.stdout {
				t.Errorf("stdout %q, want %q", stdout.String(), tc.stdout)
			}
			if !strings.Contains(stderr.String(), tc.stderrHas) {
				t.Errorf("stderr %q, want it to contain %q", stderr.String(), tc.stderrHas)
			}
		})
	}
}

// reorder puts the flags of args first, then db, then the rest.
func reorder(db string, args []string) []string {
	var flags, rest []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			flags = append(flags, a)
		} else {
			rest = append(rest, a)
		}
	}
	return append(append(flags, db), rest...)
}

// TestVersion checks where -version takes marketsql's version from: the
// link-time version, else the module version of the build information,
// else "devel".
func TestVersion(t *testing.T) {
	for _, tc := range []struct {
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{nil, false, "devel"},
		{&debug.BuildInfo{}, true, "devel"},
		{&debug.BuildInfo{Main: debug.Module{Path: "github.com/seed-a084b42d/marketsql", Version: "(devel)"}}, true, "devel"},
		{&debug.BuildInfo{Main: debug.Module{Path: "github.com/seed-a084b42d/marketsql", Version: "v1.2.3"}}, true, "v1.2.3"},
		{&debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261128150000-380893f1a2b3+dirty"}}, true, "v0.0.0-20261128150000-380893f1a2b3+dirty"},
	} {
		if got := versionOf(tc.bi, tc.ok); got != tc.want {
			t.Errorf("versionOf(%+v, %v) = %q, want %q", tc.bi, tc.ok, got, tc.want)
		}
	}
	// What this test binary says, in -v output.
	bi, ok := debug.ReadBuildInfo()
	if ok {
		t.Logf("build info: main module %q version %q; -version prints %q", bi.Main.Path, bi.Main.Version, programVersion())
	}
	if version == "devel" && programVersion() != versionOf(bi, ok) {
		t.Errorf("programVersion() = %q, want the build information's %q", programVersion(), versionOf(bi, ok))
	}
}

// TestImportThenQuery checks that an import through the command line lands
// in the database file and a later invocation sees it.
func TestImportThenQuery(t *testing.T) {
	t.Parallel()
	gz, err := filepath.Abs("../../testdata/shell/data/customers.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "demo.db")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{db, ".import --csv " + gz + " customers"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr.String())
	}
	code := run(context.Background(), []string{"-csv", db, "select count(*), min(country) from customers"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 || stdout.String() != "4,Finland\n" {
		t.Fatalf("query: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

func TestReadOnly(t *testing.T) {
	t.Parallel()
	db := filepath.Join(t.TempDir(), "ro.db")
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{db, "create table t(a)", "insert into t values(1)"}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("create: exit %d: %s", code, stderr.String())
	}
	code := run(context.Background(), []string{"-readonly", db, "select count(*) from t", "insert into t values(2)"}, strings.NewReader(""), &stdout, &stderr)
	if code != 1 || stdout.String() != "1\n" || !strings.Contains(stderr.String(), "readonly") {
		t.Fatalf("read-only write: exit %d, stdout %q, stderr %q", code, stdout.String(), stderr.String())
	}
}

// TestTerminalOutput checks what changes when stdout and stderr are a
// terminal but stdin is not: box is the default mode, numbers are
// right-aligned in table output. (Not parallel: it replaces terminal.)
func TestTerminalOutput(t *testing.T) {
	saved := terminal
	defer func() { terminal = saved }()
	terminal = func(io.Reader, io.Writer, io.Writer) (bool, bool, bool, int) { return false, true, true, 80 }
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"-table", ":memory:", "select 10 as number, 'x' as t"}, strings.NewReader(""), &stdout, &stderr)
	want := "+--------+---+\n| number | t |\n+--------+---+\n|     10 | x |\n+--------+---+\n"
	if code != 0 || stdout.String() != want {
		t.Errorf("exit %d, stdout\n%s\nwant\n%s\nstderr %q", code, stdout.String(), want, stderr.String())
	}
	// Without a mode option the output is a box.
	stdout.Reset()
	code = run(context.Background(), []string{":memory:", "select 1 as a"}, strings.NewReader(""), &stdout, &stderr)
	if want := "┌───┐\n│ a │\n├───┤\n│ 1 │\n└───┘\n"; code != 0 || stdout.String() != want {
		t.Errorf("default mode on a terminal: exit %d, stdout\n%s\nwant\n%s", code, stdout.String(), want)
	}
}

// "report" first is the report subcommand: it writes the page and prints
// its path; a database file named report opens as ./report.
func TestReportSubcommand(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "shop.db")
	var stdout, stderr bytes.Buffer
	script := `CREATE TABLE c(id INTEGER PRIMARY KEY, x REAL, y REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200) INSERT INTO c SELECT i, i % 17, (i * 7) % 23 FROM n;
SELECT kmeans_train('seg', 'c', '{"k": 2}') IS NOT NULL;`
	if code := run(context.Background(), []string{db, script}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	out := filepath.Join(dir, "report.html")
	stdout.Reset()
	if code := run(context.Background(), []string{"report", db, "-o", out}, strings.NewReader(""), &stdout, &stderr); code != 0 {
		t.Fatalf("report: exit %d: %s", code, stderr.String())
	}
	if !strings.HasSuffix(stdout.String(), ": "+out+"\n") {
		t.Errorf("report printed %q, want its path", stdout.String())
	}
	if b, err := os.ReadFile(out); err != nil || !bytes.Contains(b, []byte(`id="model-seg"`)) {
		t.Errorf("the report lacks the model: %v", err)
	}
	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"report", db}, strings.NewReader(""), &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "no output file given; add -o report.html") {
		t.Errorf("report without -o: exit %d, %q", code, stderr.String())
	}
}
