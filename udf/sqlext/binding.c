/*
** The C half of the binding: the extension entry point, trampolines from
** SQLite's callbacks into Go, and the eponymous virtual table module that
** serves every table-valued function. It calls SQLite only through the
** routine table (sqlite3_api), never by symbol, so it links no SQLite.
*/
#include <stdlib.h>
#include <string.h>
#include "sqlext.h"
#include "_cgo_export.h"

/* SQLITE_EXTENSION_INIT1, but hidden: SQLite loads extensions with
** RTLD_GLOBAL, and every extension has a global named sqlite3_api; ours
** must not take the place of another's, or theirs ours. */
__attribute__((visibility("hidden"))) const sqlite3_api_routines *sqlite3_api = 0;

static int entry(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi, int noFiles) {
	if (pApi == 0) {
		if (pzErrMsg) *pzErrMsg = 0;
		return SQLITE_ERROR;
	}
	SQLITE_EXTENSION_INIT2(pApi);
	if (sqlite3_libversion_number() < SQLEXT_MIN_VERSION) {
		if (pzErrMsg) {
			*pzErrMsg = sqlite3_mprintf("marketsql needs SQLite " SQLEXT_MIN_VERSION_TEXT
				" or later, but this program's SQLite is %s; upgrade SQLite (or the program that bundles it)",
				sqlite3_libversion());
		}
		return SQLITE_ERROR;
	}
	return sqlextGoInit(db, pzErrMsg, noFiles);
}

int sqlext_entry(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
	return entry(db, pzErrMsg, pApi, 0);
}

int sqlext_entry_nofiles(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
	return entry(db, pzErrMsg, pApi, 1);
}

int sqlext_libversion_number(void) { return sqlite3_libversion_number(); }
int sqlext_compileoption_used(const char *opt) { return sqlite3_compileoption_used(opt); }

void sqlext_unpack(int argc, sqlite3_value **argv, sqlext_value *out) {
	for (int i = 0; i < argc; i++) {
		sqlite3_value *v = argv[i];
		int t = sqlite3_value_type(v);
		out[i].type = t;
		out[i].p = 0;
		out[i].n = 0;
		switch (t) {
		case SQLITE_INTEGER:
			out[i].i = sqlite3_value_int64(v);
			break;
		case SQLITE_FLOAT:
			out[i].f = sqlite3_value_double(v);
			break;
		case SQLITE_TEXT:
			out[i].p = sqlite3_value_text(v);
			out[i].n = sqlite3_value_bytes(v);
			break;
		case SQLITE_BLOB:
			out[i].p = sqlite3_value_blob(v);
			out[i].n = sqlite3_value_bytes(v);
			break;
		}
	}
}

/* ---- results ---- */

void sqlext_result_null(sqlite3_context *ctx) { sqlite3_result_null(ctx); }
void sqlext_result_int64(sqlite3_context *ctx, sqlite3_int64 v) { sqlite3_result_int64(ctx, v); }
void sqlext_result_double(sqlite3_context *ctx, double v) { sqlite3_result_double(ctx, v); }
void sqlext_result_text(sqlite3_context *ctx, const char *p, int n) {
	sqlite3_result_text(ctx, p, n, SQLITE_TRANSIENT);
}
void sqlext_result_blob(sqlite3_context *ctx, const void *p, int n) {
	if (n == 0) sqlite3_result_zeroblob(ctx, 0);
	else sqlite3_result_blob(ctx, p, n, SQLITE_TRANSIENT);
}
void sqlext_result_error(sqlite3_context *ctx, const char *p, int n, int code) {
	sqlite3_result_error(ctx, p, n);
	if (code != 0 && code != SQLITE_ERROR) sqlite3_result_error_code(ctx, code);
}
void sqlext_result_error_nomem(sqlite3_context *ctx) { sqlite3_result_error_nomem(ctx); }

