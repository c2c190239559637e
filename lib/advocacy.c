/*
 * advocacy.c — referrals (with parties created on the spot, conversion,
 * chains and the thank-you loop), reviews that answer our asks, the Net
 * Promoter Score, the advocate ranking and the K-factor.
 *
 * Every report is a few statements on indexed columns, listed per report in
 * docs/advocacy.md; none walks the ledger once per party. Figures are "as
 * of" a time: a referral converted after it is still a lead then, an
 * answer given after it does not exist yet.
 */
#include "advocacy.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Points of each component of the advocate ranking (docs/advocacy.md). */
enum {
	POINTS_CONVERTED = 5,   /* a referral that became a customer */
	POINTS_LEAD = 2,        /* a referral still open */
	POINTS_LOST = 1,        /* a referral that came to nothing: still an act of advocacy */
	POINTS_PROMOTER = 2,    /* an NPS answer of 9 or 10 */
	REVIEW_BASE = 2         /* a review earns (rating − 2): 5 stars 3, 2 stars 0, 1 star −1 */
};

/* Referral chains deeper than this are refused as corrupt (cycles cannot
 * be recorded; this only keeps a damaged database from exhausting the stack). */
#define MAX_CHAIN 1000

/* ---- small helpers ------------------------------------------------------------------ */

/* A referral's status as of a time: resolved later means still a lead then. */
static const char *status_as_of(const char *status, recip_time resolved, recip_time as_of)
{
	if (strcmp(status, "lead") && resolved != TIME_NONE && resolved <= as_of)
		return status;
	return "lead";
}

static const char *nps_category(int64_t score)
{
	return score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor";
}

/* "2 Nov", or "2 Nov 2025" when not in as_of's year: how people say a date. */
static void spoken_date(char *out, size_t size, recip_time t, recip_time as_of)
{
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int y, m, d, now_year;
	recip_time_to_civil(t, &y, &m, &d, NULL, NULL, NULL, NULL);
	recip_time_to_civil(as_of, &now_year, NULL, NULL, NULL, NULL, NULL, NULL);
	if (y == now_year)
		snprintf(out, size, "%d %s", d, months[m - 1]);
	else
		snprintf(out, size, "%d %s %d", d, months[m - 1], y);
}

/* Months are numbered year × 12 + (month − 1), so that they can be counted. */
static int64_t month_of(recip_time t)
{
	int y, m;
	recip_time_to_civil(t, &y, &m, NULL, NULL, NULL, NULL, NULL);
	return (int64_t)y * 12 + (m - 1);
}

static recip_time month_start(int64_t month)
{
	int64_t y = month >= 0 ? month / 12 : -((-month + 11) / 12);
	return recip_time_from_civil((int)y, (int)(month - y * 12) + 1, 1, 0, 0, 0);
}

static void month_label(char *out, size_t size, int64_t month)
{
	int y, m;
	recip_time_to_civil(month_start(month), &y, &m, NULL, NULL, NULL, NULL, NULL);
	snprintf(out, size, "%04d-%02d", y, m);
}

/* The first moment of a window of `days` whole days ending with as_of's
 * day: windows are calendar days, so that "the last 90 days" means the same
 * whatever the hour of as_of. */
static recip_time window_start(recip_time as_of, int days)
{
	return (day_of(as_of) - days + 1) * RECIP_DAY;
}

/* The months a window [from, to] touches, each clipped to the window. */
typedef struct month_span {
	int64_t first;   /* month number of the first */
	size_t n;
} month_span;

static month_span months_of_window(recip_time from, recip_time to)
{
	month_span s = {month_of(from), 0};
	int64_t last = month_of(to);
	s.n = last >= s.first ? (size_t)(last - s.first + 1) : 0;
	return s;
}

/* A report's window: *days checked (0: dflt, the setting), its first moment
 * and the months it touches. */
static int report_window(recip_ctx *ctx, int *days, int dflt, const char *what, recip_time as_of, recip_time *from,
                         month_span *span)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (*days < 0)
		return recip_fail(ctx, RECIP_EINVAL, "the %s must not be negative", what);
	if (*days == 0)
		*days = dflt;
	*from = window_start(as_of, *days);
	*span = months_of_window(*from, as_of);
	return RECIP_OK;
}

/* {"month", "from", "to"} of the k-th month of a span, clipped to [from, to]. */
static json_t *month_json(const month_span *s, size_t k, recip_time from, recip_time to)
{
	char label[16];
	month_label(label, sizeof(label), s->first + (int64_t)k);
	recip_time start = month_start(s->first + (int64_t)k);
	recip_time end = month_start(s->first + (int64_t)k + 1) - 1;
	if (start < from)
		start = from;
	if (end > to)
		end = to;
	return json_pack("{s:s, s:o, s:o}", "month", label, "from", jdate(start), "to", jdate(end));
}

/* part / whole as a percentage, or JSON null when whole is 0. */
static json_t *percent_or_null(int64_t part, int64_t whole)
{
	return whole ? jreal(100.0 * (double)part / (double)whole) : json_null();
}

static json_t *ratio_or_null(int64_t part, int64_t whole)
{
	return whole ? jreal((double)part / (double)whole) : json_null();
}

static int no_db(recip_ctx *ctx)
{
	return recip_fail(ctx, RECIP_ENODB, "no database is open");
}

/* Room for item n of a growable array of `size`-byte items holding `*cap`:
 * the array (moved, perhaps), or NULL when out of memory (the old one stays
 * the caller's). */
static void *room_for(void *items, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return items;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *grown = realloc(items, ncap * size);
	if (grown)
		*cap = ncap;
	return grown;
}

/* Steps through a statement's rows, making each a document with row(st,
 * as_of) in a new array; gives the statement back. */
/* ---- rules of the records (hooked into entities.c) ---------------------------------- */

/* Whether our ask `ask` can be the one a review of `party` at `at` answers;
 * *open says whether it is still open (to be granted now). */
static int review_ask_fits(recip_ctx *ctx, int64_t review, int64_t ask, int64_t party, recip_time at, bool *open)
{
	record a;
	int rc = record_load(ctx, &a, entity_find("ask"), ask);
	if (rc)
		return rc;
	const char *status = record_str(&a, "status");
	if (strcmp(record_str(&a, "direction"), "ours"))
		rc = recip_fail(ctx, RECIP_EINVAL, "ask #%lld was theirs, not ours", (long long)ask);
	else if (record_int(&a, "party") != party)
		rc = recip_fail(ctx, RECIP_EINVAL, "ask #%lld was made to another party", (long long)ask);
	else if (!strstr(record_str(&a, "what"), "review"))
		rc = recip_fail(ctx, RECIP_EINVAL, "ask #%lld was for %s, not a review", (long long)ask,
		                record_str(&a, "what"));
	else if (record_int(&a, "at") > at)
		rc = recip_fail(ctx, RECIP_EINVAL, "ask #%lld was made after the review", (long long)ask);
	else if (strcmp(status, "open") && strcmp(status, "granted"))
		rc = recip_fail(ctx, RECIP_EINVAL, "ask #%lld was %s; a review answers an open ask", (long long)ask, status);
	if (!rc && open)
		*open = !strcmp(status, "open");
	record_release(&a);
	int64_t other = 0;
	if (!rc)
		rc = db_int(ctx, &other, 0, "SELECT id FROM review WHERE ask_id = ? AND id <> ?", "ii", ask, review);
	if (!rc && other)
		rc = recip_fail(ctx, RECIP_EEXISTS, "ask #%lld is already answered by review #%lld", (long long)ask,
		                (long long)other);
	return rc;
}

