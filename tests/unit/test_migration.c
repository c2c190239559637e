/* test_migration.c — a database made at the first schema, upgraded in place
 * to the current one, keeps every row; a backup of the old one is kept; a
 * newer database is refused. */
#include "support.h"
#include "db.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int64_t count(recip_ctx *ctx, const char *entity)
{
	json_t *page;
	recip_list_query q = {.include_archived = true};
	assert_ok(recip_record_list(ctx, &page, entity, &q));
	int64_t n = json_integer_value(json_object_get(page, "total"));
	json_decref(page);
	return n;
}

static void upgrade_keeps_every_row(void **state)
{
	(void)state;
	char *path = test_temp_db();
	recip_ctx *ctx;
	assert_int_equal(recip_ctx_new(&ctx), RECIP_OK);
	recip_ctx_set_now(ctx, T(2026, 11, 23, 12, 0));
	/* a database as recip left it at schema 1 */
	assert_ok(store_open(ctx, path, RECIP_OPEN_CREATE, 1));
	int version;
	assert_ok(recip_schema_version(ctx, &version));
	assert_int_equal(version, 1);
	test_fill_schema_1(ctx);
	int64_t tom = 2;
	recip_ctx_free(ctx);

	/* opening it with the current recip upgrades it */
	assert_int_equal(recip_ctx_new(&ctx), RECIP_OK);
	recip_ctx_set_now(ctx, T(2026, 11, 23, 12, 0));
	assert_ok(recip_open(ctx, path, 0));
	assert_ok(recip_schema_version(ctx, &version));
	assert_int_equal(version, recip_schema_version_current());
	const char *notice = recip_upgrade_notice(ctx);
	assert_non_null(notice);
	assert_non_null(strstr(notice, "from schema 1"));
	/* SQLite keeps a copy of the old file; PostgreSQL points to pg_dump */
	char backup[700];
	snprintf(backup, sizeof(backup), "%s.v1.bak", path);
	if (test_on_postgresql())
		assert_non_null(strstr(notice, "pg_dump"));
	else
		assert_int_equal(access(backup, F_OK), 0);
	/* every row is there, and the tables of later schemas work */
	assert_int_equal(count(ctx, "party"), 3);
	assert_int_equal(count(ctx, "exchange"), 2);
	assert_int_equal(count(ctx, "touch"), 1);
	assert_int_equal(count(ctx, "visit"), 1);
	assert_int_equal(count(ctx, "promise"), 1);
	assert_int_equal(count(ctx, "fact"), 1);
	json_t *doc;
	assert_ok(recip_balance_report(ctx, &doc, tom, T(2026, 11, 23, 12, 0)));
	assert_true(fabs(json_number_value(json_object_get(json_array_get(json_object_get(doc, "items"), 0), "balance")) -
	                 3.0) < 1e-9);
	json_decref(doc);
	int64_t ana = test_add(ctx, "party", "name", "Ana", NULL);
	char ana_id[16];
	snprintf(ana_id, sizeof(ana_id), "%lld", (long long)ana);
	test_add(ctx, "nps", "party", ana_id, "score", "9", NULL);
	assert_ok(recip_check(ctx, &doc));
	assert_true(json_is_true(json_object_get(doc, "ok")));
	json_decref(doc);
	recip_ctx_free(ctx);

	/* the second open upgrades nothing */
	assert_int_equal(recip_ctx_new(&ctx), RECIP_OK);
	assert_ok(recip_open(ctx, path, 0));
	assert_null(recip_upgrade_notice(ctx));
	recip_ctx_free(ctx);

	/* the backup is the old database, as it was */
	if (!test_on_postgresql()) {
		assert_int_equal(recip_ctx_new(&ctx), RECIP_OK);
		assert_int_equal(recip_open(ctx, backup, RECIP_OPEN_NO_UPGRADE), RECIP_EVERSION);
		assert_non_null(strstr(recip_errmsg(ctx), "needs an upgrade"));
		recip_ctx_free(ctx);
		unlink(backup);
	}
	test_drop_db(path);
	free(path);
}

static void newer_database_is_refused(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	char path[600];
	snprintf(path, sizeof(path), "%s", test_db_path());
	/* pretend a newer recip wrote it */
	assert_ok(db_run(ctx, "UPDATE meta SET value = '99' WHERE key = 'schema_version'", ""));
	recip_ctx_free(ctx);
	assert_int_equal(recip_ctx_new(&ctx), RECIP_OK);
	assert_int_equal(recip_open(ctx, path, 0), RECIP_EVERSION);
	assert_non_null(strstr(recip_errmsg(ctx), "newer"));
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upgrade_keeps_every_row),
		cmocka_unit_test(newer_database_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
