package ldafn_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

const twoTopics = `{"topics": 2, "passes": 20, "max_df": 0.9, "holdout": 0, "seed": 3}`

func TestTrainAndUse(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	var s struct {
		Docs, Vocabulary int
		Skipped          struct{ NullText, Empty, Pruned, InvalidUTF8 int }
	}
	raw := sqltest.One[string](t, db, `SELECT lda_train('m', 'reviews', ?)`, twoTopics)
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		t.Fatal(err)
	}
	// 14 rows: 1 NULL, 2 with no word (stop words only, numbers only).
	if s.Docs != 11 || !strings.Contains(raw, `"null_text":1,"empty":2`) {
		t.Errorf("summary %s", raw)
	}
	// Topics are numbered from 1, ranks from 1, weights descending within a topic.
	got := sqltest.Table(t, db, `SELECT topic, rank, word FROM lda_topics('m', 3)`)
	if !(strings.Contains(got, "1|1|") && strings.Contains(got, "2|3|")) || strings.Count(got, "\n") != 6 {
		t.Errorf("lda_topics:\n%s", got)
	}
	if n := sqltest.One[int](t, db, `SELECT count(*) FROM lda_topics('m', 3) a JOIN lda_topics('m', 3) b ON a.topic = b.topic AND b.rank = a.rank + 1 WHERE b.weight > a.weight`); n != 0 {
		t.Errorf("%d weights out of order", n)
	}
	if n := sqltest.One[int](t, db, `SELECT count(*) FROM lda_topics('m')`); n != 2*min(10, s.Vocabulary) {
		t.Errorf("lda_topics default top_n: %d rows, vocabulary %d", n, s.Vocabulary)
	}
	// Topic 1 is the larger one.
	var shares []float64
	var metrics struct {
		TopicShare []float64 `json:"topic_share"`
		CNPMI      []float64 `json:"topic_c_npmi"`
	}
	if err := json.Unmarshal([]byte(sqltest.One[string](t, db, `SELECT metrics FROM ml_models WHERE name = 'm'`)), &metrics); err != nil {
		t.Fatal(err)
	}
	shares = metrics.TopicShare
	if len(shares) != 2 || shares[0] < shares[1] || len(metrics.CNPMI) != 2 {
		t.Errorf("metrics %+v", metrics)
	}
	// Every document's stored weights sum to about 1 (minimum_probability 0.01 drops little).
	if bad := sqltest.One[int](t, db, `SELECT count(*) FROM (SELECT doc_id, sum(weight) s FROM lda_doc_topics('m') GROUP BY doc_id) WHERE s < 0.98 OR s > 1.0000001`); bad != 0 {
		t.Errorf("%d documents' weights do not sum to 1", bad)
	}
	if got := sqltest.One[int](t, db, `SELECT count(*) FROM ml_lda_doc_topics WHERE model = 'm'`); got != sqltest.One[int](t, db, `SELECT count(*) FROM lda_doc_topics('m')`) {
		t.Errorf("lda_doc_topics and ml_lda_doc_topics differ")
	}
	// Inference: the chocolate text and the coffee text go to different topics.
	a := sqltest.One[int](t, db, `SELECT lda_top_topic('m', 'sweet chocolate cookies')`)
	b := sqltest.One[int](t, db, `SELECT lda_top_topic('m', 'dark roast coffee beans')`)
	if a == b {
		t.Errorf("chocolate and coffee both in topic %d", a)
	}
	if w := sqltest.One[float64](t, db, `SELECT sum(weight) FROM lda_infer('m', 'sweet chocolate cookies')`); math.Abs(w-1) > 1e-9 {
		t.Errorf("lda_infer weights sum to %g", w)
	}
	// Deterministic: the same text gives the same weights.
	q := `SELECT group_concat(weight) FROM lda_infer('m', 'coffee and cookies')`
	if sqltest.One[string](t, db, q) != sqltest.One[string](t, db, q) {
		t.Errorf("lda_infer is not deterministic")
	}
	// No known word: no rows, NULL topic; NULL text likewise.
	if n := sqltest.One[int](t, db, `SELECT count(*) FROM lda_infer('m', 'zebra xylophone')`); n != 0 {
		t.Errorf("unknown words gave %d rows", n)
	}
	var null any = 1
	if err := db.QueryRow(`SELECT lda_top_topic('m', NULL)`).Scan(&null); err != nil || null != nil {
		t.Errorf("NULL text: %v %v", null, err)
	}
	// Top 30 words of every topic (or the whole vocabulary) in the side table.
	if n := sqltest.One[int](t, db, `SELECT count(*) FROM ml_lda_topic_words WHERE model = 'm'`); n != 2*min(30, s.Vocabulary) {
		t.Errorf("ml_lda_topic_words has %d rows, want 2 topics x %d words", n, s.Vocabulary)
	}
	// Retraining replaces the model; the cache follows.
	sqltest.Exec(t, db, `SELECT lda_train('m', 'reviews', '{"topics": 3, "max_df": 0.9, "holdout": 0}')`)
	if n := sqltest.One[int](t, db, `SELECT count(DISTINCT topic) FROM lda_topics('m')`); n != 3 {
		t.Errorf("after retraining: %d topics", n)
	}
	if v := sqltest.One[int](t, db, `SELECT version FROM ml_models WHERE name = 'm'`); v != 2 {
		t.Errorf("version %d", v)
	}
	sqltest.Exec(t, db, `SELECT ml_drop('m')`)
	if n := sqltest.One[int](t, db, `SELECT (SELECT count(*) FROM ml_lda_topic_words) + (SELECT count(*) FROM ml_lda_doc_topics)`); n != 0 {
		t.Errorf("ml_drop left %d side rows", n)
	}
}

