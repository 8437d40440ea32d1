// Package catalog is where models live in a marketsql database: the ml_*
// tables and their migrations, the versioned and checksummed encoding of model
// parameters, and reading and writing models atomically. It knows neither the
// SQL functions that use it nor the mathematics of the models.
package catalog

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// SchemaVersion is the catalog schema this build creates and reads.
// Version 2 added ml_kmeans_centroids.source_cluster: the cluster's own
// index in the model it was imported from (NULL for a model trained here).
// Version 3 added ml_evaluations, the latest result of each evaluation
// function per subject.
const SchemaVersion = 3

// Conn is the part of a SQLite connection the catalog uses. SQL functions
// pass the connection they run on, so the catalog sees the caller's
// transaction. The errors it returns carry SQLite's result code through a
// ResultCode() int method (as udf/sqlext's do): the catalog recognizes a
// read-only database or an interrupted statement by code, never by text.
type Conn interface {
	Exec(query string, args []driver.Value) (driver.Result, error)
	Query(query string, args []driver.Value) (driver.Rows, error)
}

// SQLite's primary result codes the catalog tells apart.
const (
	codeError     = 1
	codeBusy      = 5
	codeReadOnly  = 8
	codeInterrupt = 9
)

// resultCode returns SQLite's primary result code carried by err, or 0.
func resultCode(err error) int {
	var coded interface{ ResultCode() int }
	if errors.As(err, &coded) {
		return coded.ResultCode() & 0xff
	}
	return 0
}

// ErrModelNotFound reports a model name with no row in ml_models.
var ErrModelNotFound = errors.New("model not found")

// ErrInWriteStatement reports a catalog write attempted from inside a
// statement that itself writes: SQLite opens no savepoint there.
var ErrInWriteStatement = errors.New("cannot write the catalog from inside a statement that itself writes (INSERT ... SELECT, CREATE TABLE ... AS, UPDATE); call the function in a SELECT of its own")

// ErrReadOnly reports a database that cannot be written.
var ErrReadOnly = errors.New("the database is read-only (opened with -readonly or mode=ro, or PRAGMA query_only is on); open it read-write to train or drop models")

// ErrSchemaTooNew reports a database written by a newer marketsql.
var ErrSchemaTooNew = errors.New("catalog schema is newer than this build")

var nameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// CheckName reports whether name is a valid model name.
func CheckName(name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("invalid model name %q: use letters, digits and _ (at most 64, not starting with a digit)", name)
	}
	return nil
}

// SideTable is a readable per-model table kept for BI tools; every row's
// "model" column names its model, so dropping a model deletes its rows.
type SideTable struct {
	Name string
	DDL  string
}

