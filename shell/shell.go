// Package shell is marketsql's command line as a library: Run reads SQL
// statements and dot-commands, runs them on a marketsql database and prints
// the results in the output formats of the sqlite3 command-line shell, so
// that tests and other programs drive it with readers and writers instead of
// a terminal.
//
// Input is split into statements with SQLite's own sqlite3_complete and
// sqlite3_prepare_v2, and values are printed by their storage class with
// SQLite's own number formatting: list, csv and json output are byte for
// byte what sqlite3 prints for the same query.
package shell

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/seed-a084b42d/marketsql/engine"
)

// Config is what the command line sets.
type Config struct {
	// DBPath is the database file; "" or ":memory:" is an in-memory database.
	DBPath string
	// Mode is the initial output mode; "" means ModeList.
	Mode Mode
	// Header prints column names above the rows in list and csv modes
	// (table and box always show them; json has them in every object).
	Header bool
	// Bail stops at the first error.
	Bail bool
	// SQL, when not empty, is run instead of reading stdin: one or more SQL
	// statements, or a single dot-command (".import ...").
	SQL string
}

// ErrFailed is returned (wrapped) by Run when a statement or dot-command
// failed. Its messages have already been written to stderr.
var ErrFailed = errors.New("shell: errors occurred")

// opener opens the database; tests replace it.
var opener = func(path string) (*sql.DB, io.Closer, error) {
	e, err := engine.Open(path, nil)
	if err != nil {
		return nil, nil, err
	}
	return e.DB(), e, nil
}

// Run opens cfg.DBPath and runs cfg.SQL, or else every statement and
// dot-command read from stdin, writing results to stdout and diagnostics
// to stderr. It returns nil when everything succeeded, an error wrapping
// ErrFailed when some statement failed (reported on stderr already), and
// any other error (also reported on stderr) when the database could not be
// opened or output could not be written.
func Run(ctx context.Context, cfg Config, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	if cfg.Mode == "" {
		cfg.Mode = ModeList
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	s := &Shell{
		ctx:    ctx,
		out:    out,
		stderr: stderr,
		mode:   cfg.Mode,
		format: format{header: cfg.Header, colSep: "|", rowSep: "\n"},
		bail:   cfg.Bail,
	}
	if _, ok := parseMode(string(cfg.Mode)); !ok {
		s.errorf("Error: unknown mode %q; want one of %s", cfg.Mode, modeList())
		return fmt.Errorf("shell: unknown mode %q", cfg.Mode)
	}
	s.setModeSeparators(cfg.Mode, false)

	path := cfg.DBPath
	if path == "" {
		path = ":memory:"
	}
	db, closer, err := opener(path)
	if err != nil {
		s.errorf("Error: unable to open database %q: %v", cfg.DBPath, err)
		return err
	}
	defer func() {
		if cerr := closer.Close(); cerr != nil && err == nil {
			s.errorf("Error: closing database: %v", cerr)
			err = cerr
		}
	}()
	conn, err := db.Conn(ctx)
	if err != nil {
		s.errorf("Error: unable to open database %q: %v", cfg.DBPath, err)
		return err
	}
	defer conn.Close()
	s.conn = conn

	if cfg.SQL != "" {
		s.runArgument(cfg.SQL)
	} else {
		s.processInput(stdin)
	}
	if ferr := out.Flush(); ferr != nil {
		fmt.Fprintf(stderr, "Error: writing output: %v\n", ferr)
		return ferr
	}
	if s.nErr > 0 {
		return fmt.Errorf("%w: %d error(s)", ErrFailed, s.nErr)
	}
	return nil
}

// Shell is the state of one session: the connection, the output settings
// the dot-commands change, and the error count.
type Shell struct {
	ctx    context.Context
	conn   *sql.Conn
	out    *bufio.Writer
	stderr io.Writer
	mode   Mode
	format format
	bail   bool
	nErr   int
	quit   bool
}

// errorf reports an error on stderr, after the output written so far.
func (s *Shell) errorf(format string, args ...any) {
	s.out.Flush()
	fmt.Fprintf(s.stderr, format+"\n", args...)
}

// fail reports an error and counts it.
func (s *Shell) fail(format string, args ...any) {
	s.errorf(format, args...)
	s.nErr++
}

// runArgument runs the SQL (or dot-command) given on the command line.
func (s *Shell) runArgument(text string) {
	if strings.HasPrefix(text, ".") {
		s.dotCommand(text)
		return
	}
	if err := s.execSQL(text); err != nil {
		s.fail("Error: %s", err.phase+", "+err.detail())
	}
}

// processInput runs the statements and dot-commands of a script: a
// dot-command is a line starting with '.', a line starting with '#' is a
// comment, and SQL lines accumulate until they form complete statements.
func (s *Shell) processInput(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<30)
	var buf strings.Builder
	var scan quickScan
	lineno, startline := 0, 0
	for sc.Scan() && !s.quit && (s.nErr == 0 || !s.bail) {
		if err := s.ctx.Err(); err != nil {
			s.fail("Error: %v", err)
			return
		}
		line := strings.TrimSuffix(sc.Text(), "\r")
		lineno++
		white := scan.line(line)
		if buf.Len() == 0 {
			if white && !scan.inComment {
				scan = quickScan{}
				continue // blank or comment-only lines between statements
			}
			if line[0] == '.' {
				s.dotCommand(line)
				scan = quickScan{}
				continue
			}
			if line[0] == '#' {
				scan = quickScan{}
				continue
			}
			buf.WriteString(strings.TrimLeft(line, " \t\n\v\f\r"))
			startline = lineno
		} else {
			buf.WriteByte('\n')
			buf.WriteString(line)
		}
		switch {
		case scan.endsWithSemi && sqliteComplete(buf.String()+"\n"):
			s.runLines(buf.String(), startline)
			buf.Reset()
			scan = quickScan{}
		case white && !scan.inComment:
			buf.Reset() // only comments so far
			scan = quickScan{}
		}
	}
	if err := sc.Err(); err != nil {
		s.fail("Error: reading input: %v", err)
		return
	}
	if buf.Len() > 0 && !s.quit && (s.nErr == 0 || !s.bail) {
		if strings.TrimSpace(buf.String()) != "" {
			s.runLines(buf.String(), startline)
		}
	}
}

