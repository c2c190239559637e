/* test_advocacy_referrals.c — referrals: on-the-spot parties, conversion, refusals, chains and thanks. */
#include "advocacy_support.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static int64_t refer(recip_ctx *ctx, const char *referrer, const char *referred, const char *at)
{
	recip_referral_spec spec = {.referrer = referrer, .referred = referred, .at = at};
	int64_t id;
	if (recip_referral_add(ctx, &id, NULL, &spec) != RECIP_OK)
		fail_msg("referral %s → %s: %s", referrer, referred, recip_errmsg(ctx));
	return id;
}

/* The roles of a party, as "a,b". */
static void roles(recip_ctx *ctx, int64_t party, char *out, size_t size)
{
	json_t *doc;
	if (recip_record_get(ctx, &doc, "party", party) != RECIP_OK)
		fail_msg("%s", recip_errmsg(ctx));
	out[0] = '\0';
	size_t i, len = 0;
	json_t *r;
	json_array_foreach(json_object_get(doc, "role"), i, r)
	len += (size_t)snprintf(out + len, size - len, "%s%s", i ? "," : "", json_string_value(r));
	json_decref(doc);
}

static void an_unknown_referred_name_becomes_a_prospect(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t ana = add_person(ctx, "Ana Lopez", "customer");
	recip_referral_spec spec = {.referrer = "ana", .referred = "Zoe Campbell", .at = "2026-11-01", .note = "at the market"};
	int64_t id, created;
	assert_ok(recip_referral_add(ctx, &id, &created, &spec));
	assert_true(created > 0);
	char r[64];
	roles(ctx, created, r, sizeof(r));
	assert_string_equal(r, "prospect");
	json_t *doc;
	assert_ok(recip_record_get(ctx, &doc, "referral", id));
	assert_int_equal(ji(doc, "referrer"), ana);
	assert_int_equal(ji(doc, "party"), created);
	assert_string_equal(js(doc, "status"), "lead");
	assert_string_equal(js(doc, "at"), "2026-11-01T00:00:00");
	assert_string_equal(js(doc, "note"), "at the market");
	json_decref(doc);

	/* a known name is not created again (a prefix finds "Zoe Campbell") … */
	spec = (recip_referral_spec){.referrer = "Zoe", .referred = "Ana"};
	assert_int_equal(recip_referral_add(ctx, &id, &created, &spec), RECIP_EINVAL); /* a cycle */
	/* … unless asked to: a new "Zoe" beside Zoe Campbell, as an organisation client */
	spec = (recip_referral_spec){.referrer = "Ana Lopez", .referred = "Zoe", .create = true, .kind = "organisation",
	                             .role = "client"};
	assert_ok(recip_referral_add(ctx, &id, &created, &spec));
	assert_ok(recip_record_get(ctx, &doc, "party", created));
	assert_string_equal(js(doc, "name"), "Zoe");
	assert_string_equal(js(doc, "kind"), "organisation");
	json_decref(doc);
	roles(ctx, created, r, sizeof(r));
	assert_string_equal(r, "client");
	assert_int_equal(record_total(ctx, "party"), 3);

	/* ids and emails never create a party */
	spec = (recip_referral_spec){.referrer = "Ana Lopez", .referred = "#99"};
	assert_int_equal(recip_referral_add(ctx, &id, &created, &spec), RECIP_ENOTFOUND);
	spec.referred = "nobody@example.com";
	assert_int_equal(recip_referral_add(ctx, &id, &created, &spec), RECIP_ENOTFOUND);
	spec.referred = "Someone New";
	spec.kind = "robot";
	assert_int_equal(recip_referral_add(ctx, &id, &created, &spec), RECIP_EINVAL);
	assert_int_equal(record_total(ctx, "party"), 3);
	test_close(ctx);
}

