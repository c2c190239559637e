/*
 * entities.c — every kind of record as a table of fields, with the rules
 * that tie fields together (a promise is due after it was made, an ask
 * resolved has a resolution time …) and the roll-up updates each write
 * needs. The generic machinery is in entity.c.
 */
#include "entity.h"
#include "advocacy.h"
#include "db.h"
#include "engine_rollup.h"
#include "gate.h"
#include "partners.h"
#include "rollup.h"

#include <stdlib.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define STAMPS                                                                        \
	{"created_at", "created_at", FT_TIME, F_READONLY, NULL, NULL, 0, 0, "when it was recorded"}

/* ---- party -------------------------------------------------------------------- */

static const field_desc party_fields[] = {
	{"kind", "kind", FT_CHOICE, F_FIXED, "person|organisation", "person", 0, 0,
	 "a person or an organisation"},
	{"name", "name", FT_TEXT, F_REQUIRED, NULL, NULL, 0, 200, "full name"},
	{"org", "org_id", FT_PARTY, F_CREATE_ORG, NULL, NULL, 0, 0,
	 "the organisation a person belongs to (created when unknown)"},
	{"title", "title", FT_TEXT, 0, NULL, NULL, 0, 200, "job title"},
	{"birthday", "birthday", FT_ANNUAL, 0, NULL, NULL, 0, 0, "YYYY-MM-DD, or --MM-DD without the year"},
	{"anniversary", "anniversary", FT_ANNUAL, 0, NULL, NULL, 0, 0, "YYYY-MM-DD, or --MM-DD"},
	{"notes", "notes", FT_NOTE, 0, NULL, NULL, 0, 10000, "free notes"},
	{"cadence", "cadence_days", FT_DAYS, 0, NULL, NULL, 0, 3650,
	 "keep in touch at least this often (e.g. 30d); 0 for never; else by role"},
	{"credibility", "credibility", FT_INT, 0, NULL, NULL, 1, 10, "how credible we are to them, 1-10, as rated by you"},
	{"archived", "archived", FT_BOOL, 0, NULL, "no", 0, 0, "archived parties leave lists and reports"},
	{"external_id", "external_id", FT_TEXT, 0, NULL, NULL, 0, 200, "an id from another system (import)"},
	{"role", NULL, FT_WORD, F_MULTI, NULL, NULL, 0, 40, "client, customer, partner, prospect, supplier …"},
	{"tag", NULL, FT_WORD, F_MULTI, NULL, NULL, 0, 60, "free tags"},
	{"email", NULL, FT_EMAIL, F_MULTI, NULL, NULL, 0, 254, "e-mail addresses"},
	{"phone", NULL, FT_PHONE, F_MULTI, NULL, NULL, 0, 60, "telephone numbers"},
	{"url", NULL, FT_TEXT, F_MULTI, NULL, NULL, 0, 2000, "web addresses"},
	{"address", NULL, FT_NOTE, F_MULTI, NULL, NULL, 0, 1000, "postal addresses"},
	{"offer", NULL, FT_WORD, F_MULTI, NULL, NULL, 0, 60, "what they offer (for partner fit)"},
	{"serves", NULL, FT_WORD, F_MULTI, NULL, NULL, 0, 60, "whom they serve (for partner fit)"},
	{"name_key", "name_key", FT_TEXT, F_READONLY | F_HIDDEN, NULL, NULL, 0, 1000, NULL},
	STAMPS,
	{"updated_at", "updated_at", FT_TIME, F_READONLY, NULL, NULL, 0, 0, "when it last changed"},
};

static int party_check(recip_ctx *ctx, record *rec, const record *old)
{
	(void)old;
	char *key = text_fold(record_str(rec, "name"));
	if (!key || record_set_str(rec, "name_key", key)) {
		free(key);
		return recip_oom(ctx);
	}
	free(key);
	if (record_has(rec, "org")) {
		int64_t org = record_int(rec, "org");
		if (rec->id && org == rec->id)
			return recip_fail(ctx, RECIP_EINVAL, "a party cannot be its own organisation");
		if (!strcmp(record_str(rec, "kind"), "organisation"))
			return recip_fail(ctx, RECIP_EINVAL, "an organisation cannot belong to another organisation");
		char *kind = NULL;
		int64_t n;
		int rc = db_int(ctx, &n, 0, "SELECT count(*) FROM party WHERE id = ? AND kind = 'organisation'", "i", org);
		if (rc)
			return rc;
		if (!n) {
			rc = party_name(ctx, org, &kind);
			if (!rc)
				rc = recip_fail(ctx, RECIP_EINVAL, "'%s' is a person, not an organisation", kind);
			free(kind);
			return rc;
		}
	}
	return RECIP_OK;
}

