package shell

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/seed-a084b42d/marketsql/engine"
)

// runScript runs input through Run with cfg and returns stdout and stderr.
func runScript(t *testing.T, cfg Config, input string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := Run(context.Background(), cfg, strings.NewReader(input), &out, &errb)
	return out.String(), errb.String(), err
}

// TestFunctions checks that .functions lists every function of the
// engine's registry with its signature and summary, and filters by pattern.
func TestFunctions(t *testing.T) {
	t.Parallel()
	docs := engine.Functions()
	if len(docs) == 0 {
		t.Fatal("the engine registers no documented function")
	}
	out, errs, err := runScript(t, Config{Mode: ModeCSV}, ".functions\n")
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, out)
	}
	if got := strings.Join(recs[0], ","); got != "name,kind,signature,summary" {
		t.Errorf("header %q", got)
	}
	listed := map[string][]string{}
	for _, r := range recs[1:] {
		listed[r[0]] = r
	}
	for _, d := range docs {
		r, ok := listed[d.Name]
		if !ok {
			t.Errorf(".functions does not list %s", d.Name)
			continue
		}
		if r[1] != d.Kind || r[2] != d.Signature || r[3] != d.Summary {
			t.Errorf(".functions shows %q for %s, the registry says %+v", r, d.Name, d)
		}
	}
	if len(listed) != len(docs) {
		t.Errorf(".functions lists %d functions, the registry has %d", len(listed), len(docs))
	}

	// Patterns are LIKE patterns, as for .tables.
	var kmeans []string
	for _, d := range docs {
		if strings.HasPrefix(strings.ToLower(d.Name), "kmeans") {
			kmeans = append(kmeans, d.Name)
		}
	}
	if len(kmeans) < 2 {
		t.Fatalf("the registry has %d kmeans functions; the test wants at least 2", len(kmeans))
	}
	out, errs, err = runScript(t, Config{Mode: ModeList}, ".functions kmeans%\n.functions KMEANS%\n.functions "+kmeans[0]+"\n")
	if err != nil {
		t.Fatalf(".functions kmeans%%: %v: %s", err, errs)
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if name, _, _ := strings.Cut(line, "|"); name != "name" {
			names = append(names, name)
		}
	}
	if want := append(append(append([]string(nil), kmeans...), kmeans...), kmeans[0]); fmt.Sprint(names) != fmt.Sprint(want) {
		t.Errorf(".functions kmeans%%, KMEANS%% and %s list %v, want %v", kmeans[0], names, want)
	}
	// A word without wildcards is the whole name, as .tables has it.
	_, errs, err = runScript(t, Config{}, ".functions kmeans_\n")
	if err == nil || !strings.Contains(errs, "no marketsql function matches") {
		t.Errorf(".functions kmeans_ (no function has that name): err %v, stderr %q", err, errs)
	}
	_, errs, err = runScript(t, Config{}, ".functions no_such_function_anywhere\n")
	if err == nil || !strings.Contains(errs, "no marketsql function matches") {
		t.Errorf("unmatched pattern: err %v, stderr %q", err, errs)
	}
}

// TestModels trains a model and lists it with .models.
func TestModels(t *testing.T) {
	t.Parallel()
	out, errs, err := runScript(t, Config{Mode: ModeList}, `.models
create table pts(id integer primary key, x real, y real);
insert into pts values (1, 0, 0), (2, 0, 1), (3, 10, 10), (4, 10, 11), (5, 0, 0.5), (6, 10, 10.5);
select kmeans_train('segments', 'pts', '{"k": 2}') is not null;
.models
.models seg%
.models SEGMENTS
.models seg
.models s_gments
.models nothing%
`)
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	lines := strings.Split(out, "\n")
	if lines[0] != "(no models: this database has no model catalog yet)" {
		t.Errorf("before training: %q", lines[0])
	}
	if lines[2] != "name|kind|version|rows|seconds|created_at|source" {
		t.Errorf("header %q", lines[2])
	}
	row := regexp.MustCompile(`^segments\|kmeans\|\d+\|6\|[0-9.]+\|\d{4}-\d\d-\d\dT[^|]+\|pts$`)
	// seg% and SEGMENTS and s_gments match (LIKE), seg does not.
	if !row.MatchString(lines[3]) || lines[5] != lines[3] || lines[7] != lines[3] || lines[8] != "(no models)" ||
		lines[10] != lines[3] || lines[11] != "(no models)" {
		t.Errorf(".models output:\n%s", out)
	}
}

