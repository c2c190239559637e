/*
 * db.c — the backend-independent half of the storage interface: choosing a
 * backend from the address, the per-connection statement cache, binding
 * helpers and nested transactions through savepoints.
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

db_backend db_backend_of_address(const char *address)
{
	return !strncmp(address, "postgresql://", 13) || !strncmp(address, "postgres://", 11) ? DB_POSTGRESQL
	                                                                                       : DB_SQLITE;
}

int db_open(recip_ctx *ctx, db **out, const char *address, unsigned flags)
{
	if (db_backend_of_address(address) == DB_POSTGRESQL) {
#ifdef RECIP_WITH_POSTGRESQL
		return db_open_pg(ctx, out, address, flags);
#else
		return recip_fail(ctx, RECIP_ENODB, "this recip was built without PostgreSQL support");
#endif
	}
	return db_open_sqlite(ctx, out, address, flags);
}

void db_close(db *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < DB_STMT_CACHE; i++) {
		if (d->cache[i].st)
			d->ops->finalize(d->cache[i].st);
		free(d->cache[i].sql);
	}
	free(d->address);
	d->ops->close(d);
}

db_backend db_backend_of(recip_ctx *ctx)
{
	return ctx->db->ops->backend;
}

const char *recip_backend(const recip_ctx *ctx)
{
	return ctx->db ? ctx->db->ops->name : NULL;
}

const char *recip_db_address(const recip_ctx *ctx)
{
	return ctx->db ? ctx->db->address : NULL;
}

int db_exec(recip_ctx *ctx, const char *sql)
{
	return ctx->db->ops->exec(ctx, sql);
}

static size_t sql_hash(const char *s)
{
	size_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

int db_prepare(recip_ctx *ctx, db_stmt **out, const char *sql)
{
	db *d = ctx->db;
	*out = NULL;
	if (!d)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	size_t start = sql_hash(sql) % DB_STMT_CACHE;
	struct db_cached *free_slot = NULL;
	for (size_t probe = 0; probe < 8; probe++) {
		struct db_cached *slot = &d->cache[(start + probe) % DB_STMT_CACHE];
		if (!slot->sql) {
			free_slot = slot;
			break;
		}
		if (!strcmp(slot->sql, sql)) {
			if (slot->busy)
				break; /* in use further up the stack: make a fresh one */
			slot->busy = true;
			*out = slot->st;
			return RECIP_OK;
		}
	}
	db_stmt *st;
	int rc = d->ops->prepare(ctx, &st, sql);
	if (rc)
		return rc;
	st->owner = d;
	st->slot = NULL;
	if (free_slot) {
		free_slot->sql = xstrdup(sql);
		if (free_slot->sql) {
			free_slot->st = st;
			free_slot->busy = true;
			st->slot = free_slot;
		}
	}
	*out = st;
	return RECIP_OK;
}

void db_done(db_stmt *st)
{
	if (!st)
		return;
	if (st->slot) {
		st->owner->ops->reset(st);
		st->slot->busy = false;
	} else {
		st->owner->ops->finalize(st);
	}
}

void db_reset(db_stmt *st)
{
	st->owner->ops->reset(st);
}

int db_bind_int(db_stmt *st, int idx, int64_t v) { return st->owner->ops->bind_int(st, idx, v); }
int db_bind_double(db_stmt *st, int idx, double v) { return st->owner->ops->bind_double(st, idx, v); }
int db_bind_null(db_stmt *st, int idx) { return st->owner->ops->bind_null(st, idx); }

int db_bind_text(db_stmt *st, int idx, const char *v)
{
	return v ? st->owner->ops->bind_text(st, idx, v) : st->owner->ops->bind_null(st, idx);
}

int db_bind_time(db_stmt *st, int idx, recip_time t)
{
	return t == TIME_NONE ? db_bind_null(st, idx) : db_bind_int(st, idx, t);
}

