package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

const buysSQL = `CREATE TABLE buys(customer INTEGER, item TEXT, qty INTEGER);
INSERT INTO buys VALUES
  (1,'a',1),(1,'b',2),(1,'c',1),(2,'a',1),(2,'b',1),(3,'b',3),(3,'c',1),
  (4,'d',1),(4,'e',1),(4,'f',2),(5,'d',1),(5,'e',1),(6,'e',1),(6,'f',1),(6,'a',1);`

// TestTrainRecommender checks the Go API against the SQL function: the
// same model for the same options, and the summary's figures.
func TestTrainRecommender(t *testing.T) {
	t.Parallel()
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := e.DB().Exec(buysSQL); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	events := 0
	r, err := e.TrainRecommender(ctx, "go", "buys", &engine.RecommendOptions{
		Factors:  8,
		Seed:     4,
		Progress: func(engine.Progress) { events++ },
	})
	if err != nil {
		t.Fatal(err)
	}
	if r.Name != "go" || r.Method != "als" || r.Users != 6 || r.Items != 6 || r.Interactions != 15 || r.Rows != 15 || r.Loss == nil {
		t.Errorf("recommender %+v", r)
	}
	if events == 0 {
		t.Error("no progress events")
	}
	if _, err := e.DB().Exec(`SELECT recommend_train('sql', 'buys', '{"factors": 8, "seed": 4}')`); err != nil {
		t.Fatal(err)
	}
	if !scalar[bool](t, e.DB(), `SELECT (SELECT params FROM ml_models WHERE name = 'go') = (SELECT params FROM ml_models WHERE name = 'sql')`) {
		t.Error("TrainRecommender and recommend_train stored different models for the same options")
	}
	if got := scalar[string](t, e.DB(), `SELECT group_concat(item, ',') FROM recommend('go', 5, 3)`); len(strings.Split(got, ",")) != 3 {
		t.Errorf("recommend on the Go-trained model: %q", got)
	}
	// nil options: defaults (ALS).
	if r, err := e.TrainRecommender(ctx, "defaults", "SELECT customer, item FROM buys", nil); err != nil || r.Method != "als" {
		t.Errorf("nil options: %+v, %v", r, err)
	}
	// Errors carry the Go function's name.
	_, err = e.TrainRecommender(ctx, "bad", "buys", &engine.RecommendOptions{Method: "svd"})
	if err == nil || !strings.HasPrefix(err.Error(), `TrainRecommender: option "method" must be one of`) {
		t.Errorf("bad method: %v", err)
	}
	_, err = e.TrainRecommender(ctx, "bad", "SELECT 1, item FROM buys", nil)
	if err == nil || !strings.HasPrefix(err.Error(), "TrainRecommender: the source has a single user") {
		t.Errorf("single user: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.TrainRecommender(cancelled, "c", "buys", nil); err == nil || !strings.HasPrefix(err.Error(), "TrainRecommender: ") {
		t.Errorf("cancelled context: %v", err)
	}
}

// Train an item-kNN recommender from Go, then ask SQL for a customer's
// recommendations.
func ExampleEngine_TrainRecommender() {
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		panic(err)
	}
	defer e.Close()
	if _, err := e.DB().Exec(buysSQL); err != nil {
		panic(err)
	}
	opts := &engine.RecommendOptions{}
	opts.Method = "item_knn"
	r, err := e.TrainRecommender(context.Background(), "recs", "SELECT customer, item FROM buys", opts)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Method, r.Users, "customers", r.Items, "items")
	rows, err := e.DB().Query(`SELECT rank, item, printf('%.3f', score), reason FROM recommend('recs', 5, 3)`)
	if err != nil {
		panic(err)
	}
	defer rows.Close()
	for rows.Next() {
		var rank int
		var item, score, reason string
		rows.Scan(&rank, &item, &score, &reason)
		fmt.Println(rank, item, score, reason)
	}
	// Output:
	// item_knn 6 customers 6 items
	// 1 f 1.316 model
	// 2 a 0.333 model
	// 3 b 3.000 popular
}
