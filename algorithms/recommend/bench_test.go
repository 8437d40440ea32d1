package recommend_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
)

// Benchmarks at three sizes of random implicit data (about 1% dense), and
// on Online Retail.
var benchSizes = []struct{ users, items int }{{1000, 500}, {5000, 2000}, {20000, 5000}}

func BenchmarkItemKNN(b *testing.B) {
	for _, sz := range benchSizes {
		x := randomMatrix(11, sz.users, sz.items, 0.01).Binarized()
		b.Run(fmt.Sprintf("%dx%d", sz.users, sz.items), func(b *testing.B) {
			for b.Loop() {
				if _, err := recommend.ItemKNN(context.Background(), x, withKNNDefaults(recommend.KNNOptions{Neighbors: 20})); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("online-retail", func(b *testing.B) {
		x := onlineRetail(b).Full.Binarized()
		for b.Loop() {
			recommend.ItemKNN(context.Background(), x, withKNNDefaults(recommend.KNNOptions{Neighbors: 10}))
		}
	})
}

// BenchmarkALSIteration times one sweep (users then items) with 64 factors.
func BenchmarkALSIteration(b *testing.B) {
	for _, sz := range benchSizes {
		x := randomMatrix(12, sz.users, sz.items, 0.01).Binarized()
		b.Run(fmt.Sprintf("%dx%d", sz.users, sz.items), func(b *testing.B) {
			for b.Loop() {
				recommend.ALS(context.Background(), x, withALSDefaults(recommend.ALSOptions{Iterations: 1}))
			}
		})
	}
	b.Run("online-retail", func(b *testing.B) {
		x := onlineRetail(b).Train.Binarized()
		for b.Loop() {
			recommend.ALS(context.Background(), x, withALSDefaults(recommend.ALSOptions{Iterations: 1}))
		}
	})
}

// BenchmarkTopUser times one user's top 10 with an ALS model of Online Retail.
func BenchmarkTopUser(b *testing.B) {
	x := onlineRetail(b).Train.Binarized()
	m, err := recommend.Fit(context.Background(), x, recommend.Options{Method: recommend.MethodALS, ALS: withALSDefaults(recommend.ALSOptions{Iterations: 2})})
	if err != nil {
		b.Fatal(err)
	}
	s := m.NewScratch()
	u := 0
	for b.Loop() {
		m.TopUser(u%m.Users(), 10, false, s)
		u++
	}
}
