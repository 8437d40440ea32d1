package mathfn_test

import (
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// The math functions match SQLite's own (the stock sqlite3 CLI, compiled
// with them) on ordinary values, domain errors, NULL, text and integer
// arguments. Expected values come from running the same query in sqlite3;
// the test skips, saying so, without it.
func TestMatchesSQLite(t *testing.T) {
	sqlite3, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Skip("the sqlite3 CLI is not installed (make deps installs it): nothing to compare with")
	}
	exprs := []string{
		"sqrt(2)", "sqrt(-1)", "sqrt(NULL)", "sqrt('x')", "sqrt('16')",
		"ln(0)", "ln(-1)", "ln(2.5)", "ln(3)", "ln(12345.678)", "log(100)", "log(2, 8)", "log(1, 5)", "log(0.5, 4)", "log(-2, 4)", "log(2, 0)", "log(0)", "log2(8)", "log10(1000)",
		"exp(1)", "exp(1000)", "pow(2, 10)", "power(2, 0.5)", "pow(-8, 1.0/3)",
		"ceil(2)", "ceil(2.1)", "ceil(-2.1)", "ceiling(7)", "floor('3.7')", "floor(-3.5)", "trunc(-2.5)", "trunc(9)",
		"typeof(ceil(2))", "typeof(floor(2.5))",
		"mod(7, 0)", "mod(7.5, 2)", "mod(-7, 3)",
		"atan2(1, 1)", "acos(2)", "asin(0.5)", "atan(1)", "acosh(2)", "asinh(1)", "atanh(0.5)",
		"cos(1)", "cosh(1)", "sin(1)", "sinh(1)", "tan(1)", "tanh(1)",
		"pi()", "degrees(pi())", "radians(180)",
	}
	// sqlite3 prints each value to 17 significant digits, which read back
	// to the same float64; ours are read as float64 through database/sql.
	// NULL is spelled out (printf would show it as 0.0).
	cols := make([]string, len(exprs))
	for i, ex := range exprs {
		cols[i] = "CASE WHEN " + ex + " IS NULL THEN 'NULL' ELSE printf('%!.17g', " + ex + ") END"
		if strings.HasPrefix(ex, "typeof") {
			cols[i] = ex
		}
	}
	out, err := exec.Command(sqlite3, ":memory:", "SELECT "+strings.Join(cols, ", ")).Output()
	if err != nil {
		t.Fatalf("sqlite3: %v", err)
	}
	want := strings.Split(strings.TrimSpace(string(out)), "|")
	if len(want) != len(exprs) {
		t.Fatalf("sqlite3 gave %d values for %d expressions", len(want), len(exprs))
	}
	e := sqltest.Open(t)
	got := make([]any, len(exprs))
	ptrs := make([]any, len(exprs))
	for i := range got {
		ptrs[i] = &got[i]
	}
	if err := e.DB().QueryRow("SELECT " + strings.Join(exprs, ", ")).Scan(ptrs...); err != nil {
		t.Fatal(err)
	}
	for i, ex := range exprs {
		var ok bool
		switch g := got[i].(type) {
		case nil:
			ok = want[i] == "NULL"
		case string:
			ok = g == want[i]
		case int64:
			ok = strconv.FormatInt(g, 10) == want[i] || want[i] == strconv.FormatInt(g, 10)+".0"
		case float64:
			w, err := strconv.ParseFloat(strings.Replace(want[i], "Inf", "+Inf", 1), 64)
			ok = err == nil && (w == g || math.IsInf(w, 1) && math.IsInf(g, 1))
		}
		if !ok {
			t.Errorf("%s = %v (%T), sqlite3 gives %s", ex, got[i], got[i], want[i])
		}
	}
}
