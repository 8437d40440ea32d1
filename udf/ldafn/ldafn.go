// Package ldafn is the SQL surface of LDA topic models over customer text.
//
//	lda_train(model, source, options)   JSON summary; trains and stores a topic model
//	lda_topics(model [, top_n])         table: topic, rank, word, weight (top_n words per topic, default 10)
//	lda_doc_topics(model)               table: doc_id, topic, weight of every document of the source
//	lda_infer(model, text)              table: topic, weight of an unseen text
//	lda_top_topic(model, text)          the most likely topic (1..topics) of a text; NULL if no word is known
//
// The source is (doc_id, text) raw text, tokenized by algorithms/text (rows
// with the same doc_id are one document), or (doc_id, term, count) already
// tokenized. Topics are numbered from 1, largest share of tokens first.
// Side tables: ml_lda_topic_words (top 30 words of every topic) and
// ml_lda_doc_topics (document weights at or above "minimum_probability").
//
// lda_doc_topics and ml_lda_doc_topics cover every document of the source
// that kept a word after tokenizing and pruning, not only the ones trained
// on: the documents held out for perplexity (option "holdout", 10% by
// default; the summary's holdout_docs counts them) get the topic mix the
// trained model infers for them, like lda_infer. Train with "holdout": 0 to
// fit on every document.
//
// What is skipped, and counted in the summary's "skipped": rows with NULL
// text or term (null_text), documents with no word once tokenized: empty,
// only numbers, punctuation or stop words (empty), documents whose words
// were all pruned from the vocabulary (pruned), and words (or terms) longer
// than "max_token_bytes", 64 bytes by default (long_tokens, counting words,
// not documents). Invalid UTF-8 bytes are read as spaces and such documents
// are counted (invalid_utf8). A wrong number of columns, a NULL document id,
// a non-positive count, a text value over 16 MB (MaxTextBytes; a longer
// document is several rows with the same doc_id), "topics" below 1 or an
// empty vocabulary after pruning are errors, and an interrupted training
// keeps the previous model.
//
// Limits: before it allocates the model, lda_train estimates its peak
// memory from the corpus and the options (lda.Shape.Memory and the writing
// step, see checkMemory) and refuses above "max_memory" (by default half of
// the memory the process may use), naming the estimate and the options to
// lower; a model larger than SQLite stores in one value (1 GB by default)
// is refused too. A fit whose parameters are not finite, or that learned
// nothing (far too many topics), is an error and nothing is written.
package ldafn

