package shell

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// FuzzImport imports arbitrary bytes with .import, as CSV, as TSV or
// guessed, with --skip 0 to 2, into a new table, and checks the outcome
// against the records an independent reading of the file gives: either an
// error and no table, or one row per record (the first one dropped when
// it named the columns, then c1, c2, ... are not the names), each field
// stored as the same text, or as the number it spells in a column typed
// INTEGER or REAL (an empty field there being NULL).
func FuzzImport(f *testing.F) {
	for _, s := range []string{
		"a,b\n1,2\n3,4\n",
		"1,2\n3,4\n",
		"name,qty\n\"x, y\",007\n",
		"\ufeffid\tv\n1\t2.5\r\n\n2\t\n",
		"a,\"b\nc\",d\n1,2,3\n",
		"a,a,\n1,2,3\n",
		"x\n1e999\n-0\n+5\n9223372036854775808\n",
		"a,b\n\"unterminated\n",
		"\x1f\x8b\x08\x00",
		"",
	} {
		for mode := range 12 {
			f.Add([]byte(s), uint8(mode))
		}
	}
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("a,b\n1,x\n"))
	w.Close()
	f.Add(gz.Bytes(), uint8(0))

	dir := f.TempDir()
	s := &Shell{ctx: context.Background(), mode: ModeList}
	if err := s.open("", false); err != nil {
		f.Fatal(err)
	}
	defer s.closeDB()
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		if _, err := s.query("DROP TABLE IF EXISTS t"); err != nil {
			t.Fatal(err)
		}
		name := "in.dat"
		var args []string
		sep := byte(',')
		switch mode % 4 {
		case 0:
			args = append(args, "--csv")
		case 1:
			args = append(args, "--tsv")
			sep = '\t'
		case 2: // guessed from the first line
			first, _, _ := bytes.Cut(gunzipped(data), []byte("\n"))
			if len(first) > 64<<10 {
				first = first[:64<<10]
			}
			if bytes.IndexByte(first, '\t') >= 0 && bytes.IndexByte(first, ',') < 0 {
				sep = '\t'
			}
		case 3: // guessed from the name
			name = "in.tsv"
			sep = '\t'
		}
		skip := int(mode/4) % 3
		if skip > 0 {
			args = append(args, "--skip", strconv.Itoa(skip))
		}
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		ierr := s.dotImport(append(args, path, "t"))

		recs, rerr := readRecords(data, sep)
		exists := len(tableNames(t, s, "t")) > 0
		if ierr != nil {
			if exists {
				t.Fatalf(".import failed (%v) and left table t", ierr)
			}
			return
		}
		if rerr != nil {
			t.Fatalf(".import succeeded where the file does not parse: %v", rerr)
		}
		if skip >= len(recs) {
			if exists {
				t.Fatalf("%d records, skip %d: .import created table t", len(recs), skip)
			}
			return
		}
		recs = recs[skip:]
		if !exists {
			t.Fatalf(".import succeeded without creating table t")
		}
		cols := tableNames(t, s, "t")
		types := tableTypes(t, s)
		rows := tableRows(t, s, len(cols))
		switch {
		case len(rows) == len(recs)-1: // the first record named the columns
			if len(recs[0]) != len(cols) {
				t.Fatalf("%d columns from a header of %d fields", len(cols), len(recs[0]))
			}
			for i, c := range cols {
				h := strings.TrimSpace(recs[0][i])
				if c != h && c != "c"+strconv.Itoa(i+1) && !strings.HasPrefix(c, h+"_") {
					t.Fatalf("column %d is %q, the header says %q", i+1, c, h)
				}
			}
			recs = recs[1:]
		case len(rows) == len(recs): // all data: columns c1, c2, ...
			for i, c := range cols {
				if c != "c"+strconv.Itoa(i+1) {
					t.Fatalf("no header, yet column %d is %q", i+1, c)
				}
			}
		default:
			t.Fatalf("%d rows imported from %d records (columns %q)", len(rows), len(recs), cols)
		}
		for i, r := range rows {
			if len(recs[i]) != len(r) {
				t.Fatalf("record %d has %d fields, the table %d columns", i, len(recs[i]), len(r))
			}
			for j, v := range r {
				checkImported(t, recs[i][j], v, types[j], fmt.Sprintf("row %d column %q", i+1, cols[j]))
			}
		}
	})
}

