package main

// glibc gives every thread that calls malloc an arena of its own, reserving
// 64 MB of address space each; with the Go runtime's own reservations that
// alone can exhaust an address-space limit (ulimit -v 2 GB) on a training
// that needs a few hundred MB, and a failed thread creation aborts the
// process. Two arenas are plenty for SQLite and the C kernels. This is the
// shell's choice for its own process; a program embedding the engine makes
// its own (MALLOC_ARENA_MAX).

/*
#include <malloc.h>
#include <stdlib.h>

__attribute__((constructor)) static void marketsql_limit_arenas(void) {
	if (getenv("MALLOC_ARENA_MAX") == NULL) mallopt(M_ARENA_MAX, 2);
}
*/
import "C"
