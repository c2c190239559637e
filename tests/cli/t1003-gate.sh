#!/usr/bin/env bash
# t1003 — the give-first gate, check by check: a party we never gave to is
# "not yet" with the gave-first check failing, and after a personal give it
# is "ready"; an ask not ready is refused unless forced, and kept as forced;
# recip asks lists the open asks both ways with their age.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engine-lib.sh"

recip init >/dev/null
recip add person "Ana Lopez" --role customer >/dev/null   # 1
recip add person "Bob Brown" --role client >/dev/null     # 2
recip add person "Carl Cole" --role client >/dev/null     # 3
recip add person "Dana Dunn" --role client >/dev/null     # 4
recip add person "Eve Ellis" --role partner >/dev/null    # 5
recip remember ana "regular order" "flat white, oat milk" >/dev/null

expect_status "never given: not yet" 3 recip ask ana review --check
expect_out "ask Ana Lopez for review: not yet"
expect_line "^FAIL +gave first +we have never given them anything$"
expect_line "^FAIL +balance +balance \+0\.00 is below the threshold \+1\.00$"
expect_line "^pass +no open ask +none of our asks is open$"
expect_line "^pass +cool-down +we have never asked them$"
expect_line "^pass +in touch +no keep-in-touch cadence applies$"
expect_out "give first: put Ana Lopez's regular order on the house next time, unannounced: flat white, oat milk"
expect_status "--json" 3 recip ask ana review --check --json
expect_json '.verdict' "not yet"
expect_json '.ready' false
expect_json '.checks[0].check' "gave first"
expect_json '.checks[0].pass' false
expect_fail "an ask that is not ready is refused" 3 recip ask ana review
expect_err "recip: not yet — gave first: we have never given them anything; give first: put Ana Lopez's regular order on the house next time, unannounced: flat white, oat milk (or record it anyway with --force)"

# a personal, unexpected treat: 1 × 1.5 × 1.5 = 2.25, three days old
recip gave ana treat --personal --unexpected --on 2026-11-20 >/dev/null
expect_ok "after a personal give: ready" recip ask ana review --check
expect_out "ask Ana Lopez for review: ready"
expect_line "^pass +gave first +we gave on 2026-11-20$"
expect_line "^pass +balance +balance \+2\.22 meets the threshold \+1\.00$"
expect_out "to keep it genuine, give too:"
expect_ok "the ask is recorded" recip ask ana review --on 2026-11-21
expect_out "recorded ask #1: we asked Ana Lopez for review"
expect_no_out "forced"
expect_status "after our ask: not yet again" 3 recip ask ana referral --check
expect_line "^FAIL +gave first +nothing given since our last ask on 2026-11-21$"
expect_line "^FAIL +no open ask +1 of our asks is still open$"
expect_line "^FAIL +cool-down +our last ask was 2 days ago \(cool-down 30 days\)$"
expect_line "^pass +balance "

# the balance alone: half a treat, personal: 0.5 × 1.5 = 0.75
recip gave bob treat --value 0.5 --personal --on 2026-11-22 >/dev/null
expect_status "a balance under the threshold" 3 recip ask bob favour --check
expect_line "^pass +gave first +we gave on 2026-11-22$"
expect_line "^FAIL +balance +balance \+0\.75 is below the threshold \+1\.00$"
expect_line "^pass +in touch +last contact 1 day ago, cadence 30 days$"

# contact alone: a personal favour 83 days ago is still worth 4.5 / 2^(83/180) = 3.27
recip gave carl favour --personal --on 2026-09-01 >/dev/null
expect_status "overdue for contact" 3 recip ask carl referral --check
expect_line "^pass +balance +balance \+3\.27 meets the threshold \+1\.00$"
expect_line "^FAIL +in touch +last contact 83 days ago, cadence 30 days: get back in touch first$"
expect_out "give first: make Carl Cole an introduction that helps their business, with nothing asked in return"
expect_ok "--force records it anyway" recip ask carl referral --force
expect_out "recorded ask #2: we asked Carl Cole for referral (forced: the gate said not yet)"

# the cool-down alone: ask granted, then a new give; 18 days after the ask
recip gave dana favour --on 2026-11-01 >/dev/null
expect_ok "ready on the 5th" recip ask dana review --check --on 2026-11-05
expect_ok "asked on the 5th" recip ask dana review --on 2026-11-05
recip resolve 3 granted --on 2026-11-07 >/dev/null
recip gave dana gift --personal --on 2026-11-15 >/dev/null
expect_status "in the cool-down" 3 recip ask dana introduction --check
expect_line "^pass +gave first +we gave on 2026-11-15, after our last ask$"
expect_line "^pass +no open ask +none of our asks is open$"
expect_line "^FAIL +cool-down +our last ask was 18 days ago \(cool-down 30 days\)$"
expect_line "^pass +balance "
expect_line "^pass +in touch "
expect_ok "thirty days after the ask: ready" recip ask dana introduction --check --on 2026-12-05 --json
expect_json '.verdict' ready

recip asked-by eve advice --on 2026-11-13 --note "pricing the new depot" >/dev/null
expect_ok "open asks both ways" recip asks
expect_line "^ +#4 +Eve Ellis +they asked +advice +2026-11-13 +10d +pricing the new depot$"
expect_line "^ +#1 +Ana Lopez +we asked +review +2026-11-21 +2d +-$"
expect_line "^ +#2 +Carl Cole +we asked +referral \(forced\) +2026-11-23 +0d +-$"
expect_out "2 of ours, 1 of theirs open"
expect_no_out "Dana Dunn"
expect_ok "asks --json, oldest first" recip asks --json
expect_json '.items | length' 3
expect_json '.items[0].direction' theirs
expect_json '.items[0].age_days' 10
expect_json '.items[1].forced' false
expect_json '.items[2].forced' true
expect_json '.ours' 2
expect_json '.theirs' 1
expect_ok "as of the 6th Dana's ask was still open" recip asks --as-of 2026-11-06 --json
expect_json '.items | length' 1
expect_json '.items[0].name' "Dana Dunn"
expect_json '.items[0].age_days' 1
expect_ok "one party's" recip asks ana --json
expect_json '.items | length' 1
expect_json '.items[0].what' review

expect_fail "an unknown party" 1 recip ask nobody review --check
expect_fail "what is missing" 2 recip ask ana
expect_fail "what is not a word" 1 recip ask ana "re;view" --force
expect_fail "asks takes one party at most" 2 recip asks ana bob
expect_fail "asks of an unknown party" 1 recip asks nobody
finish
