package kmeansfn

/*
#cgo CFLAGS: -I${SRCDIR}/../sqlext
#cgo LDFLAGS: -lm
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "sqlext.h"

// Scoring must not contract a*b+c into a fused multiply-add (Go's Nearest
// does not): GCC takes its optimize pragma, clang the standard one.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#define MSQL_INTEGER SQLITE_INTEGER
#define MSQL_FLOAT SQLITE_FLOAT
#define MSQL_TEXT SQLITE_TEXT
#define MSQL_NULL SQLITE_NULL
#define MSQL_UTF8 SQLITE_UTF8

// A k-means model in one allocation: mean, std and centroids follow the header.
typedef struct {
	int k, d;
	double *mean, *std, *cent;
} msql_km;

typedef struct {
	uintptr_t conn;  // cgo.Handle of the connection's *core.Conn
	int distance;    // 0: kmeans_assign, 1: kmeans_distance
} msql_fn;

extern msql_km *msqlKMeansLoad(uintptr_t conn, sqlite3_context *ctx, int distance, char *name, int n);
extern void msqlKMeansSlow(uintptr_t conn, sqlite3_context *ctx, int distance, int argc, sqlite3_value **argv);
extern void msqlReleaseConn(uintptr_t conn);

static void msql_km_free(void *p) { free(p); }

static void msql_fn_free(void *p) {
	msql_fn *fn = p;
	msqlReleaseConn(fn->conn);
	free(fn);
}

static msql_km *msql_km_alloc(int k, int d) {
	msql_km *m = malloc(sizeof(msql_km) + sizeof(double) * (size_t)(2 * d + k * d));
	if (!m) return NULL;
	m->k = k;
	m->d = d;
	m->mean = (double *)(m + 1);
	m->std = m->mean + d;
	m->cent = m->std + d;
	return m;
}

// Scores one row. The decoded model is kept as SQLite auxiliary data on the
// model-name argument, so a statement scoring many rows with a constant model
// name loads and checks the model once. The arithmetic is kmeans.Model's
// Nearest, operation for operation (no fused multiply-adds, see the pragma
// above), so both give the same cluster and distance bits; a test scores
// random and odd points through both.
static void msql_kmeans_score(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
	msql_fn *fn = sqlite3_user_data(ctx);
	if (argc < 2 || argc - 1 > 64) {
		msqlKMeansSlow(fn->conn, ctx, fn->distance, argc, argv);
		return;
	}
	int cached = 1;
	msql_km *m = sqlite3_get_auxdata(ctx, 0);
	if (!m) {
		if (sqlite3_value_type(argv[0]) != MSQL_TEXT) {
			msqlKMeansSlow(fn->conn, ctx, fn->distance, argc, argv);
			return;
		}
		const unsigned char *name = sqlite3_value_text(argv[0]);
		m = msqlKMeansLoad(fn->conn, ctx, fn->distance, (char *)name, sqlite3_value_bytes(argv[0]));
		if (!m) return; // the error is set
		cached = 0;
	}
	int d = m->d;
	if (argc - 1 != d) goto slow;
	double z[64];
	int null = 0;
	for (int j = 0; j < d; j++) {
		sqlite3_value *v = argv[j + 1];
		switch (sqlite3_value_type(v)) {
		case MSQL_INTEGER:
			z[j] = ((double)sqlite3_value_int64(v) - m->mean[j]) / m->std[j];
			break;
		case MSQL_FLOAT: {
			double x = sqlite3_value_double(v);
			if (!isfinite(x)) goto slow; // the Go path explains the error
			z[j] = (x - m->mean[j]) / m->std[j];
			break;
		}
		case MSQL_NULL:
			null = 1;
			break;
		default:
			goto slow;
		}
	}
	if (null) {
		sqlite3_result_null(ctx);
	} else {
		int best = 0;
		double bestd = INFINITY;
		for (int c = 0; c < m->k; c++) {
			const double *row = m->cent + (size_t)c * d;
			double s = 0;
			for (int j = 0; j < d; j++) {
				double t = z[j] - row[j];
				s += t * t;
			}
			if (s < bestd) {
				best = c;
				bestd = s;
			}
		}
		if (!isfinite(bestd)) goto slow; // overflow: the Go path explains the error
		if (fn->distance) sqlite3_result_double(ctx, sqrt(bestd));
		else sqlite3_result_int64(ctx, best + 1);
	}
	// Last, as SQLite may free the model inside this call.
	if (!cached) sqlite3_set_auxdata(ctx, 0, m, msql_km_free);
	return;
slow:
	if (!cached) free(m);
	msqlKMeansSlow(fn->conn, ctx, fn->distance, argc, argv);
}

static int msql_register_kmeans(sqlite3 *db, const char *name, uintptr_t conn, int distance) {
	msql_fn *fn = malloc(sizeof(msql_fn));
	if (!fn) return 7; // SQLITE_NOMEM
	fn->conn = conn;
	fn->distance = distance;
	// Not SQLITE_DETERMINISTIC: the result depends on the stored model, which
	// retraining changes, so SQLite must not allow these functions in
	// indexes, CHECK constraints or generated columns, whose stored values
	// would then silently go stale.
	return sqlite3_create_function_v2(db, name, -1, MSQL_UTF8, fn,
		msql_kmeans_score, NULL, NULL, msql_fn_free);
}
*/
import "C"

