package engine_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/seed-a084b42d/marketsql/engine"
)

// Find what customers write about from Go: the same trainer as lda_train,
// then score new text in SQL.
func ExampleEngine_TrainLDA() {
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	if _, err := db.Exec(`
		CREATE TABLE reviews(id INTEGER, txt TEXT);
		INSERT INTO reviews VALUES
		  (1, 'Sweet chocolate cookies'), (2, 'Dark roast coffee beans'), (3, 'Chocolate cookies, so sweet'),
		  (4, 'Fresh coffee beans, dark roast'), (5, 'Kids love sweet chocolate'), (6, 'Strong coffee, fresh beans'),
		  (7, 'Chocolate candy and cookies'), (8, 'Roast coffee every morning')`); err != nil {
		log.Fatal(err)
	}
	opts := &engine.LDAOptions{Topics: 2, Passes: 30, MaxDF: 1, Holdout: new(0.0), Seed: 1}
	m, err := e.TrainLDA(context.Background(), "taste", "reviews", opts)
	if err != nil {
		log.Fatal(err)
	}
	for k, words := range m.TopWords {
		fmt.Printf("topic %d: %s\n", k+1, strings.Join(words[:3], " "))
	}
	var topic int
	if err := db.QueryRow(`SELECT lda_top_topic('taste', 'a cup of dark roast')`).Scan(&topic); err != nil {
		log.Fatal(err)
	}
	fmt.Println("'a cup of dark roast' is about topic", topic)
	// Output:
	// topic 1: coffee beans roast
	// topic 2: chocolate cookies sweet
	// 'a cup of dark roast' is about topic 1
}
