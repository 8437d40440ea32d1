package clvfn

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"

	"github.com/seed-a084b42d/marketsql/algorithms/rfm"
	"github.com/seed-a084b42d/marketsql/algorithms/text"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

var rfmCols = []string{"customer", "recency_days INTEGER", "frequency INTEGER", "monetary REAL",
	"r INTEGER", "f INTEGER", "m INTEGER", "score INTEGER", "segment TEXT"}

// RFMOptions are rfm's options (JSON keys in brackets).
type RFMOptions struct {
	// Bins is the number of quantile bins of each score, 2 to 9 ("bins");
	// 0 means 5.
	Bins int
	// AsOf is the day recency is measured at, 'YYYY-MM-DD' ("as_of"); ""
	// means the day after the last order. Orders after it are left out.
	AsOf string
	// Segments replaces the default segment map ("segments"): a JSON
	// object of segment name -> score ranges (see the README); "" keeps
	// the default.
	Segments string
	// SkipBad leaves out rows with a NULL customer, date or order, or a
	// NULL, negative or non-numeric amount ("on_null": "skip").
	SkipBad bool
}

// RFMRow is one customer's RFM scores.
type RFMRow struct {
	Customer    any // int64 or string, as in the source
	RecencyDays int64
	Frequency   int64
	Monetary    float64
	R, F, M     int
	Score       int    // 100·R + 10·F + M
	Segment     string // "" when no segment of the map holds the scores
}

var rfmKeys = []string{"bins", "as_of", "segments", "on_null"}

func parseRFMOptions(fn string, v any) (RFMOptions, error) {
	o, err := core.ParseOptions(fn, v, rfmKeys)
	if err != nil {
		return RFMOptions{}, err
	}
	var opt RFMOptions
	opt.Bins = o.Int("bins", rfm.DefaultBins, 2, 9)
	opt.AsOf = o.String("as_of", "")
	if raw := o.Raw("segments"); raw != nil {
		opt.Segments = string(raw)
	}
	opt.SkipBad = o.Enum("on_null", "error", "error", "skip") == "skip"
	return opt, o.Err()
}

// RFM reads order rows (customer, date, amount [, order]) from source on c
// and scores every customer: the one computation behind the SQL function
// rfm and the Go API. Rows come in customer key order.
func RFM(c *core.Conn, fn string, source any, opt RFMOptions) ([]RFMRow, error) {
	if opt.Bins == 0 {
		opt.Bins = rfm.DefaultBins
	}
	if opt.Bins < 2 || opt.Bins > 9 {
		return nil, core.Errorf(fn, "option \"bins\" must be an integer from 2 to 9, got %d", opt.Bins)
	}
	var segMap rfm.Map
	switch {
	case opt.Segments != "":
		var err error
		if segMap, err = parseSegments(fn, opt.Segments, opt.Bins); err != nil {
			return nil, err
		}
	case opt.Bins == rfm.DefaultBins:
		segMap = rfm.Default()
	}
	var asOf int64
	hasAsOf := opt.AsOf != ""
	if hasAsOf {
		var err error
		if asOf, err = parseDateOption(fn, "as_of", opt.AsOf); err != nil {
			return nil, err
		}
	}
	query, err := core.SourceQuery(fn, source)
	if err != nil {
		return nil, err
	}
	o, err := readOrders(c, query, readSpec{fn: fn, needAmount: true, skipBad: opt.SkipBad})
	if err != nil {
		return nil, err
	}
	last, ok := o.lastDay()
	if !ok {
		return nil, nil
	}
	if !hasAsOf {
		asOf = last + 1
	}
	ctx := c.Context()
	idx, start := o.byCustomer()
	out := make([]RFMRow, 0, len(o.Keys))
	var ids []int64
	for cu := range o.Keys {
		if cu%4096 == 4095 {
			if err := ctx.Err(); err != nil {
				return nil, core.TrainError(fn, err, false)
			}
		}
		rows := idx[start[cu]:start[cu+1]]
		ids = ids[:0]
		lastDay := int64(math.MinInt64)
		sum := 0.0
		for _, i := range rows {
			d := o.Day[i]
			if d > asOf {
				break // rows are by day: the rest are later too
			}
			lastDay = d
			sum += o.Amount[i]
			if o.Order != nil {
				ids = append(ids, o.Order[i])
			} else {
				ids = append(ids, d)
			}
		}
		if len(ids) == 0 {
			continue // no order on or before as_of
		}
		slices.Sort(ids)
		out = append(out, RFMRow{Customer: o.Keys[cu], RecencyDays: asOf - lastDay,
			Frequency: int64(len(slices.Compact(ids))), Monetary: sum})
	}
	n := len(out)
	vals, scratch := make([]float64, n), make([]float64, n)
	var scores []int
	for k, set := range []func(*RFMRow, int){
		func(r *RFMRow, s int) { r.R = s }, func(r *RFMRow, s int) { r.F = s }, func(r *RFMRow, s int) { r.M = s }} {
		for i := range out {
			switch k {
			case 0:
				vals[i] = float64(out[i].RecencyDays)
			case 1:
				vals[i] = float64(out[i].Frequency)
			case 2:
				vals[i] = out[i].Monetary
			}
		}
		scores = rfm.Score(scores, vals, opt.Bins, k != 0, scratch)
		for i := range out {
			set(&out[i], scores[i])
		}
	}
	for i := range out {
		r := &out[i]
		r.Score = 100*r.R + 10*r.F + r.M
		if segMap != nil {
			r.Segment = segMap.Name(r.R, r.F, r.M)
		}
	}
	return out, nil
}

