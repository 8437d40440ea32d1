package ldafn_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// TestErrorsQuoteAbbreviatedValues: an error quotes at most a short
// abbreviation of a user's value (document text, document id, column name,
// model name, option value), never the whole of a 1 MB value.
func TestErrorsQuoteAbbreviatedValues(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	big := strings.Repeat("chocolate ", 120000) // 1.2 MB
	sqltest.Exec(t, db, `CREATE TABLE bad(id INTEGER, body TEXT)`)
	sqltest.Exec(t, db, `INSERT INTO bad VALUES (1003, ?)`, big)
	long := strings.Repeat("a", 200)
	// Option values are under the 1 MB limit of an options text.
	mid := strings.Repeat("chocolate ", 60000) // 600 kB
	cases := []struct {
		name, q   string
		prefix    string
		fragments []string
	}{
		{"text in a count column", `SELECT lda_train('x', 'SELECT id, body, body FROM bad WHERE id = 1003', '{}')`, "lda_train: ",
			[]string{"row 1 (id=1003, body=\"chocolate chocolate", `..."): column "body" must be a positive number, got TEXT "chocolate`}},
		{"1 MB document id", `SELECT lda_train('x', 'SELECT printf(''%.*c'', 1000000, ''a''), ''w'', ''x''', '{}')`, "lda_train: ",
			[]string{`="aaaaaaaaaa`, `...", 'w'=`, "positive number"}},
		{"long column names", `SELECT lda_train('x', 'SELECT id AS "` + long + `" FROM bad', '{}')`, "lda_train: ", []string{"1 column(s) (aaaa", "...)"}},
		{"long text id with a blob", `SELECT lda_train('x', 'SELECT body, x''00ff'' FROM bad', '{}')`, "lda_train: ", nil},
		{"long model name", `SELECT lda_train(?, 'bad', '{}')`, "lda_train: ", []string{"invalid model name"}},
		{"long stop_words", `SELECT lda_train('x', 'bad', json_object('stop_words', ?))`, "lda_train: ", []string{`"stop_words"`, "array"}},
		{"long alpha", `SELECT lda_train('x', 'bad', json_object('alpha', ?))`, "lda_train: ", []string{`"alpha"`}},
		{"options over 1 MB", `SELECT lda_train('x', 'bad', json_object('alpha', ?))`, "lda_train: ", []string{"options are", "1 MB"}},
	}
	for _, c := range cases {
		var args []any
		if strings.Contains(c.q, "?") {
			switch {
			case strings.Contains(c.name, "over 1 MB"), !strings.Contains(c.q, "json_object"):
				args = append(args, big)
			default:
				args = append(args, mid)
			}
		}
		err := sqltest.QueryErrCtx(context.Background(), db, c.q, args...)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := err.Error()
		if len(msg) > 400 {
			t.Errorf("%s: a %d-byte error: %.300s...", c.name, len(msg), msg)
		}
		sqltest.WantErr(t, err, c.prefix, c.fragments...)
	}
}

// TestTableFunctionsRefuseExtraArguments: one argument too many is our
// error, naming the function and its signature, not SQLite's "too many
// arguments on lda_infer() - max 2".
func TestTableFunctionsRefuseExtraArguments(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	sqltest.Exec(t, db, `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9}')`)
	for q, want := range map[string][]string{
		`SELECT * FROM lda_infer('m', 'sweet chocolate', '{}')`: {"lda_infer: ", "lda_infer(model, text)"},
		`SELECT * FROM lda_topics('m', 3, 'x')`:                 {"lda_topics: ", "lda_topics(model [, top_n])"},
		`SELECT * FROM lda_doc_topics('m', 1)`:                  {"lda_doc_topics: ", "lda_doc_topics(model)"},
	} {
		sqltest.WantErr(t, sqltest.QueryErrCtx(context.Background(), db, q), want[0], want[1:]...)
	}
	// The extra argument changes nothing when it is not given.
	if n := sqltest.One[int](t, db, `SELECT count(*) FROM lda_infer('m', 'sweet chocolate')`); n != 2 {
		t.Errorf("lda_infer: %d rows, want 2", n)
	}
}

