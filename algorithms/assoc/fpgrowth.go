package assoc

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"unsafe"
)

// DefaultMaxItemsets is the itemset limit when Options.MaxItemsets is 0.
const DefaultMaxItemsets = 1_000_000

// checkEvery is how many units of work (tree nodes visited, itemsets
// emitted) pass between two calls of Options.Check.
const checkEvery = 1 << 14

// Options controls FrequentItemsets. The zero value mines every itemset
// that occurs in at least one basket, with no size bound, up to
// DefaultMaxItemsets itemsets.
type Options struct {
	// MinCount is the minimum count: an itemset is frequent when at
	// least MinCount baskets hold all its items. Values below 1 mean 1.
	// For a support fraction s use MinCountFor(s, len(baskets)), which is
	// arules' ceil(s x baskets).
	MinCount int

	// MaxLen bounds the number of items of an itemset; 0 means no bound.
	MaxLen int

	// MaxItemsets stops mining with a *LimitError as soon as more
	// itemsets than this are found; 0 means DefaultMaxItemsets.
	MaxItemsets int

	// Check, when not nil, is called regularly during mining (every few
	// thousand tree nodes or itemsets); an error it returns stops mining
	// and is returned wrapped, so errors.Is sees it (context.Canceled, an
	// interrupt).
	Check func() error
}

// Itemset is a frequent itemset: its items in ascending id order and the
// number of baskets that hold them all.
type Itemset struct {
	Items []int32
	Count int
}

// LimitError is returned when mining finds more itemsets than the limit
// (Options.MaxItemsets). Reached is the count at which mining stopped.
type LimitError struct {
	Limit, Reached int
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("assoc: mining stopped at %d frequent itemsets, more than the limit of %d; "+
		"raise the minimum support (or count), lower the maximum length, or raise the itemset limit",
		e.Reached, e.Limit)
}

// Stats describes one mining: the data, the FP-tree and the memory used.
// Byte counts are of the mining's own buffers (capacities); the output
// itemsets are counted separately in OutputBytes.
type Stats struct {
	Baskets       int // baskets given, empty ones included
	FrequentItems int // items whose count reaches MinCount
	Itemsets      int // frequent itemsets found

	TreeNodes int   // nodes of the FP-tree of all baskets, root included
	TreeBytes int64 // memory of that tree: nodes and header table

	// ConditionalTrees is the number of conditional FP-trees built (single
	// paths and empty bases need none). ConditionalBytes is the memory of
	// the conditional trees alive at once: one reused buffer per recursion
	// depth, so this is the peak.
	ConditionalTrees int
	ConditionalBytes int64

	// ScratchBytes is the memory of the per-item counters, rank maps and
	// path buffers.
	ScratchBytes int64

	// PeakBytes is the working memory of mining: TreeBytes +
	// ConditionalBytes + ScratchBytes. PeakBytes / TreeBytes is the
	// memory ratio to report against the FP-tree.
	PeakBytes int64

	// OutputBytes is the memory of the returned itemsets (slice headers,
	// counts and item ids).
	OutputBytes int64
}

// MinCountFor returns arules' minimum count for a support fraction:
// ceil(support x baskets), at least 1. The product is rounded down by a
// relative 1e-9 before the ceiling so that floating-point error does not
// add one (0.1 x 30 is 3.0000000000000004 in float64 and gives 3), while
// genuine fractions are rounded up (0.001 x 9835 = 9.835 gives 10).
func MinCountFor(support float64, baskets int) int {
	x := support * float64(baskets)
	c := math.Ceil(x - 1e-9*math.Max(1, math.Abs(x)))
	if c < 1 {
		return 1
	}
	return int(c)
}

