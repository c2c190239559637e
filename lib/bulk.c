/*
 * bulk.c — the fast path for importing many ledger entries of one kind.
 *
 * Each entry is parsed and checked by the same rules as recip_record_add
 * (record_apply and the kind's check), but the write around it is cut to
 * what a million rows can afford: the insert is prepared once and reused;
 * party references are resolved once per distinct text; an entry whose key
 * is already stored is skipped by the insert itself (ON CONFLICT DO
 * NOTHING); the per-party roll-ups are recomputed once per party at the
 * end instead of updated per row; and the import leaves one audit entry
 * (the source, the count and the range of ids) instead of one per row
 * (docs/decisions.md). Everything runs in the caller's transaction.
 *
 * The after_write hooks of entities.c are not called: they only keep the
 * roll-ups of the entry's parties in step, which bulk_finish does.
 *
 * An imported ask is history: it was made already, so it is checked as an
 * edit of it would be, and does not meet the give-first gate, which is for
 * asks about to be made (the file's "forced" column is kept as it is).
 * Asks must also come in before the exchanges that refer to them, so
 * the gate could not see the gives that earned them anyway.
 */
#include "import.h"
#include "entity.h"
#include "db.h"
#include "rollup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- party references, resolved once ------------------------------------------ */

typedef struct party_entry {
	char *text;       /* what the rows say; NULL: free slot */
	int64_t id;       /* 0 when it did not resolve */
	char *name;       /* the party's name, for the name checks */
	int rc;
	char *error;      /* why it did not resolve */
} party_entry;

typedef struct party_cache {
	party_entry *slots;
	size_t cap, n;
} party_cache;

static size_t text_hash(const char *s)
{
	size_t h = 1469598103934665603u;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211u;
	return h;
}

static void cache_release(party_cache *c)
{
	for (size_t i = 0; i < c->cap; i++) {
		free(c->slots[i].text);
		free(c->slots[i].name);
		free(c->slots[i].error);
	}
	free(c->slots);
	memset(c, 0, sizeof(*c));
}

static party_entry *cache_slot(party_cache *c, const char *text)
{
	size_t i = text_hash(text) & (c->cap - 1);
	while (c->slots[i].text && strcmp(c->slots[i].text, text))
		i = (i + 1) & (c->cap - 1);
	return &c->slots[i];
}

static int cache_grow(party_cache *c)
{
	size_t cap = c->cap ? c->cap * 2 : 256;
	party_entry *old = c->slots;
	size_t old_cap = c->cap;
	c->slots = calloc(cap, sizeof(party_entry));
	if (!c->slots) {
		c->slots = old;
		return -1;
	}
	c->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i].text)
			*cache_slot(c, old[i].text) = old[i];
	free(old);
	return 0;
}

/* ---- the parties whose roll-ups are stale ------------------------------------------ */

typedef struct id_set {
	int64_t *slots;   /* 0: free (ids start at 1) */
	size_t cap, n;
} id_set;

static int64_t *set_slot(id_set *s, int64_t id)
{
	size_t i = ((uint64_t)id * 11400714819323198485u) & (s->cap - 1);
	while (s->slots[i] && s->slots[i] != id)
		i = (i + 1) & (s->cap - 1);
	return &s->slots[i];
}

static int set_add(id_set *s, int64_t id)
{
	if (s->n * 2 >= s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		int64_t *old = s->slots;
		size_t old_cap = s->cap;
		s->slots = calloc(cap, sizeof(int64_t));
		if (!s->slots) {
			s->slots = old;
			return -1;
		}
		s->cap = cap;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i])
				*set_slot(s, old[i]) = old[i];
		free(old);
	}
	int64_t *slot = set_slot(s, id);
	if (!*slot) {
		*slot = id;
		s->n++;
	}
	return 0;
}

/* ---- the bulk import ------------------------------------------------------------------ */

