package shell

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeCSV writes n rows of an invoice-like CSV to dir, gzipped when gz.
func writeCSV(tb testing.TB, dir string, n int, gz bool) string {
	tb.Helper()
	var b bytes.Buffer
	b.WriteString("invoice_no,stock_code,description,quantity,invoice_date,unit_price,customer_id,country\n")
	for i := range n {
		fmt.Fprintf(&b, "%d,%d,\"WHITE HANGING HEART, T-LIGHT\",%d,2010-12-01 08:26,%d.55,%d,United Kingdom\n",
			536365+i/7, 85123+i%97, i%12+1, i%9, 17850+i%4000)
	}
	path := filepath.Join(dir, "rows.csv")
	data := b.Bytes()
	if gz {
		path += ".gz"
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(data)
		w.Close()
		data = z.Bytes()
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestImportCount(t *testing.T) {
	t.Parallel()
	for _, gz := range []bool{false, true} {
		path := writeCSV(t, t.TempDir(), 20000, gz)
		var out, errb bytes.Buffer
		in := fmt.Sprintf(".import %s p\nselect count(*), sum(quantity), count(distinct customer_id) from p;\n", path)
		if err := Run(context.Background(), Config{}, strings.NewReader(in), &out, &errb); err != nil {
			t.Fatalf("gz=%v: %v\n%s", gz, err, errb.String())
		}
		// sum over i of i%12+1 for i < 20000: 1666 full cycles of 78, then 1+...+8: 1666*78+36.
		if got, want := out.String(), "20000|129984|4000\n"; got != want {
			t.Errorf("gz=%v: got %q, want %q", gz, got, want)
		}
	}
}

func BenchmarkImport(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 500_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			path := writeCSV(b, b.TempDir(), n, true)
			in := ".import " + path + " p\n"
			for b.Loop() {
				var out bytes.Buffer
				if err := Run(context.Background(), Config{}, strings.NewReader(in), &out, &out); err != nil {
					b.Fatalf("%v: %s", err, out.String())
				}
			}
			b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkPrint prints n rows of an invoice-like table in csv, list and
// box mode (bench/shell compares csv with the sqlite3 CLI).
func BenchmarkPrint(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 500_000} {
		path := writeCSV(b, b.TempDir(), n, false)
		db := filepath.Join(b.TempDir(), "p.db")
		var out bytes.Buffer
		if err := Run(context.Background(), Config{DBPath: db}, strings.NewReader(".import "+path+" p\n"), &out, &out); err != nil {
			b.Fatalf("%v: %s", err, out.String())
		}
		for _, m := range []Mode{ModeCSV, ModeList, ModeBox} {
			b.Run(fmt.Sprintf("%s/%d", m, n), func(b *testing.B) {
				for b.Loop() {
					if err := Run(context.Background(), Config{DBPath: db, Mode: m, Args: []string{"select * from p"}}, strings.NewReader(""), io.Discard, io.Discard); err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		}
	}
}

// A value past the typing sample that numeric affinity would change (a
// leading zero) stops the import with nothing imported, instead of being
// silently stored as another number.
func TestImportKeepsLeadingZeros(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	b.WriteString("code,qty\n")
	for i := range sampleRows + 5 {
		fmt.Fprintf(&b, "%d,%d\n", 1000+i, i)
	}
	b.WriteString("0123,7\n")
	path := filepath.Join(t.TempDir(), "codes.csv")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	in := fmt.Sprintf(".import %s codes\nselect count(*) from codes;\n", path)
	Run(context.Background(), Config{}, strings.NewReader(in), &out, &errb)
	if !strings.Contains(errb.String(), `"0123" would lose its leading zeros`) {
		t.Errorf("stderr = %q; want the leading-zero error", errb.String())
	}
	// The table is not left behind half-filled.
	if strings.Contains(out.String(), "10005") {
		t.Errorf("rows were imported: %q", out.String())
	}
}
