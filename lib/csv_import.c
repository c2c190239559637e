/*
 * csv_import.c — CSV into recip (RFC 4180, parsed by libcsv): quoted fields
 * with commas, quotes and line breaks, a byte-order mark, CRLF or LF, a
 * comma, semicolon or tab as delimiter. The header row names the columns;
 * they are matched to the fields of the kind of record by name (or by
 * --map), so the importer follows the schema in entities.c by itself.
 *
 * Every row is read, checked and written inside one transaction; a bad
 * row is reported with the line it starts on and why. Unless bad rows are
 * to be skipped, one bad row means nothing is written. Ledger rows go
 * through the bulk path (bulk.c); parties through the matcher that also
 * serves vCards (party_import.c); facts are remembered one by one.
 */
#include "import.h"
#include "entity.h"
#include "db.h"

#include <csv.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PROGRESS_EVERY 4096

typedef struct column {
	char *header;          /* as the file names it */
	int field;             /* index into the entity's fields; -1: ignored */
	char *label;           /* a label for the values of a multi-valued field */
	int name_check;        /* >= 0: the name of the k-th party field */
	char *fact_key;        /* parties: a fact column ("fact:regular order") */
	bool org;              /* parties: the organisation's name */
} column;

typedef struct csv_import {
	recip_ctx *ctx;
	const entity_desc *e;
	const recip_import_options *opt;
	const recip_source *in;
	import_report *report;
	reader rd;
	struct csv_parser parser;
	bool parser_ready;
	/* the record being read: its cells in one arena */
	buf arena;
	size_t *offsets;
	size_t n_cells, cap_cells;
	char cell_problem[200];   /* the first problem of one of its cells */
	int64_t record_line;      /* the line it starts on */
	size_t record_bytes;
	bool header_done;
	column *cols;
	size_t n_cols;
	int party_fields[4];
	size_t n_party_fields;
	int fatal;                /* an error that ends the import */
	/* what was done */
	int64_t rows, added, unchanged, duplicates;
	bulk *bulk;
	party_importer parties;
	bulk_cell *cells;
	const char **name_checks;
} csv_import;

/* ---- the header ---------------------------------------------------------------- */

/* "External ID" → "external_id": lower case, spaces and dashes as '_'. */
static char *normalise_name(const char *text)
{
	char *t = text_trim(text);
	if (!t)
		return NULL;
	for (char *p = t; *p; p++) {
		if (*p == ' ' || *p == '-')
			*p = '_';
		else
			*p = (char)tolower((unsigned char)*p);
	}
	return t;
}

static void columns_free(csv_import *imp)
{
	for (size_t i = 0; i < imp->n_cols; i++) {
		free(imp->cols[i].header);
		free(imp->cols[i].label);
		free(imp->cols[i].fact_key);
	}
	free(imp->cols);
	imp->cols = NULL;
	imp->n_cols = 0;
}

static int field_names(const entity_desc *e, buf *out)
{
	for (size_t i = 0; i < e->n_fields; i++) {
		const field_desc *f = &e->fields[i];
		if (!(f->flags & F_READONLY) && (!(f->flags & F_HIDDEN) || !strcmp(f->name, "source_key")))
			buf_printf(out, "%s%s", out->len ? ", " : "", f->name);
	}
	return out->failed ? -1 : 0;
}

