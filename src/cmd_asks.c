/* cmd_asks.c — `recip asks`: open asks both ways, with their age. */
#include "cli.h"

#include <string.h>

static int run_asks(cli *c)
{
	int64_t party = 0;
	if (c->argc > 0 && cli_party(c, c->argv[0], &party))
		return EXIT_FAIL;
	json_t *doc;
	if (recip_asks_report(c->ctx, &doc, party, c->as_of) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		int rc = cli_print_json(c, doc);
		json_decref(doc);
		return rc;
	}
	json_t *items = json_object_get(doc, "items");
	if (!json_array_size(items)) {
		fputs("no open asks\n", c->out);
		json_decref(doc);
		return EXIT_OK;
	}
	table t;
	table_init(&t);
	table_column_add(&t, "ask", true);
	table_column_add(&t, "who", false);
	table_column_add(&t, "asked", false);
	table_column_add(&t, "for", false);
	table_column_add(&t, "on", false);
	table_column_add(&t, "age", true);
	table_column_add(&t, "note", false);
	size_t i;
	json_t *a;
	json_array_foreach(items, i, a)
	{
		char id[24], age[24], day[16], what[160];
		snprintf(id, sizeof(id), "#%lld", (long long)json_integer_value(json_object_get(a, "id")));
		snprintf(age, sizeof(age), "%lldd", (long long)json_integer_value(json_object_get(a, "age_days")));
		snprintf(what, sizeof(what), "%s%s", jtext(a, "what"),
		         json_is_true(json_object_get(a, "forced")) ? " (forced)" : "");
		const char *cells[] = {id, jtext(a, "name"), !strcmp(jtext(a, "direction"), "ours") ? "we asked" : "they asked",
		                       what, jday(a, "at", day, sizeof(day)), age, *jtext(a, "note") ? jtext(a, "note") : NULL};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
	fprintf(c->out, "%s%lld of ours, %lld of theirs open%s\n", cli_dim(c),
	        (long long)json_integer_value(json_object_get(doc, "ours")),
	        (long long)json_integer_value(json_object_get(doc, "theirs")), cli_reset(c));
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_asks = {
	.name = "asks",
	.run = run_asks,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Reports",
	.args = "[PARTY]",
	.min_args = 0,
	.max_args = 1,
	.summary = "open asks both ways, oldest first",
	.description = "Our asks still waiting for an answer and theirs still waiting for ours, with how long "
	               "each has been open. Resolve one with recip resolve ASK granted|declined|withdrawn.",
	.examples = "recip asks\nrecip asks \"Tom Reed\"\nrecip asks --as-of 2026-10-01 --json",
};
