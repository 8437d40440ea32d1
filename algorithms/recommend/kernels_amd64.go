package recommend

// AVX2+FMA kernels for float32 vectors whose length is a multiple of 8
// (the common factor counts); other lengths and CPUs use the Go loops.
// Like those, they sum in a fixed order whatever the alignment.

//go:noescape
func dot8(a, b *float32, n int) float32

//go:noescape
func axpy8(alpha float32, x, y *float32, n int)

func cpuidAVX2FMA() bool

var useAVX2 = cpuidAVX2FMA()

func dot(a, b []float32) float32 {
	n := len(a)
	if useAVX2 && n >= 8 && n%8 == 0 && len(b) >= n {
		return dot8(&a[0], &b[0], n)
	}
	return dotGo(a, b)
}

func axpy(alpha float32, x, y []float32) {
	n := len(x)
	if useAVX2 && n >= 8 && n%8 == 0 && len(y) >= n {
		axpy8(alpha, &x[0], &y[0], n)
		return
	}
	axpyGo(alpha, x, y)
}

//go:noescape
func scores8(items, x *float32, f, n int, dst *float64)
