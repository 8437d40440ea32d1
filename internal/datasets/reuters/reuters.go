// Package reuters rebuilds the Reuters-21578 bag of words that the peer
// script lda_prep.py (../shared/peers) feeds to gensim, bit for bit, so that
// marketsql's LDA and gensim's LdaModel are measured on the same input. It is
// used by the LDA benchmark and by tests; it is not part of the product.
package reuters

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/internal/datasets"
)

//go:embed sklearn_stopwords.txt
var stopText string

// StopWords is scikit-learn's ENGLISH_STOP_WORDS (318 words), as lda_prep.py uses.
func StopWords() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(stopText) {
		m[w] = true
	}
	return m
}

// Data is the prepared corpus.
type Data struct {
	Vocab      []string
	Train      *lda.Corpus // training documents
	Test       *lda.Corpus // held-out documents
	TrainTexts [][]int32   // in-vocabulary token streams of the training documents (coherence reference)
	TestTexts  [][]int32   // same for the held-out documents (document completion)
	RawTrain   []string    // title + "\n" + body of the kept training rows, before tokenizing
	TrainIDs   []string    // newid of every training document
}

// Dir returns the shared data directory: $MARKETSQL_DATA, else ../shared/data
// found by walking up from the working directory; "" if there is none.
func Dir() string {
	if d := os.Getenv("MARKETSQL_DATA"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "..", "shared", "data")
		if st, err := os.Stat(filepath.Join(p, "reuters-21578")); err == nil && st.IsDir() {
			return p
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}

// ErrMissing reports that the data file is not there.
var ErrMissing = errors.New("reuters-21578 data not found")

func tokenize(text string, stop map[string]bool) []string {
	text = strings.ToLower(text)
	var out []string
	i := 0
	for i < len(text) {
		if text[i] < 'a' || text[i] > 'z' {
			i++
			continue
		}
		j := i
		for j < len(text) && text[j] >= 'a' && text[j] <= 'z' {
			j++
		}
		if t := text[i:j]; len(t) >= 3 && !stop[t] {
			out = append(out, t)
		}
		i = j
	}
	return out
}

// Load reads <dir>/reuters-21578/reuters21578_docs.csv.gz and applies
// lda_prep.py's rules: rows with a body, text = title + "\n" + body, ASCII
// letter runs lower-cased of length >= 3 not in the stop list, every tenth
// kept row held out, vocabulary from the training rows with 5 <= df <= half
// the training rows in byte order, documents left empty dropped.
func Load(dir string) (*Data, error) {
	r, err := datasets.OpenCSV(filepath.Join(dir, "reuters-21578", "reuters21578_docs.csv.gz"))
	var missing *fs.PathError
	if errors.As(err, &missing) {
		return nil, fmt.Errorf("%w: %v", ErrMissing, err)
	} else if err != nil {
		return nil, err
	}
	defer r.Close()
	col := r.Column
	stop := StopWords()
	var docs [][]string
	var raws, ids []string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		body := rec[col["body"]]
		if body == "" {
			continue
		}
		raw := rec[col["title"]] + "\n" + body
		docs = append(docs, tokenize(raw, stop))
		raws = append(raws, raw)
		ids = append(ids, rec[col["newid"]])
	}
	var tr, te []int
	for i := range docs {
		if i%10 == 9 {
			te = append(te, i)
		} else {
			tr = append(tr, i)
		}
	}
	df := map[string]int{}
	for _, i := range tr {
		seen := map[string]bool{}
		for _, t := range docs[i] {
			if !seen[t] {
				seen[t] = true
				df[t]++
			}
		}
	}
	var vocab []string
	for t, c := range df {
		if c >= 5 && float64(c) <= 0.5*float64(len(tr)) {
			vocab = append(vocab, t)
		}
	}
	sort.Strings(vocab)
	vid := map[string]int32{}
	for i, t := range vocab {
		vid[t] = int32(i)
	}
	d := &Data{Vocab: vocab, Train: &lda.Corpus{V: len(vocab)}, Test: &lda.Corpus{V: len(vocab)}}
	build := func(idx []int, c *lda.Corpus, texts *[][]int32, keepRaw bool) {
		for _, i := range idx {
			var stream []int32
			for _, t := range docs[i] {
				if id, ok := vid[t]; ok {
					stream = append(stream, id)
				}
			}
			if len(stream) == 0 {
				continue
			}
			terms, counts := BagOf(stream)
			c.Append(terms, counts)
			*texts = append(*texts, stream)
			if keepRaw {
				d.RawTrain = append(d.RawTrain, raws[i])
				d.TrainIDs = append(d.TrainIDs, ids[i])
			}
		}
	}
	build(tr, d.Train, &d.TrainTexts, true)
	build(te, d.Test, &d.TestTexts, false)
	return d, nil
}

// BagOf counts a token stream, terms in ascending id order.
func BagOf(stream []int32) ([]int32, []float64) {
	cnt := map[int32]float64{}
	for _, t := range stream {
		cnt[t]++
	}
	terms := make([]int32, 0, len(cnt))
	for t := range cnt {
		terms = append(terms, t)
	}
	sort.Slice(terms, func(i, j int) bool { return terms[i] < terms[j] })
	counts := make([]float64, len(terms))
	for i, t := range terms {
		counts[i] = cnt[t]
	}
	return terms, counts
}

// Completion splits token streams for document completion as lda_bench.py
// does: even positions observed, odd positions evaluated; streams shorter
// than 2 are skipped.
func Completion(texts [][]int32, V int) (obs, eval *lda.Corpus) {
	obs, eval = &lda.Corpus{V: V}, &lda.Corpus{V: V}
	for _, s := range texts {
		if len(s) < 2 {
			continue
		}
		var a, b []int32
		for i, t := range s {
			if i%2 == 0 {
				a = append(a, t)
			} else {
				b = append(b, t)
			}
		}
		ta, ca := BagOf(a)
		tb, cb := BagOf(b)
		obs.Append(ta, ca)
		eval.Append(tb, cb)
	}
	return obs, eval
}

// LDAC renders a corpus in LDA-C format, as lda_prep.py writes it.
func LDAC(c *lda.Corpus) string {
	var b strings.Builder
	for d := 0; d < c.Docs(); d++ {
		t, n := c.Doc(d)
		fmt.Fprintf(&b, "%d", len(t))
		for i := range t {
			fmt.Fprintf(&b, " %d:%d", t[i], int(n[i]))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
