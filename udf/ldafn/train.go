package ldafn

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/algorithms/text"
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
//
// In JSON, LongTokens is skipped.long_tokens.
type Summary struct {
	Model         string   `json:"model"`
	Topics        int      `json:"topics"`
	Docs          int      `json:"docs"`           // documents trained on
	HoldoutDocs   int      `json:"holdout_docs"`   // documents held out for perplexity
	Tokens        float64  `json:"tokens"`         // in-vocabulary tokens trained on
	Vocabulary    int      `json:"vocabulary"`     // terms kept
	Skipped       Skipped  `json:"skipped"`        // documents or rows left out
	LongTokens    int      `json:"-"`              // tokens (or terms) longer than "max_token_bytes", left out
	Perplexity    *float64 `json:"perplexity"`     // 2^-bound on the held-out documents (gensim's estimate)
	LogPerplexity *float64 `json:"log_perplexity"` // gensim's per-word bound
	// PerplexityNote says why Perplexity is null, when it is.
	PerplexityNote string     `json:"perplexity_note,omitempty"`
	Coherence      Coherence  `json:"coherence"`
	Seconds        float64    `json:"seconds"`
	TopWords       [][]string `json:"-"` // top 10 words per topic, for the Go API
	TopicShare     []float64  `json:"-"` // share of tokens per topic
	topicNPMI      []float64  // per topic
	topicUMass     []float64  // per topic
}

// MarshalJSON writes the summary with the long-token count inside
// "skipped" (Skipped keeps its four fields for the Go API's conversion).
func (s *Summary) MarshalJSON() ([]byte, error) {
	type plain Summary
	return json.Marshal(struct {
		*plain
		Skipped skippedJSON `json:"skipped"`
	}{(*plain)(s), skippedJSON{s.Skipped, s.LongTokens}})
}

