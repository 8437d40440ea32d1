package text_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/internal/datasets/reuters"
)

// topWords tokenizes docs, prunes the vocabulary with min_df 5 (stricter
// than lda_train's default of 2, to keep these tests fast) and max_df 0.5
// (lda_train's default), and returns the top 10 words of each topic.
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
	o := lda.Defaults()
	o.Topics, o.Passes, o.Seed = topics, 2, 1
	m, err := lda.Fit(context.Background(), c, o)
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
	tk, _ := text.New(text.Defaults())
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
	user := []string{"送餐"}
	o := text.Defaults()
	o.UserWords = user
	tk, _ := text.New(o)
	for k, words := range topWords(t, docs, tk, 8) {
		t.Logf("topic %d: %s", k+1, strings.Join(words, " "))
		for _, w := range words {
			han := strings.IndexFunc(w, func(r rune) bool { return !unicode.Is(unicode.Han, r) }) < 0
			switch {
			case strings.IndexFunc(w, func(r rune) bool { return unicode.IsPunct(r) || unicode.IsSymbol(r) }) >= 0:
				t.Errorf("topic %d: %q has punctuation", k+1, w)
			case zhFunctionWords[w]:
				t.Errorf("topic %d: %q is a function word", k+1, w)
			case strings.ContainsRune("一二两三四五六七八九十百千万几半", []rune(w)[0]) &&
				strings.ContainsRune("一二两三四五六七八九十百千万几半个份块次点些盒碗瓶杯袋斤元多", []rune(w)[len([]rune(w))-1]):
				t.Errorf("topic %d: %q is a number or quantity", k+1, w)
			case !han || utf8.RuneCountInString(w) < 2 || !text.InDictionary(w) && !slices.Contains(user, w):
				t.Errorf("topic %d: %q is not a real Chinese word (a dictionary word of 2+ characters or a user word)", k+1, w)
			}
		}
	}
}

// zhFunctionWords are common Chinese function words, pronouns and fillers,
// listed here independently of the tokenizer's stop lists, that a topic's
// top words must not be.
var zhFunctionWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`的 了 是 在 和 与 就 都 也 还 很 太 不 没 有 我 你 他 她 它 这 那 啊 吧 呢 吗 哦 嗯 呀 么
		我们 你们 他们 她们 自己 这个 那个 这些 那些 这里 那里 这样 那样 这么 那么 这次 这家 什么 怎么 怎么样 为什么
		一个 一些 一点 一下 一直 一次 一般 一样 没有 不是 就是 还是 但是 可是 不过 因为 所以 而且 然后 如果 虽然
		已经 非常 真的 真是 是不是 再也 比较 有点 特别 确实 其实 实在 可以 不能 不会 应该 觉得 感觉 知道 时候 现在 以后 之前 还有 而已 的话`) {
		m[w] = true
	}
	return m
}()
