// Command lda-bench fits marketsql's LDA on the Reuters-21578 bag of words
// that ../shared/peers/lda_prep.py gives gensim, and prints one JSON line per
// configuration: fit time, docs/s, tokens/s, completion perplexity, gensim's
// per-word bound, coherence (c_npmi, u_mass), peak memory and the top words.
// bench/lda/run.sh runs gensim's LdaModel in the same run and prints the
// side-by-side table (make bench-lda).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/seed-a084b42d/marketsql/algorithms/lda"
	"github.com/seed-a084b42d/marketsql/internal/datasets/reuters"
)

// Result is one configuration's measurement.
type Result struct {
	Lib                  string    `json:"lib"`
	K                    int       `json:"K"`
	Passes               int       `json:"iters"`
	Threads              int       `json:"threads"`
	Times                []float64 `json:"times"`
	CPUS                 []float64 `json:"cpu_s"`
	MedianS              float64   `json:"median_s"`
	TrainDocs            int       `json:"train_docs"`
	TrainTokens          float64   `json:"train_tokens"`
	DocsPerS             float64   `json:"docs_per_s"`
	TokensPerS           float64   `json:"tokens_per_s"`
	CompletionPerplexity float64   `json:"completion_perplexity"`
	LogPerplexityBound   float64   `json:"log_perplexity_bound"`
	CNPMI                float64   `json:"c_npmi"`
	UMass                float64   `json:"u_mass"`
	PeakRSSMB            float64   `json:"peak_rss_mb"`
	TopWords             []string  `json:"top_words"`
}

func main() {
	configs := flag.String("configs", "10:1,10:5,50:1,50:5", "topics:passes pairs")
	reps := flag.Int("reps", 1, "fits per configuration (median time)")
	threads := flag.Int("threads", 0, "worker threads, 0 = all cores")
	seed := flag.Uint64("seed", 0, "seed")
	out := flag.String("o", "", "write JSON lines here instead of stdout")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile here")
	table := flag.String("table", "", "print the side-by-side table from OURS.jsonl,GENSIM.jsonl,NPMI.jsonl and exit")
	flag.Parse()
	if *table != "" {
		p := strings.Split(*table, ",")
		if len(p) != 3 {
			fmt.Fprintln(os.Stderr, "lda-bench: -table wants three comma-separated files")
			os.Exit(2)
		}
		if err := printTable(os.Stdout, p[0], p[1], p[2]); err != nil {
			fmt.Fprintln(os.Stderr, "lda-bench:", err)
			os.Exit(1)
		}
		return
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	dir := reuters.Dir()
	if dir == "" {
		fmt.Fprintln(os.Stderr, "lda-bench: ../shared/data (or $MARKETSQL_DATA) with reuters-21578 not found")
		os.Exit(2)
	}
	data, err := reuters.Load(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "lda-bench:", err)
		os.Exit(1)
	}
	w := os.Stdout
	if *out != "" {
		if w, err = os.Create(*out); err != nil {
			fmt.Fprintln(os.Stderr, "lda-bench:", err)
			os.Exit(1)
		}
		defer w.Close()
	}
	obs, eval := reuters.Completion(data.TestTexts, len(data.Vocab))
	for _, c := range strings.Split(*configs, ",") {
		kp := strings.SplitN(c, ":", 2)
		k, _ := strconv.Atoi(kp[0])
		p, _ := strconv.Atoi(kp[1])
		r := run(data, obs, eval, k, p, *reps, *threads, *seed)
		b, _ := json.Marshal(r)
		fmt.Fprintln(w, string(b))
	}
}

func run(data *reuters.Data, obs, eval *lda.Corpus, k, passes, reps, threads int, seed uint64) Result {
	ctx := context.Background()
	var m *lda.Model
	var times, cpus []float64
	for i := 0; i < reps; i++ {
		runtime.GC()
		c0 := cpuSeconds()
		t0 := time.Now()
		var err error
		o := lda.Defaults()
		o.Topics, o.Passes, o.Chunksize, o.Seed, o.Threads = k, passes, 2000, seed, threads
		m, err = lda.Fit(ctx, data.Train, o)
		if err != nil {
			fmt.Fprintln(os.Stderr, "lda-bench:", err)
			os.Exit(1)
		}
		times = append(times, time.Since(t0).Seconds())
		cpus = append(cpus, cpuSeconds()-c0)
	}
	sorted := append([]float64(nil), times...)
	sort.Float64s(sorted)
	med := sorted[len(sorted)/2]
	gObs, _ := m.Infer(ctx, obs, threads, 1<<50)
	bound, _ := m.LogPerplexity(ctx, data.Test, 0, threads, 1<<51)
	top := m.TopTerms(10)
	npmi, _ := lda.NPMIContext(ctx, top, data.TrainTexts, lda.TextWindow)
	umass, _ := lda.UMass(ctx, top, data.Train)
	tokens := data.Train.Tokens()
	r := Result{Lib: "marketsql", K: k, Passes: passes, Threads: threads, Times: times, CPUS: cpus, MedianS: med,
		TrainDocs: data.Train.Docs(), TrainTokens: tokens,
		DocsPerS: float64(data.Train.Docs()*passes) / med, TokensPerS: tokens * float64(passes) / med,
		CompletionPerplexity: m.PlugInPerplexity(gObs, eval), LogPerplexityBound: bound,
		CNPMI: lda.Mean(npmi), UMass: lda.Mean(umass),
		PeakRSSMB: peakRSSMB()}
	for _, t := range top {
		words := make([]string, len(t))
		for i, id := range t {
			words[i] = data.Vocab[id]
		}
		r.TopWords = append(r.TopWords, strings.Join(words, " "))
	}
	if r.Threads == 0 {
		r.Threads = runtime.GOMAXPROCS(0)
	}
	return r
}

// peakRSSMB reads VmHWM from /proc/self/status (0 where unavailable).
func peakRSSMB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				kb, _ := strconv.ParseFloat(f[1], 64)
				return kb / 1024
			}
		}
	}
	return 0
}

// cpuSeconds is the process's user and system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