int db_step(recip_ctx *ctx, db_stmt *st) { return st->owner->ops->step(ctx, st); }
bool db_col_null(db_stmt *st, int col) { return st->owner->ops->col_null(st, col); }
int64_t db_col_int(db_stmt *st, int col) { return st->owner->ops->col_int(st, col); }
double db_col_double(db_stmt *st, int col) { return st->owner->ops->col_double(st, col); }
int db_col_count(db_stmt *st) { return st->owner->ops->col_count(st); }
const char *db_col_name(db_stmt *st, int col) { return st->owner->ops->col_name(st, col); }

const char *db_col_text(db_stmt *st, int col)
{
	return st->owner->ops->col_null(st, col) ? NULL : st->owner->ops->col_text(st, col);
}

recip_time db_col_time(db_stmt *st, int col)
{
	return db_col_null(st, col) ? TIME_NONE : db_col_int(st, col);
}

int db_changes(recip_ctx *ctx)
{
	return ctx->db->ops->changes(ctx->db);
}

int db_vquery(recip_ctx *ctx, db_stmt **out, const char *sql, const char *types, va_list ap)
{
	db_stmt *st;
	int rc = db_prepare(ctx, &st, sql);
	if (rc)
		return rc;
	int idx = 1;
	for (const char *t = types; *t; t++, idx++) {
		switch (*t) {
		case 'i': rc = db_bind_int(st, idx, va_arg(ap, int64_t)); break;
		case 'b': rc = db_bind_int(st, idx, va_arg(ap, int) ? 1 : 0); break;
		case 'd': rc = db_bind_double(st, idx, va_arg(ap, double)); break;
		case 't': rc = db_bind_text(st, idx, va_arg(ap, const char *)); break;
		case 'T': rc = db_bind_time(st, idx, va_arg(ap, recip_time)); break;
		case 'n': rc = db_bind_null(st, idx); break;
		default: assert(!"unknown bind type"); rc = RECIP_ERROR;
		}
		if (rc) {
			db_done(st);
			return recip_fail(ctx, RECIP_EDB, "storage: cannot bind parameter %d", idx);
		}
	}
	*out = st;
	return RECIP_OK;
}

int db_query(recip_ctx *ctx, db_stmt **out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = db_vquery(ctx, out, sql, types, ap);
	va_end(ap);
	return rc;
}