/* What a header (or its --map target) names: sets col. */
static int resolve_column(csv_import *imp, column *col, const char *target)
{
	recip_ctx *ctx = imp->ctx;
	const entity_desc *e = imp->e;
	col->field = -1;
	col->name_check = -1;
	char *trimmed = text_trim(target);
	if (!trimmed)
		return recip_oom(ctx);
	int rc = RECIP_OK;
	if (!*trimmed || !strcmp(trimmed, "-"))
		goto done;
	bool party = !strcmp(e->name, "party");
	if (party && !strncasecmp(trimmed, "fact:", 5)) {
		char *key = text_trim(trimmed + 5);
		if (!key || !*key) {
			free(key);
			rc = key ? recip_fail(ctx, RECIP_EINVAL, "column '%s': a fact column needs a key (fact:KEY)", col->header)
			         : recip_oom(ctx);
			goto done;
		}
		col->fact_key = key;
		goto done;
	}
	char *colon = strchr(trimmed, ':');
	if (colon) {
		*colon = '\0';
		char *label = text_trim(colon + 1);
		if (!label) {
			rc = recip_oom(ctx);
			goto done;
		}
		if (*label)
			col->label = label;
		else
			free(label);
	}
	char *name = normalise_name(trimmed);
	if (!name) {
		rc = recip_oom(ctx);
		goto done;
	}
	if (!strcmp(name, "id")) { /* an export's ids: not kept (a JSON restore keeps them) */
		free(name);
		goto done;
	}
	int idx = field_index(e, name);
	if (idx < 0) {
		size_t len = strlen(name);
		for (size_t k = 0; k < imp->n_party_fields && len > 5 && !strcmp(name + len - 5, "_name"); k++) {
			const char *pf = e->fields[imp->party_fields[k]].name;
			if (strlen(pf) == len - 5 && !strncmp(name, pf, len - 5))
				col->name_check = (int)k;
		}
		if (col->name_check < 0) {
			buf names = BUF_INIT;
			field_names(e, &names);
			rc = names.failed ? recip_oom(ctx)
			                  : recip_fail(ctx, RECIP_EINVAL,
			                               "unknown column '%s' in '%s' (the fields of a %s: %s; name others "
			                               "with --map 'COLUMN=FIELD', or ignore one with --map 'COLUMN=-')",
			                               col->header, imp->in->name, e->noun, names.data);
			buf_release(&names);
		}
		free(name);
		goto done;
	}
	free(name);
	const field_desc *f = &e->fields[idx];
	if ((f->flags & F_READONLY) || ((f->flags & F_HIDDEN) && strcmp(f->name, "source_key")))
		goto done; /* set by recip: an export's created_at and the like */
	if (col->label && !(f->flags & F_MULTI)) {
		rc = recip_fail(ctx, RECIP_EINVAL, "column '%s': %s holds one value and takes no label", col->header,
		                f->name);
		goto done;
	}
	if (party && f->type == FT_PARTY)
		col->org = true;
	else
		col->field = idx;
done:
	free(trimmed);
	return rc;
}

/* The --map target for a header, or the header itself. */
static int map_target(csv_import *imp, const char *header, const char **out, bool *used)
{
	*out = header;
	const recip_import_options *opt = imp->opt;
	for (size_t i = 0; opt && i < opt->n_map; i++) {
		const char *eq = strchr(opt->map[i], '=');
		if (!eq)
			return recip_fail(imp->ctx, RECIP_EINVAL, "bad mapping '%s' (COLUMN=FIELD)", opt->map[i]);
		char *name = malloc((size_t)(eq - opt->map[i]) + 1);
		if (!name)
			return recip_oom(imp->ctx);
		memcpy(name, opt->map[i], (size_t)(eq - opt->map[i]));
		name[eq - opt->map[i]] = '\0';
		char *trimmed = text_trim(name);
		free(name);
		if (!trimmed)
			return recip_oom(imp->ctx);
		bool match = !strcasecmp(trimmed, header);
		free(trimmed);
		if (match) {
			*out = eq + 1;
			used[i] = true;
		}
	}
	return RECIP_OK;
}

static int read_header(csv_import *imp)
{
	recip_ctx *ctx = imp->ctx;
	const entity_desc *e = imp->e;
	const recip_import_options *opt = imp->opt;
	imp->cols = calloc(imp->n_cells ? imp->n_cells : 1, sizeof(column));
	bool *used = calloc(opt && opt->n_map ? opt->n_map : 1, sizeof(bool));
	int rc = imp->cols && used ? RECIP_OK : recip_oom(ctx);
	for (size_t i = 0; i < imp->n_cells && !rc; i++) {
		column *col = &imp->cols[imp->n_cols++];
		col->field = -1;
		col->name_check = -1;
		const char *cell = imp->arena.data + imp->offsets[i];
		if (!(col->header = text_trim(cell))) {
			rc = recip_oom(ctx);
			break;
		}
		const char *target;
		rc = map_target(imp, col->header, &target, used);
		if (!rc)
			rc = resolve_column(imp, col, target);
	}
	for (size_t i = 0; opt && i < opt->n_map && !rc; i++)
		if (!used[i])
			rc = recip_fail(ctx, RECIP_EINVAL, "no column in the header of '%s' for the mapping '%s'", imp->in->name,
			                opt->map[i]);
	free(used);
	/* one column per single-valued field; the required ones present */
	for (size_t i = 0; i < imp->n_cols && !rc; i++) {
		const column *a = &imp->cols[i];
		for (size_t j = i + 1; j < imp->n_cols && !rc; j++) {
			const column *b = &imp->cols[j];
			bool twice = (a->field >= 0 && a->field == b->field && !(e->fields[a->field].flags & F_MULTI)) ||
			             (a->name_check >= 0 && a->name_check == b->name_check) || (a->org && b->org);
			if (twice)
				rc = recip_fail(ctx, RECIP_EINVAL, "columns '%s' and '%s' of '%s' are the same field", a->header,
				                b->header, imp->in->name);
		}
	}
	for (size_t i = 0; i < e->n_fields && !rc; i++) {
		const field_desc *f = &e->fields[i];
		if (!(f->flags & F_REQUIRED) || f->dflt)
			continue;
		bool present = false;
		for (size_t k = 0; k < imp->n_cols; k++) {
			const column *c = &imp->cols[k];
			present |= c->field == (int)i;
			present |= c->name_check >= 0 && imp->party_fields[c->name_check] == (int)i;
		}
		if (!present)
			rc = recip_fail(ctx, RECIP_EINVAL, "the header of '%s' has no column for %s (a %s needs it)",
			                imp->in->name, f->name, e->noun);
	}
	imp->header_done = true;
	return rc;
}

