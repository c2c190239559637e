/*
 * help.c — everything recip says about itself, made from the command and
 * option tables and the library's settings table: `recip help`, `recip
 * help CMD`, `CMD --help`, the man page recip(1) (`recip help --man`, run
 * by the build) and shell completion (`recip completion bash`).
 */
#include "cli.h"

#include <string.h>

static const char *const groups[] = {"Setup", "Parties", "Ledger", "Reports", "Advocacy", "Partners",
                                     "Interop", "Server", "Help", NULL};

static void option_synopsis(FILE *f, const cli_option *o)
{
	if (o->short_name)
		fprintf(f, "-%c, ", o->short_name);
	fprintf(f, "--%s", o->name);
	if (o->kind != OPT_FLAG)
		fprintf(f, " %s", o->arg);
}

static void print_options(FILE *f, const cli_option *opts)
{
	for (size_t i = 0; opts && opts[i].name; i++) {
		char left[64];
		FILE *m = fmemopen(left, sizeof(left), "w");
		if (!m)
			continue;
		fputs("  ", m);
		option_synopsis(m, &opts[i]);
		fclose(m);
		left[sizeof(left) - 1] = '\0';
		fprintf(f, "%-28s %s%s\n", left, opts[i].help, opts[i].kind == OPT_LIST ? " (repeatable)" : "");
	}
}

void cli_print_command_help(FILE *f, const cli_command *cmd)
{
	fprintf(f, "usage: recip %s%s%s\n\n%s\n", cmd->name, cmd->args ? " " : "", cmd->args ? cmd->args : "",
	        cmd->summary);
	if (cmd->description)
		fprintf(f, "\n%s\n", cmd->description);
	if (cmd->options && cmd->options[0].name) {
		fputs("\noptions:\n", f);
		print_options(f, cmd->options);
	}
	if (cmd->flags & CMD_AS_OF)
		print_options(f, cli_report_options);
	fputs("\ncommon options:\n", f);
	print_options(f, cli_common_options);
	if (cmd->examples)
		fprintf(f, "\nexamples:\n%s\n", cmd->examples);
}

void cli_print_overview(FILE *f)
{
	fputs("usage: recip COMMAND [ARGS] [OPTIONS]\n\n"
	      "recip keeps a ledger of what you give and receive, whom you keep in touch with and what\n"
	      "you know about each person, so that you give first and ask only when it is earned.\n",
	      f);
	for (size_t g = 0; groups[g]; g++) {
		bool any = false;
		for (size_t i = 0; cli_commands[i]; i++) {
			const cli_command *cmd = cli_commands[i];
			if (strcmp(cmd->group, groups[g]) || (cmd->flags & CMD_HIDDEN))
				continue;
			if (!any)
				fprintf(f, "\n%s:\n", groups[g]);
			any = true;
			fprintf(f, "  %-12s %s\n", cmd->name, cmd->summary);
		}
	}
	fputs("\n'recip help COMMAND' or 'recip COMMAND --help' tells more; 'man recip' tells all.\n", f);
}

/* ---- the man page ------------------------------------------------------------------ */

/* Text for roff: backslashes escaped, a line never starting with a dot or
 * quote, dashes of options kept as minus signs, and every character beyond
 * ASCII (— … → ×) as groff's \[uXXXX], which renders in any locale. */
static void roff(FILE *f, const char *s)
{
	bool line_start = true;
	while (*s) {
		unsigned char c = (unsigned char)*s;
		if (line_start && (c == '.' || c == '\''))
			fputs("\\&", f);
		line_start = false;
		if (c >= 0x80) {
			unsigned cp;
			int n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
			cp = c & (0xff >> (n + 1));
			for (int i = 1; i < n && s[i]; i++)
				cp = (cp << 6) | ((unsigned char)s[i] & 0x3f);
			fprintf(f, "\\[u%04X]", cp);
			s += n;
			continue;
		}
		if (c == '\\')
			fputs("\\e", f);
		else if (c == '-')
			fputs("\\-", f);
		else if (c == '\n') {
			fputc('\n', f);
			line_start = true;
		} else
			fputc(c, f);
		s++;
	}
}

static void man_options(FILE *f, const cli_option *opts)
{
	for (size_t i = 0; opts && opts[i].name; i++) {
		fputs(".TP\n.B ", f);
		if (opts[i].short_name)
			fprintf(f, "\\-%c, ", opts[i].short_name);
		fputs("\\-\\-", f);
		roff(f, opts[i].name);
		if (opts[i].kind != OPT_FLAG) {
			fputs(" \\fI", f);
			roff(f, opts[i].arg);
			fputs("\\fR", f);
		}
		fputc('\n', f);
		roff(f, opts[i].help);
		if (opts[i].kind == OPT_LIST)
			fputs(" (repeatable)", f);
		fputc('\n', f);
	}
}

