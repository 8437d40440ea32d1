package lda

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// synthetic draws documents from three well separated topics over 30 terms.
func synthetic(docs int, seed uint64) *Corpus {
	r := rand.New(rand.NewPCG(seed, 7))
	c := &Corpus{V: 30}
	for d := 0; d < docs; d++ {
		topic := d % 3
		var terms []int32
		var counts []float64
		for i := 0; i < 20; i++ {
			w := int32(topic*10 + r.IntN(10))
			if r.Float64() < 0.1 {
				w = int32(r.IntN(30))
			}
			terms = append(terms, w)
			counts = append(counts, 1)
		}
		c.Append(terms, counts)
	}
	return c
}

func TestFitRecoversTopics(t *testing.T) {
	t.Parallel()
	c := synthetic(600, 1)
	m, err := Fit(context.Background(), c, defaultsWith(func(o *Options) { o.Topics = 3; o.Passes = 10; o.Chunksize = 100; o.Seed = 3 }))
	if err != nil {
		t.Fatal(err)
	}
	// Every topic's top 8 terms come from one block of 10.
	seen := map[int32]bool{}
	for k, top := range m.TopTerms(8) {
		block := top[0] / 10
		for _, w := range top {
			if w/10 != block {
				t.Errorf("topic %d mixes blocks: %v", k, top)
				break
			}
		}
		seen[block] = true
	}
	if len(seen) != 3 {
		t.Errorf("topics found blocks %v, want all three", seen)
	}
	gamma, err := m.Infer(context.Background(), c, 0, 99)
	if err != nil {
		t.Fatal(err)
	}
	if pp := m.PlugInPerplexity(gamma, c); !(pp < 15) {
		t.Errorf("plug-in perplexity %g, want < 15 (10 terms a topic and 10%% noise; 30 for no structure)", pp)
	}
	b, err := m.LogPerplexity(context.Background(), c, 0, 0, 5)
	if err != nil || !(b < 0) || math.IsInf(b, 0) {
		t.Errorf("log perplexity %g, %v", b, err)
	}
	if npmi, err := NPMIContext(context.Background(), m.TopTerms(5), [][]int32{{0, 1, 2, 3, 4}, {10, 11, 12}}, 10); err != nil || math.IsNaN(Mean(npmi)) {
		t.Errorf("npmi NaN")
	}
}

func TestSameResultWhateverTheThreads(t *testing.T) {
	t.Parallel()
	c := synthetic(500, 2)
	var ref []float64
	for _, threads := range []int{1, 2, 3, 8} {
		for _, alpha := range []Prior{{Kind: Symmetric}, {Kind: Auto}} {
			m, err := Fit(context.Background(), c, defaultsWith(func(o *Options) {
				o.Topics = 4
				o.Passes = 2
				o.Chunksize = 64
				o.Seed = 11
				o.Threads = threads
				o.Alpha = alpha
				o.Eta = Prior{Kind: Auto}
			}))
			if err != nil {
				t.Fatal(err)
			}
			if alpha.Kind != Symmetric {
				continue
			}
			if ref == nil {
				ref = m.Lambda
				continue
			}
			for i := range ref {
				if ref[i] != m.Lambda[i] {
					t.Fatalf("threads=%d: lambda[%d] = %v, want %v (threads=1)", threads, i, m.Lambda[i], ref[i])
				}
			}
		}
	}
}

func TestPriorsAndOptions(t *testing.T) {
	t.Parallel()
	c := synthetic(90, 3)
	for _, o := range []Options{
		defaultsWith(func(o *Options) { o.Topics = 3; o.Alpha = Prior{Kind: Asymmetric} }),
		defaultsWith(func(o *Options) { o.Topics = 3; o.Alpha = Prior{Kind: Auto}; o.Eta = Prior{Kind: Auto} }),
		defaultsWith(func(o *Options) {
			o.Topics = 3
			o.Alpha = Prior{Kind: Value, Value: 0.5}
			o.Eta = Prior{Kind: Value, Value: 0.01}
		}),
		defaultsWith(func(o *Options) { o.Topics = 1 }),
		defaultsWith(func(o *Options) { o.Topics = 40 }),
	} {
		m, err := Fit(context.Background(), c, o)
		if err != nil {
			t.Fatalf("%+v: %v", o, err)
		}
		if o.Alpha.Kind == Auto && m.Alpha[0] == 1.0/3 && m.Alpha[1] == 1.0/3 {
			t.Errorf("alpha auto left alpha unchanged")
		}
		for _, v := range m.Lambda {
			if !(v > 0) || math.IsInf(v, 0) {
				t.Fatalf("%+v: bad lambda %g", o, v)
			}
		}
	}
	for _, o := range []Options{
		defaultsWith(func(o *Options) { o.Topics = 0 }),
		defaultsWith(func(o *Options) { o.Topics = 2; o.Decay = 1.5 }),
		defaultsWith(func(o *Options) { o.Topics = 2; o.Eta = Prior{Kind: Asymmetric} }),
		defaultsWith(func(o *Options) { o.Topics = 2; o.Alpha = Prior{Kind: Value, Value: -1} }),
	} {
		if _, err := Fit(context.Background(), c, o); err == nil {
			t.Errorf("%+v: want an error", o)
		}
	}
	if _, err := Fit(context.Background(), &Corpus{V: 3, Ptr: []int{0, 0}}, defaultsWith(func(o *Options) { o.Topics = 2 })); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty corpus: %v", err)
	}
}

