# lib.sh — the harness of the command-line scenario tests (sourced by each
# tests/cli/tNNNN-*.sh, in the manner of git's t/test-lib.sh).
#
#   expect_ok   "what it shows" recip …      the command succeeds
#   expect_fail "what it shows" CODE recip … it exits with CODE, says one line
#                                             on stderr, and leaves the
#                                             database unchanged
#   expect_out  TEXT / expect_no_out TEXT     stdout of the last command (contains)
#   expect_err  TEXT                          stderr of the last command (contains)
#   expect_json FILTER EXPECTED               a value picked from stdout's JSON
#   expect_eq   "what" ACTUAL EXPECTED
#
# Every test runs in a fresh temporary home with a fixed clock
# (RECIP_NOW=2026-11-23T12:00), no colour and its own database: a file, or,
# when RECIP_TEST_PG names a PostgreSQL test server (tests/pg/with-pg.sh), a
# new database there, dropped at the end. RECIP_BACKEND says which
# (sqlite|postgresql); `only_on BACKEND "why"` skips a script on the other.
set -u
: "${RECIP:?RECIP must name the recip binary}"
TEST_NAME=$(basename "$0" .sh)
TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/recip-$TEST_NAME.XXXXXX")
trap 'rm -rf "$TEST_DIR"' EXIT
export HOME="$TEST_DIR/home" XDG_CONFIG_HOME="$TEST_DIR/config" XDG_DATA_HOME="$TEST_DIR/data"
export RECIP_DB="$TEST_DIR/test.db" RECIP_NOW="2026-11-23T12:00" RECIP_ACTOR=tester NO_COLOR=1 LC_ALL=C.UTF-8
RECIP_BACKEND=sqlite
if [ -n "${RECIP_TEST_PG:-}" ]; then
	RECIP_BACKEND=postgresql
	# pg_db NAME: the address of database NAME on the test server
	pg_db() { printf '%s' "${RECIP_TEST_PG/\/postgres\?//$1?}"; }
	# pg_new_db: creates another database of this test (dropped at the
	# end); its address is then in PG_NEW_DB
	PG_TEST_DBS=()
	pg_new_db() {
		local name="recip_${TEST_NAME//[^a-z0-9]/_}_$$_${#PG_TEST_DBS[@]}"
		name=${name:0:63}
		psql -qX -v ON_ERROR_STOP=1 "$RECIP_TEST_PG" -c "CREATE DATABASE $name" >/dev/null || return 1
		PG_TEST_DBS+=("$name")
		PG_NEW_DB=$(pg_db "$name")
	}
	_pg_cleanup() {
		local name
		for name in "${PG_TEST_DBS[@]}"; do
			psql -qX "$RECIP_TEST_PG" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1
		done
		rm -rf "$TEST_DIR"
	}
	trap _pg_cleanup EXIT
	pg_new_db || { echo "cannot create a test database on $RECIP_TEST_PG" >&2; exit 1; }
	RECIP_DB=$PG_NEW_DB
fi
export RECIP_BACKEND

# db_sql "SQL" — runs a query on the test database, whichever the backend,
# printing rows as sqlite3 does (columns joined by '|').
db_sql() {
	if [ "$RECIP_BACKEND" = postgresql ]; then
		psql -qAtX -F '|' "$RECIP_DB" -c "$1"
	else
		sqlite3 "$RECIP_DB" "$1"
	fi
}

# db_dump — the whole test database as text, whichever the backend.
db_dump() {
	if [ "$RECIP_BACKEND" = postgresql ]; then
		pg_dump --no-owner "$RECIP_DB"
	else
		sqlite3 "$RECIP_DB" .dump
	fi
}

# Skips the whole script unless it runs on BACKEND (exit 77: "skipped").
only_on() {
	if [ "$RECIP_BACKEND" != "$1" ]; then
		echo "1..0 # SKIP on $RECIP_BACKEND: $2"
		exit 77
	fi
}
# new_db VAR NAME — puts in VAR the address of another, empty database of
# this test on the backend under test: a path in the test's directory (not
# created yet), or a new database on the PostgreSQL test server.
new_db() {
	if [ "$RECIP_BACKEND" = postgresql ]; then
		pg_new_db || { echo "cannot create a test database on $RECIP_TEST_PG" >&2; exit 1; }
		printf -v "$1" '%s' "$PG_NEW_DB"
	else
		printf -v "$1" '%s' "$TEST_DIR/$2.db"
	fi
}

