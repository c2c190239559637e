/*
 * recip.h — the public API of librecip, the reciprocity ledger and
 * relationship engine.
 *
 * Conventions (see docs/api.md for the whole description):
 *
 *  - Everything hangs off a context handle, recip_ctx: one open database,
 *    the settings in force, the acting user and the last error. There is no
 *    global mutable state; use one context per thread.
 *  - Every function that can fail returns RECIP_OK (0) or a negative
 *    RECIP_E… code; the last error's message is kept in the context and read
 *    with recip_errmsg(). The library never prints and never exits.
 *  - Results come back through out-parameters named out…, placed after the
 *    context. What comes back is the caller's: documents (json_t) are
 *    released with json_decref(), everything else with its own _free().
 *    Every _free() accepts NULL.
 *  - Reports are JSON documents (jansson) whose shape is described in
 *    docs/api.md; the command line prints them as tables or, with --json,
 *    as they are, and the HTTP API serves the very same documents.
 *  - Times are recip_time: seconds since 1970-01-01T00:00 in the business's
 *    own wall-clock time (no time zones; see docs/decisions.md). Reports take
 *    an explicit "as of" time and never read the clock.
 */
#ifndef RECIP_RECIP_H
#define RECIP_RECIP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(RECIP_BUILDING)
#define RECIP_API __attribute__((visibility("default")))
#else
#define RECIP_API
#endif

/* ---- errors --------------------------------------------------------------- */

typedef enum recip_error {
	RECIP_OK = 0,
	RECIP_ERROR = -1,       /* anything not covered below */
	RECIP_ENOMEM = -2,      /* out of memory */
	RECIP_EINVAL = -3,      /* the input is not valid (message says why) */
	RECIP_ENOTFOUND = -4,   /* no such party, entry or setting */
	RECIP_EAMBIGUOUS = -5,  /* a name matches several parties */
	RECIP_EEXISTS = -6,     /* conflicts with what is already stored */
	RECIP_EDB = -7,         /* the storage failed */
	RECIP_EBUSY = -8,       /* the database stayed locked by another writer */
	RECIP_EREADONLY = -9,   /* the database cannot be written */
	RECIP_ENOTDB = -10,     /* the file is not a recip database */
	RECIP_EVERSION = -11,   /* the database was made by a newer recip */
	RECIP_ENOTREADY = -12,  /* the give-first gate says "not yet" */
	RECIP_EPERM = -13,      /* the acting user may not do this */
	RECIP_ECONFIG = -14,    /* a bad setting in a configuration file */
	RECIP_ETOOBIG = -15,    /* an input exceeds a size limit */
	RECIP_EIO = -16,        /* reading or writing a file failed */
	RECIP_ENODB = -17,      /* no database at the given address */
	RECIP_EUNAVAILABLE = -18 /* the database server cannot be reached, or the
	                          * connection to it was lost (try again) */
} recip_error;

/* ---- the context ---------------------------------------------------------- */

typedef struct recip_ctx recip_ctx;
typedef int64_t recip_time;

#define RECIP_DAY ((recip_time)86400)

/* Creates a context with the built-in settings and no database. */
RECIP_API int recip_ctx_new(recip_ctx **out);
/* Closes the database (rolling back an open transaction) and frees all. */
RECIP_API void recip_ctx_free(recip_ctx *ctx);

/* The message of the last error, one line, lower-case; "" when none. */
RECIP_API const char *recip_errmsg(const recip_ctx *ctx);
/* The code of the last error (RECIP_OK when none). */
RECIP_API int recip_errcode(const recip_ctx *ctx);
/* Forgets the last error. */
RECIP_API void recip_error_clear(recip_ctx *ctx);

/* Who is acting: recorded in the audit trail of every write. */
RECIP_API int recip_ctx_set_actor(recip_ctx *ctx, const char *actor);
RECIP_API const char *recip_ctx_actor(const recip_ctx *ctx);

/* The time new entries default to when none is given. The library never
 * reads the clock: callers pass the current time (the command line reads it
 * once, or takes RECIP_NOW). */
RECIP_API void recip_ctx_set_now(recip_ctx *ctx, recip_time now);
RECIP_API recip_time recip_ctx_now(const recip_ctx *ctx);

/* The library's version, "MAJOR.MINOR.PATCH". */
RECIP_API const char *recip_version(void);

/* ---- settings ------------------------------------------------------------- */

/* Reads an INI file over the built-in settings. A missing file is not an
 * error when `optional` is true. A bad value fails with RECIP_ECONFIG and a
 * message naming the file, the line and the key. Settings that the balance
 * roll-ups depend on are checked against the database when it is opened. */
RECIP_API int recip_config_load(recip_ctx *ctx, const char *path, bool optional);
/* Sets one setting by its "section.key" name, as from a configuration file
 * (source says where it came from, for recip_config_report). */
RECIP_API int recip_config_set(recip_ctx *ctx, const char *name, const char *value, const char *source);
/* Every setting in force, its value and where it came from. */
RECIP_API int recip_config_report(recip_ctx *ctx, json_t **out);

