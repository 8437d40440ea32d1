package shell

// This file and chart.go (its row reader, sqlite3_stmt_readonly) are the
// shell's only contact with SQLite's C API. The shell needs
// what database/sql cannot give: statements split by SQLite's own parser
// (sqlite3_prepare_v2's tail), prepare errors told apart from step errors
// with their byte offset (sqlite3_error_offset), values typed by their
// storage class rather than by declared column type (mattn converts a
// DATE/DATETIME/TIMESTAMP or BOOLEAN column to time.Time or bool, losing the
// text), SQLite's own number-to-text formatting, and a fast bulk insert for
// .import. The symbols are those of the SQLite that mattn/go-sqlite3 links
// into the binary; they are declared here because mattn does not export
// its header.

/*
#include <stdlib.h>
#include <string.h>

typedef struct sqlite3 sqlite3;
typedef struct sqlite3_stmt sqlite3_stmt;
typedef long long sqlite3_int64;

extern int sqlite3_complete(const char*);
extern const char *sqlite3_libversion(void);
extern int sqlite3_prepare_v2(sqlite3*, const char*, int, sqlite3_stmt**, const char**);
extern int sqlite3_step(sqlite3_stmt*);
extern int sqlite3_reset(sqlite3_stmt*);
extern int sqlite3_finalize(sqlite3_stmt*);
extern int sqlite3_column_count(sqlite3_stmt*);
extern const char *sqlite3_column_name(sqlite3_stmt*, int);
extern int sqlite3_column_type(sqlite3_stmt*, int);
extern const unsigned char *sqlite3_column_text(sqlite3_stmt*, int);
extern const void *sqlite3_column_blob(sqlite3_stmt*, int);
extern int sqlite3_column_bytes(sqlite3_stmt*, int);
extern double sqlite3_column_double(sqlite3_stmt*, int);
extern int sqlite3_bind_text(sqlite3_stmt*, int, const char*, int, void(*)(void*));
extern int sqlite3_bind_parameter_count(sqlite3_stmt*);
extern int sqlite3_bind_null(sqlite3_stmt*, int);
extern const char *sqlite3_errmsg(sqlite3*);
extern int sqlite3_error_offset(sqlite3*);
extern int sqlite3_get_autocommit(sqlite3*);
extern void sqlite3_interrupt(sqlite3*);
extern sqlite3_int64 sqlite3_changes64(sqlite3*);
extern sqlite3_int64 sqlite3_total_changes64(sqlite3*);
extern int sqlite3_keyword_count(void);
extern int sqlite3_keyword_name(int, const char**, int*);
extern int sqlite3_keyword_check(const char*, int);
extern int sqlite3_db_readonly(sqlite3*, const char*);

static void shell_fmt_g(char *out, double r, int precision);

#define SHELL_SQLITE_TRANSIENT ((void(*)(void*))-1)

// One column of the current row, read in one pass so that a row costs one
// call from Go. ptr/n hold the text of INTEGER and TEXT values as
// sqlite3_column_text makes it, the bytes of a BLOB, and for REAL the
// number formatted "%!.15g" in buf, as sqlite3 3.40 shows it (later
// SQLite versions' sqlite3_column_text gives up to 17 digits, 0.1+0.2
// becoming 0.30000000000000004).
typedef struct {
	int typ;
	int n;
	const void *ptr;
	double f;
	char buf[40];
} shell_col;

static void shell_row(sqlite3_stmt *s, int ncol, shell_col *out) {
	for (int i = 0; i < ncol; i++) {
		int t = sqlite3_column_type(s, i);
		out[i].typ = t;
		out[i].f = 0;
		if (t == 5) {            // SQLITE_NULL
			out[i].ptr = 0;
			out[i].n = 0;
			continue;
		}
		if (t == 2) {            // SQLITE_FLOAT
			double f = sqlite3_column_double(s, i);
			out[i].f = f;
			shell_fmt_g(out[i].buf, f, 15);
			out[i].ptr = out[i].buf;
			out[i].n = (int)strlen(out[i].buf);
			continue;
		}
		if (t == 4) out[i].ptr = sqlite3_column_blob(s, i);
		else out[i].ptr = sqlite3_column_text(s, i);
		out[i].n = sqlite3_column_bytes(s, i);
	}
}

// shell_insert binds n text parameters, packed back to back in buf with
// their lengths in lens (a negative length binds NULL), steps the
// statement once and resets it.
static int shell_insert(sqlite3_stmt *s, const char *buf, const int *lens, int n) {
	int rc;
	for (int i = 0; i < n; i++) {
		if (lens[i] < 0) {       // NULL
			rc = sqlite3_bind_null(s, i + 1);
			if (rc) return rc;
			continue;
		}
		rc = sqlite3_bind_text(s, i + 1, buf, lens[i], SHELL_SQLITE_TRANSIENT);
		if (rc) return rc;
		buf += lens[i];
	}
	rc = sqlite3_step(s);
	sqlite3_reset(s);
	return rc == 101 ? 0 : rc;   // SQLITE_DONE
}

// shell_fmt_g formats r as SQLite 3.40's printf formats "%!.<prec>g"
// (sqlite3 3.40 shows REAL values with prec 15 and uses 20 in JSON). It is
// that version's algorithm, kept because later versions round differently:
// digits come from repeated multiplication in long double, at most 26
// significant ones, trailing zeros removed but one kept after the point.
static int shell_getdigit(long double *val, int *cnt) {
	if (*cnt <= 0) return '0';
	(*cnt)--;
	int digit = (int)*val;
	long double d = digit;
	*val = (*val - d) * 10.0;
	return '0' + digit;
}

static void shell_fmt_g(char *out, double r, int precision) {
	static const double arRound[] = {5.0e-01, 5.0e-02, 5.0e-03, 5.0e-04, 5.0e-05,
	                                 5.0e-06, 5.0e-07, 5.0e-08, 5.0e-09, 5.0e-10};
	long double realvalue = r;
	char *p = out;
	int exp = 0, e2, nsd, flag_exp;
	if (realvalue < 0.0) {
		realvalue = -realvalue;
		*p++ = '-';
	}
	if (precision > 0) precision--;
	int idx = precision & 0xfff;
	long double rounder = arRound[idx % 10];
	while (idx >= 10) { rounder *= 1.0e-10; idx -= 10; }
	if (realvalue != realvalue) { strcpy(out, "NaN"); return; }
	if (realvalue > 0.0) {
		long double scale = 1.0;
		while (realvalue >= 1e100 * scale && exp <= 350) { scale *= 1e100; exp += 100; }
		while (realvalue >= 1e10 * scale && exp <= 350) { scale *= 1e10; exp += 10; }
		while (realvalue >= 10.0 * scale && exp <= 350) { scale *= 10.0; exp++; }
		realvalue /= scale;
		while (realvalue < 1e-8) { realvalue *= 1e8; exp -= 8; }
		while (realvalue < 1.0) { realvalue *= 10.0; exp--; }
		if (exp > 350) { strcpy(p, "Inf"); return; }
	}
	realvalue += rounder;
	if (realvalue >= 10.0) { realvalue *= 0.1; exp++; }
	if (exp < -4 || exp > precision) {
		flag_exp = 1;
		e2 = 0;
	} else {
		flag_exp = 0;
		precision = precision - exp;
		e2 = exp;
	}
	nsd = 26;
	if (e2 < 0) {
		*p++ = '0';
	} else {
		for (; e2 >= 0; e2--) *p++ = shell_getdigit(&realvalue, &nsd);
	}
	*p++ = '.';
	for (e2++; e2 < 0; precision--, e2++) *p++ = '0';
	while ((precision--) > 0) *p++ = shell_getdigit(&realvalue, &nsd);
	while (p[-1] == '0') p--;
	if (p[-1] == '.') *p++ = '0';
	if (flag_exp) {
		*p++ = 'e';
		if (exp < 0) { *p++ = '-'; exp = -exp; } else { *p++ = '+'; }
		if (exp >= 100) { *p++ = (char)(exp / 100 + '0'); exp %= 100; }
		*p++ = (char)(exp / 10 + '0');
		*p++ = (char)(exp % 10 + '0');
	}
	*p = 0;
}
*/
import "C"

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"unsafe"

	"github.com/seed-a084b42d/marketsql/engine"
)