// SideTables lists every per-model table, in creation order.
var SideTables = []SideTable{
	{"ml_kmeans_centroids", `CREATE TABLE IF NOT EXISTS ml_kmeans_centroids(
  model   TEXT    NOT NULL,
  cluster INTEGER NOT NULL,
  feature TEXT    NOT NULL,
  value   REAL    NOT NULL,
  source_cluster INTEGER, -- the cluster's index in the imported model (Spark's 0-based clusterIdx, PMML's id); NULL when trained here
  PRIMARY KEY (model, cluster, feature)
) WITHOUT ROWID`},
	{"ml_kmeans_assignments", `CREATE TABLE IF NOT EXISTS ml_kmeans_assignments(
  model    TEXT    NOT NULL,
  key               NOT NULL, -- no type: INTEGER and TEXT keys stay as they are
  cluster  INTEGER NOT NULL,
  distance REAL    NOT NULL,
  PRIMARY KEY (model, key)
) WITHOUT ROWID`},
	{"ml_lda_topic_words", `CREATE TABLE IF NOT EXISTS ml_lda_topic_words(
  model  TEXT    NOT NULL,
  topic  INTEGER NOT NULL,
  rank   INTEGER NOT NULL,
  word   TEXT    NOT NULL,
  weight REAL    NOT NULL,
  PRIMARY KEY (model, topic, rank)
) WITHOUT ROWID`},
	{"ml_lda_doc_topics", `CREATE TABLE IF NOT EXISTS ml_lda_doc_topics(
  model  TEXT    NOT NULL,
  doc_id          NOT NULL, -- no type: INTEGER and TEXT keys stay as they are
  topic  INTEGER NOT NULL,
  weight REAL    NOT NULL,
  PRIMARY KEY (model, doc_id, topic)
) WITHOUT ROWID`},
	{"ml_clv_customers", `CREATE TABLE IF NOT EXISTS ml_clv_customers(
  model              TEXT NOT NULL,
  customer                NOT NULL, -- no type: INTEGER and TEXT keys stay as they are
  frequency          REAL NOT NULL, -- repeat purchase periods in the calibration
  recency            REAL NOT NULL, -- first purchase to last, in the model's time unit
  T                  REAL NOT NULL, -- first purchase to the end of calibration
  monetary           REAL,          -- average value of the repeat purchases; NULL without amounts
  p_alive            REAL NOT NULL,
  expected_purchases REAL NOT NULL, -- over horizon
  expected_avg_value REAL,          -- NULL without a spend model
  clv                REAL,          -- discounted value over horizon; NULL without a spend model
  horizon            REAL NOT NULL, -- in the model's time unit
  holdout_purchases  REAL,          -- purchases in the holdout period; NULL without one
  PRIMARY KEY (model, customer)
) WITHOUT ROWID`},
	{"ml_assoc_rules", `CREATE TABLE IF NOT EXISTS ml_assoc_rules(
  model      TEXT    NOT NULL,
  rule       INTEGER NOT NULL, -- the rule's number in assoc_rules (1 = highest lift)
  side       TEXT    NOT NULL, -- 'antecedent' or 'consequent'
  item               NOT NULL, -- no type: INTEGER and TEXT keys stay as they are
  support    REAL    NOT NULL,
  confidence REAL    NOT NULL,
  lift       REAL    NOT NULL,
  PRIMARY KEY (model, rule, side, item)
) WITHOUT ROWID`},
}

// timeLayout is how created_at columns store a time: ISO-8601 in UTC with
// milliseconds.
const timeLayout = "2006-01-02T15:04:05.000Z"

const modelsDDL = `CREATE TABLE IF NOT EXISTS ml_models(
  name          TEXT    PRIMARY KEY,
  kind          TEXT    NOT NULL,
  version       INTEGER NOT NULL,
  created_at    TEXT    NOT NULL,
  source        TEXT    NOT NULL,
  options       TEXT    NOT NULL,
  metrics       TEXT    NOT NULL,
  n_rows        INTEGER NOT NULL,
  train_seconds REAL    NOT NULL,
  format        INTEGER NOT NULL,
  params        BLOB    NOT NULL
)`

const evaluationsDDL = `CREATE TABLE IF NOT EXISTS ml_evaluations(
  subject    TEXT NOT NULL, -- what was evaluated: a model name, or a source as given (trimmed)
  function   TEXT NOT NULL, -- the SQL function, e.g. 'recommend_eval', 'kmeans_select_k'
  args       TEXT NOT NULL, -- JSON object: the call's other arguments
  result     TEXT NOT NULL, -- JSON: what the function returned
  created_at TEXT NOT NULL, -- ISO-8601 UTC with milliseconds, as ml_models.created_at
  PRIMARY KEY (subject, function)
)`

// Migrate creates the catalog tables that are missing and records the schema
// version. It fails with ErrSchemaTooNew on a database from a newer build.
func Migrate(c Conn) error {
	v, err := schemaVersion(c)
	if err != nil {
		return err
	}
	if v > SchemaVersion {
		return fmt.Errorf("%w: the database has catalog version %d, this build reads %d; upgrade marketsql", ErrSchemaTooNew, v, SchemaVersion)
	}
	if v == SchemaVersion {
		return createMissingSideTables(c)
	}
	return InTx(c, "ml_migrate", func() error {
		if v == 1 {
			// Version 1's centroids table lacks source_cluster; CREATE TABLE
			// IF NOT EXISTS below would keep it as it is.
			if _, err := c.Exec(`ALTER TABLE ml_kmeans_centroids ADD COLUMN source_cluster INTEGER`, nil); err != nil {
				return fmt.Errorf("upgrade catalog from version 1: %w", err)
			}
		}
		stmts := []string{`CREATE TABLE IF NOT EXISTS ml_schema(version INTEGER NOT NULL)`, modelsDDL}
		for _, t := range SideTables {
			stmts = append(stmts, t.DDL)
		}
		// Version 2 catalogs gain ml_evaluations here, empty.
		stmts = append(stmts, evaluationsDDL)
		stmts = append(stmts, `DELETE FROM ml_schema`, fmt.Sprintf(`INSERT INTO ml_schema(version) VALUES (%d)`, SchemaVersion))
		for _, s := range stmts {
			if _, err := c.Exec(s, nil); err != nil {
				return fmt.Errorf("create catalog: %w", err)
			}
		}
		return nil
	})
}

