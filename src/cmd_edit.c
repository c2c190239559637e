/* cmd_edit.c — `recip edit PARTY`: change a party's fields. */
#include "cli.h"

#include <string.h>

void party_fields_from_options(field_list *l, const cli *c, recip_change_op multi_op);

static const cli_option edit_options[] = {
	{"name", 'n', OPT_VALUE, "NAME", "a new name"},
	{"email", 'e', OPT_LIST, "ADDRESS", "add an e-mail address"},
	{"phone", 'p', OPT_LIST, "NUMBER", "add a telephone number"},
	{"role", 'r', OPT_LIST, "ROLE", "add a role"},
	{"tag", 't', OPT_LIST, "TAG", "add a tag"},
	{"url", 0, OPT_LIST, "URL", "add a web address"},
	{"address", 0, OPT_LIST, "TEXT", "add a postal address"},
	{"offer", 0, OPT_LIST, "WHAT", "add something they offer"},
	{"serves", 0, OPT_LIST, "WHOM", "add someone they serve"},
	{"remove-email", 0, OPT_LIST, "ADDRESS", "remove an e-mail address"},
	{"remove-phone", 0, OPT_LIST, "NUMBER", "remove a telephone number"},
	{"remove-role", 0, OPT_LIST, "ROLE", "remove a role"},
	{"remove-tag", 0, OPT_LIST, "TAG", "remove a tag"},
	{"remove-url", 0, OPT_LIST, "URL", "remove a web address"},
	{"remove-address", 0, OPT_LIST, "TEXT", "remove a postal address"},
	{"remove-offer", 0, OPT_LIST, "WHAT", "remove something they offer"},
	{"remove-serves", 0, OPT_LIST, "WHOM", "remove someone they serve"},
	{"org", 0, OPT_VALUE, "ORG", "the organisation (\"\" for none)"},
	{"title", 0, OPT_VALUE, "TITLE", "job title (\"\" for none)"},
	{"birthday", 0, OPT_VALUE, "DATE", "YYYY-MM-DD or --MM-DD (\"\" for none)"},
	{"anniversary", 0, OPT_VALUE, "DATE", "YYYY-MM-DD or --MM-DD (\"\" for none)"},
	{"every", 0, OPT_VALUE, "DURATION", "keep-in-touch cadence (\"\" to follow the roles again)"},
	{"credibility", 0, OPT_VALUE, "N", "how credible we are to them, 1-10 (\"\" for unrated)"},
	{"notes", 0, OPT_VALUE, "TEXT", "free notes (\"\" for none)"},
	{"external-id", 0, OPT_VALUE, "ID", "an id from another system"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_edit(cli *c)
{
	int64_t id;
	if (cli_party(c, c->argv[0], &id))
		return EXIT_FAIL;
	field_list l = {0};
	fields_option(&l, c, "name", "name", RECIP_SET);
	party_fields_from_options(&l, c, RECIP_ADD);
	static const char *const removable[] = {"email", "phone", "role", "tag", "url", "address", "offer", "serves"};
	for (size_t i = 0; i < sizeof(removable) / sizeof(removable[0]); i++) {
		char option[32];
		snprintf(option, sizeof(option), "remove-%s", removable[i]);
		fields_option(&l, c, option, removable[i], RECIP_REMOVE);
	}
	if (l.n == 0)
		return cli_usage_error(c, "nothing to change");
	if (l.overflow)
		return cli_error(c, "too many changes at once");
	if (recip_record_update(c->ctx, "party", id, l.items, l.n) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_print_record(c, "party", id);
	fprintf(c->out, "updated #%lld\n", (long long)id);
	return EXIT_OK;
}

const cli_command cmd_edit = {
	.name = "edit",
	.run = run_edit,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Parties",
	.args = "PARTY",
	.min_args = 1,
	.max_args = 1,
	.summary = "change a party",
	.description = "Changes the given fields and leaves the others. Values of roles, tags, e-mails and "
	               "phones are added with --role, --tag … and removed with --remove-role, --remove-tag …. "
	               "The change is kept in the audit trail (recip log).",
	.options = edit_options,
	.examples = "recip edit ana --tag vip --every 2w\nrecip edit \"Tom Reed\" --title \"\" --remove-role prospect",
};