import (
	"fmt"
	"runtime/cgo"
	"unsafe"

	"github.com/seed-a084b42d/marketsql/udf/core"
	"github.com/seed-a084b42d/marketsql/udf/sqlext"
)

// registerNative replaces the Go registrations of kmeans_assign and
// kmeans_distance with C trampolines that call SQLite through the binding's
// routine table (sqlext.h); the Go ones give the same results more slowly
// and explain every error.
func registerNative(c *core.Conn) error {
	db := c.SQL.Handle()
	for i, name := range []string{"kmeans_assign", "kmeans_distance"} {
		h := cgo.NewHandle(c)
		cname := C.CString(name)
		rc := C.msql_register_kmeans((*C.sqlite3)(db), cname, C.uintptr_t(h), C.int(i))
		C.free(unsafe.Pointer(cname))
		if rc != 0 {
			// On failure SQLite has already called the destructor, which
			// released the handle.
			return fmt.Errorf("register %s: sqlite error %d", name, int(rc))
		}
	}
	return nil
}

func fnName(distance C.int) string {
	if distance != 0 {
		return "kmeans_distance"
	}
	return "kmeans_assign"
}

func setError(ctx *C.sqlite3_context, err error) { sqlext.SetError(unsafe.Pointer(ctx), err) }

//export msqlKMeansLoad
func msqlKMeansLoad(conn C.uintptr_t, ctx *C.sqlite3_context, distance C.int, name *C.char, n C.int) (out *C.msql_km) {
	fn := fnName(distance)
	defer func() {
		if r := recover(); r != nil {
			var err error
			core.Recover(fn, &err) // formats the panic
			if err == nil {
				err = fmt.Errorf("%s: internal error: %v", fn, r)
			}
			setError(ctx, err)
			out = nil
		}
	}()
	c := cgo.Handle(conn).Value().(*core.Conn)
	m, err := load(c, fn, C.GoStringN(name, n))
	if err != nil {
		setError(ctx, err)
		return nil
	}
	d := m.D()
	km := C.msql_km_alloc(C.int(m.K), C.int(d))
	if km == nil {
		setError(ctx, fmt.Errorf("%s: out of memory", fn))
		return nil
	}
	copy(unsafe.Slice((*float64)(unsafe.Pointer(km.mean)), d), m.Mean)
	copy(unsafe.Slice((*float64)(unsafe.Pointer(km.std)), d), m.Std)
	copy(unsafe.Slice((*float64)(unsafe.Pointer(km.cent)), m.K*d), m.Centroids)
	return km
}

//export msqlKMeansSlow
func msqlKMeansSlow(conn C.uintptr_t, ctx *C.sqlite3_context, distance C.int, argc C.int, argv **C.sqlite3_value) {
	fn := fnName(distance)
	var err error
	defer func() {
		core.Recover(fn, &err)
		if err != nil {
			setError(ctx, err)
		}
	}()
	c := cgo.Handle(conn).Value().(*core.Conn)
	args := sqlext.ArgsOf(int(argc), unsafe.Pointer(argv))
	var res any
	res, err = score(c, fn, args, distance != 0)
	if err != nil {
		return
	}
	sqlext.SetResult(unsafe.Pointer(ctx), res)
}

//export msqlReleaseConn
func msqlReleaseConn(conn C.uintptr_t) { cgo.Handle(conn).Delete() }
