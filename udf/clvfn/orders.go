package clvfn

import (
	"cmp"
	"database/sql/driver"
	"fmt"
	"math"
	"slices"

	"github.com/seed-a084b42d/marketsql/udf/core"
)

// orders is a source of order rows read into memory: customer, date
// [, amount [, order]], one row per order line. Customers are numbered in
// key order (INTEGER before TEXT, as SQLite sorts them), so everything
// computed from them is independent of the source's row order.
type orders struct {
	CustomerColumn, DateColumn, AmountColumn, OrderColumn string

	Keys   []any     // customer number -> key (int64 or string)
	Cust   []int32   // per row: customer number
	Day    []int64   // per row: day (days since 1970-01-01)
	Amount []float64 // per row: amount; nil without an amount column
	// Order is per row the order key, to tell orders apart within a
	// customer: an INTEGER key as it is, or (when some keys are TEXT) a
	// number given to each distinct key; nil without an order column.
	Order []int64

	Rows    int // rows read
	Skipped int // rows left out by "on_null": "skip"
}

// readSpec says how to read order rows.
type readSpec struct {
	fn         string
	needAmount bool // the amount column is required (rfm)
	skipBad    bool // "on_null": "skip"
}

// readOrders reads order rows from query on c.
func readOrders(c *core.Conn, query string, spec readSpec) (*orders, error) {
	fn := spec.fn
	o := &orders{}
	var cols []string
	intCust, textCust := map[int64]int32{}, map[string]int32{}
	// Order keys are kept as they are while all are INTEGER (no map on
	// the hot path); TEXT ones are numbered, and a source with some TEXT
	// order keys is renumbered after the scan (ordText marks those rows).
	textOrd := map[string]int64{}
	var ordText []bool
	var keys []any
	var lastKey int64
	var lastCust int32
	haveLast := false
	columns := func(names []string) error {
		cols = names
		want := "customer, date [, amount [, order]]"
		if spec.needAmount {
			want = "customer, date, amount [, order]"
		}
		min := 2
		if spec.needAmount {
			min = 3
		}
		if len(cols) < min || len(cols) > 4 {
			return core.Errorf(fn, "the source has %d column(s); order rows have the columns %s", len(cols), want)
		}
		o.CustomerColumn, o.DateColumn = cols[0], cols[1]
		if len(cols) >= 3 {
			o.AmountColumn = cols[2]
			o.Amount = []float64{}
		}
		if len(cols) == 4 {
			o.OrderColumn = cols[3]
			o.Order = []int64{}
		}
		return nil
	}
	bad := func(n int, key any, format string, args ...any) error {
		where := fmt.Sprintf("row %d", n)
		if key != nil {
			where += fmt.Sprintf(" (%s=%s)", cols[0], core.KeyText(key))
		}
		return core.Errorf(fn, where+": "+format, args...)
	}
	each := func(n int, vals []driver.Value) error {
		o.Rows++
		key, problem := core.RowKey(vals[0])
		if problem != "" {
			if problem == "NULL" && spec.skipBad {
				o.Skipped++
				return nil
			}
			if problem == "NULL" {
				return bad(n, nil, "customer column %q is NULL; clean it or pass \"on_null\": \"skip\" to leave such rows out", cols[0])
			}
			return bad(n, nil, "customer column %q is %s; customer keys must be INTEGER or TEXT", cols[0], problem)
		}
		day, problem := parseDate(vals[1])
		if problem == "NULL" {
			if spec.skipBad {
				o.Skipped++
				return nil
			}
			return bad(n, key, "date column %q is NULL; clean it or pass \"on_null\": \"skip\" to leave such rows out", cols[1])
		}
		if problem != "" {
			return bad(n, key, "date column %q is %s; accepted dates: %s", cols[1], problem, acceptedDates)
		}
		amount := 0.0
		if o.Amount != nil {
			var problem string
			amount, problem = amountValue(vals[2])
			if problem != "" {
				if spec.skipBad {
					o.Skipped++
					return nil
				}
				return bad(n, key, "amount column %q is %s; clean it or pass \"on_null\": \"skip\" to leave such rows out", cols[2], problem)
			}
		}
		ord, ordIsText := int64(-1), false
		if o.Order != nil {
			ok, problem := core.RowKey(vals[3])
			if problem != "" {
				if problem == "NULL" && spec.skipBad {
					o.Skipped++
					return nil
				}
				return bad(n, key, "order column %q is %s; order keys must be INTEGER or TEXT (pass \"on_null\": \"skip\" to leave NULL ones out)", cols[3], problem)
			}
			switch k := ok.(type) {
			case int64:
				ord = k
			case string:
				id, seen := textOrd[k]
				if !seen {
					id = int64(len(textOrd))
					textOrd[k] = id
				}
				ord, ordIsText = id, true
				if ordText == nil {
					ordText = make([]bool, len(o.Order), cap(o.Order))
				}
			}
		}
		// Rows often come grouped by customer: the last key needs no lookup.
		var cust int32
		if k, isInt := key.(int64); isInt && haveLast && k == lastKey {
			cust = lastCust
		} else {
			cust = intern(key, intCust, textCust, &keys)
			lastKey, lastCust, haveLast = k, cust, isInt
		}
		o.Cust = push(o.Cust, cust)
		o.Day = push(o.Day, day)
		if o.Amount != nil {
			o.Amount = push(o.Amount, amount)
		}
		if o.Order != nil {
			o.Order = push(o.Order, ord)
			if ordText != nil {
				ordText = push(ordText, ordIsText)
			}
		}
		return nil
	}
	if err := c.ScanSource(fn, query, columns, each); err != nil {
		return nil, err
	}
	if ordText != nil {
		// Some order keys are TEXT: number the INTEGER ones apart from them.
		ints := map[int64]int64{}
		for i, k := range o.Order {
			if !ordText[i] {
				id, seen := ints[k]
				if !seen {
					id = int64(len(ints))
					ints[k] = id
				}
				o.Order[i] = id
			}
		}
		for i := range o.Order {
			if ordText[i] {
				o.Order[i] += int64(len(ints))
			}
		}
	}
	// Renumber the customers in key order.
	perm := make([]int32, len(keys))
	for i := range perm {
		perm[i] = int32(i)
	}
	slices.SortFunc(perm, func(a, b int32) int {
		if core.KeyLess(keys[a], keys[b]) {
			return -1
		}
		return 1
	})
	rank := make([]int32, len(keys))
	o.Keys = make([]any, len(keys))
	for r, k := range perm {
		rank[k] = int32(r)
		o.Keys[r] = keys[k]
	}
	for i, k := range o.Cust {
		o.Cust[i] = rank[k]
	}
	return o, nil
}

