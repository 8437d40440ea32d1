package kmeans

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Scaler standardizes columns to zero mean and unit variance, as
// scikit-learn's StandardScaler does: z = (x − Mean) / Std.
type Scaler struct {
	Mean []float64 // column means
	Std  []float64 // population standard deviations (ddof=0); 1 for constant columns
}

// FitScaler returns the Scaler of the columns of x: their means and population
// standard deviations (dividing by n, not n−1). As in scikit-learn 1.2.1, the
// variance is computed in two passes with a correction term, and a column
// whose variance is indistinguishable from rounding error
// (var <= n·eps·var + (n·mean·eps)²) is treated as constant and gets Std 1, so
// transforming it gives zeros rather than dividing by zero. It panics when x
// has no rows.
func FitScaler(x *mat.Dense) Scaler {
	s, _ := FitScalerContext(context.Background(), x)
	return s
}

// scalePollRows is how many rows the scaler reads between two polls of ctx.
const scalePollRows = 1 << 15

// FitScalerContext is FitScaler polling ctx.Err() every few thousand rows;
// it returns that error when ctx ends.
func FitScalerContext(ctx context.Context, x *mat.Dense) (Scaler, error) {
	n, d := x.Dims()
	if n == 0 {
		panic("kmeans: FitScaler of a matrix with no rows")
	}
	mean := make([]float64, d)
	for i := range n {
		if i%scalePollRows == 0 {
			if err := ctx.Err(); err != nil {
				return Scaler{}, err
			}
		}
		for j, v := range x.RawRowView(i) {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	// Second pass: Σ (x−mean)² − (Σ (x−mean))²/n, the corrected two-pass formula.
	sq := make([]float64, d)
	corr := make([]float64, d)
	for i := range n {
		if i%scalePollRows == 0 {
			if err := ctx.Err(); err != nil {
				return Scaler{}, err
			}
		}
		for j, v := range x.RawRowView(i) {
			t := v - mean[j]
			corr[j] += t
			sq[j] += t * t
		}
	}
	std := make([]float64, d)
	const eps = 0x1p-52
	nf := float64(n)
	for j := range std {
		v := (sq[j] - corr[j]*corr[j]/nf) / nf
		bound := nf*eps*v + (nf*mean[j]*eps)*(nf*mean[j]*eps)
		if v <= bound {
			std[j] = 1
		} else {
			std[j] = math.Sqrt(v)
		}
	}
	return Scaler{Mean: mean, Std: std}, nil
}

// TransformContext is Transform polling ctx.Err() every few thousand rows;
// it returns that error, with dst partly written, when ctx ends.
func (s Scaler) TransformContext(ctx context.Context, dst, x *mat.Dense) error {
	n, d := x.Dims()
	if r, c := dst.Dims(); r != n || c != d || d != len(s.Mean) {
		panic(fmt.Sprintf("kmeans: Scaler.Transform: dst %d×%d, x %d×%d, scaler of %d columns", r, c, n, d, len(s.Mean)))
	}
	for i := range n {
		if i%scalePollRows == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		s.TransformRow(dst.RawRowView(i), x.RawRowView(i))
	}
	return nil
}

// Transform writes the standardized rows of x into dst, which must have the
// shape of x and may be x itself. It panics on a shape mismatch.
func (s Scaler) Transform(dst, x *mat.Dense) {
	n, d := x.Dims()
	if r, c := dst.Dims(); r != n || c != d || d != len(s.Mean) {
		panic(fmt.Sprintf("kmeans: Scaler.Transform: dst %d×%d, x %d×%d, scaler of %d columns", r, c, n, d, len(s.Mean)))
	}
	for i := range n {
		s.TransformRow(dst.RawRowView(i), x.RawRowView(i))
	}
}

// TransformRow writes the standardized row into dst, which may be row itself.
// It does not allocate, and panics when the lengths differ from the scaler's.
func (s Scaler) TransformRow(dst, row []float64) {
	if len(dst) != len(s.Mean) || len(row) != len(s.Mean) {
		panic(fmt.Sprintf("kmeans: Scaler.TransformRow: dst %d, row %d, scaler of %d columns", len(dst), len(row), len(s.Mean)))
	}
	std := s.Std[:len(s.Mean)]
	for j, m := range s.Mean {
		dst[j] = (row[j] - m) / std[j]
	}
}

// InverseRow writes the original-scale row of the standardized row into dst,
// which may be row itself: x = z·Std + Mean. It does not allocate, and panics
// when the lengths differ from the scaler's.
func (s Scaler) InverseRow(dst, row []float64) {
	if len(dst) != len(s.Mean) || len(row) != len(s.Mean) {
		panic(fmt.Sprintf("kmeans: Scaler.InverseRow: dst %d, row %d, scaler of %d columns", len(dst), len(row), len(s.Mean)))
	}
	std := s.Std[:len(s.Mean)]
	for j, m := range s.Mean {
		dst[j] = row[j]*std[j] + m
	}
}
