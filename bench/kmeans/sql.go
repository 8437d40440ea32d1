package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// timeSQL measures a whole training through SQL: the rows of x go into a
// table of an in-memory database, and kmeans_train(model, table, '{"k": k,
// "n_init": nInit}') runs once untimed and cfg.Reps times timed, with the
// default metrics. The figures are the summary's own: its seconds and its
// timings, medians over the reps.
func timeSQL(ctx context.Context, cfg benchConfig, x *mat.Dense, k, nInit int) (*totalStat, error) {
	db, err := sql.Open("marketsql", ":memory:")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx) // one connection: each one to :memory: is its own database
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	n, d := x.Dims()
	cols := make([]string, d)
	marks := make([]string, d)
	for j := range cols {
		cols[j] = fmt.Sprintf("x%d REAL", j+1)
		marks[j] = "?"
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("CREATE TABLE blobs(id INTEGER PRIMARY KEY, %s)", strings.Join(cols, ", "))); err != nil {
		return nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO blobs VALUES (?, %s)", strings.Join(marks, ", ")))
	if err != nil {
		return nil, err
	}
	args := make([]any, d+1)
	for i := range n {
		args[0] = i + 1
		for j, v := range x.RawRowView(i) {
			args[j+1] = v
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return nil, err
		}
	}
	stmt.Close()
	if err := tx.Commit(); err != nil {
		return nil, err
	}
	q := fmt.Sprintf(`SELECT kmeans_train('bench', 'blobs', '{"k": %d, "n_init": %d}')`, k, nInit)
	type summary struct {
		Seconds float64            `json:"seconds"`
		Timings map[string]float64 `json:"timings"`
	}
	run := func() (summary, error) {
		var s string
		var sum summary
		if err := conn.QueryRowContext(ctx, q).Scan(&s); err != nil {
			return sum, err
		}
		err := json.Unmarshal([]byte(s), &sum)
		return sum, err
	}
	if _, err := run(); err != nil { // warm-up
		return nil, err
	}
	reps := cfg.Reps
	if reps <= 0 {
		reps = 5
	}
	var total []float64
	timings := map[string][]float64{}
	for range reps {
		s, err := run()
		if err != nil {
			return nil, err
		}
		total = append(total, s.Seconds)
		for name, v := range s.Timings {
			timings[name] = append(timings[name], v)
		}
	}
	st := &totalStat{MedianS: median(total), Reps: reps, Timings: map[string]float64{}}
	for name, v := range timings {
		st.Timings[name] = median(v)
	}
	// The fit's part is the median of init + iterate over the reps, not the
	// sum of two medians.
	var fit []float64
	for i := range timings["init"] {
		fit = append(fit, timings["init"][i]+timings["iterate"][i])
	}
	if len(fit) == 0 {
		return nil, fmt.Errorf("the summary has no timings")
	}
	st.FitS, st.MetricsS = median(fit), st.Timings["metrics"]
	return st, nil
}
