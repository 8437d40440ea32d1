// Package lda fits latent Dirichlet allocation topic models by online
// variational Bayes (Hoffman, Blei and Bach, "Online Learning for Latent
// Dirichlet Allocation", NIPS 2010), the algorithm of gensim's LdaModel, with
// the same options and defaults: topics, alpha (symmetric, asymmetric, auto
// or a number), eta, passes, iterations, chunksize, decay, offset and
// gamma_threshold. It also infers the topic mixture of new documents, and
// measures models: gensim's per-word likelihood bound (log_perplexity),
// document-completion perplexity, and u_mass and c_npmi topic coherence.
//
// The E-step runs in parallel over the documents of a chunk; every document
// draws its random start from its own seeded stream and the sufficient
// statistics are summed in document order, so a fit is the same for a seed
// whatever the number of threads.
//
// Everything that can take long takes a context and polls ctx.Err() every
// few milliseconds of work, on the calling goroutine only (never from its
// workers, so a context that must be polled from one goroutine works), and
// returns its error.
//
// The package is pure numerics: it sees slices, never a database or a file.
package lda

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// Model is a fitted topic model.
type Model struct {
	K, V  int
	Alpha []float64 // K
	Eta   []float64 // V
	// Lambda holds the variational topic-word parameters λ, term-major:
	// Lambda[w*K+k] (η included).
	Lambda []float64
	// Inference settings used by Infer.
	Iterations     int
	GammaThreshold float64
	Seed           uint64

	expElogbeta []float64 // V×K, exp(E[log β]) term-major
}

// ErrEmpty reports a corpus with no term in any document.
var ErrEmpty = errors.New("no document has any term")

// Fit fits a topic model to the corpus. It polls ctx.Err() between
// segments of every chunk's work and returns its error.
func Fit(ctx context.Context, c *Corpus, opt Options) (*Model, error) {
	if err := opt.Check(); err != nil {
		return nil, err
	}
	opt.Threads = threadCount(opt.Threads)
	if err := c.check(); err != nil {
		return nil, err
	}
	if len(c.Terms) == 0 {
		return nil, ErrEmpty
	}
	K, V, n := opt.Topics, c.V, c.Docs()
	m := &Model{K: K, V: V, Iterations: opt.Iterations, GammaThreshold: opt.GammaThreshold, Seed: opt.Seed}
	m.Alpha = make([]float64, K)
	switch opt.Alpha.Kind {
	case Symmetric, Auto:
		for k := range m.Alpha {
			m.Alpha[k] = 1 / float64(K)
		}
	case Asymmetric:
		s := 0.0
		for k := range m.Alpha {
			m.Alpha[k] = 1 / (float64(k) + math.Sqrt(float64(K)))
			s += m.Alpha[k]
		}
		for k := range m.Alpha {
			m.Alpha[k] /= s
		}
	case Value:
		for k := range m.Alpha {
			m.Alpha[k] = opt.Alpha.Value
		}
	}
	m.Eta = make([]float64, V)
	for w := range m.Eta {
		if opt.Eta.Kind == Value {
			m.Eta[w] = opt.Eta.Value
		} else {
			m.Eta[w] = 1 / float64(K)
		}
	}
	// gensim starts the sufficient statistics at Gamma(100, 1/100) draws
	// and its first E-step uses exp(E[log β]) of those draws alone.
	ss := make([]float64, V*K)
	r := newRand(opt.Seed, 1<<62)
	for k := 0; k < K; k++ {
		for w := 0; w < V; w++ {
			if (k*V+w)%drawPoll == 0 {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
			}
			ss[w*K+k] = gamma100(r)
		}
	}
	m.expElogbeta = make([]float64, V*K)
	zero := make([]float64, V)
	if err := setExpElogbeta(ctx, m.expElogbeta, ss, zero, K, V, opt.Threads, false); err != nil {
		return nil, err
	}

	chunk := min(opt.Chunksize, n)
	chunks := (n + chunk - 1) / chunk
	numUpdates := 0.0
	other := make([]float64, V*K)
	e := newEstep(m, c, opt.Threads)
	var err error
	for pass := 0; pass < opt.Passes; pass++ {
		done := 0
		for ci := 0; ci < chunks; ci++ {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			lo, hi := ci*chunk, min((ci+1)*chunk, n)
			var converged, iters int
			converged, iters, err = e.run(ctx, lo, hi, uint64(pass)<<40, true)
			if err != nil {
				return nil, err
			}
			rho := math.Pow(opt.Offset+float64(pass)+numUpdates/float64(chunk), -opt.Decay)
			if opt.Alpha.Kind == Auto {
				if err := m.updateAlpha(ctx, e.gamma[:(hi-lo)*K], hi-lo, rho); err != nil {
					return nil, err
				}
			}
			if err := e.accumulate(ctx, other, lo, hi); err != nil {
				return nil, err
			}
			// Blend: λ - η = (1-ρ)(λ - η) + ρ (n/|chunk|) sstats, as gensim's LdaState.blend.
			scale := float64(n) / float64(hi-lo)
			if hi-lo == n {
				scale = 1
			}
			err = parallelPolled(ctx, V, opt.Threads, K, func(a, b int) {
				for i := a * K; i < b*K; i++ {
					ss[i] = (1-rho)*ss[i] + rho*scale*other[i]*m.expElogbeta[i]
					other[i] = 0
				}
			})
			if err != nil {
				return nil, err
			}
			if err := setExpElogbeta(ctx, m.expElogbeta, ss, m.Eta, K, V, opt.Threads, true); err != nil {
				return nil, err
			}
			if opt.Eta.Kind == Auto {
				if err := m.updateEta(ctx, ss, rho); err != nil {
					return nil, err
				}
				if err := setExpElogbeta(ctx, m.expElogbeta, ss, m.Eta, K, V, opt.Threads, true); err != nil {
					return nil, err
				}
			}
			if pass == 0 {
				numUpdates += float64(hi - lo)
			}
			done += hi - lo
			if opt.Progress != nil {
				opt.Progress(Progress{Pass: pass + 1, Passes: opt.Passes, Chunk: ci + 1, Chunks: chunks,
					Docs: done, Converged: converged, ChunkDocuments: hi - lo, Iterations: iters})
			}
		}
	}
	// λ = η + sstats, in place: the statistics are not needed any more,
	// and the model holds two V×K arrays rather than four.
	err = parallelPolled(ctx, V, opt.Threads, K, func(a, b int) {
		for w := a; w < b; w++ {
			for k := 0; k < K; k++ {
				ss[w*K+k] += m.Eta[w]
			}
		}
	})
	if err != nil {
		return nil, err
	}
	m.Lambda = ss
	return m, nil
}

