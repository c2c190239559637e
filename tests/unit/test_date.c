/* test_date.c — dates, times and durations as people type them. */
#include "support.h"

#include <string.h>

static void parses_iso_dates_and_times(void **state)
{
	(void)state;
	recip_ctx *ctx;
	recip_ctx_new(&ctx);
	recip_time now = T(2026, 11, 23, 12, 0), t;
	assert_ok(recip_time_parse(ctx, &t, "2026-11-23", now, false));
	assert_int_equal(t, T(2026, 11, 23, 0, 0));
	assert_ok(recip_time_parse(ctx, &t, "2026-11-23", now, true));
	assert_int_equal(t, T(2026, 11, 23, 23, 59) + 59);
	assert_ok(recip_time_parse(ctx, &t, "2026-11-23T08:15", now, false));
	assert_int_equal(t, T(2026, 11, 23, 8, 15));
	assert_ok(recip_time_parse(ctx, &t, "2026-11-23 08:15:30", now, false));
	assert_int_equal(t, T(2026, 11, 23, 8, 15) + 30);
	assert_ok(recip_time_parse(ctx, &t, "2024-02-29", now, false));
	assert_int_equal(t, T(2024, 2, 29, 0, 0));
	recip_ctx_free(ctx);
}

static void parses_relative_dates(void **state)
{
	(void)state;
	recip_ctx *ctx;
	recip_ctx_new(&ctx);
	recip_time now = T(2026, 11, 23, 12, 0), t;
	assert_ok(recip_time_parse(ctx, &t, "today", now, false));
	assert_int_equal(t, T(2026, 11, 23, 0, 0));
	assert_ok(recip_time_parse(ctx, &t, "yesterday", now, false));
	assert_int_equal(t, T(2026, 11, 22, 0, 0));
	assert_ok(recip_time_parse(ctx, &t, "tomorrow", now, false));
	assert_int_equal(t, T(2026, 11, 24, 0, 0));
	assert_ok(recip_time_parse(ctx, &t, "now", now, false));
	assert_int_equal(t, now);
	assert_ok(recip_time_parse(ctx, &t, "-3d", now, false));
	assert_int_equal(t, T(2026, 11, 20, 12, 0));
	assert_ok(recip_time_parse(ctx, &t, "+2w", now, false));
	assert_int_equal(t, T(2026, 12, 7, 12, 0));
	assert_ok(recip_time_parse(ctx, &t, "-1m", T(2026, 3, 31, 9, 0), false));
	assert_int_equal(t, T(2026, 2, 28, 9, 0));
	assert_ok(recip_time_parse(ctx, &t, "+1y", T(2024, 2, 29, 9, 0), false));
	assert_int_equal(t, T(2025, 2, 28, 9, 0));
	recip_ctx_free(ctx);
}

static void refuses_bad_dates_with_a_message(void **state)
{
	(void)state;
	recip_ctx *ctx;
	recip_ctx_new(&ctx);
	recip_time now = T(2026, 11, 23, 12, 0), t;
	const char *bad[] = {"", "2026-13-01", "2026-02-30", "2025-02-29", "23/11/2026", "2026-11-23T25:00",
	                     "2026-11-23T08:60", "next week", "+3x", "-d", "2026-11-23Z", "2026-11-23T08:15+01:00",
	                     "1899-12-31",
	                     /* offsets past the years a written date may name (found by fuzz_date) */
	                     "-21321m", "+1000y", "-99999d", "+60000w"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(recip_time_parse(ctx, &t, bad[i], now, false), RECIP_EINVAL);
		assert_true(strlen(recip_errmsg(ctx)) > 0);
		assert_null(strchr(recip_errmsg(ctx), '\n'));
	}
	recip_ctx_free(ctx);
}

static void formats_and_weekdays(void **state)
{
	(void)state;
	char buf[32];
	recip_time_format(buf, sizeof(buf), T(2026, 11, 23, 8, 5));
	assert_string_equal(buf, "2026-11-23T08:05:00");
	recip_date_format(buf, sizeof(buf), T(1969, 12, 31, 23, 0));
	assert_string_equal(buf, "1969-12-31");
	int weekday;
	recip_time_to_civil(T(2026, 11, 23, 0, 0), NULL, NULL, NULL, NULL, NULL, NULL, &weekday);
	assert_int_equal(weekday, 0); /* a Monday */
	recip_time_to_civil(T(1970, 1, 1, 0, 0), NULL, NULL, NULL, NULL, NULL, NULL, &weekday);
	assert_int_equal(weekday, 3); /* a Thursday */
}

static void parses_durations(void **state)
{
	(void)state;
	recip_ctx *ctx;
	recip_ctx_new(&ctx);
	int days;
	assert_ok(recip_duration_parse(ctx, &days, "30d"));
	assert_int_equal(days, 30);
	assert_ok(recip_duration_parse(ctx, &days, "2w"));
	assert_int_equal(days, 14);
	assert_ok(recip_duration_parse(ctx, &days, "3m"));
	assert_int_equal(days, 90);
	assert_ok(recip_duration_parse(ctx, &days, "1y"));
	assert_int_equal(days, 365);
	assert_ok(recip_duration_parse(ctx, &days, "45"));
	assert_int_equal(days, 45);
	assert_int_equal(recip_duration_parse(ctx, &days, "-3d"), RECIP_EINVAL);
	assert_int_equal(recip_duration_parse(ctx, &days, "3 days"), RECIP_EINVAL);
	assert_int_equal(recip_duration_parse(ctx, &days, "999999d"), RECIP_EINVAL);
	recip_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_iso_dates_and_times), cmocka_unit_test(parses_relative_dates),
		cmocka_unit_test(refuses_bad_dates_with_a_message), cmocka_unit_test(formats_and_weekdays),
		cmocka_unit_test(parses_durations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
