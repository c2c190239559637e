/* support.h — helpers the unit tests share: a fresh database per test. */
#ifndef RECIP_TEST_SUPPORT_H
#define RECIP_TEST_SUPPORT_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <recip/recip.h>

/* A context on a new, empty database in a temporary directory (or, when
 * the suite runs on PostgreSQL, a new database on the test server), with
 * "now" fixed at 2026-11-23T12:00. */
recip_ctx *test_open(void);
/* Closes it and removes the files (or drops the database). */
void test_close(recip_ctx *ctx);
/* The database address of the last test_open. */
const char *test_db_path(void);
/* Whether the suite runs on PostgreSQL (RECIP_TEST_PG is set). */
bool test_on_postgresql(void);
/* The address of a new, empty database on the backend under test (a
 * temporary path for SQLite, not yet created); test_drop_db removes it. */
char *test_temp_db(void);
void test_drop_db(const char *address);
/* A fresh temporary path (not created) with the given suffix. */
char *test_temp_path(const char *suffix);

/* Adds a record from name/value pairs ending with NULL; fails the test on error. */
int64_t test_add(recip_ctx *ctx, const char *entity, ...);
/* The same, but returns the error code (0 on success). */
int test_try_add(recip_ctx *ctx, int64_t *out_id, const char *entity, ...);
/* Rows as recip at schema 1 wrote them, with SQL of that schema only (the
 * current library's writes also fill later schemas' tables): parties
 * Ana Lopez (#1, ana@example.com, customer) and Tom Reed (#2, of Harbor
 * Logistics #3, client), a give of 4 to Tom on 2026-05-27 (personal), a
 * treat to Ana on 2026-11-01, a touch, a visit, a promise and a fact. The
 * roll-ups are left for the upgrade to recompute. */
void test_fill_schema_1(recip_ctx *ctx);

/* A time from its parts. */
recip_time T(int y, int m, int d, int hh, int mm);

#define assert_ok(expr)                                                                                \
	do {                                                                                           \
		int rc_ = (expr);                                                                      \
		if (rc_ != 0)                                                                          \
			fail_msg("%s failed (%d): %s", #expr, rc_, recip_errmsg(ctx));               \
	} while (0)

#define assert_near(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-6)

#endif