int db_run(recip_ctx *ctx, const char *sql, const char *types, ...)
{
	db_stmt *st;
	va_list ap;
	va_start(ap, types);
	int rc = db_vquery(ctx, &st, sql, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	while ((rc = db_step(ctx, st)) == DB_ROW)
		;
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

int db_int(recip_ctx *ctx, int64_t *out, int64_t dflt, const char *sql, const char *types, ...)
{
	db_stmt *st;
	va_list ap;
	va_start(ap, types);
	int rc = db_vquery(ctx, &st, sql, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	*out = dflt;
	rc = db_step(ctx, st);
	if (rc == DB_ROW && !db_col_null(st, 0))
		*out = db_col_int(st, 0);
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

int db_double(recip_ctx *ctx, double *out, double dflt, const char *sql, const char *types, ...)
{
	db_stmt *st;
	va_list ap;
	va_start(ap, types);
	int rc = db_vquery(ctx, &st, sql, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	*out = dflt;
	rc = db_step(ctx, st);
	if (rc == DB_ROW && !db_col_null(st, 0))
		*out = db_col_double(st, 0);
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

int db_collect(recip_ctx *ctx, db_stmt *st, db_row_item item, void *arg, json_t **out)
{
	json_t *items = json_array();
	int rc = items ? RECIP_OK : recip_oom(ctx);
	while (!rc && (rc = db_step(ctx, st)) == DB_ROW)
		rc = jappend(items, item(st, arg)) ? recip_oom(ctx) : RECIP_OK;
	db_done(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = items;
	return RECIP_OK;
}

/* ---- read-modify-write under concurrent writers ---------------------------- */

bool db_row_locks(recip_ctx *ctx)
{
	return ctx->db && ctx->db->ops->lock_suffix != NULL;
}

static int vquery_locked(recip_ctx *ctx, db_stmt **out, const char *sql, const char *types, va_list ap)
{
	const char *suffix = ctx->db ? ctx->db->ops->lock_suffix : NULL;
	if (!suffix)
		return db_vquery(ctx, out, sql, types, ap);
	buf locked = BUF_INIT;
	buf_adds(&locked, sql);
	buf_adds(&locked, suffix);
	if (locked.failed) {
		buf_release(&locked);
		return recip_oom(ctx);
	}
	int rc = db_vquery(ctx, out, locked.data, types, ap);
	buf_release(&locked);
	return rc;
}

int db_query_locked(recip_ctx *ctx, db_stmt **out, const char *sql, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	int rc = vquery_locked(ctx, out, sql, types, ap);
	va_end(ap);
	return rc;
}

int db_lock(recip_ctx *ctx, const char *sql, const char *types, ...)
{
	if (!db_row_locks(ctx))
		return RECIP_OK;
	db_stmt *st;
	va_list ap;
	va_start(ap, types);
	int rc = vquery_locked(ctx, &st, sql, types, ap);
	va_end(ap);
	if (rc)
		return rc;
	while ((rc = db_step(ctx, st)) == DB_ROW)
		;
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

int db_sync_ids(recip_ctx *ctx, const char *table)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	/* the name goes into SQL text: a table of ours, never anything else */
	for (const char *p = table; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			return recip_fail(ctx, RECIP_EINVAL, "bad table name '%s'", table);
	return ctx->db->ops->sync_ids ? ctx->db->ops->sync_ids(ctx, table) : RECIP_OK;
}

/* ---- transactions --------------------------------------------------------- */

int db_begin(recip_ctx *ctx)
{
	if (ctx->db->readonly)
		return recip_fail(ctx, RECIP_EREADONLY, "database '%s' is read-only", ctx->db->address);
	ctx->db->savepoints = 0;
	return ctx->db->ops->begin(ctx);
}

int db_commit(recip_ctx *ctx)
{
	return ctx->db->ops->commit(ctx);
}

int db_read_begin(recip_ctx *ctx, bool *out_own)
{
	*out_own = false;
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (ctx->tx_depth > 0)
		return RECIP_OK;
	int rc = ctx->db->ops->begin_read(ctx);
	*out_own = rc == RECIP_OK;
	return rc;
}

void db_read_end(recip_ctx *ctx, bool own)
{
	if (!own || !ctx->db)
		return;
	/* nothing was written: ending it either way is the same, and a
	 * rollback cannot fail in a way worth reporting */
	char saved[sizeof(ctx->errmsg)];
	int saved_code = ctx->errcode;
	memcpy(saved, ctx->errmsg, sizeof(saved));
	ctx->db->ops->rollback(ctx);
	memcpy(ctx->errmsg, saved, sizeof(saved));
	ctx->errcode = saved_code;
}

void db_rollback(recip_ctx *ctx)
{
	if (ctx->db)
		ctx->db->ops->rollback(ctx);
}

int db_savepoint(recip_ctx *ctx)
{
	char sql[48];
	snprintf(sql, sizeof(sql), "SAVEPOINT recip_%d", ++ctx->db->savepoints);
	return db_exec(ctx, sql);
}

int db_release(recip_ctx *ctx)
{
	char sql[48];
	snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT recip_%d", ctx->db->savepoints--);
	return db_exec(ctx, sql);
}

void db_rollback_to_savepoint(recip_ctx *ctx)
{
	char sql[96];
	int n = ctx->db->savepoints--;
	snprintf(sql, sizeof(sql), "ROLLBACK TO SAVEPOINT recip_%d", n);
	/* keep the caller's error message: these cannot fail in a way worth reporting */
	char saved[sizeof(ctx->errmsg)];
	int saved_code = ctx->errcode;
	memcpy(saved, ctx->errmsg, sizeof(saved));
	db_exec(ctx, sql);
	snprintf(sql, sizeof(sql), "RELEASE SAVEPOINT recip_%d", n);
	db_exec(ctx, sql);
	memcpy(ctx->errmsg, saved, sizeof(saved));
	ctx->errcode = saved_code;
}
