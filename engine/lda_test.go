package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/datasets/reuters"
	"github.com/seed-a084b42d/marketsql/udf/ldafn"
)

const reviewsSQL = `CREATE TABLE reviews(id INTEGER, txt TEXT);
INSERT INTO reviews VALUES
 (1, 'The chocolate cookies were delicious and sweet'), (2, 'Great coffee, strong and fresh roasted beans'),
 (3, 'Cookies arrived broken but tasted of sweet chocolate'), (4, 'This coffee is bitter; the beans were stale'),
 (5, 'Sweet chocolate candy, kids love the chocolate'), (6, 'Fresh coffee beans, dark roast coffee'),
 (7, NULL), (8, 'the and of'), (9, 'chocolate cookies, sweet'), (10, 'coffee beans, roast'), (11, '1234 5678'),
 (12, 'coffee and chocolate'), (13, 'sweet cookies'), (14, 'dark roast beans');`

func openReviews(t *testing.T) *engine.Engine {
	t.Helper()
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if _, err := e.DB().Exec(reviewsSQL); err != nil {
		t.Fatal(err)
	}
	return e
}

// TestTrainLDA checks the Go API against the SQL function: the same model.
func TestTrainLDA(t *testing.T) {
	t.Parallel()
	e := openReviews(t)
	ctx := context.Background()
	events := 0
	m, err := e.TrainLDA(ctx, "go", "reviews", &engine.LDAOptions{
		Topics:   2,
		Passes:   20,
		MaxDF:    0.9,
		Seed:     3,
		Progress: func(engine.Progress) { events++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.Topics != 2 || m.Docs+m.HoldoutDocs != 11 || m.Skipped.NullText != 1 || m.Skipped.Empty != 2 || len(m.TopWords) != 2 || events == 0 {
		t.Fatalf("model %+v, %d progress events", m, events)
	}
	if m.HoldoutDocs != 1 || m.Perplexity == nil {
		t.Errorf("hold-out: %d docs, perplexity %v", m.HoldoutDocs, m.Perplexity)
	}
	words := strings.Join(m.TopWords[0][:3], " ") + "|" + strings.Join(m.TopWords[1][:3], " ")
	if !(strings.Contains(words, "chocolate") && strings.Contains(words, "coffee")) {
		t.Errorf("top words %q", words)
	}
	db := e.DB()
	var summary string
	if err := db.QueryRow(`SELECT lda_train('sql', 'reviews', '{"topics": 2, "passes": 20, "max_df": 0.9, "seed": 3}')`).Scan(&summary); err != nil {
		t.Fatal(err)
	}
	var s struct {
		Docs      int
		Coherence struct {
			CNPMI float64 `json:"c_npmi"`
		}
		Perplexity float64
	}
	if err := json.Unmarshal([]byte(summary), &s); err != nil {
		t.Fatal(err)
	}
	if s.Docs != m.Docs || s.Perplexity != *m.Perplexity || s.Coherence.CNPMI != m.CNPMI {
		t.Errorf("SQL summary %s differs from the Go API's %+v", summary, m)
	}
	// Same topic words in both models' side tables.
	q := `SELECT group_concat(word, ' ') FROM (SELECT word FROM ml_lda_topic_words WHERE model = ? ORDER BY topic, rank)`
	if a, b := scalar[string](t, db, q, "go"), scalar[string](t, db, q, "sql"); a != b {
		t.Errorf("topic words differ: %s / %s", a, b)
	}
	if n := scalar[int](t, db, `SELECT count(DISTINCT doc_id) FROM lda_doc_topics('go')`); n != 11 {
		t.Errorf("lda_doc_topics has %d documents, want 11 (every document with a word, held out or not)", n)
	}
	top := scalar[int](t, db, `SELECT lda_top_topic('go', 'a cup of dark roast coffee')`)
	if w := scalar[float64](t, db, `SELECT weight FROM lda_infer('go', 'a cup of dark roast coffee') WHERE topic = ?`, top); w < 0.5 {
		t.Errorf("top topic %d has weight %g", top, w)
	}
}

func TestTrainLDACancel(t *testing.T) {
	t.Parallel()
	e := openReviews(t)
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := e.TrainLDA(ctx, "m", "reviews", &engine.LDAOptions{Topics: 2, MaxDF: 0.9}); err != nil {
		t.Fatal(err)
	}
	_, err := e.TrainLDA(ctx, "m", "reviews", &engine.LDAOptions{
		Topics:    3,
		Passes:    50,
		Chunksize: 1,
		MaxDF:     0.9,
		Progress:  func(p engine.Progress) { cancel() },
	})
	if !errors.Is(err, context.Canceled) || !strings.HasPrefix(err.Error(), "TrainLDA: ") {
		t.Fatalf("err %v, want TrainLDA: ... context canceled", err)
	}
	if n := scalar[int](t, e.DB(), `SELECT count(DISTINCT topic) FROM ml_lda_topic_words WHERE model = 'm'`); n != 2 {
		t.Errorf("the previous model (2 topics) was not kept: %d topics", n)
	}
}

// TestLDAMatchesGensimThroughSQL feeds the bag of words lda_prep.py gives
// gensim as a (doc_id, term, count) source and holds lda_train to the
// issue's bounds against gensim 4.2.0's figures in
// testdata/lda/gensim_reuters.json (10 topics, 1 pass, chunksize 2000,
// symmetric alpha): completion perplexity within 3% or lower, c_npmi no
// lower than gensim's - 0.01. make bench-lda runs 10 and 50 topics, 1 and 5
// passes.
func TestLDAMatchesGensimThroughSQL(t *testing.T) {
	dir := reuters.Dir()
	if dir == "" {
		t.Skip("../shared/data (or $MARKETSQL_DATA) with reuters-21578 is not here; skipping the comparison with gensim")
	}
	d, err := reuters.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		Results []struct {
			K, Iters             int
			CompletionPerplexity float64 `json:"completion_perplexity"`
			CNPMI                float64 `json:"c_npmi"`
		}
	}
	b, err := os.ReadFile("../testdata/lda/gensim_reuters.json")
	if err == nil {
		err = json.Unmarshal(b, &fx)
	}
	if err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`CREATE TABLE bow(doc INTEGER, term TEXT, n INTEGER)`); err != nil {
		t.Fatal(err)
	}
	st, err := tx.Prepare(`INSERT INTO bow VALUES (?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < d.Train.Docs(); i++ {
		ids, cts := d.Train.Doc(i)
		for j, id := range ids {
			if _, err := st.Exec(i, d.Vocab[id], int(cts[j])); err != nil {
				t.Fatal(err)
			}
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	opts := `{"topics": 10, "passes": 1, "chunksize": 2000, "alpha": "symmetric", "holdout": 0, "min_df": 1, "max_df": 1, "max_vocab": 1000000}`
	var summary string
	if err := db.QueryRow(`SELECT lda_train('reuters', 'SELECT doc, term, n FROM bow ORDER BY rowid', ?)`, opts).Scan(&summary); err != nil {
		t.Fatal(err)
	}
	var params []byte
	if err := db.QueryRow(`SELECT params FROM ml_models WHERE name = 'reuters'`).Scan(&params); err != nil {
		t.Fatal(err)
	}
	m, err := ldafn.Decode(params)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(m.Vocab, " ") != strings.Join(d.Vocab, " ") {
		t.Fatalf("vocabulary differs from lda_prep.py's (%d terms, want %d)", len(m.Vocab), len(d.Vocab))
	}
	obs, eval := reuters.Completion(d.TestTexts, len(d.Vocab))
	gamma, err := m.LDA.Infer(context.Background(), obs, 0, 1<<50)
	if err != nil {
		t.Fatal(err)
	}
	cp := m.LDA.PlugInPerplexity(gamma, eval)
	npmi := lda.Mean(lda.NPMI(m.LDA.TopTerms(10), d.TrainTexts, 10))
	for _, g := range fx.Results {
		if g.K != 10 || g.Iters != 1 {
			continue
		}
		t.Logf("%s", summary)
		t.Logf("completion perplexity %.1f (gensim %.1f), c_npmi %.4f (gensim %.4f)", cp, g.CompletionPerplexity, npmi, g.CNPMI)
		if cp > 1.03*g.CompletionPerplexity {
			t.Errorf("completion perplexity %.1f, more than 3%% above gensim's %.1f", cp, g.CompletionPerplexity)
		}
		if npmi < g.CNPMI-0.01 {
			t.Errorf("c_npmi %.4f, below gensim's %.4f - 0.01", npmi, g.CNPMI)
		}
		return
	}
	t.Fatal("fixture has no 10-topic 1-pass row")
}

// TestTrainLDAOptionErrors: a Go option out of range is an error naming
// the function and the option, before anything is read.
func TestTrainLDAOptionErrors(t *testing.T) {
	t.Parallel()
	e := openReviews(t)
	ctx := context.Background()
	for _, c := range []struct {
		opts *engine.LDAOptions
		want string
	}{
		{&engine.LDAOptions{Alpha: "bogus"}, `option "alpha" must be a positive number or one of "symmetric", "asymmetric", "auto", got "bogus"`},
		{&engine.LDAOptions{Eta: "asymmetric"}, `option "eta" must be a positive number or one of "symmetric", "auto"`},
		{&engine.LDAOptions{AlphaValue: -1}, `option "alpha" must be positive, got -1`},
		{&engine.LDAOptions{Holdout: new(0.95)}, `option "holdout" must be a fraction from 0 to 0.9, got 0.95`},
		{&engine.LDAOptions{MinimumProbability: new(-0.1)}, `option "minimum_probability" must be in [0, 1], got -0.1`},
		{&engine.LDAOptions{Topics: 100001}, `option "topics" must be an integer from 1 to 100000, got 100001`},
	} {
		_, err := e.TrainLDA(ctx, "m", "reviews", c.opts)
		if err == nil || !strings.HasPrefix(err.Error(), "TrainLDA: ") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want TrainLDA: ...%s", c.opts, err, c.want)
		}
	}
	if n := scalar[int](t, e.DB(), `SELECT count(*) FROM sqlite_master WHERE name = 'ml_models'`); n != 0 {
		t.Errorf("a refused training wrote the catalog")
	}
}
