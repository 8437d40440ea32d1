package engine_test

import (
	"context"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
	"github.com/seed-a084b42d/marketsql/udf/assocfn"
)

func TestTrainRules(t *testing.T) {
	e := sqltest.Open(t, `CREATE TABLE b(basket INTEGER, item TEXT)`,
		`INSERT INTO b VALUES (1, 'tea'), (1, 'cup'), (2, 'tea'), (2, 'cup'), (3, 'tea'), (4, 'cup'), (4, 'saucer')`)
	opts := assocfn.Defaults()
	opts.MinCount, opts.MinConfidence = 2, 0.6
	s, err := e.TrainRules(context.Background(), "r", "b", &opts)
	if err != nil {
		t.Fatal(err)
	}
	if s.Baskets != 4 || s.Itemsets != 3 || s.Rules != 2 {
		t.Errorf("summary %+v", s)
	}
	opts.MinConfidence = 2
	if _, err := e.TrainRules(context.Background(), "r", "b", &opts); err == nil {
		t.Errorf("a confidence of 2 was accepted")
	}
	var _ *engine.AssocSummary = s
}