// SQLite result codes and storage classes used by the shell.
const (
	sqliteOK   = 0
	sqliteRow  = 100
	sqliteDone = 101

	typeInteger = 1
	typeFloat   = 2
	typeText    = 3
	typeBlob    = 4
	typeNull    = 5
)

// dbHandle is a connection's sqlite3* borrowed for the duration of one
// sql.Conn.Raw callback.
type dbHandle struct{ p *C.sqlite3 }

// handleOf returns the sqlite3* of a driver connection of the engine's pool
// (or of a driver wrapping it that offers Unwrap() driver.Conn).
func handleOf(dc any) (dbHandle, error) {
	for {
		if p := engine.SQLiteHandle(dc); p != nil {
			return dbHandle{(*C.sqlite3)(p)}, nil
		}
		u, ok := dc.(interface{ Unwrap() driver.Conn })
		if !ok {
			return dbHandle{}, fmt.Errorf("shell: unsupported or closed driver connection %T", dc)
		}
		dc = u.Unwrap()
	}
}

func (db dbHandle) errmsg() string   { return C.GoString(C.sqlite3_errmsg(db.p)) }
func (db dbHandle) errorOffset() int { return int(C.sqlite3_error_offset(db.p)) }
func (db dbHandle) autocommit() bool { return C.sqlite3_get_autocommit(db.p) != 0 }
func (db dbHandle) interrupt()       { C.sqlite3_interrupt(db.p) }
func (db dbHandle) valid() bool      { return db.p != nil }
func sqliteComplete(sql string) bool { return completeC(sql) }