static void bad_referrals_are_refused_and_change_nothing(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	add_person(ctx, "Ana", "customer");
	add_person(ctx, "Ben", "customer");
	add_person(ctx, "Cleo", "customer");
	refer(ctx, "Ana", "Ben", "2026-10-01");
	refer(ctx, "Ben", "Cleo", "2026-10-02");
	int64_t parties = record_total(ctx, "party"), referrals = record_total(ctx, "referral");

	/* an unknown referrer: nothing is created, not even the referred party */
	recip_referral_spec spec = {.referrer = "Zed", .referred = "Dora"};
	int64_t id, created;
	assert_int_equal(recip_referral_add(ctx, &id, &created, &spec), RECIP_ENOTFOUND);
	assert_string_equal(recip_errmsg(ctx), "unknown party 'Zed' (the referrer must be known: add them first)");
	/* a self-referral */
	spec = (recip_referral_spec){.referrer = "Ana", .referred = "Ana"};
	assert_int_equal(recip_referral_add(ctx, &id, &created, &spec), RECIP_EINVAL);
	assert_string_equal(recip_errmsg(ctx), "a party cannot refer itself");
	/* a cycle: Cleo was referred by Ben, who was referred by Ana */
	spec = (recip_referral_spec){.referrer = "Cleo", .referred = "Ana"};
	assert_int_equal(recip_referral_add(ctx, &id, &created, &spec), RECIP_EINVAL);
	assert_non_null(strstr(recip_errmsg(ctx), "cycle"));
	/* Cleo was already referred (by Ben): the first referrer keeps the credit */
	spec = (recip_referral_spec){.referrer = "Ana", .referred = "Cleo"};
	assert_int_equal(recip_referral_add(ctx, &id, &created, &spec), RECIP_EEXISTS);
	assert_string_equal(recip_errmsg(ctx), "that party was already referred (referral #2)");
	/* a bad date, with an on-the-spot party that must not stay */
	spec = (recip_referral_spec){.referrer = "Ana", .referred = "Dora", .at = "the other day"};
	assert_int_equal(recip_referral_add(ctx, &id, &created, &spec), RECIP_EINVAL);
	assert_int_equal(record_total(ctx, "party"), parties);
	assert_int_equal(record_total(ctx, "referral"), referrals);
	test_close(ctx);
}

static void converting_makes_a_customer(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	add_person(ctx, "Ana", "customer");
	int64_t id = refer(ctx, "Ana", "Zoe", "2026-11-01");
	int64_t lost = refer(ctx, "Ana", "Yann", "2026-11-01");
	assert_int_equal(recip_referral_resolve(ctx, id, "converted", T(2026, 10, 31, 12, 0), NULL), RECIP_EINVAL);
	assert_string_equal(recip_errmsg(ctx), "referral #1 cannot be converted before it was made (2026-11-01)");
	assert_int_equal(recip_referral_resolve(ctx, id, "won", T(2026, 11, 5, 12, 0), NULL), RECIP_EINVAL);
	assert_int_equal(recip_referral_resolve(ctx, lost, "lost", T(2026, 11, 5, 12, 0), "client"), RECIP_EINVAL);
	assert_int_equal(recip_referral_resolve(ctx, 99, "lost", T(2026, 11, 5, 12, 0), NULL), RECIP_ENOTFOUND);
	assert_ok(recip_referral_resolve(ctx, id, "converted", T(2026, 11, 5, 12, 0), NULL));
	assert_int_equal(recip_referral_resolve(ctx, id, "lost", T(2026, 11, 6, 12, 0), NULL), RECIP_EEXISTS);
	assert_string_equal(recip_errmsg(ctx), "referral #1 is already converted");
	json_t *doc;
	assert_ok(recip_record_get(ctx, &doc, "referral", id));
	assert_string_equal(js(doc, "status"), "converted");
	assert_string_equal(js(doc, "resolved_at"), "2026-11-05T12:00:00");
	int64_t zoe = ji(doc, "party");
	json_decref(doc);
	char r[64];
	roles(ctx, zoe, r, sizeof(r));
	assert_string_equal(r, "customer");
	assert_ok(recip_referral_resolve(ctx, lost, "lost", T(2026, 11, 5, 12, 0), NULL));
	int64_t yann;
	assert_ok(recip_party_resolve(ctx, &yann, "Yann"));
	roles(ctx, yann, r, sizeof(r));
	assert_string_equal(r, "prospect");
	/* a client of a consultant: the role given, not "customer" */
	int64_t third = refer(ctx, "Ana", "Xavier", "2026-11-02");
	assert_ok(recip_referral_resolve(ctx, third, "converted", T(2026, 11, 7, 12, 0), "client"));
	int64_t xavier;
	assert_ok(recip_party_resolve(ctx, &xavier, "Xavier"));
	roles(ctx, xavier, r, sizeof(r));
	assert_string_equal(r, "client");

	/* the list, as of a day and now */
	assert_ok(recip_referral_list(ctx, &doc, 0, NULL, T(2026, 11, 4, 12, 0)));
	assert_int_equal(ji(json_object_get(doc, "counts"), "lead"), 3);
	json_decref(doc);
	assert_ok(recip_referral_list(ctx, &doc, 0, NULL, T(2026, 11, 23, 12, 0)));
	json_t *counts = json_object_get(doc, "counts");
	assert_int_equal(ji(counts, "total"), 3);
	assert_int_equal(ji(counts, "converted"), 2);
	assert_int_equal(ji(counts, "lost"), 1);
	assert_int_equal(ji(counts, "lead"), 0);
	json_decref(doc);
	assert_ok(recip_referral_list(ctx, &doc, zoe, NULL, T(2026, 11, 23, 12, 0)));
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 1);
	json_decref(doc);
	assert_ok(recip_referral_list(ctx, &doc, 0, "lost", T(2026, 11, 23, 12, 0)));
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 1);
	assert_string_equal(js(json_array_get(json_object_get(doc, "items"), 0), "party_name"), "Yann");
	json_decref(doc);
	assert_int_equal(recip_referral_list(ctx, &doc, 0, "won", T(2026, 11, 23, 12, 0)), RECIP_EINVAL);
	test_close(ctx);
}

