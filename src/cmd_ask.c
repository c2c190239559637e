/* cmd_ask.c — `recip ask` (ours, through the give-first gate) and `recip asked-by` (theirs). */
#include "cli.h"

#include <string.h>

static const cli_option ask_options[] = {
	{"check", 'c', OPT_FLAG, NULL, "only run the give-first gate and show every check"},
	{"force", 'f', OPT_FLAG, NULL, "record the ask although the gate says not yet (kept as forced)"},
	{"on", 0, OPT_VALUE, "DATE", "when (default: now)"},
	{"note", 'm', OPT_VALUE, "TEXT", "a note"},
	{NULL, 0, 0, NULL, NULL},
};

static void print_verdict(cli *c, json_t *v)
{
	bool ready = json_is_true(json_object_get(v, "ready"));
	fprintf(c->out, "ask %s for %s: %s%s%s\n", jtext(v, "name"), jtext(v, "what"),
	        ready ? cli_green(c) : cli_red(c), jtext(v, "verdict"), cli_reset(c));
	table t;
	table_init(&t);
	table_column_add(&t, "", false);
	table_column_add(&t, "check", false);
	table_column_add(&t, "reason", false);
	size_t i;
	json_t *check;
	json_array_foreach(json_object_get(v, "checks"), i, check)
	{
		const char *cells[] = {json_is_true(json_object_get(check, "pass")) ? "pass" : "FAIL",
		                       jtext(check, "check"), jtext(check, "reason")};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
	fprintf(c->out, "%s: %s\n", ready ? "to keep it genuine, give too" : "give first", jtext(v, "suggestion"));
}

static int run_ask(cli *c)
{
	int64_t party;
	if (cli_party(c, c->argv[0], &party))
		return EXIT_FAIL;
	recip_time at = c->now;
	const char *on = cli_value(c, "on");
	if (on && cli_time(c, on, false, &at))
		return EXIT_FAIL;
	if (cli_flag(c, "check")) {
		json_t *v;
		if (recip_ask_check(c->ctx, &v, party, c->argv[1], at) != RECIP_OK)
			return cli_fail(c);
		bool ready = json_is_true(json_object_get(v, "ready"));
		if (c->json)
			cli_print_json(c, v);
		else
			print_verdict(c, v);
		json_decref(v);
		return ready ? EXIT_OK : EXIT_NOT_YET;
	}
	field_list l = {0};
	char party_id[32];
	snprintf(party_id, sizeof(party_id), "%lld", (long long)party);
	fields_add(&l, "party", party_id, RECIP_SET);
	fields_add(&l, "direction", "ours", RECIP_SET);
	fields_add(&l, "what", c->argv[1], RECIP_SET);
	fields_flag(&l, c, "force", "forced");
	fields_option(&l, c, "on", "at", RECIP_SET);
	fields_option(&l, c, "note", "note", RECIP_SET);
	int64_t id;
	int rc = cli_add_record(c, "ask", &l, &id);
	if (rc)
		return rc;
	if (c->json)
		return cli_print_record(c, "ask", id);
	json_t *a;
	if (recip_record_get(c->ctx, &a, "ask", id) != RECIP_OK)
		return cli_fail(c);
	fprintf(c->out, "recorded ask #%lld: we asked %s for %s%s\n", (long long)id, jtext(a, "party_name"),
	        jtext(a, "what"), json_is_true(json_object_get(a, "forced")) ? " (forced: the gate said not yet)" : "");
	json_decref(a);
	return EXIT_OK;
}

const cli_command cmd_ask = {
	.name = "ask",
	.run = run_ask,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Ledger",
	.args = "PARTY WHAT",
	.min_args = 2,
	.max_args = 2,
	.summary = "ask a party for something — after giving first",
	.description = "WHAT is what we ask for: review, referral, introduction, favour, vote …. With --check, "
	               "runs the give-first gate and prints ready or not yet with every check and its reason — we "
	               "gave since our last ask, the balance is at or above the threshold, none of our asks is "
	               "open, the cool-down is over, we are not overdue for contact — and one concrete thing to "
	               "give first. Without --check, records the ask when the gate says ready; a not-ready ask "
	               "needs --force and is kept as forced. Exit status 3 means not yet.",
	.options = ask_options,
	.examples = "recip ask ana review --check\nrecip ask \"Tom Reed\" introduction --note \"to their CFO\"\n"
	            "recip ask tom referral --force",
};

static const cli_option asked_by_options[] = {
	{"on", 0, OPT_VALUE, "DATE", "when (default: now)"},
	{"note", 'm', OPT_VALUE, "TEXT", "a note"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_asked_by(cli *c)
{
	field_list l = {0};
	fields_add(&l, "party", c->argv[0], RECIP_SET);
	fields_add(&l, "direction", "theirs", RECIP_SET);
	fields_add(&l, "what", c->argv[1], RECIP_SET);
	fields_option(&l, c, "on", "at", RECIP_SET);
	fields_option(&l, c, "note", "note", RECIP_SET);
	int64_t id;
	int rc = cli_add_record(c, "ask", &l, &id);
	if (rc)
		return rc;
	if (c->json)
		return cli_print_record(c, "ask", id);
	json_t *a;
	if (recip_record_get(c->ctx, &a, "ask", id) != RECIP_OK)
		return cli_fail(c);
	fprintf(c->out, "recorded ask #%lld: %s asked us for %s\n", (long long)id, jtext(a, "party_name"),
	        jtext(a, "what"));
	json_decref(a);
	return EXIT_OK;
}

const cli_command cmd_asked_by = {
	.name = "asked-by",
	.run = run_asked_by,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Ledger",
	.args = "PARTY WHAT",
	.min_args = 2,
	.max_args = 2,
	.summary = "record that a party asked us for something",
	.description = "Their ask stays open until resolved; granting it records what we gave (recip resolve).",
	.options = asked_by_options,
	.examples = "recip asked-by \"Tom Reed\" advice --note \"pricing for the new depot\"",
};
