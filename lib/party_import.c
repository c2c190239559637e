/*
 * party_import.c — bringing parties in from outside (CSV rows and vCards)
 * without making duplicates. A party as found in the input (a draft) is
 * matched against the parties that existed before the import began: by
 * external id, then email, then phone, and by exact name only when the
 * draft has none of those. A match is merged: values it lacks are added,
 * values that differ are kept (and reported) unless the import updates.
 * Parties created by the same import are never matched, so two contacts
 * of one file that share a telephone stay two people.
 */
#include "import.h"
#include "entity.h"
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- drafts --------------------------------------------------------------------- */

void draft_init(party_draft *d, int64_t line)
{
	memset(d, 0, sizeof(*d));
	d->line = line;
}

void draft_release(party_draft *d)
{
	for (size_t i = 0; i < d->n_fields; i++) {
		free((char *)d->fields[i].name);
		free((char *)d->fields[i].value);
		free((char *)d->fields[i].label);
	}
	for (size_t i = 0; i < d->n_facts; i++) {
		free(d->fact_keys[i]);
		free(d->fact_values[i]);
	}
	free(d->fields);
	free(d->fact_keys);
	free(d->fact_values);
	free(d->org);
	memset(d, 0, sizeof(*d));
}

const char *draft_get(const party_draft *d, const char *name)
{
	for (size_t i = 0; i < d->n_fields; i++)
		if (!strcmp(d->fields[i].name, name))
			return d->fields[i].value;
	return NULL;
}

static const entity_desc *party_entity(void)
{
	return entity_find("party");
}

/* Checks one value as recip_record_update would parse it. */
static int check_value(recip_ctx *ctx, const char *name, const char *value, const char *label)
{
	const entity_desc *e = party_entity();
	int idx = field_index(e, name);
	if (idx >= 0 && !strcmp(e->fields[idx].name, "kind")) {
		static const char *const kinds[] = {"person", "organisation", "organization", "org", NULL};
		for (size_t i = 0; kinds[i]; i++)
			if (!strcasecmp(value, kinds[i]))
				return RECIP_OK;
		return recip_fail(ctx, RECIP_EINVAL, "bad kind '%.60s' (one of: person, organisation)", value);
	}
	if (idx >= 0 && e->fields[idx].type == FT_PARTY)
		return recip_fail(ctx, RECIP_EINVAL, "%s is given as a name, not checked here", name);
	record scratch;
	record_init(&scratch, e);
	recip_field f = {name, value, (idx >= 0 && (e->fields[idx].flags & F_MULTI)) ? RECIP_ADD : RECIP_SET, label};
	int rc = record_apply(ctx, &scratch, &f, 1, false);
	record_release(&scratch);
	return rc;
}

int draft_field(recip_ctx *ctx, party_draft *d, const char *name, const char *value, const char *label)
{
	int rc = check_value(ctx, name, value, label);
	if (rc)
		return rc;
	if (d->n_fields == d->cap_fields) {
		size_t cap = d->cap_fields ? d->cap_fields * 2 : 16;
		recip_field *grown = realloc(d->fields, cap * sizeof(recip_field));
		if (!grown)
			return recip_oom(ctx);
		d->fields = grown;
		d->cap_fields = cap;
	}
	const entity_desc *e = party_entity();
	int idx = field_index(e, name);
	recip_field *f = &d->fields[d->n_fields];
	f->name = xstrdup(e->fields[idx].name);
	f->value = xstrdup(value);
	f->label = label && *label ? xstrdup(label) : NULL;
	f->op = (e->fields[idx].flags & F_MULTI) ? RECIP_ADD : RECIP_SET;
	if (!f->name || !f->value || (label && *label && !f->label)) {
		free((char *)f->name);
		free((char *)f->value);
		free((char *)f->label);
		return recip_oom(ctx);
	}
	if (!strcmp(f->name, "kind")) { /* "org" and "organization" as people write them */
		free((char *)f->value);
		f->value = xstrdup(strcasecmp(value, "person") ? "organisation" : "person");
		if (!f->value)
			return recip_oom(ctx);
	}
	d->n_fields++;
	return RECIP_OK;
}

