package spark

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"
)

// valueKind is the Go type a column is read into.
type valueKind int

const (
	kindInt     valueKind = iota // int32 or int64 -> int64
	kindFloat64                  // double, float, int32 or int64 -> float64
	kindFloat32                  // float or double -> float32
	kindString                   // binary -> string
	kindBool                     // boolean
)

func (k valueKind) String() string {
	return [...]string{"integer", "floating-point", "floating-point", "string", "boolean"}[k]
}

// colSpec asks for one leaf column: path is its field path without the
// list's inner names (clusterCenter.values finds clusterCenter.values.list.element).
type colSpec struct {
	path     string
	kind     valueKind
	optional bool // a missing column is not an error
}

// column holds one leaf column of a table, concatenated over every file and
// row group. A scalar column has one slot per row; a list column has
// start[r]:start[r+1] of the value slices for row r.
type column struct {
	name    string
	missing bool
	list    bool
	// def[r] is the definition level of row r's first slot; with nullDef it
	// tells a null (def < nullDef) from a present row.
	def     []uint8
	nullDef uint8
	start   []int // list columns: len rows+1
	i64     []int64
	f64     []float64
	f32     []float32
	str     []string
	b       []bool
}

// null reports whether row r is null (for a list: the list itself or a parent
// struct is null, as opposed to an empty list).
func (c *column) null(r int) bool { return c.missing || c.def[r] < c.nullDef }

// span returns the value range of list row r.
func (c *column) span(r int) (int, int) { return c.start[r], c.start[r+1] }

// table is the columns asked for, over all part files of a directory.
type table struct {
	dir  string
	rows int
	cols map[string]*column
}

func (t *table) col(path string) *column { return t.cols[path] }

// partFiles lists the Parquet part files of dir, sorted by name.
func partFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s is missing; the saved model is incomplete", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot list %s: %w", dir, unwrapPathError(err))
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "part-") && !strings.HasSuffix(n, ".crc") && !e.IsDir() {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s has no Parquet part files (part-*); the saved model is incomplete", dir)
	}
	sort.Strings(names)
	for i, n := range names {
		names[i] = join(dir, n)
	}
	return names, nil
}

// readTable reads the columns specs of every Parquet part file in dir.
func (r *reader) readTable(dir string, specs []colSpec) (*table, error) {
	files, err := partFiles(dir)
	if err != nil {
		return nil, err
	}
	t := &table{dir: dir, cols: make(map[string]*column, len(specs))}
	for _, s := range specs {
		t.cols[s.path] = &column{name: s.path}
	}
	for _, file := range files {
		if err := r.poll(); err != nil {
			return nil, err
		}
		if err := r.readFile(t, file, specs); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// openParquet opens the Parquet file at path, read whole into memory, and
// checks that its structure cannot make the decoder allocate without bound.
func openParquet(path string) (*parquet.File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPathError(err))
	}
	if bytes.HasPrefix(b, []byte(lfsMagic)) {
		return nil, fmt.Errorf("%s is a Git LFS pointer, not the Parquet file itself; run `git lfs pull` in its repository", path)
	}
	if len(b) < 12 || string(b[:4]) != "PAR1" || string(b[len(b)-4:]) != "PAR1" {
		return nil, fmt.Errorf("%s is not a Parquet file or is truncated (it does not start and end with PAR1)", path)
	}
	f, err := openParquetBytes(b)
	if err != nil {
		return nil, fmt.Errorf("%s is damaged: %v", path, err)
	}
	return f, nil
}

func openParquetBytes(b []byte) (f *parquet.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("%v", r)
		}
	}()
	f, err = parquet.OpenFile(bytes.NewReader(b), int64(len(b)),
		parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return nil, err
	}
	if err := checkChunks(f, b); err != nil {
		return nil, err
	}
	return f, nil
}

