#include "import.h"

int recip_export_vcard(recip_ctx *ctx, int64_t p, const recip_sink *out) { (void)p;(void)out; return recip_fail(ctx, RECIP_ERROR, "todo"); }
int recip_export_vcard_parties(recip_ctx *ctx, int64_t **ids, size_t *n) { (void)ids;(void)n; return recip_fail(ctx, RECIP_ERROR, "todo"); }
int recip_export_ical(recip_ctx *ctx, recip_time a, int d, recip_time n, const recip_sink *out) { (void)a;(void)d;(void)n;(void)out; return recip_fail(ctx, RECIP_ERROR, "todo"); }
int recip_export_json(recip_ctx *ctx, const recip_sink *out) { (void)out; return recip_fail(ctx, RECIP_ERROR, "todo"); }
int recip_restore(recip_ctx *ctx, json_t **out, const char *a, const recip_source *in) { (void)out;(void)a;(void)in; return recip_fail(ctx, RECIP_ERROR, "todo"); }
int recip_backup(recip_ctx *ctx, json_t **out, const char *p, bool o) { (void)out;(void)p;(void)o; return recip_fail(ctx, RECIP_ERROR, "todo"); }
