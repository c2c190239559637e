/*
 * ledger.c — the ledger's verbs beyond plain records: remembering and
 * forgetting facts by key, resolving an ask (a granted ask is itself an
 * exchange), and keeping or breaking a promise.
 */
#include "entity.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int recip_fact_remember(recip_ctx *ctx, int64_t party, const char *key, const char *value)
{
	if (!key || !value)
		return recip_fail(ctx, RECIP_EINVAL, "a fact needs a key and a value");
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	char *key_norm = NULL, *trimmed = text_trim(key);
	if (!trimmed || !(key_norm = text_fold(trimmed))) {
		free(trimmed);
		return tx_end(ctx, recip_oom(ctx));
	}
	int64_t existing;
	rc = db_int(ctx, &existing, 0, "SELECT id FROM fact WHERE party_id = ? AND key_norm = ?", "it", party,
	            key_norm);
	char party_text[32];
	snprintf(party_text, sizeof(party_text), "%lld", (long long)party);
	if (!rc && existing) {
		recip_field fields[] = {{"key", trimmed, RECIP_SET, NULL}, {"value", value, RECIP_SET, NULL}};
		rc = recip_record_update(ctx, "fact", existing, fields, 2);
	} else if (!rc) {
		recip_field fields[] = {
			{"party", party_text, RECIP_SET, NULL}, {"key", trimmed, RECIP_SET, NULL},
			{"value", value, RECIP_SET, NULL}};
		rc = recip_record_add(ctx, NULL, "fact", fields, 3);
	}
	free(trimmed);
	free(key_norm);
	return tx_end(ctx, rc);
}

int recip_fact_forget(recip_ctx *ctx, int64_t party, const char *key)
{
	char *key_norm = NULL, *trimmed = key ? text_trim(key) : NULL;
	if (!trimmed || !(key_norm = text_fold(trimmed))) {
		free(trimmed);
		return key ? recip_oom(ctx) : recip_fail(ctx, RECIP_EINVAL, "which fact? (a key)");
	}
	int rc = tx_begin(ctx);
	if (rc) {
		free(trimmed);
		free(key_norm);
		return rc;
	}
	int64_t existing;
	rc = db_int(ctx, &existing, 0, "SELECT id FROM fact WHERE party_id = ? AND key_norm = ?", "it", party,
	            key_norm);
	if (!rc && !existing)
		rc = recip_fail(ctx, RECIP_ENOTFOUND, "no fact '%s' is remembered about that party", trimmed);
	if (!rc)
		rc = recip_record_delete(ctx, "fact", existing);
	free(trimmed);
	free(key_norm);
	return tx_end(ctx, rc);
}

/* The exchange kind a granted ask becomes: the thing asked for when it is a
 * kind of exchange (a referral, a review, an introduction …), else a favour. */
static const char *granted_kind(recip_ctx *ctx, const char *what)
{
	const config_kind *k = config_find_kind(&ctx->cfg, what);
	return k ? k->name : "favour";
}

int recip_ask_resolve(recip_ctx *ctx, int64_t *out_exchange, int64_t ask, const char *status, recip_time at,
                      const char *note)
{
	if (out_exchange)
		*out_exchange = 0;
	if (!status || (strcmp(status, "granted") && strcmp(status, "declined") && strcmp(status, "withdrawn")))
		return recip_fail(ctx, RECIP_EINVAL, "bad resolution '%s' (one of: granted, declined, withdrawn)",
		                  status ? status : "");
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	record rec;
	rc = record_load(ctx, &rec, entity_find("ask"), ask);
	if (rc)
		return tx_end(ctx, rc);
	if (strcmp(record_str(&rec, "status"), "open")) {
		rc = recip_fail(ctx, RECIP_EEXISTS, "ask #%lld is already %s", (long long)ask, record_str(&rec, "status"));
		record_release(&rec);
		return tx_end(ctx, rc);
	}
	char when[32], party[32], id[32];
	recip_time_format(when, sizeof(when), at);
	snprintf(party, sizeof(party), "%lld", (long long)record_int(&rec, "party"));
	snprintf(id, sizeof(id), "%lld", (long long)ask);
	bool ours = !strcmp(record_str(&rec, "direction"), "ours");
	char *what = xstrdup(record_str(&rec, "what"));
	record_release(&rec);
	if (!what)
		return tx_end(ctx, recip_oom(ctx));
	recip_field change[] = {{"status", status, RECIP_SET, NULL}, {"resolved_at", when, RECIP_SET, NULL}};
	rc = recip_record_update(ctx, "ask", ask, change, 2);
	if (!rc && !strcmp(status, "granted")) {
		/* we asked and they gave: received; they asked and we gave: gave */
		recip_field ex[] = {
			{"party", party, RECIP_SET, NULL},
			{"direction", ours ? "received" : "gave", RECIP_SET, NULL},
			{"kind", granted_kind(ctx, what), RECIP_SET, NULL},
			{"at", when, RECIP_SET, NULL},
			{"ask", id, RECIP_SET, NULL},
			{"note", note, RECIP_SET, NULL},
		};
		rc = recip_record_add(ctx, out_exchange, "exchange", ex, 6);
	}
	free(what);
	return tx_end(ctx, rc);
}

int recip_promise_resolve(recip_ctx *ctx, int64_t promise, const char *status, recip_time at)
{
	if (!status || (strcmp(status, "kept") && strcmp(status, "broken")))
		return recip_fail(ctx, RECIP_EINVAL, "bad resolution '%s' (kept or broken)", status ? status : "");
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	record rec;
	rc = record_load(ctx, &rec, entity_find("promise"), promise);
	if (rc)
		return tx_end(ctx, rc);
	if (strcmp(record_str(&rec, "status"), "open"))
		rc = recip_fail(ctx, RECIP_EEXISTS, "promise #%lld is already %s", (long long)promise,
		                record_str(&rec, "status"));
	record_release(&rec);
	if (!rc) {
		char when[32];
		recip_time_format(when, sizeof(when), at);
		recip_field change[] = {{"status", status, RECIP_SET, NULL}, {"resolved_at", when, RECIP_SET, NULL}};
		rc = recip_record_update(ctx, "promise", promise, change, 2);
	}
	return tx_end(ctx, rc);
}
