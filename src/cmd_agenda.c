/* cmd_agenda.c — `recip agenda`: the day in one page, recip's main job. */
#include "cli.h"

#include <string.h>

/* The as-of time of a report that takes --date: the start of that day (now
 * when it is today), or --as-of; not both. Returns 0, or the exit code after
 * printing why. */
int cli_date_as_of(cli *c, recip_time *out);

static int64_t day_number(recip_time t)
{
	return t >= 0 ? t / RECIP_DAY : -((-t + RECIP_DAY - 1) / RECIP_DAY);
}

int cli_date_as_of(cli *c, recip_time *out)
{
	const char *date = cli_value(c, "date");
	*out = c->as_of;
	if (!date)
		return 0;
	if (cli_value(c, "as-of"))
		return cli_usage_error(c, "give --date or --as-of, not both");
	recip_time day;
	if (cli_time(c, date, false, &day))
		return EXIT_FAIL;
	*out = day_number(day) == day_number(c->now) ? c->now : day_number(day) * RECIP_DAY;
	return 0;
}

/* "  • text" lines, wrapped by the terminal. */
static void print_bullet(cli *c, const char *text)
{
	fprintf(c->out, "  • %s\n", text);
}

bool due_when(char *out, size_t size, json_t *p);

/* One keep-in-touch item on one line: who, how overdue, the last contact,
 * and what we know. */
static void print_due_line(cli *c, json_t *p)
{
	char when[64];
	due_when(when, sizeof(when), p);
	fprintf(c->out, "  • %s%s%s — %s, every %lld days", cli_bold(c), jtext(p, "name"),
	        cli_reset(c), when, (long long)json_integer_value(json_object_get(p, "cadence_days")));
	json_t *need = json_object_get(json_object_get(p, "signals"), "need_only");
	if (json_is_true(json_object_get(need, "flag")))
		fprintf(c->out, " · %sneed-only%s: get in touch wanting nothing", cli_yellow(c), cli_reset(c));
	json_t *last = json_object_get(p, "last_contact");
	if (json_is_object(last)) {
		char day[16];
		fprintf(c->out, "; last %s: %s", jday(last, "at", day, sizeof(day)), jtext(last, "summary"));
	}
	size_t k;
	json_t *f;
	json_array_foreach(json_object_get(p, "facts"), k, f)
	fprintf(c->out, "%s%s: %s", k ? " · " : "; ", jtext(f, "key"), jtext(f, "value"));
	fputc('\n', c->out);
}

/* The facts of an expected regular on one line, the order first. */
void print_expected_table(cli *c, json_t *items);

void print_expected_table(cli *c, json_t *items)
{
	table t;
	table_init(&t);
	table_column_add(&t, "usual", false);
	table_column_add(&t, "who", false);
	table_column_add(&t, "likely", true);
	table_column_add(&t, "have ready", false);
	size_t i;
	json_t *p;
	json_array_foreach(items, i, p)
	{
		char likely[16];
		snprintf(likely, sizeof(likely), "%.0f%%", json_number_value(json_object_get(p, "likelihood")) * 100);
		buf ready = BUF_INIT;
		const char *visited = jtext(p, "visited_at");
		if (*visited)
			buf_printf(&ready, "came at %.5s — ", visited + 11);
		size_t k;
		json_t *f;
		json_array_foreach(json_object_get(p, "facts"), k, f)
		buf_printf(&ready, "%s%s: %s", k ? " · " : "", jtext(f, "key"), jtext(f, "value"));
		const char *cells[] = {jtext(p, "usual_time"), jtext(p, "name"), likely, ready.data};
		table_row(&t, cells);
		buf_release(&ready);
	}
	table_print(c, &t);
	table_release(&t);
}

static const cli_option agenda_options[] = {
	{"date", 'd', OPT_VALUE, "DATE", "the agenda of that day, as it stands at its start (default: today, now)"},
	{"all", 'a', OPT_FLAG, NULL, "every item of every section, not the first few"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_agenda(cli *c)
{
	recip_time as_of;
	int rc = cli_date_as_of(c, &as_of);
	if (rc)
		return rc;
	json_t *doc;
	if (recip_agenda_report(c->ctx, &doc, as_of, cli_flag(c, "all") ? 0 : -1) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		rc = cli_print_json(c, doc);
		json_decref(doc);
		return rc;
	}
	fprintf(c->out, "%sAgenda for %s %s%s\n", cli_bold(c), jtext(doc, "weekday"), jtext(doc, "date"), cli_reset(c));
	size_t s, hidden = 0; /* items not on the page (at least) */
	json_t *section;
	json_array_foreach(json_object_get(doc, "sections"), s, section)
	{
		json_t *items = json_object_get(section, "items");
		json_int_t total = json_integer_value(json_object_get(section, "total"));
		bool more = json_is_true(json_object_get(section, "more"));
		size_t shown = json_array_size(items);
		fputc('\n', c->out);
		if (total == 0) {
			fprintf(c->out, "%s%s%s — none\n", cli_bold(c), jtext(section, "title"), cli_reset(c));
			continue;
		}
		if ((size_t)total > shown || more) {
			fprintf(c->out, "%s%s%s (%lld%s, the first %zu)\n", cli_bold(c), jtext(section, "title"), cli_reset(c),
			        (long long)total, more ? "+" : "", shown);
			hidden += (size_t)total - shown + (more ? 1 : 0);
		} else {
			fprintf(c->out, "%s%s%s (%lld)\n", cli_bold(c), jtext(section, "title"), cli_reset(c), (long long)total);
		}
		const char *name = jtext(section, "section");
		if (!strcmp(name, "expected")) {
			print_expected_table(c, items);
			continue;
		}
		size_t i;
		json_t *item;
		json_array_foreach(items, i, item)
		{
			if (!strcmp(name, "due"))
				print_due_line(c, item);
			else
				print_bullet(c, jtext(item, "suggestion"));
		}
	}
	fputc('\n', c->out);
	if (hidden)
		fprintf(c->out, "%sMore: recip agenda --all.%s ", cli_dim(c), cli_reset(c));
	fprintf(c->out, "%sDone with a moment? Log the give or touch, or: recip dismiss NAME%s\n", cli_dim(c),
	        cli_reset(c));
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_agenda = {
	.name = "agenda",
	.run = run_agenda,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Reports",
	.min_args = 0,
	.max_args = 0,
	.summary = "the day in one page: whom to give to, call, thank and expect",
	.description = "recip's main job. Moments to act on (first visits, n-th visits, birthdays and "
	               "anniversaries, lapsed regulars, referrals to thank, detractors to follow up), promises due, "
	               "favours we owe (a negative balance, their open asks), our asks to follow up, whom to get "
	               "back in touch with, and the regulars expected today with what to have ready. Each moment "
	               "comes with a concrete suggestion that names the person and uses what we know; it goes away "
	               "once the give or touch is logged, or when dismissed (recip dismiss). Each section shows the "
	               "first few items (agenda.limit in the configuration); --all shows every one.",
	.options = agenda_options,
	.examples = "recip agenda\nrecip agenda --date tomorrow\nrecip agenda --as-of 2026-10-01 --json",
};
