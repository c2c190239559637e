/*
 * server.h — what the files of `recip serve` share: the options, one
 * request as the handlers see it, the route table (one row per route:
 * method, path, least role, handler, and for the generic record routes the
 * kind of record), and the helpers that turn library results into HTTP
 * responses. The server decides nothing itself: every handler is a call
 * into librecip.
 */
#ifndef RECIP_SERVER_INTERNAL_H
#define RECIP_SERVER_INTERNAL_H

#include <recip/recip.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "banned.h"

typedef struct server_options {
	const char *db_path;
	const recip_ctx *settings;     /* the command line's context: settings to copy */
	const char *listen;            /* "127.0.0.1:8080", "[::1]:8080" */
	bool fixed_now;                /* RECIP_NOW was given: the clock stands still */
	recip_time now;                /* … at this time */
	unsigned threads;              /* worker threads, each with its own context */
	size_t max_body;               /* bytes of a request body */
	unsigned max_connections;
	unsigned max_per_ip;
	unsigned timeout;              /* seconds a connection may stay idle */
	unsigned max_headers;
	unsigned session_hours;
	bool secure_cookies;           /* behind TLS: cookies get Secure */
	unsigned login_failures;       /* failed sign-ins per name (and 3× per address) … */
	unsigned login_window;         /* … within this many seconds */
} server_options;

/* Runs until SIGTERM or SIGINT, then drains requests in flight; returns the
 * exit code. Prints "listening on URL" on standard output once it serves. */
int server_run(const server_options *opt);

/* The daemon without the listening and the signals (server_run is these
 * two around a sigwait): server_start sets up the process's state and
 * starts MHD with `flags` and the request callbacks; server_stop stops it
 * and frees that state. server_release_worker frees the calling thread's
 * context (the next request opens the database again). The request fuzzer
 * runs the daemon this way, without threads or sockets of its own. */
struct MHD_Daemon;
struct sockaddr;
struct MHD_Daemon *server_start(const server_options *opt, unsigned flags, const struct sockaddr *addr);
void server_stop(struct MHD_Daemon *d);
void server_release_worker(void);

/* ---- requests ----------------------------------------------------------------------- */

struct route;

typedef struct request {
	struct MHD_Connection *conn;
	const char *method;          /* HEAD is routed as GET */
	const char *url;
	buf body;
	bool body_too_big;
	recip_ctx *ctx;              /* the worker thread's own context */
	recip_user user;             /* role RECIP_ROLE_NONE when anonymous */
	bool by_session;             /* signed in with the cookie (writes need the CSRF token) */
	const char *session_token;
	const struct route *route;
	const char *params[4];       /* the {…} segments of the path, in order */
	char *param_store;
	json_t *json;                /* the parsed body of a write */
	/* the response */
	unsigned status;
	json_t *reply;
	char *text;                  /* or a text body (owned) … */
	size_t text_size;            /* … of this many bytes (0: up to its NUL) */
	const void *data;            /* … or static bytes */
	size_t data_size;
	const char *content_type;
	char *disposition;           /* a Content-Disposition value (owned): downloads */
	char *cookie;                /* a Set-Cookie value (owned) */
	char *location;              /* a Location value (owned) */
	const char *allow;           /* for 405 */
	unsigned retry_after;        /* for 429 and 503 */
	bool secure;                 /* served through TLS (cookies get Secure) */
} request;

/* ---- the route table ------------------------------------------------------------------- */

enum route_flags {
	ROUTE_BODY = 1 << 0,     /* takes a JSON object as its body */
	ROUTE_NO_API = 1 << 1,   /* not under /api: the page, its files, the calendar */
	ROUTE_UPLOAD = 1 << 2,   /* takes a file as its body (imports): the handler checks its type */
};

typedef struct route {
	const char *method;
	const char *path;            /* "/api/v1/parties/{id}" */
	recip_role role;             /* least role; RECIP_ROLE_NONE: no sign-in needed */
	int (*handler)(request *r);
	const char *entity;          /* the kind of record of the generic record routes */
	unsigned flags;
	const char *summary;
} route;

extern const route server_routes[];

/* The route for a method and path, with its {…} segments in r->params; NULL
 * with *allow set to the methods the path takes when only the method is
 * wrong (NULL when no route has the path). */
const route *route_match(request *r, const char *method, const char *path, const char **allow);

/* Percent-decodes a path or query value in place as the daemon does (an
 * escaped NUL stays as written); returns the new length. */
size_t server_unescape(char *text);

