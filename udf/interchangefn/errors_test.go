package interchangefn_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
	"github.com/seed-a084b42d/marketsql/internal/sqltest"
)

const irisPMML = `<?xml version="1.0"?>
<PMML version="4.3" xmlns="http://www.dmg.org/PMML-4_3">
 <Header/>
 <DataDictionary numberOfFields="2">
  <DataField name="a" optype="continuous" dataType="double"/>
  <DataField name="b" optype="continuous" dataType="double"/>
 </DataDictionary>
 <ClusteringModel functionName="clustering" modelClass="centerBased" numberOfClusters="2">
  <MiningSchema><MiningField name="a"/><MiningField name="b"/></MiningSchema>
  <ComparisonMeasure kind="distance"><MEASURE/></ComparisonMeasure>
  <ClusteringField field="a" compareFunction="absDiff"/>
  <ClusteringField field="b" compareFunction="absDiff"/>
  <Cluster id="1" size="3"><Array n="2" type="real">0 0</Array></Cluster>
  <Cluster id="2" size="5"><Array n="2" type="real">10 10</Array></Cluster>
 </ClusteringModel>
</PMML>`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// damagedModel copies the bundled RDD-format k-means model and damages its
// first Parquet part: "truncate" cuts it in half, "lfs" replaces it by a Git
// LFS pointer.
func damagedModel(t *testing.T, how string) string {
	t.Helper()
	src := "../../testdata/spark/mllib-kmeans-rdd/model4"
	dst := filepath.Join(t.TempDir(), "model4")
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), "part-00000") && strings.HasSuffix(d.Name(), ".parquet") {
			if how == "truncate" {
				b = b[:len(b)/2]
			} else {
				b = []byte("version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 1234\n")
			}
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestImportBadInput(t *testing.T) {
	db := sqltest.Open(t).DB()
	empty := t.TempDir()
	lfs := writeFile(t, "model.pmml", "version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n")
	notModel := writeFile(t, "notes.txt", "hello")
	manhattan := writeFile(t, "m.pmml", strings.Replace(irisPMML, "<MEASURE/>", "<cityBlock/>", 1))
	categorical := writeFile(t, "c.pmml", strings.Replace(strings.Replace(irisPMML, "<MEASURE/>", "<squaredEuclidean/>", 1),
		`name="b" optype="continuous" dataType="double"`, `name="b" optype="categorical" dataType="string"`, 1))
	truncated, pointer := damagedModel(t, "truncate"), damagedModel(t, "lfs")
	for _, c := range []struct {
		name, path, options string
		want                []string
	}{
		{"truncated Parquet", truncated, "", []string{"part-00000"}},
		{"LFS pointer in a model", pointer, "", []string{"LFS", "git lfs pull"}},
		{"missing path", filepath.Join(empty, "nope"), "", []string{"nothing at", "nope"}},
		{"not a Spark dir", empty, "", []string{"metadata"}},
		{"LFS pointer", lfs, "", []string{"Git LFS pointer", "git lfs pull"}},
		{"not a model file", notModel, "", []string{"neither a PMML file nor a Spark model directory"}},
		{"non-Euclidean PMML", manhattan, "", []string{"cityBlock"}},
		{"categorical PMML", categorical, "", []string{`"b"`, "categorical"}},
		{"bad options", manhattan, `{"vocab": 1}`, []string{"vocab"}},
		{"features for PMML count", writeFile(t, "ok.pmml", strings.Replace(irisPMML, "<MEASURE/>", "<euclidean/>", 1)), `{"features": ["x"]}`, []string{"features", "2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if c.options == "" {
				err = sqltest.QueryErr(db, `SELECT ml_import('m', ?)`, c.path)
			} else {
				err = sqltest.QueryErr(db, `SELECT ml_import('m', ?, ?)`, c.path, c.options)
			}
			sqltest.WantErr(t, err, "ml_import:", c.want...)
		})
	}
	if n := sqltest.One[int64](t, db, `SELECT count(*) FROM sqlite_schema WHERE name = 'ml_models'`); n != 0 {
		t.Errorf("failed imports created the catalog")
	}
}

