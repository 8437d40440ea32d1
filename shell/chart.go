package shell

// This file is .chart: a query's result drawn by report/chart as a bar,
// line, scatter or histogram chart, written to a PNG or SVG file and, on a
// terminal that shows images, drawn inline too.
//
// The rows are streamed, never held: a bar chart keeps its first maxBars
// rows, the other kinds a seeded reservoir sample of maxPoints, and the
// chart's note says what was left out.

/*
#include <stdlib.h>

typedef struct sqlite3_stmt sqlite3_stmt;
typedef long long sqlite3_int64;

extern int sqlite3_stmt_readonly(sqlite3_stmt*);
extern const char *sqlite3_sql(sqlite3_stmt*);
extern int sqlite3_column_type(sqlite3_stmt*, int);
extern double sqlite3_column_double(sqlite3_stmt*, int);
extern sqlite3_int64 sqlite3_column_int64(sqlite3_stmt*, int);
extern const unsigned char *sqlite3_column_text(sqlite3_stmt*, int);
extern int sqlite3_column_bytes(sqlite3_stmt*, int);

// chart_cell is one value as .chart reads it: the storage class, the
// number of an INTEGER or REAL, the text of a TEXT. Unlike shell_row it
// never formats a number as text, which would cost more than the chart.
typedef struct {
	int typ;
	int n;
	const unsigned char *p;
	double f;
	sqlite3_int64 i;
} chart_cell;

// chart_row reads the columns idx[0..n-1] of the current row into out,
// which is indexed by column.
static void chart_row(sqlite3_stmt *s, int n, const int *idx, chart_cell *out) {
	for (int k = 0; k < n; k++) {
		int c = idx[k];
		chart_cell *o = &out[c];
		int t = sqlite3_column_type(s, c);
		o->typ = t;
		o->n = 0;
		o->p = 0;
		o->f = 0;
		o->i = 0;
		switch (t) {
		case 1:                  // SQLITE_INTEGER
			o->i = sqlite3_column_int64(s, c);
			o->f = (double)o->i;
			break;
		case 2:                  // SQLITE_FLOAT
			o->f = sqlite3_column_double(s, c);
			break;
		case 3:                  // SQLITE_TEXT
			o->p = sqlite3_column_text(s, c);
			o->n = sqlite3_column_bytes(s, c);
			break;
		}
	}
}
*/
import "C"

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/seed-a084b42d/marketsql/report/chart"
)

// Limits of what a chart holds, whatever the number of rows.
const (
	maxBars   = 50      // a bar chart draws the first maxBars rows
	maxPoints = 100_000 // scatter and hist draw a sample of maxPoints rows
	// A line chart draws a sample of maxLinePoints rows: more are not seen
	// on a chart 900 pixels wide, and a jagged line through 20,000 points
	// takes gonum's rasterizer 17 s to draw as PNG (2,000: 1.7 s).
	maxLinePoints = 2_000
	maxSeries     = 12 // a line chart draws at most maxSeries lines
	maxGroups     = 12 // a scatter's groups beyond maxGroups-1 are drawn as "other"
	maxBins       = 1000
	typingRows    = 100 // the rows that decide which columns hold numbers
	rowNumber     = -1  // a role taken by the row number instead of a column
	maxLabelRune  = 40
)

// chartKinds are the kinds .chart draws, with the columns each takes.
var chartKinds = []struct{ name, cols string }{
	{"bar", "[LABEL] VALUE"},
	{"line", "[X] Y..."},
	{"scatter", "X Y [GROUP]"},
	{"hist", "VALUE"},
}

// chartHelp is what ".help chart" prints below the usage line.
const chartHelp = `  KIND is bar, line, scatter or hist. SQL is one read-only statement starting
  with SELECT, WITH or VALUES, up to the end of the line; without it .chart
  runs again the last statement that returned rows, if that statement only
  reads (give the query otherwise).
  COLUMN is a column of the result by position (1 is the first) or by name
  (any case; quote a name with spaces, or named select, with or values):
  bar [LABEL] VALUE, line [X] Y..., scatter X Y [GROUP], hist VALUE; a
  missing LABEL or X is the row number.
  Without COLUMN: bar draws the first number column by the first text column
  (or the row number); line the number columns after the first against the
  first (a single one against the row number); scatter the first two number
  columns, coloured by the column after them if it holds text or integers;
  hist the first number column. Which columns hold numbers (INTEGER or REAL)
  is decided by the first 100 rows; CAST text to make it a number.
  -o FILE writes FILE (.png or .svg), replacing it; without -o the chart goes
  to chart-N.png in the current directory, N the first number not taken.
  --bins N sets hist's number of bins (default: Sturges' rule, at most 50).
  Rows whose value is NULL or not a number are left out and counted on the
  chart. bar draws the first 50 rows; scatter and hist a sample of 100,000
  rows, line of 2,000 (seeded: the same rows give the same chart); the chart
  says so. At most 12 lines; a scatter's groups after the 11 largest are
  drawn as "other".
  The file's path is printed; in kitty, iTerm2 or WezTerm (not inside tmux
  or screen) the chart is shown in the terminal too. Ctrl-C stops it.
`

