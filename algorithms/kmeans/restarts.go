package kmeans

import (
	"context"
	"errors"
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// search runs the restarts of an exact fit (Lloyd, Hamerly, Elkan) and keeps
// the best one.
type search struct {
	opts    Options
	dt      *data
	k       int
	tol     float64
	maxIter int
	mode    mode

	mu                 sync.Mutex // guards what follows (restarts may run in parallel)
	best               *Result
	bestCen            []float64
	initTime, iterTime time.Duration
}

// parallelRunWork bounds the size (rows × max(d, 8)) of a fit whose restarts
// run side by side: below it a pass over the rows is a few hundred
// microseconds, so splitting each pass between threads costs a good part of
// what it saves (a goroutine hand-off per pass, chunk bookkeeping), while
// whole restarts on separate threads share nothing.
const parallelRunWork = 1 << 22

// parallelRuns returns how many restarts run at once: one per thread for a
// small fit with several restarts, else 1. numpy's stream is one sequence
// across restarts, so those run one after the other.
func parallelRuns(n, d, runs, threads int, numpy bool) int {
	if numpy || runs < 2 || threads < 2 || n*max(d, 8) > parallelRunWork {
		return 1
	}
	return min(threads, runs)
}

// sequential runs the restarts one after the other, each on every thread.
func (s *search) sequential(f *fitter, runs int) error {
	it := newIter(f, s.dt, s.k)
	pp := &ppScratch{}
	var numpy *numpyRandomState
	if s.opts.NumPyRandom {
		numpy = newNumPyRandomState(uint32(s.opts.Seed))
	}
	for run := 1; run <= runs; run++ {
		f.prog.Run = run
		var rng randSource = runRand(s.opts.Seed, run)
		if numpy != nil {
			rng = numpy
		}
		if err := s.runOne(it, pp, run, rng); err != nil {
			return err
		}
	}
	return nil
}

// errStopped ends a worker's restart when the calling goroutine has seen its
// context end (workers never poll the context themselves).
var errStopped = errors.New("kmeans: stopped")

// parallel runs the restarts on workers goroutines, each restart on one
// thread. The calling goroutine only watches: it polls ctx every few
// milliseconds, relays the workers' progress to the hook, and stops the
// workers when ctx ends.
func (s *search) parallel(f *fitter, workers, runs int) error {
	var (
		next, finished atomic.Int64
		stop           atomic.Bool
		wg             sync.WaitGroup
		mu             sync.Mutex // guards pending, perr and errs
		pending        []Progress // the workers' progress since the last report, one per phase change
		perr           any
		errs           []error
	)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					mu.Lock()
					if perr == nil {
						perr = p
					}
					mu.Unlock()
					stop.Store(true)
				}
			}()
			wf := &fitter{ctx: context.Background(), r: runner{threads: 1}, stop: &stop,
				progress: func(p Progress) {
					mu.Lock()
					if n := len(pending); n > 0 && pending[n-1].Phase == p.Phase {
						pending[n-1] = p
					} else {
						pending = append(pending, p)
					}
					mu.Unlock()
				}}
			wf.prog.Runs = runs
			it := newIter(wf, s.dt, s.k)
			pp := &ppScratch{}
			for !stop.Load() {
				run := int(next.Add(1))
				if run > runs {
					return
				}
				wf.prog.Run = run
				if err := s.runOne(it, pp, run, runRand(s.opts.Seed, run)); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					stop.Store(true)
					return
				}
				finished.Add(1)
			}
		}()
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	ticker := time.NewTicker(2 * time.Millisecond)
	defer ticker.Stop()
	// report relays the workers' progress: every change of phase, so that
	// the hook sees each phase, and the latest state otherwise.
	report := func(force bool) error {
		mu.Lock()
		events := pending
		pending = nil
		mu.Unlock()
		if len(events) == 0 {
			return f.tick(force)
		}
		for _, p := range events {
			changed := p.Phase != f.prog.Phase
			f.prog = p
			f.prog.Runs = runs
			if err := f.tick(force || changed); err != nil {
				return err
			}
		}
		return nil
	}
	for {
		select {
		case <-done:
			if perr != nil {
				panic(perr)
			}
			for _, err := range errs {
				if !errors.Is(err, errStopped) {
					return err
				}
			}
			return report(true)
		case <-ticker.C:
			if err := report(false); err != nil {
				stop.Store(true)
				<-done
				if perr != nil {
					panic(perr)
				}
				return err
			}
		}
	}
}

// runOne runs restart run on it (whose fitter says which threads) and offers
// the result to the search.
func (s *search) runOne(it *iter, pp *ppScratch, run int, rng randSource) error {
	dt, k, d := s.dt, s.k, s.dt.d
	t0 := time.Now()
	haveBounds := false
	switch {
	case s.opts.Centroids != nil:
		for j := range k {
			for t := range d {
				it.cen[j*d+t] = s.opts.Centroids.At(j, t) - dt.mean[t]
			}
		}
	case s.opts.Init == InitKMeansPlusPlus:
		if err := pp.run(it.f, dt, k, rng, it.cen, it.b); err != nil {
			return err
		}
		haveBounds = true
	default:
		randomInit(dt, k, rng, it.cen)
	}
	if err := it.f.tick(false); err != nil {
		return err
	}
	t1 := time.Now()
	iters, err := it.run(s.maxIter, s.tol, s.mode, haveBounds)
	if err != nil {
		return err
	}
	in, err := it.inertia()
	if err != nil {
		return err
	}
	s.offer(it, run, in, iters, t1.Sub(t0), time.Since(t1))
	return nil
}

// offer records a finished restart, keeping it if it beats the best so far.
func (s *search) offer(it *iter, run int, in float64, iters int, initTime, iterTime time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initTime += initTime
	s.iterTime += iterTime
	if s.best != nil && !beats(in, run, s.best.Inertia, s.best.Run) {
		return
	}
	if s.best == nil {
		s.best = &Result{Labels: make([]int, s.dt.n)}
		s.bestCen = make([]float64, s.k*s.dt.d)
	}
	for i, a := range it.b.lab {
		s.best.Labels[i] = int(a)
	}
	copy(s.bestCen, it.cen)
	s.best.Inertia = in
	s.best.Iterations = iters
	s.best.Run = run
}

// beats reports whether restart run with inertia in wins over restart
// bestRun with bestIn, whatever order they finished in: the winner is the one
// a scan of the restarts in order would keep (replace the incumbent only when
// strictly lower), which is the lowest inertia, the earliest restart on ties,
// and restart 1 when its inertia is NaN (nothing compares lower than NaN).
func beats(in float64, run int, bestIn float64, bestRun int) bool {
	switch {
	case bestRun == 1 && math.IsNaN(bestIn):
		return false
	case run == 1 && math.IsNaN(in):
		return true
	case math.IsNaN(in):
		return false
	case math.IsNaN(bestIn):
		return true
	}
	return in < bestIn || in == bestIn && run < bestRun
}
