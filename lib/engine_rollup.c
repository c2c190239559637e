/*
 * engine_rollup.c — the engine's per-party roll-ups (see engine_rollup.h).
 *
 * New entries update them incrementally (a visit: one weekday row and two
 * columns; a give: a count and the owe key; an ask of ours: the gives it
 * follows within the window). A back-dated visit, a second visit on the same
 * day, an edit or a delete recomputes the one party from its own entries, as
 * the balance roll-ups do, so the stored values always equal a recomputation
 * (`recip check` compares them).
 */
#include "engine_rollup.h"
#include "db.h"
#include "report.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int weekday_of_day(int64_t day)
{
	/* 1970-01-01 was a Thursday (3 when Monday is 0) */
	return (int)(((day % 7) + 7 + 3) % 7);
}

void engine_params_text(const config *cfg, buf *b)
{
	buf_printf(b,
	           " genuine_window=%d nth_visit=%d lapsed_factor=%.17g lapsed_min_visits=%d lapsed_min_gap=%d "
	           "expected_half_life=%d",
	           cfg->genuine_window, cfg->moment_nth_visit, cfg->moment_lapsed_factor, cfg->moment_lapsed_min_visits,
	           cfg->moment_lapsed_min_days, cfg->expected_half_life);
}

static void engine_empty(engine_rollup *e)
{
	memset(e, 0, sizeof(*e));
	e->milestone_at = TIME_NONE;
	e->lapse_at = TIME_NONE;
	for (int w = 0; w < 7; w++)
		e->weekday[w].last_at = TIME_NONE;
}

recip_time engine_lapse_at(const config *cfg, int64_t visits, recip_time first, recip_time last)
{
	if (visits < cfg->moment_lapsed_min_visits || visits < 2 || first == TIME_NONE || last == TIME_NONE)
		return TIME_NONE;
	/* the usual gap: the mean number of days between visits, at least one;
	 * lapsed once away longer than factor × gap, and than the minimum */
	double gap = (double)(day_of(last) - day_of(first)) / (double)(visits - 1);
	if (gap < 1)
		gap = 1;
	int64_t away = (int64_t)floor(cfg->moment_lapsed_factor * gap);
	if (away < cfg->moment_lapsed_min_days)
		away = cfg->moment_lapsed_min_days;
	return (day_of(last) + away + 1) * RECIP_DAY;
}

/* Adds a day with a visit (its first visit that day at `at`) to a weekday. */
static void pattern_add(const config *cfg, weekday_pattern *p, recip_time at)
{
	int64_t day = day_of(at);
	double x = (double)day / (double)cfg->expected_half_life;
	double minute = (double)((at - day * RECIP_DAY) / 60);
	p->prev_days = p->days;
	p->prev_score_key = p->days ? p->score_key : 0;
	p->prev_usual_minute = p->days ? p->usual_minute : 0;
	if (p->days == 0) {
		p->score_key = x;
		p->usual_minute = minute;
	} else {
		/* log2(2^a + 2^b) without forming either power */
		double hi = fmax(p->score_key, x), lo = fmin(p->score_key, x);
		double key = hi + log2(1 + exp2(lo - hi));
		p->usual_minute = p->usual_minute * exp2(p->score_key - key) + minute * exp2(x - key);
		p->score_key = key;
	}
	p->days++;
	if (p->last_at == TIME_NONE || at > p->last_at)
		p->last_at = at;
}

/* log2(−balance) + day/H of a negative balance: on day D the balance is
 * −2^(key − D/H), so "owes more than T on day D" is key > log2(−T) + D/H. */
static bool owe_key_of(const config *cfg, const party_rollup *r, double *out)
{
	if (r->last_exchange_at == TIME_NONE || r->balance_last >= 0)
		return false;
	*out = log2(-r->balance_last) + (double)day_of(r->last_exchange_at) / (double)cfg->half_life;
	return true;
}

/* ---- storing ----------------------------------------------------------------------- */

static int store_owe_key(recip_ctx *ctx, int64_t party, const party_rollup *r)
{
	double key;
	if (owe_key_of(&ctx->cfg, r, &key))
		return db_run(ctx, "UPDATE party_engine SET owe_key = ? WHERE party_id = ?", "di", key, party);
	return db_run(ctx, "UPDATE party_engine SET owe_key = NULL WHERE party_id = ?", "i", party);
}