// colRef is a column as the user named it: a 1-based position, or a name.
type colRef struct {
	name string
	pos  int // 0 when named
}

// chartArgs are .chart's parsed arguments.
type chartArgs struct {
	kind string
	cols []colRef
	out  string // "" for chart-N.png
	bins int
	sql  string // "" for the last query
}

// startsSQL reports whether an unquoted word begins the SQL to chart.
func startsSQL(w string) bool {
	switch strings.ToLower(w) {
	case "select", "with", "values":
		return true
	}
	return false
}

func kindNames() string {
	names := make([]string, len(chartKinds))
	for i, k := range chartKinds {
		names[i] = k.name
	}
	return strings.Join(names, ", ")
}

// parseChartArgs parses "KIND [COLUMN ...] [-o FILE] [--bins N] [SQL]".
func parseChartArgs(line string) (chartArgs, error) {
	words := dotWords(line)
	if len(words) == 0 {
		return chartArgs{}, errUsage
	}
	var a chartArgs
	a.kind = strings.ToLower(words[0].text)
	known := false
	for _, k := range chartKinds {
		known = known || k.name == a.kind
	}
	if !known {
		return a, fmt.Errorf(".chart: unknown kind %q; the kinds are %s", words[0].text, kindNames())
	}
	for i := 1; i < len(words); i++ {
		w := words[i]
		switch {
		case !w.quoted && startsSQL(w.text):
			a.sql = line[w.off:]
			i = len(words)
		case !w.quoted && len(w.text) > 1 && w.text[0] == '-':
			name, val, hasVal := strings.Cut(w.text, "=")
			if !hasVal {
				if i+1 >= len(words) {
					return a, fmt.Errorf(".chart: %s needs a value", name)
				}
				i++
				val = words[i].text
			}
			switch name {
			case "-o", "--output", "-output":
				a.out = val
			case "--bins", "-bins":
				n, err := strconv.Atoi(val)
				if err != nil || n < 1 || n > maxBins {
					return a, fmt.Errorf(".chart: --bins %q: give a number of bins from 1 to %d", val, maxBins)
				}
				a.bins = n
			default:
				return a, fmt.Errorf(".chart: unknown option %q; the options are -o FILE and --bins N (quote a column name that starts with -)", w.text)
			}
		case !w.quoted && isDigits(w.text):
			n, err := strconv.Atoi(w.text)
			if err != nil || n < 1 {
				return a, fmt.Errorf(".chart: column %s: positions count from 1", w.text)
			}
			a.cols = append(a.cols, colRef{pos: n})
		default:
			a.cols = append(a.cols, colRef{name: w.text})
		}
	}
	if a.bins > 0 && a.kind != "hist" {
		return a, fmt.Errorf(".chart: --bins is for hist, not %s", a.kind)
	}
	if a.out != "" {
		switch strings.ToLower(filepath.Ext(a.out)) {
		case ".png", ".svg":
		default:
			return a, fmt.Errorf(".chart: -o %q: the file name must end in .png or .svg", a.out)
		}
	}
	return a, nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// dotChart is .chart: it draws the result of the given query, or of the
// last one again, and writes the chart to a file.
func (s *Shell) dotChart(line string) error {
	a, err := parseChartArgs(line)
	if err != nil {
		return err
	}
	var fig *chart.Figure
	var note string
	err = s.withDB(func(db dbHandle) error {
		fig, note, err = s.drawChart(db, a)
		return err
	})
	if err != nil {
		return err
	}
	path := a.out
	if path == "" {
		if path, err = freeChartName("."); err != nil {
			return err
		}
	}
	var png []byte
	if strings.EqualFold(filepath.Ext(path), ".png") {
		if png, err = fig.PNG(); err == nil {
			err = chart.WriteFileAtomic(path, png)
		}
	} else {
		err = fig.WriteFile(path)
	}
	if err != nil {
		return chartErr(err)
	}
	s.out.WriteString(path)
	if note != "" {
		s.out.WriteString(": " + note)
	}
	s.out.WriteByte('\n')
	if p := imageProtocolOf(os.Getenv); p != noImages && s.cfg.Width > 0 && s.outFile == nil {
		if png == nil {
			if png, err = fig.PNG(); err != nil {
				return chartErr(err)
			}
		}
		writeInlineImage(s.out, p, png)
	}
	return nil
}

// freeChartName returns dir's first chart-N.png that does not exist.
func freeChartName(dir string) (string, error) {
	for n := 1; n < 100000; n++ {
		p := filepath.Join(dir, fmt.Sprintf("chart-%d.png", n))
		if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
			return p, nil
		}
	}
	return "", errors.New(".chart: every name from chart-1.png to chart-99999.png is taken; name the file with -o FILE")
}

