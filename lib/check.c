/*
 * check.c — `recip check`: the storage's own integrity check, foreign keys,
 * and every roll-up against a full recomputation.
 */
#include "db.h"

#include <stdio.h>
#include <string.h>

int recip_check(recip_ctx *ctx, json_t **out)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	json_t *problems = json_array();
	if (!problems)
		return recip_oom(ctx);
	const char *integrity = "ok";
	int rc = RECIP_OK;
	if (db_backend_of(ctx) == DB_SQLITE) {
		db_stmt *st = NULL;
		rc = db_query(ctx, &st, "PRAGMA integrity_check", "");
		while (!rc && (rc = db_step(ctx, st)) == DB_ROW) {
			const char *line = db_col_text(st, 0);
			rc = RECIP_OK;
			if (line && strcmp(line, "ok")) {
				integrity = "failed";
				if (jappend(problems, json_string(line)))
					rc = recip_oom(ctx);
			}
		}
		if (st)
			db_done(st);
		if (rc >= 0) {
			st = NULL;
			rc = db_query(ctx, &st, "PRAGMA foreign_key_check", "");
			while (!rc && (rc = db_step(ctx, st)) == DB_ROW) {
				rc = RECIP_OK;
				char line[200];
				snprintf(line, sizeof(line), "row %lld of table %s refers to a missing row of %s",
				         (long long)db_col_int(st, 1), db_col_text(st, 0), db_col_text(st, 2));
				integrity = "failed";
				if (jappend(problems, json_string(line)))
					rc = recip_oom(ctx);
			}
			if (st)
				db_done(st);
		}
		if (rc > 0)
			rc = RECIP_OK;
	}
	json_t *rollups = NULL;
	if (!rc)
		rc = recip_rollup_verify(ctx, &rollups);
	if (rc) {
		json_decref(problems);
		return rc;
	}
	json_t *mismatches = json_object_get(rollups, "mismatches");
	size_t i;
	json_t *m;
	json_array_foreach(mismatches, i, m)
	{
		char line[160];
		snprintf(line, sizeof(line), "the roll-up of party #%lld differs from the ledger (%s)",
		         (long long)json_integer_value(json_object_get(m, "party")),
		         json_string_value(json_object_get(m, "field")));
		if (jappend(problems, json_string(line))) {
			json_decref(problems);
			json_decref(rollups);
			return recip_oom(ctx);
		}
	}
	bool ok = json_array_size(problems) == 0;
	*out = json_pack("{s:b, s:s, s:o, s:O, s:O}", "ok", ok, "integrity", integrity, "problems", problems,
	                 "rollups_checked", json_object_get(rollups, "checked"), "rollup_mismatches", mismatches);
	json_decref(rollups);
	return *out ? RECIP_OK : recip_oom(ctx);
}
