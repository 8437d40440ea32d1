package engine

// The embedded SQLite (mattn/go-sqlite3's) runs the extension entry point on
// every connection it opens, exactly as a host that loads bin/marketsql.so
// does: one code path registers the functions in both. This file must not
// include sqlite3ext.h, where sqlite3_auto_extension is a macro into the
// routine table.

/*
extern int sqlite3_auto_extension(void (*)(void));
extern int sqlext_entry(void *db, char **pzErrMsg, const void *pApi);

static int engine_attach(void) {
	return sqlite3_auto_extension((void (*)(void))sqlext_entry);
}
*/
import "C"

import (
	"fmt"
	"sync"
)

var (
	attachOnce sync.Once
	attachErr  error
)

// attach makes every SQLite connection the process opens from now on run
// the marketsql entry point.
func attach() error {
	attachOnce.Do(func() {
		if rc := C.engine_attach(); rc != 0 {
			attachErr = fmt.Errorf("engine: sqlite3_auto_extension failed with code %d", int(rc))
		}
	})
	return attachErr
}
