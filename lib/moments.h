/*
 * moments.h — the moments engine (moments.c), shared with the agenda:
 * collecting the moments of a day from the trigger table, and describing
 * the ones shown with a suggestion that names the person and uses their
 * facts.
 */
#ifndef RECIP_MOMENTS_H
#define RECIP_MOMENTS_H

#include "internal.h"

typedef struct moment {
	size_t trigger;        /* index in the trigger table */
	int64_t party;         /* whom it is about (a referral: the referrer) */
	int64_t ref;           /* the referral, NPS answer, promise or ask (0: none) */
	int64_t other;         /* a referral: the party referred */
	char key[96];          /* stable: "birthday:12:2026-11-26" */
	recip_time at;         /* when it happened, or happens */
	recip_time since;      /* a give or touch from then on acts on it */
	double order;          /* its place among its trigger's moments: soonest, most owed … */
	int64_t count;         /* visits, the ordinal, an age, a score */
	double number;         /* a balance, the usual gap in days */
	char *text;            /* what was promised or asked, a comment, a kind */
	char *note;
	bool flag;             /* an ask: forced; a referral: converted */
	bool dismissed;
} moment;

typedef struct moment_list {
	moment *items;
	size_t n, cap;
	bool more[CONFIG_MAX_TRIGGERS];   /* a trigger had more than the cap */
} moment_list;

/* The moments as of a time, in the order of the trigger table, then each
 * trigger's own (soonest, most owed …); dismissed ones too when
 * with_dismissed. With a cap, at most that many per trigger: candidates
 * are read a page at a time and reading stops once there are more, so the
 * cost follows the cap, not the ledger. */
int moments_collect(recip_ctx *ctx, recip_time as_of, bool with_dismissed, size_t cap, moment_list *out);
void moment_list_release(moment_list *list);
/* The agenda section of a moment: "moments", "promises", "owed" or "asks". */
const char *moment_section(const moment *m);
/* The agenda section of a trigger, by index (NULL past the end). */
const char *moment_trigger_section(size_t trigger);
/* The moment as a document, with its suggestion. */
int moment_describe(recip_ctx *ctx, recip_time as_of, const moment *m, json_t **out);

#endif
