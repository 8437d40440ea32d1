package examples_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/exttest"
)

// TestREADMEHosts runs the README's "Use it from any SQLite" snippets as
// written, in a directory laid out as after make demo and make extension
// (demo.db with the demo's models, bin/marketsql.so, examples/demo.sql):
// the shell commands, the Python snippet with Debian's python3, the Node
// snippet with better-sqlite3. Each must succeed and print what it asks for.
func TestREADMEHosts(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: prepares the demo database (about 20 s)")
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile("(?s)## Use it from any SQLite\n(.*?)\n## ").FindSubmatch(readme)
	if section == nil {
		t.Fatal("README has no section \"## Use it from any SQLite\"")
	}
	blocks := map[string]string{}
	for _, m := range regexp.MustCompile("(?s)```(sh|python|js)\n(.*?)```").FindAllSubmatch(section[1], -1) {
		blocks[string(m[1])] = string(m[2])
	}
	for _, lang := range []string{"sh", "python", "js"} {
		if blocks[lang] == "" {
			t.Fatalf("README's hosts section has no %s snippet", lang)
		}
	}

	dir := t.TempDir()
	ext := exttest.Build(t)
	sqlite3 := exttest.SQLite3(t)
	copyFile(t, ext+".so", filepath.Join(dir, "bin", "marketsql.so"))
	for _, f := range []string{"demo.sql", "recommend.sql", "rfm.sql"} {
		copyFile(t, f, filepath.Join(dir, "examples", f))
	}
	copyFile(t, demoDatabase(t), filepath.Join(dir, "demo.db"))
	modules, err := filepath.Abs(filepath.Join("node", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}

	run := func(name string, cmd *exec.Cmd) string {
		t.Helper()
		cmd.Dir = dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Fatalf("%s: %v\n%s\n%s", name, err, stderr.String(), stdout.String())
		}
		return stdout.String()
	}

	// The shell snippet, with the stock sqlite3 first on PATH.
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	sh := exec.Command(bash, "-e", "-c", blocks["sh"])
	sh.Env = append(os.Environ(), "PATH="+filepath.Dir(sqlite3)+":"+os.Getenv("PATH"))
	out := run("README sh snippet", sh)
	if n := strings.Count(out, "\n"); n < 5+5 {
		t.Errorf("sh snippet printed %d lines, want 5 scored customers and a table of 5 recommendations:\n%s", n, out)
	}
	for _, want := range []string{"12346|", "| rank |"} {
		if !strings.Contains(out, want) {
			t.Errorf("sh snippet output lacks %q:\n%s", want, out)
		}
	}

	py := pythonForDemo(t)
	pyFile := filepath.Join(dir, "snippet.py")
	if err := os.WriteFile(pyFile, []byte(blocks["python"]), 0o644); err != nil {
		t.Fatal(err)
	}
	out = run("README Python snippet", exec.Command(py, pyFile))
	if strings.Count(out, "(1, ") != 1 || strings.Count(out, "(5, ") != 1 {
		t.Errorf("Python snippet should print 5 ranked recommendations:\n%s", out)
	}

	node := nodeForDemo(t)
	jsFile := filepath.Join(dir, "snippet.js")
	if err := os.WriteFile(jsFile, []byte(blocks["js"]), 0o644); err != nil {
		t.Fatal(err)
	}
	js := exec.Command(node, jsFile)
	js.Env = append(os.Environ(), "NODE_PATH="+modules)
	out = run("README Node snippet", js)
	if strings.Count(out, "topic:") < 5 || !strings.Contains(out, "word:") {
		t.Errorf("Node snippet should print the topics' top words:\n%s", out)
	}
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
