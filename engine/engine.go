// Package engine opens marketsql databases: SQLite files (or :memory:) on
// which every marketsql SQL function is registered and whose model catalog is
// created and migrated. It also offers typed Go calls that train models with
// the same code the SQL functions use.
package engine

import (
	"database/sql"
	"fmt"
)

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
}

// Engine is an open marketsql database.
type Engine struct {
	db   *sql.DB
	path string
}

// Open opens (creating if needed) the database at path, or an in-memory
// database for ":memory:" or "".
func Open(path string, opts *Options) (*Engine, error) {
	return nil, fmt.Errorf("engine: not implemented yet")
}

// DB returns the database handle. Every connection it hands out has the
// marketsql functions registered.
func (e *Engine) DB() *sql.DB { return e.db }

// Close closes the database.
func (e *Engine) Close() error { return e.db.Close() }
