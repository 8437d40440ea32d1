package kmeans

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Model is a clustering ready to score points: the scaler that maps a point
// in feature units into model space, the centroids in model space (cluster 0
// the largest), and what describes each cluster. It is the one scoring
// implementation: the SQL functions, their C fast path (tested bit for bit
// against Nearest) and the Go API all score through it.
type Model struct {
	K         int
	Mean, Std []float64 // scaler: model space = (x − Mean) / Std
	Centroids []float64 // K×D, model space
	Sizes     []int64   // rows per cluster
	Weights   []float64 // summed sample weight per cluster
	// OverallMean and OverallStd are the (weighted) mean and population
	// standard deviation of each feature over the training rows, in feature
	// units.
	OverallMean, OverallStd []float64
}

// D is the number of features.
func (m *Model) D() int { return len(m.Mean) }

// CentroidUnits returns centroid c in feature units.
func (m *Model) CentroidUnits(c int) []float64 {
	d := m.D()
	out := make([]float64, d)
	for j := range d {
		out[j] = m.Centroids[c*d+j]*m.Std[j] + m.Mean[j]
	}
	return out
}

// Profile describes cluster c against all the training rows: its share of
// the total weight, its centroid in feature units, and each feature's
// z-score (the centroid's distance from the overall mean in overall
// standard deviations; 0 for a constant feature).
func (m *Model) Profile(c int) (share float64, mean, z []float64) {
	var total float64
	for _, w := range m.Weights {
		total += w
	}
	if total > 0 {
		share = m.Weights[c] / total
	}
	mean = m.CentroidUnits(c)
	z = make([]float64, len(mean))
	for j, v := range mean {
		if m.OverallStd[j] > 0 {
			z[j] = (v - m.OverallMean[j]) / m.OverallStd[j]
		}
	}
	return share, mean, z
}

// Nearest returns the closest cluster (0-based) of a point in feature units
// and its Euclidean distance in model space. scratch must have length D; it
// receives the point in model space.
//
// The arithmetic is fixed so that a C copy can reproduce it bit for bit:
// z_j = (x_j − Mean_j) / Std_j, then for each centroid in order the squared
// distance summed in dimension order with no fused multiply-add, the first
// strictly smaller one winning. A point whose distance to every centroid
// overflows gets cluster 0 and +Inf.
func (m *Model) Nearest(x, scratch []float64) (int, float64) {
	d := m.D()
	for j := range scratch[:d] {
		scratch[j] = (x[j] - m.Mean[j]) / m.Std[j]
	}
	best, bestD := 0, math.Inf(1)
	for c := range m.K {
		row := m.Centroids[c*d : c*d+d]
		s := 0.0
		for j, v := range row {
			t := scratch[j] - v
			s += float64(t * t) // the conversion forbids fusing into an FMA
		}
		if s < bestD {
			best, bestD = c, s
		}
	}
	return best, math.Sqrt(bestD)
}

// Assignment is what a fit says about each training row and each cluster:
// the distance (model space) of every row to its centroid and the summed
// sample weight of every cluster.
type Assignment struct {
	Distances []float64
	Weights   []float64
}

// Clusters returns how many clusters have a positive weight and the total
// weight: what decides whether a metric is defined (Davies-Bouldin needs 2
// to n−1 such clusters, Calinski-Harabasz 2 and fewer than the total).
func (a *Assignment) Clusters() (live int, total float64) {
	for _, w := range a.Weights {
		total += w
		if w > 0 {
			live++
		}
	}
	return live, total
}

// modelPollRows is how many rows Assign and Moments read between two polls
// of ctx.
const modelPollRows = 1 << 15

// Assign returns the distance of each row of x to the centroid of its label
// (centroids K×d, row-major, the space of x) and the summed weight of each
// cluster (weights nil counts each row once). It polls ctx every few
// thousand rows. It panics when the shapes disagree.
func Assign(ctx context.Context, x *mat.Dense, labels []int, centroids []float64, k int, weights []float64) (*Assignment, error) {
	n, d := x.Dims()
	if len(labels) != n || len(centroids) != k*d || (weights != nil && len(weights) != n) {
		panic(fmt.Sprintf("kmeans: Assign: %d labels, %d centroid values, %d weights for %d×%d rows and k = %d",
			len(labels), len(centroids), len(weights), n, d, k))
	}
	a := &Assignment{Distances: make([]float64, n), Weights: make([]float64, k)}
	for i, l := range labels {
		if i%modelPollRows == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		w := 1.0
		if weights != nil {
			w = weights[i]
		}
		a.Weights[l] += w
		a.Distances[i] = math.Sqrt(metricSqDist(x.RawRowView(i), centroids[l*d:l*d+d]))
	}
	return a, nil
}

// Moments are the (weighted) mean and population standard deviation of each
// column of a matrix, and its largest absolute value.
type Moments struct {
	Mean, Std []float64
	MaxAbs    float64
}

// WeightedMoments returns the moments of the n×d row-major values x, each
// row weighing w[i] (w nil: 1). A column whose values overflow gets an
// infinite or NaN mean or deviation; the caller decides what that means. It
// polls ctx every few thousand rows.
func WeightedMoments(ctx context.Context, x []float64, n, d int, w []float64) (Moments, error) {
	mean, std := make([]float64, d), make([]float64, d)
	var maxAbs, total float64
	for i := range n {
		if i%modelPollRows == 0 {
			if err := ctx.Err(); err != nil {
				return Moments{}, err
			}
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		total += wi
		for j := range d {
			v := x[i*d+j]
			mean[j] += wi * v
			maxAbs = math.Max(maxAbs, math.Abs(v))
		}
	}
	for j := range mean {
		mean[j] /= total
	}
	for i := range n {
		if i%modelPollRows == 0 {
			if err := ctx.Err(); err != nil {
				return Moments{}, err
			}
		}
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		for j := range d {
			t := x[i*d+j] - mean[j]
			std[j] += wi * t * t
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / total)
	}
	return Moments{Mean: mean, Std: std, MaxAbs: maxAbs}, nil
}

// WeightedScaler standardizes with weighted moments, so that a row of
// weight w is the same as w copies of the row and a row of weight 0 has no
// effect at all. A constant column (a deviation within rounding of zero)
// keeps its scale, as FitScaler does.
func WeightedScaler(m Moments) Scaler {
	sc := Scaler{Mean: append([]float64(nil), m.Mean...), Std: append([]float64(nil), m.Std...)}
	for j, s := range sc.Std {
		if !(s > 1e-12*math.Max(1, math.Abs(sc.Mean[j]))) {
			sc.Std[j] = 1
		}
	}
	return sc
}
