package engine_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

func TestTrainCLVAndRFM(t *testing.T) {
	e, err := engine.Open(":memory:", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	db := e.DB()
	if _, err := db.Exec(`CREATE TABLE orders(customer INTEGER, day TEXT, amount REAL);
		WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 59)
		INSERT INTO orders SELECT i % 20, date('2024-01-01', '+' || ((i * 37 + (i % 20) * 11) % 300) || ' days'),
		  10 + (i * 7 % 13) * 2.5 FROM n`); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	rows, err := e.RFM(ctx, "orders", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 20 || rows[0].Customer != int64(0) || rows[0].Frequency != 3 || rows[0].Score < 111 || rows[0].Segment == "" {
		t.Errorf("RFM rows: %+v", rows)
	}
	s, err := e.TrainCLV(ctx, "shop", "orders", &engine.CLVOptions{Penalizer: 0.01})
	if err != nil {
		t.Fatal(err)
	}
	if s.Customers != 20 || s.RepeatCustomers == 0 || s.Purchases == nil || s.Spend == nil || s.TimeUnit != "week" {
		t.Errorf("summary: %+v", s)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM clv_predict('shop') WHERE p_alive BETWEEN 0 AND 1`).Scan(&n); err != nil || n != 20 {
		t.Errorf("clv_predict: %d rows, %v", n, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.TrainCLV(cctx, "shop", "orders", nil); err == nil || !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "cancel") {
		t.Errorf("cancelled: %v", err)
	}
}
