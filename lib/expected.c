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
#include "expected.h"
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

/* The lowest score_key that can reach the minimum likelihood on `day` for a
 * party with at least `chances` of the weekday before it (never fewer than
 * the minimum visits count, as in likelihood). */
static double score_needed(const config *cfg, double r, int64_t chances, int64_t day)
{
	double opp = fmax(opportunities(r, chances), opportunities(r, cfg->expected_min_visits));
	return log2(cfg->expected_min_likelihood * opp) + (double)day / cfg->expected_half_life - 1e-9;
}

/* Whether a party is expected on `day`, from its pattern for that weekday
 * and its visits as of the cut-off; fills `out` when it is. */
static bool judge(const config *cfg, int64_t party, int64_t day, const weekday_pattern *p, int64_t visits,
                  recip_time first, recip_time last, recip_time lapse, expected_row *out)
{
	/* a regular who lapsed by then is not expected (the lapsed moment says so) */
	if (visits < cfg->expected_min_visits || last == TIME_NONE || day - day_of(last) > cfg->expected_window ||
	    (lapse != TIME_NONE && lapse <= day * RECIP_DAY))
		return false;
	double l = likelihood(cfg, p, day_of(first), day);
	if (l + 1e-9 < cfg->expected_min_likelihood)
		return false;
	*out = (expected_row){party, l, p->usual_minute, visits, p->days, last};
	return true;
}

/* A party with visits after the cut-off, with what it is judged on when
 * the day is today (the usual case): its roll-ups and the day's weekday
 * pattern as they stand now. */
typedef struct since_row {
	int64_t party, visit_count;
	recip_time first_visit_at, last_visit_at;
	weekday_pattern p;
} since_row;

/* Judges a party with visits after the cut-off. When they all fall on the
 * day itself (customers who came in today), its roll-ups as they were the
 * evening before are at hand: the weekday's state before its latest day,
 * and two indexed look-ups for the visit count and the latest visit before;
 * otherwise (a day in the past) it is computed from its own visits. */
static int judge_since(recip_ctx *ctx, const since_row *c, int64_t day, recip_time cutoff, expected_row *out,
                       bool *keep)
{
	const config *cfg = &ctx->cfg;
	*keep = false;
	int rc;
	if (cutoff == day * RECIP_DAY - 1 && c->last_visit_at < (day + 1) * RECIP_DAY) {
		int64_t today = 0;
		recip_time before = TIME_NONE;
		rc = db_int(ctx, &today, 0, "SELECT count(*) FROM visit WHERE party_id = ? AND at > ?", "ii", c->party,
		            cutoff);
		if (!rc)
			rc = db_int(ctx, &before, TIME_NONE, "SELECT MAX(at) FROM visit WHERE party_id = ? AND at <= ?", "ii",
			            c->party, cutoff);
		if (rc || before == TIME_NONE)
			return rc;
		weekday_pattern p = c->p;
		if (p.days && day_of(p.last_at) == day)
			p = (weekday_pattern){p.prev_days, p.prev_score_key, p.prev_usual_minute, TIME_NONE, 0, 0, 0};
		int64_t visits = c->visit_count - today;
		*keep = judge(cfg, c->party, day, &p, visits, c->first_visit_at, before,
		              engine_lapse_at(cfg, visits, c->first_visit_at, before), out);
		return RECIP_OK;
	}
	party_rollup stored;
	engine_rollup e;
	party_standing s;
	rc = rollup_read(ctx, c->party, &stored);
	if (!rc)
		rc = standing_as_of(ctx, c->party, &stored, cutoff, &s);
	if (!rc)
		rc = engine_as_of(ctx, c->party, &stored, cutoff, &e);
	if (!rc)
		*keep = judge(cfg, c->party, day, &e.weekday[weekday_of_day(day)], s.r.visit_count, s.r.first_visit_at,
		              s.r.last_visit_at, e.lapse_at, out);
	return rc;
}

/* Makes room for one more in a growable array of `size`-byte items. */
static int make_room(recip_ctx *ctx, void **items, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return RECIP_OK;
	size_t grown_cap = *cap ? *cap * 2 : 64;
	void *grown = realloc(*items, grown_cap * size);
	if (!grown)
		return recip_oom(ctx);
	*items = grown;
	*cap = grown_cap;
	return RECIP_OK;
}

