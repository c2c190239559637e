/* test_advocacy_growth.c — the K-factor and new customers by source, on a cohort whose answer is known. */
#include "advocacy_support.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void visit(recip_ctx *ctx, const char *who, const char *at)
{
	test_add(ctx, "visit", "party", who, "at", at, NULL);
}

static void exchange(recip_ctx *ctx, const char *who, const char *direction, const char *at)
{
	test_add(ctx, "exchange", "party", who, "direction", direction, "kind", "favour", "at", at, NULL);
}

static int64_t refer(recip_ctx *ctx, const char *referrer, const char *referred, const char *at, const char *status,
                     recip_time resolved)
{
	recip_referral_spec spec = {.referrer = referrer, .referred = referred, .at = at};
	int64_t id;
	if (recip_referral_add(ctx, &id, NULL, &spec) != RECIP_OK)
		fail_msg("%s", recip_errmsg(ctx));
	if (status && recip_referral_resolve(ctx, id, status, resolved, NULL) != RECIP_OK)
		fail_msg("%s", recip_errmsg(ctx));
	return id;
}

/* The cohort of docs/advocacy.md's worked example, as of 23 Nov 2026 over
 * 90 days (26 Aug – 23 Nov). */
static void cohort(recip_ctx *ctx)
{
	add_person(ctx, "Ana", "customer");   /* a regular since June */
	visit(ctx, "Ana", "2026-06-01");
	visit(ctx, "Ana", "2026-10-01");
	add_person(ctx, "Ben", "customer");   /* an exchange in the period */
	exchange(ctx, "Ben", "gave", "2026-05-01");
	exchange(ctx, "Ben", "gave", "2026-11-01");
	add_person(ctx, "Cleo", "customer");  /* active only by the referral she made */
	add_person(ctx, "Dan", "customer");   /* came in July, not since: not active */
	visit(ctx, "Dan", "2026-07-01");
	add_person(ctx, "Eve", "customer");   /* nothing at all */
	add_person(ctx, "Fay", "customer");   /* new in September */
	visit(ctx, "Fay", "2026-09-05");
	add_person(ctx, "Gil", "client");     /* a client, new in October */
	exchange(ctx, "Gil", "received", "2026-10-03");
	add_person(ctx, "Hal", "customer");   /* archived: out of every figure */
	visit(ctx, "Hal", "2026-10-01");
	recip_field archive = {"archived", "yes", RECIP_SET, NULL};
	int64_t hal;
	if (recip_party_resolve(ctx, &hal, "Hal") || recip_record_update(ctx, "party", hal, &archive, 1))
		fail_msg("%s", recip_errmsg(ctx));
	add_person(ctx, "Pat", "partner");    /* a partner firm that refers too */

	refer(ctx, "Ana", "Old One", "2026-07-01", "converted", T(2026, 7, 5, 12, 0)); /* before the period */
	refer(ctx, "Ana", "New One", "2026-09-10", "converted", T(2026, 9, 20, 12, 0));
	visit(ctx, "New One", "2026-09-21");
	refer(ctx, "Ana", "New Two", "2026-10-05", "lost", T(2026, 10, 20, 12, 0));
	refer(ctx, "Ben", "New Three", "2026-11-01", NULL, 0);
	refer(ctx, "Cleo", "New Four", "2026-10-10", "converted", T(2026, 10, 15, 12, 0));
	refer(ctx, "Pat", "New Five", "2026-11-05", "converted", T(2026, 11, 10, 12, 0));
}

static void k_factor_of_a_known_cohort(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	cohort(ctx);
	json_t *doc;
	assert_ok(recip_growth_report(ctx, &doc, T(2026, 11, 23, 12, 0), 0));
	assert_int_equal(ji(doc, "period_days"), 90);
	assert_string_equal(json_string_value(json_object_get(doc, "from")), "2026-08-26");
	/* Ana (visit), Ben (exchange), Cleo (referral), Fay (visit), Gil
	 * (exchange), New One (visit) */
	assert_int_equal(ji(doc, "active_customers"), 6);
	json_t *r = json_object_get(doc, "referrals");
	assert_int_equal(ji(r, "made"), 5);
	assert_int_equal(ji(r, "by_customers"), 4);
	assert_int_equal(ji(r, "converted"), 3);
	assert_int_equal(ji(r, "lost"), 1);
	assert_int_equal(ji(r, "open"), 1);
	assert_near(jn(doc, "referrals_per_active_customer"), 0.8333);
	assert_near(jn(doc, "conversion_rate"), 0.6);
	/* K = 3 converted / 6 active customers = referrals per customer × conversion */
	assert_near(jn(doc, "k_factor"), 0.5);
	json_t *fresh = json_object_get(doc, "new_customers");
	assert_int_equal(ji(fresh, "referral"), 3);
	assert_int_equal(ji(fresh, "other"), 2);
	assert_int_equal(ji(fresh, "total"), 5);
	json_t *months = json_object_get(doc, "months");
	assert_int_equal(json_array_size(months), 4);
	static const struct {
		const char *month;
		int referral, other, made, converted;
	} expected[] = {
		{"2026-08", 0, 0, 0, 0}, {"2026-09", 1, 1, 1, 1}, {"2026-10", 1, 1, 2, 1}, {"2026-11", 1, 0, 2, 1},
	};
	for (size_t i = 0; i < 4; i++) {
		json_t *m = json_array_get(months, i);
		assert_string_equal(json_string_value(json_object_get(m, "month")), expected[i].month);
		assert_int_equal(ji(json_object_get(m, "new_customers"), "referral"), expected[i].referral);
		assert_int_equal(ji(json_object_get(m, "new_customers"), "other"), expected[i].other);
		assert_int_equal(ji(m, "referrals_made"), expected[i].made);
		assert_int_equal(ji(m, "converted"), expected[i].converted);
	}
	json_decref(doc);

	/* as of 12 October: the period starts 15 July; Ben had nothing in it;
	 * of Ana's and Cleo's three referrals only New One had converted */
	assert_ok(recip_growth_report(ctx, &doc, T(2026, 10, 12, 23, 59), 0));
	assert_int_equal(ji(doc, "active_customers"), 5);
	assert_int_equal(ji(json_object_get(doc, "referrals"), "made"), 3);
	assert_int_equal(ji(json_object_get(doc, "referrals"), "converted"), 1);
	assert_near(jn(doc, "k_factor"), 0.2);
	json_decref(doc);

	/* over a year, the July referral counts too, and Dan is active */
	assert_ok(recip_growth_report(ctx, &doc, T(2026, 11, 23, 12, 0), 365));
	assert_int_equal(ji(json_object_get(doc, "referrals"), "made"), 6);
	assert_int_equal(ji(json_object_get(doc, "referrals"), "converted"), 4);
	assert_int_equal(json_array_size(json_object_get(doc, "months")), 13);
	json_decref(doc);
	assert_int_equal(recip_growth_report(ctx, &doc, T(2026, 11, 23, 12, 0), -5), RECIP_EINVAL);
	test_close(ctx);
}

static void nothing_to_divide_by(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	json_t *doc;
	assert_ok(recip_growth_report(ctx, &doc, T(2026, 11, 23, 12, 0), 30));
	assert_int_equal(ji(doc, "active_customers"), 0);
	assert_true(json_is_null(json_object_get(doc, "k_factor")));
	assert_true(json_is_null(json_object_get(doc, "conversion_rate")));
	assert_int_equal(json_array_size(json_object_get(doc, "months")), 2);
	json_decref(doc);
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(k_factor_of_a_known_cohort),
		cmocka_unit_test(nothing_to_divide_by),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
