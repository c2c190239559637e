/*
 * db.h — the one storage interface of librecip. The domain code speaks SQL
 * that both backends accept (SQLite and PostgreSQL), with `?` placeholders and
 * bound parameters only, through these calls; it never knows which backend
 * runs underneath. Statements are prepared once per connection and cached by
 * their text.
 */
#ifndef RECIP_DB_H
#define RECIP_DB_H

#include "internal.h"

typedef struct db_stmt db_stmt;

/* What db_step returns besides a negative error code. */
enum { DB_DONE = 0, DB_ROW = 1 };

/* Which SQL dialect a migration is written in (schema.c). */
typedef enum db_backend { DB_SQLITE, DB_POSTGRESQL } db_backend;

/* The operations a backend provides (db_sqlite.c, db_pg.c). */
typedef struct db_ops {
	const char *name;
	db_backend backend;
	void (*close)(db *d);
	int (*exec)(recip_ctx *ctx, const char *sql);
	int (*prepare)(recip_ctx *ctx, db_stmt **out, const char *sql);
	void (*finalize)(db_stmt *st);
	void (*reset)(db_stmt *st);
	int (*bind_int)(db_stmt *st, int idx, int64_t v);
	int (*bind_double)(db_stmt *st, int idx, double v);
	int (*bind_text)(db_stmt *st, int idx, const char *v);
	int (*bind_null)(db_stmt *st, int idx);
	int (*step)(recip_ctx *ctx, db_stmt *st);
	bool (*col_null)(db_stmt *st, int col);
	int64_t (*col_int)(db_stmt *st, int col);
	double (*col_double)(db_stmt *st, int col);
	const char *(*col_text)(db_stmt *st, int col);
	int (*col_count)(db_stmt *st);
	const char *(*col_name)(db_stmt *st, int col);
	int (*changes)(db *d);
	/* how many tables of its own the database holds (0: empty), and
	 * whether one named `table` is among them */
	int (*table_count)(recip_ctx *ctx, int64_t *out);
	int (*has_table)(recip_ctx *ctx, const char *table, bool *out);
	/* transactions: begin a write transaction, savepoints for nesting */
	int (*begin)(recip_ctx *ctx);
	/* begin a transaction that only reads, and sees one state of the
	 * database throughout while others write (ended with rollback) */
	int (*begin_read)(recip_ctx *ctx);
	int (*commit)(recip_ctx *ctx);
	void (*rollback)(recip_ctx *ctx);
	/* What a SELECT needs appended to lock the rows it reads until the
	 * transaction ends (" FOR UPDATE"), or NULL when the backend's write
	 * transaction already excludes every other writer (SQLite). */
	const char *lock_suffix;
	/* After rows were inserted with explicit ids: moves the table's id
	 * generator past the largest id (NULL: nothing to do). */
	int (*sync_ids)(recip_ctx *ctx, const char *table);
} db_ops;

/* The common head of every backend's connection and statement. */
#define DB_STMT_CACHE 256
struct db {
	const db_ops *ops;
	char *address;
	bool readonly;
	int savepoints;
	struct db_cached {
		char *sql;
		db_stmt *st;
		bool busy;
	} cache[DB_STMT_CACHE];
};

struct db_stmt {
	db *owner;
	struct db_cached *slot;   /* NULL when not cached */
};

/* The backend an address names: postgresql://… or postgres://… is
 * PostgreSQL, anything else the path of an SQLite file. */
db_backend db_backend_of_address(const char *address);
/* Opens the backend the address names (a path, or postgresql://…). */
int db_open(recip_ctx *ctx, db **out, const char *address, unsigned flags);
void db_close(db *d);
int db_open_sqlite(recip_ctx *ctx, db **out, const char *path, unsigned flags);
int db_open_pg(recip_ctx *ctx, db **out, const char *conninfo, unsigned flags);

/* Runs statements without parameters (schema changes). */
int db_exec(recip_ctx *ctx, const char *sql);

/* A statement ready to bind and step; give it back with db_done. The
 * statement is reused from the cache unless it is in use further up the
 * stack, in which case a fresh one is made. */
int db_prepare(recip_ctx *ctx, db_stmt **out, const char *sql);
void db_done(db_stmt *st);
/* Makes a statement ready to bind and step again (one kept for many rows). */
void db_reset(db_stmt *st);

/* Prepares and binds in one: types is one letter per parameter — 'i' int64_t,
 * 'd' double, 't' text (NULL binds NULL), 'b' bool (int), 'T' time (a
 * recip_time; TIME_NONE binds NULL), 'n' NULL (no argument). */
