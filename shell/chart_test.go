package shell

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"image/png"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seed-a084b42d/marketsql/report/chart"
)

// retailDB imports Online Retail (testdata/online-retail: 541,909 line
// items) into a database file in a temporary directory of t.
func retailDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "retail.db")
	_, errs, err := runScript(t, Config{DBPath: db}, ".import --csv ../testdata/online-retail/online_retail.csv.gz retail\n")
	if err != nil {
		t.Fatalf("import: %v: %s", err, errs)
	}
	return db
}

// chartScript runs input on db (read-only) and fails the test on any
// error.
func chartScript(t *testing.T, db, input string) string {
	t.Helper()
	out, errs, err := runScript(t, Config{DBPath: db, ReadOnly: true}, input)
	if err != nil || errs != "" {
		t.Fatalf("%v: %s\ninput:\n%s", err, errs, input)
	}
	return out
}

// one runs a query on db and returns its single value as text.
func one(t *testing.T, db, query string) string {
	t.Helper()
	return strings.TrimSpace(chartScript(t, db, query+";\n"))
}

// checkPNG decodes a PNG file and checks it has the size of a chart.
func checkPNG(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if r := img.Bounds(); r.Dx() < 900 || r.Dy() < 500 {
		t.Errorf("%s: %v, want a chart of 6.4 by 3.6 inches at 144 dpi", path, r)
	}
}

// readSVG reads an SVG file, checks that it is well-formed XML, and
// returns it.
func readSVG(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", path, err)
		}
	}
	if !bytes.Contains(b, []byte("<svg")) {
		t.Fatalf("%s holds no <svg>", path)
	}
	return string(b)
}

