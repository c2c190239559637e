/*
 * entity.c — the generic half of records: parsing what people type into
 * typed values, loading and storing rows, lists with pagination, JSON, and
 * the public recip_record_* calls that bracket each write in a transaction
 * with its roll-up update and audit entry. The per-kind tables and rules are
 * in entities.c.
 */
#include "entity.h"
#include "db.h"
#include "rollup.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- descriptors -------------------------------------------------------------- */

const entity_desc *entity_find(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; entity_all[i]; i++)
		if (!strcasecmp(entity_all[i]->name, name) || !strcasecmp(entity_all[i]->plural, name))
			return entity_all[i];
	return NULL;
}

int field_index(const entity_desc *e, const char *name)
{
	for (size_t i = 0; i < e->n_fields; i++)
		if (!strcasecmp(e->fields[i].name, name))
			return (int)i;
	return -1;
}

static int unknown_entity(recip_ctx *ctx, const char *name)
{
	return recip_fail(ctx, RECIP_EINVAL, "unknown kind of record '%s'", name ? name : "");
}

/* ---- values ------------------------------------------------------------------- */

static void value_clear(field_value *v)
{
	free(v->s);
	for (size_t i = 0; i < v->n_items; i++) {
		free(v->items[i]);
		free(v->labels[i]);
	}
	free(v->items);
	free(v->labels);
	memset(v, 0, sizeof(*v));
}

void record_init(record *rec, const entity_desc *e)
{
	memset(rec, 0, sizeof(*rec));
	rec->e = e;
	assert(e->n_fields <= ENTITY_MAX_FIELDS);
}

void record_release(record *rec)
{
	if (!rec->e)
		return;
	for (size_t i = 0; i < rec->e->n_fields; i++)
		value_clear(&rec->v[i]);
}

static int record_copy(recip_ctx *ctx, record *dst, const record *src)
{
	record_init(dst, src->e);
	dst->id = src->id;
	for (size_t i = 0; i < src->e->n_fields; i++) {
		const field_value *s = &src->v[i];
		field_value *d = &dst->v[i];
		d->set = s->set;
		d->i = s->i;
		d->d = s->d;
		if (s->s && !(d->s = xstrdup(s->s)))
			goto oom;
		if (s->n_items) {
			d->items = calloc(s->n_items, sizeof(char *));
			d->labels = calloc(s->n_items, sizeof(char *));
			if (!d->items || !d->labels)
				goto oom;
			for (size_t k = 0; k < s->n_items; k++) {
				d->n_items++;
				if (!(d->items[k] = xstrdup(s->items[k])))
					goto oom;
				if (s->labels[k] && !(d->labels[k] = xstrdup(s->labels[k])))
					goto oom;
			}
		}
	}
	return RECIP_OK;
oom:
	record_release(dst);
	return recip_oom(ctx);
}

const field_value *record_get(const record *rec, const char *field)
{
	int i = field_index(rec->e, field);
	assert(i >= 0);
	return &rec->v[i];
}

int64_t record_int(const record *rec, const char *field)
{
	const field_value *v = record_get(rec, field);
	return v->set ? v->i : 0;
}

double record_num(const record *rec, const char *field)
{
	const field_value *v = record_get(rec, field);
	return v->set ? v->d : 0;
}

const char *record_str(const record *rec, const char *field)
{
	const field_value *v = record_get(rec, field);
	return v->set ? v->s : NULL;
}

bool record_has(const record *rec, const char *field)
{
	return record_get(rec, field)->set;
}

void record_set_int(record *rec, const char *field, int64_t v)
{
	field_value *val = (field_value *)record_get(rec, field);
	val->set = true;
	val->i = v;
}

void record_set_num(record *rec, const char *field, double v)
{
	field_value *val = (field_value *)record_get(rec, field);
	val->set = true;
	val->d = v;
}

int record_set_str(record *rec, const char *field, const char *s)
{
	field_value *val = (field_value *)record_get(rec, field);
	char *copy = NULL;
	if (s && !(copy = xstrdup(s)))
		return -1;
	free(val->s);
	val->s = copy;
	val->set = copy != NULL;
	return 0;
}

/* ---- parsing ------------------------------------------------------------------ */

static bool parse_bool(const char *text, bool *out)
{
	static const char *const yes[] = {"yes", "y", "true", "1", "on"};
	static const char *const no[] = {"no", "n", "false", "0", "off"};
	for (size_t i = 0; i < 5; i++) {
		if (!strcasecmp(text, yes[i])) {
			*out = true;
			return true;
		}
		if (!strcasecmp(text, no[i])) {
			*out = false;
			return true;
		}
	}
	return false;
}

static bool choice_ok(const char *choices, const char *text, char *out, size_t size)
{
	size_t len = strlen(text);
	const char *p = choices;
	while (*p) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == len && !strncasecmp(p, text, n) && n < size) {
			memcpy(out, p, n);
			out[n] = '\0';
			return true;
		}
		p += n + (bar ? 1 : 0);
	}
	return false;
}

/* "a|b|c" as "a, b, c" for messages. */
static void choices_text(const char *choices, char *out, size_t size)
{
	size_t o = 0;
	for (const char *p = choices; *p && o + 3 < size; p++) {
		if (*p == '|') {
			out[o++] = ',';
			out[o++] = ' ';
		} else {
			out[o++] = *p;
		}
	}
	out[o] = '\0';
}

/* A lower-case word or short phrase: letters (any script), digits, space,
 * '-', '_', '.', '/', '&', '+'. */