int advocacy_review_check(recip_ctx *ctx, record *rec, const record *old)
{
	int64_t party = record_int(rec, "party");
	recip_time at = record_int(rec, "at");
	bool named = record_has(rec, "ask");
	if (old) {
		/* an edit may link an ask (checked) but never resolves one */
		if (named && (!record_has(old, "ask") || record_int(old, "ask") != record_int(rec, "ask")))
			return review_ask_fits(ctx, rec->id, record_int(rec, "ask"), party, at, NULL);
		return RECIP_OK;
	}
	int64_t ask = 0;
	bool open = false;
	int rc;
	if (named) {
		ask = record_int(rec, "ask");
		rc = review_ask_fits(ctx, 0, ask, party, at, &open);
	} else {
		/* the latest open ask of ours for a review, made before the review */
		rc = db_int(ctx, &ask, 0,
		            "SELECT id FROM ask WHERE party_id = ? AND direction = 'ours' AND status = 'open' AND at <= ? "
		            "AND what LIKE '%review%' ORDER BY at DESC, id DESC LIMIT 1",
		            "ii", party, at);
		open = ask != 0;
		if (!rc && ask)
			record_set_int(rec, "ask", ask);
	}
	if (rc || !open)
		return rc;
	char note[200];
	snprintf(note, sizeof(note), "a %lld-star review on %s", (long long)record_int(rec, "rating"),
	         record_str(rec, "platform"));
	return recip_ask_resolve(ctx, NULL, ask, "granted", at, note);
}

int advocacy_nps_check(recip_ctx *ctx, record *rec, const record *old)
{
	(void)old;
	if (record_has(rec, "followed_up_at") && record_int(rec, "followed_up_at") < record_int(rec, "at"))
		return recip_fail(ctx, RECIP_EINVAL, "a follow-up cannot come before the answer");
	return RECIP_OK;
}

/* ---- referrals: recording and resolving ------------------------------------------------ */

/* A reference that names a party rather than pointing at one by id or email
 * (only names create a party on the spot). */
static bool is_name(const char *reference)
{
	const char *digits = reference[0] == '#' ? reference + 1 : reference;
	bool all_digits = *digits && strspn(digits, "0123456789") == strlen(digits);
	return !all_digits && !strchr(reference, '@');
}

static void id_text(char *out, size_t size, int64_t id)
{
	snprintf(out, size, "%lld", (long long)id);
}

int recip_referral_add(recip_ctx *ctx, int64_t *out_id, int64_t *out_created, const recip_referral_spec *spec)
{
	if (out_created)
		*out_created = 0;
	if (!ctx->db)
		return no_db(ctx);
	if (!spec || !spec->referrer || !spec->referred)
		return recip_fail(ctx, RECIP_EINVAL, "a referral needs a referrer and a referred party");
	const char *kind = spec->kind ? spec->kind : "person";
	if (strcmp(kind, "person") && strcmp(kind, "organisation"))
		return recip_fail(ctx, RECIP_EINVAL, "bad kind '%s' (person or organisation)", kind);
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	int64_t referrer = 0, referred = 0, created = 0;
	rc = recip_party_resolve(ctx, &referrer, spec->referrer);
	if (rc == RECIP_ENOTFOUND) {
		char why[sizeof(ctx->errmsg)];
		snprintf(why, sizeof(why), "%s", recip_errmsg(ctx));
		rc = recip_fail(ctx, rc, "%s (the referrer must be known: add them first)", why);
	}
	if (!rc && !spec->create) {
		rc = recip_party_resolve(ctx, &referred, spec->referred);
		if (rc == RECIP_ENOTFOUND && is_name(spec->referred)) {
			recip_error_clear(ctx);
			rc = RECIP_OK;
		}
	}
	if (!rc && !referred) {
		recip_field fields[] = {
			{"kind", kind, RECIP_SET, NULL},
			{"name", spec->referred, RECIP_SET, NULL},
			{"role", spec->role ? spec->role : "prospect", RECIP_ADD, NULL},
		};
		rc = recip_record_add(ctx, &created, "party", fields, 3);
		referred = created;
	}
	if (!rc) {
		char referrer_text[24], referred_text[24];
		id_text(referrer_text, sizeof(referrer_text), referrer);
		id_text(referred_text, sizeof(referred_text), referred);
		recip_field fields[4] = {
			{"referrer", referrer_text, RECIP_SET, NULL},
			{"party", referred_text, RECIP_SET, NULL},
		};
		size_t n = 2;
		if (spec->at)
			fields[n++] = (recip_field){"at", spec->at, RECIP_SET, NULL};
		if (spec->note)
			fields[n++] = (recip_field){"note", spec->note, RECIP_SET, NULL};
		rc = recip_record_add(ctx, out_id, "referral", fields, n);
	}
	if (!rc && out_created)
		*out_created = created;
	return tx_end(ctx, rc);
}

/* A converted referral's party becomes a customer: it gains `role` (by
 * default "customer", unless it is a customer or a client already) and is
 * no longer a prospect. */
static int make_customer(recip_ctx *ctx, int64_t party, const char *role)
{
	bool customer = false, prospect = false;
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT value_key FROM party_value WHERE party_id = ? AND field = 'role'", "i",
	                  party);
	if (rc)
		return rc;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		const char *r = db_col_text(st, 0);
		customer |= !strcmp(r, "customer") || !strcmp(r, "client");
		prospect |= !strcmp(r, "prospect");
	}
	db_done(st);
	if (rc < 0)
		return rc;
	recip_field fields[2];
	size_t n = 0;
	const char *add = role ? role : customer ? NULL : "customer";
	if (add)
		fields[n++] = (recip_field){"role", add, RECIP_ADD, NULL};
	char *folded = role ? text_fold(role) : NULL;
	if (role && !folded)
		return recip_oom(ctx);
	if (prospect && !(folded && !strcmp(folded, "prospect")))
		fields[n++] = (recip_field){"role", "prospect", RECIP_REMOVE, NULL};
	free(folded);
	return n ? recip_record_update(ctx, "party", party, fields, n) : RECIP_OK;
}

int recip_referral_resolve(recip_ctx *ctx, int64_t referral, const char *status, recip_time at, const char *role)
{
	if (!status || (strcmp(status, "converted") && strcmp(status, "lost")))
		return recip_fail(ctx, RECIP_EINVAL, "bad resolution '%s' (converted or lost)", status ? status : "");
	if (role && strcmp(status, "converted"))
		return recip_fail(ctx, RECIP_EINVAL, "only a conversion gives the referred party a role");
	if (!ctx->db)
		return no_db(ctx);
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	record rec;
	rc = record_load(ctx, &rec, entity_find("referral"), referral);
	if (rc)
		return tx_end(ctx, rc);
	int64_t party = record_int(&rec, "party");
	recip_time made = record_int(&rec, "at");
	if (strcmp(record_str(&rec, "status"), "lead")) {
		rc = recip_fail(ctx, RECIP_EEXISTS, "referral #%lld is already %s", (long long)referral,
		                record_str(&rec, "status"));
	} else if (at < made) {
		char when[16];
		recip_date_format(when, sizeof(when), made);
		rc = recip_fail(ctx, RECIP_EINVAL, "referral #%lld cannot be %s before it was made (%s)",
		                (long long)referral, !strcmp(status, "converted") ? "converted" : "lost", when);
	}
	record_release(&rec);
	if (!rc) {
		char when[32];
		recip_time_format(when, sizeof(when), at);
		recip_field change[] = {{"status", status, RECIP_SET, NULL}, {"resolved_at", when, RECIP_SET, NULL}};
		rc = recip_record_update(ctx, "referral", referral, change, 2);
	}
	if (!rc && !strcmp(status, "converted"))
		rc = make_customer(ctx, party, role);
	return tx_end(ctx, rc);
}

