/*
 * dump.c — the whole database as versioned JSON Lines, and back
 * (docs/export-format.md).
 *
 * The export is a header line, then for each table a line naming it and
 * its columns followed by one line per row (an array of values), then a
 * trailer with the counts, which tells a complete file from a cut one. It
 * streams: a database of any size is written and restored a row at a time.
 * Tables come in an order in which every row's references precede it
 * (parties' organisations excepted: they are set once all parties are in),
 * rows by primary key, so the same database always gives the same bytes —
 * on either backend — and export → restore → export is byte-identical.
 *
 * The tables and their columns are listed here, not read from the
 * database: the format is a contract (a test compares the list with the
 * schema). Roll-ups are derived data: not exported, recomputed on restore.
 */
#include "import.h"
#include "db.h"
#include "rollup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXPORT_FORMAT "recip-export"
#define EXPORT_VERSION 1

/* store.c: opens (creating at a given schema version when missing). */
int store_open(recip_ctx *ctx, const char *address, unsigned flags, int target);

typedef struct table_spec {
	const char *name;
	const char *columns;   /* "name:type" separated by spaces; types i (integer), d (double), t (text) */
	const char *order;     /* text sorted by code point (DB_BYTE_ORDER): the same on both backends */
	const char *deferred;  /* a column referring to the same table: set after all its rows */
} table_spec;

/* Every table of the current schema but those left out below, in
 * dependency order. A migration that adds a table or column adds it here. */
static const table_spec tables[] = {
	{"meta", "key:t value:t", "key" DB_BYTE_ORDER, NULL},
	{"party",
	 "id:i kind:t name:t name_key:t org_id:i title:t birthday:t anniversary:t notes:t cadence_days:i "
	 "credibility:i archived:i external_id:t created_at:i updated_at:i",
	 "id", "org_id"},
	{"party_value", "party_id:i field:t value:t value_key:t label:t position:i",
	 "party_id, field" DB_BYTE_ORDER ", position", NULL},
	{"fact", "id:i party_id:i key:t key_norm:t value:t created_at:i updated_at:i", "id", NULL},
	{"ask",
	 "id:i party_id:i direction:t what:t status:t forced:i at:i resolved_at:i note:t source_key:t created_at:i",
	 "id", NULL},
	{"exchange",
	 "id:i party_id:i direction:t kind:t value:d personal:i unexpected:i at:i note:t ask_id:i source_key:t "
	 "created_at:i",
	 "id", NULL},
	{"touch", "id:i party_id:i channel:t purpose:t initiator:t at:i note:t source_key:t created_at:i", "id", NULL},
	{"visit", "id:i party_id:i at:i amount:d note:t source_key:t created_at:i", "id", NULL},
	{"promise",
	 "id:i party_id:i what:t at:i due_at:i status:t resolved_at:i note:t source_key:t created_at:i", "id", NULL},
	{"referral",
	 "id:i referrer_id:i party_id:i status:t at:i resolved_at:i note:t source_key:t created_at:i", "id", NULL},
	{"review",
	 "id:i party_id:i platform:t rating:i url:t at:i note:t ask_id:i source_key:t created_at:i", "id", NULL},
	{"nps", "id:i party_id:i score:i at:i comment:t followed_up_at:i source_key:t created_at:i", "id", NULL},
	{"project",
	 "id:i party_id:i name:t size:t status:t at:i ended_at:i forced:i note:t source_key:t created_at:i", "id",
	 NULL},
	{"profile_value", "field:t value:t value_key:t position:i", "field" DB_BYTE_ORDER ", position", NULL},
	{"moment_dismissal", "moment_key:t at:i actor:t", "moment_key" DB_BYTE_ORDER, NULL},
	{"audit", "id:i at:i actor:t action:t entity:t entity_id:i party_id:i before_json:t after_json:t", "id", NULL},
	{"app_user",
	 "id:i name:t name_key:t role:t password_hash:t feed_lookup:t feed_hash:t created_at:i updated_at:i", "id",
	 NULL},
	{"api_token", "id:i user_id:i label:t lookup:t secret_hash:t created_at:i revoked_at:i", "id", NULL},
};

#define N_TABLES (sizeof(tables) / sizeof(tables[0]))

/* Tables left out: computed from the others (roll-ups), or sessions, which
 * end with a move: people sign in again. */
