package datasets

import (
	"os"
	"path/filepath"
)

// Shared returns the folder sub of the shared data directory
// ($MARKETSQL_DATA, else ../shared/data found by walking up from the
// working directory), or "" when it is not there. Tests of data that may
// not be copied into the repository skip, saying so, when it returns "".
func Shared(sub string) string {
	if d := os.Getenv("MARKETSQL_DATA"); d != "" {
		p := filepath.Join(d, sub)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		return ""
	}
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "..", "shared", "data", sub)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if filepath.Dir(d) == d {
			return ""
		}
	}
}