type skippedJSON struct {
	Skipped
	LongTokens int `json:"long_tokens"` // tokens longer than max_token_bytes
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

// read is what reading the source gives.
type read struct {
	docs       []*doc
	termSource bool
	nullRows   int
	longTokens int   // tokens or terms over max_token_bytes, skipped
	tokens     int   // tokens or terms kept
	bytes      int64 // memory of the kept tokens or terms (estimate)
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
	if err := opt.check(fn); err != nil {
		return nil, err
	}
	if opt.LDA.Threads == 0 {
		opt.LDA.Threads = c.Env.Threads
	}
	f := &opt.LDA
	tok, err := text.New(opt.Text)
	if err != nil {
		return nil, core.Errorf(fn, "%w", err)
	}
	query, err := core.SourceQuery(fn, source)
	if err != nil {
		return nil, err
	}
	budget := opt.budget(fn)
	progress(c, fn, name, "read", 0, 0, "")
	rd, err := readSource(c, fn, query, opt, tok, budget)
	if err != nil {
		return nil, err
	}
	docs, termSource, nullRows := rd.docs, rd.termSource, rd.nullRows
	s := &Summary{Model: name, Topics: f.Topics, LongTokens: rd.longTokens}
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
			terms, counts = text.Bag(d.tokens)
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
		return nil, core.Errorf(fn, "no document has any word (%d read: %d empty or only numbers, punctuation and stop words, %d NULL%s); check the source's text column", len(docs), s.Skipped.Empty, nullRows, longNote(rd.longTokens, opt.Text.MaxTokenBytes))
	}
	vocab, all := vb.Prune(f.MinDF, f.MaxDF, f.MaxVocab)
	if err := ctx.Err(); err != nil {
		return nil, fitError(fn, err)
	}
	if len(vocab) == 0 {
		return nil, core.Errorf(fn, "the vocabulary is empty after pruning (%d documents; min_df %d, max_df %g): lower \"min_df\" or raise \"max_df\"", len(kept), f.MinDF, f.MaxDF)
	}
	use := all.NonEmpty() // documents with a word left
	s.Skipped.Pruned = len(kept) - len(use)
	train, held := f.Split(use)
	tc := all.Subset(train)
	s.Docs, s.HoldoutDocs, s.Tokens, s.Vocabulary = tc.Docs(), len(held), tc.Tokens(), len(vocab)

	// Refuse before the model's arrays are allocated when they would not
	// fit in the memory budget, or the model in one SQLite value.
	if err := checkMemory(fn, budget, opt, rd, vb, all, tc, use, held, vocab); err != nil {
		return nil, err
	}
	if err := checkValueSize(c, fn, opt, vocab); err != nil {
		return nil, err
	}

	fo := *f
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
	if err := m.CheckFinite(); err != nil {
		return nil, notFinite(fn, err, opt, vocab)
	}
	share, err := m.OrderTopics(ctx, f.Threads)
	if errors.Is(err, lda.ErrNothingLearned) {
		return nil, core.Errorf(fn, "%v: every topic's word weights stayed at the prior (%d topics for %d training documents of %g tokens); use fewer \"topics\"; nothing was saved",
			err, f.Topics, tc.Docs(), tc.Tokens())
	}
	if err != nil {
		return nil, fitError(fn, err)
	}
	s.TopicShare = share

	progress(c, fn, name, "metrics", 0, 0, "")
	if len(held) > 0 {
		b, err := m.LogPerplexity(ctx, all.Subset(held), tc.Docs(), f.Threads, lda.PerplexityStream)
		if err != nil {
			return nil, fitError(fn, err)
		}
		p := lda.Perplexity(b)
		switch {
		case math.IsNaN(b) || math.IsInf(b, 0):
			s.PerplexityNote = fmt.Sprintf("the held-out bound is not a finite number with %d topics for %d training documents and %d words; use fewer topics", f.Topics, tc.Docs(), len(vocab))
		case math.IsInf(p, 0):
			s.LogPerplexity = &b
			s.PerplexityNote = fmt.Sprintf("2^-log_perplexity overflows (log_perplexity %.4g with %d topics for %d training documents); use fewer topics", b, f.Topics, tc.Docs())
		default:
			s.LogPerplexity, s.Perplexity = &b, &p
		}
	} else if f.Holdout == 0 {
		s.PerplexityNote = "no document was held out (\"holdout\": 0)"
	} else {
		s.PerplexityNote = fmt.Sprintf("no document was held out: %d documents, fewer than %d", len(use), lda.MinHoldoutDocs)
	}
	top, _, err := m.TopTermWeights(ctx, coherenceTopN)
	if err != nil {
		return nil, fitError(fn, err)
	}
	var npmi []float64
	if termSource {
		// No word order: each document is one window.
		npmi, err = lda.NPMIContext(ctx, top, all.Texts(train), lda.DocumentWindow)
		s.Coherence.Window = "document"
	} else {
		lex, lerr := lda.NewLexicon(vocab)
		if lerr != nil {
			return nil, core.Errorf(fn, "%w", lerr)
		}
		texts := make([][]int32, 0, len(train))
		for j, i := range train {
			if err := poll(ctx, j); err != nil {
				return nil, fitError(fn, err)
			}
			texts = append(texts, lex.Text(kept[i].tokens))
		}
		npmi, err = lda.NPMIContext(ctx, top, texts, lda.TextWindow)
		s.Coherence.Window = strconv.Itoa(lda.TextWindow)
	}
	if err != nil {
		return nil, fitError(fn, err)
	}
	umass, err := lda.UMass(ctx, top, tc)
	if err != nil {
		return nil, fitError(fn, err)
	}
	s.Coherence.CNPMI, s.Coherence.UMass = lda.Mean(npmi), lda.Mean(umass)
	s.topicNPMI, s.topicUMass = npmi, umass
	for k := range top {
		words := make([]string, len(top[k]))
		for j, id := range top[k] {
			words[j] = vocab[id]
		}
		s.TopWords = append(s.TopWords, words)
	}

	// Topic weights of every document with a word left.
	progress(c, fn, name, "infer", 0, float64(len(use)), "")
	gamma, err := m.Infer(ctx, all.Subset(use), f.Threads, lda.DocumentStream)
	if err != nil {
		return nil, fitError(fn, err)
	}
	model := &Model{Vocab: vocab, LDA: m, TermSource: termSource, Tok: opt.Text}
	s.Seconds = time.Since(start).Seconds()
	if err := checkSummary(fn, s, gamma); err != nil {
		return nil, err
	}
	progress(c, fn, name, "write", 0, 0, "")
	if err := store(c, ctx, fn, name, source, model, s, opt, kept, use, gamma); err != nil {
		return nil, err
	}
	s.Seconds = time.Since(start).Seconds()
	return s, nil
}

