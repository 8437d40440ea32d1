package sqlext

/*
#include <stdlib.h>
#include "sqlext.h"
*/
import "C"

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"time"
	"unsafe"
)

// Stmt is a prepared statement on the calling connection. It implements
// database/sql/driver's Stmt, so code written against driver interfaces
// (the catalog) runs on it unchanged.
type Stmt struct {
	c  *Conn
	st *C.sqlite3_stmt
}

// Prepare compiles the first statement of query.
func (c *Conn) Prepare(query string) (driver.Stmt, error) {
	st, _, err := c.prepare(query)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return nil, &Error{Code: codeError, Msg: "empty statement"}
	}
	return st, nil
}

// PrepareStmt is Prepare with the concrete type.
func (c *Conn) PrepareStmt(query string) (*Stmt, error) {
	st, err := c.Prepare(query)
	if err != nil {
		return nil, err
	}
	return st.(*Stmt), nil
}

// prepare compiles the first statement of query and returns the rest. st is
// nil when query holds only space and comments.
func (c *Conn) prepare(query string) (*Stmt, string, error) {
	cq := C.CString(query)
	defer C.free(unsafe.Pointer(cq))
	var st *C.sqlite3_stmt
	var tail C.int
	if rc := C.sqlext_prepare(c.db, cq, C.int(len(query)), &st, &tail); rc != C.SQLITE_OK {
		return nil, "", c.lastError(rc)
	}
	rest := query[int(tail):]
	if st == nil {
		return nil, rest, nil
	}
	return &Stmt{c: c, st: st}, rest, nil
}

// Exec runs every statement of query, binding args to the first one.
func (c *Conn) Exec(query string, args []driver.Value) (driver.Result, error) {
	var res driver.Result = result{}
	for first := true; ; first = false {
		st, rest, err := c.prepare(query)
		if err != nil {
			return nil, err
		}
		if st == nil {
			return res, nil
		}
		a := args
		if !first {
			a = nil
		}
		res, err = st.Exec(a)
		st.Close()
		if err != nil {
			return nil, err
		}
		query = rest
	}
}

// Query runs the single statement query with args and returns its rows.
func (c *Conn) Query(query string, args []driver.Value) (driver.Rows, error) {
	st, err := c.PrepareStmt(query)
	if err != nil {
		return nil, err
	}
	rows, err := st.query(args, true)
	if err != nil {
		st.Close()
		return nil, err
	}
	return rows, nil
}

// Close finalizes the statement.
func (s *Stmt) Close() error {
	if s.st != nil {
		C.sqlext_finalize(s.st)
		s.st = nil
	}
	return nil
}

// NumInput returns the number of parameters.
func (s *Stmt) NumInput() int { return int(C.sqlext_bind_parameter_count(s.st)) }

// Readonly reports whether the statement leaves the database unchanged
// (sqlite3_stmt_readonly).
func (s *Stmt) Readonly() bool { return C.sqlext_stmt_readonly(s.st) != 0 }

func (s *Stmt) bind(args []driver.Value) error {
	C.sqlext_reset(s.st)
	C.sqlext_clear_bindings(s.st)
	if n := s.NumInput(); len(args) != n {
		return fmt.Errorf("statement takes %d parameters, got %d", n, len(args))
	}
	for i, a := range args {
		var rc C.int
		pos := C.int(i + 1)
		switch v := a.(type) {
		case nil:
			rc = C.sqlext_bind_null(s.st, pos)
		case int64:
			rc = C.sqlext_bind_int64(s.st, pos, C.sqlite3_int64(v))
		case int:
			rc = C.sqlext_bind_int64(s.st, pos, C.sqlite3_int64(v))
		case int32:
			rc = C.sqlext_bind_int64(s.st, pos, C.sqlite3_int64(v))
		case bool:
			b := 0
			if v {
				b = 1
			}
			rc = C.sqlext_bind_int64(s.st, pos, C.sqlite3_int64(b))
		case float64:
			rc = C.sqlext_bind_double(s.st, pos, C.double(v))
		case string:
			p := C.CString(v)
			rc = C.sqlext_bind_text(s.st, pos, p, C.int(len(v)))
			C.free(unsafe.Pointer(p))
		case []byte:
			if v == nil {
				rc = C.sqlext_bind_null(s.st, pos)
				break
			}
			var p unsafe.Pointer
			if len(v) > 0 {
				p = C.CBytes(v)
			}
			rc = C.sqlext_bind_blob(s.st, pos, p, C.int(len(v)))
			C.free(p)
		case time.Time:
			t := v.UTC().Format("2006-01-02 15:04:05.999999999-07:00")
			p := C.CString(t)
			rc = C.sqlext_bind_text(s.st, pos, p, C.int(len(t)))
			C.free(unsafe.Pointer(p))
		default:
			return fmt.Errorf("cannot bind parameter %d of type %T", i+1, a)
		}
		if rc != C.SQLITE_OK {
			return s.c.lastError(rc)
		}
	}
	return nil
}

