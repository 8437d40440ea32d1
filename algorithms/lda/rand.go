package lda

import (
	"math"
	"math/rand/v2"
)

// newRand returns a generator for one stream of the fit: the seed and a
// stream number (the document, or a fixed tag), so that every document's
// random start is the same whatever the order or thread it runs on.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed^0x9e3779b97f4a7c15, stream*0xbf58476d1ce4e5b9+0x94d049bb133111eb))
}

// gamma100 draws from Gamma(shape 100, scale 1/100), gensim's initial
// distribution for λ and γ (mean 1, standard deviation 0.1), by Marsaglia
// and Tsang's method.
func gamma100(r *rand.Rand) float64 {
	const d = 100 - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v / 100
		}
	}
}
