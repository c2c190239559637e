#!/usr/bin/env bash
# t2004 — advocates: the ranking with each component, and the detractors
# never followed up, listed as moments.
. "$(dirname "$0")/lib.sh"

recip init >/dev/null
for name in "Ana Lopez" "Eve Adams" "Finn Berg" "Gus Moreau" "Hal Weber" "Ida Novak"; do
	recip add person "$name" --role customer >/dev/null
done
expect_ok "no advocates yet" recip advocates
expect_out "no advocates yet"

# Ana: a converted referral, an open lead, a lost one, a 5-star review, a promoter answer
recip referral ana "Bo Chen" --on 2026-10-01 >/dev/null
recip referral convert 1 --on 2026-10-05 >/dev/null
recip referral ana "Cy Diaz" --on 2026-10-01 >/dev/null
recip referral ana "Dee Roy" --on 2026-10-01 >/dev/null
recip referral lose 3 --on 2026-10-09 >/dev/null
recip review ana --platform google --rating 5 --on 2026-10-02 >/dev/null
recip nps ana 10 --on 2026-10-03 >/dev/null
# Eve: a 1-star review is no advocacy
recip review eve --platform yelp --rating 1 --on 2026-10-02 >/dev/null
# Finn: two promoter answers
recip nps finn 9 --on 2026-09-03 >/dev/null
recip nps finn 10 --on 2026-10-03 >/dev/null
# Gus and Hal: detractors; Hal was followed up. Ida: a detractor turned promoter
recip nps gus 3 --on 2026-11-02 --comment "cold coffee" >/dev/null
recip nps hal 5 --on 2026-11-03 >/dev/null
recip nps followed-up hal --on 2026-11-04 >/dev/null
recip nps ida 4 --on 2026-10-03 >/dev/null
recip nps ida 9 --on 2026-11-03 >/dev/null

expect_ok "the ranking" recip advocates
cat >"$TEST_DIR/expected" <<'EOF'
rank  party      score  converted  leads  lost  reviews  avg rating  promoter answers
   1  Ana Lopez     13          1      1     1        1         5.0                 1
   2  Finn Berg      4          0      0     0        0           -                 2
   3  Ida Novak      2          0      0     0        0           -                 1
score: converted referral 5, open lead 2, lost 1, review (rating - 2), promoter answer 2

detractors never followed up
  follow up with Gus Moreau: NPS 3 on 2 Nov — "cold coffee"
  (mark one with recip nps followed-up PARTY)
EOF
expect_eq "the report" "$(cat "$OUT")" "$(cat "$TEST_DIR/expected")"
expect_ok "as JSON, every component with its points" recip advocates --json
expect_json '.items[0].converted' '{"count":1,"points":5}'
expect_json '.items[0].leads' '{"count":1,"points":2}'
expect_json '.items[0].lost' '{"count":1,"points":1}'
expect_json '.items[0].reviews' '{"average_rating":5,"count":1,"points":3}'
expect_json '.items[0].promoter_answers' '{"count":1,"points":2}'
expect_json '.detractors[0].moment' "follow up with Gus Moreau: NPS 3 on 2 Nov"
expect_json '.detractors[0].answer' 4
expect_ok "as of 4 October: Ana's referrals were all leads" recip advocates --as-of 2026-10-04 --json
expect_json '.items[0].score' 11
expect_json '.items[0].leads.count' 3
expect_json '.detractors | length' 1
expect_json '.detractors[0].name' "Ida Novak"
expect_ok "since November" recip advocates --since 2026-11-01 --json
expect_json '.items | length' 1
expect_json '.items[0].name' "Ida Novak"
expect_ok "the first one" recip advocates --limit 1 --json
expect_json '.items | length' 1
expect_json '.advocates' 3

# a long ranking is shown from the top: the first 20 unless --all
for i in $(seq 1 20); do
	recip add person "Promoter $i" >/dev/null
	recip nps "Promoter $i" 9 --on 2026-10-10 >/dev/null
done
expect_ok "23 advocates, the first 20 shown" recip advocates
expect_out "… and 3 more (recip advocates --all)"
expect_eq "20 rows and the header" "$(grep -c '^ *[0-9]\{1,2\}  ' "$OUT")" 20
expect_ok "the same as JSON" recip advocates --json
expect_json '.items | length' 20
expect_json '.advocates' 23
expect_ok "every one" recip advocates --all --json
expect_json '.items | length' 23
expect_json '.items[22].name' "Promoter 20"
expect_ok "every one, as a table" recip advocates --all
expect_no_out "more (recip advocates --all)"
expect_fail "--all and --limit" 2 recip advocates --all --limit 3

expect_ok "follow Gus up" recip nps followed-up gus
expect_ok "no detractors left" recip advocates
expect_no_out "detractors never followed up"
expect_fail "a bad limit" 1 recip advocates --limit -2
expect_fail "a bad date" 1 recip advocates --since someday
expect_fail "no arguments taken" 2 recip advocates ana
finish
