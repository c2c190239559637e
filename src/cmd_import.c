/*
 * cmd_import.c — `recip import KIND FILE`: CSV of parties or ledger
 * entries, or vCards, into the database, with a progress bar on a
 * terminal. The library does the work (recip_import_csv/vcard); this file
 * reads the options, draws the bar and prints the report.
 */
#include "cli.h"
#include <recip/interop.h>

#include <errno.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

static const cli_option import_options[] = {
	{"map", 0, OPT_LIST, "COLUMN=FIELD", "read a column as this field (\"Work email=email:work\"; \"Notes=-\" ignores it)"},
	{"dry-run", 'n', OPT_FLAG, NULL, "show what would be imported and merged, and write nothing"},
	{"skip-bad", 0, OPT_FLAG, NULL, "import the good rows and list the bad ones (default: a bad row stops it all)"},
	{"update", 0, OPT_FLAG, NULL, "parties: values in the file replace different ones (default: kept)"},
	{"encoding", 0, OPT_VALUE, "CHARSET", "the file's character set when it is not UTF-8 (cp1252, latin1 …)"},
	{"delimiter", 0, OPT_VALUE, "CHAR", "CSV: ',', ';' or 'tab' (default: detected from the header)"},
	{NULL, 0, 0, NULL, NULL},
};

/* ---- the progress bar ------------------------------------------------------------- */

typedef struct progress {
	struct timespec start, last;
	bool shown;
} progress;

static double seconds_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* Draws on stderr, which the caller only asks for on a terminal; at most
 * ten times a second. The library calls every few thousand rows, so a
 * small import shows nothing, and the bar is cleared at the end. */
static void draw_progress(void *arg, int64_t rows, int64_t bytes, int64_t total)
{
	progress *p = arg;
	if (p->shown && seconds_since(&p->last) < 0.1)
		return;
	clock_gettime(CLOCK_MONOTONIC, &p->last);
	p->shown = true;
	double elapsed = seconds_since(&p->start);
	double rate = rows / (elapsed > 0.001 ? elapsed : 0.001);
	char bar[24] = "";
	char eta[32] = "";
	if (total > 0) {
		double done = (double)bytes / (double)total;
		int filled = (int)(done * 20 + 0.5);
		for (int i = 0; i < 20; i++)
			bar[i] = i < filled ? '#' : '.';
		bar[20] = '\0';
		if (done > 0.001) {
			long left = (long)(elapsed * (1 - done) / done + 0.5);
			snprintf(eta, sizeof(eta), "  ETA %ld:%02ld", left / 60, left % 60);
		}
		fprintf(stderr, "\r[%s] %3d%%  %lld rows  %.0f rows/s%s\033[K", bar, (int)(done * 100), (long long)rows,
		        rate, eta);
	} else {
		fprintf(stderr, "\r%lld rows  %.0f rows/s\033[K", (long long)rows, rate);
	}
	fflush(stderr);
}

/* ---- printing the report ------------------------------------------------------------ */

