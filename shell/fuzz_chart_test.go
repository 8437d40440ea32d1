package shell

import (
	"errors"
	"flag"
	"strings"
	"testing"
)

// FuzzChartArgs: the .chart argument parser never panics, and what it
// accepts has a known kind and an output name that is empty or ends in
// .png or .svg.
func FuzzChartArgs(f *testing.F) {
	for _, s := range []string{
		"bar", "hist amount --bins 20 -o h.png", `scatter 1 2 "unit price" -o s.svg SELECT * FROM t`,
		"line x y -o", "bar 'a b' SELECT 1", "hist --bins", "pie", `bar "unterminated`, "scatter 0 -1 99999999999999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		a, err := parseChartArgs(line)
		if err != nil {
			return
		}
		if !strings.Contains(" bar line scatter hist ", " "+a.kind+" ") {
			t.Fatalf("%q: accepted kind %q", line, a.kind)
		}
		if o := strings.ToLower(a.out); o != "" && !strings.HasSuffix(o, ".png") && !strings.HasSuffix(o, ".svg") {
			t.Fatalf("%q: accepted output %q", line, a.out)
		}
	})
}

// FuzzReportArgs: the report argument parser never panics; what it accepts
// has an output file, and a database when one is required.
func FuzzReportArgs(f *testing.F) {
	for _, s := range []string{"shop.db -o r.html", "-o r.html seg --select-k", "-o", "--output=x.html db", "db -x", "-h"} {
		f.Add(s, true)
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, line string, withDB bool) {
		r, err := parseReportArgs(strings.Fields(line), withDB)
		if err != nil {
			if errors.Is(err, flag.ErrHelp) || err.Error() != "" {
				return
			}
			t.Fatal("an error without a message")
		}
		if r.out == "" || (withDB && r.db == "") {
			t.Fatalf("%q: accepted %+v", line, r)
		}
	})
}