/* ---- rows ------------------------------------------------------------------------- */

static const char *cell(const csv_import *imp, size_t i)
{
	return i < imp->n_cells ? imp->arena.data + imp->offsets[i] : "";
}

static int ledger_row(csv_import *imp)
{
	size_t n = 0;
	const char *checks[4] = {NULL, NULL, NULL, NULL};
	for (size_t i = 0; i < imp->n_cols; i++) {
		const column *c = &imp->cols[i];
		if (c->name_check >= 0)
			checks[c->name_check] = cell(imp, i);
		else if (c->field >= 0 && *cell(imp, i))
			imp->cells[n++] = (bulk_cell){c->field, cell(imp, i)};
	}
	bool added;
	int rc = bulk_add(imp->bulk, imp->cells, n, checks, &added);
	if (!rc && added)
		imp->added++;
	else if (!rc)
		imp->duplicates++;
	return rc;
}

static int fact_row(csv_import *imp)
{
	recip_ctx *ctx = imp->ctx;
	const char *party = NULL, *key = NULL, *value = NULL, *party_check = NULL;
	for (size_t i = 0; i < imp->n_cols; i++) {
		const column *c = &imp->cols[i];
		if (c->name_check >= 0)
			party_check = cell(imp, i);
		else if (c->field >= 0 && !strcmp(imp->e->fields[c->field].name, "party"))
			party = cell(imp, i);
		else if (c->field >= 0 && !strcmp(imp->e->fields[c->field].name, "key"))
			key = cell(imp, i);
		else if (c->field >= 0 && !strcmp(imp->e->fields[c->field].name, "value"))
			value = cell(imp, i);
	}
	if (!party || !*party)
		party = party_check;
	if (!party || !*party)
		return recip_fail(ctx, RECIP_EINVAL, "a fact needs party");
	if (!key || !*key || !value || !*value)
		return recip_fail(ctx, RECIP_EINVAL, "a fact needs %s", !key || !*key ? "key" : "value");
	int64_t id;
	int rc = recip_party_resolve(ctx, &id, party);
	if (rc)
		return rc;
	char *now;
	rc = fact_value(ctx, id, key, &now);
	if (rc)
		return rc;
	bool same = now && !strcmp(now, value);
	free(now);
	if (same) {
		imp->unchanged++;
		return RECIP_OK;
	}
	rc = recip_fact_remember(ctx, id, key, value);
	if (!rc)
		imp->added++;
	return rc;
}

/* The values of a multi-valued cell: one per line (addresses: one per
 * paragraph), each perhaps with a "[label] " in front; words and emails
 * may also be separated by ';' or ','. */