static int party_after_write(recip_ctx *ctx, const record *old, const record *rec)
{
	if (!rec) /* deleted: its roll-up goes with it; its former organisation changes */
		return record_has(old, "org") ? rollup_party_recompute(ctx, record_int(old, "org")) : RECIP_OK;
	if (!old)
		return rollup_party_created(ctx, rec->id);
	int rc = rollup_party_recompute(ctx, rec->id);
	int64_t before = record_has(old, "org") ? record_int(old, "org") : 0;
	int64_t after = record_has(rec, "org") ? record_int(rec, "org") : 0;
	if (!rc && before != after && before)
		rc = rollup_party_recompute(ctx, before);
	if (!rc && before != after && after)
		rc = rollup_party_recompute(ctx, after);
	return rc;
}

static const entity_desc party_entity = {
	"party", "parties", "party", "party", party_fields, N(party_fields), "t.name_key, t.id",
	party_check, party_after_write,
};

/* ---- fact ---------------------------------------------------------------------- */

static const field_desc fact_fields[] = {
	{"party", "party_id", FT_PARTY, F_REQUIRED | F_FIXED, NULL, NULL, 0, 0, "whom it is about"},
	{"key", "key", FT_TEXT, F_REQUIRED, NULL, NULL, 0, 100, "what it is: \"regular order\", \"kids\" …"},
	{"value", "value", FT_NOTE, F_REQUIRED, NULL, NULL, 0, 1000, "what we know"},
	{"key_norm", "key_norm", FT_TEXT, F_READONLY | F_HIDDEN, NULL, NULL, 0, 1000, NULL},
	STAMPS,
	{"updated_at", "updated_at", FT_TIME, F_READONLY, NULL, NULL, 0, 0, "when it last changed"},
};

static int fact_check(recip_ctx *ctx, record *rec, const record *old)
{
	(void)old;
	char *key = text_fold(record_str(rec, "key"));
	if (!key || record_set_str(rec, "key_norm", key)) {
		free(key);
		return recip_oom(ctx);
	}
	int64_t other;
	int rc = db_int(ctx, &other, 0, "SELECT id FROM fact WHERE party_id = ? AND key_norm = ? AND id <> ?", "iti",
	                record_int(rec, "party"), key, rec->id);
	free(key);
	if (!rc && other)
		rc = recip_fail(ctx, RECIP_EEXISTS, "there is already a fact '%s' (#%lld)", record_str(rec, "key"),
		                (long long)other);
	return rc;
}

static const entity_desc fact_entity = {
	"fact", "facts", "fact", "fact", fact_fields, N(fact_fields), "t.party_id, t.key_norm",
	fact_check, NULL,
};

/* ---- the ledger ------------------------------------------------------------------- */

#define PARTY_FIELD {"party", "party_id", FT_PARTY, F_REQUIRED, NULL, NULL, 0, 0, "whom it was with"}
#define AT_FIELD {"at", "at", FT_TIME, F_DEFAULT_NOW, NULL, NULL, 0, 0, "when (default: now)"}
#define NOTE_FIELD {"note", "note", FT_NOTE, 0, NULL, NULL, 0, 2000, "a note"}
#define SOURCE_FIELD {"source_key", "source_key", FT_TEXT, F_HIDDEN, NULL, NULL, 0, 200, "import key"}

/* After an edit or delete of any ledger entry: recompute the party (and
 * the former party when it moved). A new entry is handled by each kind. */
