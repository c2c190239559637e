/* test_interop_csv.c — CSV import and export: the RFC 4180 corners, column
 * mapping, bad rows all or nothing, idempotent re-imports, the bulk path's
 * roll-ups and audit entry, and malformed files that must leave the
 * database as it was. */
#include "interop_test.h"

#include <math.h>

static recip_ctx *with_parties(void)
{
	recip_ctx *ctx = test_open();
	test_add(ctx, "party", "name", "Ana Lopez", "+email", "ana@example.com", "+role", "customer", NULL);
	test_add(ctx, "party", "name", "Tom Reed", "+email", "tom@harbor.com", "+role", "client", NULL);
	return ctx;
}

static json_t *import_ok(recip_ctx *ctx, const char *kind, const char *text, const recip_import_options *opt)
{
	memory_source m;
	json_t *report = NULL;
	if (recip_import_csv(ctx, &report, kind, memory_text(&m, "in.csv", text), opt) != RECIP_OK)
		fail_msg("import failed: %s", recip_errmsg(ctx));
	return report;
}

/* Imports what must fail; returns the code and checks nothing changed. */
static int import_fails(recip_ctx *ctx, const char *kind, const char *data, size_t len,
                        const recip_import_options *opt)
{
	char *before = database_image(ctx);
	memory_source m;
	json_t *report = NULL;
	int rc = recip_import_csv(ctx, &report, kind, memory_bytes(&m, "in.csv", data, len), opt);
	json_decref(report);
	assert_unchanged(ctx, before);
	assert_int_not_equal(rc, RECIP_OK);
	assert_null(strchr(recip_errmsg(ctx), '\n'));
	return rc;
}

static void imports_parties_with_labels_facts_and_organisations(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	const char *csv = "\xEF\xBB\xBFName,E-mail,Phone,role,org,birthday,fact:regular order,Notes\r\n"
	                  "Ana Lopez,ana@example.com,\"[cell] +34 600 111 222\",customer,,1984-05-17,\"flat white, oat\","
	                  "\"first line\r\nsecond, line\"\r\n"
	                  "Tom Reed,\"tom@harbor.com; t.reed@gmail.com\",,\"client; partner\",Harbor Logistics,,,\r\n";
	const char *map[] = {"E-mail=email:work", "Notes=notes"};
	recip_import_options opt = {.map = map, .n_map = 2};
	json_t *r = import_ok(ctx, "parties", csv, &opt);
	assert_int_equal(report_int(r, "rows"), 2);
	assert_int_equal(report_int(r, "added"), 2);
	json_decref(r);
	int64_t ana, tom, org;
	assert_ok(recip_party_resolve(ctx, &ana, "Ana Lopez"));
	assert_ok(recip_party_resolve(ctx, &tom, "Tom Reed"));
	assert_ok(recip_party_resolve(ctx, &org, "Harbor Logistics"));
	json_t *doc;
	assert_ok(recip_record_get(ctx, &doc, "party", ana));
	json_t *email = json_array_get(json_object_get(doc, "email"), 0);
	assert_string_equal(json_string_value(json_object_get(email, "value")), "ana@example.com");
	assert_string_equal(json_string_value(json_object_get(email, "label")), "work");
	json_t *phone = json_array_get(json_object_get(doc, "phone"), 0);
	assert_string_equal(json_string_value(json_object_get(phone, "value")), "+34 600 111 222");
	assert_string_equal(json_string_value(json_object_get(phone, "label")), "cell");
	assert_string_equal(json_string_value(json_object_get(doc, "birthday")), "1984-05-17");
	assert_string_equal(json_string_value(json_object_get(doc, "notes")), "first line\r\nsecond, line");
	json_decref(doc);
	assert_ok(recip_record_get(ctx, &doc, "party", tom));
	assert_int_equal(json_integer_value(json_object_get(doc, "org")), org);
	assert_int_equal(json_array_size(json_object_get(doc, "email")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(doc, "role"), 1)), "partner");
	json_decref(doc);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM fact WHERE key = 'regular order' AND value = 'flat white, oat'"),
	                 1);
	/* the same file again: everyone is found, nothing changes */
	char *before = database_image(ctx);
	r = import_ok(ctx, "parties", csv, &opt);
	assert_int_equal(report_int(r, "added"), 0);
	assert_int_equal(report_int(r, "unchanged"), 2);
	json_decref(r);
	assert_unchanged(ctx, before);
	test_close(ctx);
}

