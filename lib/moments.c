/*
 * moments.c — the moments engine: a table of triggers, each with a way to
 * find its moments as of a day (an index range over the roll-ups or over
 * one table, never the ledger), what counts as acting on a moment, and a
 * suggestion that names the person and uses what we know about them.
 *
 * A moment has a stable key ("birthday:12:2026-11-26"): dismissing it
 * (table moment_dismissal) hides it for good, and acting on it — the give
 * or touch it asks for, logged after it began — hides it too.
 *
 * Party-level triggers (first visit, n-th visit, lapsed, owe) read the
 * roll-ups; a party with entries after as_of has roll-ups that are ahead of
 * the report, so it is computed from its own entries up to as_of instead
 * (none when as_of is now).
 */
#include "moments.h"
#include "db.h"
#include "engine_rollup.h"
#include "entity.h"
#include "gate.h"
#include "ids.h"
#include "report.h"
#include "rollup.h"
#include "suggest.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* What, logged after a moment began, counts as acting on it. */
enum { ACT_GIVE = 1 << 0, ACT_TOUCH = 1 << 1 };

typedef struct run {
	recip_ctx *ctx;
	const config *cfg;
	recip_time as_of;
	int64_t today;
	bool with_dismissed;
	const struct trigger *table;   /* the triggers (defined after their functions) */
	moment_list *list;
	int64_t *later;       /* parties with entries after as_of */
	size_t n_later;
	size_t cap;           /* moments wanted per trigger (0: all) */
	int64_t page;         /* candidates read at a time */
	size_t kept;          /* moments kept so far of the trigger at work */
} run;

/* The party a suggestion is about. */
typedef struct party_info {
	char *name;
	char first[80];
	bool organisation;
	bool customer;
	fact_bag facts;
} party_info;

typedef struct trigger {
	const char *name;     /* key prefix, and its [triggers] setting */
	const char *section;  /* agenda section */
	unsigned acts;        /* ACT_*: what acts on it (0: only its own resolution) */
	int (*collect)(run *r, size_t trigger);
	int (*suggest)(recip_ctx *ctx, recip_time as_of, const moment *m, const party_info *p, buf *b);
	const char *help;
} trigger_desc;

/* ---- emitting ------------------------------------------------------------------------ */

static void moment_release(moment *m)
{
	free(m->text);
	free(m->note);
	m->text = m->note = NULL;
}

void moment_list_release(moment_list *list)
{
	for (size_t i = 0; i < list->n; i++)
		moment_release(&list->items[i]);
	free(list->items);
	memset(list, 0, sizeof(*list));
}

/* The trigger at work has more than the moments wanted: read no more pages. */
static bool full(const run *r)
{
	return r->cap && r->kept > r->cap;
}

static int is_dismissed(run *r, const char *key, bool *out)
{
	int64_t n;
	int rc = db_int(r->ctx, &n, 0, "SELECT count(*) FROM moment_dismissal WHERE moment_key = ? AND at <= ?", "ti",
	                key, r->as_of);
	*out = n > 0;
	return rc;
}

static int acted_on(run *r, int64_t party, unsigned acts, recip_time since, bool *out)
{
	*out = false;
	if (!acts)
		return RECIP_OK;
	int64_t gave = 0, touched = 0;
	int rc = RECIP_OK;
	if (acts & ACT_GIVE)
		rc = db_int(r->ctx, &gave, 0,
		            "SELECT count(*) FROM (SELECT 1 FROM exchange WHERE party_id = ? AND direction = 'gave' AND "
		            "at >= ? AND at <= ? LIMIT 1) AS found",
		            "iii", party, since, r->as_of);
	if (!rc && !gave && (acts & ACT_TOUCH))
		rc = db_int(r->ctx, &touched, 0,
		            "SELECT count(*) FROM (SELECT 1 FROM touch WHERE party_id = ? AND at >= ? AND at <= ? LIMIT 1) "
		            "AS found",
		            "iii", party, since, r->as_of);
	*out = gave > 0 || touched > 0;
	return rc;
}

/* Keeps a moment unless it was dismissed or acted on; takes text and note. */
static int emit(run *r, moment *m)
{
	bool dismissed = false, acted = false;
	int rc = is_dismissed(r, m->key, &dismissed);
	if (!rc && !dismissed)
		rc = acted_on(r, m->party, r->table[m->trigger].acts, m->since, &acted);
	if (rc || acted || (dismissed && !r->with_dismissed)) {
		moment_release(m);
		return rc;
	}
	m->dismissed = dismissed;
	moment_list *list = r->list;
	if (list->n == list->cap) {
		size_t cap = list->cap ? list->cap * 2 : 32;
		moment *grown = realloc(list->items, cap * sizeof(*grown));
		if (!grown) {
			moment_release(m);
			return recip_oom(r->ctx);
		}
		list->items = grown;
		list->cap = cap;
	}
	list->items[list->n++] = *m;
	r->kept++;
	return RECIP_OK;
}

static moment new_moment(size_t trigger, int64_t party)
{
	moment m;
	memset(&m, 0, sizeof(m));
	m.trigger = trigger;
	m.party = party;
	m.at = m.since = TIME_NONE;
	return m;
}

static int set_text(recip_ctx *ctx, char **field, const char *value)
{
	if (!value)
		return RECIP_OK;
	*field = xstrdup(value);
	return *field ? RECIP_OK : recip_oom(ctx);
}

/* ---- party-level triggers: candidates from the roll-ups ----------------------------- */

/* Turns one party into a moment of trigger t, or not. */
typedef int (*party_fn)(run *r, size_t t, int64_t party);

/* One page of a roll-up range query, in the trigger's order, through
 * `each`; *last tells whether it was the last page. The statement is read
 * to its end before the lookups `each` makes. */
static int party_page(run *r, size_t t, int rc, db_stmt *st, party_fn each, bool *last)
{
	*last = true;
	if (rc)
		return rc;
	id_list ids = {0};
	rc = id_list_read(r->ctx, st, &ids);
	for (size_t i = 0; i < ids.n && !rc; i++)
		rc = each(r, t, ids.ids[i]);
	*last = ids.n < (size_t)r->page;
	id_list_release(&ids);
	return rc;
}