// checkImported checks that the value v imported into a column of type typ
// is the field f.
func checkImported(t *testing.T, f string, v value, typ, where string) {
	t.Helper()
	switch v.typ {
	case typeText:
		if v.text != f {
			t.Fatalf("%s: text %q, field %q", where, v.text, f)
		}
		return
	case typeNull:
		if f != "" || typ == "TEXT" {
			t.Fatalf("%s: NULL in a %s column, field %q", where, typ, f)
		}
		return
	case typeBlob:
		t.Fatalf("%s: a blob, field %q", where, f)
	}
	if typ == "TEXT" {
		t.Fatalf("%s: a number (%q) in a TEXT column, field %q", where, v.text, f)
	}
	want, err := strconv.ParseFloat(f, 64)
	if err != nil && !strings.Contains(err.Error(), "range") {
		t.Fatalf("%s: number %q from field %q, which is not a number", where, v.text, f)
	}
	got := v.f
	if v.typ == typeInteger {
		n, err := strconv.ParseInt(v.text, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		got = float64(n)
	}
	// SQLite's text-to-real conversion is not always correctly rounded: the
	// embedded SQLite 3.54.1 makes "547758372036854775808" 1 ulp less than
	// strconv.ParseFloat (and sqlite3 3.40.1) do (testdata/fuzz/FuzzImport).
	if got != want && math.Nextafter(want, got) != got {
		t.Fatalf("%s: number %q, field %q is %v", where, v.text, f, want)
	}
}

// gunzipped is data, gunzipped when it is gzip (as far as it reads).
func gunzipped(data []byte) []byte {
	if len(data) < 2 || data[0] != 0x1f || data[1] != 0x8b {
		return data
	}
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil
	}
	b, _ := io.ReadAll(zr)
	return b
}

// readRecords reads the records of a file as .import is documented to: CSV
// by RFC 4180, or TSV lines split at tabs with empty lines skipped, gzip
// undone, a byte order mark before the first field dropped.
func readRecords(data []byte, sep byte) ([][]string, error) {
	if len(data) >= 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		if data, err = io.ReadAll(zr); err != nil {
			return nil, err
		}
	}
	var recs [][]string
	if sep == '\t' {
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, 1<<30)
		for sc.Scan() { // ScanLines drops a "\r" before "\n"
			if l := sc.Text(); l != "" {
				recs = append(recs, strings.Split(l, "\t"))
			}
		}
		if err := sc.Err(); err != nil {
			return nil, err
		}
	} else {
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		var err error
		if recs, err = r.ReadAll(); err != nil {
			return nil, err
		}
	}
	if len(recs) > 0 && len(recs[0]) > 0 {
		recs[0][0] = strings.TrimPrefix(recs[0][0], "\ufeff")
	}
	return recs, nil
}

func tableNames(t *testing.T, s *Shell, table string) []string {
	t.Helper()
	rows, err := s.query("SELECT name FROM pragma_table_info(" + quoteString(table) + ")")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range rows {
		names = append(names, r[0])
	}
	return names
}

func tableTypes(t *testing.T, s *Shell) []string {
	t.Helper()
	rows, err := s.query("SELECT type FROM pragma_table_info('t')")
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, r := range rows {
		types = append(types, r[0])
	}
	return types
}

// tableRows reads table t's rows, typed, in the order of insertion.
func tableRows(t *testing.T, s *Shell, ncol int) [][]value {
	t.Helper()
	var rows [][]value
	err := s.withDB(func(db dbHandle) error {
		st, err := db.prepareString("SELECT * FROM t ORDER BY rowid")
		if err != nil {
			return err
		}
		for st.step() == sqliteRow {
			r := make([]value, ncol)
			st.row(r)
			rows = append(rows, r)
		}
		st.finalize()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}
