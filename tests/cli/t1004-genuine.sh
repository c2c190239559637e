#!/usr/bin/env bash
# t1004 — genuineness: the share of our gives followed by an ask of ours to
# the same party within 7 days, per party and overall, as of any day; recip
# show warns when a relationship looks transactional. Entries are recorded
# in both orders (the ask before the give it follows, and after), back-dated
# and deleted, and the roll-ups stay equal to a recomputation.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engine-lib.sh"

recip init >/dev/null
recip add person "Gil Grant" --role client >/dev/null   # 1
recip add person "Hal Hunt" --role client >/dev/null    # 2
recip add person "Ivy Idle" --role client >/dev/null    # 3: never given to

# Gil: the ask of 10-04 is recorded before the give of 10-01 it follows
recip ask gil referral --on 2026-10-04 --force >/dev/null          # ask #1
recip gave gil gift --on 2026-10-01 >/dev/null                     # followed (3 days)
recip gave gil gift --on 2026-11-01 >/dev/null                     # not followed (next ask 14 days on)
recip gave gil favour --on 2026-11-10 >/dev/null                   # followed by …
recip ask gil introduction --on 2026-11-15 --force >/dev/null      # … ask #2 (5 days)
# Hal: an ask 19 days after the give does not make it transactional
recip gave hal advice --on 2026-10-01 >/dev/null
recip ask hal favour --on 2026-10-20 --force >/dev/null            # ask #3

expect_ok "overall and per party" recip genuine
expect_out "2 of our 4 gives were followed by an ask of ours within 7 days: 50%"
expect_line "^Gil Grant +3 +2 +67% +transactional: give without asking$"
expect_line "^Hal Hunt +1 +0 +0% *$"
expect_no_out "Ivy Idle"
expect_ok "--json" recip genuine --json
expect_json '.gives' 4
expect_json '.followed_by_ask' 2
expect_json '.share' 0.5
expect_json '.window_days' 7
expect_json '.items[0].name' "Gil Grant"
expect_json '.items[0].share' 0.6667
expect_json '.items[0].transactional' true
expect_json '.items[1].transactional' false
expect_ok "one party" recip genuine gil --json
expect_json '.items | length' 1
expect_json '.items[0].followed_by_ask' 2
expect_ok "a party never given to" recip genuine ivy --json
expect_json '.items[0].gives' 0
expect_json '.share' 0

expect_ok "show warns" recip show gil
expect_out "warning: transactional — 2 of our 3 gives were followed by our ask within 7 days; give without asking"
expect_ok "show agrees with the report" recip show gil --json
expect_json '.signals.transactional.gives' 3
expect_json '.signals.transactional.followed_by_ask' 2
expect_ok "no warning for Hal" recip show hal
expect_no_out "transactional"

expect_ok "as of 2026-10-05" recip genuine --as-of 2026-10-05 --json
expect_json '.gives' 2
expect_json '.followed_by_ask' 1
expect_json '.items[0].name' "Gil Grant"
expect_json '.items[0].share' 1
expect_ok "as of 2026-10-02, before the ask" recip genuine --as-of 2026-10-02 --json
expect_json '.followed_by_ask' 0
expect_json '.items[0].gives' 1

expect_ok "a back-dated give two days before Hal's ask" recip gave hal gift --on 2026-10-18
expect_ok "genuine" recip genuine --json
expect_json '.gives' 5
expect_json '.followed_by_ask' 3
expect_json '.share' 0.6
expect_ok "deleting Gil's second ask" recip delete ask 2
expect_ok "genuine" recip genuine gil --json
expect_json '.items[0].followed_by_ask' 1
expect_json '.items[0].transactional' false
expect_ok "the roll-ups equal a recomputation" recip check
expect_out "0 mismatched"

expect_fail "genuine of an unknown party" 1 recip genuine nobody
expect_fail "genuine takes one party at most" 2 recip genuine gil hal
finish
