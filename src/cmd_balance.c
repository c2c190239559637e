/* cmd_balance.c — `recip balance [PARTY]`: goodwill given and owed. */
#include "cli.h"

static int run_balance(cli *c)
{
	int64_t party = 0;
	if (c->argc > 0 && cli_party(c, c->argv[0], &party))
		return EXIT_FAIL;
	json_t *doc;
	if (recip_balance_report(c->ctx, &doc, party, c->as_of) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_emit_json(c, doc);
	table t;
	table_init(&t);
	table_column_add(&t, "party", false);
	table_column_add(&t, "balance", true);
	table_column_add(&t, "gave", true);
	table_column_add(&t, "worth", true);
	table_column_add(&t, "received", true);
	table_column_add(&t, "worth", true);
	table_column_add(&t, "last exchange", false);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(doc, "items"), i, p)
	{
		char balance[32], gave[16], gv[32], rec[16], rv[32], day[16];
		fmt_balance(balance, sizeof(balance), json_number_value(json_object_get(p, "balance")));
		snprintf(gave, sizeof(gave), "%lld", (long long)json_integer_value(json_object_get(p, "gave_count")));
		snprintf(rec, sizeof(rec), "%lld", (long long)json_integer_value(json_object_get(p, "received_count")));
		snprintf(gv, sizeof(gv), "%g", json_number_value(json_object_get(p, "gave_value")));
		snprintf(rv, sizeof(rv), "%g", json_number_value(json_object_get(p, "received_value")));
		const char *cells[] = {jtext(p, "name"), balance, gave, gv, rec, rv,
		                       jday(p, "last_exchange_at", day, sizeof(day))};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
	char goodwill[32], owed[32], day[16];
	fmt_balance(goodwill, sizeof(goodwill), json_number_value(json_object_get(doc, "goodwill")));
	fmt_balance(owed, sizeof(owed), json_number_value(json_object_get(doc, "owed")));
	if (party == 0)
		fprintf(c->out, "%sgoodwill %s, owed %s as of %s (half-life %lld days)%s\n", cli_dim(c), goodwill, owed,
		        jday(doc, "as_of", day, sizeof(day)), (long long)json_integer_value(json_object_get(doc, "half_life")),
		        cli_reset(c));
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_balance = {
	.name = "balance",
	.run = run_balance,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Reports",
	.args = "[PARTY]",
	.min_args = 0,
	.max_args = 1,
	.summary = "balances: goodwill we built, favours we owe",
	.description = "The balance of a relationship is the sum over its exchanges of sign × weight × "
	               "2^(−age/half-life): plus for what we gave, minus for what we received; weight is the "
	               "value times the personal and unexpected bonuses. Positive: goodwill they may wish to "
	               "return. Negative: we owe them. Without PARTY, every party with exchanges, strongest "
	               "goodwill first.",
	.examples = "recip balance\nrecip balance ana --as-of 2026-06-30\nrecip balance --json",
};
