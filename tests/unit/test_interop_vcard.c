/* test_interop_vcard.c — vCards from real address books (tests/fixtures/
 * vcard, from ez-vcard's test suite) imported file by file with the names,
 * emails, phones, organisations and birthdays each holds; merging into
 * parties already there; malformed files that change nothing; and a round
 * trip through recip's own vCard 4.0 export. */
#include "interop_test.h"

typedef struct expected_party {
	const char *name;
	const char *org;        /* NULL: none */
	const char *birthday;   /* NULL: none */
	const char *emails;     /* values in order, '|'-separated; "" for none */
	const char *phones;
} expected_party;

typedef struct expected_file {
	const char *file;
	size_t n;
	expected_party people[6];
} expected_file;

static const expected_file files[] = {
	{"vcard/John_Doe_ANDROID.vcf", 6, {
		{"john.doe@company.com", NULL, NULL, "john.doe@company.com", ""},
		{"jane.doe@company.com", NULL, NULL, "jane.doe@company.com", ""},
		{"Ñ Ñ Ñ Ñ Ñ", NULL, NULL, "", "123456789"},
		{"Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ Ñ", NULL, NULL, "", "123456|234567|3456789|45678901"},
		{"Ñ Ñ Ñ Ñ", "ÑÑÑÑÑÑÑÑÑÑÑÑ", NULL, "bob@company.com", "123456"},
		{"ÑÑÑÑ", "ÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑÑ", NULL, "henry@company.com", "55556666"}}},
	{"vcard/John_Doe_BLACK_BERRY.vcf", 1, {{"John Doe", "Acme Solutions", NULL, "", "+96123456789"}}},
	{"vcard/John_Doe_EVOLUTION.vcf", 1, {
		{"Mr. John Richter, James Doe Sr.", "IBM", "1980-03-22", "john.doe@ibm.com", "905-666-1234|905-555-1234"}}},
	{"vcard/John_Doe_GMAIL.vcf", 1, {
		{"Mr. John Richter, James Doe Sr.", "IBM", "1980-03-22", "john.doe@ibm.com", "905-555-1234|905-666-1234"}}},
	{"vcard/John_Doe_IPHONE.vcf", 1, {
		{"Mr. John Richter James Doe Sr.", "IBM", "2012-06-06", "john.doe@ibm.com",
		 "905-555-1234|905-666-1234|905-777-1234|905-888-1234|905-999-1234|905-111-1234|905-222-1234"}}},
	{"vcard/John_Doe_LOTUS_NOTES.vcf", 1, {
		{"Mr. Doe John I Johny", "IBM", "1980-05-21", "john.doe@ibm.com|billy_bob@gmail.com",
		 "+1 (212) 204-34456|00-1-212-555-7777"}}},
	{"vcard/John_Doe_MAC_ADDRESS_BOOK.vcf", 1, {
		{"Mr. John Richter,James Doe Sr.", "IBM", "2012-06-06", "john.doe@ibm.com",
		 "905-777-1234|905-666-1234|905-555-1234|905-888-1234|905-999-1234|905-111-1234|905-222-1234"}}},
	{"vcard/John_Doe_MS_OUTLOOK.vcf", 1, {
		{"Mr. John Richter James Doe Sr.", "IBM", "1980-03-22", "john.doe@ibm.cm", "(905) 555-1234|(905) 666-1234"}}},
	{"vcard/fullcontact.vcf", 1, {
		{"Prefix FirstName MiddleName LastName Suffix", "Organization1", "2016-08-01",
		 "home@example.com|work@example.com|school@example.com|other@example.com|custom@example.com",
		 "555-555-1111|555-555-1112|555-555-1113|555-555-1114|555-555-1115|555-555-1116|555-555-1117|"
		 "555-555-1118|555-555-1119"}}},
	{"vcard/gmail-list.vcf", 3, {
		{"Arnold Smith", NULL, NULL, "asmithk@gmail.com", ""},
		{"Chris Beatle", NULL, NULL, "chrisy55d@yahoo.com", ""},
		{"Doug White", NULL, NULL, "dwhite@gmail.com", ""}}},
	{"vcard/gmail-single.vcf", 1, {
		{"Greg Dartmouth", "TheCompany", "1960-09-10", "gdartmouth@hotmail.com", "555 555 1111|555 555 2222"}}},
	{"vcard/gmail-single2.vcf", 1, {
		{"VCard Test", "TheCompany", "1912-06-23",
		 "email@example.com|homeemail@example.com|workemail@example.com|otheremail@example.com|"
		 "customcategory@example.com",
		 "5555551111|5555551112|5555551113|5555551114|5555551115|5555551116|5555551117|5555551118|5555551119|"
		 "5555551120|5555551121"}}},
	{"vcard/outlook-2003.vcf", 1, {{"John Doe III", "Company, The", "1980-03-21", "jdoe@hotmail.com", ""}}},
	{"vcard/outlook-2007.vcf", 1, {
		{"Mr. Michael Angstadt Jr.", "TheCompany", "1922-03-10", "mike.angstadt@gmail.com",
		 "(111) 555-1111|(111) 555-2222|(111) 555-4444|(111) 555-3333"}}},
	{"vcard/rfc2426-example.vcf", 2, {
		{"Frank Dawson", "Lotus Development Corporation", NULL, "Frank_Dawson@Lotus.com|fdawson@earthlink.net",
		 "+1-919-676-9515|+1-919-676-9564"},
		{"Tim Howes", "Netscape Communications Corp.", NULL, "howes@netscape.com", "+1-415-937-3419|+1-415-528-4164"}}},
	{"vcard/rfc6350-example.vcf", 1, {
		{"Simon Perreault", "Viagenie", "--02-03", "simon.perreault@viagenie.ca",
		 "+1-418-656-9254;ext=102|+1-418-262-6501"}}},
	{"vcard/thunderbird-MoreFunctionsForAddressBook-extension.vcf", 1, {
		{"John Doe", "TheOrganization", "1970-09-21",
		 "doe.john@hotmail.com|additional-email@company.com|additional-email1@company.com|"
		 "additional-email2@company.com|additional-email3@company.com",
		 "555-555-1111|555-555-2222|555-555-5555|555-555-3333|555-555-4444"}}},
};

