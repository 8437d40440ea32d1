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

	"github.com/seed-a084b42d/marketsql/udf/sqlext"
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
	// NoFileAccess switches off the functions that read or write files
	// (ml_import, ml_export) on every connection of the env.
	NoFileAccess bool
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
	SQL *sqlext.Conn
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
func NewConn(c *sqlext.Conn, env *Env) *Conn {
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
// query context, Ctrl-C in the shell). SQLite's own SQLITE_INTERRUPT errors
// match it too (errors.Is).
var ErrInterrupted = sqlext.ErrInterrupted

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
	if c.SQL.Interrupted() {
		return ErrInterrupted
	}
	return nil
}

// Context returns the context to hand to the algorithms a call runs: it is
// how every way of stopping a call (sqlite3_interrupt from any host, Ctrl-C
// in the shell, a cancelled Go API context) reaches them.
//
// Its Err reports the Go API context's error (context.Canceled or
// context.DeadlineExceeded) or, once the statement was interrupted,
// ErrInterrupted; errors.Is finds either through the algorithms' wrapping,
// and TrainError words them. Err polls SQLite, which before 3.41 means
// running a statement on the connection, so it must be called on the
// calling goroutine only: algorithms poll ctx.Err() there between chunks of
// work and never from their worker goroutines. Polls of SQLite closer
// together than pollInterval are skipped, so polling often is cheap. Done
// is the Go API context's Done channel, or nil for a plain SQL call, whose
// interrupt can only be polled; a context derived from this one with
// context.WithCancel does not see interrupts, so pass this one itself.
func (c *Conn) Context() context.Context {
	c.mu.Lock()
	parent := c.ctx
	c.mu.Unlock()
	if parent == nil {
		parent = context.Background()
	}
	return &callContext{Context: parent, interrupted: c.SQL.Interrupted}
}

// pollInterval is the least time between two polls of SQLite's interrupt
// flag by a call's context: Ctrl-C is seen within about this much more
// time, and a loop that polls every few microseconds pays for a poll every
// pollInterval only.
const pollInterval = time.Millisecond

// callContext is the context of Conn.Context: its parent's deadline,
// values and Done channel, and an Err that also polls interrupted.
type callContext struct {
	context.Context // the Go API's context, or context.Background
	interrupted     func() bool
	// now is the clock of the poll throttle; nil means time.Now.
	now  func() time.Time
	last time.Time // of the last poll of interrupted
	err  error     // once set, every later Err returns it
}

func (x *callContext) Err() error {
	if x.err != nil {
		return x.err
	}
	if err := x.Context.Err(); err != nil {
		x.err = err
		return err
	}
	now := x.clock()
	if !x.last.IsZero() && now.Sub(x.last) < pollInterval {
		return nil
	}
	x.last = now
	if x.interrupted() {
		x.err = ErrInterrupted
	}
	return x.err
}

func (x *callContext) clock() time.Time {
	if x.now != nil {
		return x.now()
	}
	return time.Now()
}

// Doc describes one SQL function for users (the shell's .functions, the
// README): its signature and a one-line meaning.
type Doc struct {
	Name      string
	Signature string
	Summary   string
	Kind      string // "scalar" or "table"
}

// Function declares one SQL function of a family: its documentation and
// its implementation, either Scalar or Table. A family lists its functions
// in one table; registration, the shell's .functions and the Go API's
// function list all come from it.
type Function struct {
	Name      string
	Signature string
	Summary   string
	// Deterministic marks a scalar function whose result depends only on
	// its arguments: SQLite may then evaluate it once for constant
	// arguments and allow it in indexes and generated columns. A function
	// whose result depends on a stored model is not, since retraining
	// would leave such stored values stale.
	Deterministic bool
	// Writes marks a function that changes the database (training,
	// dropping a model). SQLite then allows it only in top-level SQL, never
	// in a view, trigger or schema, where whoever wrote a database file
	// could make it run when someone else merely reads that file.
	Writes bool
	// Files marks a function that reads or writes files (ml_import,
	// ml_export): allowed only in top-level SQL, as Writes, and refused
	// where the host switched file access off (CheckFileAccess).
	Files  bool
	Scalar ScalarFunc
	Table  *TableFunc
}

// Doc returns the function's documentation.
func (f *Function) Doc() Doc {
	kind := "scalar"
	if f.Table != nil {
		kind = "table"
	}
	return Doc{Name: f.Name, Signature: f.Signature, Summary: f.Summary, Kind: kind}
}

// Docs returns the documentation of fns, sorted by name.
func Docs(fns ...[]Function) []Doc {
	var out []Doc
	for _, list := range fns {
		for i := range list {
			out = append(out, list[i].Doc())
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Register registers every function of fns on c; the error joins every
// registration that failed.
func Register(c *Conn, fns []Function) error {
	var errs []error
	for i := range fns {
		f := &fns[i]
		var err error
		switch {
		case f.Table != nil:
			err = registerTable(c, f)
		case f.Scalar != nil:
			err = registerScalar(c, f)
		default:
			err = fmt.Errorf("register %s: neither scalar nor table", f.Name)
		}
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// ScalarFunc is the shape of every marketsql scalar function.
type ScalarFunc func(c *Conn, args []any) (any, error)

// registerScalar registers f on c's connection. A panic in f becomes a SQL
// error; it never crosses into SQLite.
func registerScalar(c *Conn, f *Function) error {
	name, fn := f.Name, f.Scalar
	impl := func(_ *sqlext.Context, args []any) (res any, err error) {
		defer Recover(name, &err)
		return fn(c, args)
	}
	var flags sqlext.Flags
	if f.Deterministic {
		flags |= sqlext.Deterministic
	}
	if f.Writes || f.Files {
		flags |= sqlext.DirectOnly
	}
	return c.SQL.CreateFunction(name, -1, flags, impl)
}

// CheckFileAccess returns an error naming fn when the host switched off the
// functions that read or write files: the engine's Options.NoFileAccess,
// or the extension loaded through its sqlite3_marketsql_nofiles_init entry
// point.
func (c *Conn) CheckFileAccess(fn string) error {
	if (c.Env != nil && c.Env.NoFileAccess) || (c.SQL != nil && c.SQL.NoFileAccess) {
		return Errorf(fn, "reading and writing files is switched off on this connection by the program that opened it; ask its owner, or use marketsql's own shell")
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
