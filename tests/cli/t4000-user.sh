#!/usr/bin/env bash
# t4000 — accounts of recip serve: users with roles and passwords read from
# standard input (never an argument), API tokens shown once and stored
# hashed, calendar feed tokens; every bad input refused without a change.
. "$(dirname "$0")/lib.sh"

recip init >/dev/null
expect_ok "no users yet" recip user list
expect_out "no users yet"

expect_ok "add an owner (password on stdin)" sh -c 'echo "correct horse" | "$RECIP" user add maria --role owner'
expect_out "added user 'maria' (owner)"
expect_ok "add a viewer" sh -c 'echo "viewer pass" | "$RECIP" user add sam --role viewer'
expect_ok "a member by default" sh -c 'echo "member pass" | "$RECIP" user add Jo'
expect_out "(member)"
expect_ok "list" recip user list --json
expect_json '.items | length' 3
expect_json '.items[0].name' Jo
expect_json '.items[1].role' owner
expect_json '.items[2].role' viewer

# the password is never stored as given, and is argon2id
expect_eq "argon2id hash" "$(db_sql "SELECT substr(password_hash, 1, 10) FROM app_user WHERE name = 'maria'")" '$argon2id$'
expect_eq "no plain password anywhere" "$(db_dump | grep -c 'correct horse')" 0
expect_eq "the audit trail has the new user, without the hash" \
	"$(db_sql "SELECT actor || ' ' || action || ' ' || after_json FROM audit WHERE entity = 'user' ORDER BY id LIMIT 1")" \
	'tester create {"name":"maria","role":"owner"}'

expect_fail "a short password" 1 sh -c 'echo "short" | "$RECIP" user add ben'
expect_err "too short"
expect_fail "no password at all" 1 sh -c '"$RECIP" user add ben </dev/null'
expect_err "no password"
expect_fail "a taken name (case does not matter)" 1 sh -c 'echo "long enough" | "$RECIP" user add MARIA'
expect_err "already a user 'MARIA'"
expect_fail "a bad role" 1 sh -c 'echo "long enough" | "$RECIP" user add ben --role admin'
expect_err "bad role 'admin'"
expect_fail "an empty name" 1 sh -c 'echo "long enough" | "$RECIP" user add ""'
expect_fail "a control character in the name" 1 sh -c 'echo "long enough" | "$RECIP" user add "$(printf "a\tb")"'
expect_fail "the password is not an argument" 2 recip user add ben "secret password"
expect_fail "an unknown action" 2 recip user promote sam
expect_fail "remove someone unknown" 1 recip user remove nobody
expect_err "no user 'nobody'"
expect_fail "the last owner stays" 1 recip user remove maria
expect_err "last owner"
expect_fail "the last owner keeps the role" 1 recip user role maria --role member
expect_ok "another owner" recip user role Jo --role owner
expect_out "'Jo' is now owner"
expect_ok "now maria may go down" recip user role maria --role member

expect_ok "a new password" sh -c 'echo "battery staple" | "$RECIP" user passwd maria'
expect_out "sessions ended"
expect_fail "passwd of someone unknown" 1 sh -c 'echo "battery staple" | "$RECIP" user passwd nobody'

# API tokens
expect_ok "create a token" recip token create sam --label "nightly export" --json
expect_json '.user' sam
token=$(python3 "$(dirname "$0")/jpath.py" '.token' <"$OUT")
expect_eq "token shape" "$(echo "$token" | grep -cE '^rcp_[0-9a-f]{12}_[0-9a-f]{64}$')" 1
expect_eq "only its hash is kept" "$(db_dump | grep -c "${token##*_}")" 0
expect_ok "list tokens" recip token list
expect_out "nightly export"
expect_fail "a token for nobody" 1 recip token create nobody
expect_fail "revoke a bad id" 1 recip token revoke abc
expect_fail "revoke an unknown token" 1 recip token revoke 99
expect_ok "revoke" recip token revoke 1
expect_fail "revoke twice" 1 recip token revoke 1
expect_err "no live token #1"

expect_ok "a feed token" recip user feed sam
expect_out "/calendar.ics?token=rcf_"
expect_ok "remove the viewer" recip user remove sam
expect_eq "their tokens went with them" "$(db_sql "SELECT count(*) FROM api_token")" 0
finish
