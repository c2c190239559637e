/*
 * storage.h — what a program may ask librecip about the storage behind a
 * context (included by recip.h). The backend is chosen by the address given
 * to recip_open: a file path for SQLite, postgresql:// or postgres:// for
 * PostgreSQL (see docs/postgresql.md).
 */
#ifndef RECIP_STORAGE_H
#define RECIP_STORAGE_H

#ifdef __cplusplus
extern "C" {
#endif

/* The address of the open database as it may be shown to people and
 * written to logs: a PostgreSQL password (in the URI's user part or as a
 * password= parameter) is replaced by "***". NULL when none is open. */
RECIP_API const char *recip_db_address(const recip_ctx *ctx);

#ifdef __cplusplus
}
#endif
#endif