static int party_multi(csv_import *imp, party_draft *d, const column *c, const char *text)
{
	const field_desc *f = &imp->e->fields[c->field];
	bool paragraphs = !strcmp(f->name, "address");
	bool lists = f->type == FT_WORD || f->type == FT_EMAIL;
	char *copy = xstrdup(text);
	if (!copy)
		return recip_oom(imp->ctx);
	int rc = RECIP_OK;
	char *p = copy;
	while (*p && !rc) {
		char *end;
		if (paragraphs) {
			end = strstr(p, "\n\n");
			char *crlf = strstr(p, "\r\n\r\n");
			if (crlf && (!end || crlf < end))
				end = crlf;
		} else {
			end = p + strcspn(p, lists ? "\n;," : "\n");
		}
		char *next = end ? end + strspn(end, "\r\n;,") : p + strlen(p);
		if (end)
			*end = '\0';
		char *value = text_trim(p);
		if (!value) {
			rc = recip_oom(imp->ctx);
			break;
		}
		const char *label = c->label;
		char *v = value;
		if (*v == '[' && strchr(v, ']')) {
			char *close = strchr(v, ']');
			*close = '\0';
			label = v + 1;
			v = close + 1;
			while (*v == ' ')
				v++;
		}
		if (*v)
			rc = draft_field(imp->ctx, d, f->name, v, label);
		free(value);
		p = next;
	}
	free(copy);
	return rc;
}

static int party_row(csv_import *imp, int64_t line)
{
	party_draft d;
	draft_init(&d, line);
	int rc = RECIP_OK;
	for (size_t i = 0; i < imp->n_cols && !rc; i++) {
		const column *c = &imp->cols[i];
		const char *text = cell(imp, i);
		if (!*text)
			continue;
		if (c->fact_key)
			rc = draft_fact(imp->ctx, &d, c->fact_key, text);
		else if (c->org || (c->name_check >= 0 && !d.org)) { /* "org", or "org_name" */
			free(d.org);
			rc = (d.org = text_trim(text)) ? RECIP_OK : recip_oom(imp->ctx);
		}
		else if (c->field >= 0 && (imp->e->fields[c->field].flags & F_MULTI))
			rc = party_multi(imp, &d, c, text);
		else if (c->field >= 0)
			rc = draft_field(imp->ctx, &d, imp->e->fields[c->field].name, text, NULL);
	}
	if (!rc)
		rc = party_import(imp->ctx, &imp->parties, imp->report, &d);
	draft_release(&d);
	return rc;
}

static void process_row(csv_import *imp)
{
	recip_ctx *ctx = imp->ctx;
	int64_t line = imp->record_line;
	if (!imp->header_done) {
		imp->fatal = imp->cell_problem[0] ? recip_fail(ctx, RECIP_EINVAL, "line %lld of '%s': %s", (long long)line,
		                                               imp->in->name, imp->cell_problem)
		                                  : read_header(imp);
		return;
	}
	bool empty = !imp->cell_problem[0];
	for (size_t i = 0; i < imp->n_cells && empty; i++)
		empty = !*cell(imp, i);
	if (empty)
		return; /* a row of empty cells, as spreadsheets leave at the end */
	imp->rows++;
	int rc;
	if (imp->cell_problem[0])
		rc = recip_fail(ctx, RECIP_EINVAL, "%s", imp->cell_problem);
	else if (imp->n_cells > imp->n_cols)
		rc = recip_fail(ctx, RECIP_EINVAL, "%zu cells, but the header has %zu columns (an unquoted comma?)",
		                imp->n_cells, imp->n_cols);
	else if (!strcmp(imp->e->name, "party"))
		rc = party_row(imp, line);
	else if (!strcmp(imp->e->name, "fact"))
		rc = fact_row(imp);
	else
		rc = ledger_row(imp);
	if (rc && import_row_error(rc))
		rc = report_bad(ctx, imp->report, line, recip_errmsg(ctx));
	if (rc)
		imp->fatal = rc;
	if (!imp->fatal && imp->opt && imp->opt->progress && imp->rows % PROGRESS_EVERY == 0)
		imp->opt->progress(imp->opt->progress_arg, imp->rows, imp->rd.bytes, imp->in->size);
}

/* ---- libcsv's callbacks ------------------------------------------------------------- */

/* Names cell k for a message: by its column's header, else its number.
 * Written only when a cell has a problem: a million rows have no use for it. */
static void cell_where(const csv_import *imp, size_t k, char *where, size_t size)
{
	const char *what = k < imp->n_cols ? imp->cols[k].header : NULL;
	if (what)
		snprintf(where, size, "column '%.80s'", what);
	else
		snprintf(where, size, "column %zu", k + 1);
}

