/* cmd_nps.c — `recip nps`: record an answer, mark a detractor followed up, or report the score. */
#include "cli.h"
#include "report_print.h"

#include <math.h>
#include <string.h>

static const cli_option nps_options[] = {
	{"on", 0, OPT_VALUE, "DATE", "when they answered, or when we followed up (default: now)"},
	{"comment", 'm', OPT_VALUE, "TEXT", "what they said"},
	{"window", 'w', OPT_VALUE, "DURATION", "the report counts each party's latest answer within this long "
	                                        "(default: the setting advocacy.nps_window, 90d)"},
	{NULL, 0, 0, NULL, NULL},
};

/* "+20", "-7.5", "0", or "-" when there is no score. */
static const char *score_text(char *out, size_t size, json_t *value)
{
	if (!json_is_number(value))
		return "-";
	double v = json_number_value(value);
	if (v == floor(v))
		snprintf(out, size, "%+.0f", v);
	else
		snprintf(out, size, "%+.1f", v);
	if (!strcmp(out, "+0") || !strcmp(out, "-0"))
		snprintf(out, size, "0");
	return out;
}

static long long jint(json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

static int record_answer(cli *c)
{
	field_list l = {0};
	fields_add(&l, "party", c->argv[0], RECIP_SET);
	fields_add(&l, "score", c->argv[1], RECIP_SET);
	fields_option(&l, c, "on", "at", RECIP_SET);
	fields_option(&l, c, "comment", "comment", RECIP_SET);
	int64_t id;
	int rc = cli_add_record(c, "nps", &l, &id);
	if (rc)
		return rc;
	if (c->json)
		return cli_print_record(c, "nps", id);
	json_t *a;
	if (recip_record_get(c->ctx, &a, "nps", id) != RECIP_OK)
		return cli_fail(c);
	long long score = jint(a, "score");
	fprintf(c->out, "recorded NPS answer #%lld: %s, %lld (%s)\n", (long long)id, jtext(a, "party_name"), score,
	        score >= 9 ? "promoter" : score >= 7 ? "passive" : "detractor");
	if (score <= 6)
		fprintf(c->out, "a detractor: get in touch, then mark it with recip nps followed-up '%s'\n",
		        jtext(a, "party_name"));
	json_decref(a);
	return EXIT_OK;
}

static int follow_up(cli *c)
{
	int64_t party, count;
	if (cli_party(c, c->argv[1], &party))
		return EXIT_FAIL;
	recip_time at = c->now;
	const char *on = cli_value(c, "on");
	if (on && cli_time(c, on, false, &at))
		return EXIT_FAIL;
	if (recip_nps_follow_up(c->ctx, &count, party, at) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		json_t *doc = json_pack("{s:I, s:I}", "party", (json_int_t)party, "followed_up", (json_int_t)count);
		int rc = doc ? cli_print_json(c, doc) : cli_error(c, "out of memory");
		json_decref(doc);
		return rc;
	}
	fprintf(c->out, "followed up %lld detractor answer%s\n", (long long)count, count == 1 ? "" : "s");
	return EXIT_OK;
}

static void print_report(cli *c, json_t *doc)
{
	char score[16], day[16];
	fprintf(c->out, "%sNPS %s%s over %lld respondent%s (each one's latest answer from %s to %s; %lld answers)\n",
	        cli_bold(c), score_text(score, sizeof(score), json_object_get(doc, "nps")), cli_reset(c),
	        jint(doc, "respondents"), jint(doc, "respondents") == 1 ? "" : "s", jtext(doc, "from"),
	        jday(doc, "as_of", day, sizeof(day)), jint(doc, "answers"));
	if (!jint(doc, "respondents"))
		return;
	fprintf(c->out, "promoters %lld (%.0f%%) · passives %lld (%.0f%%) · detractors %lld (%.0f%%)\n\n",
	        jint(doc, "promoters"), json_number_value(json_object_get(doc, "promoter_percent")), jint(doc, "passives"),
	        json_number_value(json_object_get(doc, "passive_percent")), jint(doc, "detractors"),
	        json_number_value(json_object_get(doc, "detractor_percent")));
	table t;
	table_init(&t);
	const char *headers[] = {"month", "from", "to", "respondents", "promoters", "passives", "detractors", "NPS"};
	for (size_t k = 0; k < 8; k++)
		table_column_add(&t, headers[k], k >= 3);
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(doc, "months"), i, m)
	{
		char n[4][24];
		const char *keys[] = {"respondents", "promoters", "passives", "detractors"};
		for (size_t k = 0; k < 4; k++)
			snprintf(n[k], sizeof(n[k]), "%lld", jint(m, keys[k]));
		const char *cells[] = {jtext(m, "month"), jtext(m, "from"), jtext(m, "to"), n[0], n[1], n[2], n[3],
		                       score_text(score, sizeof(score), json_object_get(m, "nps"))};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
	json_t *detractors = json_object_get(doc, "detractor_answers");
	if (!json_array_size(detractors))
		return;
	fputs("\ndetractors:\n", c->out);
	json_t *a;
	json_array_foreach(detractors, i, a)
	{
		char followed[40];
		if (json_is_string(json_object_get(a, "followed_up_at")))
			snprintf(followed, sizeof(followed), "followed up %s", jday(a, "followed_up_at", day, sizeof(day)));
		else
			snprintf(followed, sizeof(followed), "%snot followed up%s", cli_red(c), cli_reset(c));
		const char *comment = jtext(a, "comment");
		fprintf(c->out, "  %s: %lld on %s%s%s%s — %s\n", jtext(a, "name"), jint(a, "score"),
		        jday(a, "at", day, sizeof(day)), *comment ? " \"" : "", comment, *comment ? "\"" : "", followed);
	}
}

static int report(cli *c)
{
	int window = 0;
	const char *w = cli_value(c, "window");
	if (w && recip_duration_parse(c->ctx, &window, w) != RECIP_OK)
		return cli_fail(c);
	if (w && window == 0)
		return cli_usage_error(c, "the window must be at least a day");
	json_t *doc;
	if (recip_nps_report(c->ctx, &doc, c->as_of, window) != RECIP_OK)
		return cli_fail(c);
	return report_print(c, doc, print_report);
}

static int run_nps(cli *c)
{
	if (c->argc == 0) {
		if (cli_given(c, "on") || cli_given(c, "comment"))
			return cli_usage_error(c, "--on and --comment go with recording an answer: recip nps PARTY SCORE");
		return report(c);
	}
	if (c->argc == 1)
		return cli_usage_error(c, "missing the score: recip nps PARTY SCORE");
	if (cli_given(c, "as-of") || cli_given(c, "window"))
		return cli_usage_error(c, "--as-of and --window are for the report; an answer takes --on");
	if (!strcmp(c->argv[0], "followed-up")) {
		if (cli_given(c, "comment"))
			return cli_usage_error(c, "--comment goes with recording an answer");
		return follow_up(c);
	}
	return record_answer(c);
}

const cli_command cmd_nps = {
	.name = "nps",
	.run = run_nps,
	/* recording is one library call, atomic on its own; the report must
	 * also run on a read-only database, so no CMD_WRITE */
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Advocacy",
	.args = "[PARTY SCORE | followed-up PARTY]",
	.min_args = 0,
	.max_args = 2,
	.summary = "record an NPS answer, or report the Net Promoter Score",
	.description = "With PARTY SCORE, records how likely the party is to recommend us, 0 to 10. With "
	               "followed-up PARTY, marks the party's detractor answers (0-6) as followed up. Alone, reports "
	               "the Net Promoter Score over each party's latest answer in the window: promoters 9-10, "
	               "passives 7-8, detractors 0-6, NPS = % promoters - % detractors, with the counts, the trend "
	               "by month (each party's latest answer within the month) and the detractors.",
	.options = nps_options,
	.examples = "recip nps ana 10 --comment \"the best flat white in town\"\nrecip nps marek 3 --on 2026-11-02\n"
	            "recip nps followed-up marek\nrecip nps\nrecip nps --window 1y --as-of 2026-10-01 --json",
};
