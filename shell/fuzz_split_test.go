package shell

import (
	"bufio"
	"context"
	"strings"
	"testing"
)

// splitSeeds are scripts with the shapes the splitter must get right:
// strings, identifiers and comments holding ';', triggers, dot-commands
// and '#' lines between statements only, CRLF line ends, NUL bytes.
var splitSeeds = []string{
	"select 1;\nselect 2;\n",
	"select 1; select 2;\n",
	"select 'a;b';\nselect \"c;\" from [d;e] where `f;` = 1;\n",
	"select 1 -- trailing; comment\n;\n",
	"/* only\n a comment; */\nselect 1;\n",
	"select /* ; */ 1;\r\nselect 2;\r\n",
	"create trigger t after insert on x begin\n  select 1;\n  select 2;\nend;\nselect 3;\n",
	".mode csv\nselect 1;\n# a comment\n.headers on\n",
	"select\n.5;\n",
	"select 1;\x00select 2;\nselect 3;\n",
	"select 'a\x00b';\nselect 2;\n",
	"select 'unterminated;\n",
	"select 1",
	"-- c\n\n   \n",
	"select 1;/*",
	"select 'it''s';\n",
	"select [a\n;b];\n",
	"select 1;\v\f\nselect 2;\n",
	"select x'00';\n",
	"SELECT kmeans_train('m', 'SELECT a; SELECT b', '{\"k\": 2}');\n",
}

// FuzzSplitScript checks how the shell cuts a script into commands: it
// runs a statement as soon as SQLite calls it complete (never holds back a
// complete one, never runs an incomplete one before the end of input),
// keeps the text in order without inventing any, and then divides each
// command into statements with sqlite3_prepare_v2, always moving forward
// (a NUL byte once made the shell loop forever).
func FuzzSplitScript(f *testing.F) {
	for _, s := range splitSeeds {
		f.Add(s)
	}
	s := &Shell{ctx: context.Background()}
	if err := s.open("", false); err != nil {
		f.Fatal(err)
	}
	defer s.closeDB()
	f.Fuzz(func(t *testing.T, script string) {
		// The lines as the shell reads them (bufio.ScanLines also drops a
		// "\r" before "\n"), and the text they make, joined by "\n".
		var lines []string
		sc := bufio.NewScanner(strings.NewReader(script))
		sc.Buffer(make([]byte, 64<<10), 1<<30)
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		var norm strings.Builder
		for _, l := range lines {
			if i := strings.IndexByte(l, 0); i >= 0 {
				l = l[:i]
			}
			norm.WriteString(strings.TrimSuffix(l, "\r"))
			norm.WriteByte('\n')
		}
		text := norm.String()

		var sp splitter
		var cmds []command
		for i, l := range lines {
			c, ok := sp.add(l)
			if ok {
				if !c.dot && !sqliteComplete(c.text+"\n") {
					t.Fatalf("line %d: ran %q, which SQLite calls incomplete", i+1, c.text)
				}
				cmds = append(cmds, c)
				continue
			}
			if sp.pending() && sqliteComplete(sp.buf.String()+"\n") {
				t.Fatalf("line %d: held back %q, which SQLite calls complete", i+1, sp.buf.String())
			}
		}
		if c, ok := sp.end(); ok {
			cmds = append(cmds, c)
		}

		at := 0
		for _, c := range cmds {
			if strings.Contains(c.text, "\x00") {
				t.Fatalf("command %q holds a NUL byte", c.text)
			}
			i := strings.Index(text[at:], c.text)
			if i < 0 {
				t.Fatalf("command %q is not the script's text after byte %d: %q", c.text, at, text)
			}
			at += i + len(c.text)
			if c.line < 1 || c.line > len(lines) {
				t.Fatalf("command %q starts on line %d of %d", c.text, c.line, len(lines))
			}
			if !c.dot {
				walkStatements(t, s, c.text)
			}
		}
		// The text as given (as from Go, or a file read whole) too.
		walkStatements(t, s, script)
	})
}

// walkStatements prepares the statements of text without running them and
// checks that eachStatement moves forward through it.
func walkStatements(t *testing.T, s *Shell, text string) {
	t.Helper()
	n := 0
	s.withDB(func(db dbHandle) error {
		eachStatement(db, text, func(*stmt) {
			n++
			if n > len(text) {
				t.Fatalf("more statements than bytes in %q", text)
			}
		})
		return nil
	})
}
