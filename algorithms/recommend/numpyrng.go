package recommend

import "math/bits"

// NumPyRNG reproduces numpy.random.default_rng(seed).random(): PCG64
// (XSL-RR 128/64) seeded through numpy's SeedSequence, doubles from the top
// 53 bits. ALSOptions.NumPyRandom draws the initial factors from it, so a
// model starts exactly where numpy code seeded with the same seed starts.
type NumPyRNG struct{ hi, lo, incHi, incLo uint64 }

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

// NewNumPyRNG is numpy.random.default_rng(seed).
func NewNumPyRNG(seed uint32) *NumPyRNG {
	s := seedSequenceState(seed)
	r := &NumPyRNG{}
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

func (r *NumPyRNG) step() {
	hi, lo := bits.Mul64(r.lo, pcgMulLo)
	hi += r.hi*pcgMulLo + r.lo*pcgMulHi
	var c uint64
	r.lo, c = bits.Add64(lo, r.incLo, 0)
	r.hi, _ = bits.Add64(hi, r.incHi, c)
}

// Uint64 is the generator's next raw 64-bit output.
func (r *NumPyRNG) Uint64() uint64 {
	r.step()
	return bits.RotateLeft64(r.hi^r.lo, -int(r.hi>>58))
}

// Float64 is Generator.random(): a double in [0, 1).
func (r *NumPyRNG) Float64() float64 { return float64(r.Uint64()>>11) * (1.0 / 9007199254740992.0) }

// uniformFactors returns rng.random((rows, f)) * 0.01 as float32, the
// initial factors (users, then items, from one stream), polling p.
func uniformFactors(p *poller, r interface{ Float64() float64 }, rows, f int) ([]float32, error) {
	out := make([]float32, rows*f)
	for k := range out {
		out[k] = float32(r.Float64() * 0.01)
		if err := p.tick(1); err != nil {
			return nil, err
		}
	}
	return out, nil
}
