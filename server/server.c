/*
 * server.c — `recip serve`: the HTTP daemon (libmicrohttpd, a pool of
 * worker threads), one recip_ctx per worker thread, reading requests within
 * their limits, signing in (session cookie with a CSRF token, or an API
 * token), checking roles, dispatching through the route table, writing
 * responses with their security headers, login rate limiting, and a
 * graceful stop on SIGTERM that lets every request in flight finish.
 */
#define _DEFAULT_SOURCE /* struct sockaddr_in6, inet_pton */
#include <microhttpd.h>
#include <recip/recip.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "server.h"

#define SESSION_COOKIE "recip_session"
#define DRAIN_SECONDS 30
#define LIMIT_SLOTS 512

/* One open connection, watched for slow clients (see reap_slow_clients). */
typedef struct watch {
	struct watch *next, *prev;
	MHD_socket fd;
	time_t since;    /* when it opened, or when its last request was answered */
	bool busy;       /* a request is being answered: not to be cut */
	bool cut;
} watch;

/* The daemon's state: what the process has once. The library keeps none. */
static struct {
	server_options opt;
	pthread_key_t ctx_key;
	atomic_int active;            /* requests begun and not yet completed */
	atomic_bool stopping;         /* SIGTERM came: answer nothing new */
	pthread_mutex_t limit_lock;
	pthread_mutex_t write_lock;   /* one write at a time from this process */
	pthread_mutex_t watch_lock;
	watch *watches;               /* every open connection */
	struct limit_slot {
		char key[160];
		unsigned failures;
		time_t since;
	} limits[LIMIT_SLOTS];
} srv;

const server_options *server_config(void)
{
	return &srv.opt;
}

/* ---- time ------------------------------------------------------------------------------ */

recip_time server_now(void)
{
	if (srv.opt.fixed_now)
		return srv.opt.now;
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	return recip_time_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static time_t monotonic_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* ---- one context per worker thread ------------------------------------------------------- */

static void ctx_destroy(void *p)
{
	recip_ctx_free(p);
}

/* The calling thread's context, opened on first use; NULL when the
 * database cannot be opened (the reason goes to stderr once per try). */
static recip_ctx *worker_ctx(void)
{
	recip_ctx *ctx = pthread_getspecific(srv.ctx_key);
	if (ctx)
		return ctx;
	if (recip_ctx_new(&ctx) != RECIP_OK)
		return NULL;
	recip_ctx_copy_settings(ctx, srv.opt.settings);
	if (recip_open(ctx, srv.opt.db_path, 0) != RECIP_OK) {
		fprintf(stderr, "recip serve: %s\n", recip_errmsg(ctx));
		recip_ctx_free(ctx);
		return NULL;
	}
	if (pthread_setspecific(srv.ctx_key, ctx) != 0) {
		recip_ctx_free(ctx);
		return NULL;
	}
	return ctx;
}

/* ---- login rate limiting ------------------------------------------------------------------- */

static struct limit_slot *limit_find(const char *key, bool create, time_t now)
{
	struct limit_slot *oldest = &srv.limits[0];
	for (size_t i = 0; i < LIMIT_SLOTS; i++) {
		struct limit_slot *s = &srv.limits[i];
		if (s->key[0] && !strcmp(s->key, key))
			return s;
		if (!s->key[0] || s->since < oldest->since)
			oldest = s;
	}
	if (!create)
		return NULL;
	snprintf(oldest->key, sizeof(oldest->key), "%s", key);
	oldest->failures = 0;
	oldest->since = now;
	return oldest;
}

static void limit_key(char *out, size_t size, const char *kind, const char *value)
{
	snprintf(out, size, "%s:%s", kind, value ? value : "");
}

/* Whether one key is still under its limit; how long to wait when not. */
static bool limit_ok(const char *key, unsigned max, time_t now, unsigned *wait)
{
	struct limit_slot *s = limit_find(key, false, now);
	if (!s)
		return true;
	if (now - s->since >= (time_t)srv.opt.login_window) {
		s->key[0] = '\0';
		return true;
	}
	if (s->failures < max)
		return true;
	unsigned left = (unsigned)(srv.opt.login_window - (unsigned)(now - s->since));
	if (left > *wait)
		*wait = left;
	return false;
}

bool login_allowed(const char *name, const char *address, unsigned *retry_after)
{
	char by_name[160], by_address[160];
	limit_key(by_name, sizeof(by_name), "name", name);
	limit_key(by_address, sizeof(by_address), "address", address);
	time_t now = monotonic_seconds();
	*retry_after = 0;
	pthread_mutex_lock(&srv.limit_lock);
	bool ok = limit_ok(by_name, srv.opt.login_failures, now, retry_after);
	ok = limit_ok(by_address, srv.opt.login_failures * 3, now, retry_after) && ok;
	pthread_mutex_unlock(&srv.limit_lock);
	return ok;
}

void login_failed(const char *name, const char *address)
{
	char keys[2][160];
	limit_key(keys[0], sizeof(keys[0]), "name", name);
	limit_key(keys[1], sizeof(keys[1]), "address", address);
	time_t now = monotonic_seconds();
	pthread_mutex_lock(&srv.limit_lock);
	for (int i = 0; i < 2; i++) {
		struct limit_slot *s = limit_find(keys[i], true, now);
		if (now - s->since >= (time_t)srv.opt.login_window) {
			s->failures = 0;
			s->since = now;
		}
		s->failures++;
	}
	pthread_mutex_unlock(&srv.limit_lock);
}

void login_succeeded(const char *name)
{
	char key[160];
	limit_key(key, sizeof(key), "name", name);
	pthread_mutex_lock(&srv.limit_lock);
	struct limit_slot *s = limit_find(key, false, 0);
	if (s)
		s->key[0] = '\0';
	pthread_mutex_unlock(&srv.limit_lock);
}

void request_address(request *r, char *out, size_t size)
{
	snprintf(out, size, "?");
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!info || !info->client_addr)
		return;
	const struct sockaddr *sa = info->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out, (socklen_t)size);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out, (socklen_t)size);
}

