package retail

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
)

// MovieLens is a MovieLens 100k split with ratings >= 4 as positives.
type MovieLens struct {
	Train    *recommend.CSR         // binary positives of the base file
	Relevant map[int]map[int32]bool // user index → positives of the test file not in Train
}

type rating struct{ user, item, stars int }

func readRatings(path string) ([]rating, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []rating
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 3 {
			continue
		}
		var r rating
		var errs [3]error
		r.user, errs[0] = strconv.Atoi(fs[0])
		r.item, errs[1] = strconv.Atoi(fs[1])
		r.stars, errs[2] = strconv.Atoi(fs[2])
		for _, e := range errs {
			if e != nil {
				return nil, fmt.Errorf("%s: %q: %w", path, sc.Text(), e)
			}
		}
		out = append(out, r)
	}
	return out, sc.Err()
}

// LoadMovieLens reads a base/test pair (u.data format: user item rating
// timestamp). Users and items are indexed by their ids minus one (ids run
// 1..943 and 1..1682).
func LoadMovieLens(base, test string) (*MovieLens, error) {
	b, err := readRatings(base)
	if err != nil {
		return nil, err
	}
	t, err := readRatings(test)
	if err != nil {
		return nil, err
	}
	nu, ni := 0, 0
	for _, r := range append(append([]rating(nil), b...), t...) {
		nu, ni = max(nu, r.user), max(ni, r.item)
	}
	var ru, ri []int32
	var rv []float64
	for _, r := range b {
		if r.stars >= 4 {
			ru, ri, rv = append(ru, int32(r.user-1)), append(ri, int32(r.item-1)), append(rv, 1)
		}
	}
	ml := &MovieLens{Train: recommend.NewCSR(nu, ni, ru, ri, rv), Relevant: map[int]map[int32]bool{}}
	seen := map[[2]int]bool{}
	for k := range ru {
		seen[[2]int{int(ru[k]), int(ri[k])}] = true
	}
	for _, r := range t {
		u, i := r.user-1, r.item-1
		if r.stars < 4 || seen[[2]int{u, i}] {
			continue
		}
		if ml.Relevant[u] == nil {
			ml.Relevant[u] = map[int32]bool{}
		}
		ml.Relevant[u][int32(i)] = true
	}
	return ml, nil
}

// Method is one configuration in the quality tables.
type Method struct {
	Name    string
	Options recommend.Options
}

// Methods are the configurations the README's quality tables report: the
// defaults of recommend_train for each method, plus item-kNN variants.
func Methods() []Method {
	// Every row starts from the documented defaults: inside algorithms/ a
	// zero regularization, alpha or BM25 b means zero.
	with := func(method recommend.Method, edit func(*recommend.Options)) recommend.Options {
		o := recommend.Defaults()
		o.Method = method
		if edit != nil {
			edit(&o)
		}
		return o
	}
	return []Method{
		{"popular", with(recommend.MethodPopular, nil)},
		{"item_knn cosine (20 neighbours)", with(recommend.MethodItemKNN, nil)},
		{"item_knn bm25 (20)", with(recommend.MethodItemKNN, func(o *recommend.Options) { o.KNN.Weighting = recommend.BM25 })},
		{"item_knn tfidf (20)", with(recommend.MethodItemKNN, func(o *recommend.Options) { o.KNN.Weighting = recommend.TFIDF })},
		{"user_knn (20 neighbours)", with(recommend.MethodUserKNN, nil)},
		{"als (64 factors, reg 0.01, alpha 40, 15 iterations)", with(recommend.MethodALS, nil)},
		{"als tuned (16 factors, reg 10, alpha 1)", with(recommend.MethodALS, func(o *recommend.Options) {
			o.ALS.Factors, o.ALS.Regularization, o.ALS.Alpha = 16, 10, 1
		})},
	}
}
