/*
 * rollup.c — per-party roll-ups (see rollup.h) and the balance formula of
 * DESIGN.md: Σ sign × weight × 2^(−age/H), ages in whole days.
 *
 * The balance is kept as its value on the day of the party's latest exchange
 * (balance_last), so every stored number is a plain balance and no power of
 * two ever overflows: a new exchange on day d after that day decays the
 * stored value to d and adds its weight; a back-dated one adds its weight
 * decayed to that day. An edit or a delete recomputes the party from its own
 * entries, so the roll-up stays exact.
 */
#include "rollup.h"
#include "db.h"
#include "engine_rollup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

double exchange_weight(const config *cfg, double value, bool personal, bool unexpected)
{
	double w = value;
	if (personal)
		w *= cfg->personal_bonus;
	if (unexpected)
		w *= cfg->unexpected_bonus;
	return w;
}

double decay(const config *cfg, int64_t days)
{
	return exp2(-(double)days / (double)cfg->half_life);
}

/* ---- parameters the roll-ups depend on ------------------------------------ */

static char *params_text(const config *cfg)
{
	buf b = BUF_INIT;
	buf_printf(&b, "half_life=%d personal=%.17g unexpected=%.17g default_cadence=%d", cfg->half_life,
	           cfg->personal_bonus, cfg->unexpected_bonus, cfg->default_cadence);
	/* cadences in a fixed order, whatever order the files set them in */
	bool done[CONFIG_MAX_CADENCES] = {false};
	for (size_t n = 0; n < cfg->n_cadences; n++) {
		size_t best = SIZE_MAX;
		for (size_t i = 0; i < cfg->n_cadences; i++)
			if (!done[i] && (best == SIZE_MAX || strcmp(cfg->cadences[i].role, cfg->cadences[best].role) < 0))
				best = i;
		done[best] = true;
		buf_printf(&b, " %s=%d", cfg->cadences[best].role, cfg->cadences[best].days);
	}
	engine_params_text(cfg, &b);
	return buf_detach(&b);
}

int rollup_store_params(recip_ctx *ctx)
{
	char *text = params_text(&ctx->cfg);
	if (!text)
		return recip_oom(ctx);
	int rc = db_run(ctx,
	                "INSERT INTO meta (key, value) VALUES ('rollup_params', ?) "
	                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	                "t", text);
	free(text);
	return rc;
}

int rollup_sync_params(recip_ctx *ctx)
{
	char *want = params_text(&ctx->cfg);
	if (!want)
		return recip_oom(ctx);
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT value FROM meta WHERE key = 'rollup_params'", "");
	if (rc) {
		free(want);
		return rc;
	}
	bool same = false;
	rc = db_step(ctx, st);
	if (rc == DB_ROW)
		same = !strcmp(db_col_text(st, 0) ? db_col_text(st, 0) : "", want);
	db_done(st);
	free(want);
	if (rc < 0)
		return rc;
	if (same)
		return RECIP_OK;
	if (ctx->db->readonly)
		return recip_fail(ctx, RECIP_EREADONLY,
		                  "the settings the roll-ups depend on differ from those database '%s' was computed with, "
		                  "and it is read-only so its roll-ups cannot be rebuilt",
		                  ctx->db->address);
	rc = tx_begin(ctx);
	if (rc)
		return rc;
	rc = recip_rollup_rebuild(ctx);
	if (!rc)
		rc = rollup_store_params(ctx);
	return tx_end(ctx, rc);
}

/* ---- reading and writing one roll-up --------------------------------------- */

static void rollup_empty(party_rollup *r)
{
	memset(r, 0, sizeof(*r));
	r->last_exchange_at = TIME_NONE;
	r->last_contact_at = TIME_NONE;
	r->first_visit_at = TIME_NONE;
	r->last_visit_at = TIME_NONE;
	r->due_at = TIME_NONE;
}

static void set_due(party_rollup *r)
{
	if (r->cadence_days <= 0)
		r->due_at = TIME_NONE;
	else if (r->last_contact_at == TIME_NONE)
		r->due_at = 0; /* never in touch: due from the start */
	else
		r->due_at = (day_of(r->last_contact_at) + r->cadence_days) * RECIP_DAY;
}

/* Reads a party's roll-up; with `lock`, for rewriting it: where writers run
 * concurrently the row stays locked until the transaction ends, so that
 * this read starts from what the last writer stored and no other writer
 * can overwrite what this one is about to store (db_query_locked). */
