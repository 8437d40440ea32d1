package ldafn_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// TestBadInput walks the list: each case is a clear error naming
// the function, or a counted skip, and a failed call leaves the catalog as
// it was.
func TestBadInput(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	sqltest.Exec(t, db, `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9}')`)
	sqltest.Exec(t, db, `CREATE TABLE pts(id INTEGER, a REAL, b REAL)`)
	sqltest.Exec(t, db, `INSERT INTO pts VALUES (1, 0, 0), (2, 1, 1), (3, 5, 5)`)
	sqltest.Exec(t, db, `SELECT kmeans_train('seg', 'pts', '{"k": 2}')`)
	before := snapshot(t, db)
	errs := []struct {
		name, q   string
		fragments []string
	}{
		{"topics 0", `SELECT lda_train('m', 'reviews', '{"topics": 0}')`, []string{`"topics"`, "from 1"}},
		{"topics negative", `SELECT lda_train('m', 'reviews', '{"topics": -3}')`, []string{`"topics"`}},
		{"unknown option", `SELECT lda_train('m', 'reviews', '{"k": 3}')`, []string{`unknown option "k"`, "topics"}},
		{"bad alpha", `SELECT lda_train('m', 'reviews', '{"alpha": -1}')`, []string{`"alpha"`, "positive"}},
		{"asymmetric eta", `SELECT lda_train('m', 'reviews', '{"eta": "asymmetric"}')`, []string{`"eta"`}},
		{"bad language", `SELECT lda_train('m', 'reviews', '{"language": "fr"}')`, []string{`"language"`}},
		{"stop_words not a list", `SELECT lda_train('m', 'reviews', '{"stop_words": "the"}')`, []string{`"stop_words"`, "array"}},
		{"one column", `SELECT lda_train('m', 'SELECT id FROM reviews', '{}')`, []string{"1 column", "(doc_id, text) or (doc_id, term, count)"}},
		{"four columns", `SELECT lda_train('m', 'SELECT id, txt, 1, 2 FROM reviews', '{}')`, []string{"4 column", "(doc_id, text)"}},
		{"NULL doc id", `SELECT lda_train('m', 'SELECT NULL, txt FROM reviews', '{}')`, []string{"row 1", "NULL", "document id"}},
		{"REAL doc id", `SELECT lda_train('m', 'SELECT 1.5, txt FROM reviews', '{}')`, []string{"REAL 1.5"}},
		{"bad count", `SELECT lda_train('m', 'SELECT id, ''w'', -1 FROM reviews', '{}')`, []string{"row 1", "positive number", "INTEGER -1"}},
		{"text count", `SELECT lda_train('m', 'SELECT id, ''w'', ''x'' FROM reviews', '{}')`, []string{"positive number"}},
		{"blob text", `SELECT lda_train('m', 'SELECT 1, x''00''', '{}')`, []string{}},
		{"empty vocabulary", `SELECT lda_train('m', 'reviews', '{"min_df": 100}')`, []string{"vocabulary is empty after pruning", "min_df"}},
		{"no words at all", `SELECT lda_train('m', 'SELECT id, ''the and of 123'' FROM reviews', '{}')`, []string{"no document has any word"}},
		{"all NULL", `SELECT lda_train('m', 'SELECT id, NULL FROM reviews', '{}')`, []string{"no document has any word", "14 NULL"}},
		{"empty source", `SELECT lda_train('m', 'SELECT id, txt FROM reviews WHERE 0', '{}')`, []string{"no document"}},
		{"writing source", `SELECT lda_train('m', 'DELETE FROM reviews RETURNING id, txt', '{}')`, []string{"SELECT"}},
		{"bad model name", `SELECT lda_train('bad name', 'reviews', '{}')`, []string{"invalid model name"}},
		{"missing table", `SELECT lda_train('m', 'nope', '{}')`, []string{"nope"}},
		{"not an lda model", `SELECT * FROM lda_topics('seg')`, []string{"kmeans model, not lda"}},
		{"unknown model", `SELECT * FROM lda_topics('nothing')`, []string{"model not found"}},
		{"top_n 0", `SELECT * FROM lda_topics('m', 0)`, []string{"top_n"}},
		{"infer number", `SELECT * FROM lda_infer('m', 42)`, []string{"text"}},
		{"top topic one arg", `SELECT lda_top_topic('m')`, []string{}},
		{"train inside a write", `CREATE TABLE x AS SELECT lda_train('m', 'reviews', '{}')`, []string{}},
	}
	for _, c := range errs {
		err := sqltest.QueryErrCtx(context.Background(), db, c.q)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := err.Error()
		prefix := strings.SplitN(strings.TrimPrefix(strings.TrimPrefix(c.q, "SELECT * FROM "), "SELECT "), "(", 2)[0]
		if !strings.HasPrefix(msg, prefix+": ") && !strings.Contains(c.name, "one arg") && !strings.Contains(c.name, "write") {
			t.Errorf("%s: error %q does not start with %q", c.name, msg, prefix)
		}
		for _, f := range c.fragments {
			if !strings.Contains(msg, f) {
				t.Errorf("%s: error %q does not mention %q", c.name, msg, f)
			}
		}
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("a failed call changed the catalog")
	}
}

