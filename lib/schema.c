/*
 * schema.c — the numbered schema migrations, embedded in the library.
 *
 * Each migration is written once, in SQL both backends accept, with a few
 * tokens for what they spell differently (@ID@ for an auto-numbered primary
 * key, @REAL@ for a double). The same version number means the same schema
 * on SQLite and on PostgreSQL. A migration never changes once released: a
 * change is a new migration at the end of the list.
 */
#include "db.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const migrations[] = {
	/* 1: parties, facts, the ledger, roll-ups and the audit trail */
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	"CREATE TABLE party (\n"
	"  id @ID@,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('person', 'organisation')),\n"
	"  name TEXT NOT NULL,\n"
	"  name_key TEXT NOT NULL,\n"
	"  org_id BIGINT REFERENCES party(id) ON DELETE SET NULL,\n"
	"  title TEXT,\n"
	"  birthday TEXT,\n"
	"  anniversary TEXT,\n"
	"  notes TEXT,\n"
	"  cadence_days BIGINT,\n"
	"  credibility BIGINT CHECK (credibility BETWEEN 1 AND 10),\n"
	"  archived BIGINT NOT NULL DEFAULT 0,\n"
	"  external_id TEXT UNIQUE,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX party_name_key ON party(name_key);\n"
	"CREATE INDEX party_org ON party(org_id);\n"
	"CREATE TABLE party_value (\n"
	"  party_id BIGINT NOT NULL REFERENCES party(id) ON DELETE CASCADE,\n"
	"  field TEXT NOT NULL,\n"
	"  value TEXT NOT NULL,\n"
	"  value_key TEXT NOT NULL,\n"
	"  label TEXT,\n"
	"  position BIGINT NOT NULL,\n"
	"  PRIMARY KEY (party_id, field, value_key)\n"
	");\n"
	"CREATE INDEX party_value_lookup ON party_value(field, value_key);\n"
	"CREATE TABLE fact (\n"
	"  id @ID@,\n"
	"  party_id BIGINT NOT NULL REFERENCES party(id) ON DELETE CASCADE,\n"
	"  key TEXT NOT NULL,\n"
	"  key_norm TEXT NOT NULL,\n"
	"  value TEXT NOT NULL,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL,\n"
	"  UNIQUE (party_id, key_norm)\n"
	");\n"
	"CREATE TABLE ask (\n"
	"  id @ID@,\n"
	"  party_id BIGINT NOT NULL REFERENCES party(id),\n"
	"  direction TEXT NOT NULL CHECK (direction IN ('ours', 'theirs')),\n"
	"  what TEXT NOT NULL,\n"
	"  status TEXT NOT NULL CHECK (status IN ('open', 'granted', 'declined', 'withdrawn')),\n"
	"  forced BIGINT NOT NULL DEFAULT 0,\n"
	"  at BIGINT NOT NULL,\n"
	"  resolved_at BIGINT,\n"
	"  note TEXT,\n"
	"  source_key TEXT UNIQUE,\n"
	"  created_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX ask_party_at ON ask(party_id, at);\n"
	"CREATE INDEX ask_status ON ask(status, at);\n"
	"CREATE TABLE exchange (\n"
	"  id @ID@,\n"
	"  party_id BIGINT NOT NULL REFERENCES party(id),\n"
	"  direction TEXT NOT NULL CHECK (direction IN ('gave', 'received')),\n"
	"  kind TEXT NOT NULL,\n"
	"  value @REAL@ NOT NULL CHECK (value >= 0),\n"
	"  personal BIGINT NOT NULL DEFAULT 0,\n"
	"  unexpected BIGINT NOT NULL DEFAULT 0,\n"
	"  at BIGINT NOT NULL,\n"
	"  note TEXT,\n"
	"  ask_id BIGINT REFERENCES ask(id) ON DELETE SET NULL,\n"
	"  source_key TEXT UNIQUE,\n"
	"  created_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX exchange_party_at ON exchange(party_id, at);\n"
	"CREATE INDEX exchange_at ON exchange(at);\n"
	"CREATE TABLE touch (\n"
	"  id @ID@,\n"
	"  party_id BIGINT NOT NULL REFERENCES party(id),\n"
	"  channel TEXT NOT NULL,\n"
	"  purpose TEXT NOT NULL CHECK (purpose IN ('checkin', 'need')),\n"
	"  initiator TEXT NOT NULL CHECK (initiator IN ('us', 'them')),\n"
	"  at BIGINT NOT NULL,\n"
	"  note TEXT,\n"
	"  source_key TEXT UNIQUE,\n"
	"  created_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX touch_party_at ON touch(party_id, at);\n"
	"CREATE TABLE visit (\n"
	"  id @ID@,\n"
	"  party_id BIGINT NOT NULL REFERENCES party(id),\n"
	"  at BIGINT NOT NULL,\n"
	"  amount @REAL@ CHECK (amount >= 0),\n"
	"  note TEXT,\n"
	"  source_key TEXT UNIQUE,\n"
	"  created_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX visit_party_at ON visit(party_id, at);\n"
	"CREATE INDEX visit_at ON visit(at);\n"
	"CREATE TABLE promise (\n"
	"  id @ID@,\n"
	"  party_id BIGINT NOT NULL REFERENCES party(id),\n"
	"  what TEXT NOT NULL,\n"
	"  at BIGINT NOT NULL,\n"
	"  due_at BIGINT NOT NULL,\n"
	"  status TEXT NOT NULL CHECK (status IN ('open', 'kept', 'broken')),\n"
	"  resolved_at BIGINT,\n"
	"  note TEXT,\n"
	"  source_key TEXT UNIQUE,\n"
	"  created_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX promise_party ON promise(party_id, due_at);\n"
	"CREATE INDEX promise_status_due ON promise(status, due_at);\n"
	"CREATE TABLE party_rollup (\n"
	"  party_id BIGINT PRIMARY KEY REFERENCES party(id) ON DELETE CASCADE,\n"
	"  balance_last @REAL@ NOT NULL DEFAULT 0,\n"
	"  last_exchange_at BIGINT,\n"
	"  gave_count BIGINT NOT NULL DEFAULT 0,\n"
	"  received_count BIGINT NOT NULL DEFAULT 0,\n"
	"  gave_value @REAL@ NOT NULL DEFAULT 0,\n"
	"  received_value @REAL@ NOT NULL DEFAULT 0,\n"
	"  last_contact_at BIGINT,\n"
	"  visit_count BIGINT NOT NULL DEFAULT 0,\n"
	"  first_visit_at BIGINT,\n"
	"  last_visit_at BIGINT,\n"
	"  cadence_days BIGINT,\n"
	"  due_at BIGINT\n"
	");\n"
	"CREATE INDEX party_rollup_contact ON party_rollup(last_contact_at);\n"
	"CREATE INDEX party_rollup_due ON party_rollup(due_at);\n"
	"CREATE TABLE audit (\n"
	"  id @ID@,\n"
	"  at BIGINT NOT NULL,\n"
	"  actor TEXT NOT NULL,\n"
	"  action TEXT NOT NULL,\n"
	"  entity TEXT NOT NULL,\n"
	"  entity_id BIGINT,\n"
	"  party_id BIGINT,\n"
	"  before_json TEXT,\n"
	"  after_json TEXT\n"
	");\n"
	"CREATE INDEX audit_entity ON audit(entity, entity_id);\n"
	"CREATE INDEX audit_party ON audit(party_id, id);\n",

	/* 2: advocacy (referrals, reviews, NPS), partners (projects, our own
	 * profile) and dismissed moments */
	"CREATE TABLE referral (\n"
	"  id @ID@,\n"
	"  referrer_id BIGINT NOT NULL REFERENCES party(id),\n"
	"  party_id BIGINT NOT NULL UNIQUE REFERENCES party(id),\n"
	"  status TEXT NOT NULL CHECK (status IN ('lead', 'converted', 'lost')),\n"
	"  at BIGINT NOT NULL,\n"
	"  resolved_at BIGINT,\n"
	"  note TEXT,\n"
	"  source_key TEXT UNIQUE,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  CHECK (referrer_id <> party_id)\n"
	");\n"
	"CREATE INDEX referral_referrer ON referral(referrer_id, at);\n"
	"CREATE INDEX referral_at ON referral(at);\n"
	"CREATE TABLE review (\n"
	"  id @ID@,\n"
	"  party_id BIGINT NOT NULL REFERENCES party(id),\n"
	"  platform TEXT NOT NULL,\n"
	"  rating BIGINT NOT NULL CHECK (rating BETWEEN 1 AND 5),\n"
	"  url TEXT,\n"
	"  at BIGINT NOT NULL,\n"
	"  note TEXT,\n"
	"  ask_id BIGINT REFERENCES ask(id) ON DELETE SET NULL,\n"
	"  source_key TEXT UNIQUE,\n"
	"  created_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX review_party ON review(party_id, at);\n"
	"CREATE TABLE nps (\n"
	"  id @ID@,\n"
	"  party_id BIGINT NOT NULL REFERENCES party(id),\n"
	"  score BIGINT NOT NULL CHECK (score BETWEEN 0 AND 10),\n"
	"  at BIGINT NOT NULL,\n"
	"  comment TEXT,\n"
	"  followed_up_at BIGINT,\n"
	"  source_key TEXT UNIQUE,\n"
	"  created_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX nps_party_at ON nps(party_id, at);\n"
	"CREATE INDEX nps_at ON nps(at);\n"
	"CREATE TABLE project (\n"
	"  id @ID@,\n"
	"  party_id BIGINT NOT NULL REFERENCES party(id),\n"
	"  name TEXT NOT NULL,\n"
	"  size TEXT NOT NULL CHECK (size IN ('small', 'medium', 'large')),\n"
	"  status TEXT NOT NULL CHECK (status IN ('open', 'succeeded', 'failed')),\n"
	"  at BIGINT NOT NULL,\n"
	"  ended_at BIGINT,\n"
	"  forced BIGINT NOT NULL DEFAULT 0,\n"
	"  note TEXT,\n"
	"  source_key TEXT UNIQUE,\n"
	"  created_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX project_party ON project(party_id, at);\n"
	"CREATE TABLE profile_value (\n"
	"  field TEXT NOT NULL,\n"
	"  value TEXT NOT NULL,\n"
	"  value_key TEXT NOT NULL,\n"
	"  position BIGINT NOT NULL,\n"
	"  PRIMARY KEY (field, value_key)\n"
	");\n"
	"CREATE TABLE moment_dismissal (\n"
	"  moment_key TEXT PRIMARY KEY,\n"
	"  at BIGINT NOT NULL,\n"
	"  actor TEXT NOT NULL\n"
	");\n",

	/* 3: the engine's roll-ups (engine_rollup.c), so that moments and
	 * expected regulars are index range queries: per party, what the visit
	 * history and the gives say; per party and weekday, a decayed visit
	 * score whose key does not depend on the day it is read; birthdays and
	 * anniversaries by month and day; and the indexes the reports range over */
	"CREATE TABLE party_engine (\n"
	"  party_id BIGINT PRIMARY KEY REFERENCES party(id) ON DELETE CASCADE,\n"
	"  personal_count BIGINT NOT NULL DEFAULT 0,\n"
	"  followed_count BIGINT NOT NULL DEFAULT 0,\n"
	"  milestone_count BIGINT NOT NULL DEFAULT 0,\n"
	"  milestone_at BIGINT,\n"
	"  lapse_at BIGINT,\n"
	"  owe_key @REAL@\n"
	");\n"
	"CREATE INDEX party_engine_milestone ON party_engine(milestone_at);\n"
	"CREATE INDEX party_engine_lapse ON party_engine(lapse_at);\n"
	"CREATE INDEX party_engine_owe ON party_engine(owe_key);\n"
	"CREATE TABLE visit_weekday (\n"
	"  party_id BIGINT NOT NULL REFERENCES party(id) ON DELETE CASCADE,\n"
	"  weekday BIGINT NOT NULL CHECK (weekday BETWEEN 0 AND 6),\n"
	"  days BIGINT NOT NULL,\n"
	"  score_key @REAL@ NOT NULL,\n"
	"  usual_minute @REAL@ NOT NULL,\n"
	"  last_at BIGINT NOT NULL,\n"
	"  prev_days BIGINT NOT NULL,\n"
	"  prev_score_key @REAL@ NOT NULL,\n"
	"  prev_usual_minute @REAL@ NOT NULL,\n"
	"  PRIMARY KEY (party_id, weekday)\n"
	");\n"
	"CREATE INDEX visit_weekday_score ON visit_weekday(weekday, score_key);\n"
	"CREATE TABLE party_annual (\n"
	"  party_id BIGINT NOT NULL REFERENCES party(id) ON DELETE CASCADE,\n"
	"  kind TEXT NOT NULL CHECK (kind IN ('birthday', 'anniversary')),\n"
	"  month_day BIGINT NOT NULL,\n"
	"  PRIMARY KEY (party_id, kind)\n"
	");\n"
	"CREATE INDEX party_annual_day ON party_annual(month_day);\n"
	"CREATE INDEX party_rollup_first_visit ON party_rollup(first_visit_at);\n"
	"CREATE INDEX party_rollup_last_visit ON party_rollup(last_visit_at);\n"
	"CREATE INDEX ask_resolved ON ask(resolved_at);\n"
	"CREATE INDEX promise_resolved ON promise(resolved_at);\n",

	/* 4: accounts of the HTTP server: users, their sessions, API tokens
	 * and calendar feed tokens. Only lookups and hashes of secrets are kept. */
	"CREATE TABLE app_user (\n"
	"  id @ID@,\n"
	"  name TEXT NOT NULL,\n"
	"  name_key TEXT NOT NULL UNIQUE,\n"
	"  role TEXT NOT NULL CHECK (role IN ('owner', 'member', 'viewer')),\n"
	"  password_hash TEXT NOT NULL,\n"
	"  feed_lookup TEXT UNIQUE,\n"
	"  feed_hash TEXT,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  updated_at BIGINT NOT NULL\n"
	");\n"
	"CREATE TABLE app_session (\n"
	"  id @ID@,\n"
	"  user_id BIGINT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,\n"
	"  lookup TEXT NOT NULL UNIQUE,\n"
	"  secret_hash TEXT NOT NULL,\n"
	"  csrf TEXT NOT NULL,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  expires_at BIGINT NOT NULL\n"
	");\n"
	"CREATE INDEX app_session_user ON app_session(user_id);\n"
	"CREATE TABLE api_token (\n"
	"  id @ID@,\n"
	"  user_id BIGINT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,\n"
	"  label TEXT NOT NULL,\n"
	"  lookup TEXT NOT NULL UNIQUE,\n"
	"  secret_hash TEXT NOT NULL,\n"
	"  created_at BIGINT NOT NULL,\n"
	"  revoked_at BIGINT\n"
	");\n"
	"CREATE INDEX api_token_user ON api_token(user_id);\n",
};

