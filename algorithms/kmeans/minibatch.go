package kmeans

import (
	"math"
	"math/rand/v2"
	"time"
)

// Mini-batch k-means as scikit-learn 1.2.1's MiniBatchKMeans.fit implements
// it (Sculley 2010 with scikit-learn's per-centre learning rate, early
// stopping and random reassignment of small clusters).
const (
	maxNoImprovement  = 10   // scikit-learn's max_no_improvement
	reassignmentRatio = 0.01 // scikit-learn's reassignment_ratio
)

// fitMiniBatch runs scikit-learn's MiniBatchKMeans.fit:
//   - a validation set of init_size rows (3·batch, at least 3k, at most n,
//     drawn with replacement) scores nInit initialisations, each computed on
//     its own random subset of init_size rows; the best one starts;
//   - max_iter·n/batch steps; each draws batch rows with replacement, assigns
//     them, moves each centre to the weighted mean of its old position (with
//     weight its running count) and its new rows, and every 10k rows (or
//     whenever a count is zero) moves centres whose count is below 1% of the
//     largest to random rows of the batch;
//   - stops early when the exponentially weighted average of the batch
//     inertia has not improved for 10 steps, or when tol > 0 and the squared
//     centre change is at most tol.
//
// The labels and inertia come from one full assignment pass at the end.
// Iterations counts epochs as scikit-learn's n_iter_: ceil(steps·batch/n).
func fitMiniBatch(f *fitter, dt *data, opts Options, tol float64, nInit int) (*Result, error) {
	n, d, k := dt.n, dt.d, opts.K
	batch := opts.BatchSize
	if batch == 0 {
		batch = defaultBatchSize
	}
	batch = min(batch, n)
	initSize := 3 * batch
	if initSize < k {
		initSize = 3 * k
	}
	initSize = min(initSize, n)
	maxIter := opts.MaxIter
	if maxIter == 0 {
		maxIter = defaultMiniMaxIter
	}
	rng := runRand(opts.Seed, 0)

	draw := func(m int) []int {
		idx := make([]int, m)
		for j := range idx {
			idx[j] = rng.IntN(n)
		}
		return idx
	}
	valid := dt.subset(draw(initSize))

	cen := make([]float64, k*d)
	cn := make([]float64, k)
	sc := make([]float64, k)
	norms := func(c []float64) {
		for j := range k {
			cj := c[j*d : j*d+d]
			cn[j] = dot(cj, cj)
		}
	}
	// batchInertia assigns the rows of s (all of them, or those listed in idx)
	// and returns the weighted inertia; labels go to lab.
	assign := func(s *data, idx []int, c []float64, lab []int32) float64 {
		norms(c)
		var p float64
		m := s.n
		if idx != nil {
			m = len(idx)
		}
		for j := range m {
			i := j
			if idx != nil {
				i = idx[j]
			}
			scores(s.row(i), c, cn, sc)
			a, v := argmin(sc)
			if lab != nil {
				lab[j] = int32(a)
			}
			p += s.w[i] * max(0, s.xn[i]+v)
		}
		return p
	}

	started := time.Now()
	bestInertia := inf
	trial := make([]float64, k*d)
	f.prog.Runs = nInit
	for run := 1; run <= nInit; run++ {
		f.prog.Run = run
		switch {
		case opts.Centroids != nil:
			for j := range k {
				for t := range d {
					trial[j*d+t] = opts.Centroids.At(j, t) - dt.mean[t]
				}
			}
		default:
			sub := dt.subset(draw(initSize))
			if opts.Init == InitKMeansPlusPlus {
				if err := kmeansPP(f, sub, k, rng, trial, nil); err != nil {
					return nil, err
				}
			} else {
				randomInit(sub, k, rng, trial)
			}
		}
		in := assign(valid, nil, trial, nil)
		if in < bestInertia || run == 1 {
			bestInertia = in
			copy(cen, trial)
		}
		if err := f.tick(false); err != nil {
			return nil, err
		}
	}

	initTime := time.Since(started)
	cenNew := make([]float64, k*d)
	counts := make([]float64, k)
	idx := make([]int, batch)
	lab := make([]int32, batch)
	wsum := make([]float64, k)
	toR := make([]bool, k)
	perm := make([]int, batch)
	sinceReassign := 0
	var ewa, ewaMin float64
	haveEWA, haveMin := false, false
	noImprovement := 0
	nSteps := maxIter * n / batch
	f.prog.Phase = "minibatch"
	f.prog.MaxIter = maxIter
	steps := 0
	for step := range nSteps {
		steps = step + 1
		for j := range idx {
			idx[j] = rng.IntN(n)
		}
		// scikit-learn's _random_reassign, evaluated before the step.
		sinceReassign += batch
		reassign := false
		if containsZero(counts) || sinceReassign >= 10*k {
			sinceReassign = 0
			reassign = true
		}

		// _mini_batch_step: assign, then update the centres.
		bi := assign(dt, idx, cen, lab)
		clear(wsum)
		for j, i := range idx {
			wsum[lab[j]] += dt.w[i]
		}
		for j := range k {
			src, dst := cen[j*d:j*d+d], cenNew[j*d:j*d+d]
			if wsum[j] > 0 {
				for t := range dst {
					dst[t] = src[t] * counts[j]
				}
			} else {
				copy(dst, src)
			}
		}
		for j, i := range idx {
			a := int(lab[j])
			w := dt.w[i]
			dst := cenNew[a*d : a*d+d]
			for t, v := range dt.row(i) {
				dst[t] += v * w
			}
		}
		for j := range k {
			if wsum[j] > 0 {
				counts[j] += wsum[j]
				alpha := 1 / counts[j]
				dst := cenNew[j*d : j*d+d]
				for t := range dst {
					dst[t] *= alpha
				}
			}
		}
		if reassign {
			randomReassign(dt, rng, idx, counts, cenNew, toR, perm)
		}
		var diff float64
		if tol > 0 {
			diff = sqDist(cenNew, cen)
		}
		cen, cenNew = cenNew, cen

		// _mini_batch_convergence.
		bi /= float64(batch)
		if steps > 1 {
			if !haveEWA {
				ewa, haveEWA = bi, true
			} else {
				alpha := min(float64(batch)*2/float64(n+1), 1)
				ewa = ewa*(1-alpha) + bi*alpha
			}
			if tol > 0 && diff <= tol {
				break
			}
			if !haveMin || ewa < ewaMin {
				noImprovement = 0
				ewaMin, haveMin = ewa, true
			} else {
				noImprovement++
			}
			if noImprovement >= maxNoImprovement {
				break
			}
		}
		f.prog.Iteration = (steps*batch + n - 1) / n
		f.prog.Inertia = ewa * float64(n)
		if err := f.tick(false); err != nil {
			return nil, err
		}
	}

	// Labels and inertia from one full pass.
	it := newIter(f, dt, k)
	copy(it.cen, cen)
	it.norms()
	if _, err := it.lloydPass(false); err != nil {
		return nil, err
	}
	in, err := it.inertia()
	if err != nil {
		return nil, err
	}
	res := &Result{
		Centroids:  uncentre(cen, dt.mean, k, d),
		Labels:     make([]int, n),
		Inertia:    in,
		Iterations: int(math.Ceil(float64(steps) * float64(batch) / float64(n))),
		Run:        1,
		Init:       initTime,
		Iterate:    time.Since(started) - initTime,
	}
	for i, a := range it.b.lab {
		res.Labels[i] = int(a)
	}
	f.prog.Iteration = res.Iterations
	f.prog.Inertia = in
	if err := f.tick(true); err != nil {
		return nil, err
	}
	return res, nil
}

