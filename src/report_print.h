/* report_print.h — the one way a report command ends (report_print.c). */
#ifndef RECIP_REPORT_PRINT_H
#define RECIP_REPORT_PRINT_H

#include "cli.h"

/* Prints a report's document as it is with --json, else with as_text for
 * people; frees the document either way and returns the exit code. */
int report_print(cli *c, json_t *doc, void (*as_text)(cli *c, json_t *doc));

#endif
