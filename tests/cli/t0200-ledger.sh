#!/usr/bin/env bash
# t0200 — the ledger: gave, received, touch, visit, ask, asked-by, resolve,
# promise, kept, broke, amend, delete, log.
. "$(dirname "$0")/lib.sh"
recip init >/dev/null
recip add person "Ana Lopez" --role customer >/dev/null
recip add person "Tom Reed" --role client >/dev/null

expect_ok "a personal, unexpected treat" recip gave ana treat --personal --unexpected --on 2026-11-20 \
	--note "croissant on the house"
expect_out "recorded #1, given to Ana Lopez: treat (value 1, personal, unexpected); balance now +2.22"
expect_ok "the same, as of its day" recip balance ana --as-of 2026-11-20 --json
expect_json '.items[0].balance' 2.25
expect_ok "something received" recip received tom referral --value 4 --on 2026-11-21T10:30
expect_out "recorded #2, received from Tom Reed: referral (value 4); balance now -3.97"
expect_ok "as JSON" recip gave tom advice --json
expect_json '.kind' advice
expect_json '.value' 2
expect_json '.at' "2026-11-23T12:00:00"
expect_json '.party_name' "Tom Reed"

expect_ok "a touch for a need" recip touch tom --by email --need --on yesterday --note "asked for figures"
expect_out "recorded #1: email with Tom Reed (a need)"
expect_ok "a touch from them" recip touch tom --by call --them --json
expect_json '.initiator' them
expect_json '.purpose' checkin
expect_ok "a visit" recip visit ana --on 2026-11-23T08:10 --amount 4.20
expect_out "recorded #1: Ana Lopez came in (visit 1)"
expect_ok "another visit" recip visit ana --on 2026-11-22T08:05
expect_out "(visit 2)"

expect_ok "their ask" recip asked-by tom introduction --on 2026-11-21 --note "to a payroll provider"
expect_out "recorded ask #1: Tom Reed asked us for introduction"
expect_ok "granted: we gave them an introduction" recip resolve 1 granted --on 2026-11-22
expect_out "ask #1 granted"
expect_out "given to Tom Reed: introduction (value 4)"
expect_fail "resolved twice" 1 recip resolve 1 declined
expect_err "ask #1 is already granted"
expect_fail "resolved as what" 2 recip resolve 1 maybe
expect_fail "an unknown ask" 1 recip resolve 99 granted
expect_err "no ask #99"
expect_fail "a bad ask id" 1 recip resolve abc granted
expect_err "bad ask id 'abc'"

expect_ok "check before asking" recip ask ana review --check --json
expect_json '.verdict' ready
expect_ok "our ask, the gate being ready" recip ask ana review --note "the Google page"
expect_out "recorded ask #2: we asked Ana Lopez for review"
expect_fail "a second ask while one is open is not ready" 3 recip ask ana referral
expect_err "not yet — gave first: nothing given since our last ask"
expect_ok "forced, and kept as forced" recip ask ana referral --force --json
expect_json '.forced' true
expect_ok "their open asks and ours show on the party" recip show ana --json
expect_json '.open_asks | length' 2

expect_ok "a promise" recip promise tom "send the depot model" --due 2026-11-30 --on 2026-11-20
expect_out "recorded promise #1 to Tom Reed: send the depot model, due 2026-11-30"
expect_fail "a promise without a due date" 2 recip promise tom "call back"
expect_ok "kept late" recip kept 1 --on 2026-12-01T09:00
expect_out "promise #1 to Tom Reed kept (late)"
expect_ok "another promise" recip promise tom "review the lease" --due 2026-11-25
expect_ok "kept on time" recip kept 2 --on 2026-11-25T18:00
expect_out "kept (on time)"
expect_ok "a third" recip promise tom "lunch" --due 2026-11-24
expect_ok "broken" recip broke 3
expect_out "promise #3 to Tom Reed broken"
expect_fail "kept after broken" 1 recip kept 3
expect_err "already broken"
expect_ok "their states" recip show tom --as-of 2026-12-02 --json
expect_json '.promises[0].state' "kept late"

expect_ok "amend an exchange" recip amend exchange 2 value=6 note= --json
expect_json '.value' 6
expect_json '.note' null
expect_ok "the balance follows" recip balance tom --json
expect_json '.items[0].received_count' 1
expect_fail "amend an unknown field" 1 recip amend exchange 2 colour=red
expect_err "unknown field 'colour'"
expect_fail "amend without FIELD=VALUE" 2 recip amend exchange 2 value
expect_fail "amend a missing entry" 1 recip amend visit 99 amount=3
expect_err "no visit #99"
expect_fail "amend an unknown kind" 1 recip amend invoice 1 amount=3
expect_err "unknown kind of record 'invoice'"
expect_ok "delete an exchange" recip delete exchange 1
expect_out "deleted exchange #1"
expect_ok "the balance is back to zero" recip balance ana --json
expect_json '.items[0].balance' 0
expect_fail "delete a party with history" 1 recip delete party ana
expect_err "archive the party instead"

expect_ok "the log" recip log --limit 3 --json
expect_json '.items | length' 3
expect_json '.items[0].action' delete
expect_json '.items[0].actor' tester
expect_ok "the log of a party" recip log tom
expect_out "update"
expect_ok "check" recip check
expect_out "ok: integrity ok"
finish
