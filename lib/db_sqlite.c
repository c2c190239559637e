/*
 * db_sqlite.c — the SQLite backend of the storage interface: WAL, foreign
 * keys, a busy timeout, write transactions taken with BEGIN IMMEDIATE (so
 * that two writers queue instead of deadlocking), and SQLite's result codes
 * turned into recip's.
 */
#include "db.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* How long a writer waits for another one before giving up (ms). Long
 * enough that concurrent command-line runs and servers queue up instead of
 * reporting "locked" to a person. */
#define SQLITE_BUSY_MS 30000

typedef struct sqlite_db {
	db head;
	sqlite3 *handle;
} sqlite_db;

typedef struct sqlite_stmt {
	db_stmt head;
	sqlite3_stmt *st;
} sqlite_stmt;

static sqlite3 *handle_of(db *d)
{
	return ((sqlite_db *)d)->handle;
}

static int sqlite_error(recip_ctx *ctx, int code, const char *during)
{
	db *d = ctx->db;
	const char *msg = d ? sqlite3_errmsg(handle_of(d)) : sqlite3_errstr(code);
	switch (code & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return recip_fail(ctx, RECIP_EBUSY, "database '%s' is busy with another writer; try again",
		                  d ? d->address : "?");
	case SQLITE_READONLY:
		return recip_fail(ctx, RECIP_EREADONLY, "database '%s' is read-only", d ? d->address : "?");
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT:
		return recip_fail(ctx, RECIP_ENOTDB, "'%s' is not a recip database (%s)",
		                  d ? d->address : "?", msg);
	case SQLITE_NOMEM:
		return recip_oom(ctx);
	case SQLITE_FULL:
		return recip_fail(ctx, RECIP_EIO, "database '%s': the disk is full", d ? d->address : "?");
	case SQLITE_CONSTRAINT:
		if (code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY)
			return recip_fail(ctx, RECIP_EEXISTS, "already recorded (%s)", msg);
		return recip_fail(ctx, RECIP_EINVAL, "refused by the database (%s)", msg);
	default:
		return recip_fail(ctx, RECIP_EDB, "storage: %s: %s", during, msg);
	}
}

static void sqlite_close(db *d)
{
	sqlite3_close_v2(handle_of(d));
	free(d);
}

