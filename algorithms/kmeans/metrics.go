package kmeans

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"

	"gonum.org/v1/gonum/mat"
)

// This file holds the internal clustering quality metrics, following
// scikit-learn 1.2.1's silhouette_score, davies_bouldin_score and
// calinski_harabasz_score. Labels are 0-based cluster numbers in [0, k).
//
// Distances are Euclidean and computed from direct differences,
// sqrt(Σ (a_t−b_t)²), not from scikit-learn's ||a||²+||b||²−2a·b expansion.
// The expansion is faster with a BLAS on wide data, but it cancels
// catastrophically for nearby points (a relative error of about
// eps·||a||²/||a−b||², which is why scikit-learn must zero the diagonal by
// hand). For the few columns of marketing data the direct form costs about the
// same, is exact to rounding for every pair, and gives self-distances of
// exactly 0; on the fixtures it agrees with scikit-learn to the last printed
// digit.

// silhouetteChunkPairs is the least number of row pairs one unit of silhouette work
// covers; the calling goroutine checks ctx between units.
const silhouetteChunkPairs = 1 << 18

// metricPollRows is how many rows the linear metrics (Davies-Bouldin,
// Calinski-Harabasz) read between two polls of ctx: well under a
// millisecond of work.
const metricPollRows = 1 << 14

