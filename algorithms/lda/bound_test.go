package lda

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"
)

// TestBoundAndInferenceMatchGensim loads a model gensim fitted and checks
// our inference and per-word bound against gensim's on the same held-out
// documents. expected: gensim 4.2.0 LdaModel(num_topics=4, chunksize=100,
// passes=5, float64) on the seeded synthetic corpus of
// testdata/lda/make_bound_fixture.py. The random start of γ differs between
// the two (each library its own generator), so values agree to the
// convergence threshold, not to the last digit.
func TestBoundAndInferenceMatchGensim(t *testing.T) {
	b, err := os.ReadFile("../../testdata/lda/gensim_bound.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		V, K             int
		Test             [][][2]float64
		Alpha, Eta       []float64
		Lambda           [][]float64
		LogPerplexity    float64     `json:"log_perplexity"`
		LogPerplexity300 float64     `json:"log_perplexity_total_300"`
		TestGamma        [][]float64 `json:"test_gamma"`
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	m := &Model{K: fx.K, V: fx.V, Alpha: fx.Alpha, Eta: fx.Eta, Lambda: make([]float64, fx.K*fx.V), Seed: 5,
		Iterations: Defaults().Iterations, GammaThreshold: Defaults().GammaThreshold}
	for k, row := range fx.Lambda {
		for w, v := range row {
			m.Lambda[w*fx.K+k] = v
		}
	}
	if err := m.Init(2); err != nil {
		t.Fatal(err)
	}
	test := &Corpus{V: fx.V}
	for _, d := range fx.Test {
		var ids []int32
		var cts []float64
		for _, p := range d {
			ids = append(ids, int32(p[0]))
			cts = append(cts, p[1])
		}
		test.Append(ids, cts)
	}
	for _, c := range []struct {
		total int
		want  float64
	}{{0, fx.LogPerplexity}, {300, fx.LogPerplexity300}} {
		got, err := m.LogPerplexity(context.Background(), test, c.total, 2, 1)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("total_docs %d: bound %.6f, gensim %.6f", c.total, got, c.want)
		if math.Abs(got-c.want) > 2e-3*math.Abs(c.want) {
			t.Errorf("total_docs %d: bound %.6f, gensim %.6f", c.total, got, c.want)
		}
	}
	gamma, err := m.Infer(context.Background(), test, 2, 7)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for d, g := range fx.TestGamma {
		sg, so := 0.0, 0.0
		for k := range g {
			sg += g[k]
			so += gamma[d*fx.K+k]
		}
		for k := range g {
			worst = math.Max(worst, math.Abs(g[k]/sg-gamma[d*fx.K+k]/so))
		}
	}
	if worst > 0.01 {
		t.Errorf("topic weights differ from gensim's by up to %.4f", worst)
	}
	t.Logf("largest topic-weight difference from gensim: %.2g", worst)
}
