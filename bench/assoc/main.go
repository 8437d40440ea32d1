// Command assoc measures the basket-rules family (make bench-assoc), side by
// side with Weka's FPGrowth (Debian's weka, its Java command line) on the
// same baskets and thresholds:
//
//   - arules' Groceries (9,835 baskets; from $MARKETSQL_DATA or
//     ../shared/data, skipped when absent) at support 0.001, confidence 0.8
//     and 0.5;
//   - the bundled Online Retail invoices (baskets = invoice_no, items =
//     stock_code of the demo's product_sales view) at support 0.005.
//
// Ours is timed twice: the assoc_train statement through the engine (the
// statement only: reading the rows, mining, rules and writing the model),
// and the algorithms/assoc calls (FrequentItemsetsStats and Rules) on
// baskets already in memory. Weka is timed as the whole java command (JVM
// start and reading the ARFF file included), that minus the JVM start (the
// same command on a two-basket file), and as the "Elapsed time" Weka prints
// itself (its buildAssociations call alone). Every run is done once untimed,
// then reps times; medians are reported.
//
// Weka's command line prints rules only, so AssocPeer.java (compiled here
// against weka.jar) runs the same FPGrowth once more and lists the frequent
// itemsets it mined, with their counts, and every rule with exact counts;
// both are compared with the model assoc_train stored.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/seed-a084b42d/marketsql/algorithms/assoc"
	"github.com/seed-a084b42d/marketsql/engine"
)

const maxLen = 10 // assoc_train's default (arules'); Weka gets -I 10

func main() {
	dataDir := os.Getenv("MARKETSQL_DATA")
	if dataDir == "" {
		dataDir = "../shared/data"
	}
	data := flag.String("data", dataDir, "directory holding groceries/groceries_long.csv")
	retail := flag.String("retail", "testdata/online-retail/online_retail.csv.gz", "Online Retail CSV (gzip)")
	shell := flag.String("marketsql", "bin/marketsql", "the marketsql shell, to load Online Retail as make demo does")
	wekaJar := flag.String("weka", "/usr/share/java/weka.jar", "Weka's jar (Debian's weka package)")
	reps := flag.Int("reps", 3, "timed repetitions (medians are reported)")
	flag.Parse()
	if err := run(*data, *retail, *shell, *wekaJar, *reps); err != nil {
		fmt.Fprintln(os.Stderr, "bench/assoc:", err)
		os.Exit(1)
	}
}

