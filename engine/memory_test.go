package engine_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// MaxMemory in the Go API is the SQL option "max_memory": a budget below
// the estimate refuses the training before it runs, and stores nothing.
func TestMaxMemory(t *testing.T) {
	e := openPts(t, filepath.Join(t.TempDir(), "m.db"))
	ctx := context.Background()
	if _, err := e.TrainKMeans(ctx, "seg", "pts", &engine.KMeansOptions{K: 2, MaxMemory: 100}); err == nil || !strings.Contains(err.Error(), "max_memory") {
		t.Errorf("k-means under 100 bytes: %v", err)
	}
	if _, err := e.TrainRecommender(ctx, "rec", "SELECT id % 4, id % 5 FROM pts", &engine.RecommendOptions{MaxMemory: 100}); err == nil || !strings.Contains(err.Error(), "max_memory") {
		t.Errorf("recommender under 100 bytes: %v", err)
	}
	var n int
	if err := e.DB().QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'ml_models'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("a refused training created the catalog (%d, %v)", n, err)
	}
	if _, err := e.DB().Exec(`CREATE TABLE docs(id INTEGER, body TEXT); INSERT INTO docs VALUES (1, 'red apple pie'), (2, 'blue whale sea')`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.TrainLDA(ctx, "lda", "docs", &engine.LDAOptions{Topics: 2, MaxMemory: 100}); err == nil || !strings.Contains(err.Error(), "max_memory") {
		t.Errorf("LDA under 100 bytes: %v", err)
	}
	if _, err := e.TrainKMeans(ctx, "seg", "pts", &engine.KMeansOptions{K: 2, MaxMemory: 1 << 30}); err != nil {
		t.Errorf("k-means under 1 GiB: %v", err)
	}
}
