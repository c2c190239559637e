/* cmd_visit.c — `recip visit`: a customer came in. */
#include "cli.h"

static const cli_option visit_options[] = {
	{"on", 0, OPT_VALUE, "TIME", "when (default: now); the time of day matters for expected regulars"},
	{"amount", 'a', OPT_VALUE, "N", "what they spent"},
	{"note", 'm', OPT_VALUE, "TEXT", "a note"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_visit(cli *c)
{
	field_list l = {0};
	fields_add(&l, "party", c->argv[0], RECIP_SET);
	fields_option(&l, c, "on", "at", RECIP_SET);
	fields_option(&l, c, "amount", "amount", RECIP_SET);
	fields_option(&l, c, "note", "note", RECIP_SET);
	int64_t id;
	int rc = cli_add_record(c, "visit", &l, &id);
	if (rc)
		return rc;
	if (c->json)
		return cli_print_record(c, "visit", id);
	json_t *show;
	json_t *v;
	if (recip_record_get(c->ctx, &v, "visit", id) != RECIP_OK)
		return cli_fail(c);
	int64_t party = json_integer_value(json_object_get(v, "party"));
	if (recip_party_show(c->ctx, &show, party, c->now, 1) != RECIP_OK) {
		json_decref(v);
		return cli_fail(c);
	}
	json_int_t count = json_integer_value(json_object_get(json_object_get(show, "standing"), "visit_count"));
	fprintf(c->out, "recorded #%lld: %s came in (visit %lld)\n", (long long)id, jtext(v, "party_name"),
	        (long long)count);
	json_decref(v);
	json_decref(show);
	return EXIT_OK;
}

const cli_command cmd_visit = {
	.name = "visit",
	.run = run_visit,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Ledger",
	.args = "PARTY",
	.min_args = 1,
	.max_args = 1,
	.summary = "record a customer's visit",
	.description = "Records that a customer came in. Visits make the first-visit and n-th visit moments, the "
	               "lapsed-regular warning and the list of regulars expected on a day.",
	.options = visit_options,
	.examples = "recip visit ana\nrecip visit ana --on 2026-11-20T08:10 --amount 4.20",
};