// checkChunks walks the page headers of every column chunk and rejects sizes
// and counts that do not fit the file, before the decoder trusts them.
func checkChunks(f *parquet.File, b []byte) error {
	size := int64(len(b))
	md := f.Metadata()
	if md.NumRows < 0 {
		return errors.New("negative row count")
	}
	for g, rg := range md.RowGroups {
		if rg.NumRows < 0 || rg.NumRows > md.NumRows {
			return fmt.Errorf("row group %d has %d rows", g, rg.NumRows)
		}
		for _, cc := range rg.Columns {
			cm := &cc.MetaData
			name := strings.Join(cm.PathInSchema, ".")
			start := cm.DataPageOffset
			if cm.DictionaryPageOffset > 0 && cm.DictionaryPageOffset < start {
				start = cm.DictionaryPageOffset
			}
			end := start + cm.TotalCompressedSize
			if start < 4 || cm.TotalCompressedSize < 0 || end > size || end < start {
				return fmt.Errorf("column %s: its data lies outside the file", name)
			}
			if cm.NumValues < 0 || cm.TotalUncompressedSize < 0 {
				return fmt.Errorf("column %s: negative sizes", name)
			}
			if err := checkPages(b[start:end], cm); err != nil {
				return fmt.Errorf("column %s: %v", name, err)
			}
		}
	}
	return nil
}

// maxPageValues bounds the values one page may declare.
const maxPageValues = 1 << 28

func checkPages(chunk []byte, cm *format.ColumnMetaData) error {
	var values int64
	for off := 0; off < len(chunk); {
		rd := bytes.NewReader(chunk[off:])
		var h format.PageHeader
		if err := thrift.NewDecoder(new(thrift.CompactProtocol).NewReader(rd)).Decode(&h); err != nil {
			return fmt.Errorf("page header at offset %d: %v", off, err)
		}
		hlen := len(chunk) - off - rd.Len()
		if h.CompressedPageSize < 0 || h.UncompressedPageSize < 0 || int64(h.CompressedPageSize) > int64(rd.Len()) {
			return fmt.Errorf("page at offset %d claims %d bytes, more than the column holds", off, h.CompressedPageSize)
		}
		if cm.TotalUncompressedSize > 0 && int64(h.UncompressedPageSize) > cm.TotalUncompressedSize {
			return fmt.Errorf("page at offset %d claims %d uncompressed bytes, more than the column's %d", off, h.UncompressedPageSize, cm.TotalUncompressedSize)
		}
		data := chunk[off+hlen : off+hlen+int(h.CompressedPageSize)]
		var n int64
		switch h.Type {
		case format.DataPage:
			n = int64(h.DataPageHeader.V.NumValues)
		case format.DataPageV2:
			v2 := &h.DataPageHeaderV2.V
			n = int64(v2.NumValues)
			levels := int64(v2.RepetitionLevelsByteLength) + int64(v2.DefinitionLevelsByteLength)
			if v2.RepetitionLevelsByteLength < 0 || v2.DefinitionLevelsByteLength < 0 || levels > int64(len(data)) {
				return fmt.Errorf("page at offset %d has bad level lengths", off)
			}
			if h.DataPageHeaderV2.V.IsCompressed.Valid && !h.DataPageHeaderV2.V.IsCompressed.V {
				data = nil
			} else {
				data = data[levels:]
			}
		case format.DictionaryPage:
			n = int64(h.DictionaryPageHeader.V.NumValues)
		}
		if n < 0 || n > maxPageValues || (cm.NumValues > 0 && n > cm.NumValues && h.Type != format.DictionaryPage) {
			return fmt.Errorf("page at offset %d claims %d values", off, n)
		}
		if h.Type != format.DictionaryPage {
			values += n
		}
		if cm.Codec == format.Snappy && len(data) > 0 && (h.Type == format.DataPage || h.Type == format.DataPageV2 || h.Type == format.DictionaryPage) {
			// A snappy block starts with its decoded length.
			dlen, k := uvarint(data)
			if k <= 0 || dlen > uint64(h.UncompressedPageSize) {
				return fmt.Errorf("page at offset %d: compressed data does not match its header", off)
			}
		}
		off += hlen + int(h.CompressedPageSize)
	}
	if values != cm.NumValues {
		return fmt.Errorf("pages hold %d values, the column says %d", values, cm.NumValues)
	}
	return nil
}

func uvarint(b []byte) (uint64, int) {
	var x uint64
	var s uint
	for i, c := range b {
		if i == 10 {
			return 0, -1
		}
		if c < 0x80 {
			return x | uint64(c)<<s, i + 1
		}
		x |= uint64(c&0x7f) << s
		s += 7
	}
	return 0, 0
}

