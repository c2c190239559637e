/*
 * transfer.c — data in and out over HTTP: the exports of `recip export`
 * as downloads (CSV, vCard, iCalendar, JSON Lines, each with its content
 * type and a file name), the imports of `recip import` as uploads (CSV and
 * vCard bodies, with the options as query parameters and the bad-row
 * report as a 422 document), and the calendar feed a phone subscribes to.
 * The library reads from a recip_source and writes to a recip_sink; here
 * both are memory: the request body, and the response being built.
 */
#include <microhttpd.h>
#include <recip/recip.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

#define FEED_DAYS 30      /* as `recip export ical` */
#define MAX_MAPS 64

/* ---- memory sources and sinks -------------------------------------------------------------- */

static int buf_write(void *arg, const void *data, size_t len)
{
	return buf_add(arg, data, len) ? RECIP_ENOMEM : RECIP_OK;
}

typedef struct memory_source {
	const char *data;
	size_t len, pos;
} memory_source;

static int memory_read(void *arg, void *data, size_t size, size_t *out_len)
{
	memory_source *m = arg;
	size_t n = m->len - m->pos < size ? m->len - m->pos : size;
	memcpy(data, m->data + m->pos, n);
	m->pos += n;
	*out_len = n;
	return RECIP_OK;
}

/* ---- downloads --------------------------------------------------------------------------------- */

typedef int (*export_fn)(request *r, const recip_sink *sink);

/* Runs one export into memory and answers with it as a file to save:
 * `name` is the file name offered ("recip-parties.csv"). */
static int download(request *r, export_fn run, const char *content_type, const char *name)
{
	buf out = BUF_INIT;
	recip_sink sink = {buf_write, &out};
	if (run(r, &sink) != RECIP_OK) {
		buf_release(&out);
		return r->status ? 0 : reply_recip_error(r);
	}
	size_t size = out.len;
	char *text = buf_detach(&out);
	buf disposition = BUF_INIT;
	buf_printf(&disposition, "attachment; filename=\"%s\"", name);
	if (!text || disposition.failed) {
		free(text);
		buf_release(&disposition);
		return reply_error(r, 500, "no_memory", "out of memory");
	}
	reply_empty(r, 200);
	r->text = text;
	r->text_size = size;
	r->content_type = content_type;
	r->disposition = buf_detach(&disposition);
	return 0;
}

/* The {kind} of the path when it names a kind of record; else 404. */
static int path_kind(request *r, char *out, size_t size)
{
	json_t *desc;
	if (recip_entity_describe(r->ctx, r->params[0], &desc) != RECIP_OK)
		return reply_error(r, 404, "not_found", "%s", recip_errmsg(r->ctx)), -1;
	json_decref(desc);
	/* for the file name: the kind as written, in lower case letters */
	size_t n = 0;
	for (const char *p = r->params[0]; *p && n + 1 < size; p++)
		if (isalpha((unsigned char)*p))
			out[n++] = (char)tolower((unsigned char)*p);
	out[n] = '\0';
	return 0;
}

static int run_csv(request *r, const recip_sink *sink)
{
	return recip_export_csv(r->ctx, r->params[0], sink);
}

int api_export_csv(request *r)
{
	char kind[40], name[64];
	if (path_kind(r, kind, sizeof(kind)))
		return 0;
	snprintf(name, sizeof(name), "recip-%s.csv", kind);
	return download(r, run_csv, "text/csv; charset=utf-8", name);
}

static int run_vcard(request *r, const recip_sink *sink)
{
	int64_t party;
	if (query_party(r, "party", &party))
		return RECIP_ERROR;
	return recip_export_vcard(r->ctx, party, sink);
}

int api_export_vcard(request *r)
{
	return download(r, run_vcard, "text/vcard; charset=utf-8", "recip-contacts.vcf");
}

static int run_ical(request *r, const recip_sink *sink)
{
	recip_time as_of;
	int days;
	if (query_time(r, "as_of", recip_ctx_now(r->ctx), &as_of) || query_days(r, "days", FEED_DAYS, &days))
		return RECIP_ERROR;
	return recip_export_ical(r->ctx, as_of, days, recip_ctx_now(r->ctx), sink);
}

int api_export_ical(request *r)
{
	return download(r, run_ical, "text/calendar; charset=utf-8", "recip-agenda.ics");
}

static int run_json(request *r, const recip_sink *sink)
{
	return recip_export_json(r->ctx, sink);
}

int api_export_json(request *r)
{
	return download(r, run_json, "application/jsonl; charset=utf-8", "recip-export.jsonl");
}

/* The feed a calendar subscribes to: the iCalendar export as of now, for
 * whoever holds a feed token (calendars cannot sign in). */