static json_t *import_file(recip_ctx *ctx, const char *relative, const recip_import_options *opt)
{
	memory_source m;
	char *data;
	json_t *report = NULL;
	const recip_source *src = fixture(&m, relative, &data);
	if (recip_import_vcard(ctx, &report, src, opt) != RECIP_OK)
		fail_msg("importing %s failed: %s", relative, recip_errmsg(ctx));
	free(data);
	return report;
}

/* The values of a multi-valued field, '|'-separated, in order. */
static char *values(json_t *party, const char *field)
{
	buf b = BUF_INIT;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(party, field), i, v) {
		if (b.len)
			buf_addc(&b, '|');
		buf_adds(&b, json_string_value(json_object_get(v, "value")));
	}
	return buf_detach(&b);
}

static void check_party(recip_ctx *ctx, const char *file, const expected_party *want)
{
	int64_t id;
	if (recip_party_resolve(ctx, &id, want->name) != RECIP_OK)
		fail_msg("%s: no party '%s': %s", file, want->name, recip_errmsg(ctx));
	json_t *p;
	assert_ok(recip_record_get(ctx, &p, "party", id));
	assert_string_equal(json_string_value(json_object_get(p, "name")), want->name);
	assert_string_equal(json_string_value(json_object_get(p, "kind")), "person");
	const char *org = json_string_value(json_object_get(p, "org_name"));
	if (want->org)
		assert_string_equal(org ? org : "(none)", want->org);
	else
		assert_null(org);
	const char *birthday = json_string_value(json_object_get(p, "birthday"));
	if (want->birthday)
		assert_string_equal(birthday ? birthday : "(none)", want->birthday);
	else
		assert_null(birthday);
	char *emails = values(p, "email"), *phones = values(p, "phone");
	if (strcmp(emails, want->emails) || strcmp(phones, want->phones))
		fail_msg("%s, %s: emails '%s' phones '%s'", file, want->name, emails, phones);
	free(emails);
	free(phones);
	json_decref(p);
}

static void imports_every_fixture_file(void **state)
{
	(void)state;
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		recip_ctx *ctx = test_open();
		json_t *r = import_file(ctx, files[f].file, NULL);
		assert_int_equal(report_int(r, "contacts"), (int64_t)files[f].n);
		assert_int_equal(report_int(r, "added"), (int64_t)files[f].n);
		json_decref(r);
		for (size_t i = 0; i < files[f].n; i++)
			check_party(ctx, files[f].file, &files[f].people[i]);
		assert_int_equal(count_of(ctx, "SELECT count(*) FROM party WHERE kind = 'person'"), (int64_t)files[f].n);
		test_close(ctx);
	}
}