// setExpElogbeta writes exp(E[log β]) for λ = eta + ss (withEta) or ss,
// polling ctx between segments of terms.
func setExpElogbeta(ctx context.Context, dst, ss, eta []float64, K, V, threads int, withEta bool) error {
	sums := make([]float64, K)
	err := rowsPolled(ctx, V, K, func(a, b int) {
		for w := a; w < b; w++ {
			e := 0.0
			if withEta {
				e = eta[w]
			}
			row := ss[w*K : w*K+K]
			for k, v := range row {
				sums[k] += v + e
			}
		}
	})
	if err != nil {
		return err
	}
	scale := make([]float64, K) // exp(-ψ(Σ_w λ_kw))
	for k, s := range sums {
		scale[k] = 1 / expDigamma(s)
	}
	return parallelPolled(ctx, V, threads, K*digammaWork, func(a, b int) {
		for w := a; w < b; w++ {
			e := 0.0
			if withEta {
				e = eta[w]
			}
			row, out := ss[w*K:w*K+K], dst[w*K:w*K+K]
			for k, v := range row {
				out[k] = expDigamma(v+e) * scale[k]
			}
		}
	})
}

// Init prepares a decoded model (Lambda, Alpha, Eta set) for inference.
// It refuses a model whose parameters are not all positive finite numbers.
func (m *Model) Init(threads int) error { return m.InitContext(context.Background(), threads) }

