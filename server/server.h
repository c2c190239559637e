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
	const void *data;            /* … or static bytes */
	size_t data_size;
	const char *content_type;
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

/* Query parameters (decoded; NULL when absent). */
const char *query(request *r, const char *name);
/* A time parameter (as the command line reads --as-of; a date alone means
 * its end), `dflt` when absent; -1 after replying 400 when it is bad. */
int query_time(request *r, const char *name, recip_time dflt, recip_time *out);
/* A whole-number parameter within [min, max]; -1 after replying 400. */
int query_int(request *r, const char *name, int64_t dflt, int64_t min, int64_t max, int64_t *out);
/* The {id} segment as a positive id; -1 after replying 404. */
int param_id(request *r, int index, const char *what, int64_t *out);

/* The calendar of the feed. The interop export (issue 5) replaces
 * calendar_due_export here, with the same signature. */
typedef int (*calendar_export_fn)(recip_ctx *ctx, recip_time as_of, char **out);
extern const calendar_export_fn calendar_export;
int calendar_due_export(recip_ctx *ctx, recip_time as_of, char **out);

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
