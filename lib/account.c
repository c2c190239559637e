/*
 * account.c — users, passwords, sessions, API tokens and calendar feed
 * tokens of the HTTP server (recip/server.h). Passwords are argon2id hashes;
 * every other credential is "KIND_LOOKUP_SECRET" of which only the lookup
 * and a hash of the secret are stored, the hash compared in constant time.
 * User changes go to the audit trail like every other write.
 */
#include "entity.h"
#include "db.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOOKUP_BYTES 6                       /* 12 hex digits: found by index */
#define SECRET_BYTES 32                      /* 256 bits: never stored */
#define HASH_HEX (crypto_generichash_BYTES * 2 + 1)
#define PASSWORD_MIN 8
#define PASSWORD_MAX 1000

/* ---- roles ------------------------------------------------------------------------ */

static const char *const role_names[] = {"none", "viewer", "member", "owner"};

const char *recip_role_name(recip_role role)
{
	return role >= RECIP_ROLE_NONE && role <= RECIP_ROLE_OWNER ? role_names[role] : "none";
}

int recip_role_parse(recip_ctx *ctx, recip_role *out, const char *text)
{
	for (int r = RECIP_ROLE_VIEWER; r <= RECIP_ROLE_OWNER; r++) {
		if (text && !strcmp(text, role_names[r])) {
			*out = (recip_role)r;
			return RECIP_OK;
		}
	}
	return recip_fail(ctx, RECIP_EINVAL, "bad role '%.40s' (one of: owner, member, viewer)", text ? text : "");
}

static recip_role role_of(const char *text)
{
	for (int r = RECIP_ROLE_VIEWER; r <= RECIP_ROLE_OWNER; r++)
		if (text && !strcmp(text, role_names[r]))
			return (recip_role)r;
	return RECIP_ROLE_NONE;
}

/* ---- secrets ---------------------------------------------------------------------- */

static int crypto_ready(recip_ctx *ctx)
{
	/* sodium_init is idempotent and thread-safe: no state of ours */
	if (sodium_init() < 0)
		return recip_fail(ctx, RECIP_ERROR, "the cryptography library cannot start");
	return RECIP_OK;
}

static void hex_of(char *out, const unsigned char *bytes, size_t n)
{
	sodium_bin2hex(out, n * 2 + 1, bytes, n);
}

static void secret_hash(char out[HASH_HEX], const char *secret_hex)
{
	unsigned char h[crypto_generichash_BYTES];
	crypto_generichash(h, sizeof(h), (const unsigned char *)secret_hex, strlen(secret_hex), NULL, 0);
	hex_of(out, h, sizeof(h));
}

/* A new credential "KIND_LOOKUP_SECRET": the whole token for the caller,
 * the lookup and the secret's hash for the database. */
static int credential_new(recip_ctx *ctx, const char *kind, char **out_token, char lookup[LOOKUP_BYTES * 2 + 1],
                          char hash[HASH_HEX])
{
	unsigned char lk[LOOKUP_BYTES], sec[SECRET_BYTES];
	char sec_hex[SECRET_BYTES * 2 + 1];
	randombytes_buf(lk, sizeof(lk));
	randombytes_buf(sec, sizeof(sec));
	hex_of(lookup, lk, sizeof(lk));
	hex_of(sec_hex, sec, sizeof(sec));
	secret_hash(hash, sec_hex);
	buf b = BUF_INIT;
	buf_printf(&b, "%s_%s_%s", kind, lookup, sec_hex);
	sodium_memzero(sec, sizeof(sec));
	sodium_memzero(sec_hex, sizeof(sec_hex));
	if (b.failed) {
		buf_release(&b);
		return recip_oom(ctx);
	}
	*out_token = buf_detach(&b);
	return RECIP_OK;
}

/* Splits a presented token into its lookup and the hash of its secret;
 * false when it is not a well-formed token of this kind. */
static bool credential_parse(const char *token, const char *kind, char lookup[LOOKUP_BYTES * 2 + 1],
                             char hash[HASH_HEX])
{
	size_t klen = strlen(kind);
	if (!token || strncmp(token, kind, klen) || token[klen] != '_')
		return false;
	const char *lk = token + klen + 1;
	const char *sec = lk + LOOKUP_BYTES * 2;
	if (strspn(lk, "0123456789abcdef") != LOOKUP_BYTES * 2 || *sec != '_')
		return false;
	sec++;
	if (strlen(sec) != SECRET_BYTES * 2 || strspn(sec, "0123456789abcdef") != SECRET_BYTES * 2)
		return false;
	memcpy(lookup, lk, LOOKUP_BYTES * 2);
	lookup[LOOKUP_BYTES * 2] = '\0';
	secret_hash(hash, sec);
	return true;
}