/* Parties with entries after as_of have roll-ups ahead of the report: each
 * is looked at from its own entries (none when as_of is now). */
static int each_later(run *r, size_t t, party_fn each)
{
	int rc = RECIP_OK;
	for (size_t i = 0; i < r->n_later && !rc; i++)
		rc = each(r, t, r->later[i]);
	return rc;
}

/* One page of a trigger's candidates, from `offset` in the trigger's order. */
typedef int (*page_fn)(run *r, int64_t offset, db_stmt **st);

/* A party-level trigger: its covered candidates page by page until it has
 * more than the cap, then the parties with entries after as_of. */
static int party_pages(run *r, size_t t, page_fn query, party_fn each)
{
	int rc = RECIP_OK;
	bool last = false;
	for (int64_t offset = 0; !rc && !last && !full(r); offset += r->page) {
		db_stmt *st;
		rc = query(r, offset, &st);
		rc = party_page(r, t, rc, st, each, &last);
	}
	return rc ? rc : each_later(r, t, each);
}

/* A party's standing and engine roll-up as of the run's time. */
static int party_state(run *r, int64_t party, party_standing *s, engine_rollup *e)
{
	party_rollup stored;
	int rc = rollup_read(r->ctx, party, &stored);
	if (!rc)
		rc = standing_as_of(r->ctx, party, &stored, r->as_of, s);
	if (!rc && e)
		rc = engine_as_of(r->ctx, party, &stored, r->as_of, e);
	return rc;
}

static void party_key(moment *m, const char *trigger, recip_time day_of_event)
{
	char date[16];
	recip_date_format(date, sizeof(date), day_of_event);
	snprintf(m->key, sizeof(m->key), "%s:%lld:%s", trigger, (long long)m->party, date);
}

static int first_visit_of(run *r, size_t t, int64_t party)
{
	recip_time from = (r->today - r->cfg->moment_first_visit_days) * RECIP_DAY;
	party_standing s;
	int rc = party_state(r, party, &s, NULL);
	if (rc || s.r.first_visit_at == TIME_NONE || s.r.first_visit_at < from || s.r.first_visit_at > r->as_of)
		return rc;
	moment m = new_moment(t, party);
	m.at = m.since = s.r.first_visit_at;
	m.order = (double)m.at;
	m.count = s.r.visit_count;
	party_key(&m, r->table[t].name, m.at);
	return emit(r, &m);
}

static int first_visit_page(run *r, int64_t offset, db_stmt **st)
{
	recip_time from = (r->today - r->cfg->moment_first_visit_days) * RECIP_DAY;
	return db_query(r->ctx, st,
	                "SELECT r.party_id FROM party_rollup r JOIN party p ON p.id = r.party_id WHERE p.archived = 0 "
	                "AND r.first_visit_at >= ? AND r.first_visit_at <= ? AND (r.last_contact_at IS NULL OR "
	                "r.last_contact_at <= ?) ORDER BY r.first_visit_at, r.party_id LIMIT ? OFFSET ?",
	                "iiiii", from, r->as_of, r->as_of, r->page, offset);
}

static int collect_first_visit(run *r, size_t t)
{
	return party_pages(r, t, first_visit_page, first_visit_of);
}

static int nth_visit_of(run *r, size_t t, int64_t party)
{
	recip_time from = (r->today - r->cfg->moment_milestone_days) * RECIP_DAY;
	party_standing s;
	engine_rollup e;
	int rc = party_state(r, party, &s, &e);
	if (rc || e.milestone_at == TIME_NONE || e.milestone_at < from || e.milestone_at > r->as_of)
		return rc;
	moment m = new_moment(t, party);
	m.at = m.since = e.milestone_at;
	m.order = (double)m.at;
	m.count = e.milestone_count;
	snprintf(m.key, sizeof(m.key), "%s:%lld:%lld", r->table[t].name, (long long)m.party, (long long)m.count);
	return emit(r, &m);
}

static int nth_visit_page(run *r, int64_t offset, db_stmt **st)
{
	recip_time from = (r->today - r->cfg->moment_milestone_days) * RECIP_DAY;
	return db_query(r->ctx, st,
	                "SELECT e.party_id FROM party_engine e JOIN party_rollup r ON r.party_id = e.party_id "
	                "JOIN party p ON p.id = e.party_id WHERE p.archived = 0 AND e.milestone_at >= ? "
	                "AND e.milestone_at <= ? AND (r.last_contact_at IS NULL OR r.last_contact_at <= ?) "
	                "ORDER BY e.milestone_at, e.party_id LIMIT ? OFFSET ?",
	                "iiiii", from, r->as_of, r->as_of, r->page, offset);
}

static int collect_nth_visit(run *r, size_t t)
{
	if (r->cfg->moment_nth_visit <= 0)
		return RECIP_OK;
	return party_pages(r, t, nth_visit_page, nth_visit_of);
}

static int lapsed_of(run *r, size_t t, int64_t party)
{
	recip_time from = (r->today - r->cfg->moment_lapsed_days) * RECIP_DAY;
	party_standing s;
	engine_rollup e;
	int rc = party_state(r, party, &s, &e);
	if (rc || e.lapse_at == TIME_NONE || e.lapse_at < from || e.lapse_at > r->as_of)
		return rc;
	moment m = new_moment(t, party);
	m.at = s.r.last_visit_at;
	m.since = e.lapse_at;
	m.order = (double)e.lapse_at;
	m.count = s.r.visit_count;
	m.number = fmax(1.0, (double)(day_of(s.r.last_visit_at) - day_of(s.r.first_visit_at)) /
	                         (double)(s.r.visit_count - 1));
	party_key(&m, r->table[t].name, m.at);
	return emit(r, &m);
}

