/*
 * server.h — accounts for the HTTP server and the web page: users with a
 * role, passwords (argon2id), sessions with their CSRF token, API tokens
 * and calendar feed tokens. They live in the database (schema 4), so that
 * the command line (`recip user`, `recip token`) and every server sharing
 * one database see the same accounts.
 *
 * Secrets are never stored: sessions, API tokens and feed tokens are
 * "KIND_LOOKUP_SECRET" strings of which only the lookup part and a BLAKE2b
 * hash of the secret are kept; a presented secret's hash is compared in
 * constant time. Passwords are kept as argon2id hashes (libsodium).
 */
#ifndef RECIP_SERVER_H
#define RECIP_SERVER_H

#include "recip/recip.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a user may do: viewers read, members also write, owners also manage
 * users. Ordered, so that "at least a member" is role >= RECIP_ROLE_MEMBER. */
typedef enum recip_role {
	RECIP_ROLE_NONE = 0,    /* not signed in */
	RECIP_ROLE_VIEWER = 1,
	RECIP_ROLE_MEMBER = 2,
	RECIP_ROLE_OWNER = 3
} recip_role;

/* "owner", "member", "viewer" (and "none"). */
RECIP_API const char *recip_role_name(recip_role role);
/* Parses a role's name; RECIP_EINVAL names the choices. */
RECIP_API int recip_role_parse(recip_ctx *ctx, recip_role *out, const char *text);

/* A signed-in user, as the checks below return it. */
typedef struct recip_user {
	int64_t id;
	char name[128];
	recip_role role;
} recip_user;

/* Passwords: at least 8 characters, at most 1000. */
RECIP_API int recip_user_add(recip_ctx *ctx, int64_t *out_id, const char *name, recip_role role,
                             const char *password);
RECIP_API int recip_user_passwd(recip_ctx *ctx, const char *name, const char *password);
RECIP_API int recip_user_set_role(recip_ctx *ctx, const char *name, recip_role role);
/* Removes a user with their sessions and tokens. The last owner stays. */
RECIP_API int recip_user_remove(recip_ctx *ctx, const char *name);
/* {"items": [{"id", "name", "role", "created_at", "tokens", "feed"}]} */
RECIP_API int recip_user_list(recip_ctx *ctx, json_t **out);
/* One user by name (RECIP_ENOTFOUND when none). */
RECIP_API int recip_user_get(recip_ctx *ctx, recip_user *out, const char *name);

/* Checks a name and password. A wrong name or password fails alike with
 * RECIP_EPERM and takes the same time (an unknown name still costs one
 * argon2id verification). */
RECIP_API int recip_user_login(recip_ctx *ctx, recip_user *out, const char *name, const char *password);

/* Sessions of the web page: a new session token and its CSRF token (both
 * the caller's to free), valid until `expires`. */
RECIP_API int recip_session_create(recip_ctx *ctx, char **out_token, char **out_csrf, int64_t user,
                                   recip_time expires);
/* The user of a live session (as of the context's "now"), and the session's
 * CSRF token (caller frees; out_csrf may be NULL). RECIP_EPERM when the
 * token is unknown, malformed or expired. */
RECIP_API int recip_session_check(recip_ctx *ctx, recip_user *out, char **out_csrf, const char *token);
/* Ends a session; an unknown one is not an error. */
RECIP_API int recip_session_end(recip_ctx *ctx, const char *token);

/* API tokens for scripts, shown once at creation. */
RECIP_API int recip_token_create(recip_ctx *ctx, char **out_token, int64_t *out_id, const char *user,
                                 const char *label);
/* {"items": [{"id", "user", "label", "created_at", "revoked_at"}]}; user NULL: everyone's. */
RECIP_API int recip_token_list(recip_ctx *ctx, json_t **out, const char *user);
/* Revokes a token; with user given, only one of that user's. */
RECIP_API int recip_token_revoke(recip_ctx *ctx, int64_t id, const char *user);
/* The user of a live API token; RECIP_EPERM when unknown or revoked. */
RECIP_API int recip_token_check(recip_ctx *ctx, recip_user *out, const char *token);

/* Calendar feed tokens: one per user, replaced by each call. */
RECIP_API int recip_feed_token_create(recip_ctx *ctx, char **out_token, const char *user);
RECIP_API int recip_feed_token_check(recip_ctx *ctx, recip_user *out, const char *token);

/* Copies the settings in force (from configuration files and
 * recip_config_set) from one context to another, so that a server's worker
 * contexts run with the very settings its command line read. */
RECIP_API void recip_ctx_copy_settings(recip_ctx *dst, const recip_ctx *src);

#ifdef __cplusplus
}
#endif
#endif
