/* cmd_kept.c — `recip kept` and `recip broke`: how a promise ended. */
#include "cli.h"

#include <string.h>

static const cli_option kept_options[] = {
	{"on", 0, OPT_VALUE, "DATE", "when (default: now)"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_resolution(cli *c, const char *status)
{
	int64_t id;
	if (cli_id(c, c->argv[0], "promise", &id))
		return EXIT_FAIL;
	recip_time at = c->now;
	const char *on = cli_value(c, "on");
	if (on && cli_time(c, on, false, &at))
		return EXIT_FAIL;
	if (recip_promise_resolve(c->ctx, id, status, at) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_print_record(c, "promise", id);
	json_t *p;
	if (recip_record_get(c->ctx, &p, "promise", id) != RECIP_OK)
		return cli_fail(c);
	const char *due = jtext(p, "due"), *when = jtext(p, "resolved_at");
	bool late = json_is_string(json_object_get(p, "due")) && json_is_string(json_object_get(p, "resolved_at")) &&
	            strcmp(when, due) > 0;
	fprintf(c->out, "promise #%lld to %s %s%s\n", (long long)id, jtext(p, "party_name"),
	        status[0] == 'k' ? "kept" : "broken", status[0] == 'k' ? (late ? " (late)" : " (on time)") : "");
	json_decref(p);
	return EXIT_OK;
}

static int run_kept(cli *c)
{
	return run_resolution(c, "kept");
}

static int run_broke(cli *c)
{
	return run_resolution(c, "broken");
}

const cli_command cmd_kept = {
	.name = "kept",
	.run = run_kept,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Ledger",
	.args = "PROMISE",
	.min_args = 1,
	.max_args = 1,
	.summary = "mark a promise kept (on time or late, from its due date)",
	.options = kept_options,
	.examples = "recip kept 4\nrecip kept 4 --on 2026-11-29",
};

const cli_command cmd_broke = {
	.name = "broke",
	.run = run_broke,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Ledger",
	.args = "PROMISE",
	.min_args = 1,
	.max_args = 1,
	.summary = "mark a promise broken",
	.options = kept_options,
	.examples = "recip broke 4",
};
