/*
** sqlext.h: the C side of marketsql's binding to SQLite's extension
** interface. Every call to SQLite goes through the routine table the host
** hands to the extension's init function (sqlite3ext.h turns sqlite3_xxx
** into sqlite3_api->xxx), so the same object code runs inside any SQLite:
** the one mattn/go-sqlite3 embeds, the stock sqlite3 CLI, Python, Node.
**
** C code of other packages (a family's native scoring kernel) includes this
** header to call SQLite the same way.
*/
#ifndef MARKETSQL_SQLEXT_H
#define MARKETSQL_SQLEXT_H

#include <stdint.h>
#include "sqlite3ext.h"
SQLITE_EXTENSION_INIT3

/* The oldest SQLite the functions run on: JSON is built in from 3.38.0. */
#define SQLEXT_MIN_VERSION 3038000
#define SQLEXT_MIN_VERSION_TEXT "3.38.0"

/* The extension entry point: checks the host's version, keeps its routine
** table and registers every function on db. Both hosts call it: the engine
** through sqlite3_auto_extension, a loadable extension from its
** sqlite3_marketsql_init. */
int sqlext_entry(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

/* The same, with the functions that read or write files (ml_import,
** ml_export) switched off on db: for a host that runs SQL it did not write.
** A later sqlext_entry on the same connection does not switch them on. */
int sqlext_entry_nofiles(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

/* One SQL value unpacked for Go in a single call. */
typedef struct {
	int type;           /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB, SQLITE_NULL */
	int n;              /* bytes of TEXT or BLOB */
	sqlite3_int64 i;
	double f;
	const void *p;      /* TEXT or BLOB bytes, valid until the value changes */
} sqlext_value;

/* The binding's calls for its Go half, defined in binding.c. */
int sqlext_libversion_number(void);
int sqlext_compileoption_used(const char *opt);
void sqlext_unpack(int argc, sqlite3_value **argv, sqlext_value *out);
void sqlext_result_null(sqlite3_context *ctx);
void sqlext_result_int64(sqlite3_context *ctx, sqlite3_int64 v);
void sqlext_result_double(sqlite3_context *ctx, double v);
void sqlext_result_text(sqlite3_context *ctx, const char *p, int n);
void sqlext_result_blob(sqlite3_context *ctx, const void *p, int n);
void sqlext_result_error(sqlite3_context *ctx, const char *p, int n, int code);
void sqlext_result_error_nomem(sqlite3_context *ctx);
uintptr_t sqlext_get_auxdata(sqlite3_context *ctx, int arg);
void sqlext_set_auxdata(sqlite3_context *ctx, int arg, uintptr_t h);
int sqlext_create_function(sqlite3 *db, const char *name, int nArg, int flags, uintptr_t h);
int sqlext_prepare(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, int *tail);
int sqlext_step(sqlite3_stmt *st);
int sqlext_reset(sqlite3_stmt *st);
int sqlext_finalize(sqlite3_stmt *st);
int sqlext_stmt_readonly(sqlite3_stmt *st);
int sqlext_column_count(sqlite3_stmt *st);
const char *sqlext_column_name(sqlite3_stmt *st, int i);
int sqlext_bind_parameter_count(sqlite3_stmt *st);
int sqlext_bind_null(sqlite3_stmt *st, int i);
int sqlext_bind_int64(sqlite3_stmt *st, int i, sqlite3_int64 v);
int sqlext_bind_double(sqlite3_stmt *st, int i, double v);
int sqlext_bind_text(sqlite3_stmt *st, int i, const char *p, int n);
int sqlext_bind_blob(sqlite3_stmt *st, int i, const void *p, int n);
int sqlext_clear_bindings(sqlite3_stmt *st);
void sqlext_row(sqlite3_stmt *st, int ncol, sqlext_value *out);
const char *sqlext_errmsg(sqlite3 *db);
int sqlext_extended_errcode(sqlite3 *db);
int sqlext_changes(sqlite3 *db);
sqlite3_int64 sqlext_last_insert_rowid(sqlite3 *db);
int sqlext_has_is_interrupted(void);
int sqlext_is_interrupted(sqlite3 *db);
void sqlext_free(void *p);
char *sqlext_mprintf(const char *msg);
int sqlext_create_tvf(sqlite3 *db, const char *name, const char *schema, int nOut, int nArg, int nRequired, uintptr_t fn);

#endif
