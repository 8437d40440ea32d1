package lda

import (
	"errors"
	"fmt"
	"sort"
)

// Corpus is a bag-of-words collection in compressed sparse rows: document d
// holds the term ids Terms[Ptr[d]:Ptr[d+1]] (distinct, in any order) with the
// matching Counts. Term ids are in [0, V).
type Corpus struct {
	V      int
	Ptr    []int
	Terms  []int32
	Counts []float64
}

// Docs is the number of documents.
func (c *Corpus) Docs() int {
	if len(c.Ptr) == 0 {
		return 0
	}
	return len(c.Ptr) - 1
}

// Doc returns the term ids and counts of document d.
func (c *Corpus) Doc(d int) ([]int32, []float64) {
	a, b := c.Ptr[d], c.Ptr[d+1]
	return c.Terms[a:b], c.Counts[a:b]
}

// Tokens is the sum of all counts.
func (c *Corpus) Tokens() float64 {
	s := 0.0
	for _, v := range c.Counts {
		s += v
	}
	return s
}

// Append adds a document. Repeated ids are merged.
func (c *Corpus) Append(terms []int32, counts []float64) {
	if len(c.Ptr) == 0 {
		c.Ptr = []int{0}
	}
	start := len(c.Terms)
	var at map[int32]int
	if len(terms) > 32 {
		at = make(map[int32]int, len(terms))
	}
	for i, t := range terms {
		j := -1
		if at != nil {
			if p, ok := at[t]; ok {
				j = p
			}
		} else {
			for p := start; p < len(c.Terms); p++ {
				if c.Terms[p] == t {
					j = p
					break
				}
			}
		}
		if j >= 0 {
			c.Counts[j] += counts[i]
			continue
		}
		if at != nil {
			at[t] = len(c.Terms)
		}
		c.Terms = append(c.Terms, t)
		c.Counts = append(c.Counts, counts[i])
	}
	c.Ptr = append(c.Ptr, len(c.Terms))
}

// Subset returns the documents whose indexes are listed, in that order.
func (c *Corpus) Subset(docs []int) *Corpus {
	out := &Corpus{V: c.V, Ptr: make([]int, 1, len(docs)+1)}
	for _, d := range docs {
		t, n := c.Doc(d)
		out.Terms = append(out.Terms, t...)
		out.Counts = append(out.Counts, n...)
		out.Ptr = append(out.Ptr, len(out.Terms))
	}
	return out
}

// check validates the corpus shape; user-caused problems (a bad count) are
// errors.
func (c *Corpus) check() error {
	if c.V < 1 {
		return fmt.Errorf("the vocabulary is empty")
	}
	if len(c.Ptr) < 2 {
		return fmt.Errorf("there are no documents")
	}
	for _, t := range c.Terms {
		if t < 0 || int(t) >= c.V {
			panic(fmt.Sprintf("lda: term id %d outside the vocabulary of %d", t, c.V))
		}
	}
	for _, n := range c.Counts {
		if !(n > 0) || n > 1e15 {
			return fmt.Errorf("term counts must be positive and finite, got %g", n)
		}
	}
	return nil
}

// Vocabulary builds a corpus from documents of string terms and prunes the
// vocabulary by document frequency.
type Vocabulary struct {
	ids   map[string]int32
	terms []string
	df    []int
	docs  Corpus
}

// NewVocabulary returns an empty builder.
func NewVocabulary() *Vocabulary { return &Vocabulary{ids: map[string]int32{}} }

// Add adds one document: terms with their counts (repeats are merged).
func (b *Vocabulary) Add(terms []string, counts []float64) {
	ids := make([]int32, len(terms))
	for i, t := range terms {
		id, ok := b.ids[t]
		if !ok {
			id = int32(len(b.terms))
			b.ids[t] = id
			b.terms = append(b.terms, t)
			b.df = append(b.df, 0)
		}
		ids[i] = id
	}
	before := len(b.docs.Terms)
	b.docs.Append(ids, counts)
	for _, id := range b.docs.Terms[before:] {
		b.df[id]++
	}
}

// Docs is the number of documents added.
func (b *Vocabulary) Docs() int { return b.docs.Docs() }

// Terms is the number of distinct terms added, before pruning.
func (b *Vocabulary) Terms() int { return len(b.terms) }

