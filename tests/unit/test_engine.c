/* test_engine.c — the engine's roll-ups stay equal to a recomputation
 * whatever the order of writes; reports as of a past day equal the same
 * reports on a database holding only the entries up to that day; referral
 * and NPS moments; and an older database gets its engine roll-ups on
 * upgrade. */
#include "support.h"

#include "db.h"
#include "engine_rollup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* assert_ok for a context not named ctx */
#define assert_ok_in(c, expr)                                                                          \
	do {                                                                                           \
		int rc_ = (expr);                                                                      \
		if (rc_ != 0)                                                                          \
			fail_msg("%s failed (%d): %s", #expr, rc_, recip_errmsg(c));                 \
	} while (0)

static const char *when(char *out, size_t size, recip_time t)
{
	recip_time_format(out, size, t);
	return out;
}

static const char *id_text(char *out, size_t size, int64_t id)
{
	snprintf(out, size, "%lld", (long long)id);
	return out;
}

static void assert_rollups_exact(recip_ctx *ctx)
{
	json_t *doc;
	assert_ok(recip_rollup_verify(ctx, &doc));
	json_t *mismatches = json_object_get(doc, "mismatches");
	if (json_array_size(mismatches)) {
		char *text = json_dumps(mismatches, JSON_COMPACT);
		fail_msg("roll-up mismatches: %s", text);
	}
	json_decref(doc);
}

/* Visits in every order (back-dated, two the same day), gives before and
 * after the asks that follow them, personal exchanges, edits and deletes:
 * the stored engine roll-up always equals one computed from the ledger. */
static void engine_rollups_follow_every_write(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	char t[32], p[24];
	int64_t ana = test_add(ctx, "party", "name", "Ana Lopez", "+role", "customer", "birthday", "--11-26", NULL);
	id_text(p, sizeof(p), ana);
	test_add(ctx, "visit", "party", p, "at", "2026-10-05T08:00", NULL);
	test_add(ctx, "visit", "party", p, "at", "2026-10-12T08:10", NULL);
	int64_t back = test_add(ctx, "visit", "party", p, "at", "2026-09-28T07:50", NULL);  /* back-dated */
	test_add(ctx, "visit", "party", p, "at", "2026-10-12T16:00", NULL);                  /* same day */
	test_add(ctx, "visit", "party", p, "at", "2026-10-19T08:05", NULL);
	assert_rollups_exact(ctx);
	engine_rollup e;
	assert_ok(engine_read(ctx, ana, &e));
	/* four Mondays, a weekday each, one of them with two visits */
	assert_int_equal(e.weekday[0].days, 4);
	assert_int_equal(e.weekday[1].days, 0);
	assert_int_equal(e.weekday[0].last_at, T(2026, 10, 19, 8, 5));
	test_add(ctx, "exchange", "party", p, "direction", "gave", "kind", "treat", "personal", "yes", "at",
	         "2026-10-01", NULL);
	test_add(ctx, "ask", "party", p, "direction", "ours", "what", "review", "at", "2026-10-03", "forced", "yes", NULL);
	test_add(ctx, "exchange", "party", p, "direction", "gave", "kind", "gift", "at", "2026-10-20", NULL);
	test_add(ctx, "exchange", "party", p, "direction", "received", "kind", "favour", "personal", "yes", "at",
	         "2026-10-21", NULL);
	int64_t ask = test_add(ctx, "ask", "party", p, "direction", "ours", "what", "referral", "at", "2026-10-25",
	                       "forced", "yes", NULL);
	assert_ok(engine_read(ctx, ana, &e));
	assert_int_equal(e.personal_count, 2);
	assert_int_equal(e.followed_count, 2);
	assert_rollups_exact(ctx);
	recip_field move = {"at", when(t, sizeof(t), T(2026, 11, 2, 9, 0)), RECIP_SET, NULL};
	assert_ok(recip_record_update(ctx, "visit", back, &move, 1));
	assert_rollups_exact(ctx);
	assert_ok(recip_record_delete(ctx, "ask", ask));
	assert_ok(engine_read(ctx, ana, &e));
	assert_int_equal(e.followed_count, 1);
	assert_rollups_exact(ctx);
	recip_field birthday = {"birthday", "--12-01", RECIP_SET, NULL};
	assert_ok(recip_record_update(ctx, "party", ana, &birthday, 1));
	int64_t month_day;
	assert_ok(db_int(ctx, &month_day, 0, "SELECT month_day FROM party_annual WHERE party_id = ?", "i", ana));
	assert_int_equal(month_day, 1201);
	test_close(ctx);
}

/* ---- as of a past day ---------------------------------------------------------------- */

typedef struct event {
	recip_time at;
	int kind;     /* 0 visit, 1 gave, 2 received, 3 touch, 4 our ask, 5 their ask, 6 promise */
	int party;
	int variant;
} event;

static uint64_t rng_next(uint64_t *s)
{
	*s = *s * 6364136223846793005u + 1442695040888963407u;
	return *s >> 33;
}

static void add_event(recip_ctx *ctx, const int64_t *parties, const event *ev)
{
	static const char *const kinds[] = {"treat", "gift", "favour", "advice", "referral"};
	char t[32], due[32], p[24];
	id_text(p, sizeof(p), parties[ev->party]);
	when(t, sizeof(t), ev->at);
	switch (ev->kind) {
	case 0: test_add(ctx, "visit", "party", p, "at", t, NULL); break;
	case 1:
	case 2:
		test_add(ctx, "exchange", "party", p, "direction", ev->kind == 1 ? "gave" : "received", "kind",
		         kinds[ev->variant % 5], "personal", ev->variant % 3 == 0 ? "yes" : "no", "at", t, NULL);
		break;
	case 3: test_add(ctx, "touch", "party", p, "purpose", ev->variant % 2 ? "need" : "checkin", "at", t, NULL); break;
	case 4: test_add(ctx, "ask", "party", p, "direction", "ours", "what", "review", "forced", "yes", "at", t, NULL); break;
	case 5: test_add(ctx, "ask", "party", p, "direction", "theirs", "what", "advice", "at", t, NULL); break;
	default:
		test_add(ctx, "promise", "party", p, "what", "a promise", "at", t, "due",
		         when(due, sizeof(due), ev->at + (ev->variant % 9) * RECIP_DAY), NULL);
	}
}

static recip_ctx *open_at(const char *path)
{
	recip_ctx *ctx;
	assert_int_equal(recip_ctx_new(&ctx), RECIP_OK);
	recip_ctx_set_now(ctx, T(2026, 1, 1, 0, 0));
	if (recip_open(ctx, path, RECIP_OPEN_CREATE) != RECIP_OK)
		fail_msg("cannot open %s: %s", path, recip_errmsg(ctx));
	return ctx;
}

static char *dump(json_t *doc)
{
	char *text = json_dumps(doc, JSON_SORT_KEYS | JSON_INDENT(1));
	json_decref(doc);
	assert_non_null(text);
	return text;
}

static void assert_same_doc(const char *what, json_t *a, json_t *b)
{
	char *x = dump(a), *y = dump(b);
	if (strcmp(x, y)) {
		fprintf(stderr, "%s differs:\n--- whole ledger as of the day\n%s\n--- ledger up to the day\n%s\n", what, x, y);
		fail_msg("%s differs", what);
	}
	free(x);
	free(y);
}

static void reports_as_of_equal_a_truncated_ledger(void **state)
{
	(void)state;
	char *path_all = test_temp_path("-all.db"), *path_cut = test_temp_path("-cut.db");
	recip_ctx *all = open_at(path_all), *cut = open_at(path_cut);
	static const char *const roles[] = {"customer", "client", "partner", "customer", "client", "customer"};
	static const char *const names[] = {"Ana", "Ben", "Cleo", "Dan", "Eve", "Fay"};
	int64_t ids_all[6], ids_cut[6];
	for (int i = 0; i < 6; i++) {
		ids_all[i] = test_add(all, "party", "name", names[i], "+role", roles[i], "birthday", i == 3 ? "--11-25" : NULL,
		                      NULL);
		ids_cut[i] = test_add(cut, "party", "name", names[i], "+role", roles[i], "birthday", i == 3 ? "--11-25" : NULL,
		                      NULL);
	}
	recip_time day = T(2026, 11, 23, 12, 0);
	enum { N_EVENTS = 400 };
	event *events = calloc(N_EVENTS, sizeof(*events));
	assert_non_null(events);
	uint64_t seed = 20261123;
	for (int i = 0; i < N_EVENTS; i++) {
		event *ev = &events[i];
		int r = (int)(rng_next(&seed) % 100);
		ev->kind = r < 50 ? 0 : r < 62 ? 1 : r < 70 ? 2 : r < 80 ? 3 : r < 86 ? 4 : r < 92 ? 5 : 6;
		ev->party = (int)(rng_next(&seed) % 6);
		ev->variant = (int)(rng_next(&seed) % 97);
		/* 150 days before the day to 30 after, at some minute of the day */
		ev->at = day - 150 * RECIP_DAY + (recip_time)(rng_next(&seed) % (180 * 24 * 60)) * 60;
		/* regulars come on their own weekday, mostly in the morning */
		if (ev->kind == 0) {
			int64_t d = ev->at / RECIP_DAY;
			while (weekday_of_day(d) != ev->party % 7)
				d++;
			ev->at = d * RECIP_DAY + (7 + ev->party) * 3600 + (recip_time)(rng_next(&seed) % 50) * 60;
		}
	}
	/* the entries up to the day in the order generated (much of it
	 * back-dated), into both, so that their ids match; then the later ones */
	for (int i = 0; i < N_EVENTS; i++)
		if (events[i].at <= day) {
			add_event(all, ids_all, &events[i]);
			add_event(cut, ids_cut, &events[i]);
		}
	for (int i = 0; i < N_EVENTS; i++)
		if (events[i].at > day)
			add_event(all, ids_all, &events[i]);
	free(events);
	assert_rollups_exact(all);
	assert_rollups_exact(cut);
	json_t *a, *b;
	assert_ok_in(all, recip_agenda_report(all, &a, day, 0));
	assert_ok_in(cut, recip_agenda_report(cut, &b, day, 0));
	assert_same_doc("the agenda", a, b);
	assert_ok_in(all, recip_moments_report(all, &a, day));
	assert_ok_in(cut, recip_moments_report(cut, &b, day));
	/* the moments must not be empty for the comparison to mean something */
	assert_true(json_array_size(json_object_get(b, "items")) > 3);
	assert_same_doc("the moments", a, b);
	assert_ok_in(all, recip_expected_report(all, &a, day + 2 * RECIP_DAY, day));
	assert_ok_in(cut, recip_expected_report(cut, &b, day + 2 * RECIP_DAY, day));
	assert_same_doc("expected in two days", a, b);
	assert_ok_in(all, recip_expected_report(all, &a, day, day));
	assert_ok_in(cut, recip_expected_report(cut, &b, day, day));
	assert_same_doc("expected today", a, b);
	assert_ok_in(all, recip_expected_report(all, &a, day - RECIP_DAY, day));
	assert_ok_in(cut, recip_expected_report(cut, &b, day - RECIP_DAY, day));
	assert_same_doc("expected yesterday", a, b);
	assert_ok_in(all, recip_genuine_report(all, &a, 0, day));
	assert_ok_in(cut, recip_genuine_report(cut, &b, 0, day));
	assert_same_doc("genuineness", a, b);
	assert_ok_in(all, recip_trust_report(all, &a, 0, day));
	assert_ok_in(cut, recip_trust_report(cut, &b, 0, day));
	assert_same_doc("the trust ranking", a, b);
	assert_ok_in(all, recip_asks_report(all, &a, 0, day));
	assert_ok_in(cut, recip_asks_report(cut, &b, 0, day));
	assert_same_doc("open asks", a, b);
	recip_ctx_free(all);
	recip_ctx_free(cut);
	remove(path_all);
	remove(path_cut);
	free(path_all);
	free(path_cut);
}

/* ---- referral and NPS moments -------------------------------------------------------- */

static json_t *moment_with_key(json_t *doc, const char *key)
{
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(doc, "items"), i, m)
	if (!strcmp(json_string_value(json_object_get(m, "key")), key))
		return m;
	return NULL;
}