/* ---- slow clients ------------------------------------------------------------------------- */

/* libmicrohttpd's timeout counts idle time only: a client that sends one
 * byte every few seconds would hold its connection for ever (slowloris),
 * and a few addresses could take every connection. So each request must
 * arrive whole — headers and body — within the timeout of the connection
 * opening or of the previous answer. */
static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		watch *w = info ? calloc(1, sizeof(*w)) : NULL;
		if (!w)
			return; /* not watched: the idle timeout still applies */
		w->fd = info->connect_fd;
		w->since = monotonic_seconds();
		pthread_mutex_lock(&srv.watch_lock);
		w->next = srv.watches;
		if (srv.watches)
			srv.watches->prev = w;
		srv.watches = w;
		pthread_mutex_unlock(&srv.watch_lock);
		*socket_context = w;
		return;
	}
	watch *w = *socket_context;
	if (!w)
		return;
	/* MHD closes the socket after this returns: under the lock, the
	 * reaper never touches a closed (or reused) descriptor */
	pthread_mutex_lock(&srv.watch_lock);
	if (w->prev)
		w->prev->next = w->next;
	else
		srv.watches = w->next;
	if (w->next)
		w->next->prev = w->prev;
	pthread_mutex_unlock(&srv.watch_lock);
	free(w);
	*socket_context = NULL;
}

/* Marks the connection of a request as answering (busy) or as done, which
 * starts the clock for its next request. */
static void watch_mark(struct MHD_Connection *conn, bool busy)
{
	const union MHD_ConnectionInfo *info = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	watch *w = info ? info->socket_context : NULL;
	if (!w)
		return;
	pthread_mutex_lock(&srv.watch_lock);
	w->busy = busy;
	if (!busy)
		w->since = monotonic_seconds();
	pthread_mutex_unlock(&srv.watch_lock);
}

/* Cuts every connection that has taken longer than the timeout to send a
 * request: shutting its socket down makes MHD close it as a broken one. */
static unsigned reap_slow_clients(void)
{
	unsigned cut = 0;
	time_t now = monotonic_seconds();
	pthread_mutex_lock(&srv.watch_lock);
	for (watch *w = srv.watches; w; w = w->next) {
		if (!w->busy && !w->cut && now - w->since >= (time_t)srv.opt.timeout) {
			shutdown(w->fd, SHUT_RDWR);
			w->cut = true;
			cut++;
		}
	}
	pthread_mutex_unlock(&srv.watch_lock);
	return cut;
}

