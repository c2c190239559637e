/*
 * trust.h — the trust equation of one relationship (trust.c), shared with
 * the picture of a party.
 */
#ifndef RECIP_TRUST_H
#define RECIP_TRUST_H

#include "internal.h"
#include "report.h"

typedef struct trust_figures {
	/* credibility: rated by the user */
	bool rated;
	double credibility;
	/* reliability: promises due by as_of */
	int64_t on_time, late, broken, overdue;
	double reliability;
	/* intimacy: personal exchanges and what we know */
	int64_t personal, facts;
	bool birthday, anniversary;
	double intimacy;
	/* self-orientation: need-only contact and our asks vs our gives */
	need_only need;
	int need_window;          /* days */
	int64_t asks, gives;
	double ask_share;
	double self_orientation;
	double trust;
} trust_figures;

/* The figures of one party as of a time (each component on 1–10; see
 * docs/engine.md for the mappings). */
int trust_compute(recip_ctx *ctx, int64_t party, recip_time as_of, trust_figures *out);
/* The figures as a document: {"trust", "equation", "credibility": {…} …}. */
json_t *trust_json(const trust_figures *t);

#endif
