/* ids.c — a growable list of record ids (see ids.h). */
#include "ids.h"
#include "db.h"

#include <stdlib.h>
#include <string.h>

int id_list_push(recip_ctx *ctx, id_list *l, int64_t id)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		int64_t *grown = realloc(l->ids, cap * sizeof(*grown));
		if (!grown)
			return recip_oom(ctx);
		l->ids = grown;
		l->cap = cap;
	}
	l->ids[l->n++] = id;
	return RECIP_OK;
}

int id_list_read(recip_ctx *ctx, db_stmt *st, id_list *l)
{
	int rc;
	while ((rc = db_step(ctx, st)) == DB_ROW)
		if ((rc = id_list_push(ctx, l, db_col_int(st, 0))))
			break;
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

void id_list_release(id_list *l)
{
	free(l->ids);
	memset(l, 0, sizeof(*l));
}