func TestTimer(t *testing.T) {
	t.Parallel()
	out, errs, err := runScript(t, Config{}, ".timer on\nselect 1;\n.timer off\nselect 2;\n")
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	// expected: sqlite3 3.40.1's "Run Time: real %.3f user %f sys %f".
	want := regexp.MustCompile(`^1\nRun Time: real \d+\.\d{3} user \d+\.\d{6} sys \d+\.\d{6}\n2\n$`)
	if !want.MatchString(out) {
		t.Errorf("output %q", out)
	}
}

// TestTimerRedirected checks that, as in sqlite3 3.40, the "Run Time" of
// .timer goes to the real stdout while .output or .once send the results to
// a file, comes before the .changes line, and is printed for failing
// statements too, before their error.
func TestTimerRedirected(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	all, once := filepath.Join(dir, "all.txt"), filepath.Join(dir, "once.txt")
	var out bytes.Buffer
	err := Run(context.Background(), Config{}, strings.NewReader(".timer on\n.output "+all+"\nselect 1;\n.changes on\ncreate table t(x);\n.changes off\n"+
		".output stdout\n.once "+once+"\nselect 2;\nselect 3;\nselec 4;\n"), &out, &out)
	if err == nil {
		t.Error("the syntax error was not reported")
	}
	rt := `Run Time: real \d+\.\d{3} user \d+\.\d{6} sys \d+\.\d{6}\n`
	want := regexp.MustCompile(`^` + rt + rt + rt + `3\n` + rt + rt + `Parse error near line 11: near "selec": syntax error\n  selec 4;\n  \^--- error here\n$`)
	if !want.MatchString(out.String()) {
		t.Errorf("stdout and stderr %q, want them to match %s", out.String(), want)
	}
	if b, _ := os.ReadFile(all); !regexp.MustCompile(`^1\nchanges: \d+   total_changes: \d+\n$`).Match(b) {
		t.Errorf(".output file holds %q", b)
	}
	if b, _ := os.ReadFile(once); string(b) != "2\n" {
		t.Errorf(".once file holds %q", b)
	}
}

// TestLikeMatch checks the pattern matching of .functions and .models
// against SQLite's own LIKE.
func TestLikeMatch(t *testing.T) {
	t.Parallel()
	names := []string{"kmeans_train", "KMeans_Predict", "kmeans", "kmeansx", "rfm_score", "a%b", "é_x", "", "segments"}
	patterns := []string{"", "kmeans", "KMEANS", "kmeans%", "%", "%_", "_", "kmeans_", "kmeans_%", "%pred%", "k%s", "%%s", "_%_",
		"a%b", "a\\%b", "é_x", "__x", "É_x", "seg*", "s_gments", "segments%%", "%_e%n_s"}
	var script strings.Builder
	for _, n := range names {
		for _, p := range patterns {
			if p == "" {
				continue // no pattern: everything, not LIKE ''
			}
			fmt.Fprintf(&script, "select %s like %s;\n", quoteString(n), quoteString(p))
		}
	}
	out, errs, err := runScript(t, Config{}, script.String())
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	sqlite := strings.Split(out, "\n")
	i := 0
	for _, n := range names {
		for _, p := range patterns {
			want := true
			if p != "" {
				want = sqlite[i] == "1"
				i++
			}
			if got := likeMatch(p, n); got != want {
				t.Errorf("likeMatch(%q, %q) = %v, SQLite's LIKE says %v", p, n, got, want)
			}
		}
	}
}