/* ---- referrals: lists ----------------------------------------------------------------- */

static bool referral_status_ok(const char *status)
{
	return !strcmp(status, "lead") || !strcmp(status, "converted") || !strcmp(status, "lost");
}

int recip_referral_list(recip_ctx *ctx, json_t **out, int64_t party, const char *status, recip_time as_of)
{
	if (!ctx->db)
		return no_db(ctx);
	if (status && !referral_status_ok(status))
		return recip_fail(ctx, RECIP_EINVAL, "bad status '%s' (one of: lead, converted, lost)", status);
	int rc;
	if (party > 0 && (rc = party_exists(ctx, party)))
		return rc;
	/* the last column is the thank-you: the first give to the referrer since
	 * the referral (exchange_party_at index) */
	db_stmt *st;
	if (party > 0)
		rc = db_query(ctx, &st,
		              "SELECT r.id, r.at, r.referrer_id, pr.name, r.party_id, pd.name, r.status, r.resolved_at, r.note, "
		              "(SELECT min(e.at) FROM exchange e WHERE e.party_id = r.referrer_id AND e.direction = 'gave' "
		              "AND e.at >= r.at AND e.at <= ?) "
		              "FROM referral r JOIN party pr ON pr.id = r.referrer_id JOIN party pd ON pd.id = r.party_id "
		              "WHERE r.at <= ? AND (r.referrer_id = ? OR r.party_id = ?) ORDER BY r.at DESC, r.id DESC",
		              "iiii", as_of, as_of, party, party);
	else
		rc = db_query(ctx, &st,
		              "SELECT r.id, r.at, r.referrer_id, pr.name, r.party_id, pd.name, r.status, r.resolved_at, r.note, "
		              "(SELECT min(e.at) FROM exchange e WHERE e.party_id = r.referrer_id AND e.direction = 'gave' "
		              "AND e.at >= r.at AND e.at <= ?) "
		              "FROM referral r JOIN party pr ON pr.id = r.referrer_id JOIN party pd ON pd.id = r.party_id "
		              "WHERE r.at <= ? ORDER BY r.at DESC, r.id DESC",
		              "ii", as_of, as_of);
	if (rc)
		return rc;
	json_t *items = json_array();
	int64_t leads = 0, converted = 0, lost = 0, thanked = 0;
	if (!items)
		rc = recip_oom(ctx);
	while (!rc && (rc = db_step(ctx, st)) == DB_ROW) {
		recip_time resolved = db_col_time(st, 7), thanked_at = db_col_time(st, 9);
		const char *now = status_as_of(db_col_text(st, 6), resolved, as_of);
		if (status && strcmp(status, now)) {
			rc = RECIP_OK;
			continue;
		}
		leads += !strcmp(now, "lead");
		converted += !strcmp(now, "converted");
		lost += !strcmp(now, "lost");
		thanked += thanked_at != TIME_NONE;
		json_t *item = json_pack("{s:I, s:o, s:I, s:s, s:I, s:s, s:s, s:o, s:o, s:b, s:o}", "id",
		                         (json_int_t)db_col_int(st, 0), "at", jtime(db_col_int(st, 1)), "referrer",
		                         (json_int_t)db_col_int(st, 2), "referrer_name", db_col_text(st, 3), "party",
		                         (json_int_t)db_col_int(st, 4), "party_name", db_col_text(st, 5), "status", now,
		                         "resolved_at", jtime(strcmp(now, "lead") ? resolved : TIME_NONE), "note",
		                         jstr_or_null(db_col_text(st, 8)), "thanked", thanked_at != TIME_NONE, "thanked_at",
		                         jtime(thanked_at));
		rc = jappend(items, item) ? recip_oom(ctx) : RECIP_OK;
	}
	db_done(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	int64_t total = leads + converted + lost;
	*out = json_pack("{s:o, s:o, s:o, s:{s:I, s:I, s:I, s:I, s:I, s:I}, s:o}", "as_of", jtime(as_of), "party",
	                 party > 0 ? json_integer(party) : json_null(), "items", items, "counts", "total",
	                 (json_int_t)total, "lead", (json_int_t)leads, "converted", (json_int_t)converted, "lost",
	                 (json_int_t)lost, "thanked", (json_int_t)thanked, "unthanked", (json_int_t)(total - thanked),
	                 "conversion_rate", ratio_or_null(converted, total));
	return *out ? RECIP_OK : recip_oom(ctx);
}

static json_t *unthanked_json(db_stmt *st, void *arg)
{
	recip_time as_of = *(const recip_time *)arg;
	recip_time at = db_col_int(st, 1);
	return json_pack("{s:I, s:o, s:I, s:I, s:s, s:I, s:s, s:s}", "referral", (json_int_t)db_col_int(st, 0), "at",
	                 jtime(at), "age_days", (json_int_t)(day_of(as_of) - day_of(at)), "referrer",
	                 (json_int_t)db_col_int(st, 2), "referrer_name", db_col_text(st, 3), "party",
	                 (json_int_t)db_col_int(st, 4), "party_name", db_col_text(st, 5), "status",
	                 status_as_of(db_col_text(st, 6), db_col_time(st, 7), as_of));
}

int recip_referral_unthanked(recip_ctx *ctx, json_t **out, recip_time as_of, int max_age_days)
{
	if (!ctx->db)
		return no_db(ctx);
	if (max_age_days < 0)
		return recip_fail(ctx, RECIP_EINVAL, "the age limit must not be negative");
	recip_time since = max_age_days > 0 ? (day_of(as_of) - max_age_days) * RECIP_DAY : INT64_MIN;
	db_stmt *st;
	json_t *items;
	int rc = db_query(ctx, &st,
	                  "SELECT r.id, r.at, r.referrer_id, pr.name, r.party_id, pd.name, r.status, r.resolved_at "
	                  "FROM referral r JOIN party pr ON pr.id = r.referrer_id JOIN party pd ON pd.id = r.party_id "
	                  "WHERE r.at <= ? AND r.at >= ? AND pr.archived = 0 AND NOT EXISTS (SELECT 1 FROM exchange e "
	                  "WHERE e.party_id = r.referrer_id AND e.direction = 'gave' AND e.at >= r.at AND e.at <= ?) "
	                  "ORDER BY r.at, r.id",
	                  "iii", as_of, since, as_of);
	if (!rc)
		rc = db_collect(ctx, st, unthanked_json, &as_of, &items);
	if (rc)
		return rc;
	*out = json_pack("{s:o, s:i, s:o}", "as_of", jtime(as_of), "max_age_days", max_age_days, "items", items);
	return *out ? RECIP_OK : recip_oom(ctx);
}

/* ---- referrals: chains as trees ------------------------------------------------------- */

typedef struct child_row {
	int64_t referral, party;
	char *name, *status;
	recip_time at, resolved;
} child_row;

static void child_rows_free(child_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].name);
		free(rows[i].status);
	}
	free(rows);
}

