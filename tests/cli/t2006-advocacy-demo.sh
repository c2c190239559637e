#!/usr/bin/env bash
# t2006 — the demo data gives every advocacy report something real, the
# same every time.
. "$(dirname "$0")/lib.sh"

recip init >/dev/null
expect_ok "the demo" recip demo
expect_ok "its roll-ups hold" recip check

expect_ok "referral chains, three levels deep in the café and across three firms" recip referrals --tree
expect_out "Ana Lopez (#1): 3 referred, 3 converted"
expect_out "│  └─ Grace Kim (#33) converted, 2026-11-20"
expect_out "Tom Reed (#46): 2 referred, 1 converted"
expect_out "   └─ Fatima Zahra (#60) lead, 2026-11-11"
expect_out "6 chains, 9 referred, 3 levels at most"
expect_ok "referrals to thank" recip referrals --unthanked --json
expect_json '.items | length' 5
expect_json '.items[0].referrer_name' "Tom Reed"
expect_json '.items[0].party_name' "James Whitfield"
expect_ok "the referral list" recip referrals --json
expect_json '.counts' '{"converted":6,"lead":2,"lost":1,"thanked":4,"total":9,"unthanked":5}'
expect_ok "James became a client when his referral converted" recip show "James Whitfield" --json
expect_json '.party.role' '["client"]'

expect_ok "reviews" recip reviews --json
expect_json '.overall' '{"average":4.5,"reviews":6,"stars":[0,0,1,1,4]}'
expect_json '.items[0].name' "Oscar Pettersen"
expect_json '.items[0].ask' 1

expect_ok "the NPS, with a trend over three months" recip nps --json
expect_json '.nps' 30.7692
expect_json '.respondents' 26
expect_json '.answers' 30
expect_json '.months[1].respondents' 7
expect_json '.months[2].respondents' 11
expect_json '.months[3].respondents' 12

expect_ok "advocates" recip advocates --json
expect_json '.items[0].name' "Ana Lopez"
expect_json '.items[0].score' 15
expect_json '.detractors | length' 5
expect_json '.detractors[2].moment' "follow up with Marek Kowalski: NPS 3 on 5 Nov"

expect_ok "growth" recip growth --json
expect_json '.active_customers' 48
expect_json '.referrals.made' 7
expect_json '.k_factor' 0.0833
expect_json '.new_customers.referral' 4

# the same demo gives the same reports
first="$TEST_DIR/first.json"
for report in "referrals --tree" "referrals --unthanked" reviews nps advocates growth; do
	recip $report --json >>"$first"
done
rm -f "$RECIP_DB" "$RECIP_DB-wal" "$RECIP_DB-shm"
recip init >/dev/null
recip demo >/dev/null
second="$TEST_DIR/second.json"
for report in "referrals --tree" "referrals --unthanked" reviews nps advocates growth; do
	recip $report --json >>"$second"
done
expect_eq "the reports are the same on a second demo" "$(sha256sum <"$first")" "$(sha256sum <"$second")"
finish
