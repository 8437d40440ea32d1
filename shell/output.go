package shell

import (
	"bufio"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Mode is an output mode: how result rows are printed.
type Mode string

// The output modes. Each prints what sqlite3 3.40's mode of the same name
// prints for the same values.
const (
	ModeList     Mode = "list"     // values separated by "|", one row per line
	ModeCSV      Mode = "csv"      // RFC 4180 CSV
	ModeJSON     Mode = "json"     // an array of objects, one object per line
	ModeTable    Mode = "table"    // an ASCII-art table with a header
	ModeBox      Mode = "box"      // a table drawn with box characters
	ModeMarkdown Mode = "markdown" // a Markdown (GitHub) table
	ModeTabs     Mode = "tabs"     // list mode with tab-separated values
	ModeLine     Mode = "line"     // one "name = value" line per column
	ModeHTML     Mode = "html"     // <TR><TD> rows of an HTML table
	ModeInsert   Mode = "insert"   // SQL INSERT statements
	ModeQuote    Mode = "quote"    // values quoted as SQL literals
)

// modes lists the supported modes in the order .mode's error shows them.
var modes = []Mode{ModeBox, ModeCSV, ModeHTML, ModeInsert, ModeJSON, ModeLine, ModeList, ModeMarkdown, ModeQuote, ModeTable, ModeTabs}

func parseMode(s string) (Mode, bool) {
	if s == "lines" {
		return ModeLine, true
	}
	for _, m := range modes {
		if string(m) == s {
			return m, true
		}
	}
	return "", false
}

// printer prints the rows of one statement. begin is called before the first
// row only: a statement without rows prints nothing, as in sqlite3.
type printer interface {
	begin(cols []string)
	row(vals []value)
	end()
}

// format holds the settings a printer uses.
type format struct {
	header bool
	colSep string // list and csv
	rowSep string // list and csv
	null   string // text shown for NULL
	table  string // insert mode: the table name, quoted as needed
	// width, when positive, is the terminal's width: box and table output
	// then right-aligns numeric columns and truncates wide columns to fit.
	width int
}

func newPrinter(m Mode, f format, w *bufio.Writer) printer {
	switch m {
	case ModeCSV:
		return &csvPrinter{f: f, w: w}
	case ModeJSON:
		return &jsonPrinter{w: w}
	case ModeTable:
		return &tablePrinter{f: f, w: w, chars: asciiChars}
	case ModeBox:
		return &tablePrinter{f: f, w: w, chars: boxChars}
	case ModeMarkdown:
		return &tablePrinter{f: f, w: w, chars: markdownChars, markdown: true}
	case ModeLine:
		return &linePrinter{f: f, w: w}
	case ModeHTML:
		return &htmlPrinter{f: f, w: w}
	case ModeInsert:
		return &insertPrinter{f: f, w: w}
	case ModeQuote:
		return &quotePrinter{f: f, w: w}
	default:
		return &listPrinter{f: f, w: w}
	}
}

// cstr is a value's text as C code sees it: up to the first NUL byte, as
// sqlite3 prints it with %s.
func cstr(s string) string {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return s[:i]
	}
	return s
}

type listPrinter struct {
	f    format
	w    *bufio.Writer
	cols []string
}

func (p *listPrinter) begin(cols []string) {
	if !p.f.header {
		return
	}
	for i, c := range cols {
		p.w.WriteString(c)
		p.w.WriteString(sep(i, len(cols), p.f))
	}
}

func (p *listPrinter) row(vals []value) {
	for i, v := range vals {
		if v.typ == typeNull {
			p.w.WriteString(p.f.null)
		} else {
			p.w.WriteString(cstr(v.text))
		}
		p.w.WriteString(sep(i, len(vals), p.f))
	}
}

func (p *listPrinter) end() {}

func sep(i, n int, f format) string {
	if i == n-1 {
		return f.rowSep
	}
	return f.colSep
}

type csvPrinter struct {
	f format
	w *bufio.Writer
}

func (p *csvPrinter) begin(cols []string) {
	if !p.f.header {
		return
	}
	for i, c := range cols {
		p.field(c)
		p.w.WriteString(sep(i, len(cols), p.f))
	}
}

