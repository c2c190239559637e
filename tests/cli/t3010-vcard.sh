#!/usr/bin/env bash
# t3010 — recip import vcard, and recip export vcard read back by an
# independent parser (Debian's python3-vobject).
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # Debian's, with python3-vobject
$PY -c 'import vobject' || { echo "not ok - python3-vobject is needed (apt-get install python3-vobject)"; exit 1; }
V="$FIXTURES/vcard"

recip init >/dev/null

# ---- import -----------------------------------------------------------------------------
expect_ok "Gmail's three contacts" recip import vcard "$V/gmail-list.vcf"
expect_out "3 contacts, 3 added, 0 merged, 0 unchanged"
expect_ok "list" recip list
expect_out "Arnold Smith"
expect_out "Doug White"
expect_ok "Outlook 2003: placeholder phones kept as facts, with warnings" recip import vcard "$V/outlook-2003.vcf"
expect_out "TEL: bad phone number 'BusinessPhone'; kept as the fact 'phone (work)'"
expect_out "1 contacts, 1 added"
expect_ok "show" recip show "John Doe III" --json
expect_json '.party.org_name' "Company, The"
expect_json '.party.birthday' "1980-03-21"
expect_json '.party.email[0].value' "jdoe@hotmail.com"

# a contact matching a party already there is merged; the dry run shows how
recip add person "Johnny" --email john.doe@IBM.com --title Auditor >/dev/null
before=$(db_state)
expect_ok "a dry run shows the merge" recip import vcard "$V/John_Doe_IPHONE.vcf" --dry-run
expect_out "line 1: Mr. John Richter James Doe Sr. → #6 Johnny (same email john.doe@ibm.com)"
expect_out "    +phone 905-555-1234 (cell)"
expect_out "    kept title 'Auditor' (the input has 'Money Counter')"
expect_out "0 to add, 1 merged"
expect_eq "a dry run writes nothing" "$(db_state)" "$before"
expect_ok "merged for real" recip import vcard "$V/John_Doe_IPHONE.vcf"
expect_ok "one Johnny, with the card's phones" recip show johnny --json
expect_json '.party.phone | length' 7
expect_json '.party.title' "Auditor"
expect_ok "the same file again changes nothing" recip import vcard "$V/John_Doe_IPHONE.vcf"
expect_out "1 contacts, 0 added, 0 merged, 1 unchanged"
expect_ok "--update takes the card's values" recip import vcard "$V/John_Doe_IPHONE.vcf" --update --json
expect_json '.merges[0].changes[0]' "name: Mr. John Richter James Doe Sr. (was Johnny)"
expect_eq "still one person with that email" \
	"$(db_sql "SELECT count(*) FROM party_value WHERE value_key = 'john.doe@ibm.com'")" 1

# ---- malformed files ---------------------------------------------------------------------
head -c 300 "$V/gmail-single.vcf" >"$TEST_DIR/cut.vcf"
expect_fail "a truncated vCard" 1 recip import vcard "$TEST_DIR/cut.vcf"
expect_err "line 1 of '$TEST_DIR/cut.vcf': the vCard that begins there has no END:VCARD (is the file cut short?)"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jos\xe9 Garc\xeda\r\nEND:VCARD\r\n' >"$TEST_DIR/latin1.vcf"
expect_fail "the wrong encoding" 1 recip import vcard "$TEST_DIR/latin1.vcf"
expect_err "line 3 of '$TEST_DIR/latin1.vcf' is not valid UTF-8 (give the file's character set with --encoding"
expect_ok "the right encoding given" recip import vcard "$TEST_DIR/latin1.vcf" --encoding cp1252
expect_ok "José" recip show "José García"
printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana\000Lopez\r\nEND:VCARD\r\n' >"$TEST_DIR/nul.vcf"
expect_fail "a NUL byte" 1 recip import vcard "$TEST_DIR/nul.vcf"
expect_err "line 3 of '$TEST_DIR/nul.vcf' contains a NUL byte"
{ printf 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nNOTE:'; head -c 10485760 /dev/zero | tr '\0' x; printf '\r\nEND:VCARD\r\n'; } >"$TEST_DIR/huge.vcf"
expect_fail "a 10 MB property" 1 recip import vcard "$TEST_DIR/huge.vcf"
expect_err "line 4 of '$TEST_DIR/huge.vcf' is longer than 4194304 bytes"
expect_fail "not a vCard" 1 recip import vcard "$FIXTURES/vcard/LICENSE.ez-vcard"
expect_err "not a vCard (BEGIN:VCARD expected)"
expect_fail "--map is for CSV" 2 recip import vcard "$V/gmail-list.vcf" --map a=b

# ---- export, read by vobject --------------------------------------------------------------
recip import vcard "$V/gmail-single2.vcf" >/dev/null
recip import vcard "$V/rfc6350-example.vcf" >/dev/null
recip remember "Simon Perreault" "regular order" "flat white; oat milk" >/dev/null
expect_ok "export vcard" recip export vcard -o "$TEST_DIR/all.vcf"
expect_ok "export as JSON for comparing" recip list --json
cp "$OUT" "$TEST_DIR/list.json"
expect_ok "vobject reads every card with recip's names, emails and phones" $PY - "$TEST_DIR/all.vcf" "$TEST_DIR/list.json" <<'EOF'
import json, sys, vobject
cards = list(vobject.readComponents(open(sys.argv[1], encoding="utf-8").read()))
parties = [p for p in json.load(open(sys.argv[2]))["items"]]
assert len(cards) == len(parties), (len(cards), len(parties))
by_name = {c.fn.value: c for c in cards}
for p in parties:
    c = by_name[p["name"]]
    assert c.version.value == "4.0"
    assert [e.value for e in c.contents.get("email", [])] == p["emails"], (p["name"], p["emails"])
    assert [t.value for t in c.contents.get("tel", [])] == p["phones"], (p["name"], p["phones"])
    if p["org_name"]:
        assert c.org.value[0] == p["org_name"], (p["name"], c.org.value)
simon = by_name["Simon Perreault"]
assert simon.bday.value == "--0203", simon.bday.value
assert simon.org.value == ["Viagenie"]
facts = {x.params["KEY"][0]: x.value for x in simon.contents["x-recip-fact"]}
assert facts["regular order"] == "flat white; oat milk", facts
test = by_name["VCard Test"]
assert test.bday.value == "19120623"
assert test.n.value.family == "Test" and test.n.value.given == "VCard", test.n.value
labels = {t.value: t.params.get("TYPE") for t in test.contents["tel"] if "TYPE" in t.params}
assert labels["5555551117"] == ["home", "fax"], labels
EOF
expect_ok "one card" recip export vcard --party simon
expect_out "FN:Simon Perreault"
expect_no_out "VCard Test"
expect_ok "one file per party" recip export vcard --split "$TEST_DIR/cards"
expect_eq "files" "$(ls "$TEST_DIR/cards" | grep -c '\.vcf$')" "$(db_sql 'SELECT count(*) FROM party WHERE archived = 0')"
expect_ok "a file per party, named after it" test -f "$TEST_DIR/cards/0001-arnold-smith.vcf"
expect_ok "vobject reads each" $PY -c "
import glob, vobject
for f in glob.glob('$TEST_DIR/cards/*.vcf'):
    cards = list(vobject.readComponents(open(f, encoding='utf-8').read()))
    assert len(cards) == 1, f
"
expect_fail "--split with --party" 2 recip export vcard --split "$TEST_DIR/x" --party simon
finish
