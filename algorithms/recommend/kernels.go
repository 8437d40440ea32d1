package recommend

// Float32 kernels of ALS. They sum in a fixed order whatever the alignment
// of their arguments (assembly kernels that align first do not), so a
// model depends only on its seed.

// dotGo returns Σ a[k]·b[k]; len(b) >= len(a).
func dotGo(a, b []float32) float32 {
	n := len(a)
	b = b[:n]
	var s0, s1, s2, s3, s4, s5, s6, s7 float32
	k := 0
	for ; k+8 <= n; k += 8 {
		aa, bb := a[k:k+8:k+8], b[k:k+8:k+8]
		s0 += aa[0] * bb[0]
		s1 += aa[1] * bb[1]
		s2 += aa[2] * bb[2]
		s3 += aa[3] * bb[3]
		s4 += aa[4] * bb[4]
		s5 += aa[5] * bb[5]
		s6 += aa[6] * bb[6]
		s7 += aa[7] * bb[7]
	}
	for ; k < n; k++ {
		s0 += a[k] * b[k]
	}
	return ((s0 + s4) + (s1 + s5)) + ((s2 + s6) + (s3 + s7))
}

// axpyGo does y += alpha·x; len(y) >= len(x).
func axpyGo(alpha float32, x, y []float32) {
	n := len(x)
	y = y[:n]
	k := 0
	for ; k+8 <= n; k += 8 {
		xx, yy := x[k:k+8:k+8], y[k:k+8:k+8]
		yy[0] += alpha * xx[0]
		yy[1] += alpha * xx[1]
		yy[2] += alpha * xx[2]
		yy[3] += alpha * xx[3]
		yy[4] += alpha * xx[4]
		yy[5] += alpha * xx[5]
		yy[6] += alpha * xx[6]
		yy[7] += alpha * xx[7]
	}
	for ; k < n; k++ {
		y[k] += alpha * x[k]
	}
}

// symv writes dst = alpha·A·x for the f×f row-major matrix a.
func symv(alpha float32, a []float32, f int, x, dst []float32) {
	for r := 0; r < f; r++ {
		dst[r] = alpha * dot(a[r*f:r*f+f], x)
	}
}

// gram writes YᵀY + reg·I into dst (f×f), summing rows in order.
func gram(y []float32, f int, reg float64, dst []float32) {
	clear(dst)
	gramAdd(y, f, dst)
	addDiagonal(dst, f, reg)
}

// gramAdd adds YᵀY into dst (f×f), summing rows in order.
func gramAdd(y []float32, f int, dst []float32) {
	for r := 0; r+f <= len(y); r += f {
		row := y[r : r+f]
		for a := 0; a < f; a++ {
			axpy(row[a], row, dst[a*f:a*f+f])
		}
	}
}

// addDiagonal adds reg to the diagonal of the f×f matrix dst.
func addDiagonal(dst []float32, f int, reg float64) {
	for j := 0; j < f; j++ {
		dst[j*f+j] += float32(reg)
	}
}
