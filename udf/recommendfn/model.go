package recommendfn

import (
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
	"github.com/seed-a084b42d/marketsql/catalog"
)

// Kind is the ml_models.kind of recommendation models.
const Kind = "recommend"

// payloadVersion is the version of the recommend payload inside the envelope.
const payloadVersion = 1

// format is the envelope of this family's model blobs.
var format = catalog.Format{Kind: Kind, Name: "recommend", Version: payloadVersion}

// Model is a trained recommender with its SQL keys.
type Model struct {
	*recommend.Model
	UserColumn, ItemColumn string
	Users, Items           []any // index → key (int64 or string)
	userIndex, itemIndex   map[any]int32
	scratch                sync.Pool
}

func newModel(m *recommend.Model, userCol, itemCol string, users, items []any) *Model {
	md := &Model{Model: m, UserColumn: userCol, ItemColumn: itemCol, Users: users, Items: items,
		userIndex: make(map[any]int32, len(users)), itemIndex: make(map[any]int32, len(items))}
	for k, u := range users {
		md.userIndex[u] = int32(k)
	}
	for k, i := range items {
		md.itemIndex[i] = int32(k)
	}
	md.scratch.New = func() any { return md.NewScratch() }
	return md
}

// User returns the index of a user key.
func (m *Model) User(key any) (int, bool) { return lookup(m.userIndex, key) }

// Item returns the index of an item key.
func (m *Model) Item(key any) (int, bool) { return lookup(m.itemIndex, key) }

// lookup finds key; when the model has no such key, an integer given as
// text ('17850') finds the INTEGER key and an integer finds the same digits
// stored as TEXT, as SQLite compares a column with INTEGER affinity.
func lookup(index map[any]int32, key any) (int, bool) {
	if i, ok := index[key]; ok {
		return int(i), true
	}
	switch k := key.(type) {
	case string:
		if n, err := strconv.ParseInt(k, 10, 64); err == nil && strconv.FormatInt(n, 10) == k {
			i, ok := index[n]
			return int(i), ok
		}
	case int64:
		i, ok := index[strconv.FormatInt(k, 10)]
		return int(i), ok
	}
	return 0, false
}

func (m *Model) getScratch() *recommend.Scratch  { return m.scratch.Get().(*recommend.Scratch) }
func (m *Model) putScratch(s *recommend.Scratch) { m.scratch.Put(s) }

func float32Bytes(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for k, f := range v {
		binary.LittleEndian.PutUint32(b[4*k:], math.Float32bits(f))
	}
	return b
}

func bytesFloat32(b []byte) []float32 {
	v := make([]float32, len(b)/4)
	for k := range v {
		v[k] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*k:]))
	}
	return v
}

func encodeCSR(e *catalog.Encoder, x *recommend.CSR) {
	e.Uint(uint64(x.Rows))
	e.Uint(uint64(x.Cols))
	for r := 0; r < x.Rows; r++ {
		e.Uint(uint64(x.RowLen(r)))
	}
	binary := true
	for _, v := range x.Data {
		if v != 1 {
			binary = false
			break
		}
	}
	e.Bool(binary)
	for r := 0; r < x.Rows; r++ {
		prev := int32(-1)
		is, _ := x.Row(r)
		for _, i := range is {
			e.Uint(uint64(i - prev - 1)) // gaps: small numbers, short varints
			prev = i
		}
	}
	if !binary {
		for _, v := range x.Data {
			e.Float(v)
		}
	}
}

// decodeCSR reads a matrix written by encodeCSR that must be users×items.
func decodeCSR(d *catalog.Decoder, users, items int) *recommend.CSR {
	rows, cols := d.Len(1), d.Uint()
	if d.Err() != nil || rows != users || cols != uint64(items) {
		d.Len(1 << 62)
		return nil
	}
	x := &recommend.CSR{Rows: rows, Cols: items, Indptr: make([]int, rows+1)}
	for r := 0; r < rows; r++ {
		x.Indptr[r+1] = x.Indptr[r] + d.Len(1)
	}
	nnz := x.Indptr[rows]
	binary := d.Bool()
	if d.Err() != nil || nnz < 0 || nnz > 1<<40 {
		return nil
	}
	x.Indices = make([]int32, 0, min(nnz, 1<<16)) // grows with the bytes actually there
	for r := 0; r < rows && d.Err() == nil; r++ {
		prev := int64(-1)
		for k := x.Indptr[r]; k < x.Indptr[r+1] && d.Err() == nil; k++ {
			i := prev + 1 + int64(d.Uint())
			if i >= int64(items) || i < 0 {
				d.Len(1 << 62)
				return nil
			}
			x.Indices = append(x.Indices, int32(i))
			prev = i
		}
	}
	if d.Err() != nil {
		return nil
	}
	x.Data = make([]float64, nnz)
	ones := true
	for k := range x.Data {
		if binary {
			x.Data[k] = 1
		} else {
			x.Data[k] = d.Float()
			ones = ones && x.Data[k] == 1
		}
	}
	if !binary && ones {
		d.Len(1 << 62) // encodeCSR writes a matrix of ones as binary: not canonical
		return nil
	}
	return x
}