static int recompute_parties(recip_ctx *ctx, const record *old, const record *rec)
{
	int rc = RECIP_OK;
	int64_t before = old ? record_int(old, "party") : 0;
	int64_t after = rec ? record_int(rec, "party") : 0;
	if (before)
		rc = rollup_party_recompute_with_org(ctx, before);
	if (!rc && after && after != before)
		rc = rollup_party_recompute_with_org(ctx, after);
	return rc;
}

static const field_desc exchange_fields[] = {
	PARTY_FIELD,
	{"direction", "direction", FT_CHOICE, F_REQUIRED, "gave|received", NULL, 0, 0,
	 "gave: we gave them; received: they gave us"},
	{"kind", "kind", FT_KIND, F_REQUIRED, NULL, NULL, 0, 0, "favour, gift, introduction, referral …"},
	{"value", "value", FT_NUMBER, 0, NULL, NULL, 0, 1000000, "its weight (default: the kind's value)"},
	{"personal", "personal", FT_BOOL, 0, NULL, "no", 0, 0, "made for this person (weighs more)"},
	{"unexpected", "unexpected", FT_BOOL, 0, NULL, "no", 0, 0, "a surprise (weighs more)"},
	AT_FIELD,
	NOTE_FIELD,
	{"ask", "ask_id", FT_REF, 0, "ask", NULL, 0, 0, "the ask this exchange granted"},
	SOURCE_FIELD,
	STAMPS,
};

static int exchange_check(recip_ctx *ctx, record *rec, const record *old)
{
	/* the value defaults to the kind's, also when the kind changes */
	bool kind_changed = old && strcmp(record_str(old, "kind"), record_str(rec, "kind"));
	int vi = field_index(rec->e, "value");
	if (!rec->v[vi].set || (kind_changed && !rec->given[vi])) {
		const config_kind *k = config_find_kind(&ctx->cfg, record_str(rec, "kind"));
		record_set_num(rec, "value", k ? k->value : 1);
	}
	return RECIP_OK;
}

static int exchange_after_write(recip_ctx *ctx, const record *old, const record *rec)
{
	if (old)
		return recompute_parties(ctx, old, rec);
	return rollup_exchange_added(ctx, record_int(rec, "party"), !strcmp(record_str(rec, "direction"), "gave"),
	                             record_num(rec, "value"), record_int(rec, "personal") != 0,
	                             record_int(rec, "unexpected") != 0, record_int(rec, "at"));
}

static const entity_desc exchange_entity = {
	"exchange", "exchanges", "exchange", "exchange", exchange_fields, N(exchange_fields), "t.at DESC, t.id DESC",
	exchange_check, exchange_after_write,
};

static int contact_after_write(recip_ctx *ctx, const record *old, const record *rec)
{
	if (old)
		return recompute_parties(ctx, old, rec);
	return rollup_contact_added(ctx, record_int(rec, "party"), record_int(rec, "at"));
}

static const field_desc touch_fields[] = {
	PARTY_FIELD,
	{"channel", "channel", FT_CHOICE, 0, "call|email|meeting|message|letter|social|video|other", "call", 0, 0,
	 "how we were in touch"},
	{"purpose", "purpose", FT_CHOICE, 0, "checkin|need", "checkin", 0, 0,
	 "checkin: keeping in touch; need: we needed something"},
	{"initiator", "initiator", FT_CHOICE, 0, "us|them", "us", 0, 0, "who got in touch"},
	AT_FIELD,
	NOTE_FIELD,
	SOURCE_FIELD,
	STAMPS,
};

static const entity_desc touch_entity = {
	"touch", "touches", "touch", "touch", touch_fields, N(touch_fields), "t.at DESC, t.id DESC",
	NULL, contact_after_write,
};

static const field_desc visit_fields[] = {
	{"party", "party_id", FT_PARTY, F_REQUIRED, NULL, NULL, 0, 0, "who came in"},
	AT_FIELD,
	{"amount", "amount", FT_NUMBER, 0, NULL, NULL, 0, 1e9, "what they spent (optional)"},
	NOTE_FIELD,
	SOURCE_FIELD,
	STAMPS,
};

static int visit_after_write(recip_ctx *ctx, const record *old, const record *rec)
{
	if (old)
		return recompute_parties(ctx, old, rec);
	return rollup_visit_added(ctx, record_int(rec, "party"), record_int(rec, "at"));
}

