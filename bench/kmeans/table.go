package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"
)

// busyOthers is the CPU use by other processes (in CPUs, averaged over a
// side's measurement) above which a row's ratio is marked as disturbed.
const busyOthers = 0.25

// equalInertia is the relative inertia difference still counted as equal:
// the two sides sum a million squared distances in different orders.
const equalInertia = 1e-6

func cmdTable(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("table", flag.ContinueOnError)
	md := fs.String("md", "", "also write the table as markdown to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("table: want one results file, got %d", fs.NArg())
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := readLines(f)
	if err != nil {
		return fmt.Errorf("table: %s: %w", fs.Arg(0), err)
	}
	t := buildTable(rows)
	if err := t.writeText(w); err != nil {
		return err
	}
	st := buildSeedTable(rows)
	tt := buildTotalTable(rows)
	for _, x := range []*table{st, tt} {
		if len(x.rows) > 0 {
			fmt.Fprintln(w)
			if err := x.writeText(w); err != nil {
				return err
			}
		}
	}
	if *md != "" {
		var b strings.Builder
		t.writeMarkdown(&b)
		for _, x := range []*table{st, tt} {
			if len(x.rows) > 0 {
				fmt.Fprintln(&b)
				x.writeMarkdown(&b)
			}
		}
		if err := os.WriteFile(*md, []byte(b.String()), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(w, "\nmarkdown: %s\n", *md)
	}
	return nil
}

// pair is what both sides reported for one dataset.
type pair struct {
	name       string
	ours, peer *line
}

// readLines reads JSON lines, ignoring blank lines and '#' comments, and
// pairs them by dataset in order of first appearance.
func readLines(r io.Reader) ([]*pair, error) {
	var out []*pair
	byName := map[string]*pair{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for no := 1; sc.Scan(); no++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		if !strings.HasPrefix(s, "{") {
			return nil, fmt.Errorf("line %d is not a JSON object: %.60q", no, s)
		}
		ln := new(line)
		if err := json.Unmarshal([]byte(s), ln); err != nil {
			return nil, fmt.Errorf("line %d: %w", no, err)
		}
		p := byName[ln.Dataset]
		if p == nil {
			p = &pair{name: ln.Dataset}
			byName[ln.Dataset] = p
			out = append(out, p)
		}
		switch ln.Side {
		case "ours":
			p.ours = ln
		case "sklearn":
			p.peer = ln
		default:
			return nil, fmt.Errorf("line %d: unknown side %q", no, ln.Side)
		}
	}
	return out, sc.Err()
}

type table struct {
	title  string // markdown heading; the text form prints it above the table
	legend []string
	header []string
	rows   [][]string
	notes  []string
}

var tableHeader = []string{"dataset", "n×d k", "ours fit s", "sklearn lloyd s", "sklearn elkan s",
	"ours/best", "iterations ours/sklearn", "inertia ours / sklearn (rel. diff)", "Lloyd pass ms ours/sklearn", "target"}

func buildTable(ps []*pair) *table {
	t := &table{title: "k-means: marketsql vs scikit-learn, seed 0", legend: legend, header: tableHeader}
	infos := map[string]bool{}
	for _, p := range ps {
		o, s := p.ours, p.peer
		if o == nil {
			o = &line{}
		}
		if s == nil {
			s = &line{}
			t.notes = append(t.notes, fmt.Sprintf("%s: no sklearn result", p.name))
		}
		for _, l := range []*line{o, s} {
			for _, e := range l.Errors {
				t.notes = append(t.notes, fmt.Sprintf("%s, %s: %s", p.name, l.Side, e))
			}
			if l.Info != "" && !infos[l.Side+l.Info] {
				infos[l.Side+l.Info] = true
				t.notes = append(t.notes, fmt.Sprintf("%s: %s", l.Side, l.Info))
			}
			for _, f := range []*fitStat{l.Fit, l.Lloyd, l.Elkan} {
				if f != nil && f.Unstable {
					t.notes = append(t.notes, fmt.Sprintf("%s, %s: inertia or iterations differed between reps", p.name, l.Side))
				}
				if f != nil && f.InertiaCheck != nil && *f.InertiaCheck > 1e-9 {
					t.notes = append(t.notes, fmt.Sprintf("%s, %s: reported inertia differs from the recomputed one by %.2g (relative)",
						p.name, l.Side, *f.InertiaCheck))
				}
			}
		}
		shape := "—"
		if n, d, k := firstNonZero(o.N, s.N), firstNonZero(o.D, s.D), firstNonZero(o.K, s.K); n > 0 {
			shape = fmt.Sprintf("%s×%d %d", count(n), d, k)
		}
		best := bestPeer(s)
		row := []string{p.name, shape, secs(o.Fit), secs(s.Lloyd), secs(s.Elkan), "—", "—", "—", "—", "—"}
		if o.Fit != nil && best != nil {
			row[5] = fmt.Sprintf("%.2f", o.Fit.MedianS/best.MedianS)
		}
		for _, l := range []*line{o, s} {
			if l.OthersCPU != nil && *l.OthersCPU > busyOthers {
				if !strings.HasSuffix(row[5], "*") {
					row[5] += "*"
				}
				t.notes = append(t.notes, fmt.Sprintf("%s, %s: other processes kept %.2f CPUs busy during the measurement",
					p.name, l.Side, *l.OthersCPU))
			}
		}
		if o.Fit != nil || s.Lloyd != nil {
			it := fmt.Sprintf("%s/%s", iters(o.Fit), iters(s.Lloyd))
			if s.Elkan != nil && s.Lloyd != nil && s.Elkan.NIter != s.Lloyd.NIter {
				it += fmt.Sprintf(" (elkan %d)", s.Elkan.NIter)
			}
			row[6] = it
		}
		skIn := peerInertia(s)
		switch {
		case o.Fit != nil && !math.IsNaN(skIn):
			rel := (o.Fit.Inertia - skIn) / skIn
			row[7] = fmt.Sprintf("%.6g / %.6g (%+.1e)", o.Fit.Inertia, skIn, rel)
			met := best != nil && o.Fit.MedianS <= best.MedianS && rel <= equalInertia
			row[9] = map[bool]string{true: "met", false: "NOT met"}[met]
		case !math.IsNaN(skIn):
			row[7] = fmt.Sprintf("— / %.6g", skIn)
		}
		if o.Pass != nil || s.Pass != nil {
			row[8] = fmt.Sprintf("%s/%s", ms(o.Pass), ms(s.Pass))
		}
		t.rows = append(t.rows, row)
	}
	return t
}

// bestPeer is sklearn's faster algorithm on this dataset.
func bestPeer(s *line) *fitStat {
	switch {
	case s.Lloyd == nil:
		return s.Elkan
	case s.Elkan == nil || s.Lloyd.MedianS <= s.Elkan.MedianS:
		return s.Lloyd
	}
	return s.Elkan
}

// peerInertia is the lower of sklearn's two inertias (they start from the same
// k-means++ centres and are exact, so they normally agree).
func peerInertia(s *line) float64 {
	v := math.NaN()
	for _, f := range []*fitStat{s.Lloyd, s.Elkan} {
		if f != nil && (math.IsNaN(v) || f.Inertia < v) {
			v = f.Inertia
		}
	}
	return v
}

func secs(f *fitStat) string {
	if f == nil {
		return "—"
	}
	return fmt.Sprintf("%.3f", f.MedianS)
}

func iters(f *fitStat) string {
	if f == nil {
		return "—"
	}
	return fmt.Sprint(f.NIter)
}

func ms(p *passStat) string {
	if p == nil {
		return "—"
	}
	return fmt.Sprintf("%.2f", p.MedianS*1e3)
}

func count(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

func firstNonZero(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

// legend explains the columns, one line each.
var legend = []string{
	"fit s: median wall time of a whole fit, k-means++ init included: KMeans(init=k-means++, n_init=1, max_iter=100, tol=1e-4, seed 0); ours is kmeans.Fit with Algorithm Auto. Rows named with n_init use the defaults (max_iter=300, tol=1e-4) and that many restarts, ours with its own random stream (as kmeans_train).",
	"ours/best: our median over the faster of sklearn's lloyd and elkan (below 1 is faster).",
	"inertia: rel. diff is (ours - sklearn) / sklearn, sklearn's being the lower of lloyd and elkan.",
	"Lloyd pass ms: one Lloyd iteration (assign, update, convergence check), timed the same way on both sides: the median gap between the ends of iterations 2..j of Lloyd runs from the first k rows with tol 0, j <= 11 (ours: kmeans.Fit Algorithm Lloyd via Progress; sklearn: _kmeans_single_lloyd's loop body).",
	"*: other processes kept more than 0.25 CPU busy while one side was measured (machine busy time minus the benchmark's own): rerun on a quiet machine before trusting that ratio.",
	"target: met when ours/best <= 1 and our inertia is equal (within 1e-6 relative) or lower.",
}

func (t *table) writeText(w io.Writer) error {
	fmt.Fprintln(w, t.title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(t.header, "\t"))
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	for _, l := range t.legend {
		fmt.Fprintln(w, l)
	}
	for _, n := range t.notes {
		fmt.Fprintln(w, "note:", n)
	}
	return nil
}

func (t *table) writeMarkdown(w io.Writer) {
	fmt.Fprintln(w, "# "+t.title)
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| "+strings.Join(t.header, " | ")+" |")
	fmt.Fprintln(w, "|"+strings.Repeat("---|", len(t.header)))
	for _, r := range t.rows {
		fmt.Fprintln(w, "| "+strings.Join(r, " | ")+" |")
	}
	fmt.Fprintln(w)
	for _, l := range t.legend {
		fmt.Fprintln(w, "- "+l)
	}
	if len(t.notes) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, "Notes:")
		fmt.Fprintln(w)
		for _, n := range t.notes {
			fmt.Fprintln(w, "- "+n)
		}
	}
}

var seedHeader = []string{"dataset", "seeds", "ours fit s", "sklearn lloyd s", "sklearn elkan s", "ours/best",
	"iterations ours/sklearn", "inertia ours / sklearn (rel. diff)", "at best inertia ours/sklearn", "target"}

var seedLegend = []string{
	"Each side fits once per seed (ours: Seed s; sklearn: random_state=s), n_init=1, otherwise as above. By default (RNG=numpy) our k-means++ draws numpy's RandomState(s) stream as scikit-learn does, so both sides start seed s from the same rows; with RNG=pcg the streams differ and seed s on one side has nothing to do with seed s on the other.",
	"fit s, iterations, inertia: medians over the seeds (ours/best: our median fit time over the faster of sklearn's two medians).",
	"at best inertia: seeds whose inertia is within 1e-6 (relative) of the lowest inertia any fit of either side reached on that dataset.",
	"target: met when ours/best <= 1 and our median inertia is equal (within 1e-6 relative) or lower.",
}

// buildSeedTable summarises the per-seed fits of both sides.
func buildSeedTable(ps []*pair) *table {
	t := &table{title: "k-means over seeds: medians of one fit per seed", legend: seedLegend, header: seedHeader}
	for _, p := range ps {
		o, s := p.ours, p.peer
		if o == nil || s == nil || o.Seeds == nil || (s.SeedsLloyd == nil && s.SeedsElkan == nil) {
			continue
		}
		sk := s.SeedsLloyd
		if sk == nil {
			sk = s.SeedsElkan
		}
		best := math.Inf(1)
		for _, st := range []*seedStat{o.Seeds, s.SeedsLloyd, s.SeedsElkan} {
			if st != nil {
				for _, v := range st.Inertia {
					best = math.Min(best, v)
				}
			}
		}
		atBest := func(st *seedStat) int {
			c := 0
			for _, v := range st.Inertia {
				if v <= best*(1+equalInertia) {
					c++
				}
			}
			return c
		}
		row := []string{p.name, fmt.Sprintf("%d/%d", len(o.Seeds.Seeds), len(sk.Seeds)), "—", "—", "—", "—", "—", "—", "—", "—"}
		oFit := median(o.Seeds.FitS)
		row[2] = fmt.Sprintf("%.3f", oFit)
		bestFit := math.Inf(1)
		for i, st := range []*seedStat{s.SeedsLloyd, s.SeedsElkan} {
			if st != nil && len(st.FitS) > 0 {
				m := median(st.FitS)
				row[3+i] = fmt.Sprintf("%.3f", m)
				bestFit = math.Min(bestFit, m)
			}
		}
		if !math.IsInf(bestFit, 1) {
			row[5] = fmt.Sprintf("%.2f", oFit/bestFit)
		}
		row[6] = fmt.Sprintf("%g/%g", medianInts(o.Seeds.NIter), medianInts(sk.NIter))
		oIn, sIn := median(o.Seeds.Inertia), median(sk.Inertia)
		rel := (oIn - sIn) / sIn
		row[7] = fmt.Sprintf("%.6g / %.6g (%+.1e)", oIn, sIn, rel)
		row[8] = fmt.Sprintf("%d/%d", atBest(o.Seeds), atBest(sk))
		met := oFit <= bestFit && rel <= equalInertia
		row[9] = map[bool]string{true: "met", false: "NOT met"}[met]
		t.rows = append(t.rows, row)
	}
	return t
}

func medianInts(v []int) float64 {
	f := make([]float64, len(v))
	for i, x := range v {
		f[i] = float64(x)
	}
	return median(f)
}

var totalHeader = []string{"dataset", "ours init+iterate s", "sklearn fit s", "(a) ratio", "ours kmeans_train s (read/init/iterate/metrics/write)",
	"sklearn fit+metrics s (fit/metrics)", "(b) ratio"}

var totalLegend = []string{
	"ours init+iterate: the init and iterate timings of kmeans_train's summary (SQL, default options but k and n_init, default metrics), median over reps; sklearn fit: KMeans(n_clusters=k, n_init=n, random_state=0).fit, timed in the same loop as its metrics. Target (a): ratio <= 0.5.",
	"ours kmeans_train: the summary's seconds (reading the table, standardizing, fitting, the silhouette on a 10,000-row sample, Davies-Bouldin, Calinski-Harabasz, writing the model and its assignments); sklearn: the fit, silhouette_score(sample_size=10000, random_state=0), davies_bouldin_score and calinski_harabasz_score. Target (b): ratio <= 0.7.",
}

// buildTotalTable compares whole trainings with their metrics (rows with
// n_init).
func buildTotalTable(ps []*pair) *table {
	t := &table{title: "k-means trainings with their metrics", legend: totalLegend, header: totalHeader}
	for _, p := range ps {
		o, s := p.ours, p.peer
		if o == nil || s == nil || o.Total == nil || s.Total == nil {
			continue
		}
		ot, st := o.Total, s.Total
		tm := func(name string) string { return fmt.Sprintf("%.3f", ot.Timings[name]) }
		t.rows = append(t.rows, []string{p.name,
			fmt.Sprintf("%.3f", ot.FitS), fmt.Sprintf("%.3f", st.FitS), fmt.Sprintf("%.2f", ot.FitS/st.FitS),
			fmt.Sprintf("%.3f (%s/%s/%s/%s/%s)", ot.MedianS, tm("read"), tm("init"), tm("iterate"), tm("metrics"), tm("write")),
			fmt.Sprintf("%.3f (%.3f/%.3f)", st.MedianS, st.FitS, st.MetricsS), fmt.Sprintf("%.2f", ot.MedianS/st.MedianS)})
	}
	return t
}
