package shell

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
)

// dotCmd is one dot-command. run returns an error to report; the shell
// prints it as "Error: ..." and counts it.
type dotCmd struct {
	name  string
	args  string // usage, after the name
	help  string
	run   func(s *Shell, args []string) error
	alias []string
	// line, when set, runs instead of run with the text after the
	// command's name as typed (.chart's SQL keeps its quotes and spaces).
	line func(s *Shell, rest string) error
	// details, when set, are printed under the usage by ".help NAME".
	details string
}

// dotCmds is the dot-command table; .help prints it in this order.
var dotCmds []dotCmd

func init() {
	dotCmds = []dotCmd{
		{name: "bail", args: "on|off", help: "stop after hitting an error", run: (*Shell).dotBail},
		{name: "changes", args: "on|off", help: "show the number of rows changed by SQL", run: (*Shell).dotChanges},
		{name: "chart", args: "KIND [COLUMN...] [-o FILE] [SQL]", help: "chart the last query's rows, or SQL's, to a PNG or SVG file (.help chart)", line: (*Shell).dotChart, details: chartHelp},
		{name: "databases", args: "", help: "list names and files of attached databases", run: (*Shell).dotDatabases},
		{name: "echo", args: "on|off", help: "turn command echo on or off", run: (*Shell).dotEcho},
		{name: "exit", args: "[CODE]", help: "exit this program, with exit status CODE", run: (*Shell).dotExit},
		{name: "functions", args: "[PATTERN]", help: "list marketsql's SQL functions matching a LIKE pattern, with signatures", run: (*Shell).dotFunctions},
		{name: "headers", args: "on|off", help: "turn display of headers on or off", run: (*Shell).dotHeaders, alias: []string{"header"}},
		{name: "help", args: "[COMMAND]", help: "show this message, or the commands starting with COMMAND", run: (*Shell).dotHelp},
		{name: "import", args: "[--csv|--tsv] [--skip N] FILE TABLE", help: "import CSV or TSV data (optionally gzip-compressed) from FILE into TABLE", run: (*Shell).dotImport},
		{name: "indexes", args: "[TABLE]", help: "show names of indexes (on tables matching TABLE)", run: (*Shell).dotIndexes, alias: []string{"indices"}},
		{name: "mode", args: "[MODE] [TABLE]", help: "set the output mode: " + modeList(), run: (*Shell).dotMode},
		{name: "models", args: "[PATTERN]", help: "list the trained models of the catalog whose names match a LIKE pattern", run: (*Shell).dotModels},
		{name: "nullvalue", args: "STRING", help: "use STRING in place of NULL values", run: (*Shell).dotNullValue},
		{name: "once", args: "FILE", help: "send the output of the next command to FILE", run: (*Shell).dotOnce},
		{name: "open", args: "[--readonly] [FILE]", help: "close this database and open FILE (none: in-memory)", run: (*Shell).dotOpen},
		{name: "output", args: "[FILE]", help: "send output to FILE, or back to stdout without FILE", run: (*Shell).dotOutput},
		{name: "quit", args: "", help: "exit this program", run: (*Shell).dotQuit},
		{name: "read", args: "FILE", help: "read input from FILE", run: (*Shell).dotRead},
		{name: "report", args: "[MODEL...] -o FILE.html", help: "write an HTML page of the models' cards and charts (--select-k: add inertia over k)", run: (*Shell).dotReport},
		{name: "schema", args: "[PATTERN]", help: "show the CREATE statements matching PATTERN", run: (*Shell).dotSchema},
		{name: "separator", args: "COL [ROW]", help: "change the column and row separators", run: (*Shell).dotSeparator},
		{name: "show", args: "", help: "show the current values of the settings", run: (*Shell).dotShow},
		{name: "tables", args: "[PATTERN]", help: "list names of tables matching a LIKE pattern", run: (*Shell).dotTables},
		{name: "timer", args: "on|off", help: "turn the CPU timer measurement on or off", run: (*Shell).dotTimer},
	}
}

// errUsage makes the shell print the command's usage.
var errUsage = errors.New("usage")

func lookupDot(name string) *dotCmd {
	for i := range dotCmds {
		c := &dotCmds[i]
		if c.name == name {
			return c
		}
		for _, a := range c.alias {
			if a == name {
				return c
			}
		}
	}
	return nil
}

// dotCommand runs one dot-command line.
func (s *Shell) dotCommand(line string) {
	args := splitDotArgs(line[1:])
	if len(args) == 0 {
		s.fail("Error: unknown command or invalid arguments:  %q. Enter \".help\" for help", "")
		return
	}
	c := lookupDot(args[0])
	if c == nil {
		s.fail("Error: unknown command or invalid arguments:  %q. Enter \".help\" for help", args[0])
		return
	}
	var err error
	if c.line != nil {
		err = c.line(s, dotRest(line))
	} else {
		err = c.run(s, args[1:])
	}
	if err != nil {
		if errors.Is(err, errUsage) {
			s.fail("Usage: .%s %s", c.name, c.args)
			return
		}
		s.fail("Error: %v", err)
	}
}

