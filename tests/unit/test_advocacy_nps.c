/* test_advocacy_nps.c — the Net Promoter Score, its trend by month, follow-ups, and the advocate ranking. */
#include "advocacy_support.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int64_t answer(recip_ctx *ctx, int64_t party, const char *score, const char *at)
{
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)party);
	return test_add(ctx, "nps", "party", id, "score", score, "at", at, NULL);
}

/* Ten parties: five promoters, three passives, two detractors, spread over
 * October and November 2026. */
static void ten_answers(recip_ctx *ctx, int64_t p[10])
{
	static const char *const names[10] = {"Ana", "Ben", "Chloé", "Dmitri", "Eleni",
	                                      "Farah", "Gustav", "Hana", "Ibrahim", "Julia"};
	static const char *const scores[10] = {"9", "10", "9", "10", "9", "7", "8", "7", "3", "6"};
	static const char *const days[10] = {"2026-10-05", "2026-10-10", "2026-10-12", "2026-11-02", "2026-11-03",
	                                     "2026-11-04", "2026-11-05", "2026-11-06", "2026-10-20", "2026-11-07"};
	for (int i = 0; i < 10; i++) {
		p[i] = add_person(ctx, names[i], "customer");
		answer(ctx, p[i], scores[i], days[i]);
	}
}

static void nps_is_promoters_minus_detractors(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t p[10];
	ten_answers(ctx, p);
	/* an answer outside the 90-day window does not count */
	answer(ctx, p[0], "2", "2026-01-15");
	json_t *doc;
	assert_ok(recip_nps_report(ctx, &doc, T(2026, 11, 23, 12, 0), 0));
	assert_int_equal(ji(doc, "window_days"), 90);
	assert_string_equal(json_string_value(json_object_get(doc, "from")), "2026-08-26");
	assert_int_equal(ji(doc, "respondents"), 10);
	assert_int_equal(ji(doc, "answers"), 10);
	assert_int_equal(ji(doc, "promoters"), 5);
	assert_int_equal(ji(doc, "passives"), 3);
	assert_int_equal(ji(doc, "detractors"), 2);
	/* 50 % promoters − 20 % detractors */
	assert_near(jn(doc, "nps"), 30);
	assert_near(jn(doc, "promoter_percent"), 50);
	assert_near(jn(doc, "detractor_percent"), 20);
	json_decref(doc);

	/* Ben answers again, an 8: only each party's latest answer counts, so
	 * 4 promoters, 4 passives, 2 detractors — an NPS of exactly 20 */
	answer(ctx, p[1], "8", "2026-11-20");
	assert_ok(recip_nps_report(ctx, &doc, T(2026, 11, 23, 12, 0), 0));
	assert_int_equal(ji(doc, "respondents"), 10);
	assert_int_equal(ji(doc, "answers"), 11);
	assert_int_equal(ji(doc, "promoters"), 4);
	assert_int_equal(ji(doc, "passives"), 4);
	assert_int_equal(ji(doc, "detractors"), 2);
	assert_true(json_is_integer(json_object_get(doc, "nps")));
	assert_int_equal(ji(doc, "nps"), 20);
	json_decref(doc);

	/* as of the day before Ben's second answer, it was still 30 */
	assert_ok(recip_nps_report(ctx, &doc, T(2026, 11, 19, 23, 59), 0));
	assert_near(jn(doc, "nps"), 30);
	json_decref(doc);

	/* the 30 days to 23 Nov hold only the November answers: 2 promoters
	 * (Dmitri, Eleni), 4 passives (Farah, Gustav, Hana, Ben), 1 detractor
	 * (Julia): (2 − 1) / 7 */
	assert_ok(recip_nps_report(ctx, &doc, T(2026, 11, 23, 12, 0), 30));
	assert_int_equal(ji(doc, "respondents"), 7);
	assert_near(jn(doc, "nps"), round(100.0 / 7.0 * 10000) / 10000);
	json_decref(doc);
	test_close(ctx);
}

