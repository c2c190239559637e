#!/usr/bin/env bash
# t5001 — creating, opening and refusing PostgreSQL databases: the
# counterpart of t0001 for an address instead of a file.
. "$(dirname "$0")/../cli/lib.sh"
only_on postgresql "it needs the PostgreSQL test server (tests/pg)"

sql() { psql -qAtX -v ON_ERROR_STOP=1 "$@"; }

expect_fail "an empty database before init" 4 recip list
expect_err "is an empty database (create one with 'recip init')"
expect_ok "init creates the schema" recip init
SCHEMA=$("$RECIP" version | sed -n 's/.*(schema \([0-9]*\)).*/\1/p')
# as many tables as a new SQLite database has
TABLES=$("$RECIP" init --db "$TEST_DIR/count.db" >/dev/null && sqlite3 "$TEST_DIR/count.db" "SELECT count(*) FROM sqlite_master WHERE type = 'table'")
expect_out "is ready (schema $SCHEMA)"
expect_ok "init again changes nothing" recip init --json
expect_json '.backend' postgresql
expect_json '.schema_version' "$SCHEMA"
expect_eq "recip's tables are there" "$(sql "$RECIP_DB" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" "$TABLES"
expect_ok "a write" recip add person "Ana Lopez"
expect_ok "a read" recip list
expect_out "Ana Lopez"

# addresses that lead nowhere: one line, exit 4, no password shown
missing=$(pg_db "no_such_database")
expect_fail "a database that does not exist" 4 recip list --db "$missing&password=hunter2"
expect_err "no database at"
expect_err "create it with createdb"
expect_eq "the password is not shown" "$(grep -c hunter2 "$ERR")" 0
expect_fail "a server that is not there" 4 recip list --db "postgresql:///recip?host=$TEST_DIR/nowhere"
expect_err "cannot connect to database"
expect_fail "a bad address" 4 recip list --db "postgresql:///recip?hots=/tmp"
expect_err "bad database address"
expect_fail "a password in the user part stays hidden" 4 recip list --db "postgresql://me:hunter2@/nope?host=$TEST_DIR/nowhere"
expect_err "postgresql://me:***@/nope"
expect_eq "the password is not shown" "$(grep -c hunter2 "$ERR")" 0

# another program's database, and one from a newer recip
pg_new_db
other=$PG_NEW_DB
sql "$other" -c "CREATE TABLE t (x int); INSERT INTO t VALUES (1)"
expect_fail "another program's database" 4 recip list --db "$other"
expect_err "not a recip database"
expect_fail "init does not take it over" 4 recip init --db "$other"
expect_eq "its table is untouched" "$(sql "$other" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 1

pg_new_db
newer=$PG_NEW_DB
recip init --db "$newer" >/dev/null
sql "$newer" -c "UPDATE meta SET value = '999' WHERE key = 'schema_version'"
expect_fail "a newer schema is refused" 4 recip list --db "$newer"
expect_err "newer than this recip"
expect_eq "and left alone" "$(sql "$newer" -c "SELECT value FROM meta WHERE key = 'schema_version'")" 999

# read-only: a role that may only read, and a read-only session
sql "$RECIP_TEST_PG" -c "DROP ROLE IF EXISTS recip_reader_$$" -c "CREATE ROLE recip_reader_$$ LOGIN"
sql "$RECIP_DB" -c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO recip_reader_$$"
reader="${RECIP_DB/user=recip/user=recip_reader_$$}"
expect_ok "a reader may read" recip list --db "$reader"
expect_out "Ana Lopez"
expect_fail "a reader may not write" 1 recip add person "Ben" --db "$reader"
expect_err "permission denied"
ro="$RECIP_DB&options=-c%20default_transaction_read_only%3Don"
expect_ok "a read-only session may read" recip balance --db "$ro"
expect_fail "a read-only session may not write" 4 recip add person "Ben" --db "$ro"
expect_err "is read-only"
sql "$RECIP_DB" -c "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM recip_reader_$$"
sql "$RECIP_TEST_PG" -c "DROP ROLE recip_reader_$$"

# one database, two teams: each in its own schema (search_path)
sql "$RECIP_DB" -c "CREATE SCHEMA team1; CREATE SCHEMA team2"
team1="$RECIP_DB&options=-csearch_path%3Dteam1"
team2="$RECIP_DB&options=-csearch_path%3Dteam2"
expect_ok "init in a schema" recip init --db "$team1"
expect_ok "and in another" recip init --db "$team2"
recip add person "Tea Mone" --db "$team1" >/dev/null
expect_ok "each team sees its own parties" recip list --db "$team2" --json
expect_json '.total' 0
expect_ok "…and the first its own" recip list --db "$team1" --json
expect_json '.total' 1
expect_eq "team1's tables" "$(sql "$RECIP_DB" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'team1'")" "$TABLES"
finish