static void chains_show_as_trees(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t ana = add_person(ctx, "Ana", "customer");
	int64_t ben = add_person(ctx, "Ben", "customer");
	int64_t cleo = add_person(ctx, "Cleo", "customer");
	int64_t dan = add_person(ctx, "Dan", "customer");
	add_person(ctx, "Eve", "customer");
	add_person(ctx, "Finn", "customer");
	/* Ana → Ben → Cleo, Ana → Dan; Eve → Finn */
	int64_t ab = refer(ctx, "Ana", "Ben", "2026-09-01");
	refer(ctx, "Ben", "Cleo", "2026-10-01");
	refer(ctx, "Ana", "Dan", "2026-10-15");
	refer(ctx, "Eve", "Finn", "2026-11-01");
	assert_ok(recip_referral_resolve(ctx, ab, "converted", T(2026, 9, 10, 12, 0), NULL));

	json_t *doc;
	assert_ok(recip_referral_tree(ctx, &doc, ana, T(2026, 11, 23, 12, 0)));
	assert_int_equal(ji(doc, "levels"), 3);
	assert_int_equal(ji(doc, "referred"), 3);
	assert_int_equal(ji(doc, "converted"), 1);
	assert_int_equal(json_array_size(json_object_get(doc, "upline")), 0);
	json_t *root = json_array_get(json_object_get(doc, "trees"), 0);
	assert_int_equal(ji(root, "party"), ana);
	assert_true(json_is_null(json_object_get(root, "referral")));
	json_t *kids = json_object_get(root, "children");
	assert_int_equal(json_array_size(kids), 2);
	json_t *b = json_array_get(kids, 0);
	assert_int_equal(ji(b, "party"), ben);
	assert_string_equal(js(b, "status"), "converted");
	assert_int_equal(ji(b, "referred"), 1);
	json_t *c = json_array_get(json_object_get(b, "children"), 0);
	assert_int_equal(ji(c, "party"), cleo);
	assert_string_equal(js(c, "status"), "lead");
	assert_int_equal(json_array_size(json_object_get(c, "children")), 0);
	assert_int_equal(ji(json_array_get(kids, 1), "party"), dan);
	json_decref(doc);

	/* from Cleo: the chain above her, top first */
	assert_ok(recip_referral_tree(ctx, &doc, cleo, T(2026, 11, 23, 12, 0)));
	json_t *up = json_object_get(doc, "upline");
	assert_int_equal(json_array_size(up), 2);
	assert_int_equal(ji(json_array_get(up, 0), "party"), ana);
	assert_int_equal(ji(json_array_get(up, 1), "party"), ben);
	assert_int_equal(ji(doc, "levels"), 1);
	json_decref(doc);

	/* every chain from its root */
	assert_ok(recip_referral_tree(ctx, &doc, 0, T(2026, 11, 23, 12, 0)));
	assert_int_equal(json_array_size(json_object_get(doc, "trees")), 2);
	assert_int_equal(ji(doc, "referred"), 4);
	assert_int_equal(ji(doc, "levels"), 3);
	json_decref(doc);

	/* as of September, only Ana → Ben existed, still a lead */
	assert_ok(recip_referral_tree(ctx, &doc, 0, T(2026, 9, 5, 12, 0)));
	assert_int_equal(json_array_size(json_object_get(doc, "trees")), 1);
	assert_int_equal(ji(doc, "levels"), 2);
	assert_int_equal(ji(doc, "converted"), 0);
	json_decref(doc);
	assert_int_equal(recip_referral_tree(ctx, &doc, 999, T(2026, 11, 23, 12, 0)), RECIP_ENOTFOUND);
	test_close(ctx);
}