static int lapsed_page(run *r, int64_t offset, db_stmt **st)
{
	recip_time from = (r->today - r->cfg->moment_lapsed_days) * RECIP_DAY;
	return db_query(r->ctx, st,
	                "SELECT e.party_id FROM party_engine e JOIN party_rollup r ON r.party_id = e.party_id "
	                "JOIN party p ON p.id = e.party_id WHERE p.archived = 0 AND e.lapse_at >= ? "
	                "AND e.lapse_at <= ? AND (r.last_contact_at IS NULL OR r.last_contact_at <= ?) "
	                "ORDER BY e.lapse_at, e.party_id LIMIT ? OFFSET ?",
	                "iiiii", from, r->as_of, r->as_of, r->page, offset);
}

static int collect_lapsed(run *r, size_t t)
{
	return party_pages(r, t, lapsed_page, lapsed_of);
}

static int owe_of(run *r, size_t t, int64_t party)
{
	party_standing s;
	int rc = party_state(r, party, &s, NULL);
	if (rc || s.r.last_exchange_at == TIME_NONE || s.balance >= r->cfg->moment_owe_threshold || s.balance >= 0)
		return rc;
	/* their latest give to us: giving back after it acts on the moment */
	db_stmt *st;
	rc = db_query(r->ctx, &st,
	              "SELECT at, kind, note FROM exchange WHERE party_id = ? AND direction = 'received' AND at <= ? "
	              "ORDER BY at DESC, id DESC LIMIT 1",
	              "ii", party, r->as_of);
	if (rc)
		return rc;
	moment m = new_moment(t, party);
	if ((rc = db_step(r->ctx, st)) == DB_ROW) {
		m.at = m.since = db_col_int(st, 0);
		rc = set_text(r->ctx, &m.text, db_col_text(st, 1));
		if (!rc)
			rc = set_text(r->ctx, &m.note, db_col_text(st, 2));
	}
	db_done(st);
	if (rc < 0 || m.at == TIME_NONE) {
		moment_release(&m);
		return rc < 0 ? rc : RECIP_OK;
	}
	m.number = s.balance;
	m.order = s.balance; /* the most owed first */
	party_key(&m, r->table[t].name, m.at);
	return emit(r, &m);
}

static int owe_page(run *r, int64_t offset, db_stmt **st)
{
	const config *cfg = r->cfg;
	/* balance(D) < T < 0  ⇔  owe_key > log2(−T) + D/H (engine_rollup.c) */
	double threshold = cfg->moment_owe_threshold < 0
	                   ? log2(-cfg->moment_owe_threshold) + (double)r->today / (double)cfg->half_life - 1e-9
	                   : -1e300;
	return db_query(r->ctx, st,
	                "SELECT e.party_id FROM party_engine e JOIN party_rollup r ON r.party_id = e.party_id "
	                "JOIN party p ON p.id = e.party_id WHERE p.archived = 0 AND e.owe_key > ? "
	                "AND (r.last_contact_at IS NULL OR r.last_contact_at <= ?) ORDER BY e.owe_key DESC, e.party_id "
	                "LIMIT ? OFFSET ?",
	                "diii", threshold, r->as_of, r->page, offset);
}

static int collect_owe(run *r, size_t t)
{
	return party_pages(r, t, owe_page, owe_of);
}

/* ---- birthdays and anniversaries --------------------------------------------------- */

static int64_t month_day(int64_t day)
{
	int m, d;
	recip_time_to_civil(day * RECIP_DAY, NULL, &m, &d, NULL, NULL, NULL, NULL);
	return m * 100 + d;
}

static int collect_annual(run *r, size_t t, const char *kind)
{
	int within = r->cfg->moment_birthday_days;
	int64_t start = month_day(r->today), end = month_day(r->today + within);
	/* one range of month × 100 + day, or two across the new year; 29
	 * February is celebrated on the 28th in other years */
	int64_t a1 = start, b1 = end, a2 = 1, b2 = 0;
	if (start > end) {
		b1 = 1231;
		a2 = 101;
		b2 = end;
	}
	db_stmt *st;
	int rc = db_query(r->ctx, &st,
	                  "SELECT a.party_id, CASE WHEN a.kind = 'birthday' THEN p.birthday ELSE p.anniversary END "
	                  "FROM party_annual a JOIN party p ON p.id = a.party_id WHERE p.archived = 0 AND a.kind = ? AND "
	                  "(a.month_day BETWEEN ? AND ? OR a.month_day BETWEEN ? AND ? OR a.month_day = 229) "
	                  "ORDER BY a.party_id",
	                  "tiiii", kind, a1, b1, a2, b2);
	if (rc)
		return rc;
	typedef struct found {
		int64_t party;
		int days, year;
	} found;
	found *rows = NULL;
	size_t n = 0, cap = 0;
	while ((rc = db_step(r->ctx, st)) == DB_ROW) {
		const char *date = db_col_text(st, 1);
		int days = date ? annual_date_days_until(date, r->today) : -1;
		if (days < 0 || days > within)
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			found *grown = realloc(rows, ncap * sizeof(*grown));
			if (!grown) {
				rc = recip_oom(r->ctx);
				break;
			}
			rows = grown;
			cap = ncap;
		}
		int year = 0;
		if (date[0] != '-')
			year = atoi(date);
		rows[n++] = (found){db_col_int(st, 0), days, year};
	}
	db_done(st);
	rc = rc < 0 ? rc : RECIP_OK;
	for (size_t i = 0; i < n && !rc; i++) {
		moment m = new_moment(t, rows[i].party);
		int64_t day = r->today + rows[i].days;
		m.at = day * RECIP_DAY;
		m.order = (double)m.at;
		/* a card, a call or a give in the run-up acts on it */
		m.since = (day - within) * RECIP_DAY;
		int y;
		recip_time_to_civil(m.at, &y, NULL, NULL, NULL, NULL, NULL, NULL);
		m.count = rows[i].year > 0 && y > rows[i].year ? y - rows[i].year : 0;
		party_key(&m, r->table[t].name, m.at);
		rc = emit(r, &m);
	}
	free(rows);
	return rc;
}

