#!/usr/bin/env bash
# t2005 — growth: active customers, referrals per active customer,
# conversion, the K-factor and new customers by source, on a known cohort
# (the worked example of docs/advocacy.md).
. "$(dirname "$0")/lib.sh"

recip init >/dev/null
add() { recip add person "$1" --role "$2" >/dev/null; }
add Ana customer;  recip visit ana --on 2026-06-01 >/dev/null; recip visit ana --on 2026-10-01 >/dev/null
add Ben customer;  recip gave ben treat --on 2026-05-01 >/dev/null; recip gave ben treat --on 2026-11-01 >/dev/null
add Cleo customer
add Dan customer;  recip visit dan --on 2026-07-01 >/dev/null
add Eve customer
add Fay customer;  recip visit fay --on 2026-09-05 >/dev/null
add Gil client;    recip received gil favour --on 2026-10-03 >/dev/null
add Hal customer;  recip visit hal --on 2026-10-01 >/dev/null; recip archive hal >/dev/null
add Pat partner
recip referral ana "Old One" --on 2026-07-01 >/dev/null;    recip referral convert 1 --on 2026-07-05 >/dev/null
recip referral ana "New One" --on 2026-09-10 >/dev/null;    recip referral convert 2 --on 2026-09-20 >/dev/null
recip visit "new one" --on 2026-09-21 >/dev/null
recip referral ana "New Two" --on 2026-10-05 >/dev/null;    recip referral lose 3 --on 2026-10-20 >/dev/null
recip referral ben "New Three" --on 2026-11-01 >/dev/null
recip referral cleo "New Four" --on 2026-10-10 >/dev/null;  recip referral convert 5 --on 2026-10-15 >/dev/null
recip referral pat "New Five" --on 2026-11-05 >/dev/null;   recip referral convert 6 --on 2026-11-10 >/dev/null
expect_eq "Hal is archived" "$(db_sql "SELECT archived FROM party WHERE name = 'Hal'")" 1

expect_ok "growth over the default 90 days" recip growth
cat >"$TEST_DIR/expected" <<'EOF'
growth over 90 days, 2026-08-26 to 2026-11-23
active customers       6
referrals made         5  (0.83 per active customer; 4 by customers)
converted              3  (conversion rate 60%; 1 lost, 1 open)
K-factor            0.50  (converted referrals per active customer)
new customers          5  (3 from referrals, 2 other)

month    from        to          new (referral)  new (other)  referrals  converted
2026-08  2026-08-26  2026-08-31               0            0          0          0
2026-09  2026-09-01  2026-09-30               1            1          1          1
2026-10  2026-10-01  2026-10-31               1            1          2          1
2026-11  2026-11-01  2026-11-23               1            0          2          1
EOF
expect_eq "the report" "$(cat "$OUT")" "$(cat "$TEST_DIR/expected")"
expect_ok "as JSON" recip growth --json
expect_json '.active_customers' 6
expect_json '.k_factor' 0.5
expect_json '.conversion_rate' 0.6
expect_json '.referrals_per_active_customer' 0.8333
expect_json '.new_customers' '{"other":2,"referral":3,"total":5}'
expect_ok "as of 12 October" recip growth --as-of 2026-10-12 --json
expect_json '.from' 2026-07-15
expect_json '.active_customers' 5
expect_json '.referrals.made' 3
expect_json '.referrals.converted' 1
expect_json '.k_factor' 0.2
expect_ok "over a year" recip growth --period 1y --json
expect_json '.active_customers' 7
expect_json '.referrals.made' 6
expect_json '.k_factor' 0.5714
expect_json '.months | length' 13
expect_fail "a period of 0" 2 recip growth --period 0
expect_fail "a bad period" 1 recip growth --period forever
expect_fail "a bad --as-of" 1 recip growth --as-of 2026-02-30
finish
