package shell

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/seed-a084b42d/marketsql/engine"
)

// #include <stdlib.h>
import "C"

// dotImport is ".import [--csv|--tsv] [--skip N] FILE TABLE".
//
// FILE is CSV (RFC 4180) or TSV (fields between tabs, no quoting): --csv
// or --tsv say which; otherwise a
// name ending in .tsv or .tab (before an optional .gz), the tabs output
// mode, or a first line with tabs and no commas mean TSV. A
// gzip-compressed FILE is read transparently. --skip N skips the first N
// records.
//
// When TABLE does not exist it is created. Its first record names the
// columns unless it looks like data (a number where the rest of the column
// holds numbers; the columns are then c1, c2, ...), and each column gets
// the type its first sampleRows values share: INTEGER, REAL or TEXT. An
// empty field of an INTEGER or REAL column is imported as NULL.
//
// When TABLE exists every record is data, except a first record that
// repeats the table's column names. Fields are bound as text and converted
// by the columns' affinity, as sqlite3 does.
//
// Every record must have as many fields as the table has columns. The rows
// are inserted in one transaction (a savepoint, inside an open
// transaction): on any error nothing is imported and a table created for
// the import is gone.
func (s *Shell) dotImport(args []string) error {
	var file, table string
	skip := 0
	sep := rune(0)
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--csv":
			sep = ','
		case a == "--tsv":
			sep = '\t'
		case a == "--skip":
			if i+1 >= len(args) {
				return errUsage
			}
			i++
			n, err := strconv.Atoi(args[i])
			if err != nil || n < 0 {
				return fmt.Errorf(".import: --skip wants a count of records, got %q", args[i])
			}
			skip = n
		case strings.HasPrefix(a, "-") && len(a) > 1:
			return fmt.Errorf(".import: unknown option %q (want --csv, --tsv or --skip N)", a)
		case file == "":
			file = a
		case table == "":
			table = a
		default:
			return errUsage
		}
	}
	if file == "" || table == "" {
		return errUsage
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("cannot open %q", file)
	}
	defer f.Close()
	counted := &countingReader{r: f}
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		counted.size = fi.Size()
	}
	r, err := decompress(counted)
	if err != nil {
		return fmt.Errorf(".import %s: %w", file, err)
	}
	if sep == 0 {
		sep = s.guessSeparator(file, r)
	}
	s.importing = counted
	defer func() {
		s.importing = nil
		if s.progress != nil {
			s.progress.clear()
		}
	}()
	if err := s.importCSV(r, sep, table, skip); err != nil {
		return fmt.Errorf(".import %s: %w", file, err)
	}
	return nil
}

// guessSeparator decides between CSV and TSV for a file given without
// --csv or --tsv.
func (s *Shell) guessSeparator(name string, r *bufio.Reader) rune {
	base := strings.TrimSuffix(strings.ToLower(name), ".gz")
	if strings.HasSuffix(base, ".tsv") || strings.HasSuffix(base, ".tab") {
		return '\t'
	}
	if strings.HasSuffix(base, ".csv") {
		return ','
	}
	if s.mode == ModeTabs {
		return '\t'
	}
	head, _ := r.Peek(64 << 10)
	if i := strings.IndexByte(string(head), '\n'); i >= 0 {
		head = head[:i]
	}
	if strings.IndexByte(string(head), '\t') >= 0 && strings.IndexByte(string(head), ',') < 0 {
		return '\t'
	}
	return ','
}

