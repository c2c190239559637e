/*
 * main.c — the `recip` command: the table of subcommands, option parsing
 * from each command's table, choosing the database and configuration,
 * running the command in one transaction when it writes, and exit codes.
 * To add a command: write src/cmd_NAME.c with its cli_command and add it to
 * the table below (see src/README.md).
 */
#include "cli.h"

#include <assert.h>
#include <errno.h>
#include <locale.h>
#include <malloc.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

extern const cli_command cmd_init, cmd_demo, cmd_add, cmd_edit, cmd_archive, cmd_show, cmd_list, cmd_remember,
	cmd_forget, cmd_gave, cmd_received, cmd_touch, cmd_visit, cmd_ask, cmd_asked_by, cmd_resolve, cmd_promise,
	cmd_kept, cmd_broke, cmd_balance, cmd_due, cmd_log, cmd_amend, cmd_delete, cmd_help, cmd_version,
	cmd_check, cmd_config, cmd_completion;
extern const cli_command cmd_referral, cmd_referrals, cmd_review, cmd_reviews, cmd_nps, cmd_advocates, cmd_growth;
extern const cli_command cmd_serve, cmd_user, cmd_token;
extern const cli_command cmd_import, cmd_export, cmd_restore, cmd_backup;
extern const cli_command cmd_agenda, cmd_moments, cmd_dismiss, cmd_expected, cmd_asks, cmd_genuine, cmd_trust,
	cmd_profile, cmd_fit, cmd_project;

const cli_command *const cli_commands[] = {
	/* setup */
	&cmd_init, &cmd_demo, &cmd_config, &cmd_check,
	/* parties */
	&cmd_add, &cmd_edit, &cmd_archive, &cmd_show, &cmd_list, &cmd_remember, &cmd_forget,
	/* ledger */
	&cmd_gave, &cmd_received, &cmd_touch, &cmd_visit, &cmd_ask, &cmd_asked_by, &cmd_resolve, &cmd_promise,
	&cmd_kept, &cmd_broke, &cmd_amend, &cmd_delete, &cmd_log,
	/* reports */
	&cmd_agenda,
	&cmd_balance, &cmd_due,
	&cmd_moments, &cmd_dismiss, &cmd_expected, &cmd_asks, &cmd_genuine, &cmd_trust,
	/* partners */
	&cmd_profile, &cmd_fit, &cmd_project,
	/* advocacy */
	&cmd_referral, &cmd_referrals, &cmd_review, &cmd_reviews, &cmd_nps, &cmd_advocates, &cmd_growth,
	/* interop */
	&cmd_import, &cmd_export, &cmd_restore, &cmd_backup,
	/* server */
	&cmd_serve, &cmd_user, &cmd_token,
	/* help */
	&cmd_help, &cmd_version, &cmd_completion,
	NULL,
};

const cli_option cli_common_options[] = {
	{"db", 0, OPT_VALUE, "PATH|URI",
	 "the database: an SQLite file or postgresql://… (default: $RECIP_DB, else $XDG_DATA_HOME/recip/recip.db)"},
	{"config", 0, OPT_VALUE, "FILE", "the configuration file (default: $XDG_CONFIG_HOME/recip/config.ini)"},
	{"json", 0, OPT_FLAG, NULL, "print the result as JSON"},
	{"no-color", 0, OPT_FLAG, NULL, "no colour, even on a terminal (as does NO_COLOR)"},
	{"help", 'h', OPT_FLAG, NULL, "show this help"},
	{NULL, 0, 0, NULL, NULL},
};

const cli_option cli_report_options[] = {
	{"as-of", 0, OPT_VALUE, "DATE", "report as of this date or time (default: now)"},
	{NULL, 0, 0, NULL, NULL},
};

const cli_command *cli_find_command(const char *name)
{
	for (size_t i = 0; cli_commands[i]; i++)
		if (!strcmp(cli_commands[i]->name, name))
			return cli_commands[i];
	return NULL;
}

/* ---- errors ------------------------------------------------------------------------ */

int cli_error(cli *c, const char *fmt, ...)
{
	(void)c;
	va_list ap;
	va_start(ap, fmt);
	fputs("recip: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_FAIL;
}

int cli_usage_error(cli *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "recip%s%s: ", c && c->cmd ? " " : "", c && c->cmd ? c->cmd->name : "");
	vfprintf(stderr, fmt, ap);
	if (c && c->cmd)
		fprintf(stderr, " (see 'recip %s --help')\n", c->cmd->name);
	else
		fputs(" (see 'recip help')\n", stderr);
	va_end(ap);
	return EXIT_USAGE;
}