// TestImportUnsupportedClass names the class and the supported ones.
func TestImportUnsupportedClass(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "metadata"), 0o755); err != nil {
		t.Fatal(err)
	}
	meta := `{"class":"org.apache.spark.ml.classification.LogisticRegressionModel","timestamp":1,"sparkVersion":"3.5.0","uid":"lr_1","paramMap":{},"defaultParamMap":{}}`
	if err := os.WriteFile(filepath.Join(dir, "metadata", "part-00000"), []byte(meta+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	db := sqltest.Open(t).DB()
	sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT ml_import('m', ?)`, dir), "ml_import:",
		"LogisticRegressionModel", "org.apache.spark.ml.clustering.KMeansModel", "org.apache.spark.ml.recommendation.ALSModel")
}

// TestImportReplacesAtomically imports over a trained model: the new one
// replaces it with all its rows; a failed import leaves it as it was.
func TestImportReplacesAtomically(t *testing.T) {
	db := sqltest.Open(t, `CREATE TABLE pts(id INTEGER PRIMARY KEY, a REAL, b REAL)`,
		`INSERT INTO pts VALUES (1, 0, 0), (2, 0, 1), (3, 10, 10), (4, 11, 10), (5, 5, 5)`).DB()
	sqltest.One[string](t, db, `SELECT kmeans_train('m', 'pts', '{"k": 2}')`)
	before := sqltest.Table(t, db, `SELECT * FROM ml_models`) + sqltest.Table(t, db, `SELECT * FROM ml_kmeans_centroids`)
	bad := writeFile(t, "bad.pmml", strings.Replace(irisPMML, "<MEASURE/>", "<chebychev/>", 1))
	sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT ml_import('m', ?)`, bad), "ml_import:", "chebychev")
	if after := sqltest.Table(t, db, `SELECT * FROM ml_models`) + sqltest.Table(t, db, `SELECT * FROM ml_kmeans_centroids`); after != before {
		t.Errorf("a failed import changed the model")
	}
	good := writeFile(t, "good.pmml", strings.Replace(irisPMML, "<MEASURE/>", "<squaredEuclidean/>", 1))
	sqltest.One[string](t, db, `SELECT ml_import('m', ?)`, good)
	if got := sqltest.Table(t, db, `SELECT version, kind, substr(source, 1, 9) FROM ml_models`); got != "2|kmeans|pmml 4.3:\n" {
		t.Errorf("after the import: %s", got)
	}
	if got := sqltest.Table(t, db, `SELECT count(*) FROM ml_kmeans_assignments WHERE model = 'm'`); got != "0\n" {
		t.Errorf("the trained model's assignments remain: %s", got)
	}
	if got := sqltest.Table(t, db, `SELECT cluster, source_cluster, feature, value FROM ml_kmeans_centroids ORDER BY 1, 3`); got != "1|2|a|10\n1|2|b|10\n2|1|a|0\n2|1|b|0\n" {
		t.Errorf("centroids:\n%s", got)
	}
	if got := sqltest.One[int64](t, db, `SELECT kmeans_assign('m', 9, 9)`); got != 1 {
		t.Errorf("assign after the import: %d", got)
	}
}

// TestImportNeedsWrite: importing writes the database, so a read-only
// connection refuses before reading any file; and SQLite refuses both
// functions in a view or trigger.
func TestImportNeedsWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "db.sqlite")
	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	sqltest.Exec(t, e.DB(), `CREATE TABLE t(x)`)
	sqltest.Exec(t, e.DB(), `CREATE VIEW v AS SELECT ml_import('m', 'x') AS s`)
	sqltest.Exec(t, e.DB(), `CREATE VIEW w AS SELECT ml_export('m', 'x') AS s`)
	for _, v := range []string{"v", "w"} {
		err := sqltest.QueryErr(e.DB(), `SELECT * FROM `+v)
		if err == nil || !strings.Contains(err.Error(), "unsafe use of ml_") {
			t.Errorf("view %s: %v", v, err)
		}
	}
	e.Close()
	ro, err := engine.Open(path, &engine.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	good := writeFile(t, "good.pmml", strings.Replace(irisPMML, "<MEASURE/>", "<squaredEuclidean/>", 1))
	sqltest.WantErr(t, sqltest.QueryErr(ro.DB(), `SELECT ml_import('m', ?)`, good), "ml_import:", "read-only")
}