int draft_fact(recip_ctx *ctx, party_draft *d, const char *key, const char *value)
{
	char *k = text_trim(key), *v = text_trim(value);
	if (!k || !v) {
		free(k);
		free(v);
		return recip_oom(ctx);
	}
	int rc = RECIP_OK;
	if (!*k || !*v)
		goto done;
	for (size_t i = 0; i < d->n_facts; i++) {
		if (strcasecmp(d->fact_keys[i], k))
			continue;
		buf joined = BUF_INIT;
		buf_printf(&joined, "%s; %s", d->fact_values[i], v);
		char *text = buf_detach(&joined);
		if (!text) {
			rc = recip_oom(ctx);
			goto done;
		}
		free(d->fact_values[i]);
		d->fact_values[i] = text;
		goto done;
	}
	if (d->n_facts == d->cap_facts) {
		size_t cap = d->cap_facts ? d->cap_facts * 2 : 8;
		char **keys = realloc(d->fact_keys, cap * sizeof(char *));
		if (keys)
			d->fact_keys = keys;
		char **values = realloc(d->fact_values, cap * sizeof(char *));
		if (values)
			d->fact_values = values;
		if (!keys || !values) {
			rc = recip_oom(ctx);
			goto done;
		}
		d->cap_facts = cap;
	}
	d->fact_keys[d->n_facts] = k;
	d->fact_values[d->n_facts] = v;
	d->n_facts++;
	return RECIP_OK;
done:
	free(k);
	free(v);
	return rc;
}

/* ---- matching ------------------------------------------------------------------------- */

int party_importer_init(recip_ctx *ctx, party_importer *p, bool update)
{
	memset(p, 0, sizeof(*p));
	p->update = update;
	return db_int(ctx, &p->max_existing_id, 0, "SELECT MAX(id) FROM party", "");
}

typedef struct candidate {
	int64_t id;
	int score;
	char by[300];
} candidate;

static int add_candidates(recip_ctx *ctx, candidate *c, size_t *n, size_t cap, db_stmt *st, int score,
                          const char *by)
{
	int rc;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		int64_t id = db_col_int(st, 0);
		size_t k = 0;
		while (k < *n && c[k].id != id)
			k++;
		if (k == *n) {
			if (*n == cap)
				continue;
			c[k].id = id;
			c[k].score = 0;
			snprintf(c[k].by, sizeof(c[k].by), "%s", by);
			(*n)++;
		}
		c[k].score += score;
	}
	db_done(st);
	return rc < 0 ? rc : RECIP_OK;
}

/* The email as stored for lookups: trimmed, without "mailto:", folded. */
static char *email_key(const char *value)
{
	char *t = text_trim(value);
	if (!t)
		return NULL;
	const char *s = strncasecmp(t, "mailto:", 7) ? t : t + 7;
	char *key = text_fold(s);
	free(t);
	return key;
}

static size_t digits_in(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += *s >= '0' && *s <= '9';
	return n;
}

