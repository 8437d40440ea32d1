package recommendfn_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// openMem opens an in-memory marketsql database with a small purchase
// table "buys" (user, item, qty): users 1..6, items a..f, two tastes.
func openMem(t *testing.T) *sql.DB {
	t.Helper()
	return sqltest.Open(t, `CREATE TABLE buys(customer INTEGER, item TEXT, qty INTEGER)`,
		`INSERT INTO buys VALUES
		(1,'a',1),(1,'b',2),(1,'c',1),
		(2,'a',1),(2,'b',1),
		(3,'b',3),(3,'c',1),
		(4,'d',1),(4,'e',1),(4,'f',2),
		(5,'d',1),(5,'e',1),
		(6,'e',1),(6,'f',1),(6,'a',1)`).DB()
}

// table renders every row of q as text, one line per row, values joined by |
// (unlike sqltest.Table: reals to 4 digits, blobs as text).
func table(t *testing.T, db *sql.DB, q string, args ...any) string {
	t.Helper()
	return sqltest.TableWith(t, db, func(b *strings.Builder, v any) {
		switch x := v.(type) {
		case float64:
			fmt.Fprintf(b, "%.4g", x)
		case []byte:
			b.Write(x)
		default:
			fmt.Fprint(b, x)
		}
	}, q, args...)
}
