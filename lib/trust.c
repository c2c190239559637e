/*
 * trust.c — the trusted-advisor trust equation per relationship,
 * (credibility + reliability + intimacy) / self-orientation, each component
 * on 1–10 and every figure with the recorded facts it came from. The
 * mappings (docs/engine.md):
 *
 *   credibility       the user's rating (party field credibility); 5 when unrated
 *   reliability       1 + 9 × (kept on time + ½ kept late) / promises due; 5 when none was due
 *   intimacy          1 + 2 × personal exchanges + facts known + birthday known
 *                     + anniversary known, at most 10
 *   self-orientation  1 + 9 × (need-only share + our asks / (our asks + our gives)) / 2
 *
 * Each component is rounded to one decimal before the equation, so that the
 * equation shown adds up. Cost per party: seven indexed lookups of its own
 * rows and roll-ups.
 */
#include "trust.h"
#include "db.h"
#include "engine_rollup.h"
#include "entity.h"
#include "rollup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static double round1(double v)
{
	return round(v * 10.0) / 10.0;
}

int trust_compute(recip_ctx *ctx, int64_t party, recip_time as_of, trust_figures *out)
{
	memset(out, 0, sizeof(*out));
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT credibility, birthday, anniversary FROM party WHERE id = ?", "i", party);
	if (rc)
		return rc;
	if ((rc = db_step(ctx, st)) == DB_ROW) {
		out->rated = !db_col_null(st, 0);
		out->credibility = out->rated ? (double)db_col_int(st, 0) : 5;
		out->birthday = db_col_text(st, 1) != NULL;
		out->anniversary = db_col_text(st, 2) != NULL;
	} else if (rc == DB_DONE) {
		rc = recip_fail(ctx, RECIP_ENOTFOUND, "no party #%lld", (long long)party);
	}
	db_done(st);
	if (rc < 0)
		return rc;

	/* promises due by as_of, and how each ended (as it stood then) */
	rc = db_query(ctx, &st,
	              "SELECT "
	              "COALESCE(SUM(CASE WHEN status = 'kept' AND resolved_at <= ? AND resolved_at <= due_at THEN 1 ELSE 0 END), 0), "
	              "COALESCE(SUM(CASE WHEN status = 'kept' AND resolved_at <= ? AND resolved_at > due_at THEN 1 ELSE 0 END), 0), "
	              "COALESCE(SUM(CASE WHEN status = 'broken' AND resolved_at <= ? THEN 1 ELSE 0 END), 0), "
	              "COALESCE(SUM(CASE WHEN (status = 'open' OR resolved_at > ?) AND due_at < ? THEN 1 ELSE 0 END), 0) "
	              "FROM promise WHERE party_id = ? AND at <= ?",
	              "iiiiiii", as_of, as_of, as_of, as_of, as_of, party, as_of);
	if (rc)
		return rc;
	if ((rc = db_step(ctx, st)) == DB_ROW) {
		out->on_time = db_col_int(st, 0);
		out->late = db_col_int(st, 1);
		out->broken = db_col_int(st, 2);
		out->overdue = db_col_int(st, 3);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	int64_t due = out->on_time + out->late + out->broken + out->overdue;
	out->reliability = due ? round1(1 + 9 * ((double)out->on_time + 0.5 * (double)out->late) / (double)due) : 5;

	party_rollup stored;
	party_standing s;
	engine_rollup e;
	rc = rollup_read(ctx, party, &stored);
	if (!rc)
		rc = standing_as_of(ctx, party, &stored, as_of, &s);
	if (!rc)
		rc = engine_as_of(ctx, party, &stored, as_of, &e);
	if (!rc)
		rc = db_int(ctx, &out->facts, 0, "SELECT count(*) FROM fact WHERE party_id = ? AND created_at <= ?", "ii", party,
		            as_of);
	if (rc)
		return rc;
	out->personal = e.personal_count;
	double points = 2.0 * (double)out->personal + (double)out->facts + (out->birthday ? 1 : 0) + (out->anniversary ? 1 : 0);
	out->intimacy = fmin(10, 1 + points);

	out->need_window = ctx->cfg.need_window;
	rc = signal_need_only(ctx, party, as_of, &out->need);
	if (!rc)
		rc = db_int(ctx, &out->asks, 0,
		            "SELECT count(*) FROM ask WHERE party_id = ? AND direction = 'ours' AND at <= ?", "ii", party, as_of);
	if (rc)
		return rc;
	out->gives = s.r.gave_count;
	out->ask_share = out->asks + out->gives ? (double)out->asks / (double)(out->asks + out->gives) : 0;
	out->self_orientation = round1(1 + 9 * (out->need.share + out->ask_share) / 2);
	out->credibility = round1(out->credibility);
	out->intimacy = round1(out->intimacy);
	out->trust = round((out->credibility + out->reliability + out->intimacy) / out->self_orientation * 100) / 100;
	return RECIP_OK;
}

static char *text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *text(const char *fmt, ...)
{
	buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	return buf_detach(&b);
}

json_t *trust_json(const trust_figures *t)
{
	int64_t due = t->on_time + t->late + t->broken + t->overdue;
	char *credibility = t->rated ? text("rated %g by you", t->credibility)
	                             : text("not rated: counted as 5 (rate it with --credibility N)");
	char *reliability = due ? text("%lld of %lld promise%s due kept on time, %lld late, %lld broken, %lld overdue",
	                               (long long)t->on_time, (long long)due, due == 1 ? "" : "s", (long long)t->late,
	                               (long long)t->broken, (long long)t->overdue)
	                        : text("no promise due yet: counted as 5");
	char *intimacy = text("%lld personal exchange%s, %lld fact%s known%s%s", (long long)t->personal,
	                      t->personal == 1 ? "" : "s", (long long)t->facts, t->facts == 1 ? "" : "s",
	                      t->birthday ? ", birthday known" : "", t->anniversary ? ", anniversary known" : "");
	char *self = text("%lld of %lld contacts in %d days were a need or an ask (%.0f%%); %lld ask%s of ours against "
	                  "%lld give%s (%.0f%%)",
	                  (long long)t->need.need, (long long)t->need.outreach, t->need_window, t->need.share * 100, (long long)t->asks,
	                  t->asks == 1 ? "" : "s", (long long)t->gives, t->gives == 1 ? "" : "s", t->ask_share * 100);
	char *equation = text("(%g + %g + %g) / %g", t->credibility, t->reliability, t->intimacy, t->self_orientation);
	json_t *doc = NULL;
	if (credibility && reliability && intimacy && self && equation)
		doc = json_pack("{s:o, s:s, s:{s:o, s:b, s:s}, s:{s:o, s:I, s:I, s:I, s:I, s:s}, "
		                "s:{s:o, s:I, s:I, s:b, s:b, s:s}, s:{s:o, s:o, s:I, s:I, s:I, s:I, s:o, s:s}}",
		                "trust", jreal(t->trust), "equation", equation,
		                "credibility", "score", jreal(t->credibility), "rated", t->rated, "basis", credibility,
		                "reliability", "score", jreal(t->reliability), "on_time", (json_int_t)t->on_time, "late",
		                (json_int_t)t->late, "broken", (json_int_t)t->broken, "overdue", (json_int_t)t->overdue,
		                "basis", reliability,
		                "intimacy", "score", jreal(t->intimacy), "personal_exchanges", (json_int_t)t->personal,
		                "facts", (json_int_t)t->facts, "birthday", t->birthday, "anniversary", t->anniversary,
		                "basis", intimacy,
		                "self_orientation", "score", jreal(t->self_orientation), "need_share", jreal(t->need.share),
		                "need", (json_int_t)t->need.need, "outreach", (json_int_t)t->need.outreach, "asks",
		                (json_int_t)t->asks, "gives", (json_int_t)t->gives, "ask_share", jreal(t->ask_share),
		                "basis", self);
	free(credibility);
	free(reliability);
	free(intimacy);
	free(self);
	free(equation);
	return doc;
}

/* The component that pulls trust down most, as a hint of what to work on. */
static const char *weakest(const trust_figures *t)
{
	/* how far each is from its best, on the same 0–9 scale */
	double gaps[4] = {10 - t->credibility, 10 - t->reliability, 10 - t->intimacy, t->self_orientation - 1};
	static const char *const names[4] = {"credibility", "reliability", "intimacy", "self-orientation"};
	int worst = 0;
	for (int i = 1; i < 4; i++)
		if (gaps[i] > gaps[worst])
			worst = i;
	return names[worst];
}

typedef struct ranked {
	int64_t party;
	char *name;
	trust_figures t;
} ranked;

static int by_trust(const void *a, const void *b)
{
	const ranked *x = a, *y = b;
	if (x->t.trust != y->t.trust)
		return x->t.trust < y->t.trust ? -1 : 1;
	return (x->party > y->party) - (x->party < y->party);
}

int recip_trust_report(recip_ctx *ctx, json_t **out, int64_t party, recip_time as_of)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (party > 0) {
		trust_figures t;
		char *name = NULL;
		int rc = party_name(ctx, party, &name);
		if (!rc)
			rc = trust_compute(ctx, party, as_of, &t);
		json_t *doc = rc ? NULL : trust_json(&t);
		if (!rc && (!doc || jset(doc, "party", json_integer(party)) || jset(doc, "name", json_string(name)) ||
		            jset(doc, "as_of", jtime(as_of)) || jset(doc, "weakest", json_string(weakest(&t)))))
			rc = recip_oom(ctx);
		free(name);
		if (rc) {
			json_decref(doc);
			return rc;
		}
		*out = doc;
		return RECIP_OK;
	}
	/* relationships: parties we keep in touch with, or have exchanged with */
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT p.id, p.name FROM party p JOIN party_rollup r ON r.party_id = p.id WHERE p.archived = 0 "
	                  "AND (r.cadence_days > 0 OR r.last_exchange_at IS NOT NULL) ORDER BY p.id",
	                  "");
	if (rc)
		return rc;
	ranked *rows = NULL;
	size_t n = 0, cap = 0;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			ranked *grown = realloc(rows, ncap * sizeof(*grown));
			if (!grown) {
				rc = recip_oom(ctx);
				break;
			}
			rows = grown;
			cap = ncap;
		}
		rows[n].party = db_col_int(st, 0);
		if (!(rows[n++].name = xstrdup(db_col_text(st, 1)))) {
			rc = recip_oom(ctx);
			break;
		}
	}
	db_done(st);
	rc = rc < 0 ? rc : RECIP_OK;
	for (size_t i = 0; i < n && !rc; i++)
		rc = trust_compute(ctx, rows[i].party, as_of, &rows[i].t);
	if (!rc && n > 1)
		qsort(rows, n, sizeof(*rows), by_trust);
	json_t *items = rc ? NULL : json_array();
	if (!rc && !items)
		rc = recip_oom(ctx);
	for (size_t i = 0; i < n && !rc; i++) {
		const trust_figures *t = &rows[i].t;
		json_t *item = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:o, s:s}", "party", (json_int_t)rows[i].party,
		                         "name", rows[i].name, "trust", jreal(t->trust), "credibility", jreal(t->credibility),
		                         "reliability", jreal(t->reliability), "intimacy", jreal(t->intimacy),
		                         "self_orientation", jreal(t->self_orientation), "weakest", weakest(t));
		if (jappend(items, item))
			rc = recip_oom(ctx);
	}
	for (size_t i = 0; i < n; i++)
		free(rows[i].name);
	free(rows);
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "as_of", jtime(as_of), "items", items);
	return *out ? RECIP_OK : recip_oom(ctx);
}
