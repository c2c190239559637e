/*
 * vcard.c — vCards (2.1, 3.0, 4.0) into parties.
 *
 * Address books write vCards in many dialects: folded lines (a line that
 * starts with a space continues the one before), quoted-printable values
 * with soft line breaks and a CHARSET (2.1), bare parameters ("TEL;CELL"),
 * grouped properties whose label comes from a sibling ("item1.EMAIL" with
 * "item1.X-ABLabel"), base64 photos several kilobytes long, escaped
 * commas and semicolons, dates as 19800322, 1980-03-22 or --0322. Each
 * card is read whole, then mapped onto a party draft: FN/N the name, ORG
 * the organisation (created when unknown), EMAIL/TEL/URL/ADR with their
 * labels, TITLE, BDAY, ANNIVERSARY, NOTE, CATEGORIES as tags, UID as the
 * external id; nicknames, relatives, instant messaging and the like as
 * facts. A value recip cannot keep as such (an email without '@', a phone
 * with no digits) is kept as a fact and reported as a warning. Photos,
 * keys and sounds are skipped, and listed as ignored.
 *
 * A malformed file (a card without its END, text that is not in its
 * character set, a line longer than IMPORT_MAX_PROPERTY) stops the import
 * with the line, and nothing is written.
 */
#include "import.h"
#include "entity.h"
#include "db.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- one property ------------------------------------------------------------------ */

typedef struct vprop {
	int64_t line;
	char *group;        /* lower case, or NULL */
	char *name;         /* upper case */
	char *types;        /* TYPE values, lower case, space-separated */
	char *encoding;     /* upper case, or NULL */
	char *charset;
	char *value_type;   /* VALUE=, lower case */
	char *altid;
	char *key;          /* X-RECIP-FACT;KEY= */
	char *value;        /* as in the file (unfolded), or decoded text */
} vprop;

static void prop_release(vprop *p)
{
	free(p->group);
	free(p->name);
	free(p->types);
	free(p->encoding);
	free(p->charset);
	free(p->value_type);
	free(p->altid);
	free(p->key);
	free(p->value);
	memset(p, 0, sizeof(*p));
}

static char *lower_dup(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)tolower((unsigned char)s[i]);
	out[len] = '\0';
	return out;
}

static char *upper_dup(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)toupper((unsigned char)s[i]);
	out[len] = '\0';
	return out;
}

static int append_type(char **types, const char *value, size_t len)
{
	/* a list "work,voice" (perhaps quoted) adds each */
	while (len) {
		if (*value == '"' || *value == ',') {
			value++;
			len--;
			continue;
		}
		size_t n = 0;
		while (n < len && value[n] != ',' && value[n] != '"')
			n++;
		buf b = BUF_INIT;
		if (*types)
			buf_printf(&b, "%s ", *types);
		for (size_t i = 0; i < n; i++)
			buf_addc(&b, (char)tolower((unsigned char)value[i]));
		char *joined = buf_detach(&b);
		if (!joined)
			return -1;
		free(*types);
		*types = joined;
		value += n;
		len -= n;
	}
	return 0;
}

static int set_param(char **slot, const char *value, size_t len, bool upper)
{
	if (len >= 2 && value[0] == '"' && value[len - 1] == '"') {
		value++;
		len -= 2;
	}
	free(*slot);
	*slot = upper ? upper_dup(value, len) : lower_dup(value, len);
	return *slot ? 0 : -1;
}

/* Splits "item1.TEL;TYPE=CELL;X-FOO="a:b":value". Returns false when the
 * line is not a property (no colon). */
static bool parse_property(const char *line, vprop *p, bool *oom)
{
	*oom = false;
	const char *s = line;
	size_t n = strcspn(s, ";:");
	if (!s[n] || n == 0)
		return false;
	const char *dot = memchr(s, '.', n);
	if (dot) {
		if (!(p->group = lower_dup(s, (size_t)(dot - s))))
			goto oom;
		if (!(p->name = upper_dup(dot + 1, n - (size_t)(dot - s) - 1)))
			goto oom;
	} else if (!(p->name = upper_dup(s, n))) {
		goto oom;
	}
	s += n;
	while (*s == ';') {
		s++;
		/* one parameter, up to ';' or ':' outside quotes */
		const char *start = s;
		bool quoted = false;
		while (*s && (quoted || (*s != ';' && *s != ':'))) {
			if (*s == '"')
				quoted = !quoted;
			s++;
		}
		size_t len = (size_t)(s - start);
		const char *eq = memchr(start, '=', len);
		int rc = 0;
		if (!eq) { /* 2.1: a bare type or encoding */
			if (len == 16 && !strncasecmp(start, "QUOTED-PRINTABLE", 16))
				rc = set_param(&p->encoding, start, len, true);
			else if ((len == 6 && !strncasecmp(start, "BASE64", 6)) || (len == 1 && (*start == 'b' || *start == 'B')))
				rc = set_param(&p->encoding, start, len, true);
			else if (len)
				rc = append_type(&p->types, start, len);
		} else {
			size_t key_len = (size_t)(eq - start);
			const char *v = eq + 1;
			size_t vlen = len - key_len - 1;
#define IS(word) (key_len == strlen(word) && !strncasecmp(start, word, key_len))
			if (IS("TYPE"))
				rc = append_type(&p->types, v, vlen);
			else if (IS("ENCODING"))
				rc = set_param(&p->encoding, v, vlen, true);
			else if (IS("CHARSET"))
				rc = set_param(&p->charset, v, vlen, false);
			else if (IS("VALUE"))
				rc = set_param(&p->value_type, v, vlen, false);
			else if (IS("ALTID"))
				rc = set_param(&p->altid, v, vlen, false);
			else if (IS("KEY") || IS("X-SERVICE-TYPE"))
				rc = set_param(&p->key, v, vlen, false);
#undef IS
		}
		if (rc)
			goto oom;
	}
	if (*s != ':')
		return false;
	if (!(p->value = xstrdup(s + 1)))
		goto oom;
	return true;
oom:
	*oom = true;
	return false;
}

