/*
 * cmd_user.c — `recip user add|list|remove|passwd|role|feed`: the accounts
 * of `recip serve`. Passwords are read from the terminal without echo (asked
 * twice), or as one line from standard input when it is not a terminal;
 * never from an argument, where other users of the machine could see it.
 */
#include "cli.h"

#include <sodium.h>

#include <errno.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const cli_option user_options[] = {
	{"role", 'r', OPT_VALUE, "ROLE", "owner, member or viewer (add: default member; role: the new one)"},
	{NULL, 0, 0, NULL, NULL},
};

/* Reads one line into out (without the newline); -1 at end of input. */
static int read_line(FILE *f, char *out, size_t size)
{
	if (!fgets(out, (int)size, f))
		return -1;
	size_t len = strlen(out);
	if (len && out[len - 1] == '\n')
		out[--len] = '\0';
	else if (len == size - 1)
		return -2; /* longer than we take */
	if (len && out[len - 1] == '\r')
		out[--len] = '\0';
	return 0;
}

/* Prompts on the terminal with echo off. */
static int prompt_hidden(const char *prompt, char *out, size_t size)
{
	FILE *tty = fopen("/dev/tty", "r+");
	if (!tty)
		return -1;
	struct termios old, quiet;
	int fd = fileno(tty);
	bool restore = tcgetattr(fd, &old) == 0;
	if (restore) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
	}
	fputs(prompt, tty);
	fflush(tty);
	int rc = read_line(tty, out, size);
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	fputc('\n', tty);
	fclose(tty);
	return rc;
}

/* The new password, from the terminal (twice) or standard input. */
static int read_password(cli *c, char *out, size_t size)
{
	if (!isatty(STDIN_FILENO)) {
		int rc = read_line(stdin, out, size);
		if (rc == -2)
			return cli_error(c, "the password is too long");
		if (rc)
			return cli_error(c, "no password on standard input");
		return 0;
	}
	char again[1024];
	if (prompt_hidden("new password: ", out, size) || prompt_hidden("again: ", again, sizeof(again)))
		return cli_error(c, "cannot read the password from the terminal");
	int same = !strcmp(out, again);
	sodium_memzero(again, sizeof(again));
	if (!same)
		return cli_error(c, "the passwords differ");
	return 0;
}

/* Prints a document made with json_pack and lets it go (NULL: no memory). */
int print_packed(cli *c, json_t *doc);

int print_packed(cli *c, json_t *doc)
{
	if (!doc)
		return cli_error(c, "out of memory");
	int rc = cli_print_json(c, doc);
	json_decref(doc);
	return rc;
}

static int add_user(cli *c, const char *name)
{
	recip_role role = RECIP_ROLE_MEMBER;
	const char *r = cli_value(c, "role");
	if (r && recip_role_parse(c->ctx, &role, r) != RECIP_OK)
		return cli_fail(c);
	char password[1024];
	if (read_password(c, password, sizeof(password)))
		return EXIT_FAIL;
	int64_t id;
	int rc = recip_user_add(c->ctx, &id, name, role, password);
	sodium_memzero(password, sizeof(password));
	if (rc != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return print_packed(c, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "role",
		                                     recip_role_name(role)));
	fprintf(c->out, "added user '%s' (%s)\n", name, recip_role_name(role));
	return EXIT_OK;
}

static int list_users(cli *c)
{
	json_t *doc;
	if (recip_user_list(c->ctx, &doc) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_emit_json(c, doc);
	table t;
	table_init(&t);
	table_column_add(&t, "name", false);
	table_column_add(&t, "role", false);
	table_column_add(&t, "tokens", true);
	table_column_add(&t, "feed", false);
	table_column_add(&t, "since", false);
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(doc, "items"), i, u)
	{
		char tokens[16], day[16];
		snprintf(tokens, sizeof(tokens), "%lld", (long long)json_integer_value(json_object_get(u, "tokens")));
		const char *cells[] = {jtext(u, "name"), jtext(u, "role"), tokens,
		                       json_is_true(json_object_get(u, "feed")) ? "yes" : "no",
		                       jday(u, "created_at", day, sizeof(day))};
		table_row(&t, cells);
	}
	if (t.n_rows)
		table_print(c, &t);
	else
		fputs("no users yet: add one with 'recip user add NAME --role owner'\n", c->out);
	table_release(&t);
	json_decref(doc);
	return EXIT_OK;
}