int cli_exit_code(int code)
{
	switch (code) {
	case RECIP_OK: return EXIT_OK;
	case RECIP_ENOTREADY: return EXIT_NOT_YET;
	case RECIP_EDB: case RECIP_EBUSY: case RECIP_EREADONLY: case RECIP_ENOTDB: case RECIP_EVERSION:
	case RECIP_ENODB: case RECIP_EIO: case RECIP_EUNAVAILABLE:
		return EXIT_STORAGE;
	default: return EXIT_FAIL;
	}
}

int cli_fail(cli *c)
{
	fprintf(stderr, "recip: %s\n", recip_errmsg(c->ctx));
	return cli_exit_code(recip_errcode(c->ctx));
}

/* ---- options ------------------------------------------------------------------------- */

static struct cli_value *find_value(const cli *c, const char *name)
{
	for (size_t i = 0; i < c->n_values; i++)
		if (!strcmp(c->values[i].opt->name, name))
			return (struct cli_value *)&c->values[i];
	return NULL;
}

bool cli_flag(const cli *c, const char *name)
{
	const struct cli_value *v = find_value(c, name);
	return v && v->seen;
}

bool cli_given(const cli *c, const char *name)
{
	return cli_flag(c, name);
}

const char *cli_value(const cli *c, const char *name)
{
	const struct cli_value *v = find_value(c, name);
	return v && v->seen ? v->value : NULL;
}

size_t cli_list(const cli *c, const char *name, const char ***out)
{
	const struct cli_value *v = find_value(c, name);
	*out = v ? v->list : NULL;
	return v ? v->n_list : 0;
}

static void add_options(cli *c, const cli_option *opts)
{
	for (size_t i = 0; opts && opts[i].name; i++) {
		assert(c->n_values < sizeof(c->values) / sizeof(c->values[0]));
		c->values[c->n_values++].opt = &opts[i];
	}
}

static struct cli_value *match_long(cli *c, const char *name, size_t len)
{
	for (size_t i = 0; i < c->n_values; i++)
		if (strlen(c->values[i].opt->name) == len && !strncmp(c->values[i].opt->name, name, len))
			return &c->values[i];
	return NULL;
}

static struct cli_value *match_short(cli *c, char s)
{
	for (size_t i = 0; i < c->n_values; i++)
		if (c->values[i].opt->short_name == s)
			return &c->values[i];
	return NULL;
}

static int take_value(cli *c, struct cli_value *v, const char *value)
{
	v->seen = true;
	if (v->opt->kind == OPT_VALUE) {
		v->value = value;
		return 0;
	}
	const char **grown = realloc(v->list, (v->n_list + 1) * sizeof(char *));
	if (!grown)
		return cli_error(c, "out of memory");
	v->list = grown;
	v->list[v->n_list++] = value;
	v->value = value;
	return 0;
}

/* GNU-style: options anywhere, --name=value or --name value, -x value,
 * and "--" ends the options. */
static int parse_args(cli *c, int argc, char **argv)
{
	c->argv = calloc((size_t)argc + 1, sizeof(char *));
	if (!c->argv)
		return cli_error(c, "out of memory");
	bool options = true;
	for (int i = 0; i < argc; i++) {
		char *arg = argv[i];
		if (!options || arg[0] != '-' || arg[1] == '\0' ||
		    (arg[1] != '-' && (arg[1] == '.' || (arg[1] >= '0' && arg[1] <= '9')))) {
			/* "-3d" and "-1.5" are values, not options */
			c->argv[c->argc++] = arg;
			continue;
		}
		if (!strcmp(arg, "--")) {
			options = false;
			continue;
		}
		struct cli_value *v;
		const char *inline_value = NULL;
		if (arg[1] == '-') {
			const char *name = arg + 2;
			const char *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			v = match_long(c, name, len);
			if (!v)
				return cli_usage_error(c, "unknown option '--%.*s'", (int)len, name);
			if (eq)
				inline_value = eq + 1;
		} else {
			if (arg[2] != '\0')
				return cli_usage_error(c, "unknown option '%s'", arg);
			v = match_short(c, arg[1]);
			if (!v)
				return cli_usage_error(c, "unknown option '%s'", arg);
		}
		if (v->opt->kind == OPT_FLAG) {
			if (inline_value)
				return cli_usage_error(c, "option '--%s' takes no value", v->opt->name);
			v->seen = true;
			continue;
		}
		if (!inline_value) {
			if (i + 1 >= argc)
				return cli_usage_error(c, "option '--%s' needs a value (%s)", v->opt->name, v->opt->arg);
			inline_value = argv[++i];
		}
		if (take_value(c, v, inline_value))
			return EXIT_FAIL;
	}
	return 0;
}