/* ---- values --------------------------------------------------------------------------- */

static int hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)toupper((unsigned char)c);
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static char *qp_decode(const char *s, size_t *out_len)
{
	buf b = BUF_INIT;
	for (; *s; s++) {
		int hi, lo;
		if (*s == '=' && (hi = hex(s[1])) >= 0 && (lo = hex(s[2])) >= 0) {
			buf_addc(&b, (char)(hi * 16 + lo));
			s += 2;
		} else {
			buf_addc(&b, *s);
		}
	}
	*out_len = b.len;
	return buf_detach(&b);
}

/* Undoes vCard escapes: \n \N \, \; \: \\. */
static char *unescape(const char *s, size_t len)
{
	buf b = BUF_INIT;
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\\' && i + 1 < len) {
			char c = s[++i];
			buf_addc(&b, c == 'n' || c == 'N' ? '\n' : c);
		} else {
			buf_addc(&b, s[i]);
		}
	}
	return buf_detach(&b);
}

/* The components of a structured value (N, ADR, ORG), split at ';' that
 * are not escaped, each unescaped. Returns how many (at most max). */
static size_t components(const char *value, char **out, size_t max)
{
	size_t n = 0;
	const char *start = value;
	for (const char *p = value;; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (*p == ';' || !*p) {
			if (n < max)
				out[n++] = unescape(start, (size_t)(p - start));
			if (!*p)
				break;
			start = p + 1;
		}
	}
	return n;
}

static void free_components(char **c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(c[i]);
}

/* Text for a one-line field: line breaks and tabs become spaces, other
 * control characters go, and the ends are trimmed. */
static char *one_line(const char *s)
{
	buf b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t')
			buf_addc(&b, ' ');
		else if (*p >= 0x20 && *p != 0x7f)
			buf_addc(&b, (char)*p);
	}
	char *text = buf_detach(&b);
	char *trimmed = text ? text_trim(text) : NULL;
	free(text);
	return trimmed;
}

/* Text that may span lines: CR LF as LF, no other control characters. */
static char *multi_line(const char *s)
{
	buf b = BUF_INIT;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p >= 0x20 || *p == '\n' || *p == '\t')
			if (*p != 0x7f)
				buf_addc(&b, (char)*p);
	}
	char *text = buf_detach(&b);
	if (!text)
		return NULL;
	size_t len = strlen(text); /* no trailing blank lines */
	while (len && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	return text;
}

/* A text value for a one-line field: unescaped, then on one line. */
static char *single_text(const char *value)
{
	char *text = unescape(value, strlen(value));
	char *line = text ? one_line(text) : NULL;
	free(text);
	return line;
}

/* A text value that may span lines (notes): unescaped, line breaks kept. */
static char *note_text(const char *value)
{
	char *text = unescape(value, strlen(value));
	char *lines = text ? multi_line(text) : NULL;
	free(text);
	return lines;
}

/* A vCard date — 1980-03-22, 19800322, --0322, --03-22, perhaps with a
 * time after 'T' — as recip's annual date "1980-03-22" or "--03-22". */
static bool vcard_date(const char *text, char *out, size_t size)
{
	char digits[16];
	size_t n = 0;
	bool no_year = !strncmp(text, "--", 2);
	const char *p = no_year ? text + 2 : text;
	for (; *p && *p != 'T' && *p != 't' && n < sizeof(digits) - 1; p++) {
		if (isdigit((unsigned char)*p))
			digits[n++] = *p;
		else if (*p != '-')
			return false;
	}
	digits[n] = '\0';
	if (no_year && n == 4)
		snprintf(out, size, "--%.2s-%.2s", digits, digits + 2);
	else if (!no_year && n == 8)
		snprintf(out, size, "%.4s-%.2s-%.2s", digits, digits + 4, digits + 6);
	else
		return false;
	return true;
}

/* ---- a card ----------------------------------------------------------------------------- */

typedef struct card {
	int64_t line;
	int version;            /* 21, 30, 40 */
	vprop *props;
	size_t n, cap;
} card;

static void card_release(card *c)
{
	for (size_t i = 0; i < c->n; i++)
		prop_release(&c->props[i]);
	free(c->props);
	memset(c, 0, sizeof(*c));
}

typedef struct vcard_import {
	recip_ctx *ctx;
	const recip_import_options *opt;
	const recip_source *in;
	import_report *report;
	reader rd;
	party_importer parties;
	int64_t contacts;
	json_t *ignored;        /* names of properties not kept */
} vcard_import;

/* Properties whose values are never looked at (read, then dropped). */
static bool skipped(const char *name)
{
	static const char *const names[] = {"PHOTO", "LOGO", "SOUND", "KEY", "AGENT", "X-MS-OL-DESIGN", NULL};
	for (size_t i = 0; names[i]; i++)
		if (!strcmp(name, names[i]))
			return true;
	return false;
}