// readSource reads (doc_id, text) or (doc_id, term, count) rows, grouping
// rows by doc_id in first-seen order. A text value over MaxTextBytes is an
// error naming its row; tokens and terms over MaxTokenBytes are skipped
// and counted; and reading stops with the budget's error once what it
// keeps outgrows the budget.
func readSource(c *core.Conn, fn, query string, opt Options, tok *text.Tokenizer, budget core.Budget) (*read, error) {
	rd := &read{}
	at := map[any]*doc{}
	var cols []string
	columns := func(names []string) error {
		cols = names
		switch len(cols) {
		case 2:
		case 3:
			rd.termSource = true
		default:
			return core.Errorf(fn, "the source has %d column(s) (%s); it must have (doc_id, text) or (doc_id, term, count)", len(cols), columnList(cols))
		}
		return nil
	}
	var kept int64 // memory of the tokens or terms kept
	each := func(n int, vals []driver.Value) error {
		key, kerr := core.RowKey(vals[0])
		if kerr != "" {
			return core.Errorf(fn, "row %d: column %s is %s; every row needs an INTEGER or TEXT document id", n, quote(cols[0]), kerr)
		}
		d := at[key]
		if d == nil {
			d = &doc{key: key}
			at[key] = d
			rd.docs = append(rd.docs, d)
		}
		if size := valueSize(vals[1]); size > MaxTextBytes {
			return core.Errorf(fn, "row %d (%s=%s): column %s holds %s of text, more than the %s a value may have; split it into several rows with the same %s (they make one document)",
				n, short(cols[0]), keyText(key), quote(cols[1]), core.FormatBytes(int64(size)), core.FormatBytes(MaxTextBytes), short(cols[0]))
		}
		txt, isNull, terr := textValue(vals[1])
		if terr != "" {
			return core.Errorf(fn, "row %d (%s=%s): column %s is %s; it must be text", n, short(cols[0]), keyText(key), quote(cols[1]), terr)
		}
		if isNull {
			rd.nullRows++
			return nil
		}
		d.text = true
		if !utf8.ValidString(txt) {
			d.bad = true
		}
		if !rd.termSource {
			n := len(d.tokens)
			var long int
			d.tokens, long = tok.AppendCount(d.tokens, txt)
			rd.longTokens += long
			rd.tokens += len(d.tokens) - n
			for _, t := range d.tokens[n:] {
				kept += tokenBytes(t)
			}
			return checkRead(fn, budget, kept, len(rd.docs))
		}
		cnt, ok := count(vals[2])
		if !ok {
			return core.Errorf(fn, "row %d (%s=%s, %s=%s): column %s must be a positive number, got %s", n, short(cols[0]), keyText(key), short(cols[1]), quote(txt), quote(cols[2]), describe(vals[2]))
		}
		if txt == "" {
			rd.nullRows++
			return nil
		}
		if len(txt) > opt.Text.MaxTokenBytes {
			rd.longTokens++
			return nil
		}
		d.terms = append(d.terms, txt)
		d.counts = append(d.counts, cnt)
		kept += tokenBytes(txt) + 8
		rd.tokens++
		return checkRead(fn, budget, kept, len(rd.docs))
	}
	if err := c.ScanSource(fn, query, columns, each); err != nil {
		if core.Stopped(err) {
			err = fitError(fn, err)
		}
		return nil, err
	}
	rd.bytes = kept
	return rd, nil
}

// valueSize is the length of a text or blob value; 0 for other types.
func valueSize(v driver.Value) int {
	switch x := v.(type) {
	case string:
		return len(x)
	case []byte:
		return len(x)
	}
	return 0
}

// tokenBytes is the memory a kept token holds: its string header and bytes.
func tokenBytes(t string) int64 { return 16 + int64(len(t)) }

// checkRead refuses to read on once the tokens kept so far (bytes) and the
// corpus that will be built from them (about three times as much) are over
// the budget.
func checkRead(fn string, budget core.Budget, bytes int64, docs int) error {
	if need := 3 * bytes; need > budget.Bytes {
		return budget.Check(fn, need, fmt.Sprintf("%s of words in the first %d documents read, and the corpus built from them", core.FormatBytes(bytes), docs),
			"the source's size (fewer or shorter documents)")
	}
	return nil
}

