/*
 * test_storage_backend.c — the storage interface (lib/db.h) behaves the same
 * on SQLite and on PostgreSQL: placeholders, statements that nest, types
 * that round-trip, errors mapped to the same codes, transactions and
 * savepoints, generated ids, concurrent writers and the roll-ups they share,
 * creating a database from two processes at once, and (PostgreSQL) a
 * connection lost in the middle of a write. The suite runs once per
 * backend (tests/pg).
 */
#include "support.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "rollup.h"

static int64_t count_rows(recip_ctx *ctx, const char *sql)
{
	int64_t n = -1;
	assert_ok(db_int(ctx, &n, -1, sql, ""));
	return n;
}

static void make_probe_table(recip_ctx *ctx)
{
	/* DOUBLE PRECISION is REAL to SQLite */
	assert_ok(db_exec(ctx, "CREATE TABLE probe (id BIGINT PRIMARY KEY, x DOUBLE PRECISION, s TEXT)"));
}

/* A `?` inside a string literal is text, not a parameter. */
static void test_placeholders_skip_literals(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	make_probe_table(ctx);
	assert_ok(db_run(ctx, "INSERT INTO probe (id, x, s) VALUES (?, ?, 'what?')", "id", (int64_t)1, 1.5));
	assert_ok(db_run(ctx, "INSERT INTO probe (id, x, s) VALUES (?, ?, 'it''s ? here')", "id", (int64_t)2, 2.5));
	assert_ok(db_run(ctx, "INSERT INTO probe (id, x, s) VALUES (?, ?, ?) -- a comment?", "idt", (int64_t)3, 3.5,
	                 "a ? in a value"));
	int64_t n;
	assert_ok(db_int(ctx, &n, 0, "SELECT count(*) FROM probe WHERE s = 'what?' OR s = ? OR s = 'it''s ? here'",
	                 "t", "a ? in a value"));
	assert_int_equal(n, 3);
	db_stmt *st;
	assert_ok(db_query(ctx, &st, "SELECT s FROM probe WHERE id = ?", "i", (int64_t)2));
	assert_int_equal(db_step(ctx, st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "it's ? here");
	db_done(st);
	test_close(ctx);
}

/* Values come back as they went in: doubles exactly, NULL as NULL, and a
 * comparison (a boolean on PostgreSQL) as 0 or 1. */
static void test_values_round_trip(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	make_probe_table(ctx);
	const double values[] = {0.1 + 0.2, 1e-300, 123456789.123456789, -2.5, 1.0 / 3.0};
	for (int i = 0; i < 5; i++)
		assert_ok(db_run(ctx, "INSERT INTO probe (id, x, s) VALUES (?, ?, ?)", "idt", (int64_t)i, values[i],
		                 i == 2 ? NULL : "ü€😀"));
	for (int i = 0; i < 5; i++) {
		db_stmt *st;
		assert_ok(db_query(ctx, &st, "SELECT x, s, x > 0, id FROM probe WHERE id = ?", "i", (int64_t)i));
		assert_int_equal(db_step(ctx, st), DB_ROW);
		assert_true(db_col_double(st, 0) == values[i]);
		if (i == 2) {
			assert_true(db_col_null(st, 1));
			assert_null(db_col_text(st, 1));
		} else {
			assert_string_equal(db_col_text(st, 1), "ü€😀");
		}
		assert_int_equal(db_col_int(st, 2), values[i] > 0);
		assert_int_equal(db_col_int(st, 3), i);
		assert_int_equal(db_step(ctx, st), DB_DONE);
		db_done(st);
	}
	int64_t n;
	assert_ok(db_int(ctx, &n, -1, "SELECT CAST(? AS TEXT) IS NULL", "n"));
	assert_int_equal(n, 1);
	assert_ok(db_int(ctx, &n, -1, "SELECT CAST(? AS BIGINT) + 1", "i", INT64_MAX - 1));
	assert_int_equal(n, INT64_MAX);
	db_stmt *st;
	assert_ok(db_prepare(ctx, &st, "SELECT 1 AS first, 'b' AS second"));
	assert_int_equal(db_col_count(st), 2);
	assert_string_equal(db_col_name(st, 1), "second");
	db_done(st);
	test_close(ctx);
}

/* A statement may run while another one's rows are still being read (a
 * report that looks something up per row), and two readers may alternate. */
static void test_statements_nest(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	make_probe_table(ctx);
	assert_ok(recip_begin(ctx));
	for (int64_t i = 1; i <= 500; i++)
		assert_ok(db_run(ctx, "INSERT INTO probe (id, x, s) VALUES (?, ?, ?)", "idt", i, (double)i, "row"));
	assert_ok(recip_commit(ctx));

	db_stmt *outer, *other;
	assert_ok(db_query(ctx, &outer, "SELECT id, x FROM probe ORDER BY id", ""));
	assert_ok(db_query(ctx, &other, "SELECT id FROM probe WHERE id > ? ORDER BY id DESC", "i", (int64_t)250));
	int64_t rows = 0, sum = 0, other_rows = 0;
	int rc;
	while ((rc = db_step(ctx, outer)) == DB_ROW) {
		int64_t id = db_col_int(outer, 0);
		assert_int_equal(id, rows + 1);
		/* the same text as a statement in use: a fresh one is made */
		int64_t twice;
		assert_ok(db_int(ctx, &twice, 0, "SELECT x * 2 FROM probe WHERE id = ?", "i", id));
		sum += twice;
		if (rows % 2 == 0 && db_step(ctx, other) == DB_ROW) {
			assert_int_equal(db_col_int(other, 0), 500 - other_rows);
			other_rows++;
		}
		rows++;
	}
	assert_int_equal(rc, DB_DONE);
	db_done(outer);
	db_done(other);
	assert_int_equal(rows, 500);
	assert_int_equal(sum, 500 * 501);
	assert_int_equal(other_rows, 250);

	/* a statement given back before its last row leaves the connection usable */
	assert_ok(db_query(ctx, &outer, "SELECT id FROM probe ORDER BY id", ""));
	assert_int_equal(db_step(ctx, outer), DB_ROW);
	db_done(outer);
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM probe"), 500);
	test_close(ctx);
}

static void test_changes_count_writes(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	make_probe_table(ctx);
	for (int64_t i = 1; i <= 7; i++)
		assert_ok(db_run(ctx, "INSERT INTO probe (id, x) VALUES (?, 0)", "i", i));
	assert_ok(db_run(ctx, "UPDATE probe SET x = 1 WHERE id > ?", "i", (int64_t)3));
	assert_int_equal(db_changes(ctx), 4);
	/* a read leaves the count of the last write alone, as SQLite's does */
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM probe"), 7);
	assert_int_equal(db_changes(ctx), 4);
	assert_ok(db_run(ctx, "DELETE FROM probe WHERE id = ?", "i", (int64_t)99));
	assert_int_equal(db_changes(ctx), 0);
	/* an insert that a conflict turns into nothing counts none (the bulk
	 * import tells "added" from "already there" by it) */
	assert_ok(db_run(ctx, "INSERT INTO probe (id, x) VALUES (?, 0) ON CONFLICT (id) DO NOTHING", "i", (int64_t)8));
	assert_int_equal(db_changes(ctx), 1);
	assert_ok(db_run(ctx, "INSERT INTO probe (id, x) VALUES (?, 0) ON CONFLICT (id) DO NOTHING", "i", (int64_t)8));
	assert_int_equal(db_changes(ctx), 0);
	test_close(ctx);
}

/* DB_BYTE_ORDER sorts text by code point on both backends, whatever the
 * database's locale. */
static void test_byte_order(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	make_probe_table(ctx);
	const char *texts[] = {"b", "a", "Zoë", "é", "A", "a b", "ab", "", "Ängel", "z"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_ok(db_run(ctx, "INSERT INTO probe (id, s) VALUES (?, ?)", "it", (int64_t)i, texts[i]));
	db_stmt *st;
	assert_ok(db_query(ctx, &st, "SELECT s FROM probe ORDER BY s" DB_BYTE_ORDER, ""));
	buf order = BUF_INIT;
	while (db_step(ctx, st) == DB_ROW)
		buf_printf(&order, "[%s]", db_col_text(st, 0));
	db_done(st);
	assert_string_equal(order.data, "[][A][Zoë][a][a b][ab][b][z][Ängel][é]");
	buf_release(&order);
	test_close(ctx);
}

/* db_read_begin: reads that see one state while another connection writes
 * and commits; once it ends, the next read sees the write. */
static void test_read_snapshot(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	make_probe_table(ctx);
	assert_ok(db_run(ctx, "INSERT INTO probe (id, x) VALUES (1, 0)", ""));
	recip_ctx *other;
	assert_ok(recip_ctx_new(&other));
	assert_ok(recip_open(other, test_db_path(), 0));
	bool own;
	assert_ok(db_read_begin(ctx, &own));
	assert_true(own);
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM probe"), 1);
	assert_ok(recip_begin(other));
	assert_ok(db_run(other, "INSERT INTO probe (id, x) VALUES (2, 0)", ""));
	assert_ok(recip_commit(other));
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM probe"), 1);
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM probe WHERE id = 2"), 0);
	db_read_end(ctx, own);
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM probe"), 2);
	/* inside a caller's transaction it is that one */
	assert_ok(recip_begin(ctx));
	assert_ok(db_read_begin(ctx, &own));
	assert_false(own);
	assert_ok(db_run(ctx, "INSERT INTO probe (id, x) VALUES (3, 0)", ""));
	db_read_end(ctx, own);
	assert_ok(recip_commit(ctx));
	assert_int_equal(count_rows(other, "SELECT count(*) FROM probe"), 3);
	recip_ctx_free(other);
	test_close(ctx);
}

/* A duplicate is RECIP_EEXISTS on both; the failed transaction writes nothing
 * and the connection goes on. */
static void test_errors_and_rollback(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	make_probe_table(ctx);
	assert_ok(db_run(ctx, "INSERT INTO probe (id, x) VALUES (1, 0)", ""));
	assert_ok(recip_begin(ctx));
	assert_ok(db_run(ctx, "INSERT INTO probe (id, x) VALUES (2, 0)", ""));
	assert_int_equal(db_run(ctx, "INSERT INTO probe (id, x) VALUES (1, 0)", ""), RECIP_EEXISTS);
	/* the same words on both backends */
	assert_string_equal(recip_errmsg(ctx), "already recorded (UNIQUE constraint failed: probe.id)");
	recip_rollback(ctx);
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM probe"), 1);

	assert_int_equal(db_run(ctx, "SELECT no_such_column FROM probe", ""), RECIP_EDB);
	assert_non_null(strstr(recip_errmsg(ctx), "no_such_column"));
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM probe"), 1);
	test_close(ctx);
}

/* An inner call that fails undoes only its own work (a savepoint), and the
 * outer transaction goes on — on PostgreSQL too, where a failed statement
 * would otherwise spoil the whole transaction. */
static void test_savepoints(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	assert_ok(recip_begin(ctx));
	int64_t ana = test_add(ctx, "party", "kind", "person", "name", "Ana Lopez", NULL);
	int64_t id;
	assert_int_equal(test_try_add(ctx, &id, "party", "kind", "person", "name", "Ben", "external_id", "x1", NULL), 0);
	assert_int_equal(test_try_add(ctx, &id, "party", "kind", "person", "name", "Cy", "external_id", "x1", NULL),
	                 RECIP_EEXISTS);
	test_add(ctx, "exchange", "party", "Ana Lopez", "direction", "gave", "kind", "gift", "value", "3", NULL);
	assert_ok(recip_commit(ctx));
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM party"), 2);
	json_t *doc;
	assert_ok(recip_balance_report(ctx, &doc, ana, T(2026, 11, 23, 12, 0)));
	assert_near(json_number_value(json_object_get(json_array_get(json_object_get(doc, "items"), 0), "balance")), 3);
	json_decref(doc);
	test_close(ctx);
}

/* Rows inserted with their ids (a restore) do not stop new ones. */
static void test_sync_ids_after_explicit_ids(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	assert_ok(db_run(ctx,
	                 "INSERT INTO audit (id, at, actor, action, entity) VALUES (41, 0, 'restore', 'create', 'party')",
	                 ""));
	assert_ok(db_sync_ids(ctx, "audit"));
	int64_t id;
	assert_ok(db_int(ctx, &id, 0,
	                 "INSERT INTO audit (at, actor, action, entity) VALUES (0, 'me', 'create', 'party') RETURNING id",
	                 ""));
	assert_int_equal(id, 42);
	assert_int_equal(db_sync_ids(ctx, "audit; DROP TABLE meta"), RECIP_EINVAL);
	test_close(ctx);
}

/* ---- several writers at once ------------------------------------------------------ */

#define WRITERS 4
#define WRITES 15

struct writer {
	const char *address;
	int index;
	int failures;
	char error[256];
};

static void *write_many(void *arg)
{
	struct writer *w = arg;
	recip_ctx *ctx;
	if (recip_ctx_new(&ctx) != RECIP_OK)
		return NULL;
	recip_ctx_set_now(ctx, T(2026, 11, 23, 12, 0));
	if (recip_open(ctx, w->address, 0) != RECIP_OK) {
		snprintf(w->error, sizeof(w->error), "%s", recip_errmsg(ctx));
		w->failures++;
		recip_ctx_free(ctx);
		return NULL;
	}
	for (int i = 0; i < WRITES; i++) {
		/* today, and back-dated a week: both ways through the roll-up */
		const char *when = i % 3 == 0 ? "2026-11-16" : "2026-11-23T12:00";
		const char *party = i % 2 ? "Ana Lopez" : "Ben Okafor";
		recip_field fields[] = {{"party", party, RECIP_SET, NULL},   {"direction", "gave", RECIP_SET, NULL},
		                        {"kind", "gift", RECIP_SET, NULL},   {"value", "1", RECIP_SET, NULL},
		                        {"at", when, RECIP_SET, NULL}};
		int64_t id;
		if (recip_record_add(ctx, &id, "exchange", fields, 5) != RECIP_OK) {
			snprintf(w->error, sizeof(w->error), "%s", recip_errmsg(ctx));
			w->failures++;
		}
		recip_field touch[] = {{"party", party, RECIP_SET, NULL}, {"channel", "call", RECIP_SET, NULL}};
		if (recip_record_add(ctx, &id, "touch", touch, 2) != RECIP_OK) {
			snprintf(w->error, sizeof(w->error), "%s", recip_errmsg(ctx));
			w->failures++;
		}
	}
	recip_ctx_free(ctx);
	return NULL;
}

static void test_concurrent_writers_keep_rollups_exact(void **state)
{
	(void)state;
	recip_ctx *ctx = test_open();
	int64_t org = test_add(ctx, "party", "kind", "organisation", "name", "Harbor Logistics", NULL);
	char org_ref[24];
	snprintf(org_ref, sizeof(org_ref), "%lld", (long long)org);
	test_add(ctx, "party", "kind", "person", "name", "Ana Lopez", "org", org_ref, NULL);
	test_add(ctx, "party", "kind", "person", "name", "Ben Okafor", "org", org_ref, NULL);

	pthread_t threads[WRITERS];
	struct writer writers[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		writers[i] = (struct writer){.address = test_db_path(), .index = i};
		assert_int_equal(pthread_create(&threads[i], NULL, write_many, &writers[i]), 0);
	}
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(threads[i], NULL);
		if (writers[i].failures)
			fail_msg("writer %d failed %d times: %s", i, writers[i].failures, writers[i].error);
	}
	json_t *doc;
	assert_ok(recip_rollup_verify(ctx, &doc));
	assert_int_equal(json_integer_value(json_object_get(doc, "checked")), 3);
	assert_int_equal(json_array_size(json_object_get(doc, "mismatches")), 0);
	json_decref(doc);
	/* every write landed: 8 of the 15 go to Ben (even i), 7 to Ana */
	party_rollup ana, ben;
	assert_ok(rollup_read(ctx, 2, &ana));
	assert_ok(rollup_read(ctx, 3, &ben));
	assert_int_equal(ana.gave_count, WRITERS * 7);
	assert_int_equal(ben.gave_count, WRITERS * 8);
	assert_true(fabs(ana.gave_value - WRITERS * 7) < 1e-9);
	test_close(ctx);
}

/* Two processes (here threads) that open a new, empty database at once:
 * one creates it, the other finds it made. */
static void *open_create(void *arg)
{
	struct writer *w = arg;
	recip_ctx *ctx;
	if (recip_ctx_new(&ctx) != RECIP_OK)
		return NULL;
	if (recip_open(ctx, w->address, RECIP_OPEN_CREATE) != RECIP_OK) {
		snprintf(w->error, sizeof(w->error), "%s", recip_errmsg(ctx));
		w->failures++;
	}
	recip_ctx_free(ctx);
	return NULL;
}

static void test_two_creators(void **state)
{
	(void)state;
	char *address = test_temp_db();
	assert_non_null(address);
	pthread_t threads[2];
	struct writer openers[2];
	for (int i = 0; i < 2; i++) {
		openers[i] = (struct writer){.address = address, .index = i};
		assert_int_equal(pthread_create(&threads[i], NULL, open_create, &openers[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		pthread_join(threads[i], NULL);
		if (openers[i].failures)
			fail_msg("opener %d failed: %s", i, openers[i].error);
	}
	recip_ctx *ctx;
	assert_int_equal(recip_ctx_new(&ctx), RECIP_OK);
	assert_ok(recip_open(ctx, address, 0));
	int version;
	assert_ok(recip_schema_version(ctx, &version));
	assert_int_equal(version, recip_schema_version_current());
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM meta WHERE key = 'created_by'"), 1);
	recip_ctx_free(ctx);
	test_drop_db(address);
	free(address);
}

/* An older schema is upgraded on open, with the same version numbers on
 * both backends; the notice says where the copy is (SQLite) or that
 * pg_dump is the way to keep one (PostgreSQL). */
int store_open(recip_ctx *ctx, const char *address, unsigned flags, int target);

static void test_upgrade_from_version_1(void **state)
{
	(void)state;
	char *address = test_temp_db();
	recip_ctx *ctx;
	assert_int_equal(recip_ctx_new(&ctx), RECIP_OK);
	assert_ok(store_open(ctx, address, RECIP_OPEN_CREATE, 1));
	int version;
	assert_ok(recip_schema_version(ctx, &version));
	assert_int_equal(version, 1);
	bool has = true;
	assert_ok(ctx->db->ops->has_table(ctx, "referral", &has));
	assert_false(has);
	assert_ok(recip_open(ctx, address, 0));
	assert_ok(recip_schema_version(ctx, &version));
	assert_int_equal(version, recip_schema_version_current());
	assert_ok(ctx->db->ops->has_table(ctx, "referral", &has));
	assert_true(has);
	const char *notice = recip_upgrade_notice(ctx);
	assert_non_null(notice);
	char expected[64];
	snprintf(expected, sizeof(expected), "from schema 1 to %d", recip_schema_version_current());
	assert_non_null(strstr(notice, expected));
	assert_non_null(strstr(notice, test_on_postgresql() ? "pg_dump" : "kept as"));
	recip_ctx_free(ctx);
	if (!test_on_postgresql()) {
		char backup[600];
		snprintf(backup, sizeof(backup), "%s.v1.bak", address);
		test_drop_db(backup);
	}
	test_drop_db(address);
	free(address);
}

/* ---- PostgreSQL only ----------------------------------------------------------------- */

/* Ends ctx's session from another one, as a restart of the server would. */
static void terminate_session_of(recip_ctx *ctx)
{
	int64_t pid;
	assert_ok(db_int(ctx, &pid, 0, "SELECT pg_backend_pid()", ""));
	recip_ctx *admin;
	assert_int_equal(recip_ctx_new(&admin), RECIP_OK);
	assert_int_equal(recip_open(admin, test_db_path(), 0), RECIP_OK);
	int64_t done = 0;
	assert_int_equal(db_int(admin, &done, 0, "SELECT pg_terminate_backend(CAST(? AS INTEGER))", "i", pid), RECIP_OK);
	assert_int_equal(done, 1);
	recip_ctx_free(admin);
}

/* A connection that died between two statements: a read outside a
 * transaction, which nothing depends on, goes again on a new connection;
 * so does a BEGIN. Inside a transaction, the loss is an error. */
static void test_pg_dead_connection_between_statements(void **state)
{
	(void)state;
	if (!test_on_postgresql())
		skip();
	recip_ctx *ctx = test_open();
	test_add(ctx, "party", "kind", "person", "name", "Ana Lopez", NULL);
	terminate_session_of(ctx);
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM party"), 1);
	terminate_session_of(ctx);
	test_add(ctx, "exchange", "party", "Ana Lopez", "direction", "gave", "kind", "gift", NULL);
	assert_ok(recip_begin(ctx));
	terminate_session_of(ctx);
	int64_t n;
	assert_int_equal(db_int(ctx, &n, 0, "SELECT count(*) FROM exchange", ""), RECIP_EUNAVAILABLE);
	assert_non_null(strstr(recip_errmsg(ctx), "nothing was written"));
	recip_rollback(ctx);
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM exchange"), 1);
	test_close(ctx);
}

/* The connection is lost in the middle of a write (the session is
 * terminated, as pg_terminate_backend or a restarted server would): a clear
 * error, nothing written, and the next call connects again. */
static void test_pg_connection_lost_mid_write(void **state)
{
	(void)state;
	if (!test_on_postgresql())
		skip();
	recip_ctx *ctx = test_open();
	test_add(ctx, "party", "kind", "person", "name", "Ana Lopez", NULL);
	assert_ok(recip_begin(ctx));
	test_add(ctx, "exchange", "party", "Ana Lopez", "direction", "gave", "kind", "gift", NULL);
	int64_t ignored;
	int rc = db_int(ctx, &ignored, 0, "SELECT pg_terminate_backend(pg_backend_pid())", "");
	/* the session may end before or just after answering */
	if (rc == RECIP_OK)
		rc = db_int(ctx, &ignored, 0, "SELECT count(*) FROM exchange", "");
	assert_int_equal(rc, RECIP_EUNAVAILABLE);
	assert_non_null(strstr(recip_errmsg(ctx), "lost the connection to database"));
	assert_non_null(strstr(recip_errmsg(ctx), "nothing was written"));
	assert_null(strchr(recip_errmsg(ctx), '\n'));
	/* known to be lost before the commit was sent: nothing was written */
	assert_int_equal(recip_commit(ctx), RECIP_EUNAVAILABLE);
	assert_non_null(strstr(recip_errmsg(ctx), "nothing was written"));
	recip_rollback(ctx);
	/* connected again; the exchange is not there */
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM exchange"), 0);
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM party"), 1);
	test_add(ctx, "exchange", "party", "Ana Lopez", "direction", "gave", "kind", "gift", NULL);
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM exchange"), 1);
	test_close(ctx);
}

/* A writer that finds a party's roll-up locked by another waits; past the
 * lock timeout it gives up with RECIP_EBUSY and writes nothing. */
static void test_pg_locked_rollup_makes_writers_wait(void **state)
{
	(void)state;
	if (!test_on_postgresql())
		skip();
	recip_ctx *ctx = test_open();
	int64_t ana = test_add(ctx, "party", "kind", "person", "name", "Ana Lopez", NULL);
	recip_ctx *other;
	assert_int_equal(recip_ctx_new(&other), RECIP_OK);
	recip_ctx_set_now(other, T(2026, 11, 23, 12, 0));
	assert_ok(recip_open(other, test_db_path(), 0));
	assert_ok(db_exec(other, "SET lock_timeout = '200ms'"));

	assert_ok(recip_begin(ctx));
	assert_ok(rollup_lock_parties(ctx, &ana, 1));
	int64_t id;
	assert_int_equal(test_try_add(other, &id, "exchange", "party", "Ana Lopez", "direction", "gave", "kind", "gift",
	                              NULL),
	                 RECIP_EBUSY);
	assert_non_null(strstr(recip_errmsg(other), "busy with another writer"));
	recip_rollback(ctx);
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM exchange"), 0);
	/* once free, the same write goes through */
	assert_int_equal(test_try_add(other, &id, "exchange", "party", "Ana Lopez", "direction", "gave", "kind", "gift",
	                              NULL),
	                 RECIP_OK);
	recip_ctx_free(other);
	assert_int_equal(count_rows(ctx, "SELECT count(*) FROM exchange"), 1);
	test_close(ctx);
}

/* What is shown of an address never holds its password. */
static void test_pg_address_hides_password(void **state)
{
	(void)state;
	if (!test_on_postgresql())
		skip();
	recip_ctx *ctx = test_open();
	char address[700];
	snprintf(address, sizeof(address), "%s&password=hunter2", test_db_path());
	assert_ok(recip_open(ctx, address, 0));
	assert_null(strstr(recip_db_address(ctx), "hunter2"));
	assert_non_null(strstr(recip_db_address(ctx), "password=***"));
	assert_string_equal(recip_backend(ctx), "postgresql");
	test_close(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_placeholders_skip_literals),
		cmocka_unit_test(test_values_round_trip),
		cmocka_unit_test(test_statements_nest),
		cmocka_unit_test(test_changes_count_writes),
		cmocka_unit_test(test_byte_order),
		cmocka_unit_test(test_read_snapshot),
		cmocka_unit_test(test_errors_and_rollback),
		cmocka_unit_test(test_savepoints),
		cmocka_unit_test(test_sync_ids_after_explicit_ids),
		cmocka_unit_test(test_concurrent_writers_keep_rollups_exact),
		cmocka_unit_test(test_two_creators),
		cmocka_unit_test(test_upgrade_from_version_1),
		cmocka_unit_test(test_pg_connection_lost_mid_write),
		cmocka_unit_test(test_pg_dead_connection_between_statements),
		cmocka_unit_test(test_pg_locked_rollup_makes_writers_wait),
		cmocka_unit_test(test_pg_address_hides_password),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
