/*
 * fuzz_support.c — the fixed clock, the seeded in-memory database and the
 * memory source that the fuzz targets share (see fuzz_support.h).
 */
#include "fuzz_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

recip_time fuzz_now(void)
{
	return recip_time_from_civil(2026, 11, 23, 12, 0, 0);
}

static void harness_failed(recip_ctx *ctx, const char *what)
{
	fprintf(stderr, "fuzz harness: %s: %s\n", what, ctx ? recip_errmsg(ctx) : "out of memory");
	abort();
}

recip_ctx *fuzz_ctx(void)
{
	recip_ctx *ctx = NULL;
	if (recip_ctx_new(&ctx) != RECIP_OK)
		harness_failed(NULL, "a new context");
	recip_ctx_set_now(ctx, fuzz_now());
	if (recip_ctx_set_actor(ctx, "fuzz") != RECIP_OK)
		harness_failed(ctx, "the actor");
	return ctx;
}

recip_ctx *fuzz_ctx_with_parties(void)
{
	recip_ctx *ctx = fuzz_ctx();
	if (recip_open(ctx, ":memory:", RECIP_OPEN_CREATE) != RECIP_OK)
		harness_failed(ctx, "an in-memory database");
	static const recip_field ana[] = {
		{"name", "Ana Lima", RECIP_SET, NULL},
		{"email", "ana@example.com", RECIP_SET, NULL},
	};
	static const recip_field bo[] = {{"name", "Bo Chen", RECIP_SET, NULL}};
	static const recip_field acme[] = {
		{"name", "Acme", RECIP_SET, NULL},
		{"kind", "organisation", RECIP_SET, NULL},
	};
	int64_t id;
	if (recip_record_add(ctx, &id, "party", ana, 2) != RECIP_OK ||
	    recip_record_add(ctx, &id, "party", bo, 1) != RECIP_OK ||
	    recip_record_add(ctx, &id, "party", acme, 2) != RECIP_OK)
		harness_failed(ctx, "the seed parties");
	return ctx;
}

static int cursor_read(void *arg, void *out, size_t size, size_t *out_len)
{
	fuzz_cursor *c = arg;
	size_t n = c->size - c->pos;
	if (n > size)
		n = size;
	memcpy(out, c->data + c->pos, n);
	c->pos += n;
	*out_len = n;
	return RECIP_OK;
}

void fuzz_source(recip_source *out, fuzz_cursor *cursor, const uint8_t *data, size_t size, const char *name)
{
	*cursor = (fuzz_cursor){data, size, 0};
	*out = (recip_source){name, (int64_t)size, cursor_read, cursor};
}

char *fuzz_string(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return NULL;
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}
