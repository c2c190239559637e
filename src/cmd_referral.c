/* cmd_referral.c — `recip referral` (record, convert, lose) and `recip referrals` (list, trees, thanks). */
#include "cli.h"
#include "report_print.h"

#include <string.h>

static const cli_option referral_options[] = {
	{"on", 0, OPT_VALUE, "DATE", "when it was made, converted or lost (default: now)"},
	{"note", 'm', OPT_VALUE, "TEXT", "a note"},
	{"new", 0, OPT_FLAG, NULL, "add the referred party as someone new, even when a known name starts the same"},
	{"org", 0, OPT_FLAG, NULL, "a referred party added on the spot is an organisation"},
	{"role", 'r', OPT_VALUE, "ROLE",
	 "the role of a party added on the spot (default prospect); with convert, the role it gains (default customer)"},
	{NULL, 0, 0, NULL, NULL},
};

static int print_referral(cli *c, int64_t id)
{
	if (c->json)
		return cli_print_record(c, "referral", id);
	json_t *r;
	if (recip_record_get(c->ctx, &r, "referral", id) != RECIP_OK)
		return cli_fail(c);
	const char *status = jtext(r, "status");
	if (!strcmp(status, "lead"))
		fprintf(c->out, "recorded referral #%lld: %s referred %s (lead)\n", (long long)id, jtext(r, "referrer_name"),
		        jtext(r, "party_name"));
	else
		fprintf(c->out, "referral #%lld %s: %s, referred by %s\n", (long long)id, status, jtext(r, "party_name"),
		        jtext(r, "referrer_name"));
	json_decref(r);
	return EXIT_OK;
}

static int run_resolve(cli *c, const char *status)
{
	static const char *const recording_only[] = {"new", "org", "note"};
	for (size_t i = 0; i < sizeof(recording_only) / sizeof(recording_only[0]); i++)
		if (cli_given(c, recording_only[i]))
			return cli_usage_error(c, "--%s is for recording a referral, not for %s", recording_only[i],
			                       !strcmp(status, "converted") ? "convert" : "lose");
	int64_t id;
	if (cli_id(c, c->argv[1], "referral", &id))
		return EXIT_FAIL;
	recip_time at = c->now;
	const char *on = cli_value(c, "on");
	if (on && cli_time(c, on, false, &at))
		return EXIT_FAIL;
	if (recip_referral_resolve(c->ctx, id, status, at, cli_value(c, "role")) != RECIP_OK)
		return cli_fail(c);
	return print_referral(c, id);
}