// TestChartRetail draws every kind of chart from Online Retail, as PNG and
// SVG, with columns by name, by position and by default, from the given
// query and from the last one.
func TestChartRetail(t *testing.T) {
	t.Parallel()
	db := retailDB(t)

	t.Run("kinds", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		scatterRows := one(t, db, "SELECT count(*) FROM retail WHERE Quantity BETWEEN 1 AND 200 AND UnitPrice BETWEEN 0 AND 50")
		for _, tc := range []struct {
			kind, args string
			labels     []string // texts the SVG shows
			note       string
		}{
			{"bar", "SELECT Country, round(sum(Quantity * UnitPrice)) AS revenue FROM retail GROUP BY Country ORDER BY revenue DESC",
				[]string{"revenue by Country", ">Country<", ">revenue<", "United Kingdom"}, ""},
			{"line", "SELECT CAST(strftime('%m', InvoiceDate) AS INTEGER) AS month, sum(Quantity) AS units, count(DISTINCT InvoiceNo) AS invoices FROM retail WHERE InvoiceDate >= '2011-01-01' GROUP BY month",
				[]string{"units, invoices by month", ">month<", ">units<", ">invoices<"}, ""},
			{"scatter", "SELECT Quantity, UnitPrice, Country = 'United Kingdom' AS uk FROM retail WHERE Quantity BETWEEN 1 AND 200 AND UnitPrice BETWEEN 0 AND 50",
				[]string{"UnitPrice against Quantity, by uk", ">Quantity<", ">UnitPrice<"},
				"a sample of 100,000 of " + thousandsText(t, scatterRows) + " rows"},
			{"hist", "--bins 40 SELECT UnitPrice FROM retail WHERE UnitPrice BETWEEN 0 AND 20",
				[]string{"distribution of UnitPrice", ">UnitPrice<", ">rows of the sample<"}, "a sample of 100,000 of "},
		} {
			for _, ext := range []string{"png", "svg"} {
				path := filepath.Join(dir, tc.kind+"."+ext)
				out := chartScript(t, db, ".chart "+tc.kind+" -o "+path+" "+tc.args+"\n")
				if !strings.HasPrefix(out, path) {
					t.Errorf("%s: printed %q, want the path first", path, out)
				}
				if !strings.Contains(out, tc.note) {
					t.Errorf("%s: printed %q, want the note %q", path, out, tc.note)
				}
				if ext == "png" {
					checkPNG(t, path)
					continue
				}
				svg := readSVG(t, path)
				for _, l := range append(tc.labels, tc.note) {
					if !strings.Contains(svg, l) {
						t.Errorf("%s does not show %q", path, l)
					}
				}
			}
		}
	})

	// Columns by name (any case, quoted or not), by position and by
	// default give the same chart.
	t.Run("roles", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		q := `SELECT Country AS "the country", sum(Quantity) AS units, count(*) AS lines FROM retail WHERE Country <> 'United Kingdom' GROUP BY Country ORDER BY units DESC LIMIT 20`
		var script strings.Builder
		for i, cols := range []string{`"THE COUNTRY" Units`, `'the country' 2`, `1 2`, ``} {
			script.WriteString(".chart bar " + cols + " -o " + filepath.Join(dir, string(rune('a'+i))+".svg") + " " + q + "\n")
		}
		chartScript(t, db, script.String())
		want := readSVG(t, filepath.Join(dir, "a.svg"))
		if !strings.Contains(want, "units by the country") || !strings.Contains(want, "EIRE") {
			t.Errorf("a.svg is not units by country")
		}
		for _, f := range []string{"b", "c", "d"} {
			if got := readSVG(t, filepath.Join(dir, f+".svg")); got != want {
				t.Errorf("%s.svg differs from a.svg: the same columns, named otherwise", f)
			}
		}
		// The X of a line chart by name, or the row number with one column.
		chartScript(t, db, ".chart line month units -o "+filepath.Join(dir, "l1.svg")+" SELECT CAST(strftime('%m', InvoiceDate) AS INTEGER) AS month, sum(Quantity) AS units FROM retail GROUP BY 1\n"+
			".chart line 2 -o "+filepath.Join(dir, "l2.svg")+"\n")
		if svg := readSVG(t, filepath.Join(dir, "l1.svg")); !strings.Contains(svg, "units by month") {
			t.Error("l1.svg is not units by month")
		}
		if svg := readSVG(t, filepath.Join(dir, "l2.svg")); !strings.Contains(svg, "units by row") {
			t.Error("l2.svg is not units by row")
		}
	})

	// Without SQL, .chart runs the last query that returned rows again.
	t.Run("last query", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		out := chartScript(t, db, "SELECT Country, count(*) AS lines FROM retail GROUP BY Country ORDER BY lines DESC LIMIT 3;\n"+
			"SELECT 1 WHERE 0;\n"+ // returns columns, so it is the last query
			"SELECT Country, count(*) AS lines FROM retail GROUP BY Country ORDER BY lines DESC LIMIT 3;\n"+
			".chart bar -o "+filepath.Join(dir, "a.svg")+"\n"+
			".chart hist lines -o "+filepath.Join(dir, "b.svg")+"\n")
		if !strings.HasPrefix(out, "United Kingdom|495478\nGermany|9495\nFrance|8557\n") {
			t.Errorf("the query printed %q", out)
		}
		if svg := readSVG(t, filepath.Join(dir, "a.svg")); !strings.Contains(svg, "lines by Country") || !strings.Contains(svg, "France") {
			t.Error("a.svg is not lines by Country")
		}
		if svg := readSVG(t, filepath.Join(dir, "b.svg")); !strings.Contains(svg, "distribution of lines") {
			t.Error("b.svg is not the distribution of lines")
		}
		// A chart's own query becomes the last one.
		out = chartScript(t, db, ".chart hist -o "+filepath.Join(dir, "c.svg")+" SELECT Quantity FROM retail WHERE Quantity BETWEEN 1 AND 10\n"+
			".chart hist --bins 5 -o "+filepath.Join(dir, "d.svg")+"\n")
		if svg := readSVG(t, filepath.Join(dir, "d.svg")); !strings.Contains(svg, "distribution of Quantity") || !strings.Contains(out, "d.svg: a sample of 100,000 of ") {
			t.Errorf("d.svg is not the chart's own query drawn again; printed %q", out)
		}
	})

	// Rows without a number are left out and counted; the chart says so.
	t.Run("left out", func(t *testing.T) {
		t.Parallel()
		dir := t.TempDir()
		path := filepath.Join(dir, "customers.svg")
		out := chartScript(t, db, ".chart hist CustomerID -o "+path+" SELECT * FROM retail\n")
		// expected: testdata/online-retail/SOURCE.md, 135,080 of 541,909
		// rows have no CustomerID.
		note := "a sample of 100,000 of 406,829 rows; 135,080 rows left out (NULL or not a number)"
		if out != path+": "+note+"\n" {
			t.Errorf("printed %q, want the path and %q", out, note)
		}
		if svg := readSVG(t, path); !strings.Contains(svg, note) {
			t.Errorf("the chart does not say %q", note)
		}
	})

	// A bar chart draws the first 50 rows and says how many there were.
	t.Run("first 50 bars", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "codes.svg")
		codes := one(t, db, "SELECT count(DISTINCT StockCode) FROM retail")
		out := chartScript(t, db, ".chart bar -o "+path+" SELECT StockCode, sum(Quantity) AS units FROM retail GROUP BY StockCode ORDER BY units DESC\n")
		note := "the first 50 of " + thousandsText(t, codes) + " rows"
		if out != path+": "+note+"\n" {
			t.Errorf("printed %q, want the path and %q", out, note)
		}
		if svg := readSVG(t, path); !strings.Contains(svg, note) {
			t.Errorf("the chart does not say %q", note)
		}
	})

	t.Run("no number column", func(t *testing.T) {
		t.Parallel()
		_, errs, err := runScript(t, Config{DBPath: db, ReadOnly: true}, ".chart bar SELECT Description, Country FROM retail\n")
		want := "Error: .chart: bar needs a column of numbers, and the result has none (judged by its first 100 rows): 1 Description (text), 2 Country (text); make numbers in the query, e.g. CAST(Description AS REAL), or name the columns to chart\n"
		if err == nil || errs != want {
			t.Errorf("err %v, stderr\n%s\nwant\n%s", err, errs, want)
		}
	})
}

