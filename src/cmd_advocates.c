/* cmd_advocates.c — `recip advocates` (who speaks for us) and `recip growth` (referrals and the K-factor). */
#include "cli.h"
#include "report_print.h"

#include <stdint.h>
#include <string.h>

/* A ranking is read from the top: a café chain has thousands of parties
 * with a promoter answer, and the whole list (thousands of rows, megabytes
 * of JSON) is rarely what is wanted at a terminal. */
#define ADVOCATES_SHOWN 20
#define ADVOCATES_SHOWN_TEXT "20"

static long long jint(json_t *obj, const char *key)
{
	return (long long)json_integer_value(json_object_get(obj, key));
}

static const cli_option advocates_options[] = {
	{"since", 0, OPT_VALUE, "DATE", "count only what happened from this date on (default: all time)"},
	{"limit", 'n', OPT_VALUE, "N", "show the first N advocates (default: " ADVOCATES_SHOWN_TEXT ")"},
	{"all", 'a', OPT_FLAG, NULL, "every advocate, not the first " ADVOCATES_SHOWN_TEXT},
	{NULL, 0, 0, NULL, NULL},
};

static void print_advocates(cli *c, json_t *doc)
{
	json_t *items = json_object_get(doc, "items");
	if (!json_array_size(items)) {
		fputs("no advocates yet: no referrals, reviews or promoter answers\n", c->out);
	} else {
		table t;
		table_init(&t);
		const char *headers[] = {"rank", "party", "score", "converted", "leads", "lost", "reviews", "avg rating",
		                         "promoter answers"};
		for (size_t k = 0; k < 9; k++)
			table_column_add(&t, headers[k], k != 1);
		size_t i;
		json_t *a;
		json_array_foreach(items, i, a)
		{
			json_t *reviews = json_object_get(a, "reviews");
			char cell[8][24];
			snprintf(cell[0], sizeof(cell[0]), "%lld", jint(a, "rank"));
			snprintf(cell[1], sizeof(cell[1]), "%lld", jint(a, "score"));
			snprintf(cell[2], sizeof(cell[2]), "%lld", jint(json_object_get(a, "converted"), "count"));
			snprintf(cell[3], sizeof(cell[3]), "%lld", jint(json_object_get(a, "leads"), "count"));
			snprintf(cell[4], sizeof(cell[4]), "%lld", jint(json_object_get(a, "lost"), "count"));
			snprintf(cell[5], sizeof(cell[5]), "%lld", jint(reviews, "count"));
			json_t *avg = json_object_get(reviews, "average_rating");
			if (json_is_number(avg))
				snprintf(cell[6], sizeof(cell[6]), "%.1f", json_number_value(avg));
			else
				snprintf(cell[6], sizeof(cell[6]), "-");
			snprintf(cell[7], sizeof(cell[7]), "%lld", jint(json_object_get(a, "promoter_answers"), "count"));
			const char *cells[] = {cell[0], jtext(a, "name"), cell[1], cell[2], cell[3],
			                       cell[4], cell[5],          cell[6], cell[7]};
			table_row(&t, cells);
		}
		table_print(c, &t);
		table_release(&t);
		json_int_t total = json_integer_value(json_object_get(doc, "advocates"));
		if ((size_t)total > json_array_size(items))
			fprintf(c->out, "… and %lld more (recip advocates --all)\n",
			        (long long)total - (long long)json_array_size(items));
		json_t *p = json_object_get(doc, "points");
		fprintf(c->out, "score: converted referral %lld, open lead %lld, lost %lld, review (rating - 2), promoter "
		                "answer %lld\n",
		        jint(p, "converted"), jint(p, "lead"), jint(p, "lost"), jint(p, "promoter_answer"));
	}
	json_t *detractors = json_object_get(doc, "detractors");
	if (json_array_size(detractors)) {
		fputc('\n', c->out);
		cli_heading(c, "detractors never followed up");
		size_t i;
		json_t *d;
		json_array_foreach(detractors, i, d)
		{
			const char *comment = jtext(d, "comment");
			fprintf(c->out, "  %s%s%s%s\n", jtext(d, "moment"), *comment ? " — \"" : "", comment, *comment ? "\"" : "");
		}
		fprintf(c->out, "  (mark one with recip nps followed-up PARTY)\n");
	}
}

static int run_advocates(cli *c)
{
	recip_time since = INT64_MIN;
	const char *s = cli_value(c, "since");
	if (s && cli_time(c, s, false, &since))
		return EXIT_FAIL;
	int64_t limit = ADVOCATES_SHOWN;
	const char *n = cli_value(c, "limit");
	if (n && cli_flag(c, "all"))
		return cli_usage_error(c, "--all and --limit do not go together");
	if (n && cli_id(c, n, "limit", &limit))
		return EXIT_FAIL;
	if (cli_flag(c, "all"))
		limit = 0;
	json_t *doc;
	if (recip_advocates_report(c->ctx, &doc, c->as_of, since, limit) != RECIP_OK)
		return cli_fail(c);
	return report_print(c, doc, print_advocates);
}

