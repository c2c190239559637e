/* test_advocacy_reviews.c — reviews: answering our asks, refusals, averages by platform. */
#include "advocacy_support.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int64_t ask_ours(recip_ctx *ctx, const char *party, const char *what, const char *at)
{
	return test_add(ctx, "ask", "party", party, "direction", "ours", "what", what, "at", at, "forced", "yes", NULL);
}

static void a_review_we_asked_for_grants_the_ask(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	test_add(ctx, "party", "kind", "person", "name", "Oscar", NULL);
	test_add(ctx, "party", "kind", "person", "name", "Rosa", NULL);
	int64_t favour = ask_ours(ctx, "Oscar", "favour", "2026-11-01");
	int64_t ask = ask_ours(ctx, "Oscar", "review", "2026-11-02");
	int64_t later = ask_ours(ctx, "Rosa", "review", "2026-11-20");
	int64_t review = test_add(ctx, "review", "party", "Oscar", "platform", "Google", "rating", "5", "at",
	                          "2026-11-05T18:00", "url", "https://example.com/r/1", NULL);
	json_t *doc;
	assert_ok(recip_record_get(ctx, &doc, "review", review));
	assert_int_equal(ji(doc, "ask"), ask);
	assert_string_equal(js(doc, "platform"), "google");
	json_decref(doc);
	assert_ok(recip_record_get(ctx, &doc, "ask", ask));
	assert_string_equal(js(doc, "status"), "granted");
	assert_string_equal(js(doc, "resolved_at"), "2026-11-05T18:00:00");
	json_decref(doc);
	/* the ask for a favour is not a review's to answer */
	assert_ok(recip_record_get(ctx, &doc, "ask", favour));
	assert_string_equal(js(doc, "status"), "open");
	json_decref(doc);
	/* granting recorded what they gave us: a review */
	json_t *list;
	recip_list_query q = {.party = 1};
	assert_ok(recip_record_list(ctx, &list, "exchange", &q));
	assert_int_equal(json_array_size(json_object_get(list, "items")), 1);
	json_t *ex = json_array_get(json_object_get(list, "items"), 0);
	assert_string_equal(js(ex, "direction"), "received");
	assert_string_equal(js(ex, "kind"), "review");
	assert_int_equal(ji(ex, "ask"), ask);
	assert_string_equal(js(ex, "note"), "a 5-star review on google");
	json_decref(list);

	/* a review written before we asked does not answer the ask */
	int64_t early = test_add(ctx, "review", "party", "Rosa", "platform", "yelp", "rating", "4", "at", "2026-11-10", NULL);
	assert_ok(recip_record_get(ctx, &doc, "review", early));
	assert_true(json_is_null(json_object_get(doc, "ask")));
	json_decref(doc);
	assert_ok(recip_record_get(ctx, &doc, "ask", later));
	assert_string_equal(js(doc, "status"), "open");
	json_decref(doc);
	assert_int_equal(record_total(ctx, "exchange"), 1);
	test_close(ctx);
}