/* ---- replies ------------------------------------------------------------------------------ */

static void reply_reset(request *r)
{
	json_decref(r->reply);
	r->reply = NULL;
	free(r->text);
	r->text = NULL;
	r->text_size = 0;
	r->data = NULL;
	r->data_size = 0;
	r->content_type = NULL;
	free(r->disposition);
	r->disposition = NULL;
}

int reply_json(request *r, unsigned status, json_t *doc)
{
	reply_reset(r);
	r->status = status;
	r->reply = doc;
	if (!doc)
		return reply_error(r, 500, "no_memory", "out of memory");
	return 0;
}

int reply_empty(request *r, unsigned status)
{
	reply_reset(r);
	r->status = status;
	return 0;
}

int reply_error(request *r, unsigned status, const char *code, const char *fmt, ...)
{
	char message[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
	reply_reset(r);
	r->status = status;
	r->reply = json_pack("{s:{s:i, s:s, s:s}}", "error", "status", (int)status, "code", code, "message", message);
	return 0;
}

/* The status and stable code for each library error. */
static void error_status(int code, unsigned *status, const char **name)
{
	switch (code) {
	case RECIP_EINVAL: *status = 422; *name = "invalid"; break;
	case RECIP_ETOOBIG: *status = 422; *name = "too_long"; break;
	case RECIP_ENOTFOUND: *status = 404; *name = "not_found"; break;
	case RECIP_EAMBIGUOUS: *status = 422; *name = "ambiguous"; break;
	case RECIP_EEXISTS: *status = 409; *name = "conflict"; break;
	case RECIP_ENOTREADY: *status = 409; *name = "not_ready"; break;
	case RECIP_EPERM: *status = 403; *name = "forbidden"; break;
	case RECIP_EBUSY: *status = 503; *name = "busy"; break;
	case RECIP_EREADONLY: *status = 503; *name = "read_only"; break;
	case RECIP_EUNAVAILABLE: *status = 503; *name = "unavailable"; break;
	case RECIP_ENOMEM: *status = 500; *name = "no_memory"; break;
	default: *status = 500; *name = "storage"; break;
	}
}

int reply_recip_error(request *r)
{
	unsigned status;
	const char *name;
	error_status(recip_errcode(r->ctx), &status, &name);
	if (status == 503)
		r->retry_after = 1;
	const char *msg = recip_errmsg(r->ctx);
	return reply_error(r, status, name, "%s", *msg ? msg : "the request failed");
}

/* ---- request parameters ----------------------------------------------------------------------- */

const char *query(request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int query_time(request *r, const char *name, recip_time dflt, recip_time *out)
{
	const char *text = query(r, name);
	if (!text || !*text) {
		*out = dflt;
		return 0;
	}
	if (recip_time_parse(r->ctx, out, text, recip_ctx_now(r->ctx), true) != RECIP_OK) {
		reply_error(r, 400, "bad_parameter", "%s: %s", name, recip_errmsg(r->ctx));
		return -1;
	}
	return 0;
}

int query_int(request *r, const char *name, int64_t dflt, int64_t min, int64_t max, int64_t *out)
{
	const char *text = query(r, name);
	if (!text || !*text) {
		*out = dflt;
		return 0;
	}
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (*end || errno || v < min || v > max) {
		reply_error(r, 400, "bad_parameter", "%s must be a whole number from %lld to %lld (got '%.40s')", name,
		            (long long)min, (long long)max, text);
		return -1;
	}
	*out = v;
	return 0;
}

int query_days(request *r, const char *name, int dflt, int *out)
{
	const char *text = query(r, name);
	*out = dflt;
	if (!text || !*text)
		return 0;
	if (recip_duration_parse(r->ctx, out, text) != RECIP_OK) {
		reply_error(r, 400, "bad_parameter", "%s: %s", name, recip_errmsg(r->ctx));
		return -1;
	}
	return 0;
}

int query_party(request *r, const char *name, int64_t *out)
{
	const char *text = query(r, name);
	*out = 0;
	if (!text || !*text)
		return 0;
	if (recip_party_resolve(r->ctx, out, text) != RECIP_OK) {
		reply_recip_error(r);
		return -1;
	}
	return 0;
}

int param_id(request *r, int index, const char *what, int64_t *out)
{
	const char *text = r->params[index];
	char *end;
	errno = 0;
	long long v = text ? strtoll(text, &end, 10) : 0;
	if (!text || !*text || *end || errno || v <= 0) {
		reply_error(r, 404, "not_found", "no %s '%.40s'", what, text ? text : "");
		return -1;
	}
	*out = v;
	return 0;
}

/* ---- signing in ------------------------------------------------------------------------------- */

static bool is_write(const char *method)
{
	return strcmp(method, "GET") && strcmp(method, "HEAD");
}

/* Who is asking: an API token in Authorization, else the session cookie.
 * Returns false after replying when credentials were given but are bad. */
static bool authenticate(request *r)
{
	memset(&r->user, 0, sizeof(r->user));
	const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (auth) {
		if (strncasecmp(auth, "Bearer ", 7)) {
			reply_error(r, 401, "unauthenticated", "the Authorization header takes 'Bearer TOKEN'");
			return false;
		}
		int rc = recip_token_check(r->ctx, &r->user, auth + 7);
		if (rc != RECIP_OK) {
			memset(&r->user, 0, sizeof(r->user));
			/* a token that cannot be checked (the database is away) is
			 * not a bad token */
			if (rc != RECIP_EPERM)
				reply_recip_error(r);
			else
				reply_error(r, 401, "bad_token", "%s", recip_errmsg(r->ctx));
			return false;
		}
		return true;
	}
	const char *cookie = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, SESSION_COOKIE);
	if (cookie && *cookie) {
		int rc = recip_session_check(r->ctx, &r->user, NULL, cookie);
		if (rc == RECIP_OK) {
			r->by_session = true;
			r->session_token = cookie;
		} else {
			memset(&r->user, 0, sizeof(r->user));
			if (rc != RECIP_EPERM) {
				reply_recip_error(r);
				return false;
			}
		}
	}
	return true;
}

/* A write with the session cookie carries the session's CSRF token in
 * X-CSRF-Token: another site can make the browser send the cookie, but
 * cannot read the token. */
static bool csrf_ok(request *r)
{
	const char *sent = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
	char *csrf = NULL;
	recip_user again;
	if (!sent || recip_session_check(r->ctx, &again, &csrf, r->session_token) != RECIP_OK)
		return false;
	size_t n = strlen(csrf);
	bool ok = strlen(sent) == n && sodium_memcmp(sent, csrf, n) == 0;
	free(csrf);
	return ok;
}

bool content_type_is(request *r, const char *expected)
{
	const char *type = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	if (!type)
		return false;
	size_t n = strlen(expected);
	return !strncasecmp(type, expected, n) && (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
}

static int count_value(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	(void)key;
	(void)value;
	(*(unsigned *)cls)++;
	return MHD_YES;
}

/* ---- dispatch --------------------------------------------------------------------------------- */

static void dispatch(request *r)
{
	unsigned headers = 0;
	MHD_get_connection_values(r->conn, MHD_HEADER_KIND, (MHD_KeyValueIterator)count_value, &headers);
	if (headers > srv.opt.max_headers) {
		reply_error(r, 431, "too_many_headers", "too many header fields (at most %u)", srv.opt.max_headers);
		return;
	}
	const char *proto = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
	r->secure = srv.opt.secure_cookies || (proto && !strcasecmp(proto, "https"));
	const char *allow = NULL;
	r->route = route_match(r, r->method, r->url, &allow);
	if (!r->route) {
		if (allow) {
			r->allow = allow;
			reply_error(r, 405, "method_not_allowed", "%s is not allowed here (allowed: %s)", r->method, allow);
		} else {
			reply_error(r, 404, "not_found", "no such page or route");
		}
		return;
	}
	if (r->body_too_big) {
		reply_error(r, 413, "too_large", "the request body is too large (at most %zu bytes)", srv.opt.max_body);
		return;
	}
	r->ctx = worker_ctx();
	if (!r->ctx) {
		r->retry_after = 5;
		reply_error(r, 503, "storage", "the database cannot be opened");
		return;
	}
	recip_error_clear(r->ctx);
	recip_ctx_set_now(r->ctx, server_now());
	if (!authenticate(r))
		return;
	if (r->route->role > RECIP_ROLE_NONE) {
		if (r->user.role == RECIP_ROLE_NONE) {
			reply_error(r, 401, "unauthenticated", "sign in first");
			return;
		}
		if (r->user.role < r->route->role) {
			reply_error(r, 403, "forbidden", "a %s may not do this (needs %s)", recip_role_name(r->user.role),
			            recip_role_name(r->route->role));
			return;
		}
		if (is_write(r->method) && r->by_session && !csrf_ok(r)) {
			reply_error(r, 403, "csrf", "the X-CSRF-Token header is missing or wrong");
			return;
		}
	}
	recip_ctx_set_actor(r->ctx, r->user.role ? r->user.name : "anonymous");
	if (r->route->flags & ROUTE_BODY) {
		if (!content_type_is(r, "application/json")) {
			reply_error(r, 415, "unsupported_media_type", "send the body as application/json");
			return;
		}
		json_error_t err;
		r->json = json_loadb(r->body.data, r->body.len, JSON_REJECT_DUPLICATES, &err);
		if (!r->json) {
			reply_error(r, 400, "bad_json", "the body is not valid JSON: %s (line %d, column %d)", err.text,
			            err.line, err.column);
			return;
		}
		if (!json_is_object(r->json)) {
			reply_error(r, 400, "bad_json", "the body must be a JSON object");
			return;
		}
	}
	/* The workers' writes queue here rather than in SQLite's busy handler,
	 * whose sleeps make the slowest writes wait for seconds under load;
	 * other processes still queue through the database's own lock. Sign-in
	 * (an argon2id hash) stays outside, not to hold up the ledger's writes. */
	bool write = is_write(r->method) && r->route->role >= RECIP_ROLE_MEMBER;
	if (write)
		pthread_mutex_lock(&srv.write_lock);
	r->route->handler(r);
	if (write)
		pthread_mutex_unlock(&srv.write_lock);
	/* library calls are atomic each; nothing may stay open past a request */
	recip_rollback(r->ctx);
	if (!r->status)
		reply_error(r, 500, "internal", "the request was not answered");
}

/* ---- responses -------------------------------------------------------------------------------- */

static const char csp[] = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                          "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                          "form-action 'self'";

static enum MHD_Result send_reply(request *r)
{
	struct MHD_Response *resp;
	if (r->reply) {
		char *text = json_dumps(r->reply, JSON_COMPACT | JSON_REAL_PRECISION(10) | JSON_ESCAPE_SLASH);
		if (!text)
			return MHD_NO;
		resp = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
		if (!resp) {
			free(text);
			return MHD_NO;
		}
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json; charset=utf-8");
	} else if (r->text) {
		resp = MHD_create_response_from_buffer(r->text_size ? r->text_size : strlen(r->text), r->text,
		                                       MHD_RESPMEM_MUST_FREE);
		if (!resp)
			return MHD_NO;
		r->text = NULL;
	} else {
		resp = MHD_create_response_from_buffer(r->data_size, (void *)r->data, MHD_RESPMEM_PERSISTENT);
		if (!resp)
			return MHD_NO;
	}
	if (r->content_type)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "Content-Security-Policy", csp);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, r->data ? "no-cache" : "no-store");
	if (r->cookie)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->cookie);
	if (r->location)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_LOCATION, r->location);
	if (r->disposition)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION, r->disposition);
	if (r->allow)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->retry_after) {
		char seconds[16];
		snprintf(seconds, sizeof(seconds), "%u", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, seconds);
	}
	enum MHD_Result ok = MHD_queue_response(r->conn, r->status, resp);
	MHD_destroy_response(resp);
	return ok;
}

