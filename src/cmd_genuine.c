/* cmd_genuine.c — `recip genuine`: gives followed closely by our asks. */
#include "cli.h"

static int run_genuine(cli *c)
{
	int64_t party = 0;
	if (c->argc > 0 && cli_party(c, c->argv[0], &party))
		return EXIT_FAIL;
	json_t *doc;
	if (recip_genuine_report(c->ctx, &doc, party, c->as_of) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		int rc = cli_print_json(c, doc);
		json_decref(doc);
		return rc;
	}
	json_int_t window = json_integer_value(json_object_get(doc, "window_days"));
	if (party == 0)
		fprintf(c->out, "%lld of our %lld gives were followed by an ask of ours within %lld days: %.0f%%\n",
		        (long long)json_integer_value(json_object_get(doc, "followed_by_ask")),
		        (long long)json_integer_value(json_object_get(doc, "gives")), (long long)window,
		        json_number_value(json_object_get(doc, "share")) * 100);
	table t;
	table_init(&t);
	table_column_add(&t, "party", false);
	table_column_add(&t, "gives", true);
	table_column_add(&t, "then asked", true);
	table_column_add(&t, "share", true);
	table_column_add(&t, "", false);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(doc, "items"), i, p)
	{
		char gives[16], followed[16], share[16];
		snprintf(gives, sizeof(gives), "%lld", (long long)json_integer_value(json_object_get(p, "gives")));
		snprintf(followed, sizeof(followed), "%lld",
		         (long long)json_integer_value(json_object_get(p, "followed_by_ask")));
		snprintf(share, sizeof(share), "%.0f%%", json_number_value(json_object_get(p, "share")) * 100);
		bool flag = json_is_true(json_object_get(p, "transactional"));
		const char *cells[] = {jtext(p, "name"), gives, followed, share, flag ? "transactional: give without asking" : ""};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_genuine = {
	.name = "genuine",
	.run = run_genuine,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Reports",
	.args = "[PARTY]",
	.min_args = 0,
	.max_args = 1,
	.summary = "how genuine our giving is: gives followed by our asks",
	.description = "Giving only to get back derails a relationship. For each party we gave to, and overall: "
	               "how many of our gives were followed by an ask of ours within genuine.window (7 days), "
	               "most transactional first. A relationship above genuine.share (with at least "
	               "genuine.min_gives gives) is marked transactional, as recip show warns.",
	.examples = "recip genuine\nrecip genuine \"Nina Petrova\"\nrecip genuine --json",
};