// drawChart runs the query of a on db and draws its rows. It returns the
// figure and its note.
func (s *Shell) drawChart(db dbHandle, a chartArgs) (*chart.Figure, string, error) {
	text, fromLast := a.sql, a.sql == ""
	if fromLast {
		text = s.lastQuery
		if text == "" {
			return nil, "", fmt.Errorf(".chart: no query has returned rows yet in this session; give one: .chart %s SELECT ...", a.kind)
		}
	}
	st, err := prepareOne(db, text)
	if err != nil {
		return nil, "", err
	}
	defer st.finalize()
	if !st.readonly() {
		if fromLast {
			return nil, "", fmt.Errorf(".chart: the last query changes the database (%s), so .chart does not run it again; give the query to chart: .chart %s SELECT ...", abbreviate(text, 60), a.kind)
		}
		return nil, "", fmt.Errorf(".chart: the query would change the database (%s); .chart only reads: give a SELECT", abbreviate(text, 60))
	}
	if !fromLast {
		s.lastQuery = st.sql()
	}
	ncol := st.columnCount()
	if ncol == 0 {
		return nil, "", fmt.Errorf(".chart: the statement returns no columns (%s); give a query", abbreviate(text, 60))
	}
	names := make([]string, ncol)
	for i := range names {
		names[i] = st.columnName(i)
	}
	given, err := resolveColumns(a.cols, names)
	if err != nil {
		return nil, "", err
	}

	r := newCellReader(st, ncol)
	defer r.free()
	// The first rows decide which columns hold numbers; they are kept and
	// charted with the rest.
	types := make([]colType, ncol)
	var first [][]cell
	rc := st.step()
	for rc == sqliteRow && len(first) < typingRows {
		row := r.read()
		kept := make([]cell, ncol)
		for i, c := range row {
			types[i].count(c)
			c.text = strings.Clone(c.text)
			kept[i] = c
		}
		first = append(first, kept)
		rc = st.step()
	}
	if rc != sqliteRow && rc != sqliteDone {
		return nil, "", fmt.Errorf(".chart: %s", db.errmsg())
	}
	if len(first) == 0 {
		return nil, "", fmt.Errorf(".chart: the query returned no rows: nothing to chart (%s)", abbreviate(text, 60))
	}
	roles, extra, err := assignRoles(a.kind, given, names, types)
	if err != nil {
		return nil, "", err
	}
	sink := newChartSink(a, roles, names, extra)
	var n int64
	for _, row := range first {
		n++
		sink.add(row, n)
	}
	var want []int
	for _, c := range roles {
		if c != rowNumber {
			want = append(want, c)
		}
	}
	r.want(want)
	for rc == sqliteRow {
		n++
		sink.add(r.read(), n)
		rc = st.step()
	}
	if rc != sqliteDone {
		return nil, "", fmt.Errorf(".chart: %s", db.errmsg())
	}
	return sink.figure()
}

// prepareOne prepares text, which must be a single statement.
func prepareOne(db dbHandle, text string) (*stmt, error) {
	c := newCSQL(text)
	defer c.free()
	st, next, err := db.prepare(c, skipSpace(text, 0))
	if err != nil {
		return nil, fmt.Errorf(".chart: %v", err)
	}
	if st == nil {
		return nil, errors.New(".chart: the query is empty")
	}
	if next = skipSpace(text, next); next < len(text) {
		more, _, err := db.prepare(c, next)
		if more != nil {
			more.finalize()
		}
		if more != nil || err != nil {
			st.finalize()
			return nil, fmt.Errorf(".chart: give one statement, not more: %s", abbreviate(text[next:], 40))
		}
	}
	return st, nil
}