/* Whom `party` referred up to as_of, oldest first (referral_referrer index). */
static int children_of(recip_ctx *ctx, int64_t party, recip_time as_of, child_row **out, size_t *out_n)
{
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT r.id, r.party_id, p.name, r.status, r.at, r.resolved_at FROM referral r "
	                  "JOIN party p ON p.id = r.party_id WHERE r.referrer_id = ? AND r.at <= ? ORDER BY r.at, r.id",
	                  "ii", party, as_of);
	if (rc)
		return rc;
	child_row *rows = NULL;
	size_t n = 0, cap = 0;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		child_row *grown = room_for(rows, &cap, n, sizeof(*rows));
		if (!grown) {
			rc = recip_oom(ctx);
			break;
		}
		rows = grown;
		child_row *r = &rows[n++];
		r->referral = db_col_int(st, 0);
		r->party = db_col_int(st, 1);
		r->name = xstrdup(db_col_text(st, 2));
		r->status = xstrdup(db_col_text(st, 3));
		r->at = db_col_int(st, 4);
		r->resolved = db_col_time(st, 5);
		if (!r->name || !r->status) {
			rc = recip_oom(ctx);
			break;
		}
	}
	db_done(st);
	if (rc < 0) {
		child_rows_free(rows, n);
		return rc;
	}
	*out = rows;
	*out_n = n;
	return RECIP_OK;
}

typedef struct tree_totals {
	int64_t referred;    /* everyone below */
	int64_t converted;   /* … of whom converted as of the time */
	int levels;          /* generations, the top one included */
} tree_totals;

/* Builds the node of `party` and, depth first, everyone below it. */
static int tree_node(recip_ctx *ctx, int64_t party, const char *name, const child_row *via, recip_time as_of,
                     int depth, json_t **out, tree_totals *totals)
{
	if (depth > MAX_CHAIN)
		return recip_fail(ctx, RECIP_ERROR, "a referral chain is deeper than %d levels; run recip check",
		                  MAX_CHAIN);
	child_row *rows = NULL;
	size_t n = 0;
	int rc = children_of(ctx, party, as_of, &rows, &n);
	if (rc)
		return rc;
	json_t *children = json_array();
	*totals = (tree_totals){0, 0, 1};
	if (!children)
		rc = recip_oom(ctx);
	for (size_t i = 0; i < n && !rc; i++) {
		json_t *child = NULL;
		tree_totals sub;
		rc = tree_node(ctx, rows[i].party, rows[i].name, &rows[i], as_of, depth + 1, &child, &sub);
		if (!rc && jappend(children, child))
			rc = recip_oom(ctx);
		if (rc)
			break;
		totals->referred += 1 + sub.referred;
		totals->converted += sub.converted + !strcmp(status_as_of(rows[i].status, rows[i].resolved, as_of),
		                                             "converted");
		if (sub.levels + 1 > totals->levels)
			totals->levels = sub.levels + 1;
	}
	child_rows_free(rows, n);
	json_t *node = NULL;
	if (!rc) {
		const char *status = via ? status_as_of(via->status, via->resolved, as_of) : NULL;
		node = json_pack("{s:I, s:s, s:o, s:o, s:o, s:o, s:I, s:I, s:o}", "party", (json_int_t)party, "name", name,
		                 "referral", via ? json_integer(via->referral) : json_null(), "status",
		                 jstr_or_null(status), "at", jtime(via ? via->at : TIME_NONE), "resolved_at",
		                 jtime(status && strcmp(status, "lead") ? via->resolved : TIME_NONE), "referred",
		                 (json_int_t)totals->referred, "converted", (json_int_t)totals->converted, "children",
		                 children);
		children = NULL;
		if (!node)
			rc = recip_oom(ctx);
	}
	json_decref(children);
	if (!rc)
		*out = node;
	return rc;
}

/* The chain above a party, from its top down to whoever referred it. */
static int upline(recip_ctx *ctx, int64_t party, recip_time as_of, json_t **out)
{
	json_t *chain = json_array();
	if (!chain)
		return recip_oom(ctx);
	int rc = RECIP_OK;
	int64_t cur = party;
	for (int depth = 0; !rc; depth++) {
		if (depth > MAX_CHAIN) {
			rc = recip_fail(ctx, RECIP_ERROR, "a referral chain is deeper than %d levels; run recip check",
			                MAX_CHAIN);
			break;
		}
		db_stmt *st;
		rc = db_query(ctx, &st,
		              "SELECT r.id, r.referrer_id, p.name, r.status, r.at, r.resolved_at FROM referral r "
		              "JOIN party p ON p.id = r.referrer_id WHERE r.party_id = ? AND r.at <= ?",
		              "ii", cur, as_of);
		if (rc)
			break;
		rc = db_step(ctx, st);
		if (rc != DB_ROW) {
			db_done(st);
			break;
		}
		cur = db_col_int(st, 1);
		json_t *item = json_pack("{s:I, s:s, s:I, s:s, s:o}", "party", (json_int_t)cur, "name", db_col_text(st, 2),
		                         "referral", (json_int_t)db_col_int(st, 0), "status",
		                         status_as_of(db_col_text(st, 3), db_col_time(st, 5), as_of), "at",
		                         jtime(db_col_int(st, 4)));
		db_done(st);
		rc = !item || json_array_insert_new(chain, 0, item) ? recip_oom(ctx) : RECIP_OK;
	}
	if (rc < 0) {
		json_decref(chain);
		return rc;
	}
	*out = chain;
	return RECIP_OK;
}

int recip_referral_tree(recip_ctx *ctx, json_t **out, int64_t party, recip_time as_of)
{
	if (!ctx->db)
		return no_db(ctx);
	json_t *trees = json_array(), *above = NULL;
	tree_totals all = {0, 0, 0};
	int rc = trees ? RECIP_OK : recip_oom(ctx);
	if (!rc && party > 0) {
		char *name = NULL;
		json_t *node = NULL;
		tree_totals t;
		rc = party_name(ctx, party, &name);
		if (!rc)
			rc = tree_node(ctx, party, name, NULL, as_of, 0, &node, &t);
		if (!rc && jappend(trees, node))
			rc = recip_oom(ctx);
		if (!rc)
			rc = upline(ctx, party, as_of, &above);
		if (!rc)
			all = t;
		free(name);
	} else if (!rc) {
		/* the roots: referrers nobody referred (as of the time) */
		db_stmt *st = NULL;
		rc = db_query(ctx, &st,
		              "SELECT DISTINCT r.referrer_id, p.name, p.name_key FROM referral r "
		              "JOIN party p ON p.id = r.referrer_id WHERE r.at <= ? AND NOT EXISTS "
		              "(SELECT 1 FROM referral x WHERE x.party_id = r.referrer_id AND x.at <= ?) "
		              "ORDER BY p.name_key, r.referrer_id",
		              "ii", as_of, as_of);
		child_row *roots = NULL;
		size_t n = 0, cap = 0;
		while (!rc && (rc = db_step(ctx, st)) == DB_ROW) {
			rc = RECIP_OK;
			child_row *grown = room_for(roots, &cap, n, sizeof(*roots));
			if (!grown) {
				rc = recip_oom(ctx);
				break;
			}
			roots = grown;
			roots[n] = (child_row){0, db_col_int(st, 0), xstrdup(db_col_text(st, 1)), NULL, 0, 0};
			if (!roots[n++].name)
				rc = recip_oom(ctx);
		}
		if (st)
			db_done(st);
		rc = rc < 0 ? rc : RECIP_OK;
		for (size_t i = 0; i < n && !rc; i++) {
			json_t *node = NULL;
			tree_totals t;
			rc = tree_node(ctx, roots[i].party, roots[i].name, NULL, as_of, 0, &node, &t);
			if (!rc && jappend(trees, node))
				rc = recip_oom(ctx);
			all.referred += t.referred;
			all.converted += t.converted;
			if (t.levels > all.levels)
				all.levels = t.levels;
		}
		child_rows_free(roots, n);
		if (!rc && !(above = json_array()))
			rc = recip_oom(ctx);
	}
	if (rc) {
		json_decref(trees);
		json_decref(above);
		return rc;
	}
	*out = json_pack("{s:o, s:o, s:o, s:o, s:I, s:I, s:i}", "as_of", jtime(as_of), "party",
	                 party > 0 ? json_integer(party) : json_null(), "upline", above, "trees", trees, "referred",
	                 (json_int_t)all.referred, "converted", (json_int_t)all.converted, "levels", all.levels);
	return *out ? RECIP_OK : recip_oom(ctx);
}

