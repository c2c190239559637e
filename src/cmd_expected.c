/* cmd_expected.c — `recip expected`: the regulars likely in today, and what to have ready. */
#include "cli.h"

void print_expected_table(cli *c, json_t *items);

static const cli_option expected_options[] = {
	{"date", 'd', OPT_VALUE, "DATE", "the day to expect (default: today)"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_expected(cli *c)
{
	/* the day comes from --date, the knowledge from --as-of (both may be given) */
	recip_time day = c->as_of;
	const char *date = cli_value(c, "date");
	if (date && cli_time(c, date, false, &day))
		return EXIT_FAIL;
	json_t *doc;
	if (recip_expected_report(c->ctx, &doc, day, c->as_of) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		int rc = cli_print_json(c, doc);
		json_decref(doc);
		return rc;
	}
	json_t *items = json_object_get(doc, "items");
	fprintf(c->out, "%sExpected on %s %s%s\n", cli_bold(c), jtext(doc, "weekday"), jtext(doc, "date"), cli_reset(c));
	if (!json_array_size(items))
		fputs("no regular is likely to come that day\n", c->out);
	else
		print_expected_table(c, items);
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_expected = {
	.name = "expected",
	.run = run_expected,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Reports",
	.min_args = 0,
	.max_args = 0,
	.summary = "regulars likely to come in on a day, with what to have ready",
	.description = "From each customer's visits by weekday: how likely they are to come on that day (the "
	               "decayed share of those weekdays since their first visit that they came, with recent weeks "
	               "counting most), their usual time, and their facts — regular order, favourite table. Only "
	               "regulars (expected.min_visits) seen within expected.window and at least "
	               "expected.min_likelihood likely; those who already came that day are marked.",
	.options = expected_options,
	.examples = "recip expected\nrecip expected --date tomorrow\nrecip expected --date 2026-11-27 --json",
};
