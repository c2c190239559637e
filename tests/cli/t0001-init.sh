#!/usr/bin/env bash
# t0001 — creating, opening and refusing databases.
. "$(dirname "$0")/lib.sh"
only_on sqlite "files, permissions and the sqlite3 tool (tests/pg/t5001 is its PostgreSQL counterpart)"

expect_ok "init creates the database" recip init
expect_out "is ready (schema"
expect_eq "the file exists" "$(test -f "$RECIP_DB" && echo yes)" yes
expect_ok "init again changes nothing" recip init
expect_ok "init --json" recip init --json
expect_json '.backend' sqlite

expect_ok "init at the XDG default" env -u RECIP_DB "$RECIP" init
expect_eq "default path" "$(test -f "$XDG_DATA_HOME/recip/recip.db" && echo yes)" yes

expect_fail "a command on a missing database" 4 recip list --db "$TEST_DIR/missing.db"
expect_err "no database at"
expect_eq "no file was made" "$(test -e "$TEST_DIR/missing.db" && echo yes || echo no)" no

printf 'this is not a database, just some text that is long enough to look like a header....\n' >"$TEST_DIR/text.db"
expect_fail "a text file is not a database" 4 recip list --db "$TEST_DIR/text.db"
expect_err "is not a recip database"

sqlite3 "$TEST_DIR/other.db" "CREATE TABLE t (x); INSERT INTO t VALUES (1);"
expect_fail "another program's SQLite database" 4 recip list --db "$TEST_DIR/other.db"
expect_err "not a recip database"

mkdir "$TEST_DIR/dir.db"
expect_fail "a directory" 4 recip list --db "$TEST_DIR/dir.db"

# a database from a newer recip is refused, and left alone
cp "$RECIP_DB" "$TEST_DIR/newer.db"
sqlite3 "$TEST_DIR/newer.db" "UPDATE meta SET value = '999' WHERE key = 'schema_version'"
expect_fail "a newer schema is refused" 4 recip list --db "$TEST_DIR/newer.db"
expect_err "newer than this recip"
expect_eq "the newer database is untouched" "$(sqlite3 "$TEST_DIR/newer.db" "SELECT value FROM meta WHERE key = 'schema_version'")" 999

# a read-only database: reports work, writes fail clearly (root may write
# anything, so as root the check runs as nobody)
recip add person "Ana Lopez" >/dev/null
mkdir "$TEST_DIR/ro"
cp "$RECIP_DB" "$TEST_DIR/ro/ro.db"
chmod 0444 "$TEST_DIR/ro/ro.db"
chmod 0555 "$TEST_DIR/ro"
chmod 0755 "$TEST_DIR"
as_reader() {
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
	else
		"$@"
	fi
}
expect_ok "a read-only database can be read" as_reader "$RECIP" list --db "$TEST_DIR/ro/ro.db"
expect_out "Ana Lopez"
RO_DB="$TEST_DIR/ro/ro.db"
before=$(sqlite3 "$RO_DB" .dump | sha256sum)
expect_fail "a read-only database refuses writes" 4 as_reader "$RECIP" add person "Ben" --db "$RO_DB"
expect_err "read-only"
expect_eq "the read-only database is unchanged" "$(sqlite3 "$RO_DB" .dump | sha256sum)" "$before"
chmod 0755 "$TEST_DIR/ro"

expect_ok "version" recip version
expect_out "schema"
finish