/* ---- the database --------------------------------------------------------- */

enum recip_open_flags {
	RECIP_OPEN_CREATE = 1 << 0,    /* create the database when missing */
	RECIP_OPEN_READONLY = 1 << 1,  /* never write (reports only) */
	RECIP_OPEN_NO_UPGRADE = 1 << 2 /* refuse an older schema instead of upgrading */
};

/* Opens (and with RECIP_OPEN_CREATE creates) the database at `address`: a
 * file path for SQLite, a postgresql:// URI for PostgreSQL. An older schema
 * is upgraded in place, in one transaction, after a backup copy is written
 * next to the file (recip_upgrade_notice says where). */
RECIP_API int recip_open(recip_ctx *ctx, const char *address, unsigned flags);
/* Closes the database; the context stays usable. */
RECIP_API void recip_close(recip_ctx *ctx);
/* The schema version this library writes, and the one of the open database. */
RECIP_API int recip_schema_version_current(void);
RECIP_API int recip_schema_version(recip_ctx *ctx, int *out_version);
/* After recip_open: a sentence about an upgrade that just happened, or NULL. */
RECIP_API const char *recip_upgrade_notice(const recip_ctx *ctx);
/* The storage backend in use: "sqlite" or "postgresql". */
RECIP_API const char *recip_backend(const recip_ctx *ctx);

/* Transactions. Every library call that writes is atomic on its own; a caller
 * that wants several calls to succeed or fail together wraps them in
 * recip_begin/recip_commit (they nest). recip_rollback undoes the outermost. */
RECIP_API int recip_begin(recip_ctx *ctx);
RECIP_API int recip_commit(recip_ctx *ctx);
RECIP_API void recip_rollback(recip_ctx *ctx);

/* ---- records: parties and every kind of ledger entry ----------------------- */

/* A field of a record given as text, as it comes from a command line, a CSV
 * cell or a JSON body. The library parses and validates every value (dates,
 * numbers, choices, lengths, UTF-8) and names the field in its error. */
typedef enum recip_change_op {
	RECIP_SET = 0,    /* set a single-valued field, or replace a multi-valued one */
	RECIP_ADD = 1,    /* add a value to a multi-valued field (role, tag, email …) */
	RECIP_REMOVE = 2  /* remove a value from a multi-valued field */
} recip_change_op;

typedef struct recip_field {
	const char *name;
	const char *value;     /* NULL or "" clears an optional field */
	recip_change_op op;
	const char *label;     /* multi-valued fields: "work", "home", "cell" … (may be NULL) */
} recip_field;

/* The kinds of record: "party", "fact", "exchange", "touch", "visit", "ask",
 * "promise", "referral", "review", "nps", "project". docs/api.md lists each
 * kind's fields; recip_entity_describe returns them as a document. */
RECIP_API int recip_entity_describe(recip_ctx *ctx, const char *entity, json_t **out);

/* Creates a record; its id comes back through out_id. */
RECIP_API int recip_record_add(recip_ctx *ctx, int64_t *out_id, const char *entity,
                               const recip_field *fields, size_t n_fields);
/* Changes the given fields of a record; the others stay. */
RECIP_API int recip_record_update(recip_ctx *ctx, const char *entity, int64_t id,
                                  const recip_field *fields, size_t n_fields);
/* Deletes a record (a party is archived instead unless it has no history). */
RECIP_API int recip_record_delete(recip_ctx *ctx, const char *entity, int64_t id);
/* One record as a document. */
RECIP_API int recip_record_get(recip_ctx *ctx, json_t **out, const char *entity, int64_t id);

/* Query for lists of records. Zero-initialise, then set what matters. */
typedef struct recip_list_query {
	int64_t party;          /* only this party's entries (0: all) */
	const char *role;       /* parties: only with this role */
	const char *tag;        /* parties: only with this tag */
	const char *search;     /* parties: name, email, phone or tag contains this */
	const char *status;     /* asks, promises, referrals: only in this status */
	const char *sort;       /* parties: "name" (default), "balance", "contact" */
	bool include_archived;  /* parties: also archived ones */
	recip_time as_of;       /* entries up to this time; balances as of it (0: no limit) */
	int64_t limit;          /* at most this many (0: no limit) */
	int64_t offset;         /* skip this many */
} recip_list_query;

/* A page of records: {"items": [...], "total": N, "limit": L, "offset": O}. */
RECIP_API int recip_record_list(recip_ctx *ctx, json_t **out, const char *entity,
                                const recip_list_query *query);

/* Finds a party from what a person types: an id ("12" or "#12"), an email
 * address, or an unambiguous prefix of the name (case does not matter; an
 * exact name wins over longer ones). An ambiguous name fails with
 * RECIP_EAMBIGUOUS and a message listing the candidates. */
RECIP_API int recip_party_resolve(recip_ctx *ctx, int64_t *out_id, const char *reference);

/* Everything about one party as of a time: profile, facts, balance, last
 * contact, open asks, promises and the latest timeline entries. */
