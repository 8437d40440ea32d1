package lda

import (
	"context"
	"fmt"
	"math"
	"slices"
)

// LogPerplexity is gensim's log_perplexity: the variational lower bound of
// the held-out documents per word, with the documents' part scaled as if
// they were totalDocs documents (gensim's total_docs; 0 means their own
// number). The perplexity gensim logs is 2^-bound. Threads 0 means
// GOMAXPROCS. It polls ctx.Err() every few milliseconds of work and returns
// its error.
func (m *Model) LogPerplexity(ctx context.Context, held *Corpus, totalDocs, threads int, base uint64) (float64, error) {
	threads = threadCount(threads)
	n := held.Docs()
	words := held.Tokens()
	if n == 0 || words == 0 {
		return math.NaN(), nil
	}
	if totalDocs <= 0 {
		totalDocs = n
	}
	ratio := float64(totalDocs) / float64(n)
	gamma, err := m.Infer(ctx, held, threads, base)
	if err != nil {
		return 0, err
	}
	K, V := m.K, m.V
	elogbeta, err := m.elogbeta(ctx, threads)
	if err != nil {
		return 0, err
	}
	per := make([]float64, n)
	// Documents are independent, so the work runs in segments of documents
	// (by their share of the held-out terms), with ctx polled between.
	seg := max(1, segmentWork*max(1, threads)/max(1, (held.Ptr[n]+n)*K*digammaWork/n))
	for lo := 0; lo < n; lo += seg {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		hi := min(lo+seg, n)
		parallelRange(hi-lo, threads, func(a, b int) { m.docBounds(per, gamma, held, elogbeta, lo+a, lo+b) })
	}
	score := 0.0
	for _, v := range per {
		score += v
	}
	score *= ratio
	sumEta := 0.0
	for _, e := range m.Eta {
		sumEta += e
	}
	sums := make([]float64, K)
	poll := max(1, segmentWork/(K*digammaWork))
	for w := 0; w < V; w++ {
		if w%poll == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		lgEta := lgamma(m.Eta[w])
		for k := 0; k < K; k++ {
			l := m.Lambda[w*K+k]
			score += (m.Eta[w]-l)*elogbeta[w*K+k] + lgamma(l) - lgEta
			sums[k] += l
		}
	}
	for _, s := range sums {
		score += lgamma(sumEta) - lgamma(s)
	}
	return score / (ratio * words), nil
}

// docBounds writes into per the document part of the bound of every held-out
// document in [a, b), with γ inferred for each.
func (m *Model) docBounds(per, gamma []float64, held *Corpus, elogbeta []float64, a, b int) {
	K := m.K
	sumAlpha := 0.0
	lgAlpha := 0.0
	for _, al := range m.Alpha {
		sumAlpha += al
		lgAlpha += lgamma(al)
	}
	el := make([]float64, K)
	tmp := make([]float64, K)
	for d := a; d < b; d++ {
		g := gamma[d*K : (d+1)*K]
		dirichletExpectation(el, g)
		ids, cts := held.Doc(d)
		s := 0.0
		for i, w := range ids {
			row := elogbeta[int(w)*K : int(w)*K+K]
			mx := math.Inf(-1)
			for k := range tmp {
				tmp[k] = el[k] + row[k]
				mx = math.Max(mx, tmp[k])
			}
			e := 0.0
			for _, v := range tmp {
				e += math.Exp(v - mx)
			}
			s += cts[i] * (mx + math.Log(e))
		}
		sg := 0.0
		for k, v := range g {
			s += (m.Alpha[k] - v) * el[k]
			s += lgamma(v)
			sg += v
		}
		s += -lgAlpha + lgamma(sumAlpha) - lgamma(sg)
		per[d] = s
	}
}