static void a_named_ask_must_fit(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	test_add(ctx, "party", "kind", "person", "name", "Oscar", NULL);
	test_add(ctx, "party", "kind", "person", "name", "Rosa", NULL);
	int64_t favour = ask_ours(ctx, "Oscar", "favour", "2026-11-01");
	int64_t rosa = ask_ours(ctx, "Rosa", "review", "2026-11-01");
	int64_t theirs = test_add(ctx, "ask", "party", "Oscar", "direction", "theirs", "what", "review", "at",
	                          "2026-11-01", NULL);
	int64_t late = ask_ours(ctx, "Oscar", "google review", "2026-11-09");
	char id[24];
	struct {
		int64_t ask;
		const char *message;
	} cases[] = {
		{favour, "ask #1 was for favour, not a review"},
		{rosa, "ask #2 was made to another party"},
		{theirs, "ask #3 was theirs, not ours"},
		{late, "ask #4 was made after the review"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(id, sizeof(id), "%lld", (long long)cases[i].ask);
		assert_int_equal(test_try_add(ctx, NULL, "review", "party", "Oscar", "platform", "google", "rating", "5", "at",
		                              "2026-11-05", "ask", id, NULL),
		                 RECIP_EINVAL);
		assert_string_equal(recip_errmsg(ctx), cases[i].message);
	}
	/* a declined ask cannot be answered */
	assert_ok(recip_ask_resolve(ctx, NULL, rosa, "declined", T(2026, 11, 3, 12, 0), NULL));
	snprintf(id, sizeof(id), "%lld", (long long)rosa);
	assert_int_equal(test_try_add(ctx, NULL, "review", "party", "Rosa", "platform", "google", "rating", "5", "at",
	                              "2026-11-05", "ask", id, NULL),
	                 RECIP_EINVAL);
	assert_string_equal(recip_errmsg(ctx), "ask #2 was declined; a review answers an open ask");
	/* "google review" is a review: the later review answers it (named or not) */
	int64_t r = test_add(ctx, "review", "party", "Oscar", "platform", "google", "rating", "4", "at", "2026-11-10", NULL);
	json_t *doc;
	assert_ok(recip_record_get(ctx, &doc, "review", r));
	assert_int_equal(ji(doc, "ask"), late);
	json_decref(doc);
	/* … and a granted ask answers one review only */
	snprintf(id, sizeof(id), "%lld", (long long)late);
	assert_int_equal(test_try_add(ctx, NULL, "review", "party", "Oscar", "platform", "yelp", "rating", "4", "at",
	                              "2026-11-11", "ask", id, NULL),
	                 RECIP_EEXISTS);
	assert_string_equal(recip_errmsg(ctx), "ask #4 is already answered by review #1");
	/* ratings are 1 to 5 */
	assert_int_equal(test_try_add(ctx, NULL, "review", "party", "Oscar", "platform", "google", "rating", "0", NULL),
	                 RECIP_EINVAL);
	assert_string_equal(recip_errmsg(ctx), "rating must be between 1 and 5 (got 0)");
	assert_int_equal(test_try_add(ctx, NULL, "review", "party", "Oscar", "platform", "google", "rating", "6", NULL),
	                 RECIP_EINVAL);
	assert_int_equal(test_try_add(ctx, NULL, "review", "party", "Nobody", "platform", "google", "rating", "5", NULL),
	                 RECIP_ENOTFOUND);
	assert_int_equal(test_try_add(ctx, NULL, "review", "party", "Oscar", "rating", "5", NULL), RECIP_EINVAL);
	assert_string_equal(recip_errmsg(ctx), "a review needs platform");
	assert_ok(recip_review_report(ctx, &doc, 0, NULL, T(2026, 11, 23, 12, 0)));
	assert_int_equal(ji(json_object_get(doc, "overall"), "reviews"), 1);
	json_decref(doc);
	test_close(ctx);
}

static void averages_by_platform(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	test_add(ctx, "party", "kind", "person", "name", "Ana", NULL);
	test_add(ctx, "party", "kind", "person", "name", "Ben", NULL);
	test_add(ctx, "review", "party", "Ana", "platform", "google", "rating", "5", "at", "2026-10-01", NULL);
	test_add(ctx, "review", "party", "Ben", "platform", "Google", "rating", "4", "at", "2026-10-02", NULL);
	test_add(ctx, "review", "party", "Ben", "platform", "google", "rating", "4", "at", "2026-11-02", NULL);
	test_add(ctx, "review", "party", "Ana", "platform", "yelp", "rating", "2", "at", "2026-11-03", NULL);
	json_t *doc;
	assert_ok(recip_review_report(ctx, &doc, 0, NULL, T(2026, 11, 23, 12, 0)));
	json_t *overall = json_object_get(doc, "overall");
	assert_int_equal(ji(overall, "reviews"), 4);
	assert_near(json_number_value(json_object_get(overall, "average")), 3.75);
	json_t *platforms = json_object_get(doc, "platforms");
	assert_int_equal(json_array_size(platforms), 2);
	json_t *google = json_array_get(platforms, 0);
	assert_string_equal(js(google, "platform"), "google");
	assert_int_equal(ji(google, "reviews"), 3);
	assert_near(json_number_value(json_object_get(google, "average")), 4.3333);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(google, "stars"), 3)), 2);
	assert_int_equal(json_integer_value(json_array_get(json_object_get(google, "stars"), 4)), 1);
	assert_string_equal(js(json_array_get(platforms, 1), "platform"), "yelp");
	/* newest first */
	assert_string_equal(js(json_array_get(json_object_get(doc, "items"), 0), "platform"), "yelp");
	json_decref(doc);
	/* as of October, by platform, by party */
	assert_ok(recip_review_report(ctx, &doc, 0, NULL, T(2026, 10, 31, 23, 59)));
	assert_near(json_number_value(json_object_get(json_object_get(doc, "overall"), "average")), 4.5);
	json_decref(doc);
	assert_ok(recip_review_report(ctx, &doc, 0, " Yelp ", T(2026, 11, 23, 12, 0)));
	assert_int_equal(ji(json_object_get(doc, "overall"), "reviews"), 1);
	json_decref(doc);
	assert_ok(recip_review_report(ctx, &doc, 2, NULL, T(2026, 11, 23, 12, 0)));
	assert_int_equal(ji(json_object_get(doc, "overall"), "reviews"), 2);
	assert_near(json_number_value(json_object_get(json_object_get(doc, "overall"), "average")), 4);
	json_decref(doc);
	assert_int_equal(recip_review_report(ctx, &doc, 9, NULL, T(2026, 11, 23, 12, 0)), RECIP_ENOTFOUND);
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_review_we_asked_for_grants_the_ask),
		cmocka_unit_test(a_named_ask_must_fit),
		cmocka_unit_test(averages_by_platform),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