// InitContext is Init polling ctx.Err() every few milliseconds of work; it
// reuses the inference table of a model it prepared before. Threads 0
// means GOMAXPROCS.
func (m *Model) InitContext(ctx context.Context, threads int) error {
	if m.K < 1 || m.V < 1 || len(m.Lambda) != m.K*m.V || len(m.Alpha) != m.K || len(m.Eta) != m.V {
		return fmt.Errorf("inconsistent model shapes")
	}
	if err := m.CheckFinite(); err != nil {
		return err
	}
	if math.IsInf(m.GammaThreshold, 0) {
		return fmt.Errorf("bad gamma threshold %g", m.GammaThreshold)
	}
	if m.Iterations < 0 || !(m.GammaThreshold > 0) {
		return fmt.Errorf("bad inference settings (iterations %d, gamma threshold %g)", m.Iterations, m.GammaThreshold)
	}
	threads = threadCount(threads)
	if len(m.expElogbeta) != m.V*m.K {
		m.expElogbeta = make([]float64, m.V*m.K)
	}
	zero := make([]float64, m.V)
	if err := setExpElogbeta(ctx, m.expElogbeta, m.Lambda, zero, m.K, m.V, threads, false); err != nil {
		return err
	}
	return nil
}

// NotFiniteError reports a model parameter that is not a positive finite
// number: a fit that diverged, or a damaged model.
type NotFiniteError struct {
	What  string // "lambda", "alpha" or "eta"
	Topic int    // 0-based; -1 for eta
	Term  int    // 0-based; -1 for alpha
	Value float64
}

func (e *NotFiniteError) Error() string {
	switch e.What {
	case "alpha":
		return fmt.Sprintf("alpha[%d] is %g, not a positive finite number", e.Topic, e.Value)
	case "eta":
		return fmt.Sprintf("eta[%d] is %g, not a positive finite number", e.Term, e.Value)
	}
	return fmt.Sprintf("lambda of term %d, topic %d is %g, not a positive finite number", e.Term, e.Topic, e.Value)
}

// CheckFinite returns a *NotFiniteError for the first parameter (λ, α, η)
// that is NaN, infinite, zero or negative, or nil.
func (m *Model) CheckFinite() error {
	ok := func(v float64) bool { return v > 0 && !math.IsInf(v, 0) }
	for k, v := range m.Alpha {
		if !ok(v) {
			return &NotFiniteError{What: "alpha", Topic: k, Term: -1, Value: v}
		}
	}
	for w, v := range m.Eta {
		if !ok(v) {
			return &NotFiniteError{What: "eta", Topic: -1, Term: w, Value: v}
		}
	}
	for i, v := range m.Lambda {
		if !ok(v) {
			return &NotFiniteError{What: "lambda", Topic: i % max(1, m.K), Term: i / max(1, m.K), Value: v}
		}
	}
	return nil
}

// Topics returns the topic-word distributions, topic-major: φ[k*V+w].
func (m *Model) Topics() []float64 {
	K, V := m.K, m.V
	phi := make([]float64, K*V)
	sums := make([]float64, K)
	for w := 0; w < V; w++ {
		for k := 0; k < K; k++ {
			sums[k] += m.Lambda[w*K+k]
		}
	}
	for w := 0; w < V; w++ {
		for k := 0; k < K; k++ {
			phi[k*V+w] = m.Lambda[w*K+k] / sums[k]
		}
	}
	return phi
}

// TopTerms returns the n most probable term ids of every topic, most
// probable first (ties by term id).
func (m *Model) TopTerms(n int) [][]int32 {
	top, _, _ := m.TopTermWeights(context.Background(), n)
	return top
}

// topicBlock is how many topics TopTermWeights handles at once.
const topicBlock = 64

// TopTermWeights returns the n most probable term ids of every topic, most
// probable first (ties by term id), and their probabilities: the values of
// Topics, without its K×V table (topics are done a block at a time). It
// polls ctx.Err() between blocks.
func (m *Model) TopTermWeights(ctx context.Context, n int) ([][]int32, [][]float64, error) {
	K, V := m.K, m.V
	n = min(n, V)
	sums := make([]float64, K)
	err := rowsPolled(ctx, V, K, func(a, b int) {
		for w := a; w < b; w++ {
			for k := 0; k < K; k++ {
				sums[k] += m.Lambda[w*K+k]
			}
		}
	})
	if err != nil {
		return nil, nil, err
	}
	top := make([][]int32, K)
	weights := make([][]float64, K)
	B := min(K, topicBlock)
	phi := make([]float64, B*V) // topic-major, as in Topics
	for k0 := 0; k0 < K; k0 += B {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		k1 := min(k0+B, K)
		for w := 0; w < V; w++ {
			row := m.Lambda[w*K : w*K+K]
			for k := k0; k < k1; k++ {
				phi[(k-k0)*V+w] = row[k] / sums[k]
			}
		}
		for k := k0; k < k1; k++ {
			p := phi[(k-k0)*V : (k-k0+1)*V]
			top[k] = topN(p, n)
			weights[k] = make([]float64, len(top[k]))
			for r, id := range top[k] {
				weights[k][r] = p[id]
			}
		}
	}
	return top, weights, nil
}