static bool hash_equal(const char *stored, const char *presented)
{
	return stored && strlen(stored) == HASH_HEX - 1 && sodium_memcmp(stored, presented, HASH_HEX - 1) == 0;
}

static int denied(recip_ctx *ctx, const char *what)
{
	return recip_fail(ctx, RECIP_EPERM, "%s", what);
}

/* ---- users ------------------------------------------------------------------------ */

static int check_name(recip_ctx *ctx, const char *name)
{
	if (!name || !*name)
		return recip_fail(ctx, RECIP_EINVAL, "the user's name is empty");
	int rc = text_check(ctx, "user name", name, 100, false);
	if (rc)
		return rc;
	if (strchr(name, ' ') == name || name[strlen(name) - 1] == ' ')
		return recip_fail(ctx, RECIP_EINVAL, "user name '%s' starts or ends with a space", name);
	return RECIP_OK;
}

static int hash_password(recip_ctx *ctx, const char *password, char out[crypto_pwhash_STRBYTES])
{
	if (!password)
		password = "";
	size_t len = strlen(password);
	if (utf8_length(password) < PASSWORD_MIN)
		return recip_fail(ctx, RECIP_EINVAL, "the password is too short (at least %d characters)", PASSWORD_MIN);
	if (len > PASSWORD_MAX)
		return recip_fail(ctx, RECIP_ETOOBIG, "the password is too long (at most %d bytes)", PASSWORD_MAX);
	if (!utf8_valid(password, len))
		return recip_fail(ctx, RECIP_EINVAL, "the password is not valid UTF-8");
	int rc = crypto_ready(ctx);
	if (rc)
		return rc;
	if (crypto_pwhash_str_alg(out, password, len, crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                          crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
		return recip_oom(ctx);
	return RECIP_OK;
}

static int user_audit(recip_ctx *ctx, const char *action, int64_t id, const char *name, const char *role_before,
                      const char *role_after)
{
	json_t *before = role_before ? json_pack("{s:s, s:s}", "name", name, "role", role_before) : NULL;
	json_t *after = role_after ? json_pack("{s:s, s:s}", "name", name, "role", role_after) : NULL;
	int rc = (role_before && !before) || (role_after && !after)
	                 ? recip_oom(ctx)
	                 : audit_write(ctx, action, "user", id, 0, before, after);
	json_decref(before);
	json_decref(after);
	return rc;
}

int recip_user_get(recip_ctx *ctx, recip_user *out, const char *name)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	char *key = text_fold(name ? name : "");
	if (!key)
		return recip_oom(ctx);
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT id, name, role FROM app_user WHERE name_key = ?", "t", key);
	free(key);
	if (rc)
		return rc;
	rc = db_step(ctx, st);
	if (rc == DB_ROW) {
		out->id = db_col_int(st, 0);
		snprintf(out->name, sizeof(out->name), "%s", db_col_text(st, 1));
		out->role = role_of(db_col_text(st, 2));
		rc = RECIP_OK;
	} else if (rc == DB_DONE) {
		rc = recip_fail(ctx, RECIP_ENOTFOUND, "no user '%.100s'", name ? name : "");
	}
	db_done(st);
	return rc;
}

int recip_user_add(recip_ctx *ctx, int64_t *out_id, const char *name, recip_role role, const char *password)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	int rc = check_name(ctx, name);
	if (rc)
		return rc;
	if (role < RECIP_ROLE_VIEWER || role > RECIP_ROLE_OWNER)
		return recip_fail(ctx, RECIP_EINVAL, "bad role (one of: owner, member, viewer)");
	char hash[crypto_pwhash_STRBYTES];
	if ((rc = hash_password(ctx, password, hash)))
		return rc;
	char *key = text_fold(name);
	if (!key)
		return recip_oom(ctx);
	rc = tx_begin(ctx);
	if (rc) {
		free(key);
		return rc;
	}
	int64_t other, id = 0;
	rc = db_int(ctx, &other, 0, "SELECT id FROM app_user WHERE name_key = ?", "t", key);
	if (!rc && other)
		rc = recip_fail(ctx, RECIP_EEXISTS, "there is already a user '%s'", name);
	if (!rc)
		rc = db_int(ctx, &id, 0,
		            "INSERT INTO app_user (name, name_key, role, password_hash, created_at, updated_at) "
		            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
		            "ttttii", name, key, recip_role_name(role), hash, ctx->now, ctx->now);
	if (!rc)
		rc = user_audit(ctx, "create", id, name, NULL, recip_role_name(role));
	free(key);
	sodium_memzero(hash, sizeof(hash));
	rc = tx_end(ctx, rc);
	if (!rc && out_id)
		*out_id = id;
	return rc;
}

