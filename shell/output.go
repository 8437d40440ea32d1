package shell

import (
	"bufio"
	"strings"
	"unicode/utf8"
)

// Mode is an output mode: how result rows are printed.
type Mode string

// The output modes. Each prints what sqlite3 3.40's mode of the same name
// prints for the same values.
const (
	ModeList  Mode = "list"  // values separated by "|", one row per line
	ModeCSV   Mode = "csv"   // RFC 4180 CSV
	ModeJSON  Mode = "json"  // an array of objects, one object per line
	ModeTable Mode = "table" // an ASCII-art table with a header
	ModeBox   Mode = "box"   // a table drawn with box characters
)

// modes lists the supported modes in the order .mode's error shows them.
var modes = []Mode{ModeBox, ModeCSV, ModeJSON, ModeList, ModeTable}

func parseMode(s string) (Mode, bool) {
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

// tablePrinter buffers a statement's rows to size its columns. It always
// prints the header, as sqlite3's table and box modes do.
type tablePrinter struct {
	f     format
	w     *bufio.Writer
	chars tableChars
	cols  []string
	rows  [][][]string // rows, columns, lines of the cell
	width []int
}

func (p *tablePrinter) begin(cols []string) {
	p.cols = cols
	p.width = make([]int, len(cols))
	for i, c := range cols {
		p.width[i] = utf8.RuneCountInString(c)
	}
}

func (p *tablePrinter) row(vals []value) {
	r := make([][]string, len(vals))
	for i, v := range vals {
		s := p.f.null
		if v.typ != typeNull {
			s = cstr(v.text)
		}
		r[i] = displayLines(s)
		for _, l := range r[i] {
			p.width[i] = max(p.width[i], utf8.RuneCountInString(l))
		}
	}
	p.rows = append(p.rows, r)
}

func (p *tablePrinter) end() {
	if p.rows == nil {
		return
	}
	c := p.chars
	multi := false
	for _, r := range p.rows {
		for _, cell := range r {
			multi = multi || len(cell) > 1
		}
	}
	p.rule(c.tl, c.tm, c.tr)
	p.w.WriteString(c.v)
	for i, name := range p.cols {
		pad := p.width[i] - utf8.RuneCountInString(name)
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
				p.w.WriteString(" " + s + strings.Repeat(" ", p.width[i]-utf8.RuneCountInString(s)) + " " + c.v)
			}
			p.w.WriteByte('\n')
		}
		if multi && k < len(p.rows)-1 {
			p.rule(c.ml, c.mm, c.mr)
		}
	}
	p.rule(c.bl, c.bm, c.br)
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
