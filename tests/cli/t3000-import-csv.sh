#!/usr/bin/env bash
# t3000 — recip import / export of CSV: parties and ledger rows, --map,
# --dry-run, --skip-bad, idempotent re-imports, malformed files, the
# progress bar (only on a terminal).
. "$(dirname "$0")/lib.sh"

recip init >/dev/null

# ---- parties: BOM, CRLF, quoted commas and line breaks, labels, facts --------
printf '\xef\xbb\xbfName,E-mail,phone,role,org,birthday,fact:regular order\r\n' >"$TEST_DIR/parties.csv"
printf 'Ana Lopez,ana@example.com,[cell] +34 600 111 222,customer,,1984-05-17,"flat white, oat"\r\n' >>"$TEST_DIR/parties.csv"
printf '"Tom Reed","tom@harbor.com; t.reed@gmail.com",,"client; partner",Harbor Logistics,,\r\n' >>"$TEST_DIR/parties.csv"
expect_ok "import parties" recip import parties "$TEST_DIR/parties.csv" --map "E-mail=email:work"
expect_out "2 rows, 2 added, 0 merged, 0 unchanged"
expect_ok "show Tom" recip show tom --json
expect_json '.party.org_name' "Harbor Logistics"
expect_json '.party.email[0].label' "work"
expect_json '.party.role' '["client","partner"]'
expect_ok "show Ana" recip show ana --json
expect_json '.party.phone[0]' '{"label":"cell","value":"+34 600 111 222"}'
expect_json '.facts[0].value' "flat white, oat"
expect_ok "the same file again" recip import parties "$TEST_DIR/parties.csv" --map "E-mail=email:work"
expect_out "2 rows, 0 added, 0 merged, 2 unchanged"
expect_eq "no party twice" "$(db_sql 'SELECT count(*) FROM party')" 3

# ---- ledger rows ---------------------------------------------------------------------
cat >"$TEST_DIR/exchanges.csv" <<'EOF'
party,direction,kind,value,personal,at,note
Ana Lopez,gave,treat,,yes,2026-11-01,"pastry, on the house"
tom@harbor.com,received,referral,5,no,2026-10-01T10:00,"sent us ""Meridian""
with thanks"
EOF
expect_ok "import exchanges" recip import exchanges "$TEST_DIR/exchanges.csv"
expect_out "2 rows, 2 added"
expect_ok "balances follow" recip balance --json
expect_json '.items[0].name' "Ana Lopez"
# the treat: value 1 × 1.5 (personal), 22 days old: 1.5 × 2^(-22/180) = 1.3782;
# the referral: −5, 53 days old: −5 × 2^(-53/180) = −4.0769
expect_json '.items[0].balance' 1.3782
expect_ok "again: nothing added" recip import exchanges "$TEST_DIR/exchanges.csv"
expect_out "0 added, 0 merged, 0 unchanged, 2 already there"
expect_eq "two exchanges" "$(db_sql 'SELECT count(*) FROM exchange')" 2
expect_eq "one audit entry per import" \
	"$(db_sql "SELECT count(*) FROM audit WHERE action = 'import' AND entity = 'exchange'")" 1
expect_ok "the roll-ups are right" recip check

# ---- export, and back into another database ------------------------------------------
expect_ok "export exchanges" recip export exchanges -o "$TEST_DIR/out.csv"
expect_eq "header" "$(head -1 "$TEST_DIR/out.csv" | tr -d '\r')" \
	"id,party,party_name,direction,kind,value,personal,unexpected,at,note,ask,source_key,created_at"
expect_eq "quoted note with a line break" "$(grep -c '"sent us ""Meridian""' "$TEST_DIR/out.csv")" 1
expect_ok "export parties" recip export parties -o "$TEST_DIR/parties-out.csv"
new_db B b
expect_fail "a new database must exist first" 4 recip import parties "$TEST_DIR/parties-out.csv" --db "$B"
recip init --db "$B" >/dev/null
expect_ok "into a new database: parties" recip import parties "$TEST_DIR/parties-out.csv" --db "$B"
expect_out "3 rows, 3 added"
expect_ok "into a new database: exchanges" recip import exchanges "$TEST_DIR/out.csv" --db "$B"
expect_ok "the same balances" recip balance --json --db "$B"
expect_json '.items[0].balance' 1.3782
expect_json '.items[1].balance' -4.0769

# ---- bad rows ----------------------------------------------------------------------------
cat >"$TEST_DIR/bad.csv" <<'EOF'
party,direction,kind,at
Ana,gave,treat,2026-11-20
Nobody,gave,treat,2026-11-21
Tom,sideways,gift,2026-11-22
EOF
expect_fail "a bad row stops the whole import" 1 recip import visits "$TEST_DIR/bad.csv"
expect_err "unknown column 'direction'"
expect_fail "a bad row stops the whole import" 1 recip import exchanges "$TEST_DIR/bad.csv"
expect_err "line 3 of '$TEST_DIR/bad.csv': unknown party 'Nobody'; 2 bad rows in all, nothing was imported"
expect_fail "a dry run lists every bad row" 1 recip import exchanges "$TEST_DIR/bad.csv" --dry-run
expect_out "   3  unknown party 'Nobody'"
expect_out "   4  bad direction 'sideways' (one of: gave, received)"
expect_out "dry run of '$TEST_DIR/bad.csv': 3 rows, 1 to add"
expect_ok "--skip-bad imports the good rows" recip import exchanges "$TEST_DIR/bad.csv" --skip-bad
expect_out "skipped rows"
expect_out "1 added, 0 merged, 0 unchanged, 2 bad (skipped)"
expect_eq "three exchanges now" "$(db_sql 'SELECT count(*) FROM exchange')" 3
before=$(db_state)
expect_ok "a dry run writes nothing" recip import touches "$TEST_DIR/bad.csv" --map direction=- --map kind=channel --dry-run --skip-bad
expect_eq "nothing written" "$(db_state)" "$before"
expect_out "nothing was written"

