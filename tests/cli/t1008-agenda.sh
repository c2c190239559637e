#!/usr/bin/env bash
# t1008 — the agenda: one page with each section (moments, promises due,
# owed favours, asks to follow up, whom to get back in touch with, expected
# regulars), limits per section, --date, the same output for the same
# database and day, and the demo showing every kind of suggestion on any
# day of the week.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/engine-lib.sh"

recip init >/dev/null
expect_ok "an empty agenda" recip agenda
expect_out "Agenda for Monday 2026-11-23"
for title in "Moments" "Promises due" "Owed favours" "Asks to follow up" "Get back in touch" "Expected today"; do
	expect_out "$title — none"
done

recip add person "Gwen Park" --role customer >/dev/null   # 1
recip add person "Pia Pond" --role customer >/dev/null    # 2
recip add person "Tess Tate" --role customer >/dev/null   # 3
recip add person "Fay Ford" --role customer >/dev/null    # 4
recip add person "Cara Client" --role client >/dev/null   # 5
recip add person "Rae Rowe" --role customer >/dev/null    # 6
recip visit gwen --on 2026-11-21T09:00 >/dev/null
recip promise pia "bring the samples" --on 2026-11-10 --due 2026-11-24 >/dev/null
recip asked-by tess advice --on 2026-11-20 >/dev/null
recip ask fay review --on 2026-11-13 --force >/dev/null
recip touch cara --on 2026-10-01 >/dev/null
recip remember rae "regular order" cortado >/dev/null
for d in 10-26 11-02 11-09 11-16; do recip visit rae --on 2026-${d}T08:00 >/dev/null; done

expect_ok "one item in each section" recip agenda
expect_eq "the page" "$(cat "$OUT")" "Agenda for Monday 2026-11-23

Moments (1)
  • Gwen Park — first visit on Saturday (2 days ago): surprise Gwen with a pastry on the house next time — and remember their name and order

Promises due (1)
  • Pia Pond — we promised to bring the samples; due tomorrow

Owed favours (1)
  • Tess Tate — asked us 3 days ago for advice: answer Tess — grant it, or say why not

Asks to follow up (1)
  • Fay Ford — our ask for a review has been open 10 days (forced past the gate): follow up kindly, or withdraw it

Get back in touch (1)
  • Cara Client — 23 days overdue, every 30 days; last 2026-10-01: call to keep in touch

Expected today (1)
usual  who       likely  have ready
08:00  Rae Rowe    100%  regular order: cortado

Done with a moment? Log the give or touch, or: recip dismiss NAME"
expect_ok "--json" recip agenda --json
expect_json '.date' 2026-11-23
expect_json '.weekday' Monday
expect_json '.limit' 10
expect_json '.sections | length' 6
expect_json '.sections[0].section' moments
expect_json '.sections[0].items[0].key' first-visit:1:2026-11-21
expect_json '.sections[1].section' promises
expect_json '.sections[2].section' owed
expect_json '.sections[3].section' asks
expect_json '.sections[4].section' due
expect_json '.sections[4].items[0].days_overdue' 23
expect_json '.sections[5].section' expected
expect_json '.sections[5].items[0].likelihood' 1

expect_ok "tomorrow's agenda, as it stands at its start" recip agenda --date 2026-11-24
expect_out "Agenda for Tuesday 2026-11-24"
expect_out "Pia Pond — we promised to bring the samples; due today"
expect_out "Gwen Park — first visit on Saturday (3 days ago)"
expect_out "Expected today — none"
expect_ok "--date today is now" recip agenda --date today --json
expect_json '.as_of' 2026-11-23T12:00:00

# a section's limit, and which moments make the page: one of each kind first
recip visit pia --on 2026-11-22T10:00 >/dev/null
recip add person "Bea Bell" --role customer --birthday --11-25 >/dev/null
printf '[agenda]\nlimit = 2\n' >"$TEST_DIR/short.ini"
expect_ok "two per section" recip agenda --config "$TEST_DIR/short.ini"
expect_out "Moments (3, the first 2)"
expect_out "Gwen Park — first visit"
expect_out "Bea Bell — birthday on Wednesday (in 2 days)"
expect_no_out "Pia Pond — first visit"
expect_out "More: recip agenda --all."
expect_ok "--all" recip agenda --config "$TEST_DIR/short.ini" --all --json
expect_json '.sections[0].total' 3
expect_json '.sections[0].items | length' 3
expect_json '.limit' 0

expect_ok "the same database and day give the same page" recip agenda
cp "$OUT" "$TEST_DIR/first"
expect_ok "again" recip agenda
expect_same "byte for byte" "$TEST_DIR/first" "$OUT"
expect_ok "as of a past day, twice" recip agenda --as-of 2026-11-10 --json
cp "$OUT" "$TEST_DIR/past"
recip gave gwen treat >/dev/null
expect_ok "after a later entry, the past day is unchanged" recip agenda --as-of 2026-11-10 --json
expect_same "as of 2026-11-10" "$TEST_DIR/past" "$OUT"

expect_fail "--date and --as-of together" 2 recip agenda --date 2026-11-24 --as-of 2026-11-20
expect_fail "a date that is not one" 1 recip agenda --date someday
expect_fail "agenda takes no arguments" 2 recip agenda today

# the demo shows every kind of suggestion, whatever the weekday
for day in 23 24 25 26 27 28 29; do
	db="$TEST_DIR/demo-$day.db"
	recip demo --db "$db" --as-of 2026-11-$day >/dev/null
	_run recip agenda --db "$db" --as-of 2026-11-$day --all --json
	kinds=$(python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
kinds = set()
for s in doc["sections"]:
    for item in s["items"]:
        kinds.add(item.get("trigger", s["section"]))
print(" ".join(sorted(kinds)))' "$OUT")
	expect_eq "every kind on 2026-11-$day" "$kinds" \
		"anniversary birthday detractor due expected first-visit follow-up lapsed nth-visit owe promise referral their-ask"
done
expect_ok "the demo's roll-ups equal a recomputation" recip check --db "$TEST_DIR/demo-29.db"
expect_ok "the demo's agenda as a page" recip agenda --db "$TEST_DIR/demo-29.db" --as-of 2026-11-29
expect_out "Agenda for Sunday 2026-11-29"
finish