// abbreviate shows s on one line, cut to about n characters.
func abbreviate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// resolveColumns finds the columns the user named, by position or name.
func resolveColumns(refs []colRef, names []string) ([]int, error) {
	var cols []int
	for _, r := range refs {
		if r.pos > 0 {
			if r.pos > len(names) {
				return nil, fmt.Errorf(".chart: column %d is out of range: the result has %s: %s", r.pos, columns(len(names)), listColumns(names, nil))
			}
			cols = append(cols, r.pos-1)
			continue
		}
		found := -1
		for i, n := range names {
			if strings.EqualFold(n, r.name) {
				found = i
				break
			}
		}
		if found < 0 {
			return nil, fmt.Errorf(".chart: no column %q in the result; its columns are %s", r.name, listColumns(names, nil))
		}
		cols = append(cols, found)
	}
	return cols, nil
}

// columns is "1 column" or "N columns".
func columns(n int) string {
	if n == 1 {
		return "1 column"
	}
	return strconv.Itoa(n) + " columns"
}

// listColumns lists columns as "1 name (type), 2 ...", types when known.
func listColumns(names []string, types []colType) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = strconv.Itoa(i+1) + " " + n
		if types != nil {
			parts[i] += " (" + types[i].name() + ")"
		}
	}
	return strings.Join(parts, ", ")
}

// colType counts the storage classes of a column's first rows.
type colType struct{ integers, reals, texts, blobs int }

func (t *colType) count(c cell) {
	switch c.typ {
	case typeInteger:
		t.integers++
	case typeFloat:
		t.reals++
	case typeText:
		t.texts++
	case typeBlob:
		t.blobs++
	}
}

// numeric reports whether most non-NULL values are numbers.
func (t colType) numeric() bool {
	n := t.integers + t.reals
	return n > 0 && n >= t.texts+t.blobs
}

// text reports whether most non-NULL values are text.
func (t colType) text() bool { return !t.numeric() && t.texts > 0 && t.texts >= t.blobs }

func (t colType) name() string {
	switch {
	case t.numeric() && t.reals == 0:
		return "integer"
	case t.numeric():
		return "real"
	case t.text():
		return "text"
	case t.blobs > 0:
		return "blob"
	}
	return "null"
}

// assignRoles gives each role of the kind a column (or the row number):
// the columns given, in order, or the defaults. extra is a note on columns
// left out.
func assignRoles(kind string, given []int, names []string, types []colType) (roles []int, extra string, err error) {
	var numeric []int
	for i, t := range types {
		if t.numeric() {
			numeric = append(numeric, i)
		}
	}
	usage := ""
	for _, k := range chartKinds {
		if k.name == kind {
			usage = k.cols
		}
	}
	tooMany := func() error {
		parts := make([]string, len(given))
		for i, c := range given {
			parts[i] = names[c]
		}
		return fmt.Errorf(".chart: %s takes the columns %s, not %d (%s)", kind, usage, len(given), strings.Join(parts, ", "))
	}
	noNumbers := func(need string) error {
		example := "CAST(" + quoteIfNeeded(names[0]) + " AS REAL)"
		has := "none"
		if len(numeric) > 0 {
			has = "only " + strconv.Itoa(len(numeric))
		}
		return fmt.Errorf(".chart: %s needs %s, and the result has %s (judged by its first %d rows): %s; make numbers in the query, e.g. %s, or name the columns to chart",
			kind, need, has, typingRows, listColumns(names, types), example)
	}
	firstText := func(not int) int {
		for i, t := range types {
			if i != not && t.text() {
				return i
			}
		}
		return rowNumber
	}
	switch kind {
	case "bar":
		switch len(given) {
		case 0:
			if len(numeric) == 0 {
				return nil, "", noNumbers("a column of numbers")
			}
			return []int{firstText(numeric[0]), numeric[0]}, "", nil
		case 1:
			return []int{firstText(given[0]), given[0]}, "", nil
		case 2:
			return given, "", nil
		}
	case "line":
		switch {
		case len(given) == 0:
			switch len(numeric) {
			case 0:
				return nil, "", noNumbers("a column of numbers")
			case 1:
				return []int{rowNumber, numeric[0]}, "", nil
			}
			roles = numeric
			if len(roles) > 1+maxSeries {
				extra = fmt.Sprintf("the first %d of %d number columns drawn", maxSeries, len(numeric)-1)
				roles = roles[:1+maxSeries]
			}
			return roles, extra, nil
		case len(given) == 1:
			return []int{rowNumber, given[0]}, "", nil
		case len(given) <= 1+maxSeries:
			return given, "", nil
		}
		return nil, "", fmt.Errorf(".chart: line draws at most %d lines, not %d; chart fewer columns", maxSeries, len(given)-1)
	case "scatter":
		switch len(given) {
		case 0:
			if len(numeric) < 2 {
				return nil, "", noNumbers("two columns of numbers")
			}
			roles = []int{numeric[0], numeric[1]}
			if g := numeric[1] + 1; g < len(names) && (types[g].text() || types[g].numeric() && types[g].reals == 0) {
				roles = append(roles, g)
			}
			return roles, "", nil
		case 2, 3:
			return given, "", nil
		}
	case "hist":
		switch len(given) {
		case 0:
			if len(numeric) == 0 {
				return nil, "", noNumbers("a column of numbers")
			}
			return []int{numeric[0]}, "", nil
		case 1:
			return given, "", nil
		}
	}
	return nil, "", tooMany()
}

