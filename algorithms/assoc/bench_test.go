package assoc

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
)

// zipfBaskets makes n baskets over numItems items whose popularity
// follows a Zipf law (s = 1.1), basket sizes 1..2*meanSize-1 uniform.
func zipfBaskets(n, numItems, meanSize int, seed uint64) [][]int32 {
	rng := rand.New(rand.NewPCG(seed, 1))
	z := rand.NewZipf(rng, 1.1, 1, uint64(numItems-1))
	baskets := make([][]int32, n)
	for b := range baskets {
		k := 1 + rng.IntN(2*meanSize-1)
		basket := make([]int32, k)
		for i := range basket {
			basket[i] = int32(z.Uint64())
		}
		baskets[b] = basket
	}
	return baskets
}

// reportMining adds the FP-tree size and memory ratios to a benchmark.
func reportMining(b *testing.B, st Stats, rules int) {
	b.ReportMetric(float64(st.Itemsets), "itemsets")
	if rules >= 0 {
		b.ReportMetric(float64(rules), "rules")
	}
	b.ReportMetric(float64(st.TreeNodes), "tree-nodes")
	b.ReportMetric(float64(st.TreeBytes), "tree-B")
	b.ReportMetric(float64(st.PeakBytes)/float64(st.TreeBytes), "peak/tree")
}

func BenchmarkGroceries(b *testing.B) {
	d := loadGroceries(b)
	for _, c := range []struct {
		support, confidence float64
	}{{0.001, 0.5}, {0.001, 0.8}, {0.005, 0.5}} {
		minCount := MinCountFor(c.support, len(d.baskets))
		b.Run(fmt.Sprintf("support=%v/conf=%v/itemsets+rules", c.support, c.confidence), func(b *testing.B) {
			b.ReportAllocs()
			var st Stats
			var rules []Rule
			for b.Loop() {
				sets, s, err := FrequentItemsetsStats(d.baskets, len(d.names), Options{MinCount: minCount, MaxLen: 10})
				if err != nil {
					b.Fatal(err)
				}
				rules, err = Rules(sets, len(d.baskets), RuleOptions{MinConfidence: c.confidence})
				if err != nil {
					b.Fatal(err)
				}
				st = s
			}
			reportMining(b, st, len(rules))
		})
	}
	minCount := MinCountFor(0.001, len(d.baskets))
	b.Run("support=0.001/itemsets", func(b *testing.B) {
		b.ReportAllocs()
		var st Stats
		for b.Loop() {
			_, s, err := FrequentItemsetsStats(d.baskets, len(d.names), Options{MinCount: minCount, MaxLen: 10})
			if err != nil {
				b.Fatal(err)
			}
			st = s
		}
		reportMining(b, st, -1)
	})
	sets, _ := FrequentItemsets(d.baskets, len(d.names), Options{MinCount: minCount, MaxLen: 10})
	b.Run("support=0.001/rules-only/conf=0.5", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Rules(sets, len(d.baskets), RuleOptions{MinConfidence: 0.5}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("support=0.001/rules-only/conf=0.5/prune", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Rules(sets, len(d.baskets), RuleOptions{MinConfidence: 0.5, PruneRedundant: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkZipf mines synthetic baskets: 20k baskets over 4k items with
// Zipf popularity, mean basket size 10, at several minimum counts. It
// also reports the Go heap growth of one mining (heap-B, from
// runtime.MemStats.TotalAlloc: everything allocated, output included).
func BenchmarkZipf(b *testing.B) {
	sizes := []struct {
		name               string
		n, items, meanSize int
	}{
		{"small-2kx400", 2000, 400, 8},
		{"medium-20kx4k", 20000, 4000, 10},
		{"large-200kx4k", 200000, 4000, 10},
	}
	for _, sz := range sizes {
		baskets := zipfBaskets(sz.n, sz.items, sz.meanSize, 42)
		for _, support := range []float64{0.005, 0.001} {
			minCount := MinCountFor(support, len(baskets))
			b.Run(fmt.Sprintf("%s/support=%v", sz.name, support), func(b *testing.B) {
				b.ReportAllocs()
				var st Stats
				var rules []Rule
				var ms0, ms1 runtime.MemStats
				runtime.ReadMemStats(&ms0)
				for b.Loop() {
					sets, s, err := FrequentItemsetsStats(baskets, sz.items, Options{MinCount: minCount})
					if err != nil {
						b.Fatal(err)
					}
					rules, err = Rules(sets, len(baskets), RuleOptions{MinConfidence: 0.5})
					if err != nil {
						b.Fatal(err)
					}
					st = s
				}
				runtime.ReadMemStats(&ms1)
				reportMining(b, st, len(rules))
				b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(b.N), "heap-B/op")
			})
		}
	}
}