static int run_referral(cli *c)
{
	if (!strcmp(c->argv[0], "convert"))
		return run_resolve(c, "converted");
	if (!strcmp(c->argv[0], "lose"))
		return run_resolve(c, "lost");
	recip_referral_spec spec = {
		.referrer = c->argv[0],
		.referred = c->argv[1],
		.create = cli_flag(c, "new"),
		.kind = cli_flag(c, "org") ? "organisation" : "person",
		.role = cli_value(c, "role"),
		.at = cli_value(c, "on"),
		.note = cli_value(c, "note"),
	};
	int64_t id, created;
	if (recip_referral_add(c->ctx, &id, &created, &spec) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_print_record(c, "referral", id);
	if (created)
		fprintf(c->out, "added %s %s (#%lld) as a %s\n", cli_flag(c, "org") ? "organisation" : "person",
		        c->argv[1], (long long)created, spec.role ? spec.role : "prospect");
	int rc = print_referral(c, id);
	if (!rc)
		fprintf(c->out, "not thanked yet: a give to the referrer from now on thanks them\n");
	return rc;
}

const cli_command cmd_referral = {
	.name = "referral",
	.run = run_referral,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Advocacy",
	.args = "REFERRER REFERRED | convert ID | lose ID",
	.min_args = 2,
	.max_args = 2,
	.summary = "record who sent us whom, and whether they became a customer",
	.description = "Records that REFERRER sent us REFERRED, as a lead. The referrer must be known; a referred name "
	               "that matches no one adds a new party on the spot (a prospect, unless --role says otherwise; "
	               "--new adds someone new even when a known name starts the same). A party is referred once: "
	               "the first referrer keeps the credit, and referrals that would make a cycle are refused. "
	               "'convert ID' marks the lead a customer (the party gains the role customer, or --role, and "
	               "stops being a prospect); 'lose ID' marks it lost. A referral stays unthanked until we give "
	               "the referrer something on or after it.",
	.options = referral_options,
	.examples = "recip referral \"Ana Lopez\" \"Zoe Campbell\" --note \"met at the market\"\n"
	            "recip referral tom \"Meridian Health\" --org --role client\n"
	            "recip referral convert 7 --on 2026-11-20\nrecip referral lose 8",
};

/* ---- recip referrals ----------------------------------------------------------------- */

static const cli_option referrals_options[] = {
	{"tree", 't', OPT_FLAG, NULL, "show the chains as trees: from PARTY, or every chain from its root"},
	{"status", 's', OPT_VALUE, "STATUS", "only leads, converted or lost ones (as of --as-of)"},
	{"unthanked", 'u', OPT_FLAG, NULL, "only referrals whose referrer has had no give from us since"},
	{"within", 'w', OPT_VALUE, "DURATION", "with --unthanked: only referrals made within this long"},
	{NULL, 0, 0, NULL, NULL},
};

static void print_children(cli *c, json_t *children, buf *prefix)
{
	size_t n = json_array_size(children), i;
	json_t *node;
	json_array_foreach(children, i, node)
	{
		bool last = i + 1 == n;
		char day[16];
		fprintf(c->out, "%s%s%s (#%lld) %s, %s\n", prefix->data, last ? "└─ " : "├─ ", jtext(node, "name"),
		        (long long)json_integer_value(json_object_get(node, "party")), jtext(node, "status"),
		        jday(node, "at", day, sizeof(day)));
		size_t len = prefix->len;
		buf_adds(prefix, last ? "   " : "│  ");
		print_children(c, json_object_get(node, "children"), prefix);
		prefix->len = len;
		if (prefix->alloc)
			prefix->data[len] = '\0';
	}
}

static void print_tree(cli *c, json_t *node)
{
	json_int_t referred = json_integer_value(json_object_get(node, "referred"));
	fprintf(c->out, "%s%s%s (#%lld): %lld referred, %lld converted\n", cli_bold(c), jtext(node, "name"), cli_reset(c),
	        (long long)json_integer_value(json_object_get(node, "party")), (long long)referred,
	        (long long)json_integer_value(json_object_get(node, "converted")));
	buf prefix = BUF_INIT;
	print_children(c, json_object_get(node, "children"), &prefix);
	buf_release(&prefix);
}

static void print_trees(cli *c, json_t *doc)
{
	json_t *above = json_object_get(doc, "upline"), *trees = json_object_get(doc, "trees");
	bool all = json_is_null(json_object_get(doc, "party"));
	if (json_array_size(above)) {
		fputs("referred through: ", c->out);
		size_t i;
		json_t *p;
		json_array_foreach(above, i, p)
		fprintf(c->out, "%s → ", jtext(p, "name"));
		fprintf(c->out, "%s\n", jtext(json_array_get(trees, 0), "name"));
	}
	if (all && !json_array_size(trees))
		fputs("no referrals yet\n", c->out);
	size_t i;
	json_t *node;
	json_array_foreach(trees, i, node)
	{
		if (i)
			fputc('\n', c->out);
		print_tree(c, node);
	}
	if (all && json_array_size(trees))
		fprintf(c->out, "\n%zu chain%s, %lld referred, %lld levels at most\n", json_array_size(trees),
		        json_array_size(trees) == 1 ? "" : "s",
		        (long long)json_integer_value(json_object_get(doc, "referred")),
		        (long long)json_integer_value(json_object_get(doc, "levels")));
}

static void print_unthanked(cli *c, json_t *doc)
{
	json_t *items = json_object_get(doc, "items");
	if (!json_array_size(items))
		fputs("every referral has been thanked\n", c->out);
	size_t i;
	json_t *r;
	json_array_foreach(items, i, r)
	{
		char day[16];
		json_int_t age = json_integer_value(json_object_get(r, "age_days"));
		char ago[32];
		if (age == 0)
			snprintf(ago, sizeof(ago), "today");
		else
			snprintf(ago, sizeof(ago), "%lld day%s ago", (long long)age, age == 1 ? "" : "s");
		fprintf(c->out, "thank %s for referring %s (#%lld, %s, %s, %s)\n", jtext(r, "referrer_name"),
		        jtext(r, "party_name"), (long long)json_integer_value(json_object_get(r, "referral")),
		        jday(r, "at", day, sizeof(day)), ago, jtext(r, "status"));
	}
}

static void print_list(cli *c, json_t *doc)
{
	json_t *items = json_object_get(doc, "items"), *counts = json_object_get(doc, "counts");
	if (!json_array_size(items)) {
		fputs("no referrals\n", c->out);
		return;
	}
	table t;
	table_init(&t);
	table_column_add(&t, "id", true);
	table_column_add(&t, "date", false);
	table_column_add(&t, "referrer", false);
	table_column_add(&t, "referred", false);
	table_column_add(&t, "status", false);
	table_column_add(&t, "thanked", false);
	size_t i;
	json_t *r;
	json_array_foreach(items, i, r)
	{
		char id[24], day[16], thanked[16];
		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(r, "id")));
		if (json_is_true(json_object_get(r, "thanked")))
			jday(r, "thanked_at", thanked, sizeof(thanked));
		else
			snprintf(thanked, sizeof(thanked), "no");
		const char *cells[] = {id, jday(r, "at", day, sizeof(day)), jtext(r, "referrer_name"), jtext(r, "party_name"),
		                       jtext(r, "status"), thanked};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
#define COUNT(key) ((long long)json_integer_value(json_object_get(counts, key)))
	fprintf(c->out, "%lld referral%s: %lld converted, %lld lead%s, %lld lost", COUNT("total"),
	        COUNT("total") == 1 ? "" : "s", COUNT("converted"), COUNT("lead"), COUNT("lead") == 1 ? "" : "s",
	        COUNT("lost"));
	json_t *rate = json_object_get(doc, "conversion_rate");
	if (json_is_number(rate))
		fprintf(c->out, " (%.0f%% converted)", 100.0 * json_number_value(rate));
	fprintf(c->out, "; %lld not thanked yet\n", COUNT("unthanked"));
#undef COUNT
}