func (p *csvPrinter) row(vals []value) {
	for i, v := range vals {
		if v.typ == typeNull {
			p.w.WriteString(p.f.null)
		} else {
			p.field(cstr(v.text))
		}
		p.w.WriteString(sep(i, len(vals), p.f))
	}
}

func (p *csvPrinter) end() {}

// field writes s, quoted when it is empty, holds the separator or any byte
// sqlite3 quotes (controls, space, quotes, DEL and every non-ASCII byte).
func (p *csvPrinter) field(s string) {
	quote := s == "" || strings.Contains(s, p.f.colSep)
	for i := 0; i < len(s) && !quote; i++ {
		c := s[i]
		quote = c <= ' ' || c == '"' || c == '\'' || c >= 0x7f
	}
	if !quote {
		p.w.WriteString(s)
		return
	}
	p.w.WriteByte('"')
	p.w.WriteString(strings.ReplaceAll(s, `"`, `""`))
	p.w.WriteByte('"')
}

type jsonPrinter struct {
	w    *bufio.Writer
	cols []string
	n    int
}

func (p *jsonPrinter) begin(cols []string) { p.cols = cols }

func (p *jsonPrinter) row(vals []value) {
	if p.n == 0 {
		p.w.WriteString("[{")
	} else {
		p.w.WriteString(",\n{")
	}
	p.n++
	for i, v := range vals {
		jsonString(p.w, p.cols[i])
		p.w.WriteByte(':')
		switch v.typ {
		case typeNull:
			p.w.WriteString("null")
		case typeFloat:
			p.w.WriteString(jsonReal(v.f))
		case typeBlob:
			jsonString(p.w, v.text)
		case typeText:
			jsonString(p.w, cstr(v.text))
		default:
			p.w.WriteString(v.text)
		}
		if i < len(vals)-1 {
			p.w.WriteByte(',')
		}
	}
	p.w.WriteByte('}')
}

func (p *jsonPrinter) end() {
	if p.n > 0 {
		p.w.WriteString("]\n")
	}
}

// jsonReal formats a REAL as sqlite3 -json does: 20 significant digits,
// and ±1e999 for the infinities.
func jsonReal(f float64) string {
	switch {
	case f > 1.7976931348623157e308:
		return "1e999"
	case f < -1.7976931348623157e308:
		return "-1e999"
	}
	return formatReal(f, 20)
}

// jsonString writes s as a JSON string the way sqlite3 does: only '"', '\\'
// and control characters are escaped; other bytes pass through unchanged.
func jsonString(w *bufio.Writer, s string) {
	w.WriteByte('"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			w.WriteByte('\\')
			w.WriteByte(c)
		case c == '\b':
			w.WriteString(`\b`)
		case c == '\f':
			w.WriteString(`\f`)
		case c == '\n':
			w.WriteString(`\n`)
		case c == '\r':
			w.WriteString(`\r`)
		case c == '\t':
			w.WriteString(`\t`)
		case c < 0x20:
			w.WriteString(`\u00`)
			w.WriteByte("0123456789abcdef"[c>>4])
			w.WriteByte("0123456789abcdef"[c&15])
		default:
			w.WriteByte(c)
		}
	}
	w.WriteByte('"')
}

// tableChars are the drawing characters of a table: horizontal line,
// vertical line, and the corners and junctions indexed as
// top (left, middle, right), middle (...), bottom (...).
type tableChars struct {
	h, v       string
	tl, tm, tr string
	ml, mm, mr string
	bl, bm, br string
}

var (
	asciiChars = tableChars{h: "-", v: "|", tl: "+", tm: "+", tr: "+", ml: "+", mm: "+", mr: "+", bl: "+", bm: "+", br: "+"}
	boxChars   = tableChars{h: "─", v: "│", tl: "┌", tm: "┬", tr: "┐", ml: "├", mm: "┼", mr: "┤", bl: "└", bm: "┴", br: "┘"}
)

var markdownChars = tableChars{h: "-", v: "|", ml: "|", mm: "|", mr: "|"}

// tablePrinter buffers a statement's rows to size its columns. It always
// prints the header, as sqlite3's table, box and markdown modes do.
type tablePrinter struct {
	f        format
	w        *bufio.Writer
	chars    tableChars
	markdown bool // no top and bottom rules, no rules between rows
	cols     []string
	rows     [][][]string // rows, columns, lines of the cell
	width    []int
	numeric  []bool // every value of the column so far is a number or NULL
}