typedef struct expected_rows {
	expected_row *items;
	size_t n, cap;
} expected_rows;

static int row_push(recip_ctx *ctx, expected_rows *rows, const expected_row *row)
{
	void *items = rows->items;
	int rc = make_room(ctx, &items, rows->n, &rows->cap, sizeof(*row));
	rows->items = items;
	if (!rc)
		rows->items[rows->n++] = *row;
	return rc;
}

int expected_report(recip_ctx *ctx, json_t **out, recip_time day_time, recip_time as_of, size_t limit)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	const config *cfg = &ctx->cfg;
	int64_t day = day_of(day_time);
	int weekday = weekday_of_day(day);
	/* the history before that day, as known at as_of */
	recip_time cutoff = day * RECIP_DAY - 1 < as_of ? day * RECIP_DAY - 1 : as_of;
	double r = exp2(-7.0 / cfg->expected_half_life);
	double threshold = score_needed(cfg, r, cfg->expected_min_visits, day);

	/* A party that came on `days` of this weekday has had at least that many
	 * chances (n >= days in likelihood), so the score it needs is at least
	 * the one for `days` chances: a bound from the weekday row alone that
	 * drops most candidates before their roll-ups are looked up (23,557 →
	 * 8,724 at the L bench set). Bucketed, so each bucket's bound is that
	 * of its smallest count: never above the true need. */
	int64_t at_least[8];
	double need[8];
	double from = (double)cfg->expected_min_visits + 1;
	for (int i = 0; i < 8; i++, from *= 1.5) {
		at_least[7 - i] = (int64_t)ceil(from);
		need[7 - i] = score_needed(cfg, r, at_least[7 - i], day);
	}

	/* candidates from the index range, with all they are judged on, among
	 * parties with no visit after the cut-off (only visits count here) */
	expected_rows rows = {0};
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT w.party_id, w.days, w.score_key, w.usual_minute, w.last_at, r.visit_count, "
	                  "r.first_visit_at, r.last_visit_at, e.lapse_at FROM visit_weekday w "
	                  "JOIN party_rollup r ON r.party_id = w.party_id JOIN party_engine e ON e.party_id = w.party_id "
	                  "JOIN party p ON p.id = w.party_id WHERE w.weekday = ? AND w.score_key >= ? "
	                  "AND w.score_key >= CAST(CASE WHEN w.days >= ? THEN ? WHEN w.days >= ? THEN ? WHEN w.days >= ? THEN ? "
	                  "WHEN w.days >= ? THEN ? WHEN w.days >= ? THEN ? WHEN w.days >= ? THEN ? WHEN w.days >= ? THEN ? "
	                  "WHEN w.days >= ? THEN ? ELSE ? END AS DOUBLE PRECISION) AND p.archived = 0 "
	                  "AND r.last_visit_at <= ?",
	                  "idididididididididdi", (int64_t)weekday, threshold, at_least[0], need[0], at_least[1], need[1],
	                  at_least[2], need[2], at_least[3], need[3], at_least[4], need[4], at_least[5], need[5],
	                  at_least[6], need[6], at_least[7], need[7], threshold, cutoff);
	if (rc)
		return rc;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		weekday_pattern p = {db_col_int(st, 1), db_col_double(st, 2), db_col_double(st, 3), db_col_int(st, 4), 0, 0, 0};
		expected_row row;
		if (judge(cfg, db_col_int(st, 0), day, &p, db_col_int(st, 5), db_col_time(st, 6), db_col_time(st, 7),
		          db_col_time(st, 8), &row) &&
		    (rc = row_push(ctx, &rows, &row)))
			break;
	}
	db_done(st);
	rc = rc < 0 ? rc : RECIP_OK;

	/* those with visits since the cut-off, usually today's customers; a
	 * score with later visits is never lower, so the same floor applies.
	 * CROSS JOIN keeps SQLite's planner on the range of last visits (today's
	 * customers: 5,166 at the L bench set) rather than the weekday's scores
	 * (23,557), which it prefers for having two terms: 3.5× faster there.
	 * Each comes with what judge_since needs today, saving three look-ups */
	since_row *since = NULL;
	size_t n_since = 0, cap_since = 0;
	if (!rc)
		rc = db_query(ctx, &st,
		              "SELECT r.party_id, r.visit_count, r.first_visit_at, r.last_visit_at, w.days, w.score_key, "
		              "w.usual_minute, w.last_at, w.prev_days, w.prev_score_key, w.prev_usual_minute "
		              "FROM party_rollup r CROSS JOIN visit_weekday w CROSS JOIN party p "
		              "WHERE w.party_id = r.party_id AND w.weekday = ? AND p.id = r.party_id AND p.archived = 0 "
		              "AND r.last_visit_at > ? AND w.score_key >= ?",
		              "iid", (int64_t)weekday, cutoff, threshold);
	if (!rc) {
		while ((rc = db_step(ctx, st)) == DB_ROW) {
			void *items = since;
			rc = make_room(ctx, &items, n_since, &cap_since, sizeof(*since));
			since = items;
			if (rc)
				break;
			since[n_since++] = (since_row){
			        db_col_int(st, 0),
			        db_col_int(st, 1),
			        db_col_time(st, 2),
			        db_col_time(st, 3),
			        {db_col_int(st, 4), db_col_double(st, 5), db_col_double(st, 6), db_col_int(st, 7),
			         db_col_int(st, 8), db_col_double(st, 9), db_col_double(st, 10)},
			};
		}
		db_done(st);
		rc = rc < 0 ? rc : RECIP_OK;
	}
	for (size_t i = 0; i < n_since && !rc; i++) {
		expected_row row;
		bool keep;
		rc = judge_since(ctx, &since[i], day, cutoff, &row, &keep);
		if (!rc && keep)
			rc = row_push(ctx, &rows, &row);
	}
	free(since);
	size_t n = rows.n;
	if (!rc && n > 1)
		qsort(rows.items, n, sizeof(*rows.items), by_time);
	/* only the regulars shown are looked up: name, facts, today's visit */
	json_t *items = rc ? NULL : json_array();
	if (!rc && !items)
		rc = recip_oom(ctx);
	for (size_t i = 0; i < n && (!limit || i < limit) && !rc; i++) {
		const expected_row *row = &rows.items[i];
		char *name = NULL, usual[8];
		json_t *facts = NULL;
		recip_time visited = TIME_NONE;
		int minute = (int)lround(row->minute);
		snprintf(usual, sizeof(usual), "%02d:%02d", minute / 60 % 24, minute % 60);
		rc = party_name(ctx, row->party, &name);
		if (!rc)
			rc = facts_json(ctx, row->party, &facts);
		if (!rc)
			rc = db_int(ctx, &visited, TIME_NONE,
			            "SELECT MIN(at) FROM visit WHERE party_id = ? AND at >= ? AND at < ? AND at <= ?", "iiii",
			            row->party, day * RECIP_DAY, (day + 1) * RECIP_DAY, as_of);
		if (!rc) {
			json_t *item = json_pack("{s:I, s:s, s:o, s:s, s:I, s:I, s:o, s:o, s:o}", "party",
			                         (json_int_t)row->party, "name", name, "likelihood",
			                         jreal(round(row->likelihood * 100) / 100), "usual_time", usual, "visits",
			                         (json_int_t)row->visits, "weekday_visits", (json_int_t)row->weekday_visits,
			                         "last_visit_at", jtime(row->last_visit), "visited_at", jtime(visited),
			                         "facts", facts);
			facts = NULL;
			if (jappend(items, item))
				rc = recip_oom(ctx);
		}
		json_decref(facts);
		free(name);
	}
	free(rows.items);
	if (rc) {
		json_decref(items);
		return rc;
	}
	char date[16];
	recip_date_format(date, sizeof(date), day * RECIP_DAY);
	*out = json_pack("{s:s, s:s, s:o, s:I, s:o}", "date", date, "weekday", weekday_name(weekday), "as_of",
	                 jtime(as_of), "total", (json_int_t)n, "items", items);
	return *out ? RECIP_OK : recip_oom(ctx);
}

int recip_expected_report(recip_ctx *ctx, json_t **out, recip_time day, recip_time as_of)
{
	return expected_report(ctx, out, day, as_of, 0);
}
