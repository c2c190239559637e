/*
 * engine_rollup.h — the engine's per-party roll-ups (schema 3), kept beside
 * the balance roll-ups of rollup.h and updated by the same writes: what the
 * moments, the expected regulars, genuineness and trust read instead of
 * scanning the ledger.
 *
 *  - per party (party_engine): personal exchanges, our gives followed by our
 *    ask within genuine.window, the latest n-th visit, when a regular counts
 *    as lapsed, and the "owe key" of a negative balance;
 *  - per party and weekday (visit_weekday): days with a visit, a decayed
 *    score kept as a key that does not depend on the day it is read, the
 *    usual time of day and the latest visit;
 *  - per party (party_annual): birthday and anniversary as month × 100 + day.
 */
#ifndef RECIP_ENGINE_ROLLUP_H
#define RECIP_ENGINE_ROLLUP_H

#include "internal.h"
#include "rollup.h"

/* One weekday of a party's visit history. With H = expected.half_life in
 * days, score_key = log2 Σ 2^(day/H) over the days with a visit on that
 * weekday, so that the decayed count on day D, Σ 2^(−(D − day)/H), is
 * 2^(score_key − D/H): "who is likely on weekday W" is a range query on
 * (weekday, score_key) whatever the day. */
typedef struct weekday_pattern {
	int64_t days;           /* days with a visit on this weekday (0: none, the rest is meaningless) */
	double score_key;
	double usual_minute;    /* minute of the day of their first visit those days, decayed mean */
	recip_time last_at;     /* the latest of those visits */
	/* the same before the latest of those days was added: "who is expected
	 * today" must not count today's visits, and reads these for a party
	 * that has already come in today instead of its whole history */
	int64_t prev_days;
	double prev_score_key;
	double prev_usual_minute;
} weekday_pattern;

typedef struct engine_rollup {
	int64_t personal_count;   /* personal exchanges, both directions */
	int64_t followed_count;   /* our gives followed by our ask within genuine.window */
	int64_t milestone_count;  /* ordinal of the latest n-th visit (0: none yet) */
	recip_time milestone_at;  /* … and its time (TIME_NONE: none) */
	recip_time lapse_at;      /* a regular counts as lapsed from then on (TIME_NONE: not a regular) */
	weekday_pattern weekday[7];   /* 0 = Monday */
} engine_rollup;

/* The settings these roll-ups are computed with, appended to the roll-up
 * parameters (rollup.c) so that a change rebuilds them. */
void engine_params_text(const config *cfg, buf *b);

/* Hooks of the balance roll-ups (rollup.c) and of asks (entities.c), inside
 * the write's transaction. `r` is the party's balance roll-up just written. */
int engine_party_created(recip_ctx *ctx, int64_t party);
int engine_party_recompute(recip_ctx *ctx, int64_t party, const party_rollup *r);
int engine_exchange_added(recip_ctx *ctx, int64_t party, const party_rollup *r, bool gave, bool personal,
                          recip_time at);
int engine_visit_added(recip_ctx *ctx, int64_t party, const party_rollup *r, recip_time previous_last,
                       recip_time at);
int engine_ask_added(recip_ctx *ctx, int64_t party, int64_t ask, recip_time at);

/* Computes a party's engine roll-up from its own entries up to `until`
 * (INT64_MAX: all), without storing it. */
int engine_compute(recip_ctx *ctx, int64_t party, recip_time until, engine_rollup *out);
int engine_read(recip_ctx *ctx, int64_t party, engine_rollup *out);
/* The party's engine roll-up as of a time: the stored one when its balance
 * roll-up `stored` covers as_of (rollup_covers), else computed from its
 * entries up to as_of. */
int engine_as_of(recip_ctx *ctx, int64_t party, const party_rollup *stored, recip_time as_of,
                 engine_rollup *out);
/* Compares the stored engine roll-up with a recomputation: *what names the
 * first difference, or stays NULL. */
int engine_verify_party(recip_ctx *ctx, int64_t party, const char **what);

/* When a regular with these visits counts as lapsed (see docs/engine.md). */
recip_time engine_lapse_at(const config *cfg, int64_t visits, recip_time first, recip_time last);
/* The weekday (0 = Monday) of a day number. */
int weekday_of_day(int64_t day);

#endif
