/* test_interop_dump.c — the JSON export and restore (export → restore →
 * export gives the same bytes, every table is in the format, bad or cut
 * files leave nothing behind), and online backups. */
#include "interop_test.h"

#include "db.h"

#include <sys/stat.h>
#include <unistd.h>

/* dump.c: the tables of the format, for comparing with the schema. */
const char *dump_table_name(size_t i);
const char *dump_table_columns(size_t i);
bool dump_table_derived(const char *name);
/* store.c */
int store_open(recip_ctx *ctx, const char *address, unsigned flags, int target);

static char *export_of(recip_ctx *ctx)
{
	return database_image(ctx);
}

/* import_common.c */
void database_files_remove(const char *path);

/* Whether a database is at the address: an SQLite file, or on
 * PostgreSQL a database that holds tables (a restore that fails leaves
 * none). */
static bool database_there(const char *address)
{
	struct stat st;
	if (!test_on_postgresql())
		return stat(address, &st) == 0;
	recip_ctx *probe;
	assert_int_equal(recip_ctx_new(&probe), RECIP_OK);
	int rc = recip_open(probe, address, 0);
	recip_ctx_free(probe);
	return rc != RECIP_ENODB;
}

static int restore_text(recip_ctx *ctx, const char *path, const char *text, size_t len, json_t **out)
{
	memory_source m;
	return recip_restore(ctx, out, path, memory_bytes(&m, "export.json", text, len));
}

static void restores_byte_for_byte(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	assert_ok(recip_demo_create(ctx, T(2026, 11, 23, 12, 0)));
	int64_t ana = test_add(ctx, "party", "name", "Zoë \"Z\" Ünal", "+email", "zoe@example.com", "notes",
	                       "two\nlines, \\ and a tab\there", NULL);
	test_add(ctx, "exchange", "party", "Zoë", "direction", "gave", "kind", "gift", "value", "0.1", NULL);
	test_add(ctx, "exchange", "party", "Zoë", "direction", "received", "kind", "favour", "value", "123456.789", NULL);
	/* a person whose organisation was added after them */
	int64_t org = test_add(ctx, "party", "kind", "organisation", "name", "Later Ltd", NULL);
	recip_field set_org[] = {{"org", "Later Ltd", RECIP_SET, NULL}};
	assert_ok(recip_record_update(ctx, "party", ana, set_org, 1));
	assert_true(org > ana);
	char *first = export_of(ctx);
	assert_non_null(strstr(first, "{\"format\":\"recip-export\",\"recip\":\""));
	assert_non_null(strstr(first, "0.1,"));
	test_close(ctx);

	recip_ctx *copy;
	assert_ok(recip_ctx_new(&copy));
	recip_ctx_set_now(copy, T(2027, 1, 1, 0, 0)); /* another day: nothing may depend on it */
	char *path = test_temp_db(); /* on the backend under test */
	json_t *report;
	if (restore_text(copy, path, first, strlen(first), &report) != RECIP_OK)
		fail_msg("restore: %s", recip_errmsg(copy));
	assert_true(report_int(report, "rows") > 100);
	json_decref(report);
	char *second = export_of(copy);
	assert_string_equal(first, second);
	json_t *check;
	assert_ok(recip_check(copy, &check));
	assert_true(json_is_true(json_object_get(check, "ok")));
	json_decref(check);
	/* a second restore into it is refused: it is not empty */
	assert_int_equal(restore_text(copy, path, first, strlen(first), &report), RECIP_EEXISTS);
	assert_non_null(strstr(recip_errmsg(copy), "is not empty"));
	/* new records get new ids, past the restored ones (PostgreSQL's
	 * sequences were moved on) */
	assert_ok(recip_open(copy, path, 0));
	assert_true(test_add(copy, "party", "name", "After the restore", NULL) > org);
	test_add(copy, "exchange", "party", "After the restore", "direction", "gave", "kind", "gift", NULL);
	test_add(copy, "fact", "party", "After the restore", "key", "likes", "value", "tea", NULL);
	recip_ctx_free(copy);
	test_drop_db(path);
	free(path);
	free(first);
	free(second);
}

/* The columns of a table, as the database describes them (either
 * backend): "a,b,c". */
static void table_columns(recip_ctx *ctx, const char *table, buf *out)
{
	char sql[200];
	snprintf(sql, sizeof(sql), "SELECT * FROM %s WHERE 1 = 0", table);
	db_stmt *st;
	if (db_prepare(ctx, &st, sql))
		fail_msg("%s: %s", sql, recip_errmsg(ctx));
	for (int i = 0; i < db_col_count(st); i++) {
		if (i)
			buf_addc(out, ',');
		buf_adds(out, db_col_name(st, i));
	}
	db_done(st);
}