static int read_rollup(recip_ctx *ctx, int64_t party, party_rollup *out, bool lock)
{
	static const char sql[] = "SELECT balance_last, last_exchange_at, gave_count, received_count, gave_value, "
	                          "received_value, last_contact_at, visit_count, first_visit_at, last_visit_at, "
	                          "cadence_days, due_at FROM party_rollup WHERE party_id = ?";
	db_stmt *st;
	int rc = lock ? db_query_locked(ctx, &st, sql, "i", party) : db_query(ctx, &st, sql, "i", party);
	if (rc)
		return rc;
	rollup_empty(out);
	rc = db_step(ctx, st);
	if (rc == DB_ROW) {
		out->balance_last = db_col_double(st, 0);
		out->last_exchange_at = db_col_time(st, 1);
		out->gave_count = db_col_int(st, 2);
		out->received_count = db_col_int(st, 3);
		out->gave_value = db_col_double(st, 4);
		out->received_value = db_col_double(st, 5);
		out->last_contact_at = db_col_time(st, 6);
		out->visit_count = db_col_int(st, 7);
		out->first_visit_at = db_col_time(st, 8);
		out->last_visit_at = db_col_time(st, 9);
		out->cadence_days = (int)db_col_int(st, 10);
		out->due_at = db_col_time(st, 11);
	}
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

int rollup_read(recip_ctx *ctx, int64_t party, party_rollup *out)
{
	return read_rollup(ctx, party, out, false);
}

static int lock_rollup(recip_ctx *ctx, int64_t party)
{
	return db_lock(ctx, "SELECT party_id FROM party_rollup WHERE party_id = ?", "i", party);
}

static int compare_ids(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int rollup_lock_parties(recip_ctx *ctx, const int64_t *parties, size_t n)
{
	if (!db_row_locks(ctx))
		return RECIP_OK;
	/* each party and its organisation (whose last contact it feeds) */
	int64_t ids[2 * ROLLUP_LOCK_MAX];
	size_t m = 0;
	for (size_t i = 0; i < n && i < ROLLUP_LOCK_MAX; i++) {
		if (parties[i] <= 0)
			continue;
		ids[m++] = parties[i];
		int64_t org;
		int rc = db_int(ctx, &org, 0, "SELECT org_id FROM party WHERE id = ?", "i", parties[i]);
		if (rc)
			return rc;
		if (org > 0)
			ids[m++] = org;
	}
	/* one order for every writer: nobody waits for anybody in a circle */
	qsort(ids, m, sizeof(ids[0]), compare_ids);
	for (size_t i = 0; i < m; i++) {
		if (i > 0 && ids[i] == ids[i - 1])
			continue;
		int rc = lock_rollup(ctx, ids[i]);
		if (rc)
			return rc;
	}
	return RECIP_OK;
}

static int rollup_write(recip_ctx *ctx, int64_t party, const party_rollup *r)
{
	return db_run(ctx,
	              "INSERT INTO party_rollup (party_id, balance_last, last_exchange_at, gave_count, "
	              "received_count, gave_value, received_value, last_contact_at, visit_count, first_visit_at, "
	              "last_visit_at, cadence_days, due_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
	              "ON CONFLICT (party_id) DO UPDATE SET balance_last = excluded.balance_last, "
	              "last_exchange_at = excluded.last_exchange_at, gave_count = excluded.gave_count, "
	              "received_count = excluded.received_count, gave_value = excluded.gave_value, "
	              "received_value = excluded.received_value, last_contact_at = excluded.last_contact_at, "
	              "visit_count = excluded.visit_count, first_visit_at = excluded.first_visit_at, "
	              "last_visit_at = excluded.last_visit_at, cadence_days = excluded.cadence_days, "
	              "due_at = excluded.due_at",
	              "idTiiddTiTTiT", party, r->balance_last, r->last_exchange_at, r->gave_count, r->received_count,
	              r->gave_value, r->received_value, r->last_contact_at, r->visit_count, r->first_visit_at,
	              r->last_visit_at, (int64_t)r->cadence_days, r->due_at);
}

/* ---- cadence ---------------------------------------------------------------- */

int party_cadence(recip_ctx *ctx, int64_t party, int *out_days)
{
	int64_t explicit_days;
	int rc = db_int(ctx, &explicit_days, -1, "SELECT cadence_days FROM party WHERE id = ?", "i", party);
	if (rc)
		return rc;
	if (explicit_days >= 0) {
		*out_days = (int)explicit_days;
		return RECIP_OK;
	}
	db_stmt *st;
	rc = db_query(ctx, &st, "SELECT value FROM party_value WHERE party_id = ? AND field = 'role'", "i", party);
	if (rc)
		return rc;
	const char *roles[32];
	char *owned[32];
	size_t n = 0;
	while ((rc = db_step(ctx, st)) == DB_ROW && n < 32) {
		owned[n] = xstrdup(db_col_text(st, 0));
		if (!owned[n]) {
			rc = recip_oom(ctx);
			break;
		}
		roles[n] = owned[n];
		n++;
	}
	db_done(st);
	if (rc >= 0)
		*out_days = config_cadence_for_roles(&ctx->cfg, roles, n);
	for (size_t i = 0; i < n; i++)
		free(owned[i]);
	return rc < 0 ? rc : RECIP_OK;
}

/* ---- computing from the ledger ----------------------------------------------- */

int rollup_compute(recip_ctx *ctx, int64_t party, recip_time until, party_rollup *out)
{
	rollup_empty(out);
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT direction, value, personal, unexpected, at FROM exchange WHERE party_id = ? "
	                  "AND at <= ? ORDER BY at DESC, id DESC",
	                  "ii", party, until);
	if (rc)
		return rc;
	int64_t last_day = 0;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		bool gave = !strcmp(db_col_text(st, 0), "gave");
		double value = db_col_double(st, 1);
		double w = exchange_weight(&ctx->cfg, value, db_col_int(st, 2) != 0, db_col_int(st, 3) != 0);
		recip_time at = db_col_int(st, 4);
		if (out->last_exchange_at == TIME_NONE) {
			out->last_exchange_at = at;
			last_day = day_of(at);
		}
		out->balance_last += (gave ? w : -w) * decay(&ctx->cfg, last_day - day_of(at));
		if (gave) {
			out->gave_count++;
			out->gave_value += value;
		} else {
			out->received_count++;
			out->received_value += value;
		}
	}
	db_done(st);
	if (rc < 0)
		return rc;

	/* contact with an organisation is contact with it or anyone of its people */
	rc = db_query(ctx, &st,
	              "SELECT MAX(at) FROM (SELECT MAX(e.at) AS at FROM exchange e WHERE e.party_id IN "
	              "(SELECT ? UNION ALL SELECT id FROM party WHERE org_id = ?) AND e.at <= ? "
	              "UNION ALL SELECT MAX(t.at) FROM touch t WHERE t.party_id IN "
	              "(SELECT ? UNION ALL SELECT id FROM party WHERE org_id = ?) AND t.at <= ? "
	              "UNION ALL SELECT MAX(v.at) FROM visit v WHERE v.party_id IN "
	              "(SELECT ? UNION ALL SELECT id FROM party WHERE org_id = ?) AND v.at <= ? "
	              "UNION ALL SELECT MAX(a.at) FROM ask a WHERE a.party_id IN "
	              "(SELECT ? UNION ALL SELECT id FROM party WHERE org_id = ?) AND a.at <= ?) AS contacts",
	              "iiiiiiiiiiii", party, party, until, party, party, until, party, party, until, party, party,
	              until);
	if (rc)
		return rc;
	if ((rc = db_step(ctx, st)) == DB_ROW)
		out->last_contact_at = db_col_time(st, 0);
	db_done(st);
	if (rc < 0)
		return rc;

	rc = db_query(ctx, &st, "SELECT count(*), MIN(at), MAX(at) FROM visit WHERE party_id = ? AND at <= ?", "ii",
	              party, until);
	if (rc)
		return rc;
	if ((rc = db_step(ctx, st)) == DB_ROW) {
		out->visit_count = db_col_int(st, 0);
		out->first_visit_at = db_col_time(st, 1);
		out->last_visit_at = db_col_time(st, 2);
	}
	db_done(st);
	if (rc < 0)
		return rc;

	rc = party_cadence(ctx, party, &out->cadence_days);
	if (rc)
		return rc;
	set_due(out);
	return RECIP_OK;
}

