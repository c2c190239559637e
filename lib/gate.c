/*
 * gate.c — the give-first gate. Before we ask a party for a review, a
 * referral, a vote or a favour, every check must pass: we gave since our
 * last ask, the balance is at or above the threshold, none of our asks is
 * still open, the cool-down since our last ask is over, and we are not
 * overdue for contact. With the verdict comes one concrete suggestion of
 * what to give first, drawn from what we know about the party.
 */
#include "entity.h"
#include "db.h"
#include "gate.h"
#include "rollup.h"
#include "suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int add_check(json_t *checks, const char *name, bool pass, const char *reason)
{
	return jappend(checks, json_pack("{s:s, s:b, s:s}", "check", name, "pass", pass, "reason", reason));
}

static int has_role(recip_ctx *ctx, int64_t party, const char *role, bool *out)
{
	int64_t n;
	int rc = db_int(ctx, &n, 0, "SELECT count(*) FROM party_value WHERE party_id = ? AND field = 'role' AND value_key = ?",
	                "it", party, role);
	*out = n > 0;
	return rc;
}

int gate_suggestion(recip_ctx *ctx, int64_t party, recip_time as_of, char **out)
{
	char *name = NULL;
	fact_bag facts = {0};
	const fact_entry *f;
	int rc = party_name(ctx, party, &name);
	if (rc)
		return rc;
	buf b = BUF_INIT;
	bool customer = false, partner = false, client = false;
	if ((rc = has_role(ctx, party, "customer", &customer)) || (rc = has_role(ctx, party, "partner", &partner)) ||
	    (rc = has_role(ctx, party, "client", &client)) || (rc = fact_bag_load(ctx, party, &facts)))
		goto done;
	char *birthday = NULL;
	db_stmt *st;
	rc = db_query(ctx, &st, "SELECT birthday FROM party WHERE id = ?", "i", party);
	if (rc)
		goto done;
	if (db_step(ctx, st) == DB_ROW && db_col_text(st, 0))
		birthday = xstrdup(db_col_text(st, 0));
	db_done(st);
	int days = birthday ? annual_date_days_until(birthday, day_of(as_of)) : -1;
	free(birthday);

	if ((f = fact_find(&facts, FACT_ORDER, NULL))) {
		buf_printf(&b, "put %s's %s on the house next time, unannounced: %s", name, f->key, f->value);
		goto done;
	}
	if (days >= 0 && days <= 30) {
		buf_printf(&b, "%s's birthday is %s: send a handwritten note, or a small gift that fits them", name,
		           days == 0 ? "today" : days == 1 ? "tomorrow" : "coming up");
		if (days > 1)
			buf_printf(&b, " (in %d days)", days);
		goto done;
	}
	if ((f = fact_find(&facts, FACT_FAVOURITE, NULL))) {
		buf_printf(&b, "surprise %s with something from their %s: %s", name, f->key, f->value);
		goto done;
	}
	if (partner || client) {
		if ((f = fact_find(&facts, FACT_INTEREST, NULL)))
			buf_printf(&b, "introduce %s to someone who shares their %s (%s), or send something about it", name,
			           f->key, f->value);
		else
			buf_printf(&b, "make %s an introduction that helps their business, with nothing asked in return",
			           name);
		goto done;
	}
	if ((f = fact_find(&facts, FACT_FAMILY, NULL))) {
		buf_printf(&b, "ask %s about their %s (%s) and send a personal note — nothing asked in return", name, f->key,
		           f->value);
		goto done;
	}
	if (customer)
		buf_printf(&b, "give %s something unexpected on their next visit — a treat on the house, by name", name);
	else
		buf_printf(&b, "send %s a personal note or something useful to them, with nothing asked in return", name);
done:
	free(name);
	fact_bag_release(&facts);
	if (rc) {
		buf_release(&b);
		return rc;
	}
	*out = buf_detach(&b);
	return *out ? RECIP_OK : recip_oom(ctx);
}

