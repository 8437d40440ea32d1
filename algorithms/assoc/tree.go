package assoc

import "unsafe"

// node is one FP-tree node. Links are indices into fptree.nodes; 0 means
// none, since node 0 is the root and is never a child, sibling or list
// member.
type node struct {
	item    int32 // local rank of the node's item (-1 for the root)
	count   int32 // baskets (or weight) through this node
	parent  int32
	child   int32 // first child
	sibling int32 // next child of the same parent
	next    int32 // next node of the same item (the header list)
}

const nodeBytes = int64(unsafe.Sizeof(node{}))

// fptree is an FP-tree over local item ranks 0..len(item)-1, rank 0 the
// most frequent. Paths from the root visit ranks in ascending order.
type fptree struct {
	nodes     []node
	head      []int32 // per rank: first node of the item's list (0 = none)
	total     []int32 // per rank: sum of the counts of the item's nodes
	item      []int32 // per rank: the global rank the local rank stands for
	rootChild []int32 // per rank: the root's child of that item (0 = none)
	single    bool    // no node has two children: the tree is one path
}

// reset empties the tree for k local items, keeping its buffers.
func (t *fptree) reset(k int) {
	t.nodes = append(t.nodes[:0], node{item: -1})
	t.head = zeroed(t.head, k)
	t.total = zeroed(t.total, k)
	t.item = zeroed(t.item, k)
	t.rootChild = zeroed(t.rootChild, k)
	t.single = true
}

func zeroed(s []int32, k int) []int32 {
	if cap(s) < k {
		return make([]int32, k)
	}
	s = s[:k]
	clear(s)
	return s
}

// bytes is the memory held by the tree's buffers (capacity, not length).
func (t *fptree) bytes() int64 {
	return int64(cap(t.nodes))*nodeBytes +
		4*int64(cap(t.head)+cap(t.total)+cap(t.item)+cap(t.rootChild))
}

// newNode appends a node for rank r under parent p with count w and links
// it first in p's children and first in r's header list.
func (t *fptree) newNode(r, p, w int32) int32 {
	id := int32(len(t.nodes))
	first := t.nodes[p].child
	if first != 0 {
		t.single = false
	}
	t.nodes = append(t.nodes, node{item: r, count: w, parent: p, sibling: first, next: t.head[r]})
	t.nodes[p].child = id
	t.head[r] = id
	return id
}

// insert adds a path of ranks (strictly ascending) with weight w.
func (t *fptree) insert(path []int32, w int32) {
	if len(path) == 0 {
		return
	}
	r := path[0]
	t.total[r] += w
	cur := t.rootChild[r]
	if cur == 0 {
		cur = t.newNode(r, 0, w)
		t.rootChild[r] = cur
	} else {
		t.nodes[cur].count += w
	}
	for _, r := range path[1:] {
		t.total[r] += w
		p := cur
		prev := int32(0)
		c := t.nodes[p].child
		for c != 0 && t.nodes[c].item != r {
			prev = c
			c = t.nodes[c].sibling
		}
		if c == 0 {
			c = t.newNode(r, p, w)
		} else {
			t.nodes[c].count += w
			if prev != 0 {
				// Move to front: frequent paths are found after few steps.
				t.nodes[prev].sibling = t.nodes[c].sibling
				t.nodes[c].sibling = t.nodes[p].child
				t.nodes[p].child = c
			}
		}
		cur = c
	}
}