static const entity_desc visit_entity = {
	"visit", "visits", "visit", "visit", visit_fields, N(visit_fields), "t.at DESC, t.id DESC",
	NULL, visit_after_write,
};

static const field_desc ask_fields[] = {
	PARTY_FIELD,
	{"direction", "direction", FT_CHOICE, F_REQUIRED | F_FIXED, "ours|theirs", NULL, 0, 0,
	 "ours: we asked them; theirs: they asked us"},
	{"what", "what", FT_WORD, F_REQUIRED, NULL, NULL, 0, 60, "review, referral, introduction, favour, vote …"},
	{"status", "status", FT_CHOICE, 0, "open|granted|declined|withdrawn", "open", 0, 0, "where it stands"},
	{"forced", "forced", FT_BOOL, F_FIXED, NULL, "no", 0, 0, "recorded although the give-first gate said not yet"},
	AT_FIELD,
	{"resolved_at", "resolved_at", FT_TIME, 0, NULL, NULL, 0, 0, "when it was granted, declined or withdrawn"},
	NOTE_FIELD,
	SOURCE_FIELD,
	STAMPS,
};

/* A new open ask of ours passes the give-first gate, or is recorded as
 * forced when the caller forced it. */
static int ask_gate(recip_ctx *ctx, record *rec)
{
	json_t *verdict;
	bool ready;
	int rc = gate_evaluate(ctx, record_int(rec, "party"), record_str(rec, "what"), record_int(rec, "at"), 0,
	                       &verdict, &ready);
	if (rc)
		return rc;
	if (ready) {
		record_set_int(rec, "forced", 0);
	} else if (!record_int(rec, "forced")) {
		char why[300];
		gate_first_failure(verdict, why, sizeof(why));
		const char *suggestion = json_string_value(json_object_get(verdict, "suggestion"));
		rc = recip_fail(ctx, RECIP_ENOTREADY, "not yet — %s; give first: %s (or record it anyway with --force)",
		                why, suggestion ? suggestion : "something personal");
	}
	json_decref(verdict);
	return rc;
}

static int ask_check(recip_ctx *ctx, record *rec, const record *old)
{
	bool open = !strcmp(record_str(rec, "status"), "open");
	if (!old && open && !strcmp(record_str(rec, "direction"), "ours")) {
		int rc = ask_gate(ctx, rec);
		if (rc)
			return rc;
	}
	if (open && record_has(rec, "resolved_at"))
		return recip_fail(ctx, RECIP_EINVAL, "an open ask has no resolution time");
	if (!open && !record_has(rec, "resolved_at"))
		record_set_int(rec, "resolved_at", ctx->now > record_int(rec, "at") ? ctx->now : record_int(rec, "at"));
	if (!open && record_int(rec, "resolved_at") < record_int(rec, "at"))
		return recip_fail(ctx, RECIP_EINVAL, "an ask cannot be resolved before it was made");
	return RECIP_OK;
}

/* An ask of ours may make earlier gives look transactional (genuineness). */
static int ask_after_write(recip_ctx *ctx, const record *old, const record *rec)
{
	int rc = contact_after_write(ctx, old, rec);
	if (!rc && !old && !strcmp(record_str(rec, "direction"), "ours"))
		rc = engine_ask_added(ctx, record_int(rec, "party"), rec->id, record_int(rec, "at"));
	return rc;
}

static const entity_desc ask_entity = {
	"ask", "asks", "ask", "ask", ask_fields, N(ask_fields), "t.at DESC, t.id DESC",
	ask_check, ask_after_write,
};

static const field_desc promise_fields[] = {
	{"party", "party_id", FT_PARTY, F_REQUIRED, NULL, NULL, 0, 0, "to whom"},
	{"what", "what", FT_TEXT, F_REQUIRED, NULL, NULL, 0, 500, "what we promised"},
	{"at", "at", FT_TIME, F_DEFAULT_NOW, NULL, NULL, 0, 0, "when we promised it (default: now)"},
	{"due", "due_at", FT_TIME, F_REQUIRED | F_END_OF_DAY, NULL, NULL, 0, 0, "by when (a date means by its end)"},
	{"status", "status", FT_CHOICE, 0, "open|kept|broken", "open", 0, 0, "open, kept or broken"},
	{"resolved_at", "resolved_at", FT_TIME, 0, NULL, NULL, 0, 0, "when it was kept or broken"},
	NOTE_FIELD,
	SOURCE_FIELD,
	STAMPS,
};

