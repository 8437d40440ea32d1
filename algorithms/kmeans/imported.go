package kmeans

import (
	"math"
	"sort"
)

// Imported builds a scoring model from k centroids learned elsewhere:
// centroids is k×d row-major in model space, mean and std the scaler that
// maps a point in feature units there (model space = (x − mean) / std), and
// sizes the rows per cluster when the source recorded them (nil when not).
//
// Clusters are ordered largest first when sizes are known (ties keep the
// source's order) and kept in the source's order otherwise; order[c] is the
// source's index of cluster c. The training rows are not known, so the
// overall mean and deviation that Profile compares a cluster against are
// those of the centroids themselves, weighted by size when sizes are known.
func Imported(centroids []float64, k int, mean, std []float64, sizes []int64) (m *Model, order []int) {
	d := len(mean)
	order = make([]int, k)
	for c := range order {
		order[c] = c
	}
	if sizes != nil {
		sort.SliceStable(order, func(a, b int) bool { return sizes[order[a]] > sizes[order[b]] })
	}
	m = &Model{K: k, Mean: mean, Std: std, Centroids: make([]float64, k*d),
		Sizes: make([]int64, k), Weights: make([]float64, k)}
	for c, src := range order {
		copy(m.Centroids[c*d:(c+1)*d], centroids[src*d:(src+1)*d])
		if sizes != nil {
			m.Sizes[c] = sizes[src]
			m.Weights[c] = float64(sizes[src])
		}
	}
	weight := func(c int) float64 {
		if sizes == nil {
			return 1
		}
		return m.Weights[c]
	}
	var total float64
	for c := range k {
		total += weight(c)
	}
	if total == 0 { // every recorded size is 0: weigh the centroids equally
		sizes, total = nil, float64(k)
	}
	m.OverallMean, m.OverallStd = make([]float64, d), make([]float64, d)
	for c := range k {
		units := m.CentroidUnits(c)
		for j, v := range units {
			m.OverallMean[j] += weight(c) / total * v
		}
	}
	for c := range k {
		units := m.CentroidUnits(c)
		for j, v := range units {
			dv := v - m.OverallMean[j]
			m.OverallStd[j] += weight(c) / total * dv * dv
		}
	}
	for j, v := range m.OverallStd {
		m.OverallStd[j] = math.Sqrt(v)
	}
	return m, order
}
