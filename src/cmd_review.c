/* cmd_review.c — `recip review` (record one) and `recip reviews` (list, averages by platform). */
#include "cli.h"
#include "report_print.h"

#include <string.h>

static const cli_option review_options[] = {
	{"platform", 'p', OPT_VALUE, "NAME", "where it was written: google, tripadvisor, yelp … (required)"},
	{"rating", 'r', OPT_VALUE, "1..5", "stars (required)"},
	{"url", 0, OPT_VALUE, "URL", "where to read it"},
	{"on", 0, OPT_VALUE, "DATE", "when (default: now)"},
	{"note", 'm', OPT_VALUE, "TEXT", "a note"},
	{"ask", 0, OPT_VALUE, "ID", "the ask of ours it answers (default: our open ask for a review of them)"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_review(cli *c)
{
	field_list l = {0};
	fields_add(&l, "party", c->argv[0], RECIP_SET);
	fields_option(&l, c, "platform", "platform", RECIP_SET);
	fields_option(&l, c, "rating", "rating", RECIP_SET);
	fields_option(&l, c, "url", "url", RECIP_SET);
	fields_option(&l, c, "on", "at", RECIP_SET);
	fields_option(&l, c, "note", "note", RECIP_SET);
	fields_option(&l, c, "ask", "ask", RECIP_SET);
	int64_t id;
	int rc = cli_add_record(c, "review", &l, &id);
	if (rc)
		return rc;
	if (c->json)
		return cli_print_record(c, "review", id);
	json_t *r;
	if (recip_record_get(c->ctx, &r, "review", id) != RECIP_OK)
		return cli_fail(c);
	fprintf(c->out, "recorded review #%lld: %s, %lld/5 on %s\n", (long long)id, jtext(r, "party_name"),
	        (long long)json_integer_value(json_object_get(r, "rating")), jtext(r, "platform"));
	json_t *ask = json_object_get(r, "ask");
	if (json_is_integer(ask))
		fprintf(c->out, "it answers our ask #%lld, now granted\n", (long long)json_integer_value(ask));
	json_decref(r);
	return EXIT_OK;
}

const cli_command cmd_review = {
	.name = "review",
	.run = run_review,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Advocacy",
	.args = "PARTY",
	.min_args = 1,
	.max_args = 1,
	.summary = "record a review a party wrote about us",
	.description = "Records a review: the platform and a rating of 1 to 5 stars, with a link. When we had asked "
	               "the party for a review (an open ask of ours made before it), the review answers that ask: "
	               "the ask is granted at the review's time and the exchange it stands for is recorded.",
	.options = review_options,
	.examples = "recip review ana --platform google --rating 5 --url https://g.co/kgs/x1\n"
	            "recip review \"Marek Kowalski\" -p yelp -r 3 --on 2026-11-02",
};

/* ---- recip reviews ------------------------------------------------------------------- */

static const cli_option reviews_options[] = {
	{"platform", 'p', OPT_VALUE, "NAME", "only this platform"},
	{NULL, 0, 0, NULL, NULL},
};

/* "4.67", or "-" without reviews */
static const char *average_text(char *out, size_t size, json_t *value)
{
	if (!json_is_number(value))
		return "-";
	snprintf(out, size, "%.2f", json_number_value(value));
	return out;
}

static void print_reviews(cli *c, json_t *doc)
{
	json_t *items = json_object_get(doc, "items");
	if (!json_array_size(items)) {
		fputs("no reviews\n", c->out);
		return;
	}
	table t;
	table_init(&t);
	table_column_add(&t, "platform", false);
	table_column_add(&t, "reviews", true);
	table_column_add(&t, "average", true);
	table_column_add(&t, "5★", true);
	table_column_add(&t, "4★", true);
	table_column_add(&t, "3★", true);
	table_column_add(&t, "2★", true);
	table_column_add(&t, "1★", true);
	json_t *overall = json_object_get(doc, "overall");
	json_t *rows = json_deep_copy(json_object_get(doc, "platforms"));
	json_t *all = json_pack("{s:s, s:O, s:O, s:O}", "platform", "all", "reviews", json_object_get(overall, "reviews"),
	                        "average", json_object_get(overall, "average"), "stars", json_object_get(overall, "stars"));
	if (rows && all && json_array_size(rows) > 1)
		json_array_append(rows, all);
	size_t i;
	json_t *p;
	json_array_foreach(rows, i, p)
	{
		char n[24], avg[16], stars[5][24];
		snprintf(n, sizeof(n), "%lld", (long long)json_integer_value(json_object_get(p, "reviews")));
		for (int k = 0; k < 5; k++)
			snprintf(stars[k], sizeof(stars[k]), "%lld",
			         (long long)json_integer_value(json_array_get(json_object_get(p, "stars"), (size_t)(4 - k))));
		const char *cells[] = {jtext(p, "platform"), n, average_text(avg, sizeof(avg), json_object_get(p, "average")),
		                       stars[0], stars[1], stars[2], stars[3], stars[4]};
		table_row(&t, cells);
	}
	json_decref(rows);
	json_decref(all);
	table_print(c, &t);
	table_release(&t);
	fputc('\n', c->out);
	table_init(&t);
	table_column_add(&t, "id", true);
	table_column_add(&t, "date", false);
	table_column_add(&t, "party", false);
	table_column_add(&t, "platform", false);
	table_column_add(&t, "rating", true);
	table_column_add(&t, "asked", false);
	table_column_add(&t, "url", false);
	json_t *r;
	json_array_foreach(items, i, r)
	{
		char id[24], day[16], rating[8], asked[24];
		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(r, "id")));
		snprintf(rating, sizeof(rating), "%lld", (long long)json_integer_value(json_object_get(r, "rating")));
		json_t *ask = json_object_get(r, "ask");
		if (json_is_integer(ask))
			snprintf(asked, sizeof(asked), "ask #%lld", (long long)json_integer_value(ask));
		else
			snprintf(asked, sizeof(asked), "no");
		const char *url = jtext(r, "url");
		const char *cells[] = {id,     jday(r, "at", day, sizeof(day)), jtext(r, "name"), jtext(r, "platform"),
		                       rating, asked,                           *url ? url : NULL};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
}

static int run_reviews(cli *c)
{
	int64_t party = 0;
	if (c->argc && cli_party(c, c->argv[0], &party))
		return EXIT_FAIL;
	json_t *doc;
	if (recip_review_report(c->ctx, &doc, party, cli_value(c, "platform"), c->as_of) != RECIP_OK)
		return cli_fail(c);
	return report_print(c, doc, print_reviews);
}

const cli_command cmd_reviews = {
	.name = "reviews",
	.run = run_reviews,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Advocacy",
	.args = "[PARTY]",
	.min_args = 0,
	.max_args = 1,
	.summary = "reviews written about us, with the average by platform",
	.description = "Shows how many reviews each platform has, their average rating and how the stars spread, "
	               "then every review newest first with the ask of ours it answered. PARTY or --platform narrow "
	               "it down.",
	.options = reviews_options,
	.examples = "recip reviews\nrecip reviews --platform google\nrecip reviews ana --json",
};