// Prune keeps the terms in at least minDF documents and in at most maxDF
// (a fraction of the documents, 1 keeps all), then the maxVocab most
// frequent of them (0: no limit; ties by term). Kept terms are numbered in
// byte order. It returns the vocabulary and the corpus over it; documents
// left empty stay, with no terms.
func (b *Vocabulary) Prune(minDF int, maxDF float64, maxVocab int) ([]string, *Corpus) {
	n := b.docs.Docs()
	var keep []int32
	for id := range b.terms {
		df := b.df[id]
		if df >= minDF && float64(df) <= maxDF*float64(n) {
			keep = append(keep, int32(id))
		}
	}
	if maxVocab > 0 && len(keep) > maxVocab {
		sort.Slice(keep, func(i, j int) bool {
			a, c := keep[i], keep[j]
			if b.df[a] != b.df[c] {
				return b.df[a] > b.df[c]
			}
			return b.terms[a] < b.terms[c]
		})
		keep = keep[:maxVocab]
	}
	sort.Slice(keep, func(i, j int) bool { return b.terms[keep[i]] < b.terms[keep[j]] })
	remap := make([]int32, len(b.terms))
	for i := range remap {
		remap[i] = -1
	}
	vocab := make([]string, len(keep))
	for i, id := range keep {
		remap[id] = int32(i)
		vocab[i] = b.terms[id]
	}
	out := &Corpus{V: len(vocab), Ptr: make([]int, 1, n+1)}
	for d := 0; d < n; d++ {
		t, c := b.docs.Doc(d)
		for i, id := range t {
			if r := remap[id]; r >= 0 {
				out.Terms = append(out.Terms, r)
				out.Counts = append(out.Counts, c[i])
			}
		}
		out.Ptr = append(out.Ptr, len(out.Terms))
	}
	return vocab, out
}

// NonEmpty returns the indexes of the documents with at least one term.
func (c *Corpus) NonEmpty() []int {
	var docs []int
	for d := 0; d < c.Docs(); d++ {
		if c.Ptr[d+1] > c.Ptr[d] {
			docs = append(docs, d)
		}
	}
	return docs
}

// Longest is the most distinct terms of one of the listed documents.
func (c *Corpus) Longest(docs []int) int {
	n := 0
	for _, d := range docs {
		n = max(n, c.Ptr[d+1]-c.Ptr[d])
	}
	return n
}

// Texts returns the term ids of the listed documents, in no particular
// order: the texts of NPMIContext for a bag of words, with DocumentWindow.
func (c *Corpus) Texts(docs []int) [][]int32 {
	texts := make([][]int32, 0, len(docs))
	for _, d := range docs {
		ids, _ := c.Doc(d)
		texts = append(texts, ids)
	}
	return texts
}

// Lexicon numbers the terms of a vocabulary (a model's, or Prune's), for
// turning tokens into term ids.
type Lexicon struct {
	ids map[string]int32
}

// ErrDuplicateTerm reports a vocabulary that holds a term twice.
var ErrDuplicateTerm = errors.New("the vocabulary holds a term twice")

// NewLexicon returns the lexicon of vocab, term i numbered i.
func NewLexicon(vocab []string) (*Lexicon, error) {
	l := &Lexicon{ids: make(map[string]int32, len(vocab))}
	for i, w := range vocab {
		l.ids[w] = int32(i)
	}
	if len(l.ids) != len(vocab) {
		return nil, ErrDuplicateTerm
	}
	return l, nil
}

// Known returns the ids and counts of the terms of a bag of words (distinct
// terms, as text.Bag gives them) that are in the vocabulary, in their
// order: a document for Infer.
func (l *Lexicon) Known(terms []string, counts []float64) ([]int32, []float64) {
	var ids []int32
	var cts []float64
	for i, t := range terms {
		if id, ok := l.ids[t]; ok {
			ids = append(ids, id)
			cts = append(cts, counts[i])
		}
	}
	return ids, cts
}

// Text returns the id of every token in text order, -1 for a token not in
// the vocabulary: a text of NPMIContext, with TextWindow.
func (l *Lexicon) Text(tokens []string) []int32 {
	t := make([]int32, 0, len(tokens))
	for _, w := range tokens {
		if id, ok := l.ids[w]; ok {
			t = append(t, id)
		} else {
			t = append(t, -1)
		}
	}
	return t
}
