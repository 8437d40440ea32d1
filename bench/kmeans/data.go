package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/seed-a084b42d/marketsql/engine" // the "marketsql" driver: SQLite with its math functions (ln)
	"gonum.org/v1/gonum/mat"
)

// dataset is one row of the side-by-side table.
type dataset struct {
	Name  string  // row label, also the join key between our and sklearn's JSON lines
	File  string  // basename under the bench output directory
	N, D  int     // expected shape (N is 0 when only known after preparation)
	K     int     // clusters
	Std   float64 // make_blobs cluster_std (0 for non-blob data)
	Extra bool    // not in the default list (run with -all or by name)
	// NInit, when set, makes the row a fit with the defaults (max_iter 300,
	// tol 1e-4) and NInit restarts, on both sides, and adds the total of a
	// training through SQL with its default metrics (kmeans_train against
	// sklearn's fit, silhouette_score(sample_size=10000), Davies-Bouldin
	// and Calinski-Harabasz).
	NInit int
}

// datasets lists the rows in table order. The blob files are those written by
// ../shared/peers/gen_blobs.py (the 60k×6 one by blobs.py here, with the
// same make_blobs call); the RFM file is written by prepareRFM.
var datasets = []dataset{
	{Name: "blobs 1M×8 k=8", File: "blobs_n1000000_d8_k8.f64", N: 1_000_000, D: 8, K: 8, Std: 1},
	{Name: "blobs 1M×32 k=16", File: "blobs_n1000000_d32_k16.f64", N: 1_000_000, D: 32, K: 16, Std: 1},
	{Name: "blobs 100k×32 k=64", File: "blobs_n100000_d32_k64.f64", N: 100_000, D: 32, K: 64, Std: 1},
	{Name: "blobs 1M×32 k=16 std=5", File: "blobs_n1000000_d32_k16_std5.f64", N: 1_000_000, D: 32, K: 16, Std: 5},
	{Name: "Online Retail RFM k=4", File: rfmFile, D: 3, K: 4},
	{Name: "blobs 60k×6 k=7, n_init 10", File: "blobs_n60000_d6_k7.f64", N: 60_000, D: 6, K: 7, Std: 1, NInit: 10},
	{Name: "blobs 100k×8 k=8", File: "blobs_n100000_d8_k8.f64", N: 100_000, D: 8, K: 8, Std: 1, Extra: true},
}

const rfmFile = "rfm_log_std.f64"

func findDataset(name string) (dataset, error) {
	for _, ds := range datasets {
		if ds.Name == name || ds.File == name || strings.TrimSuffix(ds.File, ".f64") == name {
			return ds, nil
		}
	}
	return dataset{}, fmt.Errorf("unknown dataset %q", name)
}

// readF64 reads a float64 little-endian row-major file with d columns.
func readF64(path string, d int) (*mat.Dense, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(b) == 0 || len(b)%(8*d) != 0 {
		return nil, fmt.Errorf("read %s: %d bytes is not a whole number of %d-column float64 rows", path, len(b), d)
	}
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return mat.NewDense(len(v)/d, d, v), nil
}

// writeF64 writes x as float64 little-endian row-major, atomically.
func writeF64(path string, x *mat.Dense) error {
	r, c := x.Dims()
	b := make([]byte, 0, 8*r*c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x.At(i, j)))
		}
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// prepareRFM builds the standardized RFM matrix: the Online Retail CSV is
// imported into an in-memory SQLite as retail_raw (every header column TEXT,
// as the sqlite3 shell's .import does), examples/rfm.sql is run, rfm_log is
// read in customer_id order and each column is standardized with the
// population standard deviation (scikit-learn's StandardScaler). The matrix
// is written to outPath so the sklearn side clusters exactly the same numbers.
func prepareRFM(ctx context.Context, csvGz, rfmSQL, outPath string) (*mat.Dense, error) {
	script, err := os.ReadFile(rfmSQL)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("marketsql", ":memory:")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	// One connection: every connection to :memory: is its own empty database.
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := importCSV(ctx, conn, csvGz, "retail_raw"); err != nil {
		return nil, fmt.Errorf("import %s: %w", csvGz, err)
	}
	if _, err := conn.ExecContext(ctx, string(script)); err != nil {
		return nil, fmt.Errorf("run %s: %w", rfmSQL, err)
	}
	rows, err := conn.QueryContext(ctx,
		`SELECT customer_id, log_recency, log_frequency, log_monetary FROM rfm_log ORDER BY customer_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var v []float64
	for rows.Next() {
		var id int64
		var r, f, m sql.NullFloat64
		if err := rows.Scan(&id, &r, &f, &m); err != nil {
			return nil, err
		}
		if !r.Valid || !f.Valid || !m.Valid {
			return nil, fmt.Errorf("rfm_log: NULL feature for customer %d", id)
		}
		v = append(v, r.Float64, f.Float64, m.Float64)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(v) == 0 {
		return nil, errors.New("rfm_log is empty")
	}
	x := mat.NewDense(len(v)/3, 3, v)
	standardize(x)
	if err := writeF64(outPath, x); err != nil {
		return nil, err
	}
	return x, nil
}

// standardize centres each column and divides it by its population standard
// deviation (ddof=0), leaving constant columns centred but unscaled, as
// scikit-learn's StandardScaler does.
func standardize(x *mat.Dense) {
	r, c := x.Dims()
	for j := 0; j < c; j++ {
		var mean float64
		for i := 0; i < r; i++ {
			mean += x.At(i, j)
		}
		mean /= float64(r)
		var ss float64
		for i := 0; i < r; i++ {
			d := x.At(i, j) - mean
			ss += d * d
		}
		sd := math.Sqrt(ss / float64(r))
		if sd == 0 {
			sd = 1
		}
		for i := 0; i < r; i++ {
			x.Set(i, j, (x.At(i, j)-mean)/sd)
		}
	}
}

// importCSV loads a gzip-compressed CSV with a header row into a new table
// whose columns are the header names, all TEXT.
func importCSV(ctx context.Context, conn *sql.Conn, path, table string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return err
	}
	cr := csv.NewReader(zr)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("header: %w", err)
	}
	cols := make([]string, len(header))
	marks := make([]string, len(header))
	for i, h := range header {
		cols[i] = `"` + strings.ReplaceAll(strings.TrimPrefix(h, "\ufeff"), `"`, `""`) + `" TEXT`
		marks[i] = "?"
	}
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE %q (%s)`, table, strings.Join(cols, ", "))); err != nil {
		return err
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	stmt, err := tx.PrepareContext(ctx, fmt.Sprintf(`INSERT INTO %q VALUES (%s)`, table, strings.Join(marks, ", ")))
	if err != nil {
		return err
	}
	defer stmt.Close()
	args := make([]any, len(header))
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		for i := range rec {
			args[i] = rec[i]
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
	}
	return tx.Commit()
}

// sharedDir is $MARKETSQL_SHARED, else ../shared next to the repository root.
func sharedDir(repo string) string {
	if s := os.Getenv("MARKETSQL_SHARED"); s != "" {
		return s
	}
	return filepath.Join(repo, "..", "shared")
}

// benchOut is $BENCH_OUT, else marketsql-bench in the temp dir (the peers' default).
func benchOut() string {
	if s := os.Getenv("BENCH_OUT"); s != "" {
		return s
	}
	return filepath.Join(os.TempDir(), "marketsql-bench")
}