static void merges_parties_by_email_and_keeps_what_differs(void **state)
{
	(void)state;
	recip_ctx *ctx = with_parties();
	json_t *r = import_ok(ctx, "party",
	                      "name,email,title,phone\n"
	                      "Ana L.,ANA@example.com,Owner,600 111 222\n",
	                      NULL);
	assert_int_equal(report_int(r, "added"), 0);
	assert_int_equal(report_int(r, "merged"), 1);
	json_t *m = json_array_get(json_object_get(r, "merges"), 0);
	assert_string_equal(json_string_value(json_object_get(m, "by")), "email ANA@example.com");
	assert_string_equal(json_string_value(json_object_get(m, "party_name")), "Ana Lopez");
	json_decref(r);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party"), 2);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party WHERE name = 'Ana Lopez' AND title = 'Owner'"), 1);
	/* a different title is kept unless the import updates */
	r = import_ok(ctx, "party", "name,email,title\nAna,ana@example.com,Manager\n", NULL);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party WHERE title = 'Owner'"), 1);
	json_decref(r);
	recip_import_options update = {.update = true};
	r = import_ok(ctx, "party", "name,email,title\nAna Lopez,ana@example.com,Manager\n", &update);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party WHERE title = 'Manager'"), 1);
	json_decref(r);
	test_close(ctx);
}

static void imports_ledger_rows_in_bulk(void **state)
{
	(void)state;
	recip_ctx *ctx = with_parties();
	const char *csv = "party,direction,kind,value,personal,at,note\r\n"
	                  "Ana Lopez,gave,treat,,yes,2026-11-01,\"pastry, on the house\"\r\n"
	                  "ana@example.com,gave,gift,2,no,2026-10-01T10:00,\r\n"
	                  "Tom,received,referral,5,no,2026-09-15,\"sent us \"\"Meridian\"\"\"\r\n";
	json_t *r = import_ok(ctx, "exchanges", csv, NULL);
	assert_int_equal(report_int(r, "added"), 3);
	json_decref(r);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM exchange"), 3);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM exchange WHERE note = 'sent us \"Meridian\"'"), 1);
	/* the treat took its kind's value; roll-ups match a recomputation */
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM exchange WHERE kind = 'treat' AND value = 1"), 1);
	json_t *check;
	assert_ok(recip_rollup_verify(ctx, &check));
	assert_int_equal(json_array_size(json_object_get(check, "mismatches")), 0);
	json_decref(check);
	json_t *bal;
	int64_t ana;
	assert_ok(recip_party_resolve(ctx, &ana, "Ana Lopez"));
	assert_ok(recip_balance_report(ctx, &bal, ana, T(2026, 11, 1, 12, 0)));
	/* treat 1 × 1.5 personal on the day, gift 2 decayed over 31 days */
	double expected = 1.5 + 2 * exp2(-31.0 / 180.0);
	assert_near(json_number_value(json_object_get(json_array_get(json_object_get(bal, "items"), 0), "balance")),
	            round(expected * 10000) / 10000);
	json_decref(bal);
	/* one audit entry for the whole import */
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM audit WHERE action = 'import' AND entity = 'exchange'"), 1);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM audit WHERE entity = 'exchange'"), 1);
	/* again: nothing added, even with the party named differently */
	const char *again = "party,direction,kind,value,personal,at,note\n"
	                    "ana@example.com,gave,treat,,yes,2026-11-01T00:00,\"pastry, on the house\"\n"
	                    "Ana Lopez,gave,gift,2,no,2026-10-01T10:00,\n"
	                    "Tom Reed,received,referral,5,no,2026-09-15,\"sent us \"\"Meridian\"\"\"\n";
	r = import_ok(ctx, "exchange", again, NULL);
	assert_int_equal(report_int(r, "added"), 0);
	assert_int_equal(report_int(r, "duplicates"), 3);
	json_decref(r);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM exchange"), 3);
	test_close(ctx);
}