static int promise_check(recip_ctx *ctx, record *rec, const record *old)
{
	(void)old;
	if (record_int(rec, "due") < record_int(rec, "at"))
		return recip_fail(ctx, RECIP_EINVAL, "a promise cannot be due before it was made");
	bool open = !strcmp(record_str(rec, "status"), "open");
	if (open && record_has(rec, "resolved_at"))
		return recip_fail(ctx, RECIP_EINVAL, "an open promise has no resolution time");
	if (!open && !record_has(rec, "resolved_at"))
		record_set_int(rec, "resolved_at", ctx->now);
	if (!open && record_int(rec, "resolved_at") < record_int(rec, "at"))
		return recip_fail(ctx, RECIP_EINVAL, "a promise cannot be kept or broken before it was made");
	return RECIP_OK;
}

static const entity_desc promise_entity = {
	"promise", "promises", "promise", "promise", promise_fields, N(promise_fields), "t.due_at, t.id",
	promise_check, NULL,
};

/* ---- advocacy and partners (schema 2) ------------------------------------------- */

static const field_desc referral_fields[] = {
	{"referrer", "referrer_id", FT_PARTY, F_REQUIRED, NULL, NULL, 0, 0, "who sent them"},
	{"party", "party_id", FT_PARTY, F_REQUIRED, NULL, NULL, 0, 0, "who was referred"},
	{"status", "status", FT_CHOICE, 0, "lead|converted|lost", "lead", 0, 0, "lead, converted or lost"},
	AT_FIELD,
	{"resolved_at", "resolved_at", FT_TIME, 0, NULL, NULL, 0, 0, "when it converted or was lost"},
	NOTE_FIELD,
	SOURCE_FIELD,
	STAMPS,
};

static int referral_check(recip_ctx *ctx, record *rec, const record *old)
{
	(void)old;
	int64_t referrer = record_int(rec, "referrer"), referred = record_int(rec, "party");
	if (referrer == referred)
		return recip_fail(ctx, RECIP_EINVAL, "a party cannot refer itself");
	/* no cycles: walk up from the referrer through who referred them */
	int64_t up = referrer;
	for (int depth = 0; depth < 10000 && up; depth++) {
		if (up == referred)
			return recip_fail(ctx, RECIP_EINVAL, "that referral would make a cycle (the referred party is "
			                                     "already up the referrer's chain)");
		int rc = db_int(ctx, &up, 0, "SELECT referrer_id FROM referral WHERE party_id = ? AND id <> ?", "ii", up,
		                rec->id);
		if (rc)
			return rc;
	}
	int64_t other;
	int rc = db_int(ctx, &other, 0, "SELECT id FROM referral WHERE party_id = ? AND id <> ?", "ii", referred,
	                rec->id);
	if (!rc && other)
		rc = recip_fail(ctx, RECIP_EEXISTS, "that party was already referred (referral #%lld)", (long long)other);
	if (rc)
		return rc;
	bool open = !strcmp(record_str(rec, "status"), "lead");
	if (open && record_has(rec, "resolved_at"))
		return recip_fail(ctx, RECIP_EINVAL, "a lead has no resolution time");
	if (!open && !record_has(rec, "resolved_at"))
		record_set_int(rec, "resolved_at", ctx->now > record_int(rec, "at") ? ctx->now : record_int(rec, "at"));
	if (!open && record_int(rec, "resolved_at") < record_int(rec, "at"))
		return recip_fail(ctx, RECIP_EINVAL, "a referral cannot be resolved before it was made");
	return RECIP_OK;
}

static const entity_desc referral_entity = {
	"referral", "referrals", "referral", "referral", referral_fields, N(referral_fields), "t.at DESC, t.id DESC",
	referral_check, NULL,
};

