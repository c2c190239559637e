/*
 * partners.c — working with partner firms: our own profile (what we offer,
 * whom we serve), how well a partner fits us (shared segments up,
 * complementary offers up, overlapping offers down, with the reasons), the
 * value given and received, and projects that start small and grow.
 */
#include "partners.h"
#include "db.h"
#include "entity.h"
#include "ids.h"
#include "rollup.h"
#include "trust.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- sets of words --------------------------------------------------------------- */

typedef struct word_set {
	char **items;
	size_t n, cap;
} word_set;

static void word_set_release(word_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->items[i]);
	free(s->items);
	memset(s, 0, sizeof(*s));
}

static int word_set_add(recip_ctx *ctx, word_set *s, const char *word)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 8;
		char **grown = realloc(s->items, cap * sizeof(*grown));
		if (!grown)
			return recip_oom(ctx);
		s->items = grown;
		s->cap = cap;
	}
	if (!(s->items[s->n] = xstrdup(word)))
		return recip_oom(ctx);
	s->n++;
	return RECIP_OK;
}

static bool word_set_has(const word_set *s, const char *word)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->items[i], word))
			return true;
	return false;
}

/* Values of one field of a party (party > 0) or of our profile (party 0). */
static int word_set_load(recip_ctx *ctx, word_set *out, int64_t party, const char *field)
{
	memset(out, 0, sizeof(*out));
	db_stmt *st;
	int rc = party > 0 ? db_query(ctx, &st,
	                              "SELECT value_key FROM party_value WHERE party_id = ? AND field = ? "
	                              "ORDER BY position, value_key",
	                              "it", party, field)
	                   : db_query(ctx, &st,
	                              "SELECT value_key FROM profile_value WHERE field = ? ORDER BY position, value_key",
	                              "t", field);
	if (rc)
		return rc;
	while ((rc = db_step(ctx, st)) == DB_ROW)
		if ((rc = word_set_add(ctx, out, db_col_text(st, 0))))
			break;
	db_done(st);
	if (rc < 0) {
		word_set_release(out);
		return rc;
	}
	return RECIP_OK;
}

static json_t *word_set_json(const word_set *s)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < s->n; i++)
		if (jappend(arr, json_string(s->items[i]))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

static void word_list_text(buf *b, const word_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		buf_printf(b, "%s%s", i ? ", " : "", s->items[i]);
}

/* ---- our profile --------------------------------------------------------------------- */

static int profile_doc(recip_ctx *ctx, json_t **out)
{
	word_set offer, serves;
	int rc = word_set_load(ctx, &offer, 0, "offer");
	if (rc)
		return rc;
	rc = word_set_load(ctx, &serves, 0, "serves");
	if (rc) {
		word_set_release(&offer);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "offer", word_set_json(&offer), "serves", word_set_json(&serves));
	word_set_release(&offer);
	word_set_release(&serves);
	return *out ? RECIP_OK : recip_oom(ctx);
}

int recip_profile_report(recip_ctx *ctx, json_t **out)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	return profile_doc(ctx, out);
}

static int profile_change(recip_ctx *ctx, const recip_field *c, bool *cleared)
{
	if (!c->name || (strcmp(c->name, "offer") && strcmp(c->name, "serves")))
		return recip_fail(ctx, RECIP_EINVAL, "unknown field '%s' of our profile (fields: offer, serves)",
		                  c->name ? c->name : "");
	bool *done = &cleared[strcmp(c->name, "offer") ? 1 : 0];
	int rc = RECIP_OK;
	if (c->op == RECIP_SET && !*done) {
		*done = true;
		rc = db_run(ctx, "DELETE FROM profile_value WHERE field = ?", "t", c->name);
		if (rc || !c->value || !*c->value)
			return rc;
	}
	char *word = NULL;
	rc = parse_word(ctx, c->name, c->value ? c->value : "", 60, &word);
	if (rc)
		return rc;
	if (c->op == RECIP_REMOVE) {
		rc = db_run(ctx, "DELETE FROM profile_value WHERE field = ? AND value_key = ?", "tt", c->name, word);
		if (!rc && db_changes(ctx) == 0)
			rc = recip_fail(ctx, RECIP_ENOTFOUND, "our profile has no %s '%s'", c->name, word);
	} else {
		int64_t position;
		rc = db_int(ctx, &position, 0, "SELECT COALESCE(MAX(position), 0) + 1 FROM profile_value WHERE field = ?",
		            "t", c->name);
		if (!rc)
			rc = db_run(ctx,
			            "INSERT INTO profile_value (field, value, value_key, position) VALUES (?, ?, ?, ?) "
			            "ON CONFLICT (field, value_key) DO NOTHING",
			            "ttti", c->name, word, word, position);
	}
	free(word);
	return rc;
}

