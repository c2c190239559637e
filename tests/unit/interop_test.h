/* interop_test.h — what the interop unit tests share: sources over memory,
 * a sink into a buffer, and the database's whole content as a string (its
 * JSON export), to show that a failed import changed nothing. */
#ifndef RECIP_INTEROP_TEST_H
#define RECIP_INTEROP_TEST_H

#include "support.h"

#include <recip/interop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

typedef struct memory_source {
	recip_source src;
	const char *data;
	size_t len, pos;
	size_t chunk;   /* at most this much per read (0: as asked), to cross chunk edges */
} memory_source;

static int memory_read(void *arg, void *out, size_t size, size_t *out_len)
{
	memory_source *m = arg;
	size_t n = m->len - m->pos;
	if (n > size)
		n = size;
	if (m->chunk && n > m->chunk)
		n = m->chunk;
	memcpy(out, m->data + m->pos, n);
	m->pos += n;
	*out_len = n;
	return RECIP_OK;
}

/* A source over len bytes (which may hold NUL bytes). */
static inline const recip_source *memory_bytes(memory_source *m, const char *name, const char *data, size_t len)
{
	memset(m, 0, sizeof(*m));
	m->data = data;
	m->len = len;
	m->src.name = name;
	m->src.size = (int64_t)len;
	m->src.read = memory_read;
	m->src.arg = m;
	return &m->src;
}

static inline const recip_source *memory_text(memory_source *m, const char *name, const char *text)
{
	return memory_bytes(m, name, text, strlen(text));
}

/* A source over a file of the fixtures. */
static inline const recip_source *fixture(memory_source *m, const char *relative, char **owned)
{
	const char *dir = getenv("RECIP_FIXTURES");
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/fixtures", relative);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open fixture %s", path);
	buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	size_t len = b.len;
	*owned = buf_detach(&b);
	return memory_bytes(m, relative, *owned, len);
}

static int buf_write(void *arg, const void *data, size_t len)
{
	return buf_add(arg, data, len) ? RECIP_ENOMEM : RECIP_OK;
}

static inline recip_sink buf_sink(buf *b)
{
	recip_sink s = {buf_write, b};
	return s;
}

/* Everything in the database, as its JSON export (malloc'ed). */
static inline char *database_image(recip_ctx *ctx)
{
	buf b = BUF_INIT;
	recip_sink s = buf_sink(&b);
	if (recip_export_json(ctx, &s) != RECIP_OK)
		fail_msg("export failed: %s", recip_errmsg(ctx));
	return buf_detach(&b);
}

/* Fails unless the database still holds what `before` (an image taken
 * earlier, which this frees) shows. */
static inline void assert_unchanged(recip_ctx *ctx, char *before)
{
	char *after = database_image(ctx);
	assert_string_equal(before, after);
	free(before);
	free(after);
}

/* One integer from SQL (lib/db.h). */
int db_int(recip_ctx *ctx, int64_t *out, int64_t dflt, const char *sql, const char *types, ...);

static inline int64_t count_of(recip_ctx *ctx, const char *sql)
{
	int64_t n = -1;
	if (db_int(ctx, &n, 0, sql, ""))
		fail_msg("%s: %s", sql, recip_errmsg(ctx));
	return n;
}

/* The same with one text parameter (?), for texts that hold line breaks:
 * SQL has no portable way to write them (SQLite's char(10), PostgreSQL's
 * chr(10)). */
static inline int64_t count_with(recip_ctx *ctx, const char *sql, const char *text)
{
	int64_t n = -1;
	if (db_int(ctx, &n, 0, sql, "t", text))
		fail_msg("%s: %s", sql, recip_errmsg(ctx));
	return n;
}

/* A report's integer member. */
static inline int64_t report_int(json_t *report, const char *key)
{
	return (int64_t)json_integer_value(json_object_get(report, key));
}

#endif