static int run_referrals(cli *c)
{
	int64_t party = 0;
	if (c->argc && cli_party(c, c->argv[0], &party))
		return EXIT_FAIL;
	bool tree = cli_flag(c, "tree"), unthanked = cli_flag(c, "unthanked");
	if (tree && unthanked)
		return cli_usage_error(c, "--tree and --unthanked are different views: choose one");
	if (cli_given(c, "within") && !unthanked)
		return cli_usage_error(c, "--within goes with --unthanked");
	if (cli_given(c, "status") && (tree || unthanked))
		return cli_usage_error(c, "--status filters the list, not --tree or --unthanked");
	if (unthanked && party)
		return cli_usage_error(c, "--unthanked lists every referrer; leave out the party");
	json_t *doc;
	if (tree) {
		if (recip_referral_tree(c->ctx, &doc, party, c->as_of) != RECIP_OK)
			return cli_fail(c);
		return report_print(c, doc, print_trees);
	}
	if (unthanked) {
		int within = 0;
		const char *w = cli_value(c, "within");
		if (w && recip_duration_parse(c->ctx, &within, w) != RECIP_OK)
			return cli_fail(c);
		if (recip_referral_unthanked(c->ctx, &doc, c->as_of, within) != RECIP_OK)
			return cli_fail(c);
		return report_print(c, doc, print_unthanked);
	}
	if (recip_referral_list(c->ctx, &doc, party, cli_value(c, "status"), c->as_of) != RECIP_OK)
		return cli_fail(c);
	return report_print(c, doc, print_list);
}

const cli_command cmd_referrals = {
	.name = "referrals",
	.run = run_referrals,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Advocacy",
	.args = "[PARTY]",
	.min_args = 0,
	.max_args = 1,
	.summary = "list referrals, their chains as trees, and those not thanked yet",
	.description = "Lists referrals newest first with their status as of --as-of and when the referrer was "
	               "thanked (the first give from us on or after the referral), or only those PARTY made or "
	               "received. With --tree, shows referral chains (A sent B, B sent C) as trees: from PARTY, "
	               "with the chain above it, or every chain from its root. With --unthanked, the referrals "
	               "whose referrer has had no give from us since.",
	.options = referrals_options,
	.examples = "recip referrals\nrecip referrals --tree ana\nrecip referrals --tree --as-of 2026-10-01\n"
	            "recip referrals --unthanked --within 30d\nrecip referrals --status lead --json",
};
