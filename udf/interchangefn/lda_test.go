package interchangefn_test

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
	"github.com/seed-a084b42d/marketsql/interop/spark"
)

// TestSparkLDA imports Spark 3.4's online LDA with its CountVectorizer
// vocabulary: every topic's top words are its column of the topic matrix in
// descending order, and a text made of one topic's words is inferred to be
// about that topic.
func TestSparkLDA(t *testing.T) {
	dir := sparkModels(t, "lda-spark-3.4")
	db := sqltest.Open(t).DB()
	err := sqltest.QueryErr(db, `SELECT ml_import('t', ?)`, filepath.Join(dir, "lda"))
	sqltest.WantErr(t, err, "ml_import:", `"vocabulary"`)
	summary := sqltest.One[string](t, db, `SELECT ml_import('t', ?, json_object('vocabulary', ?))`, filepath.Join(dir, "lda"), filepath.Join(dir, "cv"))
	for _, want := range []string{`"kind":"lda"`, `"topics":5`, `"vocabulary":14263`} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %s: %s", want, summary)
		}
	}
	m, err := spark.Read(filepath.Join(dir, "lda"), spark.ReadOptions{Vocabulary: filepath.Join(dir, "cv")})
	if err != nil {
		t.Fatal(err)
	}
	l := m.LDA
	const top = 10
	for k := 0; k < l.K; k++ {
		col := make([]int, l.VocabSize)
		for w := range col {
			col[w] = w
		}
		sort.SliceStable(col, func(a, b int) bool { return l.Lambda[col[a]*l.K+k] > l.Lambda[col[b]*l.K+k] })
		var want []string
		for _, w := range col[:top] {
			want = append(want, l.Vocabulary[w])
		}
		got := strings.Fields(sqltest.Table(t, db, `SELECT word FROM lda_topics('t', ?) WHERE topic = ? ORDER BY rank`, top, k+1))
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("topic %d: %v, the matrix's argmax order %v", k+1, got, want)
		}
		text := strings.Join(want, " ")
		if tt := sqltest.One[int64](t, db, `SELECT lda_top_topic('t', ?)`, text); tt != int64(k+1) {
			t.Errorf("a text of topic %d's words is about topic %d", k+1, tt)
		}
		var best int64
		var weight float64
		if err := db.QueryRow(`SELECT topic, weight FROM lda_infer('t', ?) ORDER BY weight DESC LIMIT 1`, text).Scan(&best, &weight); err != nil {
			t.Fatal(err)
		}
		if best != int64(k+1) || weight < 0.5 {
			t.Errorf("lda_infer puts the most weight (%.3f) on topic %d of a text of topic %d's words", weight, best, k+1)
		}
	}
}