// TestSkips covers the inputs that are counted rather than refused: NULL
// text, empty and stop-word-only documents, invalid UTF-8 and a 1 MB
// document.
func TestSkips(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	sqltest.Exec(t, db, `CREATE TABLE odd(id INTEGER, txt)`)
	sqltest.Exec(t, db, `INSERT INTO odd SELECT id, txt FROM reviews`)
	sqltest.Exec(t, db, `INSERT INTO odd VALUES (20, ''), (21, '   '), (22, 'the of and to'), (23, CAST(x'636f6666656520ff6265616e73' AS TEXT)),
		(24, NULL), (1, 'more chocolate for document one')`)
	big := strings.Repeat("chocolate coffee beans sweet cookies roast ", 1<<20/40)
	sqltest.Exec(t, db, `INSERT INTO odd VALUES (25, ?)`, big)
	raw := sqltest.One[string](t, db, `SELECT lda_train('m', 'odd', '{"topics": 2, "max_df": 1, "holdout": 0}')`)
	for _, want := range []string{`"null_text":2`, `"empty":5`, `"invalid_utf8":1`, `"docs":13`} {
		if !strings.Contains(raw, want) {
			t.Errorf("summary %s lacks %s", raw, want)
		}
	}
	// Document 1 is its two rows together; the invalid one was read with a space.
	if n := sqltest.One[int](t, db, `SELECT count(DISTINCT doc_id) FROM lda_doc_topics('m') WHERE doc_id IN (1, 23, 25)`); n != 3 {
		t.Errorf("documents 1, 23, 25: %d have topics", n)
	}
}

// TestInterruptTraining cancels a long lda_train, through SQL and through
// the Go API, and checks that it stops promptly and keeps the previous model.
func TestInterruptTraining(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 200k-row table")
	}
	e, db := openMem(t)
	sqltest.Exec(t, db, `CREATE TABLE bow(doc INTEGER, term TEXT, n INTEGER)`)
	sqltest.Exec(t, db, `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 199999)
INSERT INTO bow SELECT i / 20, 'w' || ((i * 7919) % 3000), 1 FROM s`)
	sqltest.Exec(t, db, `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9}')`)
	before := snapshot(t, db)
	long := `{"topics": 200, "passes": 1000, "chunksize": 500, "min_df": 1}`
	// check: err is prefix + our message saying the call was interrupted
	// (wrapping the context's error when the Go API's context ended), or
	// exactly the context's error when ctxErrOK (through database/sql,
	// mattn/go-sqlite3 reports ctx.Err() for a step that ran while the
	// context ended, whatever the function's message).
	check := func(t *testing.T, err error, elapsed time.Duration, prefix string, ctxErrOK bool) {
		t.Helper()
		switch {
		case err == nil:
			t.Fatalf("want an error, got none")
		case ctxErrOK && err == context.DeadlineExceeded:
		default:
			sqltest.WantErr(t, err, prefix, "previous model, if any, is unchanged")
			if msg := err.Error(); !strings.Contains(msg, "interrupted") && !strings.Contains(msg, "deadline exceeded") {
				t.Errorf("error %q does not say the call was interrupted", msg)
			}
		}
		if elapsed > 3*time.Second {
			t.Errorf("returned %v after the cancellation; want promptly", elapsed)
		}
		if after := snapshot(t, db); after != before {
			t.Errorf("the previous model changed")
		}
	}
	for _, delay := range []time.Duration{30 * time.Millisecond, 500 * time.Millisecond} {
		t.Run("sql/"+delay.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), delay)
			defer cancel()
			start := time.Now()
			err := sqltest.QueryErrCtx(ctx, db, `SELECT lda_train('m', 'SELECT doc, term, n FROM bow', ?)`, long)
			check(t, err, time.Since(start)-delay, "lda_train: ", true)
		})
		t.Run("go/"+delay.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), delay)
			defer cancel()
			start := time.Now()
			_, err := e.TrainLDA(ctx, "m", "SELECT doc, term, n FROM bow", &engine.LDAOptions{Topics: 200, Passes: 1000, Chunksize: 500, MinDF: 1})
			check(t, err, time.Since(start)-delay, "TrainLDA: ", false)
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
			}
		})
	}
	// Many topics: most of the time goes to allocating and initializing
	// the topic-word arrays (3000 topics × 3000 words) and to documents
	// of 3000 topics each.
	for _, delay := range []time.Duration{20 * time.Millisecond, 200 * time.Millisecond, 800 * time.Millisecond} {
		t.Run("allocation/"+delay.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), delay)
			defer cancel()
			start := time.Now()
			err := sqltest.QueryErrCtx(ctx, db, `SELECT lda_train('m', 'SELECT doc, term, n FROM bow', '{"topics": 3000, "min_df": 1, "max_df": 1}')`)
			check(t, err, time.Since(start)-delay, "lda_train: ", true)
		})
	}
	sqltest.Exec(t, db, `SELECT lda_train('m', 'reviews', '{"topics": 3, "max_df": 0.9}')`)
	if v := sqltest.One[int](t, db, `SELECT version FROM ml_models WHERE name = 'm'`); v != 2 {
		t.Errorf("version after retraining %d, want 2", v)
	}
}
