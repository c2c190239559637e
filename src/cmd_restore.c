/* cmd_restore.c — `recip restore FILE`: a JSON export into a new database. */
#include "cli.h"
#include <recip/interop.h>

#include <errno.h>
#include <string.h>

static int run_restore(cli *c)
{
	const char *path = c->argv[0];
	FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
	if (!f)
		return cli_error(c, "cannot open '%s': %s", path, strerror(errno));
	recip_source in;
	recip_source_stdio(&in, f, strcmp(path, "-") ? path : "stdin");
	json_t *report = NULL;
	int rc = recip_restore(c->ctx, &report, c->db_path, &in);
	if (f != stdin)
		fclose(f);
	if (rc != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		cli_print_json(c, report);
	else
		fprintf(c->out, "restored '%s' into '%s': %lld rows in %lld tables (schema %lld)\n", path, c->db_path,
		        (long long)json_integer_value(json_object_get(report, "rows")),
		        (long long)json_integer_value(json_object_get(report, "tables")),
		        (long long)json_integer_value(json_object_get(report, "schema")));
	json_decref(report);
	return EXIT_OK;
}

const cli_command cmd_restore = {
	.name = "restore",
	.run = run_restore,
	.flags = CMD_CREATE,
	.group = "Interop",
	.args = "FILE",
	.min_args = 1,
	.max_args = 1,
	.summary = "restore a JSON export into a new, empty database",
	.description = "Reads what 'recip export json' wrote (FILE '-' reads standard input) into the database "
	               "named by --db or RECIP_DB, which must not exist yet or be empty. Ids, the audit trail and "
	               "every table come back as they were; the roll-ups are recomputed. An export made by an older "
	               "recip is restored at its schema and then upgraded. Nothing is left behind when it fails.",
	.examples = "recip export json -o all.json && recip restore all.json --db copy.db",
};
