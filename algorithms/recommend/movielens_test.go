package recommend_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
	"github.com/seed-a084b42d/marketsql/internal/datasets/retail"
)

// movieLensDir finds MovieLens 100k: $MARKETSQL_DATA/movielens-100k or
// ../shared/data/movielens-100k next to the repository.
func movieLensDir(t *testing.T) string {
	t.Helper()
	root := os.Getenv("MARKETSQL_DATA")
	if root == "" {
		root = filepath.Join("..", "..", "..", "shared", "data")
	}
	dir := filepath.Join(root, "movielens-100k")
	if _, err := os.Stat(filepath.Join(dir, "u1.base")); err != nil {
		t.Skipf("MovieLens 100k not found in %s (set MARKETSQL_DATA): %v", dir, err)
	}
	return dir
}

// TestMovieLens reports P@10, MAP@10 and NDCG@10 of every method on the
// u1 split (ratings >= 4 as positives), as the README records them, and
// checks that every model method beats popularity.
func TestMovieLens(t *testing.T) {
	if testing.Short() {
		t.Skip("MovieLens quality table; skipped with -short")
	}
	dir := movieLensDir(t)
	ml, err := retail.LoadMovieLens(filepath.Join(dir, "u1.base"), filepath.Join(dir, "u1.test"))
	if err != nil {
		t.Fatal(err)
	}
	var popular float64
	for _, m := range retail.Methods() {
		model, err := retailFit(m, ml)
		if err != nil {
			t.Fatal(err)
		}
		r, err := model.Evaluate(context.Background(), ml.Relevant, 10, false, 0)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%-52s P@10 %.4f MAP@10 %.4f NDCG@10 %.4f", m.Name, r.Precision, r.MAP, r.NDCG)
		if m.Name == "popular" {
			popular = r.Precision
		} else if r.Precision <= popular {
			t.Errorf("%s: P@10 %.4f is not above popularity's %.4f", m.Name, r.Precision, popular)
		}
	}
}

func retailFit(m retail.Method, ml *retail.MovieLens) (*recommend.Model, error) {
	return recommend.Fit(context.Background(), ml.Train, m.Options)
}