static void keeps_what_fields_cannot_hold_as_facts(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	json_t *r = import_file(ctx, "vcard/John_Doe_EVOLUTION.vcf", NULL);
	json_decref(r);
	int64_t id;
	assert_ok(recip_party_resolve(ctx, &id, "Mr. John"));
	json_t *p;
	assert_ok(recip_record_get(ctx, &p, "party", id));
	assert_string_equal(json_string_value(json_object_get(p, "title")), "Money Counter");
	assert_string_equal(json_string_value(json_object_get(p, "anniversary")), "1980-03-22");
	assert_string_equal(json_string_value(json_object_get(p, "external_id")), "vcard:477343c8e6bf375a9bac1f96a5000837");
	char *urls = values(p, "url"), *addresses = values(p, "address");
	assert_string_equal(urls, "http://www.ibm.com");
	assert_string_equal(addresses, "ASB-123\n15 Crescent moon drive\nAlbaney, New York 12345\nUnited States of America");
	assert_string_equal(json_string_value(json_array_get(json_object_get(p, "tag"), 0)), "vip");
	assert_non_null(strstr(json_string_value(json_object_get(p, "notes")), "\"AS IS\" AND ANY EXPRESS"));
	free(urls);
	free(addresses);
	json_decref(p);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM fact WHERE key = 'nickname' AND value = 'Johny'"), 1);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM fact WHERE key = 'spouse' AND value = 'Maria'"), 1);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM fact WHERE key = 'department' AND value = 'Accounting, Dungeon'"),
	                 1);
	test_close(ctx);

	/* Outlook 2003's placeholder phones are no numbers: kept as facts, with warnings */
	ctx = test_open();
	r = import_file(ctx, "vcard/outlook-2003.vcf", NULL);
	assert_int_equal(report_int(r, "warning_count"), 4);
	json_t *w = json_array_get(json_object_get(r, "warnings"), 0);
	assert_int_equal(json_integer_value(json_object_get(w, "line")), 10);
	assert_string_equal(json_string_value(json_object_get(w, "reason")),
	                    "TEL: bad phone number 'BusinessPhone'; kept as the fact 'phone (work)'");
	json_decref(r);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM fact WHERE key = 'phone (work fax)' AND value = 'BusinessFaxPhone'"),
	                 1);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM fact WHERE key = 'note'"), 0);
	assert_int_equal(count_with(ctx, "SELECT count(*) FROM party WHERE notes = ?",
	                            "This is the note field!!\nSecond line\n\nThird line is empty"),
	                 1);
	test_close(ctx);
}

static void merges_a_contact_into_the_party_it_matches(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t john = test_add(ctx, "party", "name", "Johnny D", "+email", "John.Doe@ibm.com", "title", "Auditor", NULL);
	char *before = database_image(ctx);
	recip_import_options dry = {.dry_run = true};
	json_t *r = import_file(ctx, "vcard/John_Doe_GMAIL.vcf", &dry);
	assert_int_equal(report_int(r, "merged"), 1);
	assert_int_equal(report_int(r, "added"), 0);
	json_t *m = json_array_get(json_object_get(r, "merges"), 0);
	assert_int_equal(json_integer_value(json_object_get(m, "party")), john);
	assert_string_equal(json_string_value(json_object_get(m, "by")), "email john.doe@ibm.com");
	json_t *changes = json_object_get(m, "changes");
	assert_string_equal(json_string_value(json_array_get(changes, 0)), "kept name 'Johnny D' (the input has 'Mr. John "
	                                                                  "Richter, James Doe Sr.')");
	bool phone_added = false, title_kept = false;
	size_t i;
	json_t *c;
	json_array_foreach(changes, i, c) {
		phone_added |= !strcmp(json_string_value(c), "+phone 905-555-1234 (cell)");
		title_kept |= !strcmp(json_string_value(c), "kept title 'Auditor' (the input has 'Money Counter')");
	}
	assert_true(phone_added);
	assert_true(title_kept);
	json_decref(r);
	assert_unchanged(ctx, before);
	/* for real: one party, with the card's phones and birthday */
	r = import_file(ctx, "vcard/John_Doe_GMAIL.vcf", NULL);
	json_decref(r);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party WHERE kind = 'person'"), 1);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party WHERE name = 'Johnny D' AND birthday = '1980-03-22' AND "
	                               "title = 'Auditor'"),
	                 1);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party_value WHERE field = 'phone'"), 2);
	test_close(ctx);
}

