package kmeans

import (
	"context"

	"gonum.org/v1/gonum/mat"
)

// Silhouette returns the mean silhouette coefficient (scikit-learn's
// silhouette_score) of the labelling. When sampleSize > 0 and smaller than the
// number of rows, it is computed on a random subset of that many rows chosen
// with seed, as scikit-learn's sample_size does. Rows in singleton clusters
// score 0. weights, if non-nil, weight both the distance averages and the mean.
func Silhouette(ctx context.Context, x *mat.Dense, labels []int, k int, weights []float64, sampleSize int, seed uint64, threads int) (float64, error) {
	panic("not implemented yet")
}

// DaviesBouldin returns scikit-learn's davies_bouldin_score (weighted when weights is non-nil).
func DaviesBouldin(x *mat.Dense, labels []int, k int, weights []float64) float64 {
	panic("not implemented yet")
}

// CalinskiHarabasz returns scikit-learn's calinski_harabasz_score (weighted when weights is non-nil).
func CalinskiHarabasz(x *mat.Dense, labels []int, k int, weights []float64) float64 {
	panic("not implemented yet")
}
