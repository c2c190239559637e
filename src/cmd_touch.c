/* cmd_touch.c — `recip touch`: contact without an exchange. */
#include "cli.h"

static const cli_option touch_options[] = {
	{"by", 'b', OPT_VALUE, "CHANNEL", "call (default), email, meeting, message, letter, social, video, other"},
	{"need", 0, OPT_FLAG, NULL, "we got in touch because we needed something"},
	{"them", 0, OPT_FLAG, NULL, "they got in touch with us"},
	{"on", 0, OPT_VALUE, "DATE", "when (default: now)"},
	{"note", 'm', OPT_VALUE, "TEXT", "a note"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_touch(cli *c)
{
	field_list l = {0};
	fields_add(&l, "party", c->argv[0], RECIP_SET);
	fields_option(&l, c, "by", "channel", RECIP_SET);
	if (cli_flag(c, "need"))
		fields_add(&l, "purpose", "need", RECIP_SET);
	if (cli_flag(c, "them"))
		fields_add(&l, "initiator", "them", RECIP_SET);
	fields_option(&l, c, "on", "at", RECIP_SET);
	fields_option(&l, c, "note", "note", RECIP_SET);
	int64_t id;
	int rc = cli_add_record(c, "touch", &l, &id);
	if (rc)
		return rc;
	if (c->json)
		return cli_print_record(c, "touch", id);
	json_t *t;
	if (recip_record_get(c->ctx, &t, "touch", id) != RECIP_OK)
		return cli_fail(c);
	fprintf(c->out, "recorded #%lld: %s with %s%s\n", (long long)id, jtext(t, "channel"), jtext(t, "party_name"),
	        cli_flag(c, "need") ? " (a need)" : "");
	json_decref(t);
	return EXIT_OK;
}

const cli_command cmd_touch = {
	.name = "touch",
	.run = run_touch,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Ledger",
	.args = "PARTY",
	.min_args = 1,
	.max_args = 1,
	.summary = "record a contact: a call, an e-mail, a meeting …",
	.description = "Records contact without an exchange. Mark with --need when we got in touch because we "
	               "needed something: a relationship where most of our contact is a need is flagged as "
	               "need-only. Any contact resets the keep-in-touch clock.",
	.options = touch_options,
	.examples = "recip touch \"Tom Reed\" --by meeting --note \"quarterly review\"\n"
	            "recip touch tom --by email --need --note \"asked for the figures\"",
};