// thousandsText writes a count printed by the shell with thousands
// separators.
func thousandsText(t *testing.T, n string) string {
	t.Helper()
	var v int64
	for _, c := range n {
		if c < '0' || c > '9' {
			t.Fatalf("not a count: %q", n)
		}
		v = v*10 + int64(c-'0')
	}
	return chart.Thousands(v)
}

// TestChartRefusesWrite checks that .chart does not run a statement that
// changes the database, neither the last one nor one given.
func TestChartRefusesWrite(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "sales.svg")
	out, errs, err := runScript(t, Config{}, "CREATE TABLE sales(country TEXT, amount REAL);\n"+
		"INSERT INTO sales VALUES ('UK', 1.5), ('FR', 2.5) RETURNING country, amount;\n"+
		".chart bar -o "+path+"\n"+
		".chart bar -o "+path+" WITH n(x) AS (VALUES (1)) INSERT INTO sales SELECT 'DE', x FROM n RETURNING *\n"+
		"SELECT count(*) FROM sales;\n")
	if err == nil {
		t.Error("no error")
	}
	if want := "UK|1.5\nFR|2.5\n2\n"; out != want {
		t.Errorf("stdout %q, want %q: the INSERT ran again", out, want)
	}
	for _, want := range []string{
		"Error: .chart: the last query changes the database (INSERT INTO sales VALUES ('UK', 1.5), ('FR', 2.5) RETURNING…), so .chart does not run it again; give the query to chart: .chart bar SELECT ...\n",
		"Error: .chart: the query would change the database (WITH n(x) AS (VALUES (1)) INSERT INTO sales SELECT 'DE', x …); .chart only reads: give a SELECT\n",
	} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr\n%s\nlacks\n%s", errs, want)
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a chart was written")
	}
}

// TestChartErrors checks .chart's errors: each names what is wrong and
// says what to do.
func TestChartErrors(t *testing.T) {
	t.Parallel()
	setup := "CREATE TABLE t(name TEXT, amount REAL, n INTEGER);\n" +
		"INSERT INTO t VALUES ('a', 1.5, 1), ('b', NULL, 2), ('c', 'x', 3);\n"
	for _, tc := range []struct{ script, want string }{
		{".chart", "Usage: .chart KIND [COLUMN...] [-o FILE] [SQL]"},
		{".chart pie SELECT * FROM t", `Error: .chart: unknown kind "pie"; the kinds are bar, line, scatter, hist`},
		{".chart bar", "Error: .chart: no query has returned rows yet in this session; give one: .chart bar SELECT ..."},
		{".chart bar nosuch SELECT * FROM t", `Error: .chart: no column "nosuch" in the result; its columns are 1 name, 2 amount, 3 n`},
		{".chart bar 4 SELECT * FROM t", "Error: .chart: column 4 is out of range: the result has 3 columns: 1 name, 2 amount, 3 n"},
		{".chart bar 0 SELECT * FROM t", "Error: .chart: column 0: positions count from 1"},
		{".chart bar name amount n SELECT * FROM t", "Error: .chart: bar takes the columns [LABEL] VALUE, not 3 (name, amount, n)"},
		{".chart hist name amount SELECT * FROM t", "Error: .chart: hist takes the columns VALUE, not 2 (name, amount)"},
		{".chart bar name SELECT * FROM t", `Error: .chart: column "name" has no number in any of the 3 rows (NULL, text or blob); chart another column, or make numbers in the query, e.g. CAST(name AS REAL)`},
		{".chart scatter SELECT name, n FROM t", "Error: .chart: scatter needs two columns of numbers, and the result has only 1 (judged by its first 100 rows): 1 name (text), 2 n (integer); make numbers in the query, e.g. CAST(name AS REAL), or name the columns to chart"},
		{".chart bar -o chart.jpg SELECT * FROM t", `Error: .chart: -o "chart.jpg": the file name must end in .png or .svg`},
		{".chart bar -o", "Error: .chart: -o needs a value"},
		{".chart bar --bins 10 SELECT * FROM t", "Error: .chart: --bins is for hist, not bar"},
		{".chart hist --bins 0 SELECT * FROM t", `Error: .chart: --bins "0": give a number of bins from 1 to 1000`},
		{".chart bar --title x SELECT * FROM t", `Error: .chart: unknown option "--title"; the options are -o FILE and --bins N (quote a column name that starts with -)`},
		{".chart bar SELECT * FROM t; SELECT 1", "Error: .chart: give one statement, not more: SELECT 1"},
		{".chart bar SELECT * FROM nosuch", "Error: .chart: no such table: nosuch"},
		{".chart bar SELECT * FROM t WHERE 0", "Error: .chart: the query returned no rows: nothing to chart (SELECT * FROM t WHERE 0)"},
	} {
		_, errs, err := runScript(t, Config{}, setup+tc.script+"\n")
		if err == nil || errs != tc.want+"\n" {
			t.Errorf("%s: err %v, stderr\n%s\nwant\n%s", tc.script, err, errs, tc.want)
		}
	}
}