// readFile appends the columns of one Parquet file to t.
func (r *reader) readFile(t *table, path string, specs []colSpec) (err error) {
	f, err := openParquet(path)
	if err != nil {
		return err
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s is damaged: %v", path, p)
		}
	}()
	nrows := f.NumRows()
	schema := f.Schema()
	for _, s := range specs {
		c := t.cols[s.path]
		leaf, ok := findLeaf(schema, s.path)
		if !ok {
			if s.optional {
				c.missing = true
				continue
			}
			return fmt.Errorf("%s has no column %q (its columns: %s); it is not the data of the model its metadata names",
				path, s.path, strings.Join(columnNames(schema), ", "))
		}
		if err := checkKind(leaf, s.kind); err != nil {
			return fmt.Errorf("%s: column %q %v", path, s.path, err)
		}
		before := len(c.def)
		if err := r.readColumn(f, leaf, c, s.kind); err != nil {
			if errors.Is(err, errCheck) {
				return errors.Unwrap(err)
			}
			return fmt.Errorf("%s is damaged: column %q: %v", path, s.path, err)
		}
		if got := int64(len(c.def) - before); got != nrows {
			return fmt.Errorf("%s is damaged: column %q has %d rows, the file %d", path, s.path, got, nrows)
		}
	}
	t.rows += int(nrows)
	return nil
}

// findLeaf finds the leaf column under the dotted field path, looking
// through the inner names of a list (list.element, bag.array, ...).
func findLeaf(schema *parquet.Schema, path string) (parquet.LeafColumn, bool) {
	want := strings.Split(path, ".")
	var found []string
	n := 0
	for _, cp := range schema.Columns() {
		if len(cp) >= len(want) && equalPaths(cp[:len(want)], want) {
			found = cp
			n++
		}
	}
	if n != 1 {
		return parquet.LeafColumn{}, false
	}
	leaf, ok := schema.Lookup(found...)
	leaf.Path = found
	return leaf, ok
}