int recip_user_passwd(recip_ctx *ctx, const char *name, const char *password)
{
	recip_user u;
	int rc = recip_user_get(ctx, &u, name);
	if (rc)
		return rc;
	char hash[crypto_pwhash_STRBYTES];
	if ((rc = hash_password(ctx, password, hash)))
		return rc;
	if ((rc = tx_begin(ctx)))
		return rc;
	rc = db_run(ctx, "UPDATE app_user SET password_hash = ?, updated_at = ? WHERE id = ?", "tii", hash, ctx->now,
	            u.id);
	/* a new password ends every session opened with the old one */
	if (!rc)
		rc = db_run(ctx, "DELETE FROM app_session WHERE user_id = ?", "i", u.id);
	if (!rc)
		rc = user_audit(ctx, "password", u.id, u.name, NULL, NULL);
	sodium_memzero(hash, sizeof(hash));
	return tx_end(ctx, rc);
}

static int count_owners(recip_ctx *ctx, int64_t *out)
{
	return db_int(ctx, out, 0, "SELECT count(*) FROM app_user WHERE role = 'owner'", "");
}

int recip_user_set_role(recip_ctx *ctx, const char *name, recip_role role)
{
	recip_user u;
	int rc = recip_user_get(ctx, &u, name);
	if (rc)
		return rc;
	if (role < RECIP_ROLE_VIEWER || role > RECIP_ROLE_OWNER)
		return recip_fail(ctx, RECIP_EINVAL, "bad role (one of: owner, member, viewer)");
	if ((rc = tx_begin(ctx)))
		return rc;
	int64_t owners;
	rc = count_owners(ctx, &owners);
	if (!rc && u.role == RECIP_ROLE_OWNER && role != RECIP_ROLE_OWNER && owners <= 1)
		rc = recip_fail(ctx, RECIP_EEXISTS, "'%s' is the last owner; make another user an owner first", u.name);
	if (!rc)
		rc = db_run(ctx, "UPDATE app_user SET role = ?, updated_at = ? WHERE id = ?", "tii", recip_role_name(role),
		            ctx->now, u.id);
	if (!rc)
		rc = user_audit(ctx, "update", u.id, u.name, recip_role_name(u.role), recip_role_name(role));
	return tx_end(ctx, rc);
}

int recip_user_remove(recip_ctx *ctx, const char *name)
{
	recip_user u;
	int rc = recip_user_get(ctx, &u, name);
	if (rc)
		return rc;
	if ((rc = tx_begin(ctx)))
		return rc;
	int64_t owners;
	rc = count_owners(ctx, &owners);
	if (!rc && u.role == RECIP_ROLE_OWNER && owners <= 1)
		rc = recip_fail(ctx, RECIP_EEXISTS, "'%s' is the last owner and cannot be removed", u.name);
	/* PostgreSQL cascades; SQLite does too with foreign keys on, but say it */
	if (!rc)
		rc = db_run(ctx, "DELETE FROM app_session WHERE user_id = ?", "i", u.id);
	if (!rc)
		rc = db_run(ctx, "DELETE FROM api_token WHERE user_id = ?", "i", u.id);
	if (!rc)
		rc = db_run(ctx, "DELETE FROM app_user WHERE id = ?", "i", u.id);
	if (!rc)
		rc = user_audit(ctx, "delete", u.id, u.name, recip_role_name(u.role), NULL);
	return tx_end(ctx, rc);
}

static json_t *user_item(db_stmt *st, void *arg)
{
	(void)arg;
	return json_pack("{s:I, s:s, s:s, s:o, s:I, s:b}", "id", (json_int_t)db_col_int(st, 0), "name", db_col_text(st, 1),
	                 "role", db_col_text(st, 2), "created_at", jtime(db_col_int(st, 3)), "tokens",
	                 (json_int_t)db_col_int(st, 5), "feed", !db_col_null(st, 4));
}

