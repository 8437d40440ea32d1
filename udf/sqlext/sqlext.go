// Package sqlext is marketsql's own thin binding to SQLite's extension
// interface (sqlite3ext.h): the routine table a host SQLite hands to an
// extension's init function. Through it the SQL function families register
// scalar and table-valued functions, read their arguments, set results,
// keep auxiliary data, run statements on the calling connection and notice
// interrupts, without knowing which SQLite hosts them.
//
// Two hosts call the same entry point (sqlext_entry in sqlext.h):
//   - the engine attaches it to the SQLite that mattn/go-sqlite3 embeds,
//     with sqlite3_auto_extension, so every connection of a Go program gets
//     the functions;
//   - the loadable extension (bin/marketsql.so) calls it from its
//     sqlite3_marketsql_init, so the stock sqlite3 CLI, Python or Node get
//     them with .load or load_extension.
//
// This package links no SQLite: every call goes through the routine table.
// The header files beside it are SQLite's own (public domain), from the
// version mattn/go-sqlite3 bundles; calls that an older host lacks are
// guarded by its version number.
package sqlext

/*
#include <stdlib.h>
#include "sqlext.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"runtime/cgo"
	"sync"
	"unsafe"
)

// ConnectionFunction is the SQL function that returns the id of the
// connection it runs on, for Lookup: how a host that opened the connection
// (the engine, through database/sql) finds its state without reaching into
// the driver. It is not part of the documented SQL surface.
const ConnectionFunction = "marketsql_connection"

var (
	regMu     sync.Mutex
	byDB      = map[*C.sqlite3]*Conn{}
	byID      = map[int64]*Conn{}
	nextID    int64
	onConnect func(*Conn) error
)

// OnConnect sets the function that registers everything on a new
// connection. It is called once per connection, from the connection's
// thread, when the host runs the extension entry point.
func OnConnect(f func(*Conn) error) {
	regMu.Lock()
	onConnect = f
	regMu.Unlock()
}

// Lookup returns the connection whose id ConnectionFunction reported, or nil.
func Lookup(id int64) *Conn {
	regMu.Lock()
	defer regMu.Unlock()
	return byID[id]
}

// CompileOption reports whether the host SQLite was compiled with option
// (sqlite3_compileoption_used; the SQLITE_ prefix is optional).
func CompileOption(option string) bool {
	co := C.CString(option)
	defer C.free(unsafe.Pointer(co))
	return C.sqlext_compileoption_used(co) != 0
}

//export sqlextGoInit
func sqlextGoInit(db *C.sqlite3, pzErr **C.char, noFiles C.int) (rc C.int) {
	fail := func(err error) C.int {
		if pzErr != nil {
			msg := C.CString(err.Error())
			*pzErr = C.sqlext_mprintf(msg)
			C.free(unsafe.Pointer(msg))
		}
		return C.SQLITE_ERROR
	}
	defer func() {
		if r := recover(); r != nil {
			rc = fail(fmt.Errorf("marketsql: internal error while loading: %v", r))
		}
	}()
	regMu.Lock()
	if c, done := byDB[db]; done {
		// Loaded twice into one connection: everything is registered
		// already. A second load may switch file access off, never on.
		if noFiles != 0 {
			c.NoFileAccess = true
		}
		regMu.Unlock()
		return C.SQLITE_OK
	}
	nextID++
	c := &Conn{db: db, id: nextID, NoFileAccess: noFiles != 0}
	byDB[db], byID[c.id] = c, c
	f := onConnect
	regMu.Unlock()

	// The connection's id function is registered first; SQLite releases it
	// when the connection closes, and the connection is forgotten then.
	forget := func() {
		regMu.Lock()
		if byDB[db] == c {
			delete(byDB, db)
		}
		delete(byID, c.id)
		regMu.Unlock()
	}
	id := c.id
	err := c.createFunction(ConnectionFunction, 0, DirectOnly, func(*Context, []any) (any, error) { return id, nil }, forget)
	if err == nil && f != nil {
		err = f(c)
	}
	if err != nil {
		forget()
		return fail(err)
	}
	// No statement runs here: the host has not set its busy timeout yet
	// when it opens a connection, so any statement (even one that touches
	// no table but loads the schema) would fail at once with "database is
	// locked" while another connection commits, and SQLite's open fails
	// when an automatic extension leaves an error code behind.
	return C.SQLITE_OK
}

//export sqlextGoRelease
func sqlextGoRelease(h C.uintptr_t) {
	if h == 0 {
		return
	}
	hd := cgo.Handle(h)
	if r, ok := hd.Value().(interface{ release() }); ok {
		r.release()
	}
	hd.Delete()
}

// Conn is one SQLite connection as the extension sees it. Its methods must
// run on the thread that SQLite called into (inside a function call on the
// connection, or while the host does not use the connection otherwise).
type Conn struct {
	db *C.sqlite3
	id int64
	// State is what the OnConnect function keeps for the connection (the
	// families' per-connection state), for whoever finds it by Lookup.
	State any
	// NoFileAccess is set when the host loaded the extension through
	// sqlext_entry_nofiles: functions that read or write files refuse.
	NoFileAccess bool
}

// ID identifies the connection for Lookup.
func (c *Conn) ID() int64 { return c.id }

// Handle returns the connection's sqlite3* for C code that calls SQLite
// through the routine table (sqlext.h).
func (c *Conn) Handle() unsafe.Pointer { return unsafe.Pointer(c.db) }

// Result codes the callers tell apart.
const (
	codeError     = C.SQLITE_ERROR
	codeInterrupt = C.SQLITE_INTERRUPT
	codeBusy      = C.SQLITE_BUSY
	codeReadOnly  = C.SQLITE_READONLY
	codeRow       = C.SQLITE_ROW
	codeDone      = C.SQLITE_DONE
)

// Error is an error SQLite reported.
type Error struct {
	Code int    // primary result code, e.g. 9 for SQLITE_INTERRUPT
	Msg  string // sqlite3_errmsg
}

func (e *Error) Error() string { return e.Msg }

// ResultCode returns SQLite's primary result code, so that packages that
// cannot import this one (the catalog) tell errors apart by code, not text.
func (e *Error) ResultCode() int { return e.Code }

// ErrInterrupted matches (with errors.Is) an error SQLite reported because
// the statement was interrupted.
var ErrInterrupted = errors.New("interrupted")

// Is makes errors.Is(err, ErrInterrupted) true for SQLITE_INTERRUPT.
func (e *Error) Is(target error) bool {
	return target == ErrInterrupted && e.Code == codeInterrupt
}

// IsReadOnly reports whether err is SQLite refusing a write to a read-only
// database.
func IsReadOnly(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == codeReadOnly
}

func (c *Conn) lastError(rc C.int) error {
	return &Error{Code: int(rc) & 0xff, Msg: C.GoString(C.sqlext_errmsg(c.db))}
}