/* Prints the route table, one "METHOD PATH ROLE" line each (`recip serve --routes`). */
void routes_print(FILE *f);

/* ---- replies ------------------------------------------------------------------------------ */

/* Each sets the response and returns 0. */
int reply_json(request *r, unsigned status, json_t *doc);   /* takes the document */
int reply_error(request *r, unsigned status, const char *code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The context's last error, with the status and code that fit it. */
int reply_recip_error(request *r);
int reply_empty(request *r, unsigned status);

/* Whether the request's Content-Type is this type (parameters such as
 * "; charset=utf-8" aside; case does not matter). */
bool content_type_is(request *r, const char *type);

/* Query parameters (decoded; NULL when absent). */
const char *query(request *r, const char *name);
/* A time parameter (as the command line reads --as-of; a date alone means
 * its end), `dflt` when absent; -1 after replying 400 when it is bad. */
int query_time(request *r, const char *name, recip_time dflt, recip_time *out);
/* A whole-number parameter within [min, max]; -1 after replying 400. */
int query_int(request *r, const char *name, int64_t dflt, int64_t min, int64_t max, int64_t *out);
/* The {id} segment as a positive id; -1 after replying 404. */
int param_id(request *r, int index, const char *what, int64_t *out);

/* A whole number of days, as the command line reads a duration ("30",
 * "30d", "2w", "1y"), `dflt` when absent; -1 after replying 400. */
int query_days(request *r, const char *name, int dflt, int *out);
/* A party named by a query parameter (id, email or name), 0 when absent;
 * -1 after replying (404, 422). */
int query_party(request *r, const char *name, int64_t *out);

/* Members of the JSON body of a write: a text (NULL when absent or null), a
 * time (now when absent), true/false (false when absent). Each returns -1
 * after replying 422 when the member has another type. */
int body_text(request *r, const char *name, const char **out);
int body_time(request *r, const char *name, recip_time *out);
int body_bool(request *r, const char *name, bool *out);

/* The body of a write as record fields, for recip_record_add/update: fields
 * (owned by the caller, free with field_set_free) and their count; NULL
 * after replying 422. `skip` (NULL-terminated, may be NULL) names members
 * that are not fields. */
typedef struct field_set field_set;
field_set *body_fields(request *r, json_t *obj, const char *const *skip);
const recip_field *field_set_items(const field_set *fs, size_t *out_n);
void field_set_free(field_set *fs);

/* ---- handlers outside routes.c ------------------------------------------------------ */

/* (prefixed api_: the binary also links librecip, whose internal names are
 * plain words such as expected_report) */

/* reports.c: the engine's and advocacy's reports and verbs */
int api_agenda_report(request *r);
int api_moments_report(request *r);
int api_dismiss_moment(request *r);
int api_restore_moment(request *r);
int api_dismiss_party_moments(request *r);
int api_expected_report(request *r);
int api_open_asks_report(request *r);
int api_genuine_report(request *r);
int api_trust_ranking(request *r);
int api_party_trust(request *r);
int api_rate_credibility(request *r);
int api_profile_get(request *r);
int api_profile_change(request *r);
int api_fit_ranking(request *r);
int api_party_fit(request *r);
int api_add_project(request *r);
int api_finish_project(request *r);
int api_add_referral(request *r);
int api_resolve_referral(request *r);
int api_referral_report(request *r);
int api_referral_tree(request *r);
int api_unthanked_report(request *r);
int api_review_report(request *r);
int api_nps_follow_up(request *r);
int api_nps_report(request *r);
int api_advocates_report(request *r);
int api_growth_report(request *r);

/* transfer.c: exports as downloads, imports as uploads, the calendar feed */
int api_export_csv(request *r);
int api_export_vcard(request *r);
int api_export_ical(request *r);
int api_export_json(request *r);
int api_import_csv(request *r);
int api_import_vcard(request *r);
int api_calendar_feed(request *r);

/* The record routes' create handler, for handlers that add a record of
 * their kind (routes.c). */
int create_record(request *r);

/* The time "now" of a request: the clock, or RECIP_NOW when fixed. */
recip_time server_now(void);

/* Login rate limiting: true when `key` may try again now; failures count
 * within the window, a success forgets the name's failures. */
bool login_allowed(const char *name, const char *address, unsigned *retry_after);
void login_failed(const char *name, const char *address);
void login_succeeded(const char *name);

/* The remote address of a request as text. */
void request_address(request *r, char *out, size_t size);

/* The server's options (read-only while it runs). */
const server_options *server_config(void);

#endif
