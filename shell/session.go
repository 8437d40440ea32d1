package shell

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/seed-a084b42d/marketsql/engine"
)

// This file holds the dot-commands that set session options, redirect
// output, reopen the database, and show marketsql's catalog and functions.

func (s *Shell) onOff(name string, args []string, dst *bool) error {
	if len(args) != 1 {
		return errUsage
	}
	b, err := parseBool(args[0])
	if err != nil {
		return fmt.Errorf(".%s: %w", name, err)
	}
	*dst = b
	return nil
}

func (s *Shell) dotChanges(args []string) error { return s.onOff("changes", args, &s.changes) }
func (s *Shell) dotEcho(args []string) error    { return s.onOff("echo", args, &s.echo) }
func (s *Shell) dotTimer(args []string) error   { return s.onOff("timer", args, &s.timer) }

func (s *Shell) dotNullValue(args []string) error {
	if len(args) != 1 {
		return errUsage
	}
	s.format.null = resolveBackslashes(args[0])
	return nil
}

func (s *Shell) dotSeparator(args []string) error {
	if len(args) < 1 || len(args) > 2 {
		return errUsage
	}
	s.format.colSep = resolveBackslashes(args[0])
	if len(args) == 2 {
		s.format.rowSep = resolveBackslashes(args[1])
	}
	return nil
}

// resolveBackslashes turns \t, \n, \r and \\ into the characters they name,
// as sqlite3 does for dot-command arguments.
func resolveBackslashes(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			c = unescape(s[i])
		}
		b.WriteByte(c)
	}
	return b.String()
}

func (s *Shell) dotOutput(args []string) error {
	switch len(args) {
	case 0:
		s.restoreOutput()
		return nil
	case 1:
		return s.redirect(args[0], false)
	}
	return errUsage
}

func (s *Shell) dotOnce(args []string) error {
	if len(args) != 1 {
		return errUsage
	}
	return s.redirect(args[0], true)
}

// redirect sends output to the file name ("stdout" or "-" for stdout),
// for the next command only when once.
func (s *Shell) redirect(name string, once bool) error {
	s.restoreOutput()
	if name == "stdout" || name == "-" {
		return nil
	}
	f, err := os.Create(name)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is in the message already
		}
		return fmt.Errorf("cannot open %q: %v", name, err)
	}
	s.out.Flush()
	s.outFile, s.outName, s.once = f, name, once
	s.out = bufio.NewWriterSize(f, 64<<10)
	return nil
}

// restoreOutput ends a .output or .once redirection.
func (s *Shell) restoreOutput() {
	s.once = false
	if s.outFile == nil {
		return
	}
	if err := s.out.Flush(); err != nil {
		s.out = s.stdout
		s.fail("Error: writing %s: %v", s.outName, err)
	}
	if err := s.outFile.Close(); err != nil {
		s.fail("Error: closing %s: %v", s.outName, err)
	}
	s.outFile, s.outName, s.out = nil, "", s.stdout
}

func (s *Shell) dotOpen(args []string) error {
	readOnly := false
	path := ""
	for _, a := range args {
		switch {
		case a == "--readonly" || a == "-readonly":
			readOnly = true
		case strings.HasPrefix(a, "-"):
			return fmt.Errorf(".open: unknown option %q", a)
		case path == "":
			path = a
		default:
			return errUsage
		}
	}
	if err := s.closeDB(); err != nil {
		s.errorf("Error: closing database: %v", err)
	}
	if err := s.open(path, readOnly); err != nil {
		// As sqlite3 does, stay usable on a transient database.
		if merr := s.open("", false); merr != nil {
			return fmt.Errorf("unable to open database %q: %v; and no in-memory database: %v", path, err, merr)
		}
		return fmt.Errorf("unable to open database %q: %v", path, err)
	}
	return nil
}

func (s *Shell) dotDatabases(args []string) error {
	if len(args) != 0 {
		return errUsage
	}
	rows, err := s.query("SELECT name, file FROM pragma_database_list ORDER BY seq")
	if err != nil {
		return err
	}
	for _, r := range rows {
		rw := "r/w"
		s.withDB(func(db dbHandle) error {
			if db.readOnly(r[0]) {
				rw = "r/o"
			}
			return nil
		})
		fmt.Fprintf(s.out, "%s: %s %s\n", r[0], r[1], rw)
	}
	return nil
}

func (s *Shell) dotIndexes(args []string) error {
	return s.printSchemaNames(args, "type = 'index' AND tbl_name LIKE %s")
}

