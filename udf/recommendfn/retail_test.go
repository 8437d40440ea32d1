package recommendfn_test

import (
	"compress/gzip"
	"database/sql"
	"encoding/csv"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

// openRetail opens an in-memory database with the purchases of the bundled
// Online Retail sample (testdata/online-retail, UCI, CC BY 4.0) as
// buys(customer INTEGER, item TEXT, qty INTEGER): the rows with a customer
// and a positive quantity, 397,924 of them.
func openRetail(t testing.TB) *sql.DB {
	t.Helper()
	db := sqltest.Open(t).DB()
	loadRetail(t, db)
	return db
}

// loadRetail writes the table buys of openRetail into db.
func loadRetail(t testing.TB, db *sql.DB) {
	t.Helper()
	f, err := os.Open("../../testdata/online-retail/online_retail.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(gz)
	head, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for k, h := range head {
		col[h] = k
	}
	sqltest.Exec(t, db, `CREATE TABLE buys(customer INTEGER, item TEXT, qty INTEGER)`)
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	ins, err := tx.Prepare(`INSERT INTO buys VALUES (?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		cust, qty := strings.TrimSuffix(rec[col["CustomerID"]], ".0"), rec[col["Quantity"]]
		c, cerr := strconv.ParseInt(cust, 10, 64)
		q, qerr := strconv.ParseInt(qty, 10, 64)
		if cerr != nil || qerr != nil || q <= 0 {
			continue
		}
		if _, err := ins.Exec(c, rec[col["StockCode"]], q); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}
