/*
 * expected.c — the regulars likely to come in on a given day, from their
 * visits by weekday (the visit_weekday roll-up), with their usual time and
 * what to have ready for them.
 *
 * With H = expected.half_life and r = 2^(−7/H) (what a week's age does to a
 * visit), the likelihood of a visit on day D, a weekday W, is
 *
 *     c / max(opp(n), opp(k)),   c = Σ over earlier W-days with a visit of 2^(−age/H),
 *                                opp(m) = r + r² + … + r^m,
 *
 * where n counts the W-days from their first visit to D and k is
 * expected.min_visits: the decayed share of the W-days they could have come
 * on that they did come, judged on at least k weeks. Since the likelihood is
 * at most c / opp(k), "likely at least L" needs c ≥ L × opp(k), that is
 * score_key ≥ log2(L × opp(k)) + D/H: a range of the index on
 * (weekday, score_key), whatever the day.
 */
#include "db.h"
#include "engine_rollup.h"
#include "entity.h"
#include "rollup.h"
#include "suggest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct expected_row {
	int64_t party;
	double likelihood;
	double minute;
	int64_t visits, weekday_visits;
	recip_time last_visit;
} expected_row;

static int by_time(const void *a, const void *b)
{
	const expected_row *x = a, *y = b;
	if (x->minute != y->minute)
		return x->minute < y->minute ? -1 : 1;
	return (x->party > y->party) - (x->party < y->party);
}

/* r + r² + … + r^m */
static double opportunities(double r, int64_t m)
{
	return m <= 0 ? 0 : r * (1 - pow(r, (double)m)) / (1 - r);
}

/* The likelihood of a visit on day D from a weekday pattern and the day of
 * the first visit; 0 when they never came on that weekday. */
static double likelihood(const config *cfg, const weekday_pattern *p, int64_t first_day, int64_t day)
{
	if (p->days == 0 || first_day >= day)
		return 0;
	double h = cfg->expected_half_life;
	double r = exp2(-7.0 / h);
	double c = exp2(p->score_key - (double)day / h);
	int weekday = weekday_of_day(day);
	int64_t first_w = first_day + ((weekday - weekday_of_day(first_day)) % 7 + 7) % 7;
	int64_t n = first_w < day ? (day - first_w) / 7 : 0;
	double floor_opp = opportunities(r, cfg->expected_min_visits);
	double opp = fmax(opportunities(r, n), floor_opp);
	double l = opp > 0 ? c / opp : 0;
	return l > 1 ? 1 : l;
}

static int facts_json(recip_ctx *ctx, int64_t party, json_t **out)
{
	fact_bag bag;
	int rc = fact_bag_load(ctx, party, &bag);
	if (rc)
		return rc;
	/* what to have ready first: the order, the place, then the rest */
	json_t *arr = json_array();
	const fact_entry *order = fact_find(&bag, FACT_ORDER, NULL), *place = fact_find(&bag, FACT_PLACE, NULL);
	const fact_entry *first[2] = {order, place};
	for (int k = 0; k < 2 && arr; k++)
		if (first[k] && jappend(arr, json_pack("{s:s, s:s}", "key", first[k]->key, "value", first[k]->value)))
			arr = NULL;
	for (size_t i = 0; i < bag.n && arr; i++) {
		const fact_entry *f = &bag.items[i];
		if (f == order || f == place)
			continue;
		if (jappend(arr, json_pack("{s:s, s:s}", "key", f->key, "value", f->value)))
			arr = NULL;
	}
	fact_bag_release(&bag);
	if (!arr)
		return recip_oom(ctx);
	*out = arr;
	return RECIP_OK;
}

