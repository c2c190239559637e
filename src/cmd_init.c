/* cmd_init.c — `recip init`: create the database (and its directory). */
#include "cli.h"

#include <string.h>
#include <unistd.h>

static int run_init(cli *c)
{
	int version = 0;
	recip_schema_version(c->ctx, &version);
	if (c->json) {
		json_t *doc = json_pack("{s:s, s:s, s:i}", "database", c->db_path, "backend", recip_backend(c->ctx),
		                        "schema_version", version);
		int rc = doc ? cli_print_json(c, doc) : cli_error(c, "out of memory");
		json_decref(doc);
		return rc;
	}
	fprintf(c->out, "recip database '%s' is ready (schema %d)\n", c->db_path, version);
	return EXIT_OK;
}

const cli_command cmd_init = {
	.name = "init",
	.run = run_init,
	.flags = CMD_DB | CMD_CREATE,
	.group = "Setup",
	.args = NULL,
	.min_args = 0,
	.max_args = 0,
	.summary = "create the database, or upgrade an older one",
	.description = "Creates the database at --db, $RECIP_DB or the XDG default (and the directories it "
	               "needs). On an existing database it checks that it is a recip database and upgrades "
	               "an older schema in place, after keeping a copy (next to an SQLite file; back up a PostgreSQL database "
	               "with pg_dump first). Running it again changes nothing.",
	.options = NULL,
	.examples = "recip init\nrecip init --db ~/shop.db\nrecip init --db postgresql://recip@db.example.com/recip",
};
