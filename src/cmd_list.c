/* cmd_list.c — `recip list`: parties, filtered and sorted. */
#include "cli.h"

#include <stdlib.h>
#include <string.h>

static const cli_option list_options[] = {
	{"role", 'r', OPT_VALUE, "ROLE", "only parties with this role"},
	{"tag", 't', OPT_VALUE, "TAG", "only parties with this tag"},
	{"search", 's', OPT_VALUE, "TEXT", "name, e-mail, phone or tag contains this"},
	{"sort", 0, OPT_VALUE, "KEY", "name (default), balance (strongest first) or contact (longest ago first)"},
	{"archived", 0, OPT_FLAG, NULL, "include archived parties"},
	{"limit", 'n', OPT_VALUE, "N", "at most N parties"},
	{"offset", 0, OPT_VALUE, "N", "skip the first N"},
	{NULL, 0, 0, NULL, NULL},
};

static int parse_count(cli *c, const char *option, int64_t *out)
{
	const char *v = cli_value(c, option);
	if (!v)
		return 0;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (!*v || *end || n < 0)
		return cli_usage_error(c, "--%s needs a whole number, not '%s'", option, v);
	*out = n;
	return 0;
}

static int run_list(cli *c)
{
	recip_list_query q = {
		.role = cli_value(c, "role"),
		.tag = cli_value(c, "tag"),
		.search = cli_value(c, "search"),
		.sort = cli_value(c, "sort"),
		.include_archived = cli_flag(c, "archived"),
		.as_of = c->as_of,
	};
	int rc = parse_count(c, "limit", &q.limit);
	if (!rc)
		rc = parse_count(c, "offset", &q.offset);
	if (rc)
		return rc;
	json_t *page;
	if (recip_record_list(c->ctx, &page, "party", &q) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_emit_json(c, page);
	table t;
	table_init(&t);
	table_column_add(&t, "id", true);
	table_column_add(&t, "name", false);
	table_column_add(&t, "roles", false);
	table_column_add(&t, "organisation", false);
	table_column_add(&t, "balance", true);
	table_column_add(&t, "last contact", false);
	size_t i;
	json_t *p;
	json_array_foreach(json_object_get(page, "items"), i, p)
	{
		char id[24], balance[32], day[16], roles[256] = "";
		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(p, "id")));
		fmt_balance(balance, sizeof(balance), json_number_value(json_object_get(p, "balance")));
		size_t k;
		json_t *r;
		size_t used = 0;
		json_array_foreach(json_object_get(p, "roles"), k, r)
		{
			int n = snprintf(roles + used, sizeof(roles) - used, "%s%s", k ? ", " : "", json_string_value(r));
			if (n < 0 || (size_t)n >= sizeof(roles) - used)
				break;
			used += (size_t)n;
		}
		const char *cells[] = {id, jtext(p, "name"), roles, jtext(p, "org_name"), balance,
		                       jday(p, "last_contact_at", day, sizeof(day))};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
	json_int_t total = json_integer_value(json_object_get(page, "total"));
	if ((json_int_t)json_array_size(json_object_get(page, "items")) < total)
		fprintf(c->out, "%s(%zu of %lld shown)%s\n", cli_dim(c), json_array_size(json_object_get(page, "items")),
		        (long long)total, cli_reset(c));
	json_decref(page);
	return EXIT_OK;
}

const cli_command cmd_list = {
	.name = "list",
	.run = run_list,
	.flags = CMD_DB | CMD_AS_OF,
	.group = "Parties",
	.args = NULL,
	.min_args = 0,
	.max_args = 0,
	.summary = "list parties",
	.description = "Lists parties with their roles, organisation, balance and last contact, by name unless "
	               "--sort says otherwise. Archived parties are left out unless --archived.",
	.options = list_options,
	.examples = "recip list --role client --sort balance\nrecip list --tag vip --json\nrecip list --search lopez",
};
