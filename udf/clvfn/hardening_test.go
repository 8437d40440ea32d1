package clvfn_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// bigOrders fills big(customer, day, amount) with the orders of n
// customers: 1 to 6 orders each, every 3 to 40 days from a first day in
// 2023, amounts 5 to 84.
func bigOrders(t *testing.T, db *sql.DB, n int) {
	t.Helper()
	sqltest.Exec(t, db, `CREATE TABLE big(customer INTEGER, day INTEGER, amount REAL)`)
	sqltest.Exec(t, db, `WITH RECURSIVE c(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM c WHERE id < ?),
  k(n) AS (VALUES (0), (1), (2), (3), (4), (5))
INSERT INTO big SELECT id, 2459946 + (id * 7919) % 365 + n * (3 + (id * 104729) % 38), 5 + (id * 31 + n * 17) % 80
FROM c, k WHERE n < 1 + (id * 13) % 6`, n)
}

// clvSnapshot is every catalog row of the clv models, to tell that an
// interrupted training left the previous model as it was.
func clvSnapshot(t *testing.T, db *sql.DB) string {
	t.Helper()
	return sqltest.Table(t, db, `SELECT name, kind, version, created_at, source, options, metrics, n_rows, format, hex(params) FROM ml_models ORDER BY name`) +
		"--\n" + sqltest.Table(t, db, `SELECT model, count(*), total(p_alive), total(expected_purchases), total(clv) FROM ml_clv_customers GROUP BY model ORDER BY model`)
}

// autoCommit reports whether the pooled connection is outside any
// transaction.
func autoCommit(t *testing.T, db *sql.DB) bool {
	t.Helper()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var ac bool
	conn.Raw(func(dc any) error {
		ac = dc.(interface{ AutoCommit() bool }).AutoCommit()
		return nil
	})
	return ac
}

// wantInterrupted checks what every interrupted call must give: an error
// of fn saying so, promptly after the stop, the previous model intact and
// no transaction left open.
func wantInterrupted(t *testing.T, db *sql.DB, err error, fn string, latency time.Duration, before string) {
	t.Helper()
	// database/sql may report the context's error itself; the driver's
	// message is then lost, which is fine: the call stopped.
	if err != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) && !strings.HasPrefix(err.Error(), fn) {
		err = errors.New(fn + ": " + err.Error())
	}
	sqltest.WantErr(t, err, fn+": ")
	if msg := err.Error(); !strings.Contains(msg, "interrupt") && !strings.Contains(msg, "cancel") && !strings.Contains(msg, "deadline") {
		t.Errorf("error %q does not say the call was interrupted", msg)
	}
	t.Logf("returned %v after the stop", latency.Round(time.Millisecond))
	if latency > 2*time.Second {
		t.Errorf("returned %v after the stop; want promptly", latency)
	}
	if after := clvSnapshot(t, db); after != before {
		t.Errorf("the previous model changed:\n%s\nwas\n%s", after, before)
	}
	if !autoCommit(t, db) {
		t.Errorf("the connection was left inside a transaction")
	}
}

// TestInterruptTraining stops clv_train on 200,000 customers' orders in
// each of its phases (reading the source, fitting, predicting, writing),
// through SQL (a cancelled statement context: sqlite3_interrupt) and
// through the Go API (a cancelled context), and checks that each call
// returns promptly with an interrupted error and keeps the previous model.
func TestInterruptTraining(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 700k-row table")
	}
	var mu sync.Mutex
	var phase string // the phase whose first event stops the call
	var stop func()
	var stopped time.Time
	e, err := engine.Open(":memory:", &engine.Options{Progress: func(p engine.Progress) {
		mu.Lock()
		defer mu.Unlock()
		if stop != nil && p.Phase == phase {
			stop()
			stop, stopped = nil, time.Now()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	bigOrders(t, db, 200_000)
	sqltest.One[string](t, db, `SELECT clv_train('value', 'SELECT * FROM big WHERE customer <= 2000', '{"penalizer": 0.001}')`)
	before := clvSnapshot(t, db)
	arm := func(p string, cancel func()) {
		mu.Lock()
		defer mu.Unlock()
		phase, stop, stopped = p, cancel, time.Time{}
	}
	latency := func(t *testing.T) time.Duration {
		mu.Lock()
		defer mu.Unlock()
		if stopped.IsZero() {
			t.Fatalf("no %q progress event", phase)
		}
		return time.Since(stopped)
	}
	const opts = `{"penalizer": 0.001, "horizon": 104}`
	for _, p := range []string{"read", "fit", "predict", "write"} {
		t.Run("sql/"+p, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			arm(p, cancel)
			err := sqltest.QueryErrCtx(ctx, db, `SELECT clv_train('value', 'big', ?)`, opts)
			wantInterrupted(t, db, err, "clv_train", latency(t), before)
		})
		t.Run("go/"+p, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			arm(p, cancel)
			h := 104.0
			_, err := e.TrainCLV(ctx, "value", "big", &engine.CLVOptions{Penalizer: 0.001, Horizon: &h})
			wantInterrupted(t, db, err, "TrainCLV", latency(t), before)
		})
	}
	// After a timeout rather than at a phase.
	for _, delay := range []time.Duration{20 * time.Millisecond, 300 * time.Millisecond} {
		t.Run("sql/"+delay.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), delay)
			defer cancel()
			start := time.Now()
			err := sqltest.QueryErrCtx(ctx, db, `SELECT clv_train('value', 'big', ?)`, opts)
			wantInterrupted(t, db, err, "clv_train", time.Since(start)-delay, before)
		})
	}
	// Uninterrupted, the same call replaces the model.
	start := time.Now()
	sqltest.One[string](t, db, `SELECT clv_train('value', 'big', ?)`, opts)
	t.Logf("clv_train on %d order rows: %v", sqltest.One[int64](t, db, `SELECT count(*) FROM big`), time.Since(start))
	if v := sqltest.One[int64](t, db, `SELECT version FROM ml_models WHERE name = 'value'`); v != 2 {
		t.Errorf("version %d after the uninterrupted training, want 2", v)
	}
}

// TestInterruptPredict stops clv_predict over 300,000 customers and five
// years (a minute of work on one core) and checks that it returns
// promptly, and that the model still scores afterwards.
func TestInterruptPredict(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model of 300k customers")
	}
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	// A customer summary in weeks: frequency, recency <= T, monetary.
	sqltest.Exec(t, db, `CREATE TABLE summary AS WITH RECURSIVE c(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM c WHERE id < 300000)
SELECT id AS customer, (id * 7) % 9 AS frequency, CASE WHEN (id * 7) % 9 = 0 THEN 0 ELSE (id * 13) % 40 END AS recency,
  40 + (id * 17) % 12 AS T, 10 + (id * 31) % 50 AS monetary FROM c`)
	sqltest.One[string](t, db, `SELECT clv_train('value', 'summary', '{"input": "summary", "penalizer": 0.001}')`)
	before := clvSnapshot(t, db)
	for _, delay := range []time.Duration{20 * time.Millisecond, 300 * time.Millisecond} {
		t.Run(delay.String(), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), delay)
			defer cancel()
			start := time.Now()
			err := sqltest.QueryErrCtx(ctx, db, `SELECT count(*), total(clv) FROM clv_predict('value', 260)`)
			wantInterrupted(t, db, err, "clv_predict", time.Since(start)-delay, before)
		})
	}
	// The model scores after the interruptions.
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM clv_predict('value', 4)`); n != 300000 {
		t.Errorf("clv_predict gave %d rows, want 300000", n)
	}
}
