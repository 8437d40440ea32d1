package shell

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// reportDB is a database with two small models: k-means segments of a
// customers table and basket rules.
func reportDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "shop.db")
	_, errs, err := runScript(t, Config{DBPath: db}, `
CREATE TABLE customers(id INTEGER PRIMARY KEY, recency REAL, frequency REAL, monetary REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600)
INSERT INTO customers SELECT i, (i * 37) % 365, 1 + (i * 13) % 20, 10 + (i * 7919) % 2000 FROM n;
SELECT kmeans_train('segments', 'customers', '{"k": 3}') IS NOT NULL;
CREATE TABLE lines(basket, item);
INSERT INTO lines VALUES (1,'milk'),(1,'bread'),(2,'milk'),(2,'bread'),(2,'eggs'),(3,'milk'),(3,'eggs'),(4,'bread'),(4,'milk');
SELECT assoc_train('rules', 'lines', '{"min_support": 0.5, "min_confidence": 0.5}') IS NOT NULL;
`)
	if err != nil || errs != "" {
		t.Fatalf("%v: %s", err, errs)
	}
	return db
}

func TestDotReport(t *testing.T) {
	db := reportDB(t)
	out := filepath.Join(t.TempDir(), "r.html")
	got, errs, err := runScript(t, Config{DBPath: db}, ".report segments -o "+out+"\n")
	if err != nil || errs != "" {
		t.Fatalf("%v: %s", err, errs)
	}
	if want := "report: 1 model, 3 charts: " + out + "\n"; got != want {
		t.Errorf(".report printed %q, want %q", got, want)
	}
	page, _ := os.ReadFile(out)
	if !bytes.Contains(page, []byte(`id="model-segments"`)) || bytes.Contains(page, []byte(`id="model-rules"`)) {
		t.Error("the page does not hold exactly the model asked for")
	}
	// Bad input: each an error naming what is wrong and what to do.
	for _, tc := range []struct{ cmd, want string }{
		{".report nope -o " + out, `report: no model named "nope"; the models are: rules, segments`},
		{".report", "no output file given; add -o report.html"},
		{".report -o", "-o needs a file name"},
		{".report --bins 3 -o " + out, `unknown option "--bins"`},
		{".report -o " + filepath.Join(t.TempDir(), "no", "r.html"), "no such file or directory; choose a directory you can write to"},
		{".report -o " + filepath.Join(t.TempDir(), "r.txt"), "must end in .html"},
	} {
		_, errs, _ := runScript(t, Config{DBPath: db}, tc.cmd+"\n")
		if !strings.Contains(errs, tc.want) {
			t.Errorf("%s: stderr %q, want %q", tc.cmd, errs, tc.want)
		}
	}
	// An empty in-memory database gets a page that says it has no models.
	got, errs, err = runScript(t, Config{}, ".report -o "+out+"\n")
	if err != nil || !strings.Contains(got, "the database has no models; wrote "+out) {
		t.Errorf("empty database: %q %q %v", got, errs, err)
	}
}

func TestRunReport(t *testing.T) {
	db := reportDB(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "report.html")
	var stdout, stderr bytes.Buffer
	if code := RunReport(context.Background(), []string{db, "-o", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if want := "report: 2 models, 4 charts: " + out + "\n"; stdout.String() != want {
		t.Errorf("printed %q, want %q", stdout.String(), want)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{filepath.Join(dir, "missing.db"), "-o", out}, 1, "marketsql report: cannot open database " + filepath.Join(dir, "missing.db") + ": no such file or directory"},
		{[]string{db}, 2, "no output file given"},
		{[]string{"-o", out}, 2, "no database given"},
		{[]string{db, "segmnts", "-o", out}, 1, `marketsql report: no model named "segmnts"; the models are: rules, segments`},
	} {
		stdout.Reset()
		stderr.Reset()
		if code := RunReport(context.Background(), tc.args, &stdout, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
	// The missing database was not created.
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); !os.IsNotExist(err) {
		t.Error("reporting a missing database created it")
	}
	stdout.Reset()
	if code := RunReport(context.Background(), []string{"-help"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "Usage: marketsql report DATABASE [MODEL ...] -o FILE.html") {
		t.Errorf("-help: %d %q", code, stdout.String())
	}
}