func (p *tablePrinter) begin(cols []string) {
	p.cols = cols
	p.width = make([]int, len(cols))
	p.numeric = make([]bool, len(cols))
	for i, c := range cols {
		p.width[i] = utf8.RuneCountInString(c)
		p.numeric[i] = true
	}
}

func (p *tablePrinter) row(vals []value) {
	r := make([][]string, len(vals))
	for i, v := range vals {
		s := p.f.null
		if v.typ != typeNull {
			s = cstr(v.text)
		}
		if v.typ != typeNull && v.typ != typeInteger && v.typ != typeFloat {
			p.numeric[i] = false
		}
		r[i] = displayLines(s)
		for _, l := range r[i] {
			p.width[i] = max(p.width[i], utf8.RuneCountInString(l))
		}
	}
	p.rows = append(p.rows, r)
}

// terminal reports whether output goes to a terminal of known width, where
// box and table output right-align numbers and cut wide columns (or, for a
// single row, wrap them).
func (p *tablePrinter) terminal() bool { return p.f.width > 0 && !p.markdown }

// fit narrows the widest columns until a row fits the terminal's width.
// Columns keep at least minColWidth characters.
func (p *tablePrinter) fit() {
	const minColWidth = 6
	total := 1
	for _, w := range p.width {
		total += w + 3
	}
	for total > p.f.width {
		widest := -1
		for i, w := range p.width {
			if w > minColWidth && (widest < 0 || w > p.width[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			return
		}
		p.width[widest]--
		total--
	}
}

// wrap splits the lines of the cells of the first row that are wider than
// their column into lines that fit, after a space where there is one.
func (p *tablePrinter) wrap() {
	for i, cell := range p.rows[0] {
		var lines []string
		w := p.width[i]
		for _, l := range cell {
			for utf8.RuneCountInString(l) > w {
				r := []rune(l)
				cut := w // at a space in the second half of the line, if any
				for j := w; j > w/2; j-- {
					if r[j] == ' ' {
						cut = j + 1
						break
					}
				}
				lines = append(lines, string(r[:min(cut, w)]))
				l = string(r[cut:])
			}
			lines = append(lines, l)
		}
		p.rows[0][i] = lines
	}
}

// cell pads (or, on a terminal, truncates with an ellipsis) s to width w.
func (p *tablePrinter) cell(s string, w int, right bool) string {
	n := utf8.RuneCountInString(s)
	if n > w {
		k := 0
		for i := range s {
			if k == w-1 {
				s = s[:i] + "…"
				break
			}
			k++
		}
		n = w
	}
	if right {
		return strings.Repeat(" ", w-n) + s
	}
	return s + strings.Repeat(" ", w-n)
}

func (p *tablePrinter) end() {
	if p.rows == nil {
		return
	}
	c := p.chars
	term := p.terminal()
	if term {
		p.fit()
		if len(p.rows) == 1 {
			p.wrap() // one row (a training's summary): show all of it
		}
	}
	multi := false
	for _, r := range p.rows {
		for _, cell := range r {
			multi = multi || len(cell) > 1
		}
	}
	if !p.markdown {
		p.rule(c.tl, c.tm, c.tr)
	}
	p.w.WriteString(c.v)
	for i, name := range p.cols {
		w := p.width[i]
		if term && utf8.RuneCountInString(name) > w {
			name = p.cell(name, w, false)
		}
		pad := w - utf8.RuneCountInString(name)
		p.w.WriteString(" " + strings.Repeat(" ", pad/2) + name + strings.Repeat(" ", (pad+1)/2) + " " + c.v)
	}
	p.w.WriteByte('\n')
	p.rule(c.ml, c.mm, c.mr)
	for k, r := range p.rows {
		lines := 1
		for _, cell := range r {
			lines = max(lines, len(cell))
		}
		for l := 0; l < lines; l++ {
			p.w.WriteString(c.v)
			for i, cell := range r {
				s := ""
				if l < len(cell) {
					s = cell[l]
				}
				p.w.WriteByte(' ')
				p.w.WriteString(p.cell(s, p.width[i], term && p.numeric[i]))
				p.w.WriteString(" " + c.v)
			}
			p.w.WriteByte('\n')
		}
		if multi && !p.markdown && k < len(p.rows)-1 {
			p.rule(c.ml, c.mm, c.mr)
		}
	}
	if !p.markdown {
		p.rule(c.bl, c.bm, c.br)
	}
}

func (p *tablePrinter) rule(l, m, r string) {
	p.w.WriteString(l)
	for i, w := range p.width {
		p.w.WriteString(strings.Repeat(p.chars.h, w+2))
		if i < len(p.width)-1 {
			p.w.WriteString(m)
		}
	}
	p.w.WriteString(r)
	p.w.WriteByte('\n')
}

// linePrinter prints each row as "name = value" lines, names right-aligned
// to the longest (in bytes, at least 5), rows separated by a blank line.
type linePrinter struct {
	f    format
	w    *bufio.Writer
	cols []string
	wid  int
	n    int
}

func (p *linePrinter) begin(cols []string) {
	p.cols = cols
	p.wid = 5
	for _, c := range cols {
		p.wid = max(p.wid, len(c))
	}
}

func (p *linePrinter) row(vals []value) {
	if p.n > 0 {
		p.w.WriteString(p.f.rowSep)
	}
	p.n++
	for i, v := range vals {
		p.w.WriteString(strings.Repeat(" ", max(p.wid-len(p.cols[i]), 0)))
		p.w.WriteString(p.cols[i])
		p.w.WriteString(" = ")
		if v.typ == typeNull {
			p.w.WriteString(p.f.null)
		} else {
			p.w.WriteString(cstr(v.text))
		}
		p.w.WriteString(p.f.rowSep)
	}
}

func (p *linePrinter) end() {}

// htmlPrinter prints rows of an HTML table (without the <TABLE> element).
type htmlPrinter struct {
	f format
	w *bufio.Writer
}

func (p *htmlPrinter) begin(cols []string) {
	if !p.f.header {
		return
	}
	p.w.WriteString("<TR>")
	for _, c := range cols {
		p.w.WriteString("<TH>")
		htmlString(p.w, c)
		p.w.WriteString("</TH>\n")
	}
	p.w.WriteString("</TR>\n")
}

func (p *htmlPrinter) row(vals []value) {
	p.w.WriteString("<TR>")
	for _, v := range vals {
		p.w.WriteString("<TD>")
		if v.typ == typeNull {
			htmlString(p.w, p.f.null)
		} else {
			htmlString(p.w, cstr(v.text))
		}
		p.w.WriteString("</TD>\n")
	}
	p.w.WriteString("</TR>\n")
}

func (p *htmlPrinter) end() {}

func htmlString(w *bufio.Writer, s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '<':
			w.WriteString("&lt;")
		case '&':
			w.WriteString("&amp;")
		case '>':
			w.WriteString("&gt;")
		case '"':
			w.WriteString("&quot;")
		case '\'':
			w.WriteString("&#39;")
		default:
			w.WriteByte(c)
		}
	}
}