#define BULK_MAX_PARTY_FIELDS 4
#define BULK_CACHE_KIB (-256 * 1024)  /* negative: KiB, as PRAGMA cache_size takes it */

struct bulk {
	recip_ctx *ctx;
	const entity_desc *e;
	char *source;
	db_stmt *insert;
	party_cache parties;
	id_set dirty;
	bool rollups;             /* the kind moves roll-ups (it has an after_write) */
	bool history;             /* checked as an edit (asks: no give-first gate) */
	bool savepoints;          /* a failed statement aborts the transaction (PostgreSQL) */
	int key_field, created_field, at_field;
	int party_fields[BULK_MAX_PARTY_FIELDS];
	size_t n_party_fields;
	int64_t added, duplicates;
	char first_key[256], last_key[256];
	int64_t cache_pages;      /* SQLite's page cache before the import (0: untouched) */
	buf key;
	recip_field fields[ENTITY_MAX_FIELDS];
};

int64_t bulk_added(const bulk *b)
{
	return b->added;
}

int64_t bulk_duplicates(const bulk *b)
{
	return b->duplicates;
}

int bulk_begin(recip_ctx *ctx, bulk **out, const entity_desc *e, const char *source_name)
{
	*out = NULL;
	int key_field = field_index(e, "source_key");
	if (key_field < 0 || !strcmp(e->name, "party"))
		return recip_fail(ctx, RECIP_EINVAL, "%s records are not imported in bulk", e->noun);
	bulk *b = calloc(1, sizeof(*b));
	if (!b)
		return recip_oom(ctx);
	b->ctx = ctx;
	b->e = e;
	b->key_field = key_field;
	b->created_field = field_index(e, "created_at");
	b->at_field = field_index(e, "at");
	b->rollups = e->after_write != NULL;
	b->history = !strcmp(e->name, "ask");
	b->savepoints = db_backend_of(ctx) == DB_POSTGRESQL;
	buf_init(&b->key, IMPORT_MAX_ROW * 2);
	b->source = xstrdup(source_name ? source_name : "-");
	buf sql = BUF_INIT, marks = BUF_INIT;
	buf_printf(&sql, "INSERT INTO %s (", e->table);
	int n = 0;
	for (size_t i = 0; i < e->n_fields; i++) {
		const field_desc *f = &e->fields[i];
		if (f->type == FT_PARTY && b->n_party_fields < BULK_MAX_PARTY_FIELDS)
			b->party_fields[b->n_party_fields++] = (int)i;
		if (!f->column)
			continue;
		buf_printf(&sql, "%s%s", n ? ", " : "", f->column);
		buf_adds(&marks, n++ ? ", ?" : "?");
	}
	/* no RETURNING: SQLite keeps the returned rows in a temporary table,
	 * which costs a dozen writes per row */
	buf_printf(&sql, ") VALUES (%s) ON CONFLICT (source_key) DO NOTHING", marks.data);
	buf_release(&marks);
	int rc = sql.failed || marks.failed || !b->source ? recip_oom(ctx) : db_prepare(ctx, &b->insert, sql.data);
	buf_release(&sql);
	if (rc) {
		bulk_free(b);
		return rc;
	}
	/* SQLite: a page cache large enough for the indexes of a big import,
	 * so that pages are not spilled to the WAL and read back again and
	 * again before the commit (tenfold fewer writes for a million rows) */
	if (db_backend_of(ctx) == DB_SQLITE && !db_int(ctx, &b->cache_pages, 0, "PRAGMA cache_size", "")) {
		char pragma[64];
		snprintf(pragma, sizeof(pragma), "PRAGMA cache_size = %d", BULK_CACHE_KIB);
		if (db_exec(ctx, pragma))
			b->cache_pages = 0;
	}
	*out = b;
	return RECIP_OK;
}