static void print_listed(cli *c, json_t *report, const char *key, const char *heading)
{
	json_t *items = json_object_get(report, key);
	if (!json_array_size(items))
		return;
	cli_heading(c, heading);
	table t;
	table_init(&t);
	table_column_add(&t, "line", true);
	table_column_add(&t, "reason", false);
	size_t i;
	json_t *item;
	json_array_foreach(items, i, item) {
		char line[32];
		snprintf(line, sizeof(line), "%lld", (long long)json_integer_value(json_object_get(item, "line")));
		const char *cells[] = {line, jtext(item, "reason")};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
	char count_key[32];
	snprintf(count_key, sizeof(count_key), "%s_count", !strcmp(key, "bad") ? "bad" : "warning");
	int64_t all = json_integer_value(json_object_get(report, count_key));
	if (all > (int64_t)json_array_size(items))
		fprintf(c->out, "… and %lld more\n", (long long)(all - (int64_t)json_array_size(items)));
}

static void print_merges(cli *c, json_t *report)
{
	json_t *merges = json_object_get(report, "merges");
	bool any = false;
	size_t i;
	json_t *m;
	json_array_foreach(merges, i, m) {
		json_t *changes = json_object_get(m, "changes");
		if (!json_array_size(changes))
			continue;
		if (!any)
			cli_heading(c, "merged into parties already there");
		any = true;
		fprintf(c->out, "line %lld: %s → #%lld %s (same %s)\n", (long long)json_integer_value(json_object_get(m, "line")),
		        jtext(m, "name"), (long long)json_integer_value(json_object_get(m, "party")), jtext(m, "party_name"),
		        jtext(m, "by"));
		size_t k;
		json_t *change;
		json_array_foreach(changes, k, change) fprintf(c->out, "    %s\n", json_string_value(change));
	}
}

static long long count(json_t *report, const char *key)
{
	return (long long)json_integer_value(json_object_get(report, key));
}

static void print_report(cli *c, json_t *report, bool vcard)
{
	bool dry = json_is_true(json_object_get(report, "dry_run"));
	print_merges(c, report);
	print_listed(c, report, "warnings", "warnings");
	print_listed(c, report, "bad", dry ? "bad rows" : "skipped rows");
	fprintf(c->out, "%s '%s': %lld %s, %lld %s, %lld merged, %lld unchanged", dry ? "dry run of" : "imported",
	        jtext(report, "source"), count(report, vcard ? "contacts" : "rows"), vcard ? "contacts" : "rows",
	        count(report, "added"), dry ? "to add" : "added", count(report, "merged"), count(report, "unchanged"));
	if (count(report, "duplicates"))
		fprintf(c->out, ", %lld already there", count(report, "duplicates"));
	if (count(report, "bad_count"))
		fprintf(c->out, ", %lld bad%s", count(report, "bad_count"), dry ? "" : " (skipped)");
	fprintf(c->out, "%s\n", dry ? "; nothing was written" : "");
}

/* ---- the command ------------------------------------------------------------------------- */

static int run_import(cli *c)
{
	const char *kind = c->argv[0], *path = c->argv[1];
	bool vcard = !strcasecmp(kind, "vcard") || !strcasecmp(kind, "vcards");
	recip_import_options opt = {0};
	const char **maps;
	opt.n_map = cli_list(c, "map", &maps);
	opt.map = maps;
	opt.dry_run = cli_flag(c, "dry-run");
	opt.skip_bad = cli_flag(c, "skip-bad");
	opt.update = cli_flag(c, "update");
	opt.encoding = cli_value(c, "encoding");
	const char *delimiter = cli_value(c, "delimiter");
	if (delimiter) {
		if (!strcmp(delimiter, "tab") || !strcmp(delimiter, "\\t"))
			opt.delimiter = '\t';
		else if (strlen(delimiter) == 1 && strchr(",;\t|", delimiter[0]))
			opt.delimiter = delimiter[0];
		else
			return cli_usage_error(c, "bad delimiter '%s' (',', ';', '|' or 'tab')", delimiter);
	}
	if (vcard && opt.n_map)
		return cli_usage_error(c, "--map is for CSV files");
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return cli_error(c, "cannot open '%s': %s", path, strerror(errno));
	recip_source in;
	recip_source_stdio(&in, f, strcmp(path, "-") ? path : "stdin");
	progress bar = {0};
	if (isatty(STDERR_FILENO)) {
		clock_gettime(CLOCK_MONOTONIC, &bar.start);
		opt.progress = draw_progress;
		opt.progress_arg = &bar;
	}
	json_t *report = NULL;
	int rc = vcard ? recip_import_vcard(c->ctx, &report, &in, &opt) : recip_import_csv(c->ctx, &report, kind, &in, &opt);
	if (bar.shown)
		fputs("\r\033[K", stderr);
	if (f != stdin)
		fclose(f);
	int exit_code = EXIT_OK;
	if (rc != RECIP_OK) {
		/* a dry run lists every bad row, also when they would stop the import */
		if (c->json && report)
			cli_print_json(c, report);
		else if (report && opt.dry_run)
			print_report(c, report, vcard);
		exit_code = cli_fail(c);
	} else if (c->json) {
		cli_print_json(c, report);
	} else {
		print_report(c, report, vcard);
	}
	json_decref(report);
	return exit_code;
}

const cli_command cmd_import = {
	.name = "import",
	.run = run_import,
	.flags = CMD_DB | CMD_WRITE,
	.group = "Interop",
	.args = "KIND FILE",
	.min_args = 2,
	.max_args = 2,
	.summary = "import parties or ledger entries from CSV, or contacts from vCards",
	.description =
		"KIND is 'vcard' for a vCard file (2.1, 3.0 or 4.0), or the kind of record a CSV file holds: parties, "
		"exchanges, touches, visits, asks, promises, referrals, reviews, nps, projects or facts. FILE '-' reads "
		"standard input. The CSV header names the columns by field name (see 'recip export KIND' for a file "
		"that imports back); --map names others. Every row is checked; a bad row stops the whole import and "
		"nothing is written, unless --skip-bad. Importing the same file twice adds nothing: ledger rows carry a "
		"key (a source_key column, else a digest of the row), and a party or contact that matches one already "
		"there (by external_id, email, phone, or exact name) is merged into it instead of duplicated.",
	.options = import_options,
	.examples = "recip import parties customers.csv --map \"E-mail=email\" --map \"Company=org\"\n"
	            "recip import exchanges history.csv --dry-run\n"
	            "recip import visits till.csv --skip-bad --encoding cp1252\n"
	            "recip import vcard contacts.vcf --dry-run",
};
