#!/usr/bin/env bash
# t5005 — moving a ledger between the backends (issue 7, item 5): a JSON
# export of an SQLite database, restored into PostgreSQL, exported again
# (the same bytes), restored back into SQLite (the same bytes again), and
# the reports agree on all three. The PostgreSQL database sorts text in
# another order than SQLite (ICU's en-US collation: "apple" before "Zeta"),
# so the same bytes also show that what is written out does not depend on
# the database's locale. New records after the move get ids of their own,
# and people sign in with the passwords they had.
. "$(dirname "$0")/../cli/lib.sh"
only_on postgresql "it needs the PostgreSQL test server (tests/pg)"

SQLITE_A="$TEST_DIR/a.db"
SQLITE_B="$TEST_DIR/b.db"
# a PostgreSQL database with another collation than the test server's C
name="recip_t5005_$$_icu"
psql -qX -v ON_ERROR_STOP=1 "$RECIP_TEST_PG" \
	-c "CREATE DATABASE $name TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'" >/dev/null ||
	{ echo "cannot create a database with an ICU collation" >&2; exit 1; }
PG_TEST_DBS+=("$name")
PG=$(pg_db "$name")
expect_eq "the PostgreSQL database sorts 'apple' before 'Zeta'" \
	"$(psql -qAtX "$PG" -c "SELECT string_agg(x, ',' ORDER BY x) FROM (VALUES ('Zeta'), ('apple'), ('éclair')) v(x)")" \
	"apple,éclair,Zeta"

# ---- the ledger, on SQLite ---------------------------------------------------------------
export RECIP_DB=$SQLITE_A
recip init >/dev/null
recip demo >/dev/null
recip add person "Zoë Ünal" --email zoe@example.com --role client --tag Zeta --tag apple --tag éclair \
	--notes "two
lines, \"quoted\", a tab	here" >/dev/null
recip remember zoe "Zeta" "last" >/dev/null
recip remember zoe "apple" "first" >/dev/null
recip remember zoe "éclair" "in between" >/dev/null
recip gave zoe gift --value 0.1 --personal --on 2026-11-02 >/dev/null
recip received zoe favour --value 123456.789 --on 2026-10-01 >/dev/null
recip import vcard "$FIXTURES/vcard/gmail-single.vcf" >/dev/null
recip user add olga --role owner <<<"owner password" >/dev/null
recip token create olga --label "the move" >/dev/null

reports() { # ADDRESS — every report, as JSON, one after the other
	local r
	for r in "balance" "due" "due --within 30d" "list --archived" "log --limit 500" "advocates" "nps" "growth" \
		"referrals" "reviews" "show zoe" "show 1"; do
		# shellcheck disable=SC2086
		"$RECIP" $r --json --db "$1" || echo "!! recip $r failed"
	done
}

expect_ok "export json from SQLite" recip export json -o "$TEST_DIR/a.json"
reports "$SQLITE_A" >"$TEST_DIR/reports-a"
expect_eq "reports in hand" "$(grep -c "^!! " "$TEST_DIR/reports-a")" 0

# ---- into PostgreSQL ---------------------------------------------------------------------
expect_ok "restore into PostgreSQL" recip restore "$TEST_DIR/a.json" --db "$PG"
expect_ok "export json from PostgreSQL" recip export json --db "$PG" -o "$TEST_DIR/p.json"
expect_ok "the same bytes" cmp "$TEST_DIR/a.json" "$TEST_DIR/p.json"
expect_ok "every roll-up equals its recomputation" recip check --db "$PG"
reports "$PG" >"$TEST_DIR/reports-p"
expect_ok "the same reports on PostgreSQL" diff "$TEST_DIR/reports-a" "$TEST_DIR/reports-p"
for kind in parties exchanges facts; do
	recip export "$kind" --db "$SQLITE_A" -o "$TEST_DIR/a-$kind.csv"
	recip export "$kind" --db "$PG" -o "$TEST_DIR/p-$kind.csv"
	expect_ok "the same CSV of $kind" cmp "$TEST_DIR/a-$kind.csv" "$TEST_DIR/p-$kind.csv"
done
recip export vcard --db "$SQLITE_A" -o "$TEST_DIR/a.vcf"
expect_ok "the same vCards" sh -c "'$RECIP' export vcard --db '$PG' | cmp - '$TEST_DIR/a.vcf'"
recip export ical --db "$SQLITE_A" -o "$TEST_DIR/a.ics"
expect_ok "the same iCalendar" sh -c "'$RECIP' export ical --db '$PG' | cmp - '$TEST_DIR/a.ics'"

# ---- and back into SQLite ----------------------------------------------------------------
expect_ok "restore back into SQLite" recip restore "$TEST_DIR/p.json" --db "$SQLITE_B"
expect_ok "export json from it" recip export json --db "$SQLITE_B" -o "$TEST_DIR/b.json"
expect_ok "the same bytes again" cmp "$TEST_DIR/a.json" "$TEST_DIR/b.json"
expect_ok "its roll-ups check out" recip check --db "$SQLITE_B"
reports "$SQLITE_B" >"$TEST_DIR/reports-b"
expect_ok "the same reports back on SQLite" diff "$TEST_DIR/reports-a" "$TEST_DIR/reports-b"

# ---- life goes on after the move ----------------------------------------------------------
max_party=$(psql -qAtX "$PG" -c "SELECT max(id) FROM party")
max_audit=$(psql -qAtX "$PG" -c "SELECT max(id) FROM audit")
expect_ok "a new party on PostgreSQL" recip add person "After the Move" --db "$PG" --json
expect_eq "… numbered after the restored ones" "$(json_value .id)" "$((max_party + 1))"
expect_ok "a new gift" recip gave "After the Move" gift --db "$PG"
expect_eq "… both audited after the restored trail" \
	"$(psql -qAtX "$PG" -c "SELECT string_agg(entity, ',' ORDER BY id) FROM audit WHERE id > $max_audit")" "party,exchange"
expect_ok "the users came along" recip user list --db "$PG" --json
expect_json '.items[0].name' "olga"
expect_ok "… with their tokens" recip token list --db "$PG" --json
expect_json '.items[0].label' "the move"
finish
