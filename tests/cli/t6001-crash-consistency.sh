#!/usr/bin/env bash
# t6001 — crash consistency: SIGKILL at random moments (issue 9). Each round
# starts `recip serve` with a client writing exchanges through it and
# `recip import exchanges` of a file of 10,000 new rows, then kills the
# importer, the server or both with SIGKILL at a random moment before,
# during or after the import (and the server in any case, in the middle of
# the client's writes). After every kill: `recip check` passes (integrity,
# foreign keys, every roll-up equals its recomputation), the file's rows are
# all there or none of them, every write whose 201 the client saw is there,
# importing the file again completes it without duplicates, and once more
# adds nothing. 50 rounds by default (RECIP_CRASH_ROUNDS; RECIP_CRASH_SEED
# repeats a run), at least 50 kills; about two minutes.
. "$(dirname "$0")/lib.sh"
only_on sqlite "SIGKILL of the process that holds a SQLite database (PostgreSQL's server keeps its own)"

ROUNDS=${RECIP_CRASH_ROUNDS:-50}
python3 "$(dirname "$0")/reliability.py" crash "$TEST_DIR/crash" "$ROUNDS" >"$OUT" 2>"$ERR"
STATUS=$?
cat "$OUT" | sed 's/^/# /'
figure() { sed -n "s/^$1 //p" "$OUT"; }
expect_eq "the driver ran every round" "$(figure rounds)" "$ROUNDS"
expect_eq "at least $ROUNDS kills" "$([ "$(figure kills)" -ge "$ROUNDS" ] && echo yes)" yes
expect_eq "some kills hit the import" "$([ "$(figure import_kills)" -gt 0 ] && echo yes)" yes
expect_eq "recip check passed after every kill" "$(figure check_failures)" 0
expect_eq "no import was left half done" "$(figure imports_partial)" 0
expect_eq "every imported row is there once after importing again" "$(figure duplicates)" 0
expect_eq "no import failed for another reason" "$(figure resume_failures)" 0
expect_eq "writes were acknowledged" "$([ "$(figure acked_writes)" -gt 0 ] && echo yes)" yes
expect_eq "no acknowledged write was lost" "$(figure lost_writes)" 0
expect_eq "the driver found nothing wrong" "$STATUS" 0
[ -s "$ERR" ] && sed 's/^/# /' "$ERR"
finish
