package reuters

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// expected: sha256 of train.ldac, test.ldac and vocab.txt written by
// ../shared/peers/lda_prep.py (python3 3.11, pandas 1.5.3, scikit-learn 1.2.1).
const (
	wantVocab = "ebb94d0c182272073fbe8c8755b90e4df7416d88fe6dc7f7f2440dc7974492e2"
	wantTrain = "e33201a2c4d3eb4780a797de356bb1c0b4ac5ca84b6f957a9e09f3d8a6db756f"
	wantTest  = "d8a6ebc075752c008ba10a084e383ea9b6c4c1afd0deca6ba6936965ba89dc3f"
)

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestSameBagOfWordsAsLdaPrep(t *testing.T) {
	dir := Dir()
	if dir == "" {
		t.Skip("../shared/data (or $MARKETSQL_DATA) with reuters-21578 is not here")
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Docs() != 17801 || d.Test.Docs() != 1978 || len(d.Vocab) != 12101 {
		t.Fatalf("docs %d/%d vocab %d, want 17801/1978 12101", d.Train.Docs(), d.Test.Docs(), len(d.Vocab))
	}
	if got := sum(strings.Join(d.Vocab, "\n") + "\n"); got != wantVocab {
		t.Errorf("vocab.txt sha256 %s, want %s", got, wantVocab)
	}
	if got := sum(LDAC(d.Train)); got != wantTrain {
		t.Errorf("train.ldac sha256 %s, want %s", got, wantTrain)
	}
	if got := sum(LDAC(d.Test)); got != wantTest {
		t.Errorf("test.ldac sha256 %s, want %s", got, wantTest)
	}
}