// elogbeta returns E[log β] term-major, polling ctx between segments of
// terms.
func (m *Model) elogbeta(ctx context.Context, threads int) ([]float64, error) {
	K, V := m.K, m.V
	sums := make([]float64, K)
	for w := 0; w < V; w++ {
		for k := 0; k < K; k++ {
			sums[k] += m.Lambda[w*K+k]
		}
	}
	ps := make([]float64, K)
	for k, s := range sums {
		ps[k] = digamma(s)
	}
	out := make([]float64, V*K)
	err := parallelPolled(ctx, V, threads, K*digammaWork, func(a, b int) {
		for i := a * K; i < b*K; i++ {
			out[i] = digamma(m.Lambda[i]) - ps[i%K]
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Perplexity is the perplexity gensim logs for a LogPerplexity bound:
// 2^-bound.
func Perplexity(bound float64) float64 { return math.Exp2(-bound) }

// PlugInPerplexity is exp(-Σ n_dw log(θ_d·φ_w) / Σ n_dw) over the documents
// of eval, with θ_d the normalized rows of gamma (K per document) and φ the
// normalized topics. With gamma inferred from the even-position tokens of
// each document and eval holding the odd-position ones, it is the
// document-completion perplexity.
func (m *Model) PlugInPerplexity(gamma []float64, eval *Corpus) float64 {
	K, V := m.K, m.V
	phi := m.Topics()
	ll, words := 0.0, 0.0
	theta := make([]float64, K)
	for d := 0; d < eval.Docs(); d++ {
		g := gamma[d*K : (d+1)*K]
		s := 0.0
		for _, v := range g {
			s += v
		}
		for k, v := range g {
			theta[k] = v / s
		}
		ids, cts := eval.Doc(d)
		for i, w := range ids {
			p := 0.0
			for k := 0; k < K; k++ {
				p += theta[k] * phi[k*V+int(w)]
			}
			ll += cts[i] * math.Log(p)
			words += cts[i]
		}
	}
	return math.Exp(-ll / words)
}

// Sliding windows of NPMIContext.
const (
	// TextWindow is gensim's c_npmi window: 10 tokens of a text.
	TextWindow = 10
	// DocumentWindow makes every text one window: for bags of words, which
	// have no word order.
	DocumentWindow = math.MaxInt32
)

// coherenceEps is gensim's EPSILON in its confirmation measures.
const coherenceEps = 1e-12

// coherencePoll is the work (term positions and term pairs counted) the
// coherence measures do between two polls of the context.
const coherencePoll = 1 << 20

// NPMI is NPMIContext without a way to stop it.
//
// Deprecated: use NPMIContext, which a context can stop.
func NPMI(top [][]int32, texts [][]int32, window int) []float64 {
	v, _ := NPMIContext(context.Background(), top, texts, window)
	return v
}

// NPMIContext returns the c_npmi coherence of every topic (its top terms, most
// probable first): the mean normalized pointwise mutual information of all
// pairs of its terms, with probabilities estimated from boolean sliding
// windows of the given size over the texts (term ids in text order; ids < 0
// are out-of-vocabulary placeholders). A text shorter than the window is
// one window. This is gensim's CoherenceModel(coherence="c_npmi"), except
// that a window counts a term present while any of its positions is in the
// window (gensim's accumulator can drop a term still in the window when
// another copy of it slides out), and that a pair with a term in no window
// (a term of held-out documents only) counts -1, the value of terms never
// seen together, where gensim's would be infinite. It polls ctx.Err()
// between texts, every few milliseconds of work, and returns its error.
func NPMIContext(ctx context.Context, top [][]int32, texts [][]int32, window int) ([]float64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if window < 1 {
		panic(fmt.Sprintf("lda: NPMIContext window %d, want at least 1", window))
	}
	idx := map[int32]int{}
	for _, t := range top {
		for _, w := range t {
			if _, ok := idx[w]; !ok {
				idx[w] = len(idx)
			}
		}
	}
	R := len(idx)
	occ := make([]float64, R)
	co := newPairTable(top, idx)
	inWin := make([]int, R) // copies of each relevant term in the current window
	pos := make([]int, R)   // index in present, while inWin > 0
	var present []int       // relevant terms in the window
	nWin := 0.0
	work := 0 // since the last poll
	add := func(r int) {
		if inWin[r] == 0 {
			pos[r] = len(present)
			present = append(present, r)
		}
		inWin[r]++
	}
	remove := func(r int) {
		inWin[r]--
		if inWin[r] == 0 {
			last := present[len(present)-1]
			present[pos[r]] = last
			pos[last] = pos[r]
			present = present[:len(present)-1]
		}
	}
	count := func() {
		nWin++
		for _, a := range present {
			occ[a]++
		}
		work += 1 + co.count(present)
	}
	rel := func(w int32) int {
		if w < 0 {
			return -1
		}
		if r, ok := idx[w]; ok {
			return r
		}
		return -1
	}
	for _, text := range texts {
		if work += len(text); work >= coherencePoll {
			work = 0
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for _, r := range present {
			inWin[r] = 0
		}
		present = present[:0]
		if len(text) <= window {
			for _, w := range text {
				if r := rel(w); r >= 0 {
					add(r)
				}
			}
			count()
			continue
		}
		for i, w := range text {
			if r := rel(w); r >= 0 {
				add(r)
			}
			if i >= window {
				if r := rel(text[i-window]); r >= 0 {
					remove(r)
				}
			}
			if i >= window-1 {
				count()
			}
		}
	}
	out := make([]float64, len(top))
	for t, words := range top {
		s, n := 0.0, 0
		for i, a := range words {
			for j, b := range words {
				if i == j {
					continue
				}
				ra, rb := idx[a], idx[b]
				if occ[ra] == 0 || occ[rb] == 0 {
					s--
					n++
					continue
				}
				c := co.get(ra, rb)
				if ra == rb {
					c = occ[ra]
				}
				pab := c / nWin
				num := math.Log((pab + coherenceEps) / ((occ[ra] / nWin) * (occ[rb] / nWin)))
				s += num / -math.Log(pab+coherenceEps)
				n++
			}
		}
		if n > 0 {
			out[t] = s / float64(n)
		}
	}
	return out, nil
}

// UMass returns the u_mass coherence of every topic over the documents of
// c: for each term and every more probable term of the topic, log((D(a,b) +
// ε)/N / (D(b)/N)), averaged, as gensim computes it (D counts documents).
// It polls ctx.Err() between documents, every few milliseconds of work, and
// returns its error.
func UMass(ctx context.Context, top [][]int32, c *Corpus) ([]float64, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	idx := map[int32]int{}
	for _, t := range top {
		for _, w := range t {
			if _, ok := idx[w]; !ok {
				idx[w] = len(idx)
			}
		}
	}
	occ := make([]float64, len(idx))
	co := newPairTable(top, idx)
	var present []int
	work := 0 // since the last poll
	for d := 0; d < c.Docs(); d++ {
		ids, _ := c.Doc(d)
		if work >= coherencePoll {
			work = 0
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		work += len(ids)
		present = present[:0]
		for _, w := range ids {
			if r, ok := idx[w]; ok {
				present = append(present, r)
			}
		}
		for _, a := range present {
			occ[a]++
		}
		work += co.count(present)
	}
	N := float64(c.Docs())
	out := make([]float64, len(top))
	for t, words := range top {
		s, n := 0.0, 0
		for i := 1; i < len(words); i++ {
			for j := 0; j < i; j++ {
				ra, rb := idx[words[i]], idx[words[j]]
				if occ[rb] == 0 {
					continue
				}
				s += math.Log((co.get(ra, rb)/N + coherenceEps) / (occ[rb] / N))
				n++
			}
		}
		if n > 0 {
			out[t] = s / float64(n)
		}
	}
	return out, nil
}

// Mean is the arithmetic mean of v (NaN when empty).
func Mean(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// pairTable counts, for pairs of distinct relevant terms (numbered
// 0..R-1), the windows (or documents) that hold both. Up to denseTerms
// terms it counts every pair in an R×R table, the fastest for the short
// windows of text; above, only the pairs that stand together in a topic's
// top terms, the only ones the coherence measures read: at most
// topics·n(n-1)/2 for n top terms, where the R×R table would grow with
// the square of the distinct top terms (R = 10 000 for 1000 topics: 800 MB).
type pairTable struct {
	r      int
	dense  []float64   // R×R, pair (a, b) at min(a, b)·R + max(a, b); nil above denseTerms
	after  [][]partner // per term a, the partners b > a, by b
	counts []float64   // per pair of after
	here   []bool      // the terms being counted
}

// denseTerms is the most relevant terms pairTable counts in an R×R table
// (8 MB).
const denseTerms = 1024

// pairTableWords is the memory of a pairTable of r terms and p pairs of
// top terms, in 8-byte words: the R×R table, or 8 words a term and a pair
// for the counts and the tables (and the construction's map) that find
// them.
func pairTableWords(r, p float64) float64 {
	if r <= denseTerms {
		return r * r
	}
	return 8 * (r + p)
}

type partner struct {
	b    int   // the other term, > the one whose list holds it
	slot int32 // in counts
}

// newPairTable returns the table of the pairs of the top terms of every
// topic, idx numbering the relevant terms.
func newPairTable(top [][]int32, idx map[int32]int) *pairTable {
	if len(idx) <= denseTerms {
		return &pairTable{r: len(idx), dense: make([]float64, len(idx)*len(idx))}
	}
	return newSparsePairTable(top, idx)
}

// newSparsePairTable is newPairTable with the pairs of top terms only.
func newSparsePairTable(top [][]int32, idx map[int32]int) *pairTable {
	t := &pairTable{r: len(idx), after: make([][]partner, len(idx)), here: make([]bool, len(idx))}
	slots := map[[2]int]int32{}
	for _, words := range top {
		for i, w := range words {
			for _, v := range words[i+1:] {
				a, b := idx[w], idx[v]
				if a == b {
					continue
				}
				key := [2]int{min(a, b), max(a, b)}
				if _, ok := slots[key]; ok {
					continue
				}
				slots[key] = int32(len(slots))
				t.after[key[0]] = append(t.after[key[0]], partner{b: key[1], slot: slots[key]})
			}
		}
	}
	for _, ps := range t.after {
		slices.SortFunc(ps, func(x, y partner) int { return x.b - y.b })
	}
	t.counts = make([]float64, len(slots))
	return t
}

// count adds one to every pair of the table whose two terms are in
// present (distinct terms), and returns the work done: the pairs or
// partners looked at.
func (t *pairTable) count(present []int) int {
	if t.dense != nil {
		for i, a := range present {
			for _, b := range present[i+1:] {
				t.dense[min(a, b)*t.r+max(a, b)]++
			}
		}
		return len(present) * len(present) / 2
	}
	for _, a := range present {
		t.here[a] = true
	}
	work := 0
	for _, a := range present {
		for _, p := range t.after[a] {
			if t.here[p.b] {
				t.counts[p.slot]++
			}
		}
		work += len(t.after[a])
	}
	for _, a := range present {
		t.here[a] = false
	}
	return work
}

// get is the count of the pair (a, b); 0 for a pair not in the table.
func (t *pairTable) get(a, b int) float64 {
	lo, hi := min(a, b), max(a, b)
	if t.dense != nil {
		return t.dense[lo*t.r+hi]
	}
	ps := t.after[lo]
	i, ok := slices.BinarySearchFunc(ps, hi, func(p partner, b int) int { return p.b - b })
	if !ok {
		return 0
	}
	return t.counts[ps[i].slot]
}
