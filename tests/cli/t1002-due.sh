#!/usr/bin/env bash
# t1002 — keep in touch: cadences (explicit and by role), who is due or
# overdue and by how much, when and how we last spoke, what we know, and
# the need-only signal in recip show and recip due.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engine-lib.sh"

recip init >/dev/null
recip add person "Cara Client" --role client >/dev/null          # 1: every 30 days by role
recip add person "Pat Partner" --role partner >/dev/null         # 2: every 45 days by role
recip add person "Sam Every" --every 10d >/dev/null              # 3: every 10 days, set
recip add person "Cus Tomer" --role customer >/dev/null          # 4: never due
recip add person "Nick Need" --role client --every 7d >/dev/null # 5: the set cadence wins over the role
recip add person "Gina Giver" --role client >/dev/null           # 6
recip add person "Nev Er" --role prospect >/dev/null             # 7: never in touch
recip remember cara kids "Ana and Tom" >/dev/null
recip touch cara --on 2026-10-20 >/dev/null                      # due 2026-11-19: 4 days overdue
recip touch pat --on 2026-10-15 --by meeting >/dev/null          # due 2026-11-29: in 6 days
recip touch sam --on 2026-11-20 >/dev/null                       # due 2026-11-30: in 7 days
recip visit cus --on 2026-01-05 >/dev/null
recip touch nick --on 2026-10-01 >/dev/null                      # our outreach: a check-in …
recip touch nick --need --on 2026-11-01 >/dev/null               # … and two needs: 2 of 3
recip touch nick --need --on 2026-11-10 >/dev/null               # due 2026-11-17: 6 days overdue
recip gave gina favour --on 2026-10-01 >/dev/null                # two gives and one need: 1 of 3
recip gave gina advice --on 2026-10-15 >/dev/null
recip touch gina --need --on 2026-10-30 >/dev/null                # due 2026-11-29: in 6 days

expect_ok "cadences in show" recip show cara --json
expect_json '.standing.cadence_days' 30
expect_json '.standing.due_on' 2026-11-19
expect_ok "a set cadence" recip show sam --json
expect_json '.standing.cadence_days' 10
expect_ok "a set cadence wins over the role's" recip show nick --json
expect_json '.standing.cadence_days' 7
expect_ok "a customer is never due" recip show cus --json
expect_json '.standing.cadence_days' 0

expect_ok "due now" recip due
expect_eq "never in touch first, then most overdue" "$(grep -v '^ ' "$OUT")" "Nev Er (#7) — never in touch, every 14 days
Nick Need (#5) — 6 days overdue, every 7 days · need-only
Cara Client (#1) — 4 days overdue, every 30 days"
expect_out "  last: 2026-11-10, call because we needed something"
expect_out "  last: 2026-10-20, call to keep in touch"
expect_out "  kids: Ana and Tom"
expect_no_out "Pat Partner"
expect_no_out "Cus Tomer"
expect_ok "due --json" recip due --json
expect_json '.items | length' 3
expect_json '.items[1].days_overdue' 6
expect_json '.items[1].due_on' 2026-11-17
expect_json '.items[1].last_contact.summary' "call because we needed something"
expect_json '.items[1].signals.need_only.flag' true
expect_json '.items[2].cadence_days' 30
expect_json '.items[2].facts[0].key' kids

expect_ok "due within a week" recip due --within 7d
expect_out "Pat Partner (#2) — due in 6 days, every 45 days"
expect_out "  last: 2026-10-15, meeting to keep in touch"
expect_out "Sam Every (#3) — due in 7 days, every 10 days"
expect_ok "due within 6 days leaves out the 7th" recip due --within 6d --json
expect_json '.items | length' 5
expect_json '.items[3].name' "Pat Partner"
expect_json '.items[3].days_overdue' -6
expect_json '.items[4].name' "Gina Giver"
# as of 2026-11-18 Sam had not been in touch yet (his touch is of the 20th)
expect_ok "due as of an earlier day" recip due --as-of 2026-11-18 --json
expect_json '.items | length' 3
expect_json '.items[0].name' "Sam Every"
expect_json '.items[0].never_contacted' true
expect_json '.items[2].name' "Nick Need"
expect_json '.items[2].days_overdue' 1
expect_ok "as of before Nick's latest touch, he was due from the one before" recip due --as-of 2026-11-09 --json
expect_json '.items[2].name' "Nick Need"
expect_json '.items[2].last_contact_at' 2026-11-01T00:00:00
expect_json '.items[2].days_overdue' 1

expect_ok "a touch takes one off the list" recip touch cara
expect_ok "due" recip due --json
expect_json '.items | length' 2

expect_ok "need-only in show" recip show nick
expect_out "warning: need-only — 2 of our last 3 contacts in 180 days were a need or an ask; get in touch without wanting anything"
expect_ok "show --json" recip show nick --json
expect_json '.signals.need_only.need' 2
expect_json '.signals.need_only.outreach' 3
expect_json '.signals.need_only.share' 0.6667
expect_ok "gives count as outreach: not need-only" recip show gina --json
expect_json '.signals.need_only.flag' false
expect_json '.signals.need_only.share' 0.3333
expect_ok "show without the warning" recip show gina
expect_no_out "need-only"
expect_ok "as of a day when one need in two was all there was" recip show nick --as-of 2026-11-01 --json
expect_json '.signals.need_only.share' 0.5
expect_json '.signals.need_only.flag' false

expect_fail "a window that is not a duration" 1 recip due --within soon
expect_err "recip: "
expect_fail "due takes no arguments" 2 recip due cara
expect_fail "a cadence that is not a duration" 1 recip add person "Bad Cadence" --every often
expect_fail "a cadence too long" 1 recip edit cara --every 4000d
expect_err "too long"
expect_fail "an as-of that is not a date" 1 recip due --as-of someday
finish