func rfmSQL(c *core.Conn, args []any) ([][]any, error) {
	const fn = "rfm"
	opt, err := parseRFMOptions(fn, args[1])
	if err != nil {
		return nil, err
	}
	rows, err := RFM(c, fn, args[0], opt)
	if err != nil {
		return nil, err
	}
	out := make([][]any, len(rows))
	vals := make([]any, 9*len(rows))
	for i, r := range rows {
		v := vals[9*i : 9*i+9 : 9*i+9]
		v[0], v[1], v[2], v[3] = r.Customer, r.RecencyDays, r.Frequency, r.Monetary
		v[4], v[5], v[6], v[7] = int64(r.R), int64(r.F), int64(r.M), int64(r.Score)
		if r.Segment != "" {
			v[8] = r.Segment
		}
		out[i] = v
	}
	return out, nil
}

// parseSegments reads a segment map: a JSON object whose keys are segment
// names, in the order they are tried, and whose values are a box or an
// array of boxes; a box is an object with any of the keys "r", "f", "m"
// and "fm", each [low, high] (inclusive) or a single score.
func parseSegments(fn, raw string, bins int) (rfm.Map, error) {
	fail := func(format string, args ...any) error {
		return core.Errorf(fn, "option \"segments\" "+format+"; write it like {\"Champions\": {\"r\": [4, 5], \"fm\": [4, 5]}, \"Lost\": {\"r\": 1}}", args...)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, fail("must be a JSON object of segment name -> score ranges, got %s", text.Abbreviate(raw, 60))
	}
	var mp rfm.Map
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, fail("is not valid JSON (%v)", err)
		}
		name := t.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fail("is not valid JSON (%v)", err)
		}
		var boxes []map[string]json.RawMessage
		if bytes.HasPrefix(bytes.TrimSpace(v), []byte("[")) {
			err = json.Unmarshal(v, &boxes)
		} else {
			var one map[string]json.RawMessage
			err = json.Unmarshal(v, &one)
			boxes = append(boxes, one)
		}
		if err != nil || len(boxes) == 0 {
			return nil, fail("segment %s: score ranges must be an object such as {\"r\": [4, 5]} or an array of them, got %s", text.Quote(name, 40), text.Abbreviate(string(v), 60))
		}
		seg := rfm.Segment{Name: name}
		for _, b := range boxes {
			if b == nil {
				return nil, fail("segment %s: a box is null", text.Quote(name, 40))
			}
			var box rfm.Box
			for key, rv := range b {
				var r *rfm.Range
				switch key {
				case "r":
					r = &box.R
				case "f":
					r = &box.F
				case "m":
					r = &box.M
				case "fm":
					r = &box.FM
				default:
					return nil, fail("segment %s: unknown score %s; use \"r\", \"f\", \"m\" or \"fm\" (the mean of f and m, rounded up)", text.Quote(name, 40), text.Quote(key, 20))
				}
				lo, hi, ok := scoreRange(rv)
				if !ok || lo < 1 || hi > bins || lo > hi {
					return nil, fail("segment %s: %s must be a score from 1 to %d or a range [low, high] within it, got %s", text.Quote(name, 40), key, bins, text.Abbreviate(string(rv), 40))
				}
				*r = rfm.Range{Lo: lo, Hi: hi}
			}
			seg.Boxes = append(seg.Boxes, box)
		}
		mp = append(mp, seg)
	}
	if _, err := dec.Token(); err != nil || dec.More() {
		return nil, fail("is not valid JSON")
	}
	if err := mp.Check(bins); err != nil {
		return nil, fail("%v", err)
	}
	return mp, nil
}

// scoreRange reads n or [lo, hi] of whole numbers.
func scoreRange(raw json.RawMessage) (lo, hi int, ok bool) {
	var one float64
	if json.Unmarshal(raw, &one) == nil {
		if one != math.Trunc(one) || math.Abs(one) > 100 {
			return 0, 0, false
		}
		return int(one), int(one), true
	}
	var two []float64
	if json.Unmarshal(raw, &two) != nil || len(two) != 2 {
		return 0, 0, false
	}
	for _, v := range two {
		if v != math.Trunc(v) || math.Abs(v) > 100 {
			return 0, 0, false
		}
	}
	return int(two[0]), int(two[1]), true
}
