package recommend

import (
	"context"
	"math"
)

// Ranking holds the ranking metrics at a cut-off n averaged over users.
type Ranking struct {
	N         int
	Users     int     // users evaluated
	Precision float64 // hits / n
	Recall    float64 // hits / |relevant|
	MAP       float64 // Σ_k P@k·rel_k / min(|relevant|, n)
	NDCG      float64 // Σ_k rel_k/log2(k+1) over the ideal
	Coverage  float64 // distinct items recommended / catalogue size
}

// Accumulator adds up ranking metrics user by user.
type Accumulator struct {
	n, items  int
	users     int
	p, r, ap  float64
	nd        float64
	disc      []float64
	recommend map[int32]struct{}
}

// NewAccumulator evaluates top-n lists over a catalogue of items items.
// When items > 0, an n above items is capped at items (no list can be
// longer), so n never sizes an allocation beyond the catalogue; Result's N
// is the capped n.
func NewAccumulator(n, items int) *Accumulator {
	if items > 0 && n > items {
		n = items
	}
	n = max(n, 0)
	a := &Accumulator{n: n, items: items, recommend: map[int32]struct{}{}, disc: make([]float64, n)}
	for k := range a.disc {
		a.disc[k] = 1 / math.Log2(float64(k+2))
	}
	return a
}

// Add scores one user's recommendations (best first, at most n) against
// their relevant items; a user with no relevant item is not counted.
func (a *Accumulator) Add(recs []int32, relevant map[int32]bool) {
	for _, i := range recs {
		a.recommend[i] = struct{}{}
	}
	if len(relevant) == 0 {
		return
	}
	hits, ap, dcg := 0.0, 0.0, 0.0
	for k, i := range recs {
		if k >= a.n {
			break
		}
		if relevant[i] {
			hits++
			ap += hits / float64(k+1)
			dcg += a.disc[k]
		}
	}
	m := min(len(relevant), a.n)
	idcg := 0.0
	for k := 0; k < m; k++ {
		idcg += a.disc[k]
	}
	a.users++
	a.p += hits / float64(a.n)
	a.r += hits / float64(len(relevant))
	a.ap += ap / float64(m)
	a.nd += dcg / idcg
}

// Result returns the averages so far.
func (a *Accumulator) Result() Ranking {
	r := Ranking{N: a.n, Users: a.users}
	if a.items > 0 {
		r.Coverage = float64(len(a.recommend)) / float64(a.items)
	}
	if a.users == 0 {
		return r
	}
	u := float64(a.users)
	r.Precision, r.Recall, r.MAP, r.NDCG = a.p/u, a.r/u, a.ap/u, a.nd/u
	return r
}

// Relevant gathers the held-out pairs of an evaluation, user k's item
// items[k] for every k, into the relevant items of each user that Evaluate
// takes. users are training users of m; an item the model does not know is
// any negative number (one per distinct unknown item): it counts as
// relevant and is never recommended. A pair the user already had in
// training is left out, since it is not a new item to recommend. Relevant
// polls ctx.Err() every million or so pairs and returns its error.
func (m *Model) Relevant(ctx context.Context, users []int, items []int32) (map[int]map[int32]bool, error) {
	relevant := map[int]map[int32]bool{}
	p := poller{ctx: ctx}
	for k, u := range users {
		if err := p.tick(1); err != nil {
			return nil, err
		}
		i := items[k]
		if i >= 0 && m.Train.Has(u, i) {
			continue
		}
		if relevant[u] == nil {
			relevant[u] = map[int32]bool{}
		}
		relevant[u][i] = true
	}
	return relevant, nil
}