int recip_profile_update(recip_ctx *ctx, const recip_field *changes, size_t n_changes)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (n_changes == 0)
		return recip_fail(ctx, RECIP_EINVAL, "nothing to change in our profile");
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	json_t *before = NULL, *after = NULL;
	bool cleared[2] = {false, false};
	rc = profile_doc(ctx, &before);
	for (size_t i = 0; i < n_changes && !rc; i++)
		rc = profile_change(ctx, &changes[i], cleared);
	if (!rc)
		rc = profile_doc(ctx, &after);
	if (!rc)
		rc = audit_write(ctx, "update", "profile", 0, 0, before, after);
	json_decref(before);
	json_decref(after);
	return tx_end(ctx, rc);
}

/* ---- projects ---------------------------------------------------------------------------- */

int project_ladder_check(recip_ctx *ctx, int64_t party, const char *size, recip_time at, bool *ready, char *why,
                         size_t why_size)
{
	*ready = true;
	if (!size || !strcmp(size, "small"))
		return RECIP_OK;
	bool large = !strcmp(size, "large");
	int64_t succeeded;
	int rc = db_int(ctx, &succeeded, 0,
	                "SELECT count(*) FROM project WHERE party_id = ? AND status = 'succeeded' AND ended_at <= ? "
	                "AND (size = 'small' OR (size = 'medium' AND ? = 1))",
	                "iii", party, at, (int64_t)large);
	if (rc || succeeded > 0)
		return rc;
	char *name = NULL;
	rc = party_name(ctx, party, &name);
	if (rc)
		return rc;
	*ready = false;
	snprintf(why, why_size, "no %s project with '%s' has succeeded yet; start with a %s one", large ?
	         "small or medium" : "small", name, large ? "small or medium" : "small");
	free(name);
	return RECIP_OK;
}

int recip_project_finish(recip_ctx *ctx, int64_t project, const char *status, recip_time at, const char *note)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (!status || (strcmp(status, "succeeded") && strcmp(status, "failed")))
		return recip_fail(ctx, RECIP_EINVAL, "bad outcome '%s' (succeeded or failed)", status ? status : "");
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	record rec;
	rc = record_load(ctx, &rec, entity_find("project"), project);
	if (rc)
		return tx_end(ctx, rc);
	if (strcmp(record_str(&rec, "status"), "open"))
		rc = recip_fail(ctx, RECIP_EEXISTS, "project #%lld already %s", (long long)project, record_str(&rec, "status"));
	record_release(&rec);
	if (!rc) {
		char when[32];
		recip_time_format(when, sizeof(when), at);
		recip_field change[] = {{"status", status, RECIP_SET, NULL},
		                        {"ended_at", when, RECIP_SET, NULL},
		                        {"note", note, RECIP_SET, NULL}};
		rc = recip_record_update(ctx, "project", project, change, note ? 3 : 2);
	}
	return tx_end(ctx, rc);
}

static const char *const sizes[] = {"small", "medium", "large"};