static void referrals_and_detractors_are_moments(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	recip_time now = T(2026, 11, 23, 12, 0);
	char key[64];
	int64_t rita = test_add(ctx, "party", "name", "Rita Ray", "+role", "customer", NULL);
	test_add(ctx, "party", "name", "Sam Stone", "+role", "customer", NULL);
	test_add(ctx, "party", "name", "Old Friend", "+role", "customer", NULL);
	int64_t marek = test_add(ctx, "party", "name", "Marek Nowak", "+role", "customer", NULL);
	int64_t pia = test_add(ctx, "party", "name", "Pia Pond", "+role", "customer", NULL);
	test_add(ctx, "party", "name", "Happy Harry", "+role", "customer", NULL);
	recip_fact_remember(ctx, rita, "regular order", "flat white");
	int64_t ref = test_add(ctx, "referral", "referrer", "Rita", "party", "Sam", "status", "converted", "at",
	                       "2026-11-15", "resolved_at", "2026-11-16", NULL);
	test_add(ctx, "referral", "referrer", "Rita", "party", "Old Friend", "at", "2026-09-01", NULL); /* too old */
	int64_t low = test_add(ctx, "nps", "party", "Marek", "score", "3", "at", "2026-11-13", "comment",
	                       "my order was wrong twice", NULL);
	int64_t mid = test_add(ctx, "nps", "party", "Pia", "score", "6", "at", "2026-11-20", NULL);
	test_add(ctx, "nps", "party", "Happy", "score", "7", "at", "2026-11-20", NULL); /* a passive */
	json_t *doc, *m;
	assert_ok(recip_moments_report(ctx, &doc, now));
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 3);
	snprintf(key, sizeof(key), "referral:%lld", (long long)ref);
	assert_non_null(m = moment_with_key(doc, key));
	assert_string_equal(json_string_value(json_object_get(m, "suggestion")),
	                    "Rita Ray — sent us Sam Stone 8 days ago, now a customer: thank Rita with their flat white "
	                    "on the house and a thank-you note");
	assert_int_equal(json_integer_value(json_object_get(m, "party")), rita);
	snprintf(key, sizeof(key), "detractor:%lld", (long long)low);
	assert_non_null(m = moment_with_key(doc, key));
	assert_string_equal(json_string_value(json_object_get(m, "suggestion")),
	                    "Marek Nowak — scored us 3/10 10 days ago (\"my order was wrong twice\"): call Marek, listen, "
	                    "apologise and put it right — ask for nothing");
	json_decref(doc);
	/* as of the 14th, the referral had not happened yet */
	assert_ok(recip_moments_report(ctx, &doc, T(2026, 11, 14, 23, 0)));
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 1);
	json_decref(doc);

	/* acting: a give to the referrer; a call to Marek; a follow-up noted on Pia's answer */
	test_add(ctx, "exchange", "party", "Rita", "direction", "gave", "kind", "treat", "at", "2026-11-20", NULL);
	test_add(ctx, "touch", "party", "Marek", "at", "2026-11-21", NULL);
	recip_field followed = {"followed_up_at", "2026-11-22", RECIP_SET, NULL};
	assert_ok(recip_record_update(ctx, "nps", mid, &followed, 1));
	assert_ok(recip_moments_report(ctx, &doc, now));
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 0);
	json_decref(doc);
	/* … but as of the 21st Pia's follow-up was still to come */
	assert_ok(recip_moments_report(ctx, &doc, T(2026, 11, 21, 12, 0)));
	snprintf(key, sizeof(key), "detractor:%lld", (long long)mid);
	assert_non_null(moment_with_key(doc, key));
	json_decref(doc);
	(void)marek;
	(void)pia;
	test_close(ctx);
}

