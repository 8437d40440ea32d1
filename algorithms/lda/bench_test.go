package lda

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
)

// benchCorpus draws docs documents of about 60 tokens from 20 topics over a
// vocabulary of 5000 terms.
func benchCorpus(docs int) *Corpus {
	r := rand.New(rand.NewPCG(1, 2))
	c := &Corpus{V: 5000}
	for d := 0; d < docs; d++ {
		t1, t2 := r.IntN(20), r.IntN(20)
		var ids []int32
		var cts []float64
		for i := 0; i < 60; i++ {
			t := t1
			if r.IntN(3) == 0 {
				t = t2
			}
			ids = append(ids, int32(t*250+int(r.ExpFloat64()*30)%250))
			cts = append(cts, 1)
		}
		c.Append(ids, cts)
	}
	return c
}

func BenchmarkFit(b *testing.B) {
	for _, docs := range []int{1000, 10000, 50000} {
		c := benchCorpus(docs)
		for _, k := range []int{10, 50} {
			b.Run(fmt.Sprintf("docs=%d/topics=%d", docs, k), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, err := Fit(context.Background(), c, defaultsWith(func(o *Options) { o.Topics = k; o.Chunksize = 2000 })); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(docs*b.N)/b.Elapsed().Seconds(), "docs/s")
			})
		}
	}
}