// cell is one value of a row. Its text, when read with cellReader.read,
// points into SQLite's memory and is valid until the next step.
type cell struct {
	typ  int
	f    float64
	i    int64
	text string
}

// number returns the value of an INTEGER or REAL cell that is finite.
func number(c cell) (float64, bool) {
	if c.typ != typeInteger && c.typ != typeFloat || math.IsInf(c.f, 0) || math.IsNaN(c.f) {
		return 0, false
	}
	return c.f, true
}

// label is a cell shown as text (a bar's label, a scatter group): numbers
// as the shell prints them, long text cut.
func label(c cell) string {
	switch c.typ {
	case typeNull:
		return "NULL"
	case typeInteger:
		return strconv.FormatInt(c.i, 10)
	case typeFloat:
		return formatReal(c.f, 15)
	case typeBlob:
		return "(blob)"
	}
	s := strings.ToValidUTF8(c.text, "?")
	if utf8.RuneCountInString(s) > maxLabelRune {
		s = string([]rune(s)[:maxLabelRune-1]) + "…"
	}
	return strings.Clone(s)
}

// cellReader reads chosen columns of a statement's rows without copying.
type cellReader struct {
	st    *stmt
	idx   *C.int
	nidx  int
	cells *C.chart_cell
	row   []cell
}

func newCellReader(st *stmt, ncol int) *cellReader {
	r := &cellReader{st: st, row: make([]cell, ncol)}
	r.cells = (*C.chart_cell)(C.calloc(C.size_t(ncol), C.size_t(unsafe.Sizeof(C.chart_cell{}))))
	r.idx = (*C.int)(C.calloc(C.size_t(ncol), C.size_t(unsafe.Sizeof(C.int(0)))))
	if r.cells == nil || r.idx == nil {
		panic("shell: out of memory")
	}
	all := make([]int, ncol)
	for i := range all {
		all[i] = i
	}
	r.want(all)
	return r
}

// want makes read fill only cols; the other cells read as NULL.
func (r *cellReader) want(cols []int) {
	idx := unsafe.Slice(r.idx, len(r.row))
	cells := unsafe.Slice(r.cells, len(r.row))
	for i := range cells {
		cells[i] = C.chart_cell{typ: typeNull}
	}
	r.nidx = 0
	seen := make(map[int]bool)
	for _, c := range cols {
		if !seen[c] {
			seen[c] = true
			idx[r.nidx] = C.int(c)
			r.nidx++
		}
	}
}

// read reads the current row.
func (r *cellReader) read() []cell {
	C.chart_row(r.st.p, C.int(r.nidx), r.idx, r.cells)
	cells := unsafe.Slice(r.cells, len(r.row))
	for _, c := range unsafe.Slice(r.idx, r.nidx) {
		cc := &cells[c]
		v := cell{typ: int(cc.typ), f: float64(cc.f), i: int64(cc.i)}
		if cc.p != nil && cc.n > 0 {
			v.text = unsafe.String((*byte)(unsafe.Pointer(cc.p)), int(cc.n))
		}
		r.row[c] = v
	}
	return r.row
}

func (r *cellReader) free() {
	C.free(unsafe.Pointer(r.cells))
	C.free(unsafe.Pointer(r.idx))
	r.cells, r.idx = nil, nil
}

