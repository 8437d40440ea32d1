package text_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/bench/lda/reuters"
)

// topWords tokenizes docs, prunes the vocabulary as lda_train does by
// default (min_df 5, max_df 0.5) and returns the top 10 words of each topic.
func topWords(t *testing.T, docs []string, tk *text.Tokenizer, topics int) [][]string {
	b := lda.NewVocabulary()
	for _, d := range docs {
		toks := tk.Tokens(d)
		counts := make([]float64, len(toks))
		for i := range counts {
			counts[i] = 1
		}
		b.Add(toks, counts)
	}
	vocab, c := b.Prune(5, 0.5, 0)
	m, err := lda.Fit(context.Background(), c, lda.Options{Topics: topics, Passes: 2, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, top := range m.TopTerms(10) {
		var ws []string
		for _, id := range top {
			ws = append(ws, vocab[id])
		}
		out = append(out, ws)
	}
	return out
}

func TestReutersRawTextTopicsAreRealWords(t *testing.T) {
	dir := reuters.Dir()
	if dir == "" {
		t.Skip("../shared/data (or $MARKETSQL_DATA) with reuters-21578 is not here")
	}
	d, err := reuters.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	tk, _ := text.New(text.Options{})
	stop := reuters.StopWords()
	for k, words := range topWords(t, d.RawTrain, tk, 10) {
		t.Logf("topic %d: %s", k+1, strings.Join(words, " "))
		for _, w := range words {
			if len([]rune(w)) < 3 || stop[w] || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
				t.Errorf("topic %d: %q is not a real word", k+1, w)
			}
		}
	}
}

func TestWaimaiTopicsAreRealChineseWords(t *testing.T) {
	dir := reuters.Dir()
	path := filepath.Join(dir, "chinese-reviews", "waimai_10k.csv")
	f, err := os.Open(path)
	if dir == "" || err != nil {
		t.Skip("../shared/data/chinese-reviews/waimai_10k.csv (or $MARKETSQL_DATA) is not here")
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var docs []string
	for _, r := range recs[1:] {
		docs = append(docs, r[1])
	}
	tk, _ := text.New(text.Options{})
	for k, words := range topWords(t, docs, tk, 8) {
		t.Logf("topic %d: %s", k+1, strings.Join(words, " "))
		for _, w := range words {
			han := strings.IndexFunc(w, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) < 0
			if !han || len([]rune(w)) < 2 || !text.InDictionary(w) || len(tk.Tokens(w)) != 1 {
				t.Errorf("topic %d: %q is not a real Chinese word (dictionary word of 2+ characters, no stop word)", k+1, w)
			}
		}
	}
}
