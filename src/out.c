/*
 * out.c — printing for people and programs: JSON documents as they come
 * from the library, aligned tables (widths by display width, so names in
 * any script line up), and colour only on a terminal without NO_COLOR.
 */
/* wcwidth() is X/Open */
#define _XOPEN_SOURCE 700
#include "cli.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int cli_print_json(cli *c, json_t *doc)
{
	char *text = json_dumps(doc, JSON_INDENT(2) | JSON_REAL_PRECISION(10));
	if (!text)
		return cli_error(c, "out of memory");
	fputs(text, c->out);
	fputc('\n', c->out);
	free(text);
	return EXIT_OK;
}

int cli_emit_json(cli *c, json_t *doc)
{
	int rc = cli_print_json(c, doc);
	json_decref(doc);
	return rc;
}

static const char *style(const cli *c, const char *code)
{
	return c->color ? code : "";
}

const char *cli_bold(const cli *c) { return style(c, "\033[1m"); }
const char *cli_dim(const cli *c) { return style(c, "\033[2m"); }
const char *cli_green(const cli *c) { return style(c, "\033[32m"); }
const char *cli_red(const cli *c) { return style(c, "\033[31m"); }
const char *cli_yellow(const cli *c) { return style(c, "\033[33m"); }
const char *cli_reset(const cli *c) { return style(c, "\033[0m"); }

void cli_heading(cli *c, const char *text)
{
	fprintf(c->out, "%s%s%s\n", cli_bold(c), text, cli_reset(c));
}

/* Columns a string takes on a terminal. */
static size_t display_width(const char *s)
{
	mbstate_t state;
	memset(&state, 0, sizeof(state));
	size_t width = 0, len = strlen(s);
	while (len > 0) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s, len, &state);
		if (n == (size_t)-1 || n == (size_t)-2) { /* not decodable here: count bytes */
			memset(&state, 0, sizeof(state));
			width++;
			s++;
			len--;
			continue;
		}
		if (n == 0)
			break;
		int w = wcwidth(wc);
		width += w > 0 ? (size_t)w : 0;
		s += n;
		len -= n;
	}
	return width;
}

void table_init(table *t)
{
	memset(t, 0, sizeof(*t));
}

void table_column_add(table *t, const char *header, bool right)
{
	if (t->n_cols < sizeof(t->cols) / sizeof(t->cols[0]))
		t->cols[t->n_cols++] = (table_column){header, right};
}

int table_row(table *t, const char *const *cells)
{
	if (t->n_rows == t->cap_rows) {
		size_t cap = t->cap_rows ? t->cap_rows * 2 : 16;
		char **grown = realloc(t->cells, cap * t->n_cols * sizeof(char *));
		if (!grown)
			return -1;
		t->cells = grown;
		t->cap_rows = cap;
	}
	for (size_t i = 0; i < t->n_cols; i++) {
		/* one line per cell: a note with a newline must not break the table */
		char *copy = strdup(cells[i] ? cells[i] : "-");
		if (!copy)
			return -1;
		for (char *p = copy; *p; p++)
			if (*p == '\n' || *p == '\r' || *p == '\t')
				*p = ' ';
		t->cells[t->n_rows * t->n_cols + i] = copy;
	}
	t->n_rows++;
	return 0;
}

static void pad(FILE *f, size_t n)
{
	while (n--)
		fputc(' ', f);
}

void table_print(cli *c, const table *t)
{
	size_t widths[16] = {0};
	for (size_t i = 0; i < t->n_cols; i++)
		widths[i] = display_width(t->cols[i].header);
	for (size_t r = 0; r < t->n_rows; r++)
		for (size_t i = 0; i < t->n_cols; i++) {
			size_t w = display_width(t->cells[r * t->n_cols + i]);
			if (w > widths[i])
				widths[i] = w;
		}
	fputs(cli_bold(c), c->out);
	for (size_t i = 0; i < t->n_cols; i++) {
		size_t w = display_width(t->cols[i].header);
		bool last = i + 1 == t->n_cols;
		if (t->cols[i].right)
			pad(c->out, widths[i] - w);
		fputs(t->cols[i].header, c->out);
		if (!t->cols[i].right && !last)
			pad(c->out, widths[i] - w);
		if (!last)
			fputs("  ", c->out);
	}
	fprintf(c->out, "%s\n", cli_reset(c));
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t i = 0; i < t->n_cols; i++) {
			const char *cell = t->cells[r * t->n_cols + i];
			size_t w = display_width(cell);
			bool last = i + 1 == t->n_cols;
			if (t->cols[i].right)
				pad(c->out, widths[i] - w);
			fputs(cell, c->out);
			if (!t->cols[i].right && !last)
				pad(c->out, widths[i] - w);
			if (!last)
				fputs("  ", c->out);
		}
		fputc('\n', c->out);
	}
}

void table_release(table *t)
{
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
		free(t->cells[i]);
	free(t->cells);
	table_init(t);
}

const char *jtext(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (json_is_string(v))
		return json_string_value(v);
	return "";
}

void fmt_balance(char *out, size_t size, double v)
{
	if (v > -0.005 && v < 0.005)
		snprintf(out, size, "0");
	else
		snprintf(out, size, "%+.2f", v);
}

const char *jday(json_t *obj, const char *key, char *out, size_t size)
{
	const char *s = jtext(obj, key);
	if (!*s)
		return "-";
	snprintf(out, size, "%.10s", s);
	return out;
}