static int collect_birthday(run *r, size_t t)
{
	return collect_annual(r, t, "birthday");
}

static int collect_anniversary(run *r, size_t t)
{
	return collect_annual(r, t, "anniversary");
}

/* ---- triggers on one table ------------------------------------------------------------ */

/* Turns one row into a moment; *keep false drops it. */
typedef int (*fill_fn)(run *r, size_t t, db_stmt *st, moment *m, bool *keep);

/* One page of a query's rows turned into moments by `fill`, then emitted
 * (the statement is read to its end before the lookups emitting makes);
 * *last tells whether it was the last page. */
static int row_page(run *r, size_t t, int rc, db_stmt *st, fill_fn fill, bool *last)
{
	*last = true;
	if (rc)
		return rc;
	moment *found = NULL;
	size_t n = 0, cap = 0, rows = 0;
	while ((rc = db_step(r->ctx, st)) == DB_ROW) {
		rows++;
		moment m = new_moment(t, 0);
		bool keep = false;
		rc = fill(r, t, st, &m, &keep);
		if (rc || !keep) {
			moment_release(&m);
			if (rc)
				break;
			continue;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 16;
			moment *grown = realloc(found, ncap * sizeof(*grown));
			if (!grown) {
				moment_release(&m);
				rc = recip_oom(r->ctx);
				break;
			}
			found = grown;
			cap = ncap;
		}
		found[n++] = m;
	}
	db_done(st);
	rc = rc < 0 ? rc : RECIP_OK;
	for (size_t i = 0; i < n; i++) {
		if (!rc)
			rc = emit(r, &found[i]);
		else
			moment_release(&found[i]);
	}
	free(found);
	*last = rows < (size_t)r->page;
	return rc;
}

/* A trigger on one table: its rows page by page until it has more than the cap. */
static int row_pages(run *r, size_t t, page_fn query, fill_fn fill)
{
	int rc = RECIP_OK;
	bool last = false;
	for (int64_t offset = 0; !rc && !last && !full(r); offset += r->page) {
		db_stmt *st;
		rc = query(r, offset, &st);
		rc = row_page(r, t, rc, st, fill, &last);
	}
	return rc;
}

static int fill_referral(run *r, size_t t, db_stmt *st, moment *m, bool *keep)
{
	m->ref = db_col_int(st, 0);
	m->party = db_col_int(st, 1);
	m->other = db_col_int(st, 2);
	m->at = m->since = db_col_int(st, 3);
	m->order = (double)m->at;
	recip_time resolved = db_col_time(st, 5);
	m->flag = !strcmp(db_col_text(st, 4), "converted") && resolved != TIME_NONE && resolved <= r->as_of;
	snprintf(m->key, sizeof(m->key), "%s:%lld", r->table[t].name, (long long)m->ref);
	*keep = true;
	return RECIP_OK;
}

static int referral_page(run *r, int64_t offset, db_stmt **st)
{
	recip_time from = r->as_of - (recip_time)r->cfg->moment_referral_days * RECIP_DAY;
	return db_query(r->ctx, st,
	                "SELECT f.id, f.referrer_id, f.party_id, f.at, f.status, f.resolved_at FROM referral f "
	                "JOIN party p ON p.id = f.referrer_id WHERE p.archived = 0 AND f.at > ? AND f.at <= ? "
	                "ORDER BY f.at, f.id LIMIT ? OFFSET ?",
	                "iiii", from, r->as_of, r->page, offset);
}

static int collect_referral(run *r, size_t t)
{
	return row_pages(r, t, referral_page, fill_referral);
}

static int fill_detractor(run *r, size_t t, db_stmt *st, moment *m, bool *keep)
{
	m->ref = db_col_int(st, 0);
	m->party = db_col_int(st, 1);
	m->count = db_col_int(st, 2);
	m->at = m->since = db_col_int(st, 3);
	m->order = (double)m->at;
	snprintf(m->key, sizeof(m->key), "%s:%lld", r->table[t].name, (long long)m->ref);
	*keep = true;
	return set_text(r->ctx, &m->text, db_col_text(st, 4));
}

static int detractor_page(run *r, int64_t offset, db_stmt **st)
{
	recip_time from = r->as_of - (recip_time)r->cfg->moment_detractor_days * RECIP_DAY;
	return db_query(r->ctx, st,
	                "SELECT n.id, n.party_id, n.score, n.at, n.comment FROM nps n JOIN party p ON p.id = n.party_id "
	                "WHERE p.archived = 0 AND n.at > ? AND n.at <= ? AND n.score <= 6 AND "
	                "(n.followed_up_at IS NULL OR n.followed_up_at > ?) ORDER BY n.at, n.id LIMIT ? OFFSET ?",
	                "iiiii", from, r->as_of, r->as_of, r->page, offset);
}

static int collect_detractor(run *r, size_t t)
{
	return row_pages(r, t, detractor_page, fill_detractor);
}

static int fill_promise(run *r, size_t t, db_stmt *st, moment *m, bool *keep)
{
	m->ref = db_col_int(st, 0);
	m->party = db_col_int(st, 1);
	m->at = db_col_int(st, 3);
	m->order = (double)m->at;
	snprintf(m->key, sizeof(m->key), "%s:%lld", r->table[t].name, (long long)m->ref);
	*keep = true;
	return set_text(r->ctx, &m->text, db_col_text(st, 2));
}

static int promise_page(run *r, int64_t offset, db_stmt **st)
{
	/* open as of as_of: still open (index on status, due_at), or resolved
	 * after it (index on resolved_at) */
	recip_time horizon = (r->today + 1 + r->cfg->moment_promise_days) * RECIP_DAY - 1;
	return db_query(r->ctx, st,
	                "SELECT pr.id, pr.party_id, pr.what, pr.due_at FROM promise pr JOIN party p ON p.id = pr.party_id "
	                "WHERE p.archived = 0 AND pr.status = 'open' AND pr.due_at <= ? AND pr.at <= ? "
	                "UNION ALL SELECT pr.id, pr.party_id, pr.what, pr.due_at FROM promise pr "
	                "JOIN party p ON p.id = pr.party_id WHERE p.archived = 0 AND pr.resolved_at > ? "
	                "AND pr.due_at <= ? AND pr.at <= ? ORDER BY 4, 1 LIMIT ? OFFSET ?",
	                "iiiiiii", horizon, r->as_of, r->as_of, horizon, r->as_of, r->page, offset);
}

