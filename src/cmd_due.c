/* cmd_due.c — `recip due`: whom to get back in touch with. */
#include "cli.h"

#include <string.h>

static const cli_option due_options[] = {
	{"within", 'w', OPT_VALUE, "DURATION", "also those due within this long (e.g. 7d)"},
	{NULL, 0, 0, NULL, NULL},
};

/* "never in touch", "4 days overdue", "due today", "due in 6 days" for a
 * row of the due list; true when overdue. */
bool due_when(char *out, size_t size, json_t *p);

bool due_when(char *out, size_t size, json_t *p)
{
	json_int_t overdue = json_integer_value(json_object_get(p, "days_overdue"));
	if (json_is_true(json_object_get(p, "never_contacted")))
		snprintf(out, size, "never in touch");
	else if (overdue > 0)
		snprintf(out, size, "%lld day%s overdue", (long long)overdue, overdue == 1 ? "" : "s");
	else if (overdue == 0)
		snprintf(out, size, "due today");
	else
		snprintf(out, size, "due in %lld day%s", (long long)-overdue, overdue == -1 ? "" : "s");
	return overdue > 0;
}

static int run_due(cli *c)
{
	int within = 0;
	const char *w = cli_value(c, "within");
	if (w && recip_duration_parse(c->ctx, &within, w) != RECIP_OK)
		return cli_fail(c);
	json_t *doc;
	if (recip_due_report(c->ctx, &doc, c->as_of, within) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_emit_json(c, doc);
	json_t *items = json_object_get(doc, "items");
	if (!json_array_size(items)) {
		fprintf(c->out, "no one is due for contact%s\n", within ? " in that window" : "");
		json_decref(doc);
		return EXIT_OK;
	}
	size_t i;
	json_t *p;
	json_array_foreach(items, i, p)
	{
		char when[64];
		bool overdue = due_when(when, sizeof(when), p);
		fprintf(c->out, "%s%s%s (#%lld) — %s%s%s, every %lld days", cli_bold(c), jtext(p, "name"), cli_reset(c),
		        (long long)json_integer_value(json_object_get(p, "party")), overdue ? cli_red(c) : "", when,
		        overdue ? cli_reset(c) : "", (long long)json_integer_value(json_object_get(p, "cadence_days")));
		json_t *need = json_object_get(json_object_get(p, "signals"), "need_only");
		if (json_is_true(json_object_get(need, "flag")))
			fprintf(c->out, " · %sneed-only%s", cli_yellow(c), cli_reset(c));
		fputc('\n', c->out);
		json_t *last = json_object_get(p, "last_contact");
		if (json_is_object(last)) {
			char day[16];
			fprintf(c->out, "  last: %s, %s\n", jday(last, "at", day, sizeof(day)), jtext(last, "summary"));
		}
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(p, "facts"), k, f)
		fprintf(c->out, "  %s: %s\n", jtext(f, "key"), jtext(f, "value"));
	}
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_due = {
	.name = "due",
	.run = run_due,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Reports",
	.args = NULL,
	.min_args = 0,
	.max_args = 0,
	.summary = "whom to get back in touch with",
	.description = "Parties whose last contact of any kind (an exchange, a touch, a visit, an ask) is older "
	               "than their cadence (set with --every, else by role from the configuration), most overdue "
	               "first, with when and how we last spoke and what we know about them. A relationship "
	               "where most of our recent outreach was a need or an ask is marked need-only.",
	.options = due_options,
	.examples = "recip due\nrecip due --within 7d\nrecip due --as-of 2026-10-01 --json",
};
