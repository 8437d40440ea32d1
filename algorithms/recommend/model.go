package recommend

import (
	"context"
	"fmt"
	"slices"
	"sort"
)

// Method is a recommendation algorithm.
type Method int

const (
	MethodALS Method = iota
	MethodItemKNN
	MethodUserKNN
	MethodPopular
)

var methodNames = [...]string{"als", "item_knn", "user_knn", "popular"}

func (m Method) String() string { return nameOf(methodNames[:], "method", int(m)) }

// ParseMethod returns the method called s.
func ParseMethod(s string) (Method, bool) {
	i := slices.Index(methodNames[:], s)
	return Method(max(i, 0)), i >= 0
}

// nameOf returns names[i], or kind(i) for an i out of range.
func nameOf(names []string, kind string, i int) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", kind, i)
}

// Options configures Fit. Its fields are used as given; Defaults holds the
// documented defaults.
type Options struct {
	Method Method
	ALS    ALSOptions
	KNN    KNNOptions // item-kNN; Neighbors is also user-kNN's number of users
}

// Defaults returns the documented defaults of every option: ALS with
// DefaultALS, and DefaultKNN for the neighbourhood methods. recommend_train
// and the Go API start from it.
func Defaults() Options {
	return Options{Method: MethodALS, ALS: DefaultALS(), KNN: DefaultKNN()}
}

// Model is a trained recommender over a user×item matrix.
type Model struct {
	Method Method
	// Train holds the training values (as the method saw them) and tells
	// which items each user already has.
	Train *CSR
	// Popularity is the number of distinct training users of each item.
	Popularity []float64
	Neighbors  *Neighbors // item_knn
	Factors    *Factors   // als
	Alpha, Reg float64    // als, for fold-in
	UserK      int        // user_knn: neighbours per user, 0 = all

	// derived by Prepare
	trainT, norm, normT *CSR
	yty                 []float32
}

// Fit trains a model of opt.Method on x (users×items, non-negative values).
// It polls ctx.Err() every few milliseconds of work, on the calling
// goroutine only, and returns its error. The model it returns is finite
// (CheckFinite); values that make it leave the floating-point range are a
// *RangeError.
func Fit(ctx context.Context, x *CSR, opt Options) (*Model, error) {
	if err := checkValues(&poller{ctx: ctx}, opt.Method, x); err != nil {
		return nil, err
	}
	m := &Model{Method: opt.Method, Train: x, Popularity: x.ColumnCounts()}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch opt.Method {
	case MethodALS:
		f, err := ALS(ctx, x, opt.ALS)
		if err != nil {
			return nil, err
		}
		m.Factors, m.Alpha, m.Reg = f, opt.ALS.Alpha, opt.ALS.Regularization
	case MethodItemKNN:
		nb, err := ItemKNN(ctx, x, opt.KNN)
		if err != nil {
			return nil, err
		}
		m.Neighbors = nb
	case MethodUserKNN:
		m.UserK = opt.KNN.Neighbors
		norm, err := normalizeRows(ctx, x)
		if err != nil {
			return nil, err
		}
		m.norm = norm
	case MethodPopular:
	default:
		return nil, fmt.Errorf("recommend: unknown method %d", opt.Method)
	}
	if err := m.prepare(ctx); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := m.CheckFinite(); err != nil {
		return nil, err
	}
	return m, nil
}

// Prepare computes what scoring needs besides the stored fields; call it
// once after decoding a model. Fit does the same.
func (m *Model) Prepare() {
	_ = m.prepare(context.Background()) // fails only when ctx ends
}

// prepare is Prepare polling ctx.Err() on the calling goroutine.
func (m *Model) prepare(ctx context.Context) error {
	var err error
	switch m.Method {
	case MethodALS:
		m.yty = make([]float32, m.Factors.F*m.Factors.F)
		if err := gramPolled(ctx, m.Factors.Items, m.Factors.F, m.Reg, m.yty); err != nil {
			return err
		}
	case MethodUserKNN:
		if m.norm == nil {
			m.norm = NormalizeRows(m.Train)
		}
		if m.normT, err = m.norm.transpose(ctx); err != nil {
			return err
		}
	}
	if m.trainT == nil {
		if m.trainT, err = m.Train.transpose(ctx); err != nil {
			return err
		}
	}
	return nil
}

// Users and Items return the matrix dimensions.
func (m *Model) Users() int { return m.Train.Rows }
func (m *Model) Items() int { return m.Train.Cols }