static int sqlite_exec(recip_ctx *ctx, const char *sql)
{
	int rc = sqlite3_exec(handle_of(ctx->db), sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? RECIP_OK : sqlite_error(ctx, sqlite3_extended_errcode(handle_of(ctx->db)), "exec");
}

static int sqlite_prepare(recip_ctx *ctx, db_stmt **out, const char *sql)
{
	sqlite_stmt *s = calloc(1, sizeof(*s));
	if (!s)
		return recip_oom(ctx);
	int rc = sqlite3_prepare_v3(handle_of(ctx->db), sql, -1, SQLITE_PREPARE_PERSISTENT, &s->st, NULL);
	if (rc != SQLITE_OK) {
		free(s);
		return sqlite_error(ctx, rc, "prepare");
	}
	*out = &s->head;
	return RECIP_OK;
}

static sqlite3_stmt *st_of(db_stmt *st)
{
	return ((sqlite_stmt *)st)->st;
}

static void sqlite_finalize(db_stmt *st)
{
	sqlite3_finalize(st_of(st));
	free(st);
}

static void sqlite_reset(db_stmt *st)
{
	sqlite3_reset(st_of(st));
	sqlite3_clear_bindings(st_of(st));
}

static int sqlite_bind_int(db_stmt *st, int idx, int64_t v)
{
	return sqlite3_bind_int64(st_of(st), idx, v) == SQLITE_OK ? 0 : -1;
}

static int sqlite_bind_double(db_stmt *st, int idx, double v)
{
	return sqlite3_bind_double(st_of(st), idx, v) == SQLITE_OK ? 0 : -1;
}

static int sqlite_bind_text(db_stmt *st, int idx, const char *v)
{
	return sqlite3_bind_text(st_of(st), idx, v, -1, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : -1;
}

static int sqlite_bind_null(db_stmt *st, int idx)
{
	return sqlite3_bind_null(st_of(st), idx) == SQLITE_OK ? 0 : -1;
}

static int sqlite_step(recip_ctx *ctx, db_stmt *st)
{
	int rc = sqlite3_step(st_of(st));
	if (rc == SQLITE_ROW)
		return DB_ROW;
	if (rc == SQLITE_DONE)
		return DB_DONE;
	rc = sqlite3_extended_errcode(handle_of(ctx->db));
	sqlite3_reset(st_of(st));
	return sqlite_error(ctx, rc, "step");
}

static bool sqlite_col_null(db_stmt *st, int col)
{
	return sqlite3_column_type(st_of(st), col) == SQLITE_NULL;
}

static int64_t sqlite_col_int(db_stmt *st, int col)
{
	return sqlite3_column_int64(st_of(st), col);
}

static double sqlite_col_double(db_stmt *st, int col)
{
	return sqlite3_column_double(st_of(st), col);
}

static const char *sqlite_col_text(db_stmt *st, int col)
{
	return (const char *)sqlite3_column_text(st_of(st), col);
}

static int sqlite_col_count(db_stmt *st)
{
	return sqlite3_column_count(st_of(st));
}

static const char *sqlite_col_name(db_stmt *st, int col)
{
	return sqlite3_column_name(st_of(st), col);
}

static int sqlite_changes(db *d)
{
	return sqlite3_changes(handle_of(d));
}

static int sqlite_table_count(recip_ctx *ctx, int64_t *out)
{
	return db_int(ctx, out, 0, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", "");
}

static int sqlite_has_table(recip_ctx *ctx, const char *table, bool *out)
{
	int64_t n;
	int rc = db_int(ctx, &n, 0, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", "t",
	                table);
	*out = n > 0;
	return rc;
}

int db_sqlite_backup(recip_ctx *ctx, const char *dest_path)
{
	if (db_backend_of(ctx) != DB_SQLITE)
		return recip_fail(ctx, RECIP_EINVAL, "a file backup needs an SQLite database (use pg_dump for PostgreSQL)");
	sqlite3 *dest;
	int rc = sqlite3_open_v2(dest_path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		int err = recip_fail(ctx, RECIP_EIO, "cannot write backup '%s': %s", dest_path,
		                     dest ? sqlite3_errmsg(dest) : sqlite3_errstr(rc));
		sqlite3_close_v2(dest);
		return err;
	}
	sqlite3_busy_timeout(dest, SQLITE_BUSY_MS);
	sqlite3_backup *b = sqlite3_backup_init(dest, "main", handle_of(ctx->db), "main");
	if (!b) {
		int err = recip_fail(ctx, RECIP_EIO, "cannot write backup '%s': %s", dest_path, sqlite3_errmsg(dest));
		sqlite3_close_v2(dest);
		return err;
	}
	/* Copy in one step: it reads one snapshot, which in WAL mode never
	 * blocks writers. (Copying in pieces restarts whenever another process
	 * commits in between, and under steady writes may never finish.) */
	do {
		rc = sqlite3_backup_step(b, -1);
		if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
			sqlite3_sleep(20);
	} while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
	sqlite3_backup_finish(b);
	int err = RECIP_OK;
	if (rc != SQLITE_DONE)
		err = recip_fail(ctx, RECIP_EIO, "backup to '%s' failed: %s", dest_path, sqlite3_errstr(rc));
	else if (sqlite3_close(dest) != SQLITE_OK)
		err = recip_fail(ctx, RECIP_EIO, "backup to '%s' failed: %s", dest_path, sqlite3_errmsg(dest));
	else
		dest = NULL;
	if (dest)
		sqlite3_close_v2(dest);
	return err;
}

static int sqlite_begin(recip_ctx *ctx)
{
	return sqlite_exec(ctx, "BEGIN IMMEDIATE");
}

/* A deferred transaction: its first read fixes the snapshot (WAL), which
 * other processes' commits do not change, and it takes no write lock. */
static int sqlite_begin_read(recip_ctx *ctx)
{
	return sqlite_exec(ctx, "BEGIN");
}

static int sqlite_commit(recip_ctx *ctx)
{
	return sqlite_exec(ctx, "COMMIT");
}

static void sqlite_rollback(recip_ctx *ctx)
{
	if (!sqlite3_get_autocommit(handle_of(ctx->db)))
		sqlite3_exec(handle_of(ctx->db), "ROLLBACK", NULL, NULL, NULL);
}

static const db_ops sqlite_ops = {
	.name = "sqlite",
	.backend = DB_SQLITE,
	.close = sqlite_close,
	.exec = sqlite_exec,
	.prepare = sqlite_prepare,
	.finalize = sqlite_finalize,
	.reset = sqlite_reset,
	.bind_int = sqlite_bind_int,
	.bind_double = sqlite_bind_double,
	.bind_text = sqlite_bind_text,
	.bind_null = sqlite_bind_null,
	.step = sqlite_step,
	.col_null = sqlite_col_null,
	.col_int = sqlite_col_int,
	.col_double = sqlite_col_double,
	.col_text = sqlite_col_text,
	.col_count = sqlite_col_count,
	.col_name = sqlite_col_name,
	.changes = sqlite_changes,
	.table_count = sqlite_table_count,
	.has_table = sqlite_has_table,
	.begin = sqlite_begin,
	.begin_read = sqlite_begin_read,
	.commit = sqlite_commit,
	.rollback = sqlite_rollback,
};

/* The collation "C" (DB_BYTE_ORDER): bytes, then length — what SQLite's
 * BINARY does, and PostgreSQL's C collation, under the name both accept. */
static int byte_order(void *arg, int len_a, const void *a, int len_b, const void *b)
{
	(void)arg;
	int c = memcmp(a, b, (size_t)(len_a < len_b ? len_a : len_b));
	return c ? c : len_a - len_b;
}

int db_open_sqlite(recip_ctx *ctx, db **out, const char *path, unsigned flags)
{
	*out = NULL;
	struct stat sb;
	bool exists = stat(path, &sb) == 0;
	if (!exists && !(flags & RECIP_OPEN_CREATE))
		return recip_fail(ctx, RECIP_ENODB, "no database at '%s' (create one with 'recip init')", path);
	if (exists && S_ISDIR(sb.st_mode))
		return recip_fail(ctx, RECIP_ENOTDB, "'%s' is a directory, not a recip database", path);

	bool readonly = (flags & RECIP_OPEN_READONLY) != 0;
	if (exists && !readonly && access(path, W_OK) != 0)
		readonly = true;
	int open_flags = readonly ? SQLITE_OPEN_READONLY
	                          : SQLITE_OPEN_READWRITE | ((flags & RECIP_OPEN_CREATE) ? SQLITE_OPEN_CREATE : 0);
	sqlite_db *d = calloc(1, sizeof(*d));
	if (!d)
		return recip_oom(ctx);
	d->head.ops = &sqlite_ops;
	d->head.readonly = readonly;
	d->head.address = xstrdup(path);
	if (!d->head.address) {
		free(d);
		return recip_oom(ctx);
	}
	/* A WAL database in a directory we cannot write has no shared-memory
	 * file to read through: read it as immutable (nobody can change it
	 * without write access either). */
	char *uri = NULL;
	if (readonly) {
		char *slash = strrchr(d->head.address, '/');
		buf dir = BUF_INIT;
		if (slash)
			buf_add(&dir, d->head.address, (size_t)(slash - d->head.address) + 1);
		else
			buf_adds(&dir, ".");
		bool dir_writable = !dir.failed && access(dir.data, W_OK) == 0;
		buf_release(&dir);
		if (!dir_writable) {
			buf u = BUF_INIT;
			buf_adds(&u, "file:");
			for (const char *p = path; *p; p++) {
				if (*p == '%' || *p == '?' || *p == '#')
					buf_printf(&u, "%%%02X", (unsigned char)*p);
				else
					buf_addc(&u, *p);
			}
			buf_adds(&u, "?immutable=1");
			uri = buf_detach(&u);
			open_flags |= SQLITE_OPEN_URI;
		}
	}
	int rc = sqlite3_open_v2(uri ? uri : path, &d->handle, open_flags | SQLITE_OPEN_NOMUTEX, NULL);
	free(uri);
	if (rc != SQLITE_OK) {
		int err = recip_fail(ctx, rc == SQLITE_CANTOPEN ? RECIP_EIO : RECIP_EDB, "cannot open database '%s': %s",
		                     path, d->handle ? sqlite3_errmsg(d->handle) : sqlite3_errstr(rc));
		sqlite3_close_v2(d->handle);
		free(d->head.address);
		free(d);
		return err;
	}
	sqlite3_extended_result_codes(d->handle, 1);
	sqlite3_busy_timeout(d->handle, SQLITE_BUSY_MS);
	*out = &d->head;
	ctx->db = *out;

	/* Reading the schema is what tells a database from any other file. */
	rc = sqlite_exec(ctx, "SELECT count(*) FROM sqlite_master");
	if (!rc && sqlite3_create_collation_v2(d->handle, "C", SQLITE_UTF8, NULL, byte_order, NULL) != SQLITE_OK)
		rc = recip_oom(ctx);
	if (!rc)
		rc = sqlite_exec(ctx, "PRAGMA foreign_keys = ON");
	/* 16 MiB of pages instead of SQLite's 2 MiB: the agenda alone reads
	 * some 600 pages, and a server's connection would read them again
	 * from the file at every request (bench/run) */
	if (!rc)
		rc = sqlite_exec(ctx, "PRAGMA cache_size = -16384");
	if (!rc && !readonly) {
		/* WAL: readers never block the writer; FULL: a committed write
		 * survives a power cut. */
		rc = sqlite_exec(ctx, "PRAGMA journal_mode = WAL");
		if (!rc)
			rc = sqlite_exec(ctx, "PRAGMA synchronous = FULL");
	}
	if (rc) {
		ctx->db = NULL;
		free(d->head.address);
		sqlite3_close_v2(d->handle);
		free(d);
		*out = NULL;
		return rc;
	}
	ctx->db = NULL; /* the caller installs it */
	return RECIP_OK;
}
