/* cmd_config.c — `recip config`: the settings in force and where each came from. */
#include "cli.h"

static int run_config(cli *c)
{
	json_t *doc;
	if (recip_config_report(c->ctx, &doc) != RECIP_OK)
		return cli_fail(c);
	if (c->json)
		return cli_emit_json(c, doc);
	table t;
	table_init(&t);
	table_column_add(&t, "setting", false);
	table_column_add(&t, "value", true);
	table_column_add(&t, "from", false);
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(doc, "settings"), i, s)
	{
		char value[32];
		snprintf(value, sizeof(value), "%g%s", json_number_value(json_object_get(s, "value")),
		         json_object_get(s, "unit") ? "d" : "");
		const char *cells[] = {jtext(s, "name"), value, jtext(s, "source")};
		table_row(&t, cells);
	}
	json_array_foreach(json_object_get(doc, "kinds"), i, s)
	{
		char name[64], value[32];
		snprintf(name, sizeof(name), "kinds.%s", jtext(s, "kind"));
		snprintf(value, sizeof(value), "%g", json_number_value(json_object_get(s, "value")));
		const char *cells[] = {name, value, jtext(s, "source")};
		table_row(&t, cells);
	}
	json_array_foreach(json_object_get(doc, "cadences"), i, s)
	{
		char name[64], value[32];
		snprintf(name, sizeof(name), "cadence.%s", jtext(s, "role"));
		snprintf(value, sizeof(value), "%lldd", (long long)json_integer_value(json_object_get(s, "days")));
		const char *cells[] = {name, value, jtext(s, "source")};
		table_row(&t, cells);
	}
	json_array_foreach(json_object_get(doc, "triggers"), i, s)
	{
		char name[64];
		snprintf(name, sizeof(name), "triggers.%s", jtext(s, "trigger"));
		const char *cells[] = {name, json_is_true(json_object_get(s, "on")) ? "on" : "off", jtext(s, "source")};
		table_row(&t, cells);
	}
	table_print(c, &t);
	table_release(&t);
	json_decref(doc);
	return EXIT_OK;
}

const cli_command cmd_config = {
	.name = "config",
	.run = run_config,
	.flags = 0,
	.group = "Setup",
	.min_args = 0,
	.max_args = 0,
	.summary = "show the settings in force and where each came from",
	.description = "Settings come from the built-in defaults, then the configuration file "
	               "($XDG_CONFIG_HOME/recip/config.ini, or --config / $RECIP_CONFIG). A bad value is an error "
	               "naming the file, the line and the key. See CONFIGURATION in recip(1) for every setting.",
	.examples = "recip config\nrecip config --config ./cafe.ini --json",
};