static int note_ignored(vcard_import *v, const char *name)
{
	size_t i;
	json_t *item;
	json_array_foreach(v->ignored, i, item) if (!strcmp(json_string_value(item), name)) return RECIP_OK;
	return jappend(v->ignored, json_string(name)) ? recip_oom(v->ctx) : RECIP_OK;
}

/* Turns a property's raw value into UTF-8 text: quoted-printable decoded,
 * its character set converted. Bytes that are not in the declared set
 * become U+FFFD with a warning; undeclared text that is not UTF-8 stops the
 * import (the file is in some other encoding). */
static int decode_value(vcard_import *v, vprop *p)
{
	recip_ctx *ctx = v->ctx;
	size_t len = strlen(p->value);
	char *raw = NULL;
	bool qp = p->encoding && !strcmp(p->encoding, "QUOTED-PRINTABLE");
	if (qp) {
		raw = qp_decode(p->value, &len);
		if (!raw)
			return recip_oom(ctx);
	}
	const char *bytes = raw ? raw : p->value;
	const char *charset = p->charset ? p->charset : v->opt ? v->opt->encoding : NULL;
	bool declared = p->charset != NULL || qp;
	char *text = NULL;
	int rc = RECIP_OK;
	if (charset && strcasecmp(charset, "utf-8") && strcasecmp(charset, "utf8")) {
		rc = charset_to_utf8(ctx, charset, bytes, len, &text);
		if (rc == RECIP_EINVAL && p->charset) { /* the card's own claim was wrong: keep what is UTF-8 */
			char why[200];
			snprintf(why, sizeof(why), "%s: %s", p->name, recip_errmsg(ctx));
			recip_error_clear(ctx);
			rc = report_warning(ctx, v->report, p->line, why);
		} else if (rc == RECIP_EINVAL) {
			rc = recip_fail(ctx, RECIP_EINVAL, "line %lld of '%s': %s", (long long)p->line, v->in->name,
			                recip_errmsg(ctx));
		}
		if (rc) {
			free(raw);
			return rc;
		}
		if (text)
			len = strlen(text);
	}
	const char *utf8 = text ? text : bytes;
	if (memchr(utf8, '\0', len)) {
		char why[160];
		snprintf(why, sizeof(why), "%s: a NUL byte in the value (cut there)", p->name);
		rc = report_warning(ctx, v->report, p->line, why);
		len = strlen(utf8);
	}
	char *result = NULL;
	if (!rc && !utf8_valid(utf8, len)) {
		if (!declared) {
			rc = recip_fail(ctx, RECIP_EINVAL,
			                "line %lld of '%s' is not valid UTF-8 (give the file's character set with "
			                "--encoding, e.g. --encoding cp1252)",
			                (long long)p->line, v->in->name);
		} else {
			bool replaced;
			result = utf8_repair(utf8, len, &replaced);
			char why[160];
			snprintf(why, sizeof(why), "%s: bytes that are not %s were replaced by U+FFFD", p->name,
			         p->charset ? p->charset : "UTF-8");
			rc = result ? report_warning(ctx, v->report, p->line, why) : recip_oom(ctx);
		}
	} else if (!rc) {
		result = malloc(len + 1);
		if (result) {
			memcpy(result, utf8, len);
			result[len] = '\0';
		} else {
			rc = recip_oom(ctx);
		}
	}
	free(raw);
	free(text);
	if (rc) {
		free(result);
		return rc;
	}
	free(p->value);
	p->value = result;
	return RECIP_OK;
}

/* ---- from a card to a party ------------------------------------------------------------- */

typedef struct mapping {
	vcard_import *v;
	const card *c;
	party_draft d;
	char *fn;
	char *name_from_n;
	char *org;
	bool organisation;
	bool have[8];
} mapping;

enum { HAVE_FN, HAVE_TITLE, HAVE_BDAY, HAVE_ANNIV, HAVE_ORG, HAVE_NOTE, HAVE_UID, HAVE_EXTERNAL };

/* "_$!<HomePage>!$_" → "homepage"; "GRAND_CENTRAL" → "grand central". */
static char *clean_label(const char *text)
{
	const char *s = text;
	size_t len = strlen(s);
	if (len > 8 && !strncmp(s, "_$!<", 4) && !strcmp(s + len - 4, ">!$_")) {
		s += 4;
		len -= 8;
	}
	buf b = BUF_INIT;
	for (size_t i = 0; i < len && b.len < 40; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch == '_')
			buf_addc(&b, ' ');
		else if (ch >= 0x20 && ch != 0x7f)
			buf_addc(&b, (char)tolower(ch));
	}
	char *out = buf_detach(&b);
	char *trimmed = out ? text_trim(out) : NULL;
	free(out);
	if (trimmed && !utf8_valid(trimmed, strlen(trimmed))) { /* cut inside a character at 40 bytes */
		free(trimmed);
		return xstrdup("");
	}
	return trimmed;
}

/* The label of a grouped property (its group's X-ABLabel), else its types
 * without those that say nothing to a person (internet, pref, voice …). */
static char *label_of(const mapping *m, const vprop *p)
{
	if (p->group) {
		for (size_t i = 0; i < m->c->n; i++) {
			const vprop *q = &m->c->props[i];
			if (q->group && !strcmp(q->group, p->group) && !strcmp(q->name, "X-ABLABEL") && q->value)
				return clean_label(q->value);
		}
	}
	static const char *const noise[] = {"internet", "pref", "voice", "x400", "msg", "postal", "parcel", "dom",
	                                    "intl", "text", "uri", "x-internet", NULL};
	buf b = BUF_INIT;
	const char *t = p->types ? p->types : "";
	while (*t) {
		size_t n = strcspn(t, " ");
		bool drop = n == 0;
		for (size_t i = 0; noise[i] && !drop; i++)
			drop = strlen(noise[i]) == n && !strncmp(t, noise[i], n);
		if (!drop) {
			if (b.len)
				buf_addc(&b, ' ');
			buf_add(&b, t, n);
		}
		t += n + (t[n] == ' ');
	}
	char *joined = buf_detach(&b);
	if (!joined)
		return NULL;
	char *label = clean_label(joined);
	free(joined);
	return label;
}

