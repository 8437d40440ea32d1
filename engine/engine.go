// Package engine opens marketsql databases: SQLite files (or :memory:) on
// whose every connection the marketsql SQL functions are registered, through
// the same extension entry point a host loading bin/marketsql.so runs
// (attached to the embedded SQLite with sqlite3_auto_extension). It also
// offers typed Go calls that train models with the same code the SQL
// functions use. It is the only package that knows the driver,
// mattn/go-sqlite3.
package engine

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
	"weak"

	sqlite3 "github.com/mattn/go-sqlite3"

	"github.com/seed-a084b42d/marketsql/catalog"
	"github.com/seed-a084b42d/marketsql/udf"
	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/sqlext"
)

// Errors the Go API returns, wrapped, for errors.Is. A call whose context is
// cancelled or times out returns ctx.Err() (context.Canceled or
// context.DeadlineExceeded), wrapped, and leaves the previous model in place.
var (
	// ErrReadOnly: the database cannot be written (opened read-only, mode=ro,
	// or PRAGMA query_only), so nothing can be trained or dropped.
	ErrReadOnly = catalog.ErrReadOnly
	// ErrDamagedModel: a model's stored parameters fail their checks.
	ErrDamagedModel = catalog.ErrDamaged
	// ErrModelFormat: a model was stored by a newer format than this build reads.
	ErrModelFormat = catalog.ErrFormat
	// ErrInWriteStatement: a training or drop was called from inside a
	// statement that itself writes (INSERT ... SELECT, CREATE TABLE ... AS).
	ErrInWriteStatement = catalog.ErrInWriteStatement
)

// DriverName is the database/sql driver under which marketsql registers
// itself: sql.Open("marketsql", "shop.db") gives a pool on which every
// marketsql function is available (with default options; the catalog is
// created on first training).
const DriverName = "marketsql"

func init() {
	sql.Register(DriverName, &dsnDriver{})
}

// connHook is the driver's hook on each new connection: the entry point has
// already registered the functions (sqlite3_auto_extension); it finds the
// connection's marketsql state through the id function, gives it env and
// remembers it for the Go API.
func connHook(env *core.Env, conns *sync.Map) func(*sqlite3.SQLiteConn) error {
	return func(c *sqlite3.SQLiteConn) error {
		st, err := stateOf(c)
		if err != nil {
			return err
		}
		st.Env = env
		if conns != nil {
			conns.Store(weak.Make(c), weak.Make(st))
		}
		return nil
	}
}

// stateOf finds a connection's marketsql state through the id function the
// entry point registers on every connection.
func stateOf(c *sqlite3.SQLiteConn) (*core.Conn, error) {
	rows, err := c.Query("SELECT "+sqlext.ConnectionFunction+"()", nil)
	if err != nil {
		return nil, fmt.Errorf("engine: the marketsql functions are not registered on this connection: %w", err)
	}
	defer rows.Close()
	v := make([]driver.Value, 1)
	if err := rows.Next(v); err != nil {
		return nil, fmt.Errorf("engine: read connection id: %w", err)
	}
	id, _ := v[0].(int64)
	st := udf.Conn(id)
	if st == nil {
		return nil, fmt.Errorf("engine: connection %d has no marketsql state", id)
	}
	return st, nil
}

// Progress reports the state of a long call (a training). A progress
// callback receives it on the goroutine running the call and should return
// quickly; it only observes: to stop a call, cancel its context (or
// interrupt its statement).
type Progress struct {
	// Function is the SQL function or Go method reporting, e.g.
	// "kmeans_train" or "TrainKMeans".
	Function string
	// Model is the name of the model being trained; empty when there is none.
	Model string
	// Phase names the step under way, e.g. "read", "init", "iterate",
	// "metrics", "write".
	Phase string
	// Done counts the units of the phase done so far (rows, iterations,
	// items); Total is their number, 0 when it is not known in advance.
	Done  float64
	Total float64
	// Elapsed is the time since the call started; 0 in events that do not
	// measure it.
	Elapsed time.Duration
	// Detail is a short human-readable note, e.g. "run 1/10 iteration 7".
	Detail string
	// Iteration numbers the step of an iterative phase: the k-means
	// iteration of the current run (while "init" chooses centroids, the
	// centroid), the LDA pass, the ALS sweep; 0 outside one.
	Iteration int
}

// progressHook adapts a Progress callback to the udf layer's hook; nil
// stays nil.
func progressHook(f func(Progress)) func(core.ProgressEvent) {
	if f == nil {
		return nil
	}
	return func(ev core.ProgressEvent) {
		f(Progress{Function: ev.Function, Model: ev.Model, Phase: ev.Phase, Done: ev.Done, Total: ev.Total,
			Elapsed: ev.Elapsed, Detail: ev.Detail, Iteration: ev.Iteration})
	}
}

// FunctionDoc documents one marketsql SQL function.
type FunctionDoc struct {
	// Name is the SQL name, e.g. "kmeans_assign".
	Name string
	// Signature shows the arguments, e.g. "kmeans_assign(model, x1, ..., xd)".
	Signature string
	// Summary is a one-line description.
	Summary string
	// Kind is "scalar" or "table" (a table-valued function used in FROM).
	Kind string
}

// Functions lists every marketsql SQL function with its signature and a
// one-line description, from the families' tables (no database is opened).
func Functions() []FunctionDoc {
	docs := udf.Functions()
	out := make([]FunctionDoc, len(docs))
	for i, d := range docs {
		out[i] = FunctionDoc{Name: d.Name, Signature: d.Signature, Summary: d.Summary, Kind: d.Kind}
	}
	return out
}

