#!/usr/bin/env bash
# t2003 — NPS: recording answers, the score over each party's latest answer
# in the window, the trend by month, following up detractors, bad input.
. "$(dirname "$0")/lib.sh"

recip init >/dev/null
names=(Ana Ben Chloé Dmitri Eleni Farah Gustav Hana Ibrahim Julia)
scores=(9 10 9 10 9 7 8 7 3 6)
days=(2026-10-05 2026-10-10 2026-10-12 2026-11-02 2026-11-03 2026-11-04 2026-11-05 2026-11-06 2026-10-20 2026-11-07)
for i in "${!names[@]}"; do
	recip add person "${names[$i]}" --role customer >/dev/null
	recip nps "${names[$i]}" "${scores[$i]}" --on "${days[$i]}" >/dev/null
done

expect_ok "a second answer the same day, with a comment" recip nps ibrahim 3 --on 2026-10-20T09:00 --comment "my order was wrong twice"
expect_out "recorded NPS answer #11: Ibrahim, 3 (detractor)"
expect_out "recip nps followed-up 'Ibrahim'"
expect_ok "an answer outside the window" recip nps ana 2 --on 2026-01-15
expect_out "(detractor)"

# 5 promoters, 3 passives, 2 detractors: 50 % − 20 %
expect_ok "the score" recip nps --json
expect_json '.nps' 30
expect_json '.respondents' 10
expect_json '.answers' 11
expect_json '.promoters' 5
expect_json '.passives' 3
expect_json '.detractors' 2
expect_json '.from' 2026-08-26

# Ben's latest answer is an 8: 4 promoters, 4 passives, 2 detractors — exactly 20
expect_ok "Ben changes his mind" recip nps ben 8 --on 2026-11-20
expect_out "(passive)"
expect_ok "the score now" recip nps
cat >"$TEST_DIR/expected" <<'EOF'
NPS +20 over 10 respondents (each one's latest answer from 2026-08-26 to 2026-11-23; 12 answers)
promoters 4 (40%) · passives 4 (40%) · detractors 2 (20%)

month    from        to          respondents  promoters  passives  detractors    NPS
2026-08  2026-08-26  2026-08-31            0          0         0           0      -
2026-09  2026-09-01  2026-09-30            0          0         0           0      -
2026-10  2026-10-01  2026-10-31            4          3         0           1    +50
2026-11  2026-11-01  2026-11-23            7          2         4           1  +14.3

detractors:
  Ibrahim: 3 on 2026-10-20 "my order was wrong twice" — not followed up
  Julia: 6 on 2026-11-07 — not followed up
EOF
expect_eq "the report" "$(cat "$OUT")" "$(cat "$TEST_DIR/expected")"
expect_ok "as JSON: exactly 20" recip nps --json
expect_json '.nps' 20
expect_json '.months[3].respondents' 7
expect_ok "as of before Ben's second answer" recip nps --as-of 2026-11-19 --json
expect_json '.nps' 30
expect_ok "over the last 30 days" recip nps --window 30d --json
expect_json '.respondents' 7
expect_json '.nps' 14.2857
expect_ok "over a year, Ana's January answer is older than her October one" recip nps --window 1y --json
expect_json '.answers' 13
expect_json '.respondents' 10

# following up detractors
expect_ok "follow up Ibrahim" recip nps followed-up ibrahim --on 2026-11-21
expect_out "followed up 2 detractor answers"
expect_ok "the report says so" recip nps
expect_out "Ibrahim: 3 on 2026-10-20 \"my order was wrong twice\" — followed up 2026-11-21"
expect_fail "nothing left to follow up" 1 recip nps followed-up ibrahim
expect_err "'Ibrahim' has no detractor answer (0-6) waiting for a follow-up"
expect_fail "a promoter has nothing to follow up" 1 recip nps followed-up dmitri
expect_fail "following up an unknown party" 1 recip nps followed-up zed

# bad input
expect_fail "a score of 11" 1 recip nps ana 11
expect_err "score must be between 0 and 10 (got 11)"
expect_fail "a negative score" 1 recip nps ana -1
expect_fail "a score that is not a number" 1 recip nps ana nine
expect_fail "an unknown party" 1 recip nps zed 9
expect_err "unknown party 'zed'"
expect_fail "a bad date" 1 recip nps ana 9 --on 2026-13-01
expect_fail "the score missing" 2 recip nps ana
expect_fail "--as-of with an answer" 2 recip nps ana 9 --as-of 2026-11-01
expect_fail "--comment without an answer" 2 recip nps --comment "hello"
expect_fail "a window of 0" 2 recip nps --window 0
expect_fail "a bad window" 1 recip nps --window soon
finish
