package catalog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"runtime"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		kind    string
		payload []byte
	}{{"kmeans", []byte{1, 2, 3}}, {"", nil}, {"lda", bytes.Repeat([]byte{0xab}, 1000)}} {
		blob := Seal(tc.kind, tc.payload)
		kind, payload, err := Open(blob)
		if err != nil || kind != tc.kind || !bytes.Equal(payload, tc.payload) {
			t.Errorf("Open(Seal(%q)) = %q, %v, %v", tc.kind, kind, payload, err)
		}
	}
	blob := Seal("kmeans", []byte("payload"))
	for name, b := range map[string][]byte{
		"empty":     nil,
		"short":     blob[:10],
		"magic":     append([]byte("XSQLMODL"), blob[8:]...),
		"checksum":  append(append([]byte(nil), blob[:len(blob)-1]...), blob[len(blob)-1]^1),
		"truncated": blob[:len(blob)-3],
		"extended":  append(append([]byte(nil), blob...), 0),
	} {
		if _, _, err := Open(b); !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: Open = %v, want ErrDamaged", name, err)
		}
	}
	future := append([]byte(nil), blob...)
	future[8] = 2
	if _, _, err := Open(future); !errors.Is(err, ErrFormat) {
		t.Errorf("format 2: Open = %v, want ErrFormat", err)
	}
}

func TestEncoderDecoder(t *testing.T) {
	t.Parallel()
	var e Encoder
	e.Uint(300)
	e.Int(-5)
	e.Bool(true)
	e.Float(math.Inf(-1))
	e.Floats([]float64{1.5, math.NaN()})
	e.Bytes([]byte{9})
	e.String("héllo")
	e.Strings([]string{"a", ""})
	d := NewDecoder(e.Data())
	if d.Uint() != 300 || d.Int() != -5 || !d.Bool() || !math.IsInf(d.Float(), -1) {
		t.Fatal("scalars did not round-trip")
	}
	if f := d.Floats(); len(f) != 2 || f[0] != 1.5 || !math.IsNaN(f[1]) {
		t.Errorf("Floats = %v", f)
	}
	if b := d.Bytes(); !bytes.Equal(b, []byte{9}) {
		t.Errorf("Bytes = %v", b)
	}
	if s := d.String(); s != "héllo" {
		t.Errorf("String = %q", s)
	}
	if s := d.Strings(); len(s) != 2 || s[0] != "a" || s[1] != "" {
		t.Errorf("Strings = %q", s)
	}
	if err := d.Finish(); err != nil {
		t.Error(err)
	}
	// A huge length is an error, not an allocation; the failure is sticky.
	var h Encoder
	h.Uint(1 << 60)
	d = NewDecoder(h.Data())
	if v := d.Floats(); v != nil || !errors.Is(d.Err(), ErrDamaged) {
		t.Errorf("huge Floats = %v, %v", len(v), d.Err())
	}
	if d.Uint() != 0 || d.String() != "" || !errors.Is(d.Finish(), ErrDamaged) {
		t.Error("the failure was not sticky")
	}
	d = NewDecoder([]byte{2})
	if d.Bool(); !errors.Is(d.Err(), ErrDamaged) {
		t.Error("boolean 2 accepted")
	}
	d = NewDecoder([]byte{0, 0})
	d.Uint()
	if err := d.Finish(); !errors.Is(err, ErrDamaged) {
		t.Errorf("trailing byte: %v", err)
	}
}