import (
	"database/sql/driver"
	"io"
	"math"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// Functions is the LDA family's SQL surface.
var Functions = []core.Function{
	{Name: "lda_train", Writes: true, Signature: "lda_train(model, source, options)",
		Summary: "find topics in (doc_id, text) or (doc_id, term, count) rows with LDA and store the model; returns a JSON summary",
		Scalar:  trainSQL},
	{Name: "lda_top_topic", Signature: "lda_top_topic(model, text)",
		Summary: "the most likely topic (1..topics) of a text; NULL when none of its words is in the model",
		Scalar:  topTopic},
	{Name: "lda_topics", Signature: "lda_topics(model [, top_n])",
		Summary: "the top_n (default 10) most probable words of every topic, with their probability",
		Table: &core.TableFunc{Columns: []string{"topic INTEGER", "rank INTEGER", "word TEXT", "weight REAL"},
			Args: []string{"model", "top_n"}, MinArgs: 1, Run: topics}},
	{Name: "lda_doc_topics", Signature: "lda_doc_topics(model)",
		Summary: "the topic weights (those at or above minimum_probability) of every document of the source; held-out documents' are inferred",
		Table: &core.TableFunc{Columns: []string{"doc_id", "topic INTEGER", "weight REAL"},
			Args: []string{"model"}, MinArgs: 1, Run: docTopics}},
	{Name: "lda_infer", Signature: "lda_infer(model, text)",
		Summary: "the topic weights of an unseen text; no rows when none of its words is in the model",
		Table: &core.TableFunc{Columns: []string{"topic INTEGER", "weight REAL"},
			Args: []string{"model", "text"}, MinArgs: 2, Run: infer}},
}

// Register adds the LDA functions to a connection.
func Register(c *core.Conn) error { return core.Register(c, Functions) }

// trainSQL is lda_train(model, source [, options]).
var trainSQL = core.TrainFunc("lda_train", parseOptions, Train)

// Load returns the decoded model called name (cached per connection).
func Load(c *core.Conn, fn string, name any) (*Model, error) {
	return core.LoadModelArg(c, fn, name, Kind, Decode)
}

func topics(c *core.Conn, args []any) ([][]any, error) {
	const fn = "lda_topics"
	m, err := Load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	n := int64(10)
	if args[1] != nil {
		if n, err = core.Integer(fn, "top_n", args[1]); err != nil {
			return nil, err
		}
		if n < 1 {
			return nil, core.Errorf(fn, "top_n must be at least 1, got %d", n)
		}
	}
	top, weights, err := m.LDA.TopTermWeights(c.Context(), int(min(n, math.MaxInt32)))
	if err != nil {
		return nil, core.TrainError(fn, err, false)
	}
	var rows [][]any
	for k, ids := range top {
		for r, id := range ids {
			rows = append(rows, []any{int64(k + 1), int64(r + 1), m.Vocab[id], weights[k][r]})
		}
	}
	return rows, nil
}

func docTopics(c *core.Conn, args []any) ([][]any, error) {
	const fn = "lda_doc_topics"
	name, err := core.Text(fn, "model", args[0])
	if err != nil {
		return nil, err
	}
	if _, err := Load(c, fn, name); err != nil {
		return nil, err
	}
	rows, err := c.SQL.Query(`SELECT doc_id, topic, weight FROM ml_lda_doc_topics WHERE model = ?`, []driver.Value{name})
	if err != nil {
		return nil, core.Errorf(fn, "%w", err)
	}
	defer rows.Close()
	var out [][]any
	vals := make([]driver.Value, 3)
	for {
		if err := rows.Next(vals); err != nil {
			if err == io.EOF {
				return out, nil
			}
			return nil, core.Errorf(fn, "read ml_lda_doc_topics: %w", err)
		}
		out = append(out, []any{vals[0], vals[1], vals[2]})
	}
}

// weights infers the topic proportions of a text; nil when none of its
// words is in the vocabulary.
func (m *Model) weights(txt string) []float64 {
	return m.LDA.TopicWeights(m.lex.Known(text.Bag(m.tokenizer.Tokens(txt))))
}

func textArg(fn string, v any) (string, bool, error) {
	switch x := v.(type) {
	case nil:
		return "", false, nil
	case []byte:
		if x == nil {
			return "", false, nil
		}
	}
	if n := valueSize(v); n > MaxTextBytes {
		return "", false, core.Errorf(fn, "the text is %s, more than the %s a text value may have; infer the topics of a shorter text", core.FormatBytes(int64(n)), core.FormatBytes(MaxTextBytes))
	}
	s, err := core.Text(fn, "text", v)
	return s, err == nil, err
}

func infer(c *core.Conn, args []any) ([][]any, error) {
	const fn = "lda_infer"
	m, err := Load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	txt, ok, err := textArg(fn, args[1])
	if err != nil || !ok {
		return nil, err
	}
	var rows [][]any
	for k, w := range m.weights(txt) {
		rows = append(rows, []any{int64(k + 1), w})
	}
	return rows, nil
}

func topTopic(c *core.Conn, args []any) (any, error) {
	const fn = "lda_top_topic"
	if len(args) != 2 {
		return nil, core.Errorf(fn, "takes (model, text), got %d arguments", len(args))
	}
	m, err := Load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	txt, ok, err := textArg(fn, args[1])
	if err != nil || !ok {
		return nil, err
	}
	best := lda.ArgMax(m.weights(txt))
	if best < 0 {
		return nil, nil
	}
	return int64(best + 1), nil
}