// readonly reports whether the statement leaves the database unchanged,
// as SQLite's sqlite3_stmt_readonly decides.
func (s *stmt) readonly() bool { return C.sqlite3_stmt_readonly(s.p) != 0 }

// sql is the text of the statement.
func (s *stmt) sql() string { return C.GoString(C.sqlite3_sql(s.p)) }

// chartSink takes a result's rows one at a time (n is the row's number,
// from 1) and draws them.
type chartSink interface {
	add(row []cell, n int64)
	figure() (*chart.Figure, string, error)
}

// extra is a note on columns left out (line's series beyond maxSeries).
func newChartSink(a chartArgs, roles []int, names []string, extra string) chartSink {
	name := func(c int) string {
		if c == rowNumber {
			return "row"
		}
		return names[c]
	}
	switch a.kind {
	case "bar":
		return &barSink{label: roles[0], value: roles[1], names: [2]string{name(roles[0]), name(roles[1])}}
	case "line":
		l := &lineSink{x: roles[0], ys: roles[1:], xName: name(roles[0]), extra: extra, res: chart.NewReservoir[lineRow](maxLinePoints)}
		for _, c := range l.ys {
			l.yNames = append(l.yNames, name(c))
		}
		return l
	case "scatter":
		sc := &scatterSink{x: roles[0], y: roles[1], group: rowNumber, xName: name(roles[0]), yName: name(roles[1]),
			res: chart.NewReservoir[scatterPoint](maxPoints), groups: map[groupKey]int32{}}
		if len(roles) == 3 {
			sc.group, sc.groupName = roles[2], name(roles[2])
		}
		return sc
	default:
		return &histSink{value: roles[0], name: name(roles[0]), bins: a.bins, res: chart.NewReservoir[float64](maxPoints)}
	}
}

// thousands writes n with a comma every three digits.

func joinNotes(notes ...string) string {
	var kept []string
	for _, n := range notes {
		if n != "" {
			kept = append(kept, n)
		}
	}
	return strings.Join(kept, "; ")
}

func sampleNote(kept int, seen int64) string { return chart.SampleNote(kept, seen, "rows") }

func leftOutNote(n int64, what string) string {
	switch n {
	case 0:
		return ""
	case 1:
		return "1 " + what + " left out (NULL or not a number)"
	}
	return chart.Thousands(n) + " " + what + "s left out (NULL or not a number)"
}

// noNumbersError is the error for a role that got no number in any row.
func noNumbersError(col string, rows int64) error {
	return fmt.Errorf(".chart: column %q has no number in any of the %s rows (NULL, text or blob); chart another column, or make numbers in the query, e.g. CAST(%s AS REAL)",
		col, chart.Thousands(rows), quoteIfNeeded(col))
}

type barSink struct {
	label, value  int
	names         [2]string // of the label and value
	labels        []string
	values        []float64
	rows, skipped int64
}

func (b *barSink) add(row []cell, n int64) {
	v, ok := number(row[b.value])
	if !ok {
		b.skipped++
		return
	}
	b.rows++
	if len(b.values) == maxBars {
		return
	}
	l := strconv.FormatInt(n, 10)
	if b.label != rowNumber {
		l = label(row[b.label])
	}
	b.labels = append(b.labels, l)
	b.values = append(b.values, v)
}

func (b *barSink) figure() (*chart.Figure, string, error) {
	if b.rows == 0 {
		return nil, "", noNumbersError(b.names[1], b.skipped)
	}
	var first string
	if b.rows > maxBars {
		first = fmt.Sprintf("the first %d of %s rows", maxBars, chart.Thousands(b.rows))
	}
	note := joinNotes(first, leftOutNote(b.skipped, "row"))
	title := b.names[1] + " by " + b.names[0]
	if b.label == rowNumber {
		title = b.names[1]
	}
	fig, err := chart.Bar(chart.Labels{Title: title, X: b.names[0], Y: b.names[1], Note: note}, b.labels, b.values)
	return fig, note, chartErr(err)
}

// lineRow is a row of a line chart: x and each series' y (NaN: none).
type lineRow struct {
	x float64
	y [maxSeries]float64
}

type lineSink struct {
	x                  int
	ys                 []int
	xName              string
	yNames             []string
	extra              string
	res                *chart.Reservoir[lineRow]
	skipRows, skipVals int64
	rows               int64
	hasNumbers         [maxSeries]bool // per series: some row has a number
}

