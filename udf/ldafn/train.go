package ldafn

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"
	"unicode/utf8"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Skipped counts what training left out, and why.
type Skipped struct {
	NullText    int `json:"null_text"`    // rows whose text (or term) is NULL
	Empty       int `json:"empty"`        // documents with no word once tokenized (empty, numbers, stop words)
	Pruned      int `json:"pruned"`       // documents left with no word by vocabulary pruning
	InvalidUTF8 int `json:"invalid_utf8"` // documents with invalid UTF-8 (kept; bad bytes read as spaces)
}

// Summary is what training returns (as JSON in SQL).
type Summary struct {
	Model         string   `json:"model"`
	Topics        int      `json:"topics"`
	Docs          int      `json:"docs"`           // documents trained on
	HoldoutDocs   int      `json:"holdout_docs"`   // documents held out for perplexity
	Tokens        float64  `json:"tokens"`         // in-vocabulary tokens trained on
	Vocabulary    int      `json:"vocabulary"`     // terms kept
	Skipped       Skipped  `json:"skipped"`        // documents or rows left out
	Perplexity    *float64 `json:"perplexity"`     // 2^-bound on the held-out documents (gensim's estimate)
	LogPerplexity *float64 `json:"log_perplexity"` // gensim's per-word bound
	// PerplexityNote says why Perplexity is null, when it is.
	PerplexityNote string      `json:"perplexity_note,omitempty"`
	Coherence      Coherence   `json:"coherence"`
	Seconds        float64     `json:"seconds"`
	TopWords       [][]string  `json:"-"` // top 10 words per topic, for the Go API
	TopicShare     []float64   `json:"-"` // share of tokens per topic
	topicCoh       [][]float64 // per topic: c_npmi, u_mass
}

// Coherence is the mean coherence of the topics' top 10 words.
type Coherence struct {
	CNPMI float64 `json:"c_npmi"`
	UMass float64 `json:"u_mass"`
	// Window is the c_npmi sliding window: 10 tokens for text sources, the
	// whole document ("document") for (doc_id, term, count) sources.
	Window string `json:"c_npmi_window"`
}

// doc is one source document while reading.
type doc struct {
	key    any
	tokens []string  // text sources: the token stream
	terms  []string  // term sources
	counts []float64 // term sources
	bad    bool      // invalid UTF-8 seen
	text   bool      // a row with non-NULL text or term seen
}

