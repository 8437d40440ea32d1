package lda

import (
	"context"
	"errors"
	"math"
	"sort"
)

// ErrNothingLearned reports a fit whose topics all stayed at the prior η
// (with far more topics than the data supports, exp(E[log β]) underflows
// and the statistics are all zero).
var ErrNothingLearned = errors.New("the fit learned nothing")

// OrderTopics renumbers the topics by their share of the corpus's tokens
// (Σ_w λ_kw - η_w), largest first (ties keep their order), so labels are
// stable, and returns the shares in the new order. It permutes λ and α in
// place, one term's row at a time, prepares the model for inference again
// and polls ctx.Err() between segments of terms. A fit with no share at
// all is ErrNothingLearned.
func (m *Model) OrderTopics(ctx context.Context, threads int) ([]float64, error) {
	K, V := m.K, m.V
	size := make([]float64, K)
	err := rowsPolled(ctx, V, K, func(a, b int) {
		for w := a; w < b; w++ {
			for k := 0; k < K; k++ {
				size[k] += m.Lambda[w*K+k] - m.Eta[w]
			}
		}
	})
	if err != nil {
		return nil, err
	}
	order := make([]int, K)
	for k := range order {
		order[k] = k
	}
	sort.SliceStable(order, func(a, b int) bool { return size[order[a]] > size[order[b]] })
	total := 0.0
	for _, v := range size {
		total += v
	}
	if !(total > 0) || math.IsInf(total, 0) {
		return nil, ErrNothingLearned
	}
	alpha := make([]float64, K)
	share := make([]float64, K)
	for nk, ok := range order {
		alpha[nk] = m.Alpha[ok]
		share[nk] = size[ok] / total
	}
	row := make([]float64, K)
	err = rowsPolled(ctx, V, K, func(a, b int) {
		for w := a; w < b; w++ {
			lam := m.Lambda[w*K : (w+1)*K]
			copy(row, lam)
			for nk, ok := range order {
				lam[nk] = row[ok]
			}
		}
	})
	if err != nil {
		return nil, err
	}
	m.Alpha = alpha
	if err := m.InitContext(ctx, threads); err != nil {
		return nil, err
	}
	return share, nil
}

// Normalize divides every row of k weights of w (document-major, as Infer
// returns γ) by its sum, in place: the documents' topic proportions.
func Normalize(w []float64, k int) {
	for lo := 0; lo+k <= len(w); lo += k {
		g := w[lo : lo+k]
		s := 0.0
		for _, v := range g {
			s += v
		}
		for i := range g {
			g[i] /= s
		}
	}
}

// MostSignificant is the most weights Significant reports for one
// document: proportions sum to 1, so at most 1/MinimumProbability of them
// reach it, and never more than Topics.
func (o *Options) MostSignificant() int {
	if o.MinimumProbability > 0 {
		return int(min(float64(o.Topics), math.Floor(1/o.MinimumProbability)))
	}
	return o.Topics
}

// Significant calls fn for every topic (0-based) of the proportions p of
// one document whose weight is at least MinimumProbability.
func (o *Options) Significant(p []float64, fn func(topic int, weight float64)) {
	for k, v := range p {
		if v >= o.MinimumProbability {
			fn(k, v)
		}
	}
}

// Base random streams of the documents' starts when a model is measured
// or used (document d of a call draws from base+d), fixed so that the
// same model gives the same numbers.
const (
	// PerplexityStream is the base stream of the held-out documents
	// whose bound LogPerplexity measures.
	PerplexityStream = 1 << 52
	// DocumentStream is the base stream of the documents whose topics
	// are inferred after training.
	DocumentStream = 1 << 53
	// inferStream is the stream of every start of TopicWeights.
	inferStream = 1 << 54
)

// TopicWeights returns the topic proportions of one document (term ids and
// counts) under the model, its random start from the same stream for every
// document, so a text always gets the same weights; nil for a document with
// no term.
func (m *Model) TopicWeights(ids []int32, counts []float64) []float64 {
	if len(ids) == 0 {
		return nil
	}
	g := m.InferDoc(ids, counts, inferStream)
	Normalize(g, m.K)
	return g
}

// ArgMax is the index of the largest weight (the first of equal ones), -1
// for none.
func ArgMax(w []float64) int {
	if len(w) == 0 {
		return -1
	}
	best := 0
	for k, v := range w {
		if v > w[best] {
			best = k
		}
	}
	return best
}