static int store_weekday(recip_ctx *ctx, int64_t party, int weekday, const weekday_pattern *p)
{
	return db_run(ctx,
	              "INSERT INTO visit_weekday (party_id, weekday, days, score_key, usual_minute, last_at, prev_days, "
	              "prev_score_key, prev_usual_minute) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
	              "ON CONFLICT (party_id, weekday) DO UPDATE SET days = excluded.days, "
	              "score_key = excluded.score_key, usual_minute = excluded.usual_minute, last_at = excluded.last_at, "
	              "prev_days = excluded.prev_days, prev_score_key = excluded.prev_score_key, "
	              "prev_usual_minute = excluded.prev_usual_minute",
	              "iiiddiidd", party, (int64_t)weekday, p->days, p->score_key, p->usual_minute, p->last_at, p->prev_days,
	              p->prev_score_key, p->prev_usual_minute);
}

/* Birthday and anniversary as month × 100 + day, for range queries. */
static int store_annual(recip_ctx *ctx, int64_t party)
{
	static const char *const kinds[] = {"birthday", "anniversary"};
	char *dates[2] = {NULL, NULL};
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT birthday, anniversary FROM party WHERE id = ?", "i", party);
	if (rc)
		return rc;
	if ((rc = db_step(ctx, st)) == DB_ROW) {
		for (int k = 0; k < 2; k++)
			if (db_col_text(st, k) && !(dates[k] = xstrdup(db_col_text(st, k))))
				rc = recip_oom(ctx);
	}
	db_done(st);
	rc = rc < 0 ? rc : RECIP_OK;
	if (!rc)
		rc = db_run(ctx, "DELETE FROM party_annual WHERE party_id = ?", "i", party);
	for (int k = 0; k < 2 && !rc; k++) {
		int m, d;
		if (!dates[k])
			continue;
		const char *md = dates[k][0] == '-' ? dates[k] + 2 : dates[k] + 5;
		if (strlen(dates[k]) < 7 || sscanf(md, "%2d-%2d", &m, &d) != 2)
			continue;
		rc = db_run(ctx, "INSERT INTO party_annual (party_id, kind, month_day) VALUES (?, ?, ?)", "iti", party,
		            kinds[k], (int64_t)(m * 100 + d));
	}
	free(dates[0]);
	free(dates[1]);
	return rc;
}

static int engine_write(recip_ctx *ctx, int64_t party, const engine_rollup *e, const party_rollup *r)
{
	int rc = db_run(ctx,
	                "INSERT INTO party_engine (party_id, personal_count, followed_count, milestone_count, "
	                "milestone_at, lapse_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (party_id) DO UPDATE SET "
	                "personal_count = excluded.personal_count, followed_count = excluded.followed_count, "
	                "milestone_count = excluded.milestone_count, milestone_at = excluded.milestone_at, "
	                "lapse_at = excluded.lapse_at",
	                "iiiiTT", party, e->personal_count, e->followed_count, e->milestone_count, e->milestone_at,
	                e->lapse_at);
	if (!rc)
		rc = store_owe_key(ctx, party, r);
	if (!rc)
		rc = db_run(ctx, "DELETE FROM visit_weekday WHERE party_id = ?", "i", party);
	for (int w = 0; w < 7 && !rc; w++)
		if (e->weekday[w].days > 0)
			rc = store_weekday(ctx, party, w, &e->weekday[w]);
	return rc;
}

/* ---- computing from the ledger ------------------------------------------------------ */

int engine_compute(recip_ctx *ctx, int64_t party, recip_time until, engine_rollup *out)
{
	const config *cfg = &ctx->cfg;
	engine_empty(out);
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT at FROM visit WHERE party_id = ? AND at <= ? ORDER BY at, id", "ii", party,
	                  until);
	if (rc)
		return rc;
	int64_t count = 0, previous_day = INT64_MIN;
	recip_time first = TIME_NONE, last = TIME_NONE;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		recip_time at = db_col_int(st, 0);
		count++;
		if (first == TIME_NONE)
			first = at;
		last = at;
		if (cfg->moment_nth_visit > 0 && count % cfg->moment_nth_visit == 0) {
			out->milestone_count = count;
			out->milestone_at = at;
		}
		int64_t day = day_of(at);
		if (day != previous_day)
			pattern_add(cfg, &out->weekday[weekday_of_day(day)], at);
		previous_day = day;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	out->lapse_at = engine_lapse_at(cfg, count, first, last);
	rc = db_int(ctx, &out->personal_count, 0,
	            "SELECT count(*) FROM exchange WHERE party_id = ? AND at <= ? AND personal <> 0", "ii", party, until);
	if (rc)
		return rc;
	transactional tx;
	rc = signal_transactional(ctx, party, until, &tx);
	if (!rc)
		out->followed_count = tx.followed;
	return rc;
}