func TestOutputOnce(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	all, once := filepath.Join(dir, "all.txt"), filepath.Join(dir, "once.txt")
	out, errs, err := runScript(t, Config{}, ".output "+all+"\nselect 1;\n.mode csv\nselect 'a b';\n.output\nselect 2;\n.once "+once+
		"\nselect 3; select 4;\nselect 5;\n.output "+filepath.Join(dir, "no", "such", "dir")+"\nselect 6;\n")
	if err == nil || !strings.Contains(errs, "cannot open") {
		t.Errorf("bad .output file: err %v, stderr %q", err, errs)
	}
	if out != "2\r\n5\r\n6\r\n" {
		t.Errorf("stdout %q", out)
	}
	if b, _ := os.ReadFile(all); string(b) != "1\n\"a b\"\r\n" {
		t.Errorf(".output file holds %q", b)
	}
	// .once applies to the next command, here two statements on one line.
	if b, _ := os.ReadFile(once); string(b) != "3\r\n4\r\n" {
		t.Errorf(".once file holds %q", b)
	}
}

func TestOpen(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")
	out, errs, err := runScript(t, Config{DBPath: a}, "create table ta(x); insert into ta values(1);\n.open "+b+
		"\ncreate table tb(y);\n.tables t%\n.open --readonly "+a+"\nselect * from ta;\ninsert into ta values(2);\n.databases\n.open\n.tables t%\n")
	if err == nil || !strings.Contains(errs, "readonly") {
		t.Errorf("write to a read-only database: err %v, stderr %q", err, errs)
	}
	want := "tb\n1\nmain: " + a + " r/o\n"
	if out != want {
		t.Errorf("stdout %q, want %q", out, want)
	}
}

func TestEchoArgs(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	cfg := Config{Echo: true, Commands: []string{".mode csv"}, Args: []string{"select 1, 'x y'", ".mode"}}
	if err := Run(context.Background(), cfg, strings.NewReader(""), &out, &errb); err != nil {
		t.Fatalf("%v: %s", err, errb.String())
	}
	if want := ".mode csv\nselect 1, 'x y'\n1,\"x y\"\r\n.mode\ncurrent output mode: csv\n"; out.String() != want {
		t.Errorf("stdout %q, want %q", out.String(), want)
	}
}

// TestInterruptScript checks that an interrupt stops the running statement
// and the rest of a script.
func TestInterruptScript(t *testing.T) {
	t.Parallel()
	intr := make(chan struct{}, 1)
	time.AfterFunc(200*time.Millisecond, func() { intr <- struct{}{} })
	in := "select count(*) from (with recursive c(x) as (select 1 union all select x+1 from c) select x from c);\nselect 'not reached';\n"
	var out bytes.Buffer
	err := Run(context.Background(), Config{Interrupt: intr}, strings.NewReader(in), &out, &out)
	if err == nil || !strings.Contains(out.String(), "interrupted") || strings.Contains(out.String(), "not reached") {
		t.Errorf("err %v, output %q", err, out.String())
	}
}

func TestRenderProgress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ev   engine.Progress
		want string
	}{
		{engine.Progress{Function: "kmeans_train", Model: "seg", Phase: "iterate", Done: 5, Total: 20, Detail: "run 1/1 iteration 5", Elapsed: 2500 * time.Millisecond},
			"kmeans_train seg: iterate [#####...............]  25% 2.5s run 1/1 iteration 5 (Ctrl-C cancels)"},
		{engine.Progress{Function: "lda_train", Phase: "read", Elapsed: time.Second},
			"lda_train: read 1.0s (Ctrl-C cancels)"},
		{engine.Progress{Function: "f", Iteration: 3, Done: 9, Total: 3, Elapsed: 0},
			"f [####################] 100% 0.0s iteration 3 (Ctrl-C cancels)"},
	} {
		if got := renderProgress(tc.ev, 200); got != tc.want {
			t.Errorf("renderProgress(%+v) =\n%q, want\n%q", tc.ev, got, tc.want)
		}
	}
	if got := renderProgress(engine.Progress{Function: strings.Repeat("é", 100)}, 10); got != strings.Repeat("é", 10) {
		t.Errorf("not cut to the width: %q", got)
	}
}

