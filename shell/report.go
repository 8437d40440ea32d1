package shell

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/report"
)

// ReportUsage is the usage of `marketsql report` and of .report.
const ReportUsage = `report DATABASE [MODEL ...] -o FILE.html [--select-k]
  Writes one self-contained HTML page (no network, no external file) with a
  card and charts for each model, or for the MODELs named.
  -o FILE.html   the page to write (replaced atomically if it exists)
  --select-k     for k-means models without a recorded kmeans_select_k run,
                 compute inertia and silhouette over k for the report
`

// reportArgs is a report command line, parsed.
type reportArgs struct {
	db      string
	models  []string
	out     string
	selectK bool
}

// parseReportArgs parses DATABASE [MODEL ...] -o FILE [--select-k], options
// anywhere; withDB is false for .report, which reports the open database.
func parseReportArgs(args []string, withDB bool) (reportArgs, error) {
	var r reportArgs
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-o" || a == "--o" || a == "-output" || a == "--output":
			if i+1 >= len(args) {
				return r, fmt.Errorf("%s needs a file name, e.g. %s report.html", a, a)
			}
			i++
			r.out = args[i]
		case strings.HasPrefix(a, "-o="), strings.HasPrefix(a, "--output="):
			r.out = a[strings.Index(a, "=")+1:]
		case a == "-select-k" || a == "--select-k":
			r.selectK = true
		case a == "-h" || a == "-help" || a == "--help":
			return r, flag.ErrHelp
		case strings.HasPrefix(a, "-") && len(a) > 1:
			return r, fmt.Errorf("unknown option %q; the options are -o FILE.html and --select-k", a)
		default:
			rest = append(rest, a)
		}
	}
	if withDB {
		if len(rest) == 0 {
			return r, errors.New("no database given")
		}
		r.db, rest = rest[0], rest[1:]
	}
	r.models = rest
	if r.out == "" {
		return r, errors.New("no output file given; add -o report.html")
	}
	return r, nil
}

// RunReport runs `marketsql report ARGS`: it opens the database read-only,
// writes the report and prints where it is. It returns the exit status.
func RunReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	r, err := parseReportArgs(args, true)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, "Usage: marketsql "+ReportUsage)
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "marketsql report: %v\nUsage: marketsql %s", err, ReportUsage)
		return 2
	}
	if _, err := os.Stat(r.db); err != nil {
		fmt.Fprintf(stderr, "marketsql report: cannot open database %s: %v\n", r.db, errors.Unwrap(err))
		return 1
	}
	e, err := engine.Open(r.db, &engine.Options{ReadOnly: true})
	if err != nil {
		fmt.Fprintf(stderr, "marketsql report: %v\n", err)
		return 1
	}
	defer e.Close()
	sum, err := report.WriteFile(ctx, e.DB(), r.out, report.Options{
		Models: r.models, Database: filepath.Base(r.db), SelectK: r.selectK,
	})
	if err != nil {
		fmt.Fprintln(stderr, "marketsql "+err.Error())
		return 1
	}
	printReportSummary(stdout, r.out, sum)
	return 0
}

func printReportSummary(w io.Writer, path string, sum report.Summary) {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	switch len(sum.Models) {
	case 0:
		fmt.Fprintf(w, "report: the database has no models; wrote %s saying so\n", abs)
	default:
		fmt.Fprintf(w, "report: %d model%s, %d chart%s: %s\n", len(sum.Models), plural(len(sum.Models)), sum.Charts, plural(sum.Charts), abs)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// dotReport writes the HTML report of the open database's models:
// .report [MODEL ...] -o FILE.html [--select-k]. Ctrl-C stops it; no file
// is written then.
func (s *Shell) dotReport(args []string) error {
	r, err := parseReportArgs(args, false)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(s.out, "."+ReportUsage[len("report DATABASE "):])
		return nil
	}
	if err != nil {
		return fmt.Errorf("%v\nUsage: .report [MODEL ...] -o FILE.html [--select-k]", err)
	}
	if s.conn == nil {
		return errors.New("no database is open")
	}
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-s.interrupt:
			s.interrupted.Store(true)
			cancel()
		case <-done:
		}
	}()
	name := "in-memory database"
	if s.dbPath != "" && s.dbPath != ":memory:" {
		name = filepath.Base(s.dbPath)
	}
	// One connection: the session's, so temp tables and the open
	// transaction are seen; the models are read one after the other.
	sum, err := report.WriteFile(ctx, s.conn, r.out, report.Options{
		Models: r.models, Database: name, SelectK: r.selectK, Workers: 1,
	})
	if err != nil {
		if ctx.Err() != nil {
			return errors.New("interrupted; no report written")
		}
		return err
	}
	printReportSummary(s.out, r.out, sum)
	return nil
}