/* A party's projects as of a time, and the next size the ladder allows. */
static int project_ladder(recip_ctx *ctx, int64_t party, recip_time as_of, json_t **out, const char **next)
{
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT id, name, size, status, at, ended_at, forced FROM project WHERE party_id = ? AND at <= ? "
	                  "ORDER BY at, id",
	                  "ii", party, as_of);
	if (rc)
		return rc;
	json_t *items = json_array();
	int best = -1;
	while (items && (rc = db_step(ctx, st)) == DB_ROW) {
		recip_time ended = db_col_time(st, 5);
		bool over = ended != TIME_NONE && ended <= as_of;
		const char *status = over ? db_col_text(st, 3) : "open";
		const char *size = db_col_text(st, 2);
		for (int k = 0; k < 3; k++)
			if (!strcmp(size, sizes[k]) && !strcmp(status, "succeeded") && k > best)
				best = k;
		json_t *item = json_pack("{s:I, s:s, s:s, s:s, s:o, s:o, s:b}", "id", (json_int_t)db_col_int(st, 0), "name",
		                         db_col_text(st, 1), "size", size, "status", status, "at", jtime(db_col_int(st, 4)),
		                         "ended_at", jtime(over ? ended : TIME_NONE), "forced", db_col_int(st, 6) != 0);
		if (jappend(items, item)) {
			rc = recip_oom(ctx);
			break;
		}
	}
	db_done(st);
	if (!items)
		return recip_oom(ctx);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*next = sizes[best >= 2 ? 2 : best + 1];
	*out = items;
	return RECIP_OK;
}

/* ---- fit ------------------------------------------------------------------------------------ */

typedef struct fit_result {
	int score;
	word_set shared, complementary, overlapping, their_serves, their_offer;
	json_t *reasons;
} fit_result;

static void fit_release(fit_result *f)
{
	word_set_release(&f->shared);
	word_set_release(&f->complementary);
	word_set_release(&f->overlapping);
	word_set_release(&f->their_serves);
	word_set_release(&f->their_offer);
	json_decref(f->reasons);
	f->reasons = NULL;
}

