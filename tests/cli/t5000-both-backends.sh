#!/usr/bin/env bash
# t5000 — the commands of the core, one after the other, with figures worked
# out by hand: run on SQLite and again on PostgreSQL (tests/pg), it shows
# that every statement they send runs on both and gives the same answers.
# Balances: weight = value × 1.5 when personal, worth 2^(−days/180) today.
. "$(dirname "$0")/lib.sh"

expect_ok "init" recip init --json
expect_json '.backend' "$RECIP_BACKEND"
expect_ok "an organisation" recip add org "Harbor Logistics" --role client
expect_out "added organisation Harbor Logistics (#1)"
expect_ok "a person in it" recip add person "Ana Lopez" --org Harbor --email ana@x.example --role client --tag vip
expect_out "added person Ana Lopez (#2)"
expect_ok "a partner" recip add person "Ben Okafor" --role partner
expect_out "added person Ben Okafor (#3)"

# 3 × 1.5 = 4.5, 22 days ago: 4.5 × 2^(−22/180) = 4.13
expect_ok "a personal gift, back-dated" recip gave ana gift -v 3 --personal --on 2026-11-01
expect_out "balance now +4.13"
# −2 × 2^(−30/180) = −1.78
expect_ok "a favour received" recip received ben favour -v 2 --on 2026-10-24
expect_out "balance now -1.78"
expect_ok "a touch" recip touch ben --need
expect_ok "a visit" recip visit ana --amount 4.5
expect_out "(visit 1)"
expect_ok "a fact" recip remember ana "regular order" "flat white"
expect_fail "the gate says not yet" 3 recip ask ben referral
expect_err "we have never given them anything"
expect_ok "a forced ask" recip ask ben referral --force
expect_ok "granted" recip resolve 1 granted
expect_ok "a promise" recip promise ana "send the report" --due 2026-11-30
expect_ok "kept" recip kept 1
expect_out "kept (on time)"
# 4 × 1.5 × 2^(−22/180) = 5.51
expect_ok "amend the gift" recip amend exchange 1 value=4
expect_ok "delete the favour" recip delete exchange 2

expect_ok "balances" recip balance
expect_out "Ana Lopez     +5.51     1      4         0      0  2026-11-01"
expect_out "Ben Okafor    -5.00     0      0         1      5  2026-11-23"
expect_out "goodwill +5.51, owed -5.00"
expect_ok "balances as of an earlier day" recip balance ana --as-of 2026-11-10 --json
# 6 × 2^(−9/180) = 5.7956
expect_json '.items[0].balance' 5.7956
expect_ok "Ana in full" recip show ana --json
expect_json '.party.org_name' "Harbor Logistics"
expect_json '.standing.visit_count' 1
expect_ok "the audit trail of Ana and her entries" recip log ana --json
expect_json '.items | length' 7
expect_json '.items[-1].action' create
expect_json '.items[-1].entity' party
expect_ok "search" recip list --search lop --json
expect_json '.total' 1
expect_ok "by role" recip list --role client --json
expect_json '.total' 2
expect_ok "by tag" recip list --tag vip --json
expect_json '.items[0].name' "Ana Lopez"
expect_ok "sorted by balance" recip list --sort balance --json
expect_json '.items[0].name' "Ana Lopez"
expect_ok "due" recip due --within 30 --json
expect_ok "edit" recip edit ana --title CFO
expect_ok "archive" recip archive ben
expect_ok "the list leaves archived parties out" recip list --json
expect_json '.total' 2

expect_ok "an external id" recip add person "Xu Li" --external-id e1
expect_fail "taken twice" 1 recip add person "Yan Mo" --external-id e1
expect_err "already recorded (UNIQUE constraint failed: party.external_id)"
expect_fail "an unknown party" 1 recip gave nobody gift
expect_ok "check" recip check --json
expect_json '.ok' true
expect_json '.rollups_checked' 4
finish
