package recommend

import (
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

func sqrt(x float64) float64 { return math.Sqrt(x) }