// quotePrinter prints values as SQL literals separated by colSep.
type quotePrinter struct {
	f format
	w *bufio.Writer
}

func (p *quotePrinter) begin(cols []string) {
	if !p.f.header {
		return
	}
	for i, c := range cols {
		if i > 0 {
			p.w.WriteString(p.f.colSep)
		}
		quotedString(p.w, c)
	}
	p.w.WriteString(p.f.rowSep)
}

func (p *quotePrinter) row(vals []value) {
	for i, v := range vals {
		if i > 0 {
			p.w.WriteString(p.f.colSep)
		}
		switch v.typ {
		case typeNull:
			p.w.WriteString("NULL")
		case typeText:
			quotedString(p.w, cstr(v.text))
		case typeFloat:
			p.w.WriteString(formatReal(v.f, 20))
		case typeBlob:
			hexBlob(p.w, v.text)
		default:
			p.w.WriteString(v.text)
		}
	}
	p.w.WriteString(p.f.rowSep)
}

func (p *quotePrinter) end() {}

// insertPrinter prints each row as an INSERT statement into f.table, with
// the column names when headers are on.
type insertPrinter struct {
	f      format
	w      *bufio.Writer
	prefix string
}

func (p *insertPrinter) begin(cols []string) {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(p.f.table)
	if p.f.header {
		b.WriteByte('(')
		for i, c := range cols {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(quoteIfNeeded(c))
		}
		b.WriteByte(')')
	}
	b.WriteString(" VALUES(")
	p.prefix = b.String()
}