static void imports_again_without_change(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++)
		json_decref(import_file(ctx, files[f].file, NULL));
	char *before = database_image(ctx);
	for (size_t f = 0; f < sizeof(files) / sizeof(files[0]); f++) {
		json_t *r = import_file(ctx, files[f].file, NULL);
		assert_int_equal(report_int(r, "added"), 0);
		assert_int_equal(report_int(r, "merged"), 0);
		json_decref(r);
	}
	assert_unchanged(ctx, before);
	json_t *check;
	assert_ok(recip_check(ctx, &check));
	assert_true(json_is_true(json_object_get(check, "ok")));
	json_decref(check);
	test_close(ctx);
}

static int import_bytes(recip_ctx *ctx, const char *data, size_t len, const recip_import_options *opt)
{
	char *before = database_image(ctx);
	memory_source m;
	json_t *report = NULL;
	int rc = recip_import_vcard(ctx, &report, memory_bytes(&m, "in.vcf", data, len), opt);
	json_decref(report);
	if (rc)
		assert_unchanged(ctx, before);
	else
		free(before);
	return rc;
}

static void malformed_files_change_nothing(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	const char *cut = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Lopez\r\nEND:VCARD\r\n"
	                  "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Tom Reed\r\nEMAIL:tom@harbor";
	assert_int_equal(import_bytes(ctx, cut, strlen(cut), NULL), RECIP_EINVAL);
	assert_string_equal(recip_errmsg(ctx), "line 5 of 'in.vcf': the vCard that begins there has no END:VCARD (is "
	                                       "the file cut short?)");
	const char *latin1 = "BEGIN:VCARD\nVERSION:3.0\nFN:Jos\xe9 Garc\xed" "a\nEND:VCARD\n";
	assert_int_equal(import_bytes(ctx, latin1, strlen(latin1), NULL), RECIP_EINVAL);
	assert_non_null(strstr(recip_errmsg(ctx), "line 3 of 'in.vcf' is not valid UTF-8"));
	recip_import_options latin = {.encoding = "ISO-8859-1"};
	assert_int_equal(import_bytes(ctx, latin1, strlen(latin1), &latin), RECIP_OK);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party WHERE name = 'José García'"), 1);
	const char nul[] = "BEGIN:VCARD\nVERSION:3.0\nFN:Ana\0Lopez\nEND:VCARD\n";
	assert_int_equal(import_bytes(ctx, nul, sizeof(nul) - 1, NULL), RECIP_EINVAL);
	assert_string_equal(recip_errmsg(ctx), "line 3 of 'in.vcf' contains a NUL byte (is it a text file?)");
	const char *nested = "BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nFN:B\nEND:VCARD\n";
	assert_int_equal(import_bytes(ctx, nested, strlen(nested), NULL), RECIP_EINVAL);
	assert_non_null(strstr(recip_errmsg(ctx), "line 3 of 'in.vcf': a vCard begins before the one of line 1 ended"));
	const char *csv = "name,email\nAna,ana@example.com\n";
	assert_int_equal(import_bytes(ctx, csv, strlen(csv), NULL), RECIP_EINVAL);
	assert_string_equal(recip_errmsg(ctx), "line 1 of 'in.vcf': not a vCard (BEGIN:VCARD expected)");
	/* a 10 MB photo on one line, and folded over many */
	size_t big = 10u << 20;
	char *huge = malloc(big + 200);
	assert_non_null(huge);
	int n = snprintf(huge, 200, "BEGIN:VCARD\nVERSION:3.0\nFN:Big\nPHOTO;ENCODING=b:");
	memset(huge + n, 'A', big);
	memcpy(huge + n + big, "\nEND:VCARD\n", 11);
	assert_int_equal(import_bytes(ctx, huge, (size_t)n + big + 11, NULL), RECIP_ETOOBIG);
	assert_non_null(strstr(recip_errmsg(ctx), "line 4 of 'in.vcf' is longer than"));
	for (size_t i = (size_t)n; i + 76 < (size_t)n + big; i += 76) {
		huge[i] = '\n';
		huge[i + 1] = ' ';
	}
	assert_int_equal(import_bytes(ctx, huge, (size_t)n + big + 11, NULL), RECIP_ETOOBIG);
	assert_non_null(strstr(recip_errmsg(ctx), "line 4 of 'in.vcf': a property longer than"));
	free(huge);
	/* escapes in one-line fields: a line break becomes a space */
	const char *escaped = "BEGIN:VCARD\nVERSION:3.0\nFN:Ana\\nLopez\\, Jr.\nTITLE:Head\\; Chef\nEND:VCARD\n";
	assert_int_equal(import_bytes(ctx, escaped, strlen(escaped), NULL), RECIP_OK);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party WHERE name = 'Ana Lopez, Jr.' AND title = 'Head; Chef'"), 1);
	/* what a field cannot hold is cut or kept as a fact, with a warning */
	buf card = BUF_INIT;
	buf_adds(&card, "BEGIN:VCARD\nVERSION:3.0\nFN:");
	for (int i = 0; i < 80; i++)
		buf_adds(&card, "Long");
	buf_adds(&card, "\nBDAY:1700-01-01\nX-RECIP-CREDIBILITY:99\nEND:VCARD\n");
	memory_source m;
	json_t *r = NULL;
	assert_ok(recip_import_vcard(ctx, &r, memory_bytes(&m, "in.vcf", card.data, card.len), NULL));
	assert_int_equal(report_int(r, "warning_count"), 3);
	json_decref(r);
	buf_release(&card);
	assert_int_equal(count_of(ctx, "SELECT length(name) FROM party WHERE name LIKE 'LongLong%'"), 200);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM fact WHERE key = 'birthday' AND value = '1700-01-01'"), 1);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM fact WHERE key = 'credibility' AND value = '99'"), 1);
	test_close(ctx);
}