func TestTermSourceAndDeterminism(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	sqltest.Exec(t, db, `CREATE TABLE bow(doc TEXT, term TEXT, n REAL)`)
	sqltest.Exec(t, db, `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < 2999)
INSERT INTO bow SELECT 'd' || (i / 10), 'w' || ((i / 10) % 3) || '_' || ((i * 7) % 10), 1 + i % 2 FROM s`)
	var ref string
	for _, threads := range []int{1, 2, 5} {
		opt := `{"topics": 3, "passes": 3, "chunksize": 37, "holdout": 0.2, "seed": 9, "alpha": "auto", "threads": ` + string(rune('0'+threads)) + `}`
		raw := sqltest.One[string](t, db, `SELECT lda_train('t', 'SELECT doc, term, n FROM bow', ?)`, opt)
		if !strings.Contains(raw, `"c_npmi_window":"document"`) || !strings.Contains(raw, `"holdout_docs":60`) {
			t.Errorf("summary %s", raw)
		}
		got := sqltest.Table(t, db, `SELECT topic, rank, word, weight FROM lda_topics('t', 5)`) + sqltest.Table(t, db, `SELECT * FROM lda_doc_topics('t') WHERE doc_id < 'd2'`)
		if ref == "" {
			ref = got
		} else if got != ref {
			t.Errorf("threads=%d: the model differs from threads=1", threads)
		}
	}
	// Text keys stay text.
	if typ := sqltest.One[string](t, db, `SELECT typeof(doc_id) FROM lda_doc_topics('t') LIMIT 1`); typ != "text" {
		t.Errorf("doc_id type %s", typ)
	}
}

func TestChineseText(t *testing.T) {
	t.Parallel()
	_, db := openMem(t)
	sqltest.Exec(t, db, `CREATE TABLE zh(id INTEGER, txt TEXT)`)
	sqltest.Exec(t, db, `INSERT INTO zh VALUES (1, '送餐速度太慢了，米饭都凉了'), (2, '米饭好吃，味道不错'), (3, '速度很快，味道很好'),
		(4, '米饭太少，味道一般'), (5, '送餐速度快，服务热情'), (6, '服务态度很好，速度快')`)
	sqltest.Exec(t, db, `SELECT lda_train('zh', 'zh', '{"topics": 2, "max_df": 1, "holdout": 0, "user_words": ["送餐"]}')`)
	words := sqltest.Table(t, db, `SELECT word FROM lda_topics('zh', 20)`)
	for _, w := range []string{"米饭", "速度", "味道", "送餐"} {
		if !strings.Contains(words, w+"\n") {
			t.Errorf("topic words lack %q:\n%s", w, words)
		}
	}
	if strings.Contains(words, "，") || strings.Contains(words, "了\n") {
		t.Errorf("punctuation or particles among topic words:\n%s", words)
	}
}