int gate_evaluate(recip_ctx *ctx, int64_t party, const char *what, recip_time as_of, int64_t ignore_ask,
                  json_t **out, bool *ready)
{
	const config *cfg = &ctx->cfg;
	int64_t today = day_of(as_of);
	json_t *checks = json_array();
	if (!checks)
		return recip_oom(ctx);
	char reason[256], day[16];
	bool all = true;

	/* our last ask before as_of (not the one being recorded) */
	recip_time last_ask = TIME_NONE;
	int64_t open_asks = 0;
	int rc = db_int(ctx, &last_ask, TIME_NONE,
	                "SELECT MAX(at) FROM ask WHERE party_id = ? AND direction = 'ours' AND at <= ? AND id <> ?", "iii",
	                party, as_of, ignore_ask);
	if (!rc)
		rc = db_int(ctx, &open_asks, 0,
		            "SELECT count(*) FROM ask WHERE party_id = ? AND direction = 'ours' AND at <= ? AND id <> ? "
		            "AND (status = 'open' OR resolved_at > ?)",
		            "iiii", party, as_of, ignore_ask, as_of);
	recip_time last_give = TIME_NONE;
	if (!rc)
		rc = db_int(ctx, &last_give, TIME_NONE,
		            "SELECT MAX(at) FROM exchange WHERE party_id = ? AND direction = 'gave' AND at <= ?", "ii", party,
		            as_of);
	party_standing s;
	if (!rc)
		rc = standing_as_of(ctx, party, NULL, as_of, &s);
	if (rc) {
		json_decref(checks);
		return rc;
	}

	/* 1. we gave since our last ask */
	bool gave = last_give != TIME_NONE && (last_ask == TIME_NONE || last_give > last_ask);
	if (last_give == TIME_NONE)
		snprintf(reason, sizeof(reason), "we have never given them anything");
	else if (!gave) {
		recip_date_format(day, sizeof(day), last_ask);
		snprintf(reason, sizeof(reason), "nothing given since our last ask on %s", day);
	} else {
		recip_date_format(day, sizeof(day), last_give);
		snprintf(reason, sizeof(reason), "we gave on %s%s", day, last_ask == TIME_NONE ? "" : ", after our last ask");
	}
	all &= gave;
	if (add_check(checks, "gave first", gave, reason))
		goto oom;

	/* 2. balance at or above the threshold */
	bool balance_ok = s.balance >= cfg->gate_min_balance - 1e-9;
	snprintf(reason, sizeof(reason), "balance %+.2f %s the threshold %+.2f", s.balance, balance_ok ? "meets" : "is below",
	         cfg->gate_min_balance);
	all &= balance_ok;
	if (add_check(checks, "balance", balance_ok, reason))
		goto oom;

	/* 3. no ask of ours still open */
	bool none_open = open_asks == 0;
	if (none_open)
		snprintf(reason, sizeof(reason), "none of our asks is open");
	else
		snprintf(reason, sizeof(reason), "%lld of our asks %s still open", (long long)open_asks,
		         open_asks == 1 ? "is" : "are");
	all &= none_open;
	if (add_check(checks, "no open ask", none_open, reason))
		goto oom;

	/* 4. cool-down since our last ask */
	int64_t since = last_ask == TIME_NONE ? -1 : today - day_of(last_ask);
	bool cooled = last_ask == TIME_NONE || since >= cfg->gate_cooldown;
	if (last_ask == TIME_NONE)
		snprintf(reason, sizeof(reason), "we have never asked them");
	else
		snprintf(reason, sizeof(reason), "our last ask was %lld day%s ago (cool-down %d days)", (long long)since,
		         since == 1 ? "" : "s", cfg->gate_cooldown);
	all &= cooled;
	if (add_check(checks, "cool-down", cooled, reason))
		goto oom;

	/* 5. not overdue for contact */
	int cadence = s.r.cadence_days;
	bool in_touch = true;
	if (cadence <= 0)
		snprintf(reason, sizeof(reason), "no keep-in-touch cadence applies");
	else if (s.r.last_contact_at == TIME_NONE) {
		in_touch = false;
		snprintf(reason, sizeof(reason), "never in touch (cadence %d days)", cadence);
	} else {
		int64_t gap = today - day_of(s.r.last_contact_at);
		in_touch = gap <= cadence;
		snprintf(reason, sizeof(reason), "last contact %lld day%s ago, cadence %d days%s", (long long)gap,
		         gap == 1 ? "" : "s", cadence, in_touch ? "" : ": get back in touch first");
	}
	all &= in_touch;
	if (add_check(checks, "in touch", in_touch, reason))
		goto oom;

	char *suggestion = NULL;
	rc = gate_suggestion(ctx, party, as_of, &suggestion);
	if (rc) {
		json_decref(checks);
		return rc;
	}
	char *name = NULL;
	rc = party_name(ctx, party, &name);
	if (rc) {
		free(suggestion);
		json_decref(checks);
		return rc;
	}
	*out = json_pack("{s:I, s:s, s:s, s:o, s:s, s:b, s:o, s:s}", "party", (json_int_t)party, "name", name, "what",
	                 what ? what : "", "as_of", jtime(as_of), "verdict", all ? "ready" : "not yet", "ready", all,
	                 "checks", checks, "suggestion", suggestion);
	free(name);
	free(suggestion);
	if (!*out)
		return recip_oom(ctx);
	*ready = all;
	return RECIP_OK;
oom:
	json_decref(checks);
	return recip_oom(ctx);
}

int recip_ask_check(recip_ctx *ctx, json_t **out, int64_t party, const char *what, recip_time as_of)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	int rc = party_exists(ctx, party);
	if (rc)
		return rc;
	bool ready;
	return gate_evaluate(ctx, party, what, as_of, 0, out, &ready);
}

int gate_first_failure(json_t *verdict, char *out, size_t size)
{
	size_t i;
	json_t *check;
	json_array_foreach(json_object_get(verdict, "checks"), i, check)
	{
		if (!json_is_true(json_object_get(check, "pass"))) {
			snprintf(out, size, "%s: %s", json_string_value(json_object_get(check, "check")),
			         json_string_value(json_object_get(check, "reason")));
			return 1;
		}
	}
	return 0;
}
