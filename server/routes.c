/*
 * routes.c — the route table of `recip serve` and its handlers. One row per
 * route: method, path, least role, handler (and for the record routes the
 * kind of record, so that one generic handler serves every kind). A new
 * report is one row and, at most, a handler of a few lines that reads its
 * query parameters and calls the library. docs/openapi.yaml describes every
 * row; tests/cli/t4001 fails when they drift apart (`recip serve --routes`).
 */
#include <microhttpd.h>
#include <recip/recip.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "web_assets.h"

#define SESSION_COOKIE "recip_session"
#define MAX_FIELDS 128
#define PAGE_DEFAULT 50
#define PAGE_MAX 500

/* ---- the body of a write as record fields ------------------------------------------------------ */

/* The fields of a JSON object as the library takes them: texts as they are,
 * numbers and booleans as text, null clears, a list replaces a multi-valued
 * field (items are texts or {"value", "label"}). Numbers' texts live in
 * `numbers`. */
struct field_set {
	recip_field items[MAX_FIELDS];
	char numbers[MAX_FIELDS][40];
	size_t n;
};

static int field_push(request *r, field_set *fs, const char *name, json_t *v, recip_change_op op, const char *label)
{
	if (fs->n >= MAX_FIELDS)
		return reply_error(r, 422, "invalid", "too many fields (at most %d)", MAX_FIELDS), -1;
	recip_field *f = &fs->items[fs->n];
	*f = (recip_field){name, NULL, op, label};
	if (json_is_string(v)) {
		f->value = json_string_value(v);
		if (strlen(f->value) != json_string_length(v))
			return reply_error(r, 422, "invalid", "field '%.60s' contains a NUL character", name), -1;
	} else if (json_is_integer(v)) {
		snprintf(fs->numbers[fs->n], sizeof(fs->numbers[0]), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		f->value = fs->numbers[fs->n];
	} else if (json_is_real(v)) {
		snprintf(fs->numbers[fs->n], sizeof(fs->numbers[0]), "%.17g", json_real_value(v));
		f->value = fs->numbers[fs->n];
	} else if (json_is_boolean(v)) {
		f->value = json_is_true(v) ? "yes" : "no";
	} else if (json_is_null(v)) {
		f->value = NULL;
	} else {
		return reply_error(r, 422, "invalid", "field '%.60s' must be a text, a number, true/false or null", name),
		       -1;
	}
	fs->n++;
	return 0;
}

static int fields_from(request *r, json_t *obj, field_set *fs, const char *const *skip)
{
	const char *name;
	json_t *v;
	json_object_foreach(obj, name, v)
	{
		bool skipped = false;
		for (size_t i = 0; skip && skip[i]; i++)
			skipped |= !strcmp(skip[i], name);
		if (skipped)
			continue;
		if (!json_is_array(v)) {
			if (field_push(r, fs, name, v, RECIP_SET, NULL))
				return -1;
			continue;
		}
		if (json_array_size(v) == 0 && field_push(r, fs, name, json_null(), RECIP_SET, NULL))
			return -1;
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item)
		{
			/* the first SET of a multi-valued field replaces it; the next ones add */
			json_t *value = item;
			const char *label = NULL;
			if (json_is_object(item)) {
				value = json_object_get(item, "value");
				json_t *l = json_object_get(item, "label");
				if (!json_is_string(value) || (l && !json_is_null(l) && !json_is_string(l)))
					return reply_error(r, 422, "invalid",
					                   "items of '%.60s' are texts or {\"value\": text, \"label\": text}", name),
					       -1;
				label = json_string_value(l);
			}
			if (field_push(r, fs, name, value, RECIP_SET, label))
				return -1;
		}
	}
	return 0;
}

field_set *body_fields(request *r, json_t *obj, const char *const *skip)
{
	field_set *fs = calloc(1, sizeof(*fs));
	if (!fs)
		return reply_error(r, 500, "no_memory", "out of memory"), NULL;
	if (fields_from(r, obj, fs, skip)) {
		free(fs);
		return NULL;
	}
	return fs;
}

