/*
 * report.c — the core reports: balances, the keep-in-touch due list and
 * the whole picture of one party. Each is served from the roll-ups and from
 * indexed per-party lookups of the rows it shows; none scans the ledger.
 */
#include "entity.h"
#include "db.h"
#include "partners.h"
#include "report.h"
#include "rollup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared pieces ---------------------------------------------------------------- */

static json_t *fact_item(db_stmt *st, void *arg)
{
	(void)arg;
	return json_pack("{s:I, s:s, s:s, s:o}", "id", (json_int_t)db_col_int(st, 0), "key", db_col_text(st, 1), "value",
	                 db_col_text(st, 2), "updated_at", jtime(db_col_int(st, 3)));
}

int report_facts(recip_ctx *ctx, int64_t party, int64_t limit, json_t **out)
{
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT id, key, value, updated_at FROM fact WHERE party_id = ? ORDER BY key_norm" DB_BYTE_ORDER
	                  " LIMIT ?",
	                  "ii",
	                  party, limit > 0 ? limit : INT64_MAX);
	return rc ? rc : db_collect(ctx, st, fact_item, NULL, out);
}

/* One line describing a timeline entry, the same on every front end. */
static json_t *entry_summary(const char *type, const char *t1, const char *t2, const char *t3, bool has_num,
                             double num, bool flag1, bool flag2)
{
	buf b = BUF_INIT;
	if (!strcmp(type, "exchange")) {
		buf_printf(&b, "%s %s%s (value %g%s%s)", !strcmp(t1, "gave") ? "gave" : "received", article(t2), t2, num,
		           flag1 ? ", personal" : "", flag2 ? ", unexpected" : "");
	} else if (!strcmp(type, "touch")) {
		buf_printf(&b, "%s %s%s", t1, !strcmp(t2, "need") ? "because we needed something" : "to keep in touch",
		           t3 && !strcmp(t3, "them") ? " (they got in touch)" : "");
	} else if (!strcmp(type, "visit")) {
		if (has_num)
			buf_printf(&b, "visit (spent %.2f)", num);
		else
			buf_adds(&b, "visit");
	} else if (!strcmp(type, "ask")) {
		buf_printf(&b, "%s for %s%s — %s%s", !strcmp(t1, "ours") ? "we asked" : "they asked", article(t2), t2, t3,
		           flag1 ? " (forced)" : "");
	} else if (!strcmp(type, "promise")) {
		buf_printf(&b, "we promised: %s — %s", t2, t1);
	} else if (!strcmp(type, "review")) {
		buf_printf(&b, "review on %s: %g/5", t1, num);
	} else if (!strcmp(type, "nps")) {
		buf_printf(&b, "NPS answer: %g", num);
	} else if (!strcmp(type, "referral")) {
		buf_printf(&b, "%s %s (%s)", !strcmp(t1, "sent") ? "referred" : "was referred by", t2, t3);
	} else {
		buf_adds(&b, type);
	}
	char *text = buf_detach(&b);
	json_t *s = text ? json_string(text) : NULL;
	free(text);
	return s;
}

static json_t *timeline_item(db_stmt *st, void *arg)
{
	(void)arg;
	const char *type = db_col_text(st, 0);
	const char *t1 = db_col_text(st, 3), *t2 = db_col_text(st, 4), *t3 = db_col_text(st, 5);
	bool has_num = !db_col_null(st, 6);
	double num = has_num ? db_col_double(st, 6) : 0;
	return json_pack("{s:s, s:I, s:o, s:o, s:o}", "type", type, "id", (json_int_t)db_col_int(st, 1), "at",
	                 jtime(db_col_int(st, 2)), "summary",
	                 entry_summary(type, t1 ? t1 : "", t2 ? t2 : "", t3, has_num, num, db_col_int(st, 7) != 0,
	                               db_col_int(st, 8) != 0),
	                 "note", jstr_or_null(db_col_text(st, 9)));
}

