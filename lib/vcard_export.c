/*
 * vcard_export.c — parties as vCard 4.0 (RFC 6350) that address books
 * read: escaped values, lines folded at 75 octets without splitting a
 * character, CRLF. Labels that are vCard types go in TYPE; others in an
 * Apple-style group label (item1.X-ABLabel), which most address books and
 * recip's own importer understand. What vCard has no property for (roles,
 * cadence, facts …) goes in X-RECIP-* properties, so that exporting and
 * importing again loses nothing. The UID stays the same from one export
 * to the next (the card's own when the party came from a vCard), so an
 * address book updates the contact instead of adding it again.
 */
#include "import.h"
#include "entity.h"
#include "db.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- writing lines ------------------------------------------------------------------ */

/* Appends a content line folded at 75 octets, never inside a UTF-8 character. */
static void put_line(buf *out, const char *line)
{
	size_t len = strlen(line), col = 0;
	for (size_t i = 0; i < len;) {
		size_t n = 1;
		unsigned char c = (unsigned char)line[i];
		if (c >= 0xf0)
			n = 4;
		else if (c >= 0xe0)
			n = 3;
		else if (c >= 0xc0)
			n = 2;
		if (col + n > 75) {
			buf_adds(out, "\r\n ");
			col = 1;
		}
		buf_add(out, line + i, n);
		col += n;
		i += n;
	}
	buf_adds(out, "\r\n");
}

/* Escapes a text value: backslash, comma, semicolon, line breaks. */
static void escape(buf *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == ',' || *s == ';')
			buf_addc(out, '\\');
		if (*s == '\n') {
			buf_adds(out, "\\n");
			continue;
		}
		if (*s == '\r')
			continue;
		buf_addc(out, *s);
	}
}

/* A parameter value, quoted when it must be (no quotes inside: RFC 6350). */
static void param_value(buf *out, const char *s)
{
	bool quote = strpbrk(s, ":;, ") != NULL;
	if (quote)
		buf_addc(out, '"');
	for (; *s; s++)
		if (*s != '"' && (unsigned char)*s >= 0x20)
			buf_addc(out, *s);
	if (quote)
		buf_addc(out, '"');
}

typedef struct card_out {
	buf card;      /* the card so far */
	buf line;      /* the line being built */
	int group;     /* itemN counter */
} card_out;

static void emit(card_out *c)
{
	put_line(&c->card, c->line.data);
	buf_reset(&c->line);
}

static void simple(card_out *c, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	buf_printf(&c->line, "%s:", name);
	escape(&c->line, value);
	emit(c);
}

/* Whether every word of a label is a vCard TYPE for this property. */
static bool standard_label(const char *property, const char *label)
{
	static const char *const tel[] = {"work", "home", "cell", "fax", "pager", "voice", "text", "video",
	                                  "textphone", NULL};
	static const char *const other[] = {"work", "home", NULL};
	const char *const *known = !strcmp(property, "TEL") ? tel : other;
	const char *p = label;
	while (*p) {
		size_t n = strcspn(p, " ");
		bool found = false;
		for (size_t i = 0; known[i] && !found; i++)
			found = strlen(known[i]) == n && !strncmp(p, known[i], n);
		if (!found)
			return false;
		p += n;
		while (*p == ' ')
			p++;
	}
	return *label != '\0';
}

/* A value with its label: TYPE=work,fax or an item group with X-ABLabel. */
static void labelled(card_out *c, const char *property, const char *value, const char *label)
{
	if (label && *label && !standard_label(property, label)) {
		c->group++;
		buf_printf(&c->line, "item%d.%s:", c->group, property);
		escape(&c->line, value);
		emit(c);
		buf_printf(&c->line, "item%d.X-ABLabel:", c->group);
		escape(&c->line, label);
		emit(c);
		return;
	}
	buf_adds(&c->line, property);
	if (label && *label) {
		buf_adds(&c->line, ";TYPE=");
		for (const char *p = label; *p; p++)
			buf_addc(&c->line, *p == ' ' ? ',' : *p);
	}
	buf_addc(&c->line, ':');
	escape(&c->line, value);
	emit(c);
}

/* "1980-03-22" → "19800322", "--03-22" → "--0322" */
static void vcard_date(card_out *c, const char *name, const char *annual)
{
	if (!annual)
		return;
	buf_printf(&c->line, "%s:", name);
	for (const char *p = annual; *p; p++)
		if (*p != '-' || (p - annual < 2 && annual[0] == '-'))
			buf_addc(&c->line, *p);
	emit(c);
}

/* ---- one party ------------------------------------------------------------------------ */

