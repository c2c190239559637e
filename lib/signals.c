/*
 * signals.c — what the ledger says about the spirit of a relationship:
 * need-only contact (we get in touch mostly when we need something) and
 * transactional giving (our gives are soon followed by our asks). Both are
 * per-party lookups on indexed columns.
 */
#include "db.h"
#include "report.h"

int signal_need_only(recip_ctx *ctx, int64_t party, recip_time as_of, need_only *out)
{
	const config *cfg = &ctx->cfg;
	recip_time from = as_of - (recip_time)cfg->need_window * RECIP_DAY;
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT "
	                  "(SELECT count(*) FROM touch WHERE party_id = ? AND initiator = 'us' AND purpose = 'need' "
	                  "  AND at > ? AND at <= ?), "
	                  "(SELECT count(*) FROM touch WHERE party_id = ? AND initiator = 'us' AND at > ? AND at <= ?), "
	                  "(SELECT count(*) FROM ask WHERE party_id = ? AND direction = 'ours' AND at > ? AND at <= ?), "
	                  "(SELECT count(*) FROM exchange WHERE party_id = ? AND direction = 'gave' AND at > ? AND at <= ?)",
	                  "iiiiiiiiiiii", party, from, as_of, party, from, as_of, party, from, as_of, party, from, as_of);
	if (rc)
		return rc;
	*out = (need_only){0};
	if ((rc = db_step(ctx, st)) == DB_ROW) {
		int64_t need_touches = db_col_int(st, 0), touches = db_col_int(st, 1);
		int64_t asks = db_col_int(st, 2), gives = db_col_int(st, 3);
		out->need = need_touches + asks;
		out->outreach = touches + asks + gives;
	}
	db_done(st);
	if (rc < 0)
		return rc;
	out->share = out->outreach ? (double)out->need / (double)out->outreach : 0;
	out->flag = out->outreach >= cfg->need_min_outreach && out->share > cfg->need_share;
	return RECIP_OK;
}

int signal_transactional(recip_ctx *ctx, int64_t party, recip_time as_of, transactional *out)
{
	const config *cfg = &ctx->cfg;
	recip_time window = (recip_time)cfg->genuine_window * RECIP_DAY;
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT count(*), COALESCE(SUM(CASE WHEN EXISTS (SELECT 1 FROM ask a WHERE a.party_id = e.party_id "
	                  "AND a.direction = 'ours' AND a.at >= e.at AND a.at <= e.at + ? AND a.at <= ?) THEN 1 ELSE 0 END), 0) "
	                  "FROM exchange e WHERE e.party_id = ? AND e.direction = 'gave' AND e.at <= ?",
	                  "iiii", window, as_of, party, as_of);
	if (rc)
		return rc;
	*out = (transactional){0};
	if ((rc = db_step(ctx, st)) == DB_ROW) {
		out->gives = db_col_int(st, 0);
		out->followed = db_col_int(st, 1);
	}
	db_done(st);
	if (rc < 0)
		return rc;
	out->share = out->gives ? (double)out->followed / (double)out->gives : 0;
	out->flag = out->gives >= cfg->transactional_min_gives && out->share > cfg->transactional_share;
	return RECIP_OK;
}

int report_signals(recip_ctx *ctx, int64_t party, recip_time as_of, json_t **out)
{
	need_only need;
	transactional tx;
	int rc = signal_need_only(ctx, party, as_of, &need);
	if (!rc)
		rc = signal_transactional(ctx, party, as_of, &tx);
	if (rc)
		return rc;
	*out = json_pack("{s:{s:b, s:o, s:I, s:I, s:i}, s:{s:b, s:o, s:I, s:I, s:i}}",
	                 "need_only", "flag", need.flag, "share", jreal(need.share), "need", (json_int_t)need.need,
	                 "outreach", (json_int_t)need.outreach, "window_days", ctx->cfg.need_window,
	                 "transactional", "flag", tx.flag, "share", jreal(tx.share), "gives", (json_int_t)tx.gives,
	                 "followed_by_ask", (json_int_t)tx.followed, "window_days", ctx->cfg.genuine_window);
	return *out ? RECIP_OK : recip_oom(ctx);
}
