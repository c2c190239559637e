/*
 * fuzz_csv.c — libFuzzer target: CSV import (lib/csv_import.c, libcsv, the
 * field parsers of the record layer). The first byte picks the kind of
 * record, the second the options (skip bad rows, update, dry run, the
 * delimiter, a character set); the rest is the file. Every import is
 * undone, so each input runs on the same three parties.
 */
#include "fuzz_support.h"

#include <stdlib.h>

static const char *const kinds[] = {"party", "exchange", "touch", "visit", "ask", "promise",
                                    "referral", "review", "nps", "project", "fact", "parties"};
static const char *const encodings[] = {NULL, NULL, "cp1252", "UTF-16"};
static const char delimiters[] = {0, ',', ';', '\t'};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static recip_ctx *ctx;
	if (!ctx)
		ctx = fuzz_ctx_with_parties();
	if (size < 2)
		return 0;
	const char *kind = kinds[data[0] % (sizeof(kinds) / sizeof(kinds[0]))];
	uint8_t bits = data[1];
	recip_import_options options = {
		.skip_bad = bits & 1,
		.update = (bits >> 1) & 1,
		.dry_run = (bits >> 2) & 1,
		.delimiter = delimiters[(bits >> 3) & 3],
		.encoding = encodings[(bits >> 5) & 3],
	};
	static const char *const map[] = {"Work email=email:work", "Notes=-", "Who=party"};
	if (bits & 0x80) {
		options.map = map;
		options.n_map = 3;
	}
	fuzz_cursor cursor;
	recip_source in;
	fuzz_source(&in, &cursor, data + 2, size - 2, "fuzz.csv");
	json_t *report = NULL;
	recip_begin(ctx);
	recip_import_csv(ctx, &report, kind, &in, &options);
	recip_rollback(ctx);
	recip_error_clear(ctx);
	json_decref(report);
	return 0;
}
