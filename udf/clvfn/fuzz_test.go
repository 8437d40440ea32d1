package clvfn_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf/clvfn"
)

// checkDecode is what every fuzzed blob must satisfy: Decode refuses it
// with ErrDamaged or ErrFormat, or returns a model that encodes back to the
// same bytes and can be scored.
func checkDecode(t *testing.T, blob []byte) {
	m, err := clvfn.Decode(blob)
	if err != nil {
		if !errors.Is(err, catalog.ErrDamaged) && !errors.Is(err, catalog.ErrFormat) {
			t.Fatalf("error %v is neither ErrDamaged nor ErrFormat", err)
		}
		return
	}
	if n := len(m.Keys); len(m.X) != n || len(m.TX) != n || len(m.T) != n {
		t.Fatalf("inconsistent model accepted: %d keys, %d/%d/%d histories", n, len(m.X), len(m.TX), len(m.T))
	}
	if !bytes.Equal(m.Encode(), blob) {
		t.Fatalf("Encode(Decode(blob)) differs from blob")
	}
	useModel(m)
}

// FuzzDecode: any params blob is an error or a model that encodes back to
// the same bytes, never a panic. Seeded with the blobs of real trainings
// on a small shop (both purchase models, with and without spend, with a
// holdout, INTEGER and TEXT customers); CDNOW's blobs, a hundred times
// longer, would make every execution and minimization that much slower,
// and TestCodecByteFlips damages them.
func FuzzDecode(f *testing.F) {
	for _, b := range smallBlobs(f) {
		f.Add(b.blob)
	}
	f.Add([]byte("MSQLMODL"))
	f.Fuzz(checkDecode)
}

// FuzzDecodePayload fuzzes the clv payload behind a valid envelope, so that
// mutations reach the field decoding instead of failing the checksum.
func FuzzDecodePayload(f *testing.F) {
	for _, b := range smallBlobs(f) {
		f.Add(payloadOf(f, b.blob))
	}
	f.Add([]byte{1})
	f.Fuzz(func(t *testing.T, payload []byte) {
		checkDecode(t, catalog.Seal(clvfn.Kind, payload))
	})
}
