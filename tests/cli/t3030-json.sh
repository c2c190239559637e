#!/usr/bin/env bash
# t3030 — recip export json and recip restore: the whole database, ids and
# audit trail included, and back byte for byte; bad and cut files leave
# nothing behind.
. "$(dirname "$0")/lib.sh"

recip init >/dev/null
recip demo >/dev/null
recip add person "Zoë Ünal" --email zoe@example.com --notes "two
lines, \"quoted\"" >/dev/null
recip gave zoe gift --value 0.1 --personal >/dev/null
recip import vcard "$FIXTURES/vcard/gmail-single.vcf" >/dev/null

SCHEMA=$("$RECIP" version | sed -n 's/.*(schema \([0-9]*\)).*/\1/p')
expect_ok "export json" recip export json -o "$TEST_DIR/a.json"
expect_ok "a header first" grep -Eq '^\{"format":"recip-export","recip":"[0-9.]+","schema":'"$SCHEMA"',"version":1\}$' \
	<(head -1 "$TEST_DIR/a.json")
expect_eq "a trailer last" "$(tail -1 "$TEST_DIR/a.json" | cut -c1-28)" '{"end":"recip-export","rows"'
expect_eq "every line is JSON" "$(python3 -c "
import json, sys
print(sum(1 for line in open('$TEST_DIR/a.json') if json.loads(line) is not None))")" "$(wc -l <"$TEST_DIR/a.json")"
expect_ok "the audit trail is in it" grep -q '"table":"audit"' "$TEST_DIR/a.json"

# into a new database on the backend under test
new_db COPY copy
expect_ok "restore into a new database" recip restore "$TEST_DIR/a.json" --db "$COPY"
expect_out "restored '$TEST_DIR/a.json' into '$COPY'"
expect_ok "export it again" recip export json --db "$COPY" -o "$TEST_DIR/b.json"
expect_ok "byte for byte the same" cmp "$TEST_DIR/a.json" "$TEST_DIR/b.json"
expect_ok "the copy checks out" recip check --db "$COPY"
expect_ok "reports agree" recip balance --json --db "$COPY"
cp "$OUT" "$TEST_DIR/balance-copy"
expect_ok "reports agree" recip balance --json
expect_eq "the same balances" "$(cat "$OUT")" "$(cat "$TEST_DIR/balance-copy")"
expect_ok "new records in the copy" recip add person "After the restore" --db "$COPY" --json
expect_eq "… are numbered after the restored ones" "$(json_value .id)" \
	"$(($(db_sql 'SELECT max(id) FROM party') + 1))"
expect_ok "… as are new entries" recip gave "After the restore" gift --db "$COPY"
new_db STDIN stdin
expect_ok "from standard input" sh -c "'$RECIP' restore - --db '$STDIN' <'$TEST_DIR/a.json'"

RECIP_DB="$COPY" expect_fail "not into a database with data" 1 recip restore "$TEST_DIR/a.json" --db "$COPY"
expect_err "is not empty"
new_db CUT cut
head -c 5000 "$TEST_DIR/a.json" >"$TEST_DIR/cut.json"
expect_fail "a cut file" 1 recip restore "$TEST_DIR/cut.json" --db "$CUT"
expect_err "not JSON"
expect_eq "nothing left behind" "$(db_there "$CUT" && echo there)" ""
head -n -1 "$TEST_DIR/a.json" >"$TEST_DIR/no-end.json"
expect_fail "a file without its last line" 1 recip restore "$TEST_DIR/no-end.json" --db "$CUT"
expect_err "without its last line (is it cut short?)"
expect_eq "nothing left behind" "$(db_there "$CUT" && echo there)" ""
expect_fail "not an export" 1 recip restore "$FIXTURES/vcard/gmail-list.vcf" --db "$CUT"
expect_err "is not a recip JSON export"
sed 's/"schema":'"$SCHEMA"'/"schema":99/' "$TEST_DIR/a.json" >"$TEST_DIR/newer.json"
expect_fail "from a newer recip" 4 recip restore "$TEST_DIR/newer.json" --db "$CUT"
expect_err "newer than this recip"
expect_fail "a missing file" 1 recip restore "$TEST_DIR/missing.json" --db "$CUT"
expect_eq "still nothing there" "$(db_there "$CUT" && echo there)" ""
finish
