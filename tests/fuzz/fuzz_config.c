/*
 * fuzz_config.c — libFuzzer target: the configuration file (lib/config.c
 * over inih): sections, keys, values, numbers and shares, comments, long
 * lines. The input is the file; it is loaded into a fresh context (a file
 * with an error must change nothing), then every setting is reported.
 */
#define _GNU_SOURCE /* memfd_create */
#include "fuzz_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* the file lives in memory: one memfd, opened anew through /proc */
	static int fd = -1;
	static char path[64];
	if (fd < 0) {
		fd = memfd_create("recip-fuzz-config", 0);
		if (fd < 0)
			abort();
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	recip_ctx *ctx = fuzz_ctx();
	json_t *before = NULL, *after = NULL;
	recip_config_report(ctx, &before);
	if (recip_config_load(ctx, path, false) != RECIP_OK) {
		/* a file with an error changes nothing */
		recip_config_report(ctx, &after);
		if (!json_equal(before, after)) {
			fprintf(stderr, "a configuration file with an error changed the settings\n");
			abort();
		}
	} else {
		recip_config_report(ctx, &after);
	}
	json_decref(before);
	json_decref(after);
	recip_ctx_free(ctx);
	return 0;
}
