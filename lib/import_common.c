/*
 * import_common.c — the pieces every importer and exporter shares: sources
 * and sinks over stdio, a line reader with a cap on the length of a line
 * (so no input can exhaust memory), character-set conversion with iconv,
 * content digests, and the import report with its all-or-nothing ending.
 */
#include "import.h"
#include "db.h"

#include <errno.h>
#include <iconv.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define READ_CHUNK ((size_t)64 * 1024)

/* ---- stdio sources and sinks ---------------------------------------------- */

static int stdio_read(void *arg, void *data, size_t size, size_t *out_len)
{
	FILE *f = arg;
	size_t n = fread(data, 1, size, f);
	*out_len = n;
	return n == 0 && ferror(f) ? RECIP_EIO : RECIP_OK;
}

void recip_source_stdio(recip_source *out, FILE *f, const char *name)
{
	struct stat st;
	out->name = name;
	out->size = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) ? (int64_t)st.st_size : -1;
	out->read = stdio_read;
	out->arg = f;
}

static int stdio_write(void *arg, const void *data, size_t len)
{
	return fwrite(data, 1, len, arg) == len ? RECIP_OK : RECIP_EIO;
}

void recip_sink_stdio(recip_sink *out, FILE *f)
{
	out->write = stdio_write;
	out->arg = f;
}

int sink_write(recip_ctx *ctx, const recip_sink *out, const void *data, size_t len)
{
	if (!len)
		return RECIP_OK;
	int rc = out->write(out->arg, data, len);
	if (rc && recip_errcode(ctx) != rc)
		return recip_fail(ctx, rc, "cannot write the output: %s", rc == RECIP_EIO ? strerror(errno) : "failed");
	return rc;
}

int sink_buf(recip_ctx *ctx, const recip_sink *out, buf *b)
{
	if (b->failed)
		return recip_oom(ctx);
	int rc = sink_write(ctx, out, b->data, b->len);
	buf_reset(b);
	return rc;
}

/* ---- the line reader -------------------------------------------------------- */

int reader_init(reader *r, recip_ctx *ctx, const recip_source *src, size_t max_line)
{
	memset(r, 0, sizeof(*r));
	r->ctx = ctx;
	r->src = src;
	r->max_line = max_line;
	r->at_start = true;
	buf_init(&r->current, max_line + 1);
	r->chunk = malloc(READ_CHUNK);
	return r->chunk ? RECIP_OK : recip_oom(ctx);
}

void reader_release(reader *r)
{
	free(r->chunk);
	buf_release(&r->current);
	r->chunk = NULL;
}

/* Makes sure unread input is buffered; false at the end. */
static int fill(reader *r, bool *more)
{
	*more = true;
	if (r->chunk_pos < r->chunk_len)
		return RECIP_OK;
	if (r->eof) {
		*more = false;
		return RECIP_OK;
	}
	size_t n = 0;
	int rc = r->src->read(r->src->arg, r->chunk, READ_CHUNK, &n);
	if (rc)
		return recip_fail(r->ctx, RECIP_EIO, "cannot read '%s': %s", r->src->name,
		                  rc == RECIP_EIO ? strerror(errno) : recip_errmsg(r->ctx));
	r->chunk_pos = 0;
	r->chunk_len = n;
	if (n == 0) {
		r->eof = true;
		*more = false;
		return RECIP_OK;
	}
	if (r->at_start) {
		r->at_start = false;
		if (n >= 3 && !memcmp(r->chunk, "\xEF\xBB\xBF", 3)) { /* a UTF-8 byte-order mark */
			r->chunk_pos = 3;
			r->bytes += 3;
		}
	}
	return RECIP_OK;
}

int reader_segment(reader *r, const char **out, size_t *out_len, bool *ends_line)
{
	bool more;
	int rc = fill(r, &more);
	*out = NULL;
	*out_len = 0;
	*ends_line = false;
	if (rc || !more)
		return rc;
	const char *start = r->chunk + r->chunk_pos;
	size_t avail = r->chunk_len - r->chunk_pos;
	const char *nl = memchr(start, '\n', avail);
	size_t n = nl ? (size_t)(nl - start) + 1 : avail;
	r->chunk_pos += n;
	r->bytes += (int64_t)n;
	if (nl) {
		*ends_line = true;
		r->line++;
	}
	*out = start;
	*out_len = n;
	return RECIP_OK;
}

