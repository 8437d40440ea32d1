// Package report writes one self-contained HTML page that shows the models
// of a marketsql database: per model a card (what it was trained on, its
// options and metrics) and its charts, drawn by report/chart.
//
// The report reads the database through SQL only: the catalog tables and the
// families' own functions (kmeans_profile, lda_topics, recommend,
// assoc_rules, ...), so it needs a connection on which marketsql's functions
// are registered (engine.Open, or a host that loaded the extension). It
// writes nothing itself; the one function it may call that records
// something is kmeans_select_k (Options.SelectK), which records its run as
// it does for any caller when the database is writable.
package report

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/seed-a084b42d/marketsql/report/chart"
	"gonum.org/v1/plot/vg"
)

// reportWidth is a chart's width on the page: two to a row.
const reportWidth = 5.4 * vg.Inch

// Querier is what the report reads through: a *sql.DB, *sql.Conn or *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Options say what to report.
type Options struct {
	// Models to report, in this order; empty: every model, by name.
	Models []string
	// Title of the page; default "marketsql report: <database>".
	Title string
	// Database is the file name shown in the title and cards.
	Database string
	// SampleSize caps the points of a projection or a rules scatter
	// (default 2,000 customers, 5,000 rules).
	SampleSize int
	// SelectK computes inertia and silhouette over k for k-means models
	// that have no recorded kmeans_select_k run (k from 2 to max(8, k+3)).
	SelectK bool
	// Workers is how many models are read at once (default 4); 1 when q is
	// a single connection.
	Workers int
	// Now stamps the page; default time.Now.
	Now func() time.Time
}

// Summary tells what a report holds.
type Summary struct {
	Models []string // the models reported, in page order
	Charts int      // charts drawn
	Notes  []string // what could not be shown, per model ("segments: no source rows ...")
}

// NotFoundError is returned when a model asked for is not in the database.
type NotFoundError struct {
	Name      string
	Available []string
}

func (e *NotFoundError) Error() string {
	if len(e.Available) == 0 {
		return fmt.Sprintf("report: no model named %q: the database has no models", e.Name)
	}
	return fmt.Sprintf("report: no model named %q; the models are: %s", e.Name, strings.Join(e.Available, ", "))
}

// WriteFile renders the report and writes it to path atomically (a temporary
// file in the same directory, renamed into place): a failed report leaves
// no file and an earlier report intact.
func WriteFile(ctx context.Context, q Querier, path string, opts Options) (Summary, error) {
	if path == "" {
		return Summary{}, errors.New("report: no output file given; name one, e.g. -o report.html")
	}
	if ext := strings.ToLower(filepath.Ext(path)); ext != ".html" && ext != ".htm" {
		return Summary{}, fmt.Errorf("report: %q: the output file name must end in .html", path)
	}
	var buf bytes.Buffer
	sum, err := Render(ctx, q, &buf, opts)
	if err != nil {
		return sum, err
	}
	if err := chart.WriteFileAtomic(path, buf.Bytes()); err != nil {
		return sum, fmt.Errorf("report: %w; choose a directory you can write to", err)
	}
	return sum, nil
}

// Render writes the report's HTML to w.
func Render(ctx context.Context, q Querier, w io.Writer, opts Options) (Summary, error) {
	if opts.SampleSize <= 0 {
		opts.SampleSize = 2000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	models, err := loadModels(ctx, q, opts.Models)
	if err != nil {
		return Summary{}, err
	}
	page := page{
		Title:     opts.Title,
		Database:  opts.Database,
		Generated: opts.Now().UTC().Format("2006-01-02 15:04 UTC"),
	}
	if page.Title == "" {
		page.Title = "marketsql report"
		if opts.Database != "" {
			page.Title += ": " + opts.Database
		}
	}
	evals, err := loadEvaluations(ctx, q)
	if err != nil {
		return Summary{}, err
	}
	var sum Summary
	sections := make([]*section, len(models))
	shared := &sourceCache{}
	// Models are independent: build their sections on up to four
	// connections at once (a pool of one, as for :memory:, serializes them).
	var wg sync.WaitGroup
	next := make(chan int)
	workers := opts.Workers
	if workers <= 0 {
		workers = 4
	}
	for range min(workers, len(models)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				s := newSection(models[i])
				b := &builder{ctx: ctx, q: q, opts: opts, m: models[i], s: s, evals: evals, shared: shared}
				b.family()
				sections[i] = s
			}
		}()
	}
	for i := range models {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return sum, err
	}
	for i, s := range sections {
		page.Sections = append(page.Sections, s)
		sum.Models = append(sum.Models, models[i].Name)
		for _, n := range s.Notes {
			sum.Notes = append(sum.Notes, models[i].Name+": "+n)
		}
	}
	// Drawing is independent per chart and dominates the time: draw in parallel.
	if err := drawAll(page.Sections); err != nil {
		return sum, err
	}
	for _, s := range page.Sections {
		sum.Charts += len(s.Charts)
	}
	if err := pageTemplate.Execute(w, page); err != nil {
		return sum, fmt.Errorf("report: %w", err)
	}
	return sum, nil
}

