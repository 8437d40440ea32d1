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
)

// #include <stdlib.h>
import "C"

// dotImport is ".import [--csv] [--skip N] FILE TABLE". When TABLE does not
// exist it is created with one TEXT column per field of the first record,
// named by it; otherwise every record is data (after --skip N records).
// A gzip-compressed FILE is read transparently. Every record must have as
// many fields as the table has columns. The rows are inserted in one
// transaction (a savepoint, inside an open transaction): on any error
// nothing is imported and a table created for the import is gone.
func (s *Shell) dotImport(args []string) error {
	var file, table string
	skip := 0
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--csv":
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
			return fmt.Errorf(".import: unknown option %q (want --csv or --skip N)", a)
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
	r, err := decompress(f)
	if err != nil {
		return fmt.Errorf(".import %s: %w", file, err)
	}
	if err := s.importCSV(r, table, skip); err != nil {
		return fmt.Errorf(".import %s: %w", file, err)
	}
	return nil
}

// decompress returns r's content, gunzipped when it starts with gzip's
// magic bytes.
func decompress(r io.Reader) (io.Reader, error) {
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

// importCSV inserts the CSV records of r into table.
func (s *Shell) importCSV(r io.Reader, table string, skip int) error {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked below, with a clearer message
	cr.ReuseRecord = true
	first := true
	read := func() ([]string, error) {
		rec, err := cr.Read()
		if err != nil {
			var perr *csv.ParseError
			if errors.As(err, &perr) {
				return nil, fmt.Errorf("line %d: %w", perr.Line, perr.Err)
			}
			return nil, err
		}
		if first && len(rec) > 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			first = false
		}
		return rec, nil
	}

	return s.withDB(func(db dbHandle) error {
		if err := execSimple(db, "SAVEPOINT shell_import"); err != nil {
			return err
		}
		if err := s.importRows(db, read, cr, table, skip); err != nil {
			execSimple(db, "ROLLBACK TO shell_import")
			execSimple(db, "RELEASE shell_import")
			return err
		}
		return execSimple(db, "RELEASE shell_import")
	})
}

func (s *Shell) importRows(db dbHandle, read func() ([]string, error), cr *csv.Reader, table string, skip int) error {
	for range skip {
		if _, err := read(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
	ncol, err := tableColumns(db, table)
	if err != nil {
		return err
	}
	if ncol == 0 {
		// No such table: the first record names the columns.
		header, err := read()
		if err == io.EOF {
			return errors.New("empty file: no header to name the columns of the new table")
		}
		if err != nil {
			return err
		}
		var b strings.Builder
		b.WriteString("CREATE TABLE " + quoteIdent(table) + "(\n")
		for i, h := range header {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(quoteIdent(h) + " TEXT")
		}
		b.WriteString(")")
		if err := execSimple(db, b.String()); err != nil {
			return fmt.Errorf("create table %s: %w", quoteIdent(table), err)
		}
		ncol = len(header)
	}
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
		rec, err := read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(rec) != ncol {
			line, _ := cr.FieldPos(0)
			return fmt.Errorf("line %d: expected %d fields, found %d", line, ncol, len(rec))
		}
		buf = buf[:0]
		for i, f := range rec {
			buf = append(buf, f...)
			lens[i] = C.int(len(f))
		}
		if rc := st.insert(buf, lens); rc != sqliteOK {
			line, _ := cr.FieldPos(0)
			return fmt.Errorf("line %d: %s", line, db.errmsg())
		}
		n++
		if n&1023 == 0 {
			if err := s.ctx.Err(); err != nil {
				return err
			}
		}
	}
}

// tableColumns returns the number of columns of table, 0 if there is no
// such table.
func tableColumns(db dbHandle, table string) (int, error) {
	st, err := db.prepareString("SELECT count(*) FROM pragma_table_info(" + quoteString(table) + ")")
	if err != nil {
		return 0, err
	}
	vals := make([]value, 1)
	if st.step() == sqliteRow {
		st.row(vals)
	}
	if rc := st.finalize(); rc != sqliteOK {
		return 0, errors.New(db.errmsg())
	}
	return strconv.Atoi(vals[0].text)
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
