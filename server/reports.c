/*
 * reports.c — the routes of the engine (agenda, moments, expected regulars,
 * open asks, genuineness, trust), of partners (profile, fit, projects) and
 * of advocacy (referrals, reviews, NPS, advocates, growth). Each handler
 * reads its parameters as the matching command reads its options and makes
 * the library call that command makes; the document it returns is the one
 * `recip … --json` prints.
 */
#include <recip/recip.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define PROFILE_CHANGES 64

/* The library's answer: its document (200), or its error. */
static int reply_report(request *r, int rc, json_t **doc)
{
	if (rc != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, *doc);
}

static recip_time now(request *r)
{
	return recip_ctx_now(r->ctx);
}

/* A day given as a query parameter, meaning its start as the command
 * line's --date and --since do (as_of, a date means its end). */
static int query_day(request *r, const char *name, recip_time dflt, recip_time *out)
{
	const char *text = query(r, name);
	*out = dflt;
	if (!text || !*text)
		return 0;
	if (recip_time_parse(r->ctx, out, text, now(r), false) != RECIP_OK)
		return reply_error(r, 400, "bad_parameter", "%s: %s", name, recip_errmsg(r->ctx)), -1;
	return 0;
}

/* A window or period in days that, when given, is at least a day. */
static int query_window(request *r, const char *name, int *out)
{
	if (query_days(r, name, 0, out))
		return -1;
	if (query(r, name) && *query(r, name) && *out == 0)
		return reply_error(r, 400, "bad_parameter", "%s must be at least a day", name), -1;
	return 0;
}

/* A party named in the body by id (a number) or by reference (a text):
 * the text goes into `space`. NULL when absent. */