static const char *const derived_tables[] = {"party_rollup", "party_engine", "visit_weekday", "party_annual",
                                             "app_session", NULL};

const char *dump_table_name(size_t i);
const char *dump_table_columns(size_t i);
bool dump_table_derived(const char *name);

/* For the test that compares the list with the schema. */
const char *dump_table_name(size_t i)
{
	return i < N_TABLES ? tables[i].name : NULL;
}

const char *dump_table_columns(size_t i)
{
	return i < N_TABLES ? tables[i].columns : NULL;
}

bool dump_table_derived(const char *name)
{
	for (size_t i = 0; derived_tables[i]; i++)
		if (!strcmp(derived_tables[i], name))
			return true;
	return false;
}

#define MAX_COLUMNS 32

typedef struct column_list {
	char names[MAX_COLUMNS][40];
	char types[MAX_COLUMNS];
	size_t n;
} column_list;

static void parse_columns(const char *spec, column_list *out)
{
	out->n = 0;
	const char *p = spec;
	while (*p && out->n < MAX_COLUMNS) {
		size_t len = strcspn(p, " ");
		const char *colon = memchr(p, ':', len);
		assert(colon);
		size_t name_len = (size_t)(colon - p);
		snprintf(out->names[out->n], sizeof(out->names[0]), "%.*s", (int)name_len, p);
		out->types[out->n] = colon[1];
		out->n++;
		p += len;
		while (*p == ' ')
			p++;
	}
}

static const table_spec *find_table(const char *name)
{
	for (size_t i = 0; i < N_TABLES; i++)
		if (!strcmp(tables[i].name, name))
			return &tables[i];
	return NULL;
}

/* ---- export ------------------------------------------------------------------------ */

/* A number as short as it can be while reading back the same, and always
 * with a '.' or an exponent so that it reads back as a real. */
static void real_text(double v, char *out, size_t size)
{
	for (int precision = 15; precision <= 17; precision++) {
		snprintf(out, size, "%.*g", precision, v);
		if (strtod(out, NULL) == v)
			break;
	}
	if (!strpbrk(out, ".eEn"))
		strncat(out, ".0", size - strlen(out) - 1);
}

static int put_json(recip_ctx *ctx, buf *line, json_t *value)
{
	if (!value)
		return recip_oom(ctx);
	char *text = json_dumps(value, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	json_decref(value);
	if (!text)
		return recip_oom(ctx);
	buf_adds(line, text);
	free(text);
	return line->failed ? recip_oom(ctx) : RECIP_OK;
}

static int export_table(recip_ctx *ctx, const recip_sink *out, const table_spec *t, buf *line, int64_t *rows)
{
	column_list cols;
	parse_columns(t->columns, &cols);
	json_t *names = json_array();
	buf sql = BUF_INIT;
	buf_adds(&sql, "SELECT ");
	for (size_t i = 0; i < cols.n; i++) {
		buf_printf(&sql, "%s%s", i ? ", " : "", cols.names[i]);
		if (jappend(names, json_string(cols.names[i]))) {
			json_decref(names);
			names = NULL;
		}
	}
	buf_printf(&sql, " FROM %s ORDER BY %s", t->name, t->order);
	int rc = names && !sql.failed ? RECIP_OK : recip_oom(ctx);
	if (!rc)
		rc = put_json(ctx, line, json_pack("{s:s, s:O}", "table", t->name, "columns", names));
	json_decref(names);
	if (!rc && !buf_addc(line, '\n'))
		rc = sink_buf(ctx, out, line);
	db_stmt *st = NULL;
	if (!rc)
		rc = db_query(ctx, &st, sql.data, "");
	buf_release(&sql);
	int step = DB_DONE;
	while (!rc && (step = db_step(ctx, st)) == DB_ROW) {
		buf_addc(line, '[');
		for (size_t i = 0; i < cols.n && !rc; i++) {
			if (i)
				buf_addc(line, ',');
			if (db_col_null(st, (int)i)) {
				buf_adds(line, "null");
			} else if (cols.types[i] == 'i') {
				buf_printf(line, "%lld", (long long)db_col_int(st, (int)i));
			} else if (cols.types[i] == 'd') {
				char number[40];
				real_text(db_col_double(st, (int)i), number, sizeof(number));
				buf_adds(line, number);
			} else {
				const char *text = db_col_text(st, (int)i);
				json_t *s = json_string(text);
				if (!s)
					rc = recip_fail(ctx, RECIP_EINVAL, "table %s holds text that is not UTF-8 ('%.40s')",
					                t->name, text);
				else
					rc = put_json(ctx, line, s);
			}
		}
		buf_adds(line, "]\n");
		if (!rc)
			rc = sink_buf(ctx, out, line);
		(*rows)++;
	}
	if (!rc && step < 0)
		rc = step;
	db_done(st);
	return rc;
}

int recip_export_json(recip_ctx *ctx, const recip_sink *out)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	/* one snapshot: a consistent state even while others write */
	bool own;
	int rc = db_read_begin(ctx, &own);
	if (rc)
		return rc;
	int schema = 0;
	rc = schema_read_version(ctx, &schema);
	buf line = BUF_INIT;
	if (!rc)
		rc = put_json(ctx, &line, json_pack("{s:s, s:i, s:i, s:s}", "format", EXPORT_FORMAT, "version",
		                                    EXPORT_VERSION, "schema", schema, "recip", recip_version()));
	if (!rc && !buf_addc(&line, '\n'))
		rc = sink_buf(ctx, out, &line);
	int64_t rows = 0;
	int exported = 0;
	for (size_t i = 0; i < N_TABLES && !rc; i++) {
		/* a database of an older schema lacks the later tables */
		bool present;
		rc = ctx->db->ops->has_table(ctx, tables[i].name, &present);
		if (!rc && present) {
			rc = export_table(ctx, out, &tables[i], &line, &rows);
			exported++;
		}
	}
	if (!rc)
		rc = put_json(ctx, &line, json_pack("{s:s, s:i, s:I}", "end", EXPORT_FORMAT, "tables", exported, "rows",
		                                    (json_int_t)rows));
	if (!rc && !buf_addc(&line, '\n'))
		rc = sink_buf(ctx, out, &line);
	buf_release(&line);
	db_read_end(ctx, own);
	return rc;
}

