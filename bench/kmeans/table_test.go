package main

import (
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestBuildTable(t *testing.T) {
	t.Parallel()
	in := `
{"side":"ours","dataset":"blobs 1M×8 k=8","n":1000000,"d":8,"k":8,"threads":2,"fit":{"median_s":0.2,"reps":3,"n_iter":3,"inertia":100},"pass":{"median_s":0.01}}
{"side":"sklearn","dataset":"blobs 1M×8 k=8","n":1000000,"d":8,"k":8,"threads":2,"lloyd":{"median_s":0.25,"n_iter":3,"inertia":100.00000001},"elkan":{"median_s":0.3,"n_iter":4,"inertia":100.00000001},"pass":{"median_s":0.0095}}
{"side":"ours","dataset":"rfm","n":4334,"d":3,"k":4,"errors":["fit: kmeans: not implemented yet"]}
{"side":"sklearn","dataset":"rfm","n":4334,"d":3,"k":4,"lloyd":{"median_s":0.006,"n_iter":15,"inertia":3929.35},"elkan":{"median_s":0.005,"n_iter":15,"inertia":3929.35}}
`
	ps, err := readLines(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	tb := buildTable(ps)
	want := [][]string{
		{"blobs 1M×8 k=8", "1M×8 8", "0.200", "0.250", "0.300", "0.80", "3/3 (elkan 4)", "100 / 100 (-1.0e-10)", "10.00/9.50", "met"},
		{"rfm", "4334×3 4", "—", "0.006", "0.005", "—", "—/15", "— / 3929.35", "—", "—"},
	}
	if len(tb.rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(tb.rows), len(want))
	}
	for i := range want {
		if got := strings.Join(tb.rows[i], " | "); got != strings.Join(want[i], " | ") {
			t.Errorf("row %d:\n got %s\nwant %s", i, got, strings.Join(want[i], " | "))
		}
	}
	if !strings.Contains(strings.Join(tb.notes, "\n"), "not implemented") {
		t.Errorf("notes miss our error: %q", tb.notes)
	}
}

func TestStandardize(t *testing.T) {
	t.Parallel()
	// expected: numpy (X - X.mean(0)) / X.std(0), ddof=0; the constant column is only centred.
	x := mat.NewDense(4, 2, []float64{1, 5, 2, 5, 3, 5, 6, 5})
	standardize(x)
	want := []float64{-1.0690, 0, -0.5345, 0, 0, 0, 1.6036, 0}
	for i, v := range x.RawMatrix().Data {
		if math.Abs(v-want[i]) > 1e-4 {
			t.Fatalf("value %d: got %.4f, want %.4f", i, v, want[i])
		}
	}
}

func TestF64RoundTrip(t *testing.T) {
	t.Parallel()
	p := filepath.Join(t.TempDir(), "x.f64")
	x := mat.NewDense(2, 3, []float64{1, -2, 3.5, math.Pi, 0, 1e300})
	if err := writeF64(p, x); err != nil {
		t.Fatal(err)
	}
	y, err := readF64(p, 3)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(x, y) {
		t.Fatalf("got %v, want %v", mat.Formatted(y), mat.Formatted(x))
	}
	if _, err := readF64(p, 4); err == nil {
		t.Fatal("want an error for a row size that does not divide the file")
	}
}

func TestBuildSeedTable(t *testing.T) {
	t.Parallel()
	in := `
{"side":"ours","dataset":"std5","n":1000000,"d":32,"k":16,"fit":{"median_s":1,"n_iter":53,"inertia":9},"seeds":{"seeds":[0,1,2],"fit_s":[1.0,0.5,0.6],"n_iter":[53,12,14],"inertia":[9,8,8]}}
{"side":"sklearn","dataset":"std5","n":1000000,"d":32,"k":16,"lloyd":{"median_s":0.9,"n_iter":12,"inertia":8},"seeds_lloyd":{"seeds":[0,1,2],"fit_s":[0.9,0.8,0.7],"n_iter":[12,30,13],"inertia":[8,9,9]},"seeds_elkan":{"seeds":[0,1,2],"fit_s":[1.5,1.4,1.6],"n_iter":[12,30,13],"inertia":[8,9,9]}}
{"side":"ours","dataset":"no seeds","n":10,"d":2,"k":2,"fit":{"median_s":1,"n_iter":1,"inertia":1}}
`
	ps, err := readLines(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	tb := buildSeedTable(ps)
	want := [][]string{
		{"std5", "3/3", "0.600", "0.800", "1.500", "0.75", "14/13", "8 / 9 (-1.1e-01)", "2/1", "met"},
	}
	if len(tb.rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(tb.rows), len(want))
	}
	for i := range want {
		if got := strings.Join(tb.rows[i], " | "); got != strings.Join(want[i], " | ") {
			t.Errorf("row %d:\n got %s\nwant %s", i, got, strings.Join(want[i], " | "))
		}
	}
}