func TestCancel(t *testing.T) {
	t.Parallel()
	c := synthetic(300, 4)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	o := defaultsWith(func(o *Options) { o.Topics = 3; o.Passes = 5; o.Chunksize = 10 })
	o.Progress = func(Progress) {
		n++
		if n == 3 {
			cancel()
		}
	}
	_, err := Fit(ctx, c, o)
	if !errors.Is(err, context.Canceled) || n != 3 {
		t.Errorf("err %v after %d chunks, want context.Canceled after 3", err, n)
	}
}

// goid returns the id of the calling goroutine.
func goid() string {
	b := make([]byte, 64)
	b = b[:runtime.Stack(b, false)]
	return strings.Fields(string(b))[1]
}

// pollCtx is a context that counts its polls, fails the test when Err is
// called on a goroutine other than the one that made it (a SQL call's
// context must be polled on the connection's goroutine), and reports
// context.Canceled from poll number stopAt on (never when 0).
type pollCtx struct {
	context.Context
	t      *testing.T
	owner  string
	polls  int
	stopAt int
}

func newPollCtx(t *testing.T, stopAt int) *pollCtx {
	return &pollCtx{Context: context.Background(), t: t, owner: goid(), stopAt: stopAt}
}

func (c *pollCtx) Err() error {
	if g := goid(); g != c.owner {
		c.t.Errorf("ctx.Err() called on goroutine %s, the caller is %s", g, c.owner)
		return nil
	}
	c.polls++
	if c.stopAt > 0 && c.polls >= c.stopAt {
		return context.Canceled
	}
	return nil
}

// TestContextPolledByCaller: every long entry point polls its context on
// the calling goroutine only, even with several threads, and stops with the
// context's error whenever it ends.
func TestContextPolledByCaller(t *testing.T) {
	t.Parallel()
	c := synthetic(600, 5)
	m, err := Fit(context.Background(), c, defaultsWith(func(o *Options) { o.Topics = 3; o.Chunksize = 100; o.Threads = 4 }))
	if err != nil {
		t.Fatal(err)
	}
	texts := make([][]int32, c.Docs())
	for d := range texts {
		texts[d], _ = c.Doc(d)
	}
	top := m.TopTerms(5)
	calls := []struct {
		name string
		run  func(ctx context.Context) error
	}{
		{"Fit", func(ctx context.Context) error {
			_, err := Fit(ctx, c, defaultsWith(func(o *Options) { o.Topics = 3; o.Chunksize = 100; o.Passes = 2; o.Threads = 4 }))
			return err
		}},
		{"Infer", func(ctx context.Context) error { _, err := m.Infer(ctx, c, 4, 1); return err }},
		{"LogPerplexity", func(ctx context.Context) error { _, err := m.LogPerplexity(ctx, c, 0, 4, 1); return err }},
		{"NPMIContext", func(ctx context.Context) error { _, err := NPMIContext(ctx, top, texts, 10); return err }},
		{"UMass", func(ctx context.Context) error { _, err := UMass(ctx, top, c); return err }},
	}
	for _, call := range calls {
		t.Run(call.name, func(t *testing.T) {
			live := newPollCtx(t, 0)
			if err := call.run(live); err != nil || live.polls == 0 {
				t.Fatalf("live context: error %v after %d polls", err, live.polls)
			}
			for _, at := range []int{1, (live.polls + 1) / 2, live.polls} {
				if err := call.run(newPollCtx(t, at)); !errors.Is(err, context.Canceled) {
					t.Errorf("cancelled at poll %d of %d: error %v, want context.Canceled", at, live.polls, err)
				}
			}
		})
	}
}