/* ---- reviews ----------------------------------------------------------------------- */

/* The conditions a review report's statements share, with their parameters. */
typedef struct review_filter {
	recip_time as_of;
	int64_t party;
	const char *platform;   /* folded, or NULL */
} review_filter;

static void review_where(buf *sql, const review_filter *f)
{
	buf_adds(sql, " WHERE r.at <= ?");
	if (f->party > 0)
		buf_adds(sql, " AND r.party_id = ?");
	if (f->platform)
		buf_adds(sql, " AND r.platform = ?");
}

static int review_prepare(recip_ctx *ctx, db_stmt **out, buf *sql, const review_filter *f)
{
	if (sql->failed)
		return recip_oom(ctx);
	int rc = db_prepare(ctx, out, sql->data);
	if (rc)
		return rc;
	int idx = 1;
	db_bind_int(*out, idx++, f->as_of);
	if (f->party > 0)
		db_bind_int(*out, idx++, f->party);
	if (f->platform)
		db_bind_text(*out, idx++, f->platform);
	return RECIP_OK;
}

/* {"platform", "reviews", "average", "stars": [1★ … 5★]} from a row. */
static json_t *platform_json(const char *platform, db_stmt *st, int col, int64_t *count, int64_t *sum,
                             int64_t stars[5])
{
	int64_t n = db_col_int(st, col), total = db_col_int(st, col + 1);
	json_t *dist = json_array();
	for (int k = 0; k < 5 && dist; k++) {
		int64_t s = db_col_int(st, col + 2 + k);
		stars[k] += s;
		if (jappend(dist, json_integer(s))) {
			json_decref(dist);
			dist = NULL;
		}
	}
	*count += n;
	*sum += total;
	return json_pack("{s:s, s:I, s:o, s:o}", "platform", platform, "reviews", (json_int_t)n, "average",
	                 n ? jreal((double)total / (double)n) : json_null(), "stars", dist);
}

static json_t *review_json(db_stmt *st, void *arg)
{
	recip_time as_of = *(const recip_time *)arg;
	(void)as_of;
	return json_pack("{s:I, s:o, s:I, s:s, s:s, s:I, s:o, s:o, s:o}", "id", (json_int_t)db_col_int(st, 0), "at",
	                 jtime(db_col_int(st, 1)), "party", (json_int_t)db_col_int(st, 2), "name", db_col_text(st, 3),
	                 "platform", db_col_text(st, 4), "rating", (json_int_t)db_col_int(st, 5), "url",
	                 jstr_or_null(db_col_text(st, 6)), "ask",
	                 db_col_null(st, 7) ? json_null() : json_integer(db_col_int(st, 7)), "note",
	                 jstr_or_null(db_col_text(st, 8)));
}

int recip_review_report(recip_ctx *ctx, json_t **out, int64_t party, const char *platform, recip_time as_of)
{
	if (!ctx->db)
		return no_db(ctx);
	review_filter f = {as_of, party, NULL};
	char *folded = NULL;
	int rc = RECIP_OK;
	if (platform && *platform) {
		char *trimmed = text_trim(platform);
		folded = trimmed ? text_fold(trimmed) : NULL;
		free(trimmed);
		if (!folded)
			return recip_oom(ctx);
		f.platform = folded;
	}
	if (party > 0 && (rc = party_exists(ctx, party))) {
		free(folded);
		return rc;
	}
	json_t *platforms = json_array(), *items = NULL;
	int64_t count = 0, sum = 0, stars[5] = {0};
	if (!platforms)
		rc = recip_oom(ctx);
	/* 1: count, sum and distribution of ratings by platform */
	buf sql = BUF_INIT;
	buf_adds(&sql, "SELECT r.platform, count(*), CAST(sum(r.rating) AS BIGINT)");
	for (int k = 1; k <= 5; k++)
		buf_printf(&sql, ", CAST(sum(CASE WHEN r.rating = %d THEN 1 ELSE 0 END) AS BIGINT)", k);
	buf_adds(&sql, " FROM review r JOIN party p ON p.id = r.party_id");
	review_where(&sql, &f);
	buf_adds(&sql, " GROUP BY r.platform ORDER BY count(*) DESC, r.platform");
	db_stmt *st;
	if (!rc)
		rc = review_prepare(ctx, &st, &sql, &f);
	buf_release(&sql);
	if (!rc) {
		while ((rc = db_step(ctx, st)) == DB_ROW) {
			json_t *p = platform_json(db_col_text(st, 0), st, 1, &count, &sum, stars);
			if (jappend(platforms, p)) {
				rc = recip_oom(ctx);
				break;
			}
		}
		db_done(st);
		rc = rc < 0 ? rc : RECIP_OK;
	}
	/* 2: the reviews themselves, newest first */
	buf_adds(&sql, "SELECT r.id, r.at, r.party_id, p.name, r.platform, r.rating, r.url, r.ask_id, r.note "
	               "FROM review r JOIN party p ON p.id = r.party_id");
	review_where(&sql, &f);
	buf_adds(&sql, " ORDER BY r.at DESC, r.id DESC");
	if (!rc)
		rc = review_prepare(ctx, &st, &sql, &f);
	buf_release(&sql);
	if (!rc)
		rc = db_collect(ctx, st, review_json, &as_of, &items);
	json_t *dist = rc ? NULL : json_pack("[I, I, I, I, I]", (json_int_t)stars[0], (json_int_t)stars[1],
	                                     (json_int_t)stars[2], (json_int_t)stars[3], (json_int_t)stars[4]);
	if (!rc) {
		*out = json_pack("{s:o, s:o, s:o, s:{s:I, s:o, s:o}, s:o, s:o}", "as_of", jtime(as_of), "party",
		                 party > 0 ? json_integer(party) : json_null(), "platform", jstr_or_null(f.platform),
		                 "overall", "reviews", (json_int_t)count, "average",
		                 count ? jreal((double)sum / (double)count) : json_null(), "stars", dist, "platforms",
		                 platforms, "items", items);
		platforms = items = NULL;
		if (!*out)
			rc = recip_oom(ctx);
	} else {
		json_decref(dist);
	}
	json_decref(platforms);
	json_decref(items);
	free(folded);
	return rc;
}

/* ---- NPS ------------------------------------------------------------------------------ */

typedef struct nps_counts {
	int64_t promoters, passives, detractors;
} nps_counts;

