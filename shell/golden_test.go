package shell

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/shell/*/want.txt from the current output")

const goldenDir = "../testdata/shell"

// TestGolden runs every case directory under testdata/shell that holds an
// input.sql (read as stdin) or an arg.sql (passed as the command-line SQL)
// and compares stdout and stderr, interleaved as a terminal shows them,
// plus Run's result, with want.txt. An optional config.txt sets the
// flags, one per line: "mode MODE", "header", "bail", "echo",
// "nullvalue TEXT", "separator SEP", "width N", "cmd COMMAND", and
// "mask REGEXP", which replaces what the regular expression matches in the
// output with "<masked>" (for times and dates). Paths inside the scripts are
// relative to the shell package directory; $TMP in a script is a fresh
// directory for the files a case writes, and shows as $TMP in the output.
func TestGolden(t *testing.T) {
	dirs, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range dirs {
		dir := filepath.Join(goldenDir, d.Name())
		if !d.IsDir() || !exists(filepath.Join(dir, "want.txt")) && !*update {
			continue
		}
		if !exists(filepath.Join(dir, "input.sql")) && !exists(filepath.Join(dir, "arg.sql")) {
			continue
		}
		n++
		t.Run(d.Name(), func(t *testing.T) {
			t.Parallel()
			got := runCase(t, dir)
			wantFile := filepath.Join(dir, "want.txt")
			if *update {
				if err := os.WriteFile(wantFile, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", wantFile, got, want)
			}
		})
	}
	if n == 0 {
		t.Fatal("no golden cases found")
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func runCase(t *testing.T, dir string) []byte {
	t.Helper()
	var cfg Config
	var masks []*regexp.Regexp
	if b, err := os.ReadFile(filepath.Join(dir, "config.txt")); err == nil {
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			f := strings.Fields(line)
			switch {
			case len(f) == 2 && f[0] == "mode":
				cfg.Mode = Mode(f[1])
			case len(f) == 1 && f[0] == "header":
				cfg.Header = true
			case len(f) == 1 && f[0] == "bail":
				cfg.Bail = true
			case len(f) == 1 && f[0] == "echo":
				cfg.Echo = true
			case len(f) == 2 && f[0] == "nullvalue":
				cfg.NullValue = f[1]
			case len(f) == 2 && f[0] == "separator":
				cfg.ColSep = f[1]
			case len(f) == 2 && f[0] == "width":
				w, err := strconv.Atoi(f[1])
				if err != nil {
					t.Fatalf("%s/config.txt: bad width %q", dir, f[1])
				}
				cfg.Width = w
			case len(f) >= 2 && f[0] == "mask":
				re, err := regexp.Compile(strings.TrimPrefix(line, "mask "))
				if err != nil {
					t.Fatalf("%s/config.txt: %v", dir, err)
				}
				masks = append(masks, re)
			case len(f) >= 2 && f[0] == "cmd":
				cfg.Commands = append(cfg.Commands, strings.TrimPrefix(line, "cmd "))
			default:
				t.Fatalf("%s/config.txt: bad line %q", dir, line)
			}
		}
	}
	tmp := t.TempDir()
	script := func(b []byte) string { return strings.ReplaceAll(string(b), "$TMP", tmp) }
	stdin := strings.NewReader("")
	if b, err := os.ReadFile(filepath.Join(dir, "arg.sql")); err == nil {
		cfg.Args = []string{strings.TrimSuffix(script(b), "\n")}
	} else {
		b, err := os.ReadFile(filepath.Join(dir, "input.sql"))
		if err != nil {
			t.Fatal(err)
		}
		stdin = strings.NewReader(script(b))
	}
	var out bytes.Buffer
	err := Run(context.Background(), cfg, stdin, &out, &out)
	if err != nil {
		out.WriteString("-- Run: " + err.Error() + "\n")
	} else {
		out.WriteString("-- Run: ok\n")
	}
	got := bytes.ReplaceAll(out.Bytes(), []byte(tmp), []byte("$TMP"))
	for _, re := range masks {
		got = re.ReplaceAll(got, []byte("<masked>"))
	}
	return got
}
