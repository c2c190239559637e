#!/usr/bin/env bash
# t1009 — partners: our profile, partner fit 0-100 with its reasons
#   50 × share of our segments they serve + 50 × share of their offers that
#   complement ours − 50 × share of their offers that overlap ours, in 0-100
# value given vs received, and projects that start small.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engine-lib.sh"

recip init >/dev/null
recip add org "Clearwater Plumbing" --role partner --offer plumbing --offer heating \
	--serves homeowners --serves landlords >/dev/null                                   # 1
recip add org "Tess Tiling" --role partner --offer tiling --offer kitchens --serves homeowners >/dev/null # 2
recip add org "Rival Builders" --role partner --offer extensions --offer kitchens \
	--serves homeowners --serves landlords >/dev/null                                   # 3
recip add org "Far Away Gardens" --role partner --offer landscaping --serves schools >/dev/null # 4
recip add org "Ned Nobody" --role partner >/dev/null                                    # 5
recip add person "Cal Client" --role client >/dev/null                                  # 6

expect_ok "an empty profile" recip profile
expect_out "offer   (nothing recorded)"
expect_fail "no fit without our profile" 1 recip fit clearwater
expect_err "our profile is empty: record what we offer and whom we serve first"
expect_ok "recording our profile" recip profile --offer Extensions --offer kitchens --serves homeowners --serves landlords
expect_eq "the profile, in lower case" "$(cat "$OUT")" "offer   extensions, kitchens
serves  homeowners, landlords"
expect_ok "adding what is there changes nothing" recip profile --offer kitchens --json
expect_json '.offer' '["extensions","kitchens"]'
expect_fail "removing what is not there" 1 recip profile --remove-offer decking
expect_err "our profile has no offer 'decking'"
expect_fail "a value that is not a word" 1 recip profile --offer "a;b"
expect_ok "a change is audited" recip log --json
expect_out '"entity": "profile"'

expect_ok "a perfect fit" recip fit clearwater
expect_out "Clearwater Plumbing fits us 100/100"
expect_line "^ +\+50  serves 2 of our 2 segments \(homeowners, landlords\)$"
expect_line "^ +\+50  complements us with plumbing, heating$"
expect_ok "a mixed fit" recip fit tess --json
expect_json '.score' 25
expect_json '.reasons[0].reason' "serves 1 of our 2 segments (homeowners)"
expect_json '.reasons[0].points' 25
expect_json '.reasons[1].reason' "complements us with tiling"
expect_json '.reasons[1].points' 25
expect_json '.reasons[2].reason' "competes with us on kitchens"
expect_json '.reasons[2].points' -25
expect_json '.overlapping_offers' '["kitchens"]'
expect_ok "a competitor" recip fit rival --json
expect_json '.score' 0
expect_ok "nothing recorded" recip fit ned --json
expect_json '.score' 0
expect_json '.reasons[0].reason' "no segments they serve are recorded"
expect_json '.reasons[1].reason' "nothing they offer is recorded"
expect_ok "every partner, best fit first" recip fit --json
expect_json '.items | length' 5
expect_json '.items[0].name' "Clearwater Plumbing"
expect_json '.items[1].name' "Far Away Gardens"
expect_json '.items[1].score' 50
expect_json '.items[2].name' "Tess Tiling"
expect_json '.items[3].name' "Rival Builders"
expect_json '.items[4].name' "Ned Nobody"
expect_ok "as a table" recip fit
expect_line "^Far Away Gardens +50 +serves none of our segments \(they serve schools\); complements us with landscaping$"

recip gave clearwater referral --on 2026-10-01 >/dev/null
recip received clearwater referral --on 2026-10-15 >/dev/null
recip received clearwater referral --on 2026-11-01 >/dev/null
expect_ok "value given vs received" recip fit clearwater
expect_out "value given 5 (1 exchange) vs received 10 (2) — they gave more"

# start small
expect_ok "a small project" recip project add clearwater "Harris bathroom" --on 2026-09-01
expect_out "started project #1 with Clearwater Plumbing: Harris bathroom (small)"
expect_fail "a medium one before a small one succeeded" 3 recip project add clearwater "Two flats" --size medium
expect_err "recip: start small — no small project with 'Clearwater Plumbing' has succeeded yet; start with a small one (or record it anyway with --force)"
expect_ok "the small one succeeds" recip project done 1 --on 2026-10-01
expect_out "project #1 with Clearwater Plumbing succeeded: Harris bathroom (small)"
expect_fail "… but not before the medium one would start" 3 recip project add clearwater "Two flats" --size medium --on 2026-09-15
expect_ok "now a medium one" recip project add clearwater "Two flats" --size medium --json
expect_json '.forced' false
expect_json '.size' medium
expect_fail "a large one with a partner without a success" 3 recip project add tess "Spa" --size large
expect_err "no small or medium project with 'Tess Tiling' has succeeded yet; start with a small or medium one"
expect_ok "--force records it anyway" recip project add tess "Spa" --size large --force
expect_out "started project #3 with Tess Tiling: Spa (large) — forced: no smaller one has succeeded yet"
expect_ok "--force when not needed is not kept" recip project add clearwater "Boiler swap" --force --json
expect_json '.forced' false
expect_ok "a project that failed" recip project done 2 --failed
expect_out "project #2 with Clearwater Plumbing failed: Two flats (medium)"
expect_ok "the ladder" recip project list clearwater
expect_line "^ +#1 +Clearwater Plumbing +Harris bathroom +small +succeeded +2026-09-01 +2026-10-01$"
expect_line "^ +#2 +Clearwater Plumbing +Two flats +medium +failed "
expect_ok "every project" recip project list --json
expect_json '.total' 4
expect_ok "the fit report has the ladder" recip fit clearwater --json
expect_json '.projects | length' 3
expect_json '.next_size' medium
expect_json '.value.given' 5
expect_json '.value.received' 10

expect_ok "show for a partner" recip show clearwater
expect_out "fits us 100/100 (recip fit for the reasons)"
expect_out "  value given 5 (1 exchange) vs received 10 (2) — they gave more"
expect_out "  project #1 small, succeeded: Harris bathroom (since 2026-09-01)"
expect_out "  next: a medium project"
expect_ok "show --json" recip show clearwater --json
expect_json '.partner.score' 100
expect_json '.partner.value.received_count' 2
expect_ok "show for a client has no partner part" recip show cal --json
expect_json '.partner' null

expect_fail "ending a project twice" 1 recip project done 1
expect_err "project #1 already succeeded"
expect_fail "an unknown project" 1 recip project done 99
expect_fail "ending before the start" 1 recip project done 4 --on 2020-01-01
expect_err "a project cannot end before it started"
expect_fail "an unknown size" 1 recip project add clearwater "Big" --size huge
expect_fail "an unknown subcommand" 2 recip project frob
expect_fail "add without a name" 2 recip project add clearwater
expect_fail "--size with done" 2 recip project done 4 --size large
expect_fail "--failed with add" 2 recip project add clearwater "X" --failed
expect_fail "fit of an unknown party" 1 recip fit nobody
finish