// createMissingSideTables adds side tables that a newer build of the same
// schema version introduced (CREATE TABLE IF NOT EXISTS; nothing is written
// when they are all there).
func createMissingSideTables(c Conn) error {
	for _, t := range SideTables {
		var n int64
		if _, err := queryRow(c, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, []driver.Value{t.Name}, &n); err != nil {
			return err
		}
		if n == 0 {
			if _, err := c.Exec(t.DDL, nil); err != nil {
				return fmt.Errorf("create catalog table %s: %w", t.Name, err)
			}
		}
	}
	return nil
}

// schemaVersion returns the recorded catalog version, 0 when there is none.
func schemaVersion(c Conn) (int64, error) {
	var v int64
	found, err := queryRow(c, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'ml_schema'`, nil, &v)
	if err != nil || !found || v == 0 {
		return 0, err
	}
	v = 0
	_, err = queryRow(c, `SELECT max(version) FROM ml_schema`, nil, &v)
	return v, err
}

// Model is one row of ml_models.
type Model struct {
	Name         string
	Kind         string
	Version      int64
	CreatedAt    time.Time
	Source       string
	Options      string // JSON
	Metrics      string // JSON
	NRows        int64
	TrainSeconds float64
	Format       int64
	Params       []byte // envelope from Seal
}

// Stamp identifies one trained version of a model; it changes whenever the
// model is retrained or replaced, so caches can tell a stale copy.
type Stamp struct {
	Version   int64
	CreatedAt string
	Checksum  string
}

// Put writes m as the model of its name, replacing an earlier one. Its
// version becomes the earlier version plus one. Callers wrap Put and the
// side-table writes in one InTx so readers see all or nothing.
func Put(c Conn, m *Model) error {
	if err := CheckName(m.Name); err != nil {
		return err
	}
	var prev int64
	if _, err := queryRow(c, `SELECT version FROM ml_models WHERE name = ?`, []driver.Value{m.Name}, &prev); err != nil {
		return err
	}
	m.Version = prev + 1
	m.Format = FormatVersion
	_, err := c.Exec(`INSERT OR REPLACE INTO ml_models(name, kind, version, created_at, source, options, metrics, n_rows, train_seconds, format, params)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, []driver.Value{
		m.Name, m.Kind, m.Version, m.CreatedAt.UTC().Format(timeLayout), m.Source, m.Options, m.Metrics,
		m.NRows, m.TrainSeconds, m.Format, m.Params,
	})
	if err != nil {
		return fmt.Errorf("save model %q: %w", m.Name, err)
	}
	return nil
}

// Get reads the model called name; ErrModelNotFound when there is none.
func Get(c Conn, name string) (*Model, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	if ok, err := hasCatalog(c); err != nil {
		return nil, err
	} else if !ok {
		return nil, fmt.Errorf("%w: %q (this database has no trained models)", ErrModelNotFound, name)
	}
	var m Model
	var created string
	found, err := queryRow(c, `SELECT name, kind, version, created_at, source, options, metrics, n_rows, train_seconds, format, params
FROM ml_models WHERE name = ?`, []driver.Value{name},
		&m.Name, &m.Kind, &m.Version, &created, &m.Source, &m.Options, &m.Metrics, &m.NRows, &m.TrainSeconds, &m.Format, &m.Params)
	if err != nil {
		return nil, fmt.Errorf("read model %q: %w", name, err)
	}
	if !found {
		return nil, fmt.Errorf("%w: %q", ErrModelNotFound, name)
	}
	m.CreatedAt, _ = time.Parse(timeLayout, created)
	return &m, nil
}