static void trend_by_month_counts_the_latest_answer_of_each_month(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t p[10];
	ten_answers(ctx, p);
	answer(ctx, p[1], "8", "2026-11-20");
	/* Ana twice in October: the later one (a 6) is her October answer */
	answer(ctx, p[0], "6", "2026-10-25");
	json_t *doc;
	assert_ok(recip_nps_report(ctx, &doc, T(2026, 11, 23, 12, 0), 0));
	json_t *months = json_object_get(doc, "months");
	assert_int_equal(json_array_size(months), 4);
	json_t *aug = json_array_get(months, 0), *sep = json_array_get(months, 1);
	json_t *oct = json_array_get(months, 2), *nov = json_array_get(months, 3);
	assert_string_equal(json_string_value(json_object_get(aug, "month")), "2026-08");
	assert_string_equal(json_string_value(json_object_get(aug, "from")), "2026-08-26");
	assert_string_equal(json_string_value(json_object_get(nov, "to")), "2026-11-23");
	assert_int_equal(ji(sep, "respondents"), 0);
	assert_true(json_is_null(json_object_get(sep, "nps")));
	/* October: Ana 6, Ben 10, Chloé 9, Ibrahim 3 → 2 promoters, 2 detractors */
	assert_int_equal(ji(oct, "respondents"), 4);
	assert_int_equal(ji(oct, "promoters"), 2);
	assert_int_equal(ji(oct, "detractors"), 2);
	assert_near(jn(oct, "nps"), 0);
	/* November: Dmitri 10, Eleni 9, Farah 7, Gustav 8, Hana 7, Julia 6, Ben 8 */
	assert_int_equal(ji(nov, "respondents"), 7);
	assert_int_equal(ji(nov, "promoters"), 2);
	assert_int_equal(ji(nov, "passives"), 4);
	assert_int_equal(ji(nov, "detractors"), 1);
	/* overall, Ana's latest is now a 6: 3 promoters, 4 passives, 3 detractors */
	assert_near(jn(doc, "nps"), 0);
	assert_int_equal(json_array_size(json_object_get(doc, "detractor_answers")), 3);
	json_decref(doc);
	test_close(ctx);
}

static void bad_answers_are_refused_and_change_nothing(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t ana = add_person(ctx, "Ana Lopez", "customer");
	char id[24];
	snprintf(id, sizeof(id), "%lld", (long long)ana);
	assert_int_equal(test_try_add(ctx, NULL, "nps", "party", id, "score", "11", NULL), RECIP_EINVAL);
	assert_string_equal(recip_errmsg(ctx), "score must be between 0 and 10 (got 11)");
	assert_int_equal(test_try_add(ctx, NULL, "nps", "party", id, "score", "-1", NULL), RECIP_EINVAL);
	assert_int_equal(test_try_add(ctx, NULL, "nps", "party", id, "score", "nine", NULL), RECIP_EINVAL);
	assert_int_equal(test_try_add(ctx, NULL, "nps", "party", "Zed", "score", "9", NULL), RECIP_ENOTFOUND);
	assert_string_equal(recip_errmsg(ctx), "unknown party 'Zed'");
	assert_int_equal(test_try_add(ctx, NULL, "nps", "party", id, "score", "3", "at", "2026-11-10",
	                              "followed_up_at", "2026-11-09", NULL),
	                 RECIP_EINVAL);
	assert_string_equal(recip_errmsg(ctx), "a follow-up cannot come before the answer");
	json_t *doc;
	assert_ok(recip_nps_report(ctx, &doc, T(2026, 11, 23, 12, 0), 0));
	assert_int_equal(ji(doc, "answers"), 0);
	assert_true(json_is_null(json_object_get(doc, "nps")));
	json_decref(doc);
	assert_int_equal(recip_nps_report(ctx, &doc, T(2026, 11, 23, 12, 0), -1), RECIP_EINVAL);
	test_close(ctx);
}

static json_t *find_party(json_t *items, int64_t party)
{
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item)
	if (json_integer_value(json_object_get(item, "party")) == party)
		return item;
	return NULL;
}

