package kmeans

//go:noescape
func scores4x8AVX2(x0, x1, x2, x3, ct, cn *float64, d, kp int, out *float64)

//go:noescape
func accumRowsAVX2(x *float64, lab *int32, w *float64, n, d int, s, ws *float64, mask *uint64)

//go:noescape
func dotAVX2(x, y *float64, n int) float64

// dotBound is x·y for bounds (any summation order).
func dotBound(x, y []float64) float64 {
	if !useAVX2 || len(x) < 4 {
		return dot(x, y)
	}
	_ = y[len(x)-1]
	return dotAVX2(&x[0], &y[0], len(x))
}

// accumRows is accumRowsGeneric, in assembly when the CPU has AVX2 and FMA.
func accumRows(x []float64, lab []int32, w []float64, d int, s, ws []float64, mask []uint64) {
	n := len(lab)
	if !useAVX2 || n == 0 || d == 0 {
		accumRowsGeneric(x, lab, w, d, s, ws, mask)
		return
	}
	_, _ = x[n*d-1], w[n-1]
	k := len(ws)
	_ = s[k*d-1]
	for _, a := range lab {
		if uint(a) >= uint(k) {
			panic("kmeans: label out of range")
		}
	}
	var mp *uint64
	if mask != nil {
		_ = mask[(k-1)>>6]
		mp = &mask[0]
	}
	accumRowsAVX2(&x[0], &lab[0], &w[0], n, d, &s[0], &ws[0], mp)
}

//go:noescape
func argminAVX2(v *float64, n int) (int, float64)

// argminPadded is argmin over v[:k], reading the padding up to len(v), a
// multiple of 4 whose entries past k are +Inf.
func argminPadded(v []float64, k int) (int, float64) {
	if !useAVX2 || len(v)&3 != 0 || len(v) == 0 {
		return argmin(v[:k])
	}
	return argminAVX2(&v[0], len(v))
}

//go:noescape
func prefetchRowAsm(p *float64, n int)

// prefetchRow asks the CPU to bring row x into the cache.
func prefetchRow(x []float64) {
	if len(x) > 0 {
		prefetchRowAsm(&x[0], 8*len(x))
	}
}

func cpuid(eaxArg, ecxArg uint32) (eax, ebx, ecx, edx uint32)

func xgetbv0() uint32

// useAVX2 reports whether the CPU and the OS support AVX2 and FMA (the
// assembly kernel's instructions).
var useAVX2 = func() bool {
	max, _, _, _ := cpuid(0, 0)
	if max < 7 {
		return false
	}
	_, _, c1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if c1&fma == 0 || c1&osxsave == 0 || c1&avx == 0 {
		return false
	}
	if xgetbv0()&6 != 6 { // the OS saves the XMM and YMM registers
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<5) != 0
}()

// scores4 is scores4Generic, in assembly when the CPU has AVX2 and FMA.
func scores4(x0, x1, x2, x3 []float64, ct *centresT, out []float64) {
	d, kp := ct.d, ct.kp
	if !useAVX2 || d == 0 {
		scores4Generic(x0, x1, x2, x3, ct, out)
		return
	}
	_, _, _, _ = x0[d-1], x1[d-1], x2[d-1], x3[d-1]
	_ = ct.t[d*kp-1]
	_ = ct.cn[kp-1]
	_ = out[4*kp-1]
	scores4x8AVX2(&x0[0], &x1[0], &x2[0], &x3[0], &ct.t[0], &ct.cn[0], d, kp, &out[0])
}

//go:noescape
func silSums4x8AVX2(x0, x1, x2, x3, xt, w *float64, d, stride, nblk int, out *float64)

//go:noescape
func silSums4x8AVX512(x0, x1, x2, x3, xt, w *float64, d, stride, nblk int, out *float64)

// silSums4 is silSums4Generic, in assembly when the CPU has AVX2 and FMA
// (AVX-512 when it has that too: the same operations on twice the lanes).
func silSums4(x0, x1, x2, x3, xt, w []float64, d, stride, nblk int, out *[32]float64) {
	silSums4With(silKernel, x0, x1, x2, x3, xt, w, d, stride, nblk, out)
}

// silKernel is the widest silhouette kernel this CPU runs.
var silKernel = kernelWidths()[len(kernelWidths())-1]

// kernelWidths names the silhouette kernels this CPU can run, narrowest
// first.
func kernelWidths() []string {
	switch {
	case useAVX512:
		return []string{"avx2", "avx512"}
	case useAVX2:
		return []string{"avx2"}
	}
	return []string{"generic"}
}

// silSums4With is silSums4 with the kernel named by kernelWidths.
func silSums4With(kernel string, x0, x1, x2, x3, xt, w []float64, d, stride, nblk int, out *[32]float64) {
	if kernel == "generic" || d == 0 || nblk == 0 {
		silSums4Generic(x0, x1, x2, x3, xt, w, d, stride, nblk, out)
		return
	}
	_, _, _, _ = x0[d-1], x1[d-1], x2[d-1], x3[d-1]
	_ = xt[(d-1)*stride+8*nblk-1]
	_ = w[8*nblk-1]
	if kernel == "avx512" {
		silSums4x8AVX512(&x0[0], &x1[0], &x2[0], &x3[0], &xt[0], &w[0], d, stride, nblk, &out[0])
		return
	}
	silSums4x8AVX2(&x0[0], &x1[0], &x2[0], &x3[0], &xt[0], &w[0], d, stride, nblk, &out[0])
}

// useAVX512 reports whether the CPU and the OS support AVX-512F (and AVX2
// and FMA, which it implies here): CPUID leaf 7 and the OS saving the
// opmask and ZMM registers.
var useAVX512 = func() bool {
	if !useAVX2 {
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<16) != 0 && xgetbv0()&0xe6 == 0xe6
}()