/* ---- restore ----------------------------------------------------------------------- */

typedef struct deferred_value {
	int64_t id, value;
} deferred_value;

typedef struct restore {
	recip_ctx *ctx;
	const recip_source *in;
	reader rd;
	const table_spec *table;      /* the table whose rows come now */
	column_list cols;             /* the file's columns of it */
	int id_column, deferred_column;
	db_stmt *insert;
	deferred_value *deferred;
	size_t n_deferred, cap_deferred;
	int64_t rows, tables;
	bool ended;
} restore;

static int bad_line(restore *r, const char *why)
{
	return recip_fail(r->ctx, RECIP_EINVAL, "line %lld of '%s': %s", (long long)r->rd.line, r->in->name, why);
}

static int apply_deferred(restore *r)
{
	int rc = RECIP_OK;
	for (size_t i = 0; i < r->n_deferred && !rc; i++) {
		buf sql = BUF_INIT;
		buf_printf(&sql, "UPDATE %s SET %s = ? WHERE id = ?", r->table->name, r->table->deferred);
		rc = sql.failed ? recip_oom(r->ctx) : db_run(r->ctx, sql.data, "ii", r->deferred[i].value, r->deferred[i].id);
		buf_release(&sql);
	}
	r->n_deferred = 0;
	return rc;
}

static int end_table(restore *r)
{
	int rc = RECIP_OK;
	if (r->table && r->table->deferred)
		rc = apply_deferred(r);
	db_done(r->insert);
	r->insert = NULL;
	r->table = NULL;
	return rc;
}

