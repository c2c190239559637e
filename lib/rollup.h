/*
 * rollup.h — the per-party roll-ups that keep reports from scanning the
 * ledger: the decayed balance, counts and values given and received, last
 * contact, visits, and when the party is next due for contact. Updated on
 * every write, recomputed for one party when an entry is edited or deleted,
 * rebuilt when a setting they depend on changes.
 */
#ifndef RECIP_ROLLUP_H
#define RECIP_ROLLUP_H

#include "internal.h"

typedef struct party_rollup {
	double balance_last;          /* the balance on the day of the latest exchange */
	recip_time last_exchange_at;  /* TIME_NONE when there is none */
	int64_t gave_count, received_count;
	double gave_value, received_value;
	recip_time last_contact_at;
	int64_t visit_count;
	recip_time first_visit_at, last_visit_at;
	int cadence_days;             /* effective cadence; 0: never due */
	recip_time due_at;            /* TIME_NONE when never due */
} party_rollup;

/* value × personal bonus × unexpected bonus */
double exchange_weight(const config *cfg, double value, bool personal, bool unexpected);
/* 2^(-days/H): what a weight is worth `days` after it was given */
double decay(const config *cfg, int64_t days);

int rollup_store_params(recip_ctx *ctx);
/* Rebuilds every roll-up when the settings they were computed with changed. */
int rollup_sync_params(recip_ctx *ctx);

/* Where writers run concurrently (PostgreSQL), locks the roll-ups of these
 * parties and of their organisations, in id order, until the transaction
 * ends: a write locks what it will touch before it checks and reads, so
 * that it sees every earlier write to them and two writers never wait for
 * each other in a circle. The updates below lock on their own as well; this
 * only fixes the order and covers the checks. No-op on SQLite. */
#define ROLLUP_LOCK_MAX 8
int rollup_lock_parties(recip_ctx *ctx, const int64_t *parties, size_t n);

/* A new party gets an empty roll-up. */
int rollup_party_created(recip_ctx *ctx, int64_t party);
/* Incremental updates for a new entry (within the write's transaction). */
int rollup_exchange_added(recip_ctx *ctx, int64_t party, bool gave, double value, bool personal,
                          bool unexpected, recip_time at);
int rollup_contact_added(recip_ctx *ctx, int64_t party, recip_time at);
int rollup_visit_added(recip_ctx *ctx, int64_t party, recip_time at);
/* Recomputes one party from its own entries (after an edit or a delete, or
 * when its roles or cadence change). */
int rollup_party_recompute(recip_ctx *ctx, int64_t party);

/* … and its organisation's, whose last contact includes its people's. */
int rollup_party_recompute_with_org(recip_ctx *ctx, int64_t party);

/* Computes one party's roll-up from its entries up to `until` (INT64_MAX for
 * all), without storing it. */
int rollup_compute(recip_ctx *ctx, int64_t party, recip_time until, party_rollup *out);
int rollup_read(recip_ctx *ctx, int64_t party, party_rollup *out);

/* A party's standing as of a time: its roll-up as it was then, and the
 * balance on that day. Served from the stored roll-up when it holds nothing
 * after as_of (the usual case), else from the party's own entries up to
 * as_of (cost: that party's entries, never the whole ledger). */
typedef struct party_standing {
	party_rollup r;
	double balance;
} party_standing;

int standing_as_of(recip_ctx *ctx, int64_t party, const party_rollup *stored, recip_time as_of,
                   party_standing *out);
/* Whether a stored roll-up can answer for as_of by itself. */
bool rollup_covers(const party_rollup *r, recip_time as_of);
/* The effective keep-in-touch cadence of a party (explicit, else by role). */
int party_cadence(recip_ctx *ctx, int64_t party, int *out_days);

#endif
