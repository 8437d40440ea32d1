// Command extension is marketsql as a SQLite loadable extension:
//
//	go build -buildmode=c-shared -o bin/marketsql.so ./extension
//
// Any SQLite host then gets every marketsql function: the stock sqlite3
// CLI (.load ./bin/marketsql), Python (conn.load_extension), Node's
// better-sqlite3 (db.loadExtension), DB Browser for SQLite. SQLite finds the
// entry point sqlite3_marketsql_init from the file name; a host that runs
// SQL it did not write names sqlite3_marketsql_nofiles_init instead, which
// switches off the functions that read or write files (ml_import,
// ml_export) on that connection. The extension
// links no SQLite of its own: it calls the host's through the routine table
// the host passes in. A process holds one Go runtime, so Go programs import
// the engine instead of loading this file.
package main

/*
#cgo CFLAGS: -I${SRCDIR}/../udf/sqlext
#include "sqlext.h"

int sqlite3_marketsql_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
	return sqlext_entry(db, pzErrMsg, pApi);
}

int sqlite3_marketsql_nofiles_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
	return sqlext_entry_nofiles(db, pzErrMsg, pApi);
}
*/
import "C"

import (
	_ "github.com/seed-a084b42d/marketsql/udf" // registers every family with the entry point
)

func main() {}