int report_timeline(recip_ctx *ctx, int64_t party, recip_time as_of, int64_t limit, json_t **out)
{
	/* one row shape for every kind of entry: type, id, at, three texts,
	 * a number, two flags and a note */
	static const char *sql =
		"SELECT 'exchange' AS type, id, at, direction AS t1, kind AS t2, NULL AS t3, value AS num, "
		"personal AS f1, unexpected AS f2, note FROM exchange WHERE party_id = ? AND at <= ? "
		"UNION ALL SELECT 'touch', id, at, channel, purpose, initiator, NULL, 0, 0, note FROM touch "
		"WHERE party_id = ? AND at <= ? "
		"UNION ALL SELECT 'visit', id, at, NULL, NULL, NULL, amount, 0, 0, note FROM visit "
		"WHERE party_id = ? AND at <= ? "
		"UNION ALL SELECT 'ask', id, at, direction, what, status, NULL, forced, 0, note FROM ask "
		"WHERE party_id = ? AND at <= ? "
		"UNION ALL SELECT 'promise', id, at, status, what, NULL, NULL, 0, 0, note FROM promise "
		"WHERE party_id = ? AND at <= ? "
		"UNION ALL SELECT 'review', id, at, platform, NULL, NULL, rating, 0, 0, note FROM review "
		"WHERE party_id = ? AND at <= ? "
		"UNION ALL SELECT 'nps', id, at, NULL, NULL, NULL, score, 0, 0, comment FROM nps "
		"WHERE party_id = ? AND at <= ? "
		"UNION ALL SELECT 'referral', r.id, r.at, 'sent', p.name, r.status, NULL, 0, 0, r.note FROM referral r "
		"JOIN party p ON p.id = r.party_id WHERE r.referrer_id = ? AND r.at <= ? "
		"UNION ALL SELECT 'referral', r.id, r.at, 'received', p.name, r.status, NULL, 0, 0, r.note FROM referral r "
		"JOIN party p ON p.id = r.referrer_id WHERE r.party_id = ? AND r.at <= ? "
		"ORDER BY 3 DESC, 2 DESC LIMIT ?";
	db_stmt *st;
	int rc = db_query(ctx, &st, sql, "iiiiiiiiiiiiiiiiiii", party, as_of, party, as_of, party, as_of, party, as_of,
	                  party, as_of, party, as_of, party, as_of, party, as_of, party, as_of,
	                  limit > 0 ? limit : INT64_MAX);
	if (rc)
		return rc;
	return db_collect(ctx, st, timeline_item, NULL, out);
}

