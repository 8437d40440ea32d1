package hoststest

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/exttest"
)

// TestNoFilesEntryPoint: a host that loads the extension through
// sqlite3_marketsql_nofiles_init gets every function but the two that touch
// files, which refuse with a clear error; loading the ordinary entry point
// afterwards does not switch them back on.
func TestNoFilesEntryPoint(t *testing.T) {
	sqlite3 := exttest.SQLite3(t)
	ext := exttest.Build(t)
	db := filepath.Join(t.TempDir(), "nofiles.db")
	script := `CREATE TABLE pts(id INTEGER PRIMARY KEY, a REAL);
INSERT INTO pts VALUES (1, 0), (2, 1), (3, 10);
SELECT kmeans_train('m', 'pts', '{"k": 2}') IS NOT NULL;
SELECT ml_import('x', 'testdata/spark/mllib-kmeans-rdd/model4');
SELECT ml_export('m', 'never-written.pmml');
.load ` + ext + `
SELECT ml_import('x', 'testdata/spark/mllib-kmeans-rdd/model4');
SELECT count(*) FROM ml_models;
`
	cmd := exec.Command(sqlite3, "-cmd", ".load "+ext+" sqlite3_marketsql_nofiles_init", db)
	cmd.Dir = root
	cmd.Stdin = strings.NewReader(script)
	out, _ := cmd.CombinedOutput()
	want := "1\n" +
		"Runtime error near line 4: ml_import: reading and writing files is switched off on this connection by the program that opened it; ask its owner, or use marketsql's own shell\n" +
		"Runtime error near line 5: ml_export: reading and writing files is switched off on this connection by the program that opened it; ask its owner, or use marketsql's own shell\n" +
		"Runtime error near line 7: ml_import: reading and writing files is switched off on this connection by the program that opened it; ask its owner, or use marketsql's own shell\n" +
		"1\n"
	if string(out) != want {
		t.Errorf("sqlite3 with the nofiles entry point printed:\n%s\nwant:\n%s", out, want)
	}
}
