/* expected.h — the regulars expected on a day (expected.c), shared with the agenda. */
#ifndef RECIP_EXPECTED_H
#define RECIP_EXPECTED_H

#include "internal.h"

/* recip_expected_report describing at most `limit` regulars (0: all); the
 * document's "total" counts them all. */
int expected_report(recip_ctx *ctx, json_t **out, recip_time day, recip_time as_of, size_t limit);

#endif