// TestChartDefaultName checks that without -o the chart goes to the first
// chart-N.png not taken in the current directory.
func TestChartDefaultName(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "chart-1.png"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	out, errs, err := runScript(t, Config{}, ".chart bar SELECT 'a', 1 UNION ALL SELECT 'b', 2\n.chart bar\n")
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	if want := filepath.Join(".", "chart-2.png") + "\n" + filepath.Join(".", "chart-3.png") + "\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	if b, _ := os.ReadFile("chart-1.png"); string(b) != "mine" {
		t.Error("chart-1.png was overwritten")
	}
	checkPNG(t, "chart-2.png")
	checkPNG(t, "chart-3.png")
}

// TestChartTenMillionRows charts 10,000,000 rows, streamed: a histogram
// of a sample of 100,000 that says so. (Measured once with the marketsql
// command on 2 cores: 3.0 s and 38 MB of peak RSS.)
func TestChartTenMillionRows(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "hist.svg")
	out, errs, err := runScript(t, Config{}, ".chart hist -o "+path+
		" WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 10000000) SELECT x % 1000 AS v FROM c\n")
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	note := "a sample of 100,000 of 10,000,000 rows"
	if want := path + ": " + note + "\n"; out != want {
		t.Errorf("printed %q, want %q", out, want)
	}
	if svg := readSVG(t, path); !strings.Contains(svg, note) {
		t.Errorf("the histogram does not say %q", note)
	}
}

// TestChartInterrupt checks that an interrupt stops a chart's query, as
// it stops any statement, and the script with it.
func TestChartInterrupt(t *testing.T) {
	t.Parallel()
	intr := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		// An interrupt that comes before the query steps is lost
		// (SQLite clears it then), so keep sending until Run returns.
		for {
			select {
			case intr <- struct{}{}:
			case <-done:
				return
			}
			select {
			case <-time.After(50 * time.Millisecond):
			case <-done:
				return
			}
		}
	}()
	path := filepath.Join(t.TempDir(), "never.svg")
	in := ".chart hist -o " + path + " WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c\nSELECT 'not reached';\n"
	out, errs, err := runScript(t, Config{Interrupt: intr}, in)
	close(done)
	if err == nil || errs != "Error: .chart: interrupted\n" || out != "" {
		t.Errorf("err %v, stdout %q, stderr %q", err, out, errs)
	}
	if _, err := os.Stat(path); err == nil {
		t.Error("a chart was written")
	}
}