// Scratch is per-goroutine working memory for scoring.
type Scratch struct {
	scores []float64
	acc    []float64
	buf    []float32
	seen   []bool
	top    topN
}

// NewScratch returns scratch memory for m.
func (m *Model) NewScratch() *Scratch {
	return &Scratch{scores: make([]float64, m.Items()), acc: make([]float64, m.Users()),
		buf: make([]float32, m.Items()), seen: make([]bool, m.Items())}
}

// ScoreUser writes the score of every item for training user u into s and
// returns it (valid until the next call with s).
func (m *Model) ScoreUser(u int, s *Scratch) []float64 {
	dst := s.scores
	switch m.Method {
	case MethodALS:
		m.Factors.ALSScores(m.Factors.User(u), dst, s.buf)
	case MethodItemKNN:
		is, vs := m.Train.Row(u)
		ItemKNNScores(m.Neighbors, is, vs, dst)
	case MethodUserKNN:
		is, vs := m.norm.Row(u)
		UserKNNScores(m.norm, m.normT, is, vs, m.UserK, u, s.acc, dst)
	default:
		copy(dst, m.Popularity)
	}
	return dst
}

// ScoreBasket scores every item for a basket of items (values nil means 1
// each) that is not a training user: fold-in for ALS, the basket as a user
// row for the neighbourhood methods.
func (m *Model) ScoreBasket(items []int32, values []float64, s *Scratch) ([]float64, error) {
	dst := s.scores
	switch m.Method {
	case MethodALS:
		x, err := m.Factors.FoldIn(items, values, m.yty, m.Alpha)
		if err != nil {
			return nil, err
		}
		m.Factors.ALSScores(x, dst, s.buf)
	case MethodItemKNN:
		ItemKNNScores(m.Neighbors, items, values, dst)
	case MethodUserKNN:
		UserKNNScores(m.norm, m.normT, items, values, m.UserK, -1, s.acc, dst)
	default:
		copy(dst, m.Popularity)
	}
	return dst, nil
}

// TopUser returns the n best items for training user u, leaving out the
// items the user already has unless includeSeen. The first nModel items are
// ranked by the model; when a neighbourhood method has fewer than n items
// with a positive score, the rest are the most popular remaining items.
func (m *Model) TopUser(u, n int, includeSeen bool, s *Scratch) (items []int32, scores []float64, nModel int) {
	scores = m.ScoreUser(u, s)
	var exclude []int32
	if !includeSeen {
		exclude, _ = m.Train.Row(u)
	}
	return m.rank(scores, n, exclude, s)
}

// TopBasket returns the n best items for a basket, leaving out its items
// unless includeSeen, filled with popular items as TopUser is.
func (m *Model) TopBasket(items []int32, values []float64, n int, includeSeen bool, s *Scratch) ([]int32, []float64, int, error) {
	scores, err := m.ScoreBasket(items, values, s)
	if err != nil {
		return nil, nil, 0, err
	}
	var exclude []int32
	if !includeSeen {
		exclude = items
	}
	i, v, k := m.rank(scores, n, exclude, s)
	return i, v, k, nil
}

// TopPopular returns the n most popular items, leaving out exclude.
func (m *Model) TopPopular(n int, exclude []int32, s *Scratch) ([]int32, []float64) {
	return m.topExcluding(m.Popularity, n, exclude, false, s)
}

func (m *Model) rank(scores []float64, n int, exclude []int32, s *Scratch) ([]int32, []float64, int) {
	if m.Method != MethodItemKNN && m.Method != MethodUserKNN {
		i, v := m.topExcluding(scores, n, exclude, false, s)
		return i, v, len(i)
	}
	items, vals := m.topExcluding(scores, n, exclude, true, s)
	k := len(items)
	if k < n {
		all := append(append([]int32(nil), exclude...), items...)
		pi, pv := m.topExcluding(m.Popularity, n-k, all, false, s)
		items, vals = append(items, pi...), append(vals, pv...)
	}
	return items, vals, k
}

func (m *Model) topExcluding(scores []float64, n int, exclude []int32, positive bool, s *Scratch) ([]int32, []float64) {
	for _, i := range exclude {
		s.seen[i] = true
	}
	// Top's loop with its skip written out: this runs once per call of
	// recommend, over every item, and a call through a closure per item
	// cost a fifth of a call.
	t := &s.top
	t.reset(n)
	for i, v := range scores {
		if len(t.idx) == n && n > 0 && !(v > t.val[0]) {
			continue
		}
		if v != v || s.seen[i] || positive && !(v > 0) {
			continue
		}
		t.push(int32(i), v)
	}
	idx, val := t.sorted()
	for _, i := range exclude {
		s.seen[i] = false
	}
	return idx, val
}