static int reason(recip_ctx *ctx, json_t *reasons, int points, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int reason(recip_ctx *ctx, json_t *reasons, int points, const char *fmt, ...)
{
	buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	json_t *item = b.failed ? NULL : json_pack("{s:s, s:i}", "reason", b.data, "points", points);
	buf_release(&b);
	return jappend(reasons, item) ? recip_oom(ctx) : RECIP_OK;
}

/* The score: 50 × the share of our segments they serve + 50 × the share of
 * their offers that complement ours − 50 × the share that overlap ours,
 * held within 0–100 (docs/engine.md). */
static int fit_compute(recip_ctx *ctx, int64_t partner, const word_set *our_offer, const word_set *our_serves,
                       fit_result *out)
{
	memset(out, 0, sizeof(*out));
	int rc = word_set_load(ctx, &out->their_offer, partner, "offer");
	if (!rc)
		rc = word_set_load(ctx, &out->their_serves, partner, "serves");
	if (!rc && !(out->reasons = json_array()))
		rc = recip_oom(ctx);
	for (size_t i = 0; i < out->their_serves.n && !rc; i++)
		if (word_set_has(our_serves, out->their_serves.items[i]))
			rc = word_set_add(ctx, &out->shared, out->their_serves.items[i]);
	for (size_t i = 0; i < out->their_offer.n && !rc; i++)
		rc = word_set_add(ctx, word_set_has(our_offer, out->their_offer.items[i]) ? &out->overlapping
		                                                                          : &out->complementary,
		                  out->their_offer.items[i]);
	if (rc) {
		fit_release(out);
		return rc;
	}
	int segment = our_serves->n ? (int)lround(50.0 * (double)out->shared.n / (double)our_serves->n) : 0;
	int complement = out->their_offer.n ? (int)lround(50.0 * (double)out->complementary.n / (double)out->their_offer.n)
	                                    : 0;
	int overlap = out->their_offer.n ? (int)lround(50.0 * (double)out->overlapping.n / (double)out->their_offer.n) : 0;
	int score = segment + complement - overlap;
	out->score = score < 0 ? 0 : score > 100 ? 100 : score;

	buf list = BUF_INIT;
	if (!our_serves->n)
		rc = reason(ctx, out->reasons, 0, "our profile names no segments we serve, so none can be shared");
	else if (out->shared.n) {
		word_list_text(&list, &out->shared);
		rc = reason(ctx, out->reasons, segment, "serves %zu of our %zu segments (%s)", out->shared.n, our_serves->n,
		            list.data);
	} else if (out->their_serves.n) {
		word_list_text(&list, &out->their_serves);
		rc = reason(ctx, out->reasons, 0, "serves none of our segments (they serve %s)", list.data);
	} else
		rc = reason(ctx, out->reasons, 0, "no segments they serve are recorded");
	buf_reset(&list);
	if (!rc && !out->their_offer.n)
		rc = reason(ctx, out->reasons, 0, "nothing they offer is recorded");
	if (!rc && out->complementary.n) {
		word_list_text(&list, &out->complementary);
		rc = reason(ctx, out->reasons, complement, "complements us with %s", list.data);
	}
	buf_reset(&list);
	if (!rc && out->overlapping.n) {
		word_list_text(&list, &out->overlapping);
		rc = reason(ctx, out->reasons, -overlap, "competes with us on %s", list.data);
	}
	buf_release(&list);
	if (rc)
		fit_release(out);
	return rc;
}

static int load_profile(recip_ctx *ctx, word_set *offer, word_set *serves)
{
	int rc = word_set_load(ctx, offer, 0, "offer");
	if (rc)
		return rc;
	rc = word_set_load(ctx, serves, 0, "serves");
	if (rc)
		word_set_release(offer);
	return rc;
}

static int fit_item(recip_ctx *ctx, int64_t partner, recip_time as_of, const word_set *our_offer,
                    const word_set *our_serves, json_t **out)
{
	fit_result f;
	char *name = NULL;
	json_t *projects = NULL;
	const char *next = "small";
	party_standing s;
	int rc = party_name(ctx, partner, &name);
	if (!rc)
		rc = fit_compute(ctx, partner, our_offer, our_serves, &f);
	if (rc) {
		free(name);
		return rc;
	}
	rc = standing_as_of(ctx, partner, NULL, as_of, &s);
	if (!rc)
		rc = project_ladder(ctx, partner, as_of, &projects, &next);
	if (!rc) {
		*out = json_pack("{s:I, s:s, s:i, s:o, s:o, s:o, s:o, s:{s:o, s:o, s:I, s:I, s:o}, s:o, s:s}", "party",
		                 (json_int_t)partner, "name", name, "score", f.score, "reasons", json_incref(f.reasons),
		                 "shared_segments", word_set_json(&f.shared), "complementary_offers",
		                 word_set_json(&f.complementary), "overlapping_offers", word_set_json(&f.overlapping), "value",
		                 "given", jreal(s.r.gave_value), "received", jreal(s.r.received_value), "gave_count",
		                 (json_int_t)s.r.gave_count, "received_count", (json_int_t)s.r.received_count, "balance",
		                 jreal(s.balance), "projects", projects, "next_size", next);
		projects = NULL;
		if (!*out)
			rc = recip_oom(ctx);
	}
	json_decref(projects);
	fit_release(&f);
	free(name);
	return rc;
}

static int by_score(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t sx = json_integer_value(json_object_get(x, "score")), sy = json_integer_value(json_object_get(y, "score"));
	if (sx != sy)
		return sx > sy ? -1 : 1;
	json_int_t ix = json_integer_value(json_object_get(x, "party")), iy = json_integer_value(json_object_get(y, "party"));
	return (ix > iy) - (ix < iy);
}

int recip_fit_report(recip_ctx *ctx, json_t **out, int64_t partner, recip_time as_of)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	word_set offer, serves;
	int rc = partner > 0 ? party_exists(ctx, partner) : RECIP_OK;
	if (rc)
		return rc;
	rc = load_profile(ctx, &offer, &serves);
	if (rc)
		return rc;
	if (!offer.n && !serves.n) {
		word_set_release(&offer);
		word_set_release(&serves);
		return recip_fail(ctx, RECIP_EINVAL, "our profile is empty: record what we offer and whom we serve first "
		                                     "(recip profile --offer … --serves …)");
	}
	json_t *doc = NULL;
	if (partner > 0) {
		rc = fit_item(ctx, partner, as_of, &offer, &serves, &doc);
		if (!rc && jset(doc, "as_of", jtime(as_of)))
			rc = recip_oom(ctx);
	} else {
		/* every party with the role partner: few, found through the index on roles */
		db_stmt *st;
		id_list partners = {0};
		rc = db_query(ctx, &st,
		              "SELECT v.party_id FROM party_value v JOIN party p ON p.id = v.party_id WHERE v.field = 'role' "
		              "AND v.value_key = 'partner' AND p.archived = 0 ORDER BY v.party_id",
		              "");
		if (!rc)
			rc = id_list_read(ctx, st, &partners);
		size_t n = partners.n;
		const int64_t *ids = partners.ids;
		json_t **items = rc || !n ? NULL : calloc(n, sizeof(*items));
		if (!rc && n && !items)
			rc = recip_oom(ctx);
		size_t made = 0;
		for (size_t i = 0; i < n && !rc; i++, made++)
			rc = fit_item(ctx, ids[i], as_of, &offer, &serves, &items[i]);
		if (!rc && n > 1)
			qsort(items, n, sizeof(*items), by_score);
		json_t *arr = rc ? NULL : json_array();
		if (!rc && !arr)
			rc = recip_oom(ctx);
		for (size_t i = 0; i < made; i++) {
			if (!rc && jappend(arr, items[i]))
				rc = recip_oom(ctx);
			else if (rc)
				json_decref(items[i]);
		}
		free(items);
		id_list_release(&partners);
		if (!rc) {
			doc = json_pack("{s:o, s:o}", "as_of", jtime(as_of), "items", arr);
			if (!doc)
				rc = recip_oom(ctx);
		} else
			json_decref(arr);
	}
	if (!rc && (jset(doc, "profile", json_pack("{s:o, s:o}", "offer", word_set_json(&offer), "serves",
	                                           word_set_json(&serves)))))
		rc = recip_oom(ctx);
	word_set_release(&offer);
	word_set_release(&serves);
	if (rc) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return RECIP_OK;
}