func TestProgressBar(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	p := newProgressBar(&b, 0)
	p.event(engine.Progress{Function: "quick"})
	p.clear()
	if b.Len() != 0 {
		t.Errorf("a quick call drew %q", b.String())
	}
	p.event(engine.Progress{Function: "slow"})
	p.start = time.Now().Add(-time.Second) // as if it had run for a second
	p.event(engine.Progress{Function: "slow", Phase: "read"})
	p.event(engine.Progress{Function: "slow", Phase: "too soon"})
	p.clear()
	if got := b.String(); !strings.HasPrefix(got, "\rslow: read 1.0s") || strings.Contains(got, "too soon") || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("drew %q", got)
	}
}

func TestComplete(t *testing.T) {
	t.Parallel()
	s := &Shell{ctx: context.Background()}
	if err := s.open("", false); err != nil {
		t.Fatal(err)
	}
	defer s.closeDB()
	s.out = nil
	if err := s.execSQL("create table customers(customer_id integer, spend real); create view cust_view as select 1 as one"); err != nil {
		t.Fatal(err.detail())
	}
	c := &completer{s: s}
	for _, tc := range []struct {
		line       string
		head, tail string
		want       []string
	}{
		{"select * from cus", "select * from ", "", []string{"cust_view", "customer_id", "customers"}},
		{"select * from custom where", "select * from ", " where", []string{"customer_id", "customers"}},
		{"SEL", "", "", []string{"SELECT"}},
		{"sel", "", "", []string{"select"}},
		{"select kmeans_tr", "select ", "", []string{"kmeans_train("}},
		{"select abs", "select ", "", []string{"abs("}},
		{".mo", "", "", []string{".mode ", ".models "}},
		{"  .q", "  ", "", []string{".quit "}},
		{".headers o", ".headers o", "", nil},
		{"select 1 ", "select 1 ", "", nil},
	} {
		pos := len(tc.line)
		if tc.tail != "" {
			pos = len(tc.line) - len(tc.tail)
		}
		head, got, tail := c.complete(tc.line, pos)
		if head != tc.head || tail != tc.tail || strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("complete(%q, %d) = %q, %q, %q; want %q, %q, %q", tc.line, pos, head, got, tail, tc.head, tc.want, tc.tail)
		}
	}
	// New tables are seen once a statement ran.
	s.execSQL("create table zebra(z)")
	c.invalidate()
	if _, got, _ := c.complete("select * from zeb", 17); len(got) != 1 || got[0] != "zebra" {
		t.Errorf("after create table: %q", got)
	}
	// The catalog's tables complete by name, their columns do not: they
	// would crowd out the user's names once a model is trained.
	s.execSQL("create table ml_clv_customers(model, customer); create table ml_models(name)")
	c.invalidate()
	if _, got, _ := c.complete("select * from custom", 20); strings.Join(got, " ") != "customer_id customers" {
		t.Errorf("with catalog tables: %q", got)
	}
	if _, got, _ := c.complete("select * from ml_clv", 20); len(got) != 1 || got[0] != "ml_clv_customers" {
		t.Errorf("a catalog table's name: %q", got)
	}
	// File names after .import.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "orders.csv"), nil, 0o644)
	line := ".import " + filepath.Join(dir, "ord")
	if head, got, _ := c.complete(line, len(line)); head != ".import " || len(got) != 1 || got[0] != filepath.Join(dir, "orders.csv") {
		t.Errorf("file completion: %q %q", head, got)
	}
}

