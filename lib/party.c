/*
 * party.c — parties: finding one from what a person types, their
 * multi-valued fields (roles, tags, emails, phones …), lists with filters
 * and sorting, and the whole picture of one party (recip_party_show).
 */
#include "entity.h"
#include "db.h"
#include "rollup.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int party_name(recip_ctx *ctx, int64_t id, char **out)
{
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT name FROM party WHERE id = ?", "i", id);
	if (rc)
		return rc;
	rc = db_step(ctx, st);
	if (rc == DB_ROW) {
		*out = xstrdup(db_col_text(st, 0));
		rc = *out ? RECIP_OK : recip_oom(ctx);
	} else if (rc == DB_DONE) {
		rc = recip_fail(ctx, RECIP_ENOTFOUND, "no party #%lld", (long long)id);
	}
	db_done(st);
	return rc;
}

int party_exists(recip_ctx *ctx, int64_t id)
{
	int64_t n;
	int rc = db_int(ctx, &n, 0, "SELECT count(*) FROM party WHERE id = ?", "i", id);
	if (rc)
		return rc;
	return n ? RECIP_OK : recip_fail(ctx, RECIP_ENOTFOUND, "no party #%lld", (long long)id);
}

/* ---- resolving a reference ------------------------------------------------------ */

typedef struct candidates {
	int64_t ids[6];
	char names[6][80];
	bool archived[6];
	size_t n;        /* how many were seen (may exceed what is kept) */
} candidates;

static int collect(recip_ctx *ctx, db_stmt *st, candidates *c)
{
	int rc;
	c->n = 0;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		if (c->n < 6) {
			c->ids[c->n] = db_col_int(st, 0);
			snprintf(c->names[c->n], sizeof(c->names[0]), "%s", db_col_text(st, 1));
			c->archived[c->n] = db_col_int(st, 2) != 0;
		}
		c->n++;
	}
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

/* One live party among the candidates wins over archived ones. */
static bool pick(const candidates *c, int64_t *out)
{
	if (c->n == 1) {
		*out = c->ids[0];
		return true;
	}
	if (c->n > 6)
		return false;
	int live = -1;
	for (size_t i = 0; i < c->n; i++) {
		if (c->archived[i])
			continue;
		if (live >= 0)
			return false;
		live = (int)i;
	}
	if (live < 0)
		return false;
	*out = c->ids[live];
	return true;
}

static int ambiguous(recip_ctx *ctx, const char *reference, const candidates *c)
{
	buf list = BUF_INIT;
	size_t shown = c->n < 6 ? c->n : 5;
	for (size_t i = 0; i < shown; i++)
		buf_printf(&list, "%s%s (#%lld)", i ? ", " : "", c->names[i], (long long)c->ids[i]);
	if (c->n > shown)
		buf_printf(&list, " and %zu more", c->n - shown);
	int rc = recip_fail(ctx, RECIP_EAMBIGUOUS, "'%s' matches %zu parties: %s", reference, c->n, list.data);
	buf_release(&list);
	return rc;
}

int recip_party_resolve(recip_ctx *ctx, int64_t *out_id, const char *reference)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	if (!reference)
		reference = "";
	char *ref = text_trim(reference);
	if (!ref)
		return recip_oom(ctx);
	int rc = RECIP_OK;
	candidates c;
	db_stmt *st;
	if (!*ref) {
		rc = recip_fail(ctx, RECIP_EINVAL, "no party named (an id, an email or a name)");
		goto done;
	}
	if (!utf8_valid(ref, strlen(ref))) {
		rc = recip_fail(ctx, RECIP_EINVAL, "the party's name is not valid UTF-8");
		goto done;
	}
	const char *digits = ref[0] == '#' ? ref + 1 : ref;
	if (*digits && strspn(digits, "0123456789") == strlen(digits) && strlen(digits) < 18) {
		int64_t id = strtoll(digits, NULL, 10);
		int64_t n;
		rc = db_int(ctx, &n, 0, "SELECT count(*) FROM party WHERE id = ?", "i", id);
		if (!rc && !n)
			rc = recip_fail(ctx, RECIP_ENOTFOUND, "no party #%lld", (long long)id);
		if (!rc)
			*out_id = id;
		goto done;
	}
	if (strchr(ref, '@')) {
		char *key = text_fold(ref);
		if (!key) {
			rc = recip_oom(ctx);
			goto done;
		}
		rc = db_query(ctx, &st,
		              "SELECT p.id, p.name, p.archived FROM party_value v JOIN party p ON p.id = v.party_id "
		              "WHERE v.field = 'email' AND v.value_key = ? ORDER BY p.id",
		              "t", key);
		free(key);
		if (!rc)
			rc = collect(ctx, st, &c);
		if (rc)
			goto done;
		if (c.n == 0)
			rc = recip_fail(ctx, RECIP_ENOTFOUND, "unknown party '%s' (no one has that email)", ref);
		else if (!pick(&c, out_id))
			rc = ambiguous(ctx, ref, &c);
		goto done;
	}
	char *key = text_fold(ref);
	if (!key) {
		rc = recip_oom(ctx);
		goto done;
	}
	/* an exact name first, then names that start with what was typed */
	rc = db_query(ctx, &st, "SELECT id, name, archived FROM party WHERE name_key = ? ORDER BY id", "t", key);
	if (!rc)
		rc = collect(ctx, st, &c);
	if (!rc && c.n == 0) {
		rc = db_query(ctx, &st,
		              "SELECT id, name, archived FROM party WHERE substr(name_key, 1, ?) = ? ORDER BY name_key, id",
		              "it", (int64_t)utf8_length(key), key);
		if (!rc)
			rc = collect(ctx, st, &c);
	}
	free(key);
	if (rc)
		goto done;
	if (c.n == 0)
		rc = recip_fail(ctx, RECIP_ENOTFOUND, "unknown party '%s'", ref);
	else if (!pick(&c, out_id))
		rc = ambiguous(ctx, ref, &c);