/* ---- auxiliary data: a Go value kept with an argument for a statement ---- */

static void sqlext_aux_free(void *p) { sqlextGoRelease((uintptr_t)p); }
uintptr_t sqlext_get_auxdata(sqlite3_context *ctx, int arg) {
	return (uintptr_t)sqlite3_get_auxdata(ctx, arg);
}
void sqlext_set_auxdata(sqlite3_context *ctx, int arg, uintptr_t h) {
	sqlite3_set_auxdata(ctx, arg, (void *)h, sqlext_aux_free);
}

/* ---- scalar functions ---- */

static void sqlext_scalar_call(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	sqlextGoScalar(ctx, (uintptr_t)sqlite3_user_data(ctx), argc, argv);
}
static void sqlext_release(void *p) { sqlextGoRelease((uintptr_t)p); }

int sqlext_create_function(sqlite3 *db, const char *name, int nArg, int flags, uintptr_t h) {
	return sqlite3_create_function_v2(db, name, nArg, SQLITE_UTF8 | flags, (void *)h,
		sqlext_scalar_call, 0, 0, sqlext_release);
}

/* ---- statements on the calling connection ---- */

int sqlext_prepare(sqlite3 *db, const char *sql, int n, sqlite3_stmt **st, int *tail) {
	const char *t = 0;
	int rc = sqlite3_prepare_v2(db, sql, n, st, &t);
	*tail = t ? (int)(t - sql) : n;
	return rc;
}
int sqlext_step(sqlite3_stmt *st) { return sqlite3_step(st); }
int sqlext_reset(sqlite3_stmt *st) { return sqlite3_reset(st); }
int sqlext_finalize(sqlite3_stmt *st) { return sqlite3_finalize(st); }
int sqlext_stmt_readonly(sqlite3_stmt *st) { return sqlite3_stmt_readonly(st); }
int sqlext_column_count(sqlite3_stmt *st) { return sqlite3_column_count(st); }
const char *sqlext_column_name(sqlite3_stmt *st, int i) { return sqlite3_column_name(st, i); }
int sqlext_bind_parameter_count(sqlite3_stmt *st) { return sqlite3_bind_parameter_count(st); }
int sqlext_bind_null(sqlite3_stmt *st, int i) { return sqlite3_bind_null(st, i); }
int sqlext_bind_int64(sqlite3_stmt *st, int i, sqlite3_int64 v) { return sqlite3_bind_int64(st, i, v); }
int sqlext_bind_double(sqlite3_stmt *st, int i, double v) { return sqlite3_bind_double(st, i, v); }
int sqlext_bind_text(sqlite3_stmt *st, int i, const char *p, int n) {
	return sqlite3_bind_text(st, i, p, n, SQLITE_TRANSIENT);
}
int sqlext_bind_blob(sqlite3_stmt *st, int i, const void *p, int n) {
	if (n == 0) return sqlite3_bind_zeroblob(st, i, 0);
	return sqlite3_bind_blob(st, i, p, n, SQLITE_TRANSIENT);
}
int sqlext_clear_bindings(sqlite3_stmt *st) { return sqlite3_clear_bindings(st); }

void sqlext_row(sqlite3_stmt *st, int ncol, sqlext_value *out) {
	for (int i = 0; i < ncol; i++) {
		int t = sqlite3_column_type(st, i);
		out[i].type = t;
		out[i].p = 0;
		out[i].n = 0;
		switch (t) {
		case SQLITE_INTEGER:
			out[i].i = sqlite3_column_int64(st, i);
			break;
		case SQLITE_FLOAT:
			out[i].f = sqlite3_column_double(st, i);
			break;
		case SQLITE_TEXT:
			out[i].p = sqlite3_column_text(st, i);
			out[i].n = sqlite3_column_bytes(st, i);
			break;
		case SQLITE_BLOB:
			out[i].p = sqlite3_column_blob(st, i);
			out[i].n = sqlite3_column_bytes(st, i);
			break;
		}
	}
}