// Silhouette returns the mean silhouette coefficient (scikit-learn's
// silhouette_score) of the labelling. When sampleSize > 0 and smaller than the
// number of rows, it is computed on a random subset of that many rows chosen
// with seed, as scikit-learn's sample_size does (distances only within the
// subset; numpy's generator is not reproduced, so the subset differs from
// scikit-learn's). Rows in singleton clusters score 0.
//
// With weights nil, s(i) = (b(i)−a(i))/max(a(i), b(i)), where a(i) is the mean
// distance from row i to the other rows of its cluster and b(i) the smallest
// mean distance to the rows of another cluster, and the result is the mean of
// s(i); a row with a(i) = b(i) = 0 scores 0. It equals scikit-learn's value to
// rounding.
//
// weights, if non-nil, holds a non-negative weight per row. Then a(i) is the
// weighted mean distance to the other rows of its cluster,
// Σ_{j∈C(i), j≠i} w_j d_ij / Σ_{j∈C(i), j≠i} w_j, b(i) the smallest weighted mean
// distance to another cluster of positive weight, and the result the weighted
// mean Σ w_i s(i) / Σ w_i. All-ones weights give the unweighted value exactly,
// and scaling the weights does not change it. Integer weights are not the
// same as repeating rows: b(i) and the final mean agree with repetition, but
// repeating row i w_i times adds w_i−1 zero distances to its own cluster, so
// repetition's a(i) is (W_C−w_i)/(W_C−1) times this one (W_C the cluster's total
// weight). Rows whose cluster has no other weight score 0, like singletons.
//
// A distance that overflows (values beyond about 1e154) makes the result
// NaN, where scikit-learn's nan_to_num would give a finite number.
//
// The work is O(n²·d) and runs on threads goroutines (0 means GOMAXPROCS); the
// result does not depend on threads. ctx.Err() is polled between units of
// work, on the calling goroutine only, and its error returned. Silhouette returns an error when fewer than 2 or more
// than n−1 distinct labels occur among the n rows used, when a label is outside
// [0, k), when a weight is negative or not finite, or when the weights sum to 0.
// It panics when labels or weights do not have one entry per row of x.
func Silhouette(ctx context.Context, x *mat.Dense, labels []int, k int, weights []float64, sampleSize int, seed uint64, threads int) (float64, error) {
	n, d := x.Dims()
	if len(labels) != n {
		panic(fmt.Sprintf("kmeans: silhouette: %d labels for %d rows", len(labels), n))
	}
	if weights != nil && len(weights) != n {
		panic(fmt.Sprintf("kmeans: silhouette: %d weights for %d rows", len(weights), n))
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	for i, l := range labels {
		if l < 0 || l >= k {
			return 0, fmt.Errorf("silhouette: label %d of row %d is outside [0, %d)", l, i, k)
		}
	}
	if weights != nil {
		for i, w := range weights {
			if !(w >= 0) || math.IsInf(w, 1) {
				return 0, fmt.Errorf("silhouette: weight %v of row %d must be finite and non-negative", w, i)
			}
		}
	}

	// rows lists the rows used, in the order scikit-learn would use them.
	rows := make([]int, n)
	for i := range rows {
		rows[i] = i
	}
	if sampleSize > 0 && sampleSize < n {
		rng := rand.New(rand.NewPCG(seed, 0x5117_0e77e))
		for i := 0; i < sampleSize; i++ { // partial Fisher–Yates shuffle
			j := i + rng.IntN(n-i)
			rows[i], rows[j] = rows[j], rows[i]
		}
		rows = rows[:sampleSize]
	}
	m := len(rows)

	// Group the rows used by cluster: a stable counting sort, so within a
	// cluster the rows keep their order and the sums run in scikit-learn's order.
	count := make([]int, k)
	for _, r := range rows {
		count[labels[r]]++
	}
	present := 0
	for _, c := range count {
		if c > 0 {
			present++
		}
	}
	if present < 2 || present > m-1 {
		return 0, undefinedError(fmt.Sprintf("silhouette needs between 2 and n-1 clusters, got %d distinct labels for n=%d rows", present, m))
	}
	start := make([]int, k+1)
	for c := 0; c < k; c++ {
		start[c+1] = start[c] + count[c]
	}
	pos := make([]int, m) // pos[i]: where rows[i] goes in grouped order
	next := append([]int(nil), start[:k]...)
	// The rows used, grouped and transposed for the pairwise kernel:
	// dimension t of grouped row p at xt[t*m+p].
	xt := make([]float64, d*m)
	ws := make([]float64, m) // grouped weights
	for i, r := range rows {
		c := labels[r]
		p := next[c]
		next[c]++
		pos[i] = p
		for t, v := range x.RawRowView(r) {
			xt[t*m+p] = v
		}
		ws[p] = 1
		if weights != nil {
			ws[p] = weights[r]
		}
	}
	wc := make([]float64, k) // total weight per cluster, summed in grouped order
	total := 0.0
	for c := 0; c < k; c++ {
		for p := start[c]; p < start[c+1]; p++ {
			wc[c] += ws[p]
		}
		total += wc[c]
	}
	if !(total > 0) {
		return 0, fmt.Errorf("silhouette: the weights of the %d rows used sum to %v, need a positive total", m, total)
	}

	// s[p] is the silhouette of the row at grouped position p. Each row's value
	// is computed by one goroutine from the same operations in the same order,
	// whichever rows share its kernel call, so the result does not depend on
	// how rows are split into chunks.
	s := make([]float64, m)
	chunk := max(4, silhouetteChunkPairs/max(1, m)) &^ 3
	work := func(lo, hi int, sums []float64) {
		for p := lo; p < hi; p += 4 {
			silhouetteRows(xt, d, m, p, min(4, hi-p), start, ws, wc, sums, s)
		}
	}
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	threads = min(threads, (m+chunk-1)/chunk)
	if threads <= 1 {
		sums := make([]float64, 4*(k+d))
		for lo := 0; lo < m; lo += chunk {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
			work(lo, min(lo+chunk, m), sums)
		}
	} else {
		jobs := make(chan int)
		var wg sync.WaitGroup
		for range threads {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sums := make([]float64, 4*(k+d))
				for lo := range jobs {
					work(lo, min(lo+chunk, m), sums)
				}
			}()
		}
		var err error
		for lo := 0; lo < m; lo += chunk {
			if err = ctx.Err(); err != nil {
				break
			}
			jobs <- lo
		}
		close(jobs)
		wg.Wait()
		if err != nil {
			return 0, err
		}
	}

	// Weighted mean in the order of rows, with Neumaier's compensated sum.
	var sum, comp float64
	for i := range rows {
		p := pos[i]
		v := ws[p] * s[p]
		t := sum + v
		if math.Abs(sum) >= math.Abs(v) {
			comp += (sum - t) + v
		} else {
			comp += (v - t) + sum
		}
		sum = t
	}
	return (sum + comp) / total, nil
}

