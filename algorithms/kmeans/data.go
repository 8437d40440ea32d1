package kmeans

import (
	"context"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"gonum.org/v1/gonum/mat"
)

var inf = math.Inf(1)

// data is the prepared input: a mean-centred, contiguous copy of x (as
// scikit-learn centres x before fitting, which keeps the norm expansion
// accurate), the squared row norms, the weights and the fixed chunking.
//
// Determinism: rows are split into chunks whose size depends only on n, never
// on the thread count. Every parallel pass writes per-chunk partial results
// that are reduced in chunk order, so results are bit-identical for any
// number of threads.
type data struct {
	n, d   int
	x      []float64 // n×d, centred
	mean   []float64 // column means removed from x
	xn     []float64 // ||x_i||² of the centred rows
	w      []float64 // sample weights (ones when none were given)
	chunk  int       // rows per chunk
	nchunk int
	wChunk []float64 // per-chunk sum of weights
	wTotal float64
}

// chunkRows returns the rows per chunk for n rows: at least 256, at most
// about 256 chunks. It depends on n only.
func chunkRows(n int) int {
	c := (n + 255) / 256
	if c < 256 {
		c = 256
	}
	return (c + 7) &^ 7
}

func (dt *data) rows(c int) (lo, hi int) {
	lo = c * dt.chunk
	hi = min(lo+dt.chunk, dt.n)
	return
}

func (dt *data) row(i int) []float64 { return dt.x[i*dt.d : i*dt.d+dt.d : i*dt.d+dt.d] }

// runner runs chunked work on a fixed number of goroutines. The calling
// goroutine takes part in the work; worker panics are re-raised on it.
type runner struct {
	threads int
}

func (r runner) run(lo, hi int, fn func(c int)) {
	t := min(r.threads, hi-lo)
	if t <= 1 {
		for c := lo; c < hi; c++ {
			fn(c)
		}
		return
	}
	var next atomic.Int64
	next.Store(int64(lo))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var perr any
	work := func() {
		defer func() {
			if p := recover(); p != nil {
				mu.Lock()
				if perr == nil {
					perr = p
				}
				mu.Unlock()
				next.Store(int64(hi)) // stop handing out chunks
			}
		}()
		for {
			c := int(next.Add(1)) - 1
			if c >= hi {
				return
			}
			fn(c)
		}
	}
	for g := 1; g < t; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			work()
		}()
	}
	work()
	wg.Wait()
	if perr != nil {
		panic(perr)
	}
}

// fitter holds what every phase of a fit shares: the data, the worker pool,
// cancellation and progress reporting (always on the calling goroutine:
// workers never poll ctx).
type fitter struct {
	ctx      context.Context
	r        runner
	progress func(Progress)
	prog     Progress
	last     time.Time
	// stop, when set, is how a worker running a whole restart learns that
	// the calling goroutine saw the context end (its ctx is never done).
	stop *atomic.Bool
}

// segmentWork is the work (row·centre·dimension products) one thread does
// between two polls of the context: roughly 5-15 ms.
const segmentWork = 1 << 25

// pass runs fn over all chunks of the data, in segments so that ctx and the
// progress hook are polled every few milliseconds. work is the cost of one
// row in multiply-adds (about k·d for an assignment pass).
func (f *fitter) pass(dt *data, work int, fn func(c int)) error {
	nc := dt.nchunk
	per := max(1, work) * dt.chunk
	seg := max(1, segmentWork*f.r.threads/per)
	if seg < f.r.threads {
		seg = f.r.threads
	}
	for lo := 0; lo < nc; lo += seg {
		hi := min(lo+seg, nc)
		f.r.run(lo, hi, fn)
		if hi < nc {
			if err := f.tick(false); err != nil {
				return err
			}
		}
	}
	return nil
}

// tick polls the context and calls the progress hook: always when force is
// set (a unit of work ended), otherwise when 50 ms have passed since the last
// call.
func (f *fitter) tick(force bool) error {
	if f.stop != nil && f.stop.Load() {
		return errStopped
	}
	if err := f.ctx.Err(); err != nil {
		return err
	}
	if f.progress == nil {
		return nil
	}
	now := time.Now()
	if !force && now.Sub(f.last) < 50*time.Millisecond {
		return nil
	}
	f.last = now
	f.progress(f.prog)
	return f.ctx.Err() // the callback may have cancelled
}