done:
	free(ref);
	return rc;
}

int party_resolve_or_create_org(recip_ctx *ctx, int64_t *out_id, const char *reference)
{
	int rc = recip_party_resolve(ctx, out_id, reference);
	if (rc != RECIP_ENOTFOUND)
		return rc;
	const char *digits = reference[0] == '#' ? reference + 1 : reference;
	if (strchr(reference, '@') || (*digits && strspn(digits, "0123456789") == strlen(digits)))
		return rc;
	recip_field fields[] = {
		{"kind", "organisation", RECIP_SET, NULL},
		{"name", reference, RECIP_SET, NULL},
	};
	recip_error_clear(ctx);
	return recip_record_add(ctx, out_id, "party", fields, 2);
}

/* ---- multi-valued fields ------------------------------------------------------------ */

int party_load_values(recip_ctx *ctx, record *rec)
{
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT field, value, label FROM party_value WHERE party_id = ? ORDER BY field, position",
	                  "i", rec->id);
	if (rc)
		return rc;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		int idx = field_index(rec->e, db_col_text(st, 0));
		if (idx < 0 || !(rec->e->fields[idx].flags & F_MULTI))
			continue;
		field_value *v = &rec->v[idx];
		char **items = realloc(v->items, (v->n_items + 1) * sizeof(char *));
		if (items)
			v->items = items;
		char **labels = realloc(v->labels, (v->n_items + 1) * sizeof(char *));
		if (labels)
			v->labels = labels;
		if (!items || !labels) {
			rc = recip_oom(ctx);
			break;
		}
		const char *label = db_col_text(st, 2);
		v->items[v->n_items] = xstrdup(db_col_text(st, 1));
		v->labels[v->n_items] = label ? xstrdup(label) : NULL;
		if (!v->items[v->n_items] || (label && !v->labels[v->n_items])) {
			free(v->items[v->n_items]);
			free(v->labels[v->n_items]);
			rc = recip_oom(ctx);
			break;
		}
		v->n_items++;
		v->set = true;
	}
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

int party_store_values(recip_ctx *ctx, const record *rec)
{
	int rc = db_run(ctx, "DELETE FROM party_value WHERE party_id = ?", "i", rec->id);
	for (size_t i = 0; i < rec->e->n_fields && !rc; i++) {
		const field_desc *f = &rec->e->fields[i];
		if (!(f->flags & F_MULTI))
			continue;
		const field_value *v = &rec->v[i];
		for (size_t k = 0; k < v->n_items && !rc; k++) {
			char *key = f->type == FT_PHONE ? phone_key(v->items[k]) : text_fold(v->items[k]);
			if (!key)
				return recip_oom(ctx);
			rc = db_run(ctx,
			            "INSERT INTO party_value (party_id, field, value, value_key, label, position) "
			            "VALUES (?, ?, ?, ?, ?, ?)",
			            "itttti", rec->id, f->name, v->items[k], key, v->labels[k], (int64_t)k);
			free(key);
		}
	}
	return rc;
}

/* ---- lists ---------------------------------------------------------------------------- */

