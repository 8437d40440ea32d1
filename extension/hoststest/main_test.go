package hoststest

import (
	"os"
	"path/filepath"
	"testing"
)

func TestMain(m *testing.M) {
	code := m.Run()
	select {
	case <-shellBuilt:
		if shellPath != "" {
			os.RemoveAll(filepath.Dir(shellPath))
		}
	default:
	}
	os.Exit(code)
}
