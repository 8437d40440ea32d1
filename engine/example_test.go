package engine_test

import (
	"context"
	"fmt"
	"log"

	"github.com/seed-a084b42d/marketsql/engine"
)

// Segment customers from Go: the same trainer as kmeans_train, with a
// progress callback and a cancellable context, then score in SQL.
func ExampleEngine_TrainKMeans() {
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	if _, err := db.Exec(`
		CREATE TABLE customer_rfm(customer_id INTEGER PRIMARY KEY, recency REAL, frequency INTEGER, monetary REAL);
		INSERT INTO customer_rfm VALUES
		  (1, 5, 20, 5200), (2, 8, 18, 4700), (3, 3, 25, 6100),
		  (4, 200, 1, 90),  (5, 240, 2, 120), (6, 180, 1, 60), (7, 210, 1, 75),
		  (8, 40, 6, 900),  (9, 55, 5, 800)`); err != nil {
		log.Fatal(err)
	}

	iterations := 0
	opts := &engine.KMeansOptions{K: 3, NInit: 10, Progress: func(p engine.Progress) {
		if p.Phase == "iterate" {
			iterations++
		}
	}}
	m, err := e.TrainKMeans(context.Background(), "segments", "customer_rfm", opts)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("features:", m.Features)
	fmt.Println("sizes:", m.Sizes)
	fmt.Printf("largest segment's mean recency: %.1f days\n", m.Centroids[0][0])
	fmt.Println("progress reported:", iterations > 0)

	var segment int
	if err := db.QueryRow(`SELECT kmeans_assign('segments', 7, 22, 5000)`).Scan(&segment); err != nil {
		log.Fatal(err)
	}
	fmt.Println("a new big spender joins segment", segment)
	// Output:
	// features: [recency frequency monetary]
	// sizes: [4 3 2]
	// largest segment's mean recency: 207.5 days
	// progress reported: true
	// a new big spender joins segment 2
}
