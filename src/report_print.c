/* report_print.c — the one way a report command ends: JSON for programs, text for people. */
#include "report_print.h"

int report_print(cli *c, json_t *doc, void (*as_text)(cli *c, json_t *doc))
{
	int rc = EXIT_OK;
	if (c->json)
		rc = cli_print_json(c, doc);
	else
		as_text(c, doc);
	json_decref(doc);
	return rc;
}
