/* cmd_promise.c — `recip promise PARTY WHAT --due DATE`: a commitment we made. */
#include "cli.h"

static const cli_option promise_options[] = {
	{"due", 'd', OPT_VALUE, "DATE", "by when (required; a date means by its end)"},
	{"on", 0, OPT_VALUE, "DATE", "when we promised it (default: now)"},
	{"note", 'm', OPT_VALUE, "TEXT", "a note"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_promise(cli *c)
{
	if (!cli_value(c, "due"))
		return cli_usage_error(c, "a promise needs --due DATE");
	field_list l = {0};
	fields_add(&l, "party", c->argv[0], RECIP_SET);
	fields_add(&l, "what", c->argv[1], RECIP_SET);
	fields_option(&l, c, "due", "due", RECIP_SET);
	fields_option(&l, c, "on", "at", RECIP_SET);
	fields_option(&l, c, "note", "note", RECIP_SET);
	int64_t id;
	int rc = cli_add_record(c, "promise", &l, &id);
	if (rc)
		return rc;
	if (c->json)
		return cli_print_record(c, "promise", id);
	json_t *p;
	if (recip_record_get(c->ctx, &p, "promise", id) != RECIP_OK)
		return cli_fail(c);
	char day[16];
	fprintf(c->out, "recorded promise #%lld to %s: %s, due %s\n", (long long)id, jtext(p, "party_name"),
	        jtext(p, "what"), jday(p, "due", day, sizeof(day)));
	json_decref(p);
	return EXIT_OK;
}

const cli_command cmd_promise = {
	.name = "promise",
	.run = run_promise,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Ledger",
	.args = "PARTY WHAT",
	.min_args = 2,
	.max_args = 2,
	.summary = "record a promise we made",
	.description = "Promises kept on time make us reliable (the trust equation); those due soon are on the "
	               "agenda. Close one with recip kept or recip broke.",
	.options = promise_options,
	.examples = "recip promise \"Tom Reed\" \"send the depot proposal\" --due 2026-11-30",
};
