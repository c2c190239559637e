/* cmd_log.c — `recip log`: the audit trail. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const cli_option log_options[] = {
	{"limit", 'n', OPT_VALUE, "N", "at most N entries (default 30)"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_log(cli *c)
{
	int64_t party = 0;
	if (c->argc > 0 && cli_party(c, c->argv[0], &party))
		return EXIT_FAIL;
	int64_t limit = 30;
	const char *l = cli_value(c, "limit");
	if (l) {
		char *end;
		limit = strtoll(l, &end, 10);
		if (!*l || *end || limit <= 0)
			return cli_usage_error(c, "--limit needs a positive number, not '%s'", l);
	}
	json_t *doc;
	if (recip_audit_list(c->ctx, &doc, party, limit) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_emit_json(c, doc);
	table t;
	table_init(&t);
	table_column_add(&t, "when", false);
	table_column_add(&t, "who", false);
	table_column_add(&t, "what", false);
	table_column_add(&t, "record", false);
	table_column_add(&t, "changes", false);
	size_t i;
	json_t *e;
	json_array_foreach(json_object_get(doc, "items"), i, e)
	{
		char when[20], record[64];
		snprintf(when, sizeof(when), "%.16s", jtext(e, "at"));
		if (strlen(when) > 10)
			when[10] = ' ';
		snprintf(record, sizeof(record), "%s #%lld", jtext(e, "entity"),
		         (long long)json_integer_value(json_object_get(e, "entity_id")));
		/* the fields that changed, as before → after */
		buf changes = BUF_INIT;
		json_t *before = json_object_get(e, "before"), *after = json_object_get(e, "after");
		if (json_is_object(before) && json_is_object(after)) {
			const char *key;
			json_t *value;
			json_object_foreach(after, key, value)
			{
				json_t *old = json_object_get(before, key);
				if (!strcmp(key, "updated_at") || json_equal(old, value))
					continue;
				char *o = json_dumps(old ? old : json_null(), JSON_ENCODE_ANY | JSON_COMPACT);
				char *n = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
				buf_printf(&changes, "%s%s: %s → %s", changes.len ? "; " : "", key, o ? o : "?", n ? n : "?");
				free(o);
				free(n);
			}
		} else {
			json_t *which = json_is_object(after) ? after : before;
			const char *name = jtext(which, "party_name");
			buf_adds(&changes, *name ? name : jtext(which, "name"));
		}
		const char *cells[] = {when, jtext(e, "actor"), jtext(e, "action"), record, changes.data};
		table_row(&t, cells);
		buf_release(&changes);
	}
	table_print(c, &t);
	table_release(&t);
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_log = {
	.name = "log",
	.run = run_log,
	.flags = CMD_DB,
	.group = "Ledger",
	.args = "[PARTY]",
	.min_args = 0,
	.max_args = 1,
	.summary = "the audit trail: what changed, when, by whom",
	.description = "Every write leaves an entry: created, updated (with each field's old and new value) or "
	               "deleted, the time and the user (the login name, RECIP_ACTOR, or the signed-in user of "
	               "the server). With a PARTY, the changes to that party and to its entries.",
	.options = log_options,
	.examples = "recip log\nrecip log ana --json",
};
