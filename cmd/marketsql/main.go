// Command marketsql is the marketsql shell: SQLite with precision-marketing
// models built in.
//
//	marketsql [OPTIONS] [FILE] [SQL...]
//	marketsql report FILE [MODEL...] -o report.html [--select-k]
//
// Options are those of the sqlite3 command-line shell (-csv, -box, -header,
// -cmd, -bail, ...; see -help) and may come anywhere on the line. Without
// FILE the database is in memory. Each SQL argument (statements, or one
// dot-command such as ".import f.csv t") is run in turn; without them the
// shell reads commands from the terminal, with line editing and history,
// or runs the script on a non-terminal stdin. The exit status is 1 when
// anything failed, or CODE after ".exit CODE".
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/seed-a084b42d/marketsql/shell"
)

// version is set at link time (-ldflags "-X main.version=..."); when it
// is not, programVersion reads the module version from the build
// information.
var version = "devel"

// programVersion is the version -version and the banner show: the one set
// at link time, else the main module's version from the build information
// (a release tag after go install ...@vX.Y.Z, or the pseudo-version Go
// 1.24+ derives from the VCS), else "devel".
func programVersion() string {
	if version != "devel" {
		return version
	}
	return versionOf(debug.ReadBuildInfo())
}

func versionOf(bi *debug.BuildInfo, ok bool) string {
	if !ok || bi == nil {
		return "devel"
	}
	switch v := bi.Main.Version; v {
	case "", "(devel)":
		return "devel"
	default:
		return v
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options lists the command-line options for -help, as sqlite3 words them.
const options = `   -bail                stop after hitting an error
   -batch               force batch I/O
   -box                 set output mode to 'box'
   -cmd COMMAND         run "COMMAND" before reading stdin
   -csv                 set output mode to 'csv'
   -echo                print inputs before execution
   -[no]header          turn headers on or off
   -help                show this message
   -html                set output mode to HTML
   -insert              set output mode to 'insert'
   -interactive         force interactive I/O
   -json                set output mode to 'json'
   -line                set output mode to 'line'
   -list                set output mode to 'list'
   -markdown            set output mode to 'markdown'
   -newline SEP         set output row separator. Default: '\n'
   -nullvalue TEXT      set text string for NULL values. Default ''
   -quote               set output mode to 'quote'
   -readonly            open the database read-only
   -separator SEP       set output column separator. Default: '|'
   -table               set output mode to 'table'
   -tabs                set output mode to 'tabs'
   -version             show marketsql and SQLite versions
`

func usage(w io.Writer) {
	fmt.Fprintf(w, "Usage: marketsql [OPTIONS] [FILENAME] [SQL...]\n"+
		"FILENAME is the name of an SQLite database. A new database is created\n"+
		"if the file does not previously exist; without it the database is in memory.\n"+
		"       marketsql "+strings.TrimRight(strings.SplitN(shell.ReportUsage, "\n", 2)[0], " ")+"\n"+
		"writes an HTML report of the database's models (marketsql report -help).\n"+
		"OPTIONS include:\n%s", options)
}

// flags is the command line, parsed.
type flags struct {
	cfg         shell.Config
	modeSet     bool
	batch       bool
	interactive bool
	version     bool
	help        bool
}

// parseArgs parses the command line the way sqlite3 does: options (with
// one or two dashes) anywhere, the first other argument is the database,
// the rest are SQL. Later options win over earlier ones.
func parseArgs(args []string) (*flags, error) {
	f := &flags{}
	c := &f.cfg
	db := false
	setMode := func(m shell.Mode) {
		c.Mode, f.modeSet = m, true
		c.ColSep, c.RowSep = "", ""
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			if !db {
				c.DBPath, db = a, true
			} else {
				c.Args = append(c.Args, a)
			}
			continue
		}
		name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
		value := func() (string, error) {
			if i+1 >= len(args) {
				return "", fmt.Errorf("missing argument to %s", a)
			}
			i++
			return args[i], nil
		}
		var err error
		switch name {
		case "list", "csv", "json", "table", "box", "markdown", "line", "html", "insert", "quote", "tabs":
			setMode(shell.Mode(name))
		case "header":
			c.Header = true
		case "noheader":
			c.Header = false
		case "separator":
			c.ColSep, err = value()
		case "newline":
			c.RowSep, err = value()
		case "nullvalue":
			c.NullValue, err = value()
		case "cmd":
			var v string
			v, err = value()
			c.Commands = append(c.Commands, v)
		case "bail":
			c.Bail = true
		case "batch":
			f.batch, f.interactive = true, false
		case "interactive":
			f.interactive, f.batch = true, false
		case "readonly":
			c.ReadOnly = true
		case "echo":
			c.Echo = true
		case "version":
			f.version = true
		case "help", "h":
			f.help = true
		default:
			return nil, fmt.Errorf("unknown option: %s", a)
		}
		if err != nil {
			return nil, err
		}
	}
	return f, nil
}

// terminal is how run learns which of the standard streams are terminals;
// tests replace it.
var terminal = func(stdin io.Reader, stdout, stderr io.Writer) (in, out, errOut bool, width int) {
	isTerm := func(x any) bool {
		f, ok := x.(*os.File)
		return ok && shell.IsTerminal(f)
	}
	in, out, errOut = isTerm(stdin), isTerm(stdout), isTerm(stderr)
	if out {
		width = shell.TerminalWidth(stdout.(*os.File))
	}
	return in, out, errOut, width
}

// run is the whole command: arguments to shell.Config, shell.Run, exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	// "report" as the first word is the report subcommand; a database file
	// of that name opens as ./report.
	if len(args) > 0 && args[0] == "report" {
		ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
		defer stop()
		return shell.RunReport(ctx, args[1:], stdout, stderr)
	}
	f, err := parseArgs(args)
	if err != nil {
		fmt.Fprintf(stderr, "marketsql: Error: %v\nUse -help for a list of options.\n", err)
		return 1
	}
	if f.help {
		usage(stdout)
		return 0
	}
	if f.version {
		fmt.Fprintf(stdout, "marketsql %s (SQLite %s)\n", programVersion(), shell.SQLiteVersion())
		return 0
	}
	cfg := f.cfg
	inTerm, outTerm, errTerm, width := terminal(stdin, stdout, stderr)
	cfg.Interactive = len(cfg.Args) == 0 && (f.interactive || inTerm && !f.batch)
	if outTerm {
		cfg.Width = width
	}
	if outTerm && !f.modeSet { // a person reads it
		cfg.Mode = shell.ModeBox
	}
	cfg.Progress = errTerm && !f.batch
	if cfg.Interactive {
		cfg.HistoryFile = historyFile()
		cfg.Banner = banner(cfg.DBPath)
	}

	// Ctrl-C interrupts the running statement. In a script a second one
	// ends the program, in case the first came while no statement ran.
	interrupts := make(chan struct{}, 1)
	cfg.Interrupt = interrupts
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt)
	defer signal.Stop(sigs)
	go func() {
		n := 0
		for range sigs {
			n++
			if !cfg.Interactive && n > 1 {
				os.Exit(130)
			}
			select {
			case interrupts <- struct{}{}:
			default:
			}
		}
	}()

	if err := shell.Run(ctx, cfg, stdin, stdout, stderr); err != nil {
		var exit *shell.ExitError
		if errors.As(err, &exit) {
			return exit.Code
		}
		return 1
	}
	return 0
}

// historyFile is $MARKETSQL_HISTORY, or ~/.marketsql_history; "" (no
// history) when neither can be had.
func historyFile() string {
	if h, ok := os.LookupEnv("MARKETSQL_HISTORY"); ok {
		return h
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".marketsql_history")
}

func banner(db string) string {
	b := fmt.Sprintf("marketsql %s (SQLite %s)\nEnter \".help\" for usage hints, \".functions\" for the models' SQL functions.\n", programVersion(), shell.SQLiteVersion())
	if db == "" || db == ":memory:" {
		b += "Connected to a transient in-memory database.\nUse \".open FILENAME\" to reopen on a persistent database.\n"
	}
	return b
}