int recip_user_list(recip_ctx *ctx, json_t **out)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT u.id, u.name, u.role, u.created_at, u.feed_lookup, "
	                  "(SELECT count(*) FROM api_token t WHERE t.user_id = u.id AND t.revoked_at IS NULL) "
	                  "FROM app_user u ORDER BY u.name_key",
	                  "");
	if (rc)
		return rc;
	json_t *items;
	rc = db_collect(ctx, st, user_item, NULL, &items);
	if (rc)
		return rc;
	*out = json_pack("{s:o}", "items", items);
	return *out ? RECIP_OK : recip_oom(ctx);
}

/* An unknown name costs one argon2id computation too, so that timing does
 * not tell which names exist. */
static void equal_cost(const char *password)
{
	char hash[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str_alg(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                          crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) == 0)
		sodium_memzero(hash, sizeof(hash));
}

int recip_user_login(recip_ctx *ctx, recip_user *out, const char *name, const char *password)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	int rc = crypto_ready(ctx);
	if (rc)
		return rc;
	if (!password || strlen(password) > PASSWORD_MAX)
		return denied(ctx, "wrong user name or password");
	char *key = text_fold(name ? name : "");
	if (!key)
		return recip_oom(ctx);
	db_stmt *st;
	rc = db_query(ctx, &st, "SELECT id, name, role, password_hash FROM app_user WHERE name_key = ?", "t", key);
	free(key);
	if (rc)
		return rc;
	rc = db_step(ctx, st);
	if (rc == DB_ROW) {
		bool ok = crypto_pwhash_str_verify(db_col_text(st, 3), password, strlen(password)) == 0;
		if (ok) {
			out->id = db_col_int(st, 0);
			snprintf(out->name, sizeof(out->name), "%s", db_col_text(st, 1));
			out->role = role_of(db_col_text(st, 2));
			rc = RECIP_OK;
		} else {
			rc = denied(ctx, "wrong user name or password");
		}
	} else if (rc == DB_DONE) {
		equal_cost(password);
		rc = denied(ctx, "wrong user name or password");
	}
	db_done(st);
	return rc;
}

/* ---- sessions --------------------------------------------------------------------- */

/* Reads the user of a credential row: id, name, role come first. */
static void user_from_row(db_stmt *st, recip_user *out)
{
	out->id = db_col_int(st, 0);
	snprintf(out->name, sizeof(out->name), "%s", db_col_text(st, 1));
	out->role = role_of(db_col_text(st, 2));
}

int recip_session_create(recip_ctx *ctx, char **out_token, char **out_csrf, int64_t user, recip_time expires)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	int rc = crypto_ready(ctx);
	if (rc)
		return rc;
	char lookup[LOOKUP_BYTES * 2 + 1], hash[HASH_HEX];
	unsigned char raw[SECRET_BYTES];
	char csrf[SECRET_BYTES * 2 + 1];
	randombytes_buf(raw, sizeof(raw));
	hex_of(csrf, raw, sizeof(raw));
	char *token = NULL, *csrf_copy = NULL;
	rc = credential_new(ctx, "rcs", &token, lookup, hash);
	if (!rc && !(csrf_copy = xstrdup(csrf)))
		rc = recip_oom(ctx);
	if (!rc && !(rc = tx_begin(ctx))) {
		/* expired sessions go when new ones come */
		rc = db_run(ctx, "DELETE FROM app_session WHERE expires_at <= ?", "i", ctx->now);
		if (!rc)
			rc = db_run(ctx,
			            "INSERT INTO app_session (user_id, lookup, secret_hash, csrf, created_at, expires_at) "
			            "VALUES (?, ?, ?, ?, ?, ?)",
			            "itttii", user, lookup, hash, csrf, ctx->now, expires);
		rc = tx_end(ctx, rc);
	}
	if (rc) {
		free(token);
		free(csrf_copy);
		return rc;
	}
	*out_token = token;
	*out_csrf = csrf_copy;
	return RECIP_OK;
}

