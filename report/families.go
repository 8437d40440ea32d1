package report

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/seed-a084b42d/marketsql/report/chart"
)

// builder fills one model's section.
type builder struct {
	ctx   context.Context
	q     Querier
	opts  Options
	m     *model
	s     *section
	evals map[string]evaluation
	// shared holds what several models of one source need (recommenders
	// trained on the same interactions), computed once per report.
	shared *sourceCache
}

// interactionStats are a recommender source's item popularity and a sample
// of its users.
type interactionStats struct {
	pop   map[string]float64
	users *chart.Reservoir[any]
}

// sourceCache computes a value once per key, even when asked concurrently.
type sourceCache struct {
	mu sync.Mutex
	m  map[string]*cacheEntry
}

type cacheEntry struct {
	once sync.Once
	v    any
	err  error
}

func (c *sourceCache) get(key string, compute func() (any, error)) (any, error) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]*cacheEntry{}
	}
	e := c.m[key]
	if e == nil {
		e = &cacheEntry{}
		c.m[key] = e
	}
	c.mu.Unlock()
	e.once.Do(func() { e.v, e.err = compute() })
	return e.v, e.err
}

func (b *builder) family() {
	switch b.m.Kind {
	case "kmeans":
		b.kmeans()
	case "lda":
		b.lda()
	case "recommend":
		b.recommend()
	case "assoc":
		b.assoc()
	case "clv":
		b.clv()
	default:
		b.s.note("no charts for models of kind %q", b.m.Kind)
	}
}

// each runs query and calls row for every row; an error becomes a note
// (prefixed with what) and false.
func (b *builder) each(what, query string, args []any, row func(r *sql.Rows) error) bool {
	if err := b.query(query, args, row); err != nil {
		b.s.note("%s: %v", what, err)
		return false
	}
	return true
}

