/* cmd_show.c — `recip show PARTY`: everything about one party. */
#include "cli.h"

#include <string.h>

void print_show_engine(cli *c, json_t *doc);

static const cli_option show_options[] = {
	{"all", 'a', OPT_FLAG, NULL, "the whole timeline, not the latest 15 entries"},
	{NULL, 0, 0, NULL, NULL},
};

static void print_list(cli *c, json_t *party, const char *key, const char *label, bool *first)
{
	json_t *arr = json_object_get(party, key);
	if (!json_array_size(arr))
		return;
	fprintf(c->out, "%s%s ", *first ? "  " : " · ", label);
	*first = false;
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
	{
		const char *text = json_is_string(v) ? json_string_value(v) : jtext(v, "value");
		const char *tag = json_is_object(v) ? jtext(v, "label") : "";
		fprintf(c->out, "%s%s%s%s%s", i ? ", " : "", text, *tag ? " (" : "", tag, *tag ? ")" : "");
	}
}

static void print_scalar(cli *c, json_t *party, const char *key, const char *label, bool *first)
{
	const char *v = jtext(party, key);
	if (!*v)
		return;
	fprintf(c->out, "%s%s %s", *first ? "  " : " · ", label, v);
	*first = false;
}

static int run_show(cli *c)
{
	int64_t id;
	if (cli_party(c, c->argv[0], &id))
		return EXIT_FAIL;
	json_t *doc;
	if (recip_party_show(c->ctx, &doc, id, c->as_of, cli_flag(c, "all") ? 0 : 15) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_emit_json(c, doc);
	json_t *p = json_object_get(doc, "party");
	json_t *s = json_object_get(doc, "standing");
	char day[16];
	fprintf(c->out, "%s%s%s (#%lld) — %s", cli_bold(c), jtext(p, "name"), cli_reset(c), (long long)id,
	        jtext(p, "kind"));
	json_t *roles = json_object_get(p, "role");
	size_t i;
	json_t *v;
	json_array_foreach(roles, i, v) fprintf(c->out, "%s%s", i ? ", " : " · ", json_string_value(v));
	if (json_is_true(json_object_get(p, "archived")))
		fprintf(c->out, " · %sarchived%s", cli_yellow(c), cli_reset(c));
	fputc('\n', c->out);
	bool first = true;
	print_scalar(c, p, "org_name", "of", &first);
	print_scalar(c, p, "title", "title", &first);
	print_list(c, p, "email", "email", &first);
	print_list(c, p, "phone", "phone", &first);
	print_scalar(c, p, "birthday", "birthday", &first);
	print_scalar(c, p, "anniversary", "anniversary", &first);
	print_list(c, p, "tag", "tags", &first);
	print_list(c, p, "url", "web", &first);
	if (!first)
		fputc('\n', c->out);
	first = true;
	print_list(c, p, "offer", "offers", &first);
	print_list(c, p, "serves", "serves", &first);
	if (!first)
		fputc('\n', c->out);
	json_t *addresses = json_object_get(p, "address");
	json_array_foreach(addresses, i, v) fprintf(c->out, "  address: %s\n", jtext(v, "value"));
	if (*jtext(p, "notes"))
		fprintf(c->out, "  notes: %s\n", jtext(p, "notes"));

	char balance[32];
	fmt_balance(balance, sizeof(balance), json_number_value(json_object_get(s, "balance")));
	fprintf(c->out, "\nbalance %s%s%s as of %s — gave %lld (worth %g), received %lld (worth %g)\n", cli_bold(c),
	        balance, cli_reset(c), jday(doc, "as_of", day, sizeof(day)),
	        (long long)json_integer_value(json_object_get(s, "gave_count")),
	        json_number_value(json_object_get(s, "gave_value")),
	        (long long)json_integer_value(json_object_get(s, "received_count")),
	        json_number_value(json_object_get(s, "received_value")));
	json_t *last = json_object_get(doc, "last_contact");
	json_int_t cadence = json_integer_value(json_object_get(s, "cadence_days"));
	if (json_is_object(last))
		fprintf(c->out, "last contact %s: %s", jday(last, "at", day, sizeof(day)), jtext(last, "summary"));
	else
		fputs("never in touch yet", c->out);
	if (cadence > 0) {
		fprintf(c->out, " · keep in touch every %lldd", (long long)cadence);
		if (*jtext(s, "due_on"))
			fprintf(c->out, ", next by %s", jtext(s, "due_on"));
	}
	fputc('\n', c->out);
	json_int_t visits = json_integer_value(json_object_get(s, "visit_count"));
	if (visits > 0)
		fprintf(c->out, "%lld visit%s since %s\n", (long long)visits, visits == 1 ? "" : "s",
		        jday(s, "first_visit_at", day, sizeof(day)));

	json_t *sig = json_object_get(doc, "signals");
	json_t *need = json_object_get(sig, "need_only");
	json_t *tx = json_object_get(sig, "transactional");
	if (json_is_true(json_object_get(need, "flag")))
		fprintf(c->out, "%swarning:%s need-only — %lld of our last %lld contacts in %lld days were a need or an "
		                "ask; get in touch without wanting anything\n",
		        cli_yellow(c), cli_reset(c), (long long)json_integer_value(json_object_get(need, "need")),
		        (long long)json_integer_value(json_object_get(need, "outreach")),
		        (long long)json_integer_value(json_object_get(need, "window_days")));
	if (json_is_true(json_object_get(tx, "flag")))
		fprintf(c->out, "%swarning:%s transactional — %lld of our %lld gives were followed by our ask within "
		                "%lld days; give without asking\n",
		        cli_yellow(c), cli_reset(c), (long long)json_integer_value(json_object_get(tx, "followed_by_ask")),
		        (long long)json_integer_value(json_object_get(tx, "gives")),
		        (long long)json_integer_value(json_object_get(tx, "window_days")));

	print_show_engine(c, doc);

	json_t *people = json_object_get(doc, "people");
	if (json_array_size(people)) {
		fputc('\n', c->out);
		cli_heading(c, "people");
		json_array_foreach(people, i, v)
		{
			fprintf(c->out, "  #%-5lld %s", (long long)json_integer_value(json_object_get(v, "id")),
			        jtext(v, "name"));
			if (*jtext(v, "title"))
				fprintf(c->out, " (%s)", jtext(v, "title"));
			fputc('\n', c->out);
		}
	}
	json_t *facts = json_object_get(doc, "facts");
	if (json_array_size(facts)) {
		fputc('\n', c->out);
		cli_heading(c, "facts");
		table t;
		table_init(&t);
		table_column_add(&t, "what", false);
		table_column_add(&t, "value", false);
		json_array_foreach(facts, i, v)
		{
			const char *cells[] = {jtext(v, "key"), jtext(v, "value")};
			table_row(&t, cells);
		}
		table_print(c, &t);
		table_release(&t);
	}
	json_t *asks = json_object_get(doc, "open_asks");
	if (json_array_size(asks)) {
		fputc('\n', c->out);
		cli_heading(c, "open asks");
		json_array_foreach(asks, i, v)
		fprintf(c->out, "  #%-5lld %s %s, %lld days ago%s\n", (long long)json_integer_value(json_object_get(v, "id")),
		        !strcmp(jtext(v, "direction"), "ours") ? "we asked for" : "they asked for", jtext(v, "what"),
		        (long long)json_integer_value(json_object_get(v, "age_days")),
		        json_is_true(json_object_get(v, "forced")) ? " (forced)" : "");
	}
	json_t *proms = json_object_get(doc, "promises");
	if (json_array_size(proms)) {
		fputc('\n', c->out);
		cli_heading(c, "promises");
		json_array_foreach(proms, i, v)
		fprintf(c->out, "  #%-5lld %s — due %s, %s\n", (long long)json_integer_value(json_object_get(v, "id")),
		        jtext(v, "what"), jday(v, "due", day, sizeof(day)), jtext(v, "state"));
	}
	json_t *timeline = json_object_get(doc, "timeline");
	if (json_array_size(timeline)) {
		fputc('\n', c->out);
		cli_heading(c, "timeline");
		json_array_foreach(timeline, i, v)
		{
			char when[20];
			snprintf(when, sizeof(when), "%.16s", jtext(v, "at"));
			if (strlen(when) > 10)
				when[10] = ' ';
			fprintf(c->out, "  %s%s%s  %s", cli_dim(c), when, cli_reset(c), jtext(v, "summary"));
			if (*jtext(v, "note"))
				fprintf(c->out, " — %s", jtext(v, "note"));
			fputc('\n', c->out);
		}
	}
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_show = {
	.name = "show",
	.run = run_show,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Parties",
	.args = "PARTY",
	.min_args = 1,
	.max_args = 1,
	.summary = "everything about one party",
	.description = "The profile, the balance and what it is made of, the last contact and the cadence, "
	               "warnings when the relationship looks need-only or transactional, the people of an "
	               "organisation, facts, open asks, promises and the latest entries of the timeline.",
	.options = show_options,
	.examples = "recip show ana\nrecip show \"Harbor Logistics\" --as-of 2026-10-01\nrecip show 12 --json",
};
