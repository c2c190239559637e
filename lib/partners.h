/*
 * partners.h — partners (partners.c): the start-small rule of projects,
 * shared with the project record's checks, and the partner section of a
 * party's picture.
 */
#ifndef RECIP_PARTNERS_H
#define RECIP_PARTNERS_H

#include "internal.h"

/* May a project of `size` start with `party` at `at`? A medium one needs a
 * small one that succeeded by then, a large one a small or medium one.
 * When not, *ready is false and `why` says so. */
int project_ladder_check(recip_ctx *ctx, int64_t party, const char *size, recip_time at, bool *ready, char *why,
                         size_t why_size);

/* For recip_party_show: value given vs received, the project ladder and,
 * when our profile is recorded, the fit score; *out is NULL when the party
 * is not a partner. */
int partner_section(recip_ctx *ctx, int64_t party, recip_time as_of, json_t **out);

/* Adds the engine's parts of a party's picture to `doc`: "trust" (the
 * equation with its components) and "partner" (null unless a partner). */
int party_engine_sections(recip_ctx *ctx, json_t *doc, int64_t party, recip_time as_of);

#endif
