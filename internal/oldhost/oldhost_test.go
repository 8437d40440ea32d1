package oldhost

import (
	"strings"
	"testing"
)

// Loaded into a SQLite older than 3.38.0, the extension refuses with a
// message naming both versions, before it registers anything.
func TestOldHostRefused(t *testing.T) {
	for _, v := range []struct {
		number int
		text   string
	}{{3037002, "3.37.2"}, {3031001, "3.31.1"}, {3007017, "3.7.17"}} {
		rc, msg := Load(v.number, v.text)
		if rc != 1 { // SQLITE_ERROR
			t.Errorf("%s: result code %d, want 1 (SQLITE_ERROR)", v.text, rc)
		}
		for _, want := range []string{"marketsql needs SQLite 3.38.0 or later", "this program's SQLite is " + v.text} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: message %q lacks %q", v.text, msg, want)
			}
		}
	}
}