static void request_free(request *r)
{
	if (!r)
		return;
	buf_release(&r->body);
	json_decref(r->json);
	reply_reset(r);
	free(r->param_store);
	free(r->cookie);
	free(r->location);
	free(r);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **state)
{
	(void)cls;
	(void)version;
	request *r = *state;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		atomic_fetch_add(&srv.active, 1);
		*state = r;
		r->conn = conn;
		r->url = url;
		r->method = !strcmp(method, "HEAD") ? "GET" : method;
		buf_init(&r->body, srv.opt.max_body);
		if (atomic_load(&srv.stopping)) {
			/* begun after the stop came (queued behind others, or the next
			 * on a kept-alive connection): under load that queue can hold
			 * minutes of work; 503 tells the client nothing was done */
			reply_error(r, 503, "unavailable", "the server is stopping; try again shortly");
			return send_reply(r);
		}
		const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (length && strtoull(length, NULL, 10) > srv.opt.max_body) {
			/* answer before reading a byte of it */
			reply_error(r, 413, "too_large", "the request body is too large (at most %zu bytes)",
			            srv.opt.max_body);
			return send_reply(r);
		}
		return MHD_YES;
	}
	if (*upload_size) {
		if (!r->body_too_big && buf_add(&r->body, upload, *upload_size))
			r->body_too_big = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->status) /* already answered (413 up front) */
		return MHD_YES;
	watch_mark(conn, true);
	dispatch(r);
	enum MHD_Result sent = send_reply(r);
	watch_mark(conn, false);
	return sent;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)conn;
	(void)why;
	if (*state) {
		request_free(*state);
		*state = NULL;
		atomic_fetch_sub(&srv.active, 1);
	}
}