const recip_field *field_set_items(const field_set *fs, size_t *out_n)
{
	*out_n = fs->n;
	return fs->items;
}

void field_set_free(field_set *fs)
{
	free(fs);
}

/* ---- records: one set of handlers for every kind ----------------------------------------------------- */

static int list_records(request *r)
{
	recip_list_query q = {0};
	int64_t limit, offset;
	if (query_int(r, "limit", PAGE_DEFAULT, 1, PAGE_MAX, &limit) || query_int(r, "offset", 0, 0, INT64_MAX, &offset))
		return 0;
	q.limit = limit;
	q.offset = offset;
	q.role = query(r, "role");
	q.tag = query(r, "tag");
	q.search = query(r, "q");
	q.status = query(r, "status");
	q.sort = query(r, "sort");
	const char *archived = query(r, "archived");
	q.include_archived = archived && (!strcmp(archived, "true") || !strcmp(archived, "yes") || !strcmp(archived, "1"));
	const char *as_of = query(r, "as_of");
	if (as_of && query_time(r, "as_of", 0, &q.as_of))
		return 0;
	const char *party = query(r, "party");
	if (party && recip_party_resolve(r->ctx, &q.party, party) != RECIP_OK)
		return reply_recip_error(r);
	json_t *doc;
	if (recip_record_list(r->ctx, &doc, r->route->entity, &q) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, doc);
}

static int get_record(request *r)
{
	int64_t id;
	if (param_id(r, 0, r->route->entity, &id))
		return 0;
	json_t *doc;
	if (recip_record_get(r->ctx, &doc, r->route->entity, id) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, doc);
}

int create_record(request *r)
{
	field_set *fs = body_fields(r, r->json, NULL);
	if (!fs)
		return 0;
	int64_t id;
	int rc = recip_record_add(r->ctx, &id, r->route->entity, fs->items, fs->n);
	field_set_free(fs);
	if (rc != RECIP_OK)
		return reply_recip_error(r);
	json_t *doc;
	if (recip_record_get(r->ctx, &doc, r->route->entity, id) != RECIP_OK)
		return reply_recip_error(r);
	buf where = BUF_INIT;
	buf_printf(&where, "%s/%lld", r->url, (long long)id);
	r->location = buf_detach(&where);
	return reply_json(r, 201, doc);
}

static int update_record(request *r)
{
	int64_t id;
	if (param_id(r, 0, r->route->entity, &id))
		return 0;
	field_set *fs = body_fields(r, r->json, NULL);
	if (!fs)
		return 0;
	int rc = recip_record_update(r->ctx, r->route->entity, id, fs->items, fs->n);
	field_set_free(fs);
	if (rc != RECIP_OK)
		return reply_recip_error(r);
	json_t *doc;
	if (recip_record_get(r->ctx, &doc, r->route->entity, id) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, doc);
}

static int delete_record(request *r)
{
	int64_t id;
	if (param_id(r, 0, r->route->entity, &id))
		return 0;
	if (recip_record_delete(r->ctx, r->route->entity, id) != RECIP_OK)
		return reply_recip_error(r);
	return reply_empty(r, 204);
}

static int describe_entity(request *r)
{
	json_t *doc;
	if (recip_entity_describe(r->ctx, r->params[0], &doc) != RECIP_OK)
		return reply_error(r, 404, "not_found", "%s", recip_errmsg(r->ctx));
	return reply_json(r, 200, doc);
}

/* ---- parties, asks and promises ----------------------------------------------------------------- */

static int party_overview(request *r)
{
	int64_t id, timeline;
	recip_time as_of;
	if (param_id(r, 0, "party", &id) || query_time(r, "as_of", recip_ctx_now(r->ctx), &as_of) ||
	    query_int(r, "timeline", 30, 0, 10000, &timeline))
		return 0;
	json_t *doc;
	if (recip_party_show(r->ctx, &doc, id, as_of, timeline) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, doc);
}

/* The balance at evenly spaced times from `from` to `as_of`, for the chart
 * of the party page: each point is the library's balance as of that time. */