static void nps_count(nps_counts *c, int64_t score)
{
	if (score >= 9)
		c->promoters++;
	else if (score >= 7)
		c->passives++;
	else
		c->detractors++;
}

static json_t *nps_counts_json(const nps_counts *c)
{
	int64_t n = c->promoters + c->passives + c->detractors;
	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o}", "respondents", (json_int_t)n, "promoters",
	                 (json_int_t)c->promoters, "passives", (json_int_t)c->passives, "detractors",
	                 (json_int_t)c->detractors, "promoter_percent", percent_or_null(c->promoters, n),
	                 "passive_percent", percent_or_null(c->passives, n), "detractor_percent",
	                 percent_or_null(c->detractors, n), "nps",
	                 n ? jreal(100.0 * (double)(c->promoters - c->detractors) / (double)n) : json_null());
}

/* One answer, held while the next row shows whether it was its party's
 * latest of the month and of the window. */
typedef struct answer {
	int64_t id, party, score;
	recip_time at, followed_up;
	char *name, *comment;
} answer;

static void answer_release(answer *a)
{
	free(a->name);
	free(a->comment);
	memset(a, 0, sizeof(*a));
}

static json_t *answer_json(const answer *a, recip_time as_of)
{
	return json_pack("{s:I, s:I, s:s, s:I, s:s, s:o, s:o, s:o}", "answer", (json_int_t)a->id, "party",
	                 (json_int_t)a->party, "name", a->name, "score", (json_int_t)a->score, "category",
	                 nps_category(a->score), "at", jtime(a->at), "comment", jstr_or_null(a->comment),
	                 "followed_up_at", jtime(a->followed_up != TIME_NONE && a->followed_up <= as_of ? a->followed_up
	                                                                                               : TIME_NONE));
}

int recip_nps_report(recip_ctx *ctx, json_t **out, recip_time as_of, int window_days)
{
	recip_time from;
	month_span span;
	int rc = report_window(ctx, &window_days, ctx->cfg.nps_window, "window", as_of, &from, &span);
	if (rc)
		return rc;
	nps_counts all = {0, 0, 0};
	nps_counts *by_month = calloc(span.n ? span.n : 1, sizeof(*by_month));
	json_t *detractors = json_array();
	int64_t answers = 0;
	rc = by_month && detractors ? RECIP_OK : recip_oom(ctx);
	/* every answer of the window by party and time (nps_at index): a party's
	 * last row is its latest answer, its last row of a month its latest then */
	db_stmt *st = NULL;
	if (!rc)
		rc = db_query(ctx, &st,
		              "SELECT n.id, n.party_id, p.name, n.score, n.at, n.comment, n.followed_up_at FROM nps n "
		              "JOIN party p ON p.id = n.party_id WHERE n.at >= ? AND n.at <= ? AND p.archived = 0 "
		              "ORDER BY n.party_id, n.at, n.id",
		              "ii", from, as_of);
	answer prev = {0};
	bool have = false;
	while (!rc) {
		int step = db_step(ctx, st);
		if (step < 0) {
			rc = step;
			break;
		}
		answer cur = {0};
		if (step == DB_ROW) {
			answers++;
			cur = (answer){db_col_int(st, 0), db_col_int(st, 1), db_col_int(st, 3), db_col_int(st, 4),
			               db_col_time(st, 6), xstrdup(db_col_text(st, 2)), xstrdup(db_col_text(st, 5))};
			if (!cur.name || (!cur.comment && db_col_text(st, 5))) {
				answer_release(&cur);
				rc = recip_oom(ctx);
				break;
			}
		}
		if (have) {
			bool party_ends = step == DB_DONE || cur.party != prev.party;
			if (party_ends || month_of(cur.at) != month_of(prev.at))
				nps_count(&by_month[month_of(prev.at) - span.first], prev.score);
			if (party_ends) {
				nps_count(&all, prev.score);
				if (prev.score <= 6 && jappend(detractors, answer_json(&prev, as_of)))
					rc = recip_oom(ctx);
			}
			answer_release(&prev);
		}
		if (step == DB_DONE)
			break;
		prev = cur;
		have = true;
	}
	answer_release(&prev);
	if (st)
		db_done(st);
	json_t *months = rc ? NULL : json_array();
	if (!rc && !months)
		rc = recip_oom(ctx);
	for (size_t k = 0; k < span.n && !rc; k++) {
		json_t *m = month_json(&span, k, from, as_of);
		json_t *c = nps_counts_json(&by_month[k]);
		bool bad = !m || !c || json_object_update(m, c);
		json_decref(c);
		if (bad) {
			json_decref(m);
			rc = recip_oom(ctx);
		} else if (jappend(months, m)) {
			rc = recip_oom(ctx);
		}
	}
	free(by_month);
	json_t *doc = rc ? NULL : nps_counts_json(&all);
	if (!rc && !doc)
		rc = recip_oom(ctx);
	if (rc) {
		json_decref(months);
		json_decref(detractors);
		return rc;
	}
	/* jset takes each value, also when it fails */
	if (jset(doc, "as_of", jtime(as_of)) || jset(doc, "window_days", json_integer(window_days)) ||
	    jset(doc, "from", jdate(from)) || jset(doc, "answers", json_integer(answers)) ||
	    jset(doc, "months", json_incref(months)) || jset(doc, "detractor_answers", json_incref(detractors)))
		rc = recip_oom(ctx);
	json_decref(months);
	json_decref(detractors);
	if (rc) {
		json_decref(doc);
		return rc;
	}
	*out = doc;
	return RECIP_OK;
}

int recip_nps_follow_up(recip_ctx *ctx, int64_t *out_count, int64_t party, recip_time at)
{
	if (out_count)
		*out_count = 0;
	if (!ctx->db)
		return no_db(ctx);
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	rc = party_exists(ctx, party);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	db_stmt *st;
	if (!rc)
		rc = db_query(ctx, &st,
		              "SELECT id FROM nps WHERE party_id = ? AND score <= 6 AND followed_up_at IS NULL AND at <= ? "
		              "ORDER BY at, id",
		              "ii", party, at);
	if (!rc) {
		while ((rc = db_step(ctx, st)) == DB_ROW) {
			int64_t *grown = room_for(ids, &cap, n, sizeof(*ids));
			if (!grown) {
				rc = recip_oom(ctx);
				break;
			}
			ids = grown;
			ids[n++] = db_col_int(st, 0);
		}
		db_done(st);
		rc = rc < 0 ? rc : RECIP_OK;
	}
	if (!rc && n == 0) {
		char *name = NULL;
		rc = party_name(ctx, party, &name);
		if (!rc)
			rc = recip_fail(ctx, RECIP_ENOTFOUND, "'%s' has no detractor answer (0-6) waiting for a follow-up", name);
		free(name);
	}
	char when[32];
	recip_time_format(when, sizeof(when), at);
	for (size_t i = 0; i < n && !rc; i++) {
		recip_field f = {"followed_up_at", when, RECIP_SET, NULL};
		rc = recip_record_update(ctx, "nps", ids[i], &f, 1);
	}
	free(ids);
	if (!rc && out_count)
		*out_count = (int64_t)n;
	return tx_end(ctx, rc);
}

/* ---- advocates --------------------------------------------------------------------------- */

typedef struct advocate {
	int64_t party;
	char *name;
	int64_t converted, leads, lost, reviews, rating_sum, promoters;
	int64_t score;
} advocate;