int rollup_party_recompute(recip_ctx *ctx, int64_t party)
{
	/* locked before reading the ledger: a writer that holds the row has
	 * committed its entries by the time this one reads them */
	int rc = lock_rollup(ctx, party);
	party_rollup r;
	if (!rc)
		rc = rollup_compute(ctx, party, INT64_MAX, &r);
	if (!rc)
		rc = rollup_write(ctx, party, &r);
	return rc ? rc : engine_party_recompute(ctx, party, &r);
}

int rollup_party_created(recip_ctx *ctx, int64_t party)
{
	party_rollup r;
	rollup_empty(&r);
	int rc = party_cadence(ctx, party, &r.cadence_days);
	if (rc)
		return rc;
	set_due(&r);
	rc = rollup_write(ctx, party, &r);
	return rc ? rc : engine_party_created(ctx, party);
}

/* ---- incremental updates ----------------------------------------------------- */

static void note_contact(party_rollup *r, recip_time at)
{
	if (r->last_contact_at == TIME_NONE || at > r->last_contact_at)
		r->last_contact_at = at;
	set_due(r);
}

/* A contact with a person is a contact with their organisation too. */
static int contact_reaches_org(recip_ctx *ctx, int64_t party, recip_time at)
{
	int64_t org;
	int rc = db_int(ctx, &org, 0, "SELECT org_id FROM party WHERE id = ?", "i", party);
	if (rc || !org)
		return rc;
	party_rollup r;
	rc = read_rollup(ctx, org, &r, true);
	if (rc)
		return rc;
	note_contact(&r, at);
	return rollup_write(ctx, org, &r);
}