const char *sqlext_errmsg(sqlite3 *db) { return sqlite3_errmsg(db); }
int sqlext_extended_errcode(sqlite3 *db) { return sqlite3_extended_errcode(db); }
int sqlext_changes(sqlite3 *db) { return sqlite3_changes(db); }
sqlite3_int64 sqlext_last_insert_rowid(sqlite3 *db) { return sqlite3_last_insert_rowid(db); }

/* sqlite3_is_interrupted arrived in 3.41.0; the routine table of an older
** host ends before it, so it must not be read there. */
int sqlext_has_is_interrupted(void) { return sqlite3_libversion_number() >= 3041000; }
int sqlext_is_interrupted(sqlite3 *db) { return sqlite3_is_interrupted(db); }

void sqlext_free(void *p) { sqlite3_free(p); }
char *sqlext_mprintf(const char *msg) { return sqlite3_mprintf("%s", msg); }

/* ---- table-valued functions: eponymous-only virtual tables ---- */

/* What one table-valued function declares; owned by the module. */
typedef struct {
	uintptr_t fn;    /* Go handle of the function */
	char *schema;    /* CREATE TABLE x(...) with hidden argument columns */
	int nOut;        /* output columns; the arguments follow as hidden columns */
	int nArg;        /* hidden argument columns */
	int nRequired;   /* the first nRequired arguments must be given */
} sqlext_tvf;

typedef struct {
	sqlite3_vtab base;
	sqlext_tvf *tvf;
} sqlext_vtab;

typedef struct {
	sqlite3_vtab_cursor base;
	uintptr_t cur;       /* Go handle of the cursor */
	sqlite3_int64 row;   /* current row */
	sqlite3_int64 nrow;  /* rows of the current call */
} sqlext_cursor;

static int tvf_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                       sqlite3_vtab **pp, char **err) {
	sqlext_tvf *tvf = aux;
	int rc = sqlite3_declare_vtab(db, tvf->schema);
	if (rc != SQLITE_OK) return rc;
	sqlext_vtab *v = sqlite3_malloc(sizeof(*v));
	if (!v) return SQLITE_NOMEM;
	memset(v, 0, sizeof(*v));
	v->tvf = tvf;
	*pp = &v->base;
	return SQLITE_OK;
}

static int tvf_disconnect(sqlite3_vtab *p) {
	sqlite3_free(p);
	return SQLITE_OK;
}