// runLines runs a group of complete statements that began on startline.
func (s *Shell) runLines(text string, startline int) {
	if err := s.execSQL(text); err != nil {
		kind := "Error"
		switch err.phase {
		case phasePrepare:
			kind = "Parse error"
		case phaseStep:
			kind = "Runtime error"
		}
		s.fail("%s near line %d: %s", kind, startline, err.detail())
	}
}

func modeList() string {
	names := make([]string, len(modes))
	for i, m := range modes {
		names[i] = string(m)
	}
	return strings.Join(names, " ")
}

// setModeSeparators sets the separators a mode implies. As in sqlite3, the
// -csv flag ends rows with "\n" and ".mode csv" with "\r\n".
func (s *Shell) setModeSeparators(m Mode, dot bool) {
	switch m {
	case ModeCSV:
		s.format.colSep = ","
		s.format.rowSep = "\n"
		if dot {
			s.format.rowSep = "\r\n"
		}
	case ModeList:
		s.format.colSep = "|"
		s.format.rowSep = "\n"
	}
}

// quickScan follows input line by line the way sqlite3's shell does before
// it asks sqlite3_complete: whether everything since the last reset is
// whitespace and comments, and whether the text ends in a ';' outside
// strings and comments. It only decides when to call sqlite3_complete, so
// it need not be exact about SQL.
type quickScan struct {
	inComment    bool // inside /* ... */
	quote        byte // inside a quoted string or identifier
	nonWhite     bool // something other than whitespace or comments seen
	endsWithSemi bool
}

// line scans one more line and reports whether all text so far is
// whitespace or comments.
func (q *quickScan) line(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q.inComment:
			if c == '*' && i+1 < len(s) && s[i+1] == '/' {
				q.inComment = false
				i++
			}
		case q.quote != 0:
			if c == q.quote {
				q.quote = 0
			}
		case c == '-' && i+1 < len(s) && s[i+1] == '-':
			i = len(s)
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			q.inComment = true
			i++
		case isSpace(c):
		default:
			q.nonWhite = true
			q.endsWithSemi = c == ';'
			switch c {
			case '\'', '"', '`':
				q.quote = c
			case '[':
				q.quote = ']'
			}
		}
	}
	return !q.nonWhite
}
