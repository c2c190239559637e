#!/usr/bin/env bash
# t1010 — every report of the engine takes --json and --as-of, never reads
# the clock (RECIP_NOW moves, the output as of a fixed day does not), and
# gives the same output for the same database and day.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engine-lib.sh"

recip demo >/dev/null
recip profile --offer extensions --offer kitchens --serves homeowners --serves landlords >/dev/null
reports=("agenda" "moments" "expected" "asks" "genuine" "trust" "fit" "due" "balance" "show ana"
	"trust \"Tom Reed\"" "genuine nina" "asks \"Tom Reed\"" "fit clearwater" "expected --date 2026-11-27")
for report in "${reports[@]}"; do
	eval "set -- $report"
	expect_ok "$report --help mentions --as-of" recip "$1" --help
	expect_out "--as-of DATE"
	expect_ok "$report --json --as-of" recip "$@" --json --as-of 2026-11-10
	cp "$OUT" "$TEST_DIR/a.json"
	python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$TEST_DIR/a.json" 2>/dev/null && _report ok "$report: valid JSON" ||
		_report fail "$report: valid JSON"
	expect_ok "$report again, with the clock a month later" env RECIP_NOW=2026-12-23T09:00 "$RECIP" "$@" --json --as-of 2026-11-10
	expect_same "$report: the same document" "$TEST_DIR/a.json" "$OUT"
	expect_ok "$report as a page" recip "$@" --as-of 2026-11-10
	cp "$OUT" "$TEST_DIR/a.txt"
	expect_ok "$report as a page again" recip "$@" --as-of 2026-11-10
	expect_same "$report: the same page" "$TEST_DIR/a.txt" "$OUT"
done
finish