static int collect_promise(run *r, size_t t)
{
	return row_pages(r, t, promise_page, fill_promise);
}

static int fill_ask(run *r, size_t t, db_stmt *st, moment *m, bool *keep)
{
	m->ref = db_col_int(st, 0);
	m->party = db_col_int(st, 1);
	m->at = db_col_int(st, 3);
	m->order = (double)m->at;
	m->flag = db_col_int(st, 5) != 0;
	m->count = r->today - day_of(m->at);
	snprintf(m->key, sizeof(m->key), "%s:%lld", r->table[t].name, (long long)m->ref);
	if (!strcmp(r->table[t].name, "follow-up")) {
		/* after follow_up_after days, and until we were in touch within
		 * that long after the ask */
		int after = r->cfg->moment_follow_up_days;
		*keep = m->count >= after;
		recip_time recent = r->as_of - (recip_time)after * RECIP_DAY;
		m->since = m->at > recent ? m->at : recent;
	} else {
		*keep = true;
	}
	int rc = set_text(r->ctx, &m->text, db_col_text(st, 2));
	return rc ? rc : set_text(r->ctx, &m->note, db_col_text(st, 4));
}

/* Open asks as of as_of in one direction, oldest first. */
/* Open asks as of as_of in one direction, oldest first. */
static int asks_page(run *r, const char *direction, int64_t offset, db_stmt **st)
{
	return db_query(r->ctx, st,
	                "SELECT a.id, a.party_id, a.what, a.at, a.note, a.forced FROM ask a JOIN party p ON p.id = a.party_id "
	                "WHERE p.archived = 0 AND a.direction = ? AND a.status = 'open' AND a.at <= ? "
	                "UNION ALL SELECT a.id, a.party_id, a.what, a.at, a.note, a.forced FROM ask a "
	                "JOIN party p ON p.id = a.party_id WHERE p.archived = 0 AND a.direction = ? AND a.resolved_at > ? "
	                "AND a.at <= ? ORDER BY 4, 1 LIMIT ? OFFSET ?",
	                "titiiii", direction, r->as_of, direction, r->as_of, r->as_of, r->page, offset);
}

static int our_asks_page(run *r, int64_t offset, db_stmt **st)
{
	return asks_page(r, "ours", offset, st);
}

static int their_asks_page(run *r, int64_t offset, db_stmt **st)
{
	return asks_page(r, "theirs", offset, st);
}

static int collect_follow_up(run *r, size_t t)
{
	return row_pages(r, t, our_asks_page, fill_ask);
}

static int collect_their_ask(run *r, size_t t)
{
	return row_pages(r, t, their_asks_page, fill_ask);
}

/* ---- suggestions ------------------------------------------------------------------------- */

