// Package exttest builds the loadable extension for tests that run it in
// other SQLite hosts (the stock sqlite3 CLI, Python, Node). It is imported
// only by tests.
package exttest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
)

var (
	once     sync.Once
	path     string
	errBuild error
	out      []byte
)

// Build builds bin/marketsql.so once per test process (go build
// -buildmode=c-shared ./extension, into a temporary directory) and returns
// its path without the .so suffix, as sqlite3's .load takes it. The test
// fails if the build fails.
func Build(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		dir, err := os.MkdirTemp("", "marketsql-ext-")
		if err != nil {
			errBuild = err
			return
		}
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		so := filepath.Join(dir, "marketsql.so")
		goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
		if _, err := os.Stat(goBin); err != nil {
			goBin = "go"
		}
		cmd := exec.Command(goBin, "build", "-buildmode=c-shared", "-o", so, "./extension")
		cmd.Dir = root
		out, errBuild = cmd.CombinedOutput()
		path = filepath.Join(dir, "marketsql")
	})
	if errBuild != nil {
		t.Fatalf("build the extension: %v\n%s", errBuild, out)
	}
	return path
}

// SQLite3 returns the path of the stock sqlite3 CLI, or skips the test,
// saying so, when it is not installed.
func SQLite3(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("the sqlite3 CLI is not installed (Debian: apt-get install sqlite3); make deps installs it")
	}
	return p
}
