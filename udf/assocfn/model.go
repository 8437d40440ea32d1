package assocfn

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/seed-a084b42d/marketsql/algorithms/assoc"
	"github.com/seed-a084b42d/marketsql/catalog"
)

// Kind is the ml_models.kind of basket-rule models.
const Kind = "assoc"

// payloadVersion is the version of the payload inside the envelope.
const payloadVersion = 1

// format is the envelope of this family's model blobs.
var format = catalog.Format{Kind: Kind, Name: "basket rules", Version: payloadVersion}

// Model is a mined basket-rule model: the frequent itemsets with their
// counts and the rules kept, with the SQL keys of the items.
type Model struct {
	BasketColumn, ItemColumn string
	Items                    []any // item id -> key
	Baskets                  int
	MinCount                 int
	Itemsets                 []assoc.Itemset // ordered by size, then items
	Rules                    []assoc.Rule    // ordered by lift (rule id = position + 1)

	itemIndex map[any]int32
}

// Encode returns the sealed params blob of m. A rule is stored as its two
// sides only: its counts are those of itemsets, and its measures follow
// from the counts (assoc.NewRule).
func (m *Model) Encode() []byte {
	e := format.Encoder()
	e.String(m.BasketColumn)
	e.String(m.ItemColumn)
	e.Keys(m.Items)
	e.Uint(uint64(m.Baskets))
	e.Uint(uint64(m.MinCount))
	e.Uint(uint64(len(m.Itemsets)))
	for _, s := range m.Itemsets {
		encodeIDs(e, s.Items)
		e.Uint(uint64(s.Count))
	}
	e.Uint(uint64(len(m.Rules)))
	for _, r := range m.Rules {
		encodeIDs(e, r.Antecedent)
		encodeIDs(e, r.Consequent)
	}
	return format.Seal(e)
}

// encodeIDs writes ascending ids as a count and gaps.
func encodeIDs(e *catalog.Encoder, ids []int32) {
	e.Uint(uint64(len(ids)))
	prev := int32(-1)
	for _, id := range ids {
		e.Uint(uint64(id - prev - 1))
		prev = id
	}
}

// decodeIDs reads ids written by encodeIDs, each below n.
func decodeIDs(d *catalog.Decoder, n int) []int32 {
	k := d.Len(1)
	if d.Err() != nil {
		return nil
	}
	ids := make([]int32, k)
	prev := int64(-1)
	for i := range ids {
		id := prev + 1 + int64(d.Uint())
		if id >= int64(n) || d.Err() != nil {
			d.Len(1 << 62) // makes the decoder fail
			return nil
		}
		ids[i] = int32(id)
		prev = id
	}
	return ids
}

// Decode reads a params blob written by Encode, checking every shape, so a
// damaged or foreign blob is an error and never a panic. It accepts exactly
// what Encode writes: Encode(Decode(blob)) == blob.
func Decode(blob []byte) (*Model, error) {
	d, err := format.Open(blob)
	if err != nil {
		return nil, err
	}
	m := &Model{}
	m.BasketColumn, m.ItemColumn = d.String(), d.String()
	m.Items = d.Keys()
	m.Baskets, m.MinCount = count(d), count(d)
	ni := len(m.Items)
	n := d.Len(2)
	counts := make(map[string]int, min(n, 1<<16))
	m.Itemsets = make([]assoc.Itemset, 0, min(n, 1<<16))
	for i := 0; i < n && d.Err() == nil; i++ {
		ids := decodeIDs(d, ni)
		c := count(d)
		if d.Err() != nil {
			break
		}
		if len(ids) == 0 || c < max(m.MinCount, 1) || c > m.Baskets {
			return nil, fmt.Errorf("%w: itemset %d: %d items, count %d", catalog.ErrDamaged, i+1, len(ids), c)
		}
		key := idsKey(ids)
		if _, dup := counts[key]; dup {
			return nil, fmt.Errorf("%w: itemset %d appears twice", catalog.ErrDamaged, i+1)
		}
		counts[key] = c
		m.Itemsets = append(m.Itemsets, assoc.Itemset{Items: ids, Count: c})
	}
	nr := d.Len(2)
	m.Rules = make([]assoc.Rule, 0, min(nr, 1<<16))
	for i := 0; i < nr && d.Err() == nil; i++ {
		ante, cons := decodeIDs(d, ni), decodeIDs(d, ni)
		if d.Err() != nil {
			break
		}
		both := mergeIDs(ante, cons)
		cAC, okAC := counts[idsKey(both)]
		cA, okA := counts[idsKey(ante)]
		cC, okC := counts[idsKey(cons)]
		if len(ante) == 0 || len(cons) == 0 || len(both) != len(ante)+len(cons) || !okAC || !okA || !okC {
			return nil, fmt.Errorf("%w: rule %d does not match the itemsets", catalog.ErrDamaged, i+1)
		}
		m.Rules = append(m.Rules, assoc.NewRule(ante, cons, cAC, cA, cC, m.Baskets))
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	if m.Baskets < 1 && len(m.Itemsets) > 0 {
		return nil, fmt.Errorf("%w: itemsets without baskets", catalog.ErrDamaged)
	}
	m.itemIndex = make(map[any]int32, ni)
	for k, key := range m.Items {
		m.itemIndex[key] = int32(k)
	}
	if len(m.itemIndex) != ni {
		return nil, fmt.Errorf("%w: an item key appears twice", catalog.ErrDamaged)
	}
	return m, nil
}

// count reads a basket count, which fits an int32 as item ids do.
func count(d *catalog.Decoder) int {
	v := d.Uint()
	if v > 1<<31-1 {
		d.Len(1 << 62) // makes the decoder fail
		return 0
	}
	return int(v)
}

// idsKey is a map key of an id list.
func idsKey(ids []int32) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strconv.FormatInt(int64(id), 36))
		b.WriteByte(',')
	}
	return b.String()
}

// mergeIDs merges two ascending lists; a shared id appears once.
func mergeIDs(a, b []int32) []int32 {
	out := make([]int32, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

// Item returns the id of an item key (an integer given as text finds an
// INTEGER key, as the other families look keys up).
func (m *Model) Item(key any) (int32, bool) {
	if id, ok := m.itemIndex[key]; ok {
		return id, true
	}
	switch k := key.(type) {
	case string:
		if n, err := strconv.ParseInt(k, 10, 64); err == nil && strconv.FormatInt(n, 10) == k {
			id, ok := m.itemIndex[n]
			return id, ok
		}
	case int64:
		id, ok := m.itemIndex[strconv.FormatInt(k, 10)]
		return id, ok
	}
	return 0, false
}

// keysJSON is a JSON array of the keys of ids: integers as numbers, text
// as strings.
func (m *Model) keysJSON(ids []int32) string {
	keys := make([]any, len(ids))
	for i, id := range ids {
		keys[i] = m.Items[id]
	}
	b, _ := json.Marshal(keys)
	return string(b)
}
