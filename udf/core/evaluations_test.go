package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/seed-a084b42d/marketsql/udf/core"
)

func TestObjectJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"empty", core.Object{}, `{}`},
		{"keeps order", core.Object{{"users", 2.0}, {"precision@10", 0.25}, {"coverage@10", 1.0}},
			`{"users":2,"precision@10":0.25,"coverage@10":1}`},
		{"non-finite is null", core.Object{{"nan", math.NaN()}, {"inf", math.Inf(-1)}, {"nil", nil}, {"s", `a"b`}},
			`{"nan":null,"inf":null,"nil":null,"s":"a\"b"}`},
		{"nested", core.Object{{"options", core.JSONOptions(`{ "seed" : 1 }`)}, {"rows", []core.Object{{{"k", int64(2)}}}}},
			`{"options":{"seed":1},"rows":[{"k":2}]}`},
		{"rows", core.RowObjects([]string{"k INTEGER", "inertia REAL", "item"}, [][]any{{int64(1), 2.5, "x"}, {int64(2), nil, int64(7)}}),
			`[{"k":1,"inertia":2.5,"item":"x"},{"k":2,"inertia":null,"item":7}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.v)
			if err != nil || string(b) != tc.want {
				t.Errorf("got %s (%v), want %s", b, err, tc.want)
			}
		})
	}
}

func TestJSONOptions(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   any
		want string
	}{
		{nil, `{}`}, {"", `{}`}, {"  ", `{}`}, {"null", `{}`}, {[]byte(nil), `{}`},
		{`{"k": 4, "init": [[1, 2]]}`, `{"k":4,"init":[[1,2]]}`},
		{[]byte(` {"seed":1} `), `{"seed":1}`},
	} {
		if got := string(core.JSONOptions(tc.in)); got != tc.want {
			t.Errorf("JSONOptions(%#v) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// TestRecordEvaluation: a record creates the catalog on a writable
// database without one, replaces the earlier record, carries the
// connection's clock, and is skipped (nil error, nothing written) where it
// cannot be written; a stopped call's error is returned, not swallowed.
func TestRecordEvaluation(t *testing.T) {
	t.Parallel()
	sc, _ := twoConns(t)
	c := conn(t, sc)
	ctx := context.Background()
	record := func(subject string, args, result any) (err error) {
		t.Helper()
		if rerr := sc.Raw(func(any) error { err = c.RecordEvaluation("test_eval", subject, args, result); return nil }); rerr != nil {
			t.Fatal(rerr)
		}
		return err
	}
	rows := func() string {
		t.Helper()
		var out []string
		r, err := sc.QueryContext(ctx, `SELECT subject, function, args, result, created_at FROM ml_evaluations ORDER BY subject`)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for r.Next() {
			var s [5]string
			if err := r.Scan(&s[0], &s[1], &s[2], &s[3], &s[4]); err != nil {
				t.Fatal(err)
			}
			out = append(out, strings.Join(s[:], "|"))
		}
		return strings.Join(out, "\n")
	}
	count := func(q string) int64 {
		t.Helper()
		var n int64
		if err := sc.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}

	catalogTables := `SELECT count(*) FROM sqlite_schema WHERE name LIKE 'ml\_%' ESCAPE '\'`

	// Read-only without a catalog: skipped, nothing is created.
	run(t, sc, `PRAGMA query_only = 1`)
	if err := record("m", core.Object{{"n", 1}}, core.Object{{"x", 1.5}}); err != nil {
		t.Fatalf("under query_only without a catalog: %v", err)
	}
	run(t, sc, `PRAGMA query_only = 0`)
	if n := count(catalogTables); n != 0 {
		t.Fatalf("a read-only record created %d catalog tables", n)
	}

	// Writable without a catalog: the catalog is created to hold the record.
	c.Env.Now = func() time.Time { return time.Date(2024, 5, 6, 7, 8, 9, 123456789, time.FixedZone("CEST", 7200)) }
	if err := record("m", core.Object{{"n", 1}}, core.Object{{"x", 1.5}}); err != nil {
		t.Fatal(err)
	}
	if got, want := rows(), `m|test_eval|{"n":1}|{"x":1.5}|2024-05-06T05:08:09.123Z`; got != want {
		t.Errorf("record:\n got %s\nwant %s", got, want)
	}
	if v := count(`SELECT version FROM ml_schema`); v != 3 {
		t.Errorf("catalog version %d after the first record, want 3", v)
	}
	trainPopular(t, sc) // a training uses the catalog the record created
	if err := record("m", core.Object{{"n", 2}}, []core.Object{{{"v", math.NaN()}}}); err != nil {
		t.Fatal(err)
	}
	if got, want := rows(), `m|test_eval|{"n":2}|[{"v":null}]|2024-05-06T05:08:09.123Z`; got != want {
		t.Errorf("replaced record:\n got %s\nwant %s", got, want)
	}
	before := rows()

	// Values JSON cannot encode: skipped.
	if err := record("m", map[string]any{"f": func() {}}, nil); err != nil {
		t.Errorf("unencodable args: %v", err)
	}
	if err := record("m", nil, []any{math.NaN()}); err != nil {
		t.Errorf("unencodable result: %v", err)
	}
	// Read-only connection: skipped.
	run(t, sc, `PRAGMA query_only = 1`)
	if err := record("m", core.Object{{"n", 3}}, nil); err != nil {
		t.Errorf("under query_only: %v", err)
	}
	run(t, sc, `PRAGMA query_only = 0`)
	// A newer catalog than this build: left alone.
	run(t, sc, `UPDATE ml_schema SET version = version + 1`)
	if err := record("m", core.Object{{"n", 4}}, nil); err != nil {
		t.Errorf("newer catalog: %v", err)
	}
	run(t, sc, `UPDATE ml_schema SET version = version - 1`)
	// A stopped call: its stop is the error, and nothing is written.
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	var err error
	sc.Raw(func(any) error {
		err = c.WithCall(stopped, nil, func() error { return c.RecordEvaluation("test_eval", "m", core.Object{{"n", 5}}, nil) })
		return nil
	})
	if !errors.Is(err, context.Canceled) || err.Error() != "test_eval: interrupted" {
		t.Errorf("stopped call: %v, want test_eval: interrupted", err)
	}
	if got := rows(); got != before {
		t.Errorf("a skipped record changed ml_evaluations:\n got %s\nwant %s", got, before)
	}
}

