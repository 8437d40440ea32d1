package pmml

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"testing"
)

func benchModel(k, d int) *KMeans {
	rng := rand.New(rand.NewPCG(1, 2))
	m := &KMeans{Measure: SquaredEuclidean}
	for i := range d {
		m.Fields = append(m.Fields, fmt.Sprintf("x%d", i))
	}
	for range k {
		c := make([]float64, d)
		for i := range c {
			c[i] = rng.NormFloat64() * 100
		}
		m.Centers = append(m.Centers, c)
	}
	return m
}

var benchSizes = []struct{ k, d int }{{3, 4}, {100, 32}, {1000, 256}}

func BenchmarkRead(b *testing.B) {
	for _, s := range benchSizes {
		var buf bytes.Buffer
		if err := Write(&buf, benchModel(s.k, s.d)); err != nil {
			b.Fatal(err)
		}
		doc := buf.Bytes()
		b.Run(fmt.Sprintf("k=%d,d=%d", s.k, s.d), func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if _, err := Read(bytes.NewReader(doc)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkWrite(b *testing.B) {
	for _, s := range benchSizes {
		m := benchModel(s.k, s.d)
		b.Run(fmt.Sprintf("k=%d,d=%d", s.k, s.d), func(b *testing.B) {
			var buf bytes.Buffer
			for b.Loop() {
				buf.Reset()
				if err := Write(&buf, m); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}