static void lists_every_table_of_the_schema(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	/* every table is exported or derived; every column of an exported
	 * table is in the format, in the schema's order */
	int64_t tables = count_of(ctx, test_on_postgresql()
	                                   ? "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()"
	                                   : "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
	int64_t listed = 0, derived = 0;
	for (size_t i = 0; dump_table_name(i); i++) {
		buf expected = BUF_INIT, actual = BUF_INIT;
		const char *spec = dump_table_columns(i);
		for (const char *p = spec; *p;) {
			size_t n = strcspn(p, ":");
			if (expected.len)
				buf_addc(&expected, ',');
			buf_add(&expected, p, n);
			p += strcspn(p, " ");
			while (*p == ' ')
				p++;
		}
		bool present;
		assert_ok(ctx->db->ops->has_table(ctx, dump_table_name(i), &present));
		if (!present)
			fail_msg("the export lists table %s, which the schema lacks", dump_table_name(i));
		listed++;
		table_columns(ctx, dump_table_name(i), &actual);
		/* the same set (a column a migration added comes last in the
		 * schema, but may stand beside its kin in the format) */
		buf wrapped = BUF_INIT;
		buf_printf(&wrapped, ",%s,", expected.data);
		size_t n_actual = 0, n_expected = 1;
		for (const char *p = actual.data; *p;) {
			size_t len = strcspn(p, ",");
			char name[64];
			snprintf(name, sizeof(name), ",%.*s,", (int)len, p);
			if (!strstr(wrapped.data, name))
				fail_msg("column %s of table %s is not in the export format", name, dump_table_name(i));
			n_actual++;
			p += len;
			p += *p == ',';
		}
		buf_release(&wrapped);
		for (const char *p = expected.data; *p; p++)
			n_expected += *p == ',';
		assert_int_equal(n_actual, n_expected);
		buf_release(&expected);
		buf_release(&actual);
	}
	const char *names[] = {"party_rollup", "party_engine", "visit_weekday", "party_annual", "app_session"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		derived += dump_table_derived(names[i]);
	if (listed + derived != tables)
		fail_msg("the schema has %lld tables, the export format knows %lld (+%lld derived): a migration added a "
		         "table; add it to the list in lib/dump.c",
		         (long long)tables, (long long)listed, (long long)derived);
	test_close(ctx);
}

static void refuses_bad_and_cut_files_leaving_nothing(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	test_add(ctx, "party", "name", "Ana Lopez", NULL);
	test_add(ctx, "visit", "party", "Ana", "at", "2026-11-01T08:10", NULL);
	char *image = export_of(ctx);
	test_close(ctx);
	char *path = test_temp_db();
	recip_ctx *copy;
	assert_ok(recip_ctx_new(&copy));
	json_t *report;
	/* cut in the middle of a line, or after a whole line */
	size_t len = strlen(image);
	assert_int_equal(restore_text(copy, path, image, len - 10, &report), RECIP_EINVAL);
	assert_non_null(strstr(recip_errmsg(copy), "not JSON"));
	assert_false(database_there(path));
	const char *last = strstr(image, "{\"end\"");
	assert_int_equal(restore_text(copy, path, image, (size_t)(last - image), &report), RECIP_EINVAL);
	assert_non_null(strstr(recip_errmsg(copy), "without its last line (is it cut short?)"));
	assert_false(database_there(path));
	/* not an export at all */
	assert_int_equal(restore_text(copy, path, "name,email\n", 11, &report), RECIP_EINVAL);
	assert_non_null(strstr(recip_errmsg(copy), "is not a recip JSON export"));
	/* from a newer recip */
	const char *newer = "{\"format\":\"recip-export\",\"schema\":99,\"version\":1}\n";
	assert_int_equal(restore_text(copy, path, newer, strlen(newer), &report), RECIP_EVERSION);
	/* a table or column the format does not know: no SQL from the file */
	buf evil = BUF_INIT;
	buf_adds(&evil, "{\"format\":\"recip-export\",\"schema\":2,\"version\":1}\n"
	                "{\"table\":\"party; DROP TABLE audit\",\"columns\":[\"id\"]}\n");
	assert_int_equal(restore_text(copy, path, evil.data, evil.len, &report), RECIP_EINVAL);
	assert_non_null(strstr(recip_errmsg(copy), "line 2 of 'export.json': unknown table"));
	buf_reset(&evil);
	buf_adds(&evil, "{\"format\":\"recip-export\",\"schema\":2,\"version\":1}\n"
	                "{\"table\":\"party\",\"columns\":[\"id\",\"name) VALUES (1); --\"]}\n");
	assert_int_equal(restore_text(copy, path, evil.data, evil.len, &report), RECIP_EINVAL);
	assert_non_null(strstr(recip_errmsg(copy), "table party has no column"));
	assert_false(database_there(path));
	buf_release(&evil);
	recip_ctx_free(copy);
	free(image);
	test_drop_db(path);
	free(path);
}

static void restores_an_older_schema_and_upgrades_it(void **state)
{
	(void)state;
	recip_ctx *ctx;
	assert_ok(recip_ctx_new(&ctx));
	recip_ctx_set_now(ctx, T(2026, 11, 23, 12, 0));
	char *old_path = test_temp_db();
	assert_ok(store_open(ctx, old_path, RECIP_OPEN_CREATE, 1));
	test_fill_schema_1(ctx);
	char *image = export_of(ctx);
	assert_non_null(strstr(image, "\"schema\":1"));
	assert_null(strstr(image, "\"table\":\"referral\""));
	recip_ctx_free(ctx);
	test_drop_db(old_path);
	free(old_path);

	assert_ok(recip_ctx_new(&ctx));
	char *path = test_temp_db();
	json_t *report;
	assert_ok(restore_text(ctx, path, image, strlen(image), &report));
	assert_int_equal(report_int(report, "schema"), 1);
	assert_int_equal(report_int(report, "upgraded_to"), recip_schema_version_current());
	json_decref(report);
	int version;
	assert_ok(recip_schema_version(ctx, &version));
	assert_int_equal(version, recip_schema_version_current());
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM exchange"), 2);
	assert_int_equal(count_of(ctx, "SELECT count(*) FROM referral"), 0);
	json_t *check;
	assert_ok(recip_check(ctx, &check));
	assert_true(json_is_true(json_object_get(check, "ok")));
	json_decref(check);
	recip_ctx_free(ctx);
	test_drop_db(path);
	free(path);
	free(image);
}

static void backs_up_a_copy_that_checks_out(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	assert_ok(recip_demo_create(ctx, T(2026, 11, 23, 12, 0)));
	char *path = test_temp_path(".db");
	json_t *report;
	if (test_on_postgresql()) {
		/* a file copy is SQLite's; PostgreSQL has pg_dump, and the JSON
		 * export works on both */
		assert_int_equal(recip_backup(ctx, &report, path, false), RECIP_EINVAL);
		assert_null(report);
		assert_non_null(strstr(recip_errmsg(ctx), "pg_dump"));
		assert_non_null(strstr(recip_errmsg(ctx), "'recip export json'"));
		assert_null(strchr(recip_errmsg(ctx), '\n'));
		struct stat st;
		assert_int_not_equal(stat(path, &st), 0);
		free(path);
		test_close(ctx);
		skip(); /* the rest is about copying an SQLite file */
	}
	assert_ok(recip_backup(ctx, &report, path, false));
	assert_true(json_is_true(json_object_get(report, "ok")));
	assert_string_equal(json_string_value(json_object_get(report, "integrity")), "ok");
	json_decref(report);
	/* the copy holds what the database holds */
	char *original = export_of(ctx);
	recip_ctx *copy;
	assert_ok(recip_ctx_new(&copy));
	assert_ok(recip_open(copy, path, RECIP_OPEN_READONLY));
	char *copied = export_of(copy);
	assert_string_equal(original, copied);
	recip_ctx_free(copy);
	/* a file that exists is not overwritten unless asked */
	assert_int_equal(recip_backup(ctx, &report, path, false), RECIP_EEXISTS);
	test_add(ctx, "party", "name", "After the backup", NULL);
	assert_ok(recip_backup(ctx, &report, path, true));
	json_decref(report);
	assert_int_equal(recip_backup(ctx, &report, test_db_path(), true), RECIP_EINVAL);
	free(original);
	free(copied);
	database_files_remove(path);
	free(path);
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(restores_byte_for_byte),
		cmocka_unit_test(lists_every_table_of_the_schema),
		cmocka_unit_test(refuses_bad_and_cut_files_leaving_nothing),
		cmocka_unit_test(restores_an_older_schema_and_upgrades_it),
		cmocka_unit_test(backs_up_a_copy_that_checks_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
