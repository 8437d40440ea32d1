// Package rfm scores customers by recency, frequency and monetary value
// (RFM) and names their segment. It is pure numerics: slices in, scores
// out.
//
// # Scores
//
// A score is a quantile bin from 1 to bins, bins being best: Score orders
// the values from worst to best and gives each the bin SQL's NTILE(bins)
// gives its position (the first N mod bins bins hold one value more than
// the others, as NTILE's do), except that equal values always share one
// bin: every value of a run of ties gets the bin of the run's first
// position, the lowest the run spans. In SQL, for values v:
//
//	min(NTILE(bins) OVER (ORDER BY v)) OVER (PARTITION BY v)
//
// The result depends only on the values, never on their order in the
// input. For recency the worst value is the largest number of days, for
// frequency and monetary value the smallest.
//
// # Segments
//
// A segment is named from the R score and the FM score, the mean of the F
// and M scores rounded up: fm = (f + m + 1) / 2 in integer division. The
// default map (Default) is the widely used 11-segment grid for 5 bins:
//
//	R \ FM   1               2                   3                 4                 5
//	5        New Customers   Potential Loyalist  Loyal Customers   Champions         Champions
//	4        Promising       Potential Loyalist  Loyal Customers   Champions         Champions
//	3        About to Sleep  About to Sleep      Need Attention    Loyal Customers   Loyal Customers
//	2        Hibernating     Hibernating         At Risk           At Risk           Can't Lose Them
//	1        Lost            Lost                At Risk           At Risk           Can't Lose Them
//
// A custom Map is a list of segments, each a list of boxes of score
// ranges on r, f, m and fm; the first segment with a box that holds a
// customer's scores names it, and a customer no box holds has no segment.
package rfm

import (
	"fmt"
	"slices"
)

// Ntile returns the 1-based bin that SQL's NTILE(bins) gives the row at
// 0-based position i of n rows: the first n mod bins bins hold n/bins+1
// rows, the others n/bins.
func Ntile(i, n, bins int) int {
	q, r := n/bins, n%bins
	if i < r*(q+1) {
		return i/(q+1) + 1
	}
	return r + (i-r*(q+1))/q + 1
}

// Score writes into dst (grown as needed and returned) the score from 1 to
// bins of each value: bins for the best values. higherIsBetter says which
// end is best (true for frequency and monetary value, false for recency in
// days). Ties share the bin of their run's first position from the worst
// end (see the package comment). Values must not be NaN; bins must be at
// least 1. scratch, when it has len(values), is used for the sorted copy.
func Score(dst []int, values []float64, bins int, higherIsBetter bool, scratch []float64) []int {
	if bins < 1 {
		panic(fmt.Sprintf("rfm: bins %d", bins))
	}
	n := len(values)
	dst = slices.Grow(dst[:0], n)[:n]
	if len(scratch) != n {
		scratch = make([]float64, n)
	}
	copy(scratch, values)
	slices.Sort(scratch)
	for i, v := range values {
		// worse is the number of values strictly worse than v: the
		// position, from the worst end, of the first value of v's run.
		var worse int
		if higherIsBetter {
			worse, _ = slices.BinarySearch(scratch, v)
		} else {
			worse = n - upperBound(scratch, v)
		}
		dst[i] = Ntile(worse, n, bins)
	}
	return dst
}

// upperBound returns the number of values of sorted that are <= v.
func upperBound(sorted []float64, v float64) int {
	lo, hi := 0, len(sorted)
	for lo < hi {
		mid := int(uint(lo+hi) >> 1)
		if sorted[mid] <= v {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	return lo
}

// FM is the FM score of a customer: the mean of its F and M scores,
// rounded up.
func FM(f, m int) int { return (f + m + 1) / 2 }

// Range is an inclusive range of scores; the zero Range holds every score.
type Range struct{ Lo, Hi int }

// Holds reports whether s is in the range.
func (r Range) Holds(s int) bool { return r == (Range{}) || r.Lo <= s && s <= r.Hi }

// Box is a set of score combinations: the scores whose r, f, m and fm
// scores are each in its range.
type Box struct{ R, F, M, FM Range }

// Holds reports whether the scores r, f, m are in the box.
func (b Box) Holds(r, f, m int) bool {
	return b.R.Holds(r) && b.F.Holds(f) && b.M.Holds(m) && b.FM.Holds(FM(f, m))
}

// Segment is a named set of boxes.
type Segment struct {
	Name  string
	Boxes []Box
}

// Map names customers from their scores: its first segment with a box that
// holds the scores.
type Map []Segment

// Name returns the segment of the scores r, f, m, or "" when none holds
// them.
func (mp Map) Name(r, f, m int) string {
	for _, s := range mp {
		for _, b := range s.Boxes {
			if b.Holds(r, f, m) {
				return s.Name
			}
		}
	}
	return ""
}

// DefaultBins is the number of bins of the default map.
const DefaultBins = 5

// Default returns the default 11-segment map for 5 bins (the grid in the
// package comment). Its boxes do not overlap and cover every R and FM
// score from 1 to 5, so every customer gets one segment.
func Default() Map {
	box := func(rlo, rhi, fmlo, fmhi int) Box { return Box{R: Range{rlo, rhi}, FM: Range{fmlo, fmhi}} }
	return Map{
		{"Champions", []Box{box(4, 5, 4, 5)}},
		{"Loyal Customers", []Box{box(4, 5, 3, 3), box(3, 3, 4, 5)}},
		{"Potential Loyalist", []Box{box(4, 5, 2, 2)}},
		{"New Customers", []Box{box(5, 5, 1, 1)}},
		{"Promising", []Box{box(4, 4, 1, 1)}},
		{"Need Attention", []Box{box(3, 3, 3, 3)}},
		{"About to Sleep", []Box{box(3, 3, 1, 2)}},
		{"At Risk", []Box{box(1, 2, 3, 4)}},
		{"Can't Lose Them", []Box{box(1, 2, 5, 5)}},
		{"Hibernating", []Box{box(2, 2, 1, 2)}},
		{"Lost", []Box{box(1, 1, 1, 2)}},
	}
}

// Check reports a map whose ranges are empty or leave 1..bins, or whose
// segment names are empty or repeated.
func (mp Map) Check(bins int) error {
	if len(mp) == 0 {
		return fmt.Errorf("no segments")
	}
	seen := map[string]bool{}
	for _, s := range mp {
		if s.Name == "" {
			return fmt.Errorf("a segment has an empty name")
		}
		if seen[s.Name] {
			return fmt.Errorf("segment %q is given twice", s.Name)
		}
		seen[s.Name] = true
		if len(s.Boxes) == 0 {
			return fmt.Errorf("segment %q has no score ranges", s.Name)
		}
		for _, b := range s.Boxes {
			for _, r := range []struct {
				name string
				r    Range
			}{{"r", b.R}, {"f", b.F}, {"m", b.M}, {"fm", b.FM}} {
				if r.r == (Range{}) {
					continue
				}
				if r.r.Lo < 1 || r.r.Hi > bins || r.r.Lo > r.r.Hi {
					return fmt.Errorf("segment %q: range %s [%d, %d] must lie within 1..%d with low <= high", s.Name, r.name, r.r.Lo, r.r.Hi, bins)
				}
			}
		}
	}
	return nil
}