static int start_table(restore *r, json_t *doc)
{
	int rc = end_table(r);
	if (rc)
		return rc;
	const char *name = json_string_value(json_object_get(doc, "table"));
	json_t *columns = json_object_get(doc, "columns");
	const table_spec *t = name ? find_table(name) : NULL;
	if (!t) {
		char why[120];
		snprintf(why, sizeof(why), "unknown table '%.60s'", name ? name : "");
		return bad_line(r, why);
	}
	column_list known;
	parse_columns(t->columns, &known);
	if (!json_is_array(columns) || json_array_size(columns) == 0 || json_array_size(columns) > MAX_COLUMNS)
		return bad_line(r, "a table without its columns");
	r->cols.n = 0;
	r->id_column = r->deferred_column = -1;
	buf sql = BUF_INIT, marks = BUF_INIT;
	buf_printf(&sql, "INSERT INTO %s (", t->name);
	for (size_t i = 0; i < json_array_size(columns); i++) {
		const char *col = json_string_value(json_array_get(columns, i));
		size_t k = 0;
		while (col && k < known.n && strcmp(known.names[k], col))
			k++;
		if (!col || k == known.n) {
			buf_release(&sql);
			buf_release(&marks);
			char why[160];
			snprintf(why, sizeof(why), "table %s has no column '%.60s'", t->name, col ? col : "");
			return bad_line(r, why);
		}
		snprintf(r->cols.names[i], sizeof(r->cols.names[0]), "%s", col);
		r->cols.types[i] = known.types[k];
		r->cols.n++;
		if (!strcmp(col, "id"))
			r->id_column = (int)i;
		if (t->deferred && !strcmp(col, t->deferred))
			r->deferred_column = (int)i;
		buf_printf(&sql, "%s%s", i ? ", " : "", col);
		buf_adds(&marks, i ? ", ?" : "?");
	}
	buf_printf(&sql, ") VALUES (%s)", marks.data);
	/* meta already holds what a new database writes: the export's wins */
	if (!strcmp(t->name, "meta"))
		buf_adds(&sql, " ON CONFLICT (key) DO UPDATE SET value = excluded.value");
	buf_release(&marks);
	rc = sql.failed ? recip_oom(r->ctx) : db_prepare(r->ctx, &r->insert, sql.data);
	buf_release(&sql);
	if (!rc && t->deferred && r->deferred_column >= 0 && r->id_column < 0)
		rc = bad_line(r, "a table whose rows refer to each other needs its id column");
	if (!rc) {
		r->table = t;
		r->tables++;
	}
	return rc;
}

static int restore_row(restore *r, json_t *row)
{
	if (!r->table)
		return bad_line(r, "a row before any table");
	if (json_array_size(row) != r->cols.n)
		return bad_line(r, "a row whose number of values differs from its table's columns");
	db_stmt *st = r->insert;
	db_reset(st);
	int rc = RECIP_OK;
	for (size_t i = 0; i < r->cols.n && !rc; i++) {
		json_t *v = json_array_get(row, i);
		int idx = (int)i + 1;
		if ((int)i == r->deferred_column && !json_is_null(v)) {
			if (!json_is_integer(v) || !json_is_integer(json_array_get(row, (size_t)r->id_column)))
				return bad_line(r, "an id that is not a number");
			if (r->n_deferred == r->cap_deferred) {
				size_t cap = r->cap_deferred ? r->cap_deferred * 2 : 64;
				deferred_value *grown = realloc(r->deferred, cap * sizeof(deferred_value));
				if (!grown)
					return recip_oom(r->ctx);
				r->deferred = grown;
				r->cap_deferred = cap;
			}
			r->deferred[r->n_deferred++] = (deferred_value){
				json_integer_value(json_array_get(row, (size_t)r->id_column)), json_integer_value(v)};
			rc = db_bind_null(st, idx);
		} else if (json_is_null(v)) {
			rc = db_bind_null(st, idx);
		} else if (json_is_integer(v) && r->cols.types[i] != 't') {
			rc = db_bind_int(st, idx, json_integer_value(v));
		} else if (json_is_real(v) && r->cols.types[i] == 'd') {
			rc = db_bind_double(st, idx, json_real_value(v));
		} else if (json_is_string(v) && r->cols.types[i] == 't') {
			rc = db_bind_text(st, idx, json_string_value(v));
		} else {
			char why[160];
			snprintf(why, sizeof(why), "the value of %s.%s has the wrong type", r->table->name, r->cols.names[i]);
			return bad_line(r, why);
		}
		if (rc)
			return recip_fail(r->ctx, RECIP_EDB, "storage: cannot bind parameter %d", idx);
	}
	rc = db_step(r->ctx, st);
	db_reset(st);
	if (rc < 0) {
		char why[sizeof(r->ctx->errmsg)];
		snprintf(why, sizeof(why), "%s", recip_errmsg(r->ctx));
		return bad_line(r, why);
	}
	r->rows++;
	return RECIP_OK;
}

