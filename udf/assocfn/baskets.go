package assocfn

import (
	"database/sql/driver"
	"slices"

	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// baskets is a (basket, item) source read into memory: each basket's items
// as ids into Items, each item once per basket.
type baskets struct {
	BasketColumn, ItemColumn string
	Items                    []any     // item id -> key (int64 or string), in key order
	Lists                    [][]int32 // one per basket, ascending ids
	Rows, Skipped, Repeated  int       // rows read; left out (NULL, with "on_null": "skip"); (basket, item) repeated
}

// readBaskets reads a (basket, item) source on c. A basket's rows need not
// be adjacent. A (basket, item) pair given twice counts once (Repeated).
func readBaskets(c *core.Conn, fn, query string, skipNull bool) (*baskets, error) {
	b := &baskets{}
	var cols []string
	basketIndex := map[any]int32{}
	itemIndex := map[any]int32{}
	var keys []any // item keys in order of appearance
	var lists [][]int32
	columns := func(names []string) error {
		if len(names) != 2 {
			return core.Errorf(fn, "the source has %d column(s); it needs two, (basket, item): e.g. SELECT invoice_no, stock_code FROM order_lines", len(names))
		}
		cols = names
		b.BasketColumn, b.ItemColumn = names[0], names[1]
		return nil
	}
	each := func(n int, vals []driver.Value) error {
		b.Rows++
		bk, problem := core.RowKey(vals[0])
		if problem == "" {
			var ik any
			if ik, problem = core.RowKey(vals[1]); problem == "" {
				bi, ok := basketIndex[bk]
				if !ok {
					bi = int32(len(lists))
					basketIndex[bk] = bi
					lists = append(lists, nil)
				}
				ii, ok := itemIndex[ik]
				if !ok {
					ii = int32(len(keys))
					itemIndex[ik] = ii
					keys = append(keys, ik)
				}
				lists[bi] = append(lists[bi], ii)
				return nil
			}
			if problem == "NULL" && skipNull {
				b.Skipped++
				return nil
			}
			return core.Errorf(fn, "row %d (%s=%s): item column %s is %s; clean it or pass \"on_null\": \"skip\" to leave such rows out",
				n, text.Abbreviate(cols[0], 40), core.KeyText(bk), text.Quote(cols[1], 40), problem)
		}
		if problem == "NULL" && skipNull {
			b.Skipped++
			return nil
		}
		return core.Errorf(fn, "row %d: basket column %s is %s; clean it or pass \"on_null\": \"skip\" to leave such rows out",
			n, text.Quote(cols[0], 40), problem)
	}
	if err := c.ScanSource(fn, query, columns, each); err != nil {
		return nil, err
	}
	// Items are numbered in key order, so the model does not depend on the
	// order of the source's rows.
	order := append([]any(nil), keys...)
	core.SortKeys(order)
	renumber := make([]int32, len(keys))
	for id, k := range order {
		renumber[itemIndex[k]] = int32(id)
	}
	b.Items = order
	for bi, l := range lists {
		for j, id := range l {
			l[j] = renumber[id]
		}
		l = sortUnique(l)
		b.Repeated += len(lists[bi]) - len(l)
		lists[bi] = l
	}
	b.Lists = lists
	return b, nil
}

// sortUnique sorts ids and drops repeats, in place.
func sortUnique(ids []int32) []int32 {
	slices.Sort(ids)
	return slices.Compact(ids)
}
