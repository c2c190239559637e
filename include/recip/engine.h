/*
 * engine.h — the relationship engine of librecip: the daily agenda, the
 * moments that produce concrete suggestions, the regulars expected on a
 * day, trust, genuineness, open asks, and partners (our profile, partner
 * fit, projects that start small). Included by recip.h.
 *
 * Every report is a JSON document (shapes in docs/engine.md), computed as
 * of an explicit time and never from the clock: the same database and the
 * same as-of time give the same document. None scans the ledger: each is
 * served from the per-party roll-ups and from indexed lookups of the parties
 * it shows (docs/engine.md states the cost of each).
 */
#ifndef RECIP_ENGINE_H
#define RECIP_ENGINE_H

#include "recip/recip.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the agenda ------------------------------------------------------------- */

/* The day of as_of in one view: {"as_of", "date", "weekday", "sections":
 * [{"section", "title", "total", "items": [...]}]} with the sections
 * moments, promises, owed, asks, due and expected, in that order. Each
 * shows at most `limit` items (0: all; negative: agenda.limit from the
 * settings) and says how many there are in all. */
RECIP_API int recip_agenda_report(recip_ctx *ctx, json_t **out, recip_time as_of, int limit);

/* ---- moments ---------------------------------------------------------------- */

/* Every moment as of a time, grouped by trigger: {"as_of", "items": [{"key",
 * "trigger", "section", "party", "name", "at", "ref", "suggestion"}]}. The
 * triggers (first-visit, nth-visit, birthday, anniversary, lapsed, owe,
 * referral, detractor, promise, follow-up, their-ask) are described in
 * docs/engine.md; a moment drops out once acted on (the matching give or
 * touch logged after it) or dismissed. */
RECIP_API int recip_moments_report(recip_ctx *ctx, json_t **out, recip_time as_of);
/* Dismisses the moment with this key, or (key NULL) every moment of `party`
 * as of as_of, only those of `trigger` when it is not NULL. Fails with
 * RECIP_ENOTFOUND when nothing matched. out (may be NULL) receives
 * {"dismissed": [keys]}. */
RECIP_API int recip_moment_dismiss(recip_ctx *ctx, json_t **out, const char *key, int64_t party,
                                   const char *trigger, recip_time as_of);
/* Brings a dismissed moment back. */
RECIP_API int recip_moment_restore(recip_ctx *ctx, const char *key);

/* ---- expected regulars -------------------------------------------------------- */

/* The regulars likely to come on the day of `day`, from their visit history
 * before that day and up to as_of: {"date", "weekday", "as_of", "items":
 * [{"party", "name", "likelihood", "usual_time", "visits", "weekday_visits",
 * "last_visit_at", "visited_at", "facts"}]}, by usual time. */
RECIP_API int recip_expected_report(recip_ctx *ctx, json_t **out, recip_time day, recip_time as_of);

/* ---- relationships -------------------------------------------------------------- */

/* Open asks both ways as of a time, oldest first (party > 0: only its own):
 * {"as_of", "ours", "theirs", "items": [{"id", "party", "name", "direction",
 * "what", "at", "age_days", "forced", "note"}]}. */
RECIP_API int recip_asks_report(recip_ctx *ctx, json_t **out, int64_t party, recip_time as_of);

/* Genuineness: the share of our gives followed by an ask of ours to the
 * same party within genuine.window, overall and per party (party > 0: that
 * party only), most transactional first. */
RECIP_API int recip_genuine_report(recip_ctx *ctx, json_t **out, int64_t party, recip_time as_of);

/* The trust equation (credibility + reliability + intimacy) / self-orientation,
 * each on 1–10 with the facts it came from: for one party (party > 0), or
 * ranked over every relationship, weakest first (party 0). */
RECIP_API int recip_trust_report(recip_ctx *ctx, json_t **out, int64_t party, recip_time as_of);

/* ---- partners ------------------------------------------------------------------- */

/* Our own business: {"offer": [...], "serves": [...]}. */
RECIP_API int recip_profile_report(recip_ctx *ctx, json_t **out);
/* Changes our profile: fields "offer" or "serves" with RECIP_ADD,
 * RECIP_REMOVE or RECIP_SET (replaces the list; an empty value clears it).
 * All changes land together or none does. */
RECIP_API int recip_profile_update(recip_ctx *ctx, const recip_field *changes, size_t n_changes);
/* How well a partner fits us, 0–100, with the reasons (shared segments,
 * complementary and overlapping offers), value given vs received and the
 * project ladder as of a time; partner 0 ranks every party with the role
 * partner, best fit first. */
RECIP_API int recip_fit_report(recip_ctx *ctx, json_t **out, int64_t partner, recip_time as_of);
/* Ends a project: status "succeeded" or "failed", at a time. Starting one is
 * recip_record_add of a "project": a medium or large project with a party
 * with no smaller one succeeded fails with RECIP_ENOTREADY ("start small")
 * unless its field "forced" is yes, and the record keeps that it was forced. */
RECIP_API int recip_project_finish(recip_ctx *ctx, int64_t project, const char *status, recip_time at,
                                   const char *note);

#ifdef __cplusplus
}
#endif
#endif
