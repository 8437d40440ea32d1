package sqlext

/*
#include <stdlib.h>
#include "sqlext.h"
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"strings"
	"unsafe"
)

// Table is a table-valued function, SELECT * FROM name(arg, ...): an
// eponymous-only virtual table whose arguments are hidden columns.
type Table struct {
	Name     string
	Columns  []string // output columns with their declared types, e.g. "cluster INTEGER"
	Args     []string // hidden argument columns, in call order (at most 30)
	Required int      // the first Required arguments must be given
	// Rows computes the rows of one call. args has len(Args) entries and
	// given says which were written; a value of args is nil where not given.
	Rows func(args []any, given []bool) ([][]any, error)
}

// CreateTable registers t on c.
func (c *Conn) CreateTable(t *Table) error {
	if len(t.Args) > 30 {
		return fmt.Errorf("register %s: at most 30 arguments", t.Name)
	}
	cols := append([]string(nil), t.Columns...)
	for _, a := range t.Args {
		cols = append(cols, `"`+strings.ReplaceAll(a, `"`, `""`)+`" HIDDEN`)
	}
	schema := C.CString("CREATE TABLE x(" + strings.Join(cols, ", ") + ")")
	defer C.free(unsafe.Pointer(schema))
	name := C.CString(t.Name)
	defer C.free(unsafe.Pointer(name))
	h := cgo.NewHandle(t)
	rc := C.sqlext_create_tvf(c.db, name, schema, C.int(len(t.Columns)), C.int(len(t.Args)), C.int(t.Required), C.uintptr_t(h))
	if rc != C.SQLITE_OK {
		return fmt.Errorf("register %s: %w", t.Name, c.lastError(rc))
	}
	return nil
}

type cursor struct {
	t    *Table
	rows [][]any
}

//export sqlextGoOpen
func sqlextGoOpen(fn C.uintptr_t) C.uintptr_t {
	return C.uintptr_t(cgo.NewHandle(&cursor{t: cgo.Handle(fn).Value().(*Table)}))
}

//export sqlextGoFilter
func sqlextGoFilter(h C.uintptr_t, mask C.int, argc C.int, argv **C.sqlite3_value, nrow *C.sqlite3_int64, errOut **C.char) (rc C.int) {
	cur := cgo.Handle(h).Value().(*cursor)
	t := cur.t
	cur.rows = nil
	fail := func(err error) C.int {
		msg := C.CString(err.Error())
		*errOut = C.sqlext_mprintf(msg)
		C.free(unsafe.Pointer(msg))
		return C.SQLITE_ERROR
	}
	defer func() {
		if r := recover(); r != nil {
			rc = fail(fmt.Errorf("%s: internal error: %v (please report this with the statement that caused it)", t.Name, r))
		}
	}()
	vals := unpackArgs(int(argc), argv)
	args := make([]any, len(t.Args))
	given := make([]bool, len(t.Args))
	k := 0
	for a := range t.Args {
		if mask&(1<<a) != 0 && k < len(vals) {
			args[a], given[a] = vals[k], true
			k++
		}
	}
	rows, err := t.Rows(args, given)
	if err != nil {
		return fail(err)
	}
	cur.rows = rows
	*nrow = C.sqlite3_int64(len(rows))
	return C.SQLITE_OK
}

//export sqlextGoColumn
func sqlextGoColumn(h C.uintptr_t, ctx *C.sqlite3_context, row C.sqlite3_int64, col C.int) {
	cur := cgo.Handle(h).Value().(*cursor)
	r := cur.rows[row]
	if int(col) >= len(r) {
		C.sqlext_result_null(ctx)
		return
	}
	setResult(ctx, r[col])
}