/* Adds the multi-valued fields of one party to its document. */
static int add_values(recip_ctx *ctx, json_t *item, int64_t party)
{
	record rec;
	const entity_desc *e = entity_find("party");
	record_init(&rec, e);
	rec.id = party;
	int rc = party_load_values(ctx, &rec);
	for (size_t i = 0; i < e->n_fields && !rc; i++) {
		const field_desc *f = &e->fields[i];
		if (!(f->flags & F_MULTI))
			continue;
		json_t *arr = json_array();
		for (size_t k = 0; arr && k < rec.v[i].n_items; k++)
			if (jappend(arr, json_string(rec.v[i].items[k]))) {
				json_decref(arr);
				arr = NULL;
			}
		char key[32];
		/* lists carry the plural names: roles, tags, emails … */
		snprintf(key, sizeof(key), "%s%s", f->name, !strcmp(f->name, "serves") ? "" :
		         !strcmp(f->name, "address") ? "es" : "s");
		if (jset(item, key, arr))
			rc = recip_oom(ctx);
	}
	record_release(&rec);
	return rc;
}

int party_list(recip_ctx *ctx, json_t **out, const recip_list_query *q);

typedef struct party_row {
	int64_t id;
	char *kind, *name, *org;
	bool archived;
	char *name_key;
	double balance;
	recip_time contact;
} party_row;

static void party_rows_free(party_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(rows[i].kind);
		free(rows[i].name);
		free(rows[i].org);
		free(rows[i].name_key);
	}
	free(rows);
}