int recip_session_check(recip_ctx *ctx, recip_user *out, char **out_csrf, const char *token)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	char lookup[LOOKUP_BYTES * 2 + 1], hash[HASH_HEX];
	if (crypto_ready(ctx) || !credential_parse(token, "rcs", lookup, hash))
		return denied(ctx, "not signed in");
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT u.id, u.name, u.role, s.secret_hash, s.csrf, s.expires_at FROM app_session s "
	                  "JOIN app_user u ON u.id = s.user_id WHERE s.lookup = ?",
	                  "t", lookup);
	if (rc)
		return rc;
	rc = db_step(ctx, st);
	if (rc == DB_ROW && hash_equal(db_col_text(st, 3), hash) && db_col_int(st, 5) > ctx->now) {
		user_from_row(st, out);
		rc = RECIP_OK;
		if (out_csrf && !(*out_csrf = xstrdup(db_col_text(st, 4))))
			rc = recip_oom(ctx);
	} else if (rc >= 0) {
		rc = denied(ctx, "not signed in (the session is unknown or expired)");
	}
	db_done(st);
	return rc;
}

int recip_session_end(recip_ctx *ctx, const char *token)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	char lookup[LOOKUP_BYTES * 2 + 1], hash[HASH_HEX];
	if (crypto_ready(ctx) || !credential_parse(token, "rcs", lookup, hash))
		return RECIP_OK;
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	/* only the holder of the secret may end it */
	char *stored = NULL;
	db_stmt *st;
	rc = db_query(ctx, &st, "SELECT secret_hash FROM app_session WHERE lookup = ?", "t", lookup);
	if (!rc) {
		if ((rc = db_step(ctx, st)) == DB_ROW && !(stored = xstrdup(db_col_text(st, 0))))
			rc = recip_oom(ctx);
		rc = rc < 0 ? rc : RECIP_OK;
		db_done(st);
	}
	if (!rc && stored && hash_equal(stored, hash))
		rc = db_run(ctx, "DELETE FROM app_session WHERE lookup = ?", "t", lookup);
	free(stored);
	return tx_end(ctx, rc);
}

/* ---- API tokens ------------------------------------------------------------------- */

int recip_token_create(recip_ctx *ctx, char **out_token, int64_t *out_id, const char *user, const char *label)
{
	recip_user u;
	int rc = recip_user_get(ctx, &u, user);
	if (rc)
		return rc;
	if (!label || !*label)
		label = "token";
	if ((rc = text_check(ctx, "label", label, 100, false)) || (rc = crypto_ready(ctx)))
		return rc;
	char lookup[LOOKUP_BYTES * 2 + 1], hash[HASH_HEX];
	char *token = NULL;
	if ((rc = credential_new(ctx, "rcp", &token, lookup, hash)))
		return rc;
	int64_t id = 0;
	if (!(rc = tx_begin(ctx))) {
		rc = db_int(ctx, &id, 0,
		            "INSERT INTO api_token (user_id, label, lookup, secret_hash, created_at) "
		            "VALUES (?, ?, ?, ?, ?) RETURNING id",
		            "ittti", u.id, label, lookup, hash, ctx->now);
		if (!rc) {
			json_t *after = json_pack("{s:s, s:s}", "user", u.name, "label", label);
			rc = after ? audit_write(ctx, "create", "api_token", id, 0, NULL, after) : recip_oom(ctx);
			json_decref(after);
		}
		rc = tx_end(ctx, rc);
	}
	if (rc) {
		free(token);
		return rc;
	}
	*out_token = token;
	if (out_id)
		*out_id = id;
	return RECIP_OK;
}

static json_t *token_item(db_stmt *st, void *arg)
{
	(void)arg;
	return json_pack("{s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)db_col_int(st, 0), "user", db_col_text(st, 1),
	                 "label", db_col_text(st, 2), "created_at", jtime(db_col_int(st, 3)), "revoked_at",
	                 jtime(db_col_time(st, 4)));
}

int recip_token_list(recip_ctx *ctx, json_t **out, const char *user)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	int64_t uid = 0;
	if (user) {
		recip_user u;
		int rc = recip_user_get(ctx, &u, user);
		if (rc)
			return rc;
		uid = u.id;
	}
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT t.id, u.name, t.label, t.created_at, t.revoked_at FROM api_token t "
	                  "JOIN app_user u ON u.id = t.user_id WHERE (CAST(? AS BIGINT) = 0 OR t.user_id = ?) "
	                  "ORDER BY t.id",
	                  "ii", uid, uid);
	if (rc)
		return rc;
	json_t *items;
	rc = db_collect(ctx, st, token_item, NULL, &items);
	if (rc)
		return rc;
	*out = json_pack("{s:o}", "items", items);
	return *out ? RECIP_OK : recip_oom(ctx);
}