static void bad_rows_stop_the_import_unless_skipped(void **state)
{
	(void)state;
	recip_ctx *ctx = with_parties();
	const char *csv = "party,direction,kind,at\n"
	                  "Ana,gave,treat,2026-11-01\n"
	                  "Nobody,gave,treat,2026-11-02\n"
	                  "Tom,sideways,gift,2026-11-03\n"
	                  "Tom,gave,gift,not a date\n";
	assert_int_equal(import_fails(ctx, "exchange", csv, strlen(csv), NULL), RECIP_EINVAL);
	assert_non_null(strstr(recip_errmsg(ctx), "line 3 of 'in.csv': unknown party 'Nobody'"));
	assert_non_null(strstr(recip_errmsg(ctx), "3 bad rows"));
	/* a dry run reports every bad row and writes nothing */
	recip_import_options dry = {.dry_run = true, .skip_bad = true};
	json_t *r = import_ok(ctx, "exchange", csv, &dry);
	assert_int_equal(report_int(r, "bad_count"), 3);
	assert_int_equal(report_int(r, "added"), 1);
	assert_false(json_is_true(json_object_get(r, "written")));
	json_t *bad = json_object_get(r, "bad");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(bad, 1), "line")), 4);
	assert_non_null(strstr(json_string_value(json_object_get(json_array_get(bad, 1), "reason")), "bad direction"));
	assert_int_equal(json_integer_value(json_object_get(json_array_get(bad, 2), "line")), 5);
	json_decref(r);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM exchange"), 0);
	/* --skip-bad writes the good row */
	recip_import_options skip = {.skip_bad = true};
	r = import_ok(ctx, "exchange", csv, &skip);
	assert_int_equal(report_int(r, "added"), 1);
	assert_true(json_is_true(json_object_get(r, "written")));
	json_decref(r);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM exchange"), 1);
	test_close(ctx);
}

static void reports_the_line_a_multi_line_row_starts_on(void **state)
{
	(void)state;
	recip_ctx *ctx = with_parties();
	const char *csv = "party,direction,kind,note\n"
	                  "Ana,gave,treat,\"one\ntwo\nthree\"\n"
	                  "\n"
	                  "Tom,gave,nonsense,\"a\nb\"\n";
	import_fails(ctx, "exchange", csv, strlen(csv), NULL);
	assert_non_null(strstr(recip_errmsg(ctx), "line 6 of 'in.csv': unknown kind 'nonsense'"));
	test_close(ctx);
}

static void maps_and_refuses_columns(void **state)
{
	(void)state;
	recip_ctx *ctx = with_parties();
	const char *unknown = "party,direction,kind,colour\nAna,gave,treat,red\n";
	import_fails(ctx, "exchange", unknown, strlen(unknown), NULL);
	assert_non_null(strstr(recip_errmsg(ctx), "unknown column 'colour'"));
	const char *map_missing[] = {"Who=party"};
	recip_import_options opt = {.map = map_missing, .n_map = 1};
	const char *plain = "party,direction,kind\nAna,gave,treat\n";
	import_fails(ctx, "exchange", plain, strlen(plain), &opt);
	assert_non_null(strstr(recip_errmsg(ctx), "no column in the header"));
	const char *no_kind = "party,direction\nAna,gave\n";
	import_fails(ctx, "exchange", no_kind, strlen(no_kind), NULL);
	assert_non_null(strstr(recip_errmsg(ctx), "no column for kind"));
	/* semicolons, other headers, an ignored column */
	const char *maps[] = {"Customer=party", "Way=direction", "What=kind", "Colour=-"};
	recip_import_options mapped = {.map = maps, .n_map = 4};
	json_t *r = import_ok(ctx, "exchange", "Customer;Way;What;Colour\nAna;gave;treat;red\n", &mapped);
	assert_int_equal(report_int(r, "added"), 1);
	json_decref(r);
	test_close(ctx);
}

static void checks_a_party_against_its_name(void **state)
{
	(void)state;
	recip_ctx *ctx = with_parties();
	const char *wrong = "party,party_name,direction,kind\n1,Tom Reed,gave,treat\n";
	import_fails(ctx, "exchange", wrong, strlen(wrong), NULL);
	assert_non_null(strstr(recip_errmsg(ctx), "is Ana Lopez (#1), but the row names 'Tom Reed'"));
	json_t *r = import_ok(ctx, "exchange", "party_name,direction,kind\nTom Reed,gave,treat\n", NULL);
	assert_int_equal(report_int(r, "added"), 1);
	json_decref(r);
	test_close(ctx);
}