/* ---- a partner's picture ----------------------------------------------------------------------- */

int partner_section(recip_ctx *ctx, int64_t party, recip_time as_of, json_t **out)
{
	*out = NULL;
	int64_t is_partner;
	int rc = db_int(ctx, &is_partner, 0,
	                "SELECT count(*) FROM party_value WHERE party_id = ? AND field = 'role' AND value_key = 'partner'",
	                "i", party);
	if (rc || !is_partner)
		return rc;
	word_set offer, serves;
	rc = load_profile(ctx, &offer, &serves);
	if (rc)
		return rc;
	json_t *item = NULL;
	if (offer.n || serves.n) {
		rc = fit_item(ctx, party, as_of, &offer, &serves, &item);
	} else {
		/* without our profile there is no fit, but the value and the ladder stand */
		party_standing s;
		json_t *projects = NULL;
		const char *next = "small";
		rc = standing_as_of(ctx, party, NULL, as_of, &s);
		if (!rc)
			rc = project_ladder(ctx, party, as_of, &projects, &next);
		if (!rc) {
			item = json_pack("{s:n, s:{s:o, s:o, s:I, s:I, s:o}, s:o, s:s}", "score", "value", "given",
			                 jreal(s.r.gave_value), "received", jreal(s.r.received_value), "gave_count",
			                 (json_int_t)s.r.gave_count, "received_count", (json_int_t)s.r.received_count, "balance",
			                 jreal(s.balance), "projects", projects, "next_size", next);
			if (!item)
				rc = recip_oom(ctx);
		}
	}
	word_set_release(&offer);
	word_set_release(&serves);
	if (rc)
		return rc;
	*out = item;
	return RECIP_OK;
}

int party_engine_sections(recip_ctx *ctx, json_t *doc, int64_t party, recip_time as_of)
{
	trust_figures t;
	json_t *partner = NULL;
	int rc = trust_compute(ctx, party, as_of, &t);
	if (!rc)
		rc = partner_section(ctx, party, as_of, &partner);
	if (rc)
		return rc;
	if (jset(doc, "trust", trust_json(&t)) || jset(doc, "partner", partner ? partner : json_null()))
		return recip_oom(ctx);
	return RECIP_OK;
}
