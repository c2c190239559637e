/* cmd_moments.c — `recip moments` (every moment with its key) and `recip dismiss`. */
#include "cli.h"

#include <string.h>

static int run_moments(cli *c)
{
	json_t *doc;
	if (recip_moments_report(c->ctx, &doc, c->as_of) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		int rc = cli_print_json(c, doc);
		json_decref(doc);
		return rc;
	}
	json_t *items = json_object_get(doc, "items");
	if (!json_array_size(items))
		fputs("no moments: nothing to act on\n", c->out);
	size_t i;
	json_t *m;
	json_array_foreach(items, i, m)
	fprintf(c->out, "%s%s%s\n    %s\n", cli_dim(c), jtext(m, "key"), cli_reset(c), jtext(m, "suggestion"));
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_moments = {
	.name = "moments",
	.run = run_moments,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Reports",
	.min_args = 0,
	.max_args = 0,
	.summary = "the moments to act on, with their keys",
	.description = "Every moment the triggers find as of the day — first visit, n-th visit, birthday, "
	               "anniversary, lapsed regular, referral to thank, NPS detractor to follow up, promise due, a "
	               "balance we owe, their open ask, our ask to follow up — each with a concrete suggestion and "
	               "the key that recip dismiss takes. Triggers can be turned off in the configuration "
	               "([triggers] lapsed = off).",
	.examples = "recip moments\nrecip moments --as-of 2026-11-01 --json",
};

static const cli_option dismiss_options[] = {
	{"trigger", 't', OPT_VALUE, "TRIGGER", "with a party: only its moments of this trigger (birthday, lapsed …)"},
	{"undo", 0, OPT_FLAG, NULL, "bring a dismissed moment back (give its key)"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_dismiss(cli *c)
{
	const char *what = c->argv[0];
	bool is_key = strchr(what, ':') != NULL;
	const char *trigger = cli_value(c, "trigger");
	if (cli_flag(c, "undo")) {
		if (!is_key)
			return cli_usage_error(c, "--undo needs a moment's key (see recip moments)");
		if (recip_moment_restore(c->ctx, what) != RECIP_OK)
			return cli_fail(c);
		if (c->json) {
			json_t *doc = json_pack("{s:s}", "restored", what);
			int rc = doc ? cli_print_json(c, doc) : cli_error(c, "out of memory");
			json_decref(doc);
			return rc;
		}
		fprintf(c->out, "restored %s\n", what);
		return EXIT_OK;
	}
	if (is_key && trigger)
		return cli_usage_error(c, "--trigger goes with a party, not with a key");
	int64_t party = 0;
	if (!is_key && cli_party(c, what, &party))
		return EXIT_FAIL;
	json_t *doc;
	if (recip_moment_dismiss(c->ctx, &doc, is_key ? what : NULL, party, trigger, c->as_of) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		int rc = cli_print_json(c, doc);
		json_decref(doc);
		return rc;
	}
	size_t i;
	json_t *key;
	json_array_foreach(json_object_get(doc, "dismissed"), i, key)
	fprintf(c->out, "dismissed %s\n", json_string_value(key));
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_dismiss = {
	.name = "dismiss",
	.run = run_dismiss,
	.flags = CMD_DB | CMD_WRITE | CMD_AS_OF,
	.group = "Reports",
	.args = "KEY|PARTY",
	.min_args = 1,
	.max_args = 1,
	.summary = "dismiss a moment, or every moment of a party",
	.description = "A moment leaves the agenda once acted on (the give or touch it suggests is logged) or "
	               "when dismissed. KEY is a moment's key as recip moments shows it (it has a colon); a "
	               "party dismisses all of its current moments, or those of one --trigger. --undo brings a "
	               "dismissed moment back.",
	.options = dismiss_options,
	.examples = "recip dismiss ana --trigger birthday\nrecip dismiss lapsed:31:2026-10-14\n"
	            "recip dismiss lapsed:31:2026-10-14 --undo",
};