int report_last_contact(recip_ctx *ctx, int64_t party, recip_time as_of, json_t **out)
{
	json_t *items;
	/* the timeline's latest contact-kind entry: promises, reviews and NPS
	 * answers are not contact */
	static const char *sql =
		"SELECT 'exchange' AS type, id, at, direction AS t1, kind AS t2, NULL AS t3, value AS num, "
		"personal AS f1, unexpected AS f2 FROM exchange WHERE party_id = ? AND at <= ? "
		"UNION ALL SELECT 'touch', id, at, channel, purpose, initiator, NULL, 0, 0 FROM touch "
		"WHERE party_id = ? AND at <= ? "
		"UNION ALL SELECT 'visit', id, at, NULL, NULL, NULL, amount, 0, 0 FROM visit WHERE party_id = ? AND at <= ? "
		"UNION ALL SELECT 'ask', id, at, direction, what, status, NULL, forced, 0 FROM ask "
		"WHERE party_id = ? AND at <= ? ORDER BY 3 DESC, 2 DESC LIMIT 1";
	db_stmt *st;
	int rc = db_query(ctx, &st, sql, "iiiiiiii", party, as_of, party, as_of, party, as_of, party, as_of);
	if (rc)
		return rc;
	items = json_null();
	if ((rc = db_step(ctx, st)) == DB_ROW) {
		const char *type = db_col_text(st, 0);
		const char *t1 = db_col_text(st, 3), *t2 = db_col_text(st, 4), *t3 = db_col_text(st, 5);
		bool has_num = !db_col_null(st, 6);
		double num = has_num ? db_col_double(st, 6) : 0;
		json_decref(items);
		items = json_pack("{s:s, s:o, s:o}", "type", type, "at", jtime(db_col_int(st, 2)), "summary",
		                  entry_summary(type, t1 ? t1 : "", t2 ? t2 : "", t3, has_num, num, db_col_int(st, 7) != 0,
		                                db_col_int(st, 8) != 0));
		if (!items)
			rc = recip_oom(ctx);
	}
	db_done(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = items;
	return RECIP_OK;
}

/* ---- balances ---------------------------------------------------------------------- */

static json_t *standing_json(const party_standing *s)
{
	return json_pack("{s:o, s:I, s:I, s:o, s:o, s:o}", "balance", jreal(s->balance), "gave_count",
	                 (json_int_t)s->r.gave_count, "received_count", (json_int_t)s->r.received_count, "gave_value",
	                 jreal(s->r.gave_value), "received_value", jreal(s->r.received_value), "last_exchange_at",
	                 jtime(s->r.last_exchange_at));
}

typedef struct balance_row {
	int64_t id;
	char *name;
	party_standing s;
} balance_row;

/* strongest goodwill first, then the older party */
static int by_goodwill(const void *a, const void *b)
{
	const balance_row *x = a, *y = b;
	if (x->s.balance != y->s.balance)
		return x->s.balance > y->s.balance ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

int recip_balance_report(recip_ctx *ctx, json_t **out, int64_t party, recip_time as_of)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	db_stmt *st;
	int rc = party > 0 ? db_query(ctx, &st,
	                              "SELECT p.id, p.name FROM party p WHERE p.id = ?", "i", party)
	                   : db_query(ctx, &st,
	                              "SELECT p.id, p.name FROM party p JOIN party_rollup r ON r.party_id = p.id "
	                              "WHERE p.archived = 0 AND r.last_exchange_at IS NOT NULL",
	                              "");
	if (rc)
		return rc;
	balance_row *rows = NULL;
	size_t n = 0, cap = 0;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			balance_row *grown = realloc(rows, ncap * sizeof(*grown));
			if (!grown) {
				rc = recip_oom(ctx);
				break;
			}
			rows = grown;
			cap = ncap;
		}
		rows[n].id = db_col_int(st, 0);
		rows[n].name = xstrdup(db_col_text(st, 1));
		if (!rows[n++].name) {
			rc = recip_oom(ctx);
			break;
		}
	}
	db_done(st);
	if (rc > 0)
		rc = RECIP_OK;
	if (!rc && party > 0 && n == 0)
		rc = recip_fail(ctx, RECIP_ENOTFOUND, "no party #%lld", (long long)party);
	for (size_t i = 0; i < n && !rc; i++)
		rc = standing_as_of(ctx, rows[i].id, NULL, as_of, &rows[i].s);
	/* a party with nothing before as_of drops out below */
	if (!rc && n > 1)
		qsort(rows, n, sizeof(*rows), by_goodwill);
	json_t *items = rc ? NULL : json_array();
	double total_positive = 0, total_negative = 0;
	if (!rc && !items)
		rc = recip_oom(ctx);
	for (size_t i = 0; i < n && !rc; i++) {
		if (party <= 0 && rows[i].s.r.last_exchange_at == TIME_NONE)
			continue;
		json_t *item = standing_json(&rows[i].s);
		if (!item || jset(item, "party", json_integer(rows[i].id)) ||
		    jset(item, "name", json_string(rows[i].name)) || jappend(items, item)) {
			json_decref(item);
			rc = recip_oom(ctx);
		}
		if (rows[i].s.balance > 0)
			total_positive += rows[i].s.balance;
		else
			total_negative += rows[i].s.balance;
	}
	for (size_t i = 0; i < n; i++)
		free(rows[i].name);
	free(rows);
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:o, s:o, s:o, s:i}", "as_of", jtime(as_of), "items", items, "goodwill",
	                 jreal(total_positive), "owed", jreal(total_negative), "half_life", ctx->cfg.half_life);
	return *out ? RECIP_OK : recip_oom(ctx);
}

/* ---- keep in touch ------------------------------------------------------------------- */

/* The two sources of due_collect are disjoint (last contact up to as_of,
 * or after it), so rows are appended without a search. */
static int due_add(due_row **rows, size_t *n, size_t *cap, const due_row *r)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		due_row *grown = realloc(*rows, ncap * sizeof(due_row));
		if (!grown)
			return -1;
		*rows = grown;
		*cap = ncap;
	}
	(*rows)[(*n)++] = *r;
	return 0;
}

