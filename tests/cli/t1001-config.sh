#!/usr/bin/env bash
# t1001 — settings: built-in values, the configuration file (each family of
# settings with its effect), where each value came from, and bad values that
# name the file, the line and the key.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engine-lib.sh"

expect_ok "config without a file" recip config
expect_out "balance.half_life"
expect_out "built-in"
expect_ok "config --json" recip config --json
expect_json '.settings[0].name' balance.half_life
expect_json '.settings[0].value' 180
expect_json '.settings[0].source' built-in
expect_json '.triggers | length' 11
expect_json '.triggers[0].trigger' first-visit
expect_json '.triggers[0].on' true

CONF="$XDG_CONFIG_HOME/recip/config.ini"
mkdir -p "$(dirname "$CONF")"
cat >"$CONF" <<'INI'
; every family of settings
[balance]
half_life = 90d
personal_bonus = 2
unexpected_bonus = 1.25
[kinds]
favour = 5
croissant = 0.5
[cadence]
client = 2w
[touch]
default_cadence = 60d
need_share = 60%
[gate]
min_balance = 2
cooldown = 14d
[moments]
nth_visit = 5
birthday_within = 10d
[triggers]
lapsed = off
[agenda]
limit = 3
INI

expect_ok "config reads the file" recip config --json
expect_json '.settings[0].value' 90
expect_json '.settings[0].source' "$CONF:3"
expect_json '.settings[1].value' 2
expect_json '.settings[2].value' 1.25
expect_json '.settings[2].source' "$CONF:5"
expect_ok "config shows sources as a table" recip config
expect_line "^balance\.half_life +90d  $CONF:3\$"
expect_line "^touch\.need_share +0\.6  $CONF:13\$"
expect_line "^kinds\.croissant +0\.5  $CONF:8\$"
expect_line "^kinds\.favour +5  $CONF:7\$"
expect_line "^kinds\.gift +2  built-in\$"
expect_line "^cadence\.client +14d  $CONF:10\$"
expect_line "^cadence\.partner +45d  built-in\$"
expect_line "^triggers\.lapsed +off  $CONF:21\$"
expect_line "^triggers\.birthday +on  built-in\$"
expect_line "^agenda\.limit +3  $CONF:23\$"

# each setting does what it says
recip init >/dev/null
recip add person "Ana Lopez" --role customer >/dev/null
expect_ok "a favour worth 5, personal ×2, 90 days old with a 90-day half-life" \
	recip gave ana favour --personal --on 2026-08-25
expect_ok "balance" recip balance ana --json
expect_json '.items[0].balance' 5
expect_json '.half_life' 90
expect_ok "a new kind from the file" recip gave ana croissant --unexpected --on 2026-11-23
expect_ok "balance" recip balance ana --json
expect_json '.items[0].balance' 5.625
recip add person "Cleo Client" --role client >/dev/null
recip add person "Nolan Noone" >/dev/null
expect_ok "cadence by role from the file" recip show cleo --json
expect_json '.standing.cadence_days' 14
expect_ok "default cadence from the file" recip show nolan --json
expect_json '.standing.cadence_days' 60
recip touch cleo --on 2026-11-01 >/dev/null
expect_ok "due after two weeks" recip due --json
expect_json '.items[1].name' "Cleo Client"
expect_json '.items[1].days_overdue' 8
expect_status "gate threshold and cool-down from the file" 3 recip ask cleo referral --check --json
expect_json '.checks[1].reason' "balance +0.00 is below the threshold +2.00"
expect_json '.checks[3].reason' "we have never asked them"
recip add person "Luca Bruni" --role customer >/dev/null
for d in 01 03 05 07 09 11; do recip visit luca --on 2026-10-$d >/dev/null; done
expect_ok "a trigger turned off: Luca lapsed, but no moment says so" recip moments --json
expect_no_out '"trigger": "lapsed"'
expect_ok "… and on again" recip moments --json --config /dev/null
expect_out '"key": "lapsed:4:2026-10-11"'
expect_ok "--config names another file" recip config --config /dev/null --json
expect_json '.settings[0].source' built-in
printf '[balance]\nhalf_life = 30\n' >"$TEST_DIR/other.ini"
expect_ok "RECIP_CONFIG names another file" env RECIP_CONFIG="$TEST_DIR/other.ini" "$RECIP" config --json
expect_json '.settings[0].value' 30
expect_json '.settings[0].source' "$TEST_DIR/other.ini:2"
# the favour keeps the value 5 it was recorded with; without the file the
# bonuses are the built-in 1.5: 5 × 1.5 / 2^(90/30) + 0.5 × 1.5 = 1.6875
expect_ok "the roll-ups follow a changed half-life" env RECIP_CONFIG="$TEST_DIR/other.ini" "$RECIP" balance ana --json
expect_json '.items[0].balance' 1.6875
expect_ok "… and come back with the file" recip check
expect_ok "balance" recip balance ana --json
expect_json '.items[0].balance' 5.625

