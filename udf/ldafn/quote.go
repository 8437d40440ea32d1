package ldafn

import (
	"fmt"
	"strings"

	"github.com/seed-a084b42d/marketsql/algorithms/text"
)

// quoteLimit is how many bytes of a user's value an error message quotes.
const quoteLimit = 60

// short abbreviates a user's value for an error message: at most
// quoteLimit bytes, cut at a character boundary, then "...".
func short(s string) string { return text.Abbreviate(s, quoteLimit) }

// quote is strconv.Quote of the abbreviated value.
func quote(s string) string { return text.Quote(s, quoteLimit) }

// keyText renders a document id for an error message: text quoted and
// abbreviated, numbers as they are.
func keyText(k any) string {
	if s, ok := k.(string); ok {
		return quote(s)
	}
	return fmt.Sprint(k)
}

// columnList renders the source's column names, each abbreviated.
func columnList(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = short(c)
	}
	return strings.Join(q, ", ")
}

// describe names a SQL value's type and an abbreviation of it.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return "TEXT " + quote(x)
	case []byte:
		if x != nil {
			return fmt.Sprintf("BLOB of %d bytes", len(x))
		}
		return "NULL"
	case nil:
		return "NULL"
	case int64:
		return fmt.Sprintf("INTEGER %d", x)
	case float64:
		return fmt.Sprintf("REAL %g", x)
	}
	return fmt.Sprintf("%T", v)
}