func (p *insertPrinter) row(vals []value) {
	p.w.WriteString(p.prefix)
	for i, v := range vals {
		if i > 0 {
			p.w.WriteByte(',')
		}
		switch v.typ {
		case typeNull:
			p.w.WriteString("NULL")
		case typeText:
			quotedEscapedString(p.w, cstr(v.text))
		case typeFloat:
			p.w.WriteString(insertReal(v.f))
		case typeBlob:
			hexBlob(p.w, v.text)
		default:
			p.w.WriteString(v.text)
		}
	}
	p.w.WriteString(");\n")
}

func (p *insertPrinter) end() {}

// insertReal formats a REAL as sqlite3's insert mode does: ±1e999 for the
// infinities, "N.0" for integral values that fit an int64, else 20
// significant digits.
func insertReal(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "1e999"
	case math.IsInf(f, -1):
		return "-1e999"
	case f >= -9.2233720368547758e18 && f < 9.2233720368547758e18 && f == math.Trunc(f):
		return strconv.FormatInt(int64(f), 10) + ".0"
	}
	return formatReal(f, 20)
}

// quotedString writes s as an SQL string literal.
func quotedString(w *bufio.Writer, s string) {
	w.WriteByte('\'')
	w.WriteString(strings.ReplaceAll(s, "'", "''"))
	w.WriteByte('\'')
}

// quotedEscapedString writes s as an SQL string literal in which newlines
// and carriage returns are spelled out and restored with replace(), as
// sqlite3's insert mode does, so that the statement stays on one line.
func quotedEscapedString(w *bufio.Writer, s string) {
	if !strings.ContainsAny(s, "\n\r") {
		quotedString(w, s)
		return
	}
	var nl, cr string
	if strings.IndexByte(s, '\n') >= 0 {
		w.WriteString("replace(")
		nl = unusedString(s, `\n`, `\012`)
	}
	if strings.IndexByte(s, '\r') >= 0 {
		w.WriteString("replace(")
		cr = unusedString(s, `\r`, `\015`)
	}
	w.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'':
			w.WriteString("''")
		case '\n':
			w.WriteString(nl)
		case '\r':
			w.WriteString(cr)
		default:
			w.WriteByte(c)
		}
	}
	w.WriteByte('\'')
	if cr != "" {
		w.WriteString(",'" + cr + "',char(13))")
	}
	if nl != "" {
		w.WriteString(",'" + nl + "',char(10))")
	}
}

// unusedString returns a or b if s does not contain it, else the first
// "(aN)" it does not contain.
func unusedString(s, a, b string) string {
	if !strings.Contains(s, a) {
		return a
	}
	if !strings.Contains(s, b) {
		return b
	}
	for i := 0; ; i++ {
		z := "(" + a + strconv.Itoa(i) + ")"
		if !strings.Contains(s, z) {
			return z
		}
	}
}

func hexBlob(w *bufio.Writer, b string) {
	const digits = "0123456789abcdef"
	w.WriteString("X'")
	for i := 0; i < len(b); i++ {
		w.WriteByte(digits[b[i]>>4])
		w.WriteByte(digits[b[i]&15])
	}
	w.WriteByte('\'')
}

// displayLines splits a value into the lines a table cell shows, as
// sqlite3 does: a tab advances to the next multiple of 8 columns, and any
// other control character (a "\r\n" pair counting as one) ends the line.
func displayLines(s string) []string {
	var lines []string
	for {
		var b strings.Builder
		n, i := 0, 0
		for ; i < len(s); i++ {
			c := s[i]
			if c == '\t' {
				for {
					n++
					b.WriteByte(' ')
					if n&7 == 0 {
						break
					}
				}
				continue
			}
			if c < ' ' {
				break
			}
			if c < 0x80 || c >= 0xc0 {
				n++
			}
			b.WriteByte(c)
		}
		lines = append(lines, b.String())
		if i >= len(s) {
			return lines
		}
		if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
			i++
		}
		s = s[i+1:]
		if s == "" {
			return lines
		}
	}
}
