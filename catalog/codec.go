package catalog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
)

// The params blob of every model is an envelope around a kind-specific
// payload:
//
//	magic    8 bytes  "MSQLMODL"
//	format   uint16   envelope format version (FormatVersion)
//	kind     uvarint length + bytes ("kmeans", ...)
//	payload  uvarint length + bytes
//	crc32    uint32   Castagnoli checksum of everything before it
//
// Integers are little-endian. The payload is written and read with Encoder
// and Decoder, which bound every length by what is left of the input, so a
// damaged blob is an error and never a huge allocation or a panic.
//
// The encoding is canonical: each value has exactly one encoding, and the
// Decoder accepts exactly what the Encoder writes (a varint padded with
// zero continuation groups, a boolean other than 0 or 1, or bytes no field
// claims are damage), so Encode(Decode(blob)) == blob for every blob a
// family's Decode accepts. Families check the meaning of what they read:
// shapes, and that parameters are finite (CheckFinite).
const (
	magic = "MSQLMODL"
	// FormatVersion is the envelope version written by this build.
	FormatVersion = 1
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// ErrDamaged reports a params blob that fails its checks.
var ErrDamaged = errors.New("model parameters are damaged")

// ErrFormat reports a params blob written by an unknown format version.
var ErrFormat = errors.New("model parameters have an unknown format version")

// Seal wraps a payload for the given model kind into a checksummed envelope.
func Seal(kind string, payload []byte) []byte {
	out := make([]byte, 0, len(magic)+2+2*binary.MaxVarintLen64+len(kind)+len(payload)+4)
	out = append(out, magic...)
	out = binary.LittleEndian.AppendUint16(out, FormatVersion)
	out = binary.AppendUvarint(out, uint64(len(kind)))
	out = append(out, kind...)
	out = binary.AppendUvarint(out, uint64(len(payload)))
	out = append(out, payload...)
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, crcTable))
}

// Open checks an envelope and returns the model kind and payload.
func Open(blob []byte) (kind string, payload []byte, err error) {
	if len(blob) < len(magic)+2+4 || string(blob[:len(magic)]) != magic {
		return "", nil, fmt.Errorf("%w: not a marketsql model", ErrDamaged)
	}
	body, sum := blob[:len(blob)-4], binary.LittleEndian.Uint32(blob[len(blob)-4:])
	if v := binary.LittleEndian.Uint16(blob[len(magic):]); v != FormatVersion {
		return "", nil, fmt.Errorf("%w %d (this build reads %d): upgrade marketsql", ErrFormat, v, FormatVersion)
	}
	if crc32.Checksum(body, crcTable) != sum {
		return "", nil, fmt.Errorf("%w: checksum mismatch", ErrDamaged)
	}
	d := NewDecoder(body[len(magic)+2:])
	kind = d.String()
	payload = d.Bytes()
	if err := d.Finish(); err != nil {
		return "", nil, err
	}
	return kind, payload, nil
}

// Format is one family's model format: the kind its envelope names and the
// version of the payload inside. Every family reads and writes its blobs
// through one, so the envelope and version checks exist once.
type Format struct {
	Kind    string // stored in the envelope, e.g. "kmeans"
	Name    string // for messages, e.g. "k-means"
	Version uint64 // the payload version this build writes and reads
}

// Encoder returns an encoder whose payload starts with f's version.
func (f Format) Encoder() *Encoder {
	e := &Encoder{}
	e.Uint(f.Version)
	return e
}

// Seal wraps the payload of e (from f.Encoder) into a checksummed envelope.
func (f Format) Seal(e *Encoder) []byte { return Seal(f.Kind, e.Data()) }

// Open checks blob's envelope, that it holds a model of f's kind and that its
// payload has f's version, and returns a decoder positioned after the
// version. A blob of another kind is ErrDamaged; another version, ErrFormat.
func (f Format) Open(blob []byte) (*Decoder, error) {
	kind, payload, err := Open(blob)
	if err != nil {
		return nil, err
	}
	if kind != f.Kind {
		return nil, fmt.Errorf("%w: holds a %q model, not %q", ErrDamaged, kind, f.Kind)
	}
	d := NewDecoder(payload)
	if v := d.Uint(); d.Err() != nil {
		return nil, d.Err()
	} else if v != f.Version {
		return nil, fmt.Errorf("%w: %s payload version %d (this build reads %d)", ErrFormat, f.Name, v, f.Version)
	}
	return d, nil
}

// Encoder appends values to a payload.
type Encoder struct{ buf []byte }

// Data returns the encoded payload.
func (e *Encoder) Data() []byte { return e.buf }

// Uint appends an unsigned integer.
func (e *Encoder) Uint(v uint64) { e.buf = binary.AppendUvarint(e.buf, v) }

// Int appends a signed integer.
func (e *Encoder) Int(v int64) { e.buf = binary.AppendVarint(e.buf, v) }

// Bool appends a boolean.
func (e *Encoder) Bool(v bool) {
	if v {
		e.Uint(1)
	} else {
		e.Uint(0)
	}
}

// Float appends a float64 bit for bit.
func (e *Encoder) Float(v float64) {
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v))
}

// Floats appends a length-prefixed float64 slice.
func (e *Encoder) Floats(v []float64) {
	e.Uint(uint64(len(v)))
	for _, f := range v {
		e.Float(f)
	}
}

