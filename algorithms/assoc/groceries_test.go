package assoc

import (
	"encoding/csv"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/datasets"
)

// The Groceries data (arules' Groceries, 9,835 baskets over 169
// categories; Hahsler, Hornik and Reutterer 2006; GPL-3 via the arules
// package) is not part of this repository: it is read from
// ../shared/data/groceries/groceries_long.csv next to the repository
// root, and the tests that need it skip when it is absent.

type groceryData struct {
	baskets [][]int32
	names   []string
	ids     map[string]int32
}

var (
	groceriesOnce sync.Once
	groceries     *groceryData
	groceriesErr  error
)

// groceriesPath is the data file in the shared data directory
// ($MARKETSQL_DATA, else ../shared/data beside the repository).
func groceriesPath() (string, error) {
	dir := datasets.Shared("groceries")
	if dir == "" {
		return "", errors.New("../shared/data/groceries (or $MARKETSQL_DATA) is not here")
	}
	return filepath.Join(dir, "groceries_long.csv"), nil
}

func loadGroceries(tb testing.TB) *groceryData {
	tb.Helper()
	groceriesOnce.Do(func() {
		path, err := groceriesPath()
		if err != nil {
			groceriesErr = err
			return
		}
		f, err := os.Open(path)
		if err != nil {
			groceriesErr = err
			return
		}
		defer f.Close()
		r := csv.NewReader(f)
		d := &groceryData{ids: map[string]int32{}}
		basketOf := map[int]int{}
		header := true
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				groceriesErr = err
				return
			}
			if header {
				header = false
				continue
			}
			txn, err := strconv.Atoi(rec[0])
			if err != nil {
				groceriesErr = err
				return
			}
			id, ok := d.ids[rec[1]]
			if !ok {
				id = int32(len(d.names))
				d.ids[rec[1]] = id
				d.names = append(d.names, rec[1])
			}
			b, ok := basketOf[txn]
			if !ok {
				b = len(d.baskets)
				basketOf[txn] = b
				d.baskets = append(d.baskets, nil)
			}
			d.baskets[b] = append(d.baskets[b], id)
		}
		groceries = d
	})
	if groceriesErr != nil {
		tb.Skipf("Groceries data not available (%v): it lives in ../shared/data/groceries next to the repository", groceriesErr)
	}
	return groceries
}

func (d *groceryData) itemNames(ids []int32) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strings.ToLower(d.names[id])
	}
	slices.Sort(s)
	return "{" + strings.Join(s, ", ") + "}"
}

// Expected: R arules apriori on data(Groceries) with
// parameter = list(supp = s, conf = c, maxlen = 10), as listed in
// ../shared/data/groceries/SOURCE.md (the 0.005/0.5 count is the one the
// arulesViz README prints; the top rules are the arulesViz vignette's).
func TestGroceries(t *testing.T) {
	d := loadGroceries(t)
	if len(d.baskets) != 9835 || len(d.names) != 169 {
		t.Fatalf("read %d baskets over %d items, want 9835 over 169", len(d.baskets), len(d.names))
	}
	cases := []struct {
		support, confidence float64
		minCount            int
		itemsets, rules     int
		top                 string  // names lower-cased and sorted
		topLift, tol        float64 // tol: half a unit of the last printed digit
	}{
		{0.001, 0.8, 10, 13492, 410, "{liquor, red/blush wine} => {bottled beer}", 11.2353, 5e-5},
		{0.001, 0.5, 10, 13492, 5668, "{instant food products, soda} => {hamburger meat}", 18.99565, 5e-6},
		{0.005, 0.5, 50, 1001, 120, "", 0, 0},
		{0.01, 0.5, 99, 333, 15, "", 0, 0},
	}
	for _, c := range cases {
		t.Run(strconv.FormatFloat(c.support, 'g', -1, 64)+"/"+strconv.FormatFloat(c.confidence, 'g', -1, 64), func(t *testing.T) {
			t.Parallel()
			minCount := MinCountFor(c.support, len(d.baskets))
			if minCount != c.minCount {
				t.Fatalf("MinCountFor(%v, %d) = %d, want %d", c.support, len(d.baskets), minCount, c.minCount)
			}
			sets, err := FrequentItemsets(d.baskets, len(d.names), Options{MinCount: minCount, MaxLen: 10})
			if err != nil {
				t.Fatal(err)
			}
			if len(sets) != c.itemsets {
				t.Errorf("%d frequent itemsets, want %d", len(sets), c.itemsets)
			}
			rules, err := Rules(sets, len(d.baskets), RuleOptions{MinConfidence: c.confidence})
			if err != nil {
				t.Fatal(err)
			}
			if len(rules) != c.rules {
				t.Errorf("%d rules, want %d", len(rules), c.rules)
			}
			if c.top != "" && len(rules) > 0 {
				top := rules[0]
				got := d.itemNames(top.Antecedent) + " => " + d.itemNames(top.Consequent)
				if got != c.top {
					t.Errorf("top rule by lift %s (lift %v), want %s", got, top.Lift, c.top)
				}
				if math.Abs(top.Lift-c.topLift) > c.tol {
					t.Errorf("top lift %.7f, want %v", top.Lift, c.topLift)
				}
			}
		})
	}
}