static int by_balance(const void *a, const void *b)
{
	const party_row *x = a, *y = b;
	if (x->balance != y->balance)
		return x->balance < y->balance ? 1 : -1;
	int c = strcmp(x->name_key, y->name_key);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

static int by_contact(const void *a, const void *b)
{
	/* longest without contact first; never contacted before all */
	const party_row *x = a, *y = b;
	if (x->contact != y->contact)
		return x->contact < y->contact ? -1 : 1;
	int c = strcmp(x->name_key, y->name_key);
	return c ? c : (x->id > y->id) - (x->id < y->id);
}

/* A LIKE pattern that matches `text` anywhere, its wildcards escaped. */
static char *like_pattern(const char *text)
{
	buf pattern = BUF_INIT;
	buf_addc(&pattern, '%');
	for (const char *s = text; *s; s++) {
		if (*s == '%' || *s == '_' || *s == '\\')
			buf_addc(&pattern, '\\');
		buf_addc(&pattern, *s);
	}
	buf_addc(&pattern, '%');
	return buf_detach(&pattern);
}

int party_list(recip_ctx *ctx, json_t **out, const recip_list_query *q)
{
	recip_list_query none = {0};
	if (!q)
		q = &none;
	int (*sorter)(const void *, const void *) = NULL;
	if (q->sort && *q->sort && strcasecmp(q->sort, "name")) {
		if (!strcasecmp(q->sort, "balance"))
			sorter = by_balance;
		else if (!strcasecmp(q->sort, "contact"))
			sorter = by_contact;
		else
			return recip_fail(ctx, RECIP_EINVAL, "bad sort '%s' (one of: name, balance, contact)", q->sort);
	}
	char *texts[4] = {NULL};
	size_t nt = 0;
	buf sql = BUF_INIT;
	buf_adds(&sql, "SELECT p.id, p.kind, p.name, p.archived, o.name, p.name_key, r.balance_last, "
	               "r.last_exchange_at, r.last_contact_at FROM party p LEFT JOIN party o ON o.id = p.org_id "
	               "LEFT JOIN party_rollup r ON r.party_id = p.id WHERE 1 = 1");
	int rc = RECIP_OK;
	if (!q->include_archived)
		buf_adds(&sql, " AND p.archived = 0");
	if (q->role) {
		buf_adds(&sql, " AND EXISTS (SELECT 1 FROM party_value v WHERE v.party_id = p.id AND v.field = 'role' "
		               "AND v.value_key = ?)");
		if (!(texts[nt++] = text_fold(q->role)))
			rc = recip_oom(ctx);
	}
	if (q->tag) {
		buf_adds(&sql, " AND EXISTS (SELECT 1 FROM party_value v WHERE v.party_id = p.id AND v.field = 'tag' "
		               "AND v.value_key = ?)");
		if (!(texts[nt++] = text_fold(q->tag)))
			rc = recip_oom(ctx);
	}
	if (q->search && *q->search) {
		/* instr() and strpos() differ between backends: LIKE on folded text */
		char *folded = text_fold(q->search);
		buf_adds(&sql, " AND (p.name_key LIKE ? ESCAPE '\\' OR EXISTS (SELECT 1 FROM party_value v WHERE "
		               "v.party_id = p.id AND v.value_key LIKE ? ESCAPE '\\'))");
		texts[nt] = folded ? like_pattern(folded) : NULL;
		free(folded);
		if (!texts[nt++])
			rc = recip_oom(ctx);
		texts[nt] = xstrdup(texts[nt - 1]);
		if (!texts[nt++])
			rc = recip_oom(ctx);
	}
	buf_adds(&sql, " ORDER BY p.name_key, p.id");
	if (!rc && sql.failed)
		rc = recip_oom(ctx);
	db_stmt *st = NULL;
	if (!rc)
		rc = db_prepare(ctx, &st, sql.data);
	buf_release(&sql);
	for (size_t i = 0; !rc && i < nt; i++)
		db_bind_text(st, (int)i + 1, texts[i]);
	recip_time as_of = q->as_of ? q->as_of : ctx->now;
	party_row *rows = NULL;
	size_t n = 0, cap = 0;
	while (!rc && (rc = db_step(ctx, st)) == DB_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			party_row *grown = realloc(rows, ncap * sizeof(party_row));
			if (!grown) {
				rc = recip_oom(ctx);
				break;
			}
			rows = grown;
			cap = ncap;
		}
		party_row *r = &rows[n++];
		memset(r, 0, sizeof(*r));
		r->id = db_col_int(st, 0);
		r->kind = xstrdup(db_col_text(st, 1));
		r->name = xstrdup(db_col_text(st, 2));
		r->archived = db_col_int(st, 3) != 0;
		r->org = db_col_text(st, 4) ? xstrdup(db_col_text(st, 4)) : NULL;
		r->name_key = xstrdup(db_col_text(st, 5));
		if (!r->kind || !r->name || !r->name_key || (db_col_text(st, 4) && !r->org)) {
			rc = recip_oom(ctx);
			break;
		}
		/* the roll-up answers unless it holds entries after as_of */
		party_rollup roll = {.balance_last = db_col_double(st, 6), .last_exchange_at = db_col_time(st, 7),
		                     .last_contact_at = db_col_time(st, 8)};
		r->balance = roll.last_exchange_at == TIME_NONE ? 0 :
		             roll.balance_last * decay(&ctx->cfg, day_of(as_of) - day_of(roll.last_exchange_at));
		r->contact = roll.last_contact_at;
		/* mark rows that need a look at their own entries */
		if ((roll.last_exchange_at != TIME_NONE && roll.last_exchange_at > as_of) ||
		    (roll.last_contact_at != TIME_NONE && roll.last_contact_at > as_of))
			r->contact = INT64_MAX;
		rc = RECIP_OK;
	}
	if (st)
		db_done(st);
	if (rc > 0)
		rc = RECIP_OK;
	for (size_t i = 0; !rc && i < n; i++) {
		if (rows[i].contact != INT64_MAX)
			continue;
		party_standing standing;
		rc = standing_as_of(ctx, rows[i].id, NULL, as_of, &standing);
		rows[i].balance = standing.balance;
		rows[i].contact = standing.r.last_contact_at;
	}
	if (!rc && sorter && n > 1)
		qsort(rows, n, sizeof(*rows), sorter);
	int64_t offset = q->offset > 0 ? q->offset : 0;
	int64_t limit = q->limit > 0 ? q->limit : (int64_t)n;
	json_t *items = rc ? NULL : json_array();
	if (!rc && !items)
		rc = recip_oom(ctx);
	for (int64_t i = offset; !rc && i < offset + limit && i < (int64_t)n; i++) {
		party_row *r = &rows[i];
		json_t *doc = json_pack("{s:I, s:s, s:s, s:b, s:o, s:o, s:o}", "id", (json_int_t)r->id, "kind", r->kind,
		                        "name", r->name, "archived", r->archived, "org_name", jstr_or_null(r->org),
		                        "balance", jreal(r->balance), "last_contact_at", jtime(r->contact));
		if (!doc || jappend(items, doc))
			rc = recip_oom(ctx);
		else
			rc = add_values(ctx, doc, r->id);
	}
	party_rows_free(rows, n);
	for (size_t i = 0; i < nt; i++)
		free(texts[i]);
	if (rc) {
		json_decref(items);
		return rc;
	}
	*out = json_pack("{s:o, s:I, s:I, s:I}", "items", items, "total", (json_int_t)n, "limit",
	                 (json_int_t)(q->limit > 0 ? q->limit : 0), "offset", (json_int_t)offset);
	return *out ? RECIP_OK : recip_oom(ctx);
}