int parse_word(recip_ctx *ctx, const char *what, const char *text, size_t max, char **out)
{
	char *trimmed = text_trim(text);
	if (!trimmed)
		return recip_oom(ctx);
	int rc = text_check(ctx, what, trimmed, max, false);
	if (rc) {
		free(trimmed);
		return rc;
	}
	for (const unsigned char *p = (const unsigned char *)trimmed; *p; p++) {
		if (*p < 0x80 && !isalnum(*p) && !strchr(" -_./&+", *p)) {
			free(trimmed);
			return recip_fail(ctx, RECIP_EINVAL, "%s '%s' may hold only letters, digits, spaces and - _ . / & +",
			                  what, text);
		}
	}
	char *folded = text_fold(trimmed);
	free(trimmed);
	if (!folded)
		return recip_oom(ctx);
	if (!*folded) {
		free(folded);
		return recip_fail(ctx, RECIP_EINVAL, "%s is empty", what);
	}
	*out = folded;
	return RECIP_OK;
}

static int parse_email(recip_ctx *ctx, const char *text, char **out)
{
	char *e = text_trim(text);
	if (!e)
		return recip_oom(ctx);
	/* "mailto:" as some address books write it */
	if (!strncasecmp(e, "mailto:", 7))
		memmove(e, e + 7, strlen(e + 7) + 1);
	int rc = text_check(ctx, "email", e, 254, false);
	const char *at = strchr(e, '@');
	if (!rc && (!at || at == e || !at[1] || strchr(at + 1, '@') || strpbrk(e, " \t,;<>()[]\\\"")))
		rc = recip_fail(ctx, RECIP_EINVAL, "bad email '%s'", text);
	if (rc) {
		free(e);
		return rc;
	}
	*out = e;
	return RECIP_OK;
}

static int parse_phone(recip_ctx *ctx, const char *text, char **out)
{
	char *p = text_trim(text);
	if (!p)
		return recip_oom(ctx);
	if (!strncasecmp(p, "tel:", 4))
		memmove(p, p + 4, strlen(p + 4) + 1);
	int rc = text_check(ctx, "phone", p, 60, false);
	if (!rc) {
		size_t digits = 0;
		for (const char *c = p; *c; c++) {
			if (isdigit((unsigned char)*c))
				digits++;
			else if (!strchr(" +-().,/#*;=extETXpPwW", *c)) {
				rc = recip_fail(ctx, RECIP_EINVAL, "bad phone number '%s'", text);
				break;
			}
		}
		if (!rc && digits < 3)
			rc = recip_fail(ctx, RECIP_EINVAL, "bad phone number '%s' (too few digits)", text);
	}
	if (rc) {
		free(p);
		return rc;
	}
	*out = p;
	return RECIP_OK;
}

/* The lookup key of a multi value: lower case, or a phone's digits. */
static char *multi_key(const field_desc *f, const char *value)
{
	if (f->type == FT_PHONE)
		return phone_key(value);
	return text_fold(value);
}

static int multi_add(recip_ctx *ctx, field_value *v, const field_desc *f, char *item, const char *label)
{
	char *key = multi_key(f, item);
	if (!key) {
		free(item);
		return recip_oom(ctx);
	}
	for (size_t i = 0; i < v->n_items; i++) {
		char *other = multi_key(f, v->items[i]);
		bool same = other && !strcmp(other, key);
		free(other);
		if (same) { /* already there: keep one, take the newer label */
			free(key);
			free(item);
			if (label && *label) {
				char *l = xstrdup(label);
				if (!l)
					return recip_oom(ctx);
				free(v->labels[i]);
				v->labels[i] = l;
			}
			return RECIP_OK;
		}
	}
	free(key);
	if (v->n_items >= 50) {
		free(item);
		return recip_fail(ctx, RECIP_ETOOBIG, "too many values of '%s' (at most 50)", f->name);
	}
	char **items = realloc(v->items, (v->n_items + 1) * sizeof(char *));
	if (items)
		v->items = items;
	char **labels = realloc(v->labels, (v->n_items + 1) * sizeof(char *));
	if (labels)
		v->labels = labels;
	char *l = NULL;
	if (!items || !labels || (label && *label && !(l = xstrdup(label)))) {
		free(item);
		return recip_oom(ctx);
	}
	v->items[v->n_items] = item;
	v->labels[v->n_items] = l;
	v->n_items++;
	v->set = true;
	return RECIP_OK;
}

static int multi_remove(recip_ctx *ctx, field_value *v, const field_desc *f, const char *item, const char *noun)
{
	char *key = multi_key(f, item);
	if (!key)
		return recip_oom(ctx);
	for (size_t i = 0; i < v->n_items; i++) {
		char *other = multi_key(f, v->items[i]);
		bool same = other && !strcmp(other, key);
		free(other);
		if (same) {
			free(key);
			free(v->items[i]);
			free(v->labels[i]);
			memmove(&v->items[i], &v->items[i + 1], (v->n_items - i - 1) * sizeof(char *));
			memmove(&v->labels[i], &v->labels[i + 1], (v->n_items - i - 1) * sizeof(char *));
			v->n_items--;
			v->set = v->n_items > 0;
			return RECIP_OK;
		}
	}
	free(key);
	return recip_fail(ctx, RECIP_ENOTFOUND, "the %s has no %s '%s'", noun, f->name, item);
}

