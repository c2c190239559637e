/*
 * cmd_token.c — `recip token create|list|revoke`: API tokens for scripts
 * that call `recip serve` (sent as "Authorization: Bearer TOKEN"). A token
 * is shown once, when it is made; only its hash is kept.
 */
#include "cli.h"

#include <sodium.h>

#include <stdlib.h>
#include <string.h>

static const cli_option token_options[] = {
	{"label", 'l', OPT_VALUE, "TEXT", "what the token is for (create)"},
	{NULL, 0, 0, NULL, NULL},
};

int print_packed(cli *c, json_t *doc);

static int list_tokens(cli *c, const char *user)
{
	json_t *doc;
	if (recip_token_list(c->ctx, &doc, user) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_emit_json(c, doc);
	table t;
	table_init(&t);
	table_column_add(&t, "id", true);
	table_column_add(&t, "user", false);
	table_column_add(&t, "label", false);
	table_column_add(&t, "created", false);
	table_column_add(&t, "revoked", false);
	size_t i;
	json_t *tk;
	json_array_foreach(json_object_get(doc, "items"), i, tk)
	{
		char id[24], made[16], gone[16];
		snprintf(id, sizeof(id), "%lld", (long long)json_integer_value(json_object_get(tk, "id")));
		const char *cells[] = {id, jtext(tk, "user"), jtext(tk, "label"), jday(tk, "created_at", made, sizeof(made)),
		                       jday(tk, "revoked_at", gone, sizeof(gone))};
		table_row(&t, cells);
	}
	if (t.n_rows)
		table_print(c, &t);
	else
		fputs("no tokens\n", c->out);
	table_release(&t);
	json_decref(doc);
	return EXIT_OK;
}

static int run_token(cli *c)
{
	const char *action = c->argv[0];
	const char *arg = c->argc > 1 ? c->argv[1] : NULL;
	if (!strcmp(action, "list"))
		return list_tokens(c, arg);
	if (!strcmp(action, "create")) {
		if (!arg)
			return cli_usage_error(c, "'token create' needs the user it acts as");
		char *token;
		int64_t id;
		if (recip_token_create(c->ctx, &token, &id, arg, cli_value(c, "label")) != RECIP_OK)
			return cli_fail(c);
		int rc = EXIT_OK;
		if (c->json)
			rc = print_packed(c, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "user", arg, "token", token));
		else
			fprintf(c->out, "token #%lld for '%s' (shown once; keep it secret):\n%s\n", (long long)id, arg, token);
		sodium_memzero(token, strlen(token));
		free(token);
		return rc;
	}
	if (!strcmp(action, "revoke")) {
		int64_t id;
		if (!arg)
			return cli_usage_error(c, "'token revoke' needs the token's id (see 'recip token list')");
		if (cli_id(c, arg, "token", &id))
			return EXIT_FAIL;
		if (recip_token_revoke(c->ctx, id, NULL) != RECIP_OK)
			return cli_fail(c);
		fprintf(c->out, "revoked token #%lld\n", (long long)id);
		return EXIT_OK;
	}
	return cli_usage_error(c, "unknown action '%s' (create, list, revoke)", action);
}

const cli_command cmd_token = {
	.name = "token",
	.run = run_token,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Server",
	.args = "create USER | list [USER] | revoke ID",
	.min_args = 1,
	.max_args = 2,
	.summary = "API tokens for scripts that call recip serve",
	.description = "A token acts as its user, with the user's role, and is sent as 'Authorization: Bearer "
	               "TOKEN'. It is printed once, when it is made; recip keeps only a hash of it. Revoked tokens "
	               "stop working at once.",
	.options = token_options,
	.examples = "recip token create maria --label \"nightly export\"\nrecip token list\nrecip token revoke 3",
};
