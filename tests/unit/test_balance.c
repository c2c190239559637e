/* test_balance.c — the balance exactly as DESIGN.md defines it: sign, decay
 * with the half-life in whole days, the personal and unexpected bonuses,
 * and roll-ups that stay exact when entries are back-dated, edited or
 * deleted. */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static double balance_of(recip_ctx *ctx, int64_t party, recip_time as_of)
{
	json_t *doc;
	assert_ok(recip_balance_report(ctx, &doc, party, as_of));
	double b = json_number_value(json_object_get(json_array_get(json_object_get(doc, "items"), 0), "balance"));
	json_decref(doc);
	return b;
}

static int64_t party(recip_ctx *ctx, const char *name)
{
	return test_add(ctx, "party", "name", name, NULL);
}

static void give(recip_ctx *ctx, int64_t who, const char *direction, const char *value, const char *at,
                 const char *personal, const char *unexpected)
{
	char id[32];
	snprintf(id, sizeof(id), "%lld", (long long)who);
	test_add(ctx, "exchange", "party", id, "direction", direction, "kind", "favour", "value", value, "at", at,
	         "personal", personal, "unexpected", unexpected, NULL);
}

static void sign_and_half_life(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t ana = party(ctx, "Ana");
	/* 4 given exactly 180 days (one half-life) before the as-of day: worth 2 */
	give(ctx, ana, "gave", "4", "2026-05-27T10:00", "no", "no");
	assert_near(balance_of(ctx, ana, T(2026, 11, 23, 23, 59)), 2.0);
	/* on the day itself: the full 4 */
	assert_near(balance_of(ctx, ana, T(2026, 5, 27, 18, 0)), 4.0);
	/* two half-lives: a quarter */
	assert_near(balance_of(ctx, ana, T(2027, 5, 22, 12, 0)), 1.0);
	/* before it happened: nothing */
	assert_near(balance_of(ctx, ana, T(2026, 5, 26, 12, 0)), 0.0);
	/* something received weighs against: we owe them */
	int64_t ben = party(ctx, "Ben");
	give(ctx, ben, "received", "3", "2026-11-23T09:00", "no", "no");
	assert_near(balance_of(ctx, ben, T(2026, 11, 23, 12, 0)), -3.0);
	test_close(ctx);
}

static void personal_and_unexpected_weigh_more(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t a = party(ctx, "A"), b = party(ctx, "B"), c = party(ctx, "C");
	give(ctx, a, "gave", "2", "2026-11-23T09:00", "yes", "no");
	give(ctx, b, "gave", "2", "2026-11-23T09:00", "no", "yes");
	give(ctx, c, "gave", "2", "2026-11-23T09:00", "yes", "yes");
	recip_time now = T(2026, 11, 23, 12, 0);
	/* built-in bonuses: personal × 1.5, unexpected × 1.5 */
	assert_near(balance_of(ctx, a, now), 3.0);
	assert_near(balance_of(ctx, b, now), 3.0);
	assert_near(balance_of(ctx, c, now), 4.5);
	/* changed bonuses apply to the whole history (the roll-ups are rebuilt) */
	assert_ok(recip_config_set(ctx, "balance.personal_bonus", "2", "test"));
	assert_near(balance_of(ctx, a, now), 4.0);
	assert_near(balance_of(ctx, c, now), 6.0);
	assert_ok(recip_config_set(ctx, "balance.half_life", "90d", "test"));
	assert_near(balance_of(ctx, a, T(2027, 2, 21, 12, 0)), 2.0); /* 90 days later */
	json_t *check;
	assert_ok(recip_rollup_verify(ctx, &check));
	assert_int_equal(json_array_size(json_object_get(check, "mismatches")), 0);
	json_decref(check);
	test_close(ctx);
}

static void kind_value_is_the_default(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t a = party(ctx, "A");
	char id[16];
	snprintf(id, sizeof(id), "%lld", (long long)a);
	/* an introduction is worth 4 by default, a treat 1 */
	test_add(ctx, "exchange", "party", id, "direction", "gave", "kind", "introduction", "at", "2026-11-23T09:00",
	         NULL);
	test_add(ctx, "exchange", "party", id, "direction", "gave", "kind", "treat", "at", "2026-11-23T09:00", NULL);
	assert_near(balance_of(ctx, a, T(2026, 11, 23, 12, 0)), 5.0);
	test_close(ctx);
}

static void back_dated_edited_and_deleted_entries_stay_exact(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t a = party(ctx, "A");
	char id[16];
	snprintf(id, sizeof(id), "%lld", (long long)a);
	give(ctx, a, "gave", "4", "2026-11-23T09:00", "no", "no");
	/* back-dated by one half-life: adds 2 today */
	int64_t old = test_add(ctx, "exchange", "party", id, "direction", "gave", "kind", "favour", "value", "4", "at",
	                       "2026-05-27T09:00", NULL);
	recip_time now = T(2026, 11, 23, 12, 0);
	assert_near(balance_of(ctx, a, now), 6.0);
	/* as of a day between them, only the older one counts, decayed */
	assert_near(balance_of(ctx, a, T(2026, 5, 27, 12, 0)), 4.0);
	/* an edit: the old one becomes received */
	recip_field change = {"direction", "received", RECIP_SET, NULL};
	assert_ok(recip_record_update(ctx, "exchange", old, &change, 1));
	assert_near(balance_of(ctx, a, now), 2.0);
	/* a delete */
	assert_ok(recip_record_delete(ctx, "exchange", old));
	assert_near(balance_of(ctx, a, now), 4.0);
	json_t *doc;
	assert_ok(recip_balance_report(ctx, &doc, a, now));
	json_t *item = json_array_get(json_object_get(doc, "items"), 0);
	assert_int_equal(json_integer_value(json_object_get(item, "gave_count")), 1);
	assert_int_equal(json_integer_value(json_object_get(item, "received_count")), 0);
	json_decref(doc);
	test_close(ctx);
}

static void report_orders_strongest_first_and_totals(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t a = party(ctx, "Alpha"), b = party(ctx, "Beta"), c = party(ctx, "Gamma");
	party(ctx, "Delta without exchanges");
	give(ctx, a, "gave", "1", "2026-11-23T09:00", "no", "no");
	give(ctx, b, "gave", "5", "2026-11-23T09:00", "no", "no");
	give(ctx, c, "received", "2", "2026-11-23T09:00", "no", "no");
	json_t *doc;
	assert_ok(recip_balance_report(ctx, &doc, 0, T(2026, 11, 23, 12, 0)));
	json_t *items = json_object_get(doc, "items");
	assert_int_equal(json_array_size(items), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 0), "name")), "Beta");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 1), "name")), "Alpha");
	assert_string_equal(json_string_value(json_object_get(json_array_get(items, 2), "name")), "Gamma");
	assert_near(json_number_value(json_object_get(doc, "goodwill")), 6.0);
	assert_near(json_number_value(json_object_get(doc, "owed")), -2.0);
	json_decref(doc);
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sign_and_half_life),
		cmocka_unit_test(personal_and_unexpected_weigh_more),
		cmocka_unit_test(kind_value_is_the_default),
		cmocka_unit_test(back_dated_edited_and_deleted_entries_stay_exact),
		cmocka_unit_test(report_orders_strongest_first_and_totals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
