// Package shell is marketsql's command line as a library: Run reads SQL
// statements and dot-commands, runs them on a marketsql database and prints
// the results in the output formats of the sqlite3 command-line shell, so
// that tests and other programs drive it with readers and writers instead of
// a terminal.
//
// Input is split into statements with SQLite's own sqlite3_complete and
// sqlite3_prepare_v2, and values are printed by their storage class with
// SQLite's own number formatting: every mode sqlite3 3.40 has (list, csv,
// tabs, json, line, html, insert, quote, table, box, markdown) prints byte
// for byte what it prints for the same query.
//
// With Config.Interactive the shell reads the process's terminal instead,
// with line editing, a history file and tab completion (github.com/peterh/liner),
// and Config.Interrupt (Ctrl-C) interrupts the running statement, training
// included, and returns to the prompt. Long calls draw their progress on
// stderr when Config.Progress is set. Files: shell.go (Run, input),
// exec.go (statements), output.go (modes), dot.go and session.go
// (dot-commands), import.go (.import), chart.go (.chart), report.go
// (.report and the report subcommand), interactive.go and complete.go
// (the terminal), progress.go, term.go, sqlite.go (SQLite's C API).
package shell

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/seed-a084b42d/marketsql/engine"
)

// Config is what the command line sets.
type Config struct {
	// DBPath is the database file; "" or ":memory:" is an in-memory database.
	DBPath string
	// ReadOnly opens the database read-only.
	ReadOnly bool
	// Mode is the initial output mode; "" means ModeList.
	Mode Mode
	// Header prints column names above the rows in list and csv modes
	// (table and box always show them; json has them in every object).
	Header bool
	// ColSep and RowSep, when not empty, replace the mode's separators
	// (sqlite3's -separator and -newline).
	ColSep, RowSep string
	// NullValue is the text shown for NULL.
	NullValue string
	// Bail stops at the first error.
	Bail bool
	// Echo prints each command before running it.
	Echo bool
	// Commands run first, in order, each an SQL text or a dot-command
	// (sqlite3's -cmd).
	Commands []string
	// Args, when not empty, are run instead of reading stdin: each is one
	// or more SQL statements, or a single dot-command (".import ...").
	Args []string
	// Interactive reads commands from the terminal with line editing,
	// history and completion instead of from stdin (which must then be
	// the process's terminal), and keeps going after errors.
	Interactive bool
	// HistoryFile is where interactive input is remembered between
	// sessions; "" means no history file.
	HistoryFile string
	// Banner is printed on stdout when an interactive session starts.
	Banner string
	// Progress draws the progress of long calls (training) on stderr,
	// which should be a terminal.
	Progress bool
	// Width, when positive, is the width of the terminal stdout writes to:
	// box and table output then right-align numbers and truncate wide
	// columns to fit it.
	Width int
	// Interrupt, when set, interrupts the running statement (training
	// included) each time it receives; an interactive session then returns
	// to the prompt, a script stops. It is how Ctrl-C reaches the shell.
	Interrupt <-chan struct{}
}

// ErrFailed is returned (wrapped) by Run when a statement or dot-command
// failed. Its messages have already been written to stderr.
var ErrFailed = errors.New("shell: errors occurred")

// opener opens the database; tests replace it.
var opener = func(path string, opts *engine.Options) (*sql.DB, io.Closer, error) {
	e, err := engine.Open(path, opts)
	if err != nil {
		return nil, nil, err
	}
	return e.DB(), e, nil
}

