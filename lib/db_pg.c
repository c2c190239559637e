/*
 * db_pg.c — the PostgreSQL backend of the storage interface, on libpq.
 *
 * What it does so that the domain code cannot tell it from SQLite:
 *  - `?` placeholders become `$1, $2 …` (not inside literals, quoted names
 *    or comments); parameters travel as text and the server infers their
 *    types, as SQLite's affinity would;
 *  - a statement kept in the cache of db.c is prepared on the server once
 *    per connection, under its own name; any other one goes as a one-shot
 *    query (nothing left to deallocate on a long-lived connection);
 *  - results are read row by row (single-row mode). The protocol allows one
 *    result in flight per connection, so when another statement must run
 *    while rows are still arriving (a report that queries per row), the rows
 *    still on the wire are read ahead into the first statement's queue;
 *  - write transactions run at READ COMMITTED and the roll-ups are kept
 *    exact with row locks (lock_suffix, see db_query_locked and
 *    docs/postgresql.md);
 *  - SQLSTATE codes become RECIP_E… codes with one-line messages; a lost
 *    connection says so, and whether anything was written. A connection
 *    lost between transactions is re-established at the next one.
 *  - libpq itself is opened (dlopen) when a PostgreSQL address is, not
 *    linked: it brings OpenSSL, Kerberos, LDAP and GnuTLS, whose loading
 *    cost every command ~10 ms of start-up, SQLite users included. Each
 *    connection holds its own table of libpq's functions (pq_api).
 */
#include "db.h"

#include <dlfcn.h>
#include <errno.h>
#include <libpq-fe.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How long a writer waits for a row another writer holds before giving up
 * (unless the server or the role sets lock_timeout): the same as SQLite's
 * busy timeout, so both backends queue writers alike. */
#define PG_LOCK_TIMEOUT "30s"
/* Seconds to wait for the server when connecting (the address may say
 * otherwise with connect_timeout). */
#define PG_CONNECT_TIMEOUT "10"
/* Type oid of boolean (pg_type.h), for reading t/f as 1/0. */
#define PG_BOOLOID 16

/* The file libpq is opened from (its soname; CMake may say another). */
#ifndef RECIP_LIBPQ_SONAME
#define RECIP_LIBPQ_SONAME "libpq.so.5"
#endif

/* The libpq functions recip calls, each declared by libpq-fe.h. */
#define PQ_FUNCTIONS(X)                                                                                      \
	X(PQclear) X(PQcmdStatus) X(PQcmdTuples) X(PQconnectdbParams) X(PQdescribePrepared) X(PQerrorMessage)   \
	X(PQexec) X(PQfinish) X(PQfname) X(PQftype) X(PQgetResult) X(PQgetisnull) X(PQgetvalue) X(PQnfields)   \
	X(PQntuples) X(PQparameterStatus) X(PQprepare) X(PQreset) X(PQresultErrorField) X(PQresultStatus)       \
	X(PQsendQueryParams) X(PQsendQueryPrepared) X(PQsetClientEncoding) X(PQsetNoticeProcessor)             \
	X(PQsetSingleRowMode) X(PQstatus)

typedef struct pq_api {
	void *library;  /* dlopen handle */
#define PQ_POINTER(name) __typeof__(name) *name;
	PQ_FUNCTIONS(PQ_POINTER)
#undef PQ_POINTER
} pq_api;

typedef struct pg_stmt pg_stmt;

typedef struct pg_db {
	db head;
	pq_api pq;
	PGconn *conn;
	pg_stmt *streaming;     /* the statement whose rows are arriving, if any */
	unsigned generation;    /* bumped at each reconnection: names prepared before are gone */
	unsigned next_name;
	int changes;
	bool in_tx;             /* between BEGIN and COMMIT/ROLLBACK */
	bool reading;           /* … of a transaction that only reads (begin_read) */
	bool committing;
	bool readonly_asked;    /* RECIP_OPEN_READONLY */
} pg_db;

enum { ST_IDLE, ST_STREAMING, ST_QUEUED, ST_DONE };

struct pg_stmt {
	db_stmt head;
	char *sql;              /* with $n placeholders */
	int nparams;
	char **params;          /* text of each parameter; NULL for SQL NULL */
	char name[24];          /* server-side name once prepared, else "" */
	unsigned generation;
	int state;
	PGresult *cur;          /* the result holding the current row */
	int cur_row;
	PGresult **queue;       /* results read ahead (ST_QUEUED) */
	size_t q_head, q_len, q_cap;
	PGresult *desc;         /* column description, when asked before a row */
	bool read;              /* a SELECT: may be sent again on a new connection */
	bool delivered;         /* a row of this run was handed out */
	bool resent;            /* this run was sent again once already */
};

static pg_db *pg_of(db *d)
{
	return (pg_db *)d;
}

static pg_stmt *stmt_of(db_stmt *st)
{
	return (pg_stmt *)st;
}

/* Opens libpq and finds each function recip calls. RTLD_NODELETE: the
 * libraries libpq brings register exit handlers (OpenSSL), which must still
 * be there at exit after the last connection closed. */