/* Parses one single-valued field's text into v. */
static int parse_scalar(recip_ctx *ctx, const field_desc *f, const char *text, field_value *v)
{
	char why[160];
	int rc = RECIP_OK;
	field_value nv = {0};
	nv.set = true;
	switch (f->type) {
	case FT_TEXT: {
		char *t = text_trim(text);
		if (!t)
			return recip_oom(ctx);
		rc = text_check(ctx, f->name, t, (size_t)f->max, false);
		if (!rc && !*t) {
			free(t);
			nv.set = false;
			break;
		}
		nv.s = t;
		break;
	}
	case FT_NOTE:
		rc = text_check(ctx, f->name, text, (size_t)f->max, true);
		if (!rc && !(nv.s = xstrdup(text)))
			rc = recip_oom(ctx);
		break;
	case FT_CHOICE: {
		char out[64];
		if (!choice_ok(f->choices, text, out, sizeof(out))) {
			choices_text(f->choices, why, sizeof(why));
			return recip_fail(ctx, RECIP_EINVAL, "bad %s '%.80s' (one of: %s)", f->name, text, why);
		}
		if (!(nv.s = xstrdup(out)))
			rc = recip_oom(ctx);
		break;
	}
	case FT_WORD:
		rc = parse_word(ctx, f->name, text, (size_t)(f->max > 0 ? f->max : 60), &nv.s);
		break;
	case FT_KIND: {
		char *word = NULL;
		rc = parse_word(ctx, f->name, text, 40, &word);
		if (rc)
			return rc;
		if (!config_find_kind(&ctx->cfg, word)) {
			buf known = BUF_INIT;
			for (size_t i = 0; i < ctx->cfg.n_kinds; i++)
				buf_printf(&known, "%s%s", i ? ", " : "", ctx->cfg.kinds[i].name);
			rc = recip_fail(ctx, RECIP_EINVAL, "unknown kind '%.60s' (known: %s; more can be set in [kinds] of the configuration)",
			                text, known.data);
			buf_release(&known);
			free(word);
			return rc;
		}
		nv.s = word;
		break;
	}
	case FT_PARTY:
		if (f->flags & F_CREATE_ORG)
			rc = party_resolve_or_create_org(ctx, &nv.i, text);
		else
			rc = recip_party_resolve(ctx, &nv.i, text);
		break;
	case FT_REF: {
		const char *t = text[0] == '#' ? text + 1 : text;
		char *end;
		errno = 0;
		long long id = strtoll(t, &end, 10);
		if (!*t || *end || errno || id <= 0)
			return recip_fail(ctx, RECIP_EINVAL, "bad %s '%.60s' (an id such as 12)", f->name, text);
		const entity_desc *target = entity_find(f->choices);
		record probe;
		rc = record_load(ctx, &probe, target, id);
		record_release(&probe);
		if (rc)
			return rc;
		nv.i = id;
		break;
	}
	case FT_TIME:
		rc = recip_time_parse(ctx, &nv.i, text, ctx->now, (f->flags & F_END_OF_DAY) != 0);
		if (rc) {
			snprintf(why, sizeof(why), "%s", recip_errmsg(ctx));
			return recip_fail(ctx, RECIP_EINVAL, "%s: %s", f->name, why);
		}
		break;
	case FT_NUMBER: {
		char *end;
		errno = 0;
		double d = strtod(text, &end);
		while (*end == ' ')
			end++;
		if (end == text || *end || errno || !isfinite(d))
			return recip_fail(ctx, RECIP_EINVAL, "bad %s '%.60s' (a number)", f->name, text);
		if (d < f->min)
			return recip_fail(ctx, RECIP_EINVAL, "%s must not be %s (got %.60s)", f->name,
			                  f->min == 0 ? "negative" : "this small", text);
		if (d > f->max)
			return recip_fail(ctx, RECIP_EINVAL, "%s %.60s is too large (at most %g)", f->name, text, f->max);
		nv.d = d;
		break;
	}
	case FT_INT: {
		char *end;
		errno = 0;
		long long n = strtoll(text, &end, 10);
		if (end == text || *end || errno)
			return recip_fail(ctx, RECIP_EINVAL, "bad %s '%.60s' (a whole number)", f->name, text);
		if (n < f->min || n > f->max)
			return recip_fail(ctx, RECIP_EINVAL, "%s must be between %g and %g (got %.60s)", f->name, f->min,
			                  f->max, text);
		nv.i = n;
		break;
	}
	case FT_BOOL: {
		bool b;
		if (!parse_bool(text, &b))
			return recip_fail(ctx, RECIP_EINVAL, "bad %s '%.60s' (yes or no)", f->name, text);
		nv.i = b;
		break;
	}
	case FT_DAYS: {
		int days;
		rc = recip_duration_parse(ctx, &days, text);
		if (!rc && days > f->max)
			rc = recip_fail(ctx, RECIP_EINVAL, "%s '%.60s' is too long (at most %g days)", f->name, text, f->max);
		nv.i = days;
		break;
	}
	case FT_ANNUAL: {
		char out[16];
		rc = annual_date_parse(ctx, out, sizeof(out), f->name, text);
		if (!rc && !(nv.s = xstrdup(out)))
			rc = recip_oom(ctx);
		break;
	}
	case FT_EMAIL:
		rc = parse_email(ctx, text, &nv.s);
		break;
	case FT_PHONE:
		rc = parse_phone(ctx, text, &nv.s);
		break;
	}
	if (rc) {
		value_clear(&nv);
		return rc;
	}
	value_clear(v);
	*v = nv;
	return RECIP_OK;
}