static int balance_history(request *r)
{
	int64_t id, points;
	recip_time as_of, from;
	if (param_id(r, 0, "party", &id) || query_time(r, "as_of", recip_ctx_now(r->ctx), &as_of) ||
	    query_time(r, "from", as_of - 365 * RECIP_DAY, &from) || query_int(r, "points", 25, 2, 120, &points))
		return 0;
	if (from >= as_of)
		return reply_error(r, 400, "bad_parameter", "from must be before as_of");
	json_t *items = json_array();
	if (!items)
		return reply_error(r, 500, "no_memory", "out of memory");
	for (int64_t i = 0; i < points; i++) {
		recip_time t = from + (recip_time)((double)(as_of - from) * (double)i / (double)(points - 1));
		json_t *doc;
		if (recip_balance_report(r->ctx, &doc, id, t) != RECIP_OK) {
			json_decref(items);
			return reply_recip_error(r);
		}
		json_t *item = json_array_get(json_object_get(doc, "items"), 0);
		json_t *point = json_pack("{s:O, s:O}", "at", json_object_get(doc, "as_of"), "balance",
		                          item ? json_object_get(item, "balance") : json_real(0));
		json_decref(doc);
		if (!point || json_array_append_new(items, point)) {
			json_decref(items);
			return reply_error(r, 500, "no_memory", "out of memory");
		}
	}
	return reply_json(r, 200, json_pack("{s:I, s:o}", "party", (json_int_t)id, "points", items));
}

static int ask_check(request *r)
{
	int64_t id;
	recip_time as_of;
	if (param_id(r, 0, "party", &id) || query_time(r, "as_of", recip_ctx_now(r->ctx), &as_of))
		return 0;
	const char *what = query(r, "what");
	if (!what || !*what)
		return reply_error(r, 400, "bad_parameter", "what are we asking for? (what=review, referral …)");
	json_t *doc;
	if (recip_ask_check(r->ctx, &doc, id, what, as_of) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, doc);
}

int body_text(request *r, const char *name, const char **out)
{
	json_t *v = json_object_get(r->json, name);
	*out = NULL;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return reply_error(r, 422, "invalid", "'%s' must be a text", name), -1;
	*out = json_string_value(v);
	return 0;
}

int body_time(request *r, const char *name, recip_time *out)
{
	const char *text;
	*out = recip_ctx_now(r->ctx);
	if (body_text(r, name, &text))
		return -1;
	if (text && recip_time_parse(r->ctx, out, text, recip_ctx_now(r->ctx), false) != RECIP_OK)
		return reply_error(r, 422, "invalid", "%s: %s", name, recip_errmsg(r->ctx)), -1;
	return 0;
}

int body_bool(request *r, const char *name, bool *out)
{
	json_t *v = json_object_get(r->json, name);
	*out = json_is_true(v);
	if (v && !json_is_boolean(v) && !json_is_null(v))
		return reply_error(r, 422, "invalid", "'%s' must be true or false", name), -1;
	return 0;
}

static int resolve_ask(request *r)
{
	int64_t id, exchange = 0;
	recip_time at;
	const char *status, *note;
	if (param_id(r, 0, "ask", &id) || body_text(r, "status", &status) || body_text(r, "note", &note) ||
	    body_time(r, "at", &at))
		return 0;
	if (recip_ask_resolve(r->ctx, &exchange, id, status ? status : "", at, note) != RECIP_OK)
		return reply_recip_error(r);
	json_t *doc;
	if (recip_record_get(r->ctx, &doc, "ask", id) != RECIP_OK)
		return reply_recip_error(r);
	if (exchange)
		json_object_set_new(doc, "exchange", json_integer(exchange));
	return reply_json(r, 200, doc);
}

static int resolve_promise(request *r)
{
	int64_t id;
	recip_time at;
	const char *status;
	if (param_id(r, 0, "promise", &id) || body_text(r, "status", &status) || body_time(r, "at", &at))
		return 0;
	if (recip_promise_resolve(r->ctx, id, status ? status : "", at) != RECIP_OK)
		return reply_recip_error(r);
	json_t *doc;
	if (recip_record_get(r->ctx, &doc, "promise", id) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, doc);
}

