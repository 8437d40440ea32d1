// Command kmeans is marketsql's side of the k-means benchmark against
// scikit-learn (see README.md; run.sh drives both sides and prints the table).
//
//	kmeans list [-all]                 datasets as "name<TAB>file<TAB>d<TAB>k"
//	kmeans run [flags] [dataset...]    time our Fit, one JSON line per dataset on stdout
//	kmeans table [-md file] results.jsonl   join our and sklearn's lines into the table
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"time"

	"github.com/seed-a084b42d/marketsql/algorithms/kmeans"
	"gonum.org/v1/gonum/mat"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "kmeans bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("usage: kmeans list|run|table [flags]")
	}
	switch args[0] {
	case "list":
		return cmdList(args[1:], stdout)
	case "run":
		return cmdRun(ctx, args[1:], stdout, stderr)
	case "table":
		return cmdTable(args[1:], stdout)
	}
	return fmt.Errorf("unknown command %q (want list, run or table)", args[0])
}

func cmdList(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("list", flag.ContinueOnError)
	all := fs.Bool("all", false, "include the extra datasets")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, ds := range datasets {
		if !ds.Extra || *all {
			fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\n", ds.Name, ds.File, ds.D, ds.K, ds.NInit)
		}
	}
	return nil
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	repo := fs.String("repo", ".", "repository root (for examples/rfm.sql and ../shared)")
	out := fs.String("out", benchOut(), "directory of the .f64 data files ($BENCH_OUT)")
	reps := fs.Int("reps", 0, "timed fits per configuration after a warm-up; 0 means 5, or 3 for 1M rows or more")
	budget := fs.Duration("budget", 40*time.Second, "cut reps so that reps × warm-up time stays under this")
	passIters := fs.Int("pass-iters", 11, "MaxIter of the long fixed-iteration Lloyd run used for the per-pass time")
	threads := fs.Int("threads", 0, "kmeans.Options.Threads (0: GOMAXPROCS)")
	timeout := fs.Duration("timeout", 5*time.Minute, "limit per Fit call")
	noPass := fs.Bool("no-pass", false, "skip the per-Lloyd-pass measurement")
	seeds := fs.Int("seeds", 5, "also fit once with each seed 0..seeds-1 (0: skip)")
	rng := fs.String("rng", "numpy", `k-means++ random stream: "numpy" (scikit-learn's draws for the same seed) or "pcg" (our default)`)
	all := fs.Bool("all", false, "with no dataset arguments, include the extra datasets")
	outFile := fs.String("o", "", "append the JSON lines to this file instead of writing them to stdout")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *rng != "numpy" && *rng != "pcg" {
		return fmt.Errorf("-rng must be numpy or pcg, got %q", *rng)
	}
	var sel []dataset
	for _, name := range fs.Args() {
		ds, err := findDataset(name)
		if err != nil {
			return err
		}
		sel = append(sel, ds)
	}
	if len(sel) == 0 {
		for _, ds := range datasets {
			if !ds.Extra || *all {
				sel = append(sel, ds)
			}
		}
	}
	if *outFile != "" {
		f, err := os.OpenFile(*outFile, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		defer f.Close()
		stdout = f
	}
	enc := json.NewEncoder(stdout)
	for _, ds := range sel {
		if err := ctx.Err(); err != nil {
			return err
		}
		ln := benchOne(ctx, ds, *repo, *out, benchConfig{Reps: *reps, Budget: *budget, PassIters: *passIters,
			Threads: *threads, FitTimeout: *timeout, Seeds: *seeds, NumPyRNG: *rng == "numpy"}, !*noPass, stderr)
		if err := enc.Encode(ln); err != nil {
			return err
		}
	}
	return nil
}

// benchOne measures one dataset. Failures are recorded in the line, not
// returned, so that the table still shows the other side and other rows.
func benchOne(ctx context.Context, ds dataset, repo, out string, cfg benchConfig, pass bool, logw io.Writer) (ln line) {
	ln = line{Side: "ours", Dataset: ds.Name, D: ds.D, K: ds.K, Threads: cfg.Threads,
		Info: fmt.Sprintf("%s GOMAXPROCS=%d", runtime.Version(), runtime.GOMAXPROCS(0))}
	if ln.Threads == 0 {
		ln.Threads = runtime.GOMAXPROCS(0)
	}
	fail := func(what string, err error) {
		ln.Errors = append(ln.Errors, fmt.Sprintf("%s: %v", what, err))
		fmt.Fprintf(logw, "ours  %-24s %s: %v\n", ds.Name, what, err)
	}
	path := filepath.Join(out, ds.File)
	t0 := time.Now()
	xm, err := loadDataset(ctx, ds, repo, path)
	if err != nil {
		fail("load", err)
		return ln
	}
	ln.N, _ = xm.Dims()
	fmt.Fprintf(logw, "ours  %-24s loaded %d×%d in %.1fs\n", ds.Name, ln.N, ds.D, time.Since(t0).Seconds())
	if cfg.Reps <= 0 {
		cfg.Reps = 5
		if ln.N >= 1_000_000 {
			cfg.Reps = 3
		}
	}

	meter := startCPU()
	defer func() {
		if o := meter.others(); o >= 0 {
			ln.OthersCPU = &o
		}
	}()
	opts := fitOptions(ds.K, cfg.Threads, 0, cfg.NumPyRNG)
	if ds.NInit > 0 {
		opts = restartOptions(ds.K, ds.NInit, cfg.Threads)
	}
	st, res, err := timeFit(ctx, cfg, func(ctx context.Context) (*kmeans.Result, error) {
		return kmeans.Fit(ctx, xm, nil, opts)
	})
	if err != nil {
		fail("fit", err)
	} else {
		if in, err := inertiaOf(xm, res); err != nil {
			fail("inertia check", err)
		} else {
			rel := math.Abs(st.Inertia-in) / in
			st.InertiaCheck = &rel
		}
		ln.Fit = st
		fmt.Fprintf(logw, "ours  %-24s fit median %.4fs over %d (min %.4f max %.4f) iters=%d inertia=%.6e\n",
			ds.Name, st.MedianS, st.Reps, st.MinS, st.MaxS, st.NIter, st.Inertia)
	}
	if ds.NInit > 0 {
		tot, err := timeSQL(ctx, cfg, xm, ds.K, ds.NInit)
		if err != nil {
			fail("kmeans_train", err)
		} else {
			ln.Total = tot
			fmt.Fprintf(logw, "ours  %-24s kmeans_train median %.4fs (init+iterate %.4fs, metrics %.4fs)\n",
				ds.Name, tot.MedianS, tot.FitS, tot.MetricsS)
		}
		return ln // no seeds or Lloyd pass: the row is about restarts and metrics
	}
	if cfg.Seeds > 0 {
		ss, err := timeSeeds(ctx, cfg, xm, ds.K)
		if err != nil {
			fail("seeds", err)
		} else {
			ln.Seeds = ss
			fmt.Fprintf(logw, "ours  %-24s seeds 0..%d: median fit %.4fs, inertia %v, iters %v\n",
				ds.Name, cfg.Seeds-1, median(ss.FitS), ss.Inertia, ss.NIter)
		}
	}
	if pass {
		ps, err := lloydPass(ctx, cfg, xm, ds.K)
		if err != nil {
			fail("lloyd pass", err)
		} else {
			ln.Pass = ps
			fmt.Fprintf(logw, "ours  %-24s Lloyd pass %.2f ms (%s)\n", ds.Name, ps.MedianS*1e3, ps.Method)
		}
	}
	return ln
}

// loadDataset reads a blob file, or builds the RFM matrix (and its file) from
// the Online Retail CSV.
func loadDataset(ctx context.Context, ds dataset, repo, path string) (*mat.Dense, error) {
	if ds.File != rfmFile {
		x, err := readF64(path, ds.D)
		if err != nil {
			return nil, err
		}
		if n, _ := x.Dims(); ds.N != 0 && n != ds.N {
			return nil, fmt.Errorf("%s: %d rows, want %d", path, n, ds.N)
		}
		return x, nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	// The repository bundles the CSV; ../shared holds the same file.
	csv := filepath.Join(repo, "testdata", "online-retail", "online_retail.csv.gz")
	if _, err := os.Stat(csv); err != nil {
		csv = filepath.Join(sharedDir(repo), "data", "online-retail", "online_retail.csv.gz")
	}
	return prepareRFM(ctx, csv, filepath.Join(repo, "examples", "rfm.sql"), path)
}
