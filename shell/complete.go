package shell

import (
	"path/filepath"
	"sort"
	"strings"

	"github.com/seed-a084b42d/marketsql/engine"
)

// completer completes the word before the cursor: dot-command names at the
// start of a line, file names after the dot-commands that take a file, and
// elsewhere SQL keywords, table and view names, column names and function
// names (marketsql's and SQLite's, with the opening parenthesis). The
// schema is read again after each statement.
type completer struct {
	s       *Shell
	fresh   bool
	keyword []string
	names   []string // tables, views and columns
	funcs   []string // function names, with "("
}

func (c *completer) invalidate() { c.fresh = false }

func (c *completer) load() {
	if c.fresh {
		return
	}
	c.fresh = true
	if c.keyword == nil {
		c.keyword = sqlKeywords()
	}
	c.names = c.names[:0]
	// The catalog's tables (ml_*) complete by name, but not their columns:
	// all of them appear with the first training, and their columns
	// (customer, item, rule, ...) would crowd out the user's own names.
	rows, _ := c.s.query(`SELECT DISTINCT m.name, p.name FROM sqlite_schema AS m, pragma_table_info(m.name) AS p
		WHERE m.type IN ('table', 'view') AND m.name NOT LIKE 'ml\_%' ESCAPE '\'
		UNION SELECT name, NULL FROM sqlite_schema WHERE type IN ('table', 'view')
		UNION SELECT name, NULL FROM sqlite_temp_schema WHERE type IN ('table', 'view')`)
	seen := map[string]bool{}
	for _, r := range rows {
		for _, n := range r {
			if n != "" && !seen[n] {
				seen[n] = true
				c.names = append(c.names, n)
			}
		}
	}
	if c.funcs == nil {
		fseen := map[string]bool{}
		for _, d := range engine.Functions() {
			fseen[d.Name] = true
		}
		frows, _ := c.s.query("SELECT DISTINCT name FROM pragma_function_list")
		for _, r := range frows {
			fseen[r[0]] = true
		}
		for n := range fseen {
			c.funcs = append(c.funcs, n+"(")
		}
	}
}

// fileCommands are the dot-commands whose argument is a file name.
var fileCommands = map[string]bool{"import": true, "read": true, "open": true, "output": true, "once": true}

// complete is liner's WordCompleter.
func (c *completer) complete(line string, pos int) (head string, completions []string, tail string) {
	before, tail := line[:pos], line[pos:]
	trimmed := strings.TrimLeft(before, " \t")
	if strings.HasPrefix(trimmed, ".") {
		if !strings.ContainsAny(trimmed, " \t") {
			for _, d := range dotCmds {
				for _, n := range append([]string{d.name}, d.alias...) {
					if strings.HasPrefix("."+n, trimmed) {
						completions = append(completions, "."+n+" ")
					}
				}
			}
			sort.Strings(completions)
			return before[:len(before)-len(trimmed)], completions, tail
		}
		args := splitDotArgs(trimmed[1:])
		if len(args) > 0 && fileCommands[args[0]] {
			i := strings.LastIndexAny(before, " \t") + 1
			matches, _ := filepath.Glob(before[i:] + "*")
			for _, m := range matches {
				if isDir(m) {
					m += "/"
				}
				completions = append(completions, m)
			}
			return before[:i], completions, tail
		}
		return before, nil, tail
	}
	i := len(before)
	for i > 0 && isWordByte(before[i-1]) {
		i--
	}
	word := before[i:]
	if word == "" {
		return before, nil, tail
	}
	c.load()
	lower := strings.ToLower(word)
	upper := word == strings.ToUpper(word) && word != lower
	seen := map[string]bool{}
	add := func(cand string) {
		if strings.HasPrefix(strings.ToLower(cand), lower) && !seen[cand] {
			seen[cand] = true
			completions = append(completions, cand)
		}
	}
	for _, n := range c.names {
		add(n)
	}
	for _, f := range c.funcs {
		add(f)
	}
	for _, k := range c.keyword {
		if !upper {
			k = strings.ToLower(k)
		}
		add(k)
	}
	sort.Strings(completions)
	return before[:i], completions, tail
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || isAlpha(c) || c >= 0x80
}