// longNote is ", N longer than max_token_bytes" for a message listing what
// was skipped, or "".
func longNote(long, limit int) string {
	if long == 0 {
		return ""
	}
	return fmt.Sprintf(", %d words longer than %d bytes (\"max_token_bytes\") skipped", long, limit)
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

// coherenceTopN is how many top words of every topic the coherence measures
// take, as gensim's CoherenceModel does by default.
const coherenceTopN = 10

// topicWords is how many words of every topic ml_lda_topic_words keeps.
const topicWords = 30

// store writes the model, its topic words and its documents' topics in one
// savepoint. Everything that can fail without the database (the metrics'
// JSON, the topic words) is done before the first write.
func store(c *core.Conn, ctx context.Context, fn, name string, source any, model *Model, s *Summary, opt Options, kept []*doc, use []int, gamma []float64) error {
	metrics, err := metricsJSON(s, map[string]any{
		"topic_c_npmi": finite(s.topicNPMI), "topic_u_mass": finite(s.topicUMass), "topic_share": finite(s.TopicShare), "alpha": finite(model.LDA.Alpha),
	})
	if err != nil {
		return core.Errorf(fn, "the summary cannot be written as JSON (%v); nothing was saved", err)
	}
	src, _ := source.(string)
	m := model.LDA
	K := m.K
	top, weights, err := m.TopTermWeights(ctx, topicWords)
	lda.Normalize(gamma, K)
	if err != nil {
		return fitError(fn, err)
	}
	rec := &catalog.Model{Name: name, Kind: Kind, Source: src, Options: opt.json(),
		Metrics: metrics, NRows: int64(s.Docs), TrainSeconds: s.Seconds, Params: model.Encode()}
	return core.StoreModel(c, fn, rec, func() error {
		var rows [][]driver.Value
		for k, ids := range top {
			for r, id := range ids {
				rows = append(rows, []driver.Value{name, int64(k + 1), int64(r + 1), model.Vocab[id], weights[k][r]})
			}
		}
		if err := core.InsertRows(c, "ml_lda_topic_words", 5, rows, nil); err != nil {
			return err
		}
		rows = rows[:0]
		for j, i := range use {
			opt.LDA.Significant(gamma[j*K:(j+1)*K], func(k int, w float64) {
				rows = append(rows, []driver.Value{name, kept[i].key, int64(k + 1), w})
			})
		}
		return core.InsertRows(c, "ml_lda_doc_topics", 4, rows, c.Check)
	})
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

// checkMemory refuses a training whose estimated peak memory is over the
// budget, before the model's arrays are allocated. The estimate is the
// words already read plus the largest of the fitting and measuring steps
// (lda.Shape.Memory) and the writing step: the model (λ and exp(E[log β]))
// and the documents' topic weights held while the model is encoded (a
// blob of 8 bytes per topic and term, copied about four times on its way
// into SQLite) and while the side tables' rows are built.
func checkMemory(fn string, budget core.Budget, opt Options, rd *read, vb *lda.Vocabulary, all, tc *lda.Corpus, use, held []int, vocab []string) error {
	f := &opt.LDA
	shape := lda.Shape{Topics: f.Topics, Terms: len(vocab), Docs: tc.Docs(), Held: len(held), Inferred: len(use),
		Positions: len(tc.Terms), LongestDoc: all.Longest(use), Chunksize: f.Chunksize, Threads: f.Threads, TopN: coherenceTopN}
	est := shape.Memory()
	K, V, N := float64(f.Topics), float64(len(vocab)), float64(len(use))
	blob := modelBytes(f.Topics, vocab)
	perDoc := float64(f.MostSignificant())
	write := 8*(2*V*K+N*K) + 4*float64(blob) + rowBytes*(K*min(V, topicWords)+N*perDoc)
	if write > float64(est.Bytes) {
		est = lda.Memory{Bytes: int64(min(write, 1<<62)), Step: "write",
			How: fmt.Sprintf("8 bytes × %d topics × (2 × %d terms + %d documents), a model of %s copied 4 times, and %.0f rows of topic words and weights",
				f.Topics, len(vocab), len(use), core.FormatBytes(blob), K*min(V, topicWords)+N*perDoc)}
	}
	// What is already read: the words, the corpora over the vocabulary (all
	// documents, the training ones, the ones inferred) and the vocabulary
	// being built.
	data := rd.bytes + 4*int64(rd.tokens) + 36*int64(len(all.Terms)) + 64*int64(vb.Terms())
	need := est.Bytes + data
	return budget.Check(fn, need, fmt.Sprintf("while it %s: %s; plus %s for the documents read", stepName[est.Step], est.How, core.FormatBytes(data)),
		fmt.Sprintf("\"topics\" (%d) or \"max_vocab\" (the vocabulary has %d words)", f.Topics, len(vocab)))
}

var stepName = map[string]string{"fit": "fits", "perplexity": "measures perplexity", "coherence": "measures coherence",
	"infer": "infers every document's topics", "write": "writes the model"}

// rowBytes is the memory of one side-table row being written: its values
// as a []driver.Value and the boxed numbers.
const rowBytes = 160

// modelBytes is the size of the encoded model: λ, α and η as 8-byte
// floats, and the vocabulary.
func modelBytes(topics int, vocab []string) int64 {
	n := int64(8)*(int64(topics)*int64(len(vocab))+int64(topics)+int64(len(vocab))) + 1024
	for _, w := range vocab {
		n += int64(len(w)) + 2
	}
	return n
}

// checkValueSize refuses a model too large for one SQLite value
// (SQLITE_LIMIT_LENGTH, 1 GB unless the host changed it), asking SQLite
// with a zero-filled blob that it does not allocate.
func checkValueSize(c *core.Conn, fn string, opt Options, vocab []string) error {
	n := modelBytes(opt.LDA.Topics, vocab) + 64*int64(opt.LDA.Topics) // the metrics' per-topic values share the row
	rows, err := c.SQL.Query(`SELECT length(zeroblob(?))`, []driver.Value{n})
	if err != nil {
		return core.Errorf(fn, "%w", err)
	}
	defer rows.Close()
	vals := make([]driver.Value, 1)
	if err := rows.Next(vals); err != nil && err != io.EOF {
		if core.Stopped(err) {
			return fitError(fn, err)
		}
		return core.Errorf(fn, "the model would be %s (%d topics × %d words × 8 bytes), more than SQLite stores in one value (%v); lower \"topics\" or \"max_vocab\"",
			core.FormatBytes(n), opt.LDA.Topics, len(vocab), err)
	}
	return nil
}

// notFinite is the error of a fit whose parameters are not finite.
func notFinite(fn string, err error, opt Options, vocab []string) error {
	var nf *lda.NotFiniteError
	if !errors.As(err, &nf) {
		return core.Errorf(fn, "%w", err)
	}
	word := func(id int) string {
		if id >= 0 && id < len(vocab) {
			return quote(vocab[id])
		}
		return fmt.Sprint(id + 1)
	}
	switch nf.What {
	case "alpha":
		return core.Errorf(fn, "the fit diverged: the prior alpha of topic %d is %g; use a fixed \"alpha\" (\"symmetric\" or a number) rather than %q; nothing was saved", nf.Topic+1, nf.Value, opt.LDA.Alpha.Kind)
	case "eta":
		return core.Errorf(fn, "the fit diverged: the prior eta of the word %s is %g; use a fixed \"eta\" rather than %q; nothing was saved", word(nf.Term), nf.Value, opt.LDA.Eta.Kind)
	}
	return core.Errorf(fn, "the fit diverged: the weight of the word %s in topic %d is %g; the term counts are too large or too uneven (scale them down), or fewer \"topics\" suit the data; nothing was saved",
		word(nf.Term), nf.Topic+1, nf.Value)
}

// checkSummary refuses non-finite numbers in what training writes: the
// summary's metrics (which must be JSON), the topic shares and the
// documents' topic weights.
func checkSummary(fn string, s *Summary, gamma []float64) error {
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	for name, v := range map[string]float64{"tokens": s.Tokens, "coherence c_npmi": s.Coherence.CNPMI, "coherence u_mass": s.Coherence.UMass} {
		if bad(v) {
			return core.Errorf(fn, "the metric %s is %g, not a finite number; nothing was saved", name, v)
		}
	}
	for k, v := range s.TopicShare {
		if bad(v) {
			return core.Errorf(fn, "the share of tokens of topic %d is %g, not a finite number; nothing was saved", k+1, v)
		}
	}
	for i, v := range gamma {
		if bad(v) || v <= 0 {
			return core.Errorf(fn, "the topic weight of document %d, topic %d is %g, not a positive finite number; nothing was saved", i/max(1, s.Topics)+1, i%max(1, s.Topics)+1, v)
		}
	}
	if _, err := json.Marshal(s); err != nil {
		return core.Errorf(fn, "the summary cannot be written as JSON (%v); nothing was saved", err)
	}
	return nil
}

func progress(c *core.Conn, fn, name, phase string, done, total float64, detail string) {
	c.Report(core.ProgressEvent{Function: fn, Model: name, Phase: phase, Done: done, Total: total, Detail: detail})
}