// model is one row of ml_models.
type model struct {
	Name, Kind, Created, Source, Format string
	Version                             int64
	Rows                                sql.NullInt64
	Seconds                             sql.NullFloat64
	Options, Metrics                    map[string]any
	rawOptions                          string
}

// hasTable reports whether the main database has a table called name.
func hasTable(ctx context.Context, q Querier, name string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&n)
	return n > 0, err
}

func loadModels(ctx context.Context, q Querier, names []string) ([]*model, error) {
	exists, err := hasTable(ctx, q, "ml_models")
	if err != nil {
		return nil, fmt.Errorf("report: reading the catalog: %w", err)
	}
	if !exists {
		if len(names) > 0 {
			return nil, &NotFoundError{Name: names[0]}
		}
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT name, kind, version, coalesce(created_at, ''), coalesce(source, ''),
		coalesce(options, '{}'), coalesce(metrics, '{}'), n_rows, train_seconds, coalesce(format, '')
		FROM ml_models ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("report: reading ml_models: %w", err)
	}
	defer rows.Close()
	var all []*model
	byName := map[string]*model{}
	for rows.Next() {
		m := &model{}
		var opts, metrics string
		var format any
		if err := rows.Scan(&m.Name, &m.Kind, &m.Version, &m.Created, &m.Source, &opts, &metrics, &m.Rows, &m.Seconds, &format); err != nil {
			return nil, fmt.Errorf("report: reading ml_models: %w", err)
		}
		m.Format = fmt.Sprint(format)
		m.rawOptions = opts
		m.Options = decodeObject(opts)
		m.Metrics = decodeObject(metrics)
		all = append(all, m)
		byName[strings.ToLower(m.Name)] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("report: reading ml_models: %w", err)
	}
	if len(names) == 0 {
		// Families in the order of the mission (segments, topics,
		// recommendations, basket rules, customer value), then by name.
		sort.SliceStable(all, func(i, j int) bool { return familyRank(all[i].Kind) < familyRank(all[j].Kind) })
		return all, nil
	}
	var out []*model
	seen := map[string]bool{}
	for _, n := range names {
		m := byName[strings.ToLower(n)]
		if m == nil {
			avail := make([]string, len(all))
			for i, a := range all {
				avail[i] = a.Name
			}
			return nil, &NotFoundError{Name: n, Available: avail}
		}
		if !seen[m.Name] {
			seen[m.Name] = true
			out = append(out, m)
		}
	}
	return out, nil
}

func decodeObject(s string) map[string]any {
	var m map[string]any
	d := json.NewDecoder(strings.NewReader(s))
	d.UseNumber()
	if d.Decode(&m) != nil || m == nil {
		return map[string]any{}
	}
	return m
}

// evaluation is one recorded run of kmeans_select_k or recommend_eval
// (table ml_evaluations).
type evaluation struct {
	Subject, Function, Args, Result, Created string
}