int cli_print_man(FILE *f)
{
	fprintf(f, ".TH RECIP 1 \"\" \"recip %s\" \"User Commands\"\n", recip_version());
	fputs(".SH NAME\nrecip \\- reciprocity ledger and relationship engine\n"
	      ".SH SYNOPSIS\n.B recip\n.I COMMAND\n[\\fIARGS\\fR] [\\fIOPTIONS\\fR]\n"
	      ".SH DESCRIPTION\n"
	      "recip keeps a ledger of what you give to and receive from the people and firms your business\n"
	      "lives on, whom you keep in touch with, and what you know about each of them. From it, it tells\n"
	      "you every day whom to give to, whom to get back in touch with, and whether a relationship has\n"
	      "earned the favour, referral or review you would like to ask for.\n"
	      ".PP\n"
	      "A party is named by its id (12 or #12), an e\\-mail address, or an unambiguous prefix of its\n"
	      "name; an ambiguous name fails and lists the candidates. Every write is one transaction: a\n"
	      "command that fails changes nothing.\n",
	      f);
	fputs(".SH COMMANDS\n", f);
	for (size_t g = 0; groups[g]; g++) {
		bool any = false;
		for (size_t i = 0; cli_commands[i]; i++) {
			const cli_command *cmd = cli_commands[i];
			if (strcmp(cmd->group, groups[g]) || (cmd->flags & CMD_HIDDEN))
				continue;
			if (!any) {
				fputs(".SS ", f);
				roff(f, groups[g]);
				fputc('\n', f);
			}
			any = true;
			fputs(".TP\n.B recip ", f);
			roff(f, cmd->name);
			if (cmd->args) {
				fputs(" \\fI", f);
				roff(f, cmd->args);
				fputs("\\fR", f);
			}
			fputc('\n', f);
			roff(f, cmd->summary);
			fputs(".\n", f);
			if (cmd->description) {
				fputs(".IP\n", f);
				roff(f, cmd->description);
				fputc('\n', f);
			}
			if (cmd->options && cmd->options[0].name) {
				fputs(".RS\n", f);
				man_options(f, cmd->options);
				if (cmd->flags & CMD_AS_OF)
					man_options(f, cli_report_options);
				fputs(".RE\n", f);
			} else if (cmd->flags & CMD_AS_OF) {
				fputs(".RS\n", f);
				man_options(f, cli_report_options);
				fputs(".RE\n", f);
			}
			if (cmd->examples) {
				fputs(".IP\nExamples:\n.RS\n.nf\n", f);
				roff(f, cmd->examples);
				fputs("\n.fi\n.RE\n", f);
			}
		}
	}
	fputs(".SH COMMON OPTIONS\nEvery command takes these.\n", f);
	man_options(f, cli_common_options);
	fputs(".SH DATES AND DURATIONS\n"
	      "A date is 2026\\-11\\-23, a time 2026\\-11\\-23T08:15 (or with a space, or with seconds);\n"
	      "also now, today, yesterday, tomorrow, or an offset from now: \\-3d, +2w, \\-1m, +1y.\n"
	      "With \\-\\-as\\-of a date alone means the end of that day; a due date alone means by its end.\n"
	      "Times are the business's own wall\\-clock time; recip keeps no time zones.\n"
	      "A duration is 30d, 2w, 3m (90 days), 1y (365 days) or a number of days.\n",
	      f);
	fputs(".SH EXIT STATUS\n.TP\n0\nsuccess\n.TP\n1\nthe command failed: bad input, an unknown or ambiguous\n"
	      "party, a conflict; the database is unchanged\n.TP\n2\nthe command line is wrong (unknown option,\n"
	      "missing argument)\n.TP\n3\nthe give\\-first gate says \"not yet\" (ask \\-\\-check, or an ask\n"
	      "refused without \\-\\-force)\n.TP\n4\nthe database cannot be used: missing, not a recip\n"
	      "database, made by a newer recip, read\\-only for a write, or busy\n",
	      f);
	fputs(".SH ENVIRONMENT\n"
	      ".TP\n.B RECIP_DB\nthe database when \\-\\-db is not given: the path of an SQLite file, or a "
	      "postgresql:// URI (see docs/postgresql.md)\n"
	      ".TP\n.B RECIP_CONFIG\nthe configuration file when \\-\\-config is not given\n"
	      ".TP\n.B RECIP_NOW\nthe time to take as now (e.g. 2026\\-11\\-23T09:00), to reproduce a day\n"
	      ".TP\n.B RECIP_ACTOR\nthe name written to the audit trail (default: the login name)\n"
	      ".TP\n.B NO_COLOR\nno colour in the output\n"
	      ".TP\n.B XDG_DATA_HOME, XDG_CONFIG_HOME\nwhere the default database and configuration live\n",
	      f);
	fputs(".SH FILES\n"
	      ".TP\n.I $XDG_DATA_HOME/recip/recip.db\nthe default database (~/.local/share/recip/recip.db)\n"
	      ".TP\n.I $XDG_CONFIG_HOME/recip/config.ini\nthe configuration (~/.config/recip/config.ini)\n"
	      ".TP\n.I DB.vN.bak\nthe copy of a database written before upgrading it from schema N\n",
	      f);
	/* the settings, from the library's own table */
	recip_ctx *ctx;
	json_t *report = NULL;
	if (recip_ctx_new(&ctx) == RECIP_OK && recip_config_report(ctx, &report) == RECIP_OK) {
		fputs(".SH CONFIGURATION\n"
		      "An INI file; each setting below is \"key = value\" in its [section]. \"recip config\" shows\n"
		      "the settings in force and where each came from.\n",
		      f);
		size_t i;
		json_t *item;
		json_array_foreach(json_object_get(report, "settings"), i, item)
		{
			fputs(".TP\n.B ", f);
			roff(f, jtext(item, "name"));
			char value[64];
			json_t *v = json_object_get(item, "value");
			snprintf(value, sizeof(value), "%g", json_number_value(v));
			fputs(" \\fR(default ", f);
			roff(f, value);
			if (json_object_get(item, "unit"))
				fputs("d", f);
			fputs(")\n", f);
			roff(f, jtext(item, "help"));
			fputc('\n', f);
		}
		fputs(".TP\n.B [kinds]\n"
		      "the default value of an exchange of each kind, e.g. \"favour = 3\"; new kinds may be added:",
		      f);
		json_array_foreach(json_object_get(report, "kinds"), i, item)
		{
			char v[32];
			snprintf(v, sizeof(v), "%g", json_number_value(json_object_get(item, "value")));
			fprintf(f, "%s ", i ? "," : "");
			roff(f, jtext(item, "kind"));
			fprintf(f, " %s", v);
		}
		fputs("\n.TP\n.B [cadence]\nthe keep\\-in\\-touch cadence of each role, e.g. \"client = 30d\":", f);
		json_array_foreach(json_object_get(report, "cadences"), i, item)
		{
			fprintf(f, "%s ", i ? "," : "");
			roff(f, jtext(item, "role"));
			fprintf(f, " %lldd", (long long)json_integer_value(json_object_get(item, "days")));
		}
		fputc('\n', f);
	}
	json_decref(report);
	recip_ctx_free(ctx);
	fputs(".SH SEE ALSO\nThe README and docs/ of the recip sources: docs/api.md (the library and the JSON\n"
	      "documents), docs/decisions.md.\n",
	      f);
	return ferror(f) ? EXIT_FAIL : EXIT_OK;
}