static const field_desc review_fields[] = {
	{"party", "party_id", FT_PARTY, F_REQUIRED, NULL, NULL, 0, 0, "who wrote it"},
	{"platform", "platform", FT_WORD, F_REQUIRED, NULL, NULL, 0, 60, "google, tripadvisor, yelp …"},
	{"rating", "rating", FT_INT, F_REQUIRED, NULL, NULL, 1, 5, "1 to 5 stars"},
	{"url", "url", FT_TEXT, 0, NULL, NULL, 0, 2000, "where it is"},
	AT_FIELD,
	NOTE_FIELD,
	{"ask", "ask_id", FT_REF, 0, "ask", NULL, 0, 0, "our ask this review answered"},
	SOURCE_FIELD,
	STAMPS,
};

static const entity_desc review_entity = {
	"review", "reviews", "review", "review", review_fields, N(review_fields), "t.at DESC, t.id DESC",
	advocacy_review_check, NULL,
};

static const field_desc nps_fields[] = {
	{"party", "party_id", FT_PARTY, F_REQUIRED, NULL, NULL, 0, 0, "who answered"},
	{"score", "score", FT_INT, F_REQUIRED, NULL, NULL, 0, 10, "0 to 10: how likely they are to recommend us"},
	AT_FIELD,
	{"comment", "comment", FT_NOTE, 0, NULL, NULL, 0, 2000, "what they said"},
	{"followed_up_at", "followed_up_at", FT_TIME, 0, NULL, NULL, 0, 0, "when we followed up"},
	SOURCE_FIELD,
	STAMPS,
};

static const entity_desc nps_entity = {
	"nps", "nps", "nps", "NPS answer", nps_fields, N(nps_fields), "t.at DESC, t.id DESC",
	advocacy_nps_check, NULL,
};

static const field_desc project_fields[] = {
	{"party", "party_id", FT_PARTY, F_REQUIRED, NULL, NULL, 0, 0, "the partner or client"},
	{"name", "name", FT_TEXT, F_REQUIRED, NULL, NULL, 0, 200, "what the project is"},
	{"size", "size", FT_CHOICE, 0, "small|medium|large", "small", 0, 0, "small, medium or large"},
	{"status", "status", FT_CHOICE, 0, "open|succeeded|failed", "open", 0, 0, "open, succeeded or failed"},
	AT_FIELD,
	{"ended_at", "ended_at", FT_TIME, 0, NULL, NULL, 0, 0, "when it ended"},
	{"forced", "forced", FT_BOOL, F_FIXED, NULL, "no", 0, 0, "started large although no smaller one succeeded"},
	NOTE_FIELD,
	SOURCE_FIELD,
	STAMPS,
};

static int project_check(recip_ctx *ctx, record *rec, const record *old)
{
	bool open = !strcmp(record_str(rec, "status"), "open");
	if (open && record_has(rec, "ended_at"))
		return recip_fail(ctx, RECIP_EINVAL, "an open project has no end");
	if (!open && !record_has(rec, "ended_at"))
		record_set_int(rec, "ended_at", ctx->now > record_int(rec, "at") ? ctx->now : record_int(rec, "at"));
	if (!open && record_int(rec, "ended_at") < record_int(rec, "at"))
		return recip_fail(ctx, RECIP_EINVAL, "a project cannot end before it started");
	if (old)
		return RECIP_OK;
	/* start small: a medium or large project needs a smaller one that succeeded */
	bool ready;
	char why[300];
	int rc = project_ladder_check(ctx, record_int(rec, "party"), record_str(rec, "size"), record_int(rec, "at"),
	                              &ready, why, sizeof(why));
	if (rc)
		return rc;
	if (ready)
		record_set_int(rec, "forced", 0);
	else if (!record_int(rec, "forced"))
		return recip_fail(ctx, RECIP_ENOTREADY, "start small — %s (or record it anyway with --force)", why);
	return RECIP_OK;
}

static const entity_desc project_entity = {
	"project", "projects", "project", "project", project_fields, N(project_fields), "t.at DESC, t.id DESC",
	project_check, NULL,
};

const entity_desc *const entity_all[] = {
	&party_entity, &fact_entity, &ask_entity, &exchange_entity, &touch_entity, &visit_entity, &promise_entity,
	&referral_entity, &review_entity, &nps_entity, &project_entity, NULL,
};
