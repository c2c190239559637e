/* cmd_check.c — `recip check`: integrity of the database and of its roll-ups. */
#include "cli.h"

static int run_check(cli *c)
{
	json_t *doc;
	if (recip_check(c->ctx, &doc) != RECIP_OK)
		return cli_fail(c);
	bool ok = json_is_true(json_object_get(doc, "ok"));
	if (c->json) {
		cli_print_json(c, doc);
	} else {
		size_t i;
		json_t *p;
		json_array_foreach(json_object_get(doc, "problems"), i, p) fprintf(c->out, "problem: %s\n", json_string_value(p));
		fprintf(c->out, "%s: integrity %s; %lld roll-ups checked, %lld mismatched\n", ok ? "ok" : "FAILED",
		        jtext(doc, "integrity"), (long long)json_integer_value(json_object_get(doc, "rollups_checked")),
		        (long long)json_array_size(json_object_get(doc, "rollup_mismatches")));
	}
	size_t problems = json_array_size(json_object_get(doc, "problems"));
	json_decref(doc);
	if (ok)
		return EXIT_OK;
	return cli_error(c, "database '%s' has %zu problem%s", c->db_path, problems, problems == 1 ? "" : "s");
}

const cli_command cmd_check = {
	.name = "check",
	.run = run_check,
	.flags = CMD_DB,
	.group = "Setup",
	.min_args = 0,
	.max_args = 0,
	.summary = "check the database and its roll-ups",
	.description = "Runs the storage's integrity check and foreign-key check, and compares every per-party "
	               "roll-up (balance, counts, last contact, visits, cadence) with a full recomputation from "
	               "the ledger. Exit status 1 when anything is wrong.",
	.examples = "recip check\nrecip check --json",
};