static int party_info_load(recip_ctx *ctx, int64_t party, party_info *out)
{
	memset(out, 0, sizeof(*out));
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT p.name, p.kind, (SELECT count(*) FROM party_value v WHERE v.party_id = p.id AND "
	                  "v.field = 'role' AND v.value_key = 'customer') FROM party p WHERE p.id = ?",
	                  "i", party);
	if (rc)
		return rc;
	if ((rc = db_step(ctx, st)) == DB_ROW) {
		out->name = xstrdup(db_col_text(st, 0));
		out->organisation = !strcmp(db_col_text(st, 1), "organisation");
		out->customer = db_col_int(st, 2) > 0;
		if (!out->name)
			rc = recip_oom(ctx);
	} else if (rc == DB_DONE) {
		rc = recip_fail(ctx, RECIP_ENOTFOUND, "no party #%lld", (long long)party);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	first_name(out->first, sizeof(out->first), out->name, out->organisation);
	rc = fact_bag_load(ctx, party, &out->facts);
	if (rc) {
		free(out->name);
		out->name = NULL;
	}
	return rc;
}

static void party_info_release(party_info *p)
{
	free(p->name);
	fact_bag_release(&p->facts);
}

/* Something personal to give: their regular order on the house, something
 * from their favourite or for their interest, else `fallback`; `whose` is
 * "Ana's" or "their". Returns whether it came from a fact. */
static bool personal_gift(buf *b, const party_info *p, const char *whose, const char *fallback)
{
	const fact_entry *f;
	if ((f = fact_find(&p->facts, FACT_ORDER, NULL)))
		buf_printf(b, "%s %s on the house", whose, f->value);
	else if ((f = fact_find(&p->facts, FACT_FAVOURITE, FACT_PLACE)))
		buf_printf(b, "something from %s %s: %s", whose, f->key, f->value);
	else if ((f = fact_find(&p->facts, FACT_INTEREST, NULL)))
		buf_printf(b, "something for %s %s (%s)", whose, f->key, f->value);
	else {
		buf_adds(b, fallback);
		return false;
	}
	return true;
}

static void possessive(char *out, size_t size, const party_info *p)
{
	snprintf(out, size, "%s's", p->first);
}

static int suggest_first_visit(recip_ctx *ctx, recip_time as_of, const moment *m, const party_info *p, buf *b)
{
	(void)ctx;
	char when[64];
	day_phrase(when, sizeof(when), day_of(m->at), day_of(as_of));
	buf_printf(b, "%s — first visit %s: surprise %s with a pastry on the house next time", p->name, when, p->first);
	const fact_entry *order = fact_find(&p->facts, FACT_ORDER, NULL);
	const fact_entry *place = fact_find(&p->facts, FACT_PLACE, NULL);
	if (order)
		buf_printf(b, "; they ordered %s", order->value);
	if (place)
		buf_printf(b, "%s %s", order ? ", at" : "; they sat at", place->value);
	if (!order && !place)
		buf_adds(b, " — and remember their name and order");
	return RECIP_OK;
}

static int suggest_nth_visit(recip_ctx *ctx, recip_time as_of, const moment *m, const party_info *p, buf *b)
{
	(void)ctx;
	char when[64], nth[24], whose[96];
	day_phrase(when, sizeof(when), day_of(m->at), day_of(as_of));
	ordinal(nth, sizeof(nth), m->count);
	possessive(whose, sizeof(whose), p);
	buf_printf(b, "%s — %s visit %s: mark it with ", p->name, nth, when);
	personal_gift(b, p, whose, "a treat on the house");
	buf_adds(b, ", by name");
	return RECIP_OK;
}

static int suggest_birthday(recip_ctx *ctx, recip_time as_of, const moment *m, const party_info *p, buf *b)
{
	(void)ctx;
	char when[64], whose[96];
	day_phrase(when, sizeof(when), day_of(m->at), day_of(as_of));
	possessive(whose, sizeof(whose), p);
	if (m->count > 0)
		buf_printf(b, "%s — turns %lld %s: a card and ", p->name, (long long)m->count, when);
	else
		buf_printf(b, "%s — birthday %s: a card and ", p->name, when);
	personal_gift(b, p, whose, p->customer ? "a treat on the house" : "a small gift that fits them");
	const fact_entry *family = fact_find(&p->facts, FACT_FAMILY, NULL);
	if (family)
		buf_printf(b, "; ask after their %s (%s)", family->key, family->value);
	return RECIP_OK;
}

static int suggest_anniversary(recip_ctx *ctx, recip_time as_of, const moment *m, const party_info *p, buf *b)
{
	(void)ctx;
	char when[64], nth[24];
	day_phrase(when, sizeof(when), day_of(m->at), day_of(as_of));
	if (m->count > 0) {
		ordinal(nth, sizeof(nth), m->count);
		buf_printf(b, "%s — %s anniversary %s", p->name, nth, when);
	} else {
		buf_printf(b, "%s — anniversary %s", p->name, when);
	}
	if (p->organisation) {
		buf_adds(b, ": send them a note of congratulations");
		return RECIP_OK;
	}
	char whose[96];
	possessive(whose, sizeof(whose), p);
	buf_adds(b, ": a note to mark it, with ");
	personal_gift(b, p, whose, "something small that fits them");
	return RECIP_OK;
}

static int suggest_lapsed(recip_ctx *ctx, recip_time as_of, const moment *m, const party_info *p, buf *b)
{
	(void)ctx;
	buf_printf(b, "%s — a regular (%lld visits, about every %.0f day%s) has not been in for %lld days: send %s a note "
	              "that we miss them",
	           p->name, (long long)m->count, m->number, m->number < 1.5 ? "" : "s",
	           (long long)(day_of(as_of) - day_of(m->at)), p->first);
	const fact_entry *order = fact_find(&p->facts, FACT_ORDER, NULL);
	if (order)
		buf_printf(b, ", with their %s on the house next time", order->value);
	/* one more thing we know, to make the note theirs */
	for (size_t i = 0; i < p->facts.n; i++) {
		const fact_entry *f = &p->facts.items[i];
		if (f == order || fact_key_has(f, FACT_PLACE))
			continue;
		buf_printf(b, " (%s: %s)", f->key, f->value);
		break;
	}
	return RECIP_OK;
}

static int suggest_owe(recip_ctx *ctx, recip_time as_of, const moment *m, const party_info *p, buf *b)
{
	char when[64], balance[32];
	ago_phrase(when, sizeof(when), day_of(m->at), day_of(as_of));
	snprintf(balance, sizeof(balance), "%+.2f", m->number);
	buf_printf(b, "%s — we owe them (balance %s; they gave us %s%s %s", p->name, balance, article(m->text), m->text,
	           when);
	if (m->note && *m->note)
		buf_printf(b, ": %s", m->note);
	char *give = NULL;
	int rc = gate_suggestion(ctx, m->party, as_of, &give);
	if (rc)
		return rc;
	buf_printf(b, "): give back — %s", give);
	free(give);
	return RECIP_OK;
}

static int suggest_referral(recip_ctx *ctx, recip_time as_of, const moment *m, const party_info *p, buf *b)
{
	char when[64], *referred = NULL;
	ago_phrase(when, sizeof(when), day_of(m->at), day_of(as_of));
	int rc = party_name(ctx, m->other, &referred);
	if (rc)
		return rc;
	buf_printf(b, "%s — sent us %s %s%s: thank %s with ", p->name, referred, when, m->flag ? ", now a customer" : "",
	           p->first);
	free(referred);
	if (personal_gift(b, p, "their", "a handwritten thank-you note"))
		buf_adds(b, " and a thank-you note");
	return RECIP_OK;
}

static int suggest_detractor(recip_ctx *ctx, recip_time as_of, const moment *m, const party_info *p, buf *b)
{
	(void)ctx;
	char when[64];
	ago_phrase(when, sizeof(when), day_of(m->at), day_of(as_of));
	buf_printf(b, "%s — scored us %lld/10 %s", p->name, (long long)m->count, when);
	if (m->text && *m->text)
		buf_printf(b, " (\"%s\")", m->text);
	buf_printf(b, ": call %s, listen, apologise and put it right — ask for nothing", p->first);
	return RECIP_OK;
}

static int suggest_promise(recip_ctx *ctx, recip_time as_of, const moment *m, const party_info *p, buf *b)
{
	(void)ctx;
	int64_t late = day_of(as_of) - day_of(m->at);
	buf_printf(b, "%s — we promised to %s; ", p->name, m->text);
	if (m->at < as_of && late > 0)
		buf_printf(b, "%lld day%s overdue: keep it today, or tell them when", (long long)late, late == 1 ? "" : "s");
	else if (m->at < as_of)
		buf_adds(b, "it was due today: keep it now, or tell them when");
	else {
		char when[64];
		day_phrase(when, sizeof(when), day_of(m->at), day_of(as_of));
		buf_printf(b, "due %s", when);
	}
	return RECIP_OK;
}

static int suggest_follow_up(recip_ctx *ctx, recip_time as_of, const moment *m, const party_info *p, buf *b)
{
	(void)ctx;
	(void)as_of;
	buf_printf(b, "%s — our ask for %s%s", p->name, article(m->text), m->text);
	if (m->note && *m->note)
		buf_printf(b, " (%s)", m->note);
	buf_printf(b, " has been open %lld days%s: follow up kindly, or withdraw it", (long long)m->count,
	           m->flag ? " (forced past the gate)" : "");
	return RECIP_OK;
}

static int suggest_their_ask(recip_ctx *ctx, recip_time as_of, const moment *m, const party_info *p, buf *b)
{
	(void)ctx;
	char when[64];
	ago_phrase(when, sizeof(when), day_of(m->at), day_of(as_of));
	buf_printf(b, "%s — asked us %s for %s%s", p->name, when, article(m->text), m->text);
	if (m->note && *m->note)
		buf_printf(b, " (%s)", m->note);
	buf_printf(b, ": answer %s — grant it, or say why not", p->first);
	return RECIP_OK;
}

/* ---- the table ------------------------------------------------------------------------------ */

static const trigger_desc triggers[] = {
	{"first-visit", "moments", ACT_GIVE, collect_first_visit, suggest_first_visit,
	 "a customer's first visit within moments.first_visit_within; acted on by a give"},
	{"nth-visit", "moments", ACT_GIVE, collect_nth_visit, suggest_nth_visit,
	 "every moments.nth_visit-th visit, for moments.milestone_within; acted on by a give"},
	{"birthday", "moments", ACT_GIVE | ACT_TOUCH, collect_birthday, suggest_birthday,
	 "a birthday within moments.birthday_within; acted on by a give or touch in the run-up"},
	{"anniversary", "moments", ACT_GIVE | ACT_TOUCH, collect_anniversary, suggest_anniversary,
	 "an anniversary within moments.birthday_within; acted on by a give or touch in the run-up"},
	{"lapsed", "moments", ACT_GIVE | ACT_TOUCH, collect_lapsed, suggest_lapsed,
	 "a regular away longer than moments.lapsed_factor times their usual gap; acted on by a give or touch"},
	{"referral", "moments", ACT_GIVE, collect_referral, suggest_referral,
	 "someone sent us a customer within moments.referral_within; acted on by a give to the referrer"},
	{"detractor", "moments", ACT_GIVE | ACT_TOUCH, collect_detractor, suggest_detractor,
	 "an NPS answer of 0-6 within moments.detractor_within, not followed up; acted on by a touch or give"},
	{"promise", "promises", 0, collect_promise, suggest_promise,
	 "a promise of ours due within moments.promise_within, or overdue; acted on by keeping or breaking it"},
	{"owe", "owed", ACT_GIVE, collect_owe, suggest_owe,
	 "a balance below moments.owe_below; acted on by a give after their latest give to us"},
	{"their-ask", "owed", 0, collect_their_ask, suggest_their_ask,
	 "an open ask of theirs; acted on by granting or declining it"},
	{"follow-up", "asks", ACT_GIVE | ACT_TOUCH, collect_follow_up, suggest_follow_up,
	 "an ask of ours open for moments.follow_up_after without contact since; acted on by a touch or give"},
};

static const size_t n_triggers = sizeof(triggers) / sizeof(triggers[0]);
static_assert(sizeof(triggers) / sizeof(triggers[0]) <= CONFIG_MAX_TRIGGERS, "too many triggers for the settings");

const char *moment_trigger_name(size_t index)
{
	return index < n_triggers ? triggers[index].name : NULL;
}

const char *moment_section(const moment *m)
{
	return triggers[m->trigger].section;
}

const char *moment_trigger_section(size_t trigger)
{
	return trigger < n_triggers ? triggers[trigger].section : NULL;
}

/* ---- collecting and describing ----------------------------------------------------------- */

static int by_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

static int by_trigger_order(const void *a, const void *b)
{
	const moment *x = a, *y = b;
	if (x->trigger != y->trigger)
		return x->trigger < y->trigger ? -1 : 1;
	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	if (x->party != y->party)
		return x->party < y->party ? -1 : 1;
	return strcmp(x->key, y->key);
}

int moments_collect(recip_ctx *ctx, recip_time as_of, bool with_dismissed, size_t cap, moment_list *out)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	memset(out, 0, sizeof(*out));
	run r = {.ctx = ctx, .cfg = &ctx->cfg, .as_of = as_of, .today = day_of(as_of), .with_dismissed = with_dismissed,
	         .table = triggers, .list = out, .cap = cap, .page = cap ? (int64_t)cap * 2 + 8 : (int64_t)1 << 40};
	id_list later = {0};
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT r.party_id FROM party_rollup r JOIN party p ON p.id = r.party_id WHERE p.archived = 0 "
	                  "AND r.last_contact_at > ?",
	                  "i", as_of);
	if (!rc)
		rc = id_list_read(ctx, st, &later);
	/* in order of id (sorted here: an ORDER BY would make SQLite scan
	 * every roll-up in id order instead of the range on last contact) */
	if (!rc && later.n > 1)
		qsort(later.ids, later.n, sizeof(*later.ids), by_id);
	r.later = later.ids;
	r.n_later = later.n;
	for (size_t t = 0; t < n_triggers && !rc; t++) {
		r.kept = 0;
		if (!ctx->cfg.trigger_off[t])
			rc = triggers[t].collect(&r, t);
	}
	id_list_release(&later);
	if (rc) {
		moment_list_release(out);
		return rc;
	}
	if (out->n > 1)
		qsort(out->items, out->n, sizeof(*out->items), by_trigger_order);
	if (!cap)
		return RECIP_OK;
	/* keep the first `cap` of each trigger, and say where there were more */
	size_t kept = 0, run_length = 0;
	for (size_t i = 0; i < out->n; i++) {
		moment *m = &out->items[i];
		run_length = i > 0 && out->items[i - 1].trigger == m->trigger ? run_length + 1 : 1;
		if (run_length > cap) {
			out->more[m->trigger] = true;
			moment_release(m);
			continue;
		}
		out->items[kept++] = *m;
	}
	out->n = kept;
	return RECIP_OK;
}

