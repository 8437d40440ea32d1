package kmeansfn_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/seed-a084b42d/marketsql/internal/sqltest"
	"github.com/seed-a084b42d/marketsql/udf/kmeansfn"
)

// TestNativeScoringMatchesGo: kmeans_assign and kmeans_distance, whose
// per-row path is C, give the cluster and the distance bits of
// kmeans.Model.Nearest for random points and odd values (INTEGER arguments,
// negative zero, subnormals, huge and tiny magnitudes), and a point whose
// distances overflow is an error in both.
func TestNativeScoringMatchesGo(t *testing.T) {
	t.Parallel()
	db := sqltest.Open(t, `CREATE TABLE train(id INTEGER PRIMARY KEY, a REAL, b REAL, c REAL)`).DB()
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 600 {
		g := float64(i % 5)
		sqltest.Exec(t, db, `INSERT INTO train VALUES (?, ?, ?, ?)`, i, 10*g+rng.NormFloat64(), 3*g*g+rng.NormFloat64()*2, rng.ExpFloat64()*(g+1))
	}
	for _, opts := range []string{`{"k": 5}`, `{"k": 7, "standardize": false, "init": "random"}`} {
		t.Run(opts, func(t *testing.T) {
			sqltest.Exec(t, db, `SELECT kmeans_train('m', 'train', ?)`, opts)
			m, err := kmeansfn.Decode(sqltest.One[[]byte](t, db, `SELECT params FROM ml_models WHERE name = 'm'`))
			if err != nil {
				t.Fatal(err)
			}
			// No column affinity: INTEGER values stay INTEGER.
			sqltest.Exec(t, db, `DROP TABLE IF EXISTS probe; CREATE TABLE probe(id INTEGER PRIMARY KEY, a, b, c)`)
			odd := []any{int64(0), int64(-7), int64(1) << 53, int64(math.MaxInt64), math.Copysign(0, -1), 5e-324,
				-2.2250738585072014e-308, 1e-300, 1e100, -3.5e120, 0.1, 1.0 / 3, math.Nextafter(40, 41)}
			var points [][3]any
			for range 3000 {
				var p [3]any
				for j := range p {
					switch rng.IntN(4) {
					case 0:
						p[j] = odd[rng.IntN(len(odd))]
					case 1:
						p[j] = int64(rng.IntN(200) - 100)
					default:
						p[j] = rng.NormFloat64() * 20
					}
				}
				points = append(points, p)
			}
			for i, p := range points {
				sqltest.Exec(t, db, `INSERT INTO probe VALUES (?, ?, ?, ?)`, i, p[0], p[1], p[2])
			}
			rows, err := db.Query(`SELECT id, kmeans_assign('m', a, b, c), kmeans_distance('m', a, b, c) FROM probe ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			scratch := make([]float64, 3)
			n := 0
			for rows.Next() {
				var id, cl int64
				var dist float64
				if err := rows.Scan(&id, &cl, &dist); err != nil {
					t.Fatal(err)
				}
				x := make([]float64, 3)
				for j, v := range points[id] {
					switch v := v.(type) {
					case int64:
						x[j] = float64(v)
					case float64:
						x[j] = v
					}
				}
				wantCl, wantDist := m.Nearest(x, scratch)
				if cl != int64(wantCl+1) || math.Float64bits(dist) != math.Float64bits(wantDist) {
					t.Fatalf("point %v: SQL cluster %d distance %v (%#x), Go %d %v (%#x)",
						points[id], cl, dist, math.Float64bits(dist), wantCl+1, wantDist, math.Float64bits(wantDist))
				}
				n++
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if n != len(points) {
				t.Fatalf("%d rows scored, want %d", n, len(points))
			}
			// Overflowing squared distances: an error on both paths.
			for _, v := range []float64{1e200, -1e300, math.MaxFloat64} {
				_, d := m.Nearest([]float64{v, 0, 0}, scratch)
				err := sqltest.QueryErr(db, `SELECT kmeans_distance('m', ?, 0, 0)`, v)
				if (err != nil) != math.IsInf(d, 1) {
					t.Errorf("%v: SQL error %v, Go distance %v", v, err, d)
				}
			}
		})
	}
}