static int by_advocacy(const void *a, const void *b)
{
	const advocate *x = a, *y = b;
	if (x->score != y->score)
		return x->score > y->score ? -1 : 1;
	if (x->converted != y->converted)
		return x->converted > y->converted ? -1 : 1;
	return (x->party > y->party) - (x->party < y->party);
}

static json_t *advocate_json(const advocate *a, int64_t rank)
{
	int64_t review_points = a->rating_sum - REVIEW_BASE * a->reviews;
	return json_pack("{s:I, s:I, s:s, s:I, s:{s:I, s:I}, s:{s:I, s:I}, s:{s:I, s:I}, s:{s:I, s:o, s:I}, "
	                 "s:{s:I, s:I}}",
	                 "rank", (json_int_t)rank, "party", (json_int_t)a->party, "name", a->name, "score",
	                 (json_int_t)a->score, "converted", "count", (json_int_t)a->converted, "points",
	                 (json_int_t)(POINTS_CONVERTED * a->converted), "leads", "count", (json_int_t)a->leads, "points",
	                 (json_int_t)(POINTS_LEAD * a->leads), "lost", "count", (json_int_t)a->lost, "points",
	                 (json_int_t)(POINTS_LOST * a->lost), "reviews", "count", (json_int_t)a->reviews,
	                 "average_rating", a->reviews ? jreal((double)a->rating_sum / (double)a->reviews) : json_null(),
	                 "points", (json_int_t)review_points, "promoter_answers", "count", (json_int_t)a->promoters,
	                 "points", (json_int_t)(POINTS_PROMOTER * a->promoters));
}

static json_t *detractor_json(db_stmt *st, void *arg)
{
	recip_time as_of = *(const recip_time *)arg;
	recip_time at = db_col_int(st, 4);
	char day[32];
	spoken_date(day, sizeof(day), at, as_of);
	buf moment = BUF_INIT;
	buf_printf(&moment, "follow up with %s: NPS %lld on %s", db_col_text(st, 2), (long long)db_col_int(st, 3), day);
	json_t *item = moment.failed ? NULL
	                             : json_pack("{s:I, s:I, s:s, s:I, s:o, s:I, s:o, s:s}", "answer",
	                                         (json_int_t)db_col_int(st, 0), "party", (json_int_t)db_col_int(st, 1),
	                                         "name", db_col_text(st, 2), "score", (json_int_t)db_col_int(st, 3), "at",
	                                         jtime(at), "age_days", (json_int_t)(day_of(as_of) - day_of(at)),
	                                         "comment", jstr_or_null(db_col_text(st, 5)), "moment", moment.data);
	buf_release(&moment);
	return item;
}

/* Detractors whose latest answer (since `since`, up to as_of) was never
 * followed up, oldest first, each with the moment's sentence. */
static int unanswered_detractors(recip_ctx *ctx, recip_time as_of, recip_time since, json_t **out)
{
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT n.id, n.party_id, p.name, n.score, n.at, n.comment FROM nps n "
	                  "JOIN party p ON p.id = n.party_id WHERE n.score <= 6 AND n.at <= ? AND n.at >= ? "
	                  "AND (n.followed_up_at IS NULL OR n.followed_up_at > ?) AND p.archived = 0 "
	                  "AND NOT EXISTS (SELECT 1 FROM nps m WHERE m.party_id = n.party_id AND m.at <= ? "
	                  "AND (m.at > n.at OR (m.at = n.at AND m.id > n.id))) ORDER BY n.at, n.id",
	                  "iiii", as_of, since, as_of, as_of);
	return rc ? rc : db_collect(ctx, st, detractor_json, &as_of, out);
}

int recip_advocates_report(recip_ctx *ctx, json_t **out, recip_time as_of, recip_time since, int64_t limit)
{
	if (!ctx->db)
		return no_db(ctx);
	if (limit < 0)
		return recip_fail(ctx, RECIP_EINVAL, "the limit must not be negative");
	/* every act of advocacy in one pass over the three advocacy tables,
	 * summed per party */
	db_stmt *st;
	int rc = db_query(
		ctx, &st,
		"SELECT x.party_id, p.name, CAST(sum(x.converted) AS BIGINT), CAST(sum(x.leads) AS BIGINT), "
		"CAST(sum(x.lost) AS BIGINT), CAST(sum(x.reviews) AS BIGINT), CAST(sum(x.rating) AS BIGINT), "
		"CAST(sum(x.promoters) AS BIGINT) FROM ("
		"SELECT referrer_id AS party_id, "
		"CASE WHEN status = 'converted' AND resolved_at <= ? THEN 1 ELSE 0 END AS converted, "
		"CASE WHEN status = 'lead' OR resolved_at > ? THEN 1 ELSE 0 END AS leads, "
		"CASE WHEN status = 'lost' AND resolved_at <= ? THEN 1 ELSE 0 END AS lost, "
		"0 AS reviews, 0 AS rating, 0 AS promoters FROM referral WHERE at <= ? AND at >= ? "
		"UNION ALL SELECT party_id, 0, 0, 0, 1, rating, 0 FROM review WHERE at <= ? AND at >= ? "
		"UNION ALL SELECT party_id, 0, 0, 0, 0, 0, 1 FROM nps WHERE score >= 9 AND at <= ? AND at >= ?"
		") x JOIN party p ON p.id = x.party_id WHERE p.archived = 0 GROUP BY x.party_id, p.name",
		"iiiiiiiii", as_of, as_of, as_of, as_of, since, as_of, since, as_of, since);
	if (rc)
		return rc;
	advocate *rows = NULL;
	size_t n = 0, cap = 0;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		advocate a = {db_col_int(st, 0), NULL, db_col_int(st, 2), db_col_int(st, 3), db_col_int(st, 4),
		              db_col_int(st, 5), db_col_int(st, 6), db_col_int(st, 7), 0};
		a.score = POINTS_CONVERTED * a.converted + POINTS_LEAD * a.leads + POINTS_LOST * a.lost +
		          (a.rating_sum - REVIEW_BASE * a.reviews) + POINTS_PROMOTER * a.promoters;
		if (a.score <= 0)
			continue;
		advocate *grown = room_for(rows, &cap, n, sizeof(*rows));
		if (!grown) {
			rc = recip_oom(ctx);
			break;
		}
		rows = grown;
		a.name = xstrdup(db_col_text(st, 1));
		rows[n++] = a;
		if (!a.name) {
			rc = recip_oom(ctx);
			break;
		}
	}
	db_done(st);
	rc = rc < 0 ? rc : RECIP_OK;
	if (!rc && n > 1)
		qsort(rows, n, sizeof(*rows), by_advocacy);
	json_t *items = rc ? NULL : json_array(), *detractors = NULL;
	if (!rc && !items)
		rc = recip_oom(ctx);
	size_t shown = limit > 0 && (size_t)limit < n ? (size_t)limit : n;
	for (size_t i = 0; i < shown && !rc; i++)
		if (jappend(items, advocate_json(&rows[i], (int64_t)i + 1)))
			rc = recip_oom(ctx);
	for (size_t i = 0; i < n; i++)
		free(rows[i].name);
	free(rows);
	if (!rc)
		rc = unanswered_detractors(ctx, as_of, since, &detractors);
	if (!rc) {
		*out = json_pack("{s:o, s:o, s:{s:i, s:i, s:i, s:s, s:i}, s:I, s:o, s:o}", "as_of", jtime(as_of), "since",
		                 jtime(since == INT64_MIN ? TIME_NONE : since), "points", "converted", POINTS_CONVERTED,
		                 "lead", POINTS_LEAD, "lost", POINTS_LOST, "review", "rating - 2", "promoter_answer",
		                 POINTS_PROMOTER, "advocates", (json_int_t)n, "items", items, "detractors", detractors);
		items = detractors = NULL;
		if (!*out)
			rc = recip_oom(ctx);
	}
	json_decref(items);
	json_decref(detractors);
	return rc;
}

