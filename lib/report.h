/*
 * report.h — pieces the reports share: a party's facts, timeline, last
 * contact and relationship signals (need-only, transactional).
 */
#ifndef RECIP_REPORT_H
#define RECIP_REPORT_H

#include "internal.h"

/* The party's facts, by key; at most `limit` (0: all). */
int report_facts(recip_ctx *ctx, int64_t party, int64_t limit, json_t **out);
/* The latest entries of every kind up to as_of, newest first. */
int report_timeline(recip_ctx *ctx, int64_t party, recip_time as_of, int64_t limit, json_t **out);
/* The latest contact up to as_of ({type, at, summary}) or null. */
int report_last_contact(recip_ctx *ctx, int64_t party, recip_time as_of, json_t **out);
/* Need-only and transactional signals of one relationship as of a time. */
int report_signals(recip_ctx *ctx, int64_t party, recip_time as_of, json_t **out);

typedef struct need_only {
	int64_t need;       /* our touches for a need, and our asks */
	int64_t outreach;   /* all our touches, asks and gives */
	double share;
	bool flag;
} need_only;

typedef struct transactional {
	int64_t gives;
	int64_t followed;   /* gives followed by an ask of ours within the window */
	double share;
	bool flag;
} transactional;

int signal_need_only(recip_ctx *ctx, int64_t party, recip_time as_of, need_only *out);
int signal_transactional(recip_ctx *ctx, int64_t party, recip_time as_of, transactional *out);

/* Parties due for contact by as_of + within_days, most overdue first
 * (report.c): from the roll-ups' due_at index; at most `limit` (0: all),
 * and how many in all. */
typedef struct due_row {
	int64_t id;
	recip_time last_contact;
	int cadence;
	int64_t due_day;
} due_row;

int due_collect(recip_ctx *ctx, recip_time as_of, int within_days, size_t limit, due_row **out, size_t *out_n,
                size_t *out_total);
/* One row of the due list as a document: name, cadence, last contact,
 * days overdue, facts and signals. */
int due_item(recip_ctx *ctx, const due_row *row, recip_time as_of, json_t **out);
/* … and rows of it as an array. */
int due_items(recip_ctx *ctx, const due_row *rows, size_t n, recip_time as_of, json_t **out);

/* A promise's standing as of a time: "open", "overdue", "kept on time",
 * "kept late" or "broken". */
const char *promise_state(const char *status, recip_time due, recip_time resolved, recip_time as_of);

#endif
