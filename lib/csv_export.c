/*
 * csv_export.c — every record of one kind as CSV that recip_import_csv
 * reads back: RFC 4180 with CRLF, a header of field names (from the
 * descriptors in entities.c), fields quoted by libcsv when they need it.
 * A party reference is written as the party's id followed by a column
 * with its name ("party", "party_name"), which the importer checks against
 * each other; a party's organisation by its name. A multi-valued field
 * holds one value per line (addresses: one per paragraph), a label as
 * "[work] " in front.
 */
#include "import.h"
#include "entity.h"
#include "db.h"

#include <csv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct csv_out {
	recip_ctx *ctx;
	const recip_sink *sink;
	buf line;
	size_t n;              /* fields on the line so far */
} csv_out;

static void put(csv_out *o, const char *text)
{
	if (o->n++)
		buf_addc(&o->line, ',');
	if (!text)
		return;
	size_t len = strlen(text);
	bool quote = len && (strpbrk(text, ",\"\r\n") || text[0] == ' ' || text[len - 1] == ' ');
	if (!quote) {
		buf_add(&o->line, text, len);
		return;
	}
	/* csv_write quotes the field and doubles its quotes */
	size_t need = len * 2 + 2;
	size_t at = o->line.len;
	if (buf_add(&o->line, NULL, 0) || need > o->line.cap - at) {
		o->line.failed = true;
		return;
	}
	char *tmp = malloc(need);
	if (!tmp) {
		o->line.failed = true;
		return;
	}
	size_t written = csv_write(tmp, need, text, len);
	buf_add(&o->line, tmp, written);
	free(tmp);
}

static int end_line(csv_out *o)
{
	buf_adds(&o->line, "\r\n");
	o->n = 0;
	return sink_buf(o->ctx, o->sink, &o->line);
}

/* A number as short as it can be while reading back the same. */
static void number_text(double v, char *out, size_t size)
{
	for (int precision = 15; precision <= 17; precision++) {
		snprintf(out, size, "%.*g", precision, v);
		if (strtod(out, NULL) == v)
			return;
	}
}

/* The text of one column value as the importer reads it; NULL for none. */
static const char *value_text(db_stmt *st, int col, const field_desc *f, char *scratch, size_t size)
{
	if (db_col_null(st, col))
		return NULL;
	switch (f->type) {
	case FT_NUMBER:
		number_text(db_col_double(st, col), scratch, size);
		return scratch;
	case FT_BOOL:
		return db_col_int(st, col) ? "yes" : "no";
	case FT_TIME:
		recip_time_format(scratch, size, db_col_int(st, col));
		return scratch;
	case FT_DAYS:
		snprintf(scratch, size, "%lldd", (long long)db_col_int(st, col));
		return scratch;
	case FT_INT: case FT_PARTY: case FT_REF:
		snprintf(scratch, size, "%lld", (long long)db_col_int(st, col));
		return scratch;
	default:
		return db_col_text(st, col);
	}
}

/* A party's multi-valued fields from the statement over party_value
 * (ordered by party, field, position), which stands at the party's first
 * row or after: texts[i] for field i of the entity. */
static int multi_texts(recip_ctx *ctx, const entity_desc *e, db_stmt *values, int *state, int64_t party,
                       buf *texts)
{
	for (size_t i = 0; i < e->n_fields; i++)
		buf_reset(&texts[i]);
	while (*state == DB_ROW && db_col_int(values, 0) < party)
		*state = db_step(ctx, values);
	while (*state == DB_ROW && db_col_int(values, 0) == party) {
		const char *field = db_col_text(values, 1);
		int i = field_index(e, field);
		if (i >= 0) {
			buf *out = &texts[i];
			const char *label = db_col_text(values, 3);
			if (out->len)
				buf_adds(out, !strcmp(field, "address") ? "\n\n" : "\n");
			if (label)
				buf_printf(out, "[%s] ", label);
			buf_adds(out, db_col_text(values, 2));
			if (out->failed)
				return recip_oom(ctx);
		}
		*state = db_step(ctx, values);
	}
	return *state < 0 ? *state : RECIP_OK;
}