static int read_header(restore *r, int *schema)
{
	const char *s;
	size_t len;
	int rc = reader_line(&r->rd, &s, &len);
	if (rc)
		return rc;
	if (!s)
		return recip_fail(r->ctx, RECIP_EINVAL, "'%s' is empty", r->in->name);
	json_t *doc = json_loadb(s, len, 0, NULL);
	const char *format = json_string_value(json_object_get(doc, "format"));
	bool ours = format && !strcmp(format, EXPORT_FORMAT);
	json_int_t version = json_integer_value(json_object_get(doc, "version"));
	*schema = (int)json_integer_value(json_object_get(doc, "schema"));
	json_decref(doc);
	if (!ours)
		return recip_fail(r->ctx, RECIP_EINVAL, "'%s' is not a recip JSON export (made by 'recip export json')",
		                  r->in->name);
	if (version < 1 || version > EXPORT_VERSION)
		return recip_fail(r->ctx, RECIP_EVERSION, "'%s' is in export format %lld, which this recip (%s) does not know",
		                  r->in->name, (long long)version, recip_version());
	if (*schema < 1 || *schema > schema_version_current())
		return recip_fail(r->ctx, RECIP_EVERSION,
		                  "'%s' holds schema %d, newer than this recip (%s) knows (%d); use a newer recip",
		                  r->in->name, *schema, recip_version(), schema_version_current());
	return RECIP_OK;
}

static int read_rows(restore *r)
{
	const char *s;
	size_t len;
	int rc;
	while (!(rc = reader_line(&r->rd, &s, &len)) && s) {
		if (r->ended)
			return bad_line(r, "more after the end");
		json_error_t error;
		json_t *doc = json_loadb(s, len, 0, &error);
		if (!doc) {
			char why[220];
			snprintf(why, sizeof(why), "not JSON (%s)", error.text);
			return bad_line(r, why);
		}
		if (json_is_array(doc)) {
			rc = restore_row(r, doc);
		} else if (json_object_get(doc, "table")) {
			rc = start_table(r, doc);
		} else if (json_object_get(doc, "end")) {
			rc = end_table(r);
			json_int_t rows = json_integer_value(json_object_get(doc, "rows"));
			if (!rc && rows != r->rows) {
				char why[120];
				snprintf(why, sizeof(why), "the file says %lld rows, but holds %lld", (long long)rows,
				         (long long)r->rows);
				rc = bad_line(r, why);
			}
			r->ended = true;
		} else {
			rc = bad_line(r, "neither a table, a row nor the end");
		}
		json_decref(doc);
		if (rc)
			return rc;
	}
	if (!rc && !r->ended)
		rc = recip_fail(r->ctx, RECIP_EINVAL, "'%s' ends at line %lld without its last line (is it cut short?)",
		                r->in->name, (long long)r->rd.line);
	return rc;
}

/* Whether the database holds anything a restore would collide with. */
static int check_empty(recip_ctx *ctx, const char *address)
{
	for (size_t i = 0; i < N_TABLES; i++) {
		if (!strcmp(tables[i].name, "meta"))
			continue;
		bool present;
		int rc = ctx->db->ops->has_table(ctx, tables[i].name, &present);
		if (rc)
			return rc;
		if (!present)
			continue;
		buf sql = BUF_INIT;
		buf_printf(&sql, "SELECT count(*) FROM %s", tables[i].name);
		int64_t n = 0;
		rc = sql.failed ? recip_oom(ctx) : db_int(ctx, &n, 0, sql.data, "");
		buf_release(&sql);
		if (rc)
			return rc;
		if (n)
			return recip_fail(ctx, RECIP_EEXISTS,
			                  "database '%s' is not empty (its table %s has %lld rows); restore into a new one",
			                  address, tables[i].name, (long long)n);
	}
	return RECIP_OK;
}

/* Whether the restore makes the database: an SQLite file that does not
 * exist yet, or a PostgreSQL database (its schema) that holds no tables.
 * Only such a one gets the export's schema version, and only from such a
 * one does a failed restore remove what it made. */
static int database_fresh(recip_ctx *ctx, const char *address, bool *out)
{
	*out = false;
	if (db_backend_of_address(address) == DB_SQLITE) {
		struct stat st;
		*out = stat(address, &st) != 0;
		return RECIP_OK;
	}
	recip_close(ctx);
	db *d;
	int rc = db_open(ctx, &d, address, 0);
	if (rc)
		return rc;
	ctx->db = d;
	int64_t count = 0;
	rc = d->ops->table_count(ctx, &count);
	ctx->db = NULL;
	db_close(d);
	*out = !rc && count == 0;
	return rc;
}