static int parse_multi_item(recip_ctx *ctx, const field_desc *f, const char *text, char **out)
{
	switch (f->type) {
	case FT_EMAIL: return parse_email(ctx, text, out);
	case FT_PHONE: return parse_phone(ctx, text, out);
	case FT_WORD: return parse_word(ctx, f->name, text, (size_t)(f->max > 0 ? f->max : 60), out);
	default: {
		bool multiline = f->type == FT_NOTE;
		char *t = multiline ? xstrdup(text) : text_trim(text);
		if (!t)
			return recip_oom(ctx);
		int rc = text_check(ctx, f->name, t, (size_t)f->max, multiline);
		if (!rc && !*t)
			rc = recip_fail(ctx, RECIP_EINVAL, "%s is empty", f->name);
		if (rc) {
			free(t);
			return rc;
		}
		*out = t;
		return RECIP_OK;
	}
	}
}

static int apply_one(recip_ctx *ctx, record *rec, const recip_field *fld, bool creating)
{
	const entity_desc *e = rec->e;
	int idx = field_index(e, fld->name ? fld->name : "");
	if (idx < 0) {
		buf names = BUF_INIT;
		for (size_t i = 0; i < e->n_fields; i++)
			if (!(e->fields[i].flags & (F_READONLY | F_HIDDEN)))
				buf_printf(&names, "%s%s", names.len ? ", " : "", e->fields[i].name);
		int rc = recip_fail(ctx, RECIP_EINVAL, "unknown field '%.60s' of %s%s (fields: %s)",
		                    fld->name ? fld->name : "", article(e->noun), e->noun, names.data);
		buf_release(&names);
		return rc;
	}
	const field_desc *f = &e->fields[idx];
	field_value *v = &rec->v[idx];
	if (f->flags & F_READONLY)
		return recip_fail(ctx, RECIP_EINVAL, "%s is set by recip and cannot be given", f->name);
	if ((f->flags & F_FIXED) && !creating)
		return recip_fail(ctx, RECIP_EINVAL, "%s of a %s cannot be changed", f->name, e->noun);
	const char *text = fld->value ? fld->value : "";
	rec->given[idx] = true;

	if (f->flags & F_MULTI) {
		if (fld->op == RECIP_REMOVE)
			return multi_remove(ctx, v, f, text, e->noun);
		if (fld->op == RECIP_SET && !rec->cleared[idx]) {
			rec->cleared[idx] = true;
			char **items = v->items, **labels = v->labels;
			size_t n = v->n_items;
			v->items = v->labels = NULL;
			v->n_items = 0;
			v->set = false;
			for (size_t i = 0; i < n; i++) {
				free(items[i]);
				free(labels[i]);
			}
			free(items);
			free(labels);
		}
		if (!*text && fld->op == RECIP_SET)
			return RECIP_OK;
		char *item;
		int rc = parse_multi_item(ctx, f, text, &item);
		if (rc)
			return rc;
		if (fld->label) {
			rc = text_check(ctx, "label", fld->label, 40, false);
			if (rc) {
				free(item);
				return rc;
			}
		}
		return multi_add(ctx, v, f, item, fld->label);
	}
	if (fld->op != RECIP_SET)
		return recip_fail(ctx, RECIP_EINVAL, "%s holds one value: set it instead", f->name);
	if (!*text) {
		if (f->flags & F_REQUIRED)
			return recip_fail(ctx, RECIP_EINVAL, "%s must not be empty", f->name);
		value_clear(v);
		return RECIP_OK;
	}
	return parse_scalar(ctx, f, text, v);
}

int record_apply(recip_ctx *ctx, record *rec, const recip_field *fields, size_t n, bool creating)
{
	for (size_t i = 0; i < n; i++) {
		int rc = apply_one(ctx, rec, &fields[i], creating);
		if (rc)
			return rc;
	}
	if (!creating)
		return RECIP_OK;
	const entity_desc *e = rec->e;
	for (size_t i = 0; i < e->n_fields; i++) {
		const field_desc *f = &e->fields[i];
		if (rec->v[i].set || rec->given[i])
			continue;
		if (f->flags & F_DEFAULT_NOW) {
			rec->v[i].set = true;
			rec->v[i].i = ctx->now;
		} else if (f->dflt) {
			int rc = parse_scalar(ctx, f, f->dflt, &rec->v[i]);
			if (rc)
				return rc;
		}
	}
	for (size_t i = 0; i < e->n_fields; i++) {
		const field_desc *f = &e->fields[i];
		if ((f->flags & F_REQUIRED) && !rec->v[i].set)
			return recip_fail(ctx, RECIP_EINVAL, "%s%s needs %s", article(e->noun), e->noun, f->name);
	}
	return RECIP_OK;
}

/* ---- rows --------------------------------------------------------------------- */

static bool is_column(const field_desc *f)
{
	return f->column != NULL;
}

/* The SELECT list of an entity's columns, prefixed by the table alias t. */
static void select_columns(buf *sql, const entity_desc *e)
{
	buf_adds(sql, "t.id");
	for (size_t i = 0; i < e->n_fields; i++)
		if (is_column(&e->fields[i]))
			buf_printf(sql, ", t.%s", e->fields[i].column);
}

