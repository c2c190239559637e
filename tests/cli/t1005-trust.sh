#!/usr/bin/env bash
# t1005 — trust: (credibility + reliability + intimacy) / self-orientation,
# each on 1-10 from recorded facts (docs/engine.md gives the mappings):
#   credibility       the rating, 5 until rated
#   reliability       1 + 9 × (on time + ½ late) / promises due, 5 when none
#   intimacy          1 + 2 × personal exchanges + facts + birthday + anniversary, at most 10
#   self-orientation  1 + 9 × (need-only share + our asks / (asks + gives)) / 2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engine-lib.sh"

recip init >/dev/null
recip add person "Tina Trent" --role client --birthday 1980-05-17 >/dev/null  # 1
recip add person "Uma Underwood" --role client >/dev/null                     # 2
recip add person "Vic Vance" --role partner >/dev/null                        # 3
recip add person "Wes West" --role customer >/dev/null                        # 4: no relationship yet
recip remember tina kids "Ana and Tom" >/dev/null
recip remember tina interest sailing >/dev/null
recip gave tina gift --personal --on 2026-11-01 >/dev/null
recip received tina favour --personal --on 2026-11-05 >/dev/null
recip touch tina --on 2026-10-20 >/dev/null
recip touch tina --need --on 2026-11-10 >/dev/null
recip ask tina introduction --on 2026-11-12 --force >/dev/null
recip promise tina "send the deck" --on 2026-10-20 --due 2026-11-01 >/dev/null      # 1: kept on time
recip promise tina "call back" --on 2026-10-25 --due 2026-11-05 >/dev/null          # 2: kept late
recip promise tina "an intro to the CFO" --on 2026-10-25 --due 2026-11-10 >/dev/null # 3: broken
recip promise tina "share the notes" --on 2026-11-01 --due 2026-11-20 >/dev/null     # 4: overdue
recip promise tina "lunch" --on 2026-11-01 --due 2026-12-01 >/dev/null               # 5: not due yet
recip kept 1 --on 2026-10-30 >/dev/null
recip kept 2 --on 2026-11-08 >/dev/null
recip broke 3 --on 2026-11-12 >/dev/null
recip gave vic gift --personal --on 2026-11-15 >/dev/null

# reliability 1 + 9 × 1.5 / 4 = 4.4; intimacy 1 + 2 × 2 + 2 + 1 = 8;
# self-orientation: needs 1 touch + 1 ask of 4 outreach (0.5), asks 1 of 2 (0.5): 5.5
expect_ok "an unrated party" recip trust tina
expect_out "trust (5 + 4.4 + 8) / 5.5 = 3.16"
expect_line "^  credibility +5\.0  not rated: counted as 5 \(rate it with --credibility N\)$"
expect_line "^  reliability +4\.4  1 of 4 promises due kept on time, 1 late, 1 broken, 1 overdue$"
expect_line "^  intimacy +8\.0  2 personal exchanges, 2 facts known, birthday known$"
expect_line "^  self-orientation +5\.5  2 of 4 contacts in 180 days were a need or an ask \(50%\); 1 ask of ours against 1 give \(50%\)$"
expect_out "to work on: reliability"
expect_ok "rating credibility" recip trust tina --credibility 8
expect_out "trust (8 + 4.4 + 8) / 5.5 = 3.71"
expect_out "rated 8 by you"
expect_ok "--json" recip trust tina --json
expect_json '.trust' 3.71
expect_json '.equation' "(8 + 4.4 + 8) / 5.5"
expect_json '.credibility.score' 8
expect_json '.credibility.rated' true
expect_json '.reliability.on_time' 1
expect_json '.reliability.late' 1
expect_json '.reliability.broken' 1
expect_json '.reliability.overdue' 1
expect_json '.intimacy.personal_exchanges' 2
expect_json '.intimacy.facts' 2
expect_json '.self_orientation.need_share' 0.5
expect_json '.self_orientation.ask_share' 0.5
expect_json '.weakest' reliability
expect_ok "show has the equation" recip show tina
expect_out "trust (8 + 4.4 + 8) / 5.5 = 3.71"

# as of 2026-11-02 only the first promise was due (kept on time): 10; the
# gift was the one personal exchange; the facts were recorded later; one
# check-in and one give: no need, no ask
expect_ok "as of an earlier day" recip trust tina --as-of 2026-11-02 --json
expect_json '.reliability.score' 10
expect_json '.intimacy.score' 4
expect_json '.self_orientation.score' 1
expect_json '.trust' 22

# Uma: (5 + 5 + 1) / 1 = 11; Vic: one personal give, (5 + 5 + 3) / 1 = 13
expect_ok "ranking, weakest first" recip trust --json
expect_json '.items | length' 3
expect_json '.items[0].name' "Tina Trent"
expect_json '.items[1].name' "Uma Underwood"
expect_json '.items[1].trust' 11
expect_json '.items[1].weakest' intimacy
expect_json '.items[2].name' "Vic Vance"
expect_json '.items[2].trust' 13
expect_ok "ranking as a table" recip trust
expect_line "^Tina Trent +3\.71 +8\.0 +4\.4 +8\.0 +5\.5 +reliability$"
expect_line "^Uma Underwood +11\.00 +5\.0 +5\.0 +1\.0 +1\.0 +intimacy$"
expect_no_out "Wes West"

expect_ok "unrating" recip trust tina --credibility "" --json
expect_json '.credibility.rated' false
expect_fail "a rating out of range" 1 recip trust tina --credibility 11
expect_err "credibility must be between 1 and 10 (got 11)"
expect_fail "a rating that is no number" 1 recip trust tina --credibility high
expect_fail "a rating without a party" 2 recip trust --credibility 5
expect_fail "an unknown party" 1 recip trust nobody
finish