// TestRecordEvaluationInTransaction: the record is part of the caller's
// transaction, as training is: a rollback takes it back, and with it the
// catalog the record created.
func TestRecordEvaluationInTransaction(t *testing.T) {
	t.Parallel()
	sc, _ := twoConns(t)
	c := conn(t, sc)
	var n int64
	catalogTables := `SELECT count(*) FROM sqlite_schema WHERE name LIKE 'ml\_%' ESCAPE '\'`
	run(t, sc, `BEGIN`)
	sc.Raw(func(any) error { return c.RecordEvaluation("test_eval", "m", nil, nil) })
	if err := sc.QueryRowContext(context.Background(), `SELECT count(*) FROM ml_evaluations`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("inside the transaction, without a catalog before: %d rows (%v), want 1", n, err)
	}
	run(t, sc, `ROLLBACK`)
	if err := sc.QueryRowContext(context.Background(), catalogTables).Scan(&n); err != nil || n != 0 {
		t.Fatalf("after ROLLBACK: %d catalog tables (%v), want 0", n, err)
	}

	trainPopular(t, sc)
	run(t, sc, `BEGIN`)
	sc.Raw(func(any) error { return c.RecordEvaluation("test_eval", "m", nil, nil) })
	if err := sc.QueryRowContext(context.Background(), `SELECT count(*) FROM ml_evaluations`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("inside the transaction: %d rows (%v), want 1", n, err)
	}
	run(t, sc, `ROLLBACK`)
	if err := sc.QueryRowContext(context.Background(), `SELECT count(*) FROM ml_evaluations`).Scan(&n); err != nil || n != 0 {
		t.Errorf("after ROLLBACK: %d rows (%v), want 0", n, err)
	}
}
