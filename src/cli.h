/*
 * cli.h — what the files of the `recip` command share: commands and their
 * options as tables of data (from which parsing, --help, the man page and
 * shell completion all come), the parsed invocation, output helpers and
 * the exit codes. The command is a thin layer: every decision is made by
 * librecip; this layer reads arguments and prints results.
 */
#ifndef RECIP_CLI_H
#define RECIP_CLI_H

#include <recip/recip.h>
#include <stdbool.h>
#include <stdio.h>

#include "buf.h"
#include "banned.h"

/* Exit codes (documented in recip(1)). */
enum cli_exit {
	EXIT_OK = 0,
	EXIT_FAIL = 1,      /* the command failed: bad input, unknown party … */
	EXIT_USAGE = 2,     /* the command line itself is wrong */
	EXIT_NOT_YET = 3,   /* the give-first gate says "not yet" */
	EXIT_STORAGE = 4    /* the database cannot be used: missing, busy, newer, not a database */
};

typedef enum opt_kind {
	OPT_FLAG,    /* --personal */
	OPT_VALUE,   /* --on DATE (the last one wins) */
	OPT_LIST     /* --tag T, repeatable */
} opt_kind;

typedef struct cli_option {
	const char *name;      /* long name, without the dashes */
	char short_name;       /* or 0 */
	opt_kind kind;
	const char *arg;       /* the value's placeholder in help: "DATE" */
	const char *help;
} cli_option;

enum cmd_flags {
	CMD_DB = 1 << 0,      /* opens the database before running */
	CMD_WRITE = 1 << 1,   /* runs in one write transaction: all or nothing */
	CMD_CREATE = 1 << 2,  /* may create the database */
	CMD_AS_OF = 1 << 3,   /* a report: takes --as-of */
	CMD_HIDDEN = 1 << 4,  /* not listed in help */
	CMD_BARE = 1 << 5     /* needs neither settings nor a database (help, version) */
};

typedef struct cli cli;

typedef struct cli_command {
	const char *name;
	int (*run)(cli *c);
	unsigned flags;
	const char *group;        /* heading in `recip help`: "Parties", "Ledger" … */
	const char *args;         /* what follows the name in the synopsis */
	int min_args, max_args;   /* positional arguments; max -1: any number */
	const char *summary;      /* one line */
	const char *description;  /* a paragraph for --help and the man page */
	const cli_option *options;/* terminated by an entry with name NULL */
	const char *examples;     /* lines of examples, '\n'-separated, or NULL */
} cli_command;

/* The parsed invocation. */
struct cli {
	const cli_command *cmd;
	recip_ctx *ctx;
	int argc;                 /* positional arguments */
	char **argv;
	/* option values, parallel to the command's options then the common ones */
	struct cli_value {
		const cli_option *opt;
		bool seen;
		const char *value;
		const char **list;
		size_t n_list;
	} values[64];
	size_t n_values;
	bool json;
	bool color;
	recip_time now;           /* the clock, read once (or RECIP_NOW) */
	recip_time as_of;         /* --as-of, else now */
	const char *db_path;
	FILE *out;
};

/* The command table (main.c) and the commands of each file. */
extern const cli_command *const cli_commands[];
const cli_command *cli_find_command(const char *name);

/* Options every command takes, and those of reports. */
extern const cli_option cli_common_options[];
extern const cli_option cli_report_options[];

/* ---- reading the invocation -------------------------------------------------- */

bool cli_flag(const cli *c, const char *name);
const char *cli_value(const cli *c, const char *name);   /* NULL when not given */
size_t cli_list(const cli *c, const char *name, const char ***out);
bool cli_given(const cli *c, const char *name);

/* Parses a time option (relative to now); a date alone means its start, or
 * its end with end_of_day. Prints the error and returns -1 when bad. */
int cli_time(cli *c, const char *text, bool end_of_day, recip_time *out);
/* Resolves a party reference, printing the error (ambiguity lists the
 * candidates). */
int cli_party(cli *c, const char *reference, int64_t *out);
/* Parses an id ("12" or "#12"), printing the error. */
int cli_id(cli *c, const char *text, const char *what, int64_t *out);

/* ---- building the fields of a record from options ----------------------------- */

typedef struct field_list {
	recip_field items[96];
	size_t n;
	bool overflow;
} field_list;

void fields_add(field_list *l, const char *name, const char *value, recip_change_op op);
/* Adds the option's value (or each value of a list) as the field, when given. */
void fields_option(field_list *l, const cli *c, const char *option, const char *field, recip_change_op op);
/* Adds "yes" for a flag that was given. */
void fields_flag(field_list *l, const cli *c, const char *option, const char *field);
/* Adds a record and prints what was recorded, or its document with --json. */
int cli_add_record(cli *c, const char *entity, field_list *l, int64_t *out_id);
/* Prints a record's document (with --json) after a write. */
int cli_print_record(cli *c, const char *entity, int64_t id);

/* ---- errors and exit codes ------------------------------------------------------ */

/* Prints "recip: MESSAGE" on stderr and returns EXIT_FAIL. */
int cli_error(cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a usage error with a pointer to --help, returns EXIT_USAGE. */
int cli_usage_error(cli *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the library's last error and returns the exit code for its code. */
int cli_fail(cli *c);
int cli_exit_code(int recip_code);

/* ---- output ---------------------------------------------------------------------- */

/* Prints a document as JSON (two-space indent) on stdout. */
int cli_print_json(cli *c, json_t *doc);
/* The same, and releases the document. */
int cli_emit_json(cli *c, json_t *doc);

/* An aligned table: add columns, then rows of cells, then print. */
typedef struct table_column {
	const char *header;
	bool right;            /* right-aligned (numbers) */
} table_column;

typedef struct table {
	table_column cols[16];
	size_t n_cols;
	char **cells;          /* rows × n_cols */
	size_t n_rows, cap_rows;
} table;

void table_init(table *t);
void table_column_add(table *t, const char *header, bool right);
/* Adds a row; each cell is copied (NULL prints as "-"). */
int table_row(table *t, const char *const *cells);
void table_print(cli *c, const table *t);
void table_release(table *t);

/* Terminal styling, only when colour is on. */
const char *cli_bold(const cli *c);
const char *cli_dim(const cli *c);
const char *cli_green(const cli *c);
const char *cli_red(const cli *c);
const char *cli_yellow(const cli *c);
const char *cli_reset(const cli *c);

/* Text of JSON values for tables. */
const char *jtext(json_t *obj, const char *key);   /* "" for null */
/* "+4.25" / "-1.5" / "0" */
void fmt_balance(char *out, size_t size, double v);
/* "2026-11-23" from "2026-11-23T…", "-" for null */
const char *jday(json_t *obj, const char *key, char *out, size_t size);
/* Prints "  label: value" lines of a section. */
void cli_heading(cli *c, const char *text);

/* ---- help (help.c) ----------------------------------------------------------------- */

void cli_print_command_help(FILE *f, const cli_command *cmd);
void cli_print_overview(FILE *f);
int cli_print_man(FILE *f);
int cli_print_completion(FILE *f, const char *shell);

#endif