// GetStamp returns the stamp of the model called name.
func GetStamp(c Conn, name string) (Stamp, error) {
	var s Stamp
	if ok, err := hasCatalog(c); err != nil || !ok {
		if err == nil {
			err = fmt.Errorf("%w: %q", ErrModelNotFound, name)
		}
		return s, err
	}
	found, err := queryRow(c, `SELECT version, created_at, hex(substr(params, -4)) FROM ml_models WHERE name = ?`,
		[]driver.Value{name}, &s.Version, &s.CreatedAt, &s.Checksum)
	if err != nil {
		return s, err
	}
	if !found {
		return s, fmt.Errorf("%w: %q", ErrModelNotFound, name)
	}
	return s, nil
}

// Drop deletes the model called name, all its side-table rows and its
// evaluations in ml_evaluations (not those whose subject is a source that
// happens to have the model's name). It reports whether the model existed.
func Drop(c Conn, name string) (bool, error) {
	if err := CheckName(name); err != nil {
		return false, err
	}
	if ok, err := hasCatalog(c); err != nil || !ok {
		return false, err
	}
	var existed bool
	err := InTx(c, "ml_drop", func() error {
		var n int64
		if _, err := queryRow(c, `SELECT count(*) FROM ml_models WHERE name = ?`, []driver.Value{name}, &n); err != nil {
			return err
		}
		existed = n > 0
		if err := DeleteSideRows(c, name); err != nil {
			return err
		}
		if err := deleteEvaluations(c, name); err != nil {
			return err
		}
		_, err := c.Exec(`DELETE FROM ml_models WHERE name = ?`, []driver.Value{name})
		return err
	})
	if resultCode(err) == codeReadOnly {
		return existed, ErrReadOnly
	}
	return existed, err
}

// DeleteSideRows deletes the side-table rows of the model called name.
func DeleteSideRows(c Conn, name string) error {
	for _, t := range SideTables {
		if _, err := c.Exec(`DELETE FROM `+t.Name+` WHERE model = ?`, []driver.Value{name}); err != nil {
			return fmt.Errorf("delete rows of %q from %s: %w", name, t.Name, err)
		}
	}
	return nil
}

func hasTable(c Conn, name string) (bool, error) {
	var n int64
	_, err := queryRow(c, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, []driver.Value{name}, &n)
	return n > 0, err
}

