/* cmd_archive.c — `recip archive PARTY`: take a party out of lists and reports. */
#include "cli.h"

static const cli_option archive_options[] = {
	{"undo", 0, OPT_FLAG, NULL, "bring an archived party back"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_archive(cli *c)
{
	int64_t id;
	if (cli_party(c, c->argv[0], &id))
		return EXIT_FAIL;
	bool undo = cli_flag(c, "undo");
	recip_field f = {"archived", undo ? "no" : "yes", RECIP_SET, NULL};
	if (recip_record_update(c->ctx, "party", id, &f, 1) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_print_record(c, "party", id);
	fprintf(c->out, "%s #%lld\n", undo ? "brought back" : "archived", (long long)id);
	return EXIT_OK;
}

const cli_command cmd_archive = {
	.name = "archive",
	.run = run_archive,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Parties",
	.args = "PARTY",
	.min_args = 1,
	.max_args = 1,
	.summary = "archive a party (its history stays)",
	.description = "An archived party leaves lists, the due list and the agenda; its history stays in the "
	               "ledger and it can be named by id. --undo brings it back.",
	.options = archive_options,
};