int engine_read(recip_ctx *ctx, int64_t party, engine_rollup *out)
{
	engine_empty(out);
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT personal_count, followed_count, milestone_count, milestone_at, lapse_at "
	                  "FROM party_engine WHERE party_id = ?",
	                  "i", party);
	if (rc)
		return rc;
	if ((rc = db_step(ctx, st)) == DB_ROW) {
		out->personal_count = db_col_int(st, 0);
		out->followed_count = db_col_int(st, 1);
		out->milestone_count = db_col_int(st, 2);
		out->milestone_at = db_col_time(st, 3);
		out->lapse_at = db_col_time(st, 4);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	rc = db_query(ctx, &st,
	              "SELECT weekday, days, score_key, usual_minute, last_at, prev_days, prev_score_key, prev_usual_minute "
	              "FROM visit_weekday WHERE party_id = ?",
	              "i", party);
	if (rc)
		return rc;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		int64_t w = db_col_int(st, 0);
		if (w < 0 || w > 6)
			continue;
		weekday_pattern *p = &out->weekday[w];
		p->days = db_col_int(st, 1);
		p->score_key = db_col_double(st, 2);
		p->usual_minute = db_col_double(st, 3);
		p->last_at = db_col_int(st, 4);
		p->prev_days = db_col_int(st, 5);
		p->prev_score_key = db_col_double(st, 6);
		p->prev_usual_minute = db_col_double(st, 7);
	}
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

int engine_as_of(recip_ctx *ctx, int64_t party, const party_rollup *stored, recip_time as_of, engine_rollup *out)
{
	party_rollup read;
	if (!stored) {
		int rc = rollup_read(ctx, party, &read);
		if (rc)
			return rc;
		stored = &read;
	}
	if (rollup_covers(stored, as_of))
		return engine_read(ctx, party, out);
	return engine_compute(ctx, party, as_of, out);
}

/* ---- hooks --------------------------------------------------------------------------- */

int engine_party_created(recip_ctx *ctx, int64_t party)
{
	int rc = db_run(ctx, "INSERT INTO party_engine (party_id) VALUES (?) ON CONFLICT (party_id) DO NOTHING", "i",
	                party);
	return rc ? rc : store_annual(ctx, party);
}

int engine_party_recompute(recip_ctx *ctx, int64_t party, const party_rollup *r)
{
	engine_rollup e;
	int rc = engine_compute(ctx, party, INT64_MAX, &e);
	if (!rc)
		rc = engine_write(ctx, party, &e, r);
	return rc ? rc : store_annual(ctx, party);
}

int engine_exchange_added(recip_ctx *ctx, int64_t party, const party_rollup *r, bool gave, bool personal,
                          recip_time at)
{
	int rc = RECIP_OK;
	if (personal)
		rc = db_run(ctx, "UPDATE party_engine SET personal_count = personal_count + 1 WHERE party_id = ?", "i",
		            party);
	if (!rc && gave) {
		/* a give is followed when an ask of ours comes within the window */
		int64_t asks;
		rc = db_int(ctx, &asks, 0,
		            "SELECT count(*) FROM ask WHERE party_id = ? AND direction = 'ours' AND at >= ? AND at <= ?",
		            "iii", party, at, at + (recip_time)ctx->cfg.genuine_window * RECIP_DAY);
		if (!rc && asks > 0)
			rc = db_run(ctx, "UPDATE party_engine SET followed_count = followed_count + 1 WHERE party_id = ?", "i",
			            party);
	}
	return rc ? rc : store_owe_key(ctx, party, r);
}