# db_there ADDRESS — whether something was left at a database address: an
# SQLite file, or tables in a PostgreSQL database.
db_there() {
	case "$1" in
	postgres*)
		[ "$(psql -qAtX "$1" -c "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname = current_schema()")" != 0 ]
		;;
	*) [ -e "$1" ] ;;
	esac
}
unset RECIP_CONFIG
mkdir -p "$HOME"
FIXTURES="${RECIP_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}/tests/fixtures"

tests_run=0
tests_failed=0
OUT="$TEST_DIR/out"
ERR="$TEST_DIR/err"
STATUS=0

recip() { "$RECIP" "$@"; }

_run() {
	"$@" >"$OUT" 2>"$ERR"
	STATUS=$?
}

_report() { # ok|fail description [detail]
	tests_run=$((tests_run + 1))
	if [ "$1" = ok ]; then
		echo "ok $tests_run - $2"
	else
		tests_failed=$((tests_failed + 1))
		echo "not ok $tests_run - $2"
		[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/#   /'
		echo "#   stdout:"; sed 's/^/#     /' "$OUT" | head -n 30
		echo "#   stderr:"; sed 's/^/#     /' "$ERR" | head -n 10
	fi
}

# The database's content, to show that a failed command changed nothing.
# On PostgreSQL, pg_dump without the sequences' positions (a rolled-back
# insert still uses up an id: ids may have gaps, but nothing is written) and
# without the random key of its \restrict lines.
db_state() {
	if [ "$RECIP_BACKEND" = postgresql ] && [ "${RECIP_DB#postgres}" != "$RECIP_DB" ]; then
		pg_dump --no-owner --no-privileges "$RECIP_DB" 2>/dev/null |
			grep -v -e '^SELECT pg_catalog.setval' -e '^\\restrict ' -e '^\\unrestrict ' | sha256sum | cut -d' ' -f1
	elif [ -f "$RECIP_DB" ]; then
		sqlite3 "$RECIP_DB" .dump 2>/dev/null | sha256sum | cut -d' ' -f1
	else
		echo none
	fi
}

expect_ok() {
	local what=$1
	shift
	_run "$@"
	if [ "$STATUS" -eq 0 ]; then
		_report ok "$what"
	else
		_report fail "$what" "exit status $STATUS, expected 0"
	fi
}

expect_fail() {
	local what=$1 code=$2
	shift 2
	local before
	before=$(db_state)
	_run "$@"
	local after lines
	after=$(db_state)
	lines=$(wc -l <"$ERR")
	if [ "$STATUS" -ne "$code" ]; then
		_report fail "$what" "exit status $STATUS, expected $code"
	elif [ "$lines" -ne 1 ]; then
		_report fail "$what" "expected one line on stderr, got $lines"
	elif ! grep -q '^recip' "$ERR"; then
		_report fail "$what" "stderr does not start with 'recip'"
	elif [ "$before" != "$after" ]; then
		_report fail "$what" "the database changed"
	else
		_report ok "$what"
	fi
}

expect_out() {
	if grep -qF -- "$1" "$OUT"; then
		_report ok "output has '$1'"
	else
		_report fail "output has '$1'"
	fi
}

expect_no_out() {
	if grep -qF -- "$1" "$OUT"; then
		_report fail "output lacks '$1'"
	else
		_report ok "output lacks '$1'"
	fi
}

expect_err() {
	if grep -qF -- "$1" "$ERR"; then
		_report ok "error says '$1'"
	else
		_report fail "error says '$1'"
	fi
}

# expect_json '.items | length' 3 — with python3's json module (no jq needed)
expect_json() {
	local filter=$1 expected=$2 actual
	actual=$(python3 "$(dirname "${BASH_SOURCE[0]}")/jpath.py" "$filter" <"$OUT" 2>&1)
	if [ "$actual" = "$expected" ]; then
		_report ok "json $filter = $expected"
	else
		_report fail "json $filter = $expected" "got: $actual"
	fi
}

# json_value FILTER — the value picked from the last command's JSON output
json_value() {
	python3 "$(dirname "${BASH_SOURCE[0]}")/jpath.py" "$1" <"$OUT" 2>&1
}

expect_eq() {
	if [ "$2" = "$3" ]; then
		_report ok "$1"
	else
		_report fail "$1" "got '$2', expected '$3'"
	fi
}

finish() {
	echo "1..$tests_run"
	if [ "$tests_failed" -ne 0 ]; then
		echo "# $tests_failed of $tests_run failed"
		exit 1
	fi
	exit 0
}