/* ---- reports ------------------------------------------------------------------------------------- */

static int balance_report(request *r)
{
	recip_time as_of;
	int64_t party = 0;
	if (query_time(r, "as_of", recip_ctx_now(r->ctx), &as_of))
		return 0;
	const char *p = query(r, "party");
	if (p && recip_party_resolve(r->ctx, &party, p) != RECIP_OK)
		return reply_recip_error(r);
	json_t *doc;
	if (recip_balance_report(r->ctx, &doc, party, as_of) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, doc);
}

static int due_report(request *r)
{
	recip_time as_of;
	int64_t within;
	if (query_time(r, "as_of", recip_ctx_now(r->ctx), &as_of) || query_int(r, "within", 0, 0, 3650, &within))
		return 0;
	json_t *doc;
	if (recip_due_report(r->ctx, &doc, as_of, (int)within) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, doc);
}

static int audit_report(request *r)
{
	int64_t party, limit;
	if (query_int(r, "party", 0, 0, INT64_MAX, &party) || query_int(r, "limit", 100, 1, 1000, &limit))
		return 0;
	json_t *doc;
	if (recip_audit_list(r->ctx, &doc, party, limit) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, doc);
}

/* ---- sessions ---------------------------------------------------------------------------------------- */

static void set_cookie(request *r, const char *value, unsigned max_age)
{
	buf c = BUF_INIT;
	buf_printf(&c, "%s=%s; Path=/; Max-Age=%u; HttpOnly; SameSite=Strict%s", SESSION_COOKIE, value, max_age,
	           r->secure ? "; Secure" : "");
	free(r->cookie);
	r->cookie = buf_detach(&c);
}

static int sign_in(request *r)
{
	const char *name, *password;
	if (body_text(r, "name", &name) || body_text(r, "password", &password))
		return 0;
	if (!name || !password)
		return reply_error(r, 422, "invalid", "sign in with a name and a password");
	char address[64];
	request_address(r, address, sizeof(address));
	unsigned wait;
	if (!login_allowed(name, address, &wait)) {
		r->retry_after = wait;
		return reply_error(r, 429, "rate_limited", "too many failed sign-ins; try again in %u seconds", wait);
	}
	recip_user u;
	if (recip_user_login(r->ctx, &u, name, password) != RECIP_OK) {
		if (recip_errcode(r->ctx) != RECIP_EPERM)
			return reply_recip_error(r);
		login_failed(name, address);
		return reply_error(r, 401, "bad_credentials", "wrong user name or password");
	}
	login_succeeded(name);
	unsigned hours = server_config()->session_hours;
	char *token, *csrf;
	recip_ctx_set_actor(r->ctx, u.name);
	if (recip_session_create(r->ctx, &token, &csrf, u.id, recip_ctx_now(r->ctx) + (recip_time)hours * 3600) !=
	    RECIP_OK)
		return reply_recip_error(r);
	set_cookie(r, token, hours * 3600);
	free(token);
	json_t *doc = json_pack("{s:s, s:s, s:s}", "name", u.name, "role", recip_role_name(u.role), "csrf", csrf);
	free(csrf);
	return reply_json(r, 200, doc);
}

static int whoami(request *r)
{
	char *csrf = NULL;
	if (r->by_session)
		recip_session_check(r->ctx, &r->user, &csrf, r->session_token);
	json_t *doc = json_pack("{s:s, s:s, s:s?, s:s}", "name", r->user.name, "role", recip_role_name(r->user.role),
	                        "csrf", csrf, "version", recip_version());
	free(csrf);
	return reply_json(r, 200, doc);
}

static int sign_out(request *r)
{
	if (r->by_session && recip_session_end(r->ctx, r->session_token) != RECIP_OK)
		return reply_recip_error(r);
	set_cookie(r, "", 0);
	return reply_empty(r, 204);
}

/* ---- users and tokens ---------------------------------------------------------------------------------- */

static int list_users(request *r)
{
	json_t *doc;
	if (recip_user_list(r->ctx, &doc) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, doc);
}

