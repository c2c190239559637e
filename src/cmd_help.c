/* cmd_help.c — `recip help`, `recip version` and `recip completion`. */
#include "cli.h"

#include <string.h>

static const cli_option help_options[] = {
	{"man", 0, OPT_FLAG, NULL, "print the man page recip(1) in roff"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_help(cli *c)
{
	if (cli_flag(c, "man"))
		return cli_print_man(stdout);
	if (c->argc == 0) {
		cli_print_overview(stdout);
		return EXIT_OK;
	}
	const cli_command *cmd = cli_find_command(c->argv[0]);
	if (!cmd)
		return cli_usage_error(c, "no command '%s'", c->argv[0]);
	cli_print_command_help(stdout, cmd);
	return EXIT_OK;
}

const cli_command cmd_help = {
	.name = "help",
	.run = run_help,
	.flags = CMD_BARE,
	.group = "Help",
	.args = "[COMMAND]",
	.min_args = 0,
	.max_args = 1,
	.summary = "show help for recip or one of its commands",
	.options = help_options,
	.examples = "recip help ask\nrecip help --man | man -l -",
};

static int run_version(cli *c)
{
	(void)c;
	printf("recip %s (schema %d)\n", recip_version(), recip_schema_version_current());
	return EXIT_OK;
}

const cli_command cmd_version = {
	.name = "version",
	.run = run_version,
	.flags = CMD_BARE,
	.group = "Help",
	.min_args = 0,
	.max_args = 0,
	.summary = "show the version",
};

static int run_completion(cli *c)
{
	const char *shell = c->argc ? c->argv[0] : "bash";
	if (cli_print_completion(stdout, shell) < 0)
		return cli_usage_error(c, "no completion for '%s' (bash is supported)", shell);
	return EXIT_OK;
}

const cli_command cmd_completion = {
	.name = "completion",
	.run = run_completion,
	.flags = CMD_BARE,
	.group = "Help",
	.args = "[bash]",
	.min_args = 0,
	.max_args = 1,
	.summary = "print a shell completion script",
	.examples = "source <(recip completion bash)",
};
