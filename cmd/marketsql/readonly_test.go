package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// nobody is the user a root test runs the shell as: file permissions do
// not stop root from writing.
const nobody = 65534

// shellRun is one run of the shell: its exit status and output.
type shellRun struct {
	code           int
	stdout, stderr string
}

// runShell runs the shell with args and stdin, as user nobody when asNobody
// (through a copy of this test binary, whose TestMain is then main, in dir,
// which anyone may enter), else in this process.
func runShell(t *testing.T, asNobody bool, dir string, stdin string, args ...string) shellRun {
	t.Helper()
	var out, errb bytes.Buffer
	if !asNobody {
		code := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
		return shellRun{code, out.String(), errb.String()}
	}
	bin := filepath.Join(dir, "marketsql.test")
	if _, err := os.Stat(bin); err != nil {
		self, err := os.Executable()
		if err != nil {
			t.Fatal(err)
		}
		if err := copyFile(self, bin, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "MARKETSQL_TEST_MAIN=1", "HOME="+dir)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &out, &errb
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return shellRun{0, out.String(), errb.String()}
	case errors.As(err, &ee) && ee.Exited():
		return shellRun{ee.ExitCode(), out.String(), errb.String()}
	default:
		t.Skipf("skipped: cannot start a process as user %d (%v), and as root file permissions allow writing", nobody, err)
		return shellRun{}
	}
}

func copyFile(src, dst string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// TestReadOnlyDatabase: the shell opens a database file its user may not
// write (mode 0444) without -readonly, as sqlite3 does, answers SELECTs
// (scoring with a stored model included) and refuses training up front
// with the read-only error and exit status 1, leaving the file as it was;
// -readonly on a writable file does the same. As root, for which file
// permissions do not apply, the shell runs as user nobody.
func TestReadOnlyDatabase(t *testing.T) {
	t.Parallel()
	dir, err := os.MkdirTemp("", "marketsql-readonly")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, "shop.db")
	setup := runShell(t, false, dir, "", db,
		"create table customers(id integer primary key, visits real, spend real)",
		"insert into customers values (1, 1, 100.5), (2, 2, 2000), (3, 3, 45), (4, 10, 5000), (5, 12, 4000), (6, 1, 200), (7, 2, 1000)",
		`select kmeans_train('seg', 'customers', '{"k": 2}') is not null`)
	if setup.code != 0 {
		t.Fatalf("setup: exit %d: %s", setup.code, setup.stderr)
	}
	before, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	const train = `select kmeans_train('seg', 'customers', '{"k": 3}')`
	const score = "select count(*), sum(kmeans_assign('seg', visits, spend) = kmeans_assign('seg', 10, 5000)) from customers"
	check := func(t *testing.T, asNobody bool, flags ...string) {
		r := runShell(t, asNobody, dir, "", append(flags, db, score, "select version from ml_models where name = 'seg'")...)
		if r.code != 0 || r.stdout != "7|2\n1\n" {
			t.Errorf("SELECTs: exit %d, output %q, want 0 and %q; stderr:\n%s", r.code, r.stdout, "7|2\n1\n", r.stderr)
		}
		r = runShell(t, asNobody, dir, ".models\n"+train+";\nselect 'after';\n", append(flags, db)...)
		if r.code != 1 || !strings.Contains(r.stderr, "kmeans_train: ") || !strings.Contains(r.stderr, "read-only") {
			t.Errorf("training: exit %d, stderr %q; want exit 1 and kmeans_train's read-only error", r.code, r.stderr)
		}
		if !strings.Contains(r.stdout, "seg") || !strings.HasSuffix(r.stdout, "after\n") {
			t.Errorf("script around the training: output %q, want .models listing seg and 'after' at the end", r.stdout)
		}
		t.Logf("training on it: %s", strings.TrimSpace(r.stderr))
		if after, err := os.ReadFile(db); err != nil || !bytes.Equal(after, before) {
			t.Errorf("the database file changed (%v)", err)
		}
	}
	t.Run("readonly flag", func(t *testing.T) { check(t, false, "-readonly") })
	if err := os.Chmod(db, 0o444); err != nil {
		t.Fatal(err)
	}
	t.Run("file mode 0444", func(t *testing.T) { check(t, os.Geteuid() == 0) })
}