int api_calendar_feed(request *r)
{
	recip_user u;
	const char *token = query(r, "token");
	if (!token || recip_feed_token_check(r->ctx, &u, token) != RECIP_OK)
		return reply_error(r, 401, "bad_token", "the calendar needs a valid feed token (token=…)");
	if (download(r, run_ical, "text/calendar; charset=utf-8", "recip.ics") || r->status != 200)
		return 0;
	/* a subscription shows it, it does not save it */
	free(r->disposition);
	r->disposition = NULL;
	return 0;
}

/* ---- uploads --------------------------------------------------------------------------------------- */

static bool flag(request *r, const char *name)
{
	const char *v = query(r, name);
	return v && (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"));
}

typedef struct map_list {
	const char *items[MAX_MAPS];
	size_t n;
	bool overflow;
} map_list;

static enum MHD_Result collect_map(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	map_list *maps = cls;
	if (strcmp(key, "map") || !value)
		return MHD_YES;
	if (maps->n >= MAX_MAPS) {
		maps->overflow = true;
		return MHD_NO;
	}
	maps->items[maps->n++] = value;
	return MHD_YES;
}

/* The options of `recip import` from the query: dry_run, skip_bad,
 * update, map (repeated, "COLUMN=FIELD"), encoding, delimiter. */
static int import_options(request *r, recip_import_options *opt, map_list *maps)
{
	memset(opt, 0, sizeof(*opt));
	memset(maps, 0, sizeof(*maps));
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_map, maps);
	if (maps->overflow)
		return reply_error(r, 400, "bad_parameter", "at most %d map parameters", MAX_MAPS), -1;
	opt->map = maps->items;
	opt->n_map = maps->n;
	opt->dry_run = flag(r, "dry_run");
	opt->skip_bad = flag(r, "skip_bad");
	opt->update = flag(r, "update");
	opt->encoding = query(r, "encoding");
	const char *delimiter = query(r, "delimiter");
	if (delimiter && *delimiter) {
		if (!strcmp(delimiter, "tab"))
			opt->delimiter = '\t';
		else if (strlen(delimiter) == 1 && strchr(",;\t|", delimiter[0]))
			opt->delimiter = delimiter[0];
		else
			return reply_error(r, 400, "bad_parameter", "bad delimiter '%.20s' (',', ';', '|' or 'tab')", delimiter),
			       -1;
	}
	return 0;
}

/* Whether the body is of one of these content types; else 415. */
static int upload_type(request *r, const char *const *types, const char *what)
{
	for (size_t i = 0; types[i]; i++)
		if (content_type_is(r, types[i]))
			return 0;
	return reply_error(r, 415, "unsupported_media_type", "send the %s as %s", what, types[0]), -1;
}

typedef int (*import_fn)(request *r, json_t **out, const recip_source *in, const recip_import_options *opt);

/* Runs one import over the body and answers with its report: 200 when it
 * went through (or would, for a dry run), 422 with the report beside the
 * error when bad rows stopped it. */
static int upload(request *r, import_fn run, const char *default_name, bool takes_map)
{
	recip_import_options opt;
	map_list maps;
	if (import_options(r, &opt, &maps))
		return 0;
	if (opt.n_map && !takes_map)
		return reply_error(r, 400, "bad_parameter", "map is for CSV files");
	const char *name = query(r, "filename");
	memory_source body = {r->body.data, r->body.len, 0};
	recip_source in = {name && *name ? name : default_name, (int64_t)r->body.len, memory_read, &body};
	json_t *report = NULL;
	if (run(r, &report, &in, &opt) == RECIP_OK)
		return reply_json(r, 200, report);
	if (!report || recip_errcode(r->ctx) != RECIP_EINVAL) {
		json_decref(report);
		return reply_recip_error(r);
	}
	reply_recip_error(r);
	if (r->reply)
		json_object_set_new(r->reply, "report", report);
	else
		json_decref(report);
	return 0;
}

static int run_import_csv(request *r, json_t **out, const recip_source *in, const recip_import_options *opt)
{
	return recip_import_csv(r->ctx, out, r->params[0], in, opt);
}

int api_import_csv(request *r)
{
	static const char *const types[] = {"text/csv", "text/plain", "text/tab-separated-values", NULL};
	char kind[40];
	if (upload_type(r, types, "file") || path_kind(r, kind, sizeof(kind)))
		return 0;
	return upload(r, run_import_csv, "upload.csv", true);
}

static int run_import_vcard(request *r, json_t **out, const recip_source *in, const recip_import_options *opt)
{
	return recip_import_vcard(r->ctx, out, in, opt);
}

int api_import_vcard(request *r)
{
	static const char *const types[] = {"text/vcard", "text/x-vcard", "text/directory", NULL};
	if (upload_type(r, types, "vCards"))
		return 0;
	return upload(r, run_import_vcard, "upload.vcf", false);
}
