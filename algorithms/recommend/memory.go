package recommend

// Footprint is the memory Fit needs, estimated from the matrix and the
// options before anything is allocated, in bytes. It counts live data, not
// the garbage the runtime has yet to collect.
type Footprint struct {
	// Fit is Fit's working memory at its peak, on top of Model: copies and
	// transposes of the matrix, per-thread scratch.
	Fit int64
	// Model is the fitted model beyond x itself: the factors or the
	// neighbour lists, and what Prepare derives (the transpose of x, the
	// popularity of every item, normalized rows).
	Model int64
	// Neighbors is, for item-kNN, a bound on the number of neighbours kept
	// over all items: item i keeps at most min(Neighbors, items-1, c_i),
	// c_i the entries of the other items of its users.
	Neighbors int64
}

// EstimateMemory returns the footprint of Fit(ctx, x, opt). The terms, with
// n entries, U users, I items, f factors, T threads, k neighbours kept
// per item and S the bound on neighbours stored (Footprint.Neighbors):
//
//	every method:  model += 12n + 16I (the transpose of x, popularity)
//	als:       model += 4f(U+I) + 4f²;  fit = 20n + 16I + 20f² + 12fT
//	item_knn:  model += 12S + 8I;       fit = 20n + 64I + T(16I + 12k) + 12S
//	user_knn:  model += 20n + 16I;      fit = 0
//	popular:   nothing more
//
// ALS's fit terms are the transposed matrix and the float32 confidences of
// both, the Gram matrices and the conjugate-gradient scratch; item-kNN's
// are the weighted matrix and its transpose, a dense accumulator, marks and
// a top-k heap per thread, and the per-item lists before they are joined.
func EstimateMemory(x *CSR, opt Options) Footprint {
	n, u, i := int64(x.NNZ()), int64(x.Rows), int64(x.Cols)
	fp := Footprint{Model: 12*n + 16*i}
	switch opt.Method {
	case MethodALS:
		a := opt.ALS.resolved()
		f, t := int64(a.Factors), int64(threadsOr(a.Threads))
		fp.Model += 4*f*(u+i) + 4*f*f
		fp.Fit = 20*n + 16*i + 20*f*f + 12*f*t
	case MethodItemKNN:
		t := int64(threadsOr(opt.KNN.Threads))
		k := int64(opt.KNN.Neighbors)
		if k <= 0 || k > i-1 {
			k = max(i-1, 0)
		}
		fp.Neighbors = neighborBound(x, k)
		fp.Model += 12*fp.Neighbors + 8*i
		fp.Fit = 20*n + 64*i + t*(16*i+12*k) + 12*fp.Neighbors
	case MethodUserKNN:
		fp.Model += 20*n + 16*i
	}
	return fp
}

// neighborBound bounds the neighbours item-kNN keeps: item i keeps at most
// k, and at most the number of entries of its users in other items (the
// candidates its similarities are summed over).
func neighborBound(x *CSR, k int64) int64 {
	cand := make([]int64, x.Cols)
	for r := 0; r < x.Rows; r++ {
		is, _ := x.Row(r)
		others := int64(len(is) - 1)
		for _, c := range is {
			cand[c] += others
		}
	}
	s := int64(0)
	for _, c := range cand {
		s += min(c, k)
	}
	return s
}