/* Percent-decoding of the path and the query, in place, except that an
 * escaped NUL stays as it was written: "/index.html%00.js" must not turn into
 * "/index.html". Returns the new length. */
static size_t unescape(void *cls, struct MHD_Connection *conn, char *text)
{
	(void)cls;
	(void)conn;
	static const char hex[] = "0123456789abcdef";
	char *out = text;
	for (const char *in = text; *in; in++) {
		const char *hi, *lo;
		if (*in == '%' && in[1] && in[2] && (hi = strchr(hex, in[1] | 0x20)) && (lo = strchr(hex, in[2] | 0x20)) &&
		    (hi != hex || lo != hex)) {
			*out++ = (char)((hi - hex) * 16 + (lo - hex));
			in += 2;
		} else {
			*out++ = *in;
		}
	}
	*out = '\0';
	return (size_t)(out - text);
}

size_t server_unescape(char *text)
{
	return unescape(NULL, NULL, text);
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	fputs("recip serve: ", stderr);
	vfprintf(stderr, fmt, ap);
}

/* ---- listening -------------------------------------------------------------------------------- */

/* "HOST:PORT" with HOST an IPv4 address, "localhost" or "[IPv6]". */
static int parse_listen(const char *text, struct sockaddr_storage *out, socklen_t *len, bool *loopback)
{
	memset(out, 0, sizeof(*out));
	const char *colon = strrchr(text, ':');
	if (!colon || colon == text)
		return -1;
	char *end;
	errno = 0;
	long port = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || errno || port < 0 || port > 65535)
		return -1;
	char host[64];
	size_t n = (size_t)(colon - text);
	if (n >= sizeof(host))
		return -1;
	memcpy(host, text, n);
	host[n] = '\0';
	if (host[0] == '[') {
		if (n < 3 || host[n - 1] != ']')
			return -1;
		host[n - 1] = '\0';
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)out;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)port);
		if (inet_pton(AF_INET6, host + 1, &a->sin6_addr) != 1)
			return -1;
		*len = sizeof(*a);
		*loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
		return 0;
	}
	struct sockaddr_in *a = (struct sockaddr_in *)out;
	a->sin_family = AF_INET;
	a->sin_port = htons((uint16_t)port);
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof(host), "127.0.0.1");
	if (inet_pton(AF_INET, host, &a->sin_addr) != 1)
		return -1;
	*len = sizeof(*a);
	*loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	return 0;
}

