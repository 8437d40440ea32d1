package core

import (
	"errors"
	"strings"
	"testing"
)

func TestRecover(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		panic any
	}{
		{"string", "boom"},
		{"error", errors.New("boom")},
		{"runtime", nil}, // index out of range
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := func() (res any, err error) {
				defer Recover("kmeans_assign", &err)
				if tc.panic == nil {
					var s []int
					_ = s[3]
				}
				panic(tc.panic)
			}
			res, err := f()
			if res != nil || err == nil {
				t.Fatalf("got %v, %v; want an error", res, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "kmeans_assign: internal error: ") || !strings.Contains(msg, "please report") {
				t.Errorf("error %q", msg)
			}
			if tc.panic == nil && !strings.Contains(msg, "index out of range") {
				t.Errorf("error %q does not say what panicked", msg)
			}
		})
	}
	// No panic: the error is left alone.
	f := func() (err error) {
		defer Recover("f", &err)
		return errors.New("plain")
	}
	if err := f(); err == nil || err.Error() != "plain" {
		t.Errorf("Recover changed a plain error: %v", err)
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	accepted := []string{"k", "tol", "on", "name", "algo"}
	for _, tc := range []struct {
		name string
		text any
		read func(o *Options) any
		want any
		err  string // fragment of the error; "" for none
	}{
		{"nil", nil, func(o *Options) any { return o.Int("k", 7, 1, 10) }, 7, ""},
		{"empty", "  ", func(o *Options) any { return o.Int("k", 7, 1, 10) }, 7, ""},
		{"null json", "null", func(o *Options) any { return o.Int("k", 7, 1, 10) }, 7, ""},
		{"null value", `{"k": null}`, func(o *Options) any { return o.Int("k", 7, 1, 10) }, 7, ""},
		{"blob", []byte(`{"k": 3}`), func(o *Options) any { return o.Int("k", 7, 1, 10) }, 3, ""},
		{"int as float", `{"k": 4.0}`, func(o *Options) any { return o.Int("k", 7, 1, 10) }, 4, ""},
		{"int exponent", `{"k": 4e0}`, func(o *Options) any { return o.Int("k", 7, 1, 10) }, 4, ""},
		{"int fraction", `{"k": 4.5}`, func(o *Options) any { return o.Int("k", 7, 1, 10) }, 7, `option "k" must be an integer from 1 to 10, got 4.5`},
		{"int string", `{"k": "4"}`, func(o *Options) any { return o.Int("k", 7, 1, 10) }, 7, `got "4"`},
		{"int range", `{"k": 11}`, func(o *Options) any { return o.Int("k", 7, 1, 10) }, 7, "from 1 to 10"},
		{"int huge", `{"k": 1e300}`, func(o *Options) any { return o.Int("k", 7, 1, 10) }, 7, `option "k"`},
		{"int overflow", `{"k": 99999999999999999999}`, func(o *Options) any { return o.Int("k", 7, 1, 10) }, 7, `option "k"`},
		{"float", `{"tol": 0.5}`, func(o *Options) any { return o.Float("tol", 1, 0, 1) }, 0.5, ""},
		{"float int", `{"tol": 1}`, func(o *Options) any { return o.Float("tol", 0, 0, 1) }, 1.0, ""},
		{"float range", `{"tol": 2}`, func(o *Options) any { return o.Float("tol", 1, 0, 1) }, 1.0, "from 0 to 1"},
		{"float text", `{"tol": "x"}`, func(o *Options) any { return o.Float("tol", 1, 0, 1) }, 1.0, `option "tol"`},
		{"bool", `{"on": false}`, func(o *Options) any { return o.Bool("on", true) }, false, ""},
		{"bool 1", `{"on": 1}`, func(o *Options) any { return o.Bool("on", false) }, true, ""},
		{"bool text", `{"on": "yes"}`, func(o *Options) any { return o.Bool("on", false) }, false, "true or false"},
		{"string", `{"name": "x\"y"}`, func(o *Options) any { return o.String("name", "") }, `x"y`, ""},
		{"string number", `{"name": 3}`, func(o *Options) any { return o.String("name", "d") }, "d", "a string"},
		{"enum", `{"algo": "b"}`, func(o *Options) any { return o.Enum("algo", "a", "a", "b") }, "b", ""},
		{"enum bad", `{"algo": "c"}`, func(o *Options) any { return o.Enum("algo", "a", "a", "b") }, "a", `one of "a", "b"`},
		{"not json", `{k: 1}`, nil, nil, "not a JSON object"},
		{"array", `[1]`, nil, nil, `options must be a JSON object such as '{"k": 4}' or json_object('k', 4), got "[1]"`},
		{"string json", `"k"`, nil, nil, "must be a JSON object"},
		{"duplicate key", `{"k": 2, "tol": 0.5, "k": 3}`, nil, nil, `option "k" is given twice`},
		{"huge unknown key", `{"` + strings.Repeat("z", 5000) + `": 1}`, nil, nil, `unknown option "zzzzzzzzzz`},
		{"two objects", `{} {}`, nil, nil, "text after the object"},
		{"unknown", `{"k": 1, "zz": 2, "aa": 3}`, nil, nil, `unknown option "aa"; accepted options: k, tol`},
		{"integer", int64(4), nil, nil, "INTEGER 4"},
		{"real", 4.5, nil, nil, "REAL 4.5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := ParseOptions("fn", tc.text, accepted)
			if err == nil && tc.read != nil {
				got := tc.read(o)
				if got != tc.want {
					t.Errorf("got %v, want %v", got, tc.want)
				}
				err = o.Err()
			}
			if tc.err == "" {
				if err != nil {
					t.Errorf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.HasPrefix(err.Error(), "fn: ") || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("error %v, want one starting with fn: and containing %q", err, tc.err)
			}
		})
	}
}