// Options configures Open. A nil *Options means the defaults.
type Options struct {
	// BusyTimeoutMillis is how long a connection waits for a lock held by
	// another connection before failing with "database is locked"; 0 means 7000.
	BusyTimeoutMillis int
	// MaxConns bounds the connection pool; 0 means 4 (always 1 for :memory:,
	// where every connection would otherwise see its own empty database).
	MaxConns int
	// ReadOnly opens the file read-only; training functions then fail.
	ReadOnly bool
	// Progress, if set, receives progress events of long SQL calls (training)
	// on every connection. It runs on the goroutine executing the statement.
	Progress func(Progress)
	// Threads bounds the worker goroutines of numeric kernels; 0 means all cores.
	Threads int
	// NoFileAccess switches off the SQL functions that read or write files
	// (ml_import, ml_export) on every connection: set it when the program
	// runs SQL that its users write.
	NoFileAccess bool
}

// Engine is an open marketsql database.
type Engine struct {
	db    *sql.DB
	path  string
	env   *core.Env
	conns sync.Map // weak.Pointer[sqlite3.SQLiteConn] -> weak.Pointer[core.Conn]
}

// Open opens (creating if needed) the database at path, or an in-memory
// database for ":memory:" or "". Connections get a busy timeout and
// immediate write transactions. Opening writes nothing: the file keeps its
// journal mode, and the model catalog appears with the first training.
func Open(path string, opts *Options) (*Engine, error) {
	if opts == nil {
		opts = &Options{}
	}
	if err := attach(); err != nil {
		return nil, err
	}
	e := &Engine{path: path, env: &core.Env{Progress: progressHook(opts.Progress), Threads: opts.Threads, NoFileAccess: opts.NoFileAccess}}
	memory := path == "" || path == ":memory:"
	dsn := buildDSN(path, memory, opts)
	drv := &sqlite3.SQLiteDriver{ConnectHook: connHook(e.env, &e.conns)}
	e.db = sql.OpenDB(&connector{drv: drv, dsn: dsn})
	n := opts.MaxConns
	if n <= 0 {
		n = 4
	}
	if memory {
		n = 1
	}
	// Per-connection state (registered functions, model caches) lives as
	// long as the connection: keep idle connections instead of reopening.
	e.db.SetMaxOpenConns(n)
	e.db.SetMaxIdleConns(n)
	if err := e.db.Ping(); err != nil {
		e.db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return e, nil
}

func buildDSN(path string, memory bool, opts *Options) string {
	busy := opts.BusyTimeoutMillis
	if busy <= 0 {
		busy = 7000
	}
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busy))
	q.Set("_txlock", "immediate")
	q.Set("_foreign_keys", "1")
	if memory {
		return "file::memory:?" + q.Encode()
	}
	// Opening writes nothing: the journal mode stays what the file has.
	if opts.ReadOnly {
		q.Set("mode", "ro")
	}
	return "file:" + escapePath(path) + "?" + q.Encode()
}

// escapePath keeps a file name intact inside a file: URI.
func escapePath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
}

type connector struct {
	drv *sqlite3.SQLiteDriver
	dsn string
}

func (c *connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c *connector) Driver() driver.Driver                        { return c.drv }

// dsnDriver serves sql.Open("marketsql", path): a plain path gets the same
// settings as Open. Each sql.Open of ":memory:" (or "") gets its own
// in-memory database shared by all the connections of its pool, as with
// Open, instead of one empty database per pooled connection.
type dsnDriver struct{}

var memoryDatabases atomic.Int64

func (d dsnDriver) Open(name string) (driver.Conn, error) {
	c, err := d.OpenConnector(name)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// OpenConnector is called once per sql.Open.
func (dsnDriver) OpenConnector(name string) (driver.Connector, error) {
	if err := attach(); err != nil {
		return nil, err
	}
	drv := &sqlite3.SQLiteDriver{ConnectHook: connHook(&core.Env{}, nil)}
	dsn := name
	switch {
	case name == "" || name == ":memory:":
		dsn = fmt.Sprintf("file:marketsql-memory-%d?mode=memory&cache=shared&_busy_timeout=7000", memoryDatabases.Add(1))
	case !strings.HasPrefix(name, "file:"):
		dsn = buildDSN(name, false, &Options{})
	}
	return &connector{drv: drv, dsn: dsn}, nil
}

// DB returns the database handle. Every connection it hands out has the
// marketsql functions registered.
func (e *Engine) DB() *sql.DB { return e.db }

// Path returns the path the engine was opened with.
func (e *Engine) Path() string { return e.path }

// Close closes the database.
func (e *Engine) Close() error { return e.db.Close() }

// withConn runs body on one pooled connection's marketsql state, with ctx
// cancelling long work and progress receiving its events.
func (e *Engine) withConn(ctx context.Context, fn string, progress func(Progress), body func(*core.Conn) error) error {
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", fn, err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		sc, ok := dc.(*sqlite3.SQLiteConn)
		if !ok {
			return fmt.Errorf("%s: unexpected driver connection %T", fn, dc)
		}
		v, ok := e.conns.Load(weak.Make(sc))
		var st *core.Conn
		if ok {
			st = v.(weak.Pointer[core.Conn]).Value()
		}
		if st == nil {
			return fmt.Errorf("%s: connection has no marketsql state", fn)
		}
		return st.WithCall(ctx, progressHook(progress), func() error { return body(st) })
	})
}

// SQLiteHandle returns the sqlite3* of a driver connection handed out by an
// engine's pool (inside sql.Conn.Raw), for code that drives SQLite's C API
// directly, such as the shell. It is nil for other connections.
func SQLiteHandle(driverConn any) unsafe.Pointer {
	c, ok := driverConn.(*sqlite3.SQLiteConn)
	if !ok {
		return nil
	}
	st, err := stateOf(c)
	if err != nil {
		return nil
	}
	return st.SQL.Handle()
}
