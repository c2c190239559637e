/*
 * fuzz_restore.c — libFuzzer target: restoring a JSON Lines export
 * (lib/dump.c): the header, table and row lines, column lists, values of
 * every type, deferred references, the roll-ups recomputed and checked.
 * Each input is restored into a new in-memory database.
 */
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	recip_ctx *ctx = fuzz_ctx();
	fuzz_cursor cursor;
	recip_source in;
	fuzz_source(&in, &cursor, data, size, "fuzz.jsonl");
	json_t *report = NULL;
	recip_restore(ctx, &report, ":memory:", &in);
	json_decref(report);
	recip_ctx_free(ctx);
	return 0;
}