// Train reads source on c, fits a topic model and stores the model called
// name, replacing an earlier one atomically. It is the one trainer behind the
// SQL function lda_train and the Go API.
func Train(c *core.Conn, fn, name string, source any, opt Options) (*Summary, error) {
	start := time.Now()
	if err := c.CheckWrite(fn); err != nil {
		return nil, err
	}
	if err := catalog.CheckName(name); err != nil {
		// catalog's message quotes the whole name; quote an abbreviation.
		return nil, core.Errorf(fn, "invalid model name %s: use letters, digits and _ (at most 64, not starting with a digit)", quote(name))
	}
	if err := catalog.CanWrite(c.SQL); err != nil {
		return nil, core.Errorf(fn, "%w", err)
	}
	opt, err := opt.withDefaults(fn, c.Env)
	if err != nil {
		return nil, err
	}
	tok, err := opt.tokenizer()
	if err != nil {
		return nil, core.Errorf(fn, "%v", err)
	}
	query, err := core.SourceQuery(fn, source)
	if err != nil {
		return nil, err
	}
	progress(c, fn, name, "read", 0, 0, "")
	docs, termSource, nullRows, err := readSource(c, fn, query, opt, tok)
	if err != nil {
		return nil, err
	}
	s := &Summary{Model: name, Topics: opt.Topics}
	s.Skipped.NullText = nullRows
	// ctx stops every step below when the call is interrupted or its Go
	// context ends; it is polled on this goroutine only.
	ctx := c.Context()

	// Vocabulary over every non-empty document.
	vb := lda.NewVocabulary()
	var kept []*doc
	for i, d := range docs {
		if err := poll(ctx, i); err != nil {
			return nil, fitError(fn, err)
		}
		if d.bad {
			s.Skipped.InvalidUTF8++
		}
		terms, counts := d.terms, d.counts
		if !termSource {
			terms, counts = bag(d.tokens)
		}
		if len(terms) == 0 {
			if d.text {
				s.Skipped.Empty++
			}
			continue
		}
		vb.Add(terms, counts)
		kept = append(kept, d)
	}
	if len(kept) == 0 {
		return nil, core.Errorf(fn, "no document has any word (%d read: %d empty or only numbers, punctuation and stop words, %d NULL); check the source's text column", len(docs), s.Skipped.Empty, nullRows)
	}
	vocab, all := vb.Prune(opt.MinDF, opt.MaxDF, opt.MaxVocab)
	if err := ctx.Err(); err != nil {
		return nil, fitError(fn, err)
	}
	if len(vocab) == 0 {
		return nil, core.Errorf(fn, "the vocabulary is empty after pruning (%d documents; min_df %d, max_df %g): lower \"min_df\" or raise \"max_df\"", len(kept), opt.MinDF, opt.MaxDF)
	}
	var use []int // documents with a word left
	for i := range kept {
		if all.Ptr[i+1] > all.Ptr[i] {
			use = append(use, i)
		} else {
			s.Skipped.Pruned++
		}
	}
	// Seeded hold-out.
	var train, held []int
	if opt.Holdout > 0 && len(use) >= 10 {
		nh := int(math.Round(opt.Holdout * float64(len(use))))
		nh = max(1, min(nh, len(use)-1))
		perm := rand.New(rand.NewPCG(opt.Seed, 0x401d)).Perm(len(use))
		isHeld := make([]bool, len(use))
		for _, p := range perm[:nh] {
			isHeld[p] = true
		}
		for i, u := range use {
			if isHeld[i] {
				held = append(held, u)
			} else {
				train = append(train, u)
			}
		}
	} else {
		train = use
	}
	tc := all.Subset(train)
	s.Docs, s.HoldoutDocs, s.Tokens, s.Vocabulary = tc.Docs(), len(held), tc.Tokens(), len(vocab)

	fo := opt.fitOptions()
	started := time.Now()
	fo.Progress = func(p lda.Progress) {
		c.Report(core.ProgressEvent{Function: fn, Model: name, Phase: "iterate",
			Done: float64((p.Pass-1)*p.Chunks + p.Chunk), Total: float64(p.Passes * p.Chunks), Iteration: p.Pass,
			Elapsed: time.Since(started), Detail: fmt.Sprintf("pass %d/%d chunk %d/%d", p.Pass, p.Passes, p.Chunk, p.Chunks)})
	}
	m, err := lda.Fit(ctx, tc, fo)
	if err != nil {
		return nil, fitError(fn, err)
	}
	share := orderTopics(m, opt.Threads)
	s.TopicShare = share

	progress(c, fn, name, "metrics", 0, 0, "")
	if len(held) > 0 {
		b, err := m.LogPerplexity(ctx, all.Subset(held), tc.Docs(), opt.Threads, 1<<52)
		if err != nil {
			return nil, fitError(fn, err)
		}
		p := math.Exp2(-b)
		switch {
		case math.IsNaN(b) || math.IsInf(b, 0):
			s.PerplexityNote = fmt.Sprintf("the held-out bound is not a finite number with %d topics for %d training documents and %d words; use fewer topics", opt.Topics, tc.Docs(), len(vocab))
		case math.IsInf(p, 0):
			s.LogPerplexity = &b
			s.PerplexityNote = fmt.Sprintf("2^-log_perplexity overflows (log_perplexity %.4g with %d topics for %d training documents); use fewer topics", b, opt.Topics, tc.Docs())
		default:
			s.LogPerplexity, s.Perplexity = &b, &p
		}
	} else if opt.Holdout < 0 {
		s.PerplexityNote = "no document was held out (\"holdout\": 0)"
	} else {
		s.PerplexityNote = fmt.Sprintf("no document was held out: %d documents, fewer than 10", len(use))
	}
	top := m.TopTerms(10)
	var npmi []float64
	if termSource {
		// No word order: each document is one window.
		texts := make([][]int32, 0, len(train))
		for _, i := range train {
			ids, _ := all.Doc(i)
			texts = append(texts, ids)
		}
		npmi, err = lda.NPMIContext(ctx, top, texts, math.MaxInt32)
		s.Coherence.Window = "document"
	} else {
		ids := make(map[string]int32, len(vocab))
		for i, w := range vocab {
			ids[w] = int32(i)
		}
		texts := make([][]int32, 0, len(train))
		for j, i := range train {
			if err := poll(ctx, j); err != nil {
				return nil, fitError(fn, err)
			}
			t := make([]int32, 0, len(kept[i].tokens))
			for _, w := range kept[i].tokens {
				if id, ok := ids[w]; ok {
					t = append(t, id)
				} else {
					t = append(t, -1)
				}
			}
			texts = append(texts, t)
		}
		npmi, err = lda.NPMIContext(ctx, top, texts, 10)
		s.Coherence.Window = "10"
	}
	if err != nil {
		return nil, fitError(fn, err)
	}
	umass, err := lda.UMass(ctx, top, tc)
	if err != nil {
		return nil, fitError(fn, err)
	}
	s.Coherence.CNPMI, s.Coherence.UMass = lda.Mean(npmi), lda.Mean(umass)
	for k := range top {
		s.topicCoh = append(s.topicCoh, []float64{npmi[k], umass[k]})
		words := make([]string, len(top[k]))
		for j, id := range top[k] {
			words[j] = vocab[id]
		}
		s.TopWords = append(s.TopWords, words)
	}

	// Topic weights of every document with a word left.
	progress(c, fn, name, "infer", 0, float64(len(use)), "")
	gamma, err := m.Infer(ctx, all.Subset(use), opt.Threads, 1<<53)
	if err != nil {
		return nil, fitError(fn, err)
	}
	model := &Model{Vocab: vocab, LDA: m, TermSource: termSource, Tok: opt}
	s.Seconds = time.Since(start).Seconds()
	progress(c, fn, name, "write", 0, 0, "")
	if err := store(c, fn, name, source, model, s, opt, kept, use, gamma); err != nil {
		return nil, err
	}
	s.Seconds = time.Since(start).Seconds()
	c.Forget(name)
	return s, nil
}