/* Reads the columns select_columns listed, from column `col` on. */
static int row_to_record(recip_ctx *ctx, db_stmt *st, int col, record *rec)
{
	const entity_desc *e = rec->e;
	rec->id = db_col_int(st, col++);
	for (size_t i = 0; i < e->n_fields; i++) {
		const field_desc *f = &e->fields[i];
		if (!is_column(f))
			continue;
		field_value *v = &rec->v[i];
		value_clear(v);
		if (db_col_null(st, col)) {
			col++;
			continue;
		}
		v->set = true;
		switch (f->type) {
		case FT_NUMBER:
			v->d = db_col_double(st, col);
			break;
		case FT_INT: case FT_BOOL: case FT_TIME: case FT_PARTY: case FT_REF: case FT_DAYS:
			v->i = db_col_int(st, col);
			break;
		default:
			if (!(v->s = xstrdup(db_col_text(st, col))))
				return recip_oom(ctx);
		}
		col++;
	}
	return RECIP_OK;
}

int record_load(recip_ctx *ctx, record *rec, const entity_desc *e, int64_t id)
{
	record_init(rec, e);
	buf sql = BUF_INIT;
	buf_adds(&sql, "SELECT ");
	select_columns(&sql, e);
	buf_printf(&sql, " FROM %s t WHERE t.id = ?", e->table);
	if (sql.failed)
		return recip_oom(ctx);
	db_stmt *st;
	int rc = db_query(ctx, &st, sql.data, "i", id);
	buf_release(&sql);
	if (rc)
		return rc;
	rc = db_step(ctx, st);
	if (rc == DB_ROW)
		rc = row_to_record(ctx, st, 0, rec);
	else if (rc == DB_DONE)
		rc = recip_fail(ctx, RECIP_ENOTFOUND, "no %s #%lld", e->noun, (long long)id);
	db_done(st);
	if (!rc && !strcmp(e->name, "party"))
		rc = party_load_values(ctx, rec);
	if (rc)
		record_release(rec);
	return rc;
}

static int bind_value(db_stmt *st, int idx, const field_desc *f, const field_value *v)
{
	if (!v->set)
		return db_bind_null(st, idx);
	switch (f->type) {
	case FT_NUMBER:
		return db_bind_double(st, idx, v->d);
	case FT_INT: case FT_BOOL: case FT_TIME: case FT_PARTY: case FT_REF: case FT_DAYS:
		return db_bind_int(st, idx, v->i);
	default:
		return db_bind_text(st, idx, v->s);
	}
}

int record_bind_field(db_stmt *st, int idx, const field_desc *f, const field_value *v)
{
	return bind_value(st, idx, f, v);
}

static void stamp(recip_ctx *ctx, record *rec, const char *field)
{
	if (field_index(rec->e, field) >= 0)
		record_set_int(rec, field, ctx->now);
}

int record_insert(recip_ctx *ctx, record *rec, int64_t *out_id)
{
	const entity_desc *e = rec->e;
	stamp(ctx, rec, "created_at");
	stamp(ctx, rec, "updated_at");
	buf sql = BUF_INIT, marks = BUF_INIT;
	buf_printf(&sql, "INSERT INTO %s (", e->table);
	int n = 0;
	for (size_t i = 0; i < e->n_fields; i++) {
		if (!is_column(&e->fields[i]))
			continue;
		buf_printf(&sql, "%s%s", n ? ", " : "", e->fields[i].column);
		buf_adds(&marks, n ? ", ?" : "?");
		n++;
	}
	buf_printf(&sql, ") VALUES (%s) RETURNING id", marks.data);
	buf_release(&marks);
	if (sql.failed || marks.failed)
		return recip_oom(ctx);
	db_stmt *st;
	int rc = db_prepare(ctx, &st, sql.data);
	buf_release(&sql);
	if (rc)
		return rc;
	int idx = 1;
	for (size_t i = 0; i < e->n_fields; i++)
		if (is_column(&e->fields[i]))
			bind_value(st, idx++, &e->fields[i], &rec->v[i]);
	rc = db_step(ctx, st);
	if (rc == DB_ROW) {
		rec->id = db_col_int(st, 0);
		rc = RECIP_OK;
	} else if (rc == DB_DONE) {
		rc = recip_fail(ctx, RECIP_EDB, "storage: the new %s got no id", e->noun);
	}
	db_done(st);
	if (!rc && !strcmp(e->name, "party"))
		rc = party_store_values(ctx, rec);
	if (!rc && out_id)
		*out_id = rec->id;
	return rc;
}

int record_store(recip_ctx *ctx, record *rec, const record *old)
{
	(void)old;
	const entity_desc *e = rec->e;
	stamp(ctx, rec, "updated_at");
	buf sql = BUF_INIT;
	buf_printf(&sql, "UPDATE %s SET ", e->table);
	int n = 0;
	for (size_t i = 0; i < e->n_fields; i++) {
		if (!is_column(&e->fields[i]))
			continue;
		buf_printf(&sql, "%s%s = ?", n ? ", " : "", e->fields[i].column);
		n++;
	}
	buf_adds(&sql, " WHERE id = ?");
	if (sql.failed)
		return recip_oom(ctx);
	db_stmt *st;
	int rc = db_prepare(ctx, &st, sql.data);
	buf_release(&sql);
	if (rc)
		return rc;
	int idx = 1;
	for (size_t i = 0; i < e->n_fields; i++)
		if (is_column(&e->fields[i]))
			bind_value(st, idx++, &e->fields[i], &rec->v[i]);
	db_bind_int(st, idx, rec->id);
	rc = db_step(ctx, st);
	db_done(st);
	if (rc < 0)
		return rc;
	if (!strcmp(e->name, "party"))
		return party_store_values(ctx, rec);
	return RECIP_OK;
}

int record_remove(recip_ctx *ctx, const record *rec)
{
	buf sql = BUF_INIT;
	buf_printf(&sql, "DELETE FROM %s WHERE id = ?", rec->e->table);
	if (sql.failed)
		return recip_oom(ctx);
	int rc = db_run(ctx, sql.data, "i", rec->id);
	buf_release(&sql);
	return rc;
}

