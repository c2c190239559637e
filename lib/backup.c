/*
 * backup.c — `recip backup`: a consistent copy of an SQLite database taken
 * with the online backup API while others may be writing, then opened and
 * checked like `recip check` before it is called good.
 */
#include "import.h"
#include "db.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opens the copy with the same settings and runs the whole check on it. */
static int verify_copy(recip_ctx *ctx, const char *path, json_t **out)
{
	recip_ctx *copy;
	if (recip_ctx_new(&copy) != RECIP_OK)
		return recip_oom(ctx);
	copy->cfg = ctx->cfg;
	copy->now = ctx->now;
	int rc = recip_open(copy, path, RECIP_OPEN_READONLY);
	if (!rc)
		rc = recip_check(copy, out);
	if (rc)
		rc = recip_fail(ctx, rc, "the backup '%s' does not check out: %s", path, recip_errmsg(copy));
	recip_ctx_free(copy);
	return rc;
}

int recip_backup(recip_ctx *ctx, json_t **out, const char *path, bool overwrite)
{
	*out = NULL;
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (db_backend_of(ctx) != DB_SQLITE)
		return recip_fail(ctx, RECIP_EINVAL,
		                  "recip backup copies SQLite files; back up PostgreSQL database '%s' with pg_dump, or "
		                  "with 'recip export json'",
		                  ctx->db->address);
	if (!path || !*path)
		return recip_fail(ctx, RECIP_EINVAL, "where to? (a file name for the backup)");
	struct stat st;
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return recip_fail(ctx, RECIP_EINVAL, "'%s' is a directory; give a file name for the backup", path);
		if (!overwrite)
			return recip_fail(ctx, RECIP_EEXISTS, "'%s' exists (give --force to overwrite it)", path);
		if (!strcmp(path, ctx->db->address))
			return recip_fail(ctx, RECIP_EINVAL, "'%s' is the database itself", path);
		database_files_remove(path);
	}
	int rc = db_sqlite_backup(ctx, path);
	json_t *check = NULL;
	if (!rc)
		rc = verify_copy(ctx, path, &check);
	if (rc) {
		database_files_remove(path);
		return rc;
	}
	/* a copy the storage itself finds broken is no backup; roll-ups that
	 * differ from the ledger are the database's own state, and reported */
	const char *integrity = json_string_value(json_object_get(check, "integrity"));
	if (!integrity || strcmp(integrity, "ok")) {
		json_decref(check);
		database_files_remove(path);
		return recip_fail(ctx, RECIP_EDB, "the backup '%s' failed the integrity check", path);
	}
	int64_t bytes = stat(path, &st) == 0 ? (int64_t)st.st_size : -1;
	*out = json_pack("{s:s, s:I, s:O, s:O, s:O, s:O}", "path", path, "bytes", (json_int_t)bytes, "ok",
	                 json_object_get(check, "ok"), "integrity", json_object_get(check, "integrity"),
	                 "rollups_checked", json_object_get(check, "rollups_checked"), "problems",
	                 json_object_get(check, "problems"));
	json_decref(check);
	if (!*out)
		return recip_oom(ctx);
	return RECIP_OK;
}
