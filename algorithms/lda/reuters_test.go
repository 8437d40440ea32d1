package lda_test

import (
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/bench/lda/reuters"
)

type gensimFixture struct {
	Results []struct {
		K                    int     `json:"K"`
		Iters                int     `json:"iters"`
		CompletionPerplexity float64 `json:"completion_perplexity"`
		CNPMI                float64 `json:"c_npmi"`
	} `json:"results"`
}

// TestMatchesGensimOnReuters fits 10 topics in one pass on the bag of words
// lda_prep.py gives gensim and holds it to the bounds against
// gensim's figures in testdata/lda/gensim_reuters.json (expected: gensim
// 4.2.0 LdaModel, chunksize 2000, symmetric alpha, random_state 0). The
// heavier configurations run in make bench-lda.
func TestMatchesGensimOnReuters(t *testing.T) {
	dir := reuters.Dir()
	if dir == "" {
		t.Skip("../shared/data (or $MARKETSQL_DATA) with reuters-21578 is not here; skipping the comparison with gensim")
	}
	b, err := os.ReadFile("../../testdata/lda/gensim_reuters.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx gensimFixture
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	d, err := reuters.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := lda.Fit(context.Background(), d.Train, lda.Options{Topics: 10, Passes: 1, Chunksize: 2000})
	if err != nil {
		t.Fatal(err)
	}
	obs, eval := reuters.Completion(d.TestTexts, len(d.Vocab))
	gamma, err := m.Infer(context.Background(), obs, 0, 1<<50)
	if err != nil {
		t.Fatal(err)
	}
	cp := m.PlugInPerplexity(gamma, eval)
	npmi := lda.Mean(lda.NPMI(m.TopTerms(10), d.TrainTexts, 10))
	for _, g := range fx.Results {
		if g.K != 10 || g.Iters != 1 {
			continue
		}
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
