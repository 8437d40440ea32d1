package report

import (
	"errors"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat"
)

// projected is a sample on its first two principal components.
type projected struct {
	x, y  []float64
	share [2]float64 // each component's share of the variance
}

// principalComponents projects rows on their first two principal
// components, after centring and, when standardize is set, scaling every
// column to unit variance (as the model saw them).
func principalComponents(rows [][]float64, standardize bool) (projected, error) {
	n, d := len(rows), len(rows[0])
	x := mat.NewDense(n, d, nil)
	for j := 0; j < d; j++ {
		col := make([]float64, n)
		for i := range rows {
			col[i] = rows[i][j]
		}
		mean, sd := stat.MeanStdDev(col, nil)
		if !standardize || sd == 0 {
			sd = 1
		}
		for i, v := range col {
			x.Set(i, j, (v-mean)/sd)
		}
	}
	var pc stat.PC
	if !pc.PrincipalComponents(x, nil) {
		return projected{}, errors.New("the principal components did not converge")
	}
	vars := pc.VarsTo(nil)
	var total float64
	for _, v := range vars {
		total += v
	}
	if total == 0 || len(vars) < 2 {
		return projected{}, errors.New("the sample has no variance")
	}
	var vecs mat.Dense
	pc.VectorsTo(&vecs)
	var proj mat.Dense
	proj.Mul(x, vecs.Slice(0, d, 0, 2))
	p := projected{x: make([]float64, n), y: make([]float64, n), share: [2]float64{vars[0] / total, vars[1] / total}}
	for i := 0; i < n; i++ {
		p.x[i], p.y[i] = proj.At(i, 0), proj.At(i, 1)
	}
	return p, nil
}