static int run_user(cli *c)
{
	const char *action = c->argv[0];
	const char *name = c->argc > 1 ? c->argv[1] : NULL;
	bool needs_name = strcmp(action, "list") != 0;
	if (!strcmp(action, "list") && c->argc > 1)
		return cli_usage_error(c, "'user list' takes no name");
	if (needs_name && !name)
		return cli_usage_error(c, "'user %s' needs a user name", action);
	if (!strcmp(action, "add"))
		return add_user(c, name);
	if (!strcmp(action, "list"))
		return list_users(c);
	if (!strcmp(action, "remove")) {
		if (recip_user_remove(c->ctx, name) != RECIP_OK)
			return cli_fail(c);
		fprintf(c->out, "removed user '%s' with their sessions and tokens\n", name);
		return EXIT_OK;
	}
	if (!strcmp(action, "passwd")) {
		recip_user u;
		if (recip_user_get(c->ctx, &u, name) != RECIP_OK)
			return cli_fail(c);
		char password[1024];
		if (read_password(c, password, sizeof(password)))
			return EXIT_FAIL;
		int rc = recip_user_passwd(c->ctx, name, password);
		sodium_memzero(password, sizeof(password));
		if (rc != RECIP_OK)
			return cli_fail(c);
		fprintf(c->out, "changed the password of '%s' (their sessions ended)\n", u.name);
		return EXIT_OK;
	}
	if (!strcmp(action, "role")) {
		recip_role role;
		const char *r = cli_value(c, "role");
		if (!r)
			return cli_usage_error(c, "'user role' needs --role owner|member|viewer");
		if (recip_role_parse(c->ctx, &role, r) != RECIP_OK || recip_user_set_role(c->ctx, name, role) != RECIP_OK)
			return cli_fail(c);
		fprintf(c->out, "'%s' is now %s\n", name, recip_role_name(role));
		return EXIT_OK;
	}
	if (!strcmp(action, "feed")) {
		char *token;
		if (recip_feed_token_create(c->ctx, &token, name) != RECIP_OK)
			return cli_fail(c);
		int rc = c->json ? print_packed(c, json_pack("{s:s, s:s}", "user", name, "token", token))
		                 : (fprintf(c->out, "calendar feed of '%s' (the old one stops working):\n"
		                                    "  /calendar.ics?token=%s\n", name, token), EXIT_OK);
		sodium_memzero(token, strlen(token));
		free(token);
		return rc;
	}
	return cli_usage_error(c, "unknown action '%s' (add, list, remove, passwd, role, feed)", action);
}

const cli_command cmd_user = {
	.name = "user",
	.run = run_user,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Server",
	.args = "add|list|remove|passwd|role|feed [NAME]",
	.min_args = 1,
	.max_args = 2,
	.summary = "manage who may sign in to recip serve",
	.description = "Owners manage users, members record, viewers read. 'add' and 'passwd' read the password "
	               "from the terminal without echo (twice), or as one line from standard input when it is not "
	               "a terminal — never from an argument. A new password ends the user's sessions. 'remove' "
	               "takes their sessions and API tokens with them; the last owner stays. 'feed' makes a new "
	               "calendar feed token for the user (the old one stops working).",
	.options = user_options,
	.examples = "recip user add maria --role owner\nprintf '%s\\n' \"$PASSWORD\" | recip user add sam --role viewer\n"
	            "recip user list\nrecip user passwd maria\nrecip user role sam --role member\nrecip user feed maria",
};
