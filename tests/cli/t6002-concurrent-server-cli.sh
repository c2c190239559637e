#!/usr/bin/env bash
# t6002 — the command line and the server writing to one SQLite database at
# once (issue 9): two `recip serve` processes with two HTTP clients each
# (60 writes per client), four command-line writers (`recip gave`, 30 each)
# and two `recip import exchanges` of 2,000 rows each, all at the same time
# on loopback. Every HTTP write gets its 201, every command exits 0 with
# nothing on stderr — no "database is locked", no "busy" reaches anyone —,
# no write is lost (every note is there), `recip check` finds the roll-ups
# equal to their recomputation, and each party's give and receive counts
# are exactly what was written.
. "$(dirname "$0")/lib.sh"
only_on sqlite "SQLite's single writer is what the queueing is about"

python3 "$(dirname "$0")/reliability.py" concurrent "$TEST_DIR/concurrent" >"$OUT" 2>"$ERR"
STATUS=$?
sed 's/^/# /' "$OUT"
figure() { sed -n "s/^$1 //p" "$OUT"; }
expect_eq "every HTTP write was acknowledged" "$(figure http_acked)" 240
expect_eq "no HTTP write was refused" "$(figure http_refused)" 0
expect_eq "every command succeeded quietly" "$(figure cli_failures)" 0
expect_eq "no 'locked' or 'busy' reached anyone" "$(figure locked_or_busy)" 0
expect_eq "the servers logged no error" "$(figure server_errors)" 0
expect_eq "no write was lost" "$(figure lost)" 0
expect_eq "recip check passes" "$(figure check_ok)" true
expect_eq "every roll-up equals its recomputation" "$(figure rollup_mismatches)" 0
expect_eq "each party's counts are what was written" "$(figure counts_wrong)" 0
expect_eq "the driver found nothing wrong" "$STATUS" 0
[ -s "$ERR" ] && sed 's/^/# /' "$ERR"
finish