// TestSegmentsDoNotChangeInference: the E-step gives the same γ, sufficient
// statistics and counts whether a chunk runs in one segment or one
// document at a time.
func TestSegmentsDoNotChangeInference(t *testing.T) {
	t.Parallel()
	c := synthetic(200, 6)
	m, err := Fit(context.Background(), c, defaultsWith(func(o *Options) { o.Topics = 4; o.Threads = 3 }))
	if err != nil {
		t.Fatal(err)
	}
	whole, single := newEstep(m, c, 3), newEstep(m, c, 3)
	single.segment = 1
	conv1, it1, err1 := whole.run(context.Background(), 10, 190, 5, true)
	conv2, it2, err2 := single.run(context.Background(), 10, 190, 5, true)
	if err1 != nil || err2 != nil || conv1 != conv2 || it1 != it2 {
		t.Fatalf("one segment: %d converged, %d iterations, %v; one document at a time: %d, %d, %v", conv1, it1, err1, conv2, it2, err2)
	}
	for _, p := range []struct {
		name string
		a, b []float64
	}{{"gamma", whole.gamma, single.gamma}, {"etheta", whole.etheta, single.etheta}, {"ratio", whole.ratio, single.ratio}} {
		if !slices.Equal(p.a, p.b) {
			t.Errorf("%s differs between one segment and one document at a time", p.name)
		}
	}
}

func TestVocabularyPrune(t *testing.T) {
	t.Parallel()
	b := NewVocabulary()
	b.Add([]string{"b", "a", "a"}, []float64{1, 2, 1})
	b.Add([]string{"a", "c"}, []float64{1, 1})
	b.Add([]string{"d"}, []float64{4})
	vocab, c := b.Prune(1, 1, 0)
	if len(vocab) != 4 || vocab[0] != "a" || vocab[3] != "d" {
		t.Fatalf("vocab %v", vocab)
	}
	if ids, cts := c.Doc(0); len(ids) != 2 || cts[0]+cts[1] != 4 {
		t.Errorf("doc 0: %v %v", ids, cts)
	}
	vocab, c = b.Prune(2, 1, 0)
	if len(vocab) != 1 || vocab[0] != "a" || c.Docs() != 3 {
		t.Errorf("min_df 2: %v, %d docs", vocab, c.Docs())
	}
	if ids, _ := c.Doc(2); len(ids) != 0 {
		t.Errorf("doc 2 should be empty after pruning")
	}
	vocab, _ = b.Prune(1, 0.5, 0)
	if len(vocab) != 3 {
		t.Errorf("max_df 0.5: %v", vocab)
	}
	vocab, _ = b.Prune(1, 1, 2)
	if len(vocab) != 2 || vocab[0] != "a" {
		t.Errorf("max_vocab 2: %v", vocab)
	}
}

func TestCoherence(t *testing.T) {
	t.Parallel()
	// Two words that always appear together and a third on its own.
	texts := [][]int32{{0, 1}, {0, 1}, {2}, {2, 3}}
	npmi, err := NPMIContext(context.Background(), [][]int32{{0, 1}, {0, 2}}, texts, 10)
	if err != nil {
		t.Fatal(err)
	}
	if old := NPMI([][]int32{{0, 1}, {0, 2}}, texts, 10); !slices.Equal(old, npmi) {
		t.Errorf("NPMI %v, NPMIContext %v", old, npmi)
	}
	if math.Abs(npmi[0]-1) > 1e-9 {
		t.Errorf("npmi of always co-occurring words %g, want 1", npmi[0])
	}
	if npmi[1] > -0.9 {
		t.Errorf("npmi of never co-occurring words %g, want about -1", npmi[1])
	}
	c := &Corpus{V: 4}
	for _, s := range texts {
		cts := make([]float64, len(s))
		for i := range cts {
			cts[i] = 1
		}
		c.Append(s, cts)
	}
	um, err := UMass(context.Background(), [][]int32{{0, 1}}, c)
	if err != nil {
		t.Fatal(err)
	}
	// expected: log((2/4 + 1e-12) / (2/4)) = 0
	if math.Abs(um[0]) > 1e-9 {
		t.Errorf("u_mass %g, want 0", um[0])
	}
}