int engine_visit_added(recip_ctx *ctx, int64_t party, const party_rollup *r, recip_time previous_last,
                       recip_time at)
{
	/* a back-dated visit shifts the ordinals after it, and a second visit on
	 * the latest day does not make another day: recompute this party */
	if (previous_last != TIME_NONE && (at < previous_last || day_of(at) == day_of(previous_last)))
		return engine_party_recompute(ctx, party, r);
	const config *cfg = &ctx->cfg;
	int weekday = weekday_of_day(day_of(at));
	weekday_pattern p = {0, 0, 0, TIME_NONE, 0, 0, 0};
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT days, score_key, usual_minute, last_at, prev_days, prev_score_key, prev_usual_minute "
	                  "FROM visit_weekday WHERE party_id = ? AND weekday = ?",
	                  "ii", party, (int64_t)weekday);
	if (rc)
		return rc;
	if ((rc = db_step(ctx, st)) == DB_ROW) {
		p.days = db_col_int(st, 0);
		p.score_key = db_col_double(st, 1);
		p.usual_minute = db_col_double(st, 2);
		p.last_at = db_col_int(st, 3);
		p.prev_days = db_col_int(st, 4);
		p.prev_score_key = db_col_double(st, 5);
		p.prev_usual_minute = db_col_double(st, 6);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	pattern_add(cfg, &p, at);
	rc = store_weekday(ctx, party, weekday, &p);
	if (!rc && cfg->moment_nth_visit > 0 && r->visit_count % cfg->moment_nth_visit == 0)
		rc = db_run(ctx, "UPDATE party_engine SET milestone_count = ?, milestone_at = ? WHERE party_id = ?", "iii",
		            r->visit_count, at, party);
	if (!rc)
		rc = db_run(ctx, "UPDATE party_engine SET lapse_at = ? WHERE party_id = ?", "Ti",
		            engine_lapse_at(cfg, r->visit_count, r->first_visit_at, r->last_visit_at), party);
	return rc;
}

int engine_ask_added(recip_ctx *ctx, int64_t party, int64_t ask, recip_time at)
{
	/* our gives in the window before this ask that no other ask of ours followed */
	recip_time window = (recip_time)ctx->cfg.genuine_window * RECIP_DAY;
	int64_t newly;
	int rc = db_int(ctx, &newly, 0,
	                "SELECT count(*) FROM exchange e WHERE e.party_id = ? AND e.direction = 'gave' AND e.at <= ? "
	                "AND e.at >= ? AND NOT EXISTS (SELECT 1 FROM ask a WHERE a.party_id = e.party_id AND "
	                "a.direction = 'ours' AND a.id <> ? AND a.at >= e.at AND a.at <= e.at + ?)",
	                "iiiii", party, at, at - window, ask, window);
	if (!rc && newly > 0)
		rc = db_run(ctx, "UPDATE party_engine SET followed_count = followed_count + ? WHERE party_id = ?", "ii",
		            newly, party);
	return rc;
}

/* ---- verification ------------------------------------------------------------------------- */

static bool near(double a, double b)
{
	return fabs(a - b) <= 1e-6 * fmax(1.0, fmax(fabs(a), fabs(b)));
}

int engine_verify_party(recip_ctx *ctx, int64_t party, const char **what)
{
	*what = NULL;
	engine_rollup stored, fresh;
	party_rollup r;
	int64_t rows;
	int rc = db_int(ctx, &rows, 0, "SELECT count(*) FROM party_engine WHERE party_id = ?", "i", party);
	if (!rc)
		rc = engine_read(ctx, party, &stored);
	if (!rc)
		rc = engine_compute(ctx, party, INT64_MAX, &fresh);
	if (!rc)
		rc = rollup_read(ctx, party, &r);
	if (rc)
		return rc;
	if (!rows) {
		*what = "engine roll-up missing";
		return RECIP_OK;
	}
	if (stored.personal_count != fresh.personal_count)
		*what = "personal exchanges";
	else if (stored.followed_count != fresh.followed_count)
		*what = "gives followed by an ask";
	else if (stored.milestone_count != fresh.milestone_count || stored.milestone_at != fresh.milestone_at)
		*what = "n-th visit";
	else if (stored.lapse_at != fresh.lapse_at)
		*what = "lapse";
	for (int w = 0; w < 7 && !*what; w++) {
		const weekday_pattern *a = &stored.weekday[w], *b = &fresh.weekday[w];
		if (a->days != b->days || a->prev_days != b->prev_days ||
		    (a->days && (a->last_at != b->last_at || !near(a->score_key, b->score_key) ||
		                 !near(a->usual_minute, b->usual_minute))) ||
		    (a->prev_days && (!near(a->prev_score_key, b->prev_score_key) ||
		                      !near(a->prev_usual_minute, b->prev_usual_minute))))
			*what = "visits by weekday";
	}
	if (*what)
		return RECIP_OK;
	double want = 0, have = 0;
	bool owes = owe_key_of(&ctx->cfg, &r, &want);
	db_stmt *st;
	rc = db_query(ctx, &st, "SELECT owe_key FROM party_engine WHERE party_id = ?", "i", party);
	if (rc)
		return rc;
	bool stored_owes = false;
	if ((rc = db_step(ctx, st)) == DB_ROW && !db_col_null(st, 0)) {
		stored_owes = true;
		have = db_col_double(st, 0);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	if (owes != stored_owes || (owes && !near(want, have)))
		*what = "owe key";
	return RECIP_OK;
}