# bad values: one line naming the file, the line and the key; nothing changes
bad() { # description, file contents, expected message
	printf '%b' "$2" >"$TEST_DIR/bad.ini"
	expect_fail "$1" 1 recip list --config "$TEST_DIR/bad.ini"
	expect_err "$3"
}
bad "a duration that is not one" '[balance]\nhalf_life = soon\n' \
	"$TEST_DIR/bad.ini:2: bad value 'soon' for 'balance.half_life': expected a duration such as 30d, 2w or 180"
bad "a bonus out of range" '\n[balance]\npersonal_bonus = 0.5\n' \
	"$TEST_DIR/bad.ini:3: bad value '0.5' for 'balance.personal_bonus': must be between 1 and 10"
bad "a share over 100%" '[touch]\nneed_share = 150%\n' \
	"bad.ini:2: bad value '150%' for 'touch.need_share': must be between 0 and 1"
bad "a count with a fraction" '[moments]\nnth_visit = 2.5\n' \
	"bad.ini:2: bad value '2.5' for 'moments.nth_visit': expected a whole number"
bad "a number that is not one" '[gate]\nmin_balance = lots\n' \
	"bad.ini:2: bad value 'lots' for 'gate.min_balance': expected a number"
bad "an unknown setting" '[balance]\ncolour = red\n' "bad.ini:2: bad value 'red' for 'balance.colour': unknown setting"
bad "a key outside any section" 'half_life = 90\n' "bad.ini:1: 'half_life' is outside any [section]"
bad "a line that is not key = value" '[balance]\nhalf_life\n' "bad.ini:2: not a 'key = value' line nor a [section]"
bad "a kind with a capital" '[kinds]\nFavour = 2\n' \
	"bad.ini:2: bad value '2' for 'kinds.Favour': a kind is a lower-case word"
bad "a kind's value out of range" '[kinds]\nfavour = -1\n' "expected a value between 0 and 1000"
bad "a cadence that is no duration" '[cadence]\nclient = often\n' \
	"bad.ini:2: bad value 'often' for 'cadence.client': expected a duration such as 30d, 2w or 0 for never"
bad "an unknown trigger" '[triggers]\nbirthdays = off\n' \
	"bad.ini:2: bad value 'off' for 'triggers.birthdays': unknown trigger (known: first-visit, nth-visit, birthday"
bad "a trigger neither on nor off" '[triggers]\nlapsed = maybe\n' \
	"bad.ini:2: bad value 'maybe' for 'triggers.lapsed': expected on or off"
bad "an agenda limit below zero" '[agenda]\nlimit = -1\n' "'agenda.limit': must be between 0 and 10000"
bad "a likelihood of zero" '[expected]\nmin_likelihood = 0\n' "'expected.min_likelihood': must be between 0.01 and 1"
expect_fail "a configuration file that is missing" 1 recip list --config "$TEST_DIR/missing.ini"
expect_err "cannot read configuration '$TEST_DIR/missing.ini'"
expect_fail "a bad default file stops every command" 1 env XDG_CONFIG_HOME="$TEST_DIR/badhome" sh -c \
	"mkdir -p '$TEST_DIR/badhome/recip' && printf '[gate]\ncooldown = x\n' >'$TEST_DIR/badhome/recip/config.ini' && '$RECIP' due"
expect_err "badhome/recip/config.ini:2: bad value 'x' for 'gate.cooldown'"
finish
