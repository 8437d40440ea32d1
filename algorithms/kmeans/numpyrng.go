package kmeans

// numpyRandomState reproduces the draws of numpy's legacy
// numpy.random.RandomState(seed) (MT19937 seeded with init_genrand) that
// scikit-learn 1.2.1's k-means++ makes: randint(n) and uniform(). With it,
// Options.NumPyRandom picks the same k-means++ centres as
// KMeans(init='k-means++', random_state=seed), so results can be compared
// with scikit-learn run for run rather than only in distribution.
type numpyRandomState struct {
	mt  [624]uint32
	pos int
}

func newNumPyRandomState(seed uint32) *numpyRandomState {
	r := &numpyRandomState{}
	r.mt[0] = seed
	for i := 1; i < 624; i++ {
		r.mt[i] = 1812433253*(r.mt[i-1]^(r.mt[i-1]>>30)) + uint32(i)
	}
	r.pos = 624
	return r
}

func (r *numpyRandomState) next() uint32 {
	if r.pos >= 624 {
		const upper, lower = 0x80000000, 0x7fffffff
		for i := 0; i < 624; i++ {
			y := r.mt[i]&upper | r.mt[(i+1)%624]&lower
			v := r.mt[(i+397)%624] ^ y>>1
			if y&1 != 0 {
				v ^= 0x9908b0df
			}
			r.mt[i] = v
		}
		r.pos = 0
	}
	y := r.mt[r.pos]
	r.pos++
	y ^= y >> 11
	y ^= y << 7 & 0x9d2c5680
	y ^= y << 15 & 0xefc60000
	y ^= y >> 18
	return y
}

// Float64 is RandomState.random_sample(): 53 random bits from two draws.
func (r *numpyRandomState) Float64() float64 {
	a, b := r.next()>>5, r.next()>>6
	return (float64(a)*67108864 + float64(b)) / 9007199254740992
}

// IntN is RandomState.randint(n) for 0 < n <= 2^32: draws masked to the
// smallest all-ones mask covering n-1, rejected until in range.
func (r *numpyRandomState) IntN(n int) int {
	max := uint32(n - 1)
	if max == 0 {
		return 0
	}
	mask := max
	mask |= mask >> 1
	mask |= mask >> 2
	mask |= mask >> 4
	mask |= mask >> 8
	mask |= mask >> 16
	for {
		if v := r.next() & mask; v <= max {
			return int(v)
		}
	}
}