void bulk_free(bulk *b)
{
	if (!b)
		return;
	if (b->cache_pages) {
		char sql[64];
		snprintf(sql, sizeof(sql), "PRAGMA cache_size = %lld", (long long)b->cache_pages);
		char saved[sizeof(b->ctx->errmsg)];
		memcpy(saved, b->ctx->errmsg, sizeof(saved));
		db_exec(b->ctx, sql);
		memcpy(b->ctx->errmsg, saved, sizeof(saved));
	}
	db_done(b->insert);
	cache_release(&b->parties);
	free(b->dirty.slots);
	buf_release(&b->key);
	free(b->source);
	free(b);
}

/* Resolves a party reference through the cache; a failure is remembered
 * with its message, so a thousand rows naming an unknown party cost one
 * lookup. */
static int cached_party(bulk *b, const char *text, const party_entry **out)
{
	recip_ctx *ctx = b->ctx;
	if ((b->parties.n + 1) * 2 > b->parties.cap && cache_grow(&b->parties))
		return recip_oom(ctx);
	party_entry *slot = cache_slot(&b->parties, text);
	if (!slot->text) {
		party_entry entry = {0};
		if (!(entry.text = xstrdup(text)))
			return recip_oom(ctx);
		entry.rc = recip_party_resolve(ctx, &entry.id, text);
		if (entry.rc == RECIP_OK) {
			entry.rc = party_name(ctx, entry.id, &entry.name);
		} else if (import_row_error(entry.rc)) {
			entry.error = xstrdup(recip_errmsg(ctx));
			entry.id = 0;
		}
		if (entry.rc && !import_row_error(entry.rc)) {
			free(entry.text);
			return entry.rc; /* the storage failed: not worth remembering */
		}
		if ((entry.rc == RECIP_OK && !entry.name) || (entry.rc && !entry.error)) {
			free(entry.text);
			free(entry.name);
			free(entry.error);
			return recip_oom(ctx);
		}
		*slot = entry;
		b->parties.n++;
	}
	*out = slot;
	if (slot->rc)
		return recip_fail(ctx, slot->rc, "%s", slot->error);
	return RECIP_OK;
}

/* The name a row gives for a party, compared as lookups compare names. */
static int same_name(recip_ctx *ctx, const char *a, const char *b, bool *out)
{
	char *ka = lookup_key(a), *kb = lookup_key(b);
	int rc = ka && kb ? RECIP_OK : recip_oom(ctx);
	if (!rc)
		*out = !strcmp(ka, kb);
	free(ka);
	free(kb);
	return rc;
}

/* Sets the party fields of the record from the row's references. */
static int bulk_parties(bulk *b, record *rec, const bulk_cell *cells, size_t n, const char *const *name_checks)
{
	for (size_t k = 0; k < b->n_party_fields; k++) {
		int idx = b->party_fields[k];
		const char *text = NULL;
		for (size_t i = 0; i < n; i++)
			if (cells[i].field == idx && cells[i].text && *cells[i].text)
				text = cells[i].text;
		const char *check = name_checks && name_checks[k] && *name_checks[k] ? name_checks[k] : NULL;
		if (!text)
			text = check;
		if (!text)
			continue;
		const party_entry *p = NULL;
		int rc = cached_party(b, text, &p);
		if (rc)
			return rc;
		if (check && text != check) {
			bool same;
			if ((rc = same_name(b->ctx, p->name, check, &same)))
				return rc;
			if (!same)
				return recip_fail(b->ctx, RECIP_EINVAL, "%s '%s' is %s (#%lld), but the row names '%s'",
				                  b->e->fields[idx].name, text, p->name, (long long)p->id, check);
		}
		record_set_int(rec, b->e->fields[idx].name, p->id);
		rec->given[idx] = true;
	}
	return RECIP_OK;
}

/* Eight bytes, least significant first, whatever the machine's order. */
static void put_u64(buf *b, uint64_t v)
{
	unsigned char bytes[8];
	for (int i = 0; i < 8; i++)
		bytes[i] = (unsigned char)(v >> (8 * i));
	buf_add(b, bytes, 8);
}