static int add_user(request *r)
{
	const char *name, *role_text, *password;
	if (body_text(r, "name", &name) || body_text(r, "role", &role_text) || body_text(r, "password", &password))
		return 0;
	recip_role role = RECIP_ROLE_MEMBER;
	int64_t id;
	if ((role_text && recip_role_parse(r->ctx, &role, role_text) != RECIP_OK) ||
	    recip_user_add(r->ctx, &id, name, role, password) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 201, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "name", name, "role",
	                                    recip_role_name(role)));
}

static int change_user(request *r)
{
	const char *name = r->params[0], *role_text, *password;
	if (body_text(r, "role", &role_text) || body_text(r, "password", &password))
		return 0;
	recip_role role;
	if (role_text && (recip_role_parse(r->ctx, &role, role_text) != RECIP_OK ||
	                  recip_user_set_role(r->ctx, name, role) != RECIP_OK))
		return reply_recip_error(r);
	if (password && recip_user_passwd(r->ctx, name, password) != RECIP_OK)
		return reply_recip_error(r);
	recip_user u;
	if (recip_user_get(r->ctx, &u, name) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)u.id, "name", u.name, "role",
	                                    recip_role_name(u.role)));
}

static int remove_user(request *r)
{
	if (recip_user_remove(r->ctx, r->params[0]) != RECIP_OK)
		return reply_recip_error(r);
	return reply_empty(r, 204);
}

static int list_tokens(request *r)
{
	json_t *doc;
	if (recip_token_list(r->ctx, &doc, r->user.name) != RECIP_OK)
		return reply_recip_error(r);
	return reply_json(r, 200, doc);
}

static int create_token(request *r)
{
	const char *label;
	if (body_text(r, "label", &label))
		return 0;
	char *token;
	int64_t id;
	if (recip_token_create(r->ctx, &token, &id, r->user.name, label) != RECIP_OK)
		return reply_recip_error(r);
	json_t *doc = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)id, "user", r->user.name, "token", token);
	free(token);
	return reply_json(r, 201, doc);
}

static int revoke_token(request *r)
{
	int64_t id;
	if (param_id(r, 0, "token", &id))
		return 0;
	/* one's own tokens; an owner may revoke anyone's */
	if (recip_token_revoke(r->ctx, id, r->user.role == RECIP_ROLE_OWNER ? NULL : r->user.name) != RECIP_OK)
		return reply_recip_error(r);
	return reply_empty(r, 204);
}

static int create_feed_token(request *r)
{
	char *token;
	if (recip_feed_token_create(r->ctx, &token, r->user.name) != RECIP_OK)
		return reply_recip_error(r);
	buf path = BUF_INIT;
	buf_printf(&path, "/calendar.ics?token=%s", token);
	json_t *doc = json_pack("{s:s, s:s}", "token", token, "path", path.data);
	buf_release(&path);
	free(token);
	return reply_json(r, 201, doc);
}

/* ---- the page and health ------------------------------------------------------------------ */

static int health(request *r)
{
	int version = 0;
	recip_schema_version(r->ctx, &version);
	return reply_json(r, 200, json_pack("{s:s, s:s, s:i}", "status", "ok", "version", recip_version(), "schema",
	                                    version));
}

static int serve_asset(request *r)
{
	char path[256];
	snprintf(path, sizeof(path), "/%s", r->params[0] ? r->params[0] : "index.html");
	/* the files are compiled in: only their exact names exist, so no path
	 * can reach the file system */
	for (size_t i = 0; recip_web_assets[i].path; i++) {
		if (!strcmp(recip_web_assets[i].path, path)) {
			reply_empty(r, 200);
			r->data = recip_web_assets[i].data;
			r->data_size = recip_web_assets[i].size;
			r->content_type = recip_web_assets[i].content_type;
			return 0;
		}
	}
	return reply_error(r, 404, "not_found", "no such page or route");
}

/* ---- the table ------------------------------------------------------------------------------------------- */

#define V RECIP_ROLE_VIEWER
#define M RECIP_ROLE_MEMBER
#define O RECIP_ROLE_OWNER
#define PUBLIC RECIP_ROLE_NONE

