package clvfn_test

import (
	"bufio"
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

// openCDNOW opens an in-memory database with the CDNOW sample
// (testdata/cdnow, from the lifetimes package, MIT) as
// cdnow(customer INTEGER, day INTEGER YYYYMMDD, cds INTEGER, amount REAL)
// and the published calibration summary as
// cdnow_summary(customer, frequency, recency, T, monetary) in weeks.
func openCDNOW(t testing.TB) *sql.DB {
	t.Helper()
	db := sqltest.Open(t, `CREATE TABLE cdnow(customer INTEGER, day INTEGER, cds INTEGER, amount REAL)`,
		`CREATE TABLE cdnow_summary(customer INTEGER, frequency REAL, recency REAL, T REAL, monetary REAL)`).DB()
	f, err := os.Open("../../testdata/cdnow/CDNOW_sample.txt.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tx, _ := db.Begin()
	sc := bufio.NewScanner(gz)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 5 {
			continue
		}
		id, _ := strconv.ParseInt(fs[1], 10, 64)
		day, _ := strconv.ParseInt(fs[2], 10, 64)
		cds, _ := strconv.ParseInt(fs[3], 10, 64)
		amt, _ := strconv.ParseFloat(fs[4], 64)
		if _, err := tx.Exec(`INSERT INTO cdnow VALUES (?, ?, ?, ?)`, id, day, cds, amt); err != nil {
			t.Fatal(err)
		}
	}
	sf, err := os.Open("../../testdata/cdnow/cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer sf.Close()
	r := csv.NewReader(sf)
	r.Read()
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(`INSERT INTO cdnow_summary VALUES (?, ?, ?, ?, ?)`, rec[0], rec[1], rec[2], rec[3], rec[4]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return db
}