/* Leaves a fresh database as it was found: no SQLite file, or no tables in
 * the PostgreSQL database (the schema was made in a transaction of its own,
 * before the rows'). The caller's message is kept. */
static void remove_fresh(recip_ctx *ctx, const char *address)
{
	char saved[sizeof(ctx->errmsg)];
	int code = ctx->errcode;
	memcpy(saved, ctx->errmsg, sizeof(saved));
	if (ctx->db && db_backend_of(ctx) == DB_POSTGRESQL && !recip_begin(ctx)) {
		/* references point to earlier tables: drop the later ones first */
		int rc = RECIP_OK;
		for (size_t i = 0; derived_tables[i] && !rc; i++) {
			buf sql = BUF_INIT;
			buf_printf(&sql, "DROP TABLE IF EXISTS %s", derived_tables[i]);
			rc = sql.failed ? recip_oom(ctx) : db_exec(ctx, sql.data);
			buf_release(&sql);
		}
		for (size_t i = N_TABLES; i > 0 && !rc; i--) {
			buf sql = BUF_INIT;
			buf_printf(&sql, "DROP TABLE IF EXISTS %s", tables[i - 1].name);
			rc = sql.failed ? recip_oom(ctx) : db_exec(ctx, sql.data);
			buf_release(&sql);
		}
		if (rc)
			recip_rollback(ctx);
		else
			recip_commit(ctx);
	}
	recip_close(ctx);
	if (db_backend_of_address(address) == DB_SQLITE)
		database_files_remove(address);
	memcpy(ctx->errmsg, saved, sizeof(saved));
	ctx->errcode = code;
}

/* After rows came in with their ids: new ones are numbered past them. */
static int sync_ids(restore *r)
{
	for (size_t i = 0; i < N_TABLES; i++) {
		if (strncmp(tables[i].columns, "id:", 3))
			continue;
		bool present;
		int rc = r->ctx->db->ops->has_table(r->ctx, tables[i].name, &present);
		if (!rc && present)
			rc = db_sync_ids(r->ctx, tables[i].name);
		if (rc)
			return rc;
	}
	return RECIP_OK;
}

int recip_restore(recip_ctx *ctx, json_t **out, const char *address, const recip_source *in)
{
	*out = NULL;
	if (!address || !*address)
		return recip_fail(ctx, RECIP_EINVAL, "the database address is empty");
	restore r;
	memset(&r, 0, sizeof(r));
	r.ctx = ctx;
	r.in = in;
	int rc = reader_init(&r.rd, ctx, in, IMPORT_MAX_JSON_LINE);
	int schema = 0;
	if (!rc)
		rc = read_header(&r, &schema);
	if (rc) {
		reader_release(&r.rd);
		return rc;
	}
	bool created = false;
	rc = database_fresh(ctx, address, &created);
	if (rc) {
		reader_release(&r.rd);
		return rc;
	}
	recip_close(ctx);
	rc = store_open(ctx, address, RECIP_OPEN_CREATE, created ? schema : 0);
	int current = 0;
	if (!rc)
		rc = schema_read_version(ctx, &current);
	if (!rc && current != schema)
		rc = recip_fail(ctx, RECIP_EVERSION,
		                "'%s' holds schema %d, but database '%s' already has schema %d; restore into a new database",
		                in->name, schema, address, current);
	if (!rc)
		rc = check_empty(ctx, address);
	bool in_tx = false;
	if (!rc && !(rc = tx_begin(ctx)))
		in_tx = true;
	if (!rc)
		rc = read_rows(&r);
	end_table(&r);
	if (!rc)
		rc = sync_ids(&r);
	int upgraded = schema;
	if (!rc && schema < schema_version_current()) {
		rc = schema_upgrade(ctx, schema, 0);
		upgraded = schema_version_current();
	}
	if (!rc)
		rc = recip_rollup_rebuild(ctx);
	if (!rc)
		rc = rollup_store_params(ctx);
	if (in_tx)
		rc = tx_end(ctx, rc);
	reader_release(&r.rd);
	free(r.deferred);
	if (rc) {
		if (created) /* leave nothing behind */
			remove_fresh(ctx, address);
		return rc;
	}
	*out = json_pack("{s:I, s:I, s:i, s:i}", "tables", (json_int_t)r.tables, "rows", (json_int_t)r.rows, "schema",
	                 schema, "upgraded_to", upgraded);
	return *out ? RECIP_OK : recip_oom(ctx);
}
