/*
 * relations.c — two reports on the spirit of our relationships: the asks
 * still open both ways (what we wait for, what we owe an answer to), and
 * genuineness — how many of our gives were soon followed by an ask of ours.
 */
#include "db.h"
#include "engine_rollup.h"
#include "entity.h"
#include "report.h"
#include "rollup.h"

#include <stdlib.h>
#include <string.h>

/* ---- open asks ---------------------------------------------------------------------- */

int recip_asks_report(recip_ctx *ctx, json_t **out, int64_t party, recip_time as_of)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	int rc = party > 0 ? party_exists(ctx, party) : RECIP_OK;
	if (rc)
		return rc;
	/* open as of as_of: still open (index on status), or resolved after it
	 * (index on resolved_at); one party's through its own index */
	db_stmt *st;
	if (party > 0)
		rc = db_query(ctx, &st,
		              "SELECT a.id, a.party_id, p.name, a.direction, a.what, a.at, a.forced, a.note FROM ask a "
		              "JOIN party p ON p.id = a.party_id WHERE a.party_id = ? AND a.at <= ? AND "
		              "(a.status = 'open' OR a.resolved_at > ?) ORDER BY a.at, a.id",
		              "iii", party, as_of, as_of);
	else
		rc = db_query(ctx, &st,
		              "SELECT a.id, a.party_id, p.name, a.direction, a.what, a.at, a.forced, a.note FROM ask a "
		              "JOIN party p ON p.id = a.party_id WHERE p.archived = 0 AND a.status = 'open' AND a.at <= ? "
		              "UNION ALL SELECT a.id, a.party_id, p.name, a.direction, a.what, a.at, a.forced, a.note "
		              "FROM ask a JOIN party p ON p.id = a.party_id WHERE p.archived = 0 AND a.resolved_at > ? "
		              "AND a.at <= ? ORDER BY 6, 1",
		              "iii", as_of, as_of, as_of);
	if (rc)
		return rc;
	json_t *items = json_array();
	int64_t ours = 0, theirs = 0, today = day_of(as_of);
	if (!items) {
		db_done(st);
		return recip_oom(ctx);
	}
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		bool is_ours = !strcmp(db_col_text(st, 3), "ours");
		if (is_ours)
			ours++;
		else
			theirs++;
		recip_time at = db_col_int(st, 5);
		json_t *item = json_pack("{s:I, s:I, s:s, s:s, s:s, s:o, s:I, s:b, s:o}", "id", (json_int_t)db_col_int(st, 0),
		                         "party", (json_int_t)db_col_int(st, 1), "name", db_col_text(st, 2), "direction",
		                         db_col_text(st, 3), "what", db_col_text(st, 4), "at", jtime(at), "age_days",
		                         (json_int_t)(today - day_of(at)), "forced", db_col_int(st, 6) != 0, "note",
		                         jstr_or_null(db_col_text(st, 7)));
		if (jappend(items, item)) {
			rc = recip_oom(ctx);
			break;
		}
	}
	db_done(st);
	if (rc < 0) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:I, s:I, s:o}", "as_of", jtime(as_of), "ours", (json_int_t)ours, "theirs",
	                 (json_int_t)theirs, "items", items);
	return *out ? RECIP_OK : recip_oom(ctx);
}

/* ---- genuineness --------------------------------------------------------------------- */

typedef struct genuine_row {
	int64_t party;
	char *name;
	int64_t gives, followed;
} genuine_row;

typedef struct genuine_rows {
	genuine_row *items;
	size_t n, cap;
} genuine_rows;

static int row_push(recip_ctx *ctx, genuine_rows *rows, int64_t party, const char *name, int64_t gives,
                    int64_t followed)
{
	if (rows->n == rows->cap) {
		size_t cap = rows->cap ? rows->cap * 2 : 32;
		genuine_row *grown = realloc(rows->items, cap * sizeof(*grown));
		if (!grown)
			return recip_oom(ctx);
		rows->items = grown;
		rows->cap = cap;
	}
	genuine_row *r = &rows->items[rows->n];
	if (!(r->name = xstrdup(name)))
		return recip_oom(ctx);
	r->party = party;
	r->gives = gives;
	r->followed = followed;
	rows->n++;
	return RECIP_OK;
}

static double share_of(const genuine_row *r)
{
	return r->gives ? (double)r->followed / (double)r->gives : 0;
}