int reader_line(reader *r, const char **out, size_t *out_len)
{
	if (r->pushed_back) {
		r->pushed_back = false;
		*out = r->current.data;
		*out_len = r->current.len;
		r->line++;
		return RECIP_OK;
	}
	buf_reset(&r->current);
	bool any = false;
	for (;;) {
		bool more;
		int rc = fill(r, &more);
		if (rc)
			return rc;
		if (!more)
			break;
		any = true;
		const char *start = r->chunk + r->chunk_pos;
		size_t avail = r->chunk_len - r->chunk_pos;
		const char *nl = memchr(start, '\n', avail);
		size_t n = nl ? (size_t)(nl - start) : avail;
		if (r->current.len + n > r->max_line)
			return recip_fail(r->ctx, RECIP_ETOOBIG, "line %lld of '%s' is longer than %zu bytes",
			                  (long long)r->line + 1, r->src->name, r->max_line);
		if (buf_add(&r->current, start, n))
			return recip_oom(r->ctx);
		r->chunk_pos += n + (nl ? 1 : 0);
		r->bytes += (int64_t)(n + (nl ? 1 : 0));
		if (nl)
			break;
	}
	if (!any && r->current.len == 0) {
		*out = NULL;
		*out_len = 0;
		return RECIP_OK;
	}
	r->line++;
	/* CR LF, and the CR CR LF some exporters write */
	while (r->current.len && r->current.data[r->current.len - 1] == '\r')
		r->current.data[--r->current.len] = '\0';
	if (memchr(r->current.data, '\0', r->current.len))
		return recip_fail(r->ctx, RECIP_EINVAL, "line %lld of '%s' contains a NUL byte (is it a text file?)",
		                  (long long)r->line, r->src->name);
	*out = r->current.data;
	*out_len = r->current.len;
	return RECIP_OK;
}

void reader_unread(reader *r)
{
	r->pushed_back = true;
	r->line--;
}

/* ---- text --------------------------------------------------------------------- */

int charset_to_utf8(recip_ctx *ctx, const char *charset, const char *in, size_t len, char **out)
{
	iconv_t cd = iconv_open("UTF-8", charset);
	if (cd == (iconv_t)-1)
		return recip_fail(ctx, RECIP_EINVAL, "unknown character set '%s'", charset);
	/* no character takes more than 4 bytes in UTF-8, nor fewer than 1 byte in any input */
	size_t cap = len * 4 + 1;
	char *result = malloc(cap);
	if (!result) {
		iconv_close(cd);
		return recip_oom(ctx);
	}
	char *src = (char *)in, *dst = result;
	size_t left = len, room = cap - 1;
	size_t n = iconv(cd, &src, &left, &dst, &room);
	int err = errno;
	iconv_close(cd);
	if (n == (size_t)-1) {
		free(result);
		return recip_fail(ctx, RECIP_EINVAL, "text that is not in character set '%s'%s", charset,
		                  err == EINVAL ? " (it ends in the middle of a character)" : "");
	}
	*dst = '\0';
	*out = result;
	return RECIP_OK;
}

char *utf8_repair(const char *in, size_t len, bool *replaced)
{
	buf b = BUF_INIT;
	*replaced = false;
	size_t i = 0;
	while (i < len) {
		size_t n = 1;
		unsigned char c = (unsigned char)in[i];
		if (c >= 0x80) {
			n = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
			if (!n || i + n > len || !utf8_valid(in + i, n)) {
				buf_adds(&b, "\xEF\xBF\xBD");
				*replaced = true;
				i++;
				continue;
			}
		}
		buf_add(&b, in + i, n);
		i += n;
	}
	return buf_detach(&b);
}

char *lookup_key(const char *text)
{
	char *folded = text_fold(text);
	char *key = folded ? text_trim(folded) : NULL;
	free(folded);
	return key;
}

void database_files_remove(const char *path)
{
	static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 4; i++) {
		buf name = BUF_INIT;
		buf_printf(&name, "%s%s", path, suffixes[i]);
		if (!name.failed)
			unlink(name.data);
		buf_release(&name);
	}
}