static void round_trips_through_vcard_export(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	json_decref(import_file(ctx, "vcard/gmail-single2.vcf", NULL));
	json_decref(import_file(ctx, "vcard/rfc6350-example.vcf", NULL));
	int64_t simon;
	assert_ok(recip_party_resolve(ctx, &simon, "Simon"));
	assert_ok(recip_fact_remember(ctx, simon, "regular order", "flat white; oat milk"));
	recip_field more[] = {{"role", "client", RECIP_ADD, NULL}, {"cadence", "3w", RECIP_SET, NULL}};
	assert_ok(recip_record_update(ctx, "party", simon, more, 2));
	buf card = BUF_INIT;
	recip_sink sink = buf_sink(&card);
	assert_ok(recip_export_vcard(ctx, 0, &sink));
	assert_non_null(strstr(card.data, "BEGIN:VCARD\r\nVERSION:4.0\r\n"));
	assert_non_null(strstr(card.data, "X-RECIP-FACT;KEY=\"regular order\":flat white\\; oat milk\r\n"));
	/* no line longer than 75 octets */
	for (const char *line = card.data; *line;) {
		const char *end = strstr(line, "\r\n");
		assert_non_null(end);
		assert_true(end - line <= 75);
		line = end + 2;
	}
	/* exported and imported again into the same database: nothing changes */
	char *before = database_image(ctx);
	memory_source m;
	json_t *r = NULL;
	assert_ok(recip_import_vcard(ctx, &r, memory_bytes(&m, "out.vcf", card.data, card.len), NULL));
	assert_int_equal(report_int(r, "added"), 0);
	assert_int_equal(report_int(r, "merged"), 0);
	json_decref(r);
	assert_unchanged(ctx, before);
	test_close(ctx);

	/* into a new one: the same parties */
	ctx = test_open();
	assert_ok(recip_import_vcard(ctx, &r, memory_bytes(&m, "out.vcf", card.data, card.len), NULL));
	json_decref(r);
	check_party(ctx, "round trip", &files[11].people[0]);
	check_party(ctx, "round trip", &files[15].people[0]);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party WHERE name = 'Simon Perreault' AND cadence_days = 21"), 1);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM fact WHERE key = 'regular order' AND value = 'flat white; oat milk'"),
	                 1);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party_value WHERE field = 'role' AND value = 'client'"), 1);
	/* labels that are no vCard types travel as X-ABLabel */
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM party_value WHERE field = 'phone' AND label = 'grand central'"), 1);
	buf_release(&card);
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(imports_every_fixture_file),
		cmocka_unit_test(keeps_what_fields_cannot_hold_as_facts),
		cmocka_unit_test(merges_a_contact_into_the_party_it_matches),
		cmocka_unit_test(imports_again_without_change),
		cmocka_unit_test(malformed_files_change_nothing),
		cmocka_unit_test(round_trips_through_vcard_export),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
