#!/usr/bin/env bash
# t3020 — recip export ical, read by an independent parser (Debian's
# python3-icalendar): yearly birthdays and anniversaries, promises as
# to-dos with due dates, contacts due, and UIDs that stay the same.
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, with python3-icalendar
$PY -c 'import icalendar' || { echo "not ok - python3-icalendar is needed (apt-get install python3-icalendar)"; exit 1; }

recip init >/dev/null
recip add person "Ana Lopez" --birthday --05-17 --role customer >/dev/null
recip add person "Tom Reed" --role client --birthday 1980-02-29 --anniversary 2010-06-12 >/dev/null
recip add person "Bo Lind" --role partner >/dev/null
recip touch tom --on 2026-11-01 >/dev/null
recip promise tom "send the deck" --due 2026-11-30 --on 2026-11-20 >/dev/null
recip promise ana "call back about the cake" --due 2026-11-20 --on 2026-11-18 >/dev/null
recip kept 2 --on 2026-11-19 >/dev/null
recip promise ana "an old one" --due 2026-01-10 --on 2026-01-02 >/dev/null
recip kept 3 --on 2026-01-09 >/dev/null

expect_ok "export ical" recip export ical -o "$TEST_DIR/a.ics"
expect_ok "icalendar reads it, with what recip knows" $PY - "$TEST_DIR/a.ics" <<'EOF'
import datetime as dt, sys, icalendar
cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
assert cal["VERSION"] == "2.0" and "recip" in str(cal["PRODID"])
events = {str(e["SUMMARY"]): e for e in cal.walk("VEVENT")}
todos = {str(t["SUMMARY"]): t for t in cal.walk("VTODO")}
assert sorted(events) == ["Anniversary: Tom Reed", "Birthday: Ana Lopez", "Birthday: Tom Reed"], sorted(events)
ana = events["Birthday: Ana Lopez"]
assert ana.decoded("DTSTART") == dt.date(2000, 5, 17)            # no year known: from 2000
assert ana.decoded("DTEND") == dt.date(2000, 5, 18)
assert ana["RRULE"] == {"FREQ": ["YEARLY"]}
tom = events["Birthday: Tom Reed"]
assert tom.decoded("DTSTART") == dt.date(1980, 2, 29)
assert tom["RRULE"] == {"FREQ": ["YEARLY"], "BYMONTH": [2], "BYMONTHDAY": [-1]}, tom["RRULE"]
assert events["Anniversary: Tom Reed"].decoded("DTSTART") == dt.date(2010, 6, 12)
deck = todos["Promise to Tom Reed: send the deck"]
assert deck.decoded("DUE") == dt.datetime(2026, 11, 30, 23, 59, 59), deck.decoded("DUE")   # floating time
assert deck["STATUS"] == "NEEDS-ACTION"
cake = todos["Promise to Ana Lopez: call back about the cake"]
assert cake["STATUS"] == "COMPLETED"
assert "Promise to Ana Lopez: an old one" not in todos                # kept long ago
# Tom: client, every 30 days, last contact 1 November: due 1 December;
# Bo: partner, never in touch: due today; Ana: customers are never due
bo = todos["Get in touch with Bo Lind"]
assert bo.decoded("DUE") == dt.date(2026, 11, 23)
assert "never in touch yet" in str(bo["DESCRIPTION"])
assert todos["Get in touch with Tom Reed"].decoded("DUE") == dt.date(2026, 12, 1)
assert "Get in touch with Ana Lopez" not in todos
uids = [str(c["UID"]) for c in list(cal.walk("VEVENT")) + list(cal.walk("VTODO"))]
assert len(uids) == len(set(uids)) == 7, uids
for c in list(cal.walk("VEVENT")) + list(cal.walk("VTODO")):
    assert "DTSTAMP" in c
EOF

expect_ok "a shorter window" recip export ical --days 5
expect_no_out "Get in touch with Tom Reed"
expect_out "Get in touch with Bo Lind"
expect_ok "as of another day" recip export ical --as-of 2026-12-05 --days 0
expect_out "Get in touch with Tom Reed"

# the same UIDs after changes, and on another day
recip edit tom --name "Thomas Reed" >/dev/null
recip kept 1 --on 2026-11-24 >/dev/null
expect_ok "export again, later" env RECIP_NOW=2026-11-25T09:00 "$RECIP" export ical -o "$TEST_DIR/b.ics"
expect_ok "every entry keeps its UID" $PY - "$TEST_DIR/a.ics" "$TEST_DIR/b.ics" <<'EOF'
import sys, icalendar
def entries(path):
    cal = icalendar.Calendar.from_ical(open(path, "rb").read())
    return {str(c["UID"]): c for c in list(cal.walk("VEVENT")) + list(cal.walk("VTODO"))}
a, b = entries(sys.argv[1]), entries(sys.argv[2])
summary = {str(c["SUMMARY"]): uid for uid, c in a.items()}
later = {str(c["SUMMARY"]): uid for uid, c in b.items()}
assert later["Birthday: Thomas Reed"] == summary["Birthday: Tom Reed"]
assert later["Promise to Thomas Reed: send the deck"] == summary["Promise to Tom Reed: send the deck"]
assert b[summary["Promise to Tom Reed: send the deck"]]["STATUS"] == "COMPLETED"
assert later["Get in touch with Bo Lind"] == summary["Get in touch with Bo Lind"]
EOF
expect_fail "--days is for ical" 2 recip export parties --days 3
expect_fail "a bad window" 1 recip export ical --days soon
finish
