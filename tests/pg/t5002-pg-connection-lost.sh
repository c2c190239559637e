#!/usr/bin/env bash
# t5002 — the connection to PostgreSQL goes away in the middle of a write:
# the session is terminated (pg_terminate_backend), or the server stops.
# The command says so in one line, exits 4, and nothing of it is written;
# the next command works once the server is back.
. "$(dirname "$0")/../cli/lib.sh"
only_on postgresql "it needs the PostgreSQL test server (tests/pg)"

. "$(dirname "$0")/hold-lock.sh"

# Starts `recip gave ana gift` and waits until it is stuck on the lock.
start_write() { # DB
	"$RECIP" gave ana gift -v 3 --db "$1" >"$OUT" 2>"$ERR" &
	WRITER=$!
	wait_for_stuck_write "$1"
}

finish_write() {
	wait "$WRITER"
	STATUS=$?
}

check_failed_write() { # what
	if [ "$STATUS" -ne 4 ]; then
		_report fail "$1" "exit status $STATUS, expected 4"
	elif [ "$(wc -l <"$ERR")" -ne 1 ]; then
		_report fail "$1" "expected one line on stderr"
	else
		_report ok "$1"
	fi
}

# ---- the session is terminated -------------------------------------------------------
expect_ok "init" recip init
expect_ok "a party" recip add person "Ana Lopez"
before=$(db_state)
hold_lock "$RECIP_DB"
start_write "$RECIP_DB"
terminate_recip "$RECIP_DB"
finish_write
check_failed_write "a terminated session fails the command"
expect_err "lost the connection to database"
expect_err "nothing was written"
release_lock "$RECIP_DB"
expect_eq "nothing was written" "$(db_state)" "$before"
expect_eq "no exchange" "$(sql "$RECIP_DB" -c "SELECT count(*) FROM exchange")" 0
expect_ok "the roll-ups agree with the ledger" recip check
expect_ok "the next write works" recip gave ana gift -v 3
expect_out "balance now +3"

# ---- the server stops -------------------------------------------------------------------
# (its own server: stopping the shared one would fail the other tests)
CLUSTER="$TEST_DIR/cluster"
bash "$(dirname "$0")/cluster.sh" start "$CLUSTER" >/dev/null
own_admin=$(cat "$CLUSTER/url")
own=${own_admin/\/postgres\?/\/recip?}
sql "$own_admin" -c "CREATE DATABASE recip"
recip init --db "$own" >/dev/null
recip add person "Ana Lopez" --db "$own" >/dev/null
hold_lock "$own"
start_write "$own"
bash "$(dirname "$0")/cluster.sh" halt "$CLUSTER"
finish_write
wait "$HOLDER" 2>/dev/null
check_failed_write "a server that stops fails the command"
expect_err "lost the connection to database"
expect_err "nothing was written"
expect_fail "while it is down, commands say so" 4 recip list --db "$own"
expect_err "cannot connect to database"
bash "$(dirname "$0")/cluster.sh" resume "$CLUSTER"
expect_eq "nothing was written" "$(sql "$own" -c "SELECT count(*) FROM exchange")" 0
expect_ok "the roll-ups agree with the ledger" recip check --db "$own"
expect_ok "the next write works" recip gave ana gift -v 3 --db "$own"
expect_out "balance now +3"
bash "$(dirname "$0")/cluster.sh" stop "$CLUSTER"
finish