// Similar returns the n items most similar to item i, most similar first:
// item-kNN's stored neighbours, the cosine of item factors for ALS, and
// the cosine of item columns (co-purchase) for the other methods.
func (m *Model) Similar(i, n int, s *Scratch) ([]int32, []float64) {
	switch m.Method {
	case MethodItemKNN:
		is, vs := m.Neighbors.Of(i)
		if len(is) > n {
			is, vs = is[:n], vs[:n]
		}
		return append([]int32(nil), is...), append([]float64(nil), vs...)
	case MethodALS:
		f := m.Factors
		f.ALSScores(f.Item(i), s.scores, s.buf)
		norms := m.itemNorms()
		ni := norms[i]
		for j := range s.scores {
			if d := ni * norms[j]; d > 0 {
				s.scores[j] /= d
			} else {
				s.scores[j] = 0
			}
		}
		return Top(s.scores, n, func(j int) bool { return j == i })
	default:
		// cosine of binary columns: co-buyers / sqrt(buyers_i·buyers_j)
		clear(s.scores)
		us, _ := m.trainT.Row(i)
		for _, u := range us {
			js, _ := m.Train.Row(int(u))
			for _, j := range js {
				s.scores[j]++
			}
		}
		for j := range s.scores {
			if s.scores[j] > 0 {
				s.scores[j] /= sqrt(m.Popularity[i] * m.Popularity[j])
			}
		}
		return Top(s.scores, n, func(j int) bool { return j == i || s.scores[j] == 0 })
	}
}

func (m *Model) itemNorms() []float64 {
	f := m.Factors
	out := make([]float64, m.Items())
	for j := range out {
		out[j] = sqrt(float64(dot32(f.Item(j), f.Item(j))))
	}
	return out
}

// Evaluate computes ranking metrics at n for the users in relevant (user
// index → relevant items), recommending as TopUser does. An n above the
// number of items is capped at it, as NewAccumulator does. It polls
// ctx.Err() between blocks of users (a few milliseconds of work), on the
// calling goroutine only, and returns its error.
func (m *Model) Evaluate(ctx context.Context, relevant map[int]map[int32]bool, n int, includeSeen bool, threads int) (Ranking, error) {
	n = min(n, m.Items())
	users := make([]int, 0, len(relevant))
	for u := range relevant {
		users = append(users, u)
	}
	sort.Ints(users)
	threads = threadsOr(threads)
	scratch := make([]*Scratch, threads)
	for w := range scratch {
		scratch[w] = m.NewScratch()
	}
	// Users are ranked a block at a time and added to the metrics in
	// order, so memory holds one block's lists (n items each, n up to the
	// catalogue), not every user's.
	block := 64 * threads
	recs := make([][]int32, min(block, len(users)))
	acc := NewAccumulator(n, m.Items())
	cost := func(k int) int { return m.scoreCost(users[k]) }
	err := segments(ctx, 0, len(users), segmentWork*threads, block, cost, func(lo, hi int) {
		parallelRange(lo, hi, threads, func(w, a, b int) {
			for k := a; k < b; k++ {
				recs[k-lo], _, _ = m.TopUser(users[k], n, includeSeen, scratch[w])
			}
		})
		for k := lo; k < hi; k++ {
			acc.Add(recs[k-lo], relevant[users[k]])
			recs[k-lo] = nil
		}
	})
	if err != nil {
		return Ranking{}, err
	}
	return acc.Result(), nil
}

// scoreCost estimates the work of TopUser for training user u, in
// multiply-adds: ranking every item, plus the method's scoring.
func (m *Model) scoreCost(u int) int {
	c := m.Items()
	is, _ := m.Train.Row(u)
	switch m.Method {
	case MethodALS:
		c += m.Items() * m.Factors.F
	case MethodItemKNN:
		for _, j := range is {
			c += m.Neighbors.Indptr[j+1] - m.Neighbors.Indptr[j]
		}
	case MethodUserKNN:
		// Every co-buyer of the user's items, then at most each of their
		// rows (about the mean row length each).
		mean := 1 + m.Train.NNZ()/max(1, m.Users())
		for _, j := range is {
			c += m.trainT.RowLen(int(j)) * mean
		}
	}
	return c
}
