/* test_records.c — parties and ledger entries: validation with clear
 * messages, finding a party from what a person types, multi-valued fields,
 * facts, asks and promises, the audit trail, and that a failed write
 * changes nothing. */
#include "support.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *id_text(int64_t id)
{
	static char text[4][24];
	static int k;
	k = (k + 1) % 4;
	snprintf(text[k], sizeof(text[k]), "%lld", (long long)id);
	return text[k];
}

static int64_t total(recip_ctx *ctx, const char *entity)
{
	json_t *page;
	recip_list_query q = {.include_archived = true};
	assert_ok(recip_record_list(ctx, &page, entity, &q));
	int64_t n = json_integer_value(json_object_get(page, "total"));
	json_decref(page);
	return n;
}

#define assert_refused(ctx, call, code, text)                                                          \
	do {                                                                                           \
		int rc_ = (call);                                                                      \
		if (rc_ != (code))                                                                     \
			fail_msg("%s returned %d, expected %d (%s)", #call, rc_, (code), recip_errmsg(ctx)); \
		if (!strstr(recip_errmsg(ctx), (text)))                                                \
			fail_msg("message '%s' lacks '%s'", recip_errmsg(ctx), (text));                \
	} while (0)

static void validation_names_the_problem(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t ana = test_add(ctx, "party", "name", "Ana Lopez", NULL);
	const char *a = id_text(ana);
	int64_t id;
	assert_refused(ctx, test_try_add(ctx, &id, "party", "name", "", NULL), RECIP_EINVAL, "name must not be empty");
	assert_refused(ctx, test_try_add(ctx, &id, "party", "name", "   ", NULL), RECIP_EINVAL, "a party needs name");
	assert_refused(ctx, test_try_add(ctx, &id, "party", "kind", "robot", "name", "R2", NULL), RECIP_EINVAL,
	               "bad kind 'robot' (one of: person, organisation)");
	assert_refused(ctx, test_try_add(ctx, &id, "party", "name", "X", "colour", "red", NULL), RECIP_EINVAL,
	               "unknown field 'colour'");
	assert_refused(ctx, test_try_add(ctx, &id, "party", "name", "Bad \xff name", NULL), RECIP_EINVAL,
	               "not valid UTF-8");
	assert_refused(ctx, test_try_add(ctx, &id, "party", "name", "Tab\there", NULL), RECIP_EINVAL,
	               "control character");
	char *long_name = malloc(302);
	memset(long_name, 'a', 301);
	long_name[301] = '\0';
	assert_refused(ctx, test_try_add(ctx, &id, "party", "name", long_name, NULL), RECIP_ETOOBIG,
	               "too long (301 characters, at most 200)");
	free(long_name);
	assert_refused(ctx, test_try_add(ctx, &id, "party", "name", "B", "+email", "not-an-email", NULL), RECIP_EINVAL,
	               "bad email 'not-an-email'");
	assert_refused(ctx, test_try_add(ctx, &id, "party", "name", "B", "+phone", "call me", NULL), RECIP_EINVAL,
	               "bad phone number");
	assert_refused(ctx, test_try_add(ctx, &id, "party", "name", "B", "birthday", "1990-02-30", NULL),
	               RECIP_EINVAL, "no such birthday");
	assert_refused(ctx, test_try_add(ctx, &id, "party", "name", "B", "credibility", "11", NULL), RECIP_EINVAL,
	               "credibility must be between 1 and 10");

	assert_refused(ctx, test_try_add(ctx, &id, "exchange", "party", a, "direction", "gave", "kind", "favour",
	                                 "value", "-2", NULL),
	               RECIP_EINVAL, "value must not be negative");
	assert_refused(ctx, test_try_add(ctx, &id, "exchange", "party", a, "direction", "gave", "kind", "bribe", NULL),
	               RECIP_EINVAL, "unknown kind 'bribe'");
	assert_refused(ctx, test_try_add(ctx, &id, "exchange", "party", a, "direction", "took", "kind", "gift", NULL),
	               RECIP_EINVAL, "bad direction 'took' (one of: gave, received)");
	assert_refused(ctx, test_try_add(ctx, &id, "exchange", "party", a, "direction", "gave", "kind", "gift", "at",
	                                 "2026-13-01", NULL),
	               RECIP_EINVAL, "at: no such date '2026-13-01'");
	assert_refused(ctx, test_try_add(ctx, &id, "exchange", "party", "Nobody", "direction", "gave", "kind", "gift",
	                                 NULL),
	               RECIP_ENOTFOUND, "unknown party 'Nobody'");
	assert_refused(ctx, test_try_add(ctx, &id, "exchange", "direction", "gave", "kind", "gift", NULL), RECIP_EINVAL,
	               "an exchange needs party");
	assert_refused(ctx, test_try_add(ctx, &id, "visit", "party", a, "amount", "lots", NULL), RECIP_EINVAL,
	               "bad amount 'lots' (a number)");
	assert_refused(ctx, test_try_add(ctx, &id, "promise", "party", a, "what", "call back", NULL), RECIP_EINVAL,
	               "a promise needs due");
	assert_refused(ctx, test_try_add(ctx, &id, "promise", "party", a, "what", "x", "at", "2026-11-20", "due",
	                                 "2026-11-01", NULL),
	               RECIP_EINVAL, "cannot be due before it was made");
	assert_refused(ctx, test_try_add(ctx, &id, "touch", "party", a, "channel", "pigeon", NULL), RECIP_EINVAL,
	               "bad channel 'pigeon'");
	assert_refused(ctx, recip_record_add(ctx, &id, "invoice", NULL, 0), RECIP_EINVAL, "unknown kind of record");
	/* nothing of the above was written */
	assert_int_equal(total(ctx, "party"), 1);
	assert_int_equal(total(ctx, "exchange"), 0);
	assert_int_equal(total(ctx, "visit"), 0);
	json_t *audit;
	assert_ok(recip_audit_list(ctx, &audit, 0, 0));
	assert_int_equal(json_array_size(json_object_get(audit, "items")), 1);
	json_decref(audit);
	test_close(ctx);
}

static void finds_parties_as_people_name_them(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t ana = test_add(ctx, "party", "name", "Ana Lopez", "+email", "Ana@Example.com", NULL);
	int64_t anabel = test_add(ctx, "party", "name", "Anabel Ruiz", NULL);
	int64_t ann = test_add(ctx, "party", "name", "Ann", NULL);
	int64_t chloe = test_add(ctx, "party", "name", "Chloé Martin", NULL);
	int64_t id;
	assert_ok(recip_party_resolve(ctx, &id, id_text(anabel)));
	assert_int_equal(id, anabel);
	char hash[24];
	snprintf(hash, sizeof(hash), "#%lld", (long long)ana);
	assert_ok(recip_party_resolve(ctx, &id, hash));
	assert_int_equal(id, ana);
	assert_ok(recip_party_resolve(ctx, &id, "ana@example.COM"));
	assert_int_equal(id, ana);
	assert_ok(recip_party_resolve(ctx, &id, "ana l"));
	assert_int_equal(id, ana);
	assert_ok(recip_party_resolve(ctx, &id, "ANN"));      /* an exact name wins over longer ones */
	assert_int_equal(id, ann);
	assert_ok(recip_party_resolve(ctx, &id, "chloé"));    /* case folded beyond ASCII */
	assert_int_equal(id, chloe);
	assert_ok(recip_party_resolve(ctx, &id, "CHLOÉ M"));
	assert_int_equal(id, chloe);
	assert_refused(ctx, recip_party_resolve(ctx, &id, "an"), RECIP_EAMBIGUOUS, "'an' matches 3 parties:");
	assert_non_null(strstr(recip_errmsg(ctx), "Ana Lopez (#"));
	assert_non_null(strstr(recip_errmsg(ctx), "Anabel Ruiz (#"));
	assert_refused(ctx, recip_party_resolve(ctx, &id, "zed"), RECIP_ENOTFOUND, "unknown party 'zed'");
	assert_refused(ctx, recip_party_resolve(ctx, &id, "#999"), RECIP_ENOTFOUND, "no party #999");
	assert_refused(ctx, recip_party_resolve(ctx, &id, "nobody@example.com"), RECIP_ENOTFOUND, "no one has that email");
	assert_refused(ctx, recip_party_resolve(ctx, &id, ""), RECIP_EINVAL, "no party named");
	/* an archived party gives way to a live one of the same prefix */
	recip_field archive = {"archived", "yes", RECIP_SET, NULL};
	assert_ok(recip_record_update(ctx, "party", anabel, &archive, 1));
	assert_ok(recip_record_update(ctx, "party", ann, &archive, 1));
	assert_ok(recip_party_resolve(ctx, &id, "an"));
	assert_int_equal(id, ana);
	test_close(ctx);
}

static void multi_valued_fields_and_organisations(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t tom = test_add(ctx, "party", "name", "Tom Reed", "org", "Harbor Logistics", "+role", "Client",
	                       "+role", "prospect", "+email", "tom@harbor.example", "+phone", "+1 (415) 555-0101",
	                       NULL);
	int64_t org;
	assert_ok(recip_party_resolve(ctx, &org, "Harbor"));
	json_t *doc;
	assert_ok(recip_record_get(ctx, &doc, "party", org));
	assert_string_equal(json_string_value(json_object_get(doc, "kind")), "organisation");
	json_decref(doc);
	/* adding again the same phone written differently merges; removing works */
	recip_field changes[] = {
		{"phone", "+14155550101", RECIP_ADD, "work"},
		{"role", "prospect", RECIP_REMOVE, NULL},
		{"tag", "vip", RECIP_ADD, NULL},
	};
	assert_ok(recip_record_update(ctx, "party", tom, changes, 3));
	assert_ok(recip_record_get(ctx, &doc, "party", tom));
	assert_int_equal(json_array_size(json_object_get(doc, "phone")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(doc, "phone"), 0), "label")),
	                    "work");
	assert_int_equal(json_array_size(json_object_get(doc, "role")), 1);
	assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "role"), 0)), "client");
	assert_string_equal(json_string_value(json_object_get(doc, "org_name")), "Harbor Logistics");
	json_decref(doc);
	/* phone lookups by digits: the same number is the same */
	recip_field remove_missing = {"tag", "nope", RECIP_REMOVE, NULL};
	assert_refused(ctx, recip_record_update(ctx, "party", tom, &remove_missing, 1), RECIP_ENOTFOUND, "no tag 'nope'");
	/* an organisation cannot belong to another, nor to a person */
	recip_field bad_org = {"org", "Tom Reed", RECIP_SET, NULL};
	assert_refused(ctx, recip_record_update(ctx, "party", org, &bad_org, 1), RECIP_EINVAL,
	               "an organisation cannot belong");
	int64_t ana = test_add(ctx, "party", "name", "Ana", NULL);
	(void)ana;
	recip_field person_org = {"org", "Tom Reed", RECIP_SET, NULL};
	int64_t bob = test_add(ctx, "party", "name", "Bob", NULL);
	assert_refused(ctx, recip_record_update(ctx, "party", bob, &person_org, 1), RECIP_EINVAL, "is a person");
	/* lists filter by role and tag and search names, emails and phones */
	json_t *page;
	recip_list_query q = {.role = "client"};
	assert_ok(recip_record_list(ctx, &page, "party", &q));
	assert_int_equal(json_integer_value(json_object_get(page, "total")), 1);
	json_decref(page);
	recip_list_query s = {.search = "harbor.example"};
	assert_ok(recip_record_list(ctx, &page, "party", &s));
	assert_int_equal(json_integer_value(json_object_get(page, "total")), 1);
	json_decref(page);
	recip_list_query pct = {.search = "100%"};
	assert_ok(recip_record_list(ctx, &page, "party", &pct));
	assert_int_equal(json_integer_value(json_object_get(page, "total")), 0);
	json_decref(page);
	test_close(ctx);
}

