package spark

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// synthALS makes an ALS model of users x items at rank with seeded factors.
func synthALS(users, items, rank int, seed uint64) *ALS {
	r := rand.New(rand.NewPCG(seed, 1))
	a := &ALS{Rank: rank, UserIDs: make([]int32, users), ItemIDs: make([]int32, items)}
	for i := range a.UserIDs {
		a.UserIDs[i] = int32(3*i + 1)
	}
	for i := range a.ItemIDs {
		a.ItemIDs[i] = int32(i * 7)
	}
	a.UserFactors = make([]float32, users*rank)
	a.ItemFactors = make([]float32, items*rank)
	for i := range a.UserFactors {
		a.UserFactors[i] = float32(r.NormFloat64())
	}
	for i := range a.ItemFactors {
		a.ItemFactors[i] = float32(r.NormFloat64())
	}
	return a
}

func equalALS(t *testing.T, got, want *ALS) {
	t.Helper()
	if got.Rank != want.Rank || len(got.UserIDs) != len(want.UserIDs) || len(got.ItemIDs) != len(want.ItemIDs) {
		t.Fatalf("rank %d, %d users, %d items; want %d, %d, %d", got.Rank, len(got.UserIDs), len(got.ItemIDs), want.Rank, len(want.UserIDs), len(want.ItemIDs))
	}
	for i := range want.UserIDs {
		if got.UserIDs[i] != want.UserIDs[i] {
			t.Fatalf("user %d: id %d, want %d", i, got.UserIDs[i], want.UserIDs[i])
		}
	}
	for i := range want.ItemIDs {
		if got.ItemIDs[i] != want.ItemIDs[i] {
			t.Fatalf("item %d: id %d, want %d", i, got.ItemIDs[i], want.ItemIDs[i])
		}
	}
	for i := range want.UserFactors {
		if got.UserFactors[i] != want.UserFactors[i] {
			t.Fatalf("user factor %d: %v, want %v", i, got.UserFactors[i], want.UserFactors[i])
		}
	}
	for i := range want.ItemFactors {
		if got.ItemFactors[i] != want.ItemFactors[i] {
			t.Fatalf("item factor %d: %v, want %v", i, got.ItemFactors[i], want.ItemFactors[i])
		}
	}
}