static void on_field(void *data, size_t len, void *arg)
{
	csv_import *imp = arg;
	if (imp->fatal)
		return;
	if (imp->n_cells == imp->cap_cells) {
		size_t cap = imp->cap_cells ? imp->cap_cells * 2 : 32;
		size_t *grown = realloc(imp->offsets, cap * sizeof(size_t));
		if (!grown) {
			imp->fatal = recip_oom(imp->ctx);
			return;
		}
		imp->offsets = grown;
		imp->cap_cells = cap;
	}
	size_t k = imp->n_cells++;
	imp->offsets[k] = imp->arena.len;
	const char *text = data ? data : "";
	char *converted = NULL;
	char where[120];
	if (memchr(text, '\0', len)) {
		cell_where(imp, k, where, sizeof(where));
		if (!imp->cell_problem[0])
			snprintf(imp->cell_problem, sizeof(imp->cell_problem), "%s contains a NUL byte", where);
		len = 0;
	} else if (imp->opt && imp->opt->encoding && len) {
		if (charset_to_utf8(imp->ctx, imp->opt->encoding, text, len, &converted)) {
			if (recip_errcode(imp->ctx) == RECIP_ENOMEM) {
				imp->fatal = RECIP_ENOMEM;
				return;
			}
			if (!imp->cell_problem[0]) {
				cell_where(imp, k, where, sizeof(where));
				snprintf(imp->cell_problem, sizeof(imp->cell_problem), "%s: %s", where, recip_errmsg(imp->ctx));
			}
			len = 0;
		} else {
			text = converted;
			len = strlen(converted);
		}
	} else if (!utf8_valid(text, len)) {
		cell_where(imp, k, where, sizeof(where));
		if (!imp->cell_problem[0])
			snprintf(imp->cell_problem, sizeof(imp->cell_problem),
			         "%s is not valid UTF-8 (if the file is in another encoding, give it with --encoding, "
			         "e.g. --encoding cp1252)",
			         where);
		len = 0;
	}
	if (buf_add(&imp->arena, text, len) || buf_addc(&imp->arena, '\0'))
		imp->fatal = recip_oom(imp->ctx);
	free(converted);
}

static void on_row(int terminator, void *arg)
{
	(void)terminator;
	csv_import *imp = arg;
	if (!imp->fatal)
		process_row(imp);
	buf_reset(&imp->arena);
	imp->n_cells = 0;
	imp->cell_problem[0] = '\0';
	imp->record_bytes = 0;
	imp->record_line = 0;
}

/* ---- the import ---------------------------------------------------------------------- */

/* The delimiter the first line uses most outside quotes: ',', ';' or tab. */
static char detect_delimiter(const char *s, size_t len)
{
	size_t comma = 0, semicolon = 0, tab = 0;
	bool quoted = false;
	for (size_t i = 0; i < len && s[i] != '\n'; i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == ',')
			comma++;
		else if (!quoted && s[i] == ';')
			semicolon++;
		else if (!quoted && s[i] == '\t')
			tab++;
	}
	if (semicolon > comma && semicolon >= tab)
		return ';';
	if (tab > comma && tab > semicolon)
		return '\t';
	return ',';
}

static int parse_error(csv_import *imp, int64_t line)
{
	return recip_fail(imp->ctx, RECIP_EINVAL,
	                  "line %lld of '%s': malformed quotes (a quote inside a field that is not quoted, or text "
	                  "after a closing quote)",
	                  (long long)line, imp->in->name);
}

/* Feeds the whole input to libcsv, a line at a time, so that every record
 * knows the line it starts on and none may grow beyond IMPORT_MAX_ROW. */
