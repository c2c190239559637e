#!/usr/bin/env bash
# t2002 — reviews: recording, answering our ask for a review, averages by
# platform, and bad input.
. "$(dirname "$0")/lib.sh"

recip init >/dev/null
recip add person "Oscar Pettersen" --role customer >/dev/null
recip add person "Rosa Bianchi" --role customer >/dev/null
recip add person "Marek Kowalski" --role customer >/dev/null

# we gave first, then asked Oscar for a review
recip gave oscar treat --personal --unexpected --on 2026-11-10 >/dev/null
expect_ok "our ask for a review" recip ask oscar review --on 2026-11-12
expect_out "recorded ask #1"
expect_ok "his review answers it" recip review oscar --platform Google --rating 5 --url https://example.com/r/1 --on 2026-11-13T18:00
expect_out "recorded review #1: Oscar Pettersen, 5/5 on google"
expect_out "it answers our ask #1, now granted"
expect_ok "the ask is granted" recip show oscar --json
expect_json '.open_asks | length' 0
expect_json '.timeline[0].summary' "received a review (value 3)"
expect_json '.timeline[1].summary' "review on google: 5/5"
expect_eq "granting recorded what he gave us" "$(db_sql "SELECT direction || ' ' || kind || ' ' || ask_id || ' ' || note FROM exchange WHERE party_id = 1 AND direction = 'received'")" "received review 1 a 5-star review on google"
expect_eq "the ask's status" "$(db_sql "SELECT status FROM ask WHERE id = 1")" granted

# a review nobody asked for answers nothing
expect_ok "Rosa's review, unasked" recip review rosa -p tripadvisor -r 4 --on 2026-11-02
expect_no_out "answers our ask"
expect_ok "Marek's" recip review marek -p google -r 3 --on 2026-10-20 --note "my order was wrong"
expect_ok "Rosa's second" recip review rosa -p google -r 4 --on 2026-11-20

# bad input
expect_fail "a rating of 0" 1 recip review rosa --platform google --rating 0
expect_err "rating must be between 1 and 5 (got 0)"
expect_fail "a rating of 6" 1 recip review rosa --platform google --rating 6
expect_fail "a rating that is not a number" 1 recip review rosa --platform google --rating five
expect_fail "no platform" 1 recip review rosa --rating 4
expect_err "a review needs platform"
expect_fail "no rating" 1 recip review rosa --platform google
expect_err "a review needs rating"
expect_fail "an unknown party" 1 recip review zed --platform google --rating 5
expect_err "unknown party 'zed'"
expect_fail "a platform that is not a word" 1 recip review rosa --platform "g<o>" --rating 5
expect_fail "an ask that is not for that party" 1 recip review rosa --platform google --rating 5 --ask 1
expect_err "ask #1 was made to another party"
expect_fail "an ask already answered" 1 recip review oscar --platform yelp --rating 5 --ask 1
expect_err "ask #1 is already answered by review #1"
expect_fail "an ask that does not exist" 1 recip review oscar --platform yelp --rating 5 --ask 42
expect_err "no ask #42"

# the report
expect_ok "reviews" recip reviews
cat >"$TEST_DIR/expected" <<'EOF'
platform     reviews  average  5★  4★  3★  2★  1★
google             3     4.00   1   1   1   0   0
tripadvisor        1     4.00   0   1   0   0   0
all                4     4.00   1   2   1   0   0

id  date        party            platform     rating  asked   url
 4  2026-11-20  Rosa Bianchi     google            4  no      -
 1  2026-11-13  Oscar Pettersen  google            5  ask #1  https://example.com/r/1
 2  2026-11-02  Rosa Bianchi     tripadvisor       4  no      -
 3  2026-10-20  Marek Kowalski   google            3  no      -
EOF
expect_eq "the report" "$(cat "$OUT")" "$(cat "$TEST_DIR/expected")"
expect_ok "google only, as JSON" recip reviews --platform GOOGLE --json
expect_json '.overall.reviews' 3
expect_json '.overall.average' 4
expect_json '.items[0].name' "Rosa Bianchi"
expect_ok "one party's" recip reviews rosa --json
expect_json '.overall.reviews' 2
expect_json '.platforms | length' 2
expect_ok "as of 1 November" recip reviews --as-of 2026-11-01 --json
expect_json '.overall.reviews' 1
expect_json '.overall.average' 3
expect_ok "no reviews on yelp" recip reviews --platform yelp
expect_out "no reviews"
expect_fail "an unknown party" 1 recip reviews zed
finish