static int warn(mapping *m, const vprop *p, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int warn(mapping *m, const vprop *p, const char *fmt, ...)
{
	char why[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return report_warning(m->v->ctx, m->v->report, p->line, why);
}

/* Keeps a value as a field; one recip refuses becomes a fact, with a warning. */
static int keep(mapping *m, const vprop *p, const char *field, const char *value, const char *label,
                const char *fact_key)
{
	recip_ctx *ctx = m->v->ctx;
	if (!*value)
		return RECIP_OK;
	int rc = draft_field(ctx, &m->d, field, value, label);
	if (rc != RECIP_EINVAL && rc != RECIP_ETOOBIG)
		return rc;
	char why[300];
	snprintf(why, sizeof(why), "%s", recip_errmsg(ctx));
	recip_error_clear(ctx);
	rc = warn(m, p, "%s: %s; kept as the fact '%s'", p->name, why, fact_key);
	return rc ? rc : draft_fact(ctx, &m->d, fact_key, value);
}

/* Whether the draft has this email or phone already (cards repeat them
 * with different types; the first one wins). */
static bool has_value(const party_draft *d, const char *field, const char *value)
{
	bool phone = !strcmp(field, "phone");
	char *key = phone ? phone_key(value) : text_fold(value);
	bool found = false;
	for (size_t i = 0; key && i < d->n_fields && !found; i++) {
		if (strcmp(d->fields[i].name, field))
			continue;
		char *other = phone ? phone_key(d->fields[i].value) : text_fold(d->fields[i].value);
		found = other && !strcmp(key, other);
		free(other);
	}
	free(key);
	return found;
}

static int map_multi(mapping *m, const vprop *p, const char *field)
{
	char *value = single_text(p->value);
	char *label = label_of(m, p);
	int rc = value && label ? RECIP_OK : recip_oom(m->v->ctx);
	if (!rc && *value && !has_value(&m->d, field, value)) {
		char fact[64];
		snprintf(fact, sizeof(fact), "%s%s%s%s", field, *label ? " (" : "", label, *label ? ")" : "");
		rc = keep(m, p, field, value, *label ? label : NULL, fact);
	}
	free(value);
	free(label);
	return rc;
}

/* "Doe;John;Richter,James;Mr.;Sr." → "Mr. John Richter James Doe Sr." */
static int map_n(mapping *m, const vprop *p)
{
	char *c[5] = {NULL};
	size_t n = components(p->value, c, 5);
	static const int order[] = {3, 1, 2, 0, 4};
	buf b = BUF_INIT;
	for (size_t k = 0; k < 5; k++) {
		int i = order[k];
		if ((size_t)i >= n || !c[i])
			continue;
		for (char *s = c[i]; *s; s++)
			if (*s == ',')
				*s = ' ';
		char *t = one_line(c[i]);
		if (t && *t)
			buf_printf(&b, "%s%s", b.len ? " " : "", t);
		free(t);
	}
	free_components(c, n);
	free(m->name_from_n);
	m->name_from_n = buf_detach(&b);
	return m->name_from_n ? RECIP_OK : recip_oom(m->v->ctx);
}

static int map_org(mapping *m, const vprop *p)
{
	recip_ctx *ctx = m->v->ctx;
	char *c[8] = {NULL};
	size_t n = components(p->value, c, 8);
	int rc = RECIP_OK;
	char *name = n && c[0] ? one_line(c[0]) : NULL;
	buf units = BUF_INIT;
	for (size_t i = 1; i < n; i++) {
		char *t = c[i] ? one_line(c[i]) : NULL;
		if (t && *t)
			buf_printf(&units, "%s%s", units.len ? ", " : "", t);
		free(t);
	}
	if (name && *name && !m->have[HAVE_ORG]) {
		m->have[HAVE_ORG] = true;
		m->org = name;
		name = NULL;
		if (units.len)
			rc = draft_fact(ctx, &m->d, "department", units.data);
	} else if (name && *name) {
		if (units.len)
			buf_printf(&units, " (%s)", name);
		rc = draft_fact(ctx, &m->d, "other organisation", units.len ? units.data : name);
	}
	free(name);
	buf_release(&units);
	free_components(c, n);
	return rc;
}

/* Street lines, then "City, Region Code", then the country. */
static int map_adr(mapping *m, const vprop *p)
{
	char *c[7] = {NULL};
	size_t n = components(p->value, c, 7);
	char *part[7] = {NULL};
	for (size_t i = 0; i < n; i++)
		part[i] = c[i] ? multi_line(c[i]) : NULL;
	buf b = BUF_INIT;
	for (size_t i = 0; i < 3 && i < n; i++)
		if (part[i] && *part[i])
			buf_printf(&b, "%s%s", b.len ? "\n" : "", part[i]);
	buf city = BUF_INIT;
	if (n > 3 && part[3] && *part[3])
		buf_adds(&city, part[3]);
	if (n > 4 && part[4] && *part[4])
		buf_printf(&city, "%s%s", city.len ? ", " : "", part[4]);
	if (n > 5 && part[5] && *part[5])
		buf_printf(&city, "%s%s", city.len ? " " : "", part[5]);
	if (city.len)
		buf_printf(&b, "%s%s", b.len ? "\n" : "", city.data);
	if (n > 6 && part[6] && *part[6])
		buf_printf(&b, "%s%s", b.len ? "\n" : "", part[6]);
	buf_release(&city);
	for (size_t i = 0; i < n; i++)
		free(part[i]);
	free_components(c, n);
	char *address = buf_detach(&b);
	char *label = label_of(m, p);
	int rc = address && label ? RECIP_OK : recip_oom(m->v->ctx);
	if (!rc && *address) {
		char fact[64];
		snprintf(fact, sizeof(fact), "address%s%s%s", *label ? " (" : "", label, *label ? ")" : "");
		rc = keep(m, p, "address", address, *label ? label : NULL, fact);
	}
	free(address);
	free(label);
	return rc;
}

static int map_date(mapping *m, const vprop *p, const char *field, int have, const char *fact_key)
{
	char *text = single_text(p->value);
	if (!text)
		return recip_oom(m->v->ctx);
	char date[16];
	int rc = RECIP_OK;
	if (!*text) {
		free(text);
		return RECIP_OK;
	}
	if (m->have[have]) {
		/* a second birthday: the same one in another form (ALTID), or kept as a fact */
		const char *now = draft_get(&m->d, field);
		bool same = vcard_date(text, date, sizeof(date)) && now && !strcmp(now, date);
		if (!same && !p->altid)
			rc = draft_fact(m->v->ctx, &m->d, fact_key, text);
	} else if (vcard_date(text, date, sizeof(date))) {
		m->have[have] = true;
		rc = keep(m, p, field, date, NULL, fact_key);
	} else {
		rc = warn(m, p, "%s: '%s' is not a date recip reads; kept as the fact '%s'", p->name, text, fact_key);
		if (!rc)
			rc = draft_fact(m->v->ctx, &m->d, fact_key, text);
	}
	free(text);
	return rc;
}

/* A property kept as a fact ("nickname", "spouse", "im" …). */
static int map_fact(mapping *m, const vprop *p, const char *key, const char *prefix)
{
	char *value = single_text(p->value);
	int rc = value ? RECIP_OK : recip_oom(m->v->ctx);
	if (!rc && *value) {
		buf b = BUF_INIT;
		if (prefix && *prefix)
			buf_printf(&b, "%s: ", prefix);
		buf_adds(&b, value);
		char *joined = buf_detach(&b);
		rc = joined ? draft_fact(m->v->ctx, &m->d, key, joined) : recip_oom(m->v->ctx);
		free(joined);
	}
	free(value);
	return rc;
}

static int map_categories(mapping *m, const vprop *p)
{
	char *text = one_line(p->value);
	if (!text)
		return recip_oom(m->v->ctx);
	int rc = RECIP_OK;
	/* commas separate categories, escaped or not (Thunderbird escapes them) */
	char *s = text;
	while (*s && !rc) {
		size_t n = strcspn(s, ",");
		char *one = unescape(s, n && s[n - 1] == '\\' ? n - 1 : n);
		char *tag = one ? text_trim(one) : NULL;
		free(one);
		if (!tag)
			rc = recip_oom(m->v->ctx);
		else if (*tag)
			rc = keep(m, p, "tag", tag, NULL, "category");
		free(tag);
		s += n + (s[n] == ',');
	}
	free(text);
	return rc;
}

/* A relative's or colleague's name: the label says who they are. */
static int map_related(mapping *m, const vprop *p, const char *default_key)
{
	char *label = label_of(m, p);
	if (!label)
		return recip_oom(m->v->ctx);
	int rc = map_fact(m, p, *label ? label : default_key, NULL);
	free(label);
	return rc;
}

static int map_one(mapping *m, const vprop *p)
{
	recip_ctx *ctx = m->v->ctx;
	const char *name = p->name;
	int rc = RECIP_OK;
	if (!strcmp(name, "FN")) {
		if (m->have[HAVE_FN])
			return RECIP_OK;
		char *fn = single_text(p->value);
		if (!fn)
			return recip_oom(ctx);
		if (*fn) {
			m->have[HAVE_FN] = true;
			free(m->fn);
			m->fn = fn;
		} else {
			free(fn);
		}
		return RECIP_OK;
	}
	if (!strcmp(name, "N"))
		return map_n(m, p);
	if (!strcmp(name, "ORG"))
		return map_org(m, p);
	if (!strcmp(name, "EMAIL"))
		return map_multi(m, p, "email");
	if (!strcmp(name, "TEL"))
		return map_multi(m, p, "phone");
	if (!strcmp(name, "URL"))
		return map_multi(m, p, "url");
	if (!strcmp(name, "ADR"))
		return map_adr(m, p);
	if (!strcmp(name, "TITLE")) {
		char *title = single_text(p->value);
		if (!title)
			return recip_oom(ctx);
		if (*title && !m->have[HAVE_TITLE]) {
			m->have[HAVE_TITLE] = true;
			rc = keep(m, p, "title", title, NULL, "title");
		} else if (*title) {
			rc = draft_fact(ctx, &m->d, "other title", title);
		}
		free(title);
		return rc;
	}
	if (!strcmp(name, "BDAY"))
		return map_date(m, p, "birthday", HAVE_BDAY, "birthday");
	if (!strcmp(name, "ANNIVERSARY") || !strcmp(name, "X-ANNIVERSARY") || !strcmp(name, "X-MS-ANNIVERSARY") ||
	    !strcmp(name, "X-EVOLUTION-ANNIVERSARY"))
		return map_date(m, p, "anniversary", HAVE_ANNIV, "anniversary");
	if (!strcmp(name, "X-ABDATE")) {
		char *label = label_of(m, p);
		if (!label)
			return recip_oom(ctx);
		if (!strcmp(label, "anniversary"))
			rc = map_date(m, p, "anniversary", HAVE_ANNIV, "anniversary");
		else
			rc = map_fact(m, p, *label ? label : "date", NULL);
		free(label);
		return rc;
	}
	if (!strcmp(name, "NOTE")) {
		char *clean = note_text(p->value);
		if (!clean)
			return recip_oom(ctx);
		if (*clean) {
			/* several notes become one, a blank line apart */
			const char *before = draft_get(&m->d, "notes");
			buf b = BUF_INIT;
			if (before)
				buf_printf(&b, "%s\n\n", before);
			buf_adds(&b, clean);
			for (size_t i = 0; i < m->d.n_fields && before; i++)
				if (!strcmp(m->d.fields[i].name, "notes"))
					((char *)m->d.fields[i].name)[0] = '\0'; /* replaced below */
			char *joined = buf_detach(&b);
			rc = joined ? keep(m, p, "notes", joined, NULL, "note") : recip_oom(ctx);
			free(joined);
		}
		free(clean);
		return rc;
	}
	if (!strcmp(name, "CATEGORIES"))
		return map_categories(m, p);
	if (!strcmp(name, "NICKNAME"))
		return map_fact(m, p, "nickname", NULL);
	if (!strcmp(name, "ROLE"))
		return map_fact(m, p, "job role", NULL);
	if (!strcmp(name, "KIND")) {
		m->organisation = !strncasecmp(p->value, "org", 3);
		return RECIP_OK;
	}
	if (!strcmp(name, "X-ABSHOWAS")) {
		m->organisation = !strcasecmp(p->value, "COMPANY");
		return RECIP_OK;
	}
	if (!strcmp(name, "UID")) {
		char *uid = single_text(p->value);
		if (!uid)
			return recip_oom(ctx);
		buf b = BUF_INIT;
		buf_printf(&b, "vcard:%s", uid);
		char *external = buf_detach(&b);
		if (!external)
			rc = recip_oom(ctx);
		else if (*uid && !m->have[HAVE_UID] && !m->have[HAVE_EXTERNAL])
			rc = keep(m, p, "external_id", external, NULL, "uid");
		m->have[HAVE_UID] = true;
		free(external);
		free(uid);
		return rc;
	}
	if (!strcmp(name, "X-ABRELATEDNAMES") || !strcmp(name, "RELATED"))
		return map_related(m, p, "related");
	if (!strcmp(name, "X-EVOLUTION-SPOUSE") || !strcmp(name, "X-MS-SPOUSE") || !strcmp(name, "X-SPOUSE"))
		return map_fact(m, p, "spouse", NULL);
	if (!strcmp(name, "X-EVOLUTION-MANAGER") || !strcmp(name, "X-MS-MANAGER") || !strcmp(name, "X-MANAGER"))
		return map_fact(m, p, "manager", NULL);
	if (!strcmp(name, "X-EVOLUTION-ASSISTANT") || !strcmp(name, "X-MS-ASSISTANT") ||
	    !strcmp(name, "X-ASSISTANT"))
		return map_fact(m, p, "assistant", NULL);
	static const char *const im[][2] = {{"IMPP", ""},         {"X-AIM", "aim"},     {"X-ICQ", "icq"},
	                                     {"X-SKYPE", "skype"},  {"X-GTALK", "gtalk"}, {"X-YAHOO", "yahoo"},
	                                     {"X-MSN", "msn"},      {"X-QQ", "qq"},       {"X-JABBER", "jabber"},
	                                     {"X-MS-IMADDRESS", ""}, {"X-GOOGLE-TALK", "gtalk"}};
	for (size_t i = 0; i < sizeof(im) / sizeof(im[0]); i++)
		if (!strcmp(name, im[i][0]))
			return map_fact(m, p, "im", *im[i][1] ? im[i][1] : p->key);
	/* our own export's fields, for a round trip without loss */
	if (!strcmp(name, "X-RECIP-FACT")) {
		if (!p->key || !*p->key)
			return warn(m, p, "X-RECIP-FACT without a KEY parameter (skipped)");
		return map_fact(m, p, p->key, NULL);
	}
	if (!strncmp(name, "X-RECIP-", 8)) {
		char *field = lower_dup(name + 8, strlen(name + 8));
		if (!field)
			return recip_oom(ctx);
		for (char *s = field; *s; s++)
			if (*s == '-')
				*s = '_';
		int idx = field_index(entity_find("party"), field);
		const field_desc *f = idx >= 0 ? &entity_find("party")->fields[idx] : NULL;
		if (f && f->type != FT_PARTY && !(f->flags & (F_READONLY | F_HIDDEN))) {
			char *text = single_text(p->value);
			if (!text)
				rc = recip_oom(ctx);
			else if (!strcmp(f->name, "external_id"))
				m->have[HAVE_EXTERNAL] = true;
			if (text && !(f->flags & F_MULTI) && draft_get(&m->d, f->name) && !strcmp(f->name, "external_id")) {
				for (size_t i = 0; i < m->d.n_fields; i++) /* it wins over the UID */
					if (!strcmp(m->d.fields[i].name, "external_id"))
						((char *)m->d.fields[i].name)[0] = '\0';
			}
			if (text)
				rc = keep(m, p, f->name, text, NULL, f->name);
			free(text);
		} else {
			rc = note_ignored(m->v, name);
		}
		free(field);
		return rc;
	}
	if (strcmp(name, "VERSION") && strcmp(name, "X-ABLABEL") && strcmp(name, "BEGIN") && strcmp(name, "END"))
		return note_ignored(m->v, name);
	return RECIP_OK;
}

/* Drops fields whose name was blanked (a note or id replaced by a later one). */
static void compact_draft(party_draft *d)
{
	size_t out = 0;
	for (size_t i = 0; i < d->n_fields; i++) {
		if (!d->fields[i].name[0]) {
			free((char *)d->fields[i].name);
			free((char *)d->fields[i].value);
			free((char *)d->fields[i].label);
			continue;
		}
		d->fields[out++] = d->fields[i];
	}
	d->n_fields = out;
}

static int card_to_party(vcard_import *v, const card *c)
{
	recip_ctx *ctx = v->ctx;
	mapping m;
	memset(&m, 0, sizeof(m));
	m.v = v;
	m.c = c;
	draft_init(&m.d, c->line);
	int rc = RECIP_OK;
	for (size_t i = 0; i < c->n && !rc; i++) {
		rc = map_one(&m, &c->props[i]);
		compact_draft(&m.d);
	}
	/* the name: FN, else from N, else the organisation, an email, a phone */
	if (!rc) {
		const char *name = m.fn ? m.fn : m.name_from_n && *m.name_from_n ? m.name_from_n : NULL;
		if (!name && m.org) {
			name = m.org;
			m.organisation = true;
		}
		if (!name)
			name = draft_get(&m.d, "email");
		if (!name)
			name = draft_get(&m.d, "phone");
		char unnamed[64];
		if (!name) {
			snprintf(unnamed, sizeof(unnamed), "unnamed contact (line %lld)", (long long)c->line);
			name = unnamed;
		}
		char *copy = xstrdup(name);
		rc = copy ? RECIP_OK : recip_oom(ctx);
		if (!rc && utf8_length(copy) > 200) {
			rc = report_warning(ctx, v->report, c->line, "the name is longer than 200 characters (cut)");
			size_t chars = 0, i = 0;
			for (; copy[i] && chars <= 200; i++)
				chars += ((unsigned char)copy[i] & 0xc0) != 0x80;
			copy[i ? i - 1 : 0] = '\0';
		}
		if (!rc)
			rc = draft_field(ctx, &m.d, "name", copy, NULL);
		free(copy);
	}
	if (!rc && m.organisation) {
		rc = draft_field(ctx, &m.d, "kind", "organisation", NULL);
		/* the organisation's own name is no organisation it belongs to */
		if (!rc && m.org && strcmp(m.org, draft_get(&m.d, "name")))
			rc = draft_fact(ctx, &m.d, "organisation", m.org);
	} else if (!rc && m.org) {
		m.d.org = m.org;
		m.org = NULL;
	}
	v->contacts++;
	if (!rc)
		rc = party_import(ctx, &v->parties, v->report, &m.d);
	if (rc && import_row_error(rc)) { /* this contact is bad; the import goes on to the end */
		char why[600];
		const char *name = draft_get(&m.d, "name");
		snprintf(why, sizeof(why), "%s: %s", name ? name : "a contact", recip_errmsg(ctx));
		rc = report_bad(ctx, v->report, c->line, why);
	}
	draft_release(&m.d);
	free(m.fn);
	free(m.name_from_n);
	free(m.org);
	return rc;
}

/* ---- reading the file ---------------------------------------------------------------------- */

/* The next logical line: folded continuations joined, and for a
 * quoted-printable value its soft line breaks. *out NULL at the end. */
static int logical_line(vcard_import *v, buf *out, int64_t *line, bool *eof)
{
	recip_ctx *ctx = v->ctx;
	const char *s;
	size_t len;
	buf_reset(out);
	*eof = false;
	do {
		int rc = reader_line(&v->rd, &s, &len);
		if (rc)
			return rc;
		if (!s) {
			*eof = true;
			return RECIP_OK;
		}
	} while (strspn(s, " \t") == len); /* blank lines (2.1 puts them after base64) */
	*line = v->rd.line;
	if (buf_add(out, s, len))
		return recip_oom(ctx);
	bool qp = false;
	for (;;) {
		int rc = reader_line(&v->rd, &s, &len);
		if (rc)
			return rc;
		if (!s)
			break;
		if (out->len + len > IMPORT_MAX_PROPERTY)
			return recip_fail(ctx, RECIP_ETOOBIG, "line %lld of '%s': a property longer than %zu bytes",
			                  (long long)*line, v->in->name, IMPORT_MAX_PROPERTY);
		if (len && (s[0] == ' ' || s[0] == '\t')) {
			if (buf_add(out, s + 1, len - 1))
				return recip_oom(ctx);
			continue;
		}
		if (!qp) {
			const char *colon = memchr(out->data, ':', out->len);
			size_t head = colon ? (size_t)(colon - out->data) : out->len;
			for (size_t i = 0; i + 16 <= head && !qp; i++)
				qp = !strncasecmp(out->data + i, "QUOTED-PRINTABLE", 16);
		}
		if (qp && out->len && out->data[out->len - 1] == '=') {
			out->data[--out->len] = '\0'; /* a soft line break */
			if (buf_add(out, s, len))
				return recip_oom(ctx);
			continue;
		}
		reader_unread(&v->rd);
		break;
	}
	return RECIP_OK;
}

static bool is_base64_line(const char *s)
{
	return *s && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/= \t") == strlen(s);
}

static int read_cards(vcard_import *v)
{
	recip_ctx *ctx = v->ctx;
	buf lb;
	buf_init(&lb, IMPORT_MAX_PROPERTY + 1);
	card c = {0};
	bool in_card = false;
	int rc = RECIP_OK;
	int64_t cards = 0;
	for (;;) {
		int64_t line = 0;
		bool eof;
		if ((rc = logical_line(v, &lb, &line, &eof)))
			break;
		if (eof)
			break;
		vprop p = {0};
		bool oom;
		bool ok = parse_property(lb.data, &p, &oom);
		if (oom) {
			rc = recip_oom(ctx);
			prop_release(&p);
			break;
		}
		p.line = line;
		if (ok && !strcmp(p.name, "BEGIN") && !strcasecmp(p.value, "VCARD")) {
			prop_release(&p);
			if (in_card) {
				rc = recip_fail(ctx, RECIP_EINVAL,
				                "line %lld of '%s': a vCard begins before the one of line %lld ended (END:VCARD "
				                "missing)",
				                (long long)line, v->in->name, (long long)c.line);
				break;
			}
			in_card = true;
			c.line = line;
			c.version = 21;
			continue;
		}
		if (!in_card) {
			prop_release(&p);
			rc = recip_fail(ctx, RECIP_EINVAL, "line %lld of '%s': not a vCard (BEGIN:VCARD expected)",
			                (long long)line, v->in->name);
			break;
		}
		if (ok && !strcmp(p.name, "END") && !strcasecmp(p.value, "VCARD")) {
			prop_release(&p);
			in_card = false;
			cards++;
			rc = card_to_party(v, &c);
			card_release(&c);
			if (rc)
				break;
			if (v->opt && v->opt->progress && cards % 256 == 0)
				v->opt->progress(v->opt->progress_arg, cards, v->rd.bytes, v->in->size);
			continue;
		}
		if (!ok) {
			prop_release(&p);
			char why[200];
			snprintf(why, sizeof(why), "not a property: '%.60s%s' (skipped)", lb.data, lb.len > 60 ? "…" : "");
			if ((rc = report_warning(ctx, v->report, line, why)))
				break;
			continue;
		}
		if (!strcmp(p.name, "VERSION"))
			c.version = !strncmp(p.value, "4", 1) ? 40 : !strncmp(p.value, "3", 1) ? 30 : 21;
		if (skipped(p.name)) {
			/* 2.1 base64 may run on over lines of its own, to a blank line */
			const char *s;
			size_t len;
			while (p.encoding && c.version == 21 && !(rc = reader_line(&v->rd, &s, &len)) && s) {
				if (!is_base64_line(s)) {
					reader_unread(&v->rd);
					break;
				}
			}
			rc = rc ? rc : note_ignored(v, p.name);
			prop_release(&p);
			if (rc)
				break;
			continue;
		}
		if ((rc = decode_value(v, &p))) {
			prop_release(&p);
			break;
		}
		if (c.n == c.cap) {
			size_t cap = c.cap ? c.cap * 2 : 32;
			vprop *grown = realloc(c.props, cap * sizeof(vprop));
			if (!grown) {
				prop_release(&p);
				rc = recip_oom(ctx);
				break;
			}
			c.props = grown;
			c.cap = cap;
		}
		c.props[c.n++] = p;
	}
	if (!rc && in_card)
		rc = recip_fail(ctx, RECIP_EINVAL,
		                "line %lld of '%s': the vCard that begins there has no END:VCARD (is the file cut short?)",
		                (long long)c.line, v->in->name);
	if (!rc && cards == 0)
		rc = recip_fail(ctx, RECIP_EINVAL, "'%s' holds no vCard", v->in->name);
	card_release(&c);
	buf_release(&lb);
	return rc;
}

int recip_import_vcard(recip_ctx *ctx, json_t **out, const recip_source *in, const recip_import_options *options)
{
	*out = NULL;
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	import_report report;
	int rc = report_init(ctx, &report, "vcard", in, options);
	if (rc)
		return rc;
	if ((rc = tx_begin(ctx))) {
		report_release(&report);
		return rc;
	}
	vcard_import v;
	memset(&v, 0, sizeof(v));
	v.ctx = ctx;
	v.opt = options;
	v.in = in;
	v.report = &report;
	v.ignored = json_array();
	rc = v.ignored ? reader_init(&v.rd, ctx, in, IMPORT_MAX_PROPERTY) : recip_oom(ctx);
	if (!rc && options && options->encoding) { /* an unknown character set: before any card */
		char *none = NULL;
		rc = charset_to_utf8(ctx, options->encoding, "", 0, &none);
		free(none);
	}
	if (!rc)
		rc = party_importer_init(ctx, &v.parties, options && options->update);
	if (!rc)
		rc = read_cards(&v);
	if (!rc) {
		rc = report_counts(ctx, &report, "contacts", v.contacts, "added", v.parties.added, "merged",
		                   v.parties.merged, "unchanged", v.parties.unchanged, (char *)NULL);
		if (!rc && jset(report.doc, "ignored", json_incref(v.ignored)))
			rc = recip_oom(ctx);
	}
	reader_release(&v.rd);
	json_decref(v.ignored);
	return import_finish(ctx, &report, rc, options, "imported", out);
}
