// Package core is what every marketsql SQL function family shares: the
// per-connection state, registration with panic recovery, the JSON options
// parser, source reading, cancellation and progress, and the table-valued
// function adapter. Families live in sibling packages and stay thin.
package core

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"sync"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// ProgressEvent reports the state of a long call.
type ProgressEvent struct {
	Function  string  // SQL function name, e.g. "kmeans_train"
	Model     string  // model being trained, if any
	Phase     string  // e.g. "read", "init", "iterate", "metrics", "write"
	Done      float64 // units done in the phase
	Total     float64 // units in the phase, 0 if unknown
	Elapsed   time.Duration
	Detail    string // e.g. "run 1/10 iteration 7"
	Iteration int
}

// Env is the configuration shared by every connection of one database.
type Env struct {
	// Progress, if set, receives progress events of long calls. It runs on
	// the calling goroutine; keep it quick.
	Progress func(ProgressEvent)
	// Now returns the current time for created_at; nil means time.Now.
	Now func() time.Time
	// Threads bounds worker goroutines of numeric kernels; 0 means all cores.
	Threads int
}

// Clock returns the time of the env's clock.
func (e *Env) Clock() time.Time {
	if e == nil || e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// Conn is the per-connection state every function of a connection shares.
type Conn struct {
	SQL *sqlite3.SQLiteConn
	Env *Env

	mu    sync.Mutex
	cache map[string]cachedModel
	// ctx, when set, is the context of a Go API call running on this
	// connection: long work polls it as well as SQLite's interrupt flag.
	ctx context.Context
	// progress, when set, receives this call's progress instead of Env's.
	progress func(ProgressEvent)
	// reading counts the source queries running on this connection; a
	// function that writes refuses to run inside one (see CheckWrite).
	reading int
}

// NewConn wraps a freshly opened connection.
func NewConn(c *sqlite3.SQLiteConn, env *Env) *Conn {
	if env == nil {
		env = &Env{}
	}
	return &Conn{SQL: c, Env: env, cache: map[string]cachedModel{}}
}

// WithCall runs fn with ctx as the connection's context, so that work it
// starts stops when ctx is cancelled, and with progress (if non-nil)
// receiving its progress. Used by the Go API, which calls the trainers
// directly rather than through a statement.
func (c *Conn) WithCall(ctx context.Context, progress func(ProgressEvent), fn func() error) error {
	c.mu.Lock()
	prevCtx, prevProgress := c.ctx, c.progress
	c.ctx, c.progress = ctx, progress
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.ctx, c.progress = prevCtx, prevProgress
		c.mu.Unlock()
	}()
	return fn()
}

// Report sends a progress event to the call's or the environment's hook.
func (c *Conn) Report(ev ProgressEvent) {
	c.mu.Lock()
	p := c.progress
	c.mu.Unlock()
	if p == nil {
		p = c.Env.Progress
	}
	if p != nil {
		p(ev)
	}
}

// CheckWrite fails when fn, a function that writes to the database, is
// called from inside the source query of another call on this connection:
// SQLite's read-only check cannot see writes a function makes through the
// connection, and a source must only read.
func (c *Conn) CheckWrite(fn string) error {
	c.mu.Lock()
	reading := c.reading
	c.mu.Unlock()
	if reading > 0 {
		return Errorf(fn, "cannot run inside the source query of another call, since a source must only read; run it as a statement of its own")
	}
	return nil
}

// beginRead marks the start of a source query; the returned func marks its end.
func (c *Conn) beginRead() func() {
	c.mu.Lock()
	c.reading++
	c.mu.Unlock()
	return func() {
		c.mu.Lock()
		c.reading--
		c.mu.Unlock()
	}
}

// ErrInterrupted reports a call stopped by sqlite3_interrupt (a cancelled
// query context, Ctrl-C in the shell).
var ErrInterrupted = errors.New("interrupted")

// Check reports whether the running call must stop: its Go context is done,
// or the statement was interrupted. It must run on the calling goroutine.
func (c *Conn) Check() error {
	c.mu.Lock()
	ctx := c.ctx
	c.mu.Unlock()
	if ctx != nil {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	// sqlite3_interrupt is not visible to a Go loop; a nested statement on
	// the same connection fails once the outer one was interrupted.
	if _, err := c.SQL.Exec("SELECT 1", nil); err != nil {
		if strings.Contains(err.Error(), "interrupt") {
			return ErrInterrupted
		}
		return err
	}
	return nil
}

// Doc describes one SQL function for users (the shell's .functions, the
// README): its signature and a one-line meaning.
type Doc struct {
	Name      string
	Signature string
	Summary   string
	Kind      string // "scalar" or "table"
}

var (
	docsMu sync.Mutex
	docs   = map[string]Doc{}
)

// Describe records the documentation of a SQL function.
func Describe(d Doc) {
	docsMu.Lock()
	docs[d.Name] = d
	docsMu.Unlock()
}

// Docs returns the documentation of every registered SQL function, by name.
func Docs() []Doc {
	docsMu.Lock()
	defer docsMu.Unlock()
	out := make([]Doc, 0, len(docs))
	for _, d := range docs {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// ScalarFunc is the shape of every marketsql scalar function.
type ScalarFunc func(c *Conn, args []any) (any, error)

// RegisterScalar registers fn under name on c's connection. Deterministic
// functions may be evaluated once per statement for constant arguments and
// may appear in indexes and generated columns; a function whose result
// depends on a stored model is not deterministic in that sense, since
// retraining would leave such stored values stale.
// A panic in fn becomes a SQL error; it never crosses into SQLite.
func RegisterScalar(c *Conn, d Doc, deterministic bool, fn ScalarFunc) error {
	d.Kind = "scalar"
	Describe(d)
	name := d.Name
	impl := func(args ...any) (res any, err error) {
		defer Recover(name, &err)
		return fn(c, args)
	}
	if err := c.SQL.RegisterFunc(name, impl, deterministic); err != nil {
		return fmt.Errorf("register %s: %w", name, err)
	}
	return nil
}

// Recover turns a panic into an error prefixed with the function name. Use
// as `defer core.Recover(name, &err)`.
func Recover(name string, err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: internal error: %v (please report this with the statement that caused it)\n%s", name, r, firstFrames(debug.Stack()))
	}
}

func firstFrames(stack []byte) string {
	lines := strings.Split(string(stack), "\n")
	if len(lines) > 12 {
		lines = lines[:12]
	}
	return strings.Join(lines, "\n")
}

// Errorf formats a user-facing error of function fn.
func Errorf(fn, format string, args ...any) error {
	return fmt.Errorf(fn+": "+format, args...)
}