// Exec runs the statement to completion.
func (s *Stmt) Exec(args []driver.Value) (driver.Result, error) {
	if err := s.bind(args); err != nil {
		return nil, err
	}
	for {
		switch rc := C.sqlext_step(s.st); rc {
		case C.SQLITE_ROW:
			continue
		case C.SQLITE_DONE:
			C.sqlext_reset(s.st)
			return result{changes: int64(C.sqlext_changes(s.c.db)), lastID: int64(C.sqlext_last_insert_rowid(s.c.db))}, nil
		default:
			err := s.c.lastError(rc)
			C.sqlext_reset(s.st)
			return nil, err
		}
	}
}

// Query runs the statement and returns its rows; closing them leaves the
// statement open for another run.
func (s *Stmt) Query(args []driver.Value) (driver.Rows, error) { return s.query(args, false) }

func (s *Stmt) query(args []driver.Value, owns bool) (*Rows, error) {
	if err := s.bind(args); err != nil {
		return nil, err
	}
	n := int(C.sqlext_column_count(s.st))
	cols := make([]string, n)
	for i := range cols {
		cols[i] = C.GoString(C.sqlext_column_name(s.st, C.int(i)))
	}
	return &Rows{s: s, cols: cols, owns: owns, buf: make([]C.sqlext_value, max(n, 1))}, nil
}

type result struct{ changes, lastID int64 }

func (r result) LastInsertId() (int64, error) { return r.lastID, nil }
func (r result) RowsAffected() (int64, error) { return r.changes, nil }

// Rows reads the rows of a running statement. Values are int64, float64,
// string (TEXT), []byte (BLOB) or nil, by each value's storage class.
type Rows struct {
	s    *Stmt
	cols []string
	owns bool // Close finalizes the statement
	done bool
	buf  []C.sqlext_value
}

// Columns returns the column names.
func (r *Rows) Columns() []string { return r.cols }

// Close ends the statement's run.
func (r *Rows) Close() error {
	if r.s == nil {
		return nil
	}
	if r.owns {
		r.s.Close()
	} else {
		C.sqlext_reset(r.s.st)
	}
	r.s = nil
	return nil
}

// Next reads the next row into dest; io.EOF after the last.
func (r *Rows) Next(dest []driver.Value) error {
	if r.s == nil || r.done {
		return io.EOF
	}
	switch rc := C.sqlext_step(r.s.st); rc {
	case C.SQLITE_ROW:
	case C.SQLITE_DONE:
		r.done = true
		return io.EOF
	default:
		r.done = true
		return r.s.c.lastError(rc)
	}
	n := len(r.cols)
	if n == 0 {
		return nil
	}
	C.sqlext_row(r.s.st, C.int(n), &r.buf[0])
	for i := 0; i < n && i < len(dest); i++ {
		dest[i] = goValue(&r.buf[i])
	}
	return nil
}

// goValue converts one unpacked value, copying text and blobs.
func goValue(v *C.sqlext_value) any {
	switch v._type {
	case C.SQLITE_INTEGER:
		return int64(v.i)
	case C.SQLITE_FLOAT:
		return float64(v.f)
	case C.SQLITE_TEXT:
		if v.n == 0 {
			return ""
		}
		return C.GoStringN((*C.char)(v.p), v.n)
	case C.SQLITE_BLOB:
		if v.n == 0 {
			return []byte{}
		}
		return C.GoBytes(v.p, v.n)
	}
	return nil
}

// Interrupted reports whether the statement running on c was interrupted
// (sqlite3_interrupt: Ctrl-C in a shell, a cancelled query context,
// Python's Connection.interrupt). A Go loop inside a SQL function is not
// stopped by SQLite; it polls this between chunks of work.
func (c *Conn) Interrupted() bool {
	if C.sqlext_has_is_interrupted() != 0 {
		return C.sqlext_is_interrupted(c.db) != 0
	}
	// Before 3.41 the flag is not readable, but a nested statement fails
	// with SQLITE_INTERRUPT while the outer one is interrupted.
	_, err := c.Exec("SELECT 1", nil)
	return errors.Is(err, ErrInterrupted)
}