static void release_args(cli *c)
{
	for (size_t i = 0; i < c->n_values; i++)
		free(c->values[i].list);
	free(c->argv);
}

/* ---- shared helpers ---------------------------------------------------------------- */

int cli_time(cli *c, const char *text, bool end_of_day, recip_time *out)
{
	if (recip_time_parse(c->ctx, out, text, c->now, end_of_day) != RECIP_OK) {
		cli_error(c, "%s", recip_errmsg(c->ctx));
		return -1;
	}
	return 0;
}

int cli_party(cli *c, const char *reference, int64_t *out)
{
	if (recip_party_resolve(c->ctx, out, reference) != RECIP_OK) {
		cli_fail(c);
		return -1;
	}
	return 0;
}

int cli_id(cli *c, const char *text, const char *what, int64_t *out)
{
	const char *t = text[0] == '#' ? text + 1 : text;
	char *end;
	errno = 0;
	long long id = strtoll(t, &end, 10);
	if (!*t || *end || errno || id <= 0) {
		cli_error(c, "bad %s id '%s' (a number such as 12)", what, text);
		return -1;
	}
	*out = id;
	return 0;
}

/* ---- environment ------------------------------------------------------------------- */

static char *default_path(const char *env, const char *home_rel, const char *file)
{
	buf b = BUF_INIT;
	const char *base = getenv(env);
	if (base && *base) {
		buf_printf(&b, "%s/recip/%s", base, file);
	} else {
		const char *home = getenv("HOME");
		if (!home || !*home) {
			struct passwd *pw = getpwuid(getuid());
			home = pw ? pw->pw_dir : ".";
		}
		buf_printf(&b, "%s/%s/recip/%s", home, home_rel, file);
	}
	return buf_detach(&b);
}

/* mkdir -p of the directory holding path. */
static int make_parent_dirs(const char *path)
{
	char *copy = strdup(path);
	if (!copy)
		return -1;
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
			free(copy);
			return -1;
		}
		*p = '/';
	}
	free(copy);
	return 0;
}

static recip_time clock_now(void)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	return recip_time_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static const char *actor_name(void)
{
	const char *a = getenv("RECIP_ACTOR");
	if (a && *a)
		return a;
	a = getenv("USER");
	if (a && *a)
		return a;
	struct passwd *pw = getpwuid(getuid());
	return pw && pw->pw_name ? pw->pw_name : "cli";
}

/* ---- running a command ---------------------------------------------------------------- */

static int setup(cli *c, char **db_path_owned, char **config_owned)
{
	/* the clock is read once; RECIP_NOW fixes it (tests, reproducing a day) */
	const char *fixed = getenv("RECIP_NOW");
	c->now = clock_now();
	if (fixed && *fixed && recip_time_parse(c->ctx, &c->now, fixed, c->now, false) != RECIP_OK)
		return cli_error(c, "RECIP_NOW: %s", recip_errmsg(c->ctx));
	recip_ctx_set_now(c->ctx, c->now);
	if (recip_ctx_set_actor(c->ctx, actor_name()) != RECIP_OK)
		recip_ctx_set_actor(c->ctx, "cli");

	c->as_of = c->now;
	const char *as_of = cli_value(c, "as-of");
	if (as_of && cli_time(c, as_of, true, &c->as_of))
		return EXIT_FAIL;

	const char *config = cli_value(c, "config");
	if (!config)
		config = getenv("RECIP_CONFIG");
	if (config && *config) {
		if (recip_config_load(c->ctx, config, false) != RECIP_OK)
			return cli_fail(c);
	} else {
		*config_owned = default_path("XDG_CONFIG_HOME", ".config", "config.ini");
		if (!*config_owned)
			return cli_error(c, "out of memory");
		if (recip_config_load(c->ctx, *config_owned, true) != RECIP_OK)
			return cli_fail(c);
	}

	const char *db = cli_value(c, "db");
	if (!db || !*db)
		db = getenv("RECIP_DB");
	if (!db || !*db) {
		*db_path_owned = default_path("XDG_DATA_HOME", ".local/share", "recip.db");
		if (!*db_path_owned)
			return cli_error(c, "out of memory");
		db = *db_path_owned;
		if ((c->cmd->flags & CMD_CREATE) && make_parent_dirs(db) != 0)
			return cli_error(c, "cannot create the directory of '%s': %s", db, strerror(errno));
	}
	c->db_path = db;
	if (!(c->cmd->flags & CMD_DB))
		return 0;
	unsigned flags = (c->cmd->flags & CMD_CREATE) ? RECIP_OPEN_CREATE : 0;
	if (recip_open(c->ctx, db, flags) != RECIP_OK)
		return cli_fail(c);
	c->db_path = recip_db_address(c->ctx); /* as it may be shown: no password */
	const char *notice = recip_upgrade_notice(c->ctx);
	if (notice)
		fprintf(stderr, "recip: %s\n", notice);
	return 0;
}