/* Sets up the process's state and starts the daemon with the callbacks and
 * limits of every connection. `flags` says how it runs: server_run gives it
 * its own threads and a listening socket; the request fuzzer
 * (tests/fuzz/fuzz_request.c) gives MHD_USE_NO_LISTEN_SOCKET and feeds
 * connections through MHD_add_connection and MHD_run. NULL on failure, with
 * the reason on stderr (and errno kept). */
struct MHD_Daemon *server_start(const server_options *opt, unsigned flags, const struct sockaddr *addr)
{
	srv.opt = *opt;
	atomic_store(&srv.stopping, false);
	if (sodium_init() < 0) {
		fprintf(stderr, "recip serve: the cryptography library cannot start\n");
		return NULL;
	}
	if (pthread_key_create(&srv.ctx_key, ctx_destroy) != 0 || pthread_mutex_init(&srv.limit_lock, NULL) != 0 ||
	    pthread_mutex_init(&srv.write_lock, NULL) != 0 || pthread_mutex_init(&srv.watch_lock, NULL) != 0) {
		fprintf(stderr, "recip serve: cannot set up the worker threads\n");
		return NULL;
	}
	struct MHD_Daemon *d = MHD_start_daemon(
		flags | MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, NULL,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
		MHD_OPTION_SOCK_ADDR, addr,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned int)(opt->threads ? opt->threads : 1),
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)opt->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)opt->max_per_ip,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)opt->timeout,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(64 * 1024),
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
		MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
		MHD_OPTION_END);
	if (!d) {
		int saved = errno;
		pthread_key_delete(srv.ctx_key);
		pthread_mutex_destroy(&srv.limit_lock);
		pthread_mutex_destroy(&srv.write_lock);
		pthread_mutex_destroy(&srv.watch_lock);
		errno = saved;
	}
	return d;
}