func (s *Shell) dotShow(args []string) error {
	if len(args) != 0 {
		return errUsage
	}
	onoff := func(b bool) string {
		if b {
			return "on"
		}
		return "off"
	}
	output := "stdout"
	if s.outFile != nil {
		output = s.outName
	}
	file := s.dbPath
	if file == "" {
		file = ":memory:"
	}
	for _, kv := range [][2]string{
		{"echo", onoff(s.echo)},
		{"headers", onoff(s.format.header)},
		{"mode", string(s.mode)},
		{"nullvalue", strconv.Quote(s.format.null)},
		{"output", output},
		{"colseparator", strconv.Quote(s.format.colSep)},
		{"rowseparator", strconv.Quote(s.format.rowSep)},
		{"bail", onoff(s.bail)},
		{"changes", onoff(s.changes)},
		{"timer", onoff(s.timer)},
		{"filename", file},
	} {
		fmt.Fprintf(s.out, "%12s: %s\n", kv[0], kv[1])
	}
	return nil
}

// printRows prints rows with the current mode, always with a header.
func (s *Shell) printRows(cols []string, rows [][]value) {
	f := s.printFormat()
	f.header = true
	p := newPrinter(s.mode, f, s.out)
	p.begin(cols)
	for _, r := range rows {
		p.row(r)
	}
	p.end()
}

// likeMatch reports whether name matches pattern as SQLite's LIKE (without
// ESCAPE) decides, which is how .tables, .functions and .models filter, as
// sqlite3's .tables does: % matches any run of characters, _ any one
// character, letters match ignoring ASCII case, and a pattern without
// wildcards must equal the whole name ("kmeans" matches only "kmeans"; use
// "kmeans%" or "%kmeans%"). An empty pattern matches everything.
func likeMatch(pattern, name string) bool {
	if pattern == "" {
		return true
	}
	return like([]rune(pattern), []rune(name))
}

func like(p, s []rune) bool {
	for len(p) > 0 {
		switch c := p[0]; c {
		case '%':
			for len(p) > 0 && (p[0] == '%' || p[0] == '_') {
				if p[0] == '_' { // "%_" needs one character more
					if len(s) == 0 {
						return false
					}
					s = s[1:]
				}
				p = p[1:]
			}
			if len(p) == 0 {
				return true
			}
			for i := 0; i <= len(s); i++ {
				if like(p, s[i:]) {
					return true
				}
			}
			return false
		case '_':
			if len(s) == 0 {
				return false
			}
		default:
			if len(s) == 0 || foldASCII(s[0]) != foldASCII(c) {
				return false
			}
		}
		p, s = p[1:], s[1:]
	}
	return len(s) == 0
}

func foldASCII(r rune) rune {
	if 'A' <= r && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// dotFunctions lists marketsql's SQL functions from the registry the engine
// registers them from.
func (s *Shell) dotFunctions(args []string) error {
	if len(args) > 1 {
		return errUsage
	}
	pattern := ""
	if len(args) == 1 {
		pattern = args[0]
	}
	docs := engine.Functions()
	sort.Slice(docs, func(i, j int) bool { return docs[i].Name < docs[j].Name })
	var rows [][]value
	for _, d := range docs {
		if !likeMatch(pattern, d.Name) {
			continue
		}
		rows = append(rows, []value{{typ: typeText, text: d.Name}, {typ: typeText, text: d.Kind},
			{typ: typeText, text: d.Signature}, {typ: typeText, text: d.Summary}})
	}
	if len(rows) == 0 {
		if pattern != "" {
			return fmt.Errorf("no marketsql function matches %q", pattern)
		}
		return nil
	}
	s.printRows([]string{"name", "kind", "signature", "summary"}, rows)
	return nil
}

// dotModels prints the model catalog (ml_models) as a table.
func (s *Shell) dotModels(args []string) error {
	if len(args) > 1 {
		return errUsage
	}
	pattern := ""
	if len(args) == 1 {
		pattern = args[0]
	}
	exists, err := s.query("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'ml_models'")
	if err != nil {
		return err
	}
	if len(exists) == 0 {
		fmt.Fprintln(s.out, "(no models: this database has no model catalog yet)")
		return nil
	}
	q := `SELECT name, kind, version, n_rows, round(train_seconds, 2), created_at, source FROM ml_models ORDER BY name`
	var rows [][]value
	err = s.withDB(func(db dbHandle) error {
		st, err := db.prepareString(q)
		if err != nil {
			return err
		}
		vals := make([]value, st.columnCount())
		for st.step() == sqliteRow {
			st.row(vals)
			if !likeMatch(pattern, vals[0].text) {
				continue
			}
			rows = append(rows, append([]value(nil), vals...))
		}
		if rc := st.finalize(); rc != sqliteOK {
			return fmt.Errorf("reading ml_models: %s", db.errmsg())
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		fmt.Fprintln(s.out, "(no models)")
		return nil
	}
	s.printRows([]string{"name", "kind", "version", "rows", "seconds", "created_at", "source"}, rows)
	return nil
}
