/*
 * interop.h — getting data into recip and out of it: CSV import and export
 * of parties and every kind of ledger entry, vCard import and export,
 * iCalendar export of the agenda ahead, the whole database as versioned
 * JSON (export and restore), and online backups. docs/interop.md describes
 * the behaviour, docs/export-format.md the JSON format.
 *
 * Input comes through a recip_source (a file, a pipe, an HTTP body) and
 * output goes to a recip_sink, so the command line and the server use the
 * same calls. Importers cap the length of every line and field, so that no
 * input can make them hold more than a few megabytes.
 */
#ifndef RECIP_INTEROP_H
#define RECIP_INTEROP_H

#include "recip/recip.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- streams -------------------------------------------------------------- */

/* Where an importer reads from. */
typedef struct recip_source {
	const char *name;     /* shown in messages and the audit trail: the file name */
	int64_t size;         /* total bytes when known (for progress), else -1 */
	/* Fills buf with up to size bytes; *out_len = 0 at the end. Returns
	 * RECIP_OK or a negative RECIP_E… code. */
	int (*read)(void *arg, void *buf, size_t size, size_t *out_len);
	void *arg;
} recip_source;

/* Where an exporter writes to: returns RECIP_OK or a negative code. */
typedef struct recip_sink {
	int (*write)(void *arg, const void *data, size_t len);
	void *arg;
} recip_sink;

/* A source reading an open stdio stream (its size taken from the file
 * when it is a regular file), and a sink writing to one. */
RECIP_API void recip_source_stdio(recip_source *out, FILE *f, const char *name);
RECIP_API void recip_sink_stdio(recip_sink *out, FILE *f);

/* Called now and then during a long import: rows so far, bytes read of
 * bytes_total (-1 when unknown). The library never reads the clock; a
 * caller that shows a rate or an ETA measures time itself. */
typedef void (*recip_progress_fn)(void *arg, int64_t rows, int64_t bytes_read, int64_t bytes_total);

/* ---- import --------------------------------------------------------------- */

typedef struct recip_import_options {
	/* CSV: "COLUMN=FIELD" pairs for headers that are not field names;
	 * "COLUMN=" or "COLUMN=-" ignores a column. A multi-valued field may
	 * take a label: "Work email=email:work". */
	const char *const *map;
	size_t n_map;
	bool dry_run;         /* do everything, report it, then write nothing */
	bool skip_bad;        /* write the good rows and report the bad ones */
	bool update;          /* parties: a value in the file replaces a different one */
	const char *encoding; /* the input's character set (iconv name); NULL: UTF-8 */
	char delimiter;       /* CSV: ',' ';' or '\t'; 0: detected from the header */
	recip_progress_fn progress;
	void *progress_arg;
} recip_import_options;

/* Imports a CSV file of records of one kind ("party", "exchange", "touch",
 * "visit", "ask", "promise", "referral", "review", "nps", "project", "fact"
 * or their plurals). The first row names the columns. The report:
 *   {"kind", "source", "rows", "added", "merged", "unchanged", "duplicates",
 *    "bad_count", "bad": [{"line", "reason"}], "merges": [...], "dry_run",
 *    "written"}
 * A bad row fails the whole import with RECIP_EINVAL (nothing is written;
 * the message names the first bad row's line and reason) unless skip_bad
 * is set; *out then still receives the report listing every bad row.
 * Importing the same file again adds nothing: ledger rows carry a key
 * (their "source_key" column, else a hash of their values), parties are
 * matched by external_id, email, phone, then exact name. */
RECIP_API int recip_import_csv(recip_ctx *ctx, json_t **out, const char *entity, const recip_source *in,
                               const recip_import_options *options);

/* Imports vCards (2.1, 3.0, 4.0) as parties. A contact that matches an
 * existing party (by its UID, an email or a phone) is merged into it:
 * missing values are added, different ones are kept unless options->update.
 * The report: {"source", "contacts", "added", "merged", "unchanged",
 * "merges": [{"line", "name", "party", "party_name", "by", "changes"}],
 * "warnings": [{"line", "reason"}], "dry_run", "written"}. A malformed
 * file fails with RECIP_EINVAL naming the line, and nothing is written. */
RECIP_API int recip_import_vcard(recip_ctx *ctx, json_t **out, const recip_source *in,
                                 const recip_import_options *options);

/* ---- export --------------------------------------------------------------- */

/* Every record of one kind as CSV (RFC 4180, CRLF, a header row of field
 * names) that recip_import_csv reads back. */
RECIP_API int recip_export_csv(recip_ctx *ctx, const char *entity, const recip_sink *out);

/* Parties as vCard 4.0: one party (party > 0) or all live ones. */
RECIP_API int recip_export_vcard(recip_ctx *ctx, int64_t party, const recip_sink *out);
/* The ids of the parties recip_export_vcard(…, 0, …) writes, in order
 * (caller frees *out_ids). */
RECIP_API int recip_export_vcard_parties(recip_ctx *ctx, int64_t **out_ids, size_t *out_n);

/* The agenda ahead as iCalendar: birthdays and anniversaries as yearly
 * events, promises as to-dos with their due dates, and contacts due within
 * `days` of as_of as to-dos. UIDs are stable, so a calendar that imports
 * the file again updates its entries instead of duplicating them. `now`
 * stamps the entries (DTSTAMP). */
RECIP_API int recip_export_ical(recip_ctx *ctx, recip_time as_of, int days, recip_time now,
                                const recip_sink *out);

/* The whole database — every table, ids and the audit trail included — as
 * versioned JSON Lines (docs/export-format.md). Deterministic: the same
 * database always gives the same bytes. */
RECIP_API int recip_export_json(recip_ctx *ctx, const recip_sink *out);

/* Restores an export into the database at `address`, which must be empty
 * or missing (it is created). Derived tables (roll-ups) are recomputed
 * and checked. The report: {"tables", "rows", "schema", "upgraded_to"}.
 * Exporting the restored database gives the same bytes as the original
 * export (when made by the same schema version). */
RECIP_API int recip_restore(recip_ctx *ctx, json_t **out, const char *address, const recip_source *in);

/* ---- backup --------------------------------------------------------------- */

/* A consistent copy of the open database into a new file, taken with the
 * storage's online backup while other processes may go on writing. The
 * copy is then opened and checked. Fails with RECIP_EEXISTS when the file
 * exists, unless overwrite. Report: {"path", "bytes", "integrity"}. */
RECIP_API int recip_backup(recip_ctx *ctx, json_t **out, const char *path, bool overwrite);

#ifdef __cplusplus
}
#endif
#endif
