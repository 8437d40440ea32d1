package shell

import (
	"bufio"
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzInsertLiteral checks that the string literal insert mode writes for
// a text value reads back, through SQLite, as that value.
func FuzzInsertLiteral(f *testing.F) {
	for _, s := range []string{"", "plain", "it's", "a\nb", "\r\n", `\n` + "\n", `\n\012` + "\n\r", `(\n0)\n\012` + "\n", "ü\t'x'"} {
		f.Add(s)
	}
	s := &Shell{ctx: context.Background()}
	if err := s.open("", false); err != nil {
		f.Fatal(err)
	}
	defer s.closeDB()
	f.Fuzz(func(t *testing.T, text string) {
		if !utf8.ValidString(text) || strings.IndexByte(text, 0) >= 0 {
			return // SQL text is UTF-8 without NUL
		}
		var b bytes.Buffer
		w := bufio.NewWriter(&b)
		quotedEscapedString(w, text)
		w.Flush()
		if strings.ContainsAny(b.String(), "\r\n") {
			t.Fatalf("literal for %q spans lines: %s", text, b.String())
		}
		rows, err := s.query("SELECT " + b.String())
		if err != nil {
			t.Fatalf("literal for %q: %v: %s", text, err, b.String())
		}
		if rows[0][0] != text {
			t.Fatalf("literal %s reads back as %q, want %q", b.String(), rows[0][0], text)
		}
	})
}

// FuzzKindOf checks the import's number detection against strconv: an
// integer parses as int64 (or is too big for it and is a decimal number),
// a decimal number parses as float64, and text is anything else.
func FuzzKindOf(f *testing.F) {
	for _, s := range []string{"0", "-12", "007", "1.5", ".5", "1e10", "1e", "inf", "0x10", "1_000", "9223372036854775808"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, ierr := strconv.ParseInt(s, 10, 64)
		_, ferr := strconv.ParseFloat(s, 64)
		switch kindOf(s) {
		case colInteger:
			if ierr != nil {
				t.Fatalf("kindOf(%q) is INTEGER, ParseInt: %v", s, ierr)
			}
		case colReal:
			if ferr != nil && !strings.Contains(ferr.Error(), "range") {
				t.Fatalf("kindOf(%q) is REAL, ParseFloat: %v", s, ferr)
			}
		}
	})
}