/* The five routes of one kind of record; a kind whose creation is more
 * than recip_record_add names its own handler (RECORD_ROUTES_WITH). */
#define RECORD_ROUTES(plural, entity) RECORD_ROUTES_WITH(plural, entity, create_record)
#define RECORD_ROUTES_WITH(plural, entity, create)                                                             \
	{"GET", "/api/v1/" plural, V, list_records, entity, 0, "list " plural " (paginated)"},                       \
	{"POST", "/api/v1/" plural, M, create, entity, ROUTE_BODY, "record a new " entity},                        \
	{"GET", "/api/v1/" plural "/{id}", V, get_record, entity, 0, "one " entity},                               \
	{"PATCH", "/api/v1/" plural "/{id}", M, update_record, entity, ROUTE_BODY, "change fields of a " entity},  \
	{"DELETE", "/api/v1/" plural "/{id}", M, delete_record, entity, 0, "delete a " entity}

const route server_routes[] = {
	/* signing in */
	{"POST", "/api/v1/session", PUBLIC, sign_in, NULL, ROUTE_BODY, "sign in: sets the session cookie"},
	{"GET", "/api/v1/session", V, whoami, NULL, 0, "who is signed in, and the CSRF token"},
	{"DELETE", "/api/v1/session", V, sign_out, NULL, 0, "sign out"},
	{"GET", "/api/v1/health", PUBLIC, health, NULL, 0, "the server is up"},
	/* records */
	RECORD_ROUTES("parties", "party"),
	RECORD_ROUTES("facts", "fact"),
	RECORD_ROUTES("exchanges", "exchange"),
	RECORD_ROUTES("touches", "touch"),
	RECORD_ROUTES("visits", "visit"),
	RECORD_ROUTES("asks", "ask"),
	RECORD_ROUTES("promises", "promise"),
	RECORD_ROUTES_WITH("referrals", "referral", api_add_referral),
	RECORD_ROUTES("reviews", "review"),
	RECORD_ROUTES("nps", "nps"),
	RECORD_ROUTES_WITH("projects", "project", api_add_project),
	{"GET", "/api/v1/entities/{entity}", V, describe_entity, NULL, 0, "the fields of a kind of record"},
	/* parties, asks, promises */
	{"GET", "/api/v1/parties/{id}/overview", V, party_overview, NULL, 0, "everything about one party"},
	{"GET", "/api/v1/parties/{id}/balance-history", V, balance_history, NULL, 0, "the balance over time"},
	{"GET", "/api/v1/parties/{id}/ask-check", V, ask_check, NULL, 0, "the give-first gate for an ask"},
	{"POST", "/api/v1/asks/{id}/resolve", M, resolve_ask, NULL, ROUTE_BODY, "grant, decline or withdraw an ask"},
	{"POST", "/api/v1/promises/{id}/resolve", M, resolve_promise, NULL, ROUTE_BODY, "keep or break a promise"},
	/* reports */
	{"GET", "/api/v1/balance", V, balance_report, NULL, 0, "balances"},
	{"GET", "/api/v1/due", V, due_report, NULL, 0, "whom to get back in touch with"},
	{"GET", "/api/v1/audit", V, audit_report, NULL, 0, "the audit trail"},
	/* the engine (recip agenda, moments, dismiss, expected, asks, genuine, trust) */
	{"GET", "/api/v1/agenda", V, api_agenda_report, NULL, 0, "the day in one view"},
	{"GET", "/api/v1/moments", V, api_moments_report, NULL, 0, "every moment to act on, with its key"},
	{"POST", "/api/v1/moments/{key}/dismiss", M, api_dismiss_moment, NULL, 0, "dismiss a moment"},
	{"DELETE", "/api/v1/moments/{key}/dismiss", M, api_restore_moment, NULL, 0, "bring a dismissed moment back"},
	{"POST", "/api/v1/parties/{id}/moments/dismiss", M, api_dismiss_party_moments, NULL, 0,
	 "dismiss a party's moments (of one trigger)"},
	{"GET", "/api/v1/expected", V, api_expected_report, NULL, 0, "the regulars expected on a day"},
	{"GET", "/api/v1/open-asks", V, api_open_asks_report, NULL, 0, "open asks both ways, oldest first"},
	{"GET", "/api/v1/genuine", V, api_genuine_report, NULL, 0, "gives followed closely by our asks"},
	{"GET", "/api/v1/trust", V, api_trust_ranking, NULL, 0, "every relationship's trust, weakest first"},
	{"GET", "/api/v1/parties/{id}/trust", V, api_party_trust, NULL, 0, "the trust equation of one party"},
	{"PATCH", "/api/v1/parties/{id}/trust", M, api_rate_credibility, NULL, ROUTE_BODY, "rate our credibility with a party"},
	/* partners (recip profile, fit, project) */
	{"GET", "/api/v1/profile", V, api_profile_get, NULL, 0, "what we offer and whom we serve"},
	{"PATCH", "/api/v1/profile", M, api_profile_change, NULL, ROUTE_BODY, "change our profile"},
	{"GET", "/api/v1/fit", V, api_fit_ranking, NULL, 0, "partners by fit, best first"},
	{"GET", "/api/v1/parties/{id}/fit", V, api_party_fit, NULL, 0, "how well a partner fits us"},
	{"POST", "/api/v1/projects/{id}/done", M, api_finish_project, NULL, ROUTE_BODY, "end a project"},
	/* advocacy (recip referral, referrals, review, reviews, nps, advocates, growth) */
	{"POST", "/api/v1/referrals/{id}/resolve", M, api_resolve_referral, NULL, ROUTE_BODY, "convert or lose a referral"},
	{"GET", "/api/v1/referrals/report", V, api_referral_report, NULL, 0, "referrals with their status, thanks and counts"},
	{"GET", "/api/v1/referrals/tree", V, api_referral_tree, NULL, 0, "referral chains as trees"},
	{"GET", "/api/v1/referrals/unthanked", V, api_unthanked_report, NULL, 0, "referrals not thanked yet"},
	{"GET", "/api/v1/reviews/report", V, api_review_report, NULL, 0, "reviews with averages by platform"},
	{"POST", "/api/v1/nps/follow-up", M, api_nps_follow_up, NULL, ROUTE_BODY, "mark a detractor followed up"},
	{"GET", "/api/v1/nps/report", V, api_nps_report, NULL, 0, "the Net Promoter Score with its monthly trend"},
	{"GET", "/api/v1/advocates", V, api_advocates_report, NULL, 0, "advocates ranked, and detractors to follow up"},
	{"GET", "/api/v1/growth", V, api_growth_report, NULL, 0, "growth through referrals: the K-factor"},
	/* interop (recip export, import): downloads and uploads */
	{"GET", "/api/v1/export/{kind}", M, api_export_csv, NULL, 0, "one kind of record as CSV"},
	{"GET", "/api/v1/export/vcard", M, api_export_vcard, NULL, 0, "parties as vCards"},
	{"GET", "/api/v1/export/ical", M, api_export_ical, NULL, 0, "the agenda ahead as iCalendar"},
	{"GET", "/api/v1/export/json", O, api_export_json, NULL, 0, "the whole database as JSON Lines"},
	{"POST", "/api/v1/import/{kind}", M, api_import_csv, NULL, ROUTE_UPLOAD, "import a CSV file of one kind"},
	{"POST", "/api/v1/import/vcard", M, api_import_vcard, NULL, ROUTE_UPLOAD, "import vCards"},
	/* accounts */
	{"GET", "/api/v1/users", O, list_users, NULL, 0, "the users"},
	{"POST", "/api/v1/users", O, add_user, NULL, ROUTE_BODY, "add a user"},
	{"PATCH", "/api/v1/users/{name}", O, change_user, NULL, ROUTE_BODY, "change a user's role or password"},
	{"DELETE", "/api/v1/users/{name}", O, remove_user, NULL, 0, "remove a user"},
	{"GET", "/api/v1/tokens", V, list_tokens, NULL, 0, "one's API tokens"},
	{"POST", "/api/v1/tokens", V, create_token, NULL, ROUTE_BODY, "make an API token (shown once)"},
	{"DELETE", "/api/v1/tokens/{id}", V, revoke_token, NULL, 0, "revoke an API token"},
	{"POST", "/api/v1/feed-token", V, create_feed_token, NULL, 0, "a new calendar feed token"},
	/* outside the API */
	{"GET", "/calendar.ics", PUBLIC, api_calendar_feed, NULL, ROUTE_NO_API, "the calendar feed (token=…)"},
	{"GET", "/", PUBLIC, serve_asset, NULL, ROUTE_NO_API, "the web page"},
	{"GET", "/{asset}", PUBLIC, serve_asset, NULL, ROUTE_NO_API, "the web page's files"},
	{NULL, NULL, 0, NULL, NULL, 0, NULL},
};