int moment_describe(recip_ctx *ctx, recip_time as_of, const moment *m, json_t **out)
{
	party_info p;
	int rc = party_info_load(ctx, m->party, &p);
	if (rc)
		return rc;
	buf b = BUF_INIT;
	rc = triggers[m->trigger].suggest(ctx, as_of, m, &p, &b);
	if (!rc && b.failed)
		rc = recip_oom(ctx);
	if (!rc) {
		*out = json_pack("{s:s, s:s, s:s, s:I, s:s, s:o, s:o, s:s, s:b}", "key", m->key, "trigger",
		                 triggers[m->trigger].name, "section", triggers[m->trigger].section, "party",
		                 (json_int_t)m->party, "name", p.name, "at", jtime(m->at), "ref",
		                 m->ref ? json_integer(m->ref) : json_null(), "suggestion", b.data, "dismissed", m->dismissed);
		if (!*out)
			rc = recip_oom(ctx);
	}
	buf_release(&b);
	party_info_release(&p);
	return rc;
}

int recip_moments_report(recip_ctx *ctx, json_t **out, recip_time as_of)
{
	moment_list list;
	int rc = moments_collect(ctx, as_of, false, 0, &list);
	if (rc)
		return rc;
	json_t *items = json_array();
	if (!items)
		rc = recip_oom(ctx);
	for (size_t i = 0; i < list.n && !rc; i++) {
		json_t *item;
		rc = moment_describe(ctx, as_of, &list.items[i], &item);
		if (!rc && jappend(items, item))
			rc = recip_oom(ctx);
	}
	moment_list_release(&list);
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:o}", "as_of", jtime(as_of), "items", items);
	return *out ? RECIP_OK : recip_oom(ctx);
}

