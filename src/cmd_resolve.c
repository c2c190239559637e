/* cmd_resolve.c — `recip resolve ASK granted|declined|withdrawn`. */
#include "cli.h"

#include <string.h>

static const cli_option resolve_options[] = {
	{"on", 0, OPT_VALUE, "DATE", "when (default: now)"},
	{"note", 'm', OPT_VALUE, "TEXT", "a note for the exchange a granted ask records"},
	{NULL, 0, 0, NULL, NULL},
};

int print_exchange(cli *c, int64_t id);

static int run_resolve(cli *c)
{
	int64_t ask;
	if (cli_id(c, c->argv[0], "ask", &ask))
		return EXIT_FAIL;
	const char *status = c->argv[1];
	if (strcmp(status, "granted") && strcmp(status, "declined") && strcmp(status, "withdrawn"))
		return cli_usage_error(c, "resolve as what? granted, declined or withdrawn, not '%s'", status);
	recip_time at = c->now;
	const char *on = cli_value(c, "on");
	if (on && cli_time(c, on, false, &at))
		return EXIT_FAIL;
	int64_t exchange = 0;
	if (recip_ask_resolve(c->ctx, &exchange, ask, status, at, cli_value(c, "note")) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_print_record(c, "ask", ask);
	fprintf(c->out, "ask #%lld %s\n", (long long)ask, status);
	return exchange ? print_exchange(c, exchange) : EXIT_OK;
}

const cli_command cmd_resolve = {
	.name = "resolve",
	.run = run_resolve,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Ledger",
	.args = "ASK granted|declined|withdrawn",
	.min_args = 2,
	.max_args = 2,
	.summary = "close an open ask",
	.description = "A granted ask is itself a bond: granting ours records what they gave us, granting theirs "
	               "records what we gave them, as an exchange of the kind asked for (a favour when it is not "
	               "a kind of exchange).",
	.options = resolve_options,
	.examples = "recip resolve 12 granted\nrecip resolve 13 declined --on yesterday",
};