/* ---- matching ------------------------------------------------------------------------------------------------ */

/* Matches path against pattern, segment by segment; {…} takes one segment.
 * The segments are copied into `store` (NUL-separated), pointed to by
 * params. Returns how many {…} segments it took, or -1 when it does not match. */
static int path_match(const char *pattern, const char *path, char *store, const char **params)
{
	int n = 0;
	const char *p = pattern, *s = path;
	while (*p && *s) {
		if (*p == '{') {
			const char *close = strchr(p, '}');
			size_t len = strcspn(s, "/");
			if (!close || len == 0 || n >= 4)
				return -1;
			memcpy(store, s, len);
			store[len] = '\0';
			params[n++] = store;
			store += len + 1;
			p = close + 1;
			s += len;
			continue;
		}
		if (*p != *s)
			return -1;
		p++;
		s++;
	}
	return !*p && !*s ? n : -1;
}

/* A path that several routes match goes to the one with the fewest {…}
 * segments, as OpenAPI has it: /api/v1/nps/report before /api/v1/nps/{id},
 * whatever the order of the table. */
const route *route_match(request *r, const char *method, const char *path, const char **allow)
{
	static const char *const allows[] = {"GET", "POST", "PATCH", "DELETE"};
	*allow = NULL;
	size_t len = strlen(path);
	char *store = malloc(len + 8), *best_store = malloc(len + 8);
	if (!store || !best_store) {
		free(store);
		free(best_store);
		return NULL;
	}
	bool methods[4] = {false};
	const route *found = NULL;
	int found_params = 0;
	for (size_t i = 0; server_routes[i].method; i++) {
		const char *params[4] = {NULL};
		int n = path_match(server_routes[i].path, path, store, params);
		if (n < 0)
			continue;
		if (!strcmp(server_routes[i].method, method)) {
			if (!found || n < found_params) {
				found = &server_routes[i];
				found_params = n;
				/* the segments point into store: keep them in best_store */
				memcpy(best_store, store, len + 8);
				for (int k = 0; k < 4; k++)
					r->params[k] = params[k] ? best_store + (params[k] - store) : NULL;
			}
			continue;
		}
		for (size_t m = 0; m < 4; m++)
			methods[m] |= !strcmp(server_routes[i].method, allows[m]);
	}
	free(store);
	if (found) {
		free(r->param_store);
		r->param_store = best_store;
		return found;
	}
	free(best_store);
	static const char *const allow_texts[16] = {
		NULL, "GET", "POST", "GET, POST", "PATCH", "GET, PATCH", "POST, PATCH", "GET, POST, PATCH",
		"DELETE", "GET, DELETE", "POST, DELETE", "GET, POST, DELETE", "PATCH, DELETE", "GET, PATCH, DELETE",
		"POST, PATCH, DELETE", "GET, POST, PATCH, DELETE",
	};
	unsigned bits = (methods[0] ? 1u : 0u) | (methods[1] ? 2u : 0u) | (methods[2] ? 4u : 0u) | (methods[3] ? 8u : 0u);
	*allow = allow_texts[bits];
	return NULL;
}

void routes_print(FILE *f)
{
	for (size_t i = 0; server_routes[i].method; i++)
		fprintf(f, "%-6s %-40s %-6s %s\n", server_routes[i].method, server_routes[i].path,
		        recip_role_name(server_routes[i].role), server_routes[i].summary);
}