/* ---- dismissing ------------------------------------------------------------------------------ */

static int dismiss_one(recip_ctx *ctx, const moment *m, json_t *keys)
{
	int rc = db_run(ctx, "INSERT INTO moment_dismissal (moment_key, at, actor) VALUES (?, ?, ?)", "tit", m->key,
	                ctx->now, ctx->actor ? ctx->actor : "");
	json_t *after = rc ? NULL : json_pack("{s:s, s:I}", "key", m->key, "party", (json_int_t)m->party);
	if (!rc && !after)
		rc = recip_oom(ctx);
	if (!rc)
		rc = audit_write(ctx, "dismiss", "moment", m->party, m->party, NULL, after);
	json_decref(after);
	if (!rc && jappend(keys, json_string(m->key)))
		rc = recip_oom(ctx);
	return rc;
}

int recip_moment_dismiss(recip_ctx *ctx, json_t **out, const char *key, int64_t party, const char *trigger,
                         recip_time as_of)
{
	if (!key && party <= 0)
		return recip_fail(ctx, RECIP_EINVAL, "name a moment by its key, or a party");
	if (trigger) {
		size_t t = 0;
		while (t < n_triggers && strcasecmp(triggers[t].name, trigger))
			t++;
		if (t == n_triggers)
			return recip_fail(ctx, RECIP_EINVAL, "unknown trigger '%s'", trigger);
	}
	moment_list list;
	int rc = moments_collect(ctx, as_of, true, 0, &list);
	if (rc)
		return rc;
	json_t *keys = json_array();
	rc = keys ? tx_begin(ctx) : recip_oom(ctx);
	if (rc) {
		json_decref(keys);
		moment_list_release(&list);
		return rc;
	}
	size_t matched = 0, already = 0;
	for (size_t i = 0; i < list.n && !rc; i++) {
		const moment *m = &list.items[i];
		bool match = key ? !strcmp(m->key, key)
		                 : m->party == party && (!trigger || !strcasecmp(triggers[m->trigger].name, trigger));
		if (!match)
			continue;
		matched++;
		if (m->dismissed)
			already++;
		else
			rc = dismiss_one(ctx, m, keys);
	}
	moment_list_release(&list);
	char day[16];
	recip_date_format(day, sizeof(day), as_of);
	if (!rc && matched == 0)
		rc = key ? recip_fail(ctx, RECIP_ENOTFOUND, "no moment '%s' as of %s (see recip moments)", key, day)
		         : recip_fail(ctx, RECIP_ENOTFOUND, "party #%lld has no %s%smoment as of %s", (long long)party,
		                      trigger ? trigger : "", trigger ? " " : "", day);
	if (!rc && matched == already)
		rc = recip_fail(ctx, RECIP_EEXISTS, "%s already dismissed", key ? "that moment is" : "those moments are");
	rc = tx_end(ctx, rc);
	if (rc || !out) {
		json_decref(keys);
		return rc;
	}
	*out = json_pack("{s:o}", "dismissed", keys);
	return *out ? RECIP_OK : recip_oom(ctx);
}

int recip_moment_restore(recip_ctx *ctx, const char *key)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (!key || !*key)
		return recip_fail(ctx, RECIP_EINVAL, "name the moment by its key");
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	rc = db_run(ctx, "DELETE FROM moment_dismissal WHERE moment_key = ?", "t", key);
	if (!rc && db_changes(ctx) == 0)
		rc = recip_fail(ctx, RECIP_ENOTFOUND, "moment '%s' was not dismissed", key);
	json_t *before = rc ? NULL : json_pack("{s:s}", "key", key);
	if (!rc && !before)
		rc = recip_oom(ctx);
	if (!rc)
		rc = audit_write(ctx, "restore", "moment", 0, 0, before, NULL);
	json_decref(before);
	return tx_end(ctx, rc);
}
