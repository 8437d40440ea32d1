package spark

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/encoding"
	"github.com/parquet-go/parquet-go/format"
)

// ALSMeta is the metadata WriteALS records.
type ALSMeta struct {
	UID          string         // "" -> "ALS_" + 12 hex digits
	SparkVersion string         // "" -> "3.5.0"
	ParamMap     map[string]any // written as paramMap; defaultParamMap gets Spark's ALSModel defaults
	Timestamp    int64          // ms since epoch
}

// alsDefaultParams are the defaultParamMap Spark 3.x writes for an ALSModel.
func alsDefaultParams() map[string]any {
	return map[string]any{
		"blockSize":         4096,
		"coldStartStrategy": "nan",
		"itemCol":           "item",
		"predictionCol":     "prediction",
		"userCol":           "user",
	}
}

// alsRowMetadata is the Spark SQL schema Spark keeps in a factor file's
// key-value metadata.
const alsRowMetadata = `{"type":"struct","fields":[{"name":"id","type":"integer","nullable":false,"metadata":{}},{"name":"features","type":{"type":"array","elementType":"float","containsNull":false},"nullable":true,"metadata":{}}]}`

// WriteALS writes a as a Spark ALSModel directory at path, which must not
// exist. It writes into a sibling temporary directory and renames it, so a
// failure leaves nothing at path. The layout is Spark's: metadata/part-00000
// (one JSON line with class, timestamp, sparkVersion, uid, paramMap,
// defaultParamMap, rank), metadata/_SUCCESS, and userFactors/ and
// itemFactors/ each with one part-00000-<uuid>-c000.snappy.parquet (id int32,
// features array<float>) and _SUCCESS.
func WriteALS(path string, a *ALS, meta ALSMeta) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot write %s: %v", path, r)
		}
	}()
	if err := checkALS(a); err != nil {
		return err
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists; give a new directory (Spark's save() refuses to overwrite too)", path)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("cannot use %s: %w", path, unwrapPathError(err))
	}
	parent := filepath.Dir(path)
	if st, err := os.Stat(parent); err != nil || !st.IsDir() {
		return fmt.Errorf("cannot write %s: its parent directory %s does not exist", path, parent)
	}
	line, err := alsMetadataLine(a, meta)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrapPathError(err))
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	if err := writeALSDir(tmp, a, line, meta.SparkVersion); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrapPathError(err))
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrapPathError(err))
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("%s already exists; give a new directory", path)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("cannot write %s: %w", path, unwrapPathError(err))
	}
	return nil
}

// checkALS validates a before anything is written.
func checkALS(a *ALS) error {
	if a == nil {
		return errors.New("no ALS model to write")
	}
	if a.Rank <= 0 {
		return fmt.Errorf("ALS rank must be positive, got %d", a.Rank)
	}
	for _, s := range []struct {
		what    string
		ids     []int32
		factors []float32
	}{{"user", a.UserIDs, a.UserFactors}, {"item", a.ItemIDs, a.ItemFactors}} {
		if len(s.factors) != len(s.ids)*a.Rank {
			return fmt.Errorf("ALS has %d %s ids and %d %s factors; expected ids x rank = %d", len(s.ids), s.what, len(s.factors), s.what, len(s.ids)*a.Rank)
		}
		for i := 1; i < len(s.ids); i++ {
			if s.ids[i] <= s.ids[i-1] {
				return fmt.Errorf("ALS %s ids must be ascending and distinct; %d follows %d", s.what, s.ids[i], s.ids[i-1])
			}
		}
		for i, v := range s.factors {
			if !finite(float64(v)) {
				return fmt.Errorf("factor %d of ALS %s %d is %v; every factor must be finite", i%a.Rank, s.what, s.ids[i/a.Rank], v)
			}
		}
	}
	return nil
}

// alsMetadataLine renders the metadata JSON line, fields in Spark's order.
func alsMetadataLine(a *ALS, meta ALSMeta) ([]byte, error) {
	uid := meta.UID
	if uid == "" {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, fmt.Errorf("cannot make a uid: %w", err)
		}
		uid = "ALS_" + hex.EncodeToString(b[:])
	}
	version := meta.SparkVersion
	if version == "" {
		version = "3.5.0"
	}
	params := meta.ParamMap
	if params == nil {
		params = map[string]any{}
	}
	line := struct {
		Class           string         `json:"class"`
		Timestamp       int64          `json:"timestamp"`
		SparkVersion    string         `json:"sparkVersion"`
		UID             string         `json:"uid"`
		ParamMap        map[string]any `json:"paramMap"`
		DefaultParamMap map[string]any `json:"defaultParamMap"`
		Rank            int            `json:"rank"`
	}{ClassALS, meta.Timestamp, version, uid, params, alsDefaultParams(), a.Rank}
	b, err := json.Marshal(line)
	if err != nil {
		return nil, fmt.Errorf("cannot write the ALS metadata: %v", err)
	}
	return b, nil
}

