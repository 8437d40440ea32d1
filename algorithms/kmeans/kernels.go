package kmeans

import "math"

// centresT holds k centres laid out for scores4: transposed (t[j'*kp+j] is
// dimension j' of centre j), padded with zero centres up to kp, a multiple of
// 8, whose norm is +Inf so that they never win an argmin.
type centresT struct {
	k, kp, d int
	t        []float64 // d×kp
	cn       []float64 // kp norms ||c_j||² (+Inf for padding)
}

func newCentresT(k, d int) *centresT {
	kp := (k + 3) &^ 3
	c := &centresT{k: k, kp: kp, d: d, t: make([]float64, d*kp), cn: make([]float64, kp)}
	for j := k; j < kp; j++ {
		c.cn[j] = inf
	}
	return c
}

// set copies the k×d centres cen (row-major) with norms cn.
func (c *centresT) set(cen, cn []float64) {
	k, kp, d := c.k, c.kp, c.d
	for j := range k {
		row := cen[j*d : j*d+d]
		for t, v := range row {
			c.t[t*kp+j] = v
		}
	}
	copy(c.cn, cn[:k])
}

// scores4Generic writes, for four rows and every centre j of ct,
// out[r*kp+j] = ||c_j||² - 2 x_r·c_j (the squared distance minus ||x_r||²,
// which does not change the argmin). Each dot product is one fused
// multiply-add per dimension in dimension order, exactly as the assembly
// kernel computes it, so every path that scores a row (Lloyd, the bounded
// passes, k-means++) gets the same bits and makes the same decisions.
func scores4Generic(x0, x1, x2, x3 []float64, ct *centresT, out []float64) {
	d, kp := ct.d, ct.kp
	out = out[:4*kp]
	for r, x := range [4][]float64{x0, x1, x2, x3} {
		x = x[:d]
		o := out[r*kp : r*kp+kp]
		for j := range kp {
			var s float64
			for t, v := range x {
				s = math.FMA(v, ct.t[t*kp+j], s)
			}
			o[j] = ct.cn[j] - 2*s
		}
	}
}

// accumRowsGeneric adds rows to cluster sums in row order: for each row i
// (x[i*d:i*d+d]) whose label a = lab[i] is in mask (a bit set; nil means
// every label), s[a*d+t] = fma(x[i*d+t], w[i], s[a*d+t]) and ws[a] += w[i].
func accumRowsGeneric(x []float64, lab []int32, w []float64, d int, s, ws []float64, mask []uint64) {
	for i, a := range lab {
		if mask != nil && mask[a>>6]&(1<<(a&63)) == 0 {
			continue
		}
		dst := s[int(a)*d : int(a)*d+d]
		row := x[i*d : i*d+d]
		wi := w[i]
		for t, v := range row {
			dst[t] = math.FMA(v, wi, dst[t])
		}
		ws[a] += wi
	}
}

// Distance kernels. Every distance used for a decision is computed with the
// norm expansion ||x-c||² = ||x||² - 2x·c + ||c||² on mean-centred data (as
// scikit-learn does), so one dot product per row and centre is the only work
// proportional to d. The decision kernel is scores4: four rows against all
// centres, stored transposed so that one AVX2 register holds one dimension of
// four centres (kernels_amd64.s: four rows × eight centres per block, sixteen
// accumulators); each (row, centre) product is a chain of fused multiply-adds
// in dimension order, which the portable Go version reproduces bit for bit
// with math.FMA. The cluster sums use fused multiply-adds the same way.
//
// The kernels below (row-major centres) serve mini-batch k-means, bounds and
// inertia, where no decision must agree with Lloyd's.

// dot returns x·c.
func dot(x, c []float64) float64 {
	c = c[:len(x)]
	var s0, s1 float64
	j := 0
	for ; j+1 < len(x); j += 2 {
		s0 += x[j] * c[j]
		s1 += x[j+1] * c[j+1]
	}
	if j < len(x) {
		s0 += x[j] * c[j]
	}
	return s0 + s1
}

// dot4 returns the dot products of x with four centres.
func dot4(x, c0, c1, c2, c3 []float64) (s0, s1, s2, s3 float64) {
	n := len(x)
	c0, c1, c2, c3 = c0[:n], c1[:n], c2[:n], c3[:n]
	for j, v := range x {
		s0 += v * c0[j]
		s1 += v * c1[j]
		s2 += v * c2[j]
		s3 += v * c3[j]
	}
	return
}