// Run opens cfg.DBPath and runs cfg.Commands, then cfg.Args or else every
// statement and dot-command read from stdin (or the terminal, when
// cfg.Interactive), writing results to stdout and diagnostics to stderr.
// It returns nil when everything succeeded, an *ExitError after ".exit
// CODE" (CODE not 0), an error wrapping ErrFailed when some statement
// failed (reported on stderr already), and any other
// error (also reported on stderr) when the database could not be opened or
// output could not be written.
func Run(ctx context.Context, cfg Config, stdin io.Reader, stdout, stderr io.Writer) (err error) {
	if cfg.Mode == "" {
		cfg.Mode = ModeList
	}
	out := bufio.NewWriterSize(stdout, 64<<10)
	s := &Shell{
		ctx:       ctx,
		cfg:       cfg,
		out:       out,
		stdout:    out,
		stderr:    stderr,
		mode:      cfg.Mode,
		format:    format{header: cfg.Header, colSep: "|", rowSep: "\n", null: cfg.NullValue, table: quoteIfNeeded("table"), width: cfg.Width},
		bail:      cfg.Bail,
		echo:      cfg.Echo,
		interrupt: cfg.Interrupt,
	}
	if cfg.Progress {
		s.progress = newProgressBar(stderr, cfg.Width)
	}
	if _, ok := parseMode(string(cfg.Mode)); !ok {
		s.errorf("Error: unknown mode %q; want one of %s", cfg.Mode, modeList())
		return fmt.Errorf("shell: unknown mode %q", cfg.Mode)
	}
	s.setModeSeparators(cfg.Mode, false)
	if cfg.ColSep != "" {
		s.format.colSep = cfg.ColSep
	}
	if cfg.RowSep != "" {
		s.format.rowSep = cfg.RowSep
	}

	if err := s.open(cfg.DBPath, cfg.ReadOnly); err != nil {
		s.errorf("Error: unable to open database %q: %v", cfg.DBPath, err)
		return err
	}
	defer func() {
		if cerr := s.closeDB(); cerr != nil && err == nil {
			s.errorf("Error: closing database: %v", cerr)
			err = cerr
		}
	}()

	done := func() bool { return s.stopped() || s.interrupted.Load() }
	for _, c := range cfg.Commands {
		if done() {
			break
		}
		s.runArgument(c)
	}
	switch {
	case done():
	case len(cfg.Args) > 0:
		for _, a := range cfg.Args {
			if done() {
				break
			}
			s.runArgument(a)
		}
	case cfg.Interactive:
		// Errors typed at the terminal were seen there and do not make the
		// session fail (sqlite3 exits with 1 after any).
		n := s.nErr
		s.interactive()
		s.nErr = n
	default:
		s.processInput(stdin)
	}
	s.restoreOutput()
	if ferr := out.Flush(); ferr != nil {
		fmt.Fprintf(stderr, "Error: writing output: %v\n", ferr)
		return ferr
	}
	if s.exitCode != 0 {
		return &ExitError{Code: s.exitCode}
	}
	if s.nErr > 0 {
		return fmt.Errorf("%w: %d error(s)", ErrFailed, s.nErr)
	}
	return nil
}

// ExitError is returned by Run when a command ".exit CODE" with a CODE
// other than 0 ended the session.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("shell: .exit %d", e.Code) }

// Shell is the state of one session: the connection, the output settings
// the dot-commands change, and the error count.
type Shell struct {
	ctx      context.Context
	cfg      Config
	conn     *sql.Conn
	closer   io.Closer
	dbPath   string
	readOnly bool

	out     *bufio.Writer // where results go: stdout, or a file of .output/.once
	stdout  *bufio.Writer
	outFile *os.File // the file of .output/.once, nil for stdout
	outName string
	once    bool // restore stdout after the next command
	stderr  io.Writer

	mode      Mode
	format    format
	bail      bool
	echo      bool
	timer     bool
	changes   bool
	nErr      int
	quit      bool
	exitCode  int // of .exit CODE
	progress  *progressBar
	importing *countingReader // the file .import is reading, for its progress
	lastQuery string          // the last statement that returned columns, for .chart

	interrupt   <-chan struct{}
	interrupted atomic.Bool // an Interrupt arrived while a statement ran

	completion *completer
}

// open opens the database at path and takes one connection of it for the
// session.
func (s *Shell) open(path string, readOnly bool) error {
	p := path
	if p == "" {
		p = ":memory:"
	}
	opts := &engine.Options{ReadOnly: readOnly}
	if s.progress != nil {
		opts.Progress = s.progress.event
	}
	db, closer, err := opener(p, opts)
	if err != nil {
		return err
	}
	conn, err := db.Conn(s.ctx)
	if err != nil {
		closer.Close()
		return err
	}
	s.conn, s.closer, s.dbPath, s.readOnly = conn, closer, path, readOnly
	if s.completion != nil {
		s.completion.invalidate()
	}
	return nil
}

// closeDB closes the session's connection and database.
func (s *Shell) closeDB() error {
	if s.conn == nil {
		return nil
	}
	s.conn.Close()
	err := s.closer.Close()
	s.conn, s.closer = nil, nil
	return err
}

// errorf reports an error on stderr, after the output written so far.
func (s *Shell) errorf(format string, args ...any) {
	s.flush()
	fmt.Fprintf(s.stderr, format+"\n", args...)
}

// flush writes out what is buffered for the output file of .output or
// .once, if any, and for stdout.
func (s *Shell) flush() {
	if s.out != s.stdout {
		s.out.Flush()
	}
	s.stdout.Flush()
}

// fail reports an error and counts it.
func (s *Shell) fail(format string, args ...any) {
	s.errorf(format, args...)
	s.nErr++
}