func TestImageProtocol(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		env  map[string]string
		want imageProtocol
	}{
		{map[string]string{"TERM": "xterm-256color"}, noImages},
		{map[string]string{"TERM": "xterm-kitty"}, kittyImages},
		{map[string]string{"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, kittyImages},
		{map[string]string{"TERM": "xterm-256color", "TERM_PROGRAM": "iTerm.app"}, itermImages},
		{map[string]string{"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}, itermImages},
		{map[string]string{"TERM": "xterm-256color", "TERM_PROGRAM": "Apple_Terminal"}, noImages},
		{map[string]string{"TERM": "tmux-256color", "KITTY_WINDOW_ID": "1"}, noImages},
		{map[string]string{"TERM": "xterm-kitty", "TMUX": "/tmp/tmux-0/default,1,0"}, noImages},
		{map[string]string{"TERM": "screen", "TERM_PROGRAM": "iTerm.app"}, noImages},
		{map[string]string{}, noImages},
	} {
		if got := imageProtocolOf(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.env, got, tc.want)
		}
	}
}

func TestWriteInlineImage(t *testing.T) {
	t.Parallel()
	img := bytes.Repeat([]byte{0x89, 'P', 'N', 'G'}, 2000) // 8,000 bytes: 10,668 of base64
	var b bytes.Buffer
	writeInlineImage(&b, kittyImages, img)
	want := "\x1b_Ga=T,f=100,q=2,m=1;" // then chunks of 4096, the last with m=0
	if got := b.String(); !strings.HasPrefix(got, want) || strings.Count(got, "\x1b_G") != 3 ||
		strings.Count(got, "\x1b_Gm=1;") != 1 || strings.Count(got, "\x1b_Gm=0;") != 1 || !strings.HasSuffix(got, "\x1b\\\n") {
		t.Errorf("kitty: %q...", got[:min(len(got), 60)])
	}
	b.Reset()
	writeInlineImage(&b, itermImages, img)
	if got := b.String(); !strings.HasPrefix(got, "\x1b]1337;File=inline=1;size=8000;preserveAspectRatio=1:iVBO") || !strings.HasSuffix(got, "\a\n") {
		t.Errorf("iTerm2: %q...", got[:min(len(got), 60)])
	}
	b.Reset()
	writeInlineImage(&b, noImages, img)
	if b.Len() != 0 {
		t.Errorf("no protocol wrote %d bytes", b.Len())
	}
}

// TestChartInline checks that the chart is drawn in the terminal when
// stdout is a kitty terminal, and not when output goes to a file or the
// terminal takes no images.
func TestChartInline(t *testing.T) {
	for _, k := range []string{"TMUX", "STY", "KITTY_WINDOW_ID", "TERM_PROGRAM"} {
		t.Setenv(k, "")
	}
	t.Setenv("TERM", "xterm-kitty")
	dir := t.TempDir()
	path := filepath.Join(dir, "a.svg")
	run := func(cfg Config, script string) string {
		t.Helper()
		var out bytes.Buffer
		if err := Run(context.Background(), cfg, strings.NewReader(script), &out, &out); err != nil {
			t.Fatalf("%v: %s", err, out.String())
		}
		return out.String()
	}
	chart := ".chart bar -o " + path + " SELECT 'a', 1\n"
	if got := run(Config{Width: 80}, chart); !strings.HasPrefix(got, path+"\n\x1b_Ga=T,f=100,q=2,m=") {
		t.Errorf("on a kitty terminal: %q...", got[:min(len(got), 80)])
	}
	if got := run(Config{}, chart); got != path+"\n" {
		t.Errorf("not on a terminal: %q", got)
	}
	once := filepath.Join(dir, "out.txt")
	if got := run(Config{Width: 80}, ".once "+once+"\n"+chart); got != "" {
		t.Errorf("with .once: %q on the terminal", got)
	}
	if b, _ := os.ReadFile(once); string(b) != path+"\n" {
		t.Errorf(".once file holds %q", b)
	}
	t.Setenv("TERM", "xterm-256color")
	if got := run(Config{Width: 80}, chart); got != path+"\n" {
		t.Errorf("on a terminal without images: %q", got)
	}
}

// TestChartHelp checks that ".help chart" explains the command beyond its
// usage line, and ".help" lists it in one line.
func TestChartHelp(t *testing.T) {
	t.Parallel()
	out, errs, err := runScript(t, Config{}, ".help chart\n.help ch\n")
	if err != nil {
		t.Fatalf("%v: %s", err, errs)
	}
	usage, rest, _ := strings.Cut(out, "\n")
	if !strings.HasPrefix(usage, ".chart KIND [COLUMN...] [-o FILE] [SQL]") || !strings.HasPrefix(rest, chartHelp) {
		t.Errorf(".help chart printed\n%s", out)
	}
	if short := strings.TrimPrefix(rest, chartHelp); strings.Count(short, "\n") != 2 || strings.Contains(short, "KIND is") {
		t.Errorf(".help ch should list .changes and .chart in a line each, got\n%s", short)
	}
}