// countingReader counts the bytes read from a file of known size, for the
// progress of .import.
type countingReader struct {
	r    io.Reader
	n    int64
	size int64 // 0 if unknown
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// decompress returns r's content, gunzipped when it starts with gzip's
// magic bytes.
func decompress(r io.Reader) (*bufio.Reader, error) {
	br := bufio.NewReaderSize(r, 256<<10)
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF {
		return nil, err
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return bufio.NewReaderSize(zr, 256<<10), nil
	}
	return br, nil
}

// sampleRows is how many records decide a new table's column types and
// whether its first record is a header.
const sampleRows = 10000

// record is one CSV record and the line it starts on.
type record struct {
	fields []string
	line   int
}

// recordReader reads records, first those put back after sample.
type recordReader struct {
	next    func() ([]string, int, error) // the next record and its line
	first   bool
	pending []record
}

func (rr *recordReader) read() (record, error) {
	if len(rr.pending) > 0 {
		r := rr.pending[0]
		rr.pending = rr.pending[1:]
		return r, nil
	}
	rec, line, err := rr.next()
	if err != nil {
		return record{}, err
	}
	if rr.first {
		if len(rec) > 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
		}
		rr.first = false
	}
	return record{fields: rec, line: line}, nil
}

// csvRecords reads RFC 4180 records.
func csvRecords(r io.Reader) func() ([]string, int, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked by the importer, with a clearer message
	cr.ReuseRecord = true
	return func() ([]string, int, error) {
		rec, err := cr.Read()
		if err != nil {
			var perr *csv.ParseError
			if errors.As(err, &perr) {
				return nil, 0, fmt.Errorf("line %d: %w", perr.Line, perr.Err)
			}
			return nil, 0, err
		}
		line, _ := cr.FieldPos(0)
		return rec, line, nil
	}
}

// tsvRecords reads tab-separated lines: no quoting, a field is everything
// between tabs, a "\r\n" line end is a "\n", and empty lines are skipped.
func tsvRecords(r *bufio.Reader) func() ([]string, int, error) {
	var rec []string
	line := 0
	return func() ([]string, int, error) {
		for {
			b, err := r.ReadSlice('\n')
			if err == bufio.ErrBufferFull {
				long := append([]byte(nil), b...)
				for err == bufio.ErrBufferFull {
					b, err = r.ReadSlice('\n')
					long = append(long, b...)
				}
				b = long
			}
			if err != nil && (err != io.EOF || len(b) == 0) {
				return nil, 0, err
			}
			line++
			text := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
			if text == "" {
				continue
			}
			rec = rec[:0]
			for {
				i := strings.IndexByte(text, '\t')
				if i < 0 {
					rec = append(rec, text)
					break
				}
				rec = append(rec, text[:i])
				text = text[i+1:]
			}
			return rec, line, nil
		}
	}
}

// sample reads up to n records into memory (copied, since the reader
// reuses its buffers) and puts them back.
func (rr *recordReader) sample(n int) ([]record, error) {
	var recs []record
	for len(recs) < n {
		r, err := rr.read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		r.fields = append([]string(nil), r.fields...)
		recs = append(recs, r)
	}
	rr.pending = append(recs, rr.pending...)
	return recs, nil
}

// importCSV inserts the records of r, CSV or (sep '\t') TSV, into table.
func (s *Shell) importCSV(r *bufio.Reader, sep rune, table string, skip int) error {
	rr := &recordReader{next: csvRecords(r), first: true}
	if sep == '\t' {
		rr.next = tsvRecords(r)
	}
	return s.withDB(func(db dbHandle) error {
		if err := execSimple(db, "SAVEPOINT shell_import"); err != nil {
			return err
		}
		if err := s.importRows(db, rr, table, skip); err != nil {
			execSimple(db, "ROLLBACK TO shell_import")
			execSimple(db, "RELEASE shell_import")
			return err
		}
		return execSimple(db, "RELEASE shell_import")
	})
}

// Column types inferred for a new table.
const (
	colText = iota
	colInteger
	colReal
)

