// Package recommendfn is the SQL surface of product recommendations.
//
//	recommend_train(model, source, options)           JSON summary; trains and stores a model
//	recommend(model, user [, n [, options]])           table: rank, item, score, reason
//	recommend_basket(model, items_json [, n [, options]]) table: rank, item, score, reason (fold-in)
//	similar_items(model, item [, n])                   table: rank, item, score
//	recommend_eval(model, holdout_source [, n])        table: metric, value
//
// recommend_eval also keeps its latest metrics per model in the catalog's
// ml_evaluations (function 'recommend_eval'), when the database can be
// written; ml_drop removes them with the model. See core.RecordEvaluation.
//
// The source of recommend_train has two or three columns: user key, item
// key (INTEGER or TEXT, kept as they are) and an optional non-negative
// weight (e.g. quantity). Duplicate (user, item) pairs are summed.
package recommendfn

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

var recCols = []string{"rank INTEGER", "item", "score REAL", "reason TEXT"}

// Functions is the recommendation family's SQL surface.
var Functions = []core.Function{
	{Name: "recommend_train", Writes: true, Signature: "recommend_train(model, source, options)",
		Summary: "learn product recommendations from (user, item[, weight]) rows and store the model; returns a JSON summary",
		Scalar:  trainSQL},
	{Name: "recommend", Signature: "recommend(model, user [, n [, options]])",
		Summary: "the n (default 10) best new items for a user; the most popular items for a user the model has not seen",
		Table: &core.TableFunc{Columns: recCols, Args: []string{"model", "user", "n", "options"}, MinArgs: 2,
			Run: recommendUser}},
	{Name: "recommend_basket", Signature: "recommend_basket(model, items_json [, n [, options]])",
		Summary: "the n best items for a basket given as a JSON array of item keys (an anonymous session, a new customer)",
		Table: &core.TableFunc{Columns: recCols, Args: []string{"model", "items", "n", "options"}, MinArgs: 2,
			Run: recommendBasket}},
	{Name: "similar_items", Signature: "similar_items(model, item [, n])",
		Summary: "the n (default 10) items most similar to an item",
		Table: &core.TableFunc{Columns: []string{"rank INTEGER", "item", "score REAL"}, Args: []string{"model", "item_key", "n"}, MinArgs: 2,
			Run: similarItems}},
	{Name: "recommend_eval", Signature: "recommend_eval(model, holdout_source [, n])",
		Summary: "precision, recall, MAP and NDCG at n (default 10) and catalogue coverage against held-out (user, item) rows",
		Table: &core.TableFunc{Columns: []string{"metric TEXT", "value REAL"}, Args: []string{"model", "holdout", "n"}, MinArgs: 2,
			Run: evaluate}},
}

// Register adds the recommendation functions to a connection.
func Register(c *core.Conn) error { return core.Register(c, Functions) }

// trainSQL is recommend_train(model, source [, options]).
var trainSQL = core.TrainFunc("recommend_train", parseOptions, Train)

func load(c *core.Conn, fn string, name any) (*Model, error) {
	s, err := core.Text(fn, "model", name)
	if err != nil {
		return nil, err
	}
	if err := checkName(fn, s); err != nil {
		return nil, err
	}
	return core.LoadModelAs(c, fn, s, Kind, Decode)
}

// checkName is catalog.CheckName with the name quoted only as a short
// prefix: a name is a user value, and may be a megabyte long.
func checkName(fn, name string) error {
	if catalog.CheckName(name) != nil {
		return core.Errorf(fn, "invalid model name %s: use letters, digits and _ (at most 64, not starting with a digit)", quote(name))
	}
	return nil
}

// count reads the optional n argument: default 10, at least 1, and at most
// items, the number of items of the model (no list is longer), so that n
// never sizes an allocation beyond the catalogue.
func count(fn string, v any, items int) (int, error) {
	if v == nil {
		return max(min(10, items), 1), nil
	}
	if b, ok := v.([]byte); ok && b == nil {
		return max(min(10, items), 1), nil
	}
	n, err := core.Integer(fn, "n", v)
	if err != nil {
		return 0, err
	}
	if n < 1 {
		return 0, core.Errorf(fn, "n must be at least 1, got %d", n)
	}
	return int(max(min(n, int64(items), math.MaxInt32), 1)), nil
}

