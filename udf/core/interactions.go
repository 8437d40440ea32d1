package core

import (
	"database/sql/driver"
	"fmt"
	"sort"

	"github.com/seed-a084b42d/marketsql/algorithms/text"
)

// Interactions is a (user, item[, weight]) source read into memory. Users
// and items are numbered in key order (INTEGER keys first, ascending, then
// TEXT keys in byte order), so the numbering does not depend on the order
// of the source's rows.
type Interactions struct {
	UserColumn, ItemColumn, WeightColumn string // WeightColumn is "" without one
	Users, Items                         []any  // index → key (int64 or string)
	U, I                                 []int32
	W                                    []float64 // 1 for every row without a weight column
	Rows                                 int       // rows read
	Skipped                              int       // rows left out (NULL key or bad weight, with skip)
	Zero                                 int       // rows with weight 0, which carry no interaction

	keys [][2]any
}

// ReadInteractions runs a read-only query on c whose columns are a user
// key, an item key and optionally a non-negative weight. Keys are INTEGER
// or TEXT (a REAL with no fraction counts as INTEGER). A row with a NULL
// key, or a NULL, non-numeric, negative or non-finite weight, is an error
// naming the row, unless skipBad, which leaves it out and counts it. Rows
// of weight 0 are left out and counted in Zero.
func (c *Conn) ReadInteractions(fn, query string, skipBad bool) (*Interactions, error) {
	in := &Interactions{}
	users, items := map[any]int32{}, map[any]int32{}
	var cols []string
	hint := "; clean it or pass \"on_null\": \"skip\" to leave such rows out"
	columns := func(names []string) error {
		cols = names
		if len(cols) != 2 && len(cols) != 3 {
			return Errorf(fn, "the source has %d column(s); it needs (user, item) or (user, item, weight)", len(cols))
		}
		in.UserColumn, in.ItemColumn = cols[0], cols[1]
		if len(cols) == 3 {
			in.WeightColumn = cols[2]
		}
		return nil
	}
	each := func(n int, vals []driver.Value) error {
		in.Rows++
		u, problem := interactionKey(vals[0])
		if problem != "" {
			if skipBad && problem == "NULL" {
				in.Skipped++
				return nil
			}
			return Errorf(fn, "row %d: user column %s is %s%s", n, quoteShort(cols[0]), problem, hint)
		}
		i, problem := interactionKey(vals[1])
		if problem != "" {
			if skipBad && problem == "NULL" {
				in.Skipped++
				return nil
			}
			return Errorf(fn, "row %d (%s=%s): item column %s is %s%s", n, text.Abbreviate(cols[0], shortMax), shortKey(u), quoteShort(cols[1]), problem, hint)
		}
		w := 1.0
		if len(cols) == 3 {
			w, problem = numeric(vals[2])
			if problem == "" && w < 0 {
				problem = fmt.Sprintf("negative (%g); weights must be 0 or more", w)
			}
			if problem != "" {
				if skipBad {
					in.Skipped++
					return nil
				}
				return Errorf(fn, "row %d (%s=%s, %s=%s): weight column %s is %s%s", n, text.Abbreviate(cols[0], shortMax), shortKey(u),
					text.Abbreviate(cols[1], shortMax), shortKey(i), quoteShort(cols[2]), problem, hint)
			}
			if w == 0 {
				in.Zero++
				return nil
			}
		}
		if _, ok := users[u]; !ok {
			users[u] = 0
			in.Users = append(in.Users, u)
		}
		if _, ok := items[i]; !ok {
			items[i] = 0
			in.Items = append(in.Items, i)
		}
		in.U = append(in.U, 0)
		in.I = append(in.I, 0)
		in.W = append(in.W, w)
		// remember keys until they are numbered
		in.keys = append(in.keys, [2]any{u, i})
		return nil
	}
	if err := c.ScanSource(fn, query, columns, each); err != nil {
		return nil, err
	}
	SortKeys(in.Users)
	SortKeys(in.Items)
	for k, u := range in.Users {
		users[u] = int32(k)
	}
	for k, i := range in.Items {
		items[i] = int32(k)
	}
	for k, p := range in.keys {
		in.U[k], in.I[k] = users[p[0]], items[p[1]]
	}
	in.keys = nil
	return in, nil
}

// interactionKey converts a user or item key; problem is non-empty when it
// is not INTEGER or TEXT.
func interactionKey(v driver.Value) (any, string) {
	k, problem := RowKey(v)
	if problem != "" && problem != "NULL" {
		problem += "; keys must be INTEGER or TEXT"
	}
	return k, problem
}

// InteractionKey converts a SQL argument to a key as ReadInteractions
// does; ok is false for NULL. A BLOB argument is an error naming the
// argument: SQLite never compares a BLOB equal to an INTEGER or TEXT key.
func InteractionKey(fn, argName string, v any) (any, bool, error) {
	if b, isBytes := v.([]byte); isBytes {
		if b == nil { // a nil []byte is NULL, as database/sql drivers pass it
			return nil, false, nil
		}
		return nil, false, Errorf(fn, "argument %s is a BLOB of %d bytes; keys must be INTEGER or TEXT", argName, len(b))
	}
	k, problem := interactionKey(v)
	if problem == "NULL" {
		return nil, false, nil
	}
	if problem != "" {
		return nil, false, Errorf(fn, "argument %s is %s", argName, problem)
	}
	return k, true, nil
}

// SortKeys sorts keys as SQLite orders them: INTEGER before TEXT, integers
// ascending, text in byte order.
func SortKeys(keys []any) {
	sort.Slice(keys, func(a, b int) bool { return KeyLess(keys[a], keys[b]) })
}

// KeyLess orders keys as SortKeys does.
func KeyLess(a, b any) bool {
	ai, aInt := a.(int64)
	bi, bInt := b.(int64)
	switch {
	case aInt && bInt:
		return ai < bi
	case aInt != bInt:
		return aInt
	}
	return a.(string) < b.(string)
}

// Messages quote user values (keys, column names) only as a short prefix,
// so a megabyte-long key cannot make a megabyte-long error.
const shortMax = 40

// quoteShort quotes the short prefix of s.
func quoteShort(s string) string { return text.Quote(s, shortMax) }

// shortKey renders a key for a message: integers as they are, text quoted
// and cut to a short prefix.
func shortKey(k any) string {
	if s, ok := k.(string); ok {
		return quoteShort(s)
	}
	return fmt.Sprint(k)
}

// KeyText renders a key for messages: integers as they are, text quoted
// and cut to a short prefix.
func KeyText(k any) string { return shortKey(k) }
