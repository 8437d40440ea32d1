package examples_test

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// TestREADMECustomerValue runs the SQL of the README's "Customer value"
// section as written, on the Online Retail database the demo builds and a
// cdnow table loaded from testdata/cdnow (customer = sample id, day, amount),
// and checks what each statement gives.
func TestREADMECustomerValue(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	stmts := splitSQL(sqlBlocks(t, string(readme), "Customer value: RFM and lifetime value"))
	for _, want := range []string{"FROM rfm(", "clv_train('value'", "FROM clv_predict('value')", "clv_train('cdnow'"} {
		if !anyContains(stmts, want) {
			t.Errorf("the section has no statement with %q: this test checks one", want)
		}
	}
	e := retailEngine(t)
	ctx := context.Background()
	db := e.DB()
	loadCDNOW(t, db)

	for i, stmt := range stmts {
		_, rows, err := run(ctx, db, stmt)
		if err != nil {
			t.Fatalf("statement %d failed: %v\n%s", i+1, err, stmt)
		}
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("statement %d: "+format+"\n%s", append([]any{i + 1}, append(args, stmt)...)...)
		}
		switch {
		case strings.Contains(stmt, "GROUP BY segment"):
			var n int64
			for _, r := range rows {
				n += r[1].(int64)
			}
			if len(rows) != 11 || n != 4334 {
				fail("%d segments with %d customers, want the 11 named segments of 4334 customers", len(rows), n)
			}
		case strings.Contains(stmt, "FROM clv_predict('value')"):
			if len(rows) != 10 {
				fail("%d rows, want 10", len(rows))
			}
		case strings.Contains(stmt, "clv_train('cdnow'"):
			var s struct {
				Purchases struct{ Params map[string]float64 }
			}
			if err := json.Unmarshal([]byte(rows[0][0].(string)), &s); err != nil {
				t.Fatal(err)
			}
			for name, want := range map[string]float64{"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426} {
				if got := s.Purchases.Params[name]; math.Abs(got-want) > 0.0015 {
					fail("BG/NBD %s = %.4f, published %.3f", name, got, want)
				}
			}
		}
	}
}

// loadCDNOW creates cdnow(customer, day, amount) from the bundled sample:
// whitespace-separated master id, sample id, YYYYMMDD, CDs, dollars.
func loadCDNOW(t *testing.T, db *sql.DB) {
	t.Helper()
	f, err := os.Open("../testdata/cdnow/CDNOW_sample.txt.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`CREATE TABLE cdnow(customer INTEGER, day TEXT, amount REAL)`); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(gz)
	n := 0
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) != 5 {
			continue
		}
		if _, err := tx.Exec(`INSERT INTO cdnow VALUES (CAST(? AS INTEGER), ?, CAST(? AS REAL))`, fields[1], fields[2], fields[4]); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if n != 6919 {
		t.Fatalf("%d CDNOW orders, want 6919", n)
	}
}

// TestREADMEBasketRules runs the SQL of the README's "Basket rules" section
// as written on the Online Retail database the demo builds.
func TestREADMEBasketRules(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	stmts := splitSQL(sqlBlocks(t, string(readme), "Basket rules: frequent itemsets and association rules"))
	for _, want := range []string{"assoc_train(", "FROM assoc_rules(", "FROM assoc_itemsets(", "FROM assoc_recommend(", "FROM ml_assoc_rules"} {
		if !anyContains(stmts, want) {
			t.Errorf("the section has no statement with %q: this test checks one", want)
		}
	}
	e := retailEngine(t)
	ctx := context.Background()
	for i, stmt := range stmts {
		_, rows, err := run(ctx, e.DB(), stmt)
		if err != nil {
			t.Fatalf("statement %d failed: %v\n%s", i+1, err, stmt)
		}
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("statement %d: "+format+"\n%s", append([]any{i + 1}, append(args, stmt)...)...)
		}
		switch {
		case strings.Contains(stmt, "assoc_train("):
			if s, _ := rows[0][0].(string); !strings.Contains(s, `"baskets":18402`) || !strings.Contains(s, `"rules":325`) {
				fail("summary %v", rows[0][0])
			}
		case strings.Contains(stmt, "FROM assoc_rules("):
			if len(rows) != 5 {
				fail("%d rules, want 5", len(rows))
			}
		case strings.Contains(stmt, "FROM assoc_itemsets("):
			if len(rows) == 0 {
				fail("no itemsets of 3 items")
			}
		case strings.Contains(stmt, "FROM assoc_recommend("):
			if len(rows) == 0 || rows[0][1] != "22699" {
				fail("suggestions %v, want ROSES REGENCY TEACUP AND SAUCER (22699) first", rows)
			}
		case strings.Contains(stmt, "FROM ml_assoc_rules"):
			if len(rows) == 0 {
				fail("no rule mentions 22423")
			}
		}
	}
}

// retailEngine opens a copy of the Online Retail database the demo builds.
func retailEngine(t *testing.T) *engine.Engine {
	t.Helper()
	path := filepath.Join(t.TempDir(), "retail.db")
	data, err := os.ReadFile(retail(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}
