/*
 * cmd_serve.c — `recip serve`: the HTTP API and the web page over the
 * database, until SIGTERM. The options become a server_options; the server
 * itself is in server/.
 */
#include "cli.h"
#include "server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const cli_option serve_options[] = {
	{"listen", 'l', OPT_VALUE, "HOST:PORT", "where to listen (default 127.0.0.1:8080; port 0 picks a free one)"},
	{"threads", 0, OPT_VALUE, "N", "worker threads, each with its own database connection (default 4)"},
	{"max-body", 0, OPT_VALUE, "BYTES", "the largest request body taken (default 1048576)"},
	{"max-connections", 0, OPT_VALUE, "N", "connections at once (default 256; 32 per address)"},
	{"timeout", 0, OPT_VALUE, "SECONDS", "an idle connection is closed after this (default 30)"},
	{"session-hours", 0, OPT_VALUE, "N", "how long a sign-in lasts (default 168, a week)"},
	{"login-failures", 0, OPT_VALUE, "N", "failed sign-ins per name in 15 minutes before a pause (default 5)"},
	{"behind-tls", 0, OPT_FLAG, NULL, "a TLS proxy is in front: cookies are sent with Secure"},
	{"routes", 0, OPT_FLAG, NULL, "print the route table (method, path, least role) and exit"},
	{NULL, 0, 0, NULL, NULL},
};

/* A whole-number option within [min, max]; -1 after the message. */
static int number_option(cli *c, const char *name, unsigned long dflt, unsigned long min, unsigned long max,
                         unsigned long *out)
{
	const char *text = cli_value(c, name);
	*out = dflt;
	if (!text)
		return 0;
	char *end;
	errno = 0;
	unsigned long v = strtoul(text, &end, 10);
	if (!*text || *end || errno || v < min || v > max || text[0] == '-') {
		cli_usage_error(c, "--%s takes a whole number from %lu to %lu, not '%s'", name, min, max, text);
		return -1;
	}
	*out = v;
	return 0;
}

static int run_serve(cli *c)
{
	if (cli_flag(c, "routes")) {
		routes_print(c->out);
		return EXIT_OK;
	}
	unsigned long threads, body, conns, timeout, hours, failures;
	if (number_option(c, "threads", 4, 1, 64, &threads) ||
	    number_option(c, "max-body", 1024 * 1024, 1024, 64ul * 1024 * 1024, &body) ||
	    number_option(c, "max-connections", 256, 1, 10000, &conns) ||
	    number_option(c, "timeout", 30, 1, 3600, &timeout) ||
	    number_option(c, "session-hours", 168, 1, 24 * 365, &hours) ||
	    number_option(c, "login-failures", 5, 1, 1000, &failures))
		return EXIT_USAGE;
	/* opened here, not by the command table, so that --routes needs no database */
	if (recip_open(c->ctx, c->db_path, 0) != RECIP_OK)
		return cli_fail(c);
	const char *notice = recip_upgrade_notice(c->ctx);
	if (notice)
		fprintf(stderr, "recip: %s\n", notice);
	const char *fixed = getenv("RECIP_NOW");
	server_options opt = {
		.db_path = c->db_path,
		.settings = c->ctx,
		.listen = cli_value(c, "listen") ? cli_value(c, "listen") : "127.0.0.1:8080",
		.fixed_now = fixed && *fixed,
		.now = c->now,
		.threads = (unsigned)threads,
		.max_body = body,
		.max_connections = (unsigned)conns,
		.max_per_ip = conns < 32 ? (unsigned)conns : 32,
		.timeout = (unsigned)timeout,
		.max_headers = 64,
		.session_hours = (unsigned)hours,
		.secure_cookies = cli_flag(c, "behind-tls"),
		.login_failures = (unsigned)failures,
		.login_window = 15 * 60,
	};
	int64_t users = 0;
	json_t *list;
	if (recip_user_list(c->ctx, &list) == RECIP_OK) {
		users = (int64_t)json_array_size(json_object_get(list, "items"));
		json_decref(list);
	}
	if (!users)
		fprintf(stderr, "recip serve: no users yet: add one with 'recip user add NAME --role owner'\n");
	return server_run(&opt);
}

const cli_command cmd_serve = {
	.name = "serve",
	.run = run_serve,
	.flags = 0,
	.group = "Server",
	.args = "",
	.min_args = 0,
	.max_args = 0,
	.summary = "serve the HTTP API and the web page",
	.description = "Serves the versioned JSON API (/api/v1/…, described in docs/openapi.yaml), the web page "
	               "(/) and the calendar feed (/calendar.ics?token=…) on the database. Listens on this machine "
	               "only unless told otherwise; put a TLS proxy in front to serve a network, and pass "
	               "--behind-tls. Users and API tokens are managed with 'recip user' and 'recip token'. Stops "
	               "on SIGTERM or Ctrl-C after the requests in flight finish; requests begun after that are answered "
	               "503.",
	.options = serve_options,
	.examples = "recip serve\nrecip serve --listen 127.0.0.1:9000 --threads 8\nrecip serve --routes",
};
