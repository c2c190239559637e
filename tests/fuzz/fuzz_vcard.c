/*
 * fuzz_vcard.c — libFuzzer target: vCard import (lib/vcard.c: unfolding,
 * properties, parameters, quoted-printable and escapes, merges into
 * existing parties). The first byte picks the options (update, dry run, a
 * character set); the rest is the file. Every import is undone.
 */
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static recip_ctx *ctx;
	if (!ctx)
		ctx = fuzz_ctx_with_parties();
	if (size < 1)
		return 0;
	static const char *const encodings[] = {NULL, NULL, "latin1", "UTF-16"};
	recip_import_options options = {
		.update = data[0] & 1,
		.dry_run = (data[0] >> 1) & 1,
		.encoding = encodings[(data[0] >> 2) & 3],
	};
	fuzz_cursor cursor;
	recip_source in;
	fuzz_source(&in, &cursor, data + 1, size - 1, "fuzz.vcf");
	json_t *report = NULL;
	recip_begin(ctx);
	recip_import_vcard(ctx, &report, &in, &options);
	recip_rollback(ctx);
	recip_error_clear(ctx);
	json_decref(report);
	return 0;
}