static int by_due(const void *a, const void *b)
{
	const due_row *x = a, *y = b;
	if (x->due_day != y->due_day)
		return x->due_day < y->due_day ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Parties due by as_of + within_days: the roll-ups' due_at index answers for
 * everyone whose last contact is not after as_of, in order, at most `limit`
 * of them (0: all) and a count of them all; those in touch since are looked
 * at one by one (none when as_of is now). */
int due_collect(recip_ctx *ctx, recip_time as_of, int within_days, size_t limit, due_row **out, size_t *out_n,
                size_t *out_total)
{
	int64_t horizon_day = day_of(as_of) + within_days;
	recip_time horizon = horizon_day * RECIP_DAY;
	due_row *rows = NULL;
	size_t n = 0, cap = 0;
	int64_t covered = -1;
	db_stmt *st;
	int rc = limit ? db_int(ctx, &covered, 0,
	                        "SELECT count(*) FROM party_rollup r JOIN party p ON p.id = r.party_id WHERE "
	                        "p.archived = 0 AND r.due_at <= ? AND (r.last_contact_at IS NULL OR r.last_contact_at <= ?)",
	                        "ii", horizon, as_of)
	               : RECIP_OK;
	if (!rc)
		rc = db_query(ctx, &st,
		              "SELECT r.party_id, r.last_contact_at, r.cadence_days, r.due_at FROM party_rollup r "
		              "JOIN party p ON p.id = r.party_id WHERE p.archived = 0 AND r.due_at <= ? "
		              "AND (r.last_contact_at IS NULL OR r.last_contact_at <= ?) ORDER BY r.due_at, r.party_id LIMIT ?",
		              "iii", horizon, as_of, limit ? (int64_t)limit : (int64_t)1 << 40);
	if (rc)
		return rc;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		due_row r = {db_col_int(st, 0), db_col_time(st, 1), (int)db_col_int(st, 2), 0};
		r.due_day = r.last_contact == TIME_NONE ? INT64_MIN : day_of(r.last_contact) + r.cadence;
		if (due_add(&rows, &n, &cap, &r)) {
			rc = recip_oom(ctx);
			break;
		}
	}
	db_done(st);
	if (rc < 0) {
		free(rows);
		return rc;
	}
	size_t covered_n = n;
	/* those in touch after as_of: what was their last contact before it? */
	rc = db_query(ctx, &st,
	              "SELECT r.party_id FROM party_rollup r JOIN party p ON p.id = r.party_id "
	              "WHERE p.archived = 0 AND r.cadence_days > 0 AND r.last_contact_at > ?",
	              "i", as_of);
	if (rc) {
		free(rows);
		return rc;
	}
	int64_t *later = NULL;
	size_t n_later = 0, cap_later = 0;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		if (n_later == cap_later) {
			size_t ncap = cap_later ? cap_later * 2 : 32;
			int64_t *grown = realloc(later, ncap * sizeof(int64_t));
			if (!grown) {
				rc = recip_oom(ctx);
				break;
			}
			later = grown;
			cap_later = ncap;
		}
		later[n_later++] = db_col_int(st, 0);
	}
	db_done(st);
	rc = rc < 0 ? rc : RECIP_OK;
	for (size_t i = 0; i < n_later && !rc; i++) {
		party_standing s;
		rc = standing_as_of(ctx, later[i], NULL, as_of, &s);
		if (rc || s.r.cadence_days <= 0)
			continue;
		due_row r = {later[i], s.r.last_contact_at, s.r.cadence_days, 0};
		r.due_day = r.last_contact == TIME_NONE ? INT64_MIN : day_of(r.last_contact) + r.cadence;
		if (r.due_day <= horizon_day && due_add(&rows, &n, &cap, &r))
			rc = recip_oom(ctx);
	}
	free(later);
	if (rc) {
		free(rows);
		return rc;
	}
	size_t total = covered >= 0 ? (size_t)covered + (n - covered_n) : n;
	if (n > 1)
		qsort(rows, n, sizeof(*rows), by_due);
	if (limit && n > limit)
		n = limit;
	*out = rows;
	*out_n = n;
	*out_total = total;
	return RECIP_OK;
}