/* ---- completion ------------------------------------------------------------------------ */

int cli_print_completion(FILE *f, const char *shell)
{
	if (strcmp(shell, "bash"))
		return -1;
	fputs("# bash completion for recip — generated by 'recip completion bash'\n_recip() {\n"
	      "  local cur=${COMP_WORDS[COMP_CWORD]}\n  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	      "    COMPREPLY=($(compgen -W \"",
	      f);
	for (size_t i = 0; cli_commands[i]; i++)
		if (!(cli_commands[i]->flags & CMD_HIDDEN))
			fprintf(f, "%s%s", i ? " " : "", cli_commands[i]->name);
	fputs("\" -- \"$cur\"))\n    return\n  fi\n  case ${COMP_WORDS[1]} in\n", f);
	for (size_t i = 0; cli_commands[i]; i++) {
		const cli_command *cmd = cli_commands[i];
		fprintf(f, "    %s) COMPREPLY=($(compgen -W \"", cmd->name);
		for (size_t k = 0; cmd->options && cmd->options[k].name; k++)
			fprintf(f, "--%s ", cmd->options[k].name);
		if (cmd->flags & CMD_AS_OF)
			fputs("--as-of ", f);
		for (size_t k = 0; cli_common_options[k].name; k++)
			fprintf(f, "--%s ", cli_common_options[k].name);
		fputs("\" -- \"$cur\")) ;;\n", f);
	}
	fputs("  esac\n}\ncomplete -F _recip recip\n", f);
	return 0;
}