/* ---- JSON ---------------------------------------------------------------------- */

/* The name of the field that carries a party reference's name: "party" →
 * "party_name", "referrer" → "referrer_name". */
static void name_key(char *out, size_t size, const char *field)
{
	snprintf(out, size, "%s_name", field);
}

static json_t *value_json(const field_desc *f, const field_value *v)
{
	if (f->flags & F_MULTI) {
		json_t *arr = json_array();
		for (size_t i = 0; arr && i < v->n_items; i++) {
			json_t *item;
			if (f->type == FT_EMAIL || f->type == FT_PHONE || f->type == FT_TEXT || f->type == FT_NOTE)
				item = v->labels[i] ? json_pack("{s:s, s:s}", "value", v->items[i], "label", v->labels[i])
				                    : json_pack("{s:s, s:n}", "value", v->items[i], "label");
			else
				item = json_string(v->items[i]);
			if (jappend(arr, item)) {
				json_decref(arr);
				return NULL;
			}
		}
		return arr;
	}
	if (!v->set)
		return json_null();
	switch (f->type) {
	case FT_NUMBER: return jreal(v->d);
	case FT_INT: case FT_PARTY: case FT_REF: case FT_DAYS: return json_integer(v->i);
	case FT_BOOL: return json_boolean(v->i);
	case FT_TIME: return jtime(v->i);
	default: return json_string(v->s);
	}
}

/* Builds the document of a record; names[k] is the name of the k-th party
 * field when the caller already has it (from a join), else it is looked up. */
static int record_json_with_names(recip_ctx *ctx, const record *rec, const char *const *names, json_t **out)
{
	const entity_desc *e = rec->e;
	json_t *obj = json_object();
	if (!obj || jset(obj, "id", json_integer(rec->id)))
		goto oom;
	int party_field = 0;
	for (size_t i = 0; i < e->n_fields; i++) {
		const field_desc *f = &e->fields[i];
		if (f->flags & F_HIDDEN)
			continue;
		if (jset(obj, f->name, value_json(f, &rec->v[i])))
			goto oom;
		if (f->type != FT_PARTY)
			continue;
		char key[64];
		name_key(key, sizeof(key), f->name);
		const char *known = names ? names[party_field] : NULL;
		party_field++;
		if (!rec->v[i].set) {
			if (jset(obj, key, json_null()))
				goto oom;
			continue;
		}
		if (known) {
			if (jset(obj, key, json_string(known)))
				goto oom;
			continue;
		}
		char *name = NULL;
		int rc = party_name(ctx, rec->v[i].i, &name);
		if (rc) {
			json_decref(obj);
			return rc;
		}
		rc = jset(obj, key, json_string(name));
		free(name);
		if (rc)
			goto oom;
	}
	*out = obj;
	return RECIP_OK;
oom:
	json_decref(obj);
	return recip_oom(ctx);
}

int record_to_json(recip_ctx *ctx, const record *rec, json_t **out)
{
	return record_json_with_names(ctx, rec, NULL, out);
}

/* ---- the public calls ------------------------------------------------------------ */

/* Where writers run concurrently (PostgreSQL), a write first locks the row
 * it rewrites (before reading it) and the roll-ups of the parties it
 * touches (before its checks, such as the give-first gate, read their
 * ledger): see rollup_lock_parties and docs/postgresql.md. */
static int lock_record(recip_ctx *ctx, const entity_desc *e, int64_t id)
{
	if (!db_row_locks(ctx))
		return RECIP_OK;
	buf sql = BUF_INIT;
	buf_printf(&sql, "SELECT id FROM %s WHERE id = ?", e->table);
	if (sql.failed)
		return recip_oom(ctx);
	int rc = db_lock(ctx, sql.data, "i", id);
	buf_release(&sql);
	return rc;
}

static int lock_parties(recip_ctx *ctx, const record *rec, const record *old)
{
	if (!db_row_locks(ctx))
		return RECIP_OK;
	int64_t ids[ROLLUP_LOCK_MAX];
	size_t n = 0;
	const record *both[2] = {rec, old};
	for (int k = 0; k < 2; k++) {
		const record *r = both[k];
		if (!r)
			continue;
		if (!strcmp(r->e->name, "party") && r->id > 0 && n < ROLLUP_LOCK_MAX)
			ids[n++] = r->id;
		for (size_t i = 0; i < r->e->n_fields && n < ROLLUP_LOCK_MAX; i++)
			if (r->e->fields[i].type == FT_PARTY && r->v[i].set)
				ids[n++] = r->v[i].i;
	}
	return rollup_lock_parties(ctx, ids, n);
}

int recip_record_add(recip_ctx *ctx, int64_t *out_id, const char *entity, const recip_field *fields,
                     size_t n_fields)
{
	const entity_desc *e = entity_find(entity);
	if (!e)
		return unknown_entity(ctx, entity);
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	record rec;
	record_init(&rec, e);
	rc = record_apply(ctx, &rec, fields, n_fields, true);
	if (!rc)
		rc = lock_parties(ctx, &rec, NULL);
	if (!rc && e->check)
		rc = e->check(ctx, &rec, NULL);
	if (!rc)
		rc = record_insert(ctx, &rec, out_id);
	if (!rc && e->after_write)
		rc = e->after_write(ctx, NULL, &rec);
	if (!rc)
		rc = audit_record(ctx, "create", NULL, &rec);
	record_release(&rec);
	return tx_end(ctx, rc);
}

