package engine_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// The README's Go snippet is Example_embedding's code: every line of the
// snippet (comments aside) is a line of the example, which runs with its
// output checked. Only the database path differs: the example opens a file
// in a temporary directory.
func TestReadmeSnippetIsTheExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Embedding from Go\n+```go\n(.*?)```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README has no Go snippet under \"## Embedding from Go\"")
	}
	example, err := os.ReadFile("readme_example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	code := func(line string) string {
		if i := strings.Index(line, "//"); i >= 0 && !strings.Contains(line[:i], "`") && !strings.Contains(line[:i], `"`) {
			line = line[:i]
		} else if i >= 0 && strings.HasSuffix(strings.TrimSpace(line[:i]), ")") {
			line = line[:i]
		}
		return strings.TrimSpace(line)
	}
	have := map[string]bool{}
	for _, l := range strings.Split(string(example), "\n") {
		have[code(l)] = true
	}
	for _, l := range strings.Split(string(m[1]), "\n") {
		c := code(l)
		if c == "" || strings.HasPrefix(c, "e, err := engine.Open(") {
			continue
		}
		if !have[c] {
			t.Errorf("README line %q is not in Example_embedding", c)
		}
	}
}