// bag counts a token stream, terms in first-seen order.
func bag(tokens []string) ([]string, []float64) {
	at := map[string]int{}
	var terms []string
	var counts []float64
	for _, t := range tokens {
		if i, ok := at[t]; ok {
			counts[i]++
			continue
		}
		at[t] = len(terms)
		terms = append(terms, t)
		counts = append(counts, 1)
	}
	return terms, counts
}

// orderTopics renumbers topics by their share of the corpus's tokens,
// largest first, so labels are stable; it returns the shares.
func orderTopics(m *lda.Model, threads int) []float64 {
	K, V := m.K, m.V
	size := make([]float64, K)
	for w := 0; w < V; w++ {
		for k := 0; k < K; k++ {
			size[k] += m.Lambda[w*K+k] - m.Eta[w]
		}
	}
	order := make([]int, K)
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool { return size[order[a]] > size[order[b]] })
	lam := make([]float64, V*K)
	alpha := make([]float64, K)
	total := 0.0
	for _, v := range size {
		total += v
	}
	share := make([]float64, K)
	for nk, ok := range order {
		alpha[nk] = m.Alpha[ok]
		share[nk] = size[ok] / total
		for w := 0; w < V; w++ {
			lam[w*K+nk] = m.Lambda[w*K+ok]
		}
	}
	m.Lambda, m.Alpha = lam, alpha
	if err := m.Init(threads); err != nil {
		panic(err) // a fitted model is consistent
	}
	return share
}

// readSource reads (doc_id, text) or (doc_id, term, count) rows, grouping
// rows by doc_id in first-seen order.
func readSource(c *core.Conn, fn, query string, opt Options, tok interface {
	Append([]string, string) []string
}) (docs []*doc, termSource bool, nullRows int, err error) {
	at := map[any]*doc{}
	var cols []string
	columns := func(names []string) error {
		cols = names
		switch len(cols) {
		case 2:
		case 3:
			termSource = true
		default:
			return core.Errorf(fn, "the source has %d column(s) (%s); it must have (doc_id, text) or (doc_id, term, count)", len(cols), columnList(cols))
		}
		return nil
	}
	each := func(n int, vals []driver.Value) error {
		key, kerr := core.RowKey(vals[0])
		if kerr != "" {
			return core.Errorf(fn, "row %d: column %s is %s; every row needs an INTEGER or TEXT document id", n, quote(cols[0]), kerr)
		}
		d := at[key]
		if d == nil {
			d = &doc{key: key}
			at[key] = d
			docs = append(docs, d)
		}
		txt, isNull, terr := textValue(vals[1])
		if terr != "" {
			return core.Errorf(fn, "row %d (%s=%s): column %s is %s; it must be text", n, short(cols[0]), keyText(key), quote(cols[1]), terr)
		}
		if isNull {
			nullRows++
			return nil
		}
		d.text = true
		if !utf8.ValidString(txt) {
			d.bad = true
		}
		if !termSource {
			d.tokens = tok.Append(d.tokens, txt)
			return nil
		}
		cnt, ok := count(vals[2])
		if !ok {
			return core.Errorf(fn, "row %d (%s=%s, %s=%s): column %s must be a positive number, got %s", n, short(cols[0]), keyText(key), short(cols[1]), quote(txt), quote(cols[2]), describe(vals[2]))
		}
		if txt == "" {
			nullRows++
			return nil
		}
		d.terms = append(d.terms, txt)
		d.counts = append(d.counts, cnt)
		return nil
	}
	if err := c.ScanSource(fn, query, columns, each); err != nil {
		if core.Stopped(err) {
			err = fitError(fn, err)
		}
		return nil, false, 0, err
	}
	return docs, termSource, nullRows, nil
}