// push appends v to s, doubling its capacity when full: append grows
// large slices by a quarter at a time, which copies a million-row column
// about four times over.
func push[T any](s []T, v T) []T {
	if len(s) == cap(s) {
		s = slices.Grow(s, max(len(s), 1024))
	}
	return append(s, v)
}

// intern returns the number of key in its map, adding it (and appending it
// to keys, when not nil) the first time.
func intern(key any, ints map[int64]int32, texts map[string]int32, keys *[]any) int32 {
	switch k := key.(type) {
	case int64:
		if i, ok := ints[k]; ok {
			return i
		}
		i := int32(len(ints) + len(texts))
		ints[k] = i
		if keys != nil {
			*keys = append(*keys, k)
		}
		return i
	case string:
		if i, ok := texts[k]; ok {
			return i
		}
		i := int32(len(ints) + len(texts))
		texts[k] = i
		if keys != nil {
			*keys = append(*keys, k)
		}
		return i
	}
	panic(fmt.Sprintf("clvfn: key of type %T", key))
}

// amountValue converts an amount; problem is non-empty for NULL, text,
// negative or non-finite values.
func amountValue(v driver.Value) (float64, string) {
	switch x := v.(type) {
	case int64:
		if x < 0 {
			return 0, fmt.Sprintf("negative (%d)", x)
		}
		return float64(x), ""
	case float64:
		switch {
		case math.IsNaN(x) || math.IsInf(x, 0):
			return 0, fmt.Sprintf("not finite (%g)", x)
		case x < 0:
			return 0, fmt.Sprintf("negative (%g)", x)
		}
		return x, ""
	case nil:
		return 0, "NULL"
	case string:
		return 0, fmt.Sprintf("TEXT %s, not a number", core.KeyText(x))
	case []byte:
		return 0, "a BLOB, not a number"
	}
	return 0, fmt.Sprintf("of unsupported type %T", v)
}

// byCustomer returns the row indexes grouped by customer, each customer's
// rows by day (then by source position): start[c]..start[c+1] index idx.
func (o *orders) byCustomer() (idx []int32, start []int32) {
	n := len(o.Cust)
	idx = make([]int32, n)
	start = make([]int32, len(o.Keys)+1)
	for _, c := range o.Cust {
		start[c+1]++
	}
	for c := range o.Keys {
		start[c+1] += start[c]
	}
	next := slices.Clone(start[:len(o.Keys)])
	for i, c := range o.Cust {
		idx[next[c]] = int32(i)
		next[c]++
	}
	for c := range o.Keys {
		rows := idx[start[c]:start[c+1]]
		if !slices.IsSortedFunc(rows, func(a, b int32) int { return cmp.Compare(o.Day[a], o.Day[b]) }) {
			slices.SortStableFunc(rows, func(a, b int32) int { return cmp.Compare(o.Day[a], o.Day[b]) })
		}
	}
	return idx, start
}

// lastDay returns the latest day of the rows; ok is false when there are none.
func (o *orders) lastDay() (int64, bool) {
	if len(o.Day) == 0 {
		return 0, false
	}
	return slices.Max(o.Day), true
}