int rollup_party_recompute_with_org(recip_ctx *ctx, int64_t party)
{
	int rc = rollup_party_recompute(ctx, party);
	int64_t org = 0;
	if (!rc)
		rc = db_int(ctx, &org, 0, "SELECT org_id FROM party WHERE id = ?", "i", party);
	if (!rc && org)
		rc = rollup_party_recompute(ctx, org);
	return rc;
}

int rollup_exchange_added(recip_ctx *ctx, int64_t party, bool gave, double value, bool personal,
                          bool unexpected, recip_time at)
{
	party_rollup r;
	int rc = read_rollup(ctx, party, &r, true);
	if (rc)
		return rc;
	double w = exchange_weight(&ctx->cfg, value, personal, unexpected);
	double signed_w = gave ? w : -w;
	if (r.last_exchange_at == TIME_NONE) {
		r.balance_last = signed_w;
		r.last_exchange_at = at;
	} else if (day_of(at) >= day_of(r.last_exchange_at)) {
		r.balance_last = r.balance_last * decay(&ctx->cfg, day_of(at) - day_of(r.last_exchange_at)) + signed_w;
		if (at > r.last_exchange_at)
			r.last_exchange_at = at;
	} else {
		r.balance_last += signed_w * decay(&ctx->cfg, day_of(r.last_exchange_at) - day_of(at));
	}
	if (gave) {
		r.gave_count++;
		r.gave_value += value;
	} else {
		r.received_count++;
		r.received_value += value;
	}
	note_contact(&r, at);
	rc = rollup_write(ctx, party, &r);
	if (!rc)
		rc = engine_exchange_added(ctx, party, &r, gave, personal, at);
	return rc ? rc : contact_reaches_org(ctx, party, at);
}

int rollup_contact_added(recip_ctx *ctx, int64_t party, recip_time at)
{
	party_rollup r;
	int rc = read_rollup(ctx, party, &r, true);
	if (rc)
		return rc;
	note_contact(&r, at);
	rc = rollup_write(ctx, party, &r);
	return rc ? rc : contact_reaches_org(ctx, party, at);
}

int rollup_visit_added(recip_ctx *ctx, int64_t party, recip_time at)
{
	party_rollup r;
	int rc = read_rollup(ctx, party, &r, true);
	if (rc)
		return rc;
	recip_time previous_last = r.last_visit_at;
	r.visit_count++;
	if (r.first_visit_at == TIME_NONE || at < r.first_visit_at)
		r.first_visit_at = at;
	if (r.last_visit_at == TIME_NONE || at > r.last_visit_at)
		r.last_visit_at = at;
	note_contact(&r, at);
	rc = rollup_write(ctx, party, &r);
	if (!rc)
		rc = engine_visit_added(ctx, party, &r, previous_last, at);
	return rc ? rc : contact_reaches_org(ctx, party, at);
}

/* ---- reading as of a time ----------------------------------------------------- */

