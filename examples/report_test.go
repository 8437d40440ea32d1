package examples_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/report"
	"github.com/seed-a084b42d/marketsql/shell"
)

var (
	demoOnce sync.Once
	demoPath string
	demoErr  error
)

// demoDatabase returns a database prepared as make demo prepares demo.db:
// the Online Retail import, examples/demo.sql and examples/recommend.sql,
// built once per test run (about 15 s). Tests must not change it.
func demoDatabase(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("skipped in -short mode: prepares the demo database (about 15 s)")
	}
	src := retail(t)
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "marketsql-demo")
		if err != nil {
			demoErr = err
			return
		}
		demoPath = filepath.Join(dir, "demo.db")
		data, err := os.ReadFile(src)
		if err == nil {
			err = os.WriteFile(demoPath, data, 0o644)
		}
		if err != nil {
			demoErr = err
			return
		}
		// The shared Online Retail database may hold other tests' models:
		// start from no catalog, as make demo does.
		if demoErr = dropCatalog(demoPath); demoErr != nil {
			return
		}
		for _, script := range []string{"demo.sql", "recommend.sql"} {
			b, err := os.ReadFile(script)
			if err != nil {
				demoErr = err
				return
			}
			abs, _ := filepath.Abs("rfm.sql")
			b = bytes.ReplaceAll(b, []byte(".read examples/rfm.sql"), []byte(".read "+abs))
			var stderr bytes.Buffer
			err = shell.Run(context.Background(), shell.Config{DBPath: demoPath}, bytes.NewReader(b), &bytes.Buffer{}, &stderr)
			if err != nil || stderr.Len() > 0 {
				demoErr = fmt.Errorf("%s: %v %s", script, err, stderr.String())
				return
			}
		}
	})
	if demoErr != nil {
		t.Fatal(demoErr)
	}
	return demoPath
}

// dropCatalog drops every ml_* table of the database at path.
func dropCatalog(path string) error {
	e, err := engine.Open(path, nil)
	if err != nil {
		return err
	}
	defer e.Close()
	rows, err := e.DB().Query(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 'ml\_%' ESCAPE '\'`)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	for _, n := range names {
		if _, err := e.DB().Exec(`DROP TABLE "` + n + `"`); err != nil {
			return err
		}
	}
	return nil
}