static int pq_load(recip_ctx *ctx, pq_api *pq)
{
	pq->library = dlopen(RECIP_LIBPQ_SONAME, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	if (!pq->library)
		return recip_fail(ctx, RECIP_EUNAVAILABLE, "PostgreSQL needs libpq, which cannot be loaded (%s)", dlerror());
	const char *missing = NULL;
#define PQ_FIND(name)                                                                                        \
	if (!missing && !(*(void **)&pq->name = dlsym(pq->library, #name)))                                  \
		missing = #name;
	PQ_FUNCTIONS(PQ_FIND)
#undef PQ_FIND
	if (missing) {
		dlclose(pq->library);
		pq->library = NULL;
		return recip_fail(ctx, RECIP_EUNAVAILABLE, "the libpq found (%s) has no %s", RECIP_LIBPQ_SONAME,
		                  missing);
	}
	return RECIP_OK;
}

static void pq_unload(pq_api *pq)
{
	if (pq->library)
		dlclose(pq->library);
}

/* ---- addresses and messages --------------------------------------------------- */

/* The address as shown in messages: a password, in the user part of a URI
 * or as a parameter, is replaced by "***". */
static char *mask_address(const char *address)
{
	buf b = BUF_INIT;
	const char *scheme = strstr(address, "://");
	const char *p = address;
	if (scheme) {
		const char *auth = scheme + 3;
		size_t auth_len = strcspn(auth, "/?");
		const char *at = memchr(auth, '@', auth_len);
		const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon) {
			buf_add(&b, address, (size_t)(colon - address));
			buf_adds(&b, ":***");
			p = at;
		}
	}
	/* password=… among the parameters (URI) or key=value pairs */
	while (*p) {
		const char *hit = strstr(p, "password=");
		if (!hit) {
			buf_adds(&b, p);
			break;
		}
		bool starts = hit == address || strchr("?& \t", hit[-1]);
		buf_add(&b, p, (size_t)(hit - p) + 9);
		p = hit + 9;
		if (starts) {
			buf_adds(&b, "***");
			p += strcspn(p, "& \t");
		}
	}
	return buf_detach(&b);
}

/* The first line of a libpq message, without its trailing white space. */
static void first_line(char *out, size_t size, const char *msg)
{
	if (!msg)
		msg = "";
	size_t n = strcspn(msg, "\n");
	while (n > 0 && (msg[n - 1] == ' ' || msg[n - 1] == '\t' || msg[n - 1] == '\r'))
		n--;
	snprintf(out, size, "%.*s", (int)n, msg);
}

static bool connection_lost(pg_db *d)
{
	const pq_api *pq = &d->pq;
	return pq->PQstatus(d->conn) == CONNECTION_BAD;
}

static int lost_error(recip_ctx *ctx, pg_db *d, const char *msg)
{
	const pq_api *pq = &d->pq;
	char why[256];
	first_line(why, sizeof(why), msg && *msg ? msg : pq->PQerrorMessage(d->conn));
	if (d->committing)
		return recip_fail(ctx, RECIP_EUNAVAILABLE,
		                  "lost the connection to database '%s' while committing (%s); the change may or may "
		                  "not have been saved",
		                  d->head.address, why);
	if (d->in_tx && !d->reading)
		return recip_fail(ctx, RECIP_EUNAVAILABLE,
		                  "lost the connection to database '%s' (%s); nothing was written", d->head.address, why);
	return recip_fail(ctx, RECIP_EUNAVAILABLE, "lost the connection to database '%s' (%s)", d->head.address,
	                  why);
}

/* The constraint a write broke, worded as SQLite words it ("UNIQUE
 * constraint failed: party.external_id"), so that a message does not
 * depend on the backend. */
static void constraint_text(const pq_api *pq, char *out, size_t size, const PGresult *res, const char *state)
{
	const char *table = pq->PQresultErrorField(res, PG_DIAG_TABLE_NAME);
	const char *column = pq->PQresultErrorField(res, PG_DIAG_COLUMN_NAME);
	const char *constraint = pq->PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	const char *detail = pq->PQresultErrorField(res, PG_DIAG_MESSAGE_DETAIL);
	if (!table)
		table = "?";
	if (!strcmp(state, "23505")) {
		/* detail: Key (party_id, key_norm)=(1, kids) already exists. */
		buf b = BUF_INIT;
		buf_adds(&b, "UNIQUE constraint failed: ");
		const char *open = detail ? strstr(detail, "Key (") : NULL;
		const char *close = open ? strstr(open, ")=") : NULL;
		if (close) {
			const char *p = open + 5;
			while (p < close) {
				size_t len = strcspn(p, ",)");
				if (p + len > close)
					len = (size_t)(close - p);
				buf_printf(&b, "%s%s.%.*s", p == open + 5 ? "" : ", ", table, (int)len, p);
				p += len;
				while (p < close && (*p == ',' || *p == ' '))
					p++;
			}
		} else {
			buf_adds(&b, constraint ? constraint : table);
		}
		snprintf(out, size, "%s", b.failed ? "UNIQUE constraint failed" : b.data);
		buf_release(&b);
	} else if (!strcmp(state, "23502")) {
		snprintf(out, size, "NOT NULL constraint failed: %s.%s", table, column ? column : "?");
	} else if (!strcmp(state, "23503")) {
		snprintf(out, size, "FOREIGN KEY constraint failed");
	} else if (!strcmp(state, "23514")) {
		snprintf(out, size, "CHECK constraint failed: %s", constraint ? constraint : table);
	} else {
		first_line(out, size, pq->PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
	}
}

/* Maps a failed result (or, with res NULL, the connection's last error) to
 * a RECIP_E… code and a one-line message. */
static int pg_error(recip_ctx *ctx, const PGresult *res, const char *during)
{
	const pq_api *pq = &pg_of(ctx->db)->pq;
	pg_db *d = pg_of(ctx->db);
	const char *state = res ? pq->PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	char msg[300];
	first_line(msg, sizeof(msg),
	           res && pq->PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) ? pq->PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
	                                                                  : pq->PQerrorMessage(d->conn));
	if (!state) {
		if (connection_lost(d))
			return lost_error(ctx, d, msg);
		return recip_fail(ctx, RECIP_EDB, "storage: %s: %s", during, msg);
	}
	const char *addr = d->head.address;
	if (!strncmp(state, "23", 2)) {
		char what[300];
		constraint_text(pq, what, sizeof(what), res, state);
		if (!strcmp(state, "23505"))
			return recip_fail(ctx, RECIP_EEXISTS, "already recorded (%s)", what);
		return recip_fail(ctx, RECIP_EINVAL, "refused by the database (%s)", what);
	}
	if (!strcmp(state, "40001") || !strcmp(state, "40P01") || !strcmp(state, "55P03"))
		return recip_fail(ctx, RECIP_EBUSY, "database '%s' is busy with another writer; try again", addr);
	if (!strcmp(state, "25006"))
		return recip_fail(ctx, RECIP_EREADONLY, "database '%s' is read-only", addr);
	if (!strcmp(state, "42501"))
		return recip_fail(ctx, RECIP_EPERM, "database '%s' refused: %s", addr, msg);
	if (!strcmp(state, "53100"))
		return recip_fail(ctx, RECIP_EIO, "database '%s': the disk is full", addr);
	if (!strcmp(state, "57014"))
		return recip_fail(ctx, RECIP_EBUSY, "database '%s' cancelled the statement (%s); try again", addr, msg);
	if (!strcmp(state, "25P02"))
		return recip_fail(ctx, RECIP_EDB, "storage: an earlier step of this transaction failed; nothing was written");
	/* 08…: connection exceptions; 57P01…57P03: the server is shutting down
	 * or the session was terminated */
	if (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3))
		return lost_error(ctx, d, msg);
	return recip_fail(ctx, RECIP_EDB, "storage: %s: %s", during, msg);
}

/* ---- placeholders ----------------------------------------------------------------- */

/* Copies SQL with each `?` outside literals, quoted names and comments
 * turned into $1, $2 …; *out_n is the number of parameters. */
static char *placeholders(const char *sql, int *out_n)
{
	buf b = BUF_INIT;
	int n = 0;
	const char *p = sql;
	while (*p) {
		char c = *p;
		if (c == '?') {
			buf_printf(&b, "$%d", ++n);
			p++;
		} else if (c == '\'' || c == '"') {
			/* 'it''s', "a ""name""", and E'\'' with backslash escapes */
			bool backslash = c == '\'' && p > sql && (p[-1] == 'E' || p[-1] == 'e') &&
			                 (p - 1 == sql || !(p[-2] == '_' || (p[-2] >= 'a' && p[-2] <= 'z') ||
			                                   (p[-2] >= 'A' && p[-2] <= 'Z') || (p[-2] >= '0' && p[-2] <= '9')));
			const char *q = p + 1;
			for (;;) {
				if (!*q)
					break;
				if (backslash && *q == '\\' && q[1]) {
					q += 2;
					continue;
				}
				if (*q == c) {
					if (q[1] == c) {
						q += 2;
						continue;
					}
					q++;
					break;
				}
				q++;
			}
			buf_add(&b, p, (size_t)(q - p));
			p = q;
		} else if (c == '-' && p[1] == '-') {
			size_t len = strcspn(p, "\n");
			buf_add(&b, p, len);
			p += len;
		} else if (c == '/' && p[1] == '*') {
			const char *end = strstr(p + 2, "*/");
			size_t len = end ? (size_t)(end + 2 - p) : strlen(p);
			buf_add(&b, p, len);
			p += len;
		} else if (c == '$' && (p == sql || !(p[-1] == '_' || (p[-1] >= 'a' && p[-1] <= 'z') ||
		                                      (p[-1] >= 'A' && p[-1] <= 'Z') || (p[-1] >= '0' && p[-1] <= '9')))) {
			/* a dollar-quoted string: $$…$$ or $tag$…$tag$ */
			const char *t = p + 1;
			while (*t == '_' || (*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9'))
				t++;
			if (*t == '$' && !(p[1] >= '0' && p[1] <= '9')) {
				size_t tag = (size_t)(t + 1 - p);
				const char *q = t + 1;
				while (*q && strncmp(q, p, tag))
					q++;
				size_t len = *q ? (size_t)(q + tag - p) : strlen(p);
				buf_add(&b, p, len);
				p += len;
			} else {
				buf_addc(&b, *p++);
			}
		} else {
			buf_addc(&b, *p++);
		}
	}
	*out_n = n;
	return buf_detach(&b);
}

/* ---- reading results ---------------------------------------------------------------- */

static void clear_current(pg_stmt *s)
{
	const pq_api *pq = &pg_of(s->head.owner)->pq;
	pq->PQclear(s->cur);
	s->cur = NULL;
	s->cur_row = 0;
}

static void clear_queue(pg_stmt *s)
{
	const pq_api *pq = &pg_of(s->head.owner)->pq;
	for (size_t i = s->q_head; i < s->q_len; i++)
		pq->PQclear(s->queue[i]);
	s->q_head = s->q_len = 0;
}

/* Reads what is left of the streaming statement's results into its queue,
 * so that the connection is free for another statement. */
static int read_ahead(pg_db *d)
{
	const pq_api *pq = &d->pq;
	pg_stmt *s = d->streaming;
	if (!s)
		return 0;
	d->streaming = NULL;
	s->state = ST_QUEUED;
	PGresult *res;
	int rc = 0;
	while ((res = pq->PQgetResult(d->conn))) {
		if (s->q_len == s->q_cap) {
			size_t cap = s->q_cap ? s->q_cap * 2 : 64;
			PGresult **grown = realloc(s->queue, cap * sizeof(*grown));
			if (!grown) {
				/* keep the connection usable: drop the rest, fail the statement */
				pq->PQclear(res);
				while ((res = pq->PQgetResult(d->conn)))
					pq->PQclear(res);
				rc = -1;
				break;
			}
			s->queue = grown;
			s->q_cap = cap;
		}
		s->queue[s->q_len++] = res;
	}
	if (rc) {
		clear_queue(s);
		s->state = ST_DONE;
	}
	return rc;
}

/* Discards the rest of a statement's results. */
static void discard(pg_db *d, pg_stmt *s)
{
	const pq_api *pq = &d->pq;
	if (d->streaming == s) {
		PGresult *res;
		while ((res = pq->PQgetResult(d->conn)))
			pq->PQclear(res);
		d->streaming = NULL;
	}
	clear_current(s);
	clear_queue(s);
}

static bool counts_changes(const pq_api *pq, const PGresult *res)
{
	const char *tag = pq->PQcmdStatus((PGresult *)res);
	return !strncmp(tag, "INSERT", 6) || !strncmp(tag, "UPDATE", 6) || !strncmp(tag, "DELETE", 6) ||
	       !strncmp(tag, "MERGE", 5);
}

/* The next result of a statement: from its queue, or from the wire. */
static PGresult *next_result(pg_db *d, pg_stmt *s)
{
	const pq_api *pq = &d->pq;
	if (s->state == ST_QUEUED)
		return s->q_head < s->q_len ? s->queue[s->q_head++] : NULL;
	if (s->state == ST_STREAMING) {
		PGresult *res = pq->PQgetResult(d->conn);
		if (!res)
			d->streaming = NULL;
		return res;
	}
	return NULL;
}

static void finish(pg_db *d, pg_stmt *s)
{
	if (d->streaming == s)
		discard(d, s);
	clear_queue(s);
	s->state = ST_DONE;
}

/* ---- the operations ----------------------------------------------------------------- */

static int session_setup(recip_ctx *ctx, pg_db *d);

/* Between transactions, a lost connection is opened again (a server that
 * outlives a restart of PostgreSQL goes on); statements prepared on the old
 * one are prepared again when next used. */
static int reconnect(recip_ctx *ctx, pg_db *d)
{
	const pq_api *pq = &d->pq;
	d->streaming = NULL;
	pq->PQreset(d->conn);
	d->generation++;
	if (connection_lost(d)) {
		char why[256];
		first_line(why, sizeof(why), pq->PQerrorMessage(d->conn));
		return recip_fail(ctx, RECIP_EUNAVAILABLE, "cannot reconnect to database '%s': %s", d->head.address, why);
	}
	return session_setup(ctx, d);
}

static int ensure_connection(recip_ctx *ctx, pg_db *d)
{
	if (!connection_lost(d))
		return RECIP_OK;
	if (d->in_tx)
		return lost_error(ctx, d, NULL);
	return reconnect(ctx, d);
}

/* Runs SQL without parameters (several statements allowed). */
static int run_simple(recip_ctx *ctx, pg_db *d, const char *sql, const char *during, PGresult **out)
{
	const pq_api *pq = &d->pq;
	if (read_ahead(d))
		return recip_oom(ctx);
	PGresult *res = pq->PQexec(d->conn, sql);
	ExecStatusType status = res ? pq->PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
		int rc = pg_error(ctx, res, during);
		pq->PQclear(res);
		return rc;
	}
	if (out)
		*out = res;
	else
		pq->PQclear(res);
	return RECIP_OK;
}

static int pg_exec(recip_ctx *ctx, const char *sql)
{
	pg_db *d = pg_of(ctx->db);
	int rc = ensure_connection(ctx, d);
	return rc ? rc : run_simple(ctx, d, sql, "exec", NULL);
}

static int pg_prepare(recip_ctx *ctx, db_stmt **out, const char *sql)
{
	pg_stmt *s = calloc(1, sizeof(*s));
	if (!s)
		return recip_oom(ctx);
	s->sql = placeholders(sql, &s->nparams);
	const char *word = sql + strspn(sql, " \t\r\n(");
	s->read = !strncasecmp(word, "SELECT", 6) && !strstr(sql, "FOR UPDATE");
	if (s->sql && s->nparams > 0)
		s->params = calloc((size_t)s->nparams, sizeof(char *));
	if (!s->sql || (s->nparams > 0 && !s->params)) {
		free(s->sql);
		free(s);
		return recip_oom(ctx);
	}
	*out = &s->head;
	return RECIP_OK;
}

static void clear_params(pg_stmt *s)
{
	for (int i = 0; i < s->nparams; i++) {
		free(s->params[i]);
		s->params[i] = NULL;
	}
}

static void pg_reset(db_stmt *st)
{
	pg_stmt *s = stmt_of(st);
	discard(pg_of(st->owner), s);
	clear_params(s);
	s->state = ST_IDLE;
	s->delivered = s->resent = false;
}

static void pg_finalize(db_stmt *st)
{
	const pq_api *pq = &pg_of(st->owner)->pq;
	pg_stmt *s = stmt_of(st);
	pg_reset(st);
	free(s->params);
	free(s->queue);
	pq->PQclear(s->desc);
	free(s->sql);
	free(s);
}

static int set_param(db_stmt *st, int idx, char *text)
{
	pg_stmt *s = stmt_of(st);
	if (idx < 1 || idx > s->nparams) {
		free(text);
		return -1;
	}
	free(s->params[idx - 1]);
	s->params[idx - 1] = text;
	return 0;
}

static int pg_bind_int(db_stmt *st, int idx, int64_t v)
{
	char text[24];
	snprintf(text, sizeof(text), "%lld", (long long)v);
	char *copy = xstrdup(text);
	return copy ? set_param(st, idx, copy) : -1;
}

static int pg_bind_double(db_stmt *st, int idx, double v)
{
	char text[32];
	if (isnan(v))
		snprintf(text, sizeof(text), "NaN");
	else if (isinf(v))
		snprintf(text, sizeof(text), "%sInfinity", v < 0 ? "-" : "");
	else
		snprintf(text, sizeof(text), "%.17g", v); /* round-trips exactly */
	char *copy = xstrdup(text);
	return copy ? set_param(st, idx, copy) : -1;
}

static int pg_bind_text(db_stmt *st, int idx, const char *v)
{
	char *copy = xstrdup(v);
	return copy ? set_param(st, idx, copy) : -1;
}

static int pg_bind_null(db_stmt *st, int idx)
{
	return set_param(st, idx, NULL);
}

/* Prepares a cached statement on the server under its own name, once per
 * connection. */
static int ensure_prepared(recip_ctx *ctx, pg_db *d, pg_stmt *s, const char *name)
{
	const pq_api *pq = &d->pq;
	if (s->name[0] && s->generation == d->generation && !strcmp(s->name, name ? name : s->name))
		return RECIP_OK;
	char fresh[24];
	if (!name) {
		snprintf(fresh, sizeof(fresh), "recip_%u", ++d->next_name);
		name = fresh;
	}
	PGresult *res = pq->PQprepare(d->conn, name, s->sql, s->nparams, NULL);
	if (!res || pq->PQresultStatus(res) != PGRES_COMMAND_OK) {
		int rc = pg_error(ctx, res, "prepare");
		pq->PQclear(res);
		return rc;
	}
	pq->PQclear(res);
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->generation = d->generation;
	return RECIP_OK;
}

static int start(recip_ctx *ctx, pg_db *d, pg_stmt *s)
{
	const pq_api *pq = &d->pq;
	int rc = ensure_connection(ctx, d);
	if (rc)
		return rc;
	if (read_ahead(d))
		return recip_oom(ctx);
	const char *const *values = (const char *const *)s->params;
	int sent;
	if (s->head.slot) {
		rc = ensure_prepared(ctx, d, s, NULL);
		if (rc)
			return rc;
		sent = pq->PQsendQueryPrepared(d->conn, s->name, s->nparams, values, NULL, NULL, 0);
	} else {
		sent = pq->PQsendQueryParams(d->conn, s->sql, s->nparams, NULL, values, NULL, NULL, 0);
	}
	if (!sent)
		return pg_error(ctx, NULL, "send");
	pq->PQsetSingleRowMode(d->conn);
	s->state = ST_STREAMING;
	d->streaming = s;
	return RECIP_OK;
}

/* A connection can die between two statements without libpq knowing (the
 * server restarted, a failover, an idle session ended): the next statement
 * finds out. When that statement is a read outside a transaction and has
 * handed out no row yet, nothing depends on it, and it is sent once more
 * on a new connection — so a long-running server goes on after a restart
 * of PostgreSQL without failing a request for each of its connections.
 * Within a transaction, never: what it did is gone with the connection. */
static bool may_resend(const pg_db *d, const pg_stmt *s)
{
	return s->read && !s->delivered && !s->resent && !d->in_tx;
}

/* Whether a failed result (or, with res NULL, the end of the results
 * before their end) means the connection went: libpq knows it, or it is
 * the server's last word before closing it (shutting down, the session
 * terminated, a connection failure). */
static bool lost_result(pg_db *d, const PGresult *res)
{
	const pq_api *pq = &d->pq;
	if (connection_lost(d))
		return true;
	const char *state = res ? pq->PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	return state && (!strncmp(state, "08", 2) || !strncmp(state, "57P", 3));
}

/* Sends a statement again on a new connection (may_resend said so). */
static int resend(recip_ctx *ctx, pg_db *d, pg_stmt *s)
{
	finish(d, s);
	s->resent = true;
	s->state = ST_IDLE;
	int rc = reconnect(ctx, d);
	if (!rc)
		rc = start(ctx, d, s);
	if (rc)
		s->state = ST_DONE;
	return rc;
}

static int pg_step(recip_ctx *ctx, db_stmt *st)
{
	const pq_api *pq = &pg_of(st->owner)->pq;
	pg_db *d = pg_of(ctx->db);
	pg_stmt *s = stmt_of(st);
	if (s->cur && s->cur_row + 1 < pq->PQntuples(s->cur)) {
		s->cur_row++;
		return DB_ROW;
	}
	clear_current(s);
	if (s->state == ST_DONE)
		return DB_DONE;
	if (s->state == ST_IDLE) {
		/* found dead while preparing or sending a read: again (but not
		 * when it was known dead and could not be opened again) */
		bool known_dead = connection_lost(d);
		int rc = start(ctx, d, s);
		if (rc == RECIP_EUNAVAILABLE && !known_dead && may_resend(d, s))
			rc = resend(ctx, d, s);
		if (rc) {
			s->state = ST_DONE;
			return rc;
		}
	}
	PGresult *res;
	int rc = DB_DONE;
	bool got_end = false;
	while ((res = next_result(d, s)) || (!got_end && may_resend(d, s) && lost_result(d, NULL))) {
		if (!res || (pq->PQresultStatus(res) == PGRES_FATAL_ERROR && may_resend(d, s) && lost_result(d, res))) {
			/* found dead on a read that nothing depends on yet: again,
			 * on a new connection */
			pq->PQclear(res);
			if ((rc = resend(ctx, d, s)))
				return rc;
			continue;
		}
		ExecStatusType status = pq->PQresultStatus(res);
		if ((status == PGRES_SINGLE_TUPLE || status == PGRES_TUPLES_OK) && pq->PQntuples(res) > 0) {
			if (status == PGRES_TUPLES_OK && counts_changes(pq, res))
				d->changes = atoi(pq->PQcmdTuples(res));
			s->cur = res;
			s->cur_row = 0;
			s->delivered = true;
			return DB_ROW;
		}
		if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
			if (counts_changes(pq, res))
				d->changes = atoi(pq->PQcmdTuples(res));
			got_end = true;
			pq->PQclear(res);
			continue; /* then NULL */
		}
		rc = pg_error(ctx, res, "step");
		got_end = true;
		pq->PQclear(res);
		break;
	}
	if (!got_end && rc == DB_DONE && connection_lost(d))
		rc = lost_error(ctx, d, NULL);
	finish(d, s);
	return rc;
}

static const PGresult *described(db_stmt *st)
{
	const pq_api *pq = &pg_of(st->owner)->pq;
	pg_stmt *s = stmt_of(st);
	if (s->cur)
		return s->cur;
	if (s->desc)
		return s->desc;
	/* asked before any row: describe it as the unnamed statement */
	pg_db *d = pg_of(st->owner);
	if (read_ahead(d) || connection_lost(d))
		return NULL;
	PGresult *res = pq->PQprepare(d->conn, "", s->sql, s->nparams, NULL);
	bool ok = res && pq->PQresultStatus(res) == PGRES_COMMAND_OK;
	pq->PQclear(res);
	if (ok) {
		res = pq->PQdescribePrepared(d->conn, "");
		if (res && pq->PQresultStatus(res) == PGRES_COMMAND_OK)
			s->desc = res;
		else
			pq->PQclear(res);
	}
	return s->desc;
}

static bool pg_col_null(db_stmt *st, int col)
{
	const pq_api *pq = &pg_of(st->owner)->pq;
	pg_stmt *s = stmt_of(st);
	return !s->cur || col >= pq->PQnfields(s->cur) || pq->PQgetisnull(s->cur, s->cur_row, col);
}

static const char *cell(db_stmt *st, int col)
{
	const pq_api *pq = &pg_of(st->owner)->pq;
	pg_stmt *s = stmt_of(st);
	if (!s->cur || col < 0 || col >= pq->PQnfields(s->cur) || pq->PQgetisnull(s->cur, s->cur_row, col))
		return NULL;
	return pq->PQgetvalue(s->cur, s->cur_row, col);
}

static bool is_bool(db_stmt *st, int col)
{
	const pq_api *pq = &pg_of(st->owner)->pq;
	return pq->PQftype(stmt_of(st)->cur, col) == PG_BOOLOID;
}

static int64_t pg_col_int(db_stmt *st, int col)
{
	const char *v = cell(st, col);
	if (!v)
		return 0;
	if (is_bool(st, col))
		return v[0] == 't';
	char *end;
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E' || *end == 'I' || *end == 'N' || errno == ERANGE) {
		/* a fraction, as SQLite does: truncated toward zero, clamped */
		double x = strtod(v, NULL);
		if (isnan(x))
			return 0;
		if (x >= 9223372036854775807.0)
			return INT64_MAX;
		if (x <= -9223372036854775808.0)
			return INT64_MIN;
		return (int64_t)x;
	}
	return n;
}

static double pg_col_double(db_stmt *st, int col)
{
	const char *v = cell(st, col);
	if (!v)
		return 0;
	if (is_bool(st, col))
		return v[0] == 't';
	return strtod(v, NULL);
}

static const char *pg_col_text(db_stmt *st, int col)
{
	return cell(st, col);
}

static int pg_col_count(db_stmt *st)
{
	const pq_api *pq = &pg_of(st->owner)->pq;
	const PGresult *res = described(st);
	return res ? pq->PQnfields(res) : 0;
}

static const char *pg_col_name(db_stmt *st, int col)
{
	const pq_api *pq = &pg_of(st->owner)->pq;
	const PGresult *res = described(st);
	return res && col >= 0 && col < pq->PQnfields(res) ? pq->PQfname(res, col) : NULL;
}

static int pg_changes(db *d)
{
	return pg_of(d)->changes;
}

/* Tables of the schema recip works in (the first of the search path). */
static int pg_table_count(recip_ctx *ctx, int64_t *out)
{
	return db_int(ctx, out, 0, "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()", "");
}

static int pg_has_table(recip_ctx *ctx, const char *table, bool *out)
{
	int64_t n;
	int rc = db_int(ctx, &n, 0,
	                "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND tablename = ?",
	                "t", table);
	*out = n > 0;
	return rc;
}

/* The table's name was checked by db_sync_ids. */
static int pg_sync_ids(recip_ctx *ctx, const char *table)
{
	/* setval(seq, n, false) hands out n next: one past the largest id */
	buf sql = BUF_INIT;
	buf_printf(&sql,
	           "SELECT setval(pg_get_serial_sequence(?, 'id'), COALESCE((SELECT MAX(id) FROM %s), 0) + 1, false)",
	           table);
	if (sql.failed)
		return recip_oom(ctx);
	int rc = db_run(ctx, sql.data, "t", table);
	buf_release(&sql);
	return rc;
}

/* Begins a transaction. A connection found dead by the BEGIN itself (see
 * may_resend) is opened again and the BEGIN sent again: nothing happened
 * yet. */
static int begin_with(recip_ctx *ctx, pg_db *d, const char *sql)
{
	int rc = ensure_connection(ctx, d);
	if (!rc) {
		rc = run_simple(ctx, d, sql, "begin", NULL);
		if (rc && connection_lost(d) && !(rc = ensure_connection(ctx, d)))
			rc = run_simple(ctx, d, sql, "begin", NULL);
	}
	if (!rc)
		d->in_tx = true;
	return rc;
}

static int pg_begin(recip_ctx *ctx)
{
	/* READ COMMITTED, whatever the server's default: each statement sees
	 * what was committed before it, and a locked read waits for the
	 * holder and then sees its write (db_query_locked) */
	return begin_with(ctx, pg_of(ctx->db), "BEGIN ISOLATION LEVEL READ COMMITTED");
}

/* REPEATABLE READ: every statement sees the snapshot of the first one, so
 * an export of many tables is one state of the database while servers go
 * on writing; READ ONLY, so that it takes no locks that writers wait for
 * (and runs on a standby too). */
static int pg_begin_read(recip_ctx *ctx)
{
	pg_db *d = pg_of(ctx->db);
	int rc = begin_with(ctx, d, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY");
	if (!rc)
		d->reading = true;
	return rc;
}

static int pg_commit(recip_ctx *ctx)
{
	const pq_api *pq = &pg_of(ctx->db)->pq;
	pg_db *d = pg_of(ctx->db);
	if (!d->in_tx)
		return recip_fail(ctx, RECIP_EDB, "storage: commit without a transaction");
	if (connection_lost(d)) /* before the commit was sent: it never happened */
		return lost_error(ctx, d, NULL);
	d->committing = true;
	PGresult *res = NULL;
	int rc = run_simple(ctx, d, "COMMIT", "commit", &res);
	d->committing = false;
	d->in_tx = d->reading = false;
	/* a transaction that had failed ends in ROLLBACK, without an error */
	if (!rc && strcmp(pq->PQcmdStatus(res), "COMMIT") != 0)
		rc = recip_fail(ctx, RECIP_EDB, "storage: a step of this transaction failed; nothing was written");
	pq->PQclear(res);
	return rc;
}

static void pg_rollback(recip_ctx *ctx)
{
	pg_db *d = pg_of(ctx->db);
	if (!d->in_tx)
		return;
	d->in_tx = d->reading = false;
	if (connection_lost(d))
		return; /* the server rolled it back when the connection went */
	/* keep the caller's message: a rollback is the reaction to an error */
	char saved[sizeof(ctx->errmsg)];
	int saved_code = ctx->errcode;
	memcpy(saved, ctx->errmsg, sizeof(saved));
	run_simple(ctx, d, "ROLLBACK", "rollback", NULL);
	memcpy(ctx->errmsg, saved, sizeof(saved));
	ctx->errcode = saved_code;
}

static void pg_close(db *head)
{
	pg_db *d = pg_of(head);
	d->pq.PQfinish(d->conn);
	pq_unload(&d->pq);
	free(d);
}

static const db_ops pg_ops = {
	.name = "postgresql",
	.backend = DB_POSTGRESQL,
	.close = pg_close,
	.exec = pg_exec,
	.prepare = pg_prepare,
	.finalize = pg_finalize,
	.reset = pg_reset,
	.bind_int = pg_bind_int,
	.bind_double = pg_bind_double,
	.bind_text = pg_bind_text,
	.bind_null = pg_bind_null,
	.step = pg_step,
	.col_null = pg_col_null,
	.col_int = pg_col_int,
	.col_double = pg_col_double,
	.col_text = pg_col_text,
	.col_count = pg_col_count,
	.col_name = pg_col_name,
	.changes = pg_changes,
	.table_count = pg_table_count,
	.has_table = pg_has_table,
	.begin = pg_begin,
	.begin_read = pg_begin_read,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.lock_suffix = " FOR UPDATE",
	.sync_ids = pg_sync_ids,
};

/* ---- opening ---------------------------------------------------------------------------- */

/* libpq prints notices ("… will create implicit index") on stderr by
 * default; the library never prints. */
static void quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* Settings of each session (again after a reconnection). */
static int session_setup(recip_ctx *ctx, pg_db *d)
{
	const pq_api *pq = &d->pq;
	pq->PQsetNoticeProcessor(d->conn, quiet, NULL);
	if (pq->PQsetClientEncoding(d->conn, "UTF8") != 0)
		return pg_error(ctx, NULL, "set the client encoding");
	const char *encoding = pq->PQparameterStatus(d->conn, "server_encoding");
	if (encoding && strcmp(encoding, "UTF8") != 0)
		return recip_fail(ctx, RECIP_ENOTDB,
		                  "database '%s' stores text as %s; recip needs UTF8 (CREATE DATABASE … ENCODING 'UTF8')",
		                  d->head.address, encoding);
	PGresult *res = NULL;
	int rc = run_simple(ctx, d, "SELECT current_setting('lock_timeout'), pg_is_in_recovery()", "connect", &res);
	if (rc)
		return rc;
	bool no_lock_timeout = !strcmp(pq->PQgetvalue(res, 0, 0), "0");
	bool standby = pq->PQgetvalue(res, 0, 1)[0] == 't';
	pq->PQclear(res);
	/* extra_float_digits: doubles come back exactly (PostgreSQL before 12
	 * rounds them otherwise) */
	buf sql = BUF_INIT;
	buf_adds(&sql, "SET extra_float_digits = 3");
	if (no_lock_timeout)
		buf_adds(&sql, "; SET lock_timeout = '" PG_LOCK_TIMEOUT "'");
	d->head.readonly = d->readonly_asked || standby;
	if (d->head.readonly)
		buf_adds(&sql, "; SET default_transaction_read_only = on");
	if (sql.failed)
		return recip_oom(ctx);
	rc = run_simple(ctx, d, sql.data, "connect", NULL);
	buf_release(&sql);
	return rc;
}

int db_open_pg(recip_ctx *ctx, db **out, const char *conninfo, unsigned flags)
{
	*out = NULL;
	pg_db *d = calloc(1, sizeof(*d));
	if (!d)
		return recip_oom(ctx);
	d->head.ops = &pg_ops;
	d->head.address = mask_address(conninfo);
	d->readonly_asked = (flags & RECIP_OPEN_READONLY) != 0;
	if (!d->head.address) {
		free(d);
		return recip_oom(ctx);
	}
	const pq_api *pq = &d->pq;
	int loaded = pq_load(ctx, &d->pq);
	if (loaded) {
		free(d->head.address);
		free(d);
		return loaded;
	}
	/* the address comes last, so what it says overrides these defaults */
	const char *const keys[] = {"fallback_application_name", "connect_timeout", "dbname", NULL};
	const char *const values[] = {"recip", PG_CONNECT_TIMEOUT, conninfo, NULL};
	d->conn = pq->PQconnectdbParams(keys, values, 1);
	int rc = RECIP_OK;
	if (!d->conn) {
		rc = recip_oom(ctx);
	} else if (pq->PQstatus(d->conn) != CONNECTION_OK) {
		char why[300];
		first_line(why, sizeof(why), pq->PQerrorMessage(d->conn));
		if (strstr(why, "does not exist") && strstr(why, "database"))
			rc = recip_fail(ctx, RECIP_ENODB, "no database at '%s' (%s; create it with createdb)",
			                d->head.address, why);
		else if (strstr(why, "invalid") || strstr(why, "missing"))
			rc = recip_fail(ctx, RECIP_ENODB, "bad database address '%s' (%s)", d->head.address, why);
		else
			rc = recip_fail(ctx, RECIP_EUNAVAILABLE, "cannot connect to database '%s': %s", d->head.address,
			                why);
	}
	if (!rc) {
		ctx->db = &d->head;
		rc = session_setup(ctx, d);
		ctx->db = NULL; /* the caller installs it */
	}
	if (rc) {
		pq->PQfinish(d->conn);
		pq_unload(&d->pq);
		free(d->head.address);
		free(d);
		return rc;
	}
	*out = &d->head;
	return RECIP_OK;
}