bool rollup_covers(const party_rollup *r, recip_time as_of)
{
	return (r->last_exchange_at == TIME_NONE || r->last_exchange_at <= as_of) &&
	       (r->last_contact_at == TIME_NONE || r->last_contact_at <= as_of);
}

int standing_as_of(recip_ctx *ctx, int64_t party, const party_rollup *stored, recip_time as_of,
                   party_standing *out)
{
	party_rollup read;
	if (!stored) {
		int rc = rollup_read(ctx, party, &read);
		if (rc)
			return rc;
		stored = &read;
	}
	if (rollup_covers(stored, as_of)) {
		out->r = *stored;
	} else {
		int rc = rollup_compute(ctx, party, as_of, &out->r);
		if (rc)
			return rc;
	}
	out->balance = out->r.last_exchange_at == TIME_NONE ? 0 :
	               out->r.balance_last * decay(&ctx->cfg, day_of(as_of) - day_of(out->r.last_exchange_at));
	return RECIP_OK;
}

/* ---- verification and rebuild -------------------------------------------------- */

static bool close_enough(double a, double b)
{
	double scale = fmax(1.0, fmax(fabs(a), fabs(b)));
	return fabs(a - b) <= 1e-9 * scale;
}

int recip_rollup_verify(recip_ctx *ctx, json_t **out)
{
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT id FROM party ORDER BY id", "");
	if (rc)
		return rc;
	json_t *mismatches = json_array();
	if (!mismatches) {
		db_done(st);
		return recip_oom(ctx);
	}
	int64_t checked = 0;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		int64_t party = db_col_int(st, 0);
		party_rollup stored, fresh;
		bool exists;
		int64_t n;
		rc = db_int(ctx, &n, 0, "SELECT count(*) FROM party_rollup WHERE party_id = ?", "i", party);
		if (rc)
			break;
		exists = n > 0;
		if ((rc = rollup_read(ctx, party, &stored)) || (rc = rollup_compute(ctx, party, INT64_MAX, &fresh)))
			break;
		checked++;
		const char *what = NULL;
		if (!exists)
			what = "missing";
		else if (!close_enough(stored.balance_last, fresh.balance_last))
			what = "balance";
		else if (stored.last_exchange_at != fresh.last_exchange_at)
			what = "last exchange";
		else if (stored.gave_count != fresh.gave_count || stored.received_count != fresh.received_count)
			what = "exchange counts";
		else if (!close_enough(stored.gave_value, fresh.gave_value) ||
		         !close_enough(stored.received_value, fresh.received_value))
			what = "values given and received";
		else if (stored.last_contact_at != fresh.last_contact_at)
			what = "last contact";
		else if (stored.visit_count != fresh.visit_count || stored.first_visit_at != fresh.first_visit_at ||
		         stored.last_visit_at != fresh.last_visit_at)
			what = "visits";
		else if (stored.cadence_days != fresh.cadence_days || stored.due_at != fresh.due_at)
			what = "cadence";
		else if ((rc = engine_verify_party(ctx, party, &what)))
			break;
		if (what) {
			json_t *m = json_pack("{s:I, s:s, s:o, s:o}", "party", (json_int_t)party, "field", what,
			                      "stored", jreal(stored.balance_last), "computed", jreal(fresh.balance_last));
			if (jappend(mismatches, m)) {
				rc = recip_oom(ctx);
				break;
			}
		}
	}
	db_done(st);
	if (rc < 0) {
		json_decref(mismatches);
		return rc;
	}
	*out = json_pack("{s:I, s:o}", "checked", (json_int_t)checked, "mismatches", mismatches);
	return *out ? RECIP_OK : recip_oom(ctx);
}

int recip_rollup_rebuild(recip_ctx *ctx)
{
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	db_stmt *st;
	rc = db_query(ctx, &st, "SELECT id FROM party ORDER BY id", "");
	if (rc)
		return tx_end(ctx, rc);
	/* collect the ids first: recomputing writes while we would be reading */
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			int64_t *grown = realloc(ids, ncap * sizeof(*ids));
			if (!grown) {
				rc = recip_oom(ctx);
				break;
			}
			ids = grown;
			cap = ncap;
		}
		ids[n++] = db_col_int(st, 0);
	}
	db_done(st);
	if (rc >= 0) {
		rc = RECIP_OK;
		for (size_t i = 0; i < n && !rc; i++)
			rc = rollup_party_recompute(ctx, ids[i]);
	}
	free(ids);
	return tx_end(ctx, rc);
}