// stopped reports whether input processing must end: .quit, an error
// under -bail, or the context cancelled.
func (s *Shell) stopped() bool {
	return s.quit || s.nErr > 0 && s.bail || s.ctx.Err() != nil
}

// runArgument runs the SQL (or dot-command) given on the command line.
func (s *Shell) runArgument(text string) {
	if strings.HasPrefix(text, ".") {
		s.runDot(text)
		return
	}
	s.echoText(text)
	start := s.startTimer()
	err := s.execSQL(text)
	s.stopTimer(start)
	if err != nil {
		s.fail("Error: %s", err.phase+", "+err.detail())
	} else {
		s.afterSQL()
	}
	s.endCommand()
}

// runDot runs a dot-command line, echoing it first when .echo is on.
func (s *Shell) runDot(line string) {
	s.echoText(line)
	once := s.once
	s.dotCommand(line)
	if once {
		s.endCommand()
	}
}

func (s *Shell) echoText(text string) {
	if s.echo {
		s.out.WriteString(text)
		s.out.WriteByte('\n')
	}
}

// endCommand ends the redirection of a .once after the command it applied to.
func (s *Shell) endCommand() {
	if s.once {
		s.restoreOutput()
	}
}

// lineReader gives the lines of input, one at a time; pending says
// whether an incomplete statement waits for more lines (a terminal then
// shows the continuation prompt).
type lineReader interface {
	readLine(pending bool) (string, error)
}

// errAborted is returned by a lineReader when the user abandoned the line
// being typed (Ctrl-C at the prompt).
var errAborted = errors.New("aborted")

type scanReader struct{ sc *bufio.Scanner }

func (r scanReader) readLine(bool) (string, error) {
	if !r.sc.Scan() {
		if err := r.sc.Err(); err != nil {
			return "", err
		}
		return "", io.EOF
	}
	return r.sc.Text(), nil
}

// processInput runs the statements and dot-commands of a script.
func (s *Shell) processInput(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<30)
	s.process(scanReader{sc}, false, nil)
}

// process runs the statements and dot-commands that lr gives, as the
// splitter groups them. interactive keeps going after errors and
// interrupts, and reports errors without line numbers; entered, if set,
// receives each command once complete, as one line (for history).
func (s *Shell) process(lr lineReader, interactive bool, entered func(string)) {
	var sp splitter
	for !s.quit && (interactive || !s.stopped()) {
		line, err := lr.readLine(sp.pending())
		if err == errAborted {
			sp.reset()
			continue
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			s.fail("Error: reading input: %v", err)
			return
		}
		c, ok := sp.add(line)
		if !ok {
			continue
		}
		if entered != nil {
			entered(c.history)
		}
		if c.dot {
			s.runDot(c.text)
		} else {
			s.runLines(c.text, c.line, interactive)
		}
		if s.afterInterrupt(interactive) {
			return
		}
	}
	if c, ok := sp.end(); ok && !s.stopped() {
		s.runLines(c.text, c.line, interactive)
	}
}

// command is one unit of input: a dot-command line, or SQL text holding
// one or more complete statements (at the end of input, whatever is left).
type command struct {
	dot     bool
	text    string
	line    int    // the input line it starts on
	history string // the command as one line, for the history
}

// splitter groups lines of input into commands as sqlite3's shell does: a
// line starting with '.' is a dot-command and one starting with '#' a
// comment (both only between statements); SQL lines accumulate until they
// form complete statements, as SQLite's sqlite3_complete decides, asked
// only when a line ends in ';' outside strings and comments (quickScan);
// blank and comment-only lines between statements are dropped. A NUL
// byte ends its line, as it ends the C string sqlite3 reads a line into.
type splitter struct {
	buf       strings.Builder
	lines     []string // the lines of buf, for history
	scan      quickScan
	lineno    int
	startline int
}

// add takes the next line of input (without its "\n") and returns the
// command it completes, if any.
func (sp *splitter) add(line string) (command, bool) {
	if i := strings.IndexByte(line, 0); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSuffix(line, "\r")
	sp.lineno++
	white := sp.scan.line(line)
	if sp.buf.Len() == 0 {
		if white && !sp.scan.inComment {
			sp.scan = quickScan{}
			return command{}, false // blank or comment-only lines between statements
		}
		switch line[0] {
		case '.':
			sp.scan = quickScan{}
			return command{dot: true, text: line, line: sp.lineno, history: line}, true
		case '#':
			sp.scan = quickScan{}
			return command{}, false
		}
		sp.buf.WriteString(strings.TrimLeft(line, " \t\n\v\f\r"))
		sp.startline = sp.lineno
	} else {
		sp.buf.WriteByte('\n')
		sp.buf.WriteString(line)
	}
	sp.lines = append(sp.lines, strings.TrimSpace(line))
	switch {
	case sp.scan.endsWithSemi && sqliteComplete(sp.buf.String()+"\n"):
		c := command{text: sp.buf.String(), line: sp.startline, history: strings.Join(sp.lines, " ")}
		sp.reset()
		return c, true
	case white && !sp.scan.inComment:
		sp.reset() // only comments so far
	}
	return command{}, false
}