/* Finds the party the draft is, among those from before the import. */
static int find_match(recip_ctx *ctx, party_importer *p, const party_draft *d, int64_t *out, char *by,
                      size_t by_size)
{
	candidate c[16];
	size_t n = 0;
	int rc = RECIP_OK;
	db_stmt *st;
	bool keyed = false, has_contact = false;
	*out = 0;
	for (size_t i = 0; i < d->n_fields && !rc; i++) {
		const recip_field *f = &d->fields[i];
		char by_text[300];
		if (!strcmp(f->name, "external_id")) {
			keyed = true;
			snprintf(by_text, sizeof(by_text), "external id %s", f->value);
			rc = db_query(ctx, &st, "SELECT id FROM party WHERE external_id = ? AND id <= ?", "ti", f->value,
			              p->max_existing_id);
			if (!rc)
				rc = add_candidates(ctx, c, &n, 16, st, 1000, by_text);
		} else if (!strcmp(f->name, "email") || !strcmp(f->name, "phone")) {
			bool email = f->name[0] == 'e';
			has_contact = true;
			char *key = email ? email_key(f->value) : phone_key(f->value);
			if (!key)
				return recip_oom(ctx);
			if (email || digits_in(key) >= 5) { /* "123" is no way to tell people apart */
				keyed = true;
				snprintf(by_text, sizeof(by_text), "%s %s", f->name, f->value);
				rc = db_query(ctx, &st,
				              "SELECT DISTINCT party_id FROM party_value WHERE field = ? AND value_key = ? "
				              "AND party_id <= ?",
				              "tti", f->name, key, p->max_existing_id);
				if (!rc)
					rc = add_candidates(ctx, c, &n, 16, st, email ? 10 : 1, by_text);
			}
			free(key);
		}
	}
	if (rc)
		return rc;
	const char *name = draft_get(d, "name");
	char *trimmed = name ? lookup_key(name) : NULL;
	if (name && !trimmed)
		return recip_oom(ctx);
	/* no email or phone to go by, and the external id (if any) matched
	 * nothing: the exact name, when one party alone has it (and no other
	 * external id) */
	bool by_name = !keyed || (n == 0 && !has_contact);
	if (by_name && trimmed) {
		rc = db_query(ctx, &st,
		              "SELECT id FROM party WHERE name_key = ? AND id <= ? AND (CAST(? AS BIGINT) = 0 OR "
		              "external_id IS NULL)",
		              "tii", trimmed, p->max_existing_id, (int64_t)keyed);
		size_t before = n;
		if (!rc)
			rc = add_candidates(ctx, c, &n, 16, st, 1, "name");
		if (!rc && n - before > 1)
			n = before; /* two parties of that name: which one is unknowable */
	} else if (trimmed) {
		/* the same name breaks a tie between parties that share a number */
		for (size_t k = 0; k < n && !rc; k++) {
			int64_t same;
			rc = db_int(ctx, &same, 0, "SELECT count(*) FROM party WHERE id = ? AND name_key = ?", "it", c[k].id,
			            trimmed);
			c[k].score += same ? 5 : 0;
		}
	}
	free(trimmed);
	if (rc)
		return rc;
	size_t best = SIZE_MAX;
	for (size_t k = 0; k < n; k++)
		if (best == SIZE_MAX || c[k].score > c[best].score || (c[k].score == c[best].score && c[k].id < c[best].id))
			best = k;
	if (best != SIZE_MAX) {
		*out = c[best].id;
		snprintf(by, by_size, "%s", c[best].by);
	}
	return RECIP_OK;
}

/* ---- organisations ------------------------------------------------------------------ */

/* The organisation of that exact name (0: none). A person of that name does
 * not count: people's organisations are organisations. */
static int find_org(recip_ctx *ctx, const char *name, int64_t *out)
{
	char *trimmed = lookup_key(name);
	if (!trimmed)
		return recip_oom(ctx);
	int rc = db_int(ctx, out, 0,
	                "SELECT id FROM party WHERE name_key = ? AND kind = 'organisation' ORDER BY archived, id LIMIT 1",
	                "t", trimmed);
	free(trimmed);
	return rc;
}

static int find_or_create_org(recip_ctx *ctx, const char *name, int64_t *out)
{
	int rc = find_org(ctx, name, out);
	if (rc || *out)
		return rc;
	recip_field fields[] = {{"kind", "organisation", RECIP_SET, NULL}, {"name", name, RECIP_SET, NULL}};
	return recip_record_add(ctx, out, "party", fields, 2);
}

/* ---- adding and merging ---------------------------------------------------------------- */