func writeALSDir(dir string, a *ALS, line []byte, version string) error {
	if version == "" {
		version = "3.5.0"
	}
	md := filepath.Join(dir, "metadata")
	if err := os.Mkdir(md, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(md, "part-00000"), append(line, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(md, "_SUCCESS"), nil, 0o644); err != nil {
		return err
	}
	for _, f := range []struct {
		name    string
		ids     []int32
		factors []float32
	}{{"userFactors", a.UserIDs, a.UserFactors}, {"itemFactors", a.ItemIDs, a.ItemFactors}} {
		sub := filepath.Join(dir, f.name)
		if err := os.Mkdir(sub, 0o755); err != nil {
			return err
		}
		id, err := uuid()
		if err != nil {
			return err
		}
		name := filepath.Join(sub, "part-00000-"+id+"-c000.snappy.parquet")
		if err := writeFactorFile(name, f.ids, f.factors, a.Rank, version); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(sub, "_SUCCESS"), nil, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// uuid returns a random version-4 UUID, as Spark puts in part file names.
func uuid() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

// Spark's factor schema:
//
//	message spark_schema {
//	  required int32 id;
//	  optional group features (LIST) {
//	    repeated group list {
//	      required float element;
//	    }
//	  }
//	}
//
// parquet-go's own int32 carries an INT(32) annotation and a type length, and
// its lists a LIST logical type, that Spark's files (parquet-mr) do not;
// plainType and convertedList drop them so the schema is the same element for
// element.
var factorSchema = parquet.NewSchema("spark_schema", orderedGroup{
	field{"id", parquet.Leaf(plainType{parquet.Int32Type})},
	field{"features", parquet.Optional(convertedList{parquet.List(parquet.Leaf(plainType{parquet.FloatType}))})},
})

// convertedList is a LIST group annotated the way Spark's ALS files are: with
// the converted type LIST and no logical type.
type convertedList struct{ parquet.Node }

func (n convertedList) Type() parquet.Type { return convertedListType{n.Node.Type()} }

type convertedListType struct{ parquet.Type }

func (convertedListType) LogicalType() *format.LogicalType { return nil }

// plainType is a physical type without a logical type annotation.
type plainType struct{ parquet.Type }

func (plainType) Length() int                              { return 0 }
func (plainType) LogicalType() *format.LogicalType         { return nil }
func (plainType) ConvertedType() *deprecated.ConvertedType { return nil }

// orderedGroup is a required group whose fields keep their order (a
// parquet.Group sorts them by name).
type orderedGroup []parquet.Field

type field struct {
	name string
	parquet.Node
}

func (f field) Name() string                           { return f.name }
func (f field) Value(base reflect.Value) reflect.Value { return reflect.Value{} }

func (g orderedGroup) ID() int                     { return 0 }
func (g orderedGroup) String() string              { return "spark_schema" }
func (g orderedGroup) Type() parquet.Type          { return parquet.Group{}.Type() }
func (g orderedGroup) Optional() bool              { return false }
func (g orderedGroup) Repeated() bool              { return false }
func (g orderedGroup) Required() bool              { return true }
func (g orderedGroup) Leaf() bool                  { return false }
func (g orderedGroup) Fields() []parquet.Field     { return g }
func (g orderedGroup) Encoding() encoding.Encoding { return nil }
func (g orderedGroup) Compression() compress.Codec { return nil }
func (g orderedGroup) GoType() reflect.Type        { return reflect.TypeOf(map[string]any{}) }

// writeFactorFile writes one factor table as Spark does: one snappy Parquet
// file, data page v1, Spark's schema and key-value metadata.
func writeFactorFile(name string, ids []int32, factors []float32, rank int, version string) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	w := parquet.NewWriter(bw, factorSchema,
		parquet.Compression(&parquet.Snappy),
		parquet.DataPageVersion(1),
		parquet.PageBufferSize(1<<20),
		parquet.KeyValueMetadata("org.apache.spark.version", version),
		parquet.KeyValueMetadata("org.apache.spark.sql.parquet.row.metadata", alsRowMetadata),
	)
	const batch = 1024
	rows := make([]parquet.Row, 0, batch)
	vals := make([]parquet.Value, 0, batch*(rank+1))
	flush := func() error {
		_, err := w.WriteRows(rows)
		rows, vals = rows[:0], vals[:0]
		return err
	}
	for i, id := range ids {
		start := len(vals)
		vals = append(vals, parquet.Int32Value(id).Level(0, 0, 0))
		for j, x := range factors[i*rank : (i+1)*rank] {
			rep := 1
			if j == 0 {
				rep = 0
			}
			vals = append(vals, parquet.FloatValue(x).Level(rep, 2, 1))
		}
		rows = append(rows, parquet.Row(vals[start:len(vals):len(vals)]))
		if len(rows) == batch {
			if err := flush(); err != nil {
				f.Close()
				return err
			}
		}
	}
	if err := flush(); err != nil {
		f.Close()
		return err
	}
	if err := w.Close(); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
