package core

import (
	"strings"
	"testing"
)

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "1024": 1024, "512MB": 512e6, "2GB": 2e9, "1.5GiB": 1.5 * (1 << 30), " 3 kb ": 3000, "7B": 7} {
		if got, ok := ParseBytes(in); !ok || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "GB", "-1", "2XB", "1e30GB", "NaN", "two"} {
		if got, ok := ParseBytes(in); ok {
			t.Errorf("ParseBytes(%q) = %d, want an error", in, got)
		}
	}
}

func TestMemoryBudget(t *testing.T) {
	o, err := ParseOptions("f", `{"max_memory": "1GB"}`, []string{MemoryOption})
	if err != nil {
		t.Fatal(err)
	}
	b := o.MemoryBudget()
	if b.Bytes != 1e9 || !b.Given || o.Err() != nil {
		t.Fatalf("budget %+v, %v", b, o.Err())
	}
	err = b.Check("lda_train", 7.5e9, "100000 topics × 9,400 words × 8 bytes", `"topics"`)
	for _, want := range []string{"lda_train: ", "7.5 GB", "1.0 GB", `set with "max_memory"`, `lower "topics"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v lacks %q", err, want)
		}
	}
	if err := b.Check("f", 1e9, "", ""); err != nil {
		t.Errorf("a need equal to the budget is refused: %v", err)
	}
	o, _ = ParseOptions("f", `{}`, []string{MemoryOption})
	if def := o.MemoryBudget(); def.Given || def.Bytes <= 0 {
		t.Errorf("default budget %+v", def)
	}
	o, _ = ParseOptions("f", `{"max_memory": "lots"}`, []string{MemoryOption})
	o.MemoryBudget()
	if o.Err() == nil || !strings.Contains(o.Err().Error(), `"512MB"`) {
		t.Errorf("bad max_memory: %v", o.Err())
	}
	if _, err := ParseOptions("f", `{"k": "`+strings.Repeat("x", MaxOptionsBytes)+`"}`, []string{"k"}); err == nil || !strings.Contains(err.Error(), "more than the") {
		t.Errorf("huge options: %v", err)
	}
}
