package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
	"github.com/seed-a084b42d/marketsql/internal/datasets/retail"
)

// movieLens prints P@10, MAP@10 and NDCG@10 of every method on the u1
// split of MovieLens 100k, ratings >= 4 as positives.
func movieLens(dir string) error {
	ml, err := retail.LoadMovieLens(filepath.Join(dir, "u1.base"), filepath.Join(dir, "u1.test"))
	if err != nil {
		return err
	}
	fmt.Printf("\nMovieLens 100k u1: %d users × %d items, %d training positives, %d users evaluated\n",
		ml.Train.Rows, ml.Train.Cols, ml.Train.NNZ(), len(ml.Relevant))
	fmt.Printf("\n| method | P@10 | MAP@10 | NDCG@10 | R@10 | coverage |\n|---|---|---|---|---|---|\n")
	for _, c := range retail.Methods() {
		m, err := recommend.Fit(context.Background(), ml.Train, c.Options)
		if err != nil {
			return err
		}
		r, err := m.Evaluate(context.Background(), ml.Relevant, 10, false, 0)
		if err != nil {
			return err
		}
		fmt.Printf("| %s | %.4f | %.4f | %.4f | %.4f | %.3f |\n", c.Name, r.Precision, r.MAP, r.NDCG, r.Recall, r.Coverage)
	}
	return nil
}