func containsZero(v []float64) bool {
	for _, x := range v {
		if x == 0 {
			return true
		}
	}
	return false
}

// randomReassign is the reassignment part of scikit-learn's _mini_batch_step:
// centres whose count is below reassignment_ratio × the largest count (at most
// half a batch of them, the smallest counts first) move to distinct rows of
// the batch drawn uniformly, and their counts are reset to the smallest count
// of the centres that stay.
func randomReassign(dt *data, rng *rand.Rand, idx []int, counts, cen []float64, toR []bool, perm []int) {
	d, batch := dt.d, len(idx)
	mx := 0.0
	for _, c := range counts {
		mx = max(mx, c)
	}
	nr := 0
	for j, c := range counts {
		toR[j] = c < reassignmentRatio*mx
		if toR[j] {
			nr++
		}
	}
	if float64(nr) > 0.5*float64(batch) {
		// Keep only the int(0.5·batch) smallest counts (stable order).
		order := make([]int, len(counts))
		for j := range order {
			order[j] = j
		}
		sortStableBy(order, counts)
		for _, j := range order[int(0.5*float64(batch)):] {
			toR[j] = false
		}
		nr = 0
		for _, r := range toR {
			if r {
				nr++
			}
		}
	}
	if nr > 0 {
		// nr distinct positions of the batch, uniformly (partial Fisher-Yates).
		for j := range perm {
			perm[j] = j
		}
		for j := range nr {
			r := j + rng.IntN(batch-j)
			perm[j], perm[r] = perm[r], perm[j]
		}
		p := 0
		for j, r := range toR {
			if r {
				copy(cen[j*d:j*d+d], dt.row(idx[perm[p]]))
				p++
			}
		}
		low := inf
		for j, r := range toR {
			if !r {
				low = min(low, counts[j])
			}
		}
		for j, r := range toR {
			if r {
				counts[j] = low
			}
		}
	}
}

func sortStableBy(order []int, key []float64) {
	// insertion sort: k is small and this path is rare
	for a := 1; a < len(order); a++ {
		for b := a; b > 0 && key[order[b]] < key[order[b-1]]; b-- {
			order[b], order[b-1] = order[b-1], order[b]
		}
	}
}
