package recommendfn

import (
	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/core"
)

// ImportedALS is a matrix factorization learned elsewhere (a Spark
// ALSModel), as the importer read it.
type ImportedALS struct {
	UserColumn, ItemColumn string
	Users, Items           []any // keys, int64 or string, each once
	Rank                   int
	UserFactors            []float32 // len(Users)×Rank, row-major
	ItemFactors            []float32
	// Alpha and Reg are the confidence weight and regularization that
	// recommend_basket's fold-in uses.
	Alpha, Reg float64
	// Seen, when set, are (user, item[, weight]) rows the model was trained
	// on: recommend then leaves out what a user already has (unless
	// include_seen), and popularity (the fallback for unknown users) counts
	// them. Rows whose user or item the model lacks are counted in
	// SeenUnknown and left out.
	Seen        *core.Interactions
	SeenUnknown int
}

// ImportALS checks im, stores it as model rec.Name and returns the stored
// model.
func ImportALS(c *core.Conn, fn string, rec *catalog.Model, im *ImportedALS) (*Model, error) {
	nu, ni := len(im.Users), len(im.Items)
	if im.Rank < 1 || len(im.UserFactors) != nu*im.Rank || len(im.ItemFactors) != ni*im.Rank {
		return nil, core.Errorf(fn, "inconsistent factor shapes: rank %d, %d users with %d values, %d items with %d values",
			im.Rank, nu, len(im.UserFactors), ni, len(im.ItemFactors))
	}
	if nu == 0 || ni == 0 {
		return nil, core.Errorf(fn, "the model has %d users and %d items; it needs at least one of each", nu, ni)
	}
	var r, cl []int32
	var w []float64
	if im.Seen != nil {
		users, items := make(map[any]int32, nu), make(map[any]int32, ni)
		for k, u := range im.Users {
			users[u] = int32(k)
		}
		for k, i := range im.Items {
			items[i] = int32(k)
		}
		for k := range im.Seen.U {
			u, okU := users[im.Seen.Users[im.Seen.U[k]]]
			i, okI := items[im.Seen.Items[im.Seen.I[k]]]
			if !okU || !okI {
				im.SeenUnknown++
				continue
			}
			r, cl, w = append(r, u), append(cl, i), append(w, im.Seen.W[k])
		}
	}
	x, err := recommend.NewCSRContext(c.Context(), nu, ni, r, cl, w)
	if err != nil {
		return nil, core.TrainError(fn, err, true)
	}
	rm := &recommend.Model{Method: recommend.MethodALS, Train: x, Alpha: im.Alpha, Reg: im.Reg,
		Factors: &recommend.Factors{F: im.Rank, Users: im.UserFactors, Items: im.ItemFactors}}
	m := &Model{Model: rm, UserColumn: im.UserColumn, ItemColumn: im.ItemColumn, Users: im.Users, Items: im.Items}
	params := m.Encode()
	stored, err := Decode(params)
	if err != nil {
		return nil, core.Errorf(fn, "the imported model is not usable (%v); nothing was stored", err)
	}
	rec.Kind, rec.Params = Kind, params
	if err := core.StoreModel(c, fn, rec, nil); err != nil {
		return nil, err
	}
	return stored, nil
}