func TestWriteALSRoundTrip(t *testing.T) {
	t.Parallel()
	a := synthALS(2500, 700, 7, 1)
	path := filepath.Join(t.TempDir(), "als")
	meta := ALSMeta{UID: "ALS_0123456789ab", ParamMap: map[string]any{"userCol": "customer_id", "itemCol": "stock_code"}, Timestamp: 1733200000000}
	if err := WriteALS(path, a, meta); err != nil {
		t.Fatal(err)
	}
	m, err := Read(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equalALS(t, m.ALS, a)
	md := m.Metadata
	if md.Class != ClassALS || md.UID != "ALS_0123456789ab" || md.SparkVersion != "3.5.0" || md.Timestamp != 1733200000000 {
		t.Errorf("metadata %+v", md)
	}
	if md.ParamMap["userCol"] != "customer_id" || md.DefaultParamMap["coldStartStrategy"] != "nan" || md.DefaultParamMap["blockSize"] != json.Number("4096") {
		t.Errorf("params %v / %v", md.ParamMap, md.DefaultParamMap)
	}
	// Spark's field order on the line.
	var keys []string
	dec := json.NewDecoder(bytes.NewReader(md.Line))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	if got := strings.Join(keys, ","); got != "class,timestamp,sparkVersion,uid,paramMap,defaultParamMap,rank" {
		t.Errorf("metadata keys %s", got)
	}
	// The layout, file for file.
	var files []string
	filepath.WalkDir(path, func(p string, d os.DirEntry, err error) error {
		if !d.IsDir() {
			rel, _ := filepath.Rel(path, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	part := `part-00000-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-c000\.snappy\.parquet`
	re := regexp.MustCompile(`^itemFactors/_SUCCESS,itemFactors/` + part + `,metadata/_SUCCESS,metadata/part-00000,userFactors/_SUCCESS,userFactors/` + part + `$`)
	if !re.MatchString(strings.Join(files, ",")) {
		t.Errorf("layout %v", files)
	}
	// No temporary directory is left beside it.
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("parent holds %d entries", len(entries))
	}
}

func TestWriteALSDefaultsAndRereadOfSpark(t *testing.T) {
	t.Parallel()
	m, err := Read(shared(t, "als-spark-3.0-movielens100k"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "als")
	if err := WriteALS(path, m.ALS, ALSMeta{ParamMap: m.Metadata.ParamMap}); err != nil {
		t.Fatal(err)
	}
	back, err := Read(path, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equalALS(t, back.ALS, m.ALS)
	if !regexp.MustCompile(`^ALS_[0-9a-f]{12}$`).MatchString(back.Metadata.UID) {
		t.Errorf("uid %q", back.Metadata.UID)
	}
	if back.Metadata.ParamMap["userCol"] != "userID" {
		t.Errorf("paramMap %v", back.Metadata.ParamMap)
	}
}

// schemaOf returns a Parquet file's schema elements, key-value metadata and
// column codecs.
func schemaOf(t *testing.T, path string) ([]format.SchemaElement, map[string]string, []format.CompressionCodec) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	f, err := parquet.OpenFile(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	md := f.Metadata()
	kv := map[string]string{}
	for _, p := range md.KeyValueMetadata {
		kv[p.Key] = p.Value
	}
	var codecs []format.CompressionCodec
	for _, rg := range md.RowGroups {
		for _, c := range rg.Columns {
			codecs = append(codecs, c.MetaData.Codec)
		}
	}
	return md.Schema, kv, codecs
}

func TestWriteALSSchemaMatchesSpark(t *testing.T) {
	t.Parallel()
	real := shared(t, "als-spark-3.0-movielens100k")
	path := filepath.Join(t.TempDir(), "als")
	if err := WriteALS(path, synthALS(10, 5, 10, 2), ALSMeta{}); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{"userFactors", "itemFactors"} {
		want, wantKV, wantCodecs := schemaOf(t, firstPart(t, filepath.Join(real, sub)))
		got, gotKV, gotCodecs := schemaOf(t, firstPart(t, filepath.Join(path, sub)))
		if len(got) != len(want) {
			t.Fatalf("%s: %d schema elements, Spark's file has %d", sub, len(got), len(want))
		}
		for i := range want {
			// Every field: name, physical type, type length, repetition,
			// children, converted and logical type, field id.
			if g, w := fmt.Sprintf("%+v", got[i]), fmt.Sprintf("%+v", want[i]); g != w {
				t.Errorf("%s: schema element %d\n got %s\nwant %s", sub, i, g, w)
			}
		}
		if fmt.Sprint(gotCodecs) != fmt.Sprint(wantCodecs[:len(gotCodecs)]) || gotCodecs[0] != format.Snappy {
			t.Errorf("%s: codecs %v, Spark's %v", sub, gotCodecs, wantCodecs)
		}
		key := "org.apache.spark.sql.parquet.row.metadata"
		if gotKV[key] != wantKV[key] {
			t.Errorf("%s: %s\n got %s\nwant %s", sub, key, gotKV[key], wantKV[key])
		}
	}
}

func TestWriteALSRefuses(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	existing := filepath.Join(dir, "exists")
	if err := os.Mkdir(existing, 0o755); err != nil {
		t.Fatal(err)
	}
	good := synthALS(3, 2, 2, 3)
	dup := synthALS(3, 2, 2, 3)
	dup.UserIDs[1] = dup.UserIDs[0]
	nan := synthALS(3, 2, 2, 3)
	nan.ItemFactors[3] = float32(nanValue())
	short := synthALS(3, 2, 2, 3)
	short.UserFactors = short.UserFactors[:5]
	for _, tc := range []struct {
		name, path string
		a          *ALS
		want       string
	}{
		{"exists", existing, good, "already exists"},
		{"no parent", filepath.Join(dir, "missing", "als"), good, "parent directory"},
		{"nil", filepath.Join(dir, "a"), nil, "no ALS model"},
		{"rank", filepath.Join(dir, "b"), &ALS{}, "rank must be positive"},
		{"duplicate", filepath.Join(dir, "c"), dup, "ascending and distinct"},
		{"nan", filepath.Join(dir, "d"), nan, "factor 1 of ALS item 7 is NaN"},
		{"short", filepath.Join(dir, "e"), short, "expected ids x rank = 6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := WriteALS(tc.path, tc.a, ALSMeta{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %q", err, tc.want)
			}
			if tc.name != "exists" {
				if _, err := os.Stat(tc.path); !os.IsNotExist(err) {
					t.Errorf("%s exists after a failed write", tc.path)
				}
			}
		})
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("%d entries left in the parent, want only the existing one", len(entries))
	}
}

// BenchmarkWriteALS and BenchmarkReadALS run at three sizes (users x items, rank).
var alsSizes = []struct {
	name               string
	users, items, rank int
}{
	{"1kx500r10", 1000, 500, 10},
	{"10kx2kr20", 10000, 2000, 20},
	{"100kx4kr20", 100000, 4000, 20},
}

func BenchmarkWriteALS(b *testing.B) {
	for _, s := range alsSizes {
		b.Run(s.name, func(b *testing.B) {
			a := synthALS(s.users, s.items, s.rank, 4)
			dir := b.TempDir()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if err := WriteALS(filepath.Join(dir, fmt.Sprint(i)), a, ALSMeta{UID: "ALS_0123456789ab"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkReadALS(b *testing.B) {
	for _, s := range alsSizes {
		b.Run(s.name, func(b *testing.B) {
			path := filepath.Join(b.TempDir(), "als")
			if err := WriteALS(path, synthALS(s.users, s.items, s.rank, 4), ALSMeta{UID: "ALS_0123456789ab"}); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := Read(path, ReadOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
