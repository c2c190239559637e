#!/usr/bin/env bash
# t4100 — the engine's moments in `recip export ical` (and so in the
# server's calendar feed), read by an independent parser (Debian's
# python3-icalendar): one to-do per moment, due today or on its day ahead,
# with the suggestion; promises only once; UIDs that stay the same while a
# moment waits; a moment dismissed or acted on leaves the calendar.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, with python3-icalendar
$PY -c 'import icalendar' || { echo "not ok - python3-icalendar is needed (apt-get install python3-icalendar)"; exit 1; }

recip init >/dev/null
recip add person "Ana Lopez" --role customer --birthday --11-25 >/dev/null
recip add person "Ben Ode" --role customer >/dev/null
recip add person "Tom Reed" --role client >/dev/null
recip remember ben "regular order" "espresso" >/dev/null
recip visit ben --on 2026-11-20T09:30 >/dev/null
recip touch tom --on 2026-11-20 >/dev/null
recip promise tom "send the deck" --due 2026-11-24 --on 2026-11-20 >/dev/null

expect_ok "the moments as of today" recip moments
expect_out "first-visit:2:2026-11-20"
expect_out "birthday:1:"
expect_out "promise:1"

expect_ok "export ical" recip export ical -o "$TEST_DIR/a.ics"
expect_ok "each moment is a to-do, due today or on its day" $PY - "$TEST_DIR/a.ics" <<'PY'
import datetime as dt, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
todos = list(cal.walk("VTODO"))
moments = {str(t["SUMMARY"]): t for t in todos if t["CATEGORIES"].to_ical() == b"Moment"}
assert sorted(moments) == ["Ana Lopez: birthday", "Ben Ode: first visit"], sorted(moments)
ben = moments["Ben Ode: first visit"]
assert ben.decoded("DUE") == dt.date(2026, 11, 23), ben.decoded("DUE")        # act on it today
assert str(ben["STATUS"]) == "NEEDS-ACTION"
assert "espresso" in str(ben["DESCRIPTION"]), ben["DESCRIPTION"]              # the suggestion, with what we know
ana = moments["Ana Lopez: birthday"]
assert ana.decoded("DUE") == dt.date(2026, 11, 25), ana.decoded("DUE")        # on the day ahead
assert "birthday" in str(ana["DESCRIPTION"])
# the promise is a to-do once, as a promise, not again as a moment
summaries = [str(t["SUMMARY"]) for t in todos]
assert [s for s in summaries if "deck" in s] == ["Promise to Tom Reed: send the deck"], summaries
assert not [s for s in moments if "Tom" in s], sorted(moments)
uids = [str(c["UID"]) for c in cal.walk() if "UID" in c]
assert len(uids) == len(set(uids)), uids
open(sys.argv[1] + ".uids", "w").write("\n".join(f"{s}\t{moments[s]['UID']}" for s in sorted(moments)))
PY

# a day later: the same moments keep their UIDs (a calendar updates them)
expect_ok "export a day later" env RECIP_NOW=2026-11-24T09:00 "$RECIP" export ical -o "$TEST_DIR/b.ics"
expect_ok "the same UIDs, a new DTSTAMP" $PY - "$TEST_DIR/a.ics" "$TEST_DIR/b.ics" <<'PY'
import sys, icalendar
before = dict(line.split("\t") for line in open(sys.argv[1] + ".uids").read().splitlines())
cal = icalendar.Calendar.from_ical(open(sys.argv[2], "rb").read())
after = {str(t["SUMMARY"]): t for t in cal.walk("VTODO") if t["CATEGORIES"].to_ical() == b"Moment"}
assert sorted(after) == sorted(before), sorted(after)
for summary, uid in before.items():
    assert str(after[summary]["UID"]) == uid, (summary, uid, after[summary]["UID"])
assert after["Ben Ode: first visit"].decoded("DTSTAMP").day == 24
PY

# dismissed, or acted on, a moment leaves the calendar
expect_ok "dismiss Ben's first visit" recip dismiss "first-visit:2:2026-11-20"
expect_ok "a give to Ana before her birthday" recip gave ana gift --note "a card"
expect_ok "export again" recip export ical
expect_no_out "CATEGORIES:Moment"
expect_out "Promise to Tom Reed: send the deck"
expect_ok "undo the dismissal" recip dismiss "first-visit:2:2026-11-20" --undo
expect_ok "Ben's moment is back" recip export ical
expect_out "SUMMARY:Ben Ode: first visit"

# a trigger turned off in the configuration is off in the calendar too
mkdir -p "$XDG_CONFIG_HOME/recip"
printf '[triggers]\nfirst-visit = off\n' >"$XDG_CONFIG_HOME/recip/config.ini"
expect_ok "first-visit off" recip export ical
expect_no_out "SUMMARY:Ben Ode: first visit"
finish