// prepare validates x and the weights and builds the centred copy, the row
// norms and the chunking. It returns the mean of the per-column variances
// (numpy's np.var, unweighted), which scales the tolerance.
func prepare(f *fitter, x *mat.Dense, weights []float64) (*data, float64, error) {
	n, d := x.Dims()
	dt := &data{n: n, d: d, chunk: chunkRows(n)}
	dt.nchunk = (n + dt.chunk - 1) / dt.chunk
	if weights != nil {
		if len(weights) != n {
			return nil, 0, fmt.Errorf("%w: weights has %d values for %d rows", ErrInput, len(weights), n)
		}
		for i, v := range weights {
			if !(v >= 0) || math.IsInf(v, 1) {
				return nil, 0, fmt.Errorf("%w: weight of row %d is %v; weights must be finite and non-negative", ErrInput, i, v)
			}
		}
		dt.w = weights
	} else {
		dt.w = make([]float64, n)
		for i := range dt.w {
			dt.w[i] = 1
		}
	}
	raw := x.RawMatrix()
	src := func(i int) []float64 { return raw.Data[i*raw.Stride : i*raw.Stride+d] }

	// Pass 1: per-chunk column sums (and a finiteness check).
	nc := dt.nchunk
	colSum := make([]float64, nc*d)
	bad := make([]int, nc)
	dt.wChunk = make([]float64, nc)
	err := f.pass(dt, d, func(c int) {
		lo, hi := dt.rows(c)
		s := colSum[c*d : c*d+d]
		bad[c] = -1
		var ws float64
		for i := lo; i < hi; i++ {
			r := src(i)
			for j, v := range r {
				s[j] += v
			}
			ws += dt.w[i]
		}
		dt.wChunk[c] = ws
		for _, v := range s {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				for i := lo; i < hi && bad[c] < 0; i++ {
					for _, v := range src(i) {
						if math.IsNaN(v) || math.IsInf(v, 0) {
							bad[c] = i
							break
						}
					}
				}
				break
			}
		}
	})
	if err != nil {
		return nil, 0, err
	}
	for c := range nc {
		if bad[c] >= 0 {
			return nil, 0, fmt.Errorf("%w: row %d contains NaN or Inf", ErrInput, bad[c])
		}
		dt.wTotal += dt.wChunk[c]
	}
	if !(dt.wTotal > 0) || math.IsInf(dt.wTotal, 0) {
		return nil, 0, fmt.Errorf("%w: the weights sum to %v; at least one must be positive and their sum finite", ErrInput, dt.wTotal)
	}
	dt.mean = make([]float64, d)
	for c := range nc {
		for j, v := range colSum[c*d : c*d+d] {
			dt.mean[j] += v
		}
	}
	for j := range dt.mean {
		dt.mean[j] /= float64(n)
	}

	// Pass 2: centred copy, row norms, per-chunk sums of squared deviations.
	dt.x = make([]float64, n*d)
	dt.xn = make([]float64, n)
	sq := colSum // reuse
	for i := range sq {
		sq[i] = 0
	}
	err = f.pass(dt, d, func(c int) {
		lo, hi := dt.rows(c)
		s := sq[c*d : c*d+d]
		mean := dt.mean[:d]
		for i := lo; i < hi; i++ {
			r := src(i)
			o := dt.row(i)
			// Four partial norms: one chain of dependent adds per row was
			// the pass's bottleneck.
			var n0, n1, n2, n3 float64
			j := 0
			for ; j+3 < d; j += 4 {
				v0, v1, v2, v3 := r[j]-mean[j], r[j+1]-mean[j+1], r[j+2]-mean[j+2], r[j+3]-mean[j+3]
				o[j], o[j+1], o[j+2], o[j+3] = v0, v1, v2, v3
				s[j] += v0 * v0
				s[j+1] += v1 * v1
				s[j+2] += v2 * v2
				s[j+3] += v3 * v3
				n0 += v0 * v0
				n1 += v1 * v1
				n2 += v2 * v2
				n3 += v3 * v3
			}
			for ; j < d; j++ {
				v := r[j] - mean[j]
				o[j] = v
				s[j] += v * v
				n0 += v * v
			}
			dt.xn[i] = (n0 + n1) + (n2 + n3)
		}
	})
	if err != nil {
		return nil, 0, err
	}
	var meanVar float64
	if d > 0 {
		vars := make([]float64, d)
		for c := range nc {
			for j, v := range sq[c*d : c*d+d] {
				vars[j] += v
			}
		}
		for _, v := range vars {
			meanVar += v / float64(n)
		}
		meanVar /= float64(d)
	}
	return dt, meanVar, nil
}

// subset builds a data set from the given rows of dt (already centred).
func (dt *data) subset(idx []int) *data {
	n := len(idx)
	s := &data{n: n, d: dt.d, chunk: chunkRows(n), mean: dt.mean}
	s.nchunk = (n + s.chunk - 1) / s.chunk
	s.x = make([]float64, n*dt.d)
	s.xn = make([]float64, n)
	s.w = make([]float64, n)
	for i, r := range idx {
		copy(s.row(i), dt.row(r))
		s.xn[i] = dt.xn[r]
		s.w[i] = dt.w[r]
	}
	s.wChunk = make([]float64, s.nchunk)
	for c := range s.nchunk {
		lo, hi := s.rows(c)
		for i := lo; i < hi; i++ {
			s.wChunk[c] += s.w[i]
		}
		s.wTotal += s.wChunk[c]
	}
	return s
}
