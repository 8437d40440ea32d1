package core

import (
	"reflect"
	"unsafe"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// DBHandle returns the connection's sqlite3* so that hot functions can be
// registered with sqlite3_create_function_v2 and a C trampoline (about 40 ns
// a call, against about 350 ns plus 150 ns an argument through RegisterFunc's
// reflection). mattn/go-sqlite3 does not export the handle; it is read from
// the connection's "db" field. It returns nil if that field is not there
// (a different driver version), and callers then keep the Go registration.
func DBHandle(c *sqlite3.SQLiteConn) unsafe.Pointer {
	v := reflect.ValueOf(c).Elem().FieldByName("db")
	if !v.IsValid() || v.Kind() != reflect.Pointer {
		return nil
	}
	return unsafe.Pointer(v.Pointer())
}