func median(d []float64) float64 {
	s := append([]float64(nil), d...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// repeat runs f once untimed, then reps times, and returns the seconds of
// the timed runs.
func repeat(reps int, f func() error) ([]float64, error) {
	var secs []float64
	for r := 0; r <= reps; r++ {
		t0 := time.Now()
		if err := f(); err != nil {
			return nil, err
		}
		if r > 0 {
			secs = append(secs, time.Since(t0).Seconds())
		}
	}
	return secs, nil
}

// dataset is one set of baskets: in the engine (source, for assoc_train),
// in memory (for algorithms/assoc) and as a sparse ARFF file (for Weka).
type dataset struct {
	name    string
	e       *engine.Engine
	source  string // assoc_train's source
	items   []string
	baskets [][]int32
	arff    string
}

type benchCase struct {
	d                   *dataset
	support, confidence float64
	target              float64 // seconds; 0: none
}

type summary struct {
	Baskets     int   `json:"baskets"`
	MinCount    int   `json:"min_count"`
	Itemsets    int   `json:"itemsets"`
	Rules       int   `json:"rules"`
	FPTreeBytes int64 `json:"fp_tree_bytes"`
	PeakBytes   int64 `json:"peak_bytes"`

	Seconds        float64 `json:"seconds"`
	ReadingSeconds float64 `json:"reading_seconds"`
	MiningSeconds  float64 `json:"mining_seconds"`
	RulesSeconds   float64 `json:"rules_seconds"`
}

// result is one case measured.
type result struct {
	c                 benchCase
	sum               summary
	sql, algo         []float64
	algoItemsets      int
	algoRules         int
	weka, wekaOwn     []float64 // whole command; Weka's printed time
	wekaRules         int       // "FPGrowth found N rules"
	cmp               *comparison
	wekaErr, cmpErr   error
	wekaSkippedReason string
}

func run(dataDir, retailCSV, shell, wekaJar string, reps int) error {
	dir, err := os.MkdirTemp("", "bench-assoc-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	var cases []benchCase
	var notes []string

	// Groceries: a table loaded from the CSV.
	grocCSV := filepath.Join(dataDir, "groceries", "groceries_long.csv")
	if _, err := os.Stat(grocCSV); err != nil {
		notes = append(notes, fmt.Sprintf("Groceries: %s not found (set MARKETSQL_DATA or -data); skipped", grocCSV))
	} else {
		e, err := engine.Open(filepath.Join(dir, "groceries.db"), nil)
		if err != nil {
			return err
		}
		defer e.Close()
		d, err := loadGroceries(ctx, e, grocCSV)
		if err != nil {
			return err
		}
		cases = append(cases, benchCase{d, 0.001, 0.8, 0.1}, benchCase{d, 0.001, 0.5, 0.1})
	}

	// Online Retail, loaded as make demo does.
	if _, err := os.Stat(retailCSV); err != nil {
		notes = append(notes, fmt.Sprintf("Online Retail: %s not found; skipped", retailCSV))
	} else {
		fmt.Fprintln(os.Stderr, "loading Online Retail...")
		path := filepath.Join(dir, "retail.db")
		for _, cmd := range []string{".import --csv " + retailCSV + " retail_raw", ".read examples/rfm.sql"} {
			if out, err := exec.Command(shell, path, cmd).CombinedOutput(); err != nil {
				return fmt.Errorf("%s %q: %v\n%s", shell, cmd, err, out)
			}
		}
		e, err := engine.Open(path, nil)
		if err != nil {
			return err
		}
		defer e.Close()
		d, err := loadSource(ctx, e, "Online Retail invoices", `SELECT invoice_no, stock_code FROM product_sales`)
		if err != nil {
			return err
		}
		cases = append(cases, benchCase{d, 0.005, 0.8, 1}, benchCase{d, 0.005, 0.5, 1})
	}
	if len(cases) == 0 {
		for _, n := range notes {
			fmt.Println(n)
		}
		return errors.New("no data")
	}

	// Weka: the ARFF files, the JVM start and the itemset lister.
	w, wekaReason := newWeka(dir, wekaJar)
	var jvm, jvmOwn []float64
	if w != nil {
		for _, c := range cases {
			if c.d.arff == "" {
				c.d.arff = filepath.Join(dir, strings.Fields(c.d.name)[0]+".arff")
				if err := writeARFF(c.d.arff, c.d.items, c.d.baskets); err != nil {
					return err
				}
			}
		}
		tiny := filepath.Join(dir, "tiny.arff")
		if err := writeARFF(tiny, []string{"a", "b"}, [][]int32{{0, 1}, {0}}); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "timing the JVM start (Weka on a two-basket file)...")
		jvm, jvmOwn, _, err = w.timeCLI(tiny, 1, 0.5, reps)
		if err != nil {
			return err
		}
	}

	var results []*result
	for _, c := range cases {
		fmt.Fprintf(os.Stderr, "%s at support %g / confidence %g...\n", c.d.name, c.support, c.confidence)
		r, err := measure(ctx, c, w, reps)
		if err != nil {
			return err
		}
		if w == nil {
			r.wekaSkippedReason = wekaReason
		}
		results = append(results, r)
	}
	report(results, notes, jvm, jvmOwn, wekaReason, reps)
	return nil
}

// loadGroceries makes the table groc(txn_id, item) from the CSV.
func loadGroceries(ctx context.Context, e *engine.Engine, path string) (*dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd := csv.NewReader(bufio.NewReader(f))
	if _, err := rd.Read(); err != nil { // header
		return nil, err
	}
	db := e.DB()
	if _, err := db.ExecContext(ctx, `CREATE TABLE groc(txn_id INTEGER, item TEXT)`); err != nil {
		return nil, err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	st, err := tx.PrepareContext(ctx, `INSERT INTO groc VALUES (?, ?)`)
	if err != nil {
		return nil, err
	}
	for {
		rec, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		id, err := strconv.Atoi(rec[0])
		if err != nil {
			return nil, fmt.Errorf("%s: %v", path, err)
		}
		if _, err := st.ExecContext(ctx, id, rec[1]); err != nil {
			return nil, err
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	return loadSource(ctx, e, "Groceries", "groc")
}

// loadSource reads a (basket, item) source into memory, keys as text,
// baskets in order of first appearance, items of a basket counted once.
func loadSource(ctx context.Context, e *engine.Engine, name, source string) (*dataset, error) {
	query := source
	if !strings.Contains(strings.ToUpper(source), "SELECT") {
		query = "SELECT * FROM " + source
	}
	rows, err := e.DB().QueryContext(ctx, query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	d := &dataset{name: name, e: e, source: source}
	itemID := map[string]int32{}
	basketIx := map[string]int{}
	seen := map[[2]int]bool{}
	for rows.Next() {
		var b, it any
		if err := rows.Scan(&b, &it); err != nil {
			return nil, err
		}
		bk, ik := key(b), key(it)
		id, ok := itemID[ik]
		if !ok {
			id = int32(len(d.items))
			itemID[ik] = id
			d.items = append(d.items, ik)
		}
		bi, ok := basketIx[bk]
		if !ok {
			bi = len(d.baskets)
			basketIx[bk] = bi
			d.baskets = append(d.baskets, nil)
		}
		if !seen[[2]int{bi, int(id)}] {
			seen[[2]int{bi, int(id)}] = true
			d.baskets[bi] = append(d.baskets[bi], id)
		}
	}
	return d, rows.Err()
}

// key is a SQLite value as the text assoc_train's JSON shows for it.
func key(v any) string {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// writeARFF writes baskets as a sparse ARFF file of binary attributes, one
// per item (value 1 present, 0 absent), as Weka's FPGrowth reads them.
func writeARFF(path string, items []string, baskets [][]int32) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "@relation baskets")
	quote := strings.NewReplacer(`\`, `\\`, `'`, `\'`)
	for _, it := range items {
		fmt.Fprintf(w, "@attribute '%s' {0,1}\n", quote.Replace(it))
	}
	fmt.Fprintln(w, "@data")
	for _, b := range baskets {
		s := slices.Clone(b)
		slices.Sort(s)
		w.WriteByte('{')
		for i, id := range s {
			if i > 0 {
				w.WriteByte(',')
			}
			fmt.Fprintf(w, "%d 1", id)
		}
		w.WriteString("}\n")
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func measure(ctx context.Context, c benchCase, w *weka, reps int) (*result, error) {
	r := &result{c: c}
	db := c.d.e.DB()
	opts := fmt.Sprintf(`{"min_support": %g, "min_confidence": %g, "max_len": %d}`, c.support, c.confidence, maxLen)
	var js string
	var err error
	r.sql, err = repeat(reps, func() error {
		return db.QueryRowContext(ctx, `SELECT assoc_train('bench', ?, ?)`, c.d.source, opts).Scan(&js)
	})
	if err != nil {
		return nil, fmt.Errorf("assoc_train on %s: %w", c.d.name, err)
	}
	if err := json.Unmarshal([]byte(js), &r.sum); err != nil {
		return nil, err
	}
	minCount := assoc.MinCountFor(c.support, len(c.d.baskets))
	if minCount != r.sum.MinCount || len(c.d.baskets) != r.sum.Baskets {
		return nil, fmt.Errorf("%s: baskets %d, min count %d in memory but %d, %d in SQL", c.d.name, len(c.d.baskets), minCount, r.sum.Baskets, r.sum.MinCount)
	}
	r.algo, err = repeat(reps, func() error {
		sets, _, err := assoc.FrequentItemsetsStats(c.d.baskets, len(c.d.items), assoc.Options{MinCount: minCount, MaxLen: maxLen})
		if err != nil {
			return err
		}
		rules, err := assoc.Rules(sets, len(c.d.baskets), assoc.RuleOptions{MinConfidence: c.confidence})
		r.algoItemsets, r.algoRules = len(sets), len(rules)
		return err
	})
	if err != nil {
		return nil, err
	}
	if w == nil {
		return r, nil
	}
	r.weka, r.wekaOwn, r.wekaRules, r.wekaErr = w.timeCLI(c.d.arff, minCount, c.confidence, reps)
	if r.wekaErr != nil {
		return r, nil
	}
	ours, err := readModel(ctx, c.d.e)
	if err != nil {
		return nil, err
	}
	peer, err := w.list(c.d.arff, minCount, c.confidence)
	if err != nil {
		r.cmpErr = err
		return r, nil
	}
	r.cmp = compare(ours, peer, c.confidence)
	return r, nil
}

// setKey is an itemset as a map key: its items sorted, joined by a byte no
// item holds.
func setKey(items []string) string {
	s := slices.Clone(items)
	sort.Strings(s)
	return strings.Join(s, "\x1f")
}

type rule struct {
	ante, cons []string
	count      int // baskets with both sides
	anteCount  int // baskets with the antecedent
}

type mined struct {
	itemsets map[string]int // setKey -> count
	rules    []rule
}

// readModel reads the itemsets and rules of the model 'bench'.
func readModel(ctx context.Context, e *engine.Engine) (*mined, error) {
	m := &mined{itemsets: map[string]int{}}
	db := e.DB()
	rows, err := db.QueryContext(ctx, `SELECT itemset, count FROM assoc_itemsets('bench')`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var js string
		var n int
		if err := rows.Scan(&js, &n); err != nil {
			rows.Close()
			return nil, err
		}
		items, err := jsonItems(js)
		if err != nil {
			rows.Close()
			return nil, err
		}
		m.itemsets[setKey(items)] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = db.QueryContext(ctx, `SELECT antecedent, consequent, count FROM assoc_rules('bench')`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var a, c string
		var n int
		if err := rows.Scan(&a, &c, &n); err != nil {
			return nil, err
		}
		ante, err := jsonItems(a)
		if err != nil {
			return nil, err
		}
		cons, err := jsonItems(c)
		if err != nil {
			return nil, err
		}
		ac, ok := m.itemsets[setKey(ante)]
		if !ok {
			return nil, fmt.Errorf("the antecedent %v of a rule is not among the itemsets", ante)
		}
		m.rules = append(m.rules, rule{ante, cons, n, ac})
	}
	return m, rows.Err()
}

func jsonItems(js string) ([]string, error) {
	dec := json.NewDecoder(strings.NewReader(js))
	dec.UseNumber()
	var v []any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%q: %w", js, err)
	}
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = fmt.Sprint(x)
	}
	return out, nil
}

// comparison is Weka's itemsets and rules against ours.
type comparison struct {
	oursItemsets, wekaItemsets int
	itemsetsSame               int // in both, same count
	onlyOurs, onlyWeka, diff   int // itemsets in one only; in both with different counts

	oursRules, wekaRules int
	wekaSingle           int // Weka's rules with a one-item consequent
	wekaSingleMatched    int // ... among ours with the same counts
	wekaMulti            int // Weka's rules with more than one item on the right
	wekaMultiValid       int // ... whose counts agree with our itemsets and pass the thresholds
	oursAtThreshold      int // our rules whose confidence is exactly min_confidence
	oursNotInWeka        int
	oursNotInWekaAtThr   int // ... of which at the threshold
}

func compare(ours, weka *mined, conf float64) *comparison {
	c := &comparison{oursItemsets: len(ours.itemsets), wekaItemsets: len(weka.itemsets),
		oursRules: len(ours.rules), wekaRules: len(weka.rules)}
	for k, n := range ours.itemsets {
		wn, ok := weka.itemsets[k]
		switch {
		case !ok:
			c.onlyOurs++
		case wn == n:
			c.itemsetsSame++
		default:
			c.diff++
		}
	}
	for k := range weka.itemsets {
		if _, ok := ours.itemsets[k]; !ok {
			c.onlyWeka++
		}
	}
	ruleKey := func(r rule) string { return setKey(r.ante) + "\x1e" + setKey(r.cons) }
	oursBy := map[string]rule{}
	for _, r := range ours.rules {
		oursBy[ruleKey(r)] = r
		if float64(r.count)/float64(r.anteCount) == conf {
			c.oursAtThreshold++
		}
	}
	wekaBy := map[string]bool{}
	for _, r := range weka.rules {
		wekaBy[ruleKey(r)] = true
		if len(r.cons) == 1 {
			c.wekaSingle++
			if o, ok := oursBy[ruleKey(r)]; ok && o.count == r.count && o.anteCount == r.anteCount {
				c.wekaSingleMatched++
			}
			continue
		}
		c.wekaMulti++
		all := append(slices.Clone(r.ante), r.cons...)
		n, ok1 := ours.itemsets[setKey(all)]
		a, ok2 := ours.itemsets[setKey(r.ante)]
		if ok1 && ok2 && n == r.count && a == r.anteCount && float64(n)/float64(a) >= conf {
			c.wekaMultiValid++
		}
	}
	for _, r := range ours.rules {
		if !wekaBy[ruleKey(r)] {
			c.oursNotInWeka++
			if float64(r.count)/float64(r.anteCount) == conf {
				c.oursNotInWekaAtThr++
			}
		}
	}
	return c
}

// weka runs Weka's FPGrowth.
type weka struct {
	jar, classes string
}

// newWeka finds java and the jar and compiles AssocPeer.java; nil and the
// reason when Weka cannot run. Without javac the itemsets are not compared.
func newWeka(dir, jar string) (*weka, string) {
	if _, err := exec.LookPath("java"); err != nil {
		return nil, "java is not installed (Debian: apt-get install weka)"
	}
	if _, err := os.Stat(jar); err != nil {
		return nil, jar + " not found (Debian: apt-get install weka)"
	}
	w := &weka{jar: jar}
	src, err := filepath.Abs("bench/assoc/AssocPeer.java")
	if err == nil {
		classes := filepath.Join(dir, "classes")
		if out, err := exec.Command("javac", "-nowarn", "-cp", jar, "-d", classes, src).CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "javac AssocPeer.java: %v\n%s", err, out)
		} else {
			w.classes = classes
		}
	}
	return w, ""
}

// args are FPGrowth's options for our thresholds: all rules at the support
// (-S; no iterative lowering), itemsets of at most maxLen items, rules
// ranked by confidence with min_confidence, and the minimum support as a
// count (arules' ceil(support x baskets); Weka reads values above 1 as
// counts).
func (w *weka) args(minCount int, conf float64) []string {
	return []string{"-S", "-I", strconv.Itoa(maxLen), "-N", "100000000", "-T", "0",
		"-C", strconv.FormatFloat(conf, 'g', -1, 64), "-M", strconv.Itoa(minCount)}
}

var (
	foundRe   = regexp.MustCompile(`FPGrowth found (\d+) rules`)
	elapsedRe = regexp.MustCompile(`Elapsed time: ([0-9.]+)s`)
)

// timeCLI runs the command line once untimed, then reps times: the whole
// command's seconds, Weka's own "Elapsed time" and the rule count it printed.
func (w *weka) timeCLI(arff string, minCount int, conf float64, reps int) (whole, own []float64, rules int, err error) {
	args := append([]string{"-cp", w.jar, "weka.associations.FPGrowth", "-t", arff}, w.args(minCount, conf)...)
	var out []byte
	whole, err = repeat(reps, func() error {
		var err error
		out, err = exec.Command("java", args...).Output()
		if err != nil {
			return fmt.Errorf("java %s: %v", strings.Join(args, " "), err)
		}
		m := elapsedRe.FindSubmatch(out)
		if m == nil {
			return fmt.Errorf("java %s: no elapsed time in its output", strings.Join(args, " "))
		}
		s, _ := strconv.ParseFloat(string(m[1]), 64)
		own = append(own, s)
		return nil
	})
	if err != nil {
		return nil, nil, 0, err
	}
	own = own[1:] // the untimed run's
	if m := foundRe.FindSubmatch(out); m != nil {
		rules, _ = strconv.Atoi(string(m[1]))
	}
	return whole, own, rules, nil
}

// list runs AssocPeer: Weka's itemsets and rules with their counts.
func (w *weka) list(arff string, minCount int, conf float64) (*mined, error) {
	if w.classes == "" {
		return nil, errors.New("javac could not compile AssocPeer.java")
	}
	args := append([]string{"-cp", w.jar + string(os.PathListSeparator) + w.classes, "AssocPeer", arff}, w.args(minCount, conf)...)
	out, err := exec.Command("java", args...).Output()
	if err != nil {
		return nil, fmt.Errorf("java AssocPeer: %v", err)
	}
	m := &mined{itemsets: map[string]int{}}
	for line := range strings.Lines(string(out)) {
		f := strings.Split(strings.TrimRight(line, "\n"), "\t")
		switch f[0] {
		case "itemset":
			n, err := strconv.Atoi(f[1])
			if err != nil {
				return nil, fmt.Errorf("AssocPeer: %q", line)
			}
			m.itemsets[setKey(f[2:])] = n
		case "rule":
			a, err1 := strconv.Atoi(f[1])
			n, err2 := strconv.Atoi(f[2])
			arrow := slices.Index(f, "=>")
			if err1 != nil || err2 != nil || arrow < 0 {
				return nil, fmt.Errorf("AssocPeer: %q", line)
			}
			m.rules = append(m.rules, rule{ante: f[3:arrow], cons: f[arrow+1:], count: n, anteCount: a})
		}
	}
	return m, nil
}

func ms(s float64) string {
	if s < 1 {
		return fmt.Sprintf("%.0f ms", s*1000)
	}
	return fmt.Sprintf("%.2f s", s)
}

func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func report(results []*result, notes []string, jvm, jvmOwn []float64, wekaReason string, reps int) {
	for _, n := range notes {
		fmt.Println(n)
		fmt.Println()
	}
	if wekaReason != "" {
		fmt.Printf("Weka: %s; ours only.\n\n", wekaReason)
	}
	fmt.Printf("Speed, medians of %d after an untimed run (max length %d, one-item consequents):\n\n", reps, maxLen)
	fmt.Println("| data | support / confidence | baskets | itemsets | rules | ours: `assoc_train` statement | ours: algorithms/assoc | target | Weka: whole command | Weka: minus JVM start | Weka: its own elapsed time | Weka whole / ours statement | Weka's own / algorithms/assoc |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
	jvmStart := 0.0
	if len(jvm) > 0 {
		jvmStart = median(jvm)
	}
	for _, r := range results {
		s, a := median(r.sql), median(r.algo)
		mark := ""
		if r.c.target > 0 {
			mark = fmt.Sprintf("< %g s (met)", r.c.target)
			if s >= r.c.target {
				mark = fmt.Sprintf("< %g s (missed)", r.c.target)
			}
		}
		wk := []string{"-", "-", "-", "-", "-"}
		if len(r.weka) > 0 {
			wh, own := median(r.weka), median(r.wekaOwn)
			wk = []string{ms(wh), ms(wh - jvmStart), ms(own), fmt.Sprintf("%.1fx", wh/s), fmt.Sprintf("%.1fx", own/a)}
		} else if r.wekaErr != nil {
			wk[0] = "failed"
		}
		fmt.Printf("| %s | %g / %g | %s | %s | %s | %s | %s | %s | %s |\n", r.c.d.name, r.c.support, r.c.confidence,
			thousands(r.sum.Baskets), thousands(r.sum.Itemsets), thousands(r.sum.Rules), ms(s), ms(a), mark, strings.Join(wk, " | "))
	}
	if len(jvm) > 0 {
		fmt.Printf("\nJVM start: Weka's command on a two-basket file takes %s whole (median of %d; its own elapsed time %s).\n",
			ms(jvmStart), reps, ms(median(jvmOwn)))
	}
	fmt.Println("\nassoc_train's own seconds (its summary, last run): reading the rows, mining, rules, and the rest (writing the model and ml_assoc_rules):")
	fmt.Println()
	fmt.Println("| data | support / confidence | reading | mining | rules | writing |")
	fmt.Println("|---|---|---|---|---|---|")
	for _, r := range results {
		u := r.sum
		fmt.Printf("| %s | %g / %g | %s | %s | %s | %s |\n", r.c.d.name, r.c.support, r.c.confidence,
			ms(u.ReadingSeconds), ms(u.MiningSeconds), ms(u.RulesSeconds), ms(u.Seconds-u.ReadingSeconds-u.MiningSeconds-u.RulesSeconds))
	}
	for _, r := range results {
		if r.algoItemsets != r.sum.Itemsets || r.algoRules != r.sum.Rules {
			fmt.Printf("\nWARNING: %s %g / %g: algorithms/assoc gives %d itemsets and %d rules, assoc_train %d and %d\n",
				r.c.d.name, r.c.support, r.c.confidence, r.algoItemsets, r.algoRules, r.sum.Itemsets, r.sum.Rules)
		}
		if r.wekaErr != nil {
			fmt.Printf("\n%s %g / %g: Weka failed: %v\n", r.c.d.name, r.c.support, r.c.confidence, r.wekaErr)
		}
		if r.cmpErr != nil {
			fmt.Printf("\n%s %g / %g: Weka's itemsets not compared: %v\n", r.c.d.name, r.c.support, r.c.confidence, r.cmpErr)
		}
	}

	fmt.Println("\nAgreement with Weka (its itemsets and rules with exact counts; Weka keeps a rule when its confidence is above the threshold, ours at or above it, as arules; Weka also makes rules with several items on the right):")
	fmt.Println()
	fmt.Println("| data | support / confidence | itemsets ours / Weka | same itemsets, same counts | rules ours / Weka (printed) | Weka's one-item-consequent rules among ours, same counts | ours at exactly the confidence threshold | ours not in Weka (at the threshold) | Weka's multi-item-consequent rules (counts agree with our itemsets) |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	for _, r := range results {
		c := r.cmp
		if c == nil {
			continue
		}
		same := "yes"
		if c.onlyOurs+c.onlyWeka+c.diff > 0 {
			same = fmt.Sprintf("NO: %d only ours, %d only Weka's, %d different counts", c.onlyOurs, c.onlyWeka, c.diff)
		}
		fmt.Printf("| %s | %g / %g | %s / %s | %s | %s / %s (%s) | %s of %s | %s | %s (%s) | %s (%s) |\n", r.c.d.name, r.c.support, r.c.confidence,
			thousands(c.oursItemsets), thousands(c.wekaItemsets), same,
			thousands(c.oursRules), thousands(c.wekaRules), thousands(r.wekaRules),
			thousands(c.wekaSingleMatched), thousands(c.wekaSingle),
			thousands(c.oursAtThreshold), thousands(c.oursNotInWeka), thousands(c.oursNotInWekaAtThr),
			thousands(c.wekaMulti), thousands(c.wekaMultiValid))
	}
	for _, r := range results {
		c := r.cmp
		if c == nil {
			continue
		}
		ok := c.onlyOurs+c.onlyWeka+c.diff == 0 && c.wekaSingleMatched == c.wekaSingle &&
			c.oursNotInWeka == c.oursNotInWekaAtThr && c.oursNotInWeka == c.oursAtThreshold &&
			c.wekaMultiValid == c.wekaMulti && c.oursRules-c.oursAtThreshold+c.wekaMulti == c.wekaRules
		verdict := "the difference in rules is exactly the rules at the threshold and Weka's multi-item consequents"
		if !ok {
			verdict = "NOT fully explained by the threshold and multi-item consequents"
		}
		fmt.Printf("\n%s %g / %g: %s - %s + %s = %s; %s.", r.c.d.name, r.c.support, r.c.confidence,
			thousands(c.oursRules), thousands(c.oursAtThreshold), thousands(c.wekaMulti), thousands(c.oursRules-c.oursAtThreshold+c.wekaMulti), verdict)
	}
	fmt.Println()

	fmt.Println("\nMemory (assoc_train's summary: the FP-tree of all baskets, and the peak of mining: the tree, the conditional trees alive at once and scratch):")
	fmt.Println()
	fmt.Println("| data | support | FP-tree | peak | peak / tree | target |")
	fmt.Println("|---|---|---|---|---|---|")
	done := map[string]bool{}
	for _, r := range results {
		k := fmt.Sprintf("%s %g", r.c.d.name, r.c.support)
		if done[k] {
			continue
		}
		done[k] = true
		ratio := float64(r.sum.PeakBytes) / float64(r.sum.FPTreeBytes)
		mark := "met"
		if !(ratio <= 2) {
			mark = "missed"
		}
		fmt.Printf("| %s | %g | %s | %s | %.2f | within 2x (%s) |\n", r.c.d.name, r.c.support,
			kib(r.sum.FPTreeBytes), kib(r.sum.PeakBytes), ratio, mark)
	}
}

func kib(b int64) string {
	if b >= 10<<20 {
		return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20))
	}
	return fmt.Sprintf("%s KiB", thousands(int(math.Round(float64(b)/1024))))
}