// demoReport writes the report of the demo's models as make demo does.
func demoReport(t *testing.T) (string, report.Summary) {
	t.Helper()
	db := demoDatabase(t)
	out := filepath.Join(t.TempDir(), "report.html")
	var stdout, stderr bytes.Buffer
	if code := shell.RunReport(context.Background(), []string{db, "-o", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("marketsql report: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), out) {
		t.Errorf("marketsql report does not print the path it wrote: %q", stdout.String())
	}
	e, err := engine.Open(db, &engine.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	var buf bytes.Buffer
	sum, err := report.Render(context.Background(), e.DB(), &buf, report.Options{Database: "demo.db"})
	if err != nil {
		t.Fatal(err)
	}
	return out, sum
}

// TestReportOfTheDemo renders the report of the demo's models and checks its
// structure: a section per model with its family's charts, one SVG per
// chart, and nothing that would load from elsewhere.
func TestReportOfTheDemo(t *testing.T) {
	path, sum := demoReport(t)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)

	// Nothing external: no URL, no src attribute, no link other than to
	// the page's own sections, no CSS url() or @import.
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`(?i)https?:`), regexp.MustCompile(`(?i)\bsrc\s*=`),
		regexp.MustCompile(`(?i)url\(`),
		regexp.MustCompile(`(?i)@import`), regexp.MustCompile(`(?i)<link`), regexp.MustCompile(`(?i)<script`),
	} {
		if loc := bad.FindStringIndex(page); loc != nil {
			t.Errorf("the report refers outside itself (%s): %q", bad, page[max(0, loc[0]-60):min(len(page), loc[1]+60)])
		}
	}

	// Links go to the page's own sections; images are inline data (the
	// colour scale of the rules chart).
	for _, m := range regexp.MustCompile(`(?i)href\s*=\s*"([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(m[1], "#") && !strings.HasPrefix(m[1], "data:image/") {
			t.Errorf("the report links outside itself: href=%q", m[1])
		}
	}

	wantModels := []string{"segments", "interests", "rec_als", "rec_knn", "rec_pop", "recs", "basket_rules", "value"}
	if strings.Join(sum.Models, " ") != strings.Join(wantModels, " ") {
		t.Errorf("models reported %v, want %v (families in order, then by name)", sum.Models, wantModels)
	}
	sections := regexp.MustCompile(`(?s)<section class="model" id="model-([a-z_]+)" data-kind="([a-z]+)">(.*?)</section>`).FindAllStringSubmatch(page, -1)
	if len(sections) != len(wantModels) {
		t.Fatalf("%d model sections, want %d", len(sections), len(wantModels))
	}
	// Every family's charts, by title.
	wantCharts := map[string][]string{
		"segments":     {"Segment sizes", "Segment profile", "Inertia over k", "Silhouette over k", "Segments on two principal components"},
		"interests":    {"Topic prevalence", "Topic 1", "Topic 8"},
		"rec_als":      {"Evaluation", "Popularity of recommended items"},
		"rec_pop":      {"Evaluation", "Popularity of recommended items"},
		"recs":         {"Popularity of recommended items"},
		"basket_rules": {"Rules: support, confidence and lift"},
		"value":        {"Probability alive", "Customer lifetime value", "Fit: repeat purchases", "RFM segment sizes", "RFM segment value"},
	}
	figureRe := regexp.MustCompile(`(?s)<figure class="chart" data-title="([^"]*)">(.*?)</figure>`)
	total := 0
	for _, s := range sections {
		name, body := s[1], s[3]
		figs := figureRe.FindAllStringSubmatch(body, -1)
		total += len(figs)
		titles := map[string]bool{}
		for _, f := range figs {
			titles[f[1]] = true
			if n := strings.Count(f[2], "<svg"); n != 1 {
				t.Errorf("%s: chart %q holds %d SVGs, want 1", name, f[1], n)
			}
			if !strings.Contains(f[2], "<text") || !strings.Contains(f[2], "</svg>") {
				t.Errorf("%s: chart %q is not a whole SVG with text", name, f[1])
			}
		}
		for _, want := range wantCharts[name] {
			if !titles[want] {
				t.Errorf("%s: no chart %q (charts: %v)", name, want, keys(titles))
			}
		}
		for _, want := range []string{">Trained<", ">source<", ">rows<", ">trained<", ">seconds<", ">version<", ">Options<"} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: the model card lacks %s", name, want)
			}
		}
	}
	if n := strings.Count(page, "<svg"); n != total || n != sum.Charts {
		t.Errorf("%d SVGs, %d chart figures, summary says %d charts", n, total, sum.Charts)
	}
	if len(sum.Notes) > 0 {
		t.Logf("notes: %s", strings.Join(sum.Notes, "\n"))
	}
	// The card's figures are the catalog's.
	if !strings.Contains(page, "<th>rows</th><td>4,334</td>") {
		t.Error("the segments card does not show its 4,334 rows")
	}
	if !strings.Contains(page, "top-topic documents") {
		t.Error("the topics table is missing")
	}
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestReportInBrowser opens the demo's report in headless Chromium and takes
// a screenshot: it must have the window's size and show the page, not a
// blank one. MARKETSQL_SCREENSHOT=FILE.png keeps the screenshot (the
// README's picture comes from it).
func TestReportInBrowser(t *testing.T) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("no chromium on PATH (make deps installs Debian's chromium)")
	}
	path, _ := demoReport(t)
	shot := filepath.Join(t.TempDir(), "report.png")
	const w, h = 1280, 2400
	cmd := exec.Command(browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--user-data-dir="+t.TempDir(), fmt.Sprintf("--window-size=%d,%d", w, h), "--screenshot="+shot, "file://"+path)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("screenshot is %dx%d, want %dx%d", b.Dx(), b.Dy(), w, h)
	}
	white, colours := blankness(img)
	t.Logf("screenshot: %.1f%% near-white pixels, %d distinct colours", 100*white, colours)
	if white > 0.97 || colours < 50 {
		t.Errorf("the screenshot looks blank: %.1f%% near-white, %d colours", 100*white, colours)
	}
	if keep := os.Getenv("MARKETSQL_SCREENSHOT"); keep != "" {
		b, _ := os.ReadFile(shot)
		if err := os.WriteFile(keep, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// blankness returns the share of near-white pixels and the number of
// distinct colours (quantized to 4 bits a channel) of img.
func blankness(img image.Image) (float64, int) {
	b := img.Bounds()
	white, n := 0, 0
	seen := map[[3]uint8]bool{}
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			c := color.NRGBAModel.Convert(img.At(x, y)).(color.NRGBA)
			if c.R > 240 && c.G > 240 && c.B > 240 {
				white++
			}
			seen[[3]uint8{c.R >> 4, c.G >> 4, c.B >> 4}] = true
			n++
		}
	}
	return float64(white) / float64(n), len(seen)
}

// TestREADMEReport runs the README's report and chart commands as written,
// in a directory laid out as after make demo (bin/marketsql, demo.db), and
// checks what each writes.
func TestREADMEReport(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile("(?s)## Show the models: report and charts\n(.*?)\n## ").FindSubmatch(readme)
	if section == nil {
		t.Fatal(`README has no section "## Show the models: report and charts"`)
	}
	block := regexp.MustCompile("(?s)```sh\n(.*?)```").FindSubmatch(section[1])
	if block == nil {
		t.Fatal("the report section has no sh block")
	}
	if !bytes.Contains(section[1], []byte("](docs/report.png)")) {
		t.Error("the report section does not show the screenshot docs/report.png")
	}
	if _, err := os.Stat("../docs/report.png"); err != nil {
		t.Error(err)
	}
	dir := t.TempDir()
	copyFile(t, buildShell(t), filepath.Join(dir, "bin", "marketsql"))
	os.Chmod(filepath.Join(dir, "bin", "marketsql"), 0o755)
	copyFile(t, demoDatabase(t), filepath.Join(dir, "demo.db"))
	var outputs []string
	for _, line := range strings.Split(strings.TrimSpace(string(block[1])), "\n") {
		cmd := exec.Command("sh", "-c", line)
		cmd.Dir = dir
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Fatalf("%s: %v\n%s", line, err, stderr.String())
		}
		outputs = append(outputs, stdout.String())
	}
	want := []string{
		"report: 8 models, ",
		"report: 2 models, 10 charts: ",
		"clv.png\n",
		"1|1880\n2|1685\n3|769\nsegments.svg\n",
	}
	for i, w := range want {
		if i >= len(outputs) || !strings.Contains(outputs[i], w) {
			t.Errorf("command %d printed %q, want %q", i+1, outputs[min(i, len(outputs)-1)], w)
		}
	}
	for _, f := range []string{"report.html", "segments.html", "clv.png", "segments.svg"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() < 1000 {
			t.Errorf("%s: %v", f, err)
		}
	}
	svg, _ := os.ReadFile(filepath.Join(dir, "segments.svg"))
	if !bytes.Contains(svg, []byte(">customers</text>")) {
		t.Error("segments.svg does not label its customers axis")
	}
}