// silhouetteRows writes s[p:p+nr] (nr from 1 to 4) for the rows at grouped
// positions p.. of xt (m rows grouped by cluster, cluster c at rows
// start[c]:start[c+1], transposed: dimension t of row j at xt[t*m+j]); ws
// holds the grouped weights and wc the weight of each cluster. sums is
// scratch of length 4(k+d).
//
// A row's weighted distance sums to each cluster come from silSums4 for the
// cluster's whole blocks of eight rows, its eight lanes added pairwise, then
// the remaining rows one by one with the same arithmetic: fixed for the row,
// whichever rows share the call.
func silhouetteRows(xt []float64, d, m, p, nr int, start []int, ws, wc, sums, s []float64) {
	k := len(start) - 1
	var rows [4][]float64
	for r := range 4 {
		q := p + min(r, nr-1) // a short group repeats its last row
		row := sums[4*k+r*d : 4*k+r*d+d : 4*k+r*d+d]
		for t := range row {
			row[t] = xt[t*m+q]
		}
		rows[r] = row
	}
	for c := range k {
		lo, hi := start[c], start[c+1]
		nblk := (hi - lo) / 8
		var out [32]float64
		if nblk > 0 {
			silSums4(rows[0], rows[1], rows[2], rows[3], xt[lo:], ws[lo:], d, m, nblk, &out)
		}
		for r := range nr {
			o := out[r*8 : r*8+8]
			acc := ((o[0] + o[1]) + (o[2] + o[3])) + ((o[4] + o[5]) + (o[6] + o[7]))
			x := rows[r]
			for j := lo + 8*nblk; j < hi; j++ {
				var ss float64
				for t, v := range x {
					diff := v - xt[t*m+j]
					ss = math.FMA(diff, diff, ss)
				}
				acc = math.FMA(math.Sqrt(ss), ws[j], acc)
			}
			sums[r*k+c] = acc
		}
	}
	for r := range nr {
		s[p+r] = silhouetteFromSums(p+r, start, ws, wc, sums[r*k:r*k+k])
	}
}

// silhouetteFromSums returns s for the row at grouped position p whose
// weighted distance sums to each cluster are sums.
func silhouetteFromSums(p int, start []int, ws, wc, sums []float64) float64 {
	k := len(sums)
	own := -1
	for c := range k {
		if p >= start[c] && p < start[c+1] {
			own = c
		}
	}
	rest := wc[own] - ws[p]
	if !(rest > 0) {
		return 0 // singleton, or no other weight in the cluster
	}
	a := sums[own] / rest
	b := math.Inf(1)
	other := false
	for c := range k {
		if c == own || !(wc[c] > 0) {
			continue
		}
		other = true
		b = min(b, sums[c]/wc[c])
	}
	den := max(a, b)
	switch {
	case !other || den == 0:
		return 0 // scikit-learn's nan_to_num of 0/0
	case math.IsInf(den, 1):
		return math.NaN() // a distance overflowed: the silhouette is NaN, not a number that looks right
	}
	return (b - a) / den
}