static void facts_asks_and_promises(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t ana = test_add(ctx, "party", "name", "Ana", NULL);
	const char *a = id_text(ana);
	assert_ok(recip_fact_remember(ctx, ana, "Regular order", "flat white"));
	assert_ok(recip_fact_remember(ctx, ana, "regular ORDER", "flat white, oat milk"));
	assert_int_equal(total(ctx, "fact"), 1);
	json_t *show;
	assert_ok(recip_party_show(ctx, &show, ana, T(2026, 11, 23, 12, 0), 10));
	json_t *fact = json_array_get(json_object_get(show, "facts"), 0);
	assert_string_equal(json_string_value(json_object_get(fact, "key")), "regular ORDER");
	assert_string_equal(json_string_value(json_object_get(fact, "value")), "flat white, oat milk");
	json_decref(show);
	assert_refused(ctx, recip_fact_forget(ctx, ana, "shoe size"), RECIP_ENOTFOUND, "no fact 'shoe size'");
	assert_ok(recip_fact_forget(ctx, ana, "regular order"));
	assert_int_equal(total(ctx, "fact"), 0);

	/* their ask, granted: we gave them what they asked for */
	int64_t ask = test_add(ctx, "ask", "party", a, "direction", "theirs", "what", "introduction", "at",
	                       "2026-11-20T10:00", NULL);
	int64_t exchange;
	assert_ok(recip_ask_resolve(ctx, &exchange, ask, "granted", T(2026, 11, 21, 10, 0), "to our accountant"));
	json_t *doc;
	assert_ok(recip_record_get(ctx, &doc, "exchange", exchange));
	assert_string_equal(json_string_value(json_object_get(doc, "direction")), "gave");
	assert_string_equal(json_string_value(json_object_get(doc, "kind")), "introduction");
	assert_int_equal(json_integer_value(json_object_get(doc, "ask")), ask);
	json_decref(doc);
	assert_refused(ctx, recip_ask_resolve(ctx, NULL, ask, "declined", T(2026, 11, 22, 10, 0), NULL), RECIP_EEXISTS,
	               "already granted");
	assert_refused(ctx, recip_ask_resolve(ctx, NULL, ask, "maybe", T(2026, 11, 22, 10, 0), NULL), RECIP_EINVAL,
	               "bad resolution 'maybe'");

	/* our ask: the gate passes after that give, and a grant is received */
	int64_t ours = test_add(ctx, "ask", "party", a, "direction", "ours", "what", "review", "at", "2026-11-22T10:00",
	                        NULL);
	assert_ok(recip_record_get(ctx, &doc, "ask", ours));
	assert_false(json_is_true(json_object_get(doc, "forced")));
	json_decref(doc);
	assert_ok(recip_ask_resolve(ctx, &exchange, ours, "granted", T(2026, 11, 23, 9, 0), NULL));
	assert_ok(recip_record_get(ctx, &doc, "exchange", exchange));
	assert_string_equal(json_string_value(json_object_get(doc, "direction")), "received");
	assert_string_equal(json_string_value(json_object_get(doc, "kind")), "review");
	json_decref(doc);

	/* promises: kept on time, kept late, broken */
	int64_t p1 = test_add(ctx, "promise", "party", a, "what", "one", "at", "2026-11-01", "due", "2026-11-10", NULL);
	int64_t p2 = test_add(ctx, "promise", "party", a, "what", "two", "at", "2026-11-01", "due", "2026-11-10", NULL);
	int64_t p3 = test_add(ctx, "promise", "party", a, "what", "three", "at", "2026-11-01", "due", "2026-11-10", NULL);
	assert_ok(recip_promise_resolve(ctx, p1, "kept", T(2026, 11, 10, 23, 0)));
	assert_ok(recip_promise_resolve(ctx, p2, "kept", T(2026, 11, 11, 9, 0)));
	assert_ok(recip_promise_resolve(ctx, p3, "broken", T(2026, 11, 12, 9, 0)));
	assert_refused(ctx, recip_promise_resolve(ctx, p3, "kept", T(2026, 11, 13, 9, 0)), RECIP_EEXISTS, "already broken");
	assert_ok(recip_party_show(ctx, &show, ana, T(2026, 11, 23, 12, 0), 0));
	json_t *promises = json_object_get(show, "promises");
	assert_int_equal(json_array_size(promises), 3);
	int on_time = 0, late = 0, broken = 0;
	for (size_t i = 0; i < 3; i++) {
		const char *s = json_string_value(json_object_get(json_array_get(promises, i), "state"));
		on_time += !strcmp(s, "kept on time");
		late += !strcmp(s, "kept late");
		broken += !strcmp(s, "broken");
	}
	assert_int_equal(on_time + late * 10 + broken * 100, 111);
	json_decref(show);
	test_close(ctx);
}

