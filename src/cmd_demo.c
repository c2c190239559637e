/* cmd_demo.c — `recip demo`: fill an empty database with the demonstration data. */
#include "cli.h"

static int run_demo(cli *c)
{
	json_t *page;
	recip_list_query q = {.include_archived = true, .limit = 1};
	if (recip_record_list(c->ctx, &page, "party", &q) != RECIP_OK)
		return cli_fail(c);
	json_int_t parties = json_integer_value(json_object_get(page, "total"));
	json_decref(page);
	if (parties > 0)
		return cli_error(c, "database '%s' is not empty; the demo needs an empty one (pick another with --db)",
		                 c->db_path);
	if (recip_demo_create(c->ctx, c->as_of) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		json_t *doc = json_pack("{s:s, s:I}", "database", c->db_path, "parties", (json_int_t)0);
		if (!doc)
			return cli_error(c, "out of memory");
		if (recip_record_list(c->ctx, &page, "party", &q) == RECIP_OK) {
			json_object_set(doc, "parties", json_object_get(page, "total"));
			json_decref(page);
		}
		int rc = cli_print_json(c, doc);
		json_decref(doc);
		return rc;
	}
	if (recip_record_list(c->ctx, &page, "party", &q) != RECIP_OK)
		return cli_fail(c);
	char day[16];
	recip_date_format(day, sizeof(day), c->as_of);
	fprintf(c->out, "wrote the demo data to '%s' as of %s: %lld parties — a café with its regulars, a consultant "
	                "with clients in four firms, a builder with partner firms\n",
	        c->db_path, day, (long long)json_integer_value(json_object_get(page, "total")));
	json_decref(page);
	return EXIT_OK;
}

const cli_command cmd_demo = {
	.name = "demo",
	.run = run_demo,
	.flags = CMD_DB | CMD_CREATE | CMD_WRITE | CMD_AS_OF,
	.group = "Setup",
	.min_args = 0,
	.max_args = 0,
	.summary = "write the demonstration data into an empty database",
	.description = "Writes a realistic sample, the same every time for the same --as-of date: a café with "
	               "about forty regulars and six months of visits and preferences, a consultant with fifteen "
	               "clients in four firms with favours, asks and promises, and a builder with eight partner "
	               "firms and their projects. Use it to try recip: recip demo --db demo.db && recip agenda "
	               "--db demo.db.",
	.examples = "recip demo --db /tmp/demo.db\nrecip demo --db /tmp/demo.db --as-of 2026-11-23",
};