/* A UUID that is the same every time for the same party of the same database. */
static void stable_uuid(const char *salt, int64_t id, recip_time created, char out[48])
{
	char seed[96], hex[33];
	snprintf(seed, sizeof(seed), "recip-%s:%lld:%lld", salt, (long long)id, (long long)created);
	content_digest(seed, strlen(seed), hex);
	hex[12] = '8';                                   /* version 8: custom (RFC 9562) */
	hex[16] = "89ab"[hex[16] % 4];                   /* the RFC variant */
	snprintf(out, 48, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

int party_vcard_uid(const record *rec, char *out, size_t size);

/* The UID of a party's card: the card's own when the party came from one. */
int party_vcard_uid(const record *rec, char *out, size_t size)
{
	const char *external = record_str(rec, "external_id");
	if (external && !strncmp(external, "vcard:", 6)) {
		snprintf(out, size, "%s", external + 6);
		return 0;
	}
	char uuid[48];
	stable_uuid("party", rec->id, record_int(rec, "created_at"), uuid);
	snprintf(out, size, "%s", uuid);
	return 0;
}

static bool word_in(const char *word, size_t len, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == len && !strncasecmp(word, list[i], len))
			return true;
	return false;
}

/* N from a whole name: honorifics in front and after are the prefix and
 * suffix, the last word left the family name, the words before it the
 * given names ("Mr. John Richter Doe Sr." → Doe;John Richter;;Mr.;Sr.). */
static void name_parts(card_out *c, const char *name)
{
	static const char *const prefixes[] = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "prof",
	                                       "prof.", "sir", "dame", NULL};
	static const char *const suffixes[] = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d.", "md",
	                                       "m.d.", "esq", "esq.", NULL};
	const char *words[64];
	size_t lens[64], n = 0;
	for (const char *p = name; *p && n < 64;) {
		while (*p == ' ')
			p++;
		size_t len = strcspn(p, " ");
		if (!len)
			break;
		while (len > 1 && p[len - 1] == ',') /* "Doe, Sr." */
			len--;
		words[n] = p;
		lens[n++] = len;
		p += strcspn(p, " ");
	}
	size_t first = 0, last = n;
	while (first + 1 < last && word_in(words[first], lens[first], prefixes))
		first++;
	while (last > first + 1 && word_in(words[last - 1], lens[last - 1], suffixes))
		last--;
	buf part = BUF_INIT;
	buf_adds(&c->line, "N:");
	if (last > first) {
		buf_add(&part, words[last - 1], lens[last - 1]);
		escape(&c->line, part.data);
	}
	buf_addc(&c->line, ';');
	for (size_t i = first; i + 1 < last; i++) {
		buf_reset(&part);
		buf_add(&part, words[i], lens[i]);
		if (i > first)
			buf_addc(&c->line, ' ');
		escape(&c->line, part.data);
	}
	buf_adds(&c->line, ";;");
	for (size_t i = 0; i < first; i++) {
		buf_reset(&part);
		buf_add(&part, words[i], lens[i]);
		if (i)
			buf_addc(&c->line, ' ');
		escape(&c->line, part.data);
	}
	buf_addc(&c->line, ';');
	for (size_t i = last; i < n; i++) {
		buf_reset(&part);
		buf_add(&part, words[i], lens[i]);
		if (i > last)
			buf_addc(&c->line, ' ');
		escape(&c->line, part.data);
	}
	buf_release(&part);
	emit(c);
}

