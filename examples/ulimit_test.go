package examples_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// addressLimitKiB is the address-space limit (ulimit -v, in KiB) the shell
// runs under in TestDemoUnderAddressLimit: 2 GB.
const addressLimitKiB = 2 << 20

// buildShell builds bin/marketsql into a temporary directory and returns
// its path.
func buildShell(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "marketsql")
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		goBin = "go"
	}
	cmd := exec.Command(goBin, "build", "-o", bin, "./cmd/marketsql")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/marketsql: %v\n%s", err, out)
	}
	return bin
}

// limited runs the shell binary with args and stdin under ulimit -v
// addressLimitKiB (through bash, as a user would), from the repository
// root, and returns its output and error.
func limited(t *testing.T, bin, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	script := "ulimit -v " + strconv.Itoa(addressLimitKiB) + " && exec \"$0\" \"$@\""
	cmd := exec.Command("bash", append([]string{"-c", script, bin}, args...)...)
	cmd.Dir = ".."
	var out, errb bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errb
	err = cmd.Run()
	return out.String(), errb.String(), err
}

// TestDemoUnderAddressLimit runs `make demo` (import, examples/demo.sql,
// examples/recommend.sql) with the shell binary under ulimit -v 2 GB: every
// training succeeds and the six models are stored. Then an lda_train with
// 100000 topics, far beyond what the limit allows, fails with an error
// about memory, as an SQL error (exit status 1) and not a Go runtime abort.
//
// The Go runtime and the C library reserve about 1.3 GB of address space
// before the shell does anything (mostly PROT_NONE reservations: the
// heap's page summaries and arena index, thread stacks), so a 2 GB limit
// leaves the trainings about 700 MB.
func TestDemoUnderAddressLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: builds the shell and runs the whole demo")
	}
	if runtime.GOOS != "linux" {
		t.Skip("ulimit -v is tested on Linux")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash is not installed")
	}
	t.Parallel()
	bin := buildShell(t)
	db := filepath.Join(t.TempDir(), "demo.db")

	steps := []struct {
		name  string
		args  []string
		stdin string
	}{
		{"import", []string{db, ".import --csv testdata/online-retail/online_retail.csv.gz retail_raw"}, ""},
		{"demo.sql", []string{"-table", db}, readFile(t, "demo.sql")},
		{"recommend.sql", []string{"-table", db}, readFile(t, "recommend.sql")},
	}
	for _, st := range steps {
		start := time.Now()
		_, stderr, err := limited(t, bin, st.stdin, st.args...)
		if err != nil || stderr != "" {
			t.Fatalf("%s under ulimit -v %d: %v\n%s", st.name, addressLimitKiB, err, tail(stderr, 3000))
		}
		t.Logf("%s under ulimit -v %d KiB: %v", st.name, addressLimitKiB, time.Since(start).Round(time.Millisecond))
	}
	out, stderr, err := limited(t, bin, "", db, "select group_concat(name, ' ') from (select name from ml_models order by name)")
	if err != nil {
		t.Fatalf("listing the models: %v\n%s", err, stderr)
	}
	if want := "basket_rules interests rec_als rec_knn rec_pop recs segments value\n"; out != want {
		t.Errorf("models after the demo: %q, want %q", out, want)
	}

	// An oversized request fails cleanly.
	// The demo's source (demo.sql), with 100000 topics instead of 8.
	const huge = `select lda_train('huge', 'SELECT customer_id, group_concat(description, ''. '')
	  FROM (SELECT DISTINCT customer_id, description FROM product_sales) GROUP BY customer_id', '{"topics": 100000}')`
	start := time.Now()
	_, stderr, err = limited(t, bin, "", db, huge)
	took := time.Since(start)
	var ee *exec.ExitError
	switch {
	case err == nil:
		t.Errorf("lda_train with 100000 topics under ulimit -v %d succeeded", addressLimitKiB)
	case strings.Contains(stderr, "fatal error") || strings.Contains(stderr, "SIGABRT") || strings.Contains(stderr, "goroutine "):
		t.Errorf("lda_train with 100000 topics under ulimit -v %d: the Go runtime aborted (%v):\n%s", addressLimitKiB, err, tail(stderr, 3000))
	case !errors.As(err, &ee) || ee.ExitCode() != 1:
		t.Errorf("lda_train with 100000 topics: %v, want exit status 1; stderr:\n%s", err, tail(stderr, 3000))
	case !strings.Contains(stderr, "lda_train: ") || !strings.Contains(stderr, "memory"):
		t.Errorf("lda_train with 100000 topics: stderr %q, want lda_train's error about memory", stderr)
	default:
		t.Logf("lda_train with 100000 topics under ulimit -v %d KiB failed after %v: %s", addressLimitKiB, took.Round(time.Millisecond), strings.TrimSpace(stderr))
	}
	out, _, err = limited(t, bin, "", db, "select count(*) from ml_models where name = 'huge'")
	if err != nil || out != "0\n" {
		t.Errorf("after the refused training: %q (%v), want no model huge", out, err)
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}
