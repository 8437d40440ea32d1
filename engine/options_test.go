package engine_test

import (
	"context"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// optionsSQL is data every option of every family can be tried on: points
// with a weight and a NULL row, text documents, and purchases with a
// quantity and a NULL row.
const optionsSQL = `CREATE TABLE wpts(id INTEGER PRIMARY KEY, a REAL, b REAL, w REAL);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
  INSERT INTO wpts SELECT i, (i % 3) * 5 + (i % 7) / 10.0, (i % 4) * 2 + (i % 5) / 10.0, 1 + i % 3 FROM n;
INSERT INTO wpts VALUES (61, NULL, 1, 1);
CREATE TABLE docs(id INTEGER, txt TEXT);
INSERT INTO docs VALUES
  (1, 'chocolate cookies sweet chocolate'), (2, 'coffee beans roast coffee'), (3, 'sweet chocolate candy'),
  (4, 'dark roast coffee beans'), (5, 'cookies sweet crumbs'), (6, 'fresh coffee beans'),
  (7, 'chocolate candy sweet'), (8, 'coffee roast dark'), (9, 'the sweet cookies running'),
  (10, 'roasting coffee beans'), (11, 'chocolate cookies'), (12, 'coffee beans');
CREATE TABLE qty(u INTEGER, i TEXT, n REAL);
WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 300)
  INSERT INTO qty SELECT k % 23, 'item' || ((k * 7) % 17), 1 + k % 4 FROM n;
INSERT INTO qty VALUES (NULL, 'item1', 1);`

// TestOptionsMatchJSON: every field of the Go option structs reaches the
// trainer as its JSON key does. Each case trains once through the Go API
// and once through SQL with the same options written as JSON; the stored
// options and model must be identical.
func TestOptionsMatchJSON(t *testing.T) {
	t.Parallel()
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	if _, err := db.Exec(optionsSQL); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cases := []struct {
		name  string
		train func() error // trains model "go"
		sql   string       // trains model "sql"
	}{
		{"kmeans", func() error {
			_, err := e.TrainKMeans(ctx, "go", "wpts", &engine.KMeansOptions{K: 3, Init: "random", Weight: "w", NInit: 4,
				MaxIter: 50, Tol: new(0.0), Seed: 7, KeepScale: true, Algorithm: "lloyd", SkipBad: true, Threads: 2,
				SilhouetteSample: 20})
			return err
		}, `SELECT kmeans_train('sql', 'wpts', '{"k": 3, "init": "random", "weight": "w", "n_init": 4, "max_iter": 50,
			"tol": 0, "seed": 7, "standardize": false, "algorithm": "lloyd", "on_null": "skip", "threads": 2,
			"silhouette_sample": 20}')`},
		{"kmeans tol", func() error {
			_, err := e.TrainKMeans(ctx, "go", "SELECT id, a, b FROM wpts WHERE a IS NOT NULL",
				&engine.KMeansOptions{K: 2, Tol: new(0.01), NumPyRandom: true, Seed: 3, Algorithm: "hamerly"})
			return err
		}, `SELECT kmeans_train('sql', 'SELECT id, a, b FROM wpts WHERE a IS NOT NULL',
			'{"k": 2, "tol": 0.01, "rng": "numpy", "seed": 3, "algorithm": "hamerly"}')`},
		{"kmeans minibatch", func() error {
			_, err := e.TrainKMeans(ctx, "go", "SELECT id, a, b FROM wpts WHERE a IS NOT NULL",
				&engine.KMeansOptions{K: 2, Seed: 4, Algorithm: "minibatch", BatchSize: 16})
			return err
		}, `SELECT kmeans_train('sql', 'SELECT id, a, b FROM wpts WHERE a IS NOT NULL',
			'{"k": 2, "seed": 4, "algorithm": "minibatch", "batch_size": 16}')`},
		{"kmeans centroids", func() error {
			_, err := e.TrainKMeans(ctx, "go", "SELECT id, a, b FROM wpts WHERE a IS NOT NULL",
				&engine.KMeansOptions{K: 2, InitCentroids: [][]float64{{0, 0}, {10, 6}}, Algorithm: "elkan"})
			return err
		}, `SELECT kmeans_train('sql', 'SELECT id, a, b FROM wpts WHERE a IS NOT NULL',
			'{"k": 2, "init": [[0, 0], [10, 6]], "algorithm": "elkan"}')`},
		{"lda", func() error {
			_, err := e.TrainLDA(ctx, "go", "docs", &engine.LDAOptions{Topics: 3, Alpha: "asymmetric", EtaValue: 0.05,
				Passes: 2, Iterations: 20, Chunksize: 4, Decay: 0.7, Offset: 2, GammaThreshold: 0.01, Seed: 5,
				Threads: 1, MinDF: 1, MaxDF: 0.9, MaxVocab: 12, Holdout: new(0.0), MinimumProbability: new(0.0), Language: "en",
				MinLength: 4, MinLengthCJK: 3, Stem: true, KeepStopWords: true, StopWords: []string{"crumbs"},
				UserWords: []string{"咖啡豆"}})
			return err
		}, `SELECT lda_train('sql', 'docs', '{"topics": 3, "alpha": "asymmetric", "eta": 0.05, "passes": 2,
			"iterations": 20, "chunksize": 4, "decay": 0.7, "offset": 2, "gamma_threshold": 0.01, "seed": 5,
			"threads": 1, "min_df": 1, "max_df": 0.9, "max_vocab": 12, "holdout": 0, "minimum_probability": 0,
			"language": "en", "min_length": 4, "min_length_cjk": 3, "stem": true, "keep_stop_words": true,
			"stop_words": ["crumbs"], "user_words": ["咖啡豆"]}')`},
		{"lda priors", func() error {
			_, err := e.TrainLDA(ctx, "go", "docs", &engine.LDAOptions{Topics: 2, AlphaValue: 0.3, Eta: "auto",
				MinDF: 1, Holdout: new(0.2), MinimumProbability: new(0.2)})
			return err
		}, `SELECT lda_train('sql', 'docs', '{"topics": 2, "alpha": 0.3, "eta": "auto", "min_df": 1,
			"holdout": 0.2, "minimum_probability": 0.2}')`},
		{"als", func() error {
			_, err := e.TrainRecommender(ctx, "go", "qty", &engine.RecommendOptions{Factors: 4, Regularization: new(0.0),
				Alpha: new(0.0), Iterations: 3, CGSteps: 2, Seed: 9, NumPyRandom: true, KeepWeights: true, SkipBad: true,
				Threads: 1})
			return err
		}, `SELECT recommend_train('sql', 'qty', '{"factors": 4, "regularization": 0, "alpha": 0, "iterations": 3,
			"cg_steps": 2, "seed": 9, "rng": "numpy", "binarize": false, "on_null": "skip", "threads": 1}')`},
		{"als values", func() error {
			_, err := e.TrainRecommender(ctx, "go", "qty", &engine.RecommendOptions{Factors: 3, Regularization: new(0.5),
				Alpha: new(2.0), Iterations: 2, SkipBad: true})
			return err
		}, `SELECT recommend_train('sql', 'qty', '{"factors": 3, "regularization": 0.5, "alpha": 2, "iterations": 2,
			"on_null": "skip"}')`},
		{"item_knn", func() error {
			_, err := e.TrainRecommender(ctx, "go", "qty", &engine.RecommendOptions{Method: "item_knn", Neighbors: new(0),
				Weighting: "bm25", BM25K1: 1.5, BM25B: new(0.0), SkipBad: true})
			return err
		}, `SELECT recommend_train('sql', 'qty', '{"method": "item_knn", "neighbors": 0, "weighting": "bm25",
			"bm25_k1": 1.5, "bm25_b": 0, "on_null": "skip"}')`},
		{"user_knn", func() error {
			_, err := e.TrainRecommender(ctx, "go", "qty", &engine.RecommendOptions{Method: "user_knn", Neighbors: new(3),
				SkipBad: true})
			return err
		}, `SELECT recommend_train('sql', 'qty', '{"method": "user_knn", "neighbors": 3, "on_null": "skip"}')`},
	}
	// One at a time: the cases share the database and the model names.
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := c.train(); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Exec(c.sql); err != nil {
				t.Fatal(err)
			}
			var goOpts, sqlOpts string
			var same bool
			if err := db.QueryRow(`SELECT g.options, s.options, g.params = s.params
				FROM ml_models g, ml_models s WHERE g.name = 'go' AND s.name = 'sql'`).Scan(&goOpts, &sqlOpts, &same); err != nil {
				t.Fatal(err)
			}
			if goOpts != sqlOpts {
				t.Errorf("stored options differ:\nGo  %s\nSQL %s", goOpts, sqlOpts)
			}
			if !same {
				t.Error("the Go API and SQL stored different models")
			}
		})
	}
}