int due_item(recip_ctx *ctx, const due_row *row, recip_time as_of, json_t **out)
{
	char *name = NULL;
	json_t *facts = NULL, *last = NULL, *signals = NULL;
	int rc = party_name(ctx, row->id, &name);
	if (!rc)
		rc = report_facts(ctx, row->id, 3, &facts);
	if (!rc)
		rc = report_last_contact(ctx, row->id, as_of, &last);
	if (!rc)
		rc = report_signals(ctx, row->id, as_of, &signals);
	if (!rc) {
		bool never = row->last_contact == TIME_NONE;
		int64_t overdue = never ? 0 : day_of(as_of) - row->due_day;
		*out = json_pack("{s:I, s:s, s:i, s:o, s:b, s:I, s:o, s:o, s:o, s:o}", "party", (json_int_t)row->id, "name",
		                 name, "cadence_days", row->cadence, "last_contact_at", jtime(row->last_contact),
		                 "never_contacted", never, "days_overdue", (json_int_t)overdue, "due_on",
		                 never ? json_null() : jdate(row->due_day * RECIP_DAY), "last_contact", last, "facts", facts,
		                 "signals", signals);
		last = facts = signals = NULL;
		if (!*out)
			rc = recip_oom(ctx);
	}
	json_decref(facts);
	json_decref(last);
	json_decref(signals);
	free(name);
	return rc;
}

int due_items(recip_ctx *ctx, const due_row *rows, size_t n, recip_time as_of, json_t **out)
{
	json_t *items = json_array();
	int rc = items ? RECIP_OK : recip_oom(ctx);
	for (size_t i = 0; i < n && !rc; i++) {
		json_t *item;
		rc = due_item(ctx, &rows[i], as_of, &item);
		if (!rc && jappend(items, item))
			rc = recip_oom(ctx);
	}
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = items;
	return RECIP_OK;
}

int recip_due_report(recip_ctx *ctx, json_t **out, recip_time as_of, int within_days)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (within_days < 0)
		return recip_fail(ctx, RECIP_EINVAL, "the window must not be negative");
	due_row *rows;
	size_t n, total;
	int rc = due_collect(ctx, as_of, within_days, 0, &rows, &n, &total);
	if (rc)
		return rc;
	json_t *items = NULL;
	rc = due_items(ctx, rows, n, as_of, &items);
	free(rows);
	if (rc)
		return rc;
	*out = json_pack("{s:o, s:i, s:o}", "as_of", jtime(as_of), "within_days", within_days, "items", items);
	return *out ? RECIP_OK : recip_oom(ctx);
}

/* ---- one party ---------------------------------------------------------------------- */

static json_t *ask_item(db_stmt *st, void *arg)
{
	recip_time as_of = *(const recip_time *)arg;
	return json_pack("{s:I, s:s, s:s, s:o, s:I, s:b}", "id", (json_int_t)db_col_int(st, 0), "direction",
	                 db_col_text(st, 1), "what", db_col_text(st, 2), "at", jtime(db_col_int(st, 3)), "age_days",
	                 (json_int_t)(day_of(as_of) - day_of(db_col_int(st, 3))), "forced", db_col_int(st, 4) != 0);
}

static int open_asks(recip_ctx *ctx, int64_t party, recip_time as_of, json_t **out)
{
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT id, direction, what, at, forced FROM ask WHERE party_id = ? AND at <= ? AND "
	                  "(status = 'open' OR resolved_at > ?) ORDER BY at, id",
	                  "iii", party, as_of, as_of);
	return rc ? rc : db_collect(ctx, st, ask_item, &as_of, out);
}

/* A promise's standing as of a time: open, due, overdue, kept on time, kept
 * late or broken. */
const char *promise_state(const char *status, recip_time due, recip_time resolved, recip_time as_of)
{
	if (!strcmp(status, "open") || resolved == TIME_NONE || resolved > as_of)
		return as_of > due ? "overdue" : "open";
	if (!strcmp(status, "broken"))
		return "broken";
	return resolved <= due ? "kept on time" : "kept late";
}

