package core

import (
	"math"
	"strings"
	"testing"
)

func FuzzParseOptions(f *testing.F) {
	for _, s := range []string{``, `{}`, `null`, `{"k": 4}`, `{"k": 4.0, "tol": 1e-4}`, `{"k": "4"}`, `{"k": 4.5}`,
		`{"on": true, "name": "x", "algo": "b"}`, `{"zz": 1}`, `[1, 2]`, `{"k": 1e999}`, `{"k": -0}`, `{"k": 18446744073709551616}`,
		`{"tol": NaN}`, `{"name": "\ud800"}`, `{"k": 1} trailing`, `{"k": {"k": 1}}`, "{\"k\": 1,}", "\x00"} {
		f.Add(s)
	}
	accepted := []string{"k", "tol", "on", "name", "algo"}
	f.Fuzz(func(t *testing.T, text string) {
		o, err := ParseOptions("fn", text, accepted)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fn: ") {
				t.Fatalf("error %q does not start with the function name", err)
			}
			return
		}
		k := o.Int("k", 3, 1, math.MaxInt32)
		tol := o.Float("tol", 0.5, 0, 1)
		o.Bool("on", false)
		o.String("name", "")
		o.Enum("algo", "a", "a", "b")
		o.Raw("k")
		if err := o.Err(); err != nil {
			if !strings.HasPrefix(err.Error(), "fn: ") {
				t.Fatalf("error %q does not start with the function name", err)
			}
			return
		}
		if k < 1 || k > math.MaxInt32 || !(tol >= 0 && tol <= 1) {
			t.Fatalf("accepted out-of-range values k=%d tol=%v from %q", k, tol, text)
		}
	})
}

func FuzzSingleStatement(f *testing.F) {
	for _, s := range []string{"SELECT 1", "SELECT 1;", "SELECT ';'", "SELECT 1; DELETE FROM t", `SELECT "a""b"`,
		"SELECT [x", "SELECT 1 -- c", "SELECT 1 /* c", "/* */;", "--\n;SELECT 1", "SELECT 'it''s'; ;", "`", "[", "'", "-", "/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := SingleStatement(s)
		if err != nil {
			return
		}
		if !strings.HasPrefix(s, got) {
			t.Fatalf("SingleStatement(%q) = %q, not a prefix of its input", s, got)
		}
		// A statement that passed passes again unchanged.
		again, err := SingleStatement(got)
		if err != nil || again != got {
			t.Fatalf("SingleStatement(%q) = %q, %v; not idempotent", got, again, err)
		}
	})
}

func FuzzSourceQuery(f *testing.F) {
	for _, s := range []string{"rfm", "main.rfm", "SELECT * FROM t", "WITH x AS (SELECT 1) DELETE FROM t", "VALUES (1)",
		"DELETE FROM t", "SELECT 1; DELETE FROM t", "a.b.c", `"quoted"`, "t$1", " ", "/* x */ WITH"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := SourceQuery("kmeans_train", s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "kmeans_train: ") {
				t.Fatalf("error %q does not start with the function name", err)
			}
			return
		}
		head := strings.ToUpper(firstWord(q))
		if head != "SELECT" && head != "WITH" && head != "VALUES" {
			t.Fatalf("SourceQuery(%q) = %q, which starts with %q", s, q, head)
		}
		if _, err := SingleStatement(q); err != nil {
			t.Fatalf("SourceQuery(%q) = %q, which is not one statement: %v", s, q, err)
		}
	})
}
