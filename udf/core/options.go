package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/seed-a084b42d/marketsql/algorithms/text"
)

// Options is one parsed JSON options object. Accessors record the first
// error (an unknown key, a wrong type, a value out of range), so callers read
// every option and check Err once.
type Options struct {
	fn       string
	values   map[string]json.RawMessage
	accepted []string
	err      error
}

// ParseOptions parses options (a JSON object text, or empty/NULL for all
// defaults) for function fn. Keys not in accepted are an error that lists them.
func ParseOptions(fn string, options any, accepted []string) (*Options, error) {
	o := &Options{fn: fn, values: map[string]json.RawMessage{}, accepted: accepted}
	var raw []byte
	switch v := options.(type) {
	case nil:
	case string:
		raw = []byte(v)
	case []byte:
		raw = v
	default:
		return nil, Errorf(fn, "options must be a JSON object text such as '{\"k\": 4}', got %s", describe(v))
	}
	if len(raw) > MaxOptionsBytes {
		return nil, Errorf(fn, "options are %s of text, more than the %s allowed; options are a small JSON object such as '{\"k\": 4}'", FormatBytes(int64(len(raw))), FormatBytes(MaxOptionsBytes))
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return o, nil
	}
	if raw[0] != '{' && string(raw) != "null" {
		return nil, Errorf(fn, "options must be a JSON object such as '{\"k\": 4}' or json_object('k', 4), got %q", text.Abbreviate(string(raw), 40))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&o.values); err != nil || dec.More() {
		if err == nil {
			err = fmt.Errorf("text after the object")
		}
		return nil, Errorf(fn, "options are not a JSON object (%v); write them like '{\"k\": 4}' or json_object('k', 4)", err)
	}
	if o.values == nil { // the JSON text was null
		o.values = map[string]json.RawMessage{}
	}
	if k, dup := duplicateKey(raw); dup {
		return nil, Errorf(fn, "option %q is given twice; give each option once", text.Abbreviate(k, 40))
	}
	var unknown []string
	for k := range o.values {
		if !contains(accepted, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, Errorf(fn, "unknown option %q; accepted options: %s", text.Abbreviate(unknown[0], 40), strings.Join(accepted, ", "))
	}
	return o, nil
}

// duplicateKey finds a key repeated at the top level of a JSON object,
// which decoding into a map would silently resolve to the last value.
func duplicateKey(raw []byte) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", false
		}
		k, _ := t.(string)
		if seen[k] {
			return k, true
		}
		seen[k] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", false
		}
	}
	return "", false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Err returns the first error met by an accessor.
func (o *Options) Err() error { return o.err }

// Has reports whether key was given (and is not JSON null).
func (o *Options) Has(key string) bool {
	v, ok := o.values[key]
	return ok && string(v) != "null"
}

// Raw returns the JSON text of key, or nil.
func (o *Options) Raw(key string) json.RawMessage {
	if !o.Has(key) {
		return nil
	}
	return o.values[key]
}

func (o *Options) fail(key, want string) {
	if o.err == nil {
		o.err = Errorf(o.fn, "option %q must be %s, got %s", key, want, text.Abbreviate(string(o.values[key]), 60))
	}
}

// Int reads an integer option in [min, max].
func (o *Options) Int(key string, def, min, max int) int {
	if !o.Has(key) {
		return def
	}
	want := fmt.Sprintf("an integer from %d to %d", min, max)
	if max == math.MaxInt {
		want = fmt.Sprintf("an integer of at least %d", min)
	}
	n, err := strconv.ParseInt(string(o.values[key]), 10, 64)
	if err != nil {
		// Accept 4.0 but not 4.5 or "4".
		f, ferr := strconv.ParseFloat(string(o.values[key]), 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
			o.fail(key, want)
			return def
		}
		n = int64(f)
	}
	if n < int64(min) || n > int64(max) {
		o.fail(key, want)
		return def
	}
	return int(n)
}

// Float reads a number option in [min, max].
func (o *Options) Float(key string, def, min, max float64) float64 {
	if !o.Has(key) {
		return def
	}
	f, err := strconv.ParseFloat(string(o.values[key]), 64)
	if err != nil || f < min || f > max || math.IsNaN(f) {
		o.fail(key, fmt.Sprintf("a number from %g to %g", min, max))
		return def
	}
	return f
}

// Bool reads a boolean option (true/false, or 1/0 as SQLite writes them).
func (o *Options) Bool(key string, def bool) bool {
	if !o.Has(key) {
		return def
	}
	switch string(o.values[key]) {
	case "true", "1":
		return true
	case "false", "0":
		return false
	}
	o.fail(key, "true or false")
	return def
}

// String reads a string option.
func (o *Options) String(key, def string) string {
	if !o.Has(key) {
		return def
	}
	var s string
	if err := json.Unmarshal(o.values[key], &s); err != nil {
		o.fail(key, "a string")
		return def
	}
	return s
}

// Enum reads a string option that must be one of values.
func (o *Options) Enum(key, def string, values ...string) string {
	if !o.Has(key) {
		return def
	}
	var s string
	if err := json.Unmarshal(o.values[key], &s); err != nil || !contains(values, s) {
		o.fail(key, "one of "+quoteList(values))
		return def
	}
	return s
}

func quoteList(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = strconv.Quote(v)
	}
	return strings.Join(q, ", ")
}

// describe names a SQL value's type for an error message.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return fmt.Sprintf("INTEGER %d", x)
	case float64:
		return fmt.Sprintf("REAL %g", x)
	case string:
		return fmt.Sprintf("TEXT %q", text.Abbreviate(x, 40))
	case []byte:
		if x == nil { // a nil []byte is NULL, as database/sql drivers pass it
			return "NULL"
		}
		return fmt.Sprintf("BLOB of %d bytes", len(x))
	}
	return fmt.Sprintf("%T", v)
}

// DescribeValue names the SQL type and value of v for error messages.
func DescribeValue(v any) string { return describe(v) }