void server_stop(struct MHD_Daemon *d)
{
	MHD_stop_daemon(d);
	server_release_worker();
	pthread_key_delete(srv.ctx_key);
	pthread_mutex_destroy(&srv.limit_lock);
	pthread_mutex_destroy(&srv.write_lock);
	pthread_mutex_destroy(&srv.watch_lock);
}

void server_release_worker(void)
{
	recip_ctx_free(pthread_getspecific(srv.ctx_key));
	pthread_setspecific(srv.ctx_key, NULL);
}

int server_run(const server_options *opt)
{
	struct sockaddr_storage addr;
	socklen_t addr_len;
	bool loopback = false;
	if (parse_listen(opt->listen, &addr, &addr_len, &loopback)) {
		fprintf(stderr, "recip serve: bad --listen '%s' (HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080)\n",
		        opt->listen);
		return 2;
	}
	if (!loopback)
		fprintf(stderr, "recip serve: listening beyond this machine on '%s': put it behind a TLS proxy\n",
		        opt->listen);
	/* the signals are taken by sigwait below, never by a worker thread */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_AUTO;
	if (addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	errno = 0;
	struct MHD_Daemon *d = server_start(opt, flags, (const struct sockaddr *)&addr);
	if (!d) {
		fprintf(stderr, "recip serve: cannot listen on '%s': %s\n", opt->listen,
		        errno ? strerror(errno) : "the address is taken or not here");
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	char shown[80];
	const char *colon = strrchr(opt->listen, ':');
	snprintf(shown, sizeof(shown), "%.*s:%u", (int)(colon - opt->listen), opt->listen,
	         info ? (unsigned)info->port : 0u);
	printf("recip serve: listening on http://%s/ (database '%s'); stop with Ctrl-C or SIGTERM\n", shown,
	       opt->db_path);
	fflush(stdout);

	/* waiting for the signal, the main thread cuts slow clients once a second */
	int sig;
	const struct timespec tick = {1, 0};
	while ((sig = sigtimedwait(&stop, NULL, &tick)) < 0)
		reap_slow_clients();
	fprintf(stderr, "recip serve: stopping (%s); finishing the requests in flight\n",
	        sig == SIGTERM ? "SIGTERM" : "SIGINT");
	/* no new connections; requests being answered run to their end, so
	 * that a write in flight is committed and answered; the rest get 503 */
	atomic_store(&srv.stopping, true);
	MHD_socket listener = MHD_quiesce_daemon(d);
	for (int i = 0; i < DRAIN_SECONDS * 100 && atomic_load(&srv.active) > 0; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	int left = atomic_load(&srv.active);
	server_stop(d);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	if (left > 0)
		fprintf(stderr, "recip serve: %d request(s) did not finish within %d s\n", left, DRAIN_SECONDS);
	fprintf(stderr, "recip serve: stopped\n");
	return 0;
}