func textValue(v driver.Value) (string, bool, string) {
	switch x := v.(type) {
	case string:
		return x, false, ""
	case []byte:
		return string(x), false, ""
	case nil:
		return "", true, ""
	case int64, float64:
		return fmt.Sprint(x), false, ""
	}
	return "", false, fmt.Sprintf("of unsupported type %T", v)
}

func count(v driver.Value) (float64, bool) {
	var f float64
	switch x := v.(type) {
	case int64:
		f = float64(x)
	case float64:
		f = x
	default:
		return 0, false
	}
	return f, f > 0 && !math.IsInf(f, 0) && f < 1e15
}

func fitError(fn string, err error) error { return core.TrainError(fn, err, true) }

// pollDocs is how many documents a loop over the corpus handles between two
// polls of the call's context.
const pollDocs = 256

// poll polls ctx before every pollDocs-th document i of a loop.
func poll(ctx context.Context, i int) error {
	if i%pollDocs != 0 {
		return nil
	}
	return ctx.Err()
}

// topicWords is how many words of every topic ml_lda_topic_words keeps.
const topicWords = 30

// store writes the model, its topic words and its documents' topics in one
// savepoint.
func store(c *core.Conn, fn, name string, source any, model *Model, s *Summary, opt Options, kept []*doc, use []int, gamma []float64) error {
	if err := catalog.Migrate(c.SQL); err != nil {
		return core.Errorf(fn, "%w", err)
	}
	npmi := make([]float64, len(s.topicCoh))
	umass := make([]float64, len(s.topicCoh))
	for k, v := range s.topicCoh {
		npmi[k], umass[k] = v[0], v[1]
	}
	metrics, err := metricsJSON(s, map[string]any{
		"topic_c_npmi": finite(npmi), "topic_u_mass": finite(umass), "topic_share": finite(s.TopicShare), "alpha": finite(model.LDA.Alpha),
	})
	if err != nil {
		return core.Errorf(fn, "metrics: %w", err)
	}
	src, _ := source.(string)
	m := model.LDA
	K := m.K
	err = catalog.InTx(c.SQL, "lda_train", func() error {
		if err := catalog.DeleteSideRows(c.SQL, name); err != nil {
			return err
		}
		if err := catalog.Put(c.SQL, &catalog.Model{
			Name: name, Kind: Kind, CreatedAt: c.Env.Clock(), Source: src, Options: opt.json(),
			Metrics: metrics, NRows: int64(s.Docs), TrainSeconds: s.Seconds, Params: model.Encode(),
		}); err != nil {
			return err
		}
		phi := m.Topics()
		var rows [][]driver.Value
		for k, top := range m.TopTerms(topicWords) {
			for r, id := range top {
				rows = append(rows, []driver.Value{name, int64(k + 1), int64(r + 1), model.Vocab[id], phi[k*m.V+int(id)]})
			}
		}
		if err := core.InsertRows(c, "ml_lda_topic_words", 5, rows, nil); err != nil {
			return err
		}
		rows = rows[:0]
		minP := math.Max(opt.MinimumProbability, 0)
		for j, i := range use {
			g := gamma[j*K : (j+1)*K]
			sum := 0.0
			for _, v := range g {
				sum += v
			}
			for k, v := range g {
				if w := v / sum; w >= minP {
					rows = append(rows, []driver.Value{name, kept[i].key, int64(k + 1), w})
				}
			}
		}
		return core.InsertRows(c, "ml_lda_doc_topics", 4, rows, c.Check)
	})
	if err != nil {
		return fitError(fn, fmt.Errorf("save model %q: %w", name, err))
	}
	return nil
}

// metricsJSON is ml_models.metrics: the summary's fields under the same
// names (perplexity, coherence.c_npmi, ...) plus the per-topic extras.
func metricsJSON(s *Summary, extra map[string]any) (string, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return "", err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		return "", err
	}
	delete(m, "model")
	delete(m, "seconds") // ml_models.train_seconds
	for k, v := range extra {
		m[k] = v
	}
	b, err = json.Marshal(m)
	return string(b), err
}

// finite returns xs for JSON, non-finite numbers as null.
func finite(xs []float64) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			out[i] = x
		}
	}
	return out
}

func progress(c *core.Conn, fn, name, phase string, done, total float64, detail string) {
	c.Report(core.ProgressEvent{Function: fn, Model: name, Phase: phase, Done: done, Total: total, Detail: detail})
}