// dotRest is the text of a dot-command line after the command's name.
func dotRest(line string) string {
	i := skipSpace(line, 1)
	for i < len(line) && !isSpace(line[i]) {
		i++
	}
	return line[i:]
}

// splitDotArgs splits a dot-command line into words. A word may be quoted
// with '...' (taken literally) or "..." (where backslash escapes work).
func splitDotArgs(line string) []string {
	var args []string
	for _, w := range dotWords(line) {
		args = append(args, w.text)
	}
	return args
}

// dotWord is a word of a dot-command's arguments and where it starts.
type dotWord struct {
	text   string
	quoted bool
	off    int
}

// dotWords splits line as splitDotArgs does, remembering where each word
// starts and whether it was quoted, so that a command can take the rest of
// the line as typed (the SQL at the end of .chart).
func dotWords(line string) []dotWord {
	var words []dotWord
	i := 0
	for {
		i = skipSpace(line, i)
		if i >= len(line) {
			return words
		}
		w := dotWord{off: i}
		var b strings.Builder
		switch q := line[i]; q {
		case '\'', '"':
			w.quoted = true
			i++
			for i < len(line) && line[i] != q {
				c := line[i]
				if c == '\\' && q == '"' && i+1 < len(line) {
					i++
					c = unescape(line[i])
				}
				b.WriteByte(c)
				i++
			}
			i++ // the closing quote
		default:
			for i < len(line) && !isSpace(line[i]) {
				b.WriteByte(line[i])
				i++
			}
		}
		w.text = b.String()
		words = append(words, w)
	}
}

func unescape(c byte) byte {
	switch c {
	case 'n':
		return '\n'
	case 't':
		return '\t'
	case 'r':
		return '\r'
	}
	return c
}

func parseBool(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "on", "yes", "true", "1":
		return true, nil
	case "off", "no", "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("not a boolean value: %q (use on or off)", s)
}

func (s *Shell) dotBail(args []string) error {
	if len(args) != 1 {
		return errUsage
	}
	b, err := parseBool(args[0])
	if err != nil {
		return fmt.Errorf(".bail: %w", err)
	}
	s.bail = b
	return nil
}

func (s *Shell) dotHeaders(args []string) error {
	if len(args) != 1 {
		return errUsage
	}
	b, err := parseBool(args[0])
	if err != nil {
		return fmt.Errorf(".headers: %w", err)
	}
	s.format.header = b
	return nil
}

// dotQuit is .quit, which like sqlite3's ignores its arguments and exits
// with status 0 (.exit CODE sets the status).
func (s *Shell) dotQuit([]string) error {
	s.quit = true
	return nil
}

func (s *Shell) dotExit(args []string) error {
	switch len(args) {
	case 0:
	case 1:
		code, err := strconv.Atoi(args[0])
		if err != nil {
			return fmt.Errorf(".exit: not an exit status: %q", args[0])
		}
		s.exitCode = code
	default:
		return errUsage
	}
	s.quit = true
	return nil
}

