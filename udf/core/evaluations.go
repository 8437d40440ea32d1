package core

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"

	"github.com/seed-a084b42d/marketsql/catalog"
)

// Field is one key and value of an Object.
type Field struct {
	Key   string
	Value any
}

// Object is a JSON object whose keys keep their order, as a function's
// columns or metrics come. A float64 that is NaN or infinite becomes null,
// which encoding/json would refuse.
type Object []Field

// MarshalJSON implements json.Marshaler.
func (o Object) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(f.Key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		v := f.Value
		if x, ok := v.(float64); ok && (math.IsNaN(x) || math.IsInf(x, 0)) {
			v = nil
		}
		val, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		b.Write(val)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// RowObjects turns a table function's rows into one Object per row, keyed
// by its column names (the declared type, as in "k INTEGER", left out).
func RowObjects(columns []string, rows [][]any) []Object {
	names := make([]string, len(columns))
	for j, c := range columns {
		names[j] = c
		if f := strings.Fields(c); len(f) > 0 {
			names[j] = f[0]
		}
	}
	out := make([]Object, len(rows))
	for i, r := range rows {
		o := make(Object, 0, len(names))
		for j, v := range r {
			if j < len(names) {
				o = append(o, Field{names[j], v})
			}
		}
		out[i] = o
	}
	return out
}

// JSONOptions returns an options argument (JSON object text, or NULL) as
// JSON for a record of the call: the object as given, compacted, or {} when
// it was left out. Callers have parsed it already.
func JSONOptions(options any) json.RawMessage {
	var raw []byte
	switch v := options.(type) {
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil || b.String() == "null" {
		return json.RawMessage(`{}`)
	}
	return b.Bytes()
}

// RecordEvaluation keeps the result of the evaluation function fn on
// subject (a model name, or a source) in the catalog's ml_evaluations, in
// place of the earlier one, so that a report can show it: args are the
// call's other arguments and result what it returned, both encoded as
// JSON.
//
// The record is a by-product of the call, never its point. On a writable
// connection it is written as a first training would write: creating the
// catalog when the database has none (so kmeans_select_k run before any
// training is kept) and migrating an older one, in one savepoint. Inside a
// statement that itself writes (INSERT ... SELECT, CREATE TABLE ... AS),
// where SQLite opens no savepoint, it is one INSERT OR REPLACE into a
// catalog that is already current, and skipped when the catalog is missing
// or older. It is skipped without a word, too, when the connection is
// read-only, the call runs inside another call's source query, the database
// is locked or the catalog is newer than this build. The only error it
// returns is the call's own stop: an interrupt or the end of the Go API's
// context, worded as TrainError words it.
func (c *Conn) RecordEvaluation(fn, subject string, args, result any) error {
	if err := c.Check(); err != nil {
		return TrainError(fn, err, false)
	}
	c.mu.Lock()
	reading := c.reading
	c.mu.Unlock()
	if reading > 0 {
		return nil // a source only reads (see CheckWrite)
	}
	a, err := json.Marshal(args)
	if err != nil {
		return nil
	}
	r, err := json.Marshal(result)
	if err != nil {
		return nil
	}
	err = catalog.PutEvaluation(c.SQL, &catalog.Evaluation{Subject: subject, Function: fn,
		Args: string(a), Result: string(r), CreatedAt: c.Env.Clock()})
	if err == nil {
		return nil
	}
	if Stopped(err) {
		return TrainError(fn, err, false)
	}
	if err := c.Check(); err != nil {
		return TrainError(fn, err, false)
	}
	return nil
}
