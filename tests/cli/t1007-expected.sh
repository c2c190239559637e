#!/usr/bin/env bash
# t1007 — expected regulars: the likelihood of a visit on a day from the
# visits on that weekday (decayed with expected.half_life = 56 days, so a
# week's age weighs r = 2^(-7/56)), their usual time and what to have ready.
#   likelihood = Σ r^(weeks ago) over the weekdays they came
#                / (r + r² + … + r^n), n = those weekdays since the first visit (at least 3)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engine-lib.sh"

recip init >/dev/null
recip add person "Rae Rowe" --role customer >/dev/null     # 1: every Monday at 8
recip add person "Hank Hale" --role customer >/dev/null    # 2: every other Monday at 5 pm
recip add person "Nia Noor" --role customer >/dev/null     # 3: new, Monday to Wednesday last week
recip add person "Kim Kerr" --role customer >/dev/null     # 4: two visits: not a regular yet
recip add person "Lou Long" --role customer >/dev/null     # 5: came every Monday, stopped in October
recip remember rae "regular order" cortado >/dev/null
recip remember rae "favourite table" "table 4" >/dev/null
recip remember hank "works at" "the garage" >/dev/null
for d in 09-28 10-05 10-12 10-19 10-26 11-02 11-09 11-16; do recip visit rae --on 2026-${d}T08:00 >/dev/null; done
for d in 09-28 10-12 10-26 11-09; do recip visit hank --on 2026-${d}T17:00 >/dev/null; done
recip visit nia --on 2026-11-16T09:00 >/dev/null
recip visit nia --on 2026-11-17T09:10 >/dev/null
recip visit nia --on 2026-11-18T08:50 >/dev/null
recip visit kim --on 2026-11-09T10:00 >/dev/null
recip visit kim --on 2026-11-16T10:00 >/dev/null
for d in 08-31 09-07 09-14 09-21 09-28 10-05 10-12; do recip visit lou --on 2026-${d}T07:30 >/dev/null; done
recip visit rae --on 2026-11-23T08:05 >/dev/null            # this morning

# Rae: every Monday since the first, 8 of 8: 100%.
# Hank: (r² + r⁴ + r⁶ + r⁸) / (r + … + r⁸) = 2.6426 / 5.5244 = 48%.
# Nia: one Monday of one, judged on at least 3: r / (r + r² + r³) = 36%.
expect_ok "expected today" recip expected
expect_out "Expected on Monday 2026-11-23"
expect_line "^08:00 +Rae Rowe +100% +came at 08:05 — regular order: cortado · favourite table: table 4$"
expect_line "^09:00 +Nia Noor +36% *$"
expect_line "^17:00 +Hank Hale +48% +works at: the garage$"
expect_no_out "Kim Kerr"
expect_no_out "Lou Long"
expect_ok "--json, by usual time" recip expected --json
expect_json '.date' 2026-11-23
expect_json '.weekday' Monday
expect_json '.items | length' 3
expect_json '.items[0].name' "Rae Rowe"
expect_json '.items[0].likelihood' 1
expect_json '.items[0].usual_time' 08:00
expect_json '.items[0].visits' 8
expect_json '.items[0].weekday_visits' 8
expect_json '.items[0].visited_at' 2026-11-23T08:05:00
expect_json '.items[0].facts[0].value' cortado
expect_json '.items[1].likelihood' 0.36
expect_json '.items[1].visited_at' null
expect_json '.items[2].likelihood' 0.48
expect_json '.items[2].usual_time' 17:00

expect_ok "Tuesday: only Nia ever came on one" recip expected --date 2026-11-24 --json
expect_json '.weekday' Tuesday
expect_json '.items | length' 1
expect_json '.items[0].name' "Nia Noor"
expect_json '.items[0].likelihood' 0.36
expect_json '.items[0].usual_time' 09:10
expect_ok "a Sunday: nobody" recip expected --date 2026-11-29
expect_out "no regular is likely to come that day"

# a week earlier: Rae had come on 7 Mondays of 7, and came that morning;
# Nia's first visit was that day, so she was not a regular yet
expect_ok "as of a week earlier" recip expected --as-of 2026-11-16 --json
expect_json '.date' 2026-11-16
expect_json '.items[0].name' "Rae Rowe"
expect_json '.items[0].likelihood' 1
expect_json '.items[0].visited_at' 2026-11-16T08:00:00
expect_no_out "Nia Noor"

printf '[expected]\nmin_likelihood = 50%%\n' >"$TEST_DIR/strict.ini"
expect_ok "a higher threshold" recip expected --config "$TEST_DIR/strict.ini" --json
expect_json '.items | length' 1
expect_ok "the roll-ups equal a recomputation" recip check

expect_fail "a date that is not one" 1 recip expected --date someday
expect_fail "expected takes no arguments" 2 recip expected rae
finish