static void round_trips_through_export(void **state)
{
	(void)state;
	recip_ctx *ctx = with_parties();
	test_add(ctx, "party", "name", "Bo \"the boss\" Lind", "org", "Lind & Sons", "+phone", "+46 70 123",
	         "+address", "Storgatan 1\n111 22 Stockholm", "+address", "Box 7", "cadence", "2w", NULL);
	test_add(ctx, "exchange", "party", "Ana", "direction", "gave", "kind", "favour", "value", "2.75", "at",
	         "2026-10-10T09:30", "note", "line one\nline two, with comma", NULL);
	test_add(ctx, "touch", "party", "Tom", "channel", "email", "purpose", "need", "at", "2026-10-11", NULL);
	buf parties = BUF_INIT, exchanges = BUF_INIT, touches = BUF_INIT;
	recip_sink s1 = buf_sink(&parties), s2 = buf_sink(&exchanges), s3 = buf_sink(&touches);
	assert_ok(recip_export_csv(ctx, "parties", &s1));
	assert_ok(recip_export_csv(ctx, "exchanges", &s2));
	assert_ok(recip_export_csv(ctx, "touches", &s3));
	assert_non_null(strstr(exchanges.data, "id,party,party_name,direction,kind,value"));
	assert_non_null(strstr(exchanges.data, "\"line one\nline two, with comma\""));
	test_close(ctx);

	/* into a new database: the same records */
	ctx = test_open();
	json_t *r = import_ok(ctx, "parties", parties.data, NULL);
	assert_int_equal(report_int(r, "added"), 4); /* Ana, Tom, Bo and Lind & Sons */
	json_decref(r);
	r = import_ok(ctx, "exchanges", exchanges.data, NULL);
	assert_int_equal(report_int(r, "added"), 1);
	json_decref(r);
	r = import_ok(ctx, "touches", touches.data, NULL);
	assert_int_equal(report_int(r, "added"), 1);
	json_decref(r);
	assert_int_equal(count_with(ctx, "SELECT count(*) FROM exchange WHERE value = 2.75 AND note = ?",
	                            "line one\nline two, with comma"),
	                 1);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party WHERE name = 'Bo \"the boss\" Lind' AND "
	                               "cadence_days = 14 AND org_id = (SELECT id FROM party WHERE name = 'Lind & Sons')"),
	                 1);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party_value WHERE field = 'address'"), 2);
	buf again = BUF_INIT;
	recip_sink s4 = buf_sink(&again);
	assert_ok(recip_export_csv(ctx, "parties", &s4));
	/* quotes doubled, the two addresses a paragraph apart */
	assert_non_null(strstr(again.data, "\"Bo \"\"the boss\"\" Lind\""));
	assert_non_null(strstr(again.data, "\"Storgatan 1\n111 22 Stockholm\n\nBox 7\""));
	buf_release(&parties);
	buf_release(&exchanges);
	buf_release(&touches);
	buf_release(&again);
	test_close(ctx);
}

static void imports_asks_as_history(void **state)
{
	(void)state;
	recip_ctx *ctx = with_parties();
	/* asks already made: no give-first gate (nothing was given to Ana), the
	 * forced flag as the file has it; the other rules still hold */
	json_t *r = import_ok(ctx, "ask",
	                      "party,direction,what,at,status,resolved_at,forced\n"
	                      "Ana,ours,review,2026-11-20,open,,\n"
	                      "Tom,ours,referral,2026-10-01,granted,2026-10-05,yes\n",
	                      NULL);
	assert_int_equal(report_int(r, "added"), 2);
	json_decref(r);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM ask WHERE what = 'review' AND forced = 0 AND status = 'open'"), 1);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM ask WHERE what = 'referral' AND forced = 1"), 1);
	const char *wrong = "party,direction,what,at,status,resolved_at\nAna,ours,favour,2026-11-20,open,2026-11-21\n";
	import_fails(ctx, "ask", wrong, strlen(wrong), NULL);
	assert_non_null(strstr(recip_errmsg(ctx), "an open ask has no resolution time"));
	/* a recorded ask of ours still meets the gate */
	int64_t id;
	assert_int_equal(test_try_add(ctx, &id, "ask", "party", "Ana", "direction", "ours", "what", "vote", NULL),
	                 RECIP_ENOTREADY);
	test_close(ctx);
}

