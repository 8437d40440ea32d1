package catalog

import (
	"bytes"
	"errors"
	"math"
	"runtime"
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
// fuzzer: never a panic, never an allocation out of proportion to the input.
func FuzzDecoder(f *testing.F) {
	var e Encoder
	e.Uint(3)
	e.Floats([]float64{1, 2})
	e.Strings([]string{"a", "bc"})
	f.Add(e.Data(), []byte{0, 4, 6, 5, 3})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, []byte{4, 6, 7})
	f.Fuzz(func(t *testing.T, data, ops []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		d := NewDecoder(data)
		for _, op := range ops {
			switch op % 8 {
			case 0:
				d.Uint()
			case 1:
				d.Int()
			case 2:
				d.Bool()
			case 3:
				d.Float()
			case 4:
				d.Floats()
			case 5:
				d.Bytes()
			case 6:
				d.Strings()
			case 7:
				d.Len(int(op / 8))
			}
		}
		d.Finish()
		runtime.ReadMemStats(&after)
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > uint64(64*(len(data)+len(ops))+1<<16) {
			t.Fatalf("decoding %d bytes allocated %d bytes", len(data), alloc)
		}
	})
}
