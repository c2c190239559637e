/* cmd_trust.c — `recip trust`: the trust equation of a relationship, or all of them ranked. */
#include "cli.h"

static const cli_option trust_options[] = {
	{"credibility", 0, OPT_VALUE, "N", "rate how credible we are to them, 1-10 (\"\" to unrate)"},
	{NULL, 0, 0, NULL, NULL},
};

/* "credibility 8 — rated 8 by you" lines of one party's equation. */
void print_trust(cli *c, json_t *t);

void print_trust(cli *c, json_t *t)
{
	static const char *const parts[][2] = {{"credibility", "credibility"},
	                                       {"reliability", "reliability"},
	                                       {"intimacy", "intimacy"},
	                                       {"self_orientation", "self-orientation"}};
	fprintf(c->out, "trust %s = %s%g%s\n", jtext(t, "equation"), cli_bold(c),
	        json_number_value(json_object_get(t, "trust")), cli_reset(c));
	for (size_t i = 0; i < 4; i++) {
		json_t *p = json_object_get(t, parts[i][0]);
		fprintf(c->out, "  %-17s %4.1f  %s\n", parts[i][1], json_number_value(json_object_get(p, "score")),
		        jtext(p, "basis"));
	}
}

static int run_trust(cli *c)
{
	int64_t party = 0;
	if (c->argc > 0 && cli_party(c, c->argv[0], &party))
		return EXIT_FAIL;
	const char *rating = cli_value(c, "credibility");
	if (rating) {
		if (!party)
			return cli_usage_error(c, "--credibility needs a PARTY");
		recip_field f = {"credibility", rating, RECIP_SET, NULL};
		if (recip_record_update(c->ctx, "party", party, &f, 1) != RECIP_OK)
			return cli_fail(c);
	}
	json_t *doc;
	if (recip_trust_report(c->ctx, &doc, party, c->as_of) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		int rc = cli_print_json(c, doc);
		json_decref(doc);
		return rc;
	}
	if (party) {
		fprintf(c->out, "%s%s%s (#%lld)\n", cli_bold(c), jtext(doc, "name"), cli_reset(c), (long long)party);
		print_trust(c, doc);
		fprintf(c->out, "%sto work on: %s%s\n", cli_dim(c), jtext(doc, "weakest"), cli_reset(c));
		json_decref(doc);
		return EXIT_OK;
	}
	table t;
	table_init(&t);
	table_column_add(&t, "party", false);
	table_column_add(&t, "trust", true);
	table_column_add(&t, "cred.", true);
	table_column_add(&t, "reli.", true);
	table_column_add(&t, "intim.", true);
	table_column_add(&t, "self-or.", true);
	table_column_add(&t, "work on", false);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(doc, "items"), i, p)
	{
		char v[5][16];
		static const char *const keys[] = {"trust", "credibility", "reliability", "intimacy", "self_orientation"};
		for (int k = 0; k < 5; k++)
			snprintf(v[k], sizeof(v[k]), k ? "%.1f" : "%.2f", json_number_value(json_object_get(p, keys[k])));
		const char *cells[] = {jtext(p, "name"), v[0], v[1], v[2], v[3], v[4], jtext(p, "weakest")};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_trust = {
	.name = "trust",
	.run = run_trust,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Reports",
	.args = "[PARTY]",
	.min_args = 0,
	.max_args = 1,
	.summary = "the trust equation of a relationship, or all of them weakest first",
	.description = "Trust = (credibility + reliability + intimacy) / self-orientation, each on 1-10 from "
	               "recorded facts: credibility as you rate it (--credibility N; 5 until rated); reliability "
	               "from promises kept on time against those due; intimacy from personal exchanges and the "
	               "facts, birthday and anniversary we know; self-orientation from need-only contact and our "
	               "asks against our gives. Without PARTY, every relationship (a keep-in-touch cadence or any "
	               "exchange), weakest first, with the component to work on.",
	.options = trust_options,
	.examples = "recip trust \"Tom Reed\"\nrecip trust tom --credibility 8\nrecip trust --json",
};