static void a_give_after_the_referral_thanks_the_referrer(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	add_person(ctx, "Ana", "customer");
	add_person(ctx, "Ben", "customer");
	int64_t first = refer(ctx, "Ana", "Zoe", "2026-11-10");
	refer(ctx, "Ben", "Yann", "2026-09-01");
	/* a give before the referral does not thank it */
	test_add(ctx, "exchange", "party", "Ana", "direction", "gave", "kind", "treat", "at", "2026-11-09", NULL);
	/* what they gave us does not either */
	test_add(ctx, "exchange", "party", "Ana", "direction", "received", "kind", "favour", "at", "2026-11-12", NULL);
	json_t *doc;
	assert_ok(recip_referral_unthanked(ctx, &doc, T(2026, 11, 23, 12, 0), 0));
	json_t *items = json_object_get(doc, "items");
	assert_int_equal(json_array_size(items), 2);
	/* oldest first */
	assert_string_equal(js(json_array_get(items, 0), "referrer_name"), "Ben");
	json_t *ana = json_array_get(items, 1);
	assert_int_equal(ji(ana, "referral"), first);
	assert_string_equal(js(ana, "party_name"), "Zoe");
	assert_int_equal(ji(ana, "age_days"), 13);
	json_decref(doc);
	/* within 30 days: only Ana's */
	assert_ok(recip_referral_unthanked(ctx, &doc, T(2026, 11, 23, 12, 0), 30));
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 1);
	json_decref(doc);

	/* the give that thanks her */
	test_add(ctx, "exchange", "party", "Ana", "direction", "gave", "kind", "gift", "at", "2026-11-20", NULL);
	assert_ok(recip_referral_unthanked(ctx, &doc, T(2026, 11, 23, 12, 0), 0));
	items = json_object_get(doc, "items");
	assert_int_equal(json_array_size(items), 1);
	assert_string_equal(js(json_array_get(items, 0), "referrer_name"), "Ben");
	json_decref(doc);
	/* … but not as of before it */
	assert_ok(recip_referral_unthanked(ctx, &doc, T(2026, 11, 19, 12, 0), 0));
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 2);
	json_decref(doc);
	/* the list says when */
	assert_ok(recip_referral_list(ctx, &doc, 0, NULL, T(2026, 11, 23, 12, 0)));
	json_t *newest = json_array_get(json_object_get(doc, "items"), 0);
	assert_true(json_is_true(json_object_get(newest, "thanked")));
	assert_string_equal(js(newest, "thanked_at"), "2026-11-20T00:00:00");
	assert_int_equal(ji(json_object_get(doc, "counts"), "unthanked"), 1);
	json_decref(doc);
	/* an archived referrer is not to be thanked */
	recip_field archive = {"archived", "yes", RECIP_SET, NULL};
	int64_t ben;
	assert_ok(recip_party_resolve(ctx, &ben, "Ben"));
	assert_ok(recip_record_update(ctx, "party", ben, &archive, 1));
	assert_ok(recip_referral_unthanked(ctx, &doc, T(2026, 11, 23, 12, 0), 0));
	assert_int_equal(json_array_size(json_object_get(doc, "items")), 0);
	json_decref(doc);
	assert_int_equal(recip_referral_unthanked(ctx, &doc, T(2026, 11, 23, 12, 0), -1), RECIP_EINVAL);
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(an_unknown_referred_name_becomes_a_prospect),
		cmocka_unit_test(bad_referrals_are_refused_and_change_nothing),
		cmocka_unit_test(converting_makes_a_customer),
		cmocka_unit_test(chains_show_as_trees),
		cmocka_unit_test(a_give_after_the_referral_thanks_the_referrer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