func topN(v []float64, n int) []int32 {
	idx := make([]int32, 0, n+1)
	for i, x := range v {
		if len(idx) == n && !(x > v[idx[n-1]]) {
			continue
		}
		j := len(idx)
		if j < n {
			idx = append(idx, int32(i))
		} else {
			j = n - 1
		}
		for j > 0 && x > v[idx[j-1]] {
			idx[j] = idx[j-1]
			j--
		}
		idx[j] = int32(i)
	}
	return idx
}

// Infer returns the variational γ (K per document, document-major) of every
// document of c under the model, as gensim's inference does. Document d's
// random start comes from stream base+d. Threads 0 means GOMAXPROCS. It
// polls ctx.Err() every few milliseconds of work and returns its error.
func (m *Model) Infer(ctx context.Context, c *Corpus, threads int, base uint64) ([]float64, error) {
	threads = threadCount(threads)
	n := c.Docs()
	out := make([]float64, n*m.K)
	e := newEstep(m, c, threads)
	const block = 2000
	for lo := 0; lo < n; lo += block {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hi := min(lo+block, n)
		if _, _, err := e.run(ctx, lo, hi, base, false); err != nil {
			return nil, err
		}
		copy(out[lo*m.K:hi*m.K], e.gamma[:(hi-lo)*m.K])
	}
	return out, nil
}

// updateAlpha is gensim's update_alpha: one Newton step towards the
// maximum-likelihood Dirichlet of the chunk's γ, damped by ρ.
func (m *Model) updateAlpha(ctx context.Context, gamma []float64, n int, rho float64) error {
	K := m.K
	logphat := make([]float64, K)
	el := make([]float64, K)
	poll := max(1, segmentWork/(K*digammaWork))
	for d := 0; d < n; d++ {
		if d%poll == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		dirichletExpectation(el, gamma[d*K:(d+1)*K])
		for k := range logphat {
			logphat[k] += el[k]
		}
	}
	for k := range logphat {
		logphat[k] /= float64(n)
	}
	m.Alpha = updateDirPrior(m.Alpha, float64(n), logphat, rho)
	return nil
}

// updateEta is gensim's update_eta over the topics' λ.
func (m *Model) updateEta(ctx context.Context, ss []float64, rho float64) error {
	K, V := m.K, m.V
	logphat := make([]float64, V)
	lam := make([]float64, V)
	el := make([]float64, V)
	poll := max(1, segmentWork/(V*digammaWork))
	for k := 0; k < K; k++ {
		if k%poll == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		for w := 0; w < V; w++ {
			lam[w] = m.Eta[w] + ss[w*K+k]
		}
		dirichletExpectation(el, lam)
		for w := range logphat {
			logphat[w] += el[w] / float64(K)
		}
	}
	m.Eta = updateDirPrior(m.Eta, float64(K), logphat, rho)
	return nil
}

func updateDirPrior(prior []float64, n float64, logphat []float64, rho float64) []float64 {
	s := 0.0
	for _, p := range prior {
		s += p
	}
	ps := digamma(s)
	c := n * trigamma(s)
	grad := make([]float64, len(prior))
	q := make([]float64, len(prior))
	sgq, siq := 0.0, 0.0
	for i, p := range prior {
		grad[i] = n * (ps - digamma(p) + logphat[i])
		q[i] = -n * trigamma(p)
		sgq += grad[i] / q[i]
		siq += 1 / q[i]
	}
	b := sgq / (1/c + siq)
	out := make([]float64, len(prior))
	for i, p := range prior {
		out[i] = rho*(-(grad[i]-b)/q[i]) + p
		if !(out[i] > 0) {
			return prior // gensim keeps the prior when a step leaves it non-positive
		}
	}
	return out
}

// segmentWork is the work (in multiply-adds, roughly) one thread does
// between two polls of the context: a few milliseconds.
const segmentWork = 1 << 24

// digammaWork is the cost of one digamma or lgamma in segmentWork's units
// (measured: an exp(ψ(x)) takes about as long as 64 multiply-adds).
const digammaWork = 64

