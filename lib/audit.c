/*
 * audit.c — the audit trail: every create, update and delete, when, by
 * whom (the context's actor: the command-line user, or the signed-in user of
 * the server), and the record before and after as JSON.
 */
#include "entity.h"
#include "db.h"

#include <stdlib.h>
#include <string.h>

int audit_write(recip_ctx *ctx, const char *action, const char *entity, int64_t id, int64_t party, json_t *before,
                json_t *after)
{
	char *b = before ? json_dumps(before, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	char *a = after ? json_dumps(after, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	int rc;
	if ((before && !b) || (after && !a))
		rc = recip_oom(ctx);
	else
		rc = db_run(ctx,
		            "INSERT INTO audit (at, actor, action, entity, entity_id, party_id, before_json, after_json) "
		            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		            "itttiitt", ctx->now, ctx->actor, action, entity, id, party, b, a);
	free(b);
	free(a);
	return rc;
}

int audit_record(recip_ctx *ctx, const char *action, const record *old, const record *rec)
{
	json_t *before = NULL, *after = NULL;
	int rc = RECIP_OK;
	if (old)
		rc = record_to_json(ctx, old, &before);
	if (!rc && rec)
		rc = record_to_json(ctx, rec, &after);
	if (!rc) {
		/* the party an entry is about: its own id for a party, else its
		 * "party" field (the referred party of a referral) */
		const record *which = rec ? rec : old;
		int64_t party = 0;
		if (!strcmp(which->e->name, "party"))
			party = which->id;
		else if (field_index(which->e, "party") >= 0)
			party = record_int(which, "party");
		rc = audit_write(ctx, action, which->e->name, which->id, party, before, after);
	}
	json_decref(before);
	json_decref(after);
	return rc;
}

static json_t *audit_item(db_stmt *st, void *arg)
{
	(void)arg;
	const char *b = db_col_text(st, 6), *a = db_col_text(st, 7);
	return json_pack("{s:I, s:o, s:s, s:s, s:s, s:I, s:o, s:o}", "id", (json_int_t)db_col_int(st, 0), "at",
	                 jtime(db_col_int(st, 1)), "actor", db_col_text(st, 2), "action", db_col_text(st, 3), "entity",
	                 db_col_text(st, 4), "entity_id", (json_int_t)db_col_int(st, 5), "before",
	                 b ? json_loads(b, 0, NULL) : json_null(), "after", a ? json_loads(a, 0, NULL) : json_null());
}

int recip_audit_list(recip_ctx *ctx, json_t **out, int64_t party, int64_t limit)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT id, at, actor, action, entity, entity_id, before_json, after_json FROM audit "
	                  "WHERE CAST(? AS BIGINT) = 0 OR party_id = ? ORDER BY id DESC LIMIT ?",
	                  "iii", party, party, limit > 0 ? limit : INT64_MAX);
	if (rc)
		return rc;
	json_t *items;
	rc = db_collect(ctx, st, audit_item, NULL, &items);
	if (rc)
		return rc;
	*out = json_pack("{s:o}", "items", items);
	return *out ? RECIP_OK : recip_oom(ctx);
}