#define N_MIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int schema_version_current(void)
{
	return N_MIGRATIONS;
}

int recip_schema_version_current(void)
{
	return N_MIGRATIONS;
}

/* Replaces the dialect tokens of a migration for the backend in use. */
static char *migration_sql(recip_ctx *ctx, int version)
{
	const char *src = migrations[version - 1];
	bool pg = db_backend_of(ctx) == DB_POSTGRESQL;
	buf out = BUF_INIT;
	while (*src) {
		if (!strncmp(src, "@ID@", 4)) {
			buf_adds(&out, pg ? "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY" : "INTEGER PRIMARY KEY");
			src += 4;
		} else if (!strncmp(src, "@REAL@", 6)) {
			buf_adds(&out, pg ? "DOUBLE PRECISION" : "REAL");
			src += 6;
		} else {
			buf_addc(&out, *src++);
		}
	}
	return buf_detach(&out);
}

static int apply(recip_ctx *ctx, int version)
{
	char *sql = migration_sql(ctx, version);
	if (!sql)
		return recip_oom(ctx);
	int rc = db_exec(ctx, sql);
	free(sql);
	if (rc)
		return rc;
	char text[16];
	snprintf(text, sizeof(text), "%d", version);
	return db_run(ctx,
	              "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
	              "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
	              "t", text);
}

int schema_read_version(recip_ctx *ctx, int *out)
{
	int64_t v;
	int rc = db_int(ctx, &v, 0, "SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'schema_version'", "");
	*out = (int)v;
	return rc;
}

int schema_create(recip_ctx *ctx, int target)
{
	if (target <= 0 || target > N_MIGRATIONS)
		target = N_MIGRATIONS;
	for (int v = 1; v <= target; v++) {
		int rc = apply(ctx, v);
		if (rc)
			return rc;
	}
	return RECIP_OK;
}

int schema_upgrade(recip_ctx *ctx, int from, int target)
{
	if (target <= 0 || target > N_MIGRATIONS)
		target = N_MIGRATIONS;
	for (int v = from + 1; v <= target; v++) {
		int rc = apply(ctx, v);
		if (rc) {
			char why[sizeof(ctx->errmsg)];
			snprintf(why, sizeof(why), "%s", recip_errmsg(ctx));
			return recip_fail(ctx, rc, "upgrading the schema to version %d failed: %s", v, why);
		}
	}
	return RECIP_OK;
}
