/*
 * ctx.c — the context handle: creation, the last error, the acting user,
 * the caller's "now", and the transaction bracket every write goes through.
 */
#include "internal.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int recip_ctx_new(recip_ctx **out)
{
	*out = NULL;
	recip_ctx *ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return RECIP_ENOMEM;
	config_defaults(&ctx->cfg);
	ctx->actor = xstrdup("recip");
	if (!ctx->actor) {
		free(ctx);
		return RECIP_ENOMEM;
	}
	*out = ctx;
	return RECIP_OK;
}

void recip_ctx_free(recip_ctx *ctx)
{
	if (!ctx)
		return;
	recip_close(ctx);
	free(ctx->actor);
	free(ctx);
}

const char *recip_version(void)
{
	return RECIP_VERSION;
}

const char *recip_errmsg(const recip_ctx *ctx)
{
	return ctx ? ctx->errmsg : "out of memory";
}

int recip_errcode(const recip_ctx *ctx)
{
	return ctx ? ctx->errcode : RECIP_ENOMEM;
}

void recip_error_clear(recip_ctx *ctx)
{
	ctx->errcode = RECIP_OK;
	ctx->errmsg[0] = '\0';
}

int recip_fail(recip_ctx *ctx, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ctx->errmsg, sizeof(ctx->errmsg), fmt, ap);
	va_end(ap);
	/* one line, always: a message may quote user text */
	for (char *p = ctx->errmsg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	ctx->errcode = code;
	return code;
}

int recip_oom(recip_ctx *ctx)
{
	return recip_fail(ctx, RECIP_ENOMEM, "out of memory");
}

int recip_ctx_set_actor(recip_ctx *ctx, const char *actor)
{
	if (!actor || !*actor)
		return recip_fail(ctx, RECIP_EINVAL, "the actor's name is empty");
	int rc = text_check(ctx, "actor", actor, 100, false);
	if (rc)
		return rc;
	char *copy = xstrdup(actor);
	if (!copy)
		return recip_oom(ctx);
	free(ctx->actor);
	ctx->actor = copy;
	return RECIP_OK;
}

const char *recip_ctx_actor(const recip_ctx *ctx)
{
	return ctx->actor;
}

void recip_ctx_set_now(recip_ctx *ctx, recip_time now)
{
	ctx->now = now;
}

recip_time recip_ctx_now(const recip_ctx *ctx)
{
	return ctx->now;
}

const char *recip_upgrade_notice(const recip_ctx *ctx)
{
	return ctx->notice[0] ? ctx->notice : NULL;
}

/* ---- transactions --------------------------------------------------------- */

int recip_begin(recip_ctx *ctx)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (ctx->tx_depth == 0) {
		int rc = db_begin(ctx);
		if (rc)
			return rc;
	}
	ctx->tx_depth++;
	return RECIP_OK;
}

int recip_commit(recip_ctx *ctx)
{
	if (ctx->tx_depth <= 0)
		return recip_fail(ctx, RECIP_ERROR, "no transaction is open");
	if (--ctx->tx_depth > 0)
		return RECIP_OK;
	int rc = db_commit(ctx);
	if (rc)
		db_rollback(ctx);
	return rc;
}

void recip_rollback(recip_ctx *ctx)
{
	if (ctx->tx_depth <= 0)
		return;
	ctx->tx_depth = 0;
	db_rollback(ctx);
}

int tx_begin(recip_ctx *ctx)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (ctx->tx_depth > 0) {
		ctx->tx_depth++;
		return db_savepoint(ctx);
	}
	return recip_begin(ctx);
}

int tx_end(recip_ctx *ctx, int rc)
{
	assert(ctx->tx_depth > 0);
	if (ctx->tx_depth > 1) {
		/* an inner call: undo just its own work through its savepoint, so
		 * that a caller may go on (an import that skips a bad row) */
		ctx->tx_depth--;
		if (rc == RECIP_OK)
			return db_release(ctx);
		db_rollback_to_savepoint(ctx);
		return rc;
	}
	if (rc == RECIP_OK)
		return recip_commit(ctx);
	/* keep the first error's message: rollback must not overwrite it */
	ctx->tx_depth = 0;
	db_rollback(ctx);
	return rc;
}