RECIP_API int recip_party_show(recip_ctx *ctx, json_t **out, int64_t party, recip_time as_of,
                               int64_t timeline_limit);

/* Facts: remember (set) and forget by key. */
RECIP_API int recip_fact_remember(recip_ctx *ctx, int64_t party, const char *key, const char *value);
RECIP_API int recip_fact_forget(recip_ctx *ctx, int64_t party, const char *key);

/* Asks: resolve an open ask as "granted", "declined" or "withdrawn" at a
 * time. A granted ask records the matching exchange (they gave us what we
 * asked for, or we gave them what they asked for); its id comes back through
 * out_exchange (may be NULL). */
RECIP_API int recip_ask_resolve(recip_ctx *ctx, int64_t *out_exchange, int64_t ask,
                                const char *status, recip_time at, const char *note);
/* Promises: mark kept (on time or late, from the due date) or broken. */
RECIP_API int recip_promise_resolve(recip_ctx *ctx, int64_t promise, const char *status,
                                    recip_time at);

/* The audit trail, newest first: {"items": [{at, actor, action, entity,
 * entity_id, before, after}]} — everything, or (party > 0) the changes to a
 * party and to its entries. */
RECIP_API int recip_audit_list(recip_ctx *ctx, json_t **out, int64_t party, int64_t limit);

/* ---- the engine ----------------------------------------------------------- */

/* Balances as of a time: one party (party > 0) or all, strongest goodwill
 * first. Each item carries the balance and the undecayed value given and
 * received. Served from the per-party roll-ups. */
RECIP_API int recip_balance_report(recip_ctx *ctx, json_t **out, int64_t party, recip_time as_of);

/* Parties due for contact as of a time, or due within `within_days` after
 * it: cadence, last contact (when and how), days overdue, what we know. */
RECIP_API int recip_due_report(recip_ctx *ctx, json_t **out, recip_time as_of, int within_days);

/* The give-first gate: may we ask this party for `what` as of a time?
 * {"verdict": "ready" | "not yet", "ready": bool, "checks": [{"check", "pass",
 * "reason"}], "suggestion": "…"} — every check with its reason, and one
 * concrete thing to give first, drawn from the party's facts and roles.
 * Recording an ask of ours (recip_record_add of an "ask") runs the same
 * gate and fails with RECIP_ENOTREADY unless the field "forced" is yes. */
RECIP_API int recip_ask_check(recip_ctx *ctx, json_t **out, int64_t party, const char *what, recip_time as_of);

/* Compares every roll-up with a full recomputation from the ledger:
 * {"checked": N, "mismatches": [...]}. */
RECIP_API int recip_rollup_verify(recip_ctx *ctx, json_t **out);
/* The storage's integrity and foreign-key checks and the roll-up
 * verification in one: {"ok": bool, "integrity": "ok"|…, "problems": [...],
 * "rollups_checked": N, "rollup_mismatches": [...]}. */
RECIP_API int recip_check(recip_ctx *ctx, json_t **out);
/* Recomputes every roll-up from the ledger. */
RECIP_API int recip_rollup_rebuild(recip_ctx *ctx);

/* Writes the demonstration data set relative to `as_of` into an empty
 * database: a café with its regulars, a consultant with clients in four
 * firms, a trades business with partner firms. Deterministic. */
RECIP_API int recip_demo_create(recip_ctx *ctx, recip_time as_of);

/* ---- dates and durations -------------------------------------------------- */

/* Parses an ISO 8601 date ("2026-11-23") or date-time ("2026-11-23T08:15",
 * with optional seconds; a space may replace the T), or "now", "today",
 * "yesterday", "tomorrow", or an offset from `now` ("-3d", "+2w", "-1m",
 * "+1y"). A date alone means its start (00:00) unless end_of_day is true,
 * in which case it means its last second. */
RECIP_API int recip_time_parse(recip_ctx *ctx, recip_time *out, const char *text, recip_time now,
                               bool end_of_day);
/* Parses a duration "30d", "2w", "3m" (30 days), "1y" (365 days) or a bare
 * number of days, into days. */
RECIP_API int recip_duration_parse(recip_ctx *ctx, int *out_days, const char *text);
/* Formats as "YYYY-MM-DDTHH:MM:SS" (buffer of at least 20 bytes). */
RECIP_API void recip_time_format(char *buf, size_t size, recip_time t);
/* Formats as "YYYY-MM-DD" (buffer of at least 11 bytes). */
RECIP_API void recip_date_format(char *buf, size_t size, recip_time t);
/* Converts to and from a broken-down civil date and time. */
RECIP_API recip_time recip_time_from_civil(int year, int month, int day, int hour, int minute,
                                           int second);
RECIP_API void recip_time_to_civil(recip_time t, int *year, int *month, int *day, int *hour,
                                   int *minute, int *second, int *weekday /* 0 = Monday */);

#ifdef __cplusplus
}
#endif

#include "recip/server.h"
#include "recip/storage.h"
#include "recip/advocacy.h"
#include "recip/interop.h"
#include "recip/engine.h"
#endif
