#!/usr/bin/env bash
# t0500 — the demo data: realistic, deterministic for a given day, and only
# into an empty database.
. "$(dirname "$0")/lib.sh"

expect_ok "the demo as of a day" recip demo --db "$TEST_DIR/a.db" --as-of 2026-11-23
expect_out "wrote the demo data to"
expect_ok "again, into another file" recip demo --db "$TEST_DIR/b.db" --as-of 2026-11-23
# the same day gives the same data: compare the ledgers without the
# wall-clock audit timestamps (there are none: the demo writes as of its day)
dump() { sqlite3 "$1" "SELECT * FROM party ORDER BY id; SELECT * FROM exchange ORDER BY id;
	SELECT * FROM visit ORDER BY id; SELECT * FROM touch ORDER BY id; SELECT * FROM ask ORDER BY id;
	SELECT * FROM promise ORDER BY id; SELECT * FROM fact ORDER BY id; SELECT * FROM audit ORDER BY id;" | sha256sum; }
expect_eq "the same day gives the same data" "$(dump "$TEST_DIR/a.db")" "$(dump "$TEST_DIR/b.db")"
expect_ok "another day" recip demo --db "$TEST_DIR/c.db" --as-of 2026-12-25
expect_ok "…is placed relative to that day" recip show ana --db "$TEST_DIR/c.db" --as-of 2026-12-25 --json
expect_eq "Ana last came the day before" "$(json_value .last_contact.at | cut -c1-10)" 2026-12-24
expect_fail "not into a database with parties" 1 recip demo --db "$TEST_DIR/a.db"
expect_err "is not empty"

export RECIP_DB="$TEST_DIR/a.db"
expect_ok "three businesses" recip list --json
expect_json '.total' 69
expect_ok "forty-one café regulars" recip list --tag cafe --json
expect_json '.total' 41
expect_ok "twelve clients in three client firms" recip list --tag advisory --role client --json
expect_json '.total' 15
expect_ok "the firms" recip list --tag advisory --json
expect_json '.total' 19
expect_ok "eight partner firms" recip list --tag builders --json
expect_json '.total' 8
expect_ok "six months of visits for a regular" recip show ana --as-of 2026-11-23 --json
expect_eq "six months of visits" "$(json_value .standing.first_visit_at | cut -c1-10)" 2026-05-25
expect_json '.facts[2].value' "flat white, oat milk"
expect_ok "balances" recip balance --as-of 2026-11-23
expect_out "Dr. Amira Hassan"
expect_ok "whom to get back in touch with" recip due --as-of 2026-11-23
expect_out "Leo Grant (#53) — 98 days overdue"
expect_out "need-only"
expect_ok "a consultant's client shows promises and asks" recip show "tom reed" --as-of 2026-11-23
expect_out "share the lease checklist — due 2026-11-26, open"
expect_out "we asked for a referral — granted"
expect_ok "a firm shows its people" recip show "harbor logistics" --as-of 2026-11-23
expect_out "people"
expect_out "Tom Reed (Chief Financial Officer)"
expect_ok "the roll-ups agree with the ledger" recip check
finish
