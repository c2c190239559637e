#!/usr/bin/env bash
# t5006 — the connection to PostgreSQL goes away in the middle of an import
# (CSV in bulk, vCards) or of a request to `recip serve`: the import fails
# with one line and exit 4, the request with HTTP 503 and a JSON error;
# nothing of either is written, and the next one works — the server
# connects again by itself, also after PostgreSQL itself was stopped and
# started again.
. "$(dirname "$0")/../cli/lib.sh"
only_on postgresql "it needs the PostgreSQL test server (tests/pg)"
. "$(dirname "$0")/hold-lock.sh"

recip init >/dev/null
recip add person "Ana Lopez" --email ana@example.com >/dev/null
recip add person "Tom Reed" >/dev/null

# ---- a CSV import, in bulk ------------------------------------------------------------------
python3 - "$TEST_DIR/many.csv" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write("party,direction,kind,at,note\n")
    for i in range(3000):
        f.write(f"{'Ana' if i % 2 else 'Tom'},gave,treat,2025-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00,row {i}\n")
EOF
# the import's statements run in another process: check its exit as
# expect_fail does, with the lock in between
background_recip() { # ARGS…
	"$RECIP" "$@" >"$OUT" 2>"$ERR" &
	WRITER=$!
}
expect_lost_write() { # WHAT
	wait "$WRITER"
	STATUS=$?
	if [ "$STATUS" -ne 4 ]; then
		_report fail "$1" "exit status $STATUS, expected 4"
	elif [ "$(wc -l <"$ERR")" -ne 1 ]; then
		_report fail "$1" "expected one line on stderr"
	else
		_report ok "$1"
	fi
}

before=$(db_state)
hold_lock "$RECIP_DB"
background_recip import exchanges "$TEST_DIR/many.csv"
wait_for_stuck_write "$RECIP_DB" # every row inserted, the import's audit entry waiting
expect_eq "the rows were on their way" \
	"$(sql "$RECIP_DB" -c "SELECT count(*) FROM pg_stat_activity
	                      WHERE datname = current_database() AND application_name = 'recip' AND xact_start IS NOT NULL")" 1
terminate_recip "$RECIP_DB"
expect_lost_write "a CSV import whose connection is lost fails"
expect_err "recip: lost the connection to database '$RECIP_DB'"
expect_err "nothing was written"
release_lock "$RECIP_DB"
expect_eq "… and wrote nothing" "$(db_state)" "$before"
expect_eq "no exchange" "$(sql "$RECIP_DB" -c "SELECT count(*) FROM exchange")" 0
expect_ok "the same import again" recip import exchanges "$TEST_DIR/many.csv"
expect_out "3000 rows, 3000 added"
expect_ok "the roll-ups agree with the ledger" recip check

# ---- a vCard import ---------------------------------------------------------------------------
before=$(db_state)
hold_lock "$RECIP_DB"
background_recip import vcard "$FIXTURES/vcard/gmail-list.vcf"
wait_for_stuck_write "$RECIP_DB"
terminate_recip "$RECIP_DB"
expect_lost_write "a vCard import whose connection is lost fails"
expect_err "nothing was written"
release_lock "$RECIP_DB"
expect_eq "… and wrote nothing" "$(db_state)" "$before"
expect_ok "the same import again" recip import vcard "$FIXTURES/vcard/gmail-list.vcf"

# ---- a request to recip serve -----------------------------------------------------------------
# (on a server of its own: stopping the shared one would fail the other tests)
CLUSTER="$TEST_DIR/cluster"
bash "$(dirname "$0")/cluster.sh" start "$CLUSTER" >/dev/null
own_admin=$(cat "$CLUSTER/url")
own=${own_admin/\/postgres\?/\/recip?}
sql "$own_admin" -c "CREATE DATABASE recip"
export RECIP_DB=$own
recip init >/dev/null
recip add person "Ana Lopez" >/dev/null
recip user add mike --role member <<<"member password" >/dev/null
token=$(recip token create mike --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])')

"$RECIP" serve --listen 127.0.0.1:0 --threads 2 >"$TEST_DIR/serve.out" 2>"$TEST_DIR/serve.err" &
SERVER=$!
for _ in $(seq 1 100); do
	grep -q 'http://' "$TEST_DIR/serve.out" && break
	sleep 0.1
done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$TEST_DIR/serve.out")
expect_eq "the server listens" "${url:0:17}" "http://127.0.0.1:"

# api METHOD PATH [BODY] — the status in $TEST_DIR/status, the body in $OUT
api() {
	curl -s -m 60 -X "$1" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
		${3:+-d "$3"} -o "$OUT" -D "$TEST_DIR/headers" -w '%{http_code}' "$url$2" >"$TEST_DIR/status"
}
gift='{"party": "Ana Lopez", "direction": "gave", "kind": "gift", "value": 3}'

before=$(db_state)
hold_lock "$own"
api POST /api/v1/exchanges "$gift" &
REQUEST=$!
wait_for_stuck_write "$own"
terminate_recip "$own"
wait "$REQUEST"
expect_eq "a request whose connection is lost: 503" "$(cat "$TEST_DIR/status")" 503
expect_json '.error.code' unavailable
expect_json '.error.status' 503
expect_eq "… saying so" "$(json_value .error.message | grep -c "^lost the connection to database '$own' (.*); nothing was written$")" 1
expect_ok "… and when to try again" grep -qi '^Retry-After: ' "$TEST_DIR/headers"
release_lock "$own"
expect_eq "nothing was written" "$(db_state)" "$before"
api POST /api/v1/exchanges "$gift"
expect_eq "the next request works: 201" "$(cat "$TEST_DIR/status")" 201
api GET /api/v1/balance
expect_json '.items[0].balance' 3

# PostgreSQL itself stops: 503 while it is down, and the server goes on when it is back
bash "$(dirname "$0")/cluster.sh" halt "$CLUSTER"
api POST /api/v1/exchanges "$gift"
expect_eq "while PostgreSQL is down: 503" "$(cat "$TEST_DIR/status")" 503
expect_json '.error.code' unavailable
api GET /api/v1/balance
expect_eq "… reads too" "$(cat "$TEST_DIR/status")" 503
bash "$(dirname "$0")/cluster.sh" resume "$CLUSTER"
api POST /api/v1/exchanges "$gift"
expect_eq "back up: the server connects again by itself" "$(cat "$TEST_DIR/status")" 201
api GET /api/v1/exchanges
expect_json '.total' 2
expect_ok "the roll-ups agree with the ledger" recip check
kill -TERM "$SERVER"
wait "$SERVER"
expect_eq "the server stops cleanly" "$?" 0
bash "$(dirname "$0")/cluster.sh" stop "$CLUSTER"
finish