// drawPoll is how many random starting values Fit draws between two polls
// of the context (about a millisecond).
const drawPoll = 1 << 14

// parallelPolled is parallelRange over [0, n) in consecutive segments of
// about segmentWork·threads units of work (cost units per index), with
// ctx.Err() polled on the calling goroutine before each segment. Indexes
// are independent, so the segments do not change the result.
func parallelPolled(ctx context.Context, n, threads, cost int, fn func(a, b int)) error {
	seg := max(1, segmentWork*max(1, threads)/max(1, cost))
	for a := 0; a < n; a += seg {
		if err := ctx.Err(); err != nil {
			return err
		}
		b := min(a+seg, n)
		parallelRange(b-a, threads, func(x, y int) { fn(a+x, a+y) })
	}
	return nil
}

// rowsPolled runs fn over [0, n) on the calling goroutine, in consecutive
// segments of about segmentWork units of work (cost units per index), with
// ctx.Err() polled before each: for loops whose order matters (sums).
func rowsPolled(ctx context.Context, n, cost int, fn func(a, b int)) error {
	seg := max(1, segmentWork/max(1, cost))
	for a := 0; a < n; a += seg {
		if err := ctx.Err(); err != nil {
			return err
		}
		fn(a, min(a+seg, n))
	}
	return nil
}

// longWait is how long the calling goroutine waits for its workers before
// it polls the context while they run, and pollEvery how often it then
// polls: a segment takes a few milliseconds, so only a segment made long
// by one very large document (thousands of terms, many topics) is polled
// while it runs.
const (
	longWait  = 200 * time.Millisecond
	pollEvery = 10 * time.Millisecond
)

// waitPolled waits until workers goroutines have each sent once on
// finished. When that takes longer than longWait, it polls ctx on the
// calling goroutine every pollEvery; once ctx ends it sets stop, which the
// workers check between γ iterations, waits for them and returns ctx's
// error. It starts no goroutine of its own.
func waitPolled(ctx context.Context, finished <-chan struct{}, workers int, stop *atomic.Bool) error {
	timer := time.NewTimer(longWait)
	defer timer.Stop()
	var err error
	for workers > 0 {
		select {
		case <-finished:
			workers--
		case <-timer.C:
			if err == nil {
				if err = ctx.Err(); err != nil {
					stop.Store(true)
				}
			}
			timer.Reset(pollEvery)
		}
	}
	return err
}

// parallelRange splits [0, n) into contiguous parts, one per thread.
func parallelRange(n, threads int, fn func(a, b int)) {
	if threads <= 1 || n < 1024 {
		fn(0, n)
		return
	}
	var wg sync.WaitGroup
	for t := 0; t < threads; t++ {
		a, b := t*n/threads, (t+1)*n/threads
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(a, b)
		}()
	}
	wg.Wait()
}

// estep runs the per-document variational updates of a range of documents
// in parallel.
type estep struct {
	m       *Model
	c       *Corpus
	threads int
	gamma   []float64 // per document of the range, K each
	etheta  []float64 // exp(E[log θ]) per document, K each
	ratio   []float64 // count/φnorm per corpus position of the range
	// segment is the work per thread between two polls of the context;
	// 0 means segmentWork.
	segment int
}

func newEstep(m *Model, c *Corpus, threads int) *estep {
	return &estep{m: m, c: c, threads: threads}
}

// run infers documents [lo, hi); it returns how many converged and the
// iterations they took. The documents run in segments of a few
// milliseconds of work (at most Iterations γ updates per document), with
// ctx.Err() polled on the calling goroutine before each; a document's
// result does not depend on the segments or the threads.
func (e *estep) run(ctx context.Context, lo, hi int, stream uint64, collect bool) (conv, iters int, err error) {
	K := e.m.K
	n := hi - lo
	e.gamma = grow(e.gamma, n*K)
	if collect {
		e.etheta = grow(e.etheta, n*K)
		e.ratio = grow(e.ratio, e.c.Ptr[hi]-e.c.Ptr[lo])
	}
	budget := segmentWork * max(1, e.threads)
	if e.segment > 0 {
		budget = e.segment * max(1, e.threads)
	}
	perTerm := 2 * K * max(1, e.m.Iterations) // two products with the document's β rows per iteration
	// Worker scratch lives for one run: it holds exp(ψ(α)), and Fit
	// updates α between chunks.
	var sc []*scratch
	for a := lo; a < hi; {
		if err := ctx.Err(); err != nil {
			return 0, 0, err
		}
		b, work := a, 0
		for b < hi && (b == a || work < budget) {
			work += (e.c.Ptr[b+1] - e.c.Ptr[b] + 1) * perTerm
			b++
		}
		c, it, err := e.runSegment(ctx, lo, a, b, stream, collect, &sc)
		if err != nil {
			return 0, 0, err
		}
		conv += c
		iters += it
		a = b
	}
	return conv, iters, nil
}

