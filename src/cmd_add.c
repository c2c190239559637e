/* cmd_add.c — `recip add person|org NAME`: a new party. */
#include "cli.h"

#include <string.h>

static const cli_option add_options[] = {
	{"email", 'e', OPT_LIST, "ADDRESS", "an e-mail address"},
	{"phone", 'p', OPT_LIST, "NUMBER", "a telephone number"},
	{"role", 'r', OPT_LIST, "ROLE", "client, customer, partner, prospect, supplier …"},
	{"tag", 't', OPT_LIST, "TAG", "a tag"},
	{"org", 0, OPT_VALUE, "ORG", "the organisation a person belongs to (created when unknown)"},
	{"title", 0, OPT_VALUE, "TITLE", "a person's job title"},
	{"birthday", 0, OPT_VALUE, "DATE", "YYYY-MM-DD, or --MM-DD without the year"},
	{"anniversary", 0, OPT_VALUE, "DATE", "YYYY-MM-DD, or --MM-DD"},
	{"every", 0, OPT_VALUE, "DURATION", "keep in touch at least this often (30d, 2w …; 0: never)"},
	{"credibility", 0, OPT_VALUE, "N", "how credible we are to them, 1-10"},
	{"notes", 0, OPT_VALUE, "TEXT", "free notes"},
	{"url", 0, OPT_LIST, "URL", "a web address"},
	{"address", 0, OPT_LIST, "TEXT", "a postal address"},
	{"offer", 0, OPT_LIST, "WHAT", "what they offer (for partner fit)"},
	{"serves", 0, OPT_LIST, "WHOM", "whom they serve (for partner fit)"},
	{"external-id", 0, OPT_VALUE, "ID", "an id from another system"},
	{NULL, 0, 0, NULL, NULL},
};

/* The options of add that map one to one onto party fields; edit uses them too. */
void party_fields_from_options(field_list *l, const cli *c, recip_change_op multi_op);

void party_fields_from_options(field_list *l, const cli *c, recip_change_op multi_op)
{
	static const char *const multi[][2] = {{"email", "email"}, {"phone", "phone"}, {"role", "role"},
	                                       {"tag", "tag"},     {"url", "url"},     {"address", "address"},
	                                       {"offer", "offer"}, {"serves", "serves"}};
	static const char *const single[][2] = {{"org", "org"},           {"title", "title"},
	                                        {"birthday", "birthday"}, {"anniversary", "anniversary"},
	                                        {"every", "cadence"},     {"credibility", "credibility"},
	                                        {"notes", "notes"},       {"external-id", "external_id"}};
	for (size_t i = 0; i < sizeof(multi) / sizeof(multi[0]); i++)
		fields_option(l, c, multi[i][0], multi[i][1], multi_op);
	for (size_t i = 0; i < sizeof(single) / sizeof(single[0]); i++)
		fields_option(l, c, single[i][0], single[i][1], RECIP_SET);
}

static int run_add(cli *c)
{
	const char *kind = c->argv[0];
	if (!strcmp(kind, "org") || !strcmp(kind, "organization") || !strcmp(kind, "organisation"))
		kind = "organisation";
	else if (strcmp(kind, "person"))
		return cli_usage_error(c, "add what? 'person' or 'org', not '%s'", kind);
	field_list l = {0};
	fields_add(&l, "kind", kind, RECIP_SET);
	fields_add(&l, "name", c->argv[1], RECIP_SET);
	party_fields_from_options(&l, c, RECIP_ADD);
	int64_t id;
	int rc = cli_add_record(c, "party", &l, &id);
	if (rc)
		return rc;
	if (c->json)
		return cli_print_record(c, "party", id);
	fprintf(c->out, "added %s %s (#%lld)\n", !strcmp(kind, "person") ? "person" : "organisation", c->argv[1],
	        (long long)id);
	return EXIT_OK;
}

const cli_command cmd_add = {
	.name = "add",
	.run = run_add,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Parties",
	.args = "person|org NAME",
	.min_args = 2,
	.max_args = 2,
	.summary = "add a person or an organisation",
	.description = "Adds a party. A person may belong to an organisation (--org), which is created when no "
	               "party has that name. Roles decide the keep-in-touch cadence unless --every sets one.",
	.options = add_options,
	.examples = "recip add person \"Ana Lopez\" --email ana@example.com --role customer --birthday --05-17\n"
	            "recip add org \"Harbor Logistics\" --role client\n"
	            "recip add person \"Tom Reed\" --org \"Harbor Logistics\" --title CFO --role client --every 3w",
};