int fact_value(recip_ctx *ctx, int64_t party, const char *key, char **out)
{
	*out = NULL;
	char *norm = lookup_key(key);
	if (!norm)
		return recip_oom(ctx);
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT value FROM fact WHERE party_id = ? AND key_norm = ?", "it", party, norm);
	free(norm);
	if (rc)
		return rc;
	if ((rc = db_step(ctx, st)) == DB_ROW && !(*out = xstrdup(db_col_text(st, 0))))
		rc = recip_oom(ctx);
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

void content_digest(const void *data, size_t len, char out[33])
{
	unsigned char hash[16];
	if (sodium_init() < 0)
		abort(); /* libsodium could not initialise: nothing sensible is left to do */
	crypto_generichash(hash, sizeof(hash), data, len, NULL, 0);
	sodium_bin2hex(out, 33, hash, sizeof(hash));
}

/* ---- the report ------------------------------------------------------------------ */

int report_init(recip_ctx *ctx, import_report *r, const char *kind, const recip_source *in,
                const recip_import_options *opt)
{
	memset(r, 0, sizeof(*r));
	r->doc = json_pack("{s:s, s:s, s:b}", "kind", kind, "source", in->name ? in->name : "-", "dry_run",
	                   opt && opt->dry_run);
	r->bad = json_array();
	r->warnings = json_array();
	r->merges = json_array();
	if (!r->doc || !r->bad || !r->warnings || !r->merges) {
		report_release(r);
		return recip_oom(ctx);
	}
	return RECIP_OK;
}

void report_release(import_report *r)
{
	json_decref(r->doc);
	json_decref(r->bad);
	json_decref(r->warnings);
	json_decref(r->merges);
	memset(r, 0, sizeof(*r));
}

static int listed(recip_ctx *ctx, json_t *list, int64_t count, int64_t line, const char *reason)
{
	if (count > IMPORT_MAX_LISTED)
		return RECIP_OK;
	if (jappend(list, json_pack("{s:I, s:s}", "line", (json_int_t)line, "reason", reason)))
		return recip_oom(ctx);
	return RECIP_OK;
}

int report_bad(recip_ctx *ctx, import_report *r, int64_t line, const char *reason)
{
	if (r->bad_count++ == 0) {
		r->first_bad_line = line;
		snprintf(r->first_bad, sizeof(r->first_bad), "%s", reason);
	}
	return listed(ctx, r->bad, r->bad_count, line, reason);
}

int report_warning(recip_ctx *ctx, import_report *r, int64_t line, const char *reason)
{
	return listed(ctx, r->warnings, ++r->warning_count, line, reason);
}

int report_counts(recip_ctx *ctx, import_report *r, ...)
{
	va_list ap;
	va_start(ap, r);
	int rc = RECIP_OK;
	const char *key;
	while (!rc && (key = va_arg(ap, const char *)))
		if (jset(r->doc, key, json_integer(va_arg(ap, int64_t))))
			rc = recip_oom(ctx);
	va_end(ap);
	return rc;
}

bool import_row_error(int rc)
{
	switch (rc) {
	case RECIP_EINVAL: case RECIP_ENOTFOUND: case RECIP_EAMBIGUOUS: case RECIP_EEXISTS:
	case RECIP_ENOTREADY: case RECIP_ETOOBIG:
		return true;
	default:
		return false;
	}
}

/* Undoes the import's transaction (or savepoint) without failing. */
static void abandon(recip_ctx *ctx)
{
	char saved[sizeof(ctx->errmsg)];
	int code = ctx->errcode;
	memcpy(saved, ctx->errmsg, sizeof(saved));
	tx_end(ctx, RECIP_ERROR);
	memcpy(ctx->errmsg, saved, sizeof(saved));
	ctx->errcode = code;
}

int import_finish(recip_ctx *ctx, import_report *r, int rc, const recip_import_options *opt, const char *what,
                  json_t **out)
{
	bool dry = opt && opt->dry_run, skip = opt && opt->skip_bad;
	if (rc) {
		abandon(ctx);
		report_release(r);
		return rc;
	}
	bool refuse = r->bad_count > 0 && !skip;
	if (refuse || dry) {
		abandon(ctx);
	} else {
		rc = tx_end(ctx, RECIP_OK);
		if (rc) {
			report_release(r);
			return rc;
		}
	}
	if (jset(r->doc, "bad_count", json_integer(r->bad_count)) || jset(r->doc, "bad", json_incref(r->bad)) ||
	    jset(r->doc, "warning_count", json_integer(r->warning_count)) ||
	    jset(r->doc, "warnings", json_incref(r->warnings)) || jset(r->doc, "merges", json_incref(r->merges)) ||
	    jset(r->doc, "written", json_boolean(!refuse && !dry))) {
		report_release(r);
		return recip_oom(ctx);
	}
	*out = json_incref(r->doc);
	if (refuse) {
		const char *source = json_string_value(json_object_get(r->doc, "source"));
		if (r->bad_count == 1)
			rc = recip_fail(ctx, RECIP_EINVAL, "line %lld of '%s': %s; nothing was %s", (long long)r->first_bad_line,
			                source, r->first_bad, what);
		else
			rc = recip_fail(ctx, RECIP_EINVAL,
			                "line %lld of '%s': %s; %lld bad rows in all, nothing was %s (--dry-run lists them, "
			                "--skip-bad imports the good ones)",
			                (long long)r->first_bad_line, source, r->first_bad, (long long)r->bad_count, what);
	}
	report_release(r);
	return rc;
}