// TestCanonical: each value has one encoding, and the decoder accepts only
// that one, so re-encoding what it read gives the input back.
func TestCanonical(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		data []byte
		read func(d *Decoder)
	}{
		"uint 0 in two bytes":     {[]byte{0x80, 0x00}, func(d *Decoder) { d.Uint() }},
		"uint 1 in three bytes":   {[]byte{0x81, 0x80, 0x00}, func(d *Decoder) { d.Uint() }},
		"uint 300 padded":         {[]byte{0xac, 0x82, 0x00}, func(d *Decoder) { d.Uint() }},
		"int -1 in two bytes":     {[]byte{0x81, 0x00}, func(d *Decoder) { d.Int() }},
		"bool 1 in two bytes":     {[]byte{0x81, 0x00}, func(d *Decoder) { d.Bool() }},
		"length padded":           {[]byte{0x81, 0x00, 'a'}, func(d *Decoder) { _ = d.String() }},
		"ten-byte uint overflows": {[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02}, func(d *Decoder) { d.Uint() }},
	} {
		d := NewDecoder(tc.data)
		tc.read(d)
		if err := d.Finish(); !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: accepted (%v)", name, err)
		}
	}
	// The extremes still round-trip.
	var e Encoder
	e.Uint(0)
	e.Uint(math.MaxUint64)
	e.Int(math.MinInt64)
	e.Int(math.MaxInt64)
	e.Int(0)
	d := NewDecoder(e.Data())
	if d.Uint() != 0 || d.Uint() != math.MaxUint64 || d.Int() != math.MinInt64 || d.Int() != math.MaxInt64 || d.Int() != 0 || d.Finish() != nil {
		t.Errorf("extremes did not round-trip: %v", d.Err())
	}
	// A padded length in the envelope, behind a valid checksum.
	body := append([]byte(magic), 1, 0, 0x86, 0x00)
	body = append(body, "kmeans"...)
	body = append(body, 0)
	blob := binary.LittleEndian.AppendUint32(body, crc32.Checksum(body, crcTable))
	if _, _, err := Open(blob); !errors.Is(err, ErrDamaged) {
		t.Errorf("padded kind length: Open = %v, want ErrDamaged", err)
	}
}

func TestCheckFinite(t *testing.T) {
	t.Parallel()
	if err := CheckFinite("centroids", []float64{0, -1, math.MaxFloat64, math.SmallestNonzeroFloat64}); err != nil {
		t.Error(err)
	}
	if err := CheckFinite[float32]("factors", nil); err != nil {
		t.Error(err)
	}
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		err := CheckFinite("centroids", []float64{1, v})
		if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "centroids") || !strings.Contains(err.Error(), "position 1") {
			t.Errorf("%v: %v", v, err)
		}
		if err := CheckFinite("factors", []float32{float32(v)}); !errors.Is(err, ErrDamaged) {
			t.Errorf("float32 %v: %v", v, err)
		}
	}
}

func FuzzOpen(f *testing.F) {
	f.Add(Seal("kmeans", []byte{1, 2, 3}))
	f.Add(Seal("", nil))
	f.Add([]byte("MSQLMODL\x01\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, blob []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		kind, payload, err := Open(blob)
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(4*len(blob)+1<<16) {
			t.Fatalf("opening %d bytes allocated %d bytes", len(blob), alloc)
		}
		if err != nil {
			if !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrFormat) {
				t.Fatalf("error %v is neither ErrDamaged nor ErrFormat", err)
			}
			return
		}
		if !bytes.Equal(Seal(kind, payload), blob) {
			t.Fatal("Seal(Open(blob)) differs from blob")
		}
	})
}

// FuzzDecoder reads arbitrary bytes with a sequence of reads chosen by the
// fuzzer: never a panic, never an allocation out of proportion to the input,
// and when every read succeeds and no byte is left, writing the values read
// with the same sequence gives the input back (the encoding is canonical).
func FuzzDecoder(f *testing.F) {
	var e Encoder
	e.Uint(3)
	e.Floats([]float64{1, 2})
	e.Strings([]string{"a", "bc"})
	f.Add(e.Data(), []byte{0, 4, 6})
	f.Add(e.Data(), []byte{0, 4, 6, 5, 3})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, []byte{4, 6, 7})
	f.Add([]byte{0x80, 0x00}, []byte{0})
	f.Fuzz(func(t *testing.T, data, ops []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		d := NewDecoder(data)
		var again Encoder
		for _, op := range ops {
			switch op % 8 {
			case 0:
				again.Uint(d.Uint())
			case 1:
				again.Int(d.Int())
			case 2:
				again.Bool(d.Bool())
			case 3:
				again.Float(d.Float())
			case 4:
				again.Floats(d.Floats())
			case 5:
				again.Bytes(d.Bytes())
			case 6:
				again.Strings(d.Strings())
			case 7:
				again.Uint(uint64(d.Len(int(op / 8))))
			}
		}
		err := d.Finish()
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(64*(len(data)+len(ops))+1<<16) {
			t.Fatalf("decoding %d bytes allocated %d bytes", len(data), alloc)
		}
		if err == nil && !bytes.Equal(again.Data(), data) {
			t.Fatalf("re-encoding what was read gives %x, not %x", again.Data(), data)
		}
	})
}
