/* cmd_backup.c — `recip backup FILE`: a consistent copy while others write. */
#include "cli.h"
#include <recip/interop.h>

static const cli_option backup_options[] = {
	{"force", 'f', OPT_FLAG, NULL, "overwrite FILE when it exists"},
	{NULL, 0, 0, NULL, NULL},
};

static int run_backup(cli *c)
{
	json_t *report;
	if (recip_backup(c->ctx, &report, c->argv[0], cli_flag(c, "force")) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		cli_print_json(c, report);
	else
		fprintf(c->out, "backed up '%s' to '%s' (%lld bytes; integrity %s, %lld roll-ups checked)\n", c->db_path,
		        jtext(report, "path"), (long long)json_integer_value(json_object_get(report, "bytes")),
		        jtext(report, "integrity"), (long long)json_integer_value(json_object_get(report, "rollups_checked")));
	json_decref(report);
	return EXIT_OK;
}

const cli_command cmd_backup = {
	.name = "backup",
	.run = run_backup,
	.flags = CMD_DB,
	.group = "Interop",
	.args = "FILE",
	.min_args = 1,
	.max_args = 1,
	.summary = "copy the database into a file, consistently, while others may be writing",
	.description = "Takes a copy with SQLite's online backup: one consistent state of the database, even while "
	               "other recip commands or servers write to it, without stopping them. The copy is then opened "
	               "and checked as 'recip check' does. FILE must not exist unless --force. For PostgreSQL use "
	               "pg_dump, or 'recip export json'.",
	.options = backup_options,
	.examples = "recip backup ~/backups/recip-$(date +%F).db\nrecip check --db ~/backups/recip-2026-11-23.db",
};