func loadEvaluations(ctx context.Context, q Querier) (map[string]evaluation, error) {
	if exists, err := hasTable(ctx, q, "ml_evaluations"); err != nil || !exists {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT subject, function, args, result, created_at FROM ml_evaluations`)
	if err != nil {
		return nil, fmt.Errorf("report: reading ml_evaluations: %w", err)
	}
	defer rows.Close()
	out := map[string]evaluation{}
	for rows.Next() {
		var e evaluation
		if err := rows.Scan(&e.Subject, &e.Function, &e.Args, &e.Result, &e.Created); err != nil {
			return nil, fmt.Errorf("report: reading ml_evaluations: %w", err)
		}
		out[e.Function+"\x00"+e.Subject] = e
	}
	return out, rows.Err()
}

// page is what the template draws.
type page struct {
	Title, Database, Generated string
	Sections                   []*section
}

// section is one model's card and charts.
type section struct {
	ID, Name, Kind, Family string
	Facts                  []fact
	Options                []fact
	Metrics                []fact
	Tables                 []*table
	Charts                 []*figure
	Notes                  []string
}

type fact struct{ Key, Value string }

type table struct {
	Title string
	Head  []string
	Rows  [][]string
	// Numeric marks the columns to right-align.
	Numeric []bool
}

// figure is a chart of a section: built by a family, drawn in drawAll.
type figure struct {
	Title, Caption string
	build          func() (*chart.Figure, error)
	SVG            template.HTML
	Err            string
	CJK            bool
	// width, when set, replaces the chart's default width: narrow charts
	// (a topic's words) sit three to a row.
	width float64
}

var families = map[string]string{
	"kmeans":    "Customer segments (k-means)",
	"lda":       "Topics (LDA)",
	"recommend": "Recommendations",
	"assoc":     "Basket rules",
	"clv":       "Customer value (lifetime value and RFM)",
}

func familyRank(kind string) int {
	for i, k := range []string{"kmeans", "lda", "recommend", "assoc", "clv"} {
		if k == kind {
			return i
		}
	}
	return 99
}

func newSection(m *model) *section {
	s := &section{ID: "model-" + m.Name, Name: m.Name, Kind: m.Kind, Family: families[m.Kind]}
	if s.Family == "" {
		s.Family = "Model of kind " + m.Kind
	}
	s.Facts = append(s.Facts, fact{"kind", m.Kind})
	s.Facts = append(s.Facts, fact{"trained", m.Created})
	s.Facts = append(s.Facts, fact{"source", m.Source})
	if m.Rows.Valid {
		s.Facts = append(s.Facts, fact{"rows", chart.Thousands(m.Rows.Int64)})
	}
	if m.Seconds.Valid {
		s.Facts = append(s.Facts, fact{"seconds", fmt.Sprintf("%.3g", m.Seconds.Float64)})
	}
	s.Facts = append(s.Facts, fact{"version", fmt.Sprintf("model format %s, version %d", m.Format, m.Version)})
	keys := make([]string, 0, len(m.Options))
	for k := range m.Options {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		s.Options = append(s.Options, fact{k, valueText(m.Options[k])})
	}
	return s
}

// addChart queues a chart; it is drawn later, in parallel with the others.
func (s *section) addChart(title, caption string, build func() (*chart.Figure, error)) *figure {
	f := &figure{Title: title, Caption: caption, build: build}
	s.Charts = append(s.Charts, f)
	return f
}

func (s *section) note(format string, args ...any) {
	s.Notes = append(s.Notes, fmt.Sprintf(format, args...))
}

func drawAll(sections []*section) error {
	var figs []*figure
	for _, s := range sections {
		figs = append(figs, s.Charts...)
	}
	var wg sync.WaitGroup
	work := make(chan *figure)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				f.draw()
			}
		}()
	}
	for _, f := range figs {
		work <- f
	}
	close(work)
	wg.Wait()
	// A chart that failed keeps its place with the reason, as a note, so a
	// section never silently loses a chart.
	for _, s := range sections {
		kept := s.Charts[:0]
		for _, f := range s.Charts {
			if f.Err != "" {
				s.note("chart %q not drawn: %s", f.Title, f.Err)
				continue
			}
			kept = append(kept, f)
		}
		s.Charts = kept
	}
	return nil
}

func (f *figure) draw() {
	fig, err := f.build()
	if err == nil {
		fig.Width = reportWidth
		if f.width > 0 {
			fig.Width = vg.Points(f.width)
		}
		var b []byte
		b, err = fig.InlineSVG()
		f.SVG = template.HTML(b) // rendered by gonum/plot's SVG canvas, which escapes text
		f.CJK = fig.UsesCJKFont()
	}
	if err != nil {
		f.Err = err.Error()
	}
}

// num formats a measured value with 4 significant digits.
func num(v float64) string {
	switch {
	case v == 0:
		return "0"
	case math.Abs(v) >= 1e4 && math.Abs(v) < 1e15:
		return chart.Thousands(int64(math.Round(v)))
	case v == math.Trunc(v) && math.Abs(v) < 1e4:
		return fmt.Sprint(int64(v))
	}
	return fmt.Sprintf("%.4g", v)
}

func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case json.Number:
		if f, err := x.Float64(); err == nil && strings.ContainsAny(x.String(), ".eE") {
			return num(f)
		}
		return x.String()
	case bool:
		return fmt.Sprint(x)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// metricNumber returns a metric's number at a path of keys.
func metricNumber(m map[string]any, path ...string) (float64, bool) {
	var v any = m
	for _, k := range path {
		o, ok := v.(map[string]any)
		if !ok {
			return 0, false
		}
		v = o[k]
	}
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func metricList(m map[string]any, key string) []float64 {
	l, _ := m[key].([]any)
	out := make([]float64, 0, len(l))
	for _, v := range l {
		if n, ok := v.(json.Number); ok {
			if f, err := n.Float64(); err == nil {
				out = append(out, f)
				continue
			}
		}
		return nil
	}
	return out
}

func metricStrings(m map[string]any, key string) []string {
	l, _ := m[key].([]any)
	out := make([]string, 0, len(l))
	for _, v := range l {
		s, ok := v.(string)
		if !ok {
			return nil
		}
		out = append(out, s)
	}
	return out
}
