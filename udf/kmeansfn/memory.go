package kmeansfn

import (
	"fmt"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/seed-a084b42d/marketsql/algorithms/kmeans"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// The peak memory of a k-means training, in bytes, for n rows of d
// features, k clusters (k_max for kmeans_select_k), t = 2 + ⌊ln k⌋
// k-means++ candidates, c = min(256, ⌈n/256⌉) chunks and
// m = min(n, silhouette_sample):
//
//	source   8·n·d                   the rows, standardized in place
//	         + 24·n                  INTEGER keys (16 + len for TEXT keys)
//	         + 8·n                   with "weight"
//	then the larger of
//	  k-means 8·n·d + 16·n           centred copy, row norms (+ unit weights)
//	          + 32·n                 labels, Hamerly bounds, the best run's labels
//	          + 8·n·(1 + t)          k-means++ (not with "init": "random" or centroids)
//	          + 8·n·k + 4·n          Elkan's bounds ("algorithm": "elkan" only,
//	            + 8·k² + 16·k·(max_iter + 1)   with its centre distances and shifts)
//	          + 8·c·k·(d + 9)        per-chunk sums
//	          + 40·k·(d + 1) + 256 KiB   centres, allocator rounding
//	  metrics 16·n                   labels and distances to the centroids
//	          + 8·n + m·(8·d + 24)   silhouette (k ≥ 2)
//
// Mini-batch ("algorithm": "minibatch") runs k-means++ on a subset of
// s = min(n, 3·max(batch_size, k)) rows instead of all of them:
// 2·s·(8·d + 24) + s·(28 + 8·t) + 20·batch_size replaces the k-means++ term.
// The silhouette never dominates (its sample is at most n rows of d + 3
// numbers). kmeans.FitMemory and kmeans.SilhouetteMemory give the exact
// terms; the assignments are written a batch at a time, so writing adds
// little.

// memoryEstimate is a training's estimated peak memory, with what it counts
// and what would lower it.
type memoryEstimate struct {
	total      int64
	how, lower string
}

// estimateMemory estimates the peak memory of fitting m with k clusters.
func estimateMemory(m *core.Matrix, opt Options, k int, selectK bool) memoryEstimate {
	n, d := m.Rows(), len(m.Features)
	source := 8 * int64(n) * int64(d)
	if m.Weights != nil {
		source += 8 * int64(n)
	}
	for _, key := range m.Keys {
		source += 16
		switch v := key.(type) {
		case int64:
			source += 8
		case string:
			source += int64(len(v))
		}
	}
	ko := kmeansOptions(opt, k)
	if opt.InitCentroids != nil {
		ko.Centroids = new(mat.Dense) // only says that k-means++ is not run
	}
	fitMem := kmeans.FitMemory(n, d, m.Weights != nil, ko)
	var sil int64
	metrics := 16 * int64(n)
	if k >= 2 {
		sil = kmeans.SilhouetteMemory(n, d, k, opt.SilhouetteSample)
		metrics += sil
	}
	total := source + max(fitMem.Total(), metrics)

	kName := "k"
	if selectK {
		kName = "k_max"
	}
	parts := []string{"the source " + core.FormatBytes(source)}
	if fitMem.Total() >= metrics {
		kParts := []string{"a centred copy " + core.FormatBytes(fitMem.Data), "per-row state " + core.FormatBytes(fitMem.Rows)}
		if fitMem.Init > 0 {
			kParts = append(kParts, "k-means++ distances "+core.FormatBytes(fitMem.Init))
		}
		if fitMem.Elkan > 0 {
			kParts = append(kParts, "Elkan's bounds (rows × k) "+core.FormatBytes(fitMem.Elkan))
		}
		if fitMem.Sample > 0 {
			kParts = append(kParts, "mini-batch subsets "+core.FormatBytes(fitMem.Sample))
		}
		kParts = append(kParts, "per-chunk sums "+core.FormatBytes(fitMem.Chunks), "centres and overhead "+core.FormatBytes(fitMem.Fixed))
		parts = append(parts, fmt.Sprintf("k-means %s (%s)", core.FormatBytes(fitMem.Total()), strings.Join(kParts, ", ")))
	} else {
		parts = append(parts, fmt.Sprintf("the metrics %s (a silhouette sample of %s rows %s)",
			core.FormatBytes(metrics), thousands(min(n, opt.SilhouetteSample)), core.FormatBytes(sil)))
	}
	how := fmt.Sprintf("%s rows × %d features, %s = %d: %s", thousands(n), d, kName, k, strings.Join(parts, " + "))

	var lower []string
	kmeansPeak := fitMem.Total() >= metrics
	significant := func(part int64) bool { return part > 0 && part >= total/5 }
	if kmeansPeak && significant(fitMem.Elkan) {
		lower = append(lower, `"algorithm" ("hamerly" keeps one bound per row instead of k)`)
	}
	if !kmeansPeak && significant(sil) {
		lower = append(lower, fmt.Sprintf(`"silhouette_sample" (now %d)`, opt.SilhouetteSample))
	}
	if kmeansPeak && significant(fitMem.Sample) {
		lower = append(lower, `"batch_size"`)
	}
	if kmeansPeak && (significant(fitMem.Elkan) || significant(fitMem.Chunks) || significant(fitMem.Fixed-1<<18)) {
		lower = append(lower, kName)
	}
	lower = append(lower, "the rows or features of the source")
	return memoryEstimate{total: total, how: how, lower: joinOr(lower)}
}

// checkMemory refuses a training whose estimated peak memory is above the
// call's budget, before anything is allocated for it.
func checkMemory(fn string, m *core.Matrix, opt Options, k int, selectK bool) error {
	e := estimateMemory(m, opt, k, selectK)
	return opt.budget().Check(fn, e.total, e.how, e.lower)
}

// thousands writes n with thousands separators: 4,338.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// joinOr joins items as "a, b or c".
func joinOr(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}
