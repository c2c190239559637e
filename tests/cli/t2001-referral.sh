#!/usr/bin/env bash
# t2001 — referrals: recording (with parties added on the spot), converting,
# losing, the list, chains as trees, the thank-you list, and bad input.
. "$(dirname "$0")/lib.sh"

recip init >/dev/null
recip add person "Ana Lopez" --role customer >/dev/null
recip add person "Ben Okafor" --role customer >/dev/null

expect_ok "a referral adds an unknown referred party on the spot" recip referral ana "Zoe Campbell" --on 2026-11-01 --note "met at the market"
expect_out "added person Zoe Campbell (#3) as a prospect"
expect_out "recorded referral #1: Ana Lopez referred Zoe Campbell (lead)"
expect_ok "the chain goes on" recip referral zoe "Grace Kim" --on 2026-11-10
expect_ok "and on: a chain three levels deep" recip referral grace "Hugo Almeida" --on 2026-11-20
expect_ok "a second branch, a known party (found by a prefix)" recip referral ana ben --on 2026-10-01
expect_no_out "added"
expect_ok "an organisation client, added as such" recip referral ben "Meridian Health" --org --role client --on 2026-11-15 --json
expect_json '.party_name' "Meridian Health"
expect_json '.status' lead
expect_eq "the organisation's role" "$(db_sql "SELECT p.kind || ' ' || v.value FROM party p JOIN party_value v ON v.party_id = p.id AND v.field = 'role' WHERE p.name = 'Meridian Health'")" "organisation client"
expect_ok "--new adds someone new although 'Zoe' finds Zoe Campbell" recip referral ben Zoe --new --on 2026-11-16
expect_out "added person Zoe (#7) as a prospect"

# bad input: a clear error, and nothing changes
expect_fail "a self-referral" 1 recip referral ana "Ana Lopez"
expect_err "a party cannot refer itself"
expect_fail "a referral cycle" 1 recip referral hugo ana
expect_err "would make a cycle"
expect_fail "an unknown referrer (the referred party is not added either)" 1 recip referral zed "Someone New"
expect_err "unknown party 'zed'"
expect_fail "a party already referred" 1 recip referral ben grace
expect_err "already referred (referral #2)"
expect_fail "a bad date" 1 recip referral ana "Someone New" --on "last tuesday"
expect_fail "an unknown referred id" 1 recip referral ana 99
expect_err "no party #99"
expect_fail "an ambiguous referred name" 1 recip referral ana zo
expect_err "matches 2 parties"
expect_fail "a bad kind of role" 1 recip referral ana "Someone New" --role "a!b"
expect_fail "missing the referred party" 2 recip referral ana

# converting and losing
expect_fail "converting before the referral was made" 1 recip referral convert 1 --on 2026-10-01
expect_err "referral #1 cannot be converted before it was made (2026-11-01)"
expect_fail "an unknown referral" 1 recip referral convert 99
expect_err "no referral #99"
expect_fail "a referral id that is not a number" 1 recip referral convert zoe
expect_err "bad referral id 'zoe'"
expect_fail "a note is not for converting" 2 recip referral convert 1 --note "x"
expect_fail "a role is not for losing" 1 recip referral lose 3 --role client
expect_err "only a conversion gives the referred party a role"
expect_ok "convert" recip referral convert 1 --on 2026-11-05
expect_out "referral #1 converted: Zoe Campbell, referred by Ana Lopez"
expect_ok "Zoe is a customer now, no longer a prospect" recip show zoe\ campbell --json
expect_json '.party.role' '["customer"]'
expect_fail "converting twice" 1 recip referral convert 1
expect_err "referral #1 is already converted"
expect_ok "lose" recip referral lose 3 --on 2026-11-22 --json
expect_json '.status' lost
expect_json '.resolved_at' 2026-11-22T00:00:00

# the list
expect_ok "the list" recip referrals
expect_out " 1  2026-11-01  Ana Lopez     Zoe Campbell     converted  no"
expect_out "6 referrals: 1 converted, 4 leads, 1 lost (17% converted); 6 not thanked yet"
expect_ok "as of 2 November" recip referrals --as-of 2026-11-02 --json
expect_json '.counts.total' 2
expect_json '.counts.lead' 2
expect_ok "only leads" recip referrals --status lead --json
expect_json '.items | length' 4
expect_ok "one party's referrals, made and received" recip referrals zoe\ campbell --json
expect_json '.items | length' 2
expect_fail "a bad status" 1 recip referrals --status won
expect_err "bad status 'won'"

# chains as trees
expect_ok "the tree from Ana" recip referrals --tree ana
cat >"$TEST_DIR/expected" <<'EOF'
Ana Lopez (#1): 6 referred, 1 converted
├─ Ben Okafor (#2) lead, 2026-10-01
│  ├─ Meridian Health (#6) lead, 2026-11-15
│  └─ Zoe (#7) lead, 2026-11-16
└─ Zoe Campbell (#3) converted, 2026-11-01
   └─ Grace Kim (#4) lead, 2026-11-10
      └─ Hugo Almeida (#5) lost, 2026-11-20
EOF
expect_eq "the tree" "$(cat "$OUT")" "$(cat "$TEST_DIR/expected")"
expect_ok "the tree as JSON" recip referrals --tree ana --json
expect_json '.levels' 4
expect_json '.trees[0].children[1].children[0].children[0].name' "Hugo Almeida"
expect_ok "from Grace, with the chain above her" recip referrals --tree grace
expect_out "referred through: Ana Lopez → Zoe Campbell → Grace Kim"
expect_out "Grace Kim (#4): 1 referred, 0 converted"
expect_ok "every chain, as of 12 November: three levels" recip referrals --tree --as-of 2026-11-12 --json
expect_json '.levels' 3
expect_json '.referred' 3
expect_json '.trees | length' 1
expect_fail "--tree with --unthanked" 2 recip referrals --tree --unthanked

# thanking: a give to the referrer on or after the referral
expect_ok "nobody is thanked yet" recip referrals --unthanked
expect_out "thank Ana Lopez for referring Zoe Campbell (#1, 2026-11-01, 22 days ago, converted)"
expect_out "thank Ana Lopez for referring Ben Okafor (#4, 2026-10-01, 53 days ago, lead)"
expect_ok "a give on 30 October thanks Ana for Ben, not yet for Zoe" recip gave ana treat --on 2026-10-30
expect_ok "what they gave us thanks no one" recip received ana favour --on 2026-11-03
expect_ok "five to thank" recip referrals --unthanked
expect_out "thank Ana Lopez for referring Zoe Campbell"
expect_no_out "referring Ben Okafor"
expect_ok "thank Ana" recip gave ana gift --personal --on 2026-11-21
expect_ok "Ana's referrals are thanked" recip referrals --unthanked --json
expect_json '.items | length' 4
expect_no_out "Ana Lopez"
expect_ok "but not as of before the give" recip referrals --unthanked --as-of 2026-11-20 --json
expect_json '.items | length' 5
expect_ok "within 10 days" recip referrals --unthanked --within 10d
expect_out "thank Ben Okafor for referring Zoe (#6, 2026-11-16, 7 days ago, lead)"
expect_out "thank Grace Kim for referring Hugo Almeida (#3, 2026-11-20, 3 days ago, lost)"
expect_no_out "referring Grace Kim"
expect_ok "the list says when" recip referrals ana --json
expect_json '.items[0].thanked_at' 2026-11-21T00:00:00
expect_fail "--within without --unthanked" 2 recip referrals --within 3d
finish