/* ---- upgrade --------------------------------------------------------------------------- */

static void an_older_database_gets_engine_rollups(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t ana = test_add(ctx, "party", "name", "Ana Lopez", "+role", "customer", "birthday", "--11-26", NULL);
	for (int d = 1; d <= 9; d += 2) {
		char t[32];
		test_add(ctx, "visit", "party", "Ana", "at", when(t, sizeof(t), T(2026, 10, d, 8, 0)), NULL);
	}
	/* make it what schema 2 left: no engine tables, roll-ups computed
	 * with settings that did not name the engine's */
	assert_ok(db_exec(ctx, "DROP TABLE api_token; DROP TABLE app_session; DROP TABLE app_user; "
	                       "DROP TABLE party_engine; DROP TABLE visit_weekday; DROP TABLE party_annual; "
	                       "DROP INDEX party_rollup_first_visit; DROP INDEX party_rollup_last_visit; "
	                       "DROP INDEX ask_resolved; DROP INDEX promise_resolved; "
	                       "UPDATE meta SET value = '2' WHERE key = 'schema_version'; "
	                       "UPDATE meta SET value = 'half_life=180' WHERE key = 'rollup_params'"));
	char *path = xstrdup(test_db_path());
	recip_close(ctx);
	assert_ok(recip_open(ctx, path, 0));
	assert_non_null(recip_upgrade_notice(ctx));
	int version;
	assert_ok(recip_schema_version(ctx, &version));
	assert_int_equal(version, recip_schema_version_current());
	assert_rollups_exact(ctx);
	engine_rollup e;
	assert_ok(engine_read(ctx, ana, &e));
	assert_int_equal(e.weekday[weekday_of_day(T(2026, 10, 1, 0, 0) / RECIP_DAY)].days, 1);
	assert_int_not_equal(e.lapse_at, TIME_NONE);
	json_t *doc;
	assert_ok(recip_moments_report(ctx, &doc, T(2026, 11, 23, 12, 0)));
	char key[64];
	snprintf(key, sizeof(key), "birthday:%lld:2026-11-26", (long long)ana);
	assert_non_null(moment_with_key(doc, key));
	snprintf(key, sizeof(key), "lapsed:%lld:2026-10-09", (long long)ana);
	assert_non_null(moment_with_key(doc, key));
	json_decref(doc);
	free(path);
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(engine_rollups_follow_every_write),
		cmocka_unit_test(reports_as_of_equal_a_truncated_ledger),
		cmocka_unit_test(referrals_and_detractors_are_moments),
		cmocka_unit_test(an_older_database_gets_engine_rollups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
