package shell

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// TestNULInScript: a NUL byte ends its line, as in sqlite3 (whose lines
// are C strings); the shell once looped forever on one, deaf even to
// SIGTERM.
func TestNULInScript(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		cfg  Config
		in   string
		want string
	}{
		// expected: sqlite3 3.40.1 prints 1 and 3 for this script.
		{"script", Config{}, "select 1;\x00select 2;\nselect 3;\n", "1\n3\n"},
		{"argument", Config{Args: []string{"select 4;\x00select 5;"}}, "", "4\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var out, errb bytes.Buffer
			done := make(chan error, 1)
			go func() { done <- Run(context.Background(), tc.cfg, strings.NewReader(tc.in), &out, &errb) }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("Run: %v\n%s", err, errb.String())
				}
			case <-time.After(time.Minute): // a hang guard, not a timing assertion
				t.Fatal("the shell did not finish a script with a NUL byte")
			}
			if out.String() != tc.want {
				t.Errorf("output %q, want %q", out.String(), tc.want)
			}
		})
	}
}
