package lda

import "fmt"

// Shape is what the memory of a fit and of the measures that follow it
// depends on.
type Shape struct {
	Topics, Terms int // K and V
	Docs          int // documents fitted
	Held          int // documents held out, measured by LogPerplexity
	Inferred      int // documents whose γ Infer returns
	Positions     int // distinct terms summed over the fitted documents
	LongestDoc    int // distinct terms of the longest document
	Chunksize     int // documents per online update (Options.Chunksize)
	Threads       int // 0 means GOMAXPROCS, as in Options
	TopN          int // top terms per topic measured by NPMIContext and UMass
}

// Memory is an estimate of the most memory a step holds at once.
type Memory struct {
	Bytes int64
	Step  string // the step that needs Bytes: "fit", "perplexity", "coherence", "infer"
	How   string // the formula with the numbers, e.g. "8 bytes × 100000 topics × (3 × 1824 terms + ...)"
}

// Memory estimates the most memory Fit, LogPerplexity (when Held > 0),
// TopTermWeights, NPMIContext and UMass, and Infer (when Inferred > 0) hold at
// once, run one after the other: the largest of
//
//	fit:        8·K·(3V + 2·chunk + threads·longest) + 8·chunk positions
//	perplexity: 8·K·(3V + 2·held + threads·longest)
//	coherence:  8·K·2V + 8·V·min(K, 64) + 8·R² up to R = 1024, else 64·(R + P),
//	            R = min(V, K·topN) distinct top terms and
//	            P = min(K·topN(topN-1)/2, R(R-1)/2) pairs of them
//	infer:      8·K·(2V + inferred + min(2000, inferred) + threads·longest)
//
// where 3V counts λ (the sufficient statistics while fitting),
// exp(E[log β]) and one more V×K array (the chunk's statistics, E[log β]),
// 2·chunk the chunk's γ and exp(E[log θ]), and threads·longest every
// worker's copy of the rows of exp(E[log β]) of its document.
func (s Shape) Memory() Memory {
	K, V := float64(max(1, s.Topics)), float64(max(1, s.Terms))
	T, L := float64(threadCount(s.Threads)), float64(s.LongestDoc)
	chunk := float64(max(1, min(s.Chunksize, s.Docs)))
	pos := min(float64(s.Positions), chunk*L)
	// Every worker's scratch: the document's rows of exp(E[log β]), three
	// vectors of its length and six of K.
	scratch := T * (L*K + 3*L + 6*K)
	best := Memory{}
	consider := func(step string, words float64, how string) {
		b := 8 * words
		if b > float64(best.Bytes) || best.Step == "" {
			best = Memory{Bytes: clampBytes(b), Step: step, How: how}
		}
	}
	consider("fit", 3*V*K+V+2*chunk*K+pos+scratch,
		fmt.Sprintf("8 bytes × %d topics × (3 × %d terms + 2 × %d documents of a chunk + %d threads × %d terms of the longest document)",
			s.Topics, s.Terms, int(chunk), int(T), s.LongestDoc))
	if s.Held > 0 {
		h := float64(s.Held)
		consider("perplexity", 3*V*K+2*h*K+h+scratch,
			fmt.Sprintf("8 bytes × %d topics × (3 × %d terms + 2 × %d held-out documents + %d threads × %d terms of the longest document)",
				s.Topics, s.Terms, s.Held, int(T), s.LongestDoc))
	}
	n := float64(max(1, s.TopN))
	R := min(V, K*n)
	P := min(K*n*(n-1)/2, R*(R-1)/2)
	consider("coherence", 2*V*K+V*min(K, topicBlock)+pairTableWords(R, P),
		fmt.Sprintf("8 bytes × 2 × %d topics × %d terms, and the counts of %.0f pairs of %d top terms", s.Topics, s.Terms, P, int(R)))
	if s.Inferred > 0 {
		n := float64(s.Inferred)
		consider("infer", 2*V*K+(n+min(n, 2000))*K+scratch,
			fmt.Sprintf("8 bytes × %d topics × (2 × %d terms + %d documents + %d at a time + %d threads × %d terms of the longest document)",
				s.Topics, s.Terms, s.Inferred, int(min(n, 2000)), int(T), s.LongestDoc))
	}
	return best
}

// clampBytes converts an estimate to int64, saturating.
func clampBytes(b float64) int64 {
	if b >= 1<<62 {
		return 1 << 62
	}
	return int64(b)
}
