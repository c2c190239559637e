/*
 * import.h — what the interop files of librecip share: a capped line
 * reader over a recip_source, character-set conversion, sinks, the import
 * report, content keys, the party matcher used by both CSV and vCard
 * imports (party_import.c), and the bulk path that writes ledger rows fast
 * (bulk.c).
 */
#ifndef RECIP_IMPORT_H
#define RECIP_IMPORT_H

#include "internal.h"
#include "recip/interop.h"

struct entity_desc;
struct record;

/* ---- limits ---------------------------------------------------------------- */

/* No line, field or row of any input may exceed these, so that no input
 * can make an importer hold more than a few megabytes. The longest field
 * recip keeps is 10,000 characters (notes). */
#define IMPORT_MAX_ROW ((size_t)1 << 20)        /* a CSV row, all its fields */
#define IMPORT_MAX_PROPERTY ((size_t)4 << 20)   /* a vCard property, unfolded (photos) */
#define IMPORT_MAX_JSON_LINE ((size_t)16 << 20) /* a row of a JSON export */
#define IMPORT_MAX_LISTED 100                   /* bad rows and warnings listed one by one */

/* ---- reading ----------------------------------------------------------------- */

typedef struct reader {
	recip_ctx *ctx;
	const recip_source *src;
	char *chunk;
	size_t chunk_len, chunk_pos;
	bool eof;
	bool at_start;         /* a byte-order mark is skipped here */
	int64_t bytes;         /* consumed so far */
	int64_t line;          /* number of the last line returned */
	size_t max_line;
	buf current;
	bool pushed_back;
} reader;

int reader_init(reader *r, recip_ctx *ctx, const recip_source *src, size_t max_line);
void reader_release(reader *r);
/* The next physical line without its line end; *out NULL at the end. A
 * line longer than max_line fails with RECIP_ETOOBIG naming it; a NUL
 * byte fails with RECIP_EINVAL. */
int reader_line(reader *r, const char **out, size_t *out_len);
/* Gives the last line back: the next reader_line returns it again. */
void reader_unread(reader *r);
/* The next piece of raw input: up to and including a '\n', or up to the
 * end of what is buffered. *len 0 at the end. */
int reader_segment(reader *r, const char **out, size_t *out_len, bool *ends_line);

/* ---- text ------------------------------------------------------------------------ */

/* Converts len bytes in `charset` to UTF-8 (malloc'ed, NUL-terminated).
 * Fails with RECIP_EINVAL for an unknown character set or bytes that are
 * not in it. */
int charset_to_utf8(recip_ctx *ctx, const char *charset, const char *in, size_t len, char **out);
/* Copies text replacing every byte sequence that is not UTF-8 with U+FFFD;
 * *replaced tells whether any was. */
char *utf8_repair(const char *in, size_t len, bool *replaced);
/* The form names and keys are looked up by: trimmed, case folded (malloc'ed). */
char *lookup_key(const char *text);
/* A short hex digest of len bytes (32 hex digits, BLAKE2b), into out[33]. */
void content_digest(const void *data, size_t len, char out[33]);

/* ---- writing ---------------------------------------------------------------------- */

int sink_write(recip_ctx *ctx, const recip_sink *out, const void *data, size_t len);
int sink_buf(recip_ctx *ctx, const recip_sink *out, buf *b);  /* writes and empties b */

/* ---- the import report --------------------------------------------------------------- */

typedef struct import_report {
	json_t *doc;            /* the report being built */
	json_t *bad;            /* [{line, reason}] */
	json_t *warnings;       /* [{line, reason}] */
	json_t *merges;         /* [{line, name, party, party_name, by, changes}] */
	int64_t bad_count, warning_count;
	int64_t first_bad_line;
	char first_bad[400];
} import_report;

int report_init(recip_ctx *ctx, import_report *r, const char *kind, const recip_source *in,
                const recip_import_options *opt);
void report_release(import_report *r);
/* Counts and (up to IMPORT_MAX_LISTED) lists a bad row or a warning. */
int report_bad(recip_ctx *ctx, import_report *r, int64_t line, const char *reason);
int report_warning(recip_ctx *ctx, import_report *r, int64_t line, const char *reason);
/* Sets counts: pairs of a key and an int64_t, ending with NULL. */
int report_counts(recip_ctx *ctx, import_report *r, ...);

/* Ends an import: commits, or rolls back for a dry run or bad rows, and
 * hands the report over. rc is the import's own result so far. */
int import_finish(recip_ctx *ctx, import_report *r, int rc, const recip_import_options *opt,
                  const char *what, json_t **out);
/* Whether an error concerns one row (it is reported and the import goes
 * on) rather than the whole import (no memory, storage failed). */
bool import_row_error(int rc);

/* Removes a database file and its companions (-wal, -shm, -journal). */
void database_files_remove(const char *path);

/* The value of a party's fact by key (*out NULL when it has none). */
int fact_value(recip_ctx *ctx, int64_t party, const char *key, char **out);

/* ---- parties (party_import.c) ----------------------------------------------------------- */

/* A party as an importer found it: its fields as text, and facts. */
typedef struct party_draft {
	int64_t line;
	recip_field *fields;      /* name, value and label owned by the draft */
	size_t n_fields, cap_fields;
	char **fact_keys, **fact_values;
	size_t n_facts, cap_facts;
	char *org;                /* the organisation's name */
} party_draft;

void draft_init(party_draft *d, int64_t line);
void draft_release(party_draft *d);
/* Adds a field after checking its value alone; a bad value fails with the
 * library's message and leaves the draft as it was. */
int draft_field(recip_ctx *ctx, party_draft *d, const char *name, const char *value, const char *label);
/* Adds a fact; a fact of the same key gets the value appended ("; "). */
int draft_fact(recip_ctx *ctx, party_draft *d, const char *key, const char *value);
/* The first value of a field, or NULL. */
const char *draft_get(const party_draft *d, const char *name);

typedef struct party_importer {
	int64_t max_existing_id;  /* only parties from before the import are matched */
	bool update;
	int64_t added, merged, unchanged;
} party_importer;

int party_importer_init(recip_ctx *ctx, party_importer *p, bool update);
/* Adds the party or merges it into the one it matches, and records the
 * merge in the report. A failure concerns this party only when
 * import_row_error says so. */
int party_import(recip_ctx *ctx, party_importer *p, import_report *r, party_draft *d);

/* ---- the bulk path for ledger rows (bulk.c) --------------------------------------------- */

typedef struct bulk_cell {
	int field;                /* index into the entity's fields */
	const char *text;
} bulk_cell;

typedef struct bulk bulk;

/* Prepares a bulk import of one kind of ledger entry in the open
 * transaction: statements prepared once, party references cached, roll-ups
 * brought up to date once per party by bulk_finish. */
int bulk_begin(recip_ctx *ctx, bulk **out, const struct entity_desc *e, const char *source_name);
/* Adds one entry; *added is false when an entry with the same key is
 * already stored. name_checks[k] is what the row says the k-th party field's
 * party is called (NULL: nothing). */
int bulk_add(bulk *b, const bulk_cell *cells, size_t n, const char *const *name_checks, bool *added);
/* Recomputes the roll-ups of the parties touched and writes one audit entry. */
int bulk_finish(bulk *b);
void bulk_free(bulk *b);
int64_t bulk_added(const bulk *b);
int64_t bulk_duplicates(const bulk *b);

#endif