func (s *Shell) importRows(db dbHandle, rr *recordReader, table string, skip int) error {
	for range skip {
		if _, err := rr.read(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
	cols, err := tableColumnNames(db, table)
	if err != nil {
		return err
	}
	var types []int // of a new table's columns; nil for an existing table
	if len(cols) == 0 {
		recs, err := rr.sample(sampleRows)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return errors.New("empty file: no header to name the columns of the new table")
		}
		names, header := headerOf(recs)
		data := recs
		if header {
			data = recs[1:]
			rr.pending = rr.pending[1:]
		}
		types = columnTypes(len(names), data)
		if err := createTable(db, table, names, types); err != nil {
			return err
		}
		cols = names
	} else if recs, err := rr.sample(1); err != nil {
		return err
	} else if len(recs) == 1 && sameNames(recs[0].fields, cols) {
		rr.pending = rr.pending[1:] // a header repeating the column names
	}
	ncol := len(cols)
	ins := "INSERT INTO " + quoteIdent(table) + " VALUES(?" + strings.Repeat(",?", ncol-1) + ")"
	st, err := db.prepareString(ins)
	if err != nil {
		return err
	}
	defer st.finalize()
	buf := make([]byte, 0, 4096)
	lens := make([]C.int, ncol)
	n := 0
	for {
		rec, err := rr.read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(rec.fields) != ncol {
			return fmt.Errorf("line %d: expected %d fields, found %d", rec.line, ncol, len(rec.fields))
		}
		buf = buf[:0]
		for i, f := range rec.fields {
			if types != nil && types[i] != colText {
				if f == "" {
					lens[i] = -1
					continue
				}
				if kindOf(f) == colText && wouldBeConverted(f) {
					// SQLite's INTEGER/REAL affinity would store "0123" as 123.
					return fmt.Errorf("line %d: column %s was typed %s from the first %d rows, but %q would lose its leading zeros there; nothing was imported: create the table with a TEXT column first and import into it",
						rec.line, quoteIdent(cols[i]), [...]string{"TEXT", "INTEGER", "REAL"}[types[i]], sampleRows, f)
				}
			}
			buf = append(buf, f...)
			lens[i] = C.int(len(f))
		}
		if rc := st.insert(buf, lens); rc != sqliteOK {
			return fmt.Errorf("line %d: %s", rec.line, db.errmsg())
		}
		n++
		if n&1023 == 0 {
			if err := s.ctx.Err(); err != nil {
				return err
			}
			if s.interrupted.Load() {
				return errors.New("interrupted")
			}
			if s.progress != nil && s.importing != nil {
				s.progress.event(engine.Progress{Function: ".import", Model: table, Phase: "insert",
					Done: float64(s.importing.n), Total: float64(s.importing.size), Detail: fmt.Sprintf("%d rows", n)})
			}
		}
	}
}

// headerOf decides whether the first of recs names the columns and returns
// the names: the first record's fields (empty ones become cN, repeated
// ones get a suffix), or c1, c2, ... when the first record is data. It is
// data when one of its fields is a number in a column whose other values
// are numbers, and none is text where the others are numbers.
func headerOf(recs []record) ([]string, bool) {
	first := recs[0].fields
	header := true
	if len(recs) > 1 {
		types := columnTypes(len(first), recs[1:])
		numberInNumbers, textInNumbers := false, false
		for i, f := range first {
			if types[i] == colText {
				continue
			}
			switch {
			case f == "":
			case kindOf(f) == colText:
				textInNumbers = true
			default:
				numberInNumbers = true
			}
		}
		header = textInNumbers || !numberInNumbers
	}
	names := make([]string, len(first))
	seen := map[string]bool{}
	for i, f := range first {
		name := strings.TrimSpace(f)
		if !header || name == "" {
			name = "c" + strconv.Itoa(i+1)
		}
		base := name
		for k := 2; seen[strings.ToLower(name)]; k++ {
			name = base + "_" + strconv.Itoa(k)
		}
		seen[strings.ToLower(name)] = true
		names[i] = name
	}
	return names, header
}

// columnTypes infers the type of each of n columns from recs: INTEGER when
// every non-empty value is an integer, REAL when every one is a number,
// TEXT otherwise (and for a column with no values).
func columnTypes(n int, recs []record) []int {
	types := make([]int, n)
	seen := make([]bool, n)
	for i := range types {
		types[i] = colInteger
	}
	for _, r := range recs {
		for i, f := range r.fields {
			if i >= n || f == "" || types[i] == colText {
				continue
			}
			seen[i] = true
			if k := kindOf(f); k == colText {
				types[i] = colText
			} else {
				types[i] = max(types[i], k)
			}
		}
	}
	for i := range types {
		if !seen[i] {
			types[i] = colText
		}
	}
	return types
}

// wouldBeConverted reports whether SQLite's numeric affinity would turn
// the text f into a number whose text differs, such as "0123" or "00.5".
func wouldBeConverted(f string) bool {
	if strings.Trim(f, "+-0123456789.eE") != "" {
		return false
	}
	_, err := strconv.ParseFloat(f, 64)
	return err == nil
}

// kindOf tells whether a field is an integer (that fits 64 bits and has
// no leading zero to lose), a decimal number, or text.
func kindOf(f string) int {
	i := 0
	if i < len(f) && (f[i] == '+' || f[i] == '-') {
		i++
	}
	start := i
	for i < len(f) && f[i] >= '0' && f[i] <= '9' {
		i++
	}
	digits := i - start
	if i == len(f) {
		if digits == 0 || digits > 1 && f[start] == '0' {
			return colText
		}
		if _, err := strconv.ParseInt(f, 10, 64); err != nil {
			return colReal
		}
		return colInteger
	}
	if f[i] == '.' {
		i++
		frac := i
		for i < len(f) && f[i] >= '0' && f[i] <= '9' {
			i++
		}
		digits += i - frac
	}
	if digits == 0 {
		return colText
	}
	if i < len(f) && (f[i] == 'e' || f[i] == 'E') {
		i++
		if i < len(f) && (f[i] == '+' || f[i] == '-') {
			i++
		}
		exp := i
		for i < len(f) && f[i] >= '0' && f[i] <= '9' {
			i++
		}
		if i == exp {
			return colText
		}
	}
	if i != len(f) {
		return colText
	}
	return colReal
}

func createTable(db dbHandle, table string, names []string, types []int) error {
	var b strings.Builder
	b.WriteString("CREATE TABLE " + quoteIdent(table) + "(\n")
	for i, h := range names {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(quoteIdent(h) + " " + [...]string{"TEXT", "INTEGER", "REAL"}[types[i]])
	}
	b.WriteString(")")
	if err := execSimple(db, b.String()); err != nil {
		return fmt.Errorf("create table %s: %w", quoteIdent(table), err)
	}
	return nil
}

func sameNames(fields, cols []string) bool {
	if len(fields) != len(cols) {
		return false
	}
	for i, f := range fields {
		if !strings.EqualFold(strings.TrimSpace(f), cols[i]) {
			return false
		}
	}
	return true
}

// tableColumnNames returns the column names of table, none if there is no
// such table.
func tableColumnNames(db dbHandle, table string) ([]string, error) {
	st, err := db.prepareString("SELECT name FROM pragma_table_info(" + quoteString(table) + ")")
	if err != nil {
		return nil, err
	}
	var names []string
	vals := make([]value, 1)
	for st.step() == sqliteRow {
		st.row(vals)
		names = append(names, vals[0].text)
	}
	if rc := st.finalize(); rc != sqliteOK {
		return nil, errors.New(db.errmsg())
	}
	return names, nil
}

// execSimple runs one statement that returns no rows.
func execSimple(db dbHandle, sql string) error {
	st, err := db.prepareString(sql)
	if err != nil {
		return err
	}
	for st.step() == sqliteRow {
	}
	if rc := st.finalize(); rc != sqliteOK {
		return errors.New(db.errmsg())
	}
	return nil
}