// FrequentItemsets returns every itemset whose count is at least
// opt.MinCount, ordered by size, then by items (ascending ids, compared
// lexicographically). Item ids must lie in 0..numItems-1; duplicates
// within a basket count once. It returns a *LimitError when there are
// more than opt.MaxItemsets itemsets, and Check's error when Check stops
// it.
func FrequentItemsets(baskets [][]int32, numItems int, opt Options) ([]Itemset, error) {
	sets, _, err := FrequentItemsetsStats(baskets, numItems, opt)
	return sets, err
}

// FrequentItemsetsStats is FrequentItemsets that also reports the size of
// the FP-tree and the memory of the mining.
func FrequentItemsetsStats(baskets [][]int32, numItems int, opt Options) ([]Itemset, Stats, error) {
	st := Stats{Baskets: len(baskets)}
	if numItems < 0 {
		return nil, st, fmt.Errorf("assoc: number of items must not be negative, got %d", numItems)
	}
	if opt.MaxLen < 0 {
		return nil, st, fmt.Errorf("assoc: maximum itemset length must be 0 (no limit) or positive, got %d", opt.MaxLen)
	}
	if opt.MaxItemsets < 0 {
		return nil, st, fmt.Errorf("assoc: itemset limit must be 0 (the default, %d) or positive, got %d", DefaultMaxItemsets, opt.MaxItemsets)
	}
	if len(baskets) > math.MaxInt32 {
		return nil, st, fmt.Errorf("assoc: at most %d baskets, got %d", math.MaxInt32, len(baskets))
	}
	m := &miner{
		minCount: int32(max(1, min(opt.MinCount, math.MaxInt32))),
		maxLen:   opt.MaxLen,
		limit:    opt.MaxItemsets,
		check:    opt.Check,
	}
	if m.maxLen == 0 {
		m.maxLen = math.MaxInt
	}
	if m.limit == 0 {
		m.limit = DefaultMaxItemsets
	}

	// Pass 1: item counts, each item once per basket.
	count := make([]int32, numItems)
	stamp := make([]int32, numItems) // 1 + index of the last basket that counted the item
	for b, basket := range baskets {
		for _, it := range basket {
			if it < 0 || int(it) >= numItems {
				return nil, st, fmt.Errorf("assoc: basket %d has item %d outside 0..%d", b, it, numItems-1)
			}
			if stamp[it] != int32(b+1) {
				stamp[it] = int32(b + 1)
				count[it]++
			}
		}
		if b&4095 == 4095 {
			if err := m.poll(); err != nil {
				return nil, st, err
			}
		}
	}

	// Global ranks: frequent items by descending count, ties by id.
	var freq []int32
	for it, c := range count {
		if c >= m.minCount {
			freq = append(freq, int32(it))
		}
	}
	slices.SortFunc(freq, func(a, b int32) int {
		if c := cmp.Compare(count[b], count[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	st.FrequentItems = len(freq)
	m.rankItem = freq
	rank := stamp // reuse: item id -> global rank, or -1
	for i := range rank {
		rank[i] = -1
	}
	for r, it := range freq {
		rank[it] = int32(r)
	}

	// Pass 2: the FP-tree.
	g := &fptree{}
	g.reset(len(freq))
	for r := range g.item {
		g.item[r] = int32(r)
	}
	path := make([]int32, 0, 64)
	for b, basket := range baskets {
		path = path[:0]
		for _, it := range basket {
			if r := rank[it]; r >= 0 {
				path = append(path, r)
			}
		}
		if len(path) == 0 {
			continue
		}
		slices.Sort(path)
		path = slices.Compact(path)
		g.insert(path, 1)
		if b&4095 == 4095 {
			if err := m.poll(); err != nil {
				return nil, st, err
			}
		}
	}
	count, rank = nil, nil
	st.TreeNodes = len(g.nodes)
	st.TreeBytes = g.bytes()

	// Mining.
	k := len(freq)
	m.counts = make([]int32, k)
	m.newRank = make([]int32, k)
	for i := range m.newRank {
		m.newRank[i] = -1
	}
	m.path = make([]int32, 0, k)
	m.prefix = make([]int32, 0, 16)
	err := m.mine(g, 0)
	for _, t := range m.pool {
		st.ConditionalBytes += t.bytes()
	}
	st.ConditionalTrees = m.built
	st.ScratchBytes = 4 * int64(cap(m.counts)+cap(m.newRank)+cap(m.path)+cap(m.prefix)+cap(m.local)+cap(m.pathCount))
	st.PeakBytes = st.TreeBytes + st.ConditionalBytes + st.ScratchBytes
	if err != nil {
		return nil, st, err
	}
	// Itemsets were collected as pointer-free records over one item
	// buffer; sort them, then make the Itemsets at their final size.
	items := m.items
	side := func(r setRec) []int32 { return items[r.off : r.off+r.n : r.off+r.n] }
	slices.SortFunc(m.recs, func(a, b setRec) int {
		if c := cmp.Compare(a.n, b.n); c != 0 {
			return c
		}
		return slices.Compare(side(a), side(b))
	})
	out := make([]Itemset, len(m.recs))
	for i, r := range m.recs {
		out[i] = Itemset{Items: side(r), Count: int(r.count)}
	}
	st.Itemsets = len(out)
	st.OutputBytes = int64(len(out))*int64(unsafe.Sizeof(Itemset{})) + 4*int64(cap(items))
	return out, st, nil
}

// miner holds the state of one FrequentItemsets call.
type miner struct {
	minCount int32
	maxLen   int
	limit    int
	check    func() error
	work     int

	rankItem []int32 // global rank -> item id
	prefix   []int32 // global ranks of the current prefix
	recs     []setRec
	items    []int32 // the items of every record, back to back

	pool      []*fptree // conditional tree buffer per recursion depth
	built     int
	counts    []int32 // per local rank of the tree being projected
	newRank   []int32 // per local rank: rank in the conditional tree, or -1
	local     []int32 // frequent local ranks of a conditional base
	path      []int32 // one prefix path
	pathCount []int32 // node counts along a single path
}

// poll calls Check when enough work has passed since the last call.
func (m *miner) poll() error {
	if m.check == nil {
		return nil
	}
	if err := m.check(); err != nil {
		return fmt.Errorf("assoc: mining stopped: %w", err)
	}
	return nil
}

func (m *miner) tick(n int) error {
	m.work += n
	if m.work < checkEvery {
		return nil
	}
	m.work = 0
	return m.poll()
}

// emit records prefix as an itemset with count c.
func (m *miner) emit(c int32) error {
	if len(m.recs) >= m.limit {
		return &LimitError{Limit: m.limit, Reached: len(m.recs) + 1}
	}
	n := len(m.prefix)
	start := len(m.items)
	if start+n > math.MaxInt32 {
		return fmt.Errorf("assoc: too many items in frequent itemsets (%d itemsets); raise the minimum support", len(m.recs))
	}
	for _, r := range m.prefix {
		m.items = append(m.items, m.rankItem[r])
	}
	items := m.items[start:]
	// Insertion sort: itemsets are short.
	for i := 1; i < n; i++ {
		for j := i; j > 0 && items[j] < items[j-1]; j-- {
			items[j], items[j-1] = items[j-1], items[j]
		}
	}
	m.recs = append(m.recs, setRec{off: int32(start), n: int32(n), count: c})
	return m.tick(1)
}

// setRec is a found itemset: where its items are in miner.items, and its
// count.
type setRec struct {
	off, n, count int32
}

// mine emits every frequent itemset of the form prefix ∪ S for S a
// non-empty itemset of tree t (t is the conditional tree of the prefix).
func (m *miner) mine(t *fptree, depth int) error {
	if t.single {
		return m.minePath(t)
	}
	for r := len(t.item) - 1; r >= 0; r-- {
		m.prefix = append(m.prefix, t.item[r])
		if err := m.emit(t.total[r]); err != nil {
			return err
		}
		if len(m.prefix) < m.maxLen {
			ct, err := m.conditional(t, int32(r), depth)
			if err != nil {
				return err
			}
			if ct != nil {
				if err := m.mine(ct, depth+1); err != nil {
					return err
				}
			}
		}
		m.prefix = m.prefix[:len(m.prefix)-1]
	}
	return nil
}

// minePath emits prefix ∪ S for every non-empty subset S of the single
// path of t. The count of S is the count of its deepest node, since
// counts do not grow down a path.
func (m *miner) minePath(t *fptree) error {
	path := m.path[:0]
	cnt := m.pathCount[:0]
	for n := t.nodes[0].child; n != 0; n = t.nodes[n].child {
		path = append(path, t.item[t.nodes[n].item])
		cnt = append(cnt, t.nodes[n].count)
	}
	// The buffers are free here: emitting subsets builds no tree.
	m.path, m.pathCount = path, cnt
	base := len(m.prefix)
	room := m.maxLen - base
	for j := range path {
		if room <= 0 {
			break
		}
		m.prefix = append(m.prefix, path[j])
		if err := m.emit(cnt[j]); err != nil {
			return err
		}
		if err := m.subsets(path[:j], cnt[j], room-1); err != nil {
			return err
		}
		m.prefix = m.prefix[:base]
	}
	return nil
}

// subsets emits prefix ∪ S for every non-empty S ⊆ cands with |S| <= room,
// all with count c.
func (m *miner) subsets(cands []int32, c int32, room int) error {
	if room <= 0 {
		return nil
	}
	for i := range cands {
		m.prefix = append(m.prefix, cands[i])
		if err := m.emit(c); err != nil {
			return err
		}
		if err := m.subsets(cands[:i], c, room-1); err != nil {
			return err
		}
		m.prefix = m.prefix[:len(m.prefix)-1]
	}
	return nil
}

// conditional builds the conditional FP-tree of rank r of t into the
// buffer of the given depth, or returns nil when no item of the
// conditional pattern base is frequent.
func (m *miner) conditional(t *fptree, r int32, depth int) (*fptree, error) {
	nodes := t.nodes
	counts := m.counts[:r]
	visited := 0
	for n := t.head[r]; n != 0; n = nodes[n].next {
		w := nodes[n].count
		for p := nodes[n].parent; p != 0; p = nodes[p].parent {
			counts[nodes[p].item] += w
			visited++
		}
	}
	local := m.local[:0]
	for q, c := range counts {
		if c >= m.minCount {
			local = append(local, int32(q))
		}
	}
	m.local = local
	if len(local) == 0 {
		clear(counts)
		return nil, m.tick(visited)
	}
	// Conditional ranks: by descending conditional count, ties by the
	// rank in t (which keeps the global order among equals).
	slices.SortFunc(local, func(a, b int32) int {
		if c := cmp.Compare(counts[b], counts[a]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	for depth >= len(m.pool) {
		m.pool = append(m.pool, &fptree{})
	}
	ct := m.pool[depth]
	ct.reset(len(local))
	for i, q := range local {
		m.newRank[q] = int32(i)
		ct.item[i] = t.item[q]
	}
	m.built++
	path := m.path[:0]
	for n := t.head[r]; n != 0; n = nodes[n].next {
		path = path[:0]
		for p := nodes[n].parent; p != 0; p = nodes[p].parent {
			if nr := m.newRank[nodes[p].item]; nr >= 0 {
				path = append(path, nr)
			}
		}
		// Sort ascending: the walk up gives ranks mostly descending, so
		// reverse, then finish with an insertion sort.
		slices.Reverse(path)
		for i := 1; i < len(path); i++ {
			for j := i; j > 0 && path[j] < path[j-1]; j-- {
				path[j], path[j-1] = path[j-1], path[j]
			}
		}
		ct.insert(path, nodes[n].count)
	}
	m.path = path
	for _, q := range local {
		m.newRank[q] = -1
	}
	clear(counts)
	return ct, m.tick(2 * visited)
}