static int by_share(const void *a, const void *b)
{
	const genuine_row *x = a, *y = b;
	double sx = share_of(x), sy = share_of(y);
	if (sx != sy)
		return sx > sy ? -1 : 1;
	if (x->gives != y->gives)
		return x->gives > y->gives ? -1 : 1;
	return (x->party > y->party) - (x->party < y->party);
}

/* A party's gives and gives followed by our ask, as of a time. */
static int party_genuine(recip_ctx *ctx, int64_t party, recip_time as_of, int64_t *gives, int64_t *followed)
{
	party_rollup stored;
	party_standing s;
	engine_rollup e;
	int rc = rollup_read(ctx, party, &stored);
	if (!rc)
		rc = standing_as_of(ctx, party, &stored, as_of, &s);
	if (!rc)
		rc = engine_as_of(ctx, party, &stored, as_of, &e);
	if (!rc) {
		*gives = s.r.gave_count;
		*followed = e.followed_count;
	}
	return rc;
}

int recip_genuine_report(recip_ctx *ctx, json_t **out, int64_t party, recip_time as_of)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	const config *cfg = &ctx->cfg;
	genuine_rows rows = {0};
	int rc;
	if (party > 0) {
		char *name = NULL;
		int64_t gives = 0, followed = 0;
		rc = party_name(ctx, party, &name);
		if (!rc)
			rc = party_genuine(ctx, party, as_of, &gives, &followed);
		if (!rc)
			rc = row_push(ctx, &rows, party, name, gives, followed);
		free(name);
	} else {
		/* the roll-ups of parties without entries after as_of answer for
		 * themselves; the others are computed from their own entries */
		db_stmt *st;
		rc = db_query(ctx, &st,
		              "SELECT p.id, p.name, r.gave_count, e.followed_count, "
		              "CASE WHEN r.last_contact_at > ? THEN 1 ELSE 0 END FROM party_rollup r "
		              "JOIN party_engine e ON e.party_id = r.party_id JOIN party p ON p.id = r.party_id "
		              "WHERE p.archived = 0 AND r.gave_count > 0 ORDER BY p.id",
		              "i", as_of);
		if (!rc) {
			while ((rc = db_step(ctx, st)) == DB_ROW)
				if ((rc = row_push(ctx, &rows, db_col_int(st, 0), db_col_text(st, 1), db_col_int(st, 2),
				                   db_col_int(st, 4) ? -1 : db_col_int(st, 3))))
					break;
			db_done(st);
			rc = rc < 0 ? rc : RECIP_OK;
		}
		for (size_t i = 0; i < rows.n && !rc; i++)
			if (rows.items[i].followed < 0)
				rc = party_genuine(ctx, rows.items[i].party, as_of, &rows.items[i].gives, &rows.items[i].followed);
	}
	int64_t gives = 0, followed = 0;
	json_t *items = rc ? NULL : json_array();
	if (!rc && !items)
		rc = recip_oom(ctx);
	if (!rc && rows.n > 1)
		qsort(rows.items, rows.n, sizeof(*rows.items), by_share);
	for (size_t i = 0; i < rows.n && !rc; i++) {
		const genuine_row *r = &rows.items[i];
		if (r->gives == 0 && party <= 0)
			continue;
		gives += r->gives;
		followed += r->followed;
		bool flag = r->gives >= cfg->transactional_min_gives && share_of(r) > cfg->transactional_share;
		json_t *item = json_pack("{s:I, s:s, s:I, s:I, s:o, s:b}", "party", (json_int_t)r->party, "name", r->name,
		                         "gives", (json_int_t)r->gives, "followed_by_ask", (json_int_t)r->followed, "share",
		                         jreal(share_of(r)), "transactional", flag);
		if (jappend(items, item))
			rc = recip_oom(ctx);
	}
	for (size_t i = 0; i < rows.n; i++)
		free(rows.items[i].name);
	free(rows.items);
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:i, s:I, s:I, s:o, s:o, s:i, s:o}", "as_of", jtime(as_of), "window_days",
	                 cfg->genuine_window, "gives", (json_int_t)gives, "followed_by_ask", (json_int_t)followed, "share",
	                 jreal(gives ? (double)followed / (double)gives : 0), "warn_above", jreal(cfg->transactional_share),
	                 "min_gives", cfg->transactional_min_gives, "items", items);
	return *out ? RECIP_OK : recip_oom(ctx);
}
