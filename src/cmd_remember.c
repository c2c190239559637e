/* cmd_remember.c — `recip remember` and `recip forget`: facts about a party. */
#include "cli.h"

static int run_remember(cli *c)
{
	int64_t id;
	if (cli_party(c, c->argv[0], &id))
		return EXIT_FAIL;
	/* the value is the rest of the line: recip remember ana "regular order" flat white, oat milk */
	buf value = BUF_INIT;
	for (int i = 2; i < c->argc; i++)
		buf_printf(&value, "%s%s", i > 2 ? " " : "", c->argv[i]);
	if (value.failed) {
		buf_release(&value);
		return cli_error(c, "out of memory");
	}
	int rc = recip_fact_remember(c->ctx, id, c->argv[1], value.data);
	if (rc) {
		buf_release(&value);
		return cli_fail(c);
	}
	if (c->json) {
		json_t *doc = json_pack("{s:I, s:s, s:s}", "party", (json_int_t)id, "key", c->argv[1], "value", value.data);
		rc = doc ? cli_print_json(c, doc) : cli_error(c, "out of memory");
		json_decref(doc);
	} else {
		fprintf(c->out, "remembered for #%lld: %s = %s\n", (long long)id, c->argv[1], value.data);
	}
	buf_release(&value);
	return rc;
}

const cli_command cmd_remember = {
	.name = "remember",
	.run = run_remember,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Parties",
	.args = "PARTY KEY VALUE…",
	.min_args = 3,
	.max_args = -1,
	.summary = "remember a fact about a party",
	.description = "Keeps something worth remembering about a person: a regular order, a favourite table, "
	               "their children's names. A key remembered again is updated. The moments and the give-first "
	               "suggestions use these facts.",
	.examples = "recip remember ana \"regular order\" flat white, oat milk\n"
	            "recip remember ana \"favourite table\" 7\nrecip remember tom kids Ana and Tom",
};

static int run_forget(cli *c)
{
	int64_t id;
	if (cli_party(c, c->argv[0], &id))
		return EXIT_FAIL;
	if (recip_fact_forget(c->ctx, id, c->argv[1]) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		json_t *doc = json_pack("{s:I, s:s, s:b}", "party", (json_int_t)id, "key", c->argv[1], "forgotten", 1);
		int rc = doc ? cli_print_json(c, doc) : cli_error(c, "out of memory");
		json_decref(doc);
		return rc;
	}
	fprintf(c->out, "forgot '%s' about #%lld\n", c->argv[1], (long long)id);
	return EXIT_OK;
}

const cli_command cmd_forget = {
	.name = "forget",
	.run = run_forget,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Parties",
	.args = "PARTY KEY",
	.min_args = 2,
	.max_args = 2,
	.summary = "forget a fact about a party",
	.description = "Removes a remembered fact (the audit trail keeps what it was).",
	.examples = "recip forget ana \"favourite table\"",
};
