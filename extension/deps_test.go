package main

import (
	"debug/elf"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/exttest"
)

// Only the engine (and what imports it) depends on the driver: the SQL
// surface and the loadable extension link no SQLite of their own.
func TestNoDriverBelowEngine(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goBin, "list", "-deps", "-f", "{{.ImportPath}}", "../udf/...", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(p, "go-sqlite3") || strings.HasSuffix(p, "/engine") {
			t.Errorf("the extension or the udf packages depend on %s", p)
		}
	}
}

// The extension defines no SQLite symbol but its two entry points: every call
// goes to the host's SQLite through the routine table, and it needs none
// from the host's symbol table either.
func TestExtensionLinksNoSQLite(t *testing.T) {
	so := exttest.Build(t) + ".so"
	f, err := elf.Open(so)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	entry, noFiles := false, false
	for _, s := range syms {
		if !strings.HasPrefix(s.Name, "sqlite3") {
			continue
		}
		defined := s.Section != elf.SHN_UNDEF
		switch {
		case s.Name == "sqlite3_marketsql_init" && defined:
			entry = true
		case s.Name == "sqlite3_marketsql_nofiles_init" && defined:
			noFiles = true
		case defined:
			t.Errorf("the extension defines %s: a second SQLite", s.Name)
		default:
			t.Errorf("the extension needs %s from the host's symbol table; call it through the routine table", s.Name)
		}
	}
	if !entry || !noFiles {
		t.Errorf("the extension does not export both its entry points (sqlite3_marketsql_init %v, sqlite3_marketsql_nofiles_init %v)", entry, noFiles)
	}
}
