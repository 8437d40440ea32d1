package engine_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"

	"github.com/seed-a084b42d/marketsql/engine"
)

// The README's "Embedding from Go": open a database file, segment the
// customers of its customer_rfm table into four groups from Go, and score every
// customer in SQL with the stored model.
func Example_embedding() {
	dir, err := os.MkdirTemp("", "marketsql-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	ctx := context.Background()

	e, err := engine.Open(filepath.Join(dir, "shop.db"), nil) // or sql.Open("marketsql", path)
	if err != nil {
		log.Fatal(err)
	}
	defer e.Close()

	// rfm(customer_id, recency, frequency, monetary) as examples/rfm.sql
	// computes it from purchases; here fifteen customers of the Online
	// Retail kind: regulars, recent first-timers, lapsing and gone.
	if _, err := e.DB().ExecContext(ctx, `
		CREATE TABLE customer_rfm(customer_id INTEGER PRIMARY KEY, recency INTEGER, frequency INTEGER, monetary REAL);
		INSERT INTO customer_rfm VALUES
		  (12346, 2, 24, 5210.40), (12347, 4, 31, 6120.75), (12348, 9, 18, 4380.10),
		  (12349, 6, 2, 160.20), (12350, 11, 1, 94.50), (12351, 3, 1, 73.15),
		  (12352, 15, 2, 210.00), (12353, 8, 1, 55.80), (12354, 13, 2, 131.40),
		  (12355, 74, 6, 980.30), (12356, 95, 5, 1240.00), (12357, 121, 7, 860.25),
		  (12358, 88, 4, 1105.60), (12359, 301, 1, 48.90), (12360, 352, 1, 27.35)`); err != nil {
		log.Fatal(err)
	}

	var phases []string // the phases training goes through, each once
	m, err := e.TrainKMeans(ctx, "segments", "customer_rfm", &engine.KMeansOptions{
		K: 4, NInit: 10,
		Progress: func(p engine.Progress) { // also p.Done, p.Total, p.Detail: enough for a progress bar
			if !slices.Contains(phases, p.Phase) {
				phases = append(phases, p.Phase)
			}
		},
	}) // cancel ctx to stop; the old model stays
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(phases)
	fmt.Printf("sizes %v, inertia %.3f, silhouette %.3f\n", m.Sizes, m.Inertia, *m.Silhouette)

	rows, err := e.DB().QueryContext(ctx,
		`SELECT customer_id, kmeans_assign('segments', recency, frequency, monetary) FROM customer_rfm`)
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	customers := map[int]int{} // per segment
	for rows.Next() {
		var id, segment int
		if err := rows.Scan(&id, &segment); err != nil {
			log.Fatal(err)
		}
		customers[segment]++
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
	fmt.Println(customers)
	// Output:
	// [read init iterate metrics write]
	// sizes [6 4 3 2], inertia 1.722, silhouette 0.771
	// map[1:6 2:4 3:3 4:2]
}
