/* cmd_partners.c — `recip profile`, `recip fit` and `recip project`: working with partner firms. */
#include "cli.h"

#include <string.h>

/* ---- recip profile ---------------------------------------------------------------- */

static const cli_option profile_options[] = {
	{"offer", 'o', OPT_LIST, "WHAT", "add something we offer"},
	{"serves", 's', OPT_LIST, "WHOM", "add a segment we serve"},
	{"remove-offer", 0, OPT_LIST, "WHAT", "remove something we offer"},
	{"remove-serves", 0, OPT_LIST, "WHOM", "remove a segment we serve"},
	{NULL, 0, 0, NULL, NULL},
};

static void print_words(cli *c, const char *label, json_t *arr)
{
	fprintf(c->out, "%-7s ", label);
	if (!json_array_size(arr))
		fputs("(nothing recorded)", c->out);
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v) fprintf(c->out, "%s%s", i ? ", " : "", json_string_value(v));
	fputc('\n', c->out);
}

static int run_profile(cli *c)
{
	field_list l = {0};
	fields_option(&l, c, "offer", "offer", RECIP_ADD);
	fields_option(&l, c, "serves", "serves", RECIP_ADD);
	fields_option(&l, c, "remove-offer", "offer", RECIP_REMOVE);
	fields_option(&l, c, "remove-serves", "serves", RECIP_REMOVE);
	if (l.overflow)
		return cli_error(c, "too many changes at once");
	if (l.n && recip_profile_update(c->ctx, l.items, l.n) != RECIP_OK)
		return cli_fail(c);
	json_t *doc;
	if (recip_profile_report(c->ctx, &doc) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		int rc = cli_print_json(c, doc);
		json_decref(doc);
		return rc;
	}
	print_words(c, "offer", json_object_get(doc, "offer"));
	print_words(c, "serves", json_object_get(doc, "serves"));
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_profile = {
	.name = "profile",
	.run = run_profile,
	.flags = CMD_DB,
	.group = "Partners",
	.min_args = 0,
	.max_args = 0,
	.summary = "what we offer and whom we serve (for partner fit)",
	.description = "Our own business, as partner fit sees it: what we offer (--offer) and the segments we "
	               "serve (--serves), each a short lower-case word or phrase. Without options, shows it. The "
	               "partners' side is recorded with recip add/edit --offer … --serves ….",
	.options = profile_options,
	.examples = "recip profile --offer extensions --offer kitchens --serves homeowners --serves landlords\n"
	            "recip profile --remove-offer kitchens\nrecip profile --json",
};

/* ---- recip fit ------------------------------------------------------------------------ */

static void print_ladder(cli *c, json_t *item)
{
	json_t *projects = json_object_get(item, "projects");
	size_t i;
	json_t *p;
	json_array_foreach(projects, i, p)
	{
		char day[16];
		fprintf(c->out, "  #%-4lld %-6s %-9s %s (since %s)%s\n", (long long)json_integer_value(json_object_get(p, "id")),
		        jtext(p, "size"), jtext(p, "status"), jtext(p, "name"), jday(p, "at", day, sizeof(day)),
		        json_is_true(json_object_get(p, "forced")) ? " — forced past start small" : "");
	}
	fprintf(c->out, "  next: a %s project\n", jtext(item, "next_size"));
}

/* Value given vs received, one line. */
void print_partner_value(cli *c, json_t *value);

void print_partner_value(cli *c, json_t *value)
{
	double given = json_number_value(json_object_get(value, "given"));
	double received = json_number_value(json_object_get(value, "received"));
	json_int_t gave = json_integer_value(json_object_get(value, "gave_count"));
	fprintf(c->out, "value given %g (%lld exchange%s) vs received %g (%lld) — %s\n", given, (long long)gave,
	        gave == 1 ? "" : "s", received, (long long)json_integer_value(json_object_get(value, "received_count")),
	        given > received ? "we gave more" : given < received ? "they gave more" : "even");
}

static int run_fit(cli *c)
{
	int64_t party = 0;
	if (c->argc > 0 && cli_party(c, c->argv[0], &party))
		return EXIT_FAIL;
	json_t *doc;
	if (recip_fit_report(c->ctx, &doc, party, c->as_of) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		int rc = cli_print_json(c, doc);
		json_decref(doc);
		return rc;
	}
	if (party) {
		fprintf(c->out, "%s%s%s fits us %s%lld%s/100\n", cli_bold(c), jtext(doc, "name"), cli_reset(c), cli_bold(c),
		        (long long)json_integer_value(json_object_get(doc, "score")), cli_reset(c));
		size_t i;
		json_t *r;
		json_array_foreach(json_object_get(doc, "reasons"), i, r)
		fprintf(c->out, "  %+4lld  %s\n", (long long)json_integer_value(json_object_get(r, "points")),
		        jtext(r, "reason"));
		print_partner_value(c, json_object_get(doc, "value"));
		print_ladder(c, doc);
		json_decref(doc);
		return EXIT_OK;
	}
	table t;
	table_init(&t);
	table_column_add(&t, "partner", false);
	table_column_add(&t, "fit", true);
	table_column_add(&t, "why", false);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(doc, "items"), i, p)
	{
		char score[16];
		snprintf(score, sizeof(score), "%lld", (long long)json_integer_value(json_object_get(p, "score")));
		buf why = BUF_INIT;
		size_t k;
		json_t *r;
		json_array_foreach(json_object_get(p, "reasons"), k, r)
		buf_printf(&why, "%s%s", k ? "; " : "", jtext(r, "reason"));
		const char *cells[] = {jtext(p, "name"), score, why.data};
		table_row(&t, cells);
		buf_release(&why);
	}
	table_print(c, &t);
	table_release(&t);
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_fit = {
	.name = "fit",
	.run = run_fit,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Partners",
	.args = "[PARTNER]",
	.min_args = 0,
	.max_args = 1,
	.summary = "how well a partner fits us, 0-100, with the reasons",
	.description = "Compares the partner's offers and segments with our profile (recip profile): 50 points for "
	               "serving all of our segments (in proportion), 50 for offering only what complements us, "
	               "less 50 in proportion to what they offer that we offer too (competition), within 0-100. "
	               "With the value given and received and the project ladder. Without PARTNER, every party "
	               "with the role partner, best fit first.",
	.examples = "recip fit \"Clearwater Plumbing\"\nrecip fit\nrecip fit clearwater --json",
};

/* ---- recip project ------------------------------------------------------------------------- */

static const cli_option project_options[] = {
	{"size", 's', OPT_VALUE, "SIZE", "add: small (default), medium or large"},
	{"force", 'f', OPT_FLAG, NULL, "add: start it although no smaller one succeeded (kept as forced)"},
	{"failed", 0, OPT_FLAG, NULL, "done: it failed (default: it succeeded)"},
	{"on", 0, OPT_VALUE, "DATE", "add, done: when (default: now)"},
	{"note", 'm', OPT_VALUE, "TEXT", "add, done: a note"},
	{NULL, 0, 0, NULL, NULL},
};

static int project_add(cli *c)
{
	if (c->argc != 3)
		return cli_usage_error(c, "usage: recip project add PARTNER NAME");
	if (cli_flag(c, "failed"))
		return cli_usage_error(c, "--failed goes with done");
	field_list l = {0};
	fields_add(&l, "party", c->argv[1], RECIP_SET);
	fields_add(&l, "name", c->argv[2], RECIP_SET);
	fields_option(&l, c, "size", "size", RECIP_SET);
	fields_flag(&l, c, "force", "forced");
	fields_option(&l, c, "on", "at", RECIP_SET);
	fields_option(&l, c, "note", "note", RECIP_SET);
	int64_t id;
	int rc = cli_add_record(c, "project", &l, &id);
	if (rc)
		return rc;
	if (c->json)
		return cli_print_record(c, "project", id);
	json_t *p;
	if (recip_record_get(c->ctx, &p, "project", id) != RECIP_OK)
		return cli_fail(c);
	fprintf(c->out, "started project #%lld with %s: %s (%s)%s\n", (long long)id, jtext(p, "party_name"),
	        jtext(p, "name"), jtext(p, "size"),
	        json_is_true(json_object_get(p, "forced")) ? " — forced: no smaller one has succeeded yet" : "");
	json_decref(p);
	return EXIT_OK;
}

static int project_done(cli *c)
{
	if (c->argc != 2)
		return cli_usage_error(c, "usage: recip project done PROJECT");
	if (cli_flag(c, "force") || cli_value(c, "size"))
		return cli_usage_error(c, "--size and --force go with add");
	int64_t id;
	if (cli_id(c, c->argv[1], "project", &id))
		return EXIT_FAIL;
	recip_time at = c->now;
	const char *on = cli_value(c, "on");
	if (on && cli_time(c, on, false, &at))
		return EXIT_FAIL;
	const char *status = cli_flag(c, "failed") ? "failed" : "succeeded";
	if (recip_project_finish(c->ctx, id, status, at, cli_value(c, "note")) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_print_record(c, "project", id);
	json_t *p;
	if (recip_record_get(c->ctx, &p, "project", id) != RECIP_OK)
		return cli_fail(c);
	fprintf(c->out, "project #%lld with %s %s: %s (%s)\n", (long long)id, jtext(p, "party_name"), status,
	        jtext(p, "name"), jtext(p, "size"));
	json_decref(p);
	return EXIT_OK;
}

static int project_list(cli *c)
{
	if (c->argc > 2)
		return cli_usage_error(c, "usage: recip project list [PARTNER]");
	recip_list_query q = {0};
	if (c->argc == 2 && cli_party(c, c->argv[1], &q.party))
		return EXIT_FAIL;
	json_t *doc;
	if (recip_record_list(c->ctx, &doc, "project", &q) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		int rc = cli_print_json(c, doc);
		json_decref(doc);
		return rc;
	}
	table t;
	table_init(&t);
	table_column_add(&t, "project", true);
	table_column_add(&t, "with", false);
	table_column_add(&t, "name", false);
	table_column_add(&t, "size", false);
	table_column_add(&t, "status", false);
	table_column_add(&t, "started", false);
	table_column_add(&t, "ended", false);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(doc, "items"), i, p)
	{
		char id[24], start[16], end[16], status[64];
		snprintf(id, sizeof(id), "#%lld", (long long)json_integer_value(json_object_get(p, "id")));
		snprintf(status, sizeof(status), "%s%s", jtext(p, "status"),
		         json_is_true(json_object_get(p, "forced")) ? " (forced)" : "");
		const char *cells[] = {id, jtext(p, "party_name"), jtext(p, "name"), jtext(p, "size"), status,
		                       jday(p, "at", start, sizeof(start)), jday(p, "ended_at", end, sizeof(end))};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
	json_decref(doc);
	return EXIT_OK;
}

static int run_project(cli *c)
{
	const char *sub = c->argv[0];
	if (!strcmp(sub, "add"))
		return project_add(c);
	if (!strcmp(sub, "done"))
		return project_done(c);
	if (!strcmp(sub, "list"))
		return project_list(c);
	return cli_usage_error(c, "project what? add, done or list, not '%s'", sub);
}

const cli_command cmd_project = {
	.name = "project",
	.run = run_project,
	.flags = CMD_DB,
	.group = "Partners",
	.args = "add PARTNER NAME | done PROJECT | list [PARTNER]",
	.min_args = 1,
	.max_args = 3,
	.summary = "projects with partners and clients: start small, then grow",
	.description = "add starts a project (--size small, medium or large). Start small: a medium project with "
	               "a partner needs a small one that succeeded, a large one a small or medium one; otherwise it "
	               "is refused with exit status 3 unless --force, and kept as forced. done ends one as "
	               "succeeded (or --failed). list shows them, newest first.",
	.options = project_options,
	.examples = "recip project add clearwater \"Harris bathroom\"\nrecip project done 4\n"
	            "recip project add clearwater \"Two flats\" --size medium\nrecip project list clearwater",
};
