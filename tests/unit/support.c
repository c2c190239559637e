/* support.c — helpers the unit tests share (see support.h). With
 * RECIP_TEST_PG set (tests/pg/with-pg.sh sets it to a test server's
 * "postgres" database) each test gets a new PostgreSQL database instead of
 * a file, so that the same tests run on both backends. */
#include "support.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef RECIP_TEST_WITH_POSTGRESQL
#include <libpq-fe.h>
#endif

static char db_path[512];
static int counter;

bool test_on_postgresql(void)
{
	const char *pg = getenv("RECIP_TEST_PG");
	return pg && *pg;
}

#ifdef RECIP_TEST_WITH_POSTGRESQL
/* Runs one statement on the test server's "postgres" database. */
static void pg_admin(const char *sql)
{
	PGconn *conn = PQconnectdb(getenv("RECIP_TEST_PG"));
	if (PQstatus(conn) != CONNECTION_OK)
		fail_msg("cannot reach the PostgreSQL test server: %s", PQerrorMessage(conn));
	PGresult *res = PQexec(conn, sql);
	bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	char why[256];
	snprintf(why, sizeof(why), "%s", PQresultErrorMessage(res));
	PQclear(res);
	PQfinish(conn);
	if (!ok)
		fail_msg("%s: %s", sql, why);
}

/* The address of database `name` on the test server: RECIP_TEST_PG is
 * postgresql:///postgres?host=…, with "postgres" the database. */
static void pg_address(char *out, size_t size, const char *name)
{
	const char *admin = getenv("RECIP_TEST_PG");
	const char *at = strstr(admin, "/postgres?");
	if (!at)
		fail_msg("RECIP_TEST_PG should look like postgresql:///postgres?host=DIR: '%s'", admin);
	snprintf(out, size, "%.*s/%s%s", (int)(at - admin), admin, name, at + 9);
}

static void pg_name(char *out, size_t size, const char *address)
{
	const char *start = strstr(address, ":///");
	const char *end = start ? strchr(start + 4, '?') : NULL;
	if (!start || !end)
		fail_msg("not a test database address: '%s'", address);
	snprintf(out, size, "%.*s", (int)(end - start - 4), start + 4);
}
#endif

char *test_temp_db(void)
{
	if (!test_on_postgresql())
		return test_temp_path(".db");
#ifdef RECIP_TEST_WITH_POSTGRESQL
	char name[64], sql[128];
	snprintf(name, sizeof(name), "recip_unit_%ld_%d", (long)getpid(), counter++);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", name);
	pg_admin(sql);
	char *address = malloc(600);
	if (!address)
		return NULL;
	pg_address(address, 600, name);
	return address;
#else
	fail_msg("RECIP_TEST_PG is set but the tests were built without PostgreSQL");
	return NULL;
#endif
}

void test_drop_db(const char *address)
{
	if (!test_on_postgresql() || strncmp(address, "postgresql:", 11)) {
		char side[600];
		unlink(address);
		snprintf(side, sizeof(side), "%s-wal", address);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", address);
		unlink(side);
		return;
	}
#ifdef RECIP_TEST_WITH_POSTGRESQL
	char name[64], sql[128];
	pg_name(name, sizeof(name), address);
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
	pg_admin(sql);
#endif
}

char *test_temp_path(const char *suffix)
{
	const char *dir = getenv("RECIP_TEST_TMP");
	if (!dir || !*dir)
		dir = "/tmp";
	char *path = malloc(600);
	if (!path)
		return NULL;
	snprintf(path, 600, "%s/recip-test-%ld-%d%s", dir, (long)getpid(), counter++, suffix);
	return path;
}

recip_ctx *test_open(void)
{
	recip_ctx *ctx;
	assert_int_equal(recip_ctx_new(&ctx), RECIP_OK);
	char *path = test_temp_db();
	assert_non_null(path);
	snprintf(db_path, sizeof(db_path), "%s", path);
	free(path);
	if (!test_on_postgresql())
		test_drop_db(db_path);
	recip_ctx_set_now(ctx, T(2026, 11, 23, 12, 0));
	if (recip_open(ctx, db_path, RECIP_OPEN_CREATE) != RECIP_OK)
		fail_msg("cannot open test database: %s", recip_errmsg(ctx));
	return ctx;
}

void test_close(recip_ctx *ctx)
{
	recip_ctx_free(ctx);
	test_drop_db(db_path);
}