static int add_new(recip_ctx *ctx, party_importer *p, party_draft *d)
{
	char org_ref[32] = "";
	bool organisation = false;
	const char *kind = draft_get(d, "kind");
	if (kind && !strcmp(kind, "organisation"))
		organisation = true;
	int rc = RECIP_OK;
	if (d->org && *d->org && !organisation) {
		int64_t org;
		rc = find_or_create_org(ctx, d->org, &org);
		if (rc)
			return rc;
		snprintf(org_ref, sizeof(org_ref), "#%lld", (long long)org);
	}
	recip_field *fields = calloc(d->n_fields + 1, sizeof(recip_field));
	if (!fields)
		return recip_oom(ctx);
	memcpy(fields, d->fields, d->n_fields * sizeof(recip_field));
	size_t n = d->n_fields;
	if (*org_ref)
		fields[n++] = (recip_field){"org", org_ref, RECIP_SET, NULL};
	int64_t id;
	rc = recip_record_add(ctx, &id, "party", fields, n);
	free(fields);
	for (size_t i = 0; i < d->n_facts && !rc; i++)
		rc = recip_fact_remember(ctx, id, d->fact_keys[i], d->fact_values[i]);
	if (!rc)
		p->added++;
	return rc;
}

static bool same_value(const field_desc *f, const field_value *a, const field_value *b)
{
	if (a->set != b->set)
		return false;
	if (!a->set)
		return true;
	switch (f->type) {
	case FT_NUMBER: return a->d == b->d;
	case FT_INT: case FT_BOOL: case FT_TIME: case FT_PARTY: case FT_REF: case FT_DAYS: return a->i == b->i;
	default: return !strcmp(a->s, b->s);
	}
}

/* The text of a single value, for the report. */
static void value_text(const field_desc *f, const field_value *v, char *out, size_t size)
{
	if (!v->set)
		snprintf(out, size, "(none)");
	else if (f->type == FT_NUMBER)
		snprintf(out, size, "%g", v->d);
	else if (f->type == FT_BOOL)
		snprintf(out, size, "%s", v->i ? "yes" : "no");
	else if (f->type == FT_INT || f->type == FT_DAYS)
		snprintf(out, size, "%lld", (long long)v->i);
	else
		snprintf(out, size, "%.120s", v->s ? v->s : "");
}

typedef struct merge_plan {
	recip_field *changes;
	size_t n, cap;
	char **owned;             /* texts the changes point at */
	size_t n_owned;
	json_t *described;
} merge_plan;

static int plan_add(recip_ctx *ctx, merge_plan *m, const char *name, const char *value, recip_change_op op,
                    const char *label)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		recip_field *grown = realloc(m->changes, cap * sizeof(recip_field));
		char **owned = realloc(m->owned, cap * 2 * sizeof(char *));
		if (grown)
			m->changes = grown;
		if (owned)
			m->owned = owned;
		if (!grown || !owned)
			return recip_oom(ctx);
		m->cap = cap;
	}
	char *v = xstrdup(value), *l = label ? xstrdup(label) : NULL;
	if (!v || (label && !l)) {
		free(v);
		free(l);
		return recip_oom(ctx);
	}
	m->owned[m->n_owned++] = v;
	if (l)
		m->owned[m->n_owned++] = l;
	m->changes[m->n++] = (recip_field){name, v, op, l};
	return RECIP_OK;
}