int db_query(recip_ctx *ctx, db_stmt **out, const char *sql, const char *types, ...);
int db_vquery(recip_ctx *ctx, db_stmt **out, const char *sql, const char *types, va_list ap);
/* Prepares, binds, steps to the end and gives the statement back. */
int db_run(recip_ctx *ctx, const char *sql, const char *types, ...);
/* Text in ORDER BY: `ORDER BY name COLLATE "C"` sorts by code point on both
 * backends (PostgreSQL's C collation; the SQLite backend defines one of
 * that name that compares bytes, as its default BINARY does), so that what
 * is written out comes in the same order whatever the database's locale. */
#define DB_BYTE_ORDER " COLLATE \"C\""

/* Runs a query of one row and one integer column; *out = dflt when no row
 * or NULL. */
int db_int(recip_ctx *ctx, int64_t *out, int64_t dflt, const char *sql, const char *types, ...);
int db_double(recip_ctx *ctx, double *out, double dflt, const char *sql, const char *types, ...);

/* Steps through a statement's rows, making one JSON item of each with
 * `item` (NULL from it means out of memory), and gives the statement back:
 * the array comes back through out. */
typedef json_t *(*db_row_item)(db_stmt *st, void *arg);
int db_collect(recip_ctx *ctx, db_stmt *st, db_row_item item, void *arg, json_t **out);

/* Read-modify-write under concurrent writers. A write transaction that
 * reads rows in order to rewrite them (a roll-up) reads them with
 * db_query_locked: where several writers run at once (PostgreSQL) the rows
 * stay locked until the transaction ends, so that a second writer waits and
 * then reads what the first one wrote instead of overwriting it; where the
 * write transaction already excludes every other writer (SQLite) it is
 * db_query. `sql` is a plain SELECT of one table's rows (no aggregates).
 * db_lock takes the locks and reads nothing; db_row_locks tells whether
 * locks are taken at all, so that a caller can skip the work of finding
 * which rows to lock. */
int db_query_locked(recip_ctx *ctx, db_stmt **out, const char *sql, const char *types, ...);
int db_lock(recip_ctx *ctx, const char *sql, const char *types, ...);
bool db_row_locks(recip_ctx *ctx);

/* After inserting rows with explicit ids (a restore): lets the next
 * generated id of `table` follow the largest one stored. */
int db_sync_ids(recip_ctx *ctx, const char *table);

int db_bind_int(db_stmt *st, int idx, int64_t v);
int db_bind_double(db_stmt *st, int idx, double v);
int db_bind_text(db_stmt *st, int idx, const char *v);
int db_bind_null(db_stmt *st, int idx);
int db_bind_time(db_stmt *st, int idx, recip_time t);

/* DB_ROW, DB_DONE, or a negative error (message in ctx). */
int db_step(recip_ctx *ctx, db_stmt *st);

bool db_col_null(db_stmt *st, int col);
int64_t db_col_int(db_stmt *st, int col);
double db_col_double(db_stmt *st, int col);
const char *db_col_text(db_stmt *st, int col);   /* NULL for SQL NULL */
recip_time db_col_time(db_stmt *st, int col);    /* TIME_NONE for SQL NULL */
int db_col_count(db_stmt *st);
const char *db_col_name(db_stmt *st, int col);

/* Rows changed by the last statement. */
int db_changes(recip_ctx *ctx);

int db_begin(recip_ctx *ctx);
int db_commit(recip_ctx *ctx);
/* Several reads that must agree with each other while others write (an
 * export of many tables, or of parties and their values): they see one
 * snapshot of the database, taken at the first read — SQLite's read
 * transaction, PostgreSQL's REPEATABLE READ. Inside a caller's transaction
 * they see that one, and these do nothing (*out_own false). db_read_end
 * keeps the message of an error that happened in between. */
int db_read_begin(recip_ctx *ctx, bool *out_own);
void db_read_end(recip_ctx *ctx, bool own);
void db_rollback(recip_ctx *ctx);
int db_savepoint(recip_ctx *ctx);
int db_release(recip_ctx *ctx);
void db_rollback_to_savepoint(recip_ctx *ctx);

db_backend db_backend_of(recip_ctx *ctx);

/* A consistent copy of an SQLite database into a new file, with SQLite's
 * online backup API (other processes may go on writing meanwhile). */
int db_sqlite_backup(recip_ctx *ctx, const char *dest_path);

/* Opens to a given schema version (0: the current one); tests use an older
 * target to make a database as an older recip left it (store.c). */
int store_open(recip_ctx *ctx, const char *address, unsigned flags, int target);

/* Schema (schema.c). */
int schema_version_current(void);
int schema_read_version(recip_ctx *ctx, int *out);
/* Brings an empty database to `target` (the current version when 0). */
int schema_create(recip_ctx *ctx, int target);
/* Upgrades from `from` to the current version, in the open transaction. */
int schema_upgrade(recip_ctx *ctx, int from, int target);

#endif
