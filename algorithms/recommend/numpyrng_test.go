package recommend_test

import (
	"math/bits"
	"testing"
)

// numpyRNG reproduces numpy.random.default_rng(seed).random(): PCG64
// (XSL-RR 128/64) seeded through numpy's SeedSequence, doubles from the top
// 53 bits. Tests use it to start ALS from the numpy reference's initial
// factors.
type numpyRNG struct{ hi, lo, incHi, incLo uint64 }

const (
	pcgMulHi = 0x2360ED051FC65DA4
	pcgMulLo = 0x4385DF649FCCF645
)

func seedSequenceState(seed uint32) [4]uint64 {
	const (
		initA, multA = 0x43b0d7e5, 0x931e8875
		initB, multB = 0x8b51f9dd, 0x58f38ded
		mixL, mixR   = 0xca01f9dd, 0x4973f715
	)
	hashConst := uint32(initA)
	hashmix := func(v uint32) uint32 {
		v ^= hashConst
		hashConst *= multA
		v *= hashConst
		v ^= v >> 16
		return v
	}
	mix := func(x, y uint32) uint32 {
		r := mixL*x - mixR*y
		return r ^ r>>16
	}
	var pool [4]uint32
	entropy := []uint32{seed}
	for i := range pool {
		if i < len(entropy) {
			pool[i] = hashmix(entropy[i])
		} else {
			pool[i] = hashmix(0)
		}
	}
	for src := range pool {
		for dst := range pool {
			if src != dst {
				pool[dst] = mix(pool[dst], hashmix(pool[src]))
			}
		}
	}
	hc := uint32(initB)
	var words [8]uint32
	for i := range words {
		v := pool[i%4]
		v ^= hc
		hc *= multB
		v *= hc
		v ^= v >> 16
		words[i] = v
	}
	var out [4]uint64
	for k := range out {
		out[k] = uint64(words[2*k]) | uint64(words[2*k+1])<<32
	}
	return out
}

func newNumpyRNG(seed uint32) *numpyRNG {
	s := seedSequenceState(seed)
	r := &numpyRNG{}
	// inc = initseq << 1 | 1, with initseq = s[2]<<64 | s[3]
	r.incHi = s[2]<<1 | s[3]>>63
	r.incLo = s[3]<<1 | 1
	r.step()
	var c uint64
	r.lo, c = bits.Add64(r.lo, s[1], 0)
	r.hi, _ = bits.Add64(r.hi, s[0], c)
	r.step()
	return r
}

func (r *numpyRNG) step() {
	hi, lo := bits.Mul64(r.lo, pcgMulLo)
	hi += r.hi*pcgMulLo + r.lo*pcgMulHi
	var c uint64
	r.lo, c = bits.Add64(lo, r.incLo, 0)
	r.hi, _ = bits.Add64(hi, r.incHi, c)
}

func (r *numpyRNG) Uint64() uint64 {
	r.step()
	return bits.RotateLeft64(r.hi^r.lo, -int(r.hi>>58))
}

func (r *numpyRNG) Float64() float64 { return float64(r.Uint64()>>11) * (1.0 / 9007199254740992.0) }

// numpyInit returns numpy's rng.random((rows, f)) * 0.01 as float32, as the
// reference ALS initializes users then items.
func numpyInit(r *numpyRNG, rows, f int) []float32 {
	out := make([]float32, rows*f)
	for k := range out {
		out[k] = float32(r.Float64() * 0.01)
	}
	return out
}

func TestNumpyRNG(t *testing.T) {
	// expected: numpy 1.24 np.random.default_rng(0).random(3) and random_raw(2)
	r := newNumpyRNG(0)
	if got := r.Uint64(); got != 0xa30febcfd9c2825f {
		t.Fatalf("first raw output %#x, numpy 0xa30febcfd9c2825f", got)
	}
	r = newNumpyRNG(0)
	for k, want := range []float64{0.6369616873214543, 0.2697867137638703, 0.04097352393619469} {
		if got := r.Float64(); got != want {
			t.Errorf("random()[%d] = %v, numpy %v", k, got, want)
		}
	}
}
