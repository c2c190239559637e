#!/usr/bin/env bash
# t5004 — several writers at once on one database: no write is lost and
# every roll-up still equals its recomputation from the ledger. On SQLite the
# writers queue (busy timeout); on PostgreSQL they run side by side and row
# locks on the roll-ups keep the read-modify-write exact. Two people of one
# organisation make the organisation's roll-up (its last contact) a row that
# every worker rewrites.
. "$(dirname "$0")/lib.sh"

WORKERS=4
# one round under valgrind, where each command takes seconds (the same paths)
ROUNDS=$([ -n "${RECIP_UNDER_VALGRIND:-}" ] && echo 1 || echo 3)

expect_ok "init" recip init
recip add org "Harbor Logistics" >/dev/null
recip add person "Ana Lopez" --org "Harbor Logistics" >/dev/null
recip add person "Ben Okafor" --org "Harbor Logistics" >/dev/null
recip add person "Cy Park" >/dev/null

# One worker: each round writes through every path that updates a roll-up:
# a give and a receive (incremental), a back-dated give (decayed to the
# party's latest day), a touch and a visit (contact, reaching the
# organisation), and a give that is deleted again (a full recomputation).
worker() {
	local w=$1 r id
	for r in $(seq 1 "$ROUNDS"); do
		recip gave ana gift -v 2 -m "w$w r$r" >/dev/null || return 1
		recip received ben favour -v 1 >/dev/null || return 1
		recip gave cy advice -v 1 --on 2026-10-24 >/dev/null || return 1
		recip touch cy --by email >/dev/null || return 1
		recip visit ben --on "2026-11-1${w}T0${r}:00" >/dev/null || return 1
		id=$(recip gave ben treat -v 5 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])') ||
			return 1
		recip delete exchange "$id" >/dev/null || return 1
	done
}

pids=()
for w in $(seq 1 "$WORKERS"); do
	worker "$w" >"$TEST_DIR/worker$w.log" 2>&1 &
	pids+=($!)
done
failed=0
for p in "${pids[@]}"; do
	wait "$p" || failed=$((failed + 1))
done
expect_eq "every worker's writes succeeded" "$failed" 0
[ "$failed" -eq 0 ] || cat "$TEST_DIR"/worker*.log

n=$((WORKERS * ROUNDS))
expect_ok "check after the writers" recip check --json
expect_json '.ok' true
expect_json '.rollups_checked' 4
expect_json '.rollup_mismatches | length' 0

# Ana: n gives of 2 today; Ben: n receipts of 1 (the treats were deleted);
# Cy: n gives of 1 made 30 days ago, worth 2^(-30/180) each today
expect_ok "Ana's balance" recip balance ana --json
expect_json '.items[0].gave_count' "$n"
expect_json '.items[0].balance' "$((2 * n))"
expect_ok "Ben's balance" recip balance ben --json
expect_json '.items[0].received_count' "$n"
expect_json '.items[0].gave_count' 0
expect_json '.items[0].balance' "-$n"
expect_ok "Cy's balance" recip balance cy --json
expect_json '.items[0].gave_count' "$n"
cy=$(python3 -c "print(round($n * 2 ** (-30 / 180), 4))")
expect_json '.items[0].balance' "$cy"

expect_ok "Ben's visits" recip show ben --json
expect_json '.standing.visit_count' "$n"
finish