// query runs query and calls row for every row.
func (b *builder) query(query string, args []any, row func(r *sql.Rows) error) error {
	rows, err := b.q.QueryContext(b.ctx, query, args...)
	if err == nil {
		for rows.Next() {
			if err = row(rows); err != nil {
				break
			}
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
	}
	return err
}

// sameKey compares two SQL keys as scanned (int64, float64, string or []byte).
func sameKey(a, b any) bool {
	if x, ok := a.([]byte); ok {
		y, ok := b.([]byte)
		return ok && string(x) == string(y)
	}
	return a == b
}

func (b *builder) metric(key, label string, path ...string) {
	if v, ok := metricNumber(b.m.Metrics, append([]string{key}, path...)...); ok {
		b.s.Metrics = append(b.s.Metrics, fact{label, num(v)})
	}
}

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// sourceSQL returns the model's source as a FROM item: a query in
// parentheses or a quoted table name. ok is false for a model imported from
// a file (its source is the file), whose rows are not in the database.
func sourceSQL(src string) (string, bool) {
	s := strings.TrimSpace(src)
	words := strings.FieldsFunc(s, func(r rune) bool { return r == '(' || unicode.IsSpace(r) })
	if len(words) > 0 {
		switch strings.ToUpper(words[0]) {
		case "SELECT", "WITH", "VALUES":
			return "(" + strings.TrimRight(s, "; \t\r\n") + ")", true
		}
	}
	if identifier.MatchString(s) {
		return quoteIdent(s), true
	}
	return "", false
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// ---- k-means ----------------------------------------------------------------

func (b *builder) kmeans() {
	m, s := b.m, b.s
	b.metric("inertia", "inertia")
	b.metric("silhouette", "silhouette")
	b.metric("davies_bouldin", "Davies-Bouldin")
	b.metric("calinski_harabasz", "Calinski-Harabasz")
	b.metric("iterations", "iterations")
	b.metric("skipped", "rows skipped")

	type cell struct {
		cluster        int
		size           int64
		share          float64
		feature        string
		mean, all, z   float64
		meanOK, zValid bool
	}
	var cells []cell
	ok := b.each("segment profile", `SELECT cluster, size, share, feature, mean, overall_mean, z FROM kmeans_profile(?)`, []any{m.Name},
		func(r *sql.Rows) error {
			var c cell
			var mean, all, z sql.NullFloat64
			if err := r.Scan(&c.cluster, &c.size, &c.share, &c.feature, &mean, &all, &z); err != nil {
				return err
			}
			c.mean, c.all, c.z, c.meanOK, c.zValid = mean.Float64, all.Float64, z.Float64, mean.Valid, z.Valid
			cells = append(cells, c)
			return nil
		})
	if ok && len(cells) > 0 {
		var features []string
		fidx := map[string]int{}
		k := 0
		for _, c := range cells {
			if _, seen := fidx[c.feature]; !seen {
				fidx[c.feature] = len(features)
				features = append(features, c.feature)
			}
			k = max(k, c.cluster)
		}
		sizes := make([]float64, k)
		shares := make([]float64, k)
		z := make([][]float64, k)
		text := make([][]string, k)
		overall := make([]float64, len(features))
		for i := range z {
			z[i] = make([]float64, len(features))
			text[i] = make([]string, len(features))
			for j := range z[i] {
				z[i][j] = math.NaN()
			}
		}
		for _, c := range cells {
			i, j := c.cluster-1, fidx[c.feature]
			if i < 0 {
				continue
			}
			sizes[i], shares[i] = float64(c.size), c.share
			if c.zValid {
				z[i][j] = c.z
			}
			if c.meanOK {
				text[i][j] = num(c.mean)
			}
			overall[j] = c.all
		}
		labels := make([]string, k)
		rowLabels := make([]string, k)
		for i := range labels {
			labels[i] = strconv.Itoa(i + 1)
			rowLabels[i] = fmt.Sprintf("%d (%s)", i+1, chart.Thousands(int64(sizes[i])))
		}
		var shareText []string
		for i := range shares {
			shareText = append(shareText, fmt.Sprintf("%d: %.1f%%", i+1, 100*shares[i]))
		}
		s.addChart("Segment sizes", "customers per segment; share "+strings.Join(shareText, ", "), func() (*chart.Figure, error) {
			return chart.Bar(chart.Labels{Title: "Segment sizes", X: "segment", Y: "rows"}, labels, sizes)
		})
		var means []string
		for j, f := range features {
			means = append(means, f+" "+num(overall[j]))
		}
		s.addChart("Segment profile", "colour: z-score of the segment's mean against all rows (red above, blue below); numbers: the segment's mean in the feature's units. Overall means: "+strings.Join(means, ", "),
			func() (*chart.Figure, error) {
				f, err := chart.HeatMap(chart.Labels{Title: "Segment profile (z-score; mean in units)", Y: "segment (rows)"}, rowLabels, features, z, text)
				return f, err
			})
	}
	b.selectK()
	b.projection()
}

// selectK draws inertia and silhouette over k from the latest recorded
// kmeans_select_k run on the model's source, or computes them on request.
func (b *builder) selectK() {
	m, s := b.m, b.s
	type point struct{ k, inertia, silhouette float64 }
	var pts []point
	origin := ""
	if e, ok := b.evals["kmeans_select_k\x00"+strings.TrimSpace(m.Source)]; ok {
		var rows []map[string]any
		d := json.NewDecoder(strings.NewReader(e.Result))
		d.UseNumber()
		if err := d.Decode(&rows); err != nil {
			s.note("the recorded kmeans_select_k run does not decode: %v", err)
		}
		for _, r := range rows {
			k, _ := metricNumber(r, "k")
			in, _ := metricNumber(r, "inertia")
			sil, ok := metricNumber(r, "silhouette")
			if !ok {
				sil = math.NaN()
			}
			pts = append(pts, point{k, in, sil})
		}
		origin = "from kmeans_select_k run " + e.Created
	} else if b.opts.SelectK {
		if _, ok := sourceSQL(m.Source); !ok {
			s.note("inertia over k: the model was imported (%s); its rows are not in the database", m.Source)
			return
		}
		k, _ := metricNumber(m.Options, "k")
		kmax := max(8, int(k)+3)
		opts := map[string]any{}
		for _, key := range []string{"standardize", "seed", "algorithm", "max_iter", "tol", "on_null", "silhouette_sample"} {
			if v, ok := m.Options[key]; ok {
				opts[key] = v
			}
		}
		optText, _ := json.Marshal(opts)
		name := strings.TrimSpace(m.Source)
		b.each("inertia over k", `SELECT k, inertia, silhouette FROM kmeans_select_k(?, 2, ?, ?)`, []any{name, kmax, string(optText)},
			func(r *sql.Rows) error {
				var p point
				var sil sql.NullFloat64
				if err := r.Scan(&p.k, &p.inertia, &sil); err != nil {
					return err
				}
				p.silhouette = math.NaN()
				if sil.Valid {
					p.silhouette = sil.Float64
				}
				pts = append(pts, p)
				return nil
			})
		origin = "computed for this report"
	}
	if len(pts) == 0 {
		if !b.opts.SelectK {
			s.note("inertia and silhouette over k: run kmeans_select_k on the model's source, or ask the report for them (--select-k)")
		}
		return
	}
	xs := make([]float64, len(pts))
	in := make([]float64, len(pts))
	sil := make([]float64, len(pts))
	for i, p := range pts {
		xs[i], in[i], sil[i] = p.k, p.inertia, p.silhouette
	}
	k, _ := metricNumber(m.Options, "k")
	caption := fmt.Sprintf("%s; the model has k = %v", origin, k)
	s.addChart("Inertia over k", caption+"; look for the elbow", func() (*chart.Figure, error) {
		return chart.Lines(chart.Labels{Title: "Inertia over k", X: "k", Y: "inertia"}, chart.Series{Name: "inertia", X: xs, Y: in})
	})
	s.addChart("Silhouette over k", caption+"; higher is better separated", func() (*chart.Figure, error) {
		return chart.Lines(chart.Labels{Title: "Silhouette over k", X: "k", Y: "silhouette"}, chart.Series{Name: "silhouette", X: xs, Y: sil})
	})
}

// projection draws a sample of the source's rows on their first two
// principal components, coloured by segment.
func (b *builder) projection() {
	m, s := b.m, b.s
	features := metricStrings(m.Metrics, "features")
	src, ok := sourceSQL(m.Source)
	if !ok || len(features) == 0 {
		s.note("no projection: the model was imported (%s); its rows are not in the database", m.Source)
		return
	}
	if len(features) < 2 {
		s.note("no projection: the model has one feature")
		return
	}
	cols := make([]string, len(features))
	for i, f := range features {
		cols[i] = quoteIdent(f)
	}
	list := strings.Join(cols, ", ")
	// A sample of the rows with every feature, read once per source and
	// features (several models of one table share it); only the sample is
	// then assigned to segments.
	v, err := b.shared.get("rows\x00"+src+"\x00"+list, func() (any, error) {
		res := chart.NewReservoir[[]float64](b.opts.SampleSize)
		err := b.query(`SELECT `+list+` FROM `+src, nil, func(r *sql.Rows) error {
			vals := make([]sql.NullFloat64, len(features))
			ptrs := make([]any, len(vals))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := r.Scan(ptrs...); err != nil {
				return err
			}
			x := make([]float64, len(features))
			for i, v := range vals {
				if !v.Valid {
					return nil // a row with a NULL feature has no segment
				}
				x[i] = v.Float64
			}
			res.Add(x)
			return nil
		})
		return res, err
	})
	if err != nil {
		s.note("projection: %v", err)
		return
	}
	res := v.(*chart.Reservoir[[]float64])
	if len(res.Items) < 3 {
		s.note("no projection: fewer than 3 rows with every feature")
		return
	}
	data := res.Items
	segs, err := b.assign(data)
	if err != nil {
		s.note("projection: %v", err)
		return
	}
	groups := make([]string, len(data))
	k := 0
	for i, seg := range segs {
		groups[i] = strconv.Itoa(seg)
		k = max(k, seg)
	}
	standardize := true
	if v, ok := m.Options["standardize"].(bool); ok {
		standardize = v
	}
	pc, err := principalComponents(data, standardize)
	if err != nil {
		s.note("no projection: %v", err)
		return
	}
	order := make([]string, k)
	for i := range order {
		order[i] = strconv.Itoa(i + 1)
	}
	note := chart.SampleNote(len(res.Items), res.Seen, "rows")
	scaled := "standardized features"
	if !standardize {
		scaled = "features in their units"
	}
	s.addChart("Segments on two principal components",
		fmt.Sprintf("%s; PCA of the %s; the two components explain %.0f%% of the variance", orText(note, "every row"), scaled, 100*(pc.share[0]+pc.share[1])),
		func() (*chart.Figure, error) {
			return chart.Scatter(chart.Labels{
				Title: "Segments on two principal components",
				X:     fmt.Sprintf("PC1 (%.0f%% of variance)", 100*pc.share[0]),
				Y:     fmt.Sprintf("PC2 (%.0f%% of variance)", 100*pc.share[1]),
				Note:  note,
			}, pc.x, pc.y, groups, order)
		})
}

// assign returns the segment of every row with kmeans_assign, in statements
// of up to 500 rows (SELECT kmeans_assign(model, column1, ...) FROM
// (VALUES ...)).
func (b *builder) assign(rows [][]float64) ([]int, error) {
	d := len(rows[0])
	cols := make([]string, d)
	for j := range cols {
		cols[j] = "column" + strconv.Itoa(j+1)
	}
	tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", d), ", ") + ")"
	out := make([]int, 0, len(rows))
	for start := 0; start < len(rows); start += 500 {
		chunk := rows[start:min(start+500, len(rows))]
		tuples := make([]string, len(chunk))
		args := []any{b.m.Name}
		for i, r := range chunk {
			tuples[i] = tuple
			for _, v := range r {
				args = append(args, v)
			}
		}
		err := b.query(`SELECT kmeans_assign(?, `+strings.Join(cols, ", ")+`) FROM (VALUES `+strings.Join(tuples, ", ")+`)`, args,
			func(r *sql.Rows) error {
				var seg int
				if err := r.Scan(&seg); err != nil {
					return err
				}
				out = append(out, seg)
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

func orText(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

// ---- LDA --------------------------------------------------------------------

func (b *builder) lda() {
	m, s := b.m, b.s
	b.metric("docs", "documents")
	b.metric("tokens", "tokens")
	b.metric("vocabulary", "vocabulary")
	b.metric("perplexity", "held-out perplexity")
	b.metric("coherence", "coherence c_npmi (topic-word)", "c_npmi")
	b.metric("coherence", "coherence u_mass", "u_mass")

	type word struct {
		w string
		p float64
	}
	words := map[int][]word{}
	topics := 0
	b.each("topic words", `SELECT topic, word, weight FROM lda_topics(?, 10) ORDER BY topic, rank`, []any{m.Name},
		func(r *sql.Rows) error {
			var t int
			var w word
			if err := r.Scan(&t, &w.w, &w.p); err != nil {
				return err
			}
			words[t] = append(words[t], w)
			topics = max(topics, t)
			return nil
		})
	share := metricList(m.Metrics, "topic_share")
	npmi := metricList(m.Metrics, "topic_c_npmi")
	umass := metricList(m.Metrics, "topic_u_mass")
	// Documents whose largest weight is on each topic: the doc-topic side of
	// how distinct the topics are.
	topDocs := map[int]int64{}
	b.each("documents per topic", `SELECT topic, count(*) FROM (
			SELECT doc_id, topic, max(weight) FROM ml_lda_doc_topics WHERE model = ? GROUP BY doc_id)
		GROUP BY topic`, []any{m.Name},
		func(r *sql.Rows) error {
			var t int
			var n int64
			if err := r.Scan(&t, &n); err != nil {
				return err
			}
			topDocs[t] = n
			return nil
		})
	if len(share) == topics && topics > 0 {
		labels := make([]string, topics)
		for i := range labels {
			labels[i] = strconv.Itoa(i + 1)
		}
		s.addChart("Topic prevalence", "each topic's share of all the words of the documents", func() (*chart.Figure, error) {
			return chart.Bar(chart.Labels{Title: "Topic prevalence", X: "topic", Y: "share of words"}, labels, share)
		})
	}
	t := &table{Title: "Topics", Head: []string{"topic", "share", "top-topic documents", "c_npmi", "u_mass", "top words"},
		Numeric: []bool{true, true, true, true, true, false}}
	at := func(l []float64, i int) string {
		if i < len(l) {
			return num(l[i])
		}
		return ""
	}
	for i := 1; i <= topics; i++ {
		var ws []string
		for _, w := range words[i] {
			ws = append(ws, w.w)
		}
		shareText := ""
		if i-1 < len(share) {
			shareText = fmt.Sprintf("%.1f%%", 100*share[i-1])
		}
		t.Rows = append(t.Rows, []string{strconv.Itoa(i), shareText, chart.Thousands(topDocs[i]), at(npmi, i-1), at(umass, i-1), strings.Join(ws, ", ")})
	}
	if topics > 0 {
		s.Tables = append(s.Tables, t)
	}
	for i := 1; i <= topics; i++ {
		ws := words[i]
		labels := make([]string, len(ws))
		probs := make([]float64, len(ws))
		for j, w := range ws {
			labels[j], probs[j] = w.w, w.p
		}
		title := fmt.Sprintf("Topic %d", i)
		caption := "the topic's 10 most probable words"
		if i-1 < len(npmi) {
			caption += fmt.Sprintf("; coherence c_npmi %s", num(npmi[i-1]))
		}
		s.addChart(title, caption, func() (*chart.Figure, error) {
			return chart.HBar(chart.Labels{Title: title, X: "probability"}, labels, probs)
		}).width = 3.5 * 72
	}
}

// ---- recommend ----------------------------------------------------------------

func (b *builder) recommend() {
	m, s := b.m, b.s
	b.metric("users", "users")
	b.metric("items", "items")
	b.metric("interactions", "interactions")
	b.metric("loss", "final loss")
	if e, ok := b.evals["recommend_eval\x00"+m.Name]; ok {
		var res map[string]any
		d := json.NewDecoder(strings.NewReader(e.Result))
		d.UseNumber()
		if err := d.Decode(&res); err != nil {
			s.note("the recorded recommend_eval run does not decode: %v", err)
		} else {
			args := decodeObject(e.Args)
			t := &table{Title: fmt.Sprintf("Evaluation (recommend_eval %s, holdout %s, n = %s)", e.Created, valueText(args["holdout"]), valueText(args["n"])),
				Head: []string{"metric", "value"}, Numeric: []bool{false, true}}
			keys := make([]string, 0, len(res))
			for k := range res {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			var labels []string
			var vals []float64
			for _, k := range keys {
				t.Rows = append(t.Rows, []string{k, valueText(res[k])})
				if v, ok := metricNumber(res, k); ok && v >= 0 && v <= 1 {
					labels = append(labels, k)
					vals = append(vals, v)
				}
			}
			s.Tables = append(s.Tables, t)
			if len(vals) > 0 {
				s.addChart("Evaluation", "against the held-out rows "+valueText(args["holdout"]), func() (*chart.Figure, error) {
					return chart.Bar(chart.Labels{Title: "Evaluation at n = " + valueText(args["n"])}, labels, vals)
				})
			}
		}
	} else {
		s.note("no evaluation: run recommend_eval(%q, holdout, n) and report again", m.Name)
	}
	b.coverage()
}

// coverage recommends 10 items to a sample of the source's users and
// compares the popularity of what is recommended with the popularity of all
// items.
func (b *builder) coverage() {
	m, s := b.m, b.s
	src, ok := sourceSQL(m.Source)
	userCol, _ := m.Metrics["user_column"].(string)
	itemCol, _ := m.Metrics["item_column"].(string)
	if !ok || userCol == "" || itemCol == "" {
		s.note("no coverage: the model was imported (%s); its interactions are not in the database", m.Source)
		return
	}
	v, err := b.shared.get("interactions\x00"+src+"\x00"+userCol+"\x00"+itemCol, func() (any, error) {
		in := interactionStats{pop: map[string]float64{}, users: chart.NewReservoir[any](min(b.opts.SampleSize, 500))}
		var last any
		// One pass over the interactions, ordered by user, gives both the
		// items' popularity and a sample of distinct users.
		err := b.query(`SELECT `+quoteIdent(userCol)+`, CAST(`+quoteIdent(itemCol)+` AS TEXT) FROM `+src+
			` WHERE `+quoteIdent(userCol)+` IS NOT NULL AND `+quoteIdent(itemCol)+` IS NOT NULL ORDER BY 1`, nil,
			func(r *sql.Rows) error {
				var u any
				var item string
				if err := r.Scan(&u, &item); err != nil {
					return err
				}
				in.pop[item]++
				if last == nil || !sameKey(u, last) {
					in.users.Add(u)
					last = u
				}
				return nil
			})
		return in, err
	})
	if err != nil {
		s.note("item popularity: %v", err)
		return
	}
	in := v.(interactionStats)
	pop, users := in.pop, in.users
	if len(pop) == 0 {
		s.note("no coverage: the source has no interactions")
		return
	}
	const n = 10
	recommended := map[string]int{}
	total := 0
	for _, u := range users.Items {
		if !b.each("recommend", `SELECT CAST(item AS TEXT) FROM recommend(?, ?, ?)`, []any{m.Name, u, n},
			func(r *sql.Rows) error {
				var item string
				if err := r.Scan(&item); err != nil {
					return err
				}
				recommended[item]++
				total++
				return nil
			}) {
			return
		}
	}
	// Items by popularity, most popular first, cut into ten equal groups.
	items := make([]string, 0, len(pop))
	for it := range pop {
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool {
		if pop[items[i]] != pop[items[j]] {
			return pop[items[i]] > pop[items[j]]
		}
		return items[i] < items[j]
	})
	var all float64
	for _, v := range pop {
		all += v
	}
	decile := make([]float64, 10)
	interactions := make([]float64, 10)
	recs := make([]float64, 10)
	for i, it := range items {
		d := i * 10 / len(items)
		interactions[d] += pop[it] / all
		if total > 0 {
			recs[d] += float64(recommended[it]) / float64(total)
		}
	}
	for i := range decile {
		decile[i] = float64(i + 1)
	}
	itemsInModel, ok := metricNumber(m.Metrics, "items")
	if !ok {
		itemsInModel = float64(len(pop))
	}
	cov := float64(len(recommended)) / itemsInModel
	s.Metrics = append(s.Metrics, fact{fmt.Sprintf("coverage of %d users' top %d", len(users.Items), n), fmt.Sprintf("%.1f%% of %s items", 100*cov, chart.Thousands(int64(itemsInModel)))})
	note := ""
	if users.Sampled() {
		note = fmt.Sprintf("top %d for a sample of %s of %s users", n, chart.Thousands(int64(len(users.Items))), chart.Thousands(users.Seen))
	}
	s.addChart("Popularity of recommended items",
		fmt.Sprintf("items ranked by how many interactions they have, in ten equal groups (1 = the most popular tenth); the share of all interactions and of all recommendations falling in each group. %d distinct items were recommended: coverage %.1f%%", len(recommended), 100*cov),
		func() (*chart.Figure, error) {
			return chart.Lines(chart.Labels{Title: "Popularity of recommended items", X: "item popularity group (1 = most popular tenth)", Y: "share", Note: note},
				chart.Series{Name: "all interactions", X: decile, Y: interactions},
				chart.Series{Name: "recommendations", X: decile, Y: recs})
		})
}

// ---- association rules ----------------------------------------------------------

func (b *builder) assoc() {
	m, s := b.m, b.s
	b.metric("baskets", "baskets")
	b.metric("items", "items")
	b.metric("itemsets", "frequent itemsets")
	b.metric("rules", "rules")
	b.metric("min_count", "minimum count")
	type rule struct {
		ante, cons          string
		support, conf, lift float64
		count               int64
	}
	res := chart.NewReservoir[rule](max(b.opts.SampleSize, 5000))
	var top []rule
	ok := b.each("rules", `SELECT antecedent, consequent, support, confidence, lift, count FROM assoc_rules(?)`, []any{m.Name},
		func(r *sql.Rows) error {
			var x rule
			if err := r.Scan(&x.ante, &x.cons, &x.support, &x.conf, &x.lift, &x.count); err != nil {
				return err
			}
			res.Add(x)
			if len(top) < 10 {
				top = append(top, x) // assoc_rules orders by lift
			}
			return nil
		})
	if !ok {
		return
	}
	if len(res.Items) == 0 {
		s.note("the model has no rules at its thresholds; lower min_support or min_confidence")
		return
	}
	x := make([]float64, len(res.Items))
	y := make([]float64, len(res.Items))
	l := make([]float64, len(res.Items))
	for i, r := range res.Items {
		x[i], y[i], l[i] = r.support, r.conf, r.lift
	}
	note := chart.SampleNote(len(res.Items), res.Seen, "rules")
	s.addChart("Rules: support, confidence and lift", "each point a rule; colour: lift", func() (*chart.Figure, error) {
		return chart.ScatterByValue(chart.Labels{Title: "Rules by support and confidence", X: "support", Y: "confidence", Note: note}, x, y, l, "lift")
	})
	t := &table{Title: "Top rules by lift", Head: []string{"if a basket has", "it also has", "support", "confidence", "lift", "baskets"},
		Numeric: []bool{false, false, true, true, true, true}}
	for _, r := range top {
		t.Rows = append(t.Rows, []string{itemList(r.ante), itemList(r.cons), num(r.support), num(r.conf), num(r.lift), chart.Thousands(r.count)})
	}
	s.Tables = append(s.Tables, t)
}

// itemList shows a JSON array of items as a comma-separated list.
func itemList(js string) string {
	var l []any
	if json.Unmarshal([]byte(js), &l) != nil {
		return js
	}
	out := make([]string, len(l))
	for i, v := range l {
		out[i] = fmt.Sprint(v)
	}
	return strings.Join(out, ", ")
}

// ---- customer value -----------------------------------------------------------

func (b *builder) clv() {
	m, s := b.m, b.s
	b.metric("customers", "customers")
	b.metric("repeat_customers", "repeat customers")
	for _, part := range []string{"purchases", "spend"} {
		p, ok := m.Metrics[part].(map[string]any)
		if !ok {
			continue
		}
		params, _ := p["params"].(map[string]any)
		se, _ := p["std_err"].(map[string]any)
		t := &table{Title: fmt.Sprintf("%s model: %s", part, valueText(p["model"])), Head: []string{"parameter", "estimate", "standard error"},
			Numeric: []bool{false, true, true}}
		keys := make([]string, 0, len(params))
		for k := range params {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			t.Rows = append(t.Rows, []string{k, valueText(params[k]), valueText(se[k])})
		}
		if ll, ok := metricNumber(p, "log_likelihood"); ok {
			t.Rows = append(t.Rows, []string{"log-likelihood", num(ll), ""})
		}
		s.Tables = append(s.Tables, t)
	}
	pAlive := chart.NewReservoir[float64](50000)
	clv := chart.NewReservoir[float64](50000)
	horizon := math.NaN()
	b.each("customers", `SELECT p_alive, clv, horizon FROM ml_clv_customers WHERE model = ?`, []any{m.Name},
		func(r *sql.Rows) error {
			var p, c, h sql.NullFloat64
			if err := r.Scan(&p, &c, &h); err != nil {
				return err
			}
			if p.Valid {
				pAlive.Add(p.Float64)
			}
			if c.Valid {
				clv.Add(c.Float64)
			}
			if h.Valid {
				horizon = h.Float64
			}
			return nil
		})
	sampleNote := func(r *chart.Reservoir[float64]) string { return chart.SampleNote(len(r.Items), r.Seen, "customers") }
	if len(pAlive.Items) > 0 {
		note := sampleNote(pAlive)
		s.addChart("Probability alive", "each customer's probability of still being a customer, from the purchase model", func() (*chart.Figure, error) {
			return chart.Hist(chart.Labels{Title: "Probability alive", X: "p_alive", Y: "customers", Note: note}, pAlive.Items, 20)
		})
	}
	if len(clv.Items) > 0 {
		vals := append([]float64(nil), clv.Items...)
		sort.Float64s(vals)
		p99 := vals[int(0.99*float64(len(vals)-1))]
		clipped := 0
		for i, v := range vals {
			if v > p99 {
				vals[i] = p99
				clipped++
			}
		}
		note := sampleNote(clv)
		if clipped > 0 {
			if note != "" {
				note += "; "
			}
			note += fmt.Sprintf("%d customers above the 99th percentile (%s) counted in the last bin", clipped, num(p99))
		}
		caption := "discounted value of each customer's expected purchases"
		if !math.IsNaN(horizon) {
			unit, _ := m.Options["time_unit"].(string)
			caption += fmt.Sprintf(" over %s %ss", num(horizon), unit)
		}
		s.addChart("Customer lifetime value", caption, func() (*chart.Figure, error) {
			return chart.Hist(chart.Labels{Title: "Customer lifetime value", X: "CLV", Y: "customers", Note: note}, vals, 30)
		})
	}
	// Fit: customers per repeat-purchase count, actual against the model.
	var freq, actual, expected []float64
	b.each("fit", `SELECT frequency, actual, expected FROM clv_eval(?) WHERE diagnostic = 'frequency_histogram'`, []any{m.Name},
		func(r *sql.Rows) error {
			var f string
			var a, e sql.NullFloat64
			if err := r.Scan(&f, &a, &e); err != nil {
				return err
			}
			v, err := strconv.ParseFloat(strings.TrimSuffix(f, "+"), 64)
			if err != nil {
				return nil
			}
			freq, actual, expected = append(freq, v), append(actual, a.Float64), append(expected, e.Float64)
			return nil
		})
	if len(freq) > 0 {
		s.addChart("Fit: repeat purchases", "customers per number of repeat purchases in the calibration period (the last count includes all above), actual and as the model expects", func() (*chart.Figure, error) {
			return chart.Lines(chart.Labels{Title: "Customers by repeat purchases", X: "repeat purchases", Y: "customers"},
				chart.Series{Name: "actual", X: freq, Y: actual}, chart.Series{Name: "model", X: freq, Y: expected})
		})
	}
	b.rfmSegments()
}

// rfmSegments runs rfm() on the order rows a customer-value model was
// trained on and draws the segments' sizes and value.
func (b *builder) rfmSegments() {
	m, s := b.m, b.s
	if in, _ := m.Options["input"].(string); in == "summary" {
		s.note("no RFM segments: the model was trained on a customer summary, not order rows")
		return
	}
	if _, ok := sourceSQL(m.Source); !ok {
		s.note("no RFM segments: the source %q is not in the database", m.Source)
		return
	}
	opts := map[string]any{"on_null": "skip"}
	if v, ok := m.Options["as_of"]; ok {
		opts["as_of"] = v
	}
	optText, _ := json.Marshal(opts)
	var segs []string
	var sizes, value []float64
	t := &table{Title: "RFM segments of the same orders", Head: []string{"segment", "customers", "monetary", "per customer"}, Numeric: []bool{false, true, true, true}}
	ok := b.each("RFM segments", `SELECT segment, count(*), sum(monetary) FROM rfm(?, ?) GROUP BY segment ORDER BY 2 DESC, 1`,
		[]any{strings.TrimSpace(m.Source), string(optText)},
		func(r *sql.Rows) error {
			var seg string
			var n, v float64
			if err := r.Scan(&seg, &n, &v); err != nil {
				return err
			}
			segs, sizes, value = append(segs, seg), append(sizes, n), append(value, v)
			t.Rows = append(t.Rows, []string{seg, chart.Thousands(int64(n)), num(v), num(v / n)})
			return nil
		})
	if !ok || len(segs) == 0 {
		return
	}
	s.Tables = append(s.Tables, t)
	s.addChart("RFM segment sizes", "customers per RFM segment (rfm() on the model's order rows, default scores)", func() (*chart.Figure, error) {
		return chart.HBar(chart.Labels{Title: "RFM segment sizes", X: "customers"}, segs, sizes)
	})
	s.addChart("RFM segment value", "total monetary value per RFM segment", func() (*chart.Figure, error) {
		return chart.HBar(chart.Labels{Title: "RFM segment value", X: "monetary value"}, segs, value)
	})
}
