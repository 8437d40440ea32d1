package kmeans

import (
	"math"
	"runtime"
)

// Memory is an estimate of what Fit (or Silhouette) allocates, in bytes,
// split by what holds it, so that a caller can refuse a fit that would not
// fit in memory before it allocates anything and say what to lower. Each
// part is an upper bound of its allocations; their sum bounds the peak
// (garbage that a collection would free is counted too).
type Memory struct {
	Data   int64 // the centred copy of x, its row norms and unit weights: 8·n·d + 16·n
	Rows   int64 // labels and Hamerly bounds (all algorithms), the best run's labels: 32·n, +24·n per extra worker running restarts side by side
	Init   int64 // k-means++ over all rows: its distances to the 2+⌊ln k⌋ candidates, 8·n·(3+⌊ln k⌋)
	Elkan  int64 // Elkan's n×k lower bounds and the k centre shifts of every iteration
	Chunks int64 // per-chunk partial sums and scratch: at most 256 chunks × k × (d+10) × 8
	Sample int64 // mini-batch: the validation and initialisation subsets of 3·batch_size rows
	Fixed  int64 // centres, small arrays and the allocator's rounding of large blocks: 256 KiB + about 40·k·(d+1)
}

// Total is the sum of the parts.
func (m Memory) Total() int64 {
	return satAdd(m.Data, m.Rows, m.Init, m.Elkan, m.Chunks, m.Sample, m.Fixed)
}

// FitMemory estimates what Fit allocates for an n×d matrix (besides x and
// the weights themselves) with opts. weighted says whether Fit is given
// weights (otherwise it allocates unit weights).
func FitMemory(n, d int, weighted bool, opts Options) Memory {
	nf, df, kf := float64(n), float64(d), float64(max(opts.K, 1))
	trials := float64(2 + int(math.Log(kf)))
	chunk := chunkRows(n)
	nc := float64((n + chunk - 1) / chunk)
	kp := float64((max(opts.K, 1) + 3) &^ 3)
	var m Memory
	data := 8*nf*df + 8*nf // centred rows, row norms
	if !weighted {
		data += 8 * nf
	}
	m.Data = sat(data)
	// labels (int32) + upper and lower bounds + the rows whose bounds
	// failed (int32), then the winning labels ([]int) of Result.
	m.Rows = sat(24*nf + 8*nf)
	// Partial sums and weights, scoring scratch, dirty sets, relocation's
	// candidates: per chunk.
	m.Chunks = sat(8*nc*(kf*df+kf+4*kp+4) + 32*nc*kf)
	// Centres (current, next, best, transposed, k-means++ candidates), and
	// the allocator's rounding of every large block to whole pages.
	m.Fixed = sat(8*(4*kf*df+4*kf+df*kp+kp) + 1<<18)
	init := opts.Init == InitKMeansPlusPlus && opts.Centroids == nil
	if opts.Algorithm == MiniBatch {
		batch := opts.BatchSize
		if batch == 0 {
			batch = defaultBatchSize
		}
		batch = min(batch, n)
		s := min(n, max(3*batch, 3*opts.K))
		sf := float64(s)
		// Two subsets of s rows (validation, initialisation) with their
		// index draws, k-means++ (or the random draw) on the second, and
		// the batch's indices, labels and permutation.
		sample := 2*sf*(8*df+24) + 20*float64(batch)
		if init {
			sample += sf * (28 + 8*trials)
		}
		m.Sample = sat(sample)
		return m
	}
	if init {
		m.Init = sat(8*nf + 8*nf*trials)
	}
	// Restarts side by side: each worker has its own per-row state,
	// k-means++ buffers and per-chunk sums.
	threads := opts.Threads
	if threads == 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	if w := parallelRuns(n, d, opts.Runs(), threads, opts.NumPyRandom); w > 1 {
		m.Rows = sat(float64(m.Rows) + float64(w-1)*24*nf)
		m.Init = sat(float64(w) * float64(m.Init))
		m.Chunks = sat(float64(w) * float64(m.Chunks))
	}
	if chooseMode(opts.Algorithm) == modeElkan {
		maxIter := opts.MaxIter
		if maxIter == 0 {
			maxIter = defaultMaxIter
		}
		// Lower bounds, stamps, centre-centre distances, survivors per
		// chunk, and the shift history (grown by append: up to twice).
		m.Elkan = sat(8*nf*kf + 4*nf + 8*kf*kf + 4*nc*kf + 16*kf*float64(maxIter+1))
	}
	return m
}

// SilhouetteMemory estimates what Silhouette allocates for n rows of d
// columns, k clusters and sampleSize (as Silhouette takes it): the row
// order of all n rows, and a grouped copy of the rows used (transposed for
// the pairwise kernel) with their weights and values, 8·n + m·(8·d + 24)
// with m = min(n, sampleSize), plus a little per cluster and worker.
func SilhouetteMemory(n, d, k, sampleSize int) int64 {
	m := n
	if sampleSize > 0 && sampleSize < n {
		m = sampleSize
	}
	// Per cluster: counts, offsets, weights, and each worker's sums; the
	// allocator's rounding.
	return sat(8*float64(n) + float64(m)*(8*float64(d)+24) + 32*float64(d)*float64(runtime.GOMAXPROCS(0)) + 8*float64(k)*float64(4+runtime.GOMAXPROCS(0)) + 1<<16)
}

// sat converts a byte count to int64, saturating.
func sat(f float64) int64 {
	if !(f < math.MaxInt64) {
		return math.MaxInt64
	}
	return int64(math.Ceil(f))
}

// satAdd adds byte counts, saturating.
func satAdd(v ...int64) int64 {
	var s int64
	for _, x := range v {
		if x > math.MaxInt64-s {
			return math.MaxInt64
		}
		s += x
	}
	return s
}
