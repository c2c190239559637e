/* gate.h — the give-first gate (gate.c), shared with the ask rules. */
#ifndef RECIP_GATE_H
#define RECIP_GATE_H

#include "internal.h"

/* Evaluates the gate for an ask of ours as of a time; ignore_ask is the id
 * of the ask being recorded (0: none). */
int gate_evaluate(recip_ctx *ctx, int64_t party, const char *what, recip_time as_of, int64_t ignore_ask,
                  json_t **out, bool *ready);
/* One concrete thing to give first. */
int gate_suggestion(recip_ctx *ctx, int64_t party, recip_time as_of, char **out);
/* "check: reason" of the first failing check; 0 when all passed. */
int gate_first_failure(json_t *verdict, char *out, size_t size);

#endif
