#!/usr/bin/env bash
# t1006 — moments, trigger by trigger, each with a suggestion that names the
# person and uses what we know; each goes away once acted on (the matching
# give or touch) or dismissed, and comes back with --undo. Referral and NPS
# moments are in tests/unit/test_engine_moments.c (their records have no
# command here yet).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engine-lib.sh"

mkdir -p "$XDG_CONFIG_HOME/recip"
printf '[moments]\nnth_visit = 5\n' >"$XDG_CONFIG_HOME/recip/config.ini"

recip init >/dev/null
recip add person "Gwen Park" --role customer >/dev/null                    # 1
recip add person "Nora North" --role customer >/dev/null                   # 2
recip add person "Bea Bell" --role customer --birthday 1990-11-26 >/dev/null # 3
recip add org "Acme Ltd" --role client --anniversary 2000-11-25 >/dev/null # 4
recip add person "Leo Lane" --role customer >/dev/null                     # 5
recip add person "Owen Oak" --role client >/dev/null                       # 6
recip add person "Pam Pike" --role client >/dev/null                       # 7
recip add person "Tess Tate" --role partner >/dev/null                     # 8
recip add person "Fay Ford" --role client >/dev/null                       # 9
recip remember gwen "regular order" "flat white" >/dev/null
recip visit gwen --on 2026-11-21T09:00 >/dev/null
for d in 17 18 19 20 21; do recip visit nora --on 2026-11-${d}T08:00 >/dev/null; done
for d in 01 03 05 07 09 11 13 15 17 19 21 23 25 27 29 31; do recip visit leo --on 2026-10-${d}T10:00 >/dev/null; done
recip received owen favour --value 5 --on 2026-11-20 >/dev/null
recip promise pam "send the report" --on 2026-11-01 --due 2026-11-25 >/dev/null  # promise 1
recip promise pam "call the bank" --on 2026-11-01 --due 2026-11-20 >/dev/null    # promise 2
recip promise pam "plan the offsite" --on 2026-11-01 --due 2026-11-28 >/dev/null # promise 3: not yet
recip asked-by tess advice --on 2026-11-13 --note pricing >/dev/null             # ask 1
recip ask fay review --on 2026-11-10 --force >/dev/null                          # ask 2

expect_ok "every moment, with its key" recip moments
expect_eq "the keys, in trigger order" "$(grep -v '^ ' "$OUT")" "first-visit:2:2026-11-17
first-visit:1:2026-11-21
nth-visit:2:5
birthday:3:2026-11-26
anniversary:4:2026-11-25
lapsed:5:2026-10-31
promise:2
promise:1
owe:6:2026-11-20
their-ask:1
follow-up:2"
expect_out "    Gwen Park — first visit on Saturday (2 days ago): surprise Gwen with a pastry on the house next time; they ordered flat white"
expect_out "    Nora North — first visit on Tuesday (6 days ago): surprise Nora with a pastry on the house next time — and remember their name and order"
expect_out "    Nora North — 5th visit on Saturday (2 days ago): mark it with a treat on the house, by name"
expect_out "    Bea Bell — turns 36 on Thursday (in 3 days): a card and a treat on the house"
expect_out "    Acme Ltd — 26th anniversary on Wednesday (in 2 days): send them a note of congratulations"
expect_out "    Leo Lane — a regular (16 visits, about every 2 days) has not been in for 23 days: send Leo a note that we miss them"
expect_out "    Pam Pike — we promised to call the bank; 3 days overdue: keep it today, or tell them when"
expect_out "    Pam Pike — we promised to send the report; due on Wednesday (in 2 days)"
expect_out "    Owen Oak — we owe them (balance -4.94; they gave us a favour 3 days ago): give back — make Owen Oak an introduction that helps their business, with nothing asked in return"
expect_out "    Tess Tate — asked us 10 days ago for advice (pricing): answer Tess — grant it, or say why not"
expect_out "    Fay Ford — our ask for a review has been open 13 days (forced past the gate): follow up kindly, or withdraw it"
expect_no_out "plan the offsite"
expect_ok "--json" recip moments --json
expect_json '.items | length' 11
expect_json '.items[0].trigger' first-visit
expect_json '.items[0].party' 2
expect_json '.items[0].at' 2026-11-17T08:00:00
expect_json '.items[6].ref' 2
expect_json '.items[6].section' promises
expect_json '.items[8].section' owed
expect_json '.items[10].section' asks

# as of the 19th: Gwen had not come, Nora had come three times, Owen had
# not given yet; the lapse of Leo (from 2026-11-08) was already a moment
expect_ok "as of an earlier day" recip moments --as-of 2026-11-19 --json
expect_no_out '"first-visit:1:'
expect_no_out '"nth-visit:'
expect_no_out '"owe:'
expect_out '"key": "first-visit:2:2026-11-17"'
expect_out '"key": "lapsed:5:2026-10-31"'
expect_out "has not been in for 19 days"

# acting on each
recip gave gwen treat >/dev/null
recip gave nora treat --personal >/dev/null
recip touch bea --on 2026-11-18 >/dev/null          # before the week before the birthday: not acting on it
recip touch leo --on 2026-11-22 --by message >/dev/null
recip gave owen treat --value 0.1 >/dev/null        # any give back after their favour acts on it
recip kept 1 >/dev/null
recip resolve 1 granted >/dev/null
recip touch fay --need >/dev/null
expect_ok "after acting" recip moments
expect_eq "what is left" "$(grep -v '^ ' "$OUT")" "birthday:3:2026-11-26
anniversary:4:2026-11-25
promise:2"
expect_ok "the birthday is acted on by a touch in the week before" recip touch bea --on 2026-11-20
expect_ok "moments" recip moments --json
expect_json '.items | length' 2

# dismissing
expect_ok "dismiss every moment of a party" recip dismiss acme
expect_out "dismissed anniversary:4:2026-11-25"
expect_ok "dismiss by key" recip dismiss promise:2
expect_out "dismissed promise:2"
expect_ok "nothing left" recip moments
expect_out "no moments: nothing to act on"
expect_ok "as of the day before the dismissal it was still there" recip moments --as-of 2026-11-22 --json
expect_out '"key": "anniversary:4:2026-11-25"'
expect_ok "the audit trail keeps it" recip log --json
expect_out '"action": "dismiss"'
expect_fail "dismissing it again" 1 recip dismiss promise:2
expect_err "that moment is already dismissed"
expect_ok "--undo brings it back" recip dismiss promise:2 --undo
expect_out "restored promise:2"
expect_ok "moments" recip moments --json
expect_json '.items[0].key' promise:2
expect_fail "undo what was not dismissed" 1 recip dismiss promise:2 --undo
expect_err "moment 'promise:2' was not dismissed"
expect_fail "an unknown key" 1 recip dismiss lapsed:99:2026-01-01
expect_err "no moment 'lapsed:99:2026-01-01' as of 2026-11-23 (see recip moments)"
expect_fail "a party without such a moment" 1 recip dismiss pam --trigger lapsed
expect_err "party #7 has no lapsed moment as of 2026-11-23"
expect_fail "an unknown trigger" 1 recip dismiss pam --trigger birthdays
expect_err "unknown trigger 'birthdays'"
expect_fail "a key with --trigger" 2 recip dismiss promise:2 --trigger promise
expect_fail "--undo of a party" 2 recip dismiss pam --undo
expect_fail "an unknown party" 1 recip dismiss nobody
expect_fail "dismiss needs what" 2 recip dismiss
expect_ok "the roll-ups equal a recomputation" recip check
finish