static void advocates_rank_every_component(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t a = add_person(ctx, "Ana", "customer"), e = add_person(ctx, "Eve", "customer");
	int64_t f = add_person(ctx, "Finn", "customer"), g = add_person(ctx, "Gus", "customer");
	int64_t h = add_person(ctx, "Hal", "customer"), i = add_person(ctx, "Ida", "customer");
	recip_referral_spec spec = {.referrer = "Ana", .referred = "Bo", .at = "2026-10-01"};
	int64_t r1, r3;
	assert_ok(recip_referral_add(ctx, &r1, NULL, &spec));
	assert_ok(recip_referral_resolve(ctx, r1, "converted", T(2026, 10, 5, 12, 0), NULL));
	spec.referred = "Cy";
	assert_ok(recip_referral_add(ctx, NULL, NULL, &spec));
	spec.referred = "Dee";
	assert_ok(recip_referral_add(ctx, &r3, NULL, &spec));
	assert_ok(recip_referral_resolve(ctx, r3, "lost", T(2026, 10, 9, 12, 0), NULL));
	test_add(ctx, "review", "party", "Ana", "platform", "Google", "rating", "5", "at", "2026-10-02", NULL);
	answer(ctx, a, "10", "2026-10-03");
	test_add(ctx, "review", "party", "Eve", "platform", "yelp", "rating", "1", "at", "2026-10-02", NULL);
	answer(ctx, f, "9", "2026-09-03");
	answer(ctx, f, "10", "2026-10-03");
	answer(ctx, g, "3", "2026-11-02");
	int64_t hal_answer = answer(ctx, h, "5", "2026-11-03");
	answer(ctx, i, "4", "2026-10-03");
	answer(ctx, i, "9", "2026-11-03");
	(void)hal_answer;
	int64_t n;
	assert_ok(recip_nps_follow_up(ctx, &n, h, T(2026, 11, 4, 10, 0)));
	assert_int_equal(n, 1);

	json_t *doc;
	assert_ok(recip_advocates_report(ctx, &doc, T(2026, 11, 23, 12, 0), INT64_MIN, 0));
	json_t *items = json_object_get(doc, "items");
	/* Ana 5 + 2 + 1 + (5 − 2) + 2 = 13; Finn 2 × 2; Ida 2; Eve's 1-star
	 * review is −1: not an advocate */
	assert_int_equal(json_array_size(items), 3);
	json_t *first = json_array_get(items, 0);
	assert_int_equal(ji(first, "party"), a);
	assert_int_equal(ji(first, "rank"), 1);
	assert_int_equal(ji(first, "score"), 13);
	assert_int_equal(ji(json_object_get(first, "converted"), "count"), 1);
	assert_int_equal(ji(json_object_get(first, "converted"), "points"), 5);
	assert_int_equal(ji(json_object_get(first, "leads"), "count"), 1);
	assert_int_equal(ji(json_object_get(first, "lost"), "count"), 1);
	assert_int_equal(ji(json_object_get(first, "reviews"), "count"), 1);
	assert_int_equal(ji(json_object_get(first, "reviews"), "points"), 3);
	assert_near(jn(json_object_get(first, "reviews"), "average_rating"), 5);
	assert_int_equal(ji(json_object_get(first, "promoter_answers"), "count"), 1);
	assert_int_equal(ji(json_array_get(items, 1), "party"), f);
	assert_int_equal(ji(json_array_get(items, 1), "score"), 4);
	assert_int_equal(ji(json_array_get(items, 2), "party"), i);
	assert_null(find_party(items, e));
	/* detractors never followed up: Gus only (Hal was followed up, Ida's
	 * latest answer is a promoter's) */
	json_t *detractors = json_object_get(doc, "detractors");
	assert_int_equal(json_array_size(detractors), 1);
	json_t *gus = json_array_get(detractors, 0);
	assert_int_equal(ji(gus, "party"), g);
	assert_string_equal(json_string_value(json_object_get(gus, "moment")), "follow up with Gus: NPS 3 on 2 Nov");
	json_decref(doc);

	/* as of October, Ana's first referral was still a lead, Bo not converted */
	assert_ok(recip_advocates_report(ctx, &doc, T(2026, 10, 4, 12, 0), INT64_MIN, 0));
	first = json_array_get(json_object_get(doc, "items"), 0);
	assert_int_equal(ji(first, "party"), a);
	assert_int_equal(ji(json_object_get(first, "converted"), "count"), 0);
	assert_int_equal(ji(json_object_get(first, "leads"), "count"), 3);
	/* 3 leads × 2 + review 3 + promoter 2 */
	assert_int_equal(ji(first, "score"), 11);
	json_decref(doc);

	/* since November: only Ida's promoter answer (and the detractors of November) */
	assert_ok(recip_advocates_report(ctx, &doc, T(2026, 11, 23, 12, 0), T(2026, 11, 1, 0, 0), 0));
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 1);
	assert_int_equal(ji(json_array_get(json_object_get(doc, "items"), 0), "party"), i);
	json_decref(doc);

	/* a limit keeps the first */
	assert_ok(recip_advocates_report(ctx, &doc, T(2026, 11, 23, 12, 0), INT64_MIN, 1));
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 1);
	assert_int_equal(ji(doc, "advocates"), 3);
	json_decref(doc);

	/* following Gus up clears the list; there is nothing left to follow up */
	assert_ok(recip_nps_follow_up(ctx, &n, g, T(2026, 11, 23, 12, 0)));
	assert_ok(recip_advocates_report(ctx, &doc, T(2026, 11, 23, 12, 0), INT64_MIN, 0));
	assert_int_equal(json_array_size(json_object_get(doc, "detractors")), 0);
	json_decref(doc);
	assert_int_equal(recip_nps_follow_up(ctx, &n, g, T(2026, 11, 23, 12, 0)), RECIP_ENOTFOUND);
	assert_string_equal(recip_errmsg(ctx), "'Gus' has no detractor answer (0-6) waiting for a follow-up");
	/* as of before the follow-up, Gus still waited */
	assert_ok(recip_advocates_report(ctx, &doc, T(2026, 11, 20, 12, 0), INT64_MIN, 0));
	assert_int_equal(json_array_size(json_object_get(doc, "detractors")), 1);
	json_decref(doc);
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nps_is_promoters_minus_detractors),
		cmocka_unit_test(trend_by_month_counts_the_latest_answer_of_each_month),
		cmocka_unit_test(bad_answers_are_refused_and_change_nothing),
		cmocka_unit_test(advocates_rank_every_component),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
