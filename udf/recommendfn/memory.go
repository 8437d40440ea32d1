package recommendfn

import (
	"fmt"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// estimateMemory returns the peak memory recommend_train needs for the
// interactions read (in, whose matrix is x) with options ro, before the
// model is allocated; how says what it counts and lower what to reduce
// (for core.Budget.Check). With n interactions, U users, I items and keys
// the bytes of the keys (72 each, with the model's index maps, plus their
// text):
//
//	peak = 12n + 8U + keys + model + max(fit, 4 × blob)
//
// model and fit are recommend.EstimateMemory's; blob is the size of the
// stored model (its keys, about 3 bytes per interaction, 8 more with
// "binarize": false, and the factors or neighbour lists), counted four
// times while it is encoded, sealed and handed to SQLite.
func estimateMemory(in *core.Interactions, x *recommend.CSR, ro recommend.Options, opt Options) (need int64, how, lower string) {
	n, u, i := int64(x.NNZ()), int64(x.Rows), int64(x.Cols)
	keys, keyText := int64(0), int64(0)
	for _, list := range [][]any{in.Users, in.Items} {
		for _, k := range list {
			keys += 72
			if s, ok := k.(string); ok {
				keys += int64(len(s))
				keyText += int64(len(s)) + 2
			} else {
				keyText += 5
			}
		}
	}
	fp := recommend.EstimateMemory(x, ro)
	blob := keyText + 3*n + 2*u
	if opt.KeepWeights {
		blob += 8 * n
	}
	f := int64(opt.Factors)
	switch ro.Method {
	case recommend.MethodALS:
		blob += 4 * f * (u + i)
	case recommend.MethodItemKNN:
		blob += 11*fp.Neighbors + 2*i
	}
	need = 12*n + 8*u + keys + fp.Model + max(fp.Fit, 4*blob)

	data := fmt.Sprintf("%d users, %d items, %d interactions", u, i, n)
	threads := fmt.Sprintf("%q (%d)", "threads", opt.Threads)
	switch ro.Method {
	case recommend.MethodALS:
		how = fmt.Sprintf("ALS with %d factors on %s: %s of factors", f, data, core.FormatBytes(4*f*(u+i)))
		lower = fmt.Sprintf("%q (%d), or train on fewer users and items", "factors", f)
	case recommend.MethodItemKNN:
		k := "every neighbour"
		if *opt.Neighbors > 0 {
			k = fmt.Sprintf("%d neighbours", *opt.Neighbors)
		}
		how = fmt.Sprintf("item_knn keeping %s of each of %d items, up to %d in all, on %s", k, i, fp.Neighbors, data)
		lower = fmt.Sprintf("%q or %s, or train on fewer items", "neighbors", threads)
	default:
		how = fmt.Sprintf("%s on %s", opt.Method, data)
		lower = "the interactions (train on fewer rows)"
	}
	return need, how, lower
}