func (s *Shell) dotHelp(args []string) error {
	if len(args) > 1 {
		return errUsage
	}
	usage := func(c dotCmd) string {
		u := "." + c.name
		if c.args != "" {
			u += " " + c.args
		}
		return u
	}
	w := 0
	for _, c := range dotCmds {
		w = max(w, len(usage(c)))
	}
	n := 0
	for _, c := range dotCmds {
		if len(args) == 1 && !strings.HasPrefix(c.name, strings.TrimPrefix(args[0], ".")) {
			continue
		}
		fmt.Fprintf(s.out, "%-*s  %s\n", w, usage(c), c.help)
		if len(args) == 1 && c.name == strings.TrimPrefix(args[0], ".") {
			s.out.WriteString(c.details)
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("no dot-command starts with %q", args[0])
	}
	return nil
}

func (s *Shell) dotMode(args []string) error {
	switch len(args) {
	case 0:
		fmt.Fprintf(s.out, "current output mode: %s\n", s.mode)
		return nil
	case 1, 2:
	default:
		return errUsage
	}
	m, ok := parseMode(args[0])
	if !ok {
		return fmt.Errorf("mode should be one of: %s", modeList())
	}
	if len(args) == 2 && m != ModeInsert {
		return errUsage
	}
	s.mode = m
	s.setModeSeparators(m, true)
	if m == ModeInsert {
		table := "table"
		if len(args) == 2 {
			table = args[1]
		}
		s.format.table = quoteIfNeeded(table)
	}
	return nil
}

func (s *Shell) dotRead(args []string) error {
	if len(args) != 1 {
		return errUsage
	}
	f, err := os.Open(args[0])
	if err != nil {
		return fmt.Errorf("cannot open %q", args[0])
	}
	defer f.Close()
	s.processInput(f)
	return nil
}

// query runs one statement of the shell's own and returns its rows as text
// (NULL as "").
func (s *Shell) query(sql string) ([][]string, error) {
	var rows [][]string
	err := s.withDB(func(db dbHandle) error {
		st, err := db.prepareString(sql)
		if err != nil {
			return err
		}
		vals := make([]value, st.columnCount())
		for st.step() == sqliteRow {
			st.row(vals)
			r := make([]string, len(vals))
			for i, v := range vals {
				r[i] = v.text
			}
			rows = append(rows, r)
		}
		if rc := st.finalize(); rc != sqliteOK {
			return errors.New(db.errmsg())
		}
		return nil
	})
	return rows, err
}

// schemas returns the attached database names in order: main, temp, others.
func (s *Shell) schemas() ([]string, error) {
	rows, err := s.query("SELECT name FROM pragma_database_list ORDER BY seq")
	if err != nil {
		return nil, err
	}
	names := make([]string, len(rows))
	for i, r := range rows {
		names[i] = r[0]
	}
	return names, nil
}

func (s *Shell) dotTables(args []string) error {
	return s.printSchemaNames(args, `type IN ('table','view') AND name NOT LIKE 'sqlite\_%%' ESCAPE '\' AND name LIKE %s`)
}

// printSchemaNames is .tables and .indexes [PATTERN]: it prints in columns
// the names of the sqlite_schema rows of every attached database (prefixed
// with the database's name outside main) that satisfy cond, a format whose
// one %s is the quoted LIKE pattern (every name when it is left out).
func (s *Shell) printSchemaNames(args []string, cond string) error {
	if len(args) > 1 {
		return errUsage
	}
	pattern := "%"
	if len(args) == 1 {
		pattern = args[0]
	}
	dbs, err := s.schemas()
	if err != nil {
		return err
	}
	where := fmt.Sprintf(cond, quoteString(pattern))
	var names []string
	for _, db := range dbs {
		prefix := ""
		if db != "main" {
			prefix = db + "."
		}
		rows, err := s.query(fmt.Sprintf("SELECT %s || name FROM %s.sqlite_schema WHERE %s ORDER BY 1",
			quoteString(prefix), quoteIdent(db), where))
		if err != nil {
			return err
		}
		for _, r := range rows {
			names = append(names, r[0])
		}
	}
	sort.Strings(names)
	s.printColumns(names)
	return nil
}

// printColumns prints names in columns as sqlite3's .tables does: filled
// top to bottom, 80 wide.
func (s *Shell) printColumns(names []string) {
	if len(names) == 0 {
		return
	}
	maxlen := 0
	for _, n := range names {
		maxlen = max(maxlen, len(n))
	}
	ncol := max(80/(maxlen+2), 1)
	nrow := (len(names) + ncol - 1) / ncol
	for i := 0; i < nrow; i++ {
		for j := i; j < len(names); j += nrow {
			if j >= nrow {
				s.out.WriteString("  ")
			}
			fmt.Fprintf(s.out, "%-*s", maxlen, names[j])
		}
		s.out.WriteByte('\n')
	}
}

func (s *Shell) dotSchema(args []string) error {
	if len(args) > 1 {
		return errUsage
	}
	dbs, err := s.schemas()
	if err != nil {
		return err
	}
	where := "sql IS NOT NULL"
	if len(args) == 1 {
		op := " LIKE "
		if strings.ContainsAny(args[0], "*?[") {
			op = " GLOB "
		}
		where += " AND lower(tbl_name)" + op + quoteString(strings.ToLower(args[0]))
	}
	for _, db := range dbs {
		rows, err := s.query(fmt.Sprintf("SELECT sql FROM %s.sqlite_schema WHERE %s ORDER BY rowid", quoteIdent(db), where))
		if err != nil {
			return err
		}
		for _, r := range rows {
			s.out.WriteString(schemaLine(r[0]))
		}
	}
	return nil
}

// schemaLine prints a CREATE statement as sqlite3's .schema does: a table
// whose name is quoted gets IF NOT EXISTS, and a statement ending in a
// comment gets its ';' where it still terminates the statement.
func schemaLine(sql string) string {
	if strings.Contains(sql, "/*") || strings.Contains(sql, "--") {
		for _, term := range []string{"", "*/", "\n"} {
			if sqliteComplete(sql + term + ";") {
				sql += term
				break
			}
		}
	}
	if strings.HasPrefix(sql, "CREATE TABLE ") && len(sql) > 13 && (sql[13] == '"' || sql[13] == '\'') {
		sql = "CREATE TABLE IF NOT EXISTS " + sql[13:]
	}
	return sql + ";\n"
}

// quoteIdent quotes an SQL identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteString quotes an SQL string literal.
func quoteString(s string) string { return `'` + strings.ReplaceAll(s, `'`, `''`) + `'` }