func (l *lineSink) add(row []cell, n int64) {
	l.rows++
	r := lineRow{x: float64(n)}
	if l.x != rowNumber {
		x, ok := number(row[l.x])
		if !ok {
			l.skipRows++
			return
		}
		r.x = x
	}
	for k, c := range l.ys {
		y, ok := number(row[c])
		if !ok {
			y = math.NaN()
			l.skipVals++
		} else {
			l.hasNumbers[k] = true
		}
		r.y[k] = y
	}
	l.res.Add(r)
}

func (l *lineSink) figure() (*chart.Figure, string, error) {
	if len(l.res.Items) == 0 {
		return nil, "", noNumbersError(l.xName, l.rows)
	}
	var series []chart.Series
	for k, name := range l.yNames {
		if !l.hasNumbers[k] {
			continue
		}
		s := chart.Series{Name: name}
		for _, r := range l.res.Items {
			if !math.IsNaN(r.y[k]) {
				s.X = append(s.X, r.x)
				s.Y = append(s.Y, r.y[k])
			}
		}
		series = append(series, s)
	}
	if len(series) == 0 {
		return nil, "", noNumbersError(l.yNames[0], l.rows)
	}
	note := joinNotes(sampleNote(len(l.res.Items), l.res.Seen), leftOutNote(l.skipRows, "row"), leftOutNote(l.skipVals, "value"), l.extra)
	y := ""
	if len(l.yNames) == 1 {
		y = l.yNames[0]
	}
	title := strings.Join(l.yNames, ", ") + " by " + l.xName
	fig, err := chart.Lines(chart.Labels{Title: title, X: l.xName, Y: y, Note: note}, series...)
	return fig, note, chartErr(err)
}

type scatterPoint struct {
	x, y float64
	g    int32
}

// groupKey is a group's value: its storage class and number or text.
type groupKey struct {
	typ  int
	i    int64
	f    float64
	text string
}

type scatterSink struct {
	x, y, group      int
	xName, yName     string
	groupName        string
	res              *chart.Reservoir[scatterPoint]
	groups           map[groupKey]int32
	groupLabels      []string
	rows, skipped    int64
	xNumber, yNumber bool
}

func (sc *scatterSink) add(row []cell, _ int64) {
	sc.rows++
	x, okx := number(row[sc.x])
	y, oky := number(row[sc.y])
	sc.xNumber = sc.xNumber || okx
	sc.yNumber = sc.yNumber || oky
	if !okx || !oky {
		sc.skipped++
		return
	}
	p := scatterPoint{x: x, y: y}
	if sc.group != rowNumber {
		c := row[sc.group]
		k := groupKey{typ: c.typ, i: c.i, f: c.f, text: c.text}
		g, ok := sc.groups[k]
		if !ok {
			g = int32(len(sc.groupLabels))
			k.text = strings.Clone(k.text)
			sc.groups[k] = g
			sc.groupLabels = append(sc.groupLabels, label(c))
		}
		p.g = g
	}
	sc.res.Add(p)
}

func (sc *scatterSink) figure() (*chart.Figure, string, error) {
	if len(sc.res.Items) == 0 {
		col := sc.xName
		if sc.xNumber {
			col = sc.yName
		}
		return nil, "", noNumbersError(col, sc.rows)
	}
	n := len(sc.res.Items)
	x, y := make([]float64, n), make([]float64, n)
	var group, order []string
	var merged string
	if sc.group != rowNumber {
		var names []string
		names, order = sc.groupOrder()
		group = make([]string, n)
		for i, p := range sc.res.Items {
			x[i], y[i], group[i] = p.x, p.y, names[p.g]
		}
		if len(sc.groupLabels) > maxGroups {
			merged = fmt.Sprintf("the %d largest of %s groups shown, the rest as other", maxGroups-1, chart.Thousands(int64(len(sc.groupLabels))))
		}
	} else {
		for i, p := range sc.res.Items {
			x[i], y[i] = p.x, p.y
		}
	}
	note := joinNotes(sampleNote(n, sc.res.Seen), leftOutNote(sc.skipped, "row"), merged)
	title := sc.yName + " against " + sc.xName
	if sc.group != rowNumber {
		title += ", by " + sc.groupName
	}
	fig, err := chart.Scatter(chart.Labels{Title: title, X: sc.xName, Y: sc.yName, Note: note}, x, y, group, order)
	return fig, note, chartErr(err)
}