// metricClusterStats returns, for each of the k clusters, its total weight and its
// (weighted) centroid as a row of a k×d slice; a nil weights counts each row
// once. Centroids are sums divided by the weight, as numpy's mean does. The
// shape checks come first; then ctx is polled every metricPollRows rows.
func metricClusterStats(ctx context.Context, x *mat.Dense, labels []int, k int, weights []float64, name string) (wc, cent []float64, err error) {
	n, d := x.Dims()
	if len(labels) != n {
		panic(fmt.Sprintf("kmeans: %s: %d labels for %d rows", name, len(labels), n))
	}
	if weights != nil && len(weights) != n {
		panic(fmt.Sprintf("kmeans: %s: %d weights for %d rows", name, len(weights), n))
	}
	for i, l := range labels {
		if l < 0 || l >= k {
			panic(fmt.Sprintf("kmeans: %s: label %d of row %d is outside [0, %d)", name, l, i, k))
		}
	}
	wc = make([]float64, k)
	cent = make([]float64, k*d)
	for i, l := range labels {
		if i%metricPollRows == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		wc[l] += w
		c := cent[l*d : (l+1)*d]
		for t, v := range x.RawRowView(i) {
			c[t] += w * v
		}
	}
	for c := 0; c < k; c++ {
		if wc[c] > 0 {
			for t := range d {
				cent[c*d+t] /= wc[c]
			}
		}
	}
	return wc, cent, nil
}

// metricValidWeights reports whether every weight is finite and non-negative.
func metricValidWeights(weights []float64) bool {
	for _, w := range weights {
		if !(w >= 0) || math.IsInf(w, 1) {
			return false
		}
	}
	return true
}

func metricDist(a, b []float64) float64 {
	var ss float64
	for t, v := range a {
		diff := v - b[t]
		ss += diff * diff
	}
	return math.Sqrt(ss)
}

// DaviesBouldin returns scikit-learn's davies_bouldin_score (weighted when weights is non-nil).
//
// Clusters are the labels 0..k−1; clusters with no rows (or zero total weight)
// are skipped, as if absent. For each remaining cluster c with centroid μ_c,
// S_c is the mean distance of its rows to μ_c; the score is the mean over
// clusters of max_{c'≠c} (S_c+S_{c'})/||μ_c−μ_{c'}||, where coincident centroids
// contribute 0, and it is 0 when every S_c or every centroid distance is ~0
// (numpy's allclose to 0), as in scikit-learn.
//
// With weights, μ_c is the weighted centroid Σ w_i x_i / Σ w_i and S_c the
// weighted mean distance Σ w_i ||x_i−μ_c|| / Σ w_i over the cluster, so integer
// weights give the same score as repeating each row w_i times, and scaling the
// weights changes nothing. The mean over clusters is unweighted.
//
// It returns NaN when fewer than 2 or more than n−1 clusters are non-empty (n
// the number of rows; scikit-learn raises) or a weight is negative or not
// finite. It panics when labels or weights do not have one entry per row or a
// label is outside [0, k). ctx.Err() is polled every few thousand rows and
// its error returned.
func DaviesBouldin(ctx context.Context, x *mat.Dense, labels []int, k int, weights []float64) (float64, error) {
	n, d := x.Dims()
	if !metricValidWeights(weights) {
		_, _, err := metricClusterStats(ctx, x, labels, k, weights, "davies_bouldin") // shape checks
		return math.NaN(), err
	}
	wc, cent, err := metricClusterStats(ctx, x, labels, k, weights, "davies_bouldin")
	if err != nil {
		return 0, err
	}
	var live []int
	for c := 0; c < k; c++ {
		if wc[c] > 0 {
			live = append(live, c)
		}
	}
	if len(live) < 2 || len(live) > n-1 {
		return math.NaN(), nil
	}
	// S_c, summed in row order.
	intra := make([]float64, k)
	for i, l := range labels {
		if i%metricPollRows == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		if w == 0 {
			continue
		}
		intra[l] += w * metricDist(x.RawRowView(i), cent[l*d:(l+1)*d])
	}
	allZero := true
	for _, c := range live {
		intra[c] /= wc[c]
		if math.Abs(intra[c]) > 1e-8 { // numpy allclose(…, 0): |v| <= atol = 1e-8
			allZero = false
		}
	}
	if allZero {
		return 0, nil
	}
	cd := make([]float64, len(live)*len(live))
	allZero = true
	for a, ca := range live {
		for b, cb := range live {
			if a != b {
				cd[a*len(live)+b] = metricDist(cent[ca*d:(ca+1)*d], cent[cb*d:(cb+1)*d])
			}
			if math.Abs(cd[a*len(live)+b]) > 1e-8 {
				allZero = false
			}
		}
	}
	if allZero {
		return 0, nil
	}
	var sum float64
	for a, ca := range live {
		worst := math.Inf(-1)
		for b, cb := range live {
			r := 0.0 // scikit-learn sets zero distances to +Inf, so the ratio is 0
			if dd := cd[a*len(live)+b]; dd != 0 {
				r = (intra[ca] + intra[cb]) / dd
			}
			worst = max(worst, r)
		}
		sum += worst
	}
	return sum / float64(len(live)), nil
}

