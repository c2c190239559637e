# engine-lib.sh — helpers of the engine's scenario tests (t1xxx), on top of
# lib.sh, which each test sources first.

# expect_status "what it shows" CODE recip … — the command exits with CODE
# (the gate's "not yet" is exit status 3 with its verdict on stdout).
expect_status() {
	local what=$1 code=$2
	shift 2
	_run "$@"
	if [ "$STATUS" -eq "$code" ]; then
		_report ok "$what"
	else
		_report fail "$what" "exit status $STATUS, expected $code"
	fi
}

# expect_line REGEX — some line of stdout matches the extended regex.
expect_line() {
	if grep -qE -- "$1" "$OUT"; then
		_report ok "a line matches '$1'"
	else
		_report fail "a line matches '$1'"
	fi
}

# expect_no_line REGEX — no line of stdout matches.
expect_no_line() {
	if grep -qE -- "$1" "$OUT"; then
		_report fail "no line matches '$1'"
	else
		_report ok "no line matches '$1'"
	fi
}

# expect_same "what" FILE1 FILE2 — two outputs are byte for byte the same.
expect_same() {
	if cmp -s "$2" "$3"; then
		_report ok "$1"
	else
		_report fail "$1" "$(diff "$2" "$3" | head -n 10)"
	fi
}

# The id of the party named $1 (exact name), from the list.
party_id() {
	recip list --json | python3 -c "
import json, sys
for p in json.load(sys.stdin)['items']:
    if p['name'] == sys.argv[1]:
        print(p['id'])
" "$1"
}