// TestMetricsNamesMatchSummary: ml_models.metrics uses the summary's names
// (coherence.c_npmi, perplexity, ...), with the same values.
func TestMetricsNamesMatchSummary(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	raw := sqltest.One[string](t, db, `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9}')`)
	var summary, metrics map[string]any
	if err := json.Unmarshal([]byte(raw), &summary); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(sqltest.One[string](t, db, `SELECT metrics FROM ml_models WHERE name = 'm'`)), &metrics); err != nil {
		t.Fatal(err)
	}
	for k, v := range summary {
		if k == "model" || k == "seconds" {
			continue
		}
		if b1, _ := json.Marshal(v); string(b1) != func() string { b2, _ := json.Marshal(metrics[k]); return string(b2) }() {
			t.Errorf("summary %q = %s, metrics has %v", k, b1, metrics[k])
		}
	}
	if _, ok := metrics["c_npmi"]; ok {
		t.Errorf("metrics has a flat c_npmi besides coherence.c_npmi: %v", metrics)
	}
	if got := sqltest.One[float64](t, db, `SELECT json_extract(metrics, '$.coherence.c_npmi') FROM ml_models WHERE name = 'm'`); got != summary["coherence"].(map[string]any)["c_npmi"] {
		t.Errorf("metrics coherence.c_npmi %v", got)
	}
	for _, k := range []string{"topic_c_npmi", "topic_u_mass", "topic_share"} {
		if xs, ok := metrics[k].([]any); !ok || len(xs) != 2 {
			t.Errorf("metrics %q = %v, want 2 values", k, metrics[k])
		}
	}
}

// TestPerplexityNullSaysWhy: without a hold-out the summary and the metrics
// say why perplexity is null. With far more topics than the documents
// support, the fit learns nothing (every topic stays at the prior, and the
// held-out bound is not a number): that is an error naming "topics", and
// the previous model stays.
func TestPerplexityNullSaysWhy(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	sqltest.Exec(t, db, `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9}')`)
	before := snapshot(t, db)
	for _, k := range []int{1000, 10000} {
		err := sqltest.QueryErrCtx(context.Background(), db, `SELECT lda_train('m', 'reviews', json_object('topics', ?, 'max_df', 0.9))`, k)
		sqltest.WantErr(t, err, "lda_train: ", "learned nothing", fmt.Sprintf("%d topics", k), `fewer "topics"`, "nothing was saved")
	}
	if after := snapshot(t, db); after != before {
		t.Errorf("a fit that learned nothing changed the catalog")
	}
	raw := sqltest.One[string](t, db, `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9, "holdout": 0}')`)
	if !strings.Contains(raw, `"perplexity":null`) || !strings.Contains(raw, `"perplexity_note":"no document was held out`) {
		t.Errorf("holdout 0: %s", raw)
	}
	if note := sqltest.One[string](t, db, `SELECT coalesce(json_extract(metrics, '$.perplexity_note'), '') FROM ml_models WHERE name = 'm'`); !strings.HasPrefix(note, "no document was held out") {
		t.Errorf("holdout 0: metrics perplexity_note %q", note)
	}
	raw = sqltest.One[string](t, db, `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9}')`)
	if strings.Contains(raw, `"perplexity":null`) || strings.Contains(raw, "perplexity_note") {
		t.Errorf("default hold-out: %s", raw)
	}
}

// TestDocTopicsCoverHeldOutDocuments: lda_doc_topics gives every document
// of the source with a word left its topic mix, the held-out ones included
// (inferred), as its documentation says.
func TestDocTopicsCoverHeldOutDocuments(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	raw := sqltest.One[string](t, db, `SELECT lda_train('m', 'reviews', '{"topics": 2, "max_df": 0.9, "minimum_probability": 0}')`)
	var s struct {
		Docs        int `json:"docs"`
		HoldoutDocs int `json:"holdout_docs"`
	}
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatal(err)
	}
	if s.HoldoutDocs == 0 {
		t.Fatalf("no document held out: %s", raw)
	}
	if n := sqltest.One[int](t, db, `SELECT count(DISTINCT doc_id) FROM lda_doc_topics('m')`); n != s.Docs+s.HoldoutDocs {
		t.Errorf("lda_doc_topics covers %d documents; trained on %d, held out %d", n, s.Docs, s.HoldoutDocs)
	}
}
