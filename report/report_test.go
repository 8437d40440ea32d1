package report_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/report"
	"github.com/seed-a084b42d/marketsql/report/chart"
)

func open(t *testing.T, path string) *sql.DB {
	t.Helper()
	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e.DB()
}

func exec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// wholesale is a database with the Wholesale customers data (440 rows) and a
// k-means model of it.
func wholesale(t *testing.T) *sql.DB {
	t.Helper()
	db := open(t, filepath.Join(t.TempDir(), "w.db"))
	exec(t, db, `CREATE TABLE w(channel, region, fresh REAL, milk REAL, grocery REAL, frozen REAL, detergents REAL, delicassen REAL)`)
	f, err := os.Open("../testdata/kmeans/wholesale_customers_data.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	var rows []string
	for sc.Scan() {
		rows = append(rows, "("+sc.Text()+")") // 8 integers a line
	}
	exec(t, db, `INSERT INTO w VALUES `+strings.Join(rows, ", "))
	exec(t, db, `SELECT kmeans_train('spend', 'SELECT rowid AS id, fresh, milk, grocery, frozen FROM w', '{"k": 4}')`)
	return db
}

func render(t *testing.T, db *sql.DB, opts report.Options) (string, report.Summary) {
	t.Helper()
	var buf bytes.Buffer
	sum, err := report.Render(context.Background(), db, &buf, opts)
	if err != nil {
		t.Fatal(err)
	}
	return buf.String(), sum
}

func TestKMeansSection(t *testing.T) {
	db := wholesale(t)
	// With no recorded kmeans_select_k run the card says how to get the curves.
	_, sum := render(t, db, report.Options{})
	if sum.Charts != 3 || !strings.Contains(strings.Join(sum.Notes, "\n"), "run kmeans_select_k") {
		t.Errorf("without select-k: %d charts, notes %q", sum.Charts, sum.Notes)
	}
	page, sum := render(t, db, report.Options{SelectK: true})
	if len(sum.Models) != 1 || sum.Charts != 5 {
		t.Fatalf("summary %+v, want 1 model and 5 charts (sizes, profile, inertia and silhouette over k on request, projection)", sum)
	}
	for _, want := range []string{
		`data-title="Segment sizes"`, `data-title="Segment profile"`, `data-title="Inertia over k"`,
		`data-title="Silhouette over k"`, `data-title="Segments on two principal components"`,
		"computed for this report; the model has k = 4",
		// the sample is every row: 440 is under the default sample size
		"every row; PCA of the standardized features",
		">grocery</text>",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// The profile's cells are the segments' means in units, as kmeans_profile gives them.
	var mean float64
	if err := db.QueryRow(`SELECT mean FROM kmeans_profile('spend') WHERE cluster = 1 AND feature = 'fresh'`).Scan(&mean); err != nil {
		t.Fatal(err)
	}
	if cell := formatted(mean); !strings.Contains(page, ">"+cell+"</text>") {
		t.Errorf("the profile heat map does not show segment 1's fresh mean %s", cell)
	}
	// The run the report asked for is a kmeans_select_k run like any other:
	// on a writable database it is recorded, and the next report shows it.
	page, sum = render(t, db, report.Options{})
	if sum.Charts != 5 || !strings.Contains(page, "from kmeans_select_k run ") {
		t.Errorf("after a recorded run: %d charts", sum.Charts)
	}
}

// formatted is how the report writes a measured value: 4 significant
// digits, or whole with thousands separators from 10,000 on.
func formatted(v float64) string {
	if math.Abs(v) < 1e4 {
		return fmt.Sprintf("%.4g", v)
	}
	d := strconv.FormatInt(int64(math.Round(v)), 10)
	var b strings.Builder
	for i, c := range d {
		if i > 0 && (len(d)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// A model that is not there is an error naming the models that are; no
// file is written.
func TestMissingModel(t *testing.T) {
	db := wholesale(t)
	out := filepath.Join(t.TempDir(), "r.html")
	_, err := report.WriteFile(context.Background(), db, out, report.Options{Models: []string{"segmnts"}})
	var nf *report.NotFoundError
	if !errors.As(err, &nf) || err.Error() != `report: no model named "segmnts"; the models are: spend` {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Error("a failed report left a file")
	}
	// Names match as SQLite's do, without regard to case.
	if _, sum := render(t, db, report.Options{Models: []string{"SPEND", "spend"}}); len(sum.Models) != 1 {
		t.Errorf("models %v, want spend once", sum.Models)
	}
}

// A database with no models (none trained, or no catalog at all) gets a
// report that says so; asking it for a model is an error.
func TestNoModels(t *testing.T) {
	db := open(t, filepath.Join(t.TempDir(), "empty.db"))
	exec(t, db, `CREATE TABLE customers(id INTEGER)`)
	page, sum := render(t, db, report.Options{Database: "empty.db"})
	if len(sum.Models) != 0 || !strings.Contains(page, `id="no-models"`) || !strings.Contains(page, "This database has no models yet") {
		t.Errorf("the empty report does not say there are no models: %+v", sum)
	}
	_, err := report.Render(context.Background(), db, &bytes.Buffer{}, report.Options{Models: []string{"x"}})
	if err == nil || err.Error() != `report: no model named "x": the database has no models` {
		t.Errorf("err = %v", err)
	}
	// The report wrote nothing: still no catalog.
	var n int
	db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name LIKE 'ml_%'`).Scan(&n)
	if n != 0 {
		t.Errorf("reporting created %d catalog tables", n)
	}
	// A catalog whose models were all dropped.
	w := wholesale(t)
	exec(t, w, `SELECT ml_drop('spend')`)
	if _, sum := render(t, w, report.Options{}); len(sum.Models) != 0 {
		t.Errorf("models %v after dropping the only one", sum.Models)
	}
}

func TestUnwritablePath(t *testing.T) {
	db := wholesale(t)
	dir := t.TempDir()
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing", "r.html"), "report: cannot write " + filepath.Join(dir, "missing", "r.html") + ": no such file or directory; choose a directory you can write to"},
		{filepath.Join(dir, "r.pdf"), `the output file name must end in .html`},
		{"", "report: no output file given"},
	} {
		_, err := report.WriteFile(context.Background(), db, tc.path, report.Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("WriteFile(%q) = %v, want %q", tc.path, err, tc.want)
		}
	}
	if os.Geteuid() != 0 { // root writes anywhere
		ro := filepath.Join(dir, "ro")
		os.Mkdir(ro, 0o555)
		if _, err := report.WriteFile(context.Background(), db, filepath.Join(ro, "r.html"), report.Options{}); err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("into a read-only directory: %v", err)
		}
	}
	// An existing report is replaced whole.
	out := filepath.Join(dir, "r.html")
	os.WriteFile(out, []byte("old"), 0o644)
	if _, err := report.WriteFile(context.Background(), db, out, report.Options{}); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); !bytes.HasPrefix(b, []byte("<!DOCTYPE html>")) {
		t.Error("the old report was not replaced")
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".r.html.*"))
	if len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// A Chinese topic model's words are drawn as characters in a CJK font the
// SVG names.
func TestChineseTopics(t *testing.T) {
	family, _, err := chart.CJKFontFamily()
	if err != nil {
		t.Skipf("%v (make test-deps installs fonts-noto-cjk)", err)
	}
	db := open(t, filepath.Join(t.TempDir(), "zh.db"))
	exec(t, db, `CREATE TABLE reviews(id INTEGER PRIMARY KEY, txt TEXT)`)
	b, err := os.ReadFile("../testdata/text/zh_expected.tsv")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		exec(t, db, `INSERT INTO reviews(txt) VALUES (?)`, strings.SplitN(line, "\t", 2)[0])
	}
	exec(t, db, `SELECT lda_train('zh', 'reviews', '{"topics": 3, "holdout": 0, "max_df": 1, "min_df": 1}')`)
	page, sum := render(t, db, report.Options{})
	if sum.Charts < 4 {
		t.Fatalf("%d charts", sum.Charts)
	}
	var word string
	if err := db.QueryRow(`SELECT word FROM lda_topics('zh', 1) WHERE topic = 1`).Scan(&word); err != nil {
		t.Fatal(err)
	}
	topic1 := regexp.MustCompile(`(?s)<figure class="chart" data-title="Topic 1">(.*?)</figure>`).FindStringSubmatch(page)
	if topic1 == nil {
		t.Fatal("no chart of topic 1")
	}
	if !strings.Contains(topic1[1], "font-family:'"+family+"',") || !strings.Contains(topic1[1], ">"+word+"</text>") {
		t.Errorf("topic 1's chart does not set its top word %s in %s", word, family)
	}
	if os.Getenv("MARKETSQL_CJK_REPORT") != "" {
		os.WriteFile(os.Getenv("MARKETSQL_CJK_REPORT"), []byte(page), 0o644)
	}
}