/* The entry's key when the row gives none: a digest of the values the row
 * gave, after parsing, so that "2026-01-05" and "2026-01-05T00:00" or a
 * party's name and its email give the same key. Values the row left to
 * their defaults are not part of it: "now" differs from one run to the
 * next. The time, when given, leads the key in hex, so that a file in
 * time order adds its keys at the end of the index (a random digest in
 * front scatters them, and a big import slows down by half). */
static int content_key(bulk *b, record *rec)
{
	const entity_desc *e = b->e;
	buf_reset(&b->key);
	buf_adds(&b->key, e->name);
	for (size_t i = 0; i < e->n_fields; i++) {
		const field_desc *f = &e->fields[i];
		if (!rec->given[i] || !f->column || (int)i == b->key_field)
			continue;
		const field_value *v = &rec->v[i];
		buf_addc(&b->key, '\x1f');
		buf_adds(&b->key, f->name);
		buf_addc(&b->key, '=');
		if (!v->set) {
			buf_addc(&b->key, '\x01');
		} else if (f->type == FT_NUMBER) {
			uint64_t bits;
			double d = v->d == 0 ? 0 : v->d; /* -0 is 0 */
			memcpy(&bits, &d, sizeof(bits));
			put_u64(&b->key, bits);
		} else if (f->type == FT_INT || f->type == FT_BOOL || f->type == FT_TIME || f->type == FT_PARTY ||
		           f->type == FT_REF || f->type == FT_DAYS) {
			put_u64(&b->key, (uint64_t)v->i);
		} else {
			buf_adds(&b->key, v->s);
		}
	}
	if (b->key.failed)
		return recip_oom(b->ctx);
	char digest[33], key[64];
	content_digest(b->key.data, b->key.len, digest);
	if (b->at_field >= 0 && rec->given[b->at_field] && rec->v[b->at_field].set && rec->v[b->at_field].i >= 0)
		snprintf(key, sizeof(key), "c:%010llx:%s", (unsigned long long)rec->v[b->at_field].i, digest);
	else
		snprintf(key, sizeof(key), "c:%s", digest);
	field_value *slot = &rec->v[b->key_field];
	free(slot->s);
	slot->s = xstrdup(key);
	slot->set = slot->s != NULL;
	return slot->s ? RECIP_OK : recip_oom(b->ctx);
}

static int bulk_insert(bulk *b, record *rec, bool *added)
{
	const entity_desc *e = b->e;
	db_stmt *st = b->insert;
	db_reset(st);
	int idx = 1;
	for (size_t i = 0; i < e->n_fields; i++)
		if (e->fields[i].column && record_bind_field(st, idx++, &e->fields[i], &rec->v[i]))
			return recip_fail(b->ctx, RECIP_EDB, "storage: cannot bind parameter %d", idx - 1);
	int rc = db_step(b->ctx, st);
	if (rc == DB_DONE) {
		*added = db_changes(b->ctx) > 0;
		rc = RECIP_OK;
	} else if (rc == DB_ROW) {
		rc = recip_fail(b->ctx, RECIP_EDB, "storage: an insert returned a row");
	}
	db_reset(st);
	return rc;
}

/* Keeps a key for the audit entry (a key is at most 200 bytes: the field's
 * limit); a copy per row, so not through snprintf. */
static void copy_key(char dst[static 256], const char *key)
{
	size_t len = strnlen(key, 255);
	memcpy(dst, key, len);
	dst[len] = '\0';
}

