/*
 * fields.c — turning options into the fields of a record, and the one way
 * every write command reports what it recorded.
 */
#include "cli.h"

#include <string.h>

void fields_add(field_list *l, const char *name, const char *value, recip_change_op op)
{
	if (l->n >= sizeof(l->items) / sizeof(l->items[0])) {
		l->overflow = true;
		return;
	}
	l->items[l->n++] = (recip_field){name, value, op, NULL};
}

void fields_option(field_list *l, const cli *c, const char *option, const char *field, recip_change_op op)
{
	const char **values;
	size_t n = cli_list(c, option, &values);
	if (n) {
		for (size_t i = 0; i < n; i++)
			fields_add(l, field, values[i], op);
		return;
	}
	const char *v = cli_value(c, option);
	if (v)
		fields_add(l, field, v, op);
}

void fields_flag(field_list *l, const cli *c, const char *option, const char *field)
{
	if (cli_flag(c, option))
		fields_add(l, field, "yes", RECIP_SET);
}

int cli_print_record(cli *c, const char *entity, int64_t id)
{
	json_t *doc;
	if (recip_record_get(c->ctx, &doc, entity, id) != RECIP_OK)
		return cli_fail(c);
	int rc = cli_print_json(c, doc);
	json_decref(doc);
	return rc;
}

int cli_add_record(cli *c, const char *entity, field_list *l, int64_t *out_id)
{
	if (l->overflow)
		return cli_error(c, "too many values at once");
	int64_t id;
	if (recip_record_add(c->ctx, &id, entity, l->items, l->n) != RECIP_OK)
		return cli_fail(c);
	if (out_id)
		*out_id = id;
	return EXIT_OK;
}