static int export_csv(recip_ctx *ctx, const entity_desc *e, const recip_sink *out)
{
	bool party = !strcmp(e->name, "party");
	csv_out o = {ctx, out, BUF_INIT, 0};
	buf sql = BUF_INIT, joins = BUF_INIT, multi[ENTITY_MAX_FIELDS];
	for (size_t i = 0; i < ENTITY_MAX_FIELDS; i++)
		buf_init(&multi[i], 0);
	int n_joins = 0;
	/* the header and the query side by side */
	put(&o, "id");
	buf_adds(&sql, "SELECT t.id");
	for (size_t i = 0; i < e->n_fields; i++) {
		const field_desc *f = &e->fields[i];
		if ((f->flags & F_HIDDEN) && strcmp(f->name, "source_key"))
			continue;
		put(&o, f->name);
		if (f->type == FT_PARTY) {
			buf_printf(&sql, ", p%d.name", n_joins);
			buf_printf(&joins, " LEFT JOIN party p%d ON p%d.id = t.%s", n_joins, n_joins, f->column);
			n_joins++;
			if (!party) {
				char name[64];
				snprintf(name, sizeof(name), "%s_name", f->name);
				put(&o, name);
				buf_printf(&sql, ", t.%s", f->column);
			}
		} else if (f->column) {
			buf_printf(&sql, ", t.%s", f->column);
		}
	}
	buf_printf(&sql, " FROM %s t%s ORDER BY t.id", e->table, joins.data);
	buf_release(&joins);
	int rc = sql.failed ? recip_oom(ctx) : end_line(&o);
	db_stmt *st = NULL, *values = NULL;
	int values_state = DB_DONE;
	if (!rc)
		rc = db_query(ctx, &st, sql.data, "");
	if (!rc && party) {
		rc = db_query(ctx, &values,
		              "SELECT party_id, field, value, label FROM party_value ORDER BY party_id, field" DB_BYTE_ORDER
		              ", position",
		              "");
		if (!rc)
			values_state = db_step(ctx, values);
	}
	buf_release(&sql);
	int step = DB_DONE;
	while (!rc && (step = db_step(ctx, st)) == DB_ROW) {
		char scratch[64];
		int64_t id = db_col_int(st, 0);
		snprintf(scratch, sizeof(scratch), "%lld", (long long)id);
		put(&o, scratch);
		int col = 1;
		if (party)
			rc = multi_texts(ctx, e, values, &values_state, id, multi);
		for (size_t i = 0; i < e->n_fields && !rc; i++) {
			const field_desc *f = &e->fields[i];
			if ((f->flags & F_HIDDEN) && strcmp(f->name, "source_key"))
				continue;
			if (f->flags & F_MULTI) {
				put(&o, multi[i].data);
			} else if (f->type == FT_PARTY && party) {
				put(&o, db_col_text(st, col++));
			} else if (f->type == FT_PARTY) {
				const char *name = db_col_text(st, col++);
				put(&o, value_text(st, col++, f, scratch, sizeof(scratch)));
				put(&o, name);
			} else {
				put(&o, value_text(st, col++, f, scratch, sizeof(scratch)));
			}
		}
		if (!rc)
			rc = end_line(&o);
	}
	if (!rc && step < 0)
		rc = step;
	db_done(st);
	db_done(values);
	for (size_t i = 0; i < ENTITY_MAX_FIELDS; i++)
		buf_release(&multi[i]);
	buf_release(&o.line);
	return rc;
}

int recip_export_csv(recip_ctx *ctx, const char *entity, const recip_sink *out)
{
	const entity_desc *e = entity_find(entity);
	if (!e)
		return recip_fail(ctx, RECIP_EINVAL, "unknown kind of record '%s'", entity ? entity : "");
	/* one snapshot: parties and their values agree while others write */
	bool own;
	int rc = db_read_begin(ctx, &own);
	if (rc)
		return rc;
	rc = export_csv(ctx, e, out);
	db_read_end(ctx, own);
	return rc;
}