// pending reports whether an incomplete statement waits for more lines (a
// terminal then shows the continuation prompt).
func (sp *splitter) pending() bool { return sp.buf.Len() > 0 }

// reset forgets the incomplete statement, if any.
func (sp *splitter) reset() {
	sp.buf.Reset()
	sp.lines = sp.lines[:0]
	sp.scan = quickScan{}
}

// end returns, at the end of input, the incomplete statement left over
// unless it is only whitespace (sqlite3 runs it, and reports the error).
func (sp *splitter) end() (command, bool) {
	text := sp.buf.String()
	c := command{text: text, line: sp.startline, history: strings.Join(sp.lines, " ")}
	sp.reset()
	return c, strings.TrimSpace(text) != ""
}

// afterInterrupt reports, after a command, whether a script must stop
// because an interrupt came (as sqlite3 stops a script on Ctrl-C); an
// interactive session clears it and goes back to the prompt.
func (s *Shell) afterInterrupt(interactive bool) bool {
	if interactive {
		s.interrupted.Store(false)
		return false
	}
	return s.interrupted.Load() // and stays set, to stop the scripts .read it
}

// runLines runs a group of complete statements that began on startline.
func (s *Shell) runLines(text string, startline int, interactive bool) {
	s.echoText(text)
	start := s.startTimer()
	err := s.execSQL(text)
	s.stopTimer(start)
	if err != nil {
		kind := "Error"
		switch err.phase {
		case phasePrepare:
			kind = "Parse error"
		case phaseStep:
			kind = "Runtime error"
		}
		if interactive {
			s.fail("%s: %s", kind, err.detail())
		} else {
			s.fail("%s near line %d: %s", kind, startline, err.detail())
		}
	} else {
		s.afterSQL()
	}
	s.endCommand()
	if s.completion != nil {
		s.completion.invalidate() // the statement may have changed the schema
	}
	if interactive {
		s.flush()
	}
}

// afterSQL prints what .changes asks for after a successful group of
// statements.
func (s *Shell) afterSQL() {
	if s.changes {
		var n, total int64
		s.withDB(func(db dbHandle) error {
			n, total = db.changes()
			return nil
		})
		fmt.Fprintf(s.out, "changes: %d   total_changes: %d\n", n, total)
	}
}

// stopTimer prints the "Run Time" line of .timer after a group of
// statements, whether they succeeded or not. As sqlite3 3.40 does, it goes
// to the real stdout even while .output or .once send results to a file,
// and before the .changes line and any error message.
func (s *Shell) stopTimer(start runTimer) {
	if start.on {
		fmt.Fprintln(s.stdout, start.report())
	}
}

// runTimer is the start of a timed command: wall clock and CPU times.
type runTimer struct {
	on        bool
	real      time.Time
	user, sys time.Duration
}

func (s *Shell) startTimer() runTimer {
	if !s.timer {
		return runTimer{}
	}
	u, sy := cpuTimes()
	return runTimer{on: true, real: time.Now(), user: u, sys: sy}
}

// report is the line sqlite3's .timer prints.
func (t runTimer) report() string {
	u, sy := cpuTimes()
	return fmt.Sprintf("Run Time: real %.3f user %f sys %f",
		time.Since(t.real).Seconds(), (u - t.user).Seconds(), (sy - t.sys).Seconds())
}

func modeList() string {
	names := make([]string, len(modes))
	for i, m := range modes {
		names[i] = string(m)
	}
	return strings.Join(names, " ")
}

// setModeSeparators sets the separators a mode implies, as sqlite3 3.40
// does: the -csv flag ends rows with "\n" and ".mode csv" with "\r\n";
// ".mode tabs" keeps the row separator.
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
	case ModeTabs:
		s.format.colSep = "\t"
		if !dot {
			s.format.rowSep = "\n"
		}
	case ModeQuote:
		s.format.colSep = ","
		s.format.rowSep = "\n"
	case ModeLine:
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
