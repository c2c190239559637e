/*
 * store.c — opening a recip database: telling a recip database from any
 * other file, creating one, upgrading an older schema in place (after a
 * backup copy, in one transaction), refusing a newer one, and keeping the
 * balance roll-ups in step with the settings they were computed with.
 */
#include "db.h"
#include "rollup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* PRAGMA application_id of every recip SQLite database: "reci". */
#define RECIP_APPLICATION_ID 0x72656369

static int install_db(recip_ctx *ctx, db *d)
{
	ctx->db = d;
	return RECIP_OK;
}

/* Creates the schema in an empty database; *out_created is false when
 * another process created it first (found inside the transaction). */
static int create_schema(recip_ctx *ctx, int target, bool *out_created)
{
	*out_created = false;
	int rc = recip_begin(ctx);
	if (rc)
		return rc;
	int64_t tables = 0;
	rc = ctx->db->ops->table_count(ctx, &tables);
	if (!rc && tables > 0) {
		recip_rollback(ctx);
		return RECIP_OK;
	}
	if (!rc && db_backend_of(ctx) == DB_SQLITE) {
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", RECIP_APPLICATION_ID);
		rc = db_exec(ctx, sql);
	}
	if (!rc)
		rc = schema_create(ctx, target);
	if (!rc)
		rc = db_run(ctx, "INSERT INTO meta (key, value) VALUES ('created_by', ?)", "t", RECIP_VERSION);
	if (!rc)
		rc = rollup_store_params(ctx);
	if (rc) {
		recip_rollback(ctx);
		return rc;
	}
	rc = recip_commit(ctx);
	*out_created = rc == RECIP_OK;
	return rc;
}

/* Picks a backup name that does not exist yet: DB.vN.bak, DB.vN.1.bak … */
static char *backup_name(const char *path, int version)
{
	buf name = BUF_INIT;
	for (int i = 0; i < 1000; i++) {
		buf_reset(&name);
		if (i == 0)
			buf_printf(&name, "%s.v%d.bak", path, version);
		else
			buf_printf(&name, "%s.v%d.%d.bak", path, version, i);
		if (name.failed || access(name.data, F_OK) != 0)
			break;
	}
	return buf_detach(&name);
}

static int upgrade_schema(recip_ctx *ctx, int from, int target)
{
	char *backup = NULL;
	if (db_backend_of(ctx) == DB_SQLITE) {
		backup = backup_name(ctx->db->address, from);
		if (!backup)
			return recip_oom(ctx);
		int rc = db_sqlite_backup(ctx, backup);
		if (rc) {
			free(backup);
			return rc;
		}
	}
	int rc = recip_begin(ctx);
	/* Another process may have upgraded it meanwhile (several servers
	 * restarted on a new recip): hold the version's row and read it again
	 * inside the transaction, so that one of them upgrades and the others
	 * find it done. */
	int version = from;
	if (!rc)
		rc = db_lock(ctx, "SELECT key FROM meta WHERE key = 'schema_version'", "");
	if (!rc)
		rc = schema_read_version(ctx, &version);
	if (!rc && version < from)
		version = from;
	if (!rc)
		rc = schema_upgrade(ctx, version, target);
	/* a new schema may bring roll-ups of its own: compute them all from
	 * the ledger, in the same transaction, so the upgraded database is
	 * whole the moment it is committed */
	if (!rc && version < schema_version_current() && (target <= 0 || target >= schema_version_current())) {
		rc = recip_rollup_rebuild(ctx);
		if (!rc)
			rc = rollup_store_params(ctx);
	}
	if (rc) {
		recip_rollback(ctx);
		free(backup);
		return rc;
	}
	rc = recip_commit(ctx);
	if (!rc) {
		int now;
		schema_read_version(ctx, &now);
		if (now == version)
			ctx->notice[0] = '\0'; /* someone else upgraded it: nothing to tell */
		else if (backup)
			snprintf(ctx->notice, sizeof(ctx->notice),
			         "upgraded database '%s' from schema %d to %d (the old one is kept as '%s')",
			         ctx->db->address, from, now, backup);
		else
			snprintf(ctx->notice, sizeof(ctx->notice),
			         "upgraded database '%s' from schema %d to %d (no copy is kept here: back up a "
			         "PostgreSQL database with pg_dump before upgrading recip)",
			         ctx->db->address, from, now);
	}
	free(backup);
	return rc;
}