// changes returns the rows changed by the last statement and since the
// connection opened.
func (db dbHandle) changes() (last, total int64) {
	return int64(C.sqlite3_changes64(db.p)), int64(C.sqlite3_total_changes64(db.p))
}

// readOnly reports whether the attached database schema is read-only.
func (db dbHandle) readOnly(schema string) bool {
	cs := C.CString(schema)
	defer C.free(unsafe.Pointer(cs))
	return C.sqlite3_db_readonly(db.p, cs) == 1
}

// sqlKeywords returns SQLite's keywords, in upper case.
func sqlKeywords() []string {
	n := int(C.sqlite3_keyword_count())
	kw := make([]string, 0, n)
	for i := 0; i < n; i++ {
		var p *C.char
		var l C.int
		if C.sqlite3_keyword_name(C.int(i), &p, &l) == sqliteOK {
			kw = append(kw, C.GoStringN(p, l))
		}
	}
	return kw
}

// isKeyword reports whether s is an SQL keyword.
func isKeyword(s string) bool {
	if s == "" {
		return false
	}
	cs := C.CString(s)
	defer C.free(unsafe.Pointer(cs))
	return C.sqlite3_keyword_check(cs, C.int(len(s))) != 0
}

// quoteIfNeeded quotes an identifier as sqlite3 does where it names one in
// its output: only when it is not a plain identifier or is a keyword.
func quoteIfNeeded(name string) string {
	plain := name != "" && (isAlpha(name[0]) || name[0] == '_')
	for i := 0; i < len(name) && plain; i++ {
		c := name[i]
		plain = isAlpha(c) || c >= '0' && c <= '9' || c == '_'
	}
	if plain && !isKeyword(name) {
		return name
	}
	return quoteIdent(name)
}

