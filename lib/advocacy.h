/*
 * advocacy.h — the rules of advocacy records that entities.c hooks into
 * every write of a review or an NPS answer, whichever front end makes it
 * (command line, HTTP API, import).
 */
#ifndef RECIP_LIB_ADVOCACY_H
#define RECIP_LIB_ADVOCACY_H

#include "entity.h"

/* A new review answers our open ask for a review of that party (or the ask
 * it names): the ask is resolved as granted at the review's time and linked. */
int advocacy_review_check(recip_ctx *ctx, record *rec, const record *old);
/* An NPS answer is followed up after it was given. */
int advocacy_nps_check(recip_ctx *ctx, record *rec, const record *old);

#endif
