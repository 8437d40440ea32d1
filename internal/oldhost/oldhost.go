// Package oldhost calls the extension entry point as a SQLite host of a
// given version would, with a routine table that has only the version
// calls and sqlite3_mprintf filled in: enough to check that an extension
// loaded into a host older than it supports refuses at once with a clear
// message, before it touches anything else. It is imported only by tests.
package oldhost

/*
#cgo CFLAGS: -I${SRCDIR}/../../udf/sqlext
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sqlext.h"

static int fake_version_number;
static char fake_version[32];

static int fake_libversion_number(void) { return fake_version_number; }
static const char *fake_libversion(void) { return fake_version; }
static char *fake_mprintf(const char *fmt, ...) {
	va_list ap;
	va_start(ap, fmt);
	char *out = malloc(1024);
	vsnprintf(out, 1024, fmt, ap);
	va_end(ap);
	return out;
}

static int oldhost_load(int number, const char *text, char **msg) {
	static sqlite3_api_routines api;
	memset(&api, 0, sizeof api);
	fake_version_number = number;
	snprintf(fake_version, sizeof fake_version, "%s", text);
	api.libversion_number = fake_libversion_number;
	api.libversion = fake_libversion;
	api.mprintf = fake_mprintf;
	*msg = 0;
	return sqlext_entry(0, msg, &api);
}
*/
import "C"

import (
	"unsafe"

	_ "github.com/seed-a084b42d/marketsql/udf" // links the entry point
)

// Load runs the entry point as a host of the given version would (number
// as sqlite3_libversion_number gives it, e.g. 3037002 for "3.37.2") and
// returns SQLite's result code and the error message the entry point set.
// Only versions the extension refuses may be given: the fake routine table
// has nothing else.
func Load(number int, text string) (rc int, msg string) {
	ct := C.CString(text)
	defer C.free(unsafe.Pointer(ct))
	var m *C.char
	rc = int(C.oldhost_load(C.int(number), ct, &m))
	if m != nil {
		msg = C.GoString(m)
		C.free(unsafe.Pointer(m))
	}
	return rc, msg
}