int recip_token_revoke(recip_ctx *ctx, int64_t id, const char *user)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	int64_t uid = 0;
	if (user) {
		recip_user u;
		int rc = recip_user_get(ctx, &u, user);
		if (rc)
			return rc;
		uid = u.id;
	}
	int rc = tx_begin(ctx);
	if (rc)
		return rc;
	int64_t found;
	rc = db_int(ctx, &found, 0,
	            "SELECT count(*) FROM api_token WHERE id = ? AND revoked_at IS NULL "
	            "AND (CAST(? AS BIGINT) = 0 OR user_id = ?)",
	            "iii", id, uid, uid);
	if (!rc && !found)
		rc = recip_fail(ctx, RECIP_ENOTFOUND, "no live token #%lld", (long long)id);
	if (!rc)
		rc = db_run(ctx, "UPDATE api_token SET revoked_at = ? WHERE id = ?", "ii", ctx->now, id);
	if (!rc)
		rc = audit_write(ctx, "revoke", "api_token", id, 0, NULL, NULL);
	return tx_end(ctx, rc);
}

int recip_token_check(recip_ctx *ctx, recip_user *out, const char *token)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	char lookup[LOOKUP_BYTES * 2 + 1], hash[HASH_HEX];
	if (crypto_ready(ctx) || !credential_parse(token, "rcp", lookup, hash))
		return denied(ctx, "the API token is not valid");
	db_stmt *st;
	int rc = db_query(ctx, &st,
	                  "SELECT u.id, u.name, u.role, t.secret_hash FROM api_token t JOIN app_user u "
	                  "ON u.id = t.user_id WHERE t.lookup = ? AND t.revoked_at IS NULL",
	                  "t", lookup);
	if (rc)
		return rc;
	rc = db_step(ctx, st);
	if (rc == DB_ROW && hash_equal(db_col_text(st, 3), hash)) {
		user_from_row(st, out);
		rc = RECIP_OK;
	} else if (rc >= 0) {
		rc = denied(ctx, "the API token is not valid");
	}
	db_done(st);
	return rc;
}

/* ---- calendar feed tokens ------------------------------------------------------------ */

int recip_feed_token_create(recip_ctx *ctx, char **out_token, const char *user)
{
	recip_user u;
	int rc = recip_user_get(ctx, &u, user);
	if (rc || (rc = crypto_ready(ctx)))
		return rc;
	char lookup[LOOKUP_BYTES * 2 + 1], hash[HASH_HEX];
	char *token = NULL;
	if ((rc = credential_new(ctx, "rcf", &token, lookup, hash)))
		return rc;
	if (!(rc = tx_begin(ctx))) {
		rc = db_run(ctx, "UPDATE app_user SET feed_lookup = ?, feed_hash = ?, updated_at = ? WHERE id = ?", "ttii",
		            lookup, hash, ctx->now, u.id);
		if (!rc)
			rc = audit_write(ctx, "feed", "user", u.id, 0, NULL, NULL);
		rc = tx_end(ctx, rc);
	}
	if (rc) {
		free(token);
		return rc;
	}
	*out_token = token;
	return RECIP_OK;
}

int recip_feed_token_check(recip_ctx *ctx, recip_user *out, const char *token)
{
	if (!ctx->db)
		return recip_fail(ctx, RECIP_ENODB, "no database is open");
	char lookup[LOOKUP_BYTES * 2 + 1], hash[HASH_HEX];
	if (crypto_ready(ctx) || !credential_parse(token, "rcf", lookup, hash))
		return denied(ctx, "the feed token is not valid");
	db_stmt *st;
	int rc = db_query(ctx, &st, "SELECT id, name, role, feed_hash FROM app_user WHERE feed_lookup = ?", "t", lookup);
	if (rc)
		return rc;
	rc = db_step(ctx, st);
	if (rc == DB_ROW && hash_equal(db_col_text(st, 3), hash)) {
		user_from_row(st, out);
		rc = RECIP_OK;
	} else if (rc >= 0) {
		rc = denied(ctx, "the feed token is not valid");
	}
	db_done(st);
	return rc;
}

/* ---- contexts -------------------------------------------------------------------------- */

void recip_ctx_copy_settings(recip_ctx *dst, const recip_ctx *src)
{
	/* the settings are plain values (no pointers): a copy is exact */
	dst->cfg = src->cfg;
}
