package engine_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/seed-a084b42d/marketsql/engine"
)

// readOnlyDBEnv, in the environment of this test binary run as another
// user, names the database file TestReadOnlyFile checks.
const readOnlyDBEnv = "MARKETSQL_TEST_READONLY_DB"

// nobody is the user a root test runs the read-only checks as: file
// permissions do not stop root from writing.
const nobody = 65534

// readOnlyTrainings are the statements that must fail on a read-only
// database: every trainer, and ml_drop.
var readOnlyTrainings = map[string]string{
	"kmeans_train":    `SELECT kmeans_train('m_kmeans', 'pts', '{"k": 3}')`,
	"lda_train":       `SELECT lda_train('m_lda', 'SELECT id, word FROM docs', '{"topics": 2, "min_df": 1, "max_df": 1.0, "holdout": 0}')`,
	"recommend_train": `SELECT recommend_train('m_recommend', 'SELECT id % 4, id % 5 FROM pts', '{}')`,
	"ml_drop":         `SELECT ml_drop('m_kmeans')`,
}

// readOnlyQueries are SELECTs that read the data and every family's
// model, with the rows they give on the database makeModelsDB makes.
var readOnlyQueries = map[string]string{
	`SELECT count(*) FROM pts`: "12",
	`SELECT group_concat(name || ':' || version, ' ') FROM (SELECT name, version FROM ml_models ORDER BY name)`: "m_kmeans:1 m_lda:1 m_recommend:1",
	`SELECT kmeans_assign('m_kmeans', 10.0, 10.0) = kmeans_assign('m_kmeans', 9.9, 10.1)`:                       "1",
	`SELECT count(*) FROM lda_topics('m_lda', 3)`:                                                               "6",
	`SELECT count(*) > 0 FROM recommend('m_recommend', 1, 2)`:                                                   "1",
	`SELECT count(*) FROM kmeans_select_k('pts', 2, 3, '{}')`:                                                   "2",
}

// makeModelsDB writes a database with a model of each family in a new
// directory anyone may enter, and returns its path.
func makeModelsDB(t *testing.T, journal string) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "marketsql-readonly")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.Chmod(dir, 0o755)
		os.RemoveAll(dir)
	})
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "shop.db")
	e, err := engine.Open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for _, q := range []string{
		`PRAGMA journal_mode = ` + journal,
		ptsSQL,
		`CREATE TABLE docs(id INTEGER, word TEXT)`,
		`INSERT INTO docs VALUES (1, 'red apple pie'), (2, 'green apple tart'), (3, 'blue whale sea'), (4, 'grey whale ocean')`,
		readOnlyTrainings["kmeans_train"],
		readOnlyTrainings["lda_train"],
		readOnlyTrainings["recommend_train"],
	} {
		if _, err := e.DB().Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	return path
}

// fileState is the content of a database file and of its journal files
// that hold something.
func fileState(t *testing.T, path string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{path, path + "-journal", path + "-wal"} {
		if fi, err := os.Stat(p); err != nil || fi.Size() == 0 && p != path {
			continue
		}
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		io.Copy(h, f)
		f.Close()
		fmt.Fprintf(&b, "%s %x\n", filepath.Base(p), h.Sum(nil))
	}
	return b.String()
}

// checkReadOnly checks a database that cannot be written, on conn (which it
// closes): every query answers, every training and ml_drop fails with the
// read-only error before it reads anything (no progress event), and so does
// the Go API.
func checkReadOnly(t *testing.T, e *engine.Engine, conn *sql.Conn, events *[]engine.Progress) {
	t.Helper()
	ctx := context.Background()
	for q, want := range readOnlyQueries {
		var got string
		if err := conn.QueryRowContext(ctx, q).Scan(&got); err != nil {
			t.Errorf("%s: %v", q, err)
		} else if got != want {
			t.Errorf("%s = %s, want %s", q, got, want)
		}
	}
	for fn, q := range readOnlyTrainings {
		*events = (*events)[:0]
		var s string
		err := conn.QueryRowContext(ctx, q).Scan(&s)
		switch {
		case err == nil:
			t.Errorf("%s on a read-only database: no error, gave %s", fn, s)
		case !strings.HasPrefix(err.Error(), fn+": ") || !strings.Contains(err.Error(), "read-only"):
			t.Errorf("%s on a read-only database: %v; want an error starting %q that says read-only", fn, err, fn+": ")
		default:
			t.Logf("%v", err)
		}
		if len(*events) > 0 {
			t.Errorf("%s on a read-only database got to work before failing: %+v", fn, (*events)[0])
		}
	}
	// The Go API, on the same connection (the pool's only one).
	conn.Close()
	{
		if _, err := e.TrainKMeans(ctx, "m_go", "pts", &engine.KMeansOptions{K: 2}); !errors.Is(err, engine.ErrReadOnly) || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("TrainKMeans on a read-only database: %v, want a read-only error", err)
		}
		if _, err := e.DropModel(ctx, "m_kmeans"); !errors.Is(err, engine.ErrReadOnly) || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("DropModel on a read-only database: %v, want a read-only error", err)
		}
	}
}