// TestNoFileAccess: a host that switched file access off gets a clear
// error from both functions.
func TestNoFileAccess(t *testing.T) {
	e, err := engine.Open(":memory:", &engine.Options{NoFileAccess: true})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	good := writeFile(t, "good.pmml", strings.Replace(irisPMML, "<MEASURE/>", "<squaredEuclidean/>", 1))
	sqltest.WantErr(t, sqltest.QueryErr(e.DB(), `SELECT ml_import('m', ?)`, good), "ml_import:", "switched off")
	sqltest.WantErr(t, sqltest.QueryErr(e.DB(), `SELECT ml_export('m', ?)`, good+".out"), "ml_export:", "switched off")
	if _, err := e.Import(t.Context(), "m", good, nil); err == nil || !strings.Contains(err.Error(), "switched off") {
		t.Errorf("Import: %v", err)
	}
}

func TestExportBadInput(t *testing.T) {
	db := sqltest.Open(t, `CREATE TABLE pts(id INTEGER PRIMARY KEY, a REAL, b REAL)`,
		`INSERT INTO pts VALUES (1, 0, 0), (2, 0, 1), (3, 10, 10), (4, 11, 10), (5, 5, 5)`,
		`CREATE TABLE r(u TEXT, i INTEGER)`, `INSERT INTO r VALUES ('ann', 1), ('bob', 2), ('ann', 2)`).DB()
	sqltest.One[string](t, db, `SELECT kmeans_train('m', 'pts', '{"k": 2}')`)
	sqltest.One[string](t, db, `SELECT recommend_train('pop', 'r', '{"method": "popular"}')`)
	sqltest.One[string](t, db, `SELECT recommend_train('als', 'r', '{"method": "als", "factors": 2}')`)
	exists := writeFile(t, "m.pmml", "keep me")
	for _, c := range []struct {
		name, model, path string
		want              []string
	}{
		{"exists", "m", exists, []string{"already exists", "overwrite"}},
		{"no model", "nope", exists + "2", []string{"nope"}},
		{"not ALS", "pop", filepath.Join(t.TempDir(), "x"), []string{"ALS"}},
		{"text keys", "als", filepath.Join(t.TempDir(), "x"), []string{"ann", "integer"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			sqltest.WantErr(t, sqltest.QueryErr(db, `SELECT ml_export(?, ?)`, c.model, c.path), "ml_export:", c.want...)
		})
	}
	if b, _ := os.ReadFile(exists); string(b) != "keep me" {
		t.Errorf("an existing file was changed")
	}
	sqltest.One[string](t, db, `SELECT ml_export('m', ?, '{"overwrite": true}')`, exists)
	if b, _ := os.ReadFile(exists); !strings.Contains(string(b), "<PMML") {
		t.Errorf("overwrite did not write PMML")
	}
}

// TestALSExportRoundTrip writes an ALS model trained here as a Spark
// ALSModel and imports it back: every user gets the same ranking (the
// trained model with include_seen, since the import knows no seen items).
func TestALSExportRoundTrip(t *testing.T) {
	db := sqltest.Open(t, `CREATE TABLE r(u INTEGER, i INTEGER, w REAL)`,
		`WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 2999)
		 INSERT INTO r SELECT (n * 7919) % 200 + 1, (n * 104729) % 150 + 1000, 1 + n % 3 FROM s`).DB()
	sqltest.One[string](t, db, `SELECT recommend_train('als', 'r', '{"method": "als", "factors": 8}')`)
	dir := filepath.Join(t.TempDir(), "als")
	summary := sqltest.One[string](t, db, `SELECT ml_export('als', ?)`, dir)
	if !strings.Contains(summary, `"class":"org.apache.spark.ml.recommendation.ALSModel"`) {
		t.Errorf("summary: %s", summary)
	}
	sqltest.One[string](t, db, `SELECT ml_import('back', ?)`, dir)
	q := `SELECT u.u, r.item, round(r.score, 5) FROM (SELECT DISTINCT u FROM r) u, recommend(?, u.u, 10, ?) r ORDER BY u.u, r.rank`
	want := sqltest.Table(t, db, q, "als", `{"include_seen": true}`)
	if got := sqltest.Table(t, db, q, "back", `{}`); got != want {
		t.Errorf("the re-imported model ranks differently")
	}
	if got := sqltest.Table(t, db, `SELECT json_extract(options, '$.userCol'), json_extract(options, '$.rank') FROM ml_models WHERE name = 'back'`); got != "u|8\n" {
		t.Errorf("options: %s", got)
	}
}