int recip_expected_report(recip_ctx *ctx, json_t **out, recip_time day_time, recip_time as_of)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	const config *cfg = &ctx->cfg;
	int64_t day = day_of(day_time);
	int weekday = weekday_of_day(day);
	/* the history before that day, as known at as_of */
	recip_time cutoff = day * RECIP_DAY - 1 < as_of ? day * RECIP_DAY - 1 : as_of;
	double h = cfg->expected_half_life;
	double floor_opp = opportunities(exp2(-7.0 / h), cfg->expected_min_visits);
	double threshold = log2(cfg->expected_min_likelihood * floor_opp) + (double)day / h - 1e-9;

	/* candidates: the index range, among parties whose roll-ups hold nothing
	 * after the cut-off; and those with entries since, computed one by one */
	int64_t *ids = NULL;
	size_t n_ids = 0, cap_ids = 0;
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT w.party_id FROM visit_weekday w JOIN party_rollup r ON r.party_id = w.party_id "
	                  "JOIN party p ON p.id = w.party_id WHERE w.weekday = ? AND w.score_key >= ? AND p.archived = 0 "
	                  "AND r.last_contact_at <= ? "
	                  "UNION ALL SELECT r.party_id FROM party_rollup r JOIN party p ON p.id = r.party_id "
	                  "WHERE p.archived = 0 AND r.last_contact_at > ? AND r.visit_count > 0",
	                  "idii", (int64_t)weekday, threshold, cutoff, cutoff);
	if (rc)
		return rc;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		if (n_ids == cap_ids) {
			size_t ncap = cap_ids ? cap_ids * 2 : 64;
			int64_t *grown = realloc(ids, ncap * sizeof(*grown));
			if (!grown) {
				rc = recip_oom(ctx);
				break;
			}
			ids = grown;
			cap_ids = ncap;
		}
		ids[n_ids++] = db_col_int(st, 0);
	}
	db_done(st);
	rc = rc < 0 ? rc : RECIP_OK;

	expected_row *rows = NULL;
	size_t n = 0;
	if (!rc && n_ids && !(rows = calloc(n_ids, sizeof(*rows))))
		rc = recip_oom(ctx);
	for (size_t i = 0; i < n_ids && !rc; i++) {
		party_rollup stored;
		party_standing s;
		engine_rollup e;
		rc = rollup_read(ctx, ids[i], &stored);
		if (!rc)
			rc = standing_as_of(ctx, ids[i], &stored, cutoff, &s);
		if (!rc)
			rc = engine_as_of(ctx, ids[i], &stored, cutoff, &e);
		if (rc)
			break;
		/* a regular who lapsed by then is not expected (the lapsed moment says so) */
		if (s.r.visit_count < cfg->expected_min_visits || s.r.last_visit_at == TIME_NONE ||
		    day - day_of(s.r.last_visit_at) > cfg->expected_window ||
		    (e.lapse_at != TIME_NONE && e.lapse_at <= day * RECIP_DAY))
			continue;
		const weekday_pattern *p = &e.weekday[weekday];
		double l = likelihood(cfg, p, day_of(s.r.first_visit_at), day);
		if (l + 1e-9 < cfg->expected_min_likelihood)
			continue;
		rows[n++] = (expected_row){ids[i], l, p->usual_minute, s.r.visit_count, p->days, s.r.last_visit_at};
	}
	free(ids);
	if (!rc && n > 1)
		qsort(rows, n, sizeof(*rows), by_time);
	json_t *items = rc ? NULL : json_array();
	if (!rc && !items)
		rc = recip_oom(ctx);
	for (size_t i = 0; i < n && !rc; i++) {
		char *name = NULL, usual[8];
		json_t *facts = NULL;
		recip_time visited = TIME_NONE;
		int minute = (int)lround(rows[i].minute);
		snprintf(usual, sizeof(usual), "%02d:%02d", minute / 60 % 24, minute % 60);
		rc = party_name(ctx, rows[i].party, &name);
		if (!rc)
			rc = facts_json(ctx, rows[i].party, &facts);
		if (!rc)
			rc = db_int(ctx, &visited, TIME_NONE,
			            "SELECT MIN(at) FROM visit WHERE party_id = ? AND at >= ? AND at < ? AND at <= ?", "iiii",
			            rows[i].party, day * RECIP_DAY, (day + 1) * RECIP_DAY, as_of);
		if (!rc) {
			json_t *item = json_pack("{s:I, s:s, s:o, s:s, s:I, s:I, s:o, s:o, s:o}", "party",
			                         (json_int_t)rows[i].party, "name", name, "likelihood",
			                         jreal(round(rows[i].likelihood * 100) / 100), "usual_time", usual, "visits",
			                         (json_int_t)rows[i].visits, "weekday_visits", (json_int_t)rows[i].weekday_visits,
			                         "last_visit_at", jtime(rows[i].last_visit), "visited_at", jtime(visited),
			                         "facts", facts);
			facts = NULL;
			if (jappend(items, item))
				rc = recip_oom(ctx);
		}
		json_decref(facts);
		free(name);
	}
	free(rows);
	if (rc) {
		json_decref(items);
		return rc;
	}
	char date[16];
	recip_date_format(date, sizeof(date), day * RECIP_DAY);
	*out = json_pack("{s:s, s:s, s:o, s:o}", "date", date, "weekday", weekday_name(weekday), "as_of", jtime(as_of),
	                 "items", items);
	return *out ? RECIP_OK : recip_oom(ctx);
}
