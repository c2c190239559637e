/* cmd_gave.c — `recip gave` and `recip received`: the exchanges of the ledger. */
#include "cli.h"

#include <string.h>

static const cli_option exchange_options[] = {
	{"value", 'v', OPT_VALUE, "N", "its weight (default: the kind's value from the configuration)"},
	{"personal", 'P', OPT_FLAG, NULL, "made for this person (weighs more)"},
	{"unexpected", 'U', OPT_FLAG, NULL, "a surprise (weighs more)"},
	{"on", 0, OPT_VALUE, "DATE", "when (default: now)"},
	{"note", 'm', OPT_VALUE, "TEXT", "a note"},
	{NULL, 0, 0, NULL, NULL},
};

/* "recorded #34, given to Ana Lopez: favour (value 3, personal); balance now +4.50" */
int print_exchange(cli *c, int64_t id);

int print_exchange(cli *c, int64_t id)
{
	if (c->json)
		return cli_print_record(c, "exchange", id);
	json_t *ex, *bal;
	if (recip_record_get(c->ctx, &ex, "exchange", id) != RECIP_OK)
		return cli_fail(c);
	int64_t party = json_integer_value(json_object_get(ex, "party"));
	if (recip_balance_report(c->ctx, &bal, party, c->now) != RECIP_OK) {
		json_decref(ex);
		return cli_fail(c);
	}
	json_t *item = json_array_get(json_object_get(bal, "items"), 0);
	char balance[32];
	fmt_balance(balance, sizeof(balance), json_number_value(json_object_get(item, "balance")));
	bool gave = !strcmp(jtext(ex, "direction"), "gave");
	const char *kind = jtext(ex, "kind");
	fprintf(c->out, "recorded #%lld, %s %s: %s (value %g%s%s); balance now %s\n", (long long)id,
	        gave ? "given to" : "received from", jtext(ex, "party_name"), kind,
	        json_number_value(json_object_get(ex, "value")),
	        json_is_true(json_object_get(ex, "personal")) ? ", personal" : "",
	        json_is_true(json_object_get(ex, "unexpected")) ? ", unexpected" : "", balance);
	json_decref(ex);
	json_decref(bal);
	return EXIT_OK;
}

static int run_exchange(cli *c, const char *direction)
{
	field_list l = {0};
	fields_add(&l, "party", c->argv[0], RECIP_SET);
	fields_add(&l, "direction", direction, RECIP_SET);
	fields_add(&l, "kind", c->argv[1], RECIP_SET);
	fields_option(&l, c, "value", "value", RECIP_SET);
	fields_flag(&l, c, "personal", "personal");
	fields_flag(&l, c, "unexpected", "unexpected");
	fields_option(&l, c, "on", "at", RECIP_SET);
	fields_option(&l, c, "note", "note", RECIP_SET);
	int64_t id;
	int rc = cli_add_record(c, "exchange", &l, &id);
	return rc ? rc : print_exchange(c, id);
}

static int run_gave(cli *c)
{
	return run_exchange(c, "gave");
}

static int run_received(cli *c)
{
	return run_exchange(c, "received");
}

const cli_command cmd_gave = {
	.name = "gave",
	.run = run_gave,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Ledger",
	.args = "PARTY KIND",
	.min_args = 2,
	.max_args = 2,
	.summary = "record something we gave them",
	.description = "Records a give: a favour, gift, introduction, referral, review, advice, hospitality, "
	               "discount, treat … (the kinds and their default values are in the configuration). A "
	               "personal or unexpected give weighs more. The balance goes up by its weight and decays "
	               "with the half-life.",
	.options = exchange_options,
	.examples = "recip gave ana treat --personal --unexpected --note \"pastry on the house\"\n"
	            "recip gave \"Tom Reed\" introduction --on 2026-11-02 --note \"to our auditor\"",
};

const cli_command cmd_received = {
	.name = "received",
	.run = run_received,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Ledger",
	.args = "PARTY KIND",
	.min_args = 2,
	.max_args = 2,
	.summary = "record something they gave us",
	.description = "Records what they gave us; the balance goes down by its weight (we owe them).",
	.options = exchange_options,
	.examples = "recip received \"Tom Reed\" referral --personal --note \"sent us Meridian\"",
};