func TestKindOf(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"0", colInteger}, {"-12", colInteger}, {"+7", colInteger}, {"007", colText}, {"9223372036854775808", colReal},
		{"1.5", colReal}, {".5", colReal}, {"-0.25e-3", colReal}, {"1e10", colReal}, {"1.", colReal},
		{"", colText}, {"-", colText}, {".", colText}, {"1e", colText}, {"1,5", colText}, {"inf", colText},
		{"NaN", colText}, {"0x10", colText}, {" 1", colText}, {"12a", colText}, {"2010-12-01", colText},
	} {
		if got := kindOf(tc.in); got != tc.want {
			t.Errorf("kindOf(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func TestHeaderOf(t *testing.T) {
	t.Parallel()
	recs := func(rows ...string) []record {
		var r []record
		for _, row := range rows {
			r = append(r, record{fields: strings.Split(row, ",")})
		}
		return r
	}
	for _, tc := range []struct {
		rows   []string
		names  string
		header bool
	}{
		{[]string{"id,name", "1,Ann", "2,Bob"}, "id,name", true},
		{[]string{"1,Ann", "2,Bob"}, "c1,c2", false},
		{[]string{"a,b"}, "a,b", true},
		{[]string{"name,city", "Ann,Paris"}, "name,city", true},            // all text: a header
		{[]string{"id,2011", "1,3"}, "id,2011", true},                      // text above numbers wins
		{[]string{"x,,x,X", "1,2,3,4"}, "x,c2,x_2,X_3", true},              // empty and repeated names
		{[]string{"3.5,,Paris", "1,2,Lyon", "2,,Nice"}, "c1,c2,c3", false}, // a number above numbers
	} {
		names, header := headerOf(recs(tc.rows...))
		if strings.Join(names, ",") != tc.names || header != tc.header {
			t.Errorf("headerOf(%q) = %q, %v; want %q, %v", tc.rows, names, header, tc.names, tc.header)
		}
	}
}

// fakeTerminal gives lines as a user types them; errAborted stands for
// Ctrl-C at the prompt. It records which prompt each line was typed at.
type fakeTerminal struct {
	lines   []any // string or error
	prompts []bool
}

func (f *fakeTerminal) readLine(pending bool) (string, error) {
	f.prompts = append(f.prompts, pending)
	if len(f.lines) == 0 {
		return "", io.EOF
	}
	l := f.lines[0]
	f.lines = f.lines[1:]
	if err, ok := l.(error); ok {
		return "", err
	}
	return l.(string), nil
}

// TestInteractiveInput runs typed lines through the interactive loop:
// continuation prompts, history entries, Ctrl-C dropping a pending
// statement, errors without line numbers, and no stop at errors.
func TestInteractiveInput(t *testing.T) {
	t.Parallel()
	var out, errb bytes.Buffer
	s := &Shell{ctx: context.Background(), stderr: &errb, mode: ModeList, format: format{colSep: "|", rowSep: "\n"}, bail: true}
	s.out = bufio.NewWriter(&out)
	s.stdout = s.out
	if err := s.open("", false); err != nil {
		t.Fatal(err)
	}
	defer s.closeDB()
	term := &fakeTerminal{lines: []any{
		"select 1,", "  2;",
		"select 'dropped'", errAborted,
		"selec 3;",
		".mode csv",
		"select 'multi", "line';",
		"",
		"select 4;",
	}}
	var history []string
	s.process(term, true, func(e string) { history = append(history, e) })
	s.out.Flush()
	if got, want := out.String(), "1|2\n\"multi\nline\"\r\n4\r\n"; got != want {
		t.Errorf("stdout %q, want %q", got, want)
	}
	if got := errb.String(); !strings.HasPrefix(got, "Parse error: near \"selec\": syntax error\n") {
		t.Errorf("stderr %q", got)
	}
	wantHist := []string{"select 1, 2;", "selec 3;", ".mode csv", "select 'multi line';", "select 4;"}
	if strings.Join(history, "\n") != strings.Join(wantHist, "\n") {
		t.Errorf("history %q, want %q", history, wantHist)
	}
	wantPrompts := []bool{false, true, false, true, false, false, false, true, false, false, false}
	if fmt.Sprint(term.prompts) != fmt.Sprint(wantPrompts) {
		t.Errorf("continuation prompts %v, want %v", term.prompts, wantPrompts)
	}
}

// TestOutputFileLayout checks that output sent to a file gets sqlite3's
// layout even when the shell writes to a terminal otherwise.
func TestOutputFileLayout(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "out.txt")
	out, errs, err := runScript(t, Config{Mode: ModeTable, Width: 80}, "select 10 as number;\n.once "+file+"\nselect 10 as number;\n")
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	if want := "+--------+\n| number |\n+--------+\n|     10 |\n+--------+\n"; out != want {
		t.Errorf("terminal output %q, want %q", out, want)
	}
	if b, _ := os.ReadFile(file); string(b) != "+--------+\n| number |\n+--------+\n| 10     |\n+--------+\n" {
		t.Errorf("file holds %q", b)
	}
}