func isAlpha(c byte) bool        { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func (s *stmt) columnCount() int { return int(C.sqlite3_column_count(s.p)) }
func (s *stmt) paramCount() int  { return int(C.sqlite3_bind_parameter_count(s.p)) }
func (s *stmt) step() int        { return int(C.sqlite3_step(s.p)) }

// finalize releases the statement and returns the result code of its
// last step (SQLITE_OK when it ran to the end).
func (s *stmt) finalize() int {
	if s.cols != nil {
		C.free(unsafe.Pointer(s.cols))
		s.cols, s.ncols = nil, 0
	}
	if s.p == nil {
		return sqliteOK
	}
	rc := C.sqlite3_finalize(s.p)
	s.p = nil
	return int(rc)
}
func (s *stmt) columnName(i int) string { return C.GoString(C.sqlite3_column_name(s.p, C.int(i))) }

// SQLiteVersion is the version of the SQLite library linked in.
func SQLiteVersion() string { return C.GoString(C.sqlite3_libversion()) }

func completeC(sql string) bool {
	cs := C.CString(sql)
	defer C.free(unsafe.Pointer(cs))
	return C.sqlite3_complete(cs) != 0
}

// cSQL is SQL text copied once to C memory, so that a script of many
// statements is prepared statement by statement without copying its tail.
type cSQL struct {
	p *C.char
	n int
}

func newCSQL(sql string) *cSQL { return &cSQL{p: C.CString(sql), n: len(sql)} }
func (c *cSQL) free()          { C.free(unsafe.Pointer(c.p)) }

// stmt is a prepared statement.
type stmt struct {
	p     *C.sqlite3_stmt
	cols  *C.shell_col // C memory: a REAL's text points into it
	ncols int
}

// prepare compiles the first statement of sql[off:]. It returns the offset
// just past that statement. A nil *stmt with no error means the text held
// only whitespace or comments.
func (db dbHandle) prepare(sql *cSQL, off int) (*stmt, int, error) {
	start := (*C.char)(unsafe.Add(unsafe.Pointer(sql.p), off))
	var p *C.sqlite3_stmt
	var tail *C.char
	rc := C.sqlite3_prepare_v2(db.p, start, C.int(sql.n-off), &p, &tail)
	if rc != sqliteOK {
		return nil, off, sqliteError{code: int(rc), msg: db.errmsg()}
	}
	next := sql.n
	if tail != nil {
		next = off + int(uintptr(unsafe.Pointer(tail))-uintptr(unsafe.Pointer(start)))
	}
	if p == nil {
		return nil, next, nil
	}
	return &stmt{p: p}, next, nil
}

// prepareString prepares one statement of Go text (for the shell's own
// queries); trailing text is ignored.
func (db dbHandle) prepareString(sql string) (*stmt, error) {
	c := newCSQL(sql)
	defer c.free()
	s, _, err := db.prepare(c, 0)
	if err == nil && s == nil {
		err = errors.New("shell: empty statement")
	}
	return s, err
}

// value is one result value: its storage class, its text as
// sqlite3_column_text gives it (the bytes, for a BLOB) and, for REAL, the
// number.
type value struct {
	typ  int
	text string
	f    float64
}

// row reads the current row into dst (len(dst) == columnCount).
func (s *stmt) row(dst []value) { s.readRow(dst, true) }

// rowView reads the current row into dst without copying the text: it
// points into SQLite's memory and is valid only until the next step or
// finalize. Printers that write a row before the next one use it.
func (s *stmt) rowView(dst []value) { s.readRow(dst, false) }

func (s *stmt) readRow(dst []value, copyText bool) {
	n := len(dst)
	if n == 0 {
		return
	}
	if s.ncols < n {
		if s.cols != nil {
			C.free(unsafe.Pointer(s.cols))
		}
		s.cols = (*C.shell_col)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.shell_col{}))))
		if s.cols == nil {
			panic("shell: out of memory")
		}
		s.ncols = n
	}
	C.shell_row(s.p, C.int(n), s.cols)
	cols := unsafe.Slice(s.cols, n)
	for i := range cols {
		c := &cols[i]
		v := value{typ: int(c.typ), f: float64(c.f)}
		if c.ptr != nil && c.n > 0 {
			if copyText {
				v.text = C.GoStringN((*C.char)(c.ptr), c.n)
			} else {
				v.text = unsafe.String((*byte)(c.ptr), int(c.n))
			}
		}
		dst[i] = v
	}
}

// insert binds fields (packed in buf, lengths in lens, -1 for NULL) and
// runs the statement once.
func (s *stmt) insert(buf []byte, lens []C.int) int {
	var bp *C.char
	if len(buf) > 0 {
		bp = (*C.char)(unsafe.Pointer(&buf[0]))
	} else {
		var zero [1]byte
		bp = (*C.char)(unsafe.Pointer(&zero[0]))
	}
	var lp *C.int
	if len(lens) > 0 {
		lp = &lens[0]
	}
	return int(C.shell_insert(s.p, bp, lp, C.int(len(lens))))
}

// formatReal formats r as SQLite 3.40 formats "%!.<prec>g".
func formatReal(r float64, prec int) string {
	var buf [64]C.char
	C.shell_fmt_g(&buf[0], C.double(r), C.int(prec))
	return C.GoString(&buf[0])
}

// sqliteError is an error reported by SQLite: its message and result code.
type sqliteError struct {
	code int
	msg  string
}

func (e sqliteError) Error() string { return e.msg }