const char *test_db_path(void)
{
	return db_path;
}

recip_time T(int y, int m, int d, int hh, int mm)
{
	return recip_time_from_civil(y, m, d, hh, mm, 0);
}

static int vadd(recip_ctx *ctx, int64_t *out, const char *entity, va_list ap)
{
	recip_field fields[32];
	size_t n = 0;
	const char *name;
	while ((name = va_arg(ap, const char *)) && n < 32) {
		const char *value = va_arg(ap, const char *);
		recip_change_op op = RECIP_SET;
		if (name[0] == '+') {
			op = RECIP_ADD;
			name++;
		}
		fields[n++] = (recip_field){name, value, op, NULL};
	}
	return recip_record_add(ctx, out, entity, fields, n);
}

int64_t test_add(recip_ctx *ctx, const char *entity, ...)
{
	va_list ap;
	va_start(ap, entity);
	int64_t id = 0;
	int rc = vadd(ctx, &id, entity, ap);
	va_end(ap);
	if (rc)
		fail_msg("adding a %s failed: %s", entity, recip_errmsg(ctx));
	return id;
}

int test_try_add(recip_ctx *ctx, int64_t *out_id, const char *entity, ...)
{
	va_list ap;
	va_start(ap, entity);
	int64_t id = 0;
	int rc = vadd(ctx, &id, entity, ap);
	va_end(ap);
	if (out_id)
		*out_id = id;
	return rc;
}

int db_exec(recip_ctx *ctx, const char *sql);

void test_fill_schema_1(recip_ctx *ctx)
{
	static const char *const rows =
		"INSERT INTO party (id, kind, name, name_key, created_at, updated_at) VALUES "
		"(1, 'person', 'Ana Lopez', 'ana lopez', 1795435200, 1795435200), "
		"(3, 'organisation', 'Harbor Logistics', 'harbor logistics', 1795435200, 1795435200);"
		"INSERT INTO party (id, kind, name, name_key, org_id, birthday, created_at, updated_at) VALUES "
		"(2, 'person', 'Tom Reed', 'tom reed', 3, '--05-17', 1795435200, 1795435200);"
		"INSERT INTO party_value (party_id, field, value, value_key, position) VALUES "
		"(1, 'email', 'ana@example.com', 'ana@example.com', 0), (1, 'role', 'customer', 'customer', 0), "
		"(2, 'role', 'client', 'client', 0), (2, 'email', 'tom@harbor.example', 'tom@harbor.example', 0);"
		"INSERT INTO exchange (id, party_id, direction, kind, value, personal, unexpected, at, created_at) VALUES "
		"(1, 2, 'gave', 'favour', 4, 1, 0, 1779876000, 1795435200), "
		"(2, 1, 'gave', 'treat', 1, 0, 0, 1793523600, 1795435200);"
		"INSERT INTO touch (id, party_id, channel, purpose, initiator, at, created_at) VALUES "
		"(1, 2, 'call', 'checkin', 'us', 1793527200, 1795435200);"
		"INSERT INTO visit (id, party_id, at, created_at) VALUES (1, 2, 1793613600, 1795435200);"
		"INSERT INTO promise (id, party_id, what, at, due_at, status, created_at) VALUES "
		"(1, 2, 'send the model', 1795435200, 1796169599, 'open', 1795435200);"
		"INSERT INTO fact (id, party_id, key, key_norm, value, created_at, updated_at) VALUES "
		"(1, 2, 'kids', 'kids', 'Ana and Tom', 1795435200, 1795435200);"
		"INSERT INTO audit (at, actor, action, entity, entity_id, party_id, after_json) VALUES "
		"(1795435200, 'recip', 'create', 'party', 1, 1, '{}');";
	if (db_exec(ctx, rows) != RECIP_OK)
		fail_msg("filling a schema-1 database: %s", recip_errmsg(ctx));
	/* the ids were given: on PostgreSQL the sequences must learn of them,
	 * as they would have had the rows come through the library */
	static const char *const tables[] = {"party", "exchange", "touch", "visit", "promise", "fact"};
	for (size_t i = 0; i < sizeof tables / sizeof *tables; i++)
		if (db_sync_ids(ctx, tables[i]) != RECIP_OK)
			fail_msg("numbering %s: %s", tables[i], recip_errmsg(ctx));
}
