package shell

import (
	"bytes"
	"context"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDisplayLines(t *testing.T) {
	t.Parallel()
	// expected: sqlite3 3.40.1 -table on the same values.
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", []string{""}},
		{"a", []string{"a"}},
		{"a\n", []string{"a"}},
		{"\nz", []string{"", "z"}},
		{"x\ry", []string{"x", "y"}},
		{"r\r\ns", []string{"r", "s"}},
		{"p\x01q", []string{"p", "q"}},
		{"a\n\nb", []string{"a", "", "b"}},
		{"ü tab\tx", []string{"ü tab   x"}},
		{"\t", []string{"        "}},
	} {
		if got := displayLines(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("displayLines(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSplitDotArgs(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"import --csv f.csv t", []string{"import", "--csv", "f.csv", "t"}},
		{"  mode   csv  ", []string{"mode", "csv"}},
		{`import 'my file.csv' "my table"`, []string{"import", "my file.csv", "my table"}},
		{`x "a\"b\tc" 'a\n'`, []string{"x", "a\"b\tc", `a\n`}},
		{`x "unterminated`, []string{"x", "unterminated"}},
		{"", nil},
	} {
		if got := splitDotArgs(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("splitDotArgs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestErrorContext(t *testing.T) {
	t.Parallel()
	// expected: sqlite3 3.40.1's shell_error_context.
	for _, tc := range []struct {
		sql    string
		offset int
		want   string
	}{
		{"selec 2;", 0, "\n  selec 2;\n  ^--- error here"},
		{"select 1 frm u;", 13, "\n  select 1 frm u;\n               ^--- error here"},
		{"select 'a string that is long enough' as x frm u;", 43,
			"\n  select 'a string that is long enough' as x frm u;\n                               error here ---^"},
		{"select\n1", -1, ""},
	} {
		if got := errorContext(tc.sql, tc.offset); got != tc.want {
			t.Errorf("errorContext(%q, %d) =\n%q, want\n%q", tc.sql, tc.offset, got, tc.want)
		}
	}
}

func TestQuickScan(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		lines     []string
		white     bool
		semi      bool
		inComment bool
	}{
		{[]string{"-- only a comment"}, true, false, false},
		{[]string{"/* open", "still */"}, true, false, false},
		{[]string{"/* open"}, true, false, true},
		{[]string{"select 1; -- done"}, false, true, false},
		{[]string{"select ';"}, false, false, false},
		{[]string{"select '", "';"}, false, true, false},
		{[]string{"select [a;b]"}, false, false, false},
	} {
		var q quickScan
		var white bool
		for _, l := range tc.lines {
			white = q.line(l)
		}
		if white != tc.white || q.endsWithSemi != tc.semi || q.inComment != tc.inComment {
			t.Errorf("%q: white %v semi %v inComment %v, want %v %v %v",
				tc.lines, white, q.endsWithSemi, q.inComment, tc.white, tc.semi, tc.inComment)
		}
	}
}

func TestFormatReal(t *testing.T) {
	t.Parallel()
	// expected: sqlite3 3.40.1, "select X" in -list (15) and -json (20) mode.
	for _, tc := range []struct {
		f    float64
		prec int
		want string
	}{
		{0.1, 15, "0.1"},
		{100, 15, "100.0"},
		{1e20, 15, "1.0e+20"},
		{1.5e-7, 15, "1.5e-07"},
		{0.1 + 0.2, 15, "0.3"},
		{1e15, 15, "1.0e+15"},
		{123456789012345678, 15, "1.23456789012346e+17"},
		{-2.5, 15, "-2.5"},
		{0, 15, "0.0"},
		{math.Inf(1), 15, "Inf"},
		{math.Inf(-1), 15, "-Inf"},
		{0.1, 20, "0.10000000000000000555"},
		{1e15, 20, "1000000000000000.0"},
		{1.5e-7, 20, "1.4999999999999999321e-07"},
	} {
		if got := formatReal(tc.f, tc.prec); got != tc.want {
			t.Errorf("formatReal(%v, %d) = %q, want %q", tc.f, tc.prec, got, tc.want)
		}
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	// A query that would run for minutes; cancel it shortly after it starts.
	in := "select count(*) from (with recursive c(x) as (select 1 union all select x+1 from c) select x from c);\nselect 'not reached';\n"
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	err := Run(ctx, Config{}, strings.NewReader(in), &out, &out)
	if err == nil {
		t.Fatalf("Run after cancel: no error; output %q", out.String())
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("cancel took %v", d)
	}
	if !strings.Contains(out.String(), "interrupted") || strings.Contains(out.String(), "not reached") {
		t.Errorf("output %q, want an interrupted error and nothing after", out.String())
	}
}
