/* cmd_amend.c — `recip amend` and `recip delete`: correcting the ledger, with an audit trail. */
#include "cli.h"

#include <string.h>

/* An entry by its id; a party also by name or e-mail. */
static int record_id(cli *c, const char *entity, const char *text, int64_t *out)
{
	if (!strcmp(entity, "party") || !strcmp(entity, "parties"))
		return cli_party(c, text, out) ? EXIT_FAIL : EXIT_OK;
	return cli_id(c, text, entity, out) ? EXIT_FAIL : EXIT_OK;
}

static int run_amend(cli *c)
{
	int64_t id;
	if (record_id(c, c->argv[0], c->argv[1], &id))
		return EXIT_FAIL;
	field_list l = {0};
	for (int i = 2; i < c->argc; i++) {
		char *eq = strchr(c->argv[i], '=');
		if (!eq || eq == c->argv[i])
			return cli_usage_error(c, "expected FIELD=VALUE, not '%s'", c->argv[i]);
		*eq = '\0';
		fields_add(&l, c->argv[i], eq + 1, RECIP_SET);
	}
	if (l.overflow)
		return cli_error(c, "too many changes at once");
	if (recip_record_update(c->ctx, c->argv[0], id, l.items, l.n) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_print_record(c, c->argv[0], id);
	fprintf(c->out, "amended %s #%lld\n", c->argv[0], (long long)id);
	return EXIT_OK;
}

const cli_command cmd_amend = {
	.name = "amend",
	.run = run_amend,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Ledger",
	.args = "KIND ID FIELD=VALUE…",
	.min_args = 3,
	.max_args = -1,
	.summary = "correct an entry of the ledger",
	.description = "KIND is exchange, touch, visit, ask, promise, fact, referral, review, nps or project. "
	               "Each FIELD=VALUE sets a field (an empty value clears an optional one); balances and "
	               "other roll-ups are recomputed, and the change is kept in the audit trail (recip log).",
	.examples = "recip amend exchange 34 value=5 personal=yes\nrecip amend visit 120 at=2026-11-20T08:15",
};

static int run_delete(cli *c)
{
	int64_t id;
	if (record_id(c, c->argv[0], c->argv[1], &id))
		return EXIT_FAIL;
	if (recip_record_delete(c->ctx, c->argv[0], id) != RECIP_OK)
		return cli_fail(c);
	if (c->json) {
		json_t *doc = json_pack("{s:s, s:I, s:b}", "entity", c->argv[0], "id", (json_int_t)id, "deleted", 1);
		int rc = doc ? cli_print_json(c, doc) : cli_error(c, "out of memory");
		json_decref(doc);
		return rc;
	}
	fprintf(c->out, "deleted %s #%lld\n", c->argv[0], (long long)id);
	return EXIT_OK;
}

const cli_command cmd_delete = {
	.name = "delete",
	.run = run_delete,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Ledger",
	.args = "KIND ID",
	.min_args = 2,
	.max_args = 2,
	.summary = "delete an entry of the ledger",
	.description = "Deletes one entry; balances and roll-ups are recomputed and the audit trail keeps what "
	               "was deleted. A party can be deleted only while it has no history; archive it otherwise.",
	.examples = "recip delete exchange 34",
};