int recip_record_update(recip_ctx *ctx, const char *entity, int64_t id, const recip_field *fields,
                        size_t n_fields)
{
	const entity_desc *e = entity_find(entity);
	if (!e)
		return unknown_entity(ctx, entity);
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	record old, rec;
	rc = lock_record(ctx, e, id);
	if (!rc)
		rc = record_load(ctx, &old, e, id);
	if (rc)
		return tx_end(ctx, rc);
	rc = record_copy(ctx, &rec, &old);
	if (rc) {
		record_release(&old);
		return tx_end(ctx, rc);
	}
	rc = record_apply(ctx, &rec, fields, n_fields, false);
	if (!rc)
		rc = lock_parties(ctx, &rec, &old);
	if (!rc && e->check)
		rc = e->check(ctx, &rec, &old);
	if (!rc)
		rc = record_store(ctx, &rec, &old);
	if (!rc && e->after_write)
		rc = e->after_write(ctx, &old, &rec);
	if (!rc)
		rc = audit_record(ctx, "update", &old, &rec);
	record_release(&old);
	record_release(&rec);
	return tx_end(ctx, rc);
}

/* Whether a party appears anywhere in the ledger. */
static int party_has_history(recip_ctx *ctx, int64_t party, bool *out)
{
	static const char *const checks[] = {
		"SELECT count(*) FROM exchange WHERE party_id = ?", "SELECT count(*) FROM touch WHERE party_id = ?",
		"SELECT count(*) FROM visit WHERE party_id = ?",    "SELECT count(*) FROM ask WHERE party_id = ?",
		"SELECT count(*) FROM promise WHERE party_id = ?",  "SELECT count(*) FROM review WHERE party_id = ?",
		"SELECT count(*) FROM nps WHERE party_id = ?",      "SELECT count(*) FROM project WHERE party_id = ?",
		"SELECT count(*) FROM referral WHERE party_id = ? OR referrer_id = ?",
	};
	*out = false;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		int64_t n;
		int rc = strstr(checks[i], "OR") ? db_int(ctx, &n, 0, checks[i], "ii", party, party)
		                                 : db_int(ctx, &n, 0, checks[i], "i", party);
		if (rc)
			return rc;
		if (n) {
			*out = true;
			return RECIP_OK;
		}
	}
	return RECIP_OK;
}

int recip_record_delete(recip_ctx *ctx, const char *entity, int64_t id)
{
	const entity_desc *e = entity_find(entity);
	if (!e)
		return unknown_entity(ctx, entity);
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	record old;
	rc = lock_record(ctx, e, id);
	if (!rc)
		rc = record_load(ctx, &old, e, id);
	if (!rc && (rc = lock_parties(ctx, NULL, &old)))
		record_release(&old);
	if (rc)
		return tx_end(ctx, rc);
	if (!strcmp(e->name, "party")) {
		bool history;
		rc = party_has_history(ctx, id, &history);
		if (!rc && history)
			rc = recip_fail(ctx, RECIP_EEXISTS, "'%s' has history in the ledger; archive the party instead",
			                record_str(&old, "name"));
		if (!rc) /* people of an organisation stay, without it */
			rc = db_run(ctx, "UPDATE party SET org_id = NULL WHERE org_id = ?", "i", id);
	}
	if (!rc)
		rc = record_remove(ctx, &old);
	if (!rc && e->after_write)
		rc = e->after_write(ctx, &old, NULL);
	if (!rc)
		rc = audit_record(ctx, "delete", &old, NULL);
	record_release(&old);
	return tx_end(ctx, rc);
}

int recip_record_get(recip_ctx *ctx, json_t **out, const char *entity, int64_t id)
{
	const entity_desc *e = entity_find(entity);
	if (!e)
		return unknown_entity(ctx, entity);
	record rec;
	int rc = record_load(ctx, &rec, e, id);
	if (rc)
		return rc;
	rc = record_to_json(ctx, &rec, out);
	record_release(&rec);
	return rc;
}

int recip_entity_describe(recip_ctx *ctx, const char *entity, json_t **out)
{
	const entity_desc *e = entity_find(entity);
	if (!e)
		return unknown_entity(ctx, entity);
	static const char *const type_names[] = {
		[FT_TEXT] = "text", [FT_NOTE] = "note", [FT_CHOICE] = "choice", [FT_WORD] = "word",
		[FT_KIND] = "kind", [FT_PARTY] = "party", [FT_REF] = "id", [FT_TIME] = "time",
		[FT_NUMBER] = "number", [FT_INT] = "integer", [FT_BOOL] = "boolean", [FT_DAYS] = "days",
		[FT_ANNUAL] = "annual date", [FT_EMAIL] = "email", [FT_PHONE] = "phone",
	};
	json_t *fields = json_array();
	if (!fields)
		return recip_oom(ctx);
	for (size_t i = 0; i < e->n_fields; i++) {
		const field_desc *f = &e->fields[i];
		if (f->flags & F_HIDDEN)
			continue;
		json_t *item = json_pack("{s:s, s:s, s:b, s:b, s:b, s:s}", "name", f->name, "type", type_names[f->type],
		                         "required", (f->flags & F_REQUIRED) != 0, "multiple", (f->flags & F_MULTI) != 0,
		                         "readonly", (f->flags & F_READONLY) != 0, "help", f->help ? f->help : "");
		if (item && f->type == FT_CHOICE)
			jset(item, "choices", json_string(f->choices));
		if (item && f->dflt)
			jset(item, "default", json_string(f->dflt));
		if (jappend(fields, item)) {
			json_decref(fields);
			return recip_oom(ctx);
		}
	}
	*out = json_pack("{s:s, s:s, s:o}", "entity", e->name, "plural", e->plural, "fields", fields);
	return *out ? RECIP_OK : recip_oom(ctx);
}