const cli_command cmd_advocates = {
	.name = "advocates",
	.run = run_advocates,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Advocacy",
	.args = NULL,
	.min_args = 0,
	.max_args = 0,
	.summary = "who speaks for us: advocates ranked, and detractors to follow up",
	.description = "Ranks parties by advocacy: referrals they made (5 points each converted, 2 each open lead, 1 "
	               "each lost), reviews they wrote (rating - 2 points each) and promoter answers (2 points "
	               "each), with every component shown; the first " ADVOCATES_SHOWN_TEXT " unless --all or --limit "
	               "says otherwise (the JSON's \"advocates\" counts them all). Below, the detractors whose latest NPS answer was never "
	               "followed up, each as a moment for the agenda.",
	.options = advocates_options,
	.examples = "recip advocates\nrecip advocates --since 2026-01-01 --limit 10\nrecip advocates --all --json",
};

/* ---- recip growth --------------------------------------------------------------------- */

static const cli_option growth_options[] = {
	{"period", 'p', OPT_VALUE, "DURATION",
	 "how far back to look (default: the setting advocacy.growth_period, 90d)"},
	{NULL, 0, 0, NULL, NULL},
};

/* "0.25", or "-" when there is nothing to divide by. */
static const char *ratio_text(char *out, size_t size, json_t *value, bool percent)
{
	if (!json_is_number(value))
		return "-";
	if (percent)
		snprintf(out, size, "%.0f%%", 100.0 * json_number_value(value));
	else
		snprintf(out, size, "%.2f", json_number_value(value));
	return out;
}

static void print_growth(cli *c, json_t *doc)
{
	json_t *ref = json_object_get(doc, "referrals"), *fresh = json_object_get(doc, "new_customers");
	char per[16], rate[16], k[16];
	fprintf(c->out, "%sgrowth over %lld days, %s to %s%s\n", cli_bold(c), jint(doc, "period_days"),
	        jtext(doc, "from"), jtext(doc, "to"), cli_reset(c));
	fprintf(c->out, "active customers  %6lld\n", jint(doc, "active_customers"));
	fprintf(c->out, "referrals made    %6lld  (%s per active customer; %lld by customers)\n", jint(ref, "made"),
	        ratio_text(per, sizeof(per), json_object_get(doc, "referrals_per_active_customer"), false),
	        jint(ref, "by_customers"));
	fprintf(c->out, "converted         %6lld  (conversion rate %s; %lld lost, %lld open)\n", jint(ref, "converted"),
	        ratio_text(rate, sizeof(rate), json_object_get(doc, "conversion_rate"), true), jint(ref, "lost"),
	        jint(ref, "open"));
	fprintf(c->out, "K-factor          %6s  (converted referrals per active customer)\n",
	        ratio_text(k, sizeof(k), json_object_get(doc, "k_factor"), false));
	fprintf(c->out, "new customers     %6lld  (%lld from referrals, %lld other)\n\n", jint(fresh, "total"),
	        jint(fresh, "referral"), jint(fresh, "other"));
	table t;
	table_init(&t);
	const char *headers[] = {"month", "from", "to", "new (referral)", "new (other)", "referrals", "converted"};
	for (size_t i = 0; i < 7; i++)
		table_column_add(&t, headers[i], i >= 3);
	size_t i;
	json_t *m;
	json_array_foreach(json_object_get(doc, "months"), i, m)
	{
		json_t *n = json_object_get(m, "new_customers");
		char cell[4][24];
		snprintf(cell[0], sizeof(cell[0]), "%lld", jint(n, "referral"));
		snprintf(cell[1], sizeof(cell[1]), "%lld", jint(n, "other"));
		snprintf(cell[2], sizeof(cell[2]), "%lld", jint(m, "referrals_made"));
		snprintf(cell[3], sizeof(cell[3]), "%lld", jint(m, "converted"));
		const char *cells[] = {jtext(m, "month"), jtext(m, "from"), jtext(m, "to"), cell[0], cell[1], cell[2], cell[3]};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
}

static int run_growth(cli *c)
{
	int period = 0;
	const char *p = cli_value(c, "period");
	if (p && recip_duration_parse(c->ctx, &period, p) != RECIP_OK)
		return cli_fail(c);
	if (p && period == 0)
		return cli_usage_error(c, "the period must be at least a day");
	json_t *doc;
	if (recip_growth_report(c->ctx, &doc, c->as_of, period) != RECIP_OK)
		return cli_fail(c);
	return report_print(c, doc, print_growth);
}

const cli_command cmd_growth = {
	.name = "growth",
	.run = run_growth,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Advocacy",
	.args = NULL,
	.min_args = 0,
	.max_args = 0,
	.summary = "growth through referrals: the K-factor and new customers by source",
	.description = "Over the period: active customers (customers or clients with a visit, an exchange or a "
	               "referral in it), referrals made per active customer, the share of them converted, the "
	               "K-factor (converted referrals per active customer), and new customers month by month, from "
	               "referrals or otherwise. docs/advocacy.md defines each figure.",
	.options = growth_options,
	.examples = "recip growth\nrecip growth --period 1y\nrecip growth --as-of 2026-09-30 --json",
};
