/*
 * fuzz_request.c — libFuzzer target: one HTTP request through the whole of
 * `recip serve`'s request handling — libmicrohttpd's parsing, the server's
 * percent-decoding, size and header limits, signing in, routing, query
 * parameters, the JSON body, the record layer behind every route, and the
 * reply. The daemon runs in this process without threads or a listening
 * socket (server_start with MHD_USE_NO_LISTEN_SOCKET); each input comes
 * through a new socket pair.
 *
 * Input: a flags byte, then "METHOD TARGET", header lines, an empty line
 * and the body. The harness adds the request's framing (HTTP/1.1, Host,
 * Connection: close, Content-Length) and, as the flags say, a member's API
 * token, a session cookie with or without its CSRF token, and the JSON
 * content type — the fuzzer cannot guess secrets. With flag 0x08 the bytes
 * after the flags are sent as they are. The database is put back to its
 * first state every few thousand requests, so that it does not grow.
 */
#define _GNU_SOURCE
#include "fuzz_support.h"

#include <microhttpd.h>
#include <recip/server.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "server.h"

#define RESET_EVERY 2000

static struct {
	struct MHD_Daemon *daemon;
	char db_path[256];
	char *token, *session, *csrf;
	buf first_state; /* the database file as it was made */
	unsigned requests;
	recip_ctx *settings;
} fz;

static void must(bool ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz harness: %s: %s\n", what, fz.settings ? recip_errmsg(fz.settings) : strerror(errno));
		abort();
	}
}

static void remove_database(void)
{
	char side[300];
	unlink(fz.db_path);
	snprintf(side, sizeof(side), "%s-wal", fz.db_path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", fz.db_path);
	unlink(side);
}

static void write_first_state(void)
{
	remove_database();
	FILE *f = fopen(fz.db_path, "wb");
	must(f && fwrite(fz.first_state.data, 1, fz.first_state.len, f) == fz.first_state.len, "the database");
	fclose(f);
}

static void setup(void)
{
	signal(SIGPIPE, SIG_IGN);
	const char *dir = getenv("TMPDIR");
	snprintf(fz.db_path, sizeof(fz.db_path), "%s/recip-fuzz-request-%d.db", dir ? dir : "/tmp", (int)getpid());
	remove_database();
	fz.settings = fuzz_ctx();
	must(recip_open(fz.settings, fz.db_path, RECIP_OPEN_CREATE) == RECIP_OK, "creating the database");
	static const recip_field ana[] = {{"name", "Ana Lima", RECIP_SET, NULL},
	                                  {"email", "ana@example.com", RECIP_SET, NULL}};
	int64_t id, user;
	must(recip_record_add(fz.settings, &id, "party", ana, 2) == RECIP_OK, "a party");
	must(recip_user_add(fz.settings, &user, "mia", RECIP_ROLE_MEMBER, "fuzz-password") == RECIP_OK, "a user");
	must(recip_token_create(fz.settings, &fz.token, &id, "mia", "fuzz") == RECIP_OK, "a token");
	/* a session that lasts: the server's clock stands still at fuzz_now() */
	must(recip_session_create(fz.settings, &fz.session, &fz.csrf, user, fuzz_now() + 86400) == RECIP_OK,
	     "a session");
	recip_close(fz.settings);
	FILE *f = fopen(fz.db_path, "rb");
	must(f != NULL, "reading the database back");
	buf_init(&fz.first_state, 0);
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&fz.first_state, chunk, n);
	fclose(f);
	must(!fz.first_state.failed, "reading the database back");

	server_options opt = {
		.db_path = fz.db_path,
		.settings = fz.settings,
		.listen = "fuzz",
		.fixed_now = true,
		.now = fuzz_now(),
		.threads = 1,
		.max_body = 64 * 1024,
		.max_connections = 16,
		.max_per_ip = 16,
		.timeout = 5,
		.max_headers = 64,
		.session_hours = 168,
		.login_failures = 5,
		.login_window = 900,
	};
	fz.daemon = server_start(&opt, MHD_USE_NO_LISTEN_SOCKET, NULL);
	must(fz.daemon != NULL, "starting the daemon");
}

/* The request as the harness frames it (see the top of the file). */
static void frame(buf *out, const uint8_t *data, size_t size)
{
	uint8_t flags = data[0];
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	if (flags & 0x08) {
		buf_add(out, text, len);
		return;
	}
	const char *nl = memchr(text, '\n', len);
	size_t line = nl ? (size_t)(nl - text) : len;
	buf_add(out, text, line);
	buf_adds(out, " HTTP/1.1\r\nHost: fuzz\r\nConnection: close\r\n");
	switch (flags & 3) {
	case 1:
		buf_printf(out, "Authorization: Bearer %s\r\n", fz.token);
		break;
	case 2:
		buf_printf(out, "X-CSRF-Token: %s\r\n", fz.csrf);
		/* fall through */
	case 3:
		buf_printf(out, "Cookie: recip_session=%s\r\n", fz.session);
		break;
	}
	if (flags & 0x04)
		buf_adds(out, "Content-Type: application/json\r\n");
	const char *rest = nl ? nl + 1 : text + len;
	const char *end = text + len;
	/* header lines until an empty one; the body after it */
	while (rest < end) {
		const char *eol = memchr(rest, '\n', (size_t)(end - rest));
		size_t n = eol ? (size_t)(eol - rest) : (size_t)(end - rest);
		if (n == 0) {
			rest++;
			break;
		}
		buf_add(out, rest, n);
		buf_adds(out, "\r\n");
		rest += n + (eol ? 1 : 0);
	}
	size_t body = (size_t)(end - rest);
	buf_printf(out, "Content-Length: %zu\r\n\r\n", body);
	buf_add(out, rest, body);
}

static unsigned open_connections(void)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(fz.daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	return info ? info->num_connections : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!fz.daemon)
		setup();
	if (size < 1)
		return 0;
	if (++fz.requests % RESET_EVERY == 0) {
		server_release_worker();
		write_first_state();
	}
	buf request = BUF_INIT;
	frame(&request, data, size);
	must(!request.failed, "framing the request");

	int pair[2];
	must(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, pair) == 0, "a socket pair");
	struct sockaddr_in peer = {.sin_family = AF_INET, .sin_port = htons(40000)};
	peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (MHD_add_connection(fz.daemon, pair[1], (struct sockaddr *)&peer, sizeof(peer)) != MHD_YES) {
		close(pair[0]);
		close(pair[1]);
		buf_release(&request);
		return 0;
	}
	/* send, run the daemon, read the reply, until it closes or we give up */
	size_t sent = 0;
	bool closed = false;
	char reply[16384];
	for (int round = 0; round < 200 && !closed; round++) {
		if (sent < request.len) {
			ssize_t n = write(pair[0], request.data + sent, request.len - sent);
			if (n > 0)
				sent += (size_t)n;
		}
		MHD_run(fz.daemon);
		for (;;) {
			ssize_t n = read(pair[0], reply, sizeof(reply));
			if (n > 0)
				continue;
			if (n == 0)
				closed = true;
			break;
		}
	}
	close(pair[0]);
	for (int round = 0; round < 100 && open_connections() > 0; round++)
		MHD_run(fz.daemon);
	buf_release(&request);
	return 0;
}