// runSegment infers documents [a, b) of the range that starts at lo, in
// parallel; sc holds the workers' scratch, grown as needed. A segment that
// runs long is stopped when ctx ends (see waitPolled).
func (e *estep) runSegment(ctx context.Context, lo, a, b int, stream uint64, collect bool, sc *[]*scratch) (int, int, error) {
	K := e.m.K
	n := b - a
	var next, conv, iters atomic.Int64
	var stop atomic.Bool
	const block = 8
	workers := max(1, min(e.threads, (n+block-1)/block))
	finished := make(chan struct{}, workers)
	for len(*sc) < workers {
		*sc = append(*sc, newScratch(e.m))
	}
	for t := 0; t < workers; t++ {
		(*sc)[t].stop = &stop
		go func(s *scratch) {
			defer func() { finished <- struct{}{} }()
			for {
				first := int(next.Add(block)) - block
				if first >= n || stop.Load() {
					return
				}
				for doc := a + first; doc < a+min(first+block, n); doc++ {
					d := doc - lo
					ids, cts := e.c.Doc(doc)
					g := e.gamma[d*K : (d+1)*K]
					r := newRand(e.m.Seed, stream+uint64(doc))
					for k := range g {
						g[k] = gamma100(r)
					}
					var et, ratio []float64
					if collect {
						et = e.etheta[d*K : (d+1)*K]
						p := e.c.Ptr[doc] - e.c.Ptr[lo]
						ratio = e.ratio[p : p+len(ids)]
					}
					it, ok := e.m.inferDoc(ids, cts, g, et, ratio, s)
					if ok {
						conv.Add(1)
					}
					iters.Add(int64(it))
				}
			}
		}((*sc)[t])
	}
	if err := waitPolled(ctx, finished, workers, &stop); err != nil {
		return 0, 0, err
	}
	return int(conv.Load()), int(iters.Load()), nil
}

// accumulate adds the sufficient statistics of documents [lo, hi) (from the
// last run) into dst (V×K, before the multiplication by exp(E[log β])).
// Every entry is summed in document order, whatever the thread split; the
// documents go in segments of a few milliseconds of work, with ctx.Err()
// polled before each.
func (e *estep) accumulate(ctx context.Context, dst []float64, lo, hi int) error {
	K := e.m.K
	budget := segmentWork * max(1, e.threads)
	for s := lo; s < hi; {
		if err := ctx.Err(); err != nil {
			return err
		}
		t, work := s, 0
		for t < hi && (t == s || work < budget) {
			work += (e.c.Ptr[t+1] - e.c.Ptr[t] + 1) * K
			t++
		}
		e.accumulateDocs(dst, lo, s, t)
		s = t
	}
	return nil
}