int store_open(recip_ctx *ctx, const char *address, unsigned flags, int target)
{
	if (!address || !*address)
		return recip_fail(ctx, RECIP_EINVAL, "the database address is empty");
	recip_close(ctx);
	ctx->notice[0] = '\0';
	db *d;
	int rc = db_open(ctx, &d, address, flags);
	if (rc)
		return rc;
	install_db(ctx, d);

	int64_t tables;
	rc = ctx->db->ops->table_count(ctx, &tables);
	if (rc)
		goto fail;
	if (tables == 0) {
		if (!(flags & RECIP_OPEN_CREATE)) {
			rc = recip_fail(ctx, RECIP_ENODB, "'%s' is an empty database (create one with 'recip init')",
			                ctx->db->address);
			goto fail;
		}
		if (ctx->db->readonly) {
			rc = recip_fail(ctx, RECIP_EREADONLY, "database '%s' is read-only", ctx->db->address);
			goto fail;
		}
		bool created;
		rc = create_schema(ctx, target, &created);
		if (!rc && created)
			return RECIP_OK;
		/* Another process created it first (several servers started on a
		 * new database): open what it made. On PostgreSQL its tables may
		 * still have been uncommitted when this one looked, and their names
		 * are then taken. */
		int64_t now_tables = 0;
		if (rc && (rc != RECIP_EEXISTS || ctx->db->ops->table_count(ctx, &now_tables) != RECIP_OK ||
		           now_tables == 0))
			goto fail;
	}

	bool has_meta = false;
	rc = ctx->db->ops->has_table(ctx, "meta", &has_meta);
	if (rc)
		goto fail;
	if (db_backend_of(ctx) == DB_SQLITE && has_meta) {
		int64_t app_id;
		rc = db_int(ctx, &app_id, 0, "PRAGMA application_id", "");
		if (rc)
			goto fail;
		has_meta = app_id == RECIP_APPLICATION_ID;
	}
	if (!has_meta) {
		rc = recip_fail(ctx, RECIP_ENOTDB, "'%s' is a database but not a recip database", ctx->db->address);
		goto fail;
	}
	int version;
	rc = schema_read_version(ctx, &version);
	if (rc)
		goto fail;
	int current = schema_version_current();
	if (version > current) {
		rc = recip_fail(ctx, RECIP_EVERSION,
		                "database '%s' has schema version %d, newer than this recip (%s) knows (%d); "
		                "use a newer recip",
		                ctx->db->address, version, RECIP_VERSION, current);
		goto fail;
	}
	if (target > 0 && version >= target)
		goto ready;
	if (version < current) {
		if (flags & (RECIP_OPEN_NO_UPGRADE | RECIP_OPEN_READONLY) || ctx->db->readonly) {
			rc = recip_fail(ctx, RECIP_EVERSION,
			                "database '%s' has schema version %d and needs an upgrade to %d, "
			                "which needs write access",
			                ctx->db->address, version, current);
			goto fail;
		}
		rc = upgrade_schema(ctx, version, target);
		if (rc)
			goto fail;
	}
ready:
	rc = rollup_sync_params(ctx);
	if (rc)
		goto fail;
	return RECIP_OK;
fail:
	db_close(ctx->db);
	ctx->db = NULL;
	return rc;
}

int recip_open(recip_ctx *ctx, const char *address, unsigned flags)
{
	return store_open(ctx, address, flags, 0);
}

void recip_close(recip_ctx *ctx)
{
	if (!ctx->db)
		return;
	if (ctx->tx_depth > 0) {
		db_rollback(ctx);
		ctx->tx_depth = 0;
	}
	db_close(ctx->db);
	ctx->db = NULL;
}

int recip_schema_version(recip_ctx *ctx, int *out_version)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	return schema_read_version(ctx, out_version);
}
