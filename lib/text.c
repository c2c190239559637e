/*
 * text.c — checking and normalising text that comes from outside: UTF-8
 * validity, lengths, case folding for lookups, phone numbers reduced to
 * digits for matching.
 */
#include "internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

char *xstrdup(const char *s)
{
	if (!s)
		return NULL;
	size_t len = strlen(s);
	char *copy = malloc(len + 1);
	if (copy)
		memcpy(copy, s, len + 1);
	return copy;
}

/* Decodes one code point; returns its length in bytes, or 0 when invalid. */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	if (len == 0)
		return 0;
	unsigned char c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	uint32_t v, min;
	if ((c & 0xe0) == 0xc0) { n = 2; v = c & 0x1f; min = 0x80; }
	else if ((c & 0xf0) == 0xe0) { n = 3; v = c & 0x0f; min = 0x800; }
	else if ((c & 0xf8) == 0xf0) { n = 4; v = c & 0x07; min = 0x10000; }
	else return 0;
	if (n > len)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = (v << 6) | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return n;
}

bool utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	while (len) {
		uint32_t cp;
		size_t n = utf8_decode(p, len, &cp);
		if (!n)
			return false;
		p += n;
		len -= n;
	}
	return true;
}

size_t utf8_length(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p & 0xc0) != 0x80)
			n++;
	return n;
}

static void put_utf8(buf *b, uint32_t cp)
{
	char out[4];
	size_t n;
	if (cp < 0x80) { out[0] = (char)cp; n = 1; }
	else if (cp < 0x800) { out[0] = (char)(0xc0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3f)); n = 2; }
	else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f)); n = 3;
	} else {
		out[0] = (char)(0xf0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); out[3] = (char)(0x80 | (cp & 0x3f)); n = 4;
	}
	buf_add(b, out, n);
}

/* Lower case of the letters people's names use most: ASCII, Latin-1,
 * Latin Extended-A, Greek and Cyrillic capitals. */
static uint32_t fold_cp(uint32_t c)
{
	if (c >= 'A' && c <= 'Z') return c + 32;
	if ((c >= 0xc0 && c <= 0xde && c != 0xd7)) return c + 32;
	if (c >= 0x100 && c <= 0x17f) {
		if (c == 0x130) return 'i';
		if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17e))
			return (c & 1) ? c + 1 : c;
		if (c == 0x178) return 0xff;
		return (c & 1) ? c : c + 1;
	}
	if (c >= 0x391 && c <= 0x3ab && c != 0x3a2) return c + 32;
	if (c >= 0x410 && c <= 0x42f) return c + 32;
	if (c >= 0x400 && c <= 0x40f) return c + 80;
	return c;
}

char *text_fold(const char *s)
{
	buf b = BUF_INIT;
	const unsigned char *p = (const unsigned char *)s;
	size_t len = strlen(s);
	while (len) {
		uint32_t cp;
		size_t n = utf8_decode(p, len, &cp);
		if (!n) { /* not UTF-8: keep the byte as it is */
			buf_addc(&b, (char)*p);
			n = 1;
		} else {
			put_utf8(&b, fold_cp(cp));
		}
		p += n;
		len -= n;
	}
	return buf_detach(&b);
}

char *text_trim(const char *s)
{
	while (*s && isspace((unsigned char)*s))
		s++;
	size_t len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	memcpy(out, s, len);
	out[len] = '\0';
	return out;
}

char *phone_key(const char *s)
{
	buf b = BUF_INIT;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			buf_addc(&b, *p);
		else if (*p == '+' && b.len == 0)
			buf_addc(&b, '+');
	}
	return buf_detach(&b);
}

int text_check(recip_ctx *ctx, const char *what, const char *s, size_t max_chars, bool multiline)
{
	size_t len = strlen(s);
	if (!utf8_valid(s, len))
		return recip_fail(ctx, RECIP_EINVAL, "%s is not valid UTF-8", what);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f) {
			if (multiline && (*p == '\n' || *p == '\t' || *p == '\r'))
				continue;
			return recip_fail(ctx, RECIP_EINVAL, "%s contains a control character", what);
		}
	}
	size_t chars = utf8_length(s);
	if (chars > max_chars)
		return recip_fail(ctx, RECIP_ETOOBIG, "%s is too long (%zu characters, at most %zu)", what, chars,
		                  max_chars);
	return RECIP_OK;
}

const char *article(const char *noun)
{
	static const char *const uncountable[] = {"advice", "help", "hospitality", "feedback", "support", NULL};
	for (size_t i = 0; uncountable[i]; i++)
		if (!strcmp(noun, uncountable[i]))
			return "";
	return noun[0] && strchr("aeiouAEIOU", noun[0]) ? "an " : "a ";
}
