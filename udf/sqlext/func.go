package sqlext

/*
#include <stdlib.h>
#include "sqlext.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"runtime/cgo"
	"unsafe"
)

// Flags qualify a scalar function.
type Flags int

const (
	// Deterministic: the same arguments always give the same result, so
	// SQLite may evaluate it once for constant arguments and allow it in
	// indexes and generated columns.
	Deterministic Flags = C.SQLITE_DETERMINISTIC
	// DirectOnly: callable only from top-level SQL, never from a trigger,
	// view or schema, where a database's author could smuggle it in.
	DirectOnly Flags = C.SQLITE_DIRECTONLY
)

// Func is a scalar function. args hold int64, float64, string (TEXT),
// []byte (BLOB) or nil (NULL). The result may be nil, int64, int, float64,
// bool, string or []byte; an error becomes the statement's error with its
// text. A panic is recovered and reported as an error; it never crosses
// into SQLite.
type Func func(ctx *Context, args []any) (any, error)

// Context is the call context of a scalar function.
type Context struct {
	ctx *C.sqlite3_context
}

// Auxdata returns the value kept with argument arg by SetAuxdata earlier in
// the statement, or nil. SQLite keeps it while the argument stays constant.
func (x *Context) Auxdata(arg int) any {
	h := C.sqlext_get_auxdata(x.ctx, C.int(arg))
	if h == 0 {
		return nil
	}
	return cgo.Handle(h).Value()
}

// SetAuxdata keeps v with argument arg for the rest of the statement (as
// long as SQLite deems the argument constant).
func (x *Context) SetAuxdata(arg int, v any) {
	C.sqlext_set_auxdata(x.ctx, C.int(arg), C.uintptr_t(cgo.NewHandle(v)))
}

type scalar struct {
	name    string
	fn      Func
	onClose func() // run when SQLite drops the function
}

func (s *scalar) release() {
	if s.onClose != nil {
		s.onClose()
	}
}

// CreateFunction registers a scalar function of nArg arguments (-1: any
// number) on c.
func (c *Conn) CreateFunction(name string, nArg int, flags Flags, fn Func) error {
	return c.createFunction(name, nArg, flags, fn, nil)
}

func (c *Conn) createFunction(name string, nArg int, flags Flags, fn Func, onClose func()) error {
	cname := C.CString(name)
	defer C.free(unsafe.Pointer(cname))
	h := cgo.NewHandle(&scalar{name: name, fn: fn, onClose: onClose})
	// On failure SQLite calls the destructor, which deletes the handle.
	if rc := C.sqlext_create_function(c.db, cname, C.int(nArg), C.int(flags), C.uintptr_t(h)); rc != C.SQLITE_OK {
		return fmt.Errorf("register %s: %w", name, c.lastError(rc))
	}
	return nil
}

// argsBuf bounds the arguments unpacked without allocating.
const argsBuf = 16

//export sqlextGoScalar
func sqlextGoScalar(ctx *C.sqlite3_context, h C.uintptr_t, argc C.int, argv **C.sqlite3_value) {
	s := cgo.Handle(h).Value().(*scalar)
	defer func() {
		if r := recover(); r != nil {
			setError(ctx, fmt.Errorf("%s: internal error: %v (please report this with the statement that caused it)", s.name, r))
		}
	}()
	args := unpackArgs(int(argc), argv)
	res, err := s.fn(&Context{ctx: ctx}, args)
	if err != nil {
		setError(ctx, err)
		return
	}
	setResult(ctx, res)
}

func unpackArgs(argc int, argv **C.sqlite3_value) []any {
	if argc == 0 {
		return nil
	}
	var small [argsBuf]C.sqlext_value
	buf := small[:]
	if argc > argsBuf {
		buf = make([]C.sqlext_value, argc)
	}
	C.sqlext_unpack(C.int(argc), argv, &buf[0])
	args := make([]any, argc)
	for i := range args {
		args[i] = goValue(&buf[i])
	}
	return args
}

func setError(ctx *C.sqlite3_context, err error) {
	code := C.int(C.SQLITE_ERROR)
	if errors.Is(err, ErrInterrupted) {
		code = C.SQLITE_INTERRUPT
	}
	msg := err.Error()
	if msg == "" {
		msg = "error"
	}
	p := C.CString(msg)
	C.sqlext_result_error(ctx, p, C.int(len(msg)), code)
	C.free(unsafe.Pointer(p))
}

// setResult sets a Go value as the function's result.
func setResult(ctx *C.sqlite3_context, v any) {
	switch r := v.(type) {
	case nil:
		C.sqlext_result_null(ctx)
	case int64:
		C.sqlext_result_int64(ctx, C.sqlite3_int64(r))
	case int:
		C.sqlext_result_int64(ctx, C.sqlite3_int64(r))
	case int32:
		C.sqlext_result_int64(ctx, C.sqlite3_int64(r))
	case bool:
		b := int64(0)
		if r {
			b = 1
		}
		C.sqlext_result_int64(ctx, C.sqlite3_int64(b))
	case float64:
		if math.IsNaN(r) { // SQLite stores NaN as NULL
			C.sqlext_result_null(ctx)
			return
		}
		C.sqlext_result_double(ctx, C.double(r))
	case float32:
		C.sqlext_result_double(ctx, C.double(r))
	case string:
		p := C.CString(r)
		C.sqlext_result_text(ctx, p, C.int(len(r)))
		C.free(unsafe.Pointer(p))
	case []byte:
		if r == nil {
			C.sqlext_result_null(ctx)
			return
		}
		var p unsafe.Pointer
		if len(r) > 0 {
			p = C.CBytes(r)
		}
		C.sqlext_result_blob(ctx, p, C.int(len(r)))
		C.free(p)
	default:
		s := fmt.Sprint(r)
		p := C.CString(s)
		C.sqlext_result_text(ctx, p, C.int(len(s)))
		C.free(unsafe.Pointer(p))
	}
}

// For functions whose fast path is C code of another package (which then
// calls back into Go for the rest): the call's arguments, result and error,
// given SQLite's sqlite3_value** and sqlite3_context* as plain pointers.

// ArgsOf unpacks the argc arguments at argv (a sqlite3_value**) as Func
// receives them.
func ArgsOf(argc int, argv unsafe.Pointer) []any {
	return unpackArgs(argc, (**C.sqlite3_value)(argv))
}

// SetResult sets v as the result of the call ctx (a sqlite3_context*), as a
// Func's result is set.
func SetResult(ctx unsafe.Pointer, v any) { setResult((*C.sqlite3_context)(ctx), v) }

// SetError makes err the error of the call ctx (a sqlite3_context*).
func SetError(ctx unsafe.Pointer, err error) { setError((*C.sqlite3_context)(ctx), err) }