func equalPaths(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func columnNames(schema *parquet.Schema) []string {
	var names []string
	for _, cp := range schema.Columns() {
		names = append(names, strings.Join(cp, "."))
	}
	return names
}

func checkKind(leaf parquet.LeafColumn, want valueKind) error {
	if leaf.MaxRepetitionLevel > 1 {
		return errors.New("is a nested list; expected a value or a list of values")
	}
	got := leaf.Node.Type().Kind()
	ok := false
	switch want {
	case kindInt:
		ok = got == parquet.Int32 || got == parquet.Int64
	case kindFloat64:
		ok = got == parquet.Double || got == parquet.Float || got == parquet.Int32 || got == parquet.Int64
	case kindFloat32:
		ok = got == parquet.Float || got == parquet.Double
	case kindString:
		ok = got == parquet.ByteArray || got == parquet.FixedLenByteArray
	case kindBool:
		ok = got == parquet.Boolean
	}
	if !ok {
		return fmt.Errorf("holds %s values, expected %s values", got, want)
	}
	return nil
}

// errCheck marks an error returned by ReadOptions.Check.
var errCheck = errors.New("check")

type checkError struct{ err error }

func (e checkError) Error() string        { return e.err.Error() }
func (e checkError) Unwrap() error        { return e.err }
func (e checkError) Is(target error) bool { return target == errCheck }

// levelsOf returns the definition levels of a leaf column's nodes: nullDef
// (the level below which a row is null) and, for a list, the level at which
// an element is present.
func levelsOf(schema *parquet.Schema, leaf parquet.LeafColumn) (nullDef uint8, list bool) {
	var node parquet.Node = schema
	def := 0
	for _, name := range leaf.Path {
		var next parquet.Node
		for _, f := range node.Fields() {
			if f.Name() == name {
				next = f
				break
			}
		}
		if next == nil {
			break
		}
		node = next
		if node.Repeated() {
			// The row is a (possibly empty) list once every level above
			// the repeated node is defined.
			return uint8(def), true
		}
		if node.Optional() {
			def++
		}
	}
	return uint8(leaf.MaxDefinitionLevel), false
}

// readColumn appends the values of one leaf column of f to c.
func (r *reader) readColumn(f *parquet.File, leaf parquet.LeafColumn, c *column, kind valueKind) error {
	nullDef, list := levelsOf(f.Schema(), leaf)
	c.nullDef, c.list = nullDef, list
	if list && c.start == nil {
		c.start = []int{0}
	}
	maxDef := uint8(leaf.MaxDefinitionLevel)
	if r.buf == nil {
		r.buf = make([]parquet.Value, 4096)
	}
	buf := r.buf
	for _, rg := range f.RowGroups() {
		chunks := rg.ColumnChunks()
		if leaf.ColumnIndex >= len(chunks) {
			return errors.New("row group lacks the column")
		}
		c.grow(kind, int(min(chunks[leaf.ColumnIndex].NumValues(), 1<<22)), int(min(rg.NumRows(), 1<<22)))
		vr := parquet.NewColumnChunkValueReader(chunks[leaf.ColumnIndex])
		err := func() error {
			defer vr.Close()
			for {
				n, err := vr.ReadValues(buf)
				for _, v := range buf[:n] {
					rep, def := v.RepetitionLevel(), uint8(v.DefinitionLevel())
					if rep == 0 {
						c.def = append(c.def, def)
						if list {
							c.start = append(c.start, c.start[len(c.start)-1])
						}
					} else if !list {
						return errors.New("repeated values in a scalar column")
					}
					if list && def < nullDef+1 {
						continue // a null or empty list: no element
					}
					if def < maxDef {
						if list {
							return fmt.Errorf("row %d has a null element", len(c.def)-1)
						}
						c.appendZero(kind)
						continue
					}
					if err := c.appendValue(v, kind); err != nil {
						return err
					}
					if list {
						c.start[len(c.start)-1]++
					}
				}
				if err == io.EOF {
					return nil
				}
				if err != nil {
					return err
				}
				if cerr := r.poll(); cerr != nil {
					return checkError{cerr}
				}
			}
		}()
		if err != nil {
			return err
		}
	}
	return nil
}

// grow makes room for n more values in rows more rows.
func (c *column) grow(kind valueKind, n, rows int) {
	c.def = slices.Grow(c.def, rows)
	if c.list {
		c.start = slices.Grow(c.start, rows)
	}
	switch kind {
	case kindInt:
		c.i64 = slices.Grow(c.i64, n)
	case kindFloat64:
		c.f64 = slices.Grow(c.f64, n)
	case kindFloat32:
		c.f32 = slices.Grow(c.f32, n)
	}
}

func (c *column) appendZero(kind valueKind) {
	switch kind {
	case kindInt:
		c.i64 = append(c.i64, 0)
	case kindFloat64:
		c.f64 = append(c.f64, 0)
	case kindFloat32:
		c.f32 = append(c.f32, 0)
	case kindString:
		c.str = append(c.str, "")
	case kindBool:
		c.b = append(c.b, false)
	}
}

func (c *column) appendValue(v parquet.Value, kind valueKind) error {
	switch kind {
	case kindInt:
		switch v.Kind() {
		case parquet.Int32:
			c.i64 = append(c.i64, int64(v.Int32()))
		case parquet.Int64:
			c.i64 = append(c.i64, v.Int64())
		default:
			return fmt.Errorf("value of type %s", v.Kind())
		}
	case kindFloat64:
		switch v.Kind() {
		case parquet.Double:
			c.f64 = append(c.f64, v.Double())
		case parquet.Float:
			c.f64 = append(c.f64, float64(v.Float()))
		case parquet.Int32:
			c.f64 = append(c.f64, float64(v.Int32()))
		case parquet.Int64:
			c.f64 = append(c.f64, float64(v.Int64()))
		default:
			return fmt.Errorf("value of type %s", v.Kind())
		}
	case kindFloat32:
		switch v.Kind() {
		case parquet.Float:
			c.f32 = append(c.f32, v.Float())
		case parquet.Double:
			c.f32 = append(c.f32, float32(v.Double()))
		default:
			return fmt.Errorf("value of type %s", v.Kind())
		}
	case kindString:
		switch v.Kind() {
		case parquet.ByteArray, parquet.FixedLenByteArray:
			c.str = append(c.str, string(v.ByteArray()))
		default:
			return fmt.Errorf("value of type %s", v.Kind())
		}
	case kindBool:
		if v.Kind() != parquet.Boolean {
			return fmt.Errorf("value of type %s", v.Kind())
		}
		c.b = append(c.b, v.Boolean())
	}
	return nil
}

// scalarInt returns row r of an integer scalar column; ok is false for null.
func (c *column) scalarInt(r int) (int64, bool) {
	if c.null(r) {
		return 0, false
	}
	return c.i64[r], true
}

// scalarFloat returns row r of a float scalar column; ok is false for null.
func (c *column) scalarFloat(r int) (float64, bool) {
	if c.null(r) {
		return 0, false
	}
	return c.f64[r], true
}

// finite reports whether x is neither NaN nor infinite.
func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