// TestOptionsNegative: a negative count is an error naming the field, not
// a default.
func TestOptionsNegative(t *testing.T) {
	t.Parallel()
	e := openPts(t, ":memory:")
	if _, err := e.DB().Exec(`CREATE TABLE docs(id INTEGER, txt TEXT); INSERT INTO docs VALUES (1, 'a b c')`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		name, want string
		train      func() error
	}{
		{"kmeans", "TrainKMeans: MaxIter must not be negative, got -1", func() error {
			_, err := e.TrainKMeans(ctx, "m", "pts", &engine.KMeansOptions{K: 2, MaxIter: -1})
			return err
		}},
		{"kmeans k", "TrainKMeans: K must not be negative, got -2", func() error {
			_, err := e.TrainKMeans(ctx, "m", "pts", &engine.KMeansOptions{K: -2})
			return err
		}},
		{"lda", "TrainLDA: Passes must not be negative, got -3", func() error {
			_, err := e.TrainLDA(ctx, "m", "docs", &engine.LDAOptions{Passes: -3})
			return err
		}},
		{"recommend", "TrainRecommender: Neighbors must not be negative, got -1", func() error {
			_, err := e.TrainRecommender(ctx, "m", "SELECT id, a FROM pts", &engine.RecommendOptions{Neighbors: new(-1)})
			return err
		}},
	} {
		if err := c.train(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
}
