package lda_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/internal/datasets/reuters"
)

type gensimFixture struct {
	Results []struct {
		K                    int     `json:"K"`
		Iters                int     `json:"iters"`
		CompletionPerplexity float64 `json:"completion_perplexity"`
		CNPMI                float64 `json:"c_npmi"`
	} `json:"results"`
}

// TestMatchesGensimOnReuters fits every configuration of
// testdata/lda/gensim_reuters.json (10 and 50 topics, 1 and 5 passes) on the
// bag of words lda_prep.py gives gensim and holds each to the bounds
// against gensim's figures (gensim 4.2.0 LdaModel, chunksize 2000, symmetric
// alpha, random_state 0): completion perplexity at most 3% above gensim's
// and mean c_npmi no lower than gensim's - 0.01. make bench-lda times the
// same configurations against gensim.
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
	obs, eval := reuters.Completion(d.TestTexts, len(d.Vocab))
	seen := map[[2]int]bool{}
	for _, g := range fx.Results {
		seen[[2]int{g.K, g.Iters}] = true
		t.Run(fmt.Sprintf("topics%d_passes%d", g.K, g.Iters), func(t *testing.T) {
			if testing.Short() && g.K*g.Iters > 10 {
				t.Skip("-short: only 10 topics, 1 pass")
			}
			o := lda.Defaults()
			o.Topics, o.Passes, o.Chunksize = g.K, g.Iters, 2000
			m, err := lda.Fit(context.Background(), d.Train, o)
			if err != nil {
				t.Fatal(err)
			}
			gamma, err := m.Infer(context.Background(), obs, 0, 1<<50)
			if err != nil {
				t.Fatal(err)
			}
			cp := m.PlugInPerplexity(gamma, eval)
			topicNPMI, err := lda.NPMIContext(context.Background(), m.TopTerms(10), d.TrainTexts, 10)
			if err != nil {
				t.Fatal(err)
			}
			npmi := lda.Mean(topicNPMI)
			t.Logf("completion perplexity %.1f (gensim %.1f), c_npmi %.4f (gensim %.4f)", cp, g.CompletionPerplexity, npmi, g.CNPMI)
			if cp > 1.03*g.CompletionPerplexity {
				t.Errorf("completion perplexity %.1f, more than 3%% above gensim's %.1f", cp, g.CompletionPerplexity)
			}
			if npmi < g.CNPMI-0.01 {
				t.Errorf("c_npmi %.4f, below gensim's %.4f - 0.01", npmi, g.CNPMI)
			}
		})
	}
	for _, c := range [][2]int{{10, 1}, {10, 5}, {50, 1}, {50, 5}} {
		if !seen[c] {
			t.Errorf("the fixture has no row for %d topics, %d passes", c[0], c[1])
		}
	}
}