// Bytes appends a length-prefixed byte slice.
func (e *Encoder) Bytes(v []byte) {
	e.Uint(uint64(len(v)))
	e.buf = append(e.buf, v...)
}

// String appends a length-prefixed string.
func (e *Encoder) String(v string) {
	e.Uint(uint64(len(v)))
	e.buf = append(e.buf, v...)
}

// Strings appends a length-prefixed string slice.
func (e *Encoder) Strings(v []string) {
	e.Uint(uint64(len(v)))
	for _, s := range v {
		e.String(s)
	}
}

// Keys appends SQL keys (customer, user, item or basket keys), each an
// int64 or a string: a count, then per key a tag (0 integer, 1 text) and
// its value. It panics on another type: callers build keys from SQL values
// with a key converter that yields only these two.
func (e *Encoder) Keys(keys []any) {
	e.Uint(uint64(len(keys)))
	for _, k := range keys {
		switch v := k.(type) {
		case int64:
			e.Uint(0)
			e.Int(v)
		case string:
			e.Uint(1)
			e.String(v)
		default:
			panic(fmt.Sprintf("catalog: key of type %T", k))
		}
	}
}

// Decoder reads values written by Encoder. The first failure is sticky: later
// reads return zero values and Finish reports it, so callers check once.
type Decoder struct {
	buf []byte
	err error
}

// NewDecoder reads from buf.
func NewDecoder(buf []byte) *Decoder { return &Decoder{buf: buf} }

func (d *Decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: truncated or invalid %s", ErrDamaged, what)
	}
	d.buf = nil
}

// varint reads the unsigned varint that both Uint and Int are written as,
// in its canonical (shortest) form only: a last byte of 0 after other
// bytes is a zero group the Encoder never writes.
func (d *Decoder) varint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.buf)
	switch {
	case n <= 0:
		d.fail("integer")
		return 0
	case n > 1 && d.buf[n-1] == 0:
		d.fail("integer (padded, non-canonical encoding)")
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

// Uint reads an unsigned integer.
func (d *Decoder) Uint() uint64 { return d.varint() }

// Int reads a signed integer.
func (d *Decoder) Int() int64 {
	u := d.varint()
	return int64(u>>1) ^ -int64(u&1) // zig-zag, as binary.Varint
}

// Bool reads a boolean.
func (d *Decoder) Bool() bool {
	switch d.Uint() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail("boolean")
	return false
}

// Float reads a float64.
func (d *Decoder) Float() float64 {
	if d.err != nil {
		return 0
	}
	if len(d.buf) < 8 {
		d.fail("number")
		return 0
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64(d.buf))
	d.buf = d.buf[8:]
	return v
}

// Len reads a length and checks that at least n*unit bytes remain, so a
// damaged length cannot cause a huge allocation.
func (d *Decoder) Len(unit int) int {
	n := d.Uint()
	if d.err != nil {
		return 0
	}
	if unit < 1 {
		unit = 1
	}
	if n > uint64(len(d.buf)/unit) {
		d.fail("length")
		return 0
	}
	return int(n)
}

// Floats reads a length-prefixed float64 slice.
func (d *Decoder) Floats() []float64 {
	n := d.Len(8)
	if d.err != nil {
		return nil
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = d.Float()
	}
	return v
}

// Bytes reads a length-prefixed byte slice (a copy).
func (d *Decoder) Bytes() []byte {
	n := d.Len(1)
	if d.err != nil {
		return nil
	}
	v := append([]byte(nil), d.buf[:n]...)
	d.buf = d.buf[n:]
	return v
}

// String reads a length-prefixed string.
func (d *Decoder) String() string { return string(d.Bytes()) }

// Strings reads a length-prefixed string slice.
func (d *Decoder) Strings() []string {
	n := d.Len(1)
	if d.err != nil {
		return nil
	}
	v := make([]string, n)
	for i := range v {
		v[i] = d.String()
	}
	return v
}

// Keys reads keys written by Encoder.Keys; a key of an unknown tag is a
// decoding failure.
func (d *Decoder) Keys() []any {
	n := d.Len(2)
	if d.err != nil {
		return nil
	}
	keys := make([]any, n)
	for k := range keys {
		switch d.Uint() {
		case 0:
			keys[k] = d.Int()
		case 1:
			keys[k] = d.String()
		default:
			d.fail("key type")
			return nil
		}
		if d.err != nil {
			return nil
		}
	}
	return keys
}

// Err returns the first decoding failure.
func (d *Decoder) Err() error { return d.err }

// Finish reports the first failure, or trailing bytes that no field claimed.
func (d *Decoder) Finish() error {
	if d.err == nil && len(d.buf) != 0 {
		d.err = fmt.Errorf("%w: %d unexpected trailing bytes", ErrDamaged, len(d.buf))
	}
	return d.err
}

// CheckFinite returns an ErrDamaged error when v holds a NaN or an
// infinity; what names the parameters ("centroids"). Trainers never store
// such a value, so a blob with one (behind a valid checksum) is damage.
func CheckFinite[F float32 | float64](what string, v []F) error {
	for i, x := range v {
		if x-x != 0 { // NaN for NaN and ±Inf, 0 otherwise
			return fmt.Errorf("%w: %s: non-finite value %v at position %d", ErrDamaged, what, x, i)
		}
	}
	return nil
}
