package recommend

import (
	"context"
	"math"
	"runtime"
	"sync"
)

func threadsOr(n int) int {
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	return n
}

// parallelRange runs fn over [lo, hi) split into contiguous chunks on up to
// threads goroutines; worker w gets chunk w. Work per index is independent,
// so results never depend on the number of threads.
func parallelRange(lo, hi, threads int, fn func(worker, lo, hi int)) {
	n := hi - lo
	if n <= 0 {
		return
	}
	threads = min(threadsOr(threads), n)
	if threads == 1 {
		fn(0, lo, hi)
		return
	}
	var wg sync.WaitGroup
	// Dynamic chunks balance uneven rows (a few customers buy thousands of
	// items); each index is still computed by exactly one goroutine.
	const chunk = 32
	var mu sync.Mutex
	next := lo
	for w := 0; w < threads; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				mu.Lock()
				a := next
				next += chunk
				mu.Unlock()
				if a >= hi {
					return
				}
				fn(w, a, min(a+chunk, hi))
			}
		}(w)
	}
	wg.Wait()
}

// segmentWork is the work (multiply-adds, roughly) one thread does between
// two polls of the context: a few milliseconds.
const segmentWork = 1 << 24

// segments calls run over [lo, hi) in consecutive ranges of about budget
// units of work, cost(i) being the work of index i, with ctx.Err() polled
// on the calling goroutine before each range; maxLen, if positive, caps a
// range's length. run never sees the context, so its workers never poll it.
func segments(ctx context.Context, lo, hi, budget, maxLen int, cost func(i int) int, run func(a, b int)) error {
	for a := lo; a < hi; {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, work := a, 0
		for b < hi && (b == a || work < budget) && (maxLen <= 0 || b-a < maxLen) {
			work += cost(b)
			b++
		}
		run(a, b)
		a = b
	}
	return nil
}

func sqrt(x float64) float64 { return math.Sqrt(x) }

// pollEntries is how many matrix entries (or values) a single-threaded
// pass such as a transpose handles between two polls of its context: a
// few milliseconds of memory-bound work.
const pollEntries = 1 << 20

// poller polls ctx.Err() once every pollEntries units of work.
type poller struct {
	ctx  context.Context
	work int
}

// tick counts units of work done and polls the context when a period is
// over.
func (p *poller) tick(units int) error {
	p.work += units
	if p.work < pollEntries {
		return nil
	}
	p.work = 0
	return p.ctx.Err()
}
