package lda

import (
	"context"
	"errors"
	"math"
	"slices"
	"testing"
)

// TestDefaultsAndCheck: Defaults passes Check, and every field that cannot
// be zero is refused at zero rather than replaced.
func TestDefaultsAndCheck(t *testing.T) {
	t.Parallel()
	d := Defaults()
	if err := d.Check(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if d.Topics != 10 || d.Passes != 1 || d.Iterations != 50 || d.Chunksize != 2000 || d.Decay != 0.5 || d.Offset != 1 ||
		d.GammaThreshold != 0.001 || d.Alpha.Kind != Symmetric || d.Eta.Kind != Symmetric || d.MinDF != 2 || d.MaxDF != 0.5 ||
		d.MaxVocab != 100000 || d.Holdout != 0.1 || d.MinimumProbability != 0.01 {
		t.Errorf("defaults %+v are not the documented ones", d)
	}
	for name, zero := range map[string]func(o *Options){
		"topics": func(o *Options) { o.Topics = 0 }, "passes": func(o *Options) { o.Passes = 0 },
		"iterations": func(o *Options) { o.Iterations = 0 }, "chunksize": func(o *Options) { o.Chunksize = 0 },
		"decay": func(o *Options) { o.Decay = 0 }, "offset": func(o *Options) { o.Offset = 0 },
		"gamma_threshold": func(o *Options) { o.GammaThreshold = 0 }, "min_df": func(o *Options) { o.MinDF = 0 },
		"max_df": func(o *Options) { o.MaxDF = 0 }, "max_vocab": func(o *Options) { o.MaxVocab = 0 },
	} {
		if o := defaultsWith(zero); o.Check() == nil {
			t.Errorf("%s 0 passes Check", name)
		}
	}
	for name, zero := range map[string]func(o *Options){
		"holdout": func(o *Options) { o.Holdout = 0 }, "minimum_probability": func(o *Options) { o.MinimumProbability = 0 },
		"threads": func(o *Options) { o.Threads = 0 }, "seed": func(o *Options) { o.Seed = 0 },
	} {
		if o := defaultsWith(zero); o.Check() != nil {
			t.Errorf("%s 0: %v", name, o.Check())
		}
	}
	for _, k := range []PriorKind{Symmetric, Asymmetric, Auto} {
		if got, ok := ParsePriorKind(k.String()); !ok || got != k {
			t.Errorf("%v does not parse back: %v, %v", k, got, ok)
		}
	}
	if _, ok := ParsePriorKind("value"); ok {
		t.Error(`"value" parses as a named prior`)
	}
}

// TestSplit: the hold-out is seeded, sized round(fraction·n) within [1, n-1],
// keeps the documents' order, and is empty for Holdout 0 or few documents.
func TestSplit(t *testing.T) {
	t.Parallel()
	docs := []int{3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610}
	o := defaultsWith(func(o *Options) { o.Holdout, o.Seed = 0.25, 9 })
	train, held := o.Split(docs)
	if len(held) != 3 || len(train) != 9 || !slices.IsSorted(train) || !slices.IsSorted(held) {
		t.Fatalf("split %v / %v", train, held)
	}
	all := slices.Sorted(slices.Values(append(slices.Clone(train), held...)))
	if !slices.Equal(all, docs) {
		t.Errorf("split %v / %v is not a partition of %v", train, held, docs)
	}
	if t2, h2 := o.Split(docs); !slices.Equal(t2, train) || !slices.Equal(h2, held) {
		t.Error("the same seed gives another split")
	}
	for _, c := range []struct {
		holdout float64
		n, held int
	}{{0, 12, 0}, {0.25, 9, 0}, {0.01, 12, 1}, {0.89, 12, 11}} {
		o := defaultsWith(func(o *Options) { o.Holdout = c.holdout })
		if _, h := o.Split(docs[:c.n]); len(h) != c.held {
			t.Errorf("holdout %g of %d documents: %d held out, want %d", c.holdout, c.n, len(h), c.held)
		}
	}
}

// TestOrderTopics: topics are renumbered by their share of the tokens,
// largest first, with λ and α permuted alike; a fit that learned nothing
// is ErrNothingLearned.
func TestOrderTopics(t *testing.T) {
	t.Parallel()
	// 3 topics over 2 terms, η 0.5: topic shares 1, 6 and 3 tokens.
	m := &Model{K: 3, V: 2, Alpha: []float64{0.1, 0.2, 0.3}, Eta: []float64{0.5, 0.5},
		Lambda: []float64{1, 4.5, 2.5, 1, 2.5, 1.5}, Iterations: 50, GammaThreshold: 0.001}
	share, err := m.OrderTopics(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{0.6, 0.3, 0.1}; !slices.Equal(share, want) {
		t.Errorf("shares %v, want %v", share, want)
	}
	if want := []float64{4.5, 2.5, 1, 2.5, 1.5, 1}; !slices.Equal(m.Lambda, want) {
		t.Errorf("lambda %v, want %v", m.Lambda, want)
	}
	if want := []float64{0.2, 0.3, 0.1}; !slices.Equal(m.Alpha, want) {
		t.Errorf("alpha %v, want %v", m.Alpha, want)
	}
	flat := &Model{K: 2, V: 2, Alpha: []float64{0.5, 0.5}, Eta: []float64{0.5, 0.5}, Lambda: []float64{0.5, 0.5, 0.5, 0.5},
		Iterations: 50, GammaThreshold: 0.001}
	if _, err := flat.OrderTopics(context.Background(), 1); !errors.Is(err, ErrNothingLearned) {
		t.Errorf("nothing learned: %v", err)
	}
}

// TestDocumentWeights: Normalize, Significant, ArgMax and TopicWeights.
func TestDocumentWeights(t *testing.T) {
	t.Parallel()
	g := []float64{1, 3, 2, 2}
	Normalize(g, 2)
	if !slices.Equal(g, []float64{0.25, 0.75, 0.5, 0.5}) {
		t.Errorf("normalized %v", g)
	}
	o := defaultsWith(func(o *Options) { o.MinimumProbability = 0.3 })
	var kept []int
	o.Significant([]float64{0.2, 0.3, 0.5}, func(k int, _ float64) { kept = append(kept, k) })
	if !slices.Equal(kept, []int{1, 2}) {
		t.Errorf("significant topics %v, want [1 2]", kept)
	}
	if n := o.MostSignificant(); n != 3 {
		t.Errorf("at most %d weights of 0.3 or more, want 3", n)
	}
	if all := defaultsWith(func(o *Options) { o.MinimumProbability = 0 }); all.MostSignificant() != all.Topics {
		t.Errorf("minimum 0 reports %d weights, want every topic's", all.MostSignificant())
	}
	if ArgMax(nil) != -1 || ArgMax([]float64{0.2, 0.4, 0.4}) != 1 {
		t.Error("ArgMax")
	}
	c := synthetic(60, 2)
	m, err := Fit(context.Background(), c, defaultsWith(func(o *Options) { o.Topics = 2; o.Seed = 1 }))
	if err != nil {
		t.Fatal(err)
	}
	ids, cts := c.Doc(0)
	w := m.TopicWeights(ids, cts)
	if s := w[0] + w[1]; math.Abs(s-1) > 1e-12 || !slices.Equal(w, m.TopicWeights(ids, cts)) {
		t.Errorf("weights %v: sum %g, or not the same twice", w, s)
	}
	if m.TopicWeights(nil, nil) != nil {
		t.Error("a document with no term has weights")
	}
}

// TestLexicon: tokens to ids for inference (Known) and for the coherence
// windows (Text), and the corpus helpers around them.
func TestLexicon(t *testing.T) {
	t.Parallel()
	if _, err := NewLexicon([]string{"tea", "mug", "tea"}); !errors.Is(err, ErrDuplicateTerm) {
		t.Errorf("duplicate term: %v", err)
	}
	l, err := NewLexicon([]string{"candle", "mug", "tea"})
	if err != nil {
		t.Fatal(err)
	}
	ids, cts := l.Known([]string{"tea", "cup", "candle"}, []float64{2, 5, 1})
	if !slices.Equal(ids, []int32{2, 0}) || !slices.Equal(cts, []float64{2, 1}) {
		t.Errorf("known %v %v", ids, cts)
	}
	if got := l.Text([]string{"mug", "of", "tea"}); !slices.Equal(got, []int32{1, -1, 2}) {
		t.Errorf("text %v", got)
	}
	c := &Corpus{V: 3}
	c.Append([]int32{0, 2}, []float64{1, 1})
	c.Append(nil, nil)
	c.Append([]int32{1, 2, 0}, []float64{1, 1, 1})
	if use := c.NonEmpty(); !slices.Equal(use, []int{0, 2}) || c.Longest(use) != 3 || c.Longest(use[:1]) != 2 {
		t.Errorf("non-empty %v, longest %d", use, c.Longest(use))
	}
	if texts := c.Texts([]int{2, 0}); len(texts) != 2 || !slices.Equal(texts[0], []int32{1, 2, 0}) || !slices.Equal(texts[1], []int32{0, 2}) {
		t.Errorf("texts %v", texts)
	}
}

// TestPairTable: the coherence measures' pair counts match counting
// every pair of every window by hand, for every pair (R×R table) or for
// the pairs of top terms (the table of many terms).
func TestPairTable(t *testing.T) {
	t.Parallel()
	top := [][]int32{{4, 1, 7}, {7, 2, 4}, {9, 9}}
	idx := map[int32]int{}
	for _, words := range top {
		for _, w := range words {
			if _, ok := idx[w]; !ok {
				idx[w] = len(idx)
			}
		}
	}
	inTop := func(a, b int) bool {
		for _, words := range top {
			ia := slices.IndexFunc(words, func(w int32) bool { return idx[w] == a })
			ib := slices.IndexFunc(words, func(w int32) bool { return idx[w] == b })
			if ia >= 0 && ib >= 0 && a != b {
				return true
			}
		}
		return false
	}
	windows := [][]int{{0, 1, 2}, {0, 2}, {2, 3, 0}, {4}, {1, 3}}
	for name, p := range map[string]*pairTable{"dense": newPairTable(top, idx), "sparse": newSparsePairTable(top, idx)} {
		for _, w := range windows {
			p.count(w)
		}
		for a := range len(idx) {
			for b := range len(idx) {
				if a == b || (name == "sparse" && !inTop(a, b)) {
					continue
				}
				want := 0.0
				for _, w := range windows {
					if slices.Contains(w, a) && slices.Contains(w, b) {
						want++
					}
				}
				if got := p.get(a, b); got != want {
					t.Errorf("%s: pair (%d, %d): %g, want %g", name, a, b, got, want)
				}
			}
		}
		if name == "sparse" && p.get(1, 3) != 0 {
			t.Errorf("sparse: a pair of no topic counted %g", p.get(1, 3))
		}
	}
}