static int run_command(const cli_command *cmd, int argc, char **argv)
{
	cli c;
	memset(&c, 0, sizeof(c));
	c.cmd = cmd;
	c.out = stdout;
	add_options(&c, cmd->options);
	add_options(&c, cli_common_options);
	if (cmd->flags & CMD_AS_OF)
		add_options(&c, cli_report_options);
	int rc = parse_args(&c, argc, argv);
	if (rc) {
		release_args(&c);
		return rc;
	}
	if (cli_flag(&c, "help")) {
		cli_print_command_help(stdout, cmd);
		release_args(&c);
		return EXIT_OK;
	}
	if (c.argc < cmd->min_args || (cmd->max_args >= 0 && c.argc > cmd->max_args)) {
		rc = c.argc < cmd->min_args ? cli_usage_error(&c, "missing arguments: recip %s %s", cmd->name, cmd->args)
		                             : cli_usage_error(&c, "too many arguments: recip %s %s", cmd->name,
		                                               cmd->args ? cmd->args : "");
		release_args(&c);
		return rc;
	}
	c.json = cli_flag(&c, "json");
	const char *term = getenv("TERM");
	const char *no_color = getenv("NO_COLOR");
	c.color = isatty(STDOUT_FILENO) && !(no_color && *no_color) && !cli_flag(&c, "no-color") &&
	          !(term && !strcmp(term, "dumb"));
	if (recip_ctx_new(&c.ctx) != RECIP_OK) {
		release_args(&c);
		return cli_error(&c, "out of memory");
	}
	char *db_owned = NULL, *config_owned = NULL;
	rc = (cmd->flags & CMD_BARE) ? 0 : setup(&c, &db_owned, &config_owned);
	if (!rc) {
		bool tx = (cmd->flags & CMD_WRITE) != 0;
		if (tx && recip_begin(c.ctx) != RECIP_OK) {
			rc = cli_fail(&c);
		} else {
			rc = cmd->run(&c);
			/* one command, one transaction: it all lands or nothing does */
			if (tx && rc == EXIT_OK && recip_commit(c.ctx) != RECIP_OK)
				rc = cli_fail(&c);
			else if (tx && rc != EXIT_OK)
				recip_rollback(c.ctx);
		}
	}
	if (fflush(stdout) != 0 && rc == EXIT_OK)
		rc = cli_error(&c, "cannot write the output: %s", strerror(errno));
	recip_ctx_free(c.ctx);
	free(db_owned);
	free(config_owned);
	release_args(&c);
	return rc;
}

int main(int argc, char **argv)
{
	setlocale(LC_CTYPE, "");
#ifdef M_TRIM_THRESHOLD
	/* glibc hands the top of the heap back as soon as 128 KiB of it are free,
	 * and SQLite frees and takes again a block that size at every b-tree page
	 * split: an import then spends more time in page faults than in SQLite
	 * (bench/run; BENCHMARKS.md). Keep up to 64 MiB. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
	if (argc < 2) {
		cli_print_overview(stdout);
		return EXIT_OK;
	}
	const char *name = argv[1];
	if (!strcmp(name, "--help") || !strcmp(name, "-h"))
		name = "help";
	else if (!strcmp(name, "--version"))
		name = "version";
	const cli_command *cmd = cli_find_command(name);
	if (!cmd) {
		fprintf(stderr, "recip: '%s' is not a recip command (see 'recip help')\n", name);
		return EXIT_USAGE;
	}
	return run_command(cmd, argc - 2, argv + 2);
}