/* ---- lists ------------------------------------------------------------------------- */

int entity_list(recip_ctx *ctx, json_t **out, const entity_desc *e, const recip_list_query *q);

int entity_list(recip_ctx *ctx, json_t **out, const entity_desc *e, const recip_list_query *q)
{
	buf sql = BUF_INIT, from = BUF_INIT;
	int n_party = 0;
	buf_adds(&sql, "SELECT ");
	select_columns(&sql, e);
	buf_printf(&from, " FROM %s t", e->table);
	for (size_t i = 0; i < e->n_fields; i++) {
		const field_desc *f = &e->fields[i];
		if (f->type != FT_PARTY || !f->column)
			continue;
		buf_printf(&sql, ", p%d.name", n_party);
		buf_printf(&from, " LEFT JOIN party p%d ON p%d.id = t.%s", n_party, n_party, f->column);
		n_party++;
	}
	/* conditions, each with its parameter */
	buf where = BUF_INIT;
	char types[8] = "";
	int64_t ints[8];
	const char *texts[8];
	size_t nparams = 0;
	bool has_party = field_index(e, "party") >= 0, has_at = field_index(e, "at") >= 0;
	bool has_status = field_index(e, "status") >= 0;
	if (q && q->party > 0 && has_party) {
		if (field_index(e, "referrer") >= 0) {
			buf_adds(&where, " AND (t.party_id = ? OR t.referrer_id = ?)");
			types[nparams] = 'i'; ints[nparams++] = q->party;
		} else {
			buf_adds(&where, " AND t.party_id = ?");
		}
		types[nparams] = 'i'; ints[nparams++] = q->party;
	}
	if (q && q->as_of && has_at) {
		buf_adds(&where, " AND t.at <= ?");
		types[nparams] = 'i'; ints[nparams++] = q->as_of;
	}
	if (q && q->status && *q->status && has_status) {
		buf_adds(&where, " AND t.status = ?");
		types[nparams] = 't'; texts[nparams++] = q->status;
	}
	types[nparams] = '\0';
	buf count_sql = BUF_INIT;
	buf_printf(&count_sql, "SELECT count(*)%s WHERE 1 = 1%s", from.data, where.data);
	buf_printf(&sql, "%s WHERE 1 = 1%s ORDER BY %s LIMIT ? OFFSET ?", from.data, where.data, e->order);
	buf_release(&from);
	buf_release(&where);
	if (sql.failed || count_sql.failed) {
		buf_release(&sql);
		buf_release(&count_sql);
		return recip_oom(ctx);
	}
	int64_t limit = q && q->limit > 0 ? q->limit : -1;
	int64_t offset = q && q->offset > 0 ? q->offset : 0;
	json_t *items = json_array();
	int64_t total = 0;
	int rc = items ? RECIP_OK : recip_oom(ctx);
	for (int pass = 0; pass < 2 && !rc; pass++) {
		db_stmt *st;
		rc = db_prepare(ctx, &st, pass == 0 ? count_sql.data : sql.data);
		if (rc)
			break;
		for (size_t k = 0; k < nparams; k++) {
			if (types[k] == 'i')
				db_bind_int(st, (int)k + 1, ints[k]);
			else
				db_bind_text(st, (int)k + 1, texts[k]);
		}
		if (pass == 0) {
			if ((rc = db_step(ctx, st)) == DB_ROW)
				total = db_col_int(st, 0);
			db_done(st);
			rc = rc < 0 ? rc : RECIP_OK;
			continue;
		}
		db_bind_int(st, (int)nparams + 1, limit < 0 ? INT64_MAX : limit); /* no limit: both backends take this */
		db_bind_int(st, (int)nparams + 2, offset);
		int ncols = 1;
		for (size_t i = 0; i < e->n_fields; i++)
			ncols += is_column(&e->fields[i]);
		while ((rc = db_step(ctx, st)) == DB_ROW) {
			record rec;
			record_init(&rec, e);
			const char *names[8] = {NULL};
			for (int k = 0; k < n_party && k < 8; k++)
				names[k] = db_col_text(st, ncols + k);
			json_t *item = NULL;
			rc = row_to_record(ctx, st, 0, &rec);
			if (!rc)
				rc = record_json_with_names(ctx, &rec, names, &item);
			record_release(&rec);
			if (!rc && jappend(items, item))
				rc = recip_oom(ctx);
			if (rc)
				break;
		}
		db_done(st);
		rc = rc < 0 ? rc : RECIP_OK;
	}
	buf_release(&sql);
	buf_release(&count_sql);
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)total, "limit",
	                 (json_int_t)(limit < 0 ? 0 : limit), "offset", (json_int_t)offset);
	return *out ? RECIP_OK : recip_oom(ctx);
}

int party_list(recip_ctx *ctx, json_t **out, const recip_list_query *q);

int recip_record_list(recip_ctx *ctx, json_t **out, const char *entity, const recip_list_query *query)
{
	const entity_desc *e = entity_find(entity);
	if (!e)
		return unknown_entity(ctx, entity);
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (!strcmp(e->name, "party"))
		return party_list(ctx, out, query);
	return entity_list(ctx, out, e, query);
}