// Encode returns the sealed params blob of m.
func (m *Model) Encode() []byte {
	e := format.Encoder()
	e.Uint(uint64(m.Method))
	e.String(m.UserColumn)
	e.String(m.ItemColumn)
	e.Keys(m.Users)
	e.Keys(m.Items)
	encodeCSR(e, m.Train)
	switch m.Method {
	case recommend.MethodALS:
		e.Float(m.Alpha)
		e.Float(m.Reg)
		e.Uint(uint64(m.Factors.F))
		e.Bytes(float32Bytes(m.Factors.Users))
		e.Bytes(float32Bytes(m.Factors.Items))
	case recommend.MethodItemKNN:
		nb := m.Neighbors
		for i := 0; i+1 < len(nb.Indptr); i++ {
			e.Uint(uint64(nb.Indptr[i+1] - nb.Indptr[i]))
		}
		for _, j := range nb.Items {
			e.Uint(uint64(j))
		}
		e.Floats(nb.Scores)
	case recommend.MethodUserKNN:
		e.Uint(uint64(m.UserK))
	}
	return format.Seal(e)
}

// Decode reads a params blob written by Encode, checking every shape and
// that every number is finite, so a damaged or foreign blob is an error and
// never a panic or a NaN score later. It accepts exactly what Encode
// writes: Encode(Decode(blob)) == blob.
func Decode(blob []byte) (*Model, error) {
	d, err := format.Open(blob)
	if err != nil {
		return nil, err
	}
	rm := &recommend.Model{Method: recommend.Method(d.Uint())}
	userCol, itemCol := d.String(), d.String()
	users := d.Keys()
	items := d.Keys()
	rm.Train = decodeCSR(d, len(users), len(items))
	if d.Err() != nil {
		return nil, d.Err()
	}
	if rm.Train == nil || rm.Train.Rows != len(users) || rm.Train.Cols != len(items) {
		return nil, fmt.Errorf("%w: inconsistent shapes", catalog.ErrDamaged)
	}
	if err := catalog.CheckFinite("training values", rm.Train.Data); err != nil {
		return nil, err
	}
	for _, v := range rm.Train.Data {
		if v < 0 {
			return nil, fmt.Errorf("%w: training values: negative value %g", catalog.ErrDamaged, v)
		}
	}
	ni := len(items)
	switch rm.Method {
	case recommend.MethodALS:
		rm.Alpha, rm.Reg = d.Float(), d.Float()
		f := d.Uint()
		us, is := d.Bytes(), d.Bytes()
		if d.Err() != nil {
			return nil, d.Err()
		}
		if f < 1 || f > 1024 || uint64(len(us)) != 4*f*uint64(len(users)) || uint64(len(is)) != 4*f*uint64(ni) {
			return nil, fmt.Errorf("%w: inconsistent factor shapes", catalog.ErrDamaged)
		}
		rm.Factors = &recommend.Factors{F: int(f), Users: bytesFloat32(us), Items: bytesFloat32(is)}
		if err := catalog.CheckFinite("ALS settings (alpha, regularization)", []float64{rm.Alpha, rm.Reg}); err != nil {
			return nil, err
		}
		if err := catalog.CheckFinite("user factors", rm.Factors.Users); err != nil {
			return nil, err
		}
		if err := catalog.CheckFinite("item factors", rm.Factors.Items); err != nil {
			return nil, err
		}
	case recommend.MethodItemKNN:
		nb := &recommend.Neighbors{Indptr: make([]int, ni+1)}
		for i := 0; i < ni; i++ {
			nb.Indptr[i+1] = nb.Indptr[i] + d.Len(1)
		}
		if d.Err() != nil {
			return nil, d.Err()
		}
		nb.Items = make([]int32, 0, min(nb.Indptr[ni], 1<<16))
		for k := 0; k < nb.Indptr[ni] && d.Err() == nil; k++ {
			j := d.Uint()
			if j >= uint64(ni) {
				return nil, fmt.Errorf("%w: neighbour out of range", catalog.ErrDamaged)
			}
			nb.Items = append(nb.Items, int32(j))
		}
		nb.Scores = d.Floats()
		if d.Err() == nil && len(nb.Scores) != nb.Indptr[ni] {
			return nil, fmt.Errorf("%w: inconsistent neighbour shapes", catalog.ErrDamaged)
		}
		if err := catalog.CheckFinite("item similarities", nb.Scores); err != nil {
			return nil, err
		}
		rm.Neighbors = nb
	case recommend.MethodUserKNN:
		k := d.Uint()
		if k > math.MaxInt32 {
			return nil, fmt.Errorf("%w: bad neighbour count %d", catalog.ErrDamaged, k)
		}
		rm.UserK = int(k)
	case recommend.MethodPopular:
	default:
		return nil, fmt.Errorf("%w: unknown method %d", catalog.ErrDamaged, rm.Method)
	}
	if err := d.Finish(); err != nil {
		return nil, err
	}
	rm.Popularity = rm.Train.ColumnCounts()
	rm.Prepare()
	md := newModel(rm, userCol, itemCol, users, items)
	if len(md.userIndex) != len(users) || len(md.itemIndex) != len(items) {
		return nil, fmt.Errorf("%w: a user or item key appears twice", catalog.ErrDamaged)
	}
	return md, nil
}