// TestCoherenceOfUnseenTerm: a top term that occurs in no window (a term of
// held-out documents only) makes its pairs -1, not an infinite coherence.
func TestCoherenceOfUnseenTerm(t *testing.T) {
	t.Parallel()
	texts := [][]int32{{0, 1}, {0, 1}, {1}}
	npmi, err := NPMIContext(context.Background(), [][]int32{{0, 1, 5}, {5, 6}}, texts, 10)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range npmi {
		if math.IsNaN(v) || math.IsInf(v, 0) || v < -1 || v > 1 {
			t.Errorf("topic %d: c_npmi %g, want a number in [-1, 1]", k, v)
		}
	}
	if npmi[1] != -1 {
		t.Errorf("topic of unseen terms: c_npmi %g, want -1", npmi[1])
	}
}

// TestTopTermWeights: the blocked top terms are those of Topics, with the
// same probabilities bit for bit, for several block splits.
func TestTopTermWeights(t *testing.T) {
	t.Parallel()
	c := synthetic(300, 8)
	for _, K := range []int{1, 3, topicBlock + 5} {
		m, err := Fit(context.Background(), c, defaultsWith(func(o *Options) { o.Topics = K; o.Seed = 2 }))
		if err != nil {
			t.Fatal(err)
		}
		phi := m.Topics()
		top, weights, err := m.TopTermWeights(context.Background(), 7)
		if err != nil {
			t.Fatal(err)
		}
		for k := range top {
			want := topN(phi[k*m.V:(k+1)*m.V], 7)
			if !slices.Equal(top[k], want) {
				t.Errorf("K %d topic %d: top %v, want %v", K, k, top[k], want)
			}
			for r, id := range top[k] {
				if weights[k][r] != phi[k*m.V+int(id)] {
					t.Errorf("K %d topic %d rank %d: weight %v, want %v", K, k, r, weights[k][r], phi[k*m.V+int(id)])
				}
			}
		}
	}
}

// TestCheckFinite: a parameter that is NaN, infinite or not positive is
// named by CheckFinite, and Init refuses the model.
func TestCheckFinite(t *testing.T) {
	t.Parallel()
	good := func() *Model {
		return &Model{K: 2, V: 3, Alpha: []float64{0.5, 0.5}, Eta: []float64{0.5, 0.5, 0.5}, Lambda: []float64{1, 2, 3, 4, 5, 6},
			Iterations: 50, GammaThreshold: 0.001}
	}
	if err := good().Init(1); err != nil {
		t.Fatalf("good model: %v", err)
	}
	cases := []struct {
		name  string
		spoil func(m *Model)
		want  NotFiniteError
	}{
		{"NaN lambda", func(m *Model) { m.Lambda[3] = math.NaN() }, NotFiniteError{What: "lambda", Topic: 1, Term: 1}},
		{"Inf lambda", func(m *Model) { m.Lambda[4] = math.Inf(1) }, NotFiniteError{What: "lambda", Topic: 0, Term: 2}},
		{"zero lambda", func(m *Model) { m.Lambda[0] = 0 }, NotFiniteError{What: "lambda", Topic: 0, Term: 0}},
		{"NaN alpha", func(m *Model) { m.Alpha[1] = math.NaN() }, NotFiniteError{What: "alpha", Topic: 1, Term: -1}},
		{"Inf eta", func(m *Model) { m.Eta[2] = math.Inf(1) }, NotFiniteError{What: "eta", Topic: -1, Term: 2}},
		{"negative eta", func(m *Model) { m.Eta[0] = -1 }, NotFiniteError{What: "eta", Topic: -1, Term: 0}},
	}
	for _, c := range cases {
		m := good()
		c.spoil(m)
		err := m.CheckFinite()
		var nf *NotFiniteError
		if !errors.As(err, &nf) || nf.What != c.want.What || nf.Topic != c.want.Topic || nf.Term != c.want.Term {
			t.Errorf("%s: %v (%+v), want %+v", c.name, err, nf, c.want)
			continue
		}
		if err := m.Init(1); err == nil || !strings.Contains(err.Error(), c.want.What) {
			t.Errorf("%s: Init: %v", c.name, err)
		}
	}
	m := good()
	m.GammaThreshold = math.Inf(1)
	if err := m.Init(1); err == nil {
		t.Errorf("infinite gamma threshold: Init accepted it")
	}
}