static json_t *promise_item(db_stmt *st, void *arg)
{
	recip_time as_of = *(const recip_time *)arg;
	recip_time resolved = db_col_time(st, 5);
	return json_pack("{s:I, s:s, s:o, s:o, s:s, s:o}", "id", (json_int_t)db_col_int(st, 0), "what",
	                 db_col_text(st, 1), "at", jtime(db_col_int(st, 2)), "due", jtime(db_col_int(st, 3)), "state",
	                 promise_state(db_col_text(st, 4), db_col_int(st, 3), resolved, as_of), "resolved_at",
	                 jtime(resolved <= as_of ? resolved : TIME_NONE));
}

static int promises(recip_ctx *ctx, int64_t party, recip_time as_of, json_t **out)
{
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT id, what, at, due_at, status, resolved_at FROM promise WHERE party_id = ? AND at <= ? "
	                  "ORDER BY due_at DESC, id DESC LIMIT 20",
	                  "ii", party, as_of);
	return rc ? rc : db_collect(ctx, st, promise_item, &as_of, out);
}

static json_t *member_item(db_stmt *st, void *arg)
{
	(void)arg;
	return json_pack("{s:I, s:s, s:o}", "id", (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1), "title",
	                 jstr_or_null(db_col_text(st, 2)));
}

static int members(recip_ctx *ctx, int64_t org, json_t **out)
{
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT id, name, title FROM party WHERE org_id = ? ORDER BY name_key, id", "i",
	                  org);
	return rc ? rc : db_collect(ctx, st, member_item, NULL, out);
}

int recip_party_show(recip_ctx *ctx, json_t **out, int64_t party, recip_time as_of, int64_t timeline_limit)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	record rec;
	int rc = record_load(ctx, &rec, entity_find("party"), party);
	if (rc)
		return rc;
	json_t *doc = NULL, *profile = NULL, *facts = NULL, *asks = NULL, *proms = NULL, *timeline = NULL;
	json_t *people = NULL, *last = NULL, *standing = NULL, *signals = NULL;
	party_standing s;
	rc = record_to_json(ctx, &rec, &profile);
	if (!rc)
		rc = standing_as_of(ctx, party, NULL, as_of, &s);
	if (!rc && !(standing = standing_json(&s)))
		rc = recip_oom(ctx);
	if (!rc && (jset(standing, "cadence_days", json_integer(s.r.cadence_days)) ||
	            jset(standing, "last_contact_at", jtime(s.r.last_contact_at)) ||
	            jset(standing, "due_on", s.r.cadence_days > 0 && s.r.last_contact_at != TIME_NONE
	                                           ? jdate(s.r.due_at) : json_null()) ||
	            jset(standing, "visit_count", json_integer(s.r.visit_count)) ||
	            jset(standing, "first_visit_at", jtime(s.r.first_visit_at)) ||
	            jset(standing, "last_visit_at", jtime(s.r.last_visit_at))))
		rc = recip_oom(ctx);
	if (!rc)
		rc = report_facts(ctx, party, 0, &facts);
	if (!rc)
		rc = open_asks(ctx, party, as_of, &asks);
	if (!rc)
		rc = promises(ctx, party, as_of, &proms);
	if (!rc)
		rc = report_timeline(ctx, party, as_of, timeline_limit, &timeline);
	if (!rc)
		rc = report_last_contact(ctx, party, as_of, &last);
	if (!rc && !strcmp(record_str(&rec, "kind"), "organisation"))
		rc = members(ctx, party, &people);
	if (!rc)
		rc = report_signals(ctx, party, as_of, &signals);
	record_release(&rec);
	if (!rc) {
		doc = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "as_of", jtime(as_of), "party",
		                profile, "standing", standing, "last_contact", last, "facts", facts, "open_asks", asks,
		                "promises", proms, "timeline", timeline, "people", people ? people : json_array(), "signals",
		                signals);
		profile = standing = last = facts = asks = proms = timeline = people = signals = NULL;
		if (!doc)
			rc = recip_oom(ctx);
		else
			rc = party_engine_sections(ctx, doc, party, as_of);
	}
	json_decref(profile);
	json_decref(standing);
	json_decref(last);
	json_decref(facts);
	json_decref(asks);
	json_decref(proms);
	json_decref(timeline);
	json_decref(people);
	json_decref(signals);
	if (rc) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return RECIP_OK;
}
