/*
 * ids.h — a growable list of record ids (ids.c): what a query of ids gives
 * when the ids must be looked at after the statement is done (a statement
 * is read to its end before the per-id lookups start).
 */
#ifndef RECIP_IDS_H
#define RECIP_IDS_H

#include "internal.h"

typedef struct db_stmt db_stmt;

typedef struct id_list {
	int64_t *ids;
	size_t n, cap;
} id_list;

int id_list_push(recip_ctx *ctx, id_list *l, int64_t id);
/* Appends the first column of every row of `st`, then gives it back. */
int id_list_read(recip_ctx *ctx, db_stmt *st, id_list *l);
void id_list_release(id_list *l);

#endif