// CalinskiHarabasz returns scikit-learn's calinski_harabasz_score (weighted when weights is non-nil).
//
// Clusters are the labels 0..k−1; clusters with no rows (or zero total weight)
// are skipped, as if absent, so K below counts the non-empty ones. The score is
// [B/(K−1)] / [W/(N−K)], with B = Σ_c N_c ||μ_c−μ||² the between-cluster and
// W = Σ_i ||x_i−μ_{c(i)}||² the within-cluster dispersion, and 1 when W is 0, as
// in scikit-learn.
//
// With weights, weights are frequency weights: N = Σ w_i, N_c = Σ_{i∈c} w_i, μ and
// μ_c are weighted means and W = Σ_i w_i ||x_i−μ_{c(i)}||², so integer weights give
// the same score as repeating each row w_i times. Unlike the other metrics the
// score depends on the scale of the weights through N−K; weights meant as
// relative importances should be scaled to sum to the number of rows.
//
// It returns NaN when K < 2, when K is not below N (without weights: K > n−1,
// where scikit-learn raises) or a weight is negative or not finite. It panics when labels or
// weights do not have one entry per row or a label is outside [0, k).
// ctx.Err() is polled every few thousand rows and its error returned.
func CalinskiHarabasz(ctx context.Context, x *mat.Dense, labels []int, k int, weights []float64) (float64, error) {
	n, d := x.Dims()
	if !metricValidWeights(weights) {
		_, _, err := metricClusterStats(ctx, x, labels, k, weights, "calinski_harabasz") // shape checks
		return math.NaN(), err
	}
	wc, cent, err := metricClusterStats(ctx, x, labels, k, weights, "calinski_harabasz")
	if err != nil {
		return 0, err
	}
	var total float64
	live := 0
	mean := make([]float64, d)
	for i := range n {
		if i%metricPollRows == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		for t, v := range x.RawRowView(i) {
			mean[t] += w * v
		}
	}
	for c := 0; c < k; c++ {
		total += wc[c]
		if wc[c] > 0 {
			live++
		}
	}
	if live < 2 || !(float64(live) < total) {
		return math.NaN(), nil
	}
	for t := range mean {
		mean[t] /= total
	}
	var extra, intra float64
	for c := 0; c < k; c++ {
		if wc[c] > 0 {
			extra += wc[c] * metricSqDist(cent[c*d:(c+1)*d], mean)
		}
	}
	for i, l := range labels {
		if i%metricPollRows == 0 {
			if err := ctx.Err(); err != nil {
				return 0, err
			}
		}
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		intra += w * metricSqDist(x.RawRowView(i), cent[l*d:(l+1)*d])
	}
	if intra == 0 {
		return 1, nil
	}
	return extra * (total - float64(live)) / (intra * (float64(live) - 1)), nil
}

func metricSqDist(a, b []float64) float64 {
	var ss float64
	for t, v := range a {
		diff := v - b[t]
		ss += diff * diff
	}
	return ss
}

// undefinedError is a metric that is not defined for a labelling; errors.Is
// finds ErrUndefined in it.
type undefinedError string

func (e undefinedError) Error() string        { return string(e) }
func (e undefinedError) Is(target error) bool { return target == ErrUndefined }
