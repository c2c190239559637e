/*
 * fuzz_route.c — libFuzzer target: the server's URL handling without the
 * HTTP around it — percent-decoding (server_unescape), matching a method
 * and path against the route table (route_match, with its {…} segments),
 * and reading the id segments (param_id). Much faster than fuzz_request,
 * so it goes deeper into the matcher. The first byte picks the method.
 */
#include "fuzz_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const methods[] = {"GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "get"};
	if (size < 1)
		return 0;
	char *path = fuzz_string(data + 1, size - 1);
	if (!path)
		return 0;
	size_t len = server_unescape(path);
	if (len > size - 1 || path[len] != '\0')
		abort(); /* decoding never grows the text */
	request r;
	memset(&r, 0, sizeof(r));
	const char *allow = NULL;
	const route *found = route_match(&r, methods[data[0] & 7], path, &allow);
	if (found) {
		for (int i = 0; i < 4 && r.params[i]; i++) {
			/* a {…} segment is one whole segment of the path */
			if (!*r.params[i] || strchr(r.params[i], '/') || !strstr(path, r.params[i]))
				abort();
			int64_t id;
			param_id(&r, i, "record", &id);
		}
	}
	json_decref(r.reply);
	free(r.param_store);
	free(path);
	return 0;
}