static int write_party(recip_ctx *ctx, const recip_sink *out, int64_t id)
{
	const entity_desc *e = entity_find("party");
	record rec;
	int rc = record_load(ctx, &rec, e, id);
	if (rc)
		return rc;
	card_out c = {BUF_INIT, BUF_INIT, 0};
	bool organisation = !strcmp(record_str(&rec, "kind"), "organisation");
	char uid[256];
	party_vcard_uid(&rec, uid, sizeof(uid));
	put_line(&c.card, "BEGIN:VCARD");
	put_line(&c.card, "VERSION:4.0");
	buf_printf(&c.line, "PRODID:-//recip//recip %s//EN", recip_version());
	emit(&c);
	simple(&c, "UID", uid);
	put_line(&c.card, organisation ? "KIND:org" : "KIND:individual");
	simple(&c, "FN", record_str(&rec, "name"));
	if (organisation)
		simple(&c, "ORG", record_str(&rec, "name"));
	else
		name_parts(&c, record_str(&rec, "name"));
	if (record_has(&rec, "org")) {
		char *org = NULL;
		if (!(rc = party_name(ctx, record_int(&rec, "org"), &org)))
			simple(&c, "ORG", org);
		free(org);
	}
	simple(&c, "TITLE", record_str(&rec, "title"));
	vcard_date(&c, "BDAY", record_str(&rec, "birthday"));
	vcard_date(&c, "ANNIVERSARY", record_str(&rec, "anniversary"));
	static const char *const multi[][2] = {{"email", "EMAIL"}, {"phone", "TEL"}, {"url", "URL"}};
	for (size_t k = 0; k < 3; k++) {
		const field_value *v = record_get(&rec, multi[k][0]);
		for (size_t i = 0; i < v->n_items; i++)
			labelled(&c, multi[k][1], v->items[i], v->labels[i]);
	}
	const field_value *addresses = record_get(&rec, "address");
	for (size_t i = 0; i < addresses->n_items; i++) {
		/* recip keeps an address as text: all of it as the street */
		buf text = BUF_INIT;
		buf_adds(&text, ";;");
		escape(&text, addresses->items[i]);
		buf_adds(&text, ";;;;");
		const char *label = addresses->labels[i];
		if (label && *label && !standard_label("ADR", label)) {
			c.group++;
			buf_printf(&c.line, "item%d.ADR:%s", c.group, text.data);
			emit(&c);
			buf_printf(&c.line, "item%d.X-ABLabel:", c.group);
			escape(&c.line, label);
			emit(&c);
		} else {
			buf_printf(&c.line, "ADR%s%s:%s", label ? ";TYPE=" : "", label ? label : "", text.data);
			emit(&c);
		}
		buf_release(&text);
	}
	simple(&c, "NOTE", record_str(&rec, "notes"));
	const field_value *tags = record_get(&rec, "tag");
	if (tags->n_items) {
		buf_adds(&c.line, "CATEGORIES:");
		for (size_t i = 0; i < tags->n_items; i++) {
			if (i)
				buf_addc(&c.line, ',');
			escape(&c.line, tags->items[i]);
		}
		emit(&c);
	}
	static const char *const words[][2] = {{"role", "X-RECIP-ROLE"}, {"offer", "X-RECIP-OFFER"},
	                                       {"serves", "X-RECIP-SERVES"}};
	for (size_t k = 0; k < 3; k++) {
		const field_value *v = record_get(&rec, words[k][0]);
		for (size_t i = 0; i < v->n_items; i++)
			simple(&c, words[k][1], v->items[i]);
	}
	char number[32];
	if (record_has(&rec, "cadence")) {
		snprintf(number, sizeof(number), "%lldd", (long long)record_int(&rec, "cadence"));
		simple(&c, "X-RECIP-CADENCE", number);
	}
	if (record_has(&rec, "credibility")) {
		snprintf(number, sizeof(number), "%lld", (long long)record_int(&rec, "credibility"));
		simple(&c, "X-RECIP-CREDIBILITY", number);
	}
	const char *external = record_str(&rec, "external_id");
	if (external && strncmp(external, "vcard:", 6))
		simple(&c, "X-RECIP-EXTERNAL-ID", external);
	db_stmt *st = NULL;
	if (!rc)
		rc = db_query(ctx, &st, "SELECT key, value FROM fact WHERE party_id = ? ORDER BY key_norm" DB_BYTE_ORDER, "i",
		              id);
	while (!rc && (rc = db_step(ctx, st)) == DB_ROW) {
		rc = RECIP_OK;
		buf_adds(&c.line, "X-RECIP-FACT;KEY=");
		param_value(&c.line, db_col_text(st, 0));
		buf_addc(&c.line, ':');
		escape(&c.line, db_col_text(st, 1));
		emit(&c);
	}
	if (st)
		db_done(st);
	if (rc > 0)
		rc = RECIP_OK;
	char rev[32];
	int y, mo, d, h, mi, s;
	recip_time_to_civil(record_int(&rec, "updated_at"), &y, &mo, &d, &h, &mi, &s, NULL);
	snprintf(rev, sizeof(rev), "REV:%04d%02d%02dT%02d%02d%02dZ", y, mo, d, h, mi, s);
	put_line(&c.card, rev);
	put_line(&c.card, "END:VCARD");
	if (!rc)
		rc = c.card.failed || c.line.failed ? recip_oom(ctx) : sink_buf(ctx, out, &c.card);
	buf_release(&c.card);
	buf_release(&c.line);
	record_release(&rec);
	return rc;
}

int recip_export_vcard_parties(recip_ctx *ctx, int64_t **out_ids, size_t *out_n)
{
	*out_ids = NULL;
	*out_n = 0;
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT id FROM party WHERE archived = 0 ORDER BY id", "");
	if (rc)
		return rc;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	while ((rc = db_step(ctx, st)) == DB_ROW) {
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			int64_t *grown = realloc(ids, ncap * sizeof(int64_t));
			if (!grown) {
				rc = recip_oom(ctx);
				break;
			}
			ids = grown;
			cap = ncap;
		}
		ids[n++] = db_col_int(st, 0);
	}
	db_done(st);
	if (rc < 0) {
		free(ids);
		return rc;
	}
	*out_ids = ids;
	*out_n = n;
	return RECIP_OK;
}

int recip_export_vcard(recip_ctx *ctx, int64_t party, const recip_sink *out)
{
	/* one snapshot: every card shows the same state while others write */
	bool own;
	int rc = db_read_begin(ctx, &own);
	if (rc)
		return rc;
	if (party > 0) {
		rc = write_party(ctx, out, party);
	} else {
		int64_t *ids;
		size_t n;
		rc = recip_export_vcard_parties(ctx, &ids, &n);
		for (size_t i = 0; i < n && !rc; i++)
			rc = write_party(ctx, out, ids[i]);
		free(ids);
	}
	db_read_end(ctx, own);
	return rc;
}
