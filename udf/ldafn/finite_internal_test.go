package ldafn

import (
	"math"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// TestNotFiniteErrors: a fit whose parameters are not finite is an error
// that names the parameter, the cause and the fix, and says nothing was
// saved. (Training checks the fit with CheckFinite before it writes.)
func TestNotFiniteErrors(t *testing.T) {
	t.Parallel()
	vocab := []string{"chocolate", "coffee", "beans"}
	cases := []struct {
		err  error
		opt  Options
		want []string
	}{
		{&lda.NotFiniteError{What: "lambda", Topic: 1, Term: 2, Value: math.NaN()}, DefaultOptions(),
			[]string{"lda_train: the fit diverged", `the word "beans" in topic 2 is NaN`, "scale them down", `fewer "topics"`, "nothing was saved"}},
		{&lda.NotFiniteError{What: "alpha", Topic: 0, Term: -1, Value: math.Inf(1)}, withOptions(func(o *Options) { o.LDA.Alpha = lda.Prior{Kind: lda.Auto} }),
			[]string{"alpha of topic 1 is +Inf", `fixed "alpha"`, `rather than "auto"`, "nothing was saved"}},
		{&lda.NotFiniteError{What: "eta", Topic: -1, Term: 0, Value: math.NaN()}, withOptions(func(o *Options) { o.LDA.Eta = lda.Prior{Kind: lda.Auto} }),
			[]string{`eta of the word "chocolate" is NaN`, `fixed "eta"`, "nothing was saved"}},
	}
	for _, c := range cases {
		msg := notFinite("lda_train", c.err, c.opt, vocab).Error()
		for _, w := range c.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%q does not mention %q", msg, w)
			}
		}
	}
}

// TestCheckSummary: non-finite metrics, shares or document weights are
// refused before anything is written, with the value named.
func TestCheckSummary(t *testing.T) {
	t.Parallel()
	good := func() *Summary {
		return &Summary{Model: "m", Topics: 2, Tokens: 10, TopicShare: []float64{0.6, 0.4},
			Coherence: Coherence{CNPMI: 0.1, UMass: -1, Window: "10"}}
	}
	if err := checkSummary("lda_train", good(), []float64{1, 2, 3, 4}); err != nil {
		t.Fatalf("good summary: %v", err)
	}
	cases := []struct {
		name  string
		spoil func(s *Summary, gamma []float64)
		want  string
	}{
		{"NaN c_npmi", func(s *Summary, _ []float64) { s.Coherence.CNPMI = math.NaN() }, "coherence c_npmi is NaN"},
		{"Inf u_mass", func(s *Summary, _ []float64) { s.Coherence.UMass = math.Inf(-1) }, "coherence u_mass is -Inf"},
		{"NaN share", func(s *Summary, _ []float64) { s.TopicShare[1] = math.NaN() }, "topic 2 is NaN"},
		{"Inf weight", func(_ *Summary, g []float64) { g[3] = math.Inf(1) }, "document 2, topic 2 is +Inf"},
		{"NaN perplexity", func(s *Summary, _ []float64) { p := math.NaN(); s.Perplexity = &p }, "cannot be written as JSON"},
	}
	for _, c := range cases {
		s, g := good(), []float64{1, 2, 3, 4}
		c.spoil(s, g)
		err := checkSummary("lda_train", s, g)
		if err == nil || !strings.HasPrefix(err.Error(), "lda_train: ") || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "nothing was saved") {
			t.Errorf("%s: %v, want an error mentioning %q", c.name, err, c.want)
		}
	}
}

// TestGoOptionsLimits: MaxMemory and MaxTokenBytes start at their
// defaults and are checked like the JSON options.
func TestGoOptionsLimits(t *testing.T) {
	t.Parallel()
	o := DefaultOptions()
	if err := o.check("TrainLDA"); err != nil {
		t.Fatal(err)
	}
	avail, _ := core.AvailableMemory()
	if o.Text.MaxTokenBytes != 64 || o.MaxMemory != 0 || o.budget("TrainLDA").Given || o.budget("TrainLDA").Bytes != int64(float64(avail)*core.DefaultMemoryShare) {
		t.Errorf("defaults: max_token_bytes %d, max_memory %d, budget %+v", o.Text.MaxTokenBytes, o.MaxMemory, o.budget("TrainLDA"))
	}
	o = withOptions(func(o *Options) { o.MaxMemory, o.Text.MaxTokenBytes = 5e8, 10 })
	if err := o.check("TrainLDA"); err != nil || o.budget("TrainLDA") != (core.Budget{Bytes: 5e8, Given: true}) || o.Text.MaxTokenBytes != 10 {
		t.Errorf("set: %+v, %v", o.budget("TrainLDA"), err)
	}
	for _, bad := range []Options{
		withOptions(func(o *Options) { o.MaxMemory = -1 }),
		withOptions(func(o *Options) { o.Text.MaxTokenBytes = -1 }),
		withOptions(func(o *Options) { o.Text.MaxTokenBytes = 2 << 20 }),
	} {
		if err := bad.check("TrainLDA"); err == nil || !strings.HasPrefix(err.Error(), "TrainLDA: ") {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	p, err := parseOptions("lda_train", `{"max_memory": "2GB", "max_token_bytes": 100}`)
	if err != nil || p.MaxMemory != 2e9 || p.Text.MaxTokenBytes != 100 {
		t.Errorf("parsed %d, %d, %v", p.MaxMemory, p.Text.MaxTokenBytes, err)
	}
	if !strings.Contains(p.json(), `"max_memory":2000000000`) || !strings.Contains(p.json(), `"max_token_bytes":100`) {
		t.Errorf("stored options %s", p.json())
	}
}

// withOptions is DefaultOptions with the changes of set.
func withOptions(set func(o *Options)) Options {
	o := DefaultOptions()
	set(&o)
	return o
}