static void malformed_files_change_nothing(void **state)
{
	(void)state;
	recip_ctx *ctx = with_parties();
	/* a quote never closed */
	const char *open_quote = "party,direction,kind,note\nAna,gave,treat,ok\nTom,gave,gift,\"never closed\n";
	assert_int_equal(import_fails(ctx, "exchange", open_quote, strlen(open_quote), NULL), RECIP_EINVAL);
	assert_non_null(strstr(recip_errmsg(ctx), "line 3 of 'in.csv': a quoted field is never closed"));
	/* a stray quote */
	const char *stray = "party,direction,kind,note\nAna,gave,treat,\"ok\"x\n";
	import_fails(ctx, "exchange", stray, strlen(stray), NULL);
	assert_non_null(strstr(recip_errmsg(ctx), "line 2 of 'in.csv': malformed quotes"));
	/* Latin-1 where UTF-8 belongs, and the same read as cp1252 */
	const char *latin1 = "name,notes\nJos\xe9 Garc\xed" "a,caf\xe9\n";
	import_fails(ctx, "party", latin1, strlen(latin1), NULL);
	assert_non_null(strstr(recip_errmsg(ctx), "line 2 of 'in.csv': column 'name' is not valid UTF-8"));
	recip_import_options cp = {.encoding = "cp1252"};
	json_t *r = import_ok(ctx, "party", latin1, &cp);
	json_decref(r);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party WHERE name = 'José García'"), 1);
	/* a NUL byte */
	const char nul[] = "party,direction,kind,note\nAna,gave,treat,a\0b\n";
	import_fails(ctx, "exchange", nul, sizeof(nul) - 1, NULL);
	assert_non_null(strstr(recip_errmsg(ctx), "line 2 of 'in.csv': column 'note' contains a NUL byte"));
	/* a 10 MB field */
	size_t big = 10u << 20;
	char *huge = malloc(big + 100);
	assert_non_null(huge);
	int n = snprintf(huge, 100, "party,direction,kind,note\nAna,gave,treat,\"");
	memset(huge + n, 'x', big);
	memcpy(huge + n + big, "\"\n", 2);
	assert_int_equal(import_fails(ctx, "exchange", huge, (size_t)n + big + 2, NULL), RECIP_ETOOBIG);
	assert_non_null(strstr(recip_errmsg(ctx), "line 2 of 'in.csv': the row is longer than"));
	free(huge);
	/* an empty file, and a file of another kind's columns */
	import_fails(ctx, "exchange", "", 0, NULL);
	assert_non_null(strstr(recip_errmsg(ctx), "empty"));
	test_close(ctx);
}

typedef struct progress_seen {
	int64_t rows, calls;
} progress_seen;

static void note_progress(void *arg, int64_t rows, int64_t bytes, int64_t total)
{
	progress_seen *seen = arg;
	assert_true(bytes <= total);
	seen->rows = rows;
	seen->calls++;
}

static void reads_across_chunk_edges_and_reports_progress(void **state)
{
	(void)state;
	recip_ctx *ctx = with_parties();
	buf csv = BUF_INIT;
	buf_adds(&csv, "party,direction,kind,at,note\r\n");
	for (int i = 0; i < 9000; i++)
		buf_printf(&csv, "%s,gave,treat,2026-01-01T00:%02d,\"row %d, \"\"quoted\"\"\r\nsecond line\"\r\n",
		           i % 2 ? "Ana" : "Tom", i % 60, i);
	memory_source m;
	memory_bytes(&m, "big.csv", csv.data, csv.len);
	m.chunk = 997; /* reads end in the middle of rows, quotes and CR LF */
	progress_seen seen = {0, 0};
	recip_import_options opt = {.progress = note_progress, .progress_arg = &seen};
	json_t *r = NULL;
	assert_ok(recip_import_csv(ctx, &r, "exchange", &m.src, &opt));
	assert_int_equal(report_int(r, "added"), 9000);
	json_decref(r);
	assert_true(seen.calls >= 3);
	assert_int_equal(seen.rows, 9000);
	assert_int_equal(count_with(ctx, "SELECT count(*) FROM exchange WHERE note = ?",
	                            "row 8999, \"quoted\"\r\nsecond line"),
	                 1);
	buf_release(&csv);
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(imports_parties_with_labels_facts_and_organisations),
		cmocka_unit_test(merges_parties_by_email_and_keeps_what_differs),
		cmocka_unit_test(imports_ledger_rows_in_bulk),
		cmocka_unit_test(bad_rows_stop_the_import_unless_skipped),
		cmocka_unit_test(reports_the_line_a_multi_line_row_starts_on),
		cmocka_unit_test(maps_and_refuses_columns),
		cmocka_unit_test(checks_a_party_against_its_name),
		cmocka_unit_test(round_trips_through_export),
		cmocka_unit_test(imports_asks_as_history),
		cmocka_unit_test(malformed_files_change_nothing),
		cmocka_unit_test(reads_across_chunk_edges_and_reports_progress),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