// groupOrder names each group for the legend and orders them: numbers
// ascending, text in order; beyond maxGroups the smallest groups (by points
// in the sample) become "other", listed last.
func (sc *scatterSink) groupOrder() (names []string, order []string) {
	names = append([]string(nil), sc.groupLabels...)
	ids := make([]int, len(names))
	for i := range ids {
		ids[i] = i
	}
	if len(names) > maxGroups {
		size := make([]int, len(names))
		for _, p := range sc.res.Items {
			size[p.g]++
		}
		sort.SliceStable(ids, func(a, b int) bool { return size[ids[a]] > size[ids[b]] })
		for _, g := range ids[maxGroups-1:] {
			names[g] = "other"
		}
		ids = ids[:maxGroups-1]
	}
	keys := make([]groupKey, len(sc.groupLabels))
	for k, g := range sc.groups {
		keys[g] = k
	}
	sort.SliceStable(ids, func(a, b int) bool {
		ka, kb := keys[ids[a]], keys[ids[b]]
		an := ka.typ == typeInteger || ka.typ == typeFloat
		bn := kb.typ == typeInteger || kb.typ == typeFloat
		switch {
		case an && bn:
			return ka.f < kb.f
		case an != bn:
			return an
		}
		return names[ids[a]] < names[ids[b]]
	})
	for _, g := range ids {
		order = append(order, names[g])
	}
	if len(sc.groupLabels) > maxGroups {
		order = append(order, "other")
	}
	return names, order
}

type histSink struct {
	value         int
	name          string
	bins          int
	res           *chart.Reservoir[float64]
	rows, skipped int64
}

func (h *histSink) add(row []cell, _ int64) {
	h.rows++
	v, ok := number(row[h.value])
	if !ok {
		h.skipped++
		return
	}
	h.res.Add(v)
}

func (h *histSink) figure() (*chart.Figure, string, error) {
	if len(h.res.Items) == 0 {
		return nil, "", noNumbersError(h.name, h.rows)
	}
	note := joinNotes(sampleNote(len(h.res.Items), h.res.Seen), leftOutNote(h.skipped, "row"))
	y := "rows"
	if h.res.Sampled() {
		y = "rows of the sample"
	}
	fig, err := chart.Hist(chart.Labels{Title: "distribution of " + h.name, X: h.name, Y: y, Note: note}, h.res.Items, h.bins)
	return fig, note, chartErr(err)
}

func chartErr(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf(".chart: %s", strings.TrimPrefix(err.Error(), "chart: "))
}

// imageProtocol is how a terminal takes an inline image.
type imageProtocol int

const (
	noImages    imageProtocol = iota
	kittyImages               // kitty's graphics protocol (APC _G)
	itermImages               // iTerm2's OSC 1337 File=, which WezTerm takes too
)

// imageProtocolOf tells from the environment whether the terminal shows
// inline images, and how. Inside tmux or screen it says no: they pass the
// sequences on only when configured to.
func imageProtocolOf(getenv func(string) string) imageProtocol {
	term := getenv("TERM")
	if getenv("TMUX") != "" || getenv("STY") != "" || strings.HasPrefix(term, "screen") || strings.HasPrefix(term, "tmux") {
		return noImages
	}
	if term == "xterm-kitty" || getenv("KITTY_WINDOW_ID") != "" {
		return kittyImages
	}
	switch getenv("TERM_PROGRAM") {
	case "iTerm.app", "WezTerm":
		return itermImages
	}
	return noImages
}

// writeInlineImage writes png to w as an image the terminal draws at the
// cursor, then a line break.
func writeInlineImage(w io.Writer, p imageProtocol, png []byte) {
	data := base64.StdEncoding.EncodeToString(png)
	switch p {
	case kittyImages:
		// Chunks of at most 4096 bytes of base64; q=2 keeps the terminal
		// from answering on stdin, where the shell reads commands.
		const chunk = 4096
		for i := 0; i < len(data); i += chunk {
			part := data[i:min(i+chunk, len(data))]
			more := 0
			if i+chunk < len(data) {
				more = 1
			}
			if i == 0 {
				fmt.Fprintf(w, "\x1b_Ga=T,f=100,q=2,m=%d;%s\x1b\\", more, part)
			} else {
				fmt.Fprintf(w, "\x1b_Gm=%d;%s\x1b\\", more, part)
			}
		}
	case itermImages:
		fmt.Fprintf(w, "\x1b]1337;File=inline=1;size=%d;preserveAspectRatio=1:%s\a", len(png), data)
	default:
		return
	}
	io.WriteString(w, "\n")
}
