#!/usr/bin/env bash
# t0400 — bad input to every command: one clear line naming what is wrong,
# a non-zero exit, and the database unchanged (expect_fail checks all three).
. "$(dirname "$0")/lib.sh"
recip init >/dev/null
recip add person "Ana Lopez" --role customer >/dev/null
recip add person "Anne Ruiz" >/dev/null
recip gave ana gift >/dev/null
recip promise ana "call back" --due 2026-12-01 >/dev/null

LONG=$(head -c 3000 /dev/zero | tr '\0' 'x')
BAD_UTF8=$(printf 'Ana \xc3\x28')

# unknown and ambiguous parties, everywhere a party is named
for cmd in "show" "edit --tag x" "archive" "remember k v" "forget k" "gave gift" "received gift" "touch" \
	"visit" "ask review" "asked-by advice" "promise x --due tomorrow" "balance" "log"; do
	set -- $cmd
	name=$1
	shift
	expect_fail "$name: unknown party" 1 recip "$name" nobody "$@"
	expect_err "unknown party 'nobody'"
	expect_fail "$name: ambiguous party" 1 recip "$name" an "$@"
	expect_err "'an' matches 2 parties"
done

# bad dates
for cmd in "gave ana gift --on" "received ana gift --on" "touch ana --on" "visit ana --on" \
	"asked-by ana advice --on" "promise ana x --due"; do
	expect_fail "$cmd: a date that does not exist" 1 recip $cmd 2026-02-30
	expect_err "no such date '2026-02-30'"
	expect_fail "$cmd: not a date" 1 recip $cmd "last tuesday"
	expect_err "bad date 'last tuesday'"
done
expect_fail "a report with a bad --as-of" 1 recip balance --as-of someday
expect_fail "a time zone is refused, not shifted" 1 recip visit ana --on 2026-11-20T08:00+01:00
expect_err "time zones are not supported"

# values, kinds, choices, numbers
expect_fail "a negative value" 1 recip gave ana gift --value -3
expect_err "value must not be negative"
expect_fail "a value that is not a number" 1 recip gave ana gift --value lots
expect_err "bad value 'lots' (a number)"
expect_fail "an infinite value" 1 recip gave ana gift --value inf
expect_fail "an unknown kind" 1 recip gave ana bribe
expect_err "unknown kind 'bribe' (known: favour, gift"
expect_fail "an unknown channel" 1 recip touch ana --by pigeon
expect_err "bad channel 'pigeon' (one of: call, email"
expect_fail "a negative amount" 1 recip visit ana --amount -5
expect_fail "a promise made after it is due" 1 recip promise ana x --on 2026-11-20 --due 2026-11-10
expect_err "cannot be due before it was made"
expect_fail "a credibility out of range" 1 recip edit ana --credibility 0
expect_err "credibility must be between 1 and 10"
expect_fail "a bad cadence" 1 recip edit ana --every often
expect_err "bad duration 'often'"
expect_fail "a bad birthday" 1 recip add person "Zed" --birthday 1990-13-01
expect_err "no such birthday '1990-13-01'"
expect_fail "a bad email" 1 recip add person "Zed" --email zed.example.com
expect_err "bad email 'zed.example.com'"
expect_fail "a bad phone" 1 recip add person "Zed" --phone "ring me"
expect_fail "add neither person nor org" 2 recip add robot "R2"

# empty, over-long and invalid text
expect_fail "an empty name" 1 recip add person ""
expect_err "name must not be empty"
expect_fail "a blank name" 1 recip add person "   "
expect_fail "an over-long name" 1 recip add person "$LONG"
expect_err "name is too long (3000 characters, at most 200)"
expect_fail "an over-long note" 1 recip gave ana gift --note "$LONG"
expect_err "note is too long"
expect_fail "an over-long fact" 1 recip remember ana hobby "$LONG"
expect_err "value is too long"
expect_fail "invalid UTF-8 in a name" 1 recip add person "$BAD_UTF8"
expect_err "name is not valid UTF-8"
expect_fail "invalid UTF-8 in a note" 1 recip visit ana --note "$BAD_UTF8"
expect_err "note is not valid UTF-8"
expect_fail "invalid UTF-8 naming a party" 1 recip show "$BAD_UTF8"
expect_fail "a control character in a name" 1 recip add person "$(printf 'Ana\033[31m')"
expect_err "contains a control character"

# ids
expect_fail "kept: not an id" 1 recip kept abc
expect_err "bad promise id 'abc'"
expect_fail "kept: no such promise" 1 recip kept 42
expect_err "no promise #42"
expect_fail "broke: negative id" 1 recip broke -1
expect_fail "delete: unknown kind" 1 recip delete invoice 1
expect_fail "delete: no such entry" 1 recip delete visit 7

# the command line itself
expect_fail "an unknown command" 2 recip frobnicate
expect_err "'frobnicate' is not a recip command"
expect_fail "an unknown option" 2 recip gave ana gift --colour red
expect_err "unknown option '--colour'"
expect_fail "a missing option value" 2 recip gave ana gift --value
expect_err "option '--value' needs a value"
expect_fail "a flag given a value" 2 recip gave ana gift --personal=yes
expect_fail "missing arguments" 2 recip gave ana
expect_err "missing arguments: recip gave PARTY KIND"
expect_fail "too many arguments" 2 recip show ana ben
expect_fail "a bad limit" 2 recip list --limit many

# the database itself
expect_fail "a file that is not a database" 4 recip list --db "$FIXTURES/vcard/gmail-single.vcf"
expect_err "is not a recip database"
expect_fail "a missing database" 4 recip gave ana gift --db "$TEST_DIR/nope.db"
expect_err "create one with 'recip init'"
mkdir -p "$XDG_CONFIG_HOME/recip"
printf '[balance]\nhalf_life = forever\n' >"$XDG_CONFIG_HOME/recip/config.ini"
expect_fail "a bad configuration" 1 recip balance
expect_err "config.ini:2: bad value 'forever' for 'balance.half_life'"
rm "$XDG_CONFIG_HOME/recip/config.ini"

expect_ok "after all that, the database is consistent" recip check
finish
