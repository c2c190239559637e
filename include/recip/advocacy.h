/*
 * advocacy.h — referrals, reviews, NPS, brand advocates and the K-factor:
 * the part of librecip that shows who speaks for a business and closes the
 * loop (every referral thanked, every review we asked for marked granted).
 *
 * Reviews and NPS answers are plain records (recip_record_add of a "review"
 * or an "nps"); what this header adds are the verbs records alone cannot
 * say and the reports. docs/advocacy.md defines every figure precisely and
 * lists the queries each report runs. Like every report of librecip, each
 * takes an explicit "as of" time and returns a JSON document.
 */
#ifndef RECIP_ADVOCACY_H
#define RECIP_ADVOCACY_H

#include "recip/recip.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- referrals -------------------------------------------------------------- */

/* A referral as a person types it. */
typedef struct recip_referral_spec {
	const char *referrer;   /* who sent them: a party reference; must exist */
	const char *referred;   /* who was sent: a party reference; a name that matches
	                         * no party creates one on the spot */
	bool create;            /* always create the referred party (a new "Tom" while
	                         * "Tom Reed" exists) */
	const char *kind;       /* kind of a party created on the spot: "person"
	                         * (NULL) or "organisation" */
	const char *role;       /* role of a party created on the spot (NULL: "prospect") */
	const char *at;         /* when, as text ("2026-11-02", "-3d" …; NULL: now) */
	const char *note;       /* may be NULL */
} recip_referral_spec;

/* Records that a party referred another, as a lead. The referral's id comes
 * back through out_id; the id of a party created on the spot through
 * out_created (0 when the referred party already existed; may be NULL).
 * Fails with RECIP_ENOTFOUND for an unknown referrer, RECIP_EINVAL for a
 * self-referral or a cycle, RECIP_EEXISTS when the party was already
 * referred (the first referrer keeps the credit). */
RECIP_API int recip_referral_add(recip_ctx *ctx, int64_t *out_id, int64_t *out_created,
                                 const recip_referral_spec *spec);

/* Resolves a lead as "converted" or "lost" at a time (not before the
 * referral). A conversion makes the referred party a customer: it gains
 * `role` (NULL: "customer", unless it already is a customer or a client)
 * and loses "prospect". */
RECIP_API int recip_referral_resolve(recip_ctx *ctx, int64_t referral, const char *status, recip_time at,
                                     const char *role);

/* Referrals made up to as_of, newest first, each with its status as of then
 * and whether the referrer was thanked (a give from us on or after the
 * referral): {"items": [...], "counts": {lead, converted, lost, thanked,
 * unthanked, total}, "conversion_rate"}. party > 0: only those it made or received;
 * status (may be NULL): only in that status as of as_of. */
RECIP_API int recip_referral_list(recip_ctx *ctx, json_t **out, int64_t party, const char *status,
                                  recip_time as_of);

/* Referral chains as trees: party > 0, the tree of everyone the party
 * referred, and whom they referred …, with the chain above it ("upline");
 * party 0, every chain from its root (a referrer nobody referred). */
RECIP_API int recip_referral_tree(recip_ctx *ctx, json_t **out, int64_t party, recip_time as_of);

/* Referrals not thanked yet as of a time: those whose referrer received no
 * give from us on or after the referral's time (up to as_of), oldest first;
 * max_age_days > 0 keeps only those made within that many days. Referrers
 * that are archived are left out. {"items": [{referral, at, age_days,
 * referrer, referrer_name, party, party_name, status}]} — what the moments
 * engine turns into "thank REFERRER". */
RECIP_API int recip_referral_unthanked(recip_ctx *ctx, json_t **out, recip_time as_of, int max_age_days);

/* ---- reviews ------------------------------------------------------------------ */

/* Reviews up to as_of, newest first, with the count and average rating by
 * platform and overall. platform (may be NULL): only that platform; party >
 * 0: only that party's. A review recorded with recip_record_add("review")
 * resolves the open ask of ours for a review of that party as granted. */
RECIP_API int recip_review_report(recip_ctx *ctx, json_t **out, int64_t party, const char *platform,
                                  recip_time as_of);

/* ---- NPS ------------------------------------------------------------------------ */

/* The Net Promoter Score as of a time over each party's latest answer in
 * the window — the window_days calendar days ending with as_of's day;
 * window_days 0: the setting advocacy.nps_window. Promoters 9–10, passives 7–8, detractors 0–6; NPS =
 * % promoters − % detractors (null without answers). With the counts, the
 * trend by calendar month (each party's latest answer within the month and
 * the window) and the detractors' latest answers. */
RECIP_API int recip_nps_report(recip_ctx *ctx, json_t **out, recip_time as_of, int window_days);

/* Marks a party's detractor answers (0–6) up to `at` that were not followed
 * up as followed up at `at`; how many comes back through out_count (may be
 * NULL). RECIP_ENOTFOUND when none is waiting. */
RECIP_API int recip_nps_follow_up(recip_ctx *ctx, int64_t *out_count, int64_t party, recip_time at);

/* ---- advocates and growth --------------------------------------------------------- */

/* Parties ranked by advocacy as of a time, from referrals made (converted,
 * open leads, lost), reviews written (points by rating) and promoter
 * answers at or after `since` (INT64_MIN: all time), each component with its
 * count and points; limit > 0 keeps the first `limit`. Separately, the
 * detractors whose latest answer was never followed up, each with the
 * moment's text ("follow up with Marek Kowalski: NPS 3 on 2 Nov"). */
RECIP_API int recip_advocates_report(recip_ctx *ctx, json_t **out, recip_time as_of, recip_time since,
                                     int64_t limit);

/* Growth through referrals over the period — the period_days calendar days
 * ending with as_of's day; period_days 0: the setting advocacy.growth_period. Active customers,
 * referrals made per active customer, conversion rate, K-factor = converted
 * referrals / active customers, and new customers by source (referral or
 * other) month by month. docs/advocacy.md defines each term. */
RECIP_API int recip_growth_report(recip_ctx *ctx, json_t **out, recip_time as_of, int period_days);

#ifdef __cplusplus
}
#endif
#endif