// openChecked opens path with opts, recording progress events, and returns
// the engine and one of its connections.
func openChecked(t *testing.T, path string, opts *engine.Options, events *[]engine.Progress) (*engine.Engine, *sql.Conn) {
	t.Helper()
	if opts == nil {
		opts = &engine.Options{}
	}
	opts.Progress = func(p engine.Progress) { *events = append(*events, p) }
	opts.MaxConns = 1 // one connection: the Go API uses the one the SQL used
	e, err := engine.Open(path, opts)
	if err != nil {
		t.Fatalf("open %s (read-only %v): %v", path, opts.ReadOnly, err)
	}
	t.Cleanup(func() { e.Close() })
	conn, err := e.DB().Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return e, conn
}

// TestReadOnlyFile: a database file its user may not write (mode 0444)
// opens without ReadOnly, as the stock sqlite3 opens it, answers SELECTs,
// scoring with every family's model included, and refuses training and
// ml_drop up front with the read-only error; the file stays as it was.
//
// File permissions do not stop root, so a root test runs the checks in
// this test binary as user nobody (65534); it skips only if the system
// will not start a process as another user. A WAL file is included: its
// reader creates the -shm file in the (writable) directory, as sqlite3's
// does. TestReadOnlyModes covers mode=ro and PRAGMA query_only, which
// need no other user.
func TestReadOnlyFile(t *testing.T) {
	if path := os.Getenv(readOnlyDBEnv); path != "" {
		// The child, run as nobody below.
		if os.Geteuid() == 0 {
			t.Fatal("the read-only check runs as root, for which file permissions do not apply")
		}
		var events []engine.Progress
		e, conn := openChecked(t, path, nil, &events)
		checkReadOnly(t, e, conn, &events)
		return
	}
	for _, journal := range []string{"delete", "wal"} {
		t.Run(journal, func(t *testing.T) {
			path := makeModelsDB(t, journal)
			// nobody may create the -shm of a WAL file, not the database.
			if err := os.Chmod(filepath.Dir(path), 0o777); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, 0o444); err != nil {
				t.Fatal(err)
			}
			before := fileState(t, path)
			if os.Geteuid() != 0 {
				var events []engine.Progress
				e, conn := openChecked(t, path, nil, &events)
				checkReadOnly(t, e, conn, &events)
			} else {
				runAsNobody(t, path)
			}
			if after := fileState(t, path); after != before {
				t.Errorf("the read-only file changed:\nbefore %s\nafter  %s", before, after)
			}
		})
	}
}

// runAsNobody runs TestReadOnlyFile's checks on path in a copy of this test
// binary started as user nobody.
func runAsNobody(t *testing.T, path string) {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	// go test keeps its binary in a directory only root may enter.
	bin := filepath.Join(filepath.Dir(filepath.Dir(path)), filepath.Base(filepath.Dir(path))+".test")
	if err := copyFile(self, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.Remove(bin)
	cmd := exec.Command(bin, "-test.run=^TestReadOnlyFile$", "-test.v", "-test.count=1")
	cmd.Dir = filepath.Dir(path)
	cmd.Env = append(os.Environ(), readOnlyDBEnv+"="+path, "HOME="+filepath.Dir(path), "TMPDIR="+filepath.Dir(path))
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	switch {
	case err == nil:
		t.Logf("as user %d:\n%s", nobody, out)
	case errors.As(err, &ee):
		t.Errorf("the checks as user %d failed (%v):\n%s", nobody, err, out)
	default:
		t.Skipf("skipped: cannot start a process as user %d (%v), and as root file permissions allow writing", nobody, err)
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

// TestReadOnlyModes: the other two ways a database is read-only, open with
// Options.ReadOnly (mode=ro, the shell's -readonly) and PRAGMA query_only
// on the connection, answer the same SELECTs and refuse the same writes,
// and leave the file as it was.
func TestReadOnlyModes(t *testing.T) {
	t.Parallel()
	for _, journal := range []string{"delete", "wal"} {
		for _, how := range []string{"mode=ro", "query_only"} {
			t.Run(journal+"/"+how, func(t *testing.T) {
				t.Parallel()
				path := makeModelsDB(t, journal)
				before := fileState(t, path)
				var events []engine.Progress
				e, conn := openChecked(t, path, &engine.Options{ReadOnly: how == "mode=ro"}, &events)
				if how == "query_only" {
					if _, err := conn.ExecContext(context.Background(), `PRAGMA query_only = 1`); err != nil {
						t.Fatal(err)
					}
				}
				checkReadOnly(t, e, conn, &events)
				e.Close()
				if after := fileState(t, path); after != before {
					t.Errorf("the database changed:\nbefore %s\nafter  %s", before, after)
				}
			})
		}
	}
}
