//go:build !amd64

package kmeans

// scores4 is scores4Generic (no assembly on this architecture).
func scores4(x0, x1, x2, x3 []float64, ct *centresT, out []float64) {
	scores4Generic(x0, x1, x2, x3, ct, out)
}

// accumRows is accumRowsGeneric (no assembly on this architecture).
func accumRows(x []float64, lab []int32, w []float64, d int, s, ws []float64, mask []uint64) {
	accumRowsGeneric(x, lab, w, d, s, ws, mask)
}

// dotBound is x·y for bounds.
func dotBound(x, y []float64) float64 { return dot(x, y) }

// argminPadded is argmin over v[:k] (the padding past k is +Inf).
func argminPadded(v []float64, k int) (int, float64) {
	return argmin(v[:k])
}

// prefetchRow is a no-op here.
func prefetchRow(x []float64) {}

// silSums4 is silSums4Generic (no assembly on this architecture).
func silSums4(x0, x1, x2, x3, xt, w []float64, d, stride, nblk int, out *[32]float64) {
	silSums4Generic(x0, x1, x2, x3, xt, w, d, stride, nblk, out)
}

// kernelWidths names the silhouette kernels this CPU can run.
func kernelWidths() []string { return []string{"generic"} }

// silSums4With is silSums4Generic, whatever kernel is named.
func silSums4With(kernel string, x0, x1, x2, x3, xt, w []float64, d, stride, nblk int, out *[32]float64) {
	silSums4Generic(x0, x1, x2, x3, xt, w, d, stride, nblk, out)
}
