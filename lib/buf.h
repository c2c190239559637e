/*
 * buf.h — the one growable byte buffer of recip, used by every layer
 * (library, command line, server). Always NUL-terminated, never NULL data
 * after buf_init, with a size cap so that no outside input can make it grow
 * without bound. Modelled on git's strbuf and curl's dynbuf.
 */
#ifndef RECIP_BUF_H
#define RECIP_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>

typedef struct buf {
	char *data;     /* NUL-terminated; points at a static "" until the first write */
	size_t len;
	size_t alloc;
	size_t cap;     /* len may never exceed this */
	bool failed;    /* a write failed (no memory or over the cap); sticky */
} buf;

#define BUF_DEFAULT_CAP ((size_t)256 * 1024 * 1024)
#define BUF_INIT { (char *)buf_empty, 0, 0, BUF_DEFAULT_CAP, false }

extern const char buf_empty[1];

void buf_init(buf *b, size_t cap);
/* Frees the contents; the buffer is empty and usable again. */
void buf_release(buf *b);
void buf_reset(buf *b);   /* keeps the memory, empties the contents */
/* Each returns 0, or -1 when out of memory or over the cap (then b->failed). */
int buf_add(buf *b, const void *data, size_t len);
int buf_adds(buf *b, const char *s);
int buf_addc(buf *b, char c);
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Hands the contents to the caller (malloc'ed, never NULL on success). */
char *buf_detach(buf *b);

#endif