/* Arguments are hidden columns constrained by equality. Every usable one is
** passed to xFilter in argument order, and idxNum is the bitmask of the
** arguments given, so Go can tell which ones are there. A plan that lacks a
** required argument it could have had later (unusable now, as in a join)
** is refused; one where it was never written gets a high cost, and
** xFilter explains what is missing. */
static int tvf_best_index(sqlite3_vtab *tab, sqlite3_index_info *info) {
	sqlext_tvf *tvf = ((sqlext_vtab *)tab)->tvf;
	int pos[64];
	int nArg = tvf->nArg < 64 ? tvf->nArg : 64;
	for (int a = 0; a < nArg; a++) pos[a] = -1;
	for (int i = 0; i < info->nConstraint; i++) {
		const struct sqlite3_index_constraint *c = &info->aConstraint[i];
		int a = c->iColumn - tvf->nOut;
		if (a < 0 || a >= nArg || c->op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
		if (!c->usable) {
			if (a < tvf->nRequired) return SQLITE_CONSTRAINT;
			continue;
		}
		if (pos[a] < 0) pos[a] = i;
	}
	int n = 0, mask = 0, missing = 0;
	for (int a = 0; a < nArg; a++) {
		if (pos[a] >= 0) {
			info->aConstraintUsage[pos[a]].argvIndex = ++n;
			info->aConstraintUsage[pos[a]].omit = 1;
			mask |= 1 << a;
		} else if (a < tvf->nRequired) {
			missing = 1;
		}
	}
	info->idxNum = mask;
	info->estimatedCost = missing ? 1e18 : 1e6;
	info->estimatedRows = 1000;
	return SQLITE_OK;
}

static int tvf_open(sqlite3_vtab *tab, sqlite3_vtab_cursor **pp) {
	sqlext_cursor *c = sqlite3_malloc(sizeof(*c));
	if (!c) return SQLITE_NOMEM;
	memset(c, 0, sizeof(*c));
	c->cur = sqlextGoOpen(((sqlext_vtab *)tab)->tvf->fn);
	*pp = &c->base;
	return SQLITE_OK;
}

static int tvf_close(sqlite3_vtab_cursor *p) {
	sqlext_cursor *c = (sqlext_cursor *)p;
	sqlextGoRelease(c->cur);
	sqlite3_free(c);
	return SQLITE_OK;
}

static int tvf_filter(sqlite3_vtab_cursor *p, int idxNum, const char *idxStr, int argc, sqlite3_value **argv) {
	sqlext_cursor *c = (sqlext_cursor *)p;
	char *err = 0;
	c->row = 0;
	c->nrow = 0;
	int rc = sqlextGoFilter(c->cur, idxNum, argc, argv, &c->nrow, &err);
	if (rc != SQLITE_OK) {
		sqlite3_free(p->pVtab->zErrMsg);
		p->pVtab->zErrMsg = err; /* from sqlite3_mprintf */
	}
	return rc;
}

static int tvf_next(sqlite3_vtab_cursor *p) {
	((sqlext_cursor *)p)->row++;
	return SQLITE_OK;
}

static int tvf_eof(sqlite3_vtab_cursor *p) {
	sqlext_cursor *c = (sqlext_cursor *)p;
	return c->row >= c->nrow;
}

static int tvf_column(sqlite3_vtab_cursor *p, sqlite3_context *ctx, int col) {
	sqlext_cursor *c = (sqlext_cursor *)p;
	sqlext_tvf *tvf = ((sqlext_vtab *)p->pVtab)->tvf;
	if (col >= tvf->nOut) { /* hidden argument columns are not read back */
		sqlite3_result_null(ctx);
		return SQLITE_OK;
	}
	sqlextGoColumn(c->cur, ctx, c->row, col);
	return SQLITE_OK;
}

static int tvf_rowid(sqlite3_vtab_cursor *p, sqlite3_int64 *rowid) {
	*rowid = ((sqlext_cursor *)p)->row + 1;
	return SQLITE_OK;
}

static sqlite3_module tvf_module = {
	1,                 /* iVersion */
	0,                 /* xCreate: none, so the table is eponymous-only */
	tvf_connect,
	tvf_best_index,
	tvf_disconnect,
	tvf_disconnect,    /* xDestroy */
	tvf_open,
	tvf_close,
	tvf_filter,
	tvf_next,
	tvf_eof,
	tvf_column,
	tvf_rowid,
};

static void tvf_free(void *p) {
	sqlext_tvf *tvf = p;
	sqlextGoRelease(tvf->fn);
	free(tvf->schema);
	free(tvf);
}

/* schema is copied; fn is released when SQLite drops the module. */
int sqlext_create_tvf(sqlite3 *db, const char *name, const char *schema, int nOut, int nArg, int nRequired, uintptr_t fn) {
	sqlext_tvf *tvf = malloc(sizeof(*tvf));
	if (!tvf) {
		sqlextGoRelease(fn);
		return SQLITE_NOMEM;
	}
	tvf->fn = fn;
	tvf->schema = strdup(schema);
	tvf->nOut = nOut;
	tvf->nArg = nArg;
	tvf->nRequired = nRequired;
	/* On failure SQLite calls tvf_free itself. */
	return sqlite3_create_module_v2(db, name, &tvf_module, tvf, tvf_free);
}