// accumulateDocs is accumulate's work for documents [s, t) of the range
// that starts at lo.
func (e *estep) accumulateDocs(dst []float64, lo, s, t int) {
	K := e.m.K
	base := e.c.Ptr[lo]
	parallelRange(e.m.V, e.threads, func(a, b int) {
		for d := s; d < t; d++ {
			ids, _ := e.c.Doc(d)
			et := e.etheta[(d-lo)*K : (d-lo+1)*K]
			p := e.c.Ptr[d] - base
			for i, w := range ids {
				if int(w) < a || int(w) >= b {
					continue
				}
				r := e.ratio[p+i]
				row := dst[int(w)*K : int(w)*K+K]
				for k, t := range et {
					row[k] += t * r
				}
			}
		}
	})
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

type scratch struct {
	elog, etheta, acc, next []float64
	phinorm, rows, ratio    []float64
	expAlpha                []float64    // exp(ψ(α_k))
	stop                    *atomic.Bool // set: give up (the result is not used)
}

func newScratch(m *Model) *scratch {
	K := m.K
	s := &scratch{elog: make([]float64, K), etheta: make([]float64, K), acc: make([]float64, K), next: make([]float64, K),
		expAlpha: make([]float64, K)}
	for k, a := range m.Alpha {
		s.expAlpha[k] = expDigamma(a)
	}
	return s
}

// phiEps is what gensim adds to φnorm (float32 machine epsilon there; the
// float64 one here).
const phiEps = 2.220446049250313e-16

// inferDoc runs gensim's γ iteration for one document from the start in g,
// leaving the result in g. When et is non-nil it receives exp(E[log θ]) and
// ratio count/φnorm per term, for the sufficient statistics. It reports
// the iterations run and whether γ converged.
func (m *Model) inferDoc(ids []int32, cts []float64, g, et, ratio []float64, s *scratch) (int, bool) {
	K := m.K
	beta := m.expElogbeta
	n := len(ids)
	if cap(s.phinorm) < n {
		s.phinorm = make([]float64, n)
	}
	phinorm := s.phinorm[:n]
	etheta, acc, next := s.etheta[:K], s.acc[:K], s.next[:K]
	expTheta := func(gam []float64) {
		sum := 0.0
		for _, v := range gam {
			sum += v
		}
		scale := 1 / expDigamma(sum) // exp(-ψ(Σγ))
		for k, v := range gam {
			// A topic absent from the document keeps γ exactly at α after a
			// few iterations (α plus a term below its rounding); its
			// exp(ψ(α)) is computed once.
			if v == m.Alpha[k] {
				etheta[k] = s.expAlpha[k] * scale
			} else {
				etheta[k] = expDigamma(v) * scale
			}
		}
	}
	// pass computes φnorm for the current exp(E[log θ]) and, when acc is
	// wanted, the next iteration's Σ count/φnorm · exp(E[log β_w]) in the
	// same sweep over the document's rows of β (read once, from L1).
	// The document's rows of exp(E[log β]), gathered once into an n×K
	// block, so every iteration is two matrix-vector products over memory
	// that stays in cache: φnorm = B·exp(E[log θ]) and, for the next γ,
	// Σ_w (count_w/φnorm_w) B_w.
	if cap(s.rows) < n*K {
		s.rows = make([]float64, n*K)
	}
	rows := s.rows[:n*K]
	for i, w := range ids {
		copy(rows[i*K:(i+1)*K], beta[int(w)*K:int(w)*K+K])
	}
	if cap(s.ratio) < n {
		s.ratio = make([]float64, n)
	}
	rat := s.ratio[:n]
	B := blas64.General{Rows: n, Cols: K, Stride: K, Data: rows}
	pass := func(withAcc bool) {
		blas64.Gemv(blas.NoTrans, 1, B, blas64.Vector{N: K, Inc: 1, Data: etheta}, 0, blas64.Vector{N: n, Inc: 1, Data: phinorm})
		for i := range phinorm {
			phinorm[i] += phiEps
			rat[i] = cts[i] / phinorm[i]
		}
		if withAcc {
			blas64.Gemv(blas.Trans, 1, B, blas64.Vector{N: n, Inc: 1, Data: rat}, 0, blas64.Vector{N: K, Inc: 1, Data: acc})
		}
	}
	expTheta(g)
	pass(m.Iterations > 0)
	converged := false
	it := 0
	for it < m.Iterations {
		if s.stop != nil && s.stop.Load() {
			break
		}
		it++
		change := 0.0
		for k := range next {
			next[k] = m.Alpha[k] + etheta[k]*acc[k]
			change += math.Abs(next[k] - g[k])
		}
		copy(g, next)
		expTheta(g)
		converged = change/float64(K) < m.GammaThreshold
		pass(!converged && it < m.Iterations)
		if converged {
			break
		}
	}
	if et != nil {
		copy(et, etheta)
		for i := range ids {
			ratio[i] = cts[i] / phinorm[i]
		}
	}
	return it, converged
}

// InferDoc returns γ of one document (term ids and counts), its random
// start drawn from the given stream; it runs on the calling goroutine.
func (m *Model) InferDoc(ids []int32, cts []float64, stream uint64) []float64 {
	g := make([]float64, m.K)
	r := newRand(m.Seed, stream)
	for k := range g {
		g[k] = gamma100(r)
	}
	m.inferDoc(ids, cts, g, nil, nil, newScratch(m))
	return g
}
