package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// peerResult is the part of lda_bench.py's JSON line the table uses.
type peerResult struct {
	K                    int       `json:"K"`
	Iters                int       `json:"iters"`
	MedianS              float64   `json:"median_s"`
	Times                []float64 `json:"times"`
	CPUS                 []float64 `json:"cpu_s"`
	DocsPerS             float64   `json:"docs_per_s"`
	TokensPerS           float64   `json:"tokens_per_s"`
	CompletionPerplexity float64   `json:"completion_perplexity"`
	CNPMI                float64   `json:"c_npmi"`
	UMass                float64   `json:"u_mass"`
	PeakRSSMB            float64   `json:"peak_rss_mb"`
	Version              string    `json:"version"`
}

type npmiResult struct {
	K          int     `json:"K"`
	Iters      int     `json:"iters"`
	CNPMI      float64 `json:"c_npmi_gensim"`
	UMassGensm float64 `json:"u_mass_gensim"`
}

func readLines[T any](path string) ([]T, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []T
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var v T
		if err := json.Unmarshal([]byte(line), &v); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, v)
	}
	return out, sc.Err()
}

// printTable writes the side-by-side markdown table of make bench-lda.
func printTable(w io.Writer, oursPath, peerPath, npmiPath string) error {
	ours, err := readLines[Result](oursPath)
	if err != nil {
		return err
	}
	peers, err := readLines[peerResult](peerPath)
	if err != nil {
		return err
	}
	npmis, _ := readLines[npmiResult](npmiPath)
	ours, peers = mergeOurs(ours), mergePeers(peers)
	fmt.Fprintln(w, "| topics | passes | side | fit s | CPU s | docs/s | tokens/s | completion perplexity | c_npmi | u_mass | peak MB |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|---|---|---|---|---|")
	var verdicts []string
	for _, o := range ours {
		var p *peerResult
		for i := range peers {
			if peers[i].K == o.K && peers[i].Iters == o.Passes {
				p = &peers[i]
			}
		}
		npmi, umass := o.CNPMI, o.UMass
		for _, n := range npmis {
			if n.K == o.K && n.Iters == o.Passes {
				npmi, umass = n.CNPMI, n.UMassGensm // gensim's CoherenceModel on our topics: like for like
			}
		}
		fmt.Fprintf(w, "| %d | %d | marketsql (%d threads) | %.2f | %.2f | %.0f | %.0f | %.1f | %.4f | %.3f | %.0f |\n",
			o.K, o.Passes, o.Threads, o.MedianS, median(o.CPUS), o.DocsPerS, o.TokensPerS, o.CompletionPerplexity, npmi, umass, o.PeakRSSMB)
		if p == nil {
			continue
		}
		fmt.Fprintf(w, "| %d | %d | gensim %s | %.2f | %.2f | %.0f | %.0f | %.1f | %.4f | %.3f | %.0f |\n",
			p.K, p.Iters, p.Version, p.MedianS, median(p.CPUS), p.DocsPerS, p.TokensPerS, p.CompletionPerplexity, p.CNPMI, p.UMass, p.PeakRSSMB)
		speed := o.DocsPerS / p.DocsPerS
		pr := o.CompletionPerplexity / p.CompletionPerplexity
		dn := npmi - p.CNPMI
		cpuRatio := 0.0
		if c := median(o.CPUS); c > 0 {
			cpuRatio = median(p.CPUS) / c
		}
		fmt.Fprintf(w, "| %d | %d | **ratio** | %.2f× | %.2f× less | **%.2f×** | %.2f× | %.3f | %+.4f | | %.2f× |\n",
			o.K, o.Passes, p.MedianS/o.MedianS, cpuRatio, speed, o.TokensPerS/p.TokensPerS, pr, dn, o.PeakRSSMB/p.PeakRSSMB)
		ok := func(b bool) string {
			if b {
				return "yes"
			}
			return "NO"
		}
		verdicts = append(verdicts, fmt.Sprintf("%d topics, %d passes: perplexity within 3%% or lower: %s; c_npmi >= gensim - 0.01: %s; 3x docs/s: %s (%.2fx)",
			o.K, o.Passes, ok(pr <= 1.03), ok(dn >= -0.01), ok(speed >= 3), speed))
	}
	fmt.Fprintln(w)
	for _, v := range verdicts {
		fmt.Fprintln(w, "- "+v)
	}
	return nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2]
}

// mergeOurs folds the lines of one configuration (run.sh runs each rep in its
// own process, alternating with gensim) into one: all times, their median.
func mergeOurs(rs []Result) []Result {
	var out []Result
	at := map[[2]int]int{}
	for _, r := range rs {
		key := [2]int{r.K, r.Passes}
		i, ok := at[key]
		if !ok {
			at[key] = len(out)
			out = append(out, r)
			continue
		}
		o := &out[i]
		o.Times = append(o.Times, r.Times...)
		o.CPUS = append(o.CPUS, r.CPUS...)
		o.PeakRSSMB = max(o.PeakRSSMB, r.PeakRSSMB)
	}
	for i := range out {
		o := &out[i]
		o.MedianS = median(o.Times)
		o.DocsPerS = float64(o.TrainDocs*o.Passes) / o.MedianS
		o.TokensPerS = o.TrainTokens * float64(o.Passes) / o.MedianS
	}
	return out
}

func mergePeers(rs []peerResult) []peerResult {
	var out []peerResult
	at := map[[2]int]int{}
	for _, r := range rs {
		key := [2]int{r.K, r.Iters}
		i, ok := at[key]
		if !ok {
			at[key] = len(out)
			out = append(out, r)
			continue
		}
		o := &out[i]
		o.Times = append(o.Times, r.Times...)
		o.CPUS = append(o.CPUS, r.CPUS...)
		o.PeakRSSMB = max(o.PeakRSSMB, r.PeakRSSMB)
	}
	for i := range out {
		o := &out[i]
		m := median(o.Times)
		o.DocsPerS *= o.MedianS / m
		o.TokensPerS *= o.MedianS / m
		o.MedianS = m
	}
	return out
}