// callOptions reads the options of recommend and recommend_basket.
func callOptions(fn string, v any) (includeSeen bool, err error) {
	o, err := core.ParseOptions(fn, v, []string{"include_seen"})
	if err != nil {
		return false, err
	}
	includeSeen = o.Bool("include_seen", false)
	return includeSeen, o.Err()
}

// rows renders ranked items; the first nModel come from the model, the
// rest from popularity.
func rows(m *Model, items []int32, scores []float64, nModel int) [][]any {
	out := make([][]any, len(items))
	for k, i := range items {
		reason := "model"
		if k >= nModel {
			reason = "popular"
		}
		out[k] = []any{int64(k + 1), m.Items[i], scores[k], reason}
	}
	return out
}

func recommendUser(c *core.Conn, args []any) ([][]any, error) {
	const fn = "recommend"
	m, err := load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	key, ok, err := core.InteractionKey(fn, "user", args[1])
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, core.Errorf(fn, "argument user is NULL; pass a user key (%s)", abbreviate(m.UserColumn))
	}
	n, err := count(fn, args[2], len(m.Items))
	if err != nil {
		return nil, err
	}
	includeSeen, err := callOptions(fn, args[3])
	if err != nil {
		return nil, err
	}
	s := m.getScratch()
	defer m.putScratch(s)
	u, known := m.User(key)
	if !known {
		items, scores := m.TopPopular(n, nil, s)
		return rows(m, items, scores, 0), nil
	}
	items, scores, nModel := m.TopUser(u, n, includeSeen, s)
	return rows(m, items, scores, nModel), nil
}

// parseBasket reads a JSON array of item keys; keys the model does not
// know are left out.
func parseBasket(fn string, m *Model, v any) ([]int32, error) {
	text, err := core.Text(fn, "items_json", v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(strings.NewReader(text))
	dec.UseNumber()
	var list []any
	if err := dec.Decode(&list); err != nil || dec.More() {
		return nil, core.Errorf(fn, "items_json must be a JSON array of item keys such as '[\"85123A\", \"71053\"]' or json_group_array(item), got %q", abbreviate(text))
	}
	var out []int32
	seen := map[int32]bool{}
	for k, e := range list {
		var key any
		switch x := e.(type) {
		case string:
			key = x
		case json.Number:
			i, err := x.Int64()
			if err != nil {
				f, ferr := x.Float64()
				if ferr != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<53 {
					return nil, core.Errorf(fn, "items_json element %d is %s; item keys are integers or strings", k+1, abbreviate(string(x)))
				}
				i = int64(f)
			}
			key = i
		default:
			return nil, core.Errorf(fn, "items_json element %d is %s; item keys are integers or strings", k+1, abbreviate(jsonText(e)))
		}
		if i, ok := m.Item(key); ok && !seen[int32(i)] {
			seen[int32(i)] = true
			out = append(out, int32(i))
		}
	}
	return out, nil
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(bytes.TrimSpace(b))
}

// abbreviate cuts a user value quoted in an error message to a short
// prefix marked with "...".
func abbreviate(s string) string { return text.Abbreviate(s, 40) }

// quote quotes the abbreviated s.
func quote(s string) string { return text.Quote(s, 40) }

func recommendBasket(c *core.Conn, args []any) ([][]any, error) {
	const fn = "recommend_basket"
	m, err := load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	items, err := parseBasket(fn, m, args[1])
	if err != nil {
		return nil, err
	}
	n, err := count(fn, args[2], len(m.Items))
	if err != nil {
		return nil, err
	}
	includeSeen, err := callOptions(fn, args[3])
	if err != nil {
		return nil, err
	}
	s := m.getScratch()
	defer m.putScratch(s)
	if len(items) == 0 {
		top, scores := m.TopPopular(n, nil, s)
		return rows(m, top, scores, 0), nil
	}
	top, scores, nModel, err := m.TopBasket(items, nil, n, includeSeen, s)
	if err != nil {
		return nil, core.Errorf(fn, "%w", err)
	}
	return rows(m, top, scores, nModel), nil
}

func similarItems(c *core.Conn, args []any) ([][]any, error) {
	const fn = "similar_items"
	m, err := load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	key, ok, err := core.InteractionKey(fn, "item", args[1])
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, core.Errorf(fn, "argument item is NULL; pass an item key (%s)", abbreviate(m.ItemColumn))
	}
	n, err := count(fn, args[2], len(m.Items))
	if err != nil {
		return nil, err
	}
	i, known := m.Item(key)
	if !known {
		return nil, core.Errorf(fn, "item %s is not in model %s (it has %d items); similar items need an item the model was trained on", core.KeyText(key), quote(fmt.Sprint(args[0])), len(m.Items))
	}
	s := m.getScratch()
	defer m.putScratch(s)
	items, scores := m.Similar(i, n, s)
	out := make([][]any, len(items))
	for k, j := range items {
		out[k] = []any{int64(k + 1), m.Items[j], scores[k]}
	}
	return out, nil
}