static int parse_all(csv_import *imp)
{
	const char *seg;
	size_t len;
	bool ends_line, first = true, line_start = true;
	int rc;
	while (!(rc = reader_segment(&imp->rd, &seg, &len, &ends_line)) && len) {
		int64_t line = imp->rd.line + (ends_line ? 0 : 1);
		if (first) {
			first = false;
			char delimiter = imp->opt && imp->opt->delimiter ? imp->opt->delimiter : detect_delimiter(seg, len);
			csv_set_delim(&imp->parser, (unsigned char)delimiter);
		}
		/* a record starts here when the parser is between records */
		if (line_start && imp->parser.pstate == 0 && !imp->record_line && strspn(seg, "\r\n") < len)
			imp->record_line = line;
		line_start = ends_line;
		imp->record_bytes += len;
		if (imp->record_bytes > IMPORT_MAX_ROW)
			return recip_fail(imp->ctx, RECIP_ETOOBIG,
			                  "line %lld of '%s': the row is longer than %zu bytes (a field too long, or a "
			                  "quote that is never closed)",
			                  (long long)(imp->record_line ? imp->record_line : line), imp->in->name,
			                  IMPORT_MAX_ROW);
		size_t done = csv_parse(&imp->parser, seg, len, on_field, on_row, imp);
		if (imp->fatal)
			return imp->fatal;
		if (done != len) {
			if (csv_error(&imp->parser) == CSV_ENOMEM)
				return recip_oom(imp->ctx);
			return parse_error(imp, line);
		}
	}
	if (rc)
		return rc;
	int64_t start = imp->record_line;
	if (csv_fini(&imp->parser, on_field, on_row, imp) != 0) {
		if (csv_error(&imp->parser) == CSV_ENOMEM)
			return recip_oom(imp->ctx);
		return recip_fail(imp->ctx, RECIP_EINVAL, "line %lld of '%s': a quoted field is never closed",
		                  (long long)start, imp->in->name);
	}
	if (imp->fatal)
		return imp->fatal;
	if (!imp->header_done)
		return recip_fail(imp->ctx, RECIP_EINVAL, "'%s' is empty (no header row)", imp->in->name);
	return RECIP_OK;
}

static int start(csv_import *imp)
{
	recip_ctx *ctx = imp->ctx;
	const entity_desc *e = imp->e;
	for (size_t i = 0; i < e->n_fields && imp->n_party_fields < 4; i++)
		if (e->fields[i].type == FT_PARTY)
			imp->party_fields[imp->n_party_fields++] = (int)i;
	imp->cells = calloc(e->n_fields + 1, sizeof(bulk_cell));
	if (!imp->cells)
		return recip_oom(ctx);
	buf_init(&imp->arena, IMPORT_MAX_ROW * 4 + 64);
	if (csv_init(&imp->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
		return recip_oom(ctx);
	imp->parser_ready = true;
	int rc = reader_init(&imp->rd, ctx, imp->in, IMPORT_MAX_ROW);
	if (rc)
		return rc;
	if (imp->opt && imp->opt->encoding) { /* an unknown character set: before any row */
		char *none = NULL;
		rc = charset_to_utf8(ctx, imp->opt->encoding, "", 0, &none);
		free(none);
		if (rc)
			return rc;
	}
	if (!strcmp(e->name, "party"))
		return party_importer_init(ctx, &imp->parties, imp->opt && imp->opt->update);
	if (!strcmp(e->name, "fact"))
		return RECIP_OK;
	return bulk_begin(ctx, &imp->bulk, e, imp->in->name);
}

int recip_import_csv(recip_ctx *ctx, json_t **out, const char *entity, const recip_source *in,
                     const recip_import_options *options)
{
	*out = NULL;
	const entity_desc *e = entity_find(entity);
	if (!e)
		return recip_fail(ctx, RECIP_EINVAL, "unknown kind of record '%s'", entity ? entity : "");
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	import_report report;
	int rc = report_init(ctx, &report, e->name, in, options);
	if (rc)
		return rc;
	if ((rc = tx_begin(ctx))) {
		report_release(&report);
		return rc;
	}
	csv_import imp;
	memset(&imp, 0, sizeof(imp));
	imp.ctx = ctx;
	imp.e = e;
	imp.opt = options;
	imp.in = in;
	imp.report = &report;
	rc = start(&imp);
	if (!rc)
		rc = parse_all(&imp);
	if (!rc && imp.bulk)
		rc = bulk_finish(imp.bulk);
	if (!rc) {
		int64_t added = imp.added + imp.parties.added, unchanged = imp.unchanged + imp.parties.unchanged;
		rc = report_counts(ctx, &report, "rows", imp.rows, "added", added, "merged", imp.parties.merged, "unchanged",
		                   unchanged, "duplicates", imp.duplicates, (char *)NULL);
	}
	if (!rc && options && options->progress)
		options->progress(options->progress_arg, imp.rows, imp.rd.bytes, in->size);
	bulk_free(imp.bulk);
	if (imp.parser_ready)
		csv_free(&imp.parser);
	reader_release(&imp.rd);
	buf_release(&imp.arena);
	free(imp.offsets);
	free(imp.cells);
	columns_free(&imp);
	return import_finish(ctx, &report, rc, options, "imported", out);
}
