#!/usr/bin/env bash
# t0800 — recip check finds every problem: broken references and roll-ups
# that no longer agree with the ledger, each on its own line.
. "$(dirname "$0")/lib.sh"
only_on sqlite "it breaks the database behind recip's back with the sqlite3 tool"
recip init >/dev/null
recip add person "Ana" >/dev/null
recip add person "Ben" >/dev/null
recip gave ana gift >/dev/null
recip gave ben favour >/dev/null
expect_ok "a sound database" recip check --json
expect_json '.ok' true
expect_json '.rollups_checked' 2

# two rows pointing at a party that is not there, and a roll-up gone stale
sqlite3 "$RECIP_DB" "PRAGMA foreign_keys = OFF;
	INSERT INTO visit (party_id, at, created_at) VALUES (98, 0, 0), (99, 0, 0);
	UPDATE party_rollup SET balance_last = 42 WHERE party_id = 1;"
expect_fail "problems are found" 1 recip check
expect_err "has 3 problems"
expect_out "problem: row 2 of table visit refers to a missing row of party"
expect_out "problem: the roll-up of party #1 differs from the ledger (balance)"
_run "$RECIP" check --json
expect_json '.ok' false
expect_json '.integrity' failed
expect_json '.problems | length' 3
expect_json '.rollup_mismatches[0].party' 1
finish
