package chart

import "math/rand/v2"

// Reservoir keeps a uniform random sample of at most Cap of the items added
// to it (Vitter's algorithm R), so a chart of ten million rows holds a
// bounded number of points. It is seeded: the same rows give the same sample.
type Reservoir[T any] struct {
	Cap   int
	Items []T
	Seen  int64
	rng   *rand.Rand
}

// NewReservoir returns a reservoir of capacity n.
func NewReservoir[T any](n int) *Reservoir[T] {
	return &Reservoir[T]{Cap: n, rng: rand.New(rand.NewPCG(1, 2))}
}

// Add offers one item to the sample.
func (r *Reservoir[T]) Add(item T) {
	r.Seen++
	if len(r.Items) < r.Cap {
		r.Items = append(r.Items, item)
		return
	}
	if j := r.rng.Int64N(r.Seen); j < int64(r.Cap) {
		r.Items[j] = item
	}
}

// Sampled reports whether items were left out.
func (r *Reservoir[T]) Sampled() bool { return r.Seen > int64(len(r.Items)) }