func TestSingleStatement(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in, want, err string
	}{
		{"SELECT 1", "SELECT 1", ""},
		{"SELECT 1;", "SELECT 1", ""},
		{"SELECT 1 ; ;  ", "SELECT 1 ", ""},
		{"SELECT 1; -- done", "SELECT 1", ""},
		{"SELECT 1; /* done */", "SELECT 1", ""},
		{"SELECT ';' AS x", "SELECT ';' AS x", ""},
		{`SELECT "a;b" FROM t`, `SELECT "a;b" FROM t`, ""},
		{"SELECT [a;b] FROM t", "SELECT [a;b] FROM t", ""},
		{"SELECT `a;b` FROM t", "SELECT `a;b` FROM t", ""},
		{"SELECT 'it''s;'", "SELECT 'it''s;'", ""},
		{"SELECT 1 -- a; comment\n", "SELECT 1 -- a; comment\n", ""},
		{"SELECT 1 /* a; */", "SELECT 1 /* a; */", ""},
		{"SELECT 1 /* unterminated", "SELECT 1 /* unterminated", ""},
		{"SELECT 1; DELETE FROM t", "", "only one statement"},
		{"SELECT 1;DELETE FROM t;", "", "only one statement"},
		{"SELECT 1; -- x\nDELETE FROM t", "", "only one statement"},
		{"SELECT 1; /* x */ DELETE FROM t", "", "only one statement"},
		{"", "", "empty"},
		{"  ;", "", "empty"},
		{"-- only a comment", "", "empty"},
		{"/* c */ ; SELECT 1", "", ""}, // an empty first statement, then another
		{"SELECT 'open", "", "unterminated ' quote"},
		{`SELECT "open`, "", "unterminated \" quote"},
		{"SELECT [open", "", "unterminated ["},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := SingleStatement(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("SingleStatement(%q) = %q, %v; want error %q", tc.in, got, err, tc.err)
				}
				return
			}
			if tc.want == "" {
				if err == nil {
					t.Errorf("SingleStatement(%q) = %q, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("SingleStatement(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestSourceQuery(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   any
		want string
		err  string
	}{
		{"rfm", `SELECT * FROM "rfm"`, ""},
		{"  rfm  ", `SELECT * FROM "rfm"`, ""},
		{"main.rfm", `SELECT * FROM "main"."rfm"`, ""},
		{"temp.t1", `SELECT * FROM "temp"."t1"`, ""},
		{"SELECT a, b FROM t", "SELECT a, b FROM t", ""},
		{"select a from t;", "select a from t", ""},
		{"WITH x AS (SELECT 1) SELECT * FROM x", "WITH x AS (SELECT 1) SELECT * FROM x", ""},
		{"VALUES (1, 2)", "VALUES (1, 2)", ""},
		{"/* c */ SELECT 1", "/* c */ SELECT 1", ""},
		{"DELETE FROM t", "", "starting with SELECT, WITH or VALUES"},
		{"PRAGMA table_info(t)", "", "starting with SELECT"},
		{"my table", "", "starting with SELECT"},
		{"SELECT 1; DELETE FROM t", "", "only one statement"},
		{"", "", "empty"},
		{int64(3), "", "INTEGER 3"},
		{nil, "", "NULL"},
		{[]byte(nil), "", "NULL"},
	} {
		t.Run(strings.ReplaceAll(strings.TrimSpace(strings.ToLower(DescribeValue(tc.in))), "/", "_"), func(t *testing.T) {
			got, err := SourceQuery("kmeans_train", tc.in)
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), "kmeans_train: ") || !strings.Contains(err.Error(), tc.err) {
					t.Errorf("SourceQuery(%v) = %q, %v; want error %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("SourceQuery(%v) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}