static int describe(recip_ctx *ctx, merge_plan *m, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int describe(recip_ctx *ctx, merge_plan *m, const char *fmt, ...)
{
	buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	char *text = buf_detach(&b);
	int rc = text && !jappend(m->described, json_string(text)) ? RECIP_OK : recip_oom(ctx);
	free(text);
	return rc;
}

static void plan_release(merge_plan *m)
{
	for (size_t i = 0; i < m->n_owned; i++)
		free(m->owned[i]);
	free(m->owned);
	free(m->changes);
	json_decref(m->described);
}

int party_vcard_uid(const record *rec, char *out, size_t size);

/* Whether an incoming external id is the UID recip's own vCard export
 * gives this party: nothing to record then. */
static bool own_card_uid(const field_desc *f, const record *old, const field_value *in)
{
	if (strcmp(f->name, "external_id") || record_has(old, "external_id") || strncmp(in->s, "vcard:", 6))
		return false;
	char uid[256];
	party_vcard_uid(old, uid, sizeof(uid));
	return !strcmp(uid, in->s + 6);
}

/* What merging the draft into the stored party changes. */
static int plan_fields(recip_ctx *ctx, party_importer *p, const party_draft *d, const record *old, merge_plan *m)
{
	const entity_desc *e = party_entity();
	record incoming;
	record_init(&incoming, e);
	int rc = RECIP_OK;
	for (size_t i = 0; i < d->n_fields && !rc; i++)
		if (strcmp(d->fields[i].name, "kind"))
			rc = record_apply(ctx, &incoming, &d->fields[i], 1, false);
	for (size_t i = 0; i < e->n_fields && !rc; i++) {
		const field_desc *f = &e->fields[i];
		if (!incoming.given[i])
			continue;
		const field_value *now = &old->v[i], *in = &incoming.v[i];
		if (f->flags & F_MULTI) {
			for (size_t k = 0; k < in->n_items && !rc; k++) {
				char *key = f->type == FT_PHONE ? phone_key(in->items[k]) : text_fold(in->items[k]);
				bool present = false;
				for (size_t j = 0; key && j < now->n_items && !present; j++) {
					char *other = f->type == FT_PHONE ? phone_key(now->items[j]) : text_fold(now->items[j]);
					present = other && !strcmp(other, key);
					free(other);
				}
				if (!key)
					rc = recip_oom(ctx);
				else if (!present && !(rc = plan_add(ctx, m, f->name, in->items[k], RECIP_ADD, in->labels[k])))
					rc = describe(ctx, m, "+%s %s%s%s%s", f->name, in->items[k], in->labels[k] ? " (" : "",
					              in->labels[k] ? in->labels[k] : "", in->labels[k] ? ")" : "");
				free(key);
			}
			continue;
		}
		if (same_value(f, now, in) || !in->set || own_card_uid(f, old, in))
			continue;
		const char *text = NULL;
		for (size_t k = 0; k < d->n_fields; k++)
			if (!strcmp(d->fields[k].name, f->name))
				text = d->fields[k].value;
		char was[160], is[160];
		value_text(f, now, was, sizeof(was));
		value_text(f, in, is, sizeof(is));
		if (!now->set) {
			if (!(rc = plan_add(ctx, m, f->name, text, RECIP_SET, NULL)))
				rc = describe(ctx, m, "%s: %s", f->name, is);
		} else if (p->update) {
			if (!(rc = plan_add(ctx, m, f->name, text, RECIP_SET, NULL)))
				rc = describe(ctx, m, "%s: %s (was %s)", f->name, is, was);
		} else {
			rc = describe(ctx, m, "kept %s '%s' (the input has '%s')", f->name, was, is);
		}
	}
	record_release(&incoming);
	return rc;
}

static int plan_org(recip_ctx *ctx, party_importer *p, const party_draft *d, const record *old, merge_plan *m)
{
	const char *kind = record_str(old, "kind");
	if (!d->org || !*d->org || !strcmp(kind, "organisation"))
		return RECIP_OK;
	int64_t org;
	int rc = find_org(ctx, d->org, &org);
	if (rc)
		return rc;
	int64_t current = record_has(old, "org") ? record_int(old, "org") : 0;
	if (org && org == current)
		return RECIP_OK;
	if (current && !p->update) {
		char *name = NULL;
		rc = party_name(ctx, current, &name);
		if (!rc)
			rc = describe(ctx, m, "kept org '%s' (the input has '%s')", name, d->org);
		free(name);
		return rc;
	}
	if (!org && (rc = find_or_create_org(ctx, d->org, &org)))
		return rc;
	char ref[32];
	snprintf(ref, sizeof(ref), "#%lld", (long long)org);
	rc = plan_add(ctx, m, "org", ref, RECIP_SET, NULL);
	return rc ? rc : describe(ctx, m, "org: %s", d->org);
}

/* Facts to remember: keys the party lacks, or (when updating) values that differ. */
static int plan_facts(recip_ctx *ctx, party_importer *p, const party_draft *d, int64_t party, merge_plan *m,
                      bool *todo)
{
	int rc = RECIP_OK;
	for (size_t i = 0; i < d->n_facts && !rc; i++) {
		todo[i] = false;
		char *now;
		if ((rc = fact_value(ctx, party, d->fact_keys[i], &now)))
			return rc;
		if (!now) {
			todo[i] = true;
			rc = describe(ctx, m, "+fact %s: %s", d->fact_keys[i], d->fact_values[i]);
		} else if (strcmp(now, d->fact_values[i])) {
			todo[i] = p->update;
			rc = p->update ? describe(ctx, m, "fact %s: %s (was %s)", d->fact_keys[i], d->fact_values[i], now)
			               : describe(ctx, m, "kept fact %s '%s' (the input has '%s')", d->fact_keys[i], now,
			                          d->fact_values[i]);
		}
		free(now);
	}
	return rc;
}

static int merge(recip_ctx *ctx, party_importer *p, import_report *r, party_draft *d, int64_t id,
                 const char *by)
{
	record old;
	int rc = record_load(ctx, &old, party_entity(), id);
	if (rc)
		return rc;
	merge_plan m = {0};
	bool *facts = calloc(d->n_facts + 1, sizeof(bool));
	m.described = json_array();
	if (!m.described || !facts)
		rc = recip_oom(ctx);
	if (!rc)
		rc = plan_fields(ctx, p, d, &old, &m);
	if (!rc)
		rc = plan_org(ctx, p, d, &old, &m);
	if (!rc)
		rc = plan_facts(ctx, p, d, id, &m, facts);
	bool changed = m.n > 0;
	if (!rc && m.n)
		rc = recip_record_update(ctx, "party", id, m.changes, m.n);
	for (size_t i = 0; i < d->n_facts && !rc; i++) {
		if (!facts[i])
			continue;
		changed = true;
		rc = recip_fact_remember(ctx, id, d->fact_keys[i], d->fact_values[i]);
	}
	if (!rc) {
		if (changed)
			p->merged++;
		else
			p->unchanged++;
		const char *name = draft_get(d, "name");
		json_t *entry = json_pack("{s:I, s:s, s:I, s:s, s:s, s:b, s:O}", "line", (json_int_t)d->line, "name",
		                          name ? name : "", "party", (json_int_t)id, "party_name", record_str(&old, "name"),
		                          "by", by, "changed", changed, "changes", m.described);
		if (!entry)
			rc = recip_oom(ctx);
		else if (json_array_size(r->merges) < IMPORT_MAX_LISTED)
			rc = jappend(r->merges, entry) ? recip_oom(ctx) : RECIP_OK;
		else
			json_decref(entry);
	}
	free(facts);
	plan_release(&m);
	record_release(&old);
	return rc;
}

int party_import(recip_ctx *ctx, party_importer *p, import_report *r, party_draft *d)
{
	if (!draft_get(d, "name"))
		return recip_fail(ctx, RECIP_EINVAL, "a party needs name");
	/* one party, all or nothing: its organisation, itself and its facts */
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	int64_t id;
	char by[300];
	rc = find_match(ctx, p, d, &id, by, sizeof(by));
	if (!rc)
		rc = id ? merge(ctx, p, r, d, id, by) : add_new(ctx, p, d);
	return tx_end(ctx, rc);
}