// TestMemoryEstimate: the estimate grows with topics and terms, names the
// step that needs the most, and counts what the formula says.
func TestMemoryEstimate(t *testing.T) {
	t.Parallel()
	s := Shape{Topics: 100000, Terms: 1824, Docs: 3898, Held: 433, Inferred: 4331, Positions: 400000, LongestDoc: 1500, Chunksize: 2000, Threads: 2, TopN: 10}
	m := s.Memory()
	// The largest of the steps' formulas (in 8-byte words), scratch being
	// every thread's rows of the longest document and its vectors.
	K, V := 100000.0, 1824.0
	scratch := 2 * (1500*K + 3*1500 + 6*K)
	R := V                    // min(V, K·topN)
	P := min(K*45, R*(R-1)/2) // pairs of top terms
	steps := map[string]float64{
		"fit":        3*V*K + V + 2*2000*K + 400000 + scratch,
		"perplexity": 3*V*K + 2*433*K + 433 + scratch,
		"coherence":  2*V*K + V*topicBlock + 8*(R+P), // R > 1024: the pairs of top terms
		"infer":      2*V*K + (4331+2000)*K + scratch,
	}
	want, step := 0.0, ""
	for name, words := range steps {
		if 8*words > want {
			want, step = 8*words, name
		}
	}
	if m.Step != step || float64(m.Bytes) != want {
		t.Errorf("estimate %d bytes for %s, want %.0f for %s", m.Bytes, m.Step, want, step)
	}
	if !strings.Contains(m.How, "100000 topics × (2 × 1824 terms + 4331 documents") {
		t.Errorf("how: %s", m.How)
	}
	s.Inferred = 0
	if m := s.Memory(); m.Step != "fit" || float64(m.Bytes) != 8*steps["fit"] || !strings.Contains(m.How, "100000 topics × (3 × 1824 terms + 2 × 2000 documents of a chunk + 2 threads × 1500 terms") {
		t.Errorf("nothing inferred: %d bytes for %s (%s), want %.0f for fit", m.Bytes, m.Step, m.How, 8*steps["fit"])
	}
	prev := int64(0)
	for _, k := range []int{1, 10, 100, 1000, 10000} {
		s.Topics = k
		if b := s.Memory().Bytes; b <= prev {
			t.Errorf("topics %d: %d bytes, not more than %d", k, b, prev)
		} else {
			prev = b
		}
	}
	// Many documents inferred: the infer step is the largest.
	s = Shape{Topics: 100, Terms: 1000, Docs: 2000, Inferred: 1000000, Positions: 10000, LongestDoc: 50, Chunksize: 2000, Threads: 1, TopN: 10}
	if m := s.Memory(); m.Step != "infer" {
		t.Errorf("a million documents inferred: largest step %s", m.Step)
	}
	// Huge: saturates rather than overflowing.
	s = Shape{Topics: 1 << 40, Terms: 1 << 40, Docs: 1, Threads: 1}
	if m := s.Memory(); m.Bytes <= 0 {
		t.Errorf("huge shape: %d bytes", m.Bytes)
	}
}

// TestStopsInsideALongDocument: a segment made long by one large document
// (thousands of terms, many topics, many iterations) is stopped while it
// runs once the context ends, rather than when the document is done.
func TestStopsInsideALongDocument(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a document for about a second")
	}
	const K, V = 2000, 2000
	m := &Model{K: K, V: V, Alpha: make([]float64, K), Eta: make([]float64, V), Lambda: make([]float64, K*V),
		Iterations: 100, GammaThreshold: 1e-300}
	r := rand.New(rand.NewPCG(1, 2))
	for k := range m.Alpha {
		m.Alpha[k] = 1.0 / K
	}
	for w := range m.Eta {
		m.Eta[w] = 1.0 / K
	}
	for i := range m.Lambda {
		m.Lambda[i] = 0.5 + r.Float64()
	}
	if err := m.Init(1); err != nil {
		t.Fatal(err)
	}
	c := &Corpus{V: V}
	terms, counts := make([]int32, V), make([]float64, V)
	for w := range terms {
		terms[w], counts[w] = int32(w), float64(1+w%3)
	}
	c.Append(terms, counts)
	run := func(ctx context.Context) (time.Duration, error) {
		start := time.Now()
		_, _, err := newEstep(m, c, 1).run(ctx, 0, 1, 0, true)
		return time.Since(start), err
	}
	full, err := run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if full < 2*longWait {
		t.Skipf("the document took %v, too little to stop inside it", full)
	}
	// Poll 1 is before the segment; poll 2 is the first while it runs.
	stopped, err := run(newPollCtx(t, 2))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	// Inside the document means before its end; how far before depends on
	// the load of the machine (the caller polls after waiting longWait),
	// so a tighter bound would be a timed assertion that flakes under load.
	if stopped >= full {
		t.Errorf("stopped after %v; the whole document takes %v", stopped, full)
	}
}

// defaultsWith is Defaults with the changes of set.
func defaultsWith(set func(o *Options)) Options {
	o := Defaults()
	set(&o)
	return o
}