static int body_party(request *r, const char *name, char space[32], const char **out)
{
	json_t *v = json_object_get(r->json, name);
	*out = NULL;
	if (json_is_integer(v)) {
		snprintf(space, 32, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		*out = space;
		return 0;
	}
	return body_text(r, name, out);
}

/* Only these members may be in the body (NULL-terminated). */
static int body_only(request *r, const char *what, const char *const *names)
{
	const char *key;
	json_t *v;
	json_object_foreach(r->json, key, v)
	{
		size_t i = 0;
		while (names[i] && strcmp(names[i], key))
			i++;
		if (!names[i])
			return reply_error(r, 422, "invalid", "unknown field '%.60s' of %s", key, what), -1;
	}
	return 0;
}

/* ---- the agenda and moments ------------------------------------------------------------ */

int api_agenda_report(request *r)
{
	recip_time as_of;
	int64_t limit;
	if (query_time(r, "as_of", now(r), &as_of) || query_int(r, "limit", -1, 0, 100000, &limit))
		return 0;
	json_t *doc;
	return reply_report(r, recip_agenda_report(r->ctx, &doc, as_of, (int)limit), &doc);
}

int api_moments_report(request *r)
{
	recip_time as_of;
	if (query_time(r, "as_of", now(r), &as_of))
		return 0;
	json_t *doc;
	return reply_report(r, recip_moments_report(r->ctx, &doc, as_of), &doc);
}

int api_dismiss_moment(request *r)
{
	recip_time as_of;
	if (query_time(r, "as_of", now(r), &as_of))
		return 0;
	json_t *doc;
	return reply_report(r, recip_moment_dismiss(r->ctx, &doc, r->params[0], 0, NULL, as_of), &doc);
}

int api_restore_moment(request *r)
{
	if (recip_moment_restore(r->ctx, r->params[0]) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, json_pack("{s:s}", "restored", r->params[0]));
}

int api_dismiss_party_moments(request *r)
{
	int64_t party;
	recip_time as_of;
	if (param_id(r, 0, "party", &party) || query_time(r, "as_of", now(r), &as_of))
		return 0;
	json_t *doc;
	return reply_report(r, recip_moment_dismiss(r->ctx, &doc, NULL, party, query(r, "trigger"), as_of), &doc);
}

int api_expected_report(request *r)
{
	/* the day comes from date, the knowledge from as_of (both may be given) */
	recip_time as_of, day;
	if (query_time(r, "as_of", now(r), &as_of) || query_day(r, "date", as_of, &day))
		return 0;
	json_t *doc;
	return reply_report(r, recip_expected_report(r->ctx, &doc, day, as_of), &doc);
}

/* ---- relationships ------------------------------------------------------------------------- */

/* The reports that take an optional party and as_of. */
static int party_report(request *r, int (*report)(recip_ctx *, json_t **, int64_t, recip_time))
{
	int64_t party;
	recip_time as_of;
	if (query_party(r, "party", &party) || query_time(r, "as_of", now(r), &as_of))
		return 0;
	json_t *doc;
	return reply_report(r, report(r->ctx, &doc, party, as_of), &doc);
}

int api_open_asks_report(request *r)
{
	return party_report(r, recip_asks_report);
}

int api_genuine_report(request *r)
{
	return party_report(r, recip_genuine_report);
}

int api_trust_ranking(request *r)
{
	recip_time as_of;
	if (query_time(r, "as_of", now(r), &as_of))
		return 0;
	json_t *doc;
	return reply_report(r, recip_trust_report(r->ctx, &doc, 0, as_of), &doc);
}

/* The reports of one party in the path ({id}) as of a time. */
static int one_party_report(request *r, int (*report)(recip_ctx *, json_t **, int64_t, recip_time))
{
	int64_t party;
	recip_time as_of;
	if (param_id(r, 0, "party", &party) || query_time(r, "as_of", now(r), &as_of))
		return 0;
	json_t *doc;
	return reply_report(r, report(r->ctx, &doc, party, as_of), &doc);
}

int api_party_trust(request *r)
{
	return one_party_report(r, recip_trust_report);
}

/* As `recip trust PARTY --credibility N`: rates it (null or "" unrates),
 * then answers with the equation. */
int api_rate_credibility(request *r)
{
	int64_t party;
	if (param_id(r, 0, "party", &party))
		return 0;
	static const char *const allowed[] = {"credibility", NULL};
	if (body_only(r, "the trust rating", allowed))
		return 0;
	if (!json_object_get(r->json, "credibility"))
		return reply_error(r, 422, "invalid", "send {\"credibility\": 1 to 10}, or null to unrate");
	field_set *fs = body_fields(r, r->json, NULL);
	if (!fs)
		return 0;
	size_t n;
	const recip_field *fields = field_set_items(fs, &n);
	int rc = recip_record_update(r->ctx, "party", party, fields, n);
	field_set_free(fs);
	if (rc != RECIP_OK)
		return reply_recip_error(r);
	return one_party_report(r, recip_trust_report);
}

/* ---- partners -------------------------------------------------------------------------------- */

int api_profile_get(request *r)
{
	json_t *doc;
	return reply_report(r, recip_profile_report(r->ctx, &doc), &doc);
}

/* One member of a profile change: a text or a list of texts (an empty
 * list, or null, clears with RECIP_SET). `name` must outlive the changes. */
static int profile_value(request *r, const char *name, json_t *v, recip_change_op op, recip_field *out, size_t *n)
{
	size_t count = json_is_array(v) ? json_array_size(v) : 1;
	if (op == RECIP_SET && (count == 0 || json_is_null(v))) {
		if (*n >= PROFILE_CHANGES)
			return reply_error(r, 422, "invalid", "too many changes at once"), -1;
		out[(*n)++] = (recip_field){name, "", op, NULL};
		return 0;
	}
	for (size_t i = 0; i < count; i++) {
		json_t *item = json_is_array(v) ? json_array_get(v, i) : v;
		if (!json_is_string(item))
			return reply_error(r, 422, "invalid", "'%.60s' takes a text or a list of texts", name), -1;
		if (*n >= PROFILE_CHANGES)
			return reply_error(r, 422, "invalid", "too many changes at once"), -1;
		out[(*n)++] = (recip_field){name, json_string_value(item), op, NULL};
	}
	return 0;
}

/* {"offer": [...], "serves": [...]} replaces a list; {"add": {"offer":
 * "tiling"}} and {"remove": {...}} change it, as recip profile --offer and
 * --remove-offer do. */
int api_profile_change(request *r)
{
	recip_field changes[PROFILE_CHANGES];
	size_t n = 0;
	const char *key;
	json_t *v;
	json_object_foreach(r->json, key, v)
	{
		bool add = !strcmp(key, "add"), remove = !strcmp(key, "remove");
		if (!add && !remove) {
			if (profile_value(r, key, v, RECIP_SET, changes, &n))
				return 0;
			continue;
		}
		if (!json_is_object(v))
			return reply_error(r, 422, "invalid", "'%s' takes an object such as {\"offer\": [\"tiling\"]}", key);
		const char *name;
		json_t *list;
		json_object_foreach(v, name, list)
		{
			if (profile_value(r, name, list, add ? RECIP_ADD : RECIP_REMOVE, changes, &n))
				return 0;
		}
	}
	if (recip_profile_update(r->ctx, changes, n) != RECIP_OK)
		return reply_recip_error(r);
	return api_profile_get(r);
}

int api_fit_ranking(request *r)
{
	recip_time as_of;
	if (query_time(r, "as_of", now(r), &as_of))
		return 0;
	json_t *doc;
	return reply_report(r, recip_fit_report(r->ctx, &doc, 0, as_of), &doc);
}

int api_party_fit(request *r)
{
	return one_party_report(r, recip_fit_report);
}

/* A project is a record; a medium or large one before a smaller one
 * succeeded is refused with its own code, unless "forced": true. */
int api_add_project(request *r)
{
	create_record(r);
	if (r->status == 409 && recip_errcode(r->ctx) == RECIP_ENOTREADY)
		return reply_error(r, 409, "start_small", "%s", recip_errmsg(r->ctx));
	return 0;
}

/* The record of `entity` with this id, as the answer. */
static int reply_record(request *r, unsigned status, const char *entity, int64_t id)
{
	json_t *doc;
	if (recip_record_get(r->ctx, &doc, entity, id) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, status, doc);
}

int api_finish_project(request *r)
{
	int64_t id;
	recip_time at;
	const char *status, *note;
	static const char *const allowed[] = {"status", "at", "note", NULL};
	if (param_id(r, 0, "project", &id) || body_only(r, "ending a project", allowed) ||
	    body_text(r, "status", &status) || body_time(r, "at", &at) || body_text(r, "note", &note))
		return 0;
	if (recip_project_finish(r->ctx, id, status ? status : "succeeded", at, note) != RECIP_OK)
		return reply_recip_error(r);
	return reply_record(r, 200, "project", id);
}

/* ---- referrals ------------------------------------------------------------------------------------ */

/* As `recip referral REFERRER REFERRED`: "party" (the referred) that
 * matches no one is added on the spot; "new": true always adds it. */
int api_add_referral(request *r)
{
	static const char *const allowed[] = {"referrer", "party", "new", "kind", "role", "at", "note", NULL};
	char referrer_id[32], party_id[32];
	recip_referral_spec spec = {0};
	if (body_only(r, "a referral", allowed) || body_party(r, "referrer", referrer_id, &spec.referrer) ||
	    body_party(r, "party", party_id, &spec.referred) || body_bool(r, "new", &spec.create) ||
	    body_text(r, "kind", &spec.kind) || body_text(r, "role", &spec.role) || body_text(r, "at", &spec.at) ||
	    body_text(r, "note", &spec.note))
		return 0;
	if (!spec.referrer || !spec.referred)
		return reply_error(r, 422, "invalid", "a referral needs a referrer and a party (the one referred)");
	int64_t id, created = 0;
	if (recip_referral_add(r->ctx, &id, &created, &spec) != RECIP_OK)
		return reply_recip_error(r);
	json_t *doc;
	if (recip_record_get(r->ctx, &doc, "referral", id) != RECIP_OK)
		return reply_recip_error(r);
	json_object_set_new(doc, "created", created ? json_integer(created) : json_null());
	buf where = BUF_INIT;
	buf_printf(&where, "%s/%lld", r->url, (long long)id);
	r->location = buf_detach(&where);
	return reply_json(r, 201, doc);
}

int api_resolve_referral(request *r)
{
	int64_t id;
	recip_time at;
	const char *status, *role;
	static const char *const allowed[] = {"status", "at", "role", NULL};
	if (param_id(r, 0, "referral", &id) || body_only(r, "resolving a referral", allowed) ||
	    body_text(r, "status", &status) || body_time(r, "at", &at) || body_text(r, "role", &role))
		return 0;
	if (recip_referral_resolve(r->ctx, id, status ? status : "", at, role) != RECIP_OK)
		return reply_recip_error(r);
	return reply_record(r, 200, "referral", id);
}

int api_referral_report(request *r)
{
	int64_t party;
	recip_time as_of;
	if (query_party(r, "party", &party) || query_time(r, "as_of", now(r), &as_of))
		return 0;
	json_t *doc;
	return reply_report(r, recip_referral_list(r->ctx, &doc, party, query(r, "status"), as_of), &doc);
}

int api_referral_tree(request *r)
{
	return party_report(r, recip_referral_tree);
}

int api_unthanked_report(request *r)
{
	recip_time as_of;
	int within;
	if (query_time(r, "as_of", now(r), &as_of) || query_days(r, "within", 0, &within))
		return 0;
	json_t *doc;
	return reply_report(r, recip_referral_unthanked(r->ctx, &doc, as_of, within), &doc);
}

/* ---- reviews, NPS, advocates, growth ------------------------------------------------------------------ */

int api_review_report(request *r)
{
	int64_t party;
	recip_time as_of;
	if (query_party(r, "party", &party) || query_time(r, "as_of", now(r), &as_of))
		return 0;
	json_t *doc;
	return reply_report(r, recip_review_report(r->ctx, &doc, party, query(r, "platform"), as_of), &doc);
}

/* As `recip nps followed-up PARTY`. */
int api_nps_follow_up(request *r)
{
	static const char *const allowed[] = {"party", "at", NULL};
	char space[32];
	const char *reference;
	recip_time at;
	if (body_only(r, "a follow-up", allowed) || body_party(r, "party", space, &reference) ||
	    body_time(r, "at", &at))
		return 0;
	if (!reference)
		return reply_error(r, 422, "invalid", "whom did we follow up with? (party)");
	int64_t party, count;
	if (recip_party_resolve(r->ctx, &party, reference) != RECIP_OK ||
	    recip_nps_follow_up(r->ctx, &count, party, at) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, json_pack("{s:I, s:I}", "party", (json_int_t)party, "followed_up", (json_int_t)count));
}

int api_nps_report(request *r)
{
	recip_time as_of;
	int window;
	if (query_time(r, "as_of", now(r), &as_of) || query_window(r, "window", &window))
		return 0;
	json_t *doc;
	return reply_report(r, recip_nps_report(r->ctx, &doc, as_of, window), &doc);
}

int api_advocates_report(request *r)
{
	recip_time as_of, since;
	int64_t limit;
	if (query_time(r, "as_of", now(r), &as_of) || query_day(r, "since", INT64_MIN, &since) ||
	    query_int(r, "limit", 0, 0, 100000, &limit))
		return 0;
	json_t *doc;
	return reply_report(r, recip_advocates_report(r->ctx, &doc, as_of, since, limit), &doc);
}

int api_growth_report(request *r)
{
	recip_time as_of;
	int period;
	if (query_time(r, "as_of", now(r), &as_of) || query_window(r, "period", &period))
		return 0;
	json_t *doc;
	return reply_report(r, recip_growth_report(r->ctx, &doc, as_of, period), &doc);
}