// evalPollRows is how many holdout rows recommend_eval matches to the model
// between two polls of the call's context.
const evalPollRows = 4096

func evaluate(c *core.Conn, args []any) ([][]any, error) {
	const fn = "recommend_eval"
	m, err := load(c, fn, args[0])
	if err != nil {
		return nil, err
	}
	name, _ := core.Text(fn, "model", args[0]) // load read it
	n, err := count(fn, args[2], len(m.Items))
	if err != nil {
		return nil, err
	}
	query, err := core.SourceQuery(fn, args[1])
	if err != nil {
		return nil, err
	}
	in, err := c.ReadInteractions(fn, query, true)
	if err != nil {
		return nil, err
	}
	switch {
	case in.Rows == 0:
		return nil, core.Errorf(fn, "the holdout source has no rows; pass the (user, item) rows held out of training, e.g. the purchases after a cut-off date")
	case len(in.U) == 0:
		return nil, core.Errorf(fn, "none of the holdout's %d rows is usable (%d with a NULL key or weight, %d of weight 0); nothing to evaluate", in.Rows, in.Skipped, in.Zero)
	}
	// The holdout's keys become the model's indices; an item the model
	// does not know gets a negative index of its own.
	unknownUsers := map[any]bool{}
	itemIdx := make([]int32, len(in.Items))
	unknownItem := int32(-1)
	for k, key := range in.Items {
		if i, ok := m.Item(key); ok {
			itemIdx[k] = int32(i)
		} else {
			itemIdx[k] = unknownItem
			unknownItem--
		}
	}
	// ctx stops the evaluation when the call is interrupted or its Go
	// context ends; it is polled on this goroutine only.
	ctx := c.Context()
	users, items := make([]int, 0, len(in.U)), make([]int32, 0, len(in.U))
	for k := range in.U {
		if k%evalPollRows == 0 {
			if err := ctx.Err(); err != nil {
				return nil, core.TrainError(fn, err, false)
			}
		}
		ukey := in.Users[in.U[k]]
		u, ok := m.User(ukey)
		if !ok {
			unknownUsers[ukey] = true
			continue
		}
		users, items = append(users, u), append(items, itemIdx[in.I[k]])
	}
	relevant, err := m.Relevant(ctx, users, items)
	if err != nil {
		return nil, core.TrainError(fn, err, false)
	}
	if len(relevant) == 0 {
		return nil, core.Errorf(fn, "no holdout user can be evaluated: of its %d users, %d are not in the model and %d have only items they already had in training; "+
			"was the model trained on the holdout rows too? Train on the rows before a cut-off date and hold out the rest",
			len(in.Users), len(unknownUsers), len(in.Users)-len(unknownUsers))
	}
	r, err := m.Evaluate(ctx, relevant, n, false, c.Env.Threads)
	if err != nil {
		return nil, core.TrainError(fn, err, false)
	}
	suffix := "@" + strconv.Itoa(n)
	out := [][]any{
		{"users", float64(r.Users)},
		{"users_unknown", float64(len(unknownUsers))},
		{"precision" + suffix, r.Precision},
		{"recall" + suffix, r.Recall},
		{"map" + suffix, r.MAP},
		{"ndcg" + suffix, r.NDCG},
		{"coverage" + suffix, r.Coverage},
	}
	metrics := make(core.Object, len(out))
	for k, row := range out {
		metrics[k] = core.Field{Key: row[0].(string), Value: row[1]}
	}
	call := core.Object{{Key: "holdout", Value: strings.TrimSpace(args[1].(string))}, {Key: "n", Value: n}} // SourceQuery took it as text
	if err := c.RecordEvaluation(fn, name, call, metrics); err != nil {
		return nil, err
	}
	return out, nil
}
