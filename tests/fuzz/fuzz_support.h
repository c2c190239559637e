/*
 * fuzz_support.h — what the libFuzzer targets share: a context with a
 * fixed clock on an in-memory database with a few parties in it (the
 * records that fuzzed input may refer to), and a recip_source over the
 * fuzzer's bytes. Each target undoes its writes (recip_begin …
 * recip_rollback), so that every input runs on the same database and a
 * crash reproduces from its input alone.
 */
#ifndef RECIP_FUZZ_SUPPORT_H
#define RECIP_FUZZ_SUPPORT_H

#include <recip/recip.h>
#include <recip/interop.h>

#include <stddef.h>
#include <stdint.h>

/* The moment every fuzz target calls "now": 2026-11-23 12:00. */
recip_time fuzz_now(void);

/* A new context with the fixed clock and the actor "fuzz"; aborts when it
 * cannot be made (that is the harness failing, not the input). */
recip_ctx *fuzz_ctx(void);

/* fuzz_ctx() on a new in-memory database holding the parties "Ana Lima"
 * (ana@example.com), "Bo Chen" and "Acme" (an organisation). */
recip_ctx *fuzz_ctx_with_parties(void);

/* A source reading `size` bytes at `data`; `cursor` holds the position. */
typedef struct fuzz_cursor {
	const uint8_t *data;
	size_t size, pos;
} fuzz_cursor;
void fuzz_source(recip_source *out, fuzz_cursor *cursor, const uint8_t *data, size_t size, const char *name);

/* The input as a NUL-terminated string (caller frees); NULL when out of memory. */
char *fuzz_string(const uint8_t *data, size_t size);

#endif
