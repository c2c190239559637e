#!/usr/bin/env bash
# t0300 — balance and due, with figures stated: the sign, the decay with the
# half-life, the personal and unexpected weights, the cadence by role.
. "$(dirname "$0")/lib.sh"
recip init >/dev/null
recip add person "Ana" --role customer >/dev/null
recip add person "Ben" --role client >/dev/null
recip add person "Cleo" --role partner --every 10d >/dev/null
recip add person "Dan" >/dev/null

# Ana: 4 given one half-life (180 days) before the as-of day → 2
recip gave ana favour --value 4 --on 2026-05-27 >/dev/null
# Ben: 2 personal (×1.5) and unexpected (×1.5) today → 4.5; 3 received → -3
recip gave ben gift --value 2 --personal --unexpected --on 2026-11-23T09:00 >/dev/null
recip received ben favour --on 2026-11-23T10:00 >/dev/null

expect_ok "balances as of the day" recip balance --as-of 2026-11-23 --json
expect_json '.items | length' 2
expect_json '.items[0].name' Ana
expect_json '.items[0].balance' 2
expect_json '.items[1].name' Ben
expect_json '.items[1].balance' 1.5
expect_json '.items[1].gave_value' 2
expect_json '.items[1].received_value' 3
expect_json '.goodwill' 3.5
expect_json '.half_life' 180
expect_ok "Ana on the day of the give" recip balance ana --as-of 2026-05-27 --json
expect_json '.items[0].balance' 4
expect_ok "two half-lives later" recip balance ana --as-of 2027-05-22 --json
expect_json '.items[0].balance' 1
expect_ok "before anything" recip balance ana --as-of 2026-01-01 --json
expect_json '.items[0].balance' 0
expect_ok "the table" recip balance --as-of 2026-11-23
expect_out "Ana      +2.00     1      4         0      0  2026-05-27"
expect_out "goodwill +3.50, owed 0 as of 2026-11-23 (half-life 180 days)"

# a configuration changes the half-life and the bonuses: balances follow
mkdir -p "$XDG_CONFIG_HOME/recip"
printf '[balance]\nhalf_life = 90d\npersonal_bonus = 2\n' >"$XDG_CONFIG_HOME/recip/config.ini"
expect_ok "a shorter half-life" recip balance ana --as-of 2026-11-23 --json
expect_json '.items[0].balance' 1
expect_ok "a bigger personal bonus" recip balance ben --as-of 2026-11-23 --json
expect_json '.items[0].balance' 3
rm "$XDG_CONFIG_HOME/recip/config.ini"
expect_ok "and back" recip balance ana --as-of 2026-11-23 --json
expect_json '.items[0].balance' 2
expect_ok "the roll-ups are consistent" recip check

# due: Ben (client, 30 days) was in touch today; Cleo (every 10 days) never;
# Ana (customer) and Dan (no role) have no cadence
expect_ok "due today" recip due --json
expect_json '.items | length' 1
expect_json '.items[0].name' Cleo
expect_json '.items[0].never_contacted' true
recip touch cleo --on 2026-11-10 >/dev/null
expect_ok "Cleo was in touch 13 days ago: 3 days overdue" recip due --json
expect_json '.items[0].days_overdue' 3
expect_json '.items[0].due_on' 2026-11-20
expect_json '.items[0].last_contact.summary' "call to keep in touch"
expect_ok "as of an earlier day Cleo was not yet due, Ben never in touch" recip due --as-of 2026-11-15 --json
expect_json '.items | length' 1
expect_json '.items[0].name' Ben
expect_json '.items[0].never_contacted' true
expect_ok "Ben is due within 30 days" recip due --within 30d --json
expect_json '.items | length' 2
expect_json '.items[1].name' Ben
expect_json '.items[1].days_overdue' -30
expect_ok "as a table" recip due --within 30d
expect_out "Cleo (#3) — 3 days overdue, every 10 days"
expect_out "Ben (#2) — due in 30 days, every 30 days"
expect_fail "a bad window" 1 recip due --within soon
expect_err "bad duration 'soon'"
expect_fail "a bad as-of" 1 recip due --as-of 2026-02-30
expect_err "no such date '2026-02-30'"

# the cadence by role follows the configuration
printf '[cadence]\ncustomer = 7d\n' >"$XDG_CONFIG_HOME/recip/config.ini"
expect_ok "customers now have a cadence" recip due --json
expect_json '.items | length' 2
rm "$XDG_CONFIG_HOME/recip/config.ini"
finish