func hasCatalog(c Conn) (bool, error) {
	var n int64
	_, err := queryRow(c, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'ml_models'`, nil, &n)
	return n > 0, err
}

// InTx runs fn inside a savepoint named name: all of fn's writes commit
// together, or none do when fn fails (or panics). Savepoints nest, so this
// works inside a caller's transaction and inside a running statement.
//
// When the statement that runs InTx is interrupted (sqlite3_interrupt), SQLite
// refuses to prepare any further statement on the connection, ROLLBACK TO
// included, until that statement ends; the savepoint would stay open, and
// with it a transaction holding half-written rows. So InTx prepares a guard
// up front: a write statement that matches no row. Stepping a prepared write
// statement while interrupted makes SQLite roll back the whole transaction,
// which is what InTx does when ROLLBACK TO fails. (Inside a caller's explicit
// transaction, an interrupt thus rolls back that transaction too, as SQLite
// does for any write statement it interrupts.)
func InTx(c Conn, name string, fn func() error) (err error) {
	if _, err := c.Exec(`SAVEPOINT `+name, nil); err != nil {
		return savepointError(name, err)
	}
	guard := prepareGuard(c)
	done := false
	defer func() {
		if guard != nil {
			defer guard.Close()
		}
		if done {
			return
		}
		// Roll back on error or panic; the panic continues after the rollback.
		if _, err := c.Exec(`ROLLBACK TO `+name, nil); err != nil {
			if guard != nil && resultCode(err) == codeInterrupt {
				guard.Exec(nil) // fails, rolling back the whole transaction
			}
			return
		}
		c.Exec(`RELEASE `+name, nil)
	}()
	if err = fn(); err != nil {
		return err
	}
	if _, err = c.Exec(`RELEASE `+name, nil); err != nil {
		return fmt.Errorf("commit %s: %w", name, err)
	}
	done = true
	return nil
}

// CanWrite reports whether the catalog can be written on c now: it fails
// with ErrInWriteStatement when c is running a statement that writes, as
// when a training function is called from INSERT ... SELECT. Callers check
// it before long work whose result they will store.
func CanWrite(c Conn) error {
	if _, err := c.Exec(`SAVEPOINT ml_probe`, nil); err != nil {
		return savepointError("ml_probe", err)
	}
	defer c.Exec(`RELEASE ml_probe`, nil)
	// A write that changes nothing still needs a write transaction, so it
	// fails up front on a read-only file or under PRAGMA query_only, before
	// any long training whose result could not be stored. It must be the
	// savepoint's first statement: after a read, SQLite would have to
	// upgrade a read lock to a write lock, and it does not call the busy
	// handler for that, so the probe would fail at once with "database is
	// locked" while another connection writes, instead of waiting.
	_, err := c.Exec(`UPDATE ml_schema SET version = version WHERE 0`, nil)
	if resultCode(err) == codeError {
		// No catalog yet (the only plain error this fixed statement can
		// meet): creating a table (rolled back) is the probe.
		defer c.Exec(`ROLLBACK TO ml_probe`, nil)
		_, err = c.Exec(`CREATE TABLE ml_probe_write(x)`, nil)
	}
	if err != nil {
		if resultCode(err) == codeReadOnly {
			return ErrReadOnly
		}
		return fmt.Errorf("check the catalog can be written: %w", err)
	}
	return nil
}

func savepointError(name string, err error) error {
	// SAVEPOINT takes no lock, so SQLITE_BUSY from it can only mean that a
	// statement that writes is running on this connection.
	if resultCode(err) == codeBusy {
		return ErrInWriteStatement
	}
	return fmt.Errorf("begin %s: %w", name, err)
}

// prepareGuard prepares a write statement that changes nothing, for InTx;
// nil when the catalog does not exist yet or c cannot prepare statements.
func prepareGuard(c Conn) driver.Stmt {
	p, ok := c.(interface {
		Prepare(query string) (driver.Stmt, error)
	})
	if !ok {
		return nil
	}
	st, err := p.Prepare(`UPDATE ml_schema SET version = version WHERE 0`)
	if err != nil {
		return nil
	}
	return st
}

// queryRow runs a query and scans its first row into dst (pointers to
// string, int64, float64, []byte or bool). It reports whether a row was found.
func queryRow(c Conn, query string, args []driver.Value, dst ...any) (bool, error) {
	rows, err := c.Query(query, args)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	vals := make([]driver.Value, len(rows.Columns()))
	if err := rows.Next(vals); err != nil {
		if err == io.EOF {
			return false, nil
		}
		return false, err
	}
	for i, d := range dst {
		if err := assign(d, vals[i]); err != nil {
			return true, fmt.Errorf("column %d of %q: %w", i, strings.Fields(query)[1], err)
		}
	}
	return true, nil
}

func assign(dst any, v driver.Value) error {
	switch d := dst.(type) {
	case *string:
		switch x := v.(type) {
		case string:
			*d = x
		case []byte:
			*d = string(x)
		case nil:
			*d = ""
		default:
			*d = fmt.Sprint(x)
		}
	case *int64:
		switch x := v.(type) {
		case int64:
			*d = x
		case float64:
			*d = int64(x)
		case nil:
			*d = 0
		default:
			return fmt.Errorf("want an integer, got %T", v)
		}
	case *float64:
		switch x := v.(type) {
		case float64:
			*d = x
		case int64:
			*d = float64(x)
		case nil:
			*d = 0
		default:
			return fmt.Errorf("want a number, got %T", v)
		}
	case *[]byte:
		switch x := v.(type) {
		case []byte:
			*d = append([]byte(nil), x...)
		case string:
			*d = []byte(x)
		case nil:
			*d = nil
		default:
			return fmt.Errorf("want a blob, got %T", v)
		}
	default:
		panic(fmt.Sprintf("catalog: cannot scan into %T", dst))
	}
	return nil
}