# ---- columns ----------------------------------------------------------------------------
printf 'Customer;When;Colour\nAna;2026-11-02T08:10;red\n' >"$TEST_DIR/visits.csv"
expect_fail "an unknown column" 1 recip import visits "$TEST_DIR/visits.csv"
expect_err "unknown column 'Customer'"
expect_fail "a mapping to no column" 1 recip import visits "$TEST_DIR/visits.csv" --map Customer=party --map When=at --map Colour=- --map Who=party
expect_err "no column in the header"
expect_fail "a mapping to no field" 1 recip import visits "$TEST_DIR/visits.csv" --map Customer=whom --map When=at --map Colour=-
expect_err "unknown column 'Customer'"
expect_ok "--map and a semicolon" recip import visits "$TEST_DIR/visits.csv" --map Customer=party --map When=at --map Colour=-
expect_out "1 rows, 1 added"
expect_fail "a bad delimiter" 2 recip import visits "$TEST_DIR/visits.csv" --delimiter xx

# ---- malformed files ------------------------------------------------------------------
printf 'party,direction,kind,note\nAna,gave,treat,ok\nTom,gave,gift,"never closed\n' >"$TEST_DIR/quote.csv"
expect_fail "an unterminated quote" 1 recip import exchanges "$TEST_DIR/quote.csv"
expect_err "line 3 of '$TEST_DIR/quote.csv': a quoted field is never closed"
printf 'party,direction,kind,note\nAna,gave,treat,"ok"x\n' >"$TEST_DIR/stray.csv"
expect_fail "a stray quote" 1 recip import exchanges "$TEST_DIR/stray.csv"
expect_err "line 2 of '$TEST_DIR/stray.csv': malformed quotes"
printf 'name,notes\nJos\xe9 Garc\xeda,caf\xe9\n' >"$TEST_DIR/latin1.csv"
expect_fail "the wrong encoding" 1 recip import parties "$TEST_DIR/latin1.csv"
expect_err "line 2 of '$TEST_DIR/latin1.csv': column 'name' is not valid UTF-8"
expect_ok "the right encoding given" recip import parties "$TEST_DIR/latin1.csv" --encoding latin1
expect_ok "José is there" recip show "José García"
expect_fail "an unknown encoding" 1 recip import parties "$TEST_DIR/latin1.csv" --encoding klingon
expect_err "unknown character set 'klingon'"
printf 'party,direction,kind,note\nAna,gave,treat,a\000b\n' >"$TEST_DIR/nul.csv"
expect_fail "a NUL byte" 1 recip import exchanges "$TEST_DIR/nul.csv"
expect_err "line 2 of '$TEST_DIR/nul.csv': column 'note' contains a NUL byte"
{ printf 'party,direction,kind,note\nAna,gave,treat,"'; head -c 10485760 /dev/zero | tr '\0' x; printf '"\n'; } >"$TEST_DIR/huge.csv"
expect_fail "a 10 MB field" 1 recip import exchanges "$TEST_DIR/huge.csv"
expect_err "line 2 of '$TEST_DIR/huge.csv': the row is longer than 1048576 bytes"
expect_fail "a missing file" 1 recip import exchanges "$TEST_DIR/missing.csv"
expect_err "cannot open"
expect_fail "an unknown kind" 1 recip import gizmos "$TEST_DIR/bad.csv"
expect_err "unknown kind of record 'gizmos'"

# ---- standard input, and the progress bar only on a terminal ----------------------------------
python3 - "$TEST_DIR/many.csv" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("party,direction,kind,at,note\n")
    for i in range(20000):
        f.write(f"{'Ana' if i % 2 else 'Tom'},gave,treat,2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d},row {i}\n")
EOF
expect_ok "from standard input, not a terminal" sh -c "'$RECIP' import exchanges - <'$TEST_DIR/many.csv'"
expect_out "imported 'stdin': 20000 rows, 20000 added"
expect_eq "no progress bar when not a terminal" "$(wc -c <"$ERR")" 0
db_sql "DELETE FROM exchange WHERE note LIKE 'row %'; DELETE FROM audit WHERE action = 'import'"
# script(1) gives the command a terminal; the bar appears after half a second
expect_ok "a progress bar on a terminal" script -qec "'$RECIP' import exchanges '$TEST_DIR/many.csv'" /dev/null
expect_out "rows/s"
expect_out "20000 rows, 20000 added"
finish
