/* web_assets.h — the web page's files, embedded into the binary at build time. */
#ifndef RECIP_WEB_ASSETS_H
#define RECIP_WEB_ASSETS_H

#include <stddef.h>

struct web_asset {
	const char *path;          /* "/app.js" */
	const char *content_type;
	const unsigned char *data;
	size_t size;
};

/* Terminated by an entry with path NULL (cmake/embed_assets.cmake). */
extern const struct web_asset recip_web_assets[];

#endif