static void audit_trail_and_deletion_rules(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	assert_ok(recip_ctx_set_actor(ctx, "maria"));
	int64_t ana = test_add(ctx, "party", "name", "Ana", NULL);
	int64_t ben = test_add(ctx, "party", "name", "Ben", NULL);
	int64_t gift = test_add(ctx, "exchange", "party", id_text(ana), "direction", "gave", "kind", "gift", NULL);
	recip_field change = {"value", "5", RECIP_SET, NULL};
	assert_ok(recip_record_update(ctx, "exchange", gift, &change, 1));
	/* a party with history cannot be deleted; one without can */
	assert_refused(ctx, recip_record_delete(ctx, "party", ana), RECIP_EEXISTS, "archive the party instead");
	assert_ok(recip_record_delete(ctx, "party", ben));
	assert_ok(recip_record_delete(ctx, "exchange", gift));
	json_t *audit;
	assert_ok(recip_audit_list(ctx, &audit, 0, 0));
	json_t *items = json_object_get(audit, "items");
	assert_int_equal(json_array_size(items), 6);
	json_t *update = json_array_get(items, 2); /* newest first: delete, delete, update, create … */
	assert_string_equal(json_string_value(json_object_get(update, "action")), "update");
	assert_string_equal(json_string_value(json_object_get(update, "actor")), "maria");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(update, "before"), "value")), 2);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(update, "after"), "value")), 5);
	json_t *deleted = json_array_get(items, 0);
	assert_string_equal(json_string_value(json_object_get(deleted, "action")), "delete");
	assert_true(json_is_null(json_object_get(deleted, "after")));
	json_decref(audit);
	assert_refused(ctx, recip_record_delete(ctx, "exchange", gift), RECIP_ENOTFOUND, "no exchange #");
	test_close(ctx);
}

static void nested_transactions_are_all_or_nothing(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	assert_ok(recip_begin(ctx));
	test_add(ctx, "party", "name", "Ana", NULL);
	int64_t id;
	/* a failing inner write undoes only itself… */
	assert_int_equal(test_try_add(ctx, &id, "party", "name", "", NULL), RECIP_EINVAL);
	test_add(ctx, "party", "name", "Ben", NULL);
	/* …and the outer rollback undoes everything */
	recip_rollback(ctx);
	assert_int_equal(total(ctx, "party"), 0);
	assert_ok(recip_begin(ctx));
	test_add(ctx, "party", "name", "Ana", NULL);
	assert_ok(recip_commit(ctx));
	assert_int_equal(total(ctx, "party"), 1);
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(validation_names_the_problem),
		cmocka_unit_test(finds_parties_as_people_name_them),
		cmocka_unit_test(multi_valued_fields_and_organisations),
		cmocka_unit_test(facts_asks_and_promises),
		cmocka_unit_test(audit_trail_and_deletion_rules),
		cmocka_unit_test(nested_transactions_are_all_or_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
