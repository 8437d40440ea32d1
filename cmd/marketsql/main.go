// Command marketsql is the marketsql shell: SQLite with precision-marketing
// models built in.
//
//	marketsql [flags] DB [SQL]
//
// With SQL (statements, or one dot-command such as ".import --csv f.csv t")
// it runs that; otherwise it reads statements and dot-commands from stdin.
// The exit status is 1 when anything failed.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/seed-a084b42d/marketsql/shell"
)

// version is set at link time (-ldflags "-X main.version=...").
var version = "devel"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole command: flags to shell.Config, shell.Run, exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("marketsql", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg shell.Config
	mode := func(m shell.Mode) func(string) error {
		return func(string) error { cfg.Mode = m; return nil }
	}
	fs.BoolFunc("list", "set output mode to 'list' (the default)", mode(shell.ModeList))
	fs.BoolFunc("csv", "set output mode to 'csv'", mode(shell.ModeCSV))
	fs.BoolFunc("json", "set output mode to 'json'", mode(shell.ModeJSON))
	fs.BoolFunc("table", "set output mode to 'table'", mode(shell.ModeTable))
	fs.BoolFunc("box", "set output mode to 'box'", mode(shell.ModeBox))
	fs.BoolFunc("header", "turn headers on", func(string) error { cfg.Header = true; return nil })
	fs.BoolFunc("noheader", "turn headers off", func(string) error { cfg.Header = false; return nil })
	fs.BoolVar(&cfg.Bail, "bail", false, "stop after hitting an error")
	showVersion := fs.Bool("version", false, "show the version and exit")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: marketsql [flags] DB [SQL]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if *showVersion {
		fmt.Fprintf(stdout, "marketsql %s (SQLite %s)\n", version, shell.SQLiteVersion())
		return 0
	}
	switch fs.NArg() {
	case 1:
	case 2:
		cfg.SQL = fs.Arg(1)
	default:
		fs.Usage()
		return 2
	}
	cfg.DBPath = fs.Arg(0)
	if err := shell.Run(ctx, cfg, stdin, stdout, stderr); err != nil {
		return 1
	}
	return 0
}