int bulk_add(bulk *b, const bulk_cell *cells, size_t n, const char *const *name_checks, bool *added)
{
	recip_ctx *ctx = b->ctx;
	const entity_desc *e = b->e;
	*added = false;
	record rec;
	record_init(&rec, e);
	int rc = bulk_parties(b, &rec, cells, n, name_checks);
	size_t nf = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		const field_desc *f = &e->fields[cells[i].field];
		if (f->type == FT_PARTY)
			continue;
		if (nf == ENTITY_MAX_FIELDS) {
			rc = recip_fail(ctx, RECIP_EINVAL, "too many columns for a %s", e->noun);
			break;
		}
		b->fields[nf++] = (recip_field){f->name, cells[i].text, RECIP_SET, NULL};
	}
	if (!rc)
		rc = record_apply(ctx, &rec, b->fields, nf, true);
	if (!rc && e->check)
		rc = e->check(ctx, &rec, b->history ? &rec : NULL);
	if (!rc && !rec.v[b->key_field].set)
		rc = content_key(b, &rec);
	if (!rc && b->created_field >= 0) {
		rec.v[b->created_field].set = true;
		rec.v[b->created_field].i = ctx->now;
	}
	bool savepoint = !rc && b->savepoints;
	if (savepoint)
		rc = db_savepoint(ctx);
	if (!rc)
		rc = bulk_insert(b, &rec, added);
	if (savepoint) {
		if (rc)
			db_rollback_to_savepoint(ctx);
		else
			rc = db_release(ctx);
	}
	if (!rc && *added) {
		/* the ids of the first and last entries are looked up by key at the end */
		const char *key = rec.v[b->key_field].s;
		if (!b->added++)
			copy_key(b->first_key, key);
		copy_key(b->last_key, key);
		for (size_t k = 0; k < b->n_party_fields && b->rollups; k++) {
			const field_value *v = &rec.v[b->party_fields[k]];
			if (v->set && set_add(&b->dirty, v->i))
				rc = recip_oom(ctx);
		}
	} else if (!rc) {
		b->duplicates++;
	}
	record_release(&rec);
	return rc;
}

int bulk_finish(bulk *b)
{
	recip_ctx *ctx = b->ctx;
	int rc = RECIP_OK;
	if (b->rollups && b->dirty.n) {
		/* an organisation's last contact includes its people's */
		int64_t *ids = malloc(b->dirty.n * sizeof(int64_t));
		size_t n = 0;
		if (!ids)
			return recip_oom(ctx);
		for (size_t i = 0; i < b->dirty.cap; i++)
			if (b->dirty.slots[i])
				ids[n++] = b->dirty.slots[i];
		for (size_t i = 0; i < n && !rc; i++) {
			int64_t org;
			rc = db_int(ctx, &org, 0, "SELECT org_id FROM party WHERE id = ?", "i", ids[i]);
			if (!rc && org && set_add(&b->dirty, org))
				rc = recip_oom(ctx);
		}
		free(ids);
		for (size_t i = 0; i < b->dirty.cap && !rc; i++)
			if (b->dirty.slots[i])
				rc = rollup_party_recompute(ctx, b->dirty.slots[i]);
	}
	int64_t first_id = 0, last_id = 0;
	if (!rc && b->added) {
		buf sql = BUF_INIT;
		buf_printf(&sql, "SELECT id FROM %s WHERE source_key = ?", b->e->table);
		rc = sql.failed ? recip_oom(ctx) : db_int(ctx, &first_id, 0, sql.data, "t", b->first_key);
		if (!rc)
			rc = db_int(ctx, &last_id, 0, sql.data, "t", b->last_key);
		buf_release(&sql);
	}
	if (!rc && b->added) {
		json_t *after = json_pack("{s:s, s:I, s:I, s:I, s:I}", "source", b->source, "added", (json_int_t)b->added,
		                          "duplicates", (json_int_t)b->duplicates, "first_id", (json_int_t)first_id,
		                          "last_id", (json_int_t)last_id);
		rc = after ? audit_write(ctx, "import", b->e->name, 0, 0, NULL, after) : recip_oom(ctx);
		json_decref(after);
	}
	return rc;
}
