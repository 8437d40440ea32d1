package clv

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"
)

// cdnow reads the CDNOW calibration summary (testdata/cdnow, from the lifetimes
// package; see testdata/cdnow/SOURCE.md): x, t_x, T in weeks and zbar, the
// average value of the repeat purchases.
func cdnow(t testing.TB) (*Data, []float64) {
	t.Helper()
	f, err := os.Open("../../testdata/cdnow/cdnow_customers_summary_with_transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	d := &Data{}
	var zbar []float64
	for _, rec := range recs[1:] {
		v := make([]float64, 4)
		for j := range v {
			v[j], err = strconv.ParseFloat(rec[j+1], 64)
			if err != nil {
				t.Fatal(err)
			}
		}
		d.X = append(d.X, v[0])
		d.TX = append(d.TX, v[1])
		d.T = append(d.T, v[2])
		zbar = append(zbar, v[3])
	}
	return d, zbar
}