/* ---- growth and the K-factor ------------------------------------------------------------ */

typedef struct growth_month {
	int64_t from_referral, other, referrals, converted;
} growth_month;

/* Customers are the parties with the role customer or client (found by the
 * party_value_lookup index); a referred party whose referral converted is
 * one too. */

int recip_growth_report(recip_ctx *ctx, json_t **out, recip_time as_of, int period_days)
{
	recip_time from;
	month_span span;
	int rc = report_window(ctx, &period_days, ctx->cfg.growth_period, "period", as_of, &from, &span);
	if (rc)
		return rc;
	growth_month *months = calloc(span.n ? span.n : 1, sizeof(*months));
	if (!months)
		return recip_oom(ctx);

	/* 1: active customers — activity in the period: a visit, an exchange
	 * either way, or a referral made (per-party index probes) */
	int64_t active = 0;
	rc = db_int(ctx, &active, 0,
	                "SELECT count(*) FROM party p WHERE p.archived = 0 AND p.id IN (SELECT party_id FROM party_value WHERE field = 'role' AND value_key IN ('customer', 'client')) AND ("
	                "EXISTS (SELECT 1 FROM visit v WHERE v.party_id = p.id AND v.at >= ? AND v.at <= ?) "
	                "OR EXISTS (SELECT 1 FROM exchange e WHERE e.party_id = p.id AND e.at >= ? AND e.at <= ?) "
	                "OR EXISTS (SELECT 1 FROM referral r WHERE r.referrer_id = p.id AND r.at >= ? AND r.at <= ?))",
	                "iiiiii", from, as_of, from, as_of, from, as_of);

	/* 2: the referrals made in the period (referral_at index), and where
	 * each stands as of the end */
	int64_t made = 0, by_customers = 0, converted = 0, lost = 0;
	db_stmt *st;
	if (!rc)
		rc = db_query(ctx, &st,
		              "SELECT r.at, r.status, r.resolved_at, CASE WHEN p.archived = 0 AND r.referrer_id IN ("
		              "SELECT party_id FROM party_value WHERE field = 'role' AND value_key IN ('customer', 'client')"
		              ") THEN 1 ELSE 0 END FROM referral r JOIN party p ON p.id = r.referrer_id "
		              "WHERE r.at >= ? AND r.at <= ?",
		              "ii", from, as_of);
	if (!rc) {
		while ((rc = db_step(ctx, st)) == DB_ROW) {
			const char *now = status_as_of(db_col_text(st, 1), db_col_time(st, 2), as_of);
			growth_month *m = &months[month_of(db_col_int(st, 0)) - span.first];
			made++;
			m->referrals++;
			by_customers += db_col_int(st, 3) != 0;
			if (!strcmp(now, "converted")) {
				converted++;
				m->converted++;
			}
			lost += !strcmp(now, "lost");
		}
		db_done(st);
		rc = rc < 0 ? rc : RECIP_OK;
	}

	/* 3: new customers — each customer's start (first visit from the
	 * roll-up, first exchange by the exchange_party_at index, conversion of
	 * the referral that brought them) and its source */
	if (!rc)
		rc = db_query(ctx, &st,
		              "SELECT p.id, u.first_visit_at, (SELECT min(e.at) FROM exchange e WHERE e.party_id = p.id), "
		              "f.status, f.resolved_at FROM party p LEFT JOIN party_rollup u ON u.party_id = p.id "
		              "LEFT JOIN referral f ON f.party_id = p.id "
		              "WHERE p.archived = 0 AND p.id IN (SELECT party_id FROM party_value WHERE field = 'role' AND value_key IN ('customer', 'client')) "
		              "UNION ALL SELECT p.id, u.first_visit_at, (SELECT min(e.at) FROM exchange e "
		              "WHERE e.party_id = p.id), f.status, f.resolved_at FROM referral f "
		              "JOIN party p ON p.id = f.party_id LEFT JOIN party_rollup u ON u.party_id = p.id "
		              "WHERE f.status = 'converted' AND p.archived = 0 AND p.id NOT IN (SELECT party_id FROM party_value WHERE field = 'role' AND value_key IN ('customer', 'client'))",
		              "");
	int64_t new_referral = 0, new_other = 0;
	if (!rc) {
		while ((rc = db_step(ctx, st)) == DB_ROW) {
			recip_time start = TIME_NONE;
			recip_time candidates[3] = {db_col_time(st, 1), db_col_time(st, 2), TIME_NONE};
			bool referred = !db_col_null(st, 3) &&
			                !strcmp(status_as_of(db_col_text(st, 3), db_col_time(st, 4), as_of), "converted");
			if (referred)
				candidates[2] = db_col_time(st, 4);
			for (int k = 0; k < 3; k++)
				if (candidates[k] != TIME_NONE && candidates[k] <= as_of && (start == TIME_NONE || candidates[k] < start))
					start = candidates[k];
			if (start == TIME_NONE || start < from)
				continue;
			growth_month *m = &months[month_of(start) - span.first];
			if (referred) {
				new_referral++;
				m->from_referral++;
			} else {
				new_other++;
				m->other++;
			}
		}
		db_done(st);
		rc = rc < 0 ? rc : RECIP_OK;
	}

	json_t *list = rc ? NULL : json_array();
	if (!rc && !list)
		rc = recip_oom(ctx);
	for (size_t k = 0; k < span.n && !rc; k++) {
		const growth_month *g = &months[k];
		json_t *m = month_json(&span, k, from, as_of);
		if (!m || jset(m, "new_customers",
		               json_pack("{s:I, s:I, s:I}", "referral", (json_int_t)g->from_referral, "other",
		                         (json_int_t)g->other, "total", (json_int_t)(g->from_referral + g->other))) ||
		    jset(m, "referrals_made", json_integer(g->referrals)) || jset(m, "converted", json_integer(g->converted))) {
			json_decref(m);
			rc = recip_oom(ctx);
		} else if (jappend(list, m)) {
			rc = recip_oom(ctx);
		}
	}
	free(months);
	if (rc) {
		json_decref(list);
		return rc;
	}
	*out = json_pack("{s:o, s:i, s:o, s:o, s:I, s:{s:I, s:I, s:I, s:I, s:I}, s:o, s:o, s:o, s:{s:I, s:I, s:I}, "
	                 "s:o}",
	                 "as_of", jtime(as_of), "period_days", period_days, "from", jdate(from), "to", jdate(as_of),
	                 "active_customers", (json_int_t)active, "referrals", "made", (json_int_t)made, "by_customers",
	                 (json_int_t)by_customers, "converted", (json_int_t)converted, "lost", (json_int_t)lost, "open",
	                 (json_int_t)(made - converted - lost), "referrals_per_active_customer",
	                 ratio_or_null(made, active), "conversion_rate", ratio_or_null(converted, made), "k_factor",
	                 ratio_or_null(converted, active), "new_customers", "referral", (json_int_t)new_referral, "other",
	                 (json_int_t)new_other, "total", (json_int_t)(new_referral + new_other), "months", list);
	return *out ? RECIP_OK : recip_oom(ctx);
}
