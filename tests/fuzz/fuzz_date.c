/*
 * fuzz_date.c — libFuzzer target: the date and duration parsers
 * (lib/date.c) that read every --as-of, --on, ?as_of= and date field:
 * ISO dates and date-times, words, offsets, durations, birthdays. What
 * parses must format and parse back to the same moment.
 */
#include "fuzz_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static recip_ctx *ctx;
	if (!ctx)
		ctx = fuzz_ctx();
	char *text = fuzz_string(data, size);
	if (!text)
		return 0;
	for (int end_of_day = 0; end_of_day < 2; end_of_day++) {
		recip_time t;
		if (recip_time_parse(ctx, &t, text, fuzz_now(), end_of_day) == RECIP_OK) {
			/* what parsed formats, and the formatted text parses back */
			char shown[32];
			recip_time_format(shown, sizeof(shown), t);
			recip_time again;
			if (recip_time_parse(ctx, &again, shown, fuzz_now(), false) != RECIP_OK || again != t) {
				fprintf(stderr, "'%s' parsed to %s, which does not parse back\n", text, shown);
				abort();
			}
			recip_date_format(shown, sizeof(shown), t);
		}
	}
	int days;
	recip_duration_parse(ctx, &days, text);
	char annual[16];
	if (annual_date_parse(ctx, annual, sizeof(annual), "birthday", text) == RECIP_OK)
		annual_date_days_until(annual, day_of(fuzz_now()));
	recip_error_clear(ctx);
	free(text);
	return 0;
}