// dot2 returns the dot products of x with two centres, accumulated in the
// same order as dot4 (one accumulator per centre).
func dot2(x, c0, c1 []float64) (s0, s1 float64) {
	n := len(x)
	c0, c1 = c0[:n], c1[:n]
	for j, v := range x {
		s0 += v * c0[j]
		s1 += v * c1[j]
	}
	return
}

// sqDist returns ||x-c||² computed from differences (used where accuracy
// matters more than speed: inertia, relocation, centre shifts).
func sqDist(x, c []float64) float64 {
	c = c[:len(x)]
	var s0, s1 float64
	j := 0
	for ; j+1 < len(x); j += 2 {
		d0 := x[j] - c[j]
		d1 := x[j+1] - c[j+1]
		s0 += d0 * d0
		s1 += d1 * d1
	}
	if j < len(x) {
		d0 := x[j] - c[j]
		s0 += d0 * d0
	}
	return s0 + s1
}

// scores fills out[j] = ||c_j||² - 2 x·c_j for every centre (the squared
// distance minus ||x||², which does not change the argmin). c holds k rows of
// length d = len(x), row-major. Mini-batch k-means uses it; the exact
// algorithms use scores4.
func scores(x, c, cn, out []float64) {
	d := len(x)
	k := len(cn)
	out = out[:k]
	j := 0
	for ; j+3 < k; j += 4 {
		s0, s1, s2, s3 := dot4(x, c[j*d:j*d+d], c[(j+1)*d:(j+1)*d+d], c[(j+2)*d:(j+2)*d+d], c[(j+3)*d:(j+3)*d+d])
		out[j] = cn[j] - 2*s0
		out[j+1] = cn[j+1] - 2*s1
		out[j+2] = cn[j+2] - 2*s2
		out[j+3] = cn[j+3] - 2*s3
	}
	if j+1 < k {
		s0, s1 := dot2(x, c[j*d:j*d+d], c[(j+1)*d:(j+1)*d+d])
		out[j] = cn[j] - 2*s0
		out[j+1] = cn[j+1] - 2*s1
		j += 2
	}
	if j < k {
		out[j] = cn[j] - 2*dot(x, c[j*d:j*d+d])
	}
}

// argmin returns the index of the smallest value (the first on ties, as
// numpy's argmin) and that value.
func argmin(v []float64) (int, float64) {
	// The minimum first (branch-free), then its first position: far fewer
	// mispredicted branches than tracking the position during the scan.
	bv := v[0]
	for _, x := range v[1:] {
		bv = min(bv, x)
	}
	for j, x := range v {
		if x == bv {
			return j, bv
		}
	}
	return 0, v[0] // NaN scores (not reachable: the input is finite)
}

// argmin2 returns the index and value of the smallest entry and the second
// smallest value (+Inf when len(v) == 1).
func argmin2(v []float64) (int, float64, float64) {
	best, b1, b2 := 0, v[0], inf
	for j := 1; j < len(v); j++ {
		x := v[j]
		if x < b1 {
			best, b2, b1 = j, b1, x
		} else if x < b2 {
			b2 = x
		}
	}
	return best, b1, b2
}

// silSums4Generic is the silhouette's pairwise kernel: for four rows x0..x3
// and nblk blocks of eight columns of xt (transposed: dimension t of column
// j at xt[t*stride+j], the first column at xt[0]) weighted by w, it adds to
// out[r*8+l] the sum over blocks of w_j·sqrt(Σ_t (x_r[t] − xt[t][j])²) for
// the block's column l. Each squared distance is a chain of fused
// multiply-adds of the differences in dimension order (direct differences,
// not the norm expansion: exact to rounding for near points, and 0 for a row
// with itself), then a square root and a fused multiply-add into out, as
// the assembly kernel computes it.
func silSums4Generic(x0, x1, x2, x3, xt, w []float64, d, stride, nblk int, out *[32]float64) {
	for r, x := range [4][]float64{x0, x1, x2, x3} {
		x = x[:d]
		for b := range nblk {
			for l := range 8 {
				j := 8*b + l
				var s float64
				for t, v := range x {
					diff := v - xt[t*stride+j]
					s = math.FMA(diff, diff, s)
				}
				out[r*8+l] = math.FMA(math.Sqrt(s), w[j], out[r*8+l])
			}
		}
	}
}
