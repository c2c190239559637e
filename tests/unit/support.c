/* support.c — helpers the unit tests share (see support.h). */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char db_path[512];
static int counter;

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

static void remove_db(const char *path)
{
	char side[600];
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

recip_ctx *test_open(void)
{
	recip_ctx *ctx;
	assert_int_equal(recip_ctx_new(&ctx), RECIP_OK);
	char *path = test_temp_path(".db");
	assert_non_null(path);
	snprintf(db_path, sizeof(db_path), "%s", path);
	free(path);
	remove_db(db_path);
	recip_ctx_set_now(ctx, T(2026, 11, 23, 12, 0));
	if (recip_open(ctx, db_path, RECIP_OPEN_CREATE) != RECIP_OK)
		fail_msg("cannot open test database: %s", recip_errmsg(ctx));
	return ctx;
}

void test_close(recip_ctx *ctx)
{
	recip_ctx_free(ctx);
	remove_db(db_path);
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
