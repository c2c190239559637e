/* buf.c — the growable, capped byte buffer (see buf.h). */
#include "buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char buf_empty[1] = "";

void buf_init(buf *b, size_t cap)
{
	b->data = (char *)buf_empty;
	b->len = 0;
	b->alloc = 0;
	b->cap = cap ? cap : BUF_DEFAULT_CAP;
	b->failed = false;
}

void buf_release(buf *b)
{
	if (b->alloc)
		free(b->data);
	size_t cap = b->cap;
	buf_init(b, cap);
}

void buf_reset(buf *b)
{
	b->len = 0;
	if (b->alloc)
		b->data[0] = '\0';
	b->failed = false;
}

static int buf_grow(buf *b, size_t extra)
{
	if (b->failed)
		return -1;
	if (extra > b->cap - b->len) {
		b->failed = true;
		return -1;
	}
	size_t need = b->len + extra + 1;
	if (need <= b->alloc)
		return 0;
	size_t alloc = b->alloc ? b->alloc : 64;
	while (alloc < need)
		alloc = alloc < SIZE_MAX / 2 ? alloc * 2 : need;
	char *data = b->alloc ? realloc(b->data, alloc) : malloc(alloc);
	if (!data) {
		b->failed = true;
		return -1;
	}
	if (!b->alloc)
		data[0] = '\0';
	b->data = data;
	b->alloc = alloc;
	return 0;
}

int buf_add(buf *b, const void *data, size_t len)
{
	if (buf_grow(b, len) < 0)
		return -1;
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
	return 0;
}

int buf_adds(buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int buf_addc(buf *b, char c)
{
	return buf_add(b, &c, 1);
}

int buf_vprintf(buf *b, const char *fmt, va_list ap)
{
	va_list copy;
	va_copy(copy, ap);
	int n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0 || buf_grow(b, (size_t)n) < 0) {
		b->failed = true;
		return -1;
	}
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

char *buf_detach(buf *b)
{
	char *out;
	if (b->failed)
		return NULL;
	if (b->alloc) {
		out = b->data;
	} else {
		out = malloc(1);
		if (out)
			out[0] = '\0';
	}
	size_t cap = b->cap;
	buf_init(b, cap);
	return out;
}
