package rfm

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// ntileTies is the definition, computed the slow way: NTILE over the
// values sorted from worst to best, then the smallest bin of each run of
// equal values.
func ntileTies(values []float64, bins int, higher bool) []int {
	n := len(values)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if values[a] == values[b] {
			return 0
		}
		if (values[a] < values[b]) == higher {
			return -1
		}
		return 1
	})
	out := make([]int, n)
	first := map[float64]int{}
	for pos, k := range order {
		if _, ok := first[values[k]]; !ok {
			first[values[k]] = Ntile(pos, n, bins)
		}
		out[k] = first[values[k]]
	}
	return out
}

func TestNtile(t *testing.T) {
	// expected: SQLite's NTILE(5) over 7 rows gives 1 1 2 2 3 4 5, over 10
	// rows 1 1 2 2 3 3 4 4 5 5, over 3 rows 1 2 3.
	for _, c := range []struct {
		n, bins int
		want    []int
	}{
		{7, 5, []int{1, 1, 2, 2, 3, 4, 5}},
		{10, 5, []int{1, 1, 2, 2, 3, 3, 4, 4, 5, 5}},
		{3, 5, []int{1, 2, 3}},
		{1, 5, []int{1}},
	} {
		var got []int
		for i := range c.n {
			got = append(got, Ntile(i, c.n, c.bins))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("NTILE(%d) over %d rows = %v, want %v", c.bins, c.n, got, c.want)
		}
	}
}

func TestScoreTies(t *testing.T) {
	// 10 values: the three 1s span positions 0..2 (bins 1, 1, 2) and share
	// bin 1; the two 5s span 5..6 (bins 3, 4) and share bin 3.
	v := []float64{5, 1, 9, 1, 3, 5, 1, 7, 8, 2}
	got := Score(nil, v, 5, true, nil)
	want := []int{3, 1, 5, 1, 3, 3, 1, 4, 5, 2}
	if !slices.Equal(got, want) {
		t.Errorf("Score = %v, want %v", got, want)
	}
	// Recency: fewer days is better.
	got = Score(nil, []float64{10, 1, 300, 30}, 4, false, nil)
	if want := []int{3, 4, 1, 2}; !slices.Equal(got, want) {
		t.Errorf("recency Score = %v, want %v", got, want)
	}
}

func TestScoreMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 200 {
		n := 1 + rng.IntN(60)
		bins := 1 + rng.IntN(9)
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(1 + trial%12))
		}
		for _, higher := range []bool{true, false} {
			got := Score(nil, v, bins, higher, nil)
			if want := ntileTies(v, bins, higher); !slices.Equal(got, want) {
				t.Fatalf("values %v bins %d higher %v: got %v, want %v", v, bins, higher, got, want)
			}
			// The input order does not matter.
			perm := rng.Perm(n)
			pv := make([]float64, n)
			for i, p := range perm {
				pv[i] = v[p]
			}
			pg := Score(nil, pv, bins, higher, nil)
			for i, p := range perm {
				if pg[i] != got[p] {
					t.Fatalf("order changes the scores of %v", v)
				}
			}
		}
	}
}

func TestDefaultMapCoversTheGrid(t *testing.T) {
	mp := Default()
	if err := mp.Check(5); err != nil {
		t.Fatal(err)
	}
	if len(mp) != 11 {
		t.Fatalf("%d segments, want 11", len(mp))
	}
	used := map[string]int{}
	for r := 1; r <= 5; r++ {
		for f := 1; f <= 5; f++ {
			for m := 1; m <= 5; m++ {
				// Exactly one box holds every combination.
				holders := 0
				for _, s := range mp {
					for _, b := range s.Boxes {
						if b.Holds(r, f, m) {
							holders++
						}
					}
				}
				if holders != 1 {
					t.Fatalf("r=%d f=%d m=%d is in %d boxes", r, f, m, holders)
				}
				used[mp.Name(r, f, m)]++
			}
		}
	}
	if len(used) != 11 {
		t.Errorf("segments used: %v", used)
	}
	for _, c := range []struct {
		r, f, m int
		want    string
	}{{5, 5, 5, "Champions"}, {1, 1, 1, "Lost"}, {1, 5, 5, "Can't Lose Them"}, {5, 1, 1, "New Customers"},
		{3, 3, 3, "Need Attention"}, {4, 2, 1, "Potential Loyalist"}, {2, 4, 3, "At Risk"}} {
		if got := mp.Name(c.r, c.f, c.m); got != c.want {
			t.Errorf("Name(%d, %d, %d) = %q, want %q", c.r, c.f, c.m, got, c.want)
		}
	}
}

func TestMapCheck(t *testing.T) {
	bad := []Map{
		{},
		{{"", []Box{{}}}},
		{{"a", nil}},
		{{"a", []Box{{R: Range{0, 3}}}}},
		{{"a", []Box{{F: Range{4, 2}}}}},
		{{"a", []Box{{M: Range{1, 6}}}}},
		{{"a", []Box{{}}}, {"a", []Box{{}}}},
	}
	for i, mp := range bad {
		if mp.Check(5) == nil {
			t.Errorf("map %d: no error", i)
		}
	}
}

func BenchmarkScore(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		rng := rand.New(rand.NewPCG(1, 2))
		v := make([]float64, n)
		for i := range v {
			v[i] = float64(rng.IntN(400))
		}
		dst, scratch := make([]int, n), make([]float64, n)
		b.Run(itoa(n), func(b *testing.B) {
			for b.Loop() {
				Score(dst, v, 5, true, scratch)
			}
		})
	}
}

func itoa(n int) string {
	switch n {
	case 10_000:
		return "10k"
	case 1_000_000:
		return "1M"
	}
	return "n"
}
