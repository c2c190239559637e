#!/usr/bin/env bash
# t0100 — parties: add, edit, archive, show, list, remember, forget.
. "$(dirname "$0")/lib.sh"
recip init >/dev/null

expect_ok "add a person" recip add person "Ana Lopez" --email ana@example.com --phone "+1 415 555 0101" \
	--role customer --tag vip --birthday --05-17
expect_out "added person Ana Lopez (#1)"
expect_ok "add an organisation" recip add org "Harbor Logistics" --role client
expect_out "added organisation Harbor Logistics (#2)"
expect_ok "a person in it" recip add person "Tom Reed" --org harbor --title CFO --role client --every 3w --json
expect_json '.org_name' "Harbor Logistics"
expect_json '.cadence' 21
expect_json '.title' CFO
expect_ok "an unknown organisation is created" recip add person "Sara Ng" --org "Meridian Health"
expect_ok "list shows it" recip list
expect_out "Meridian Health"

expect_ok "edit adds and removes" recip edit ana --tag regular --remove-tag vip --name "Ana López" --json
expect_json '.name' "Ana López"
expect_json '.tag' '["regular"]'
expect_fail "edit with nothing to change" 2 recip edit ana
expect_fail "removing a tag it does not have" 1 recip edit ana --remove-tag gold
expect_err "has no tag 'gold'"
expect_ok "clear the title" recip edit tom --title "" --json
expect_json '.title' null

expect_ok "remember" recip remember ana "regular order" flat white, oat milk
expect_out "remembered for #1: regular order = flat white, oat milk"
expect_ok "remember again updates" recip remember ana "Regular order" cortado
expect_ok "show" recip show ana
expect_out "Ana López (#1) — person · customer"
expect_out "email ana@example.com"
expect_out "Regular order  cortado"
expect_out "never in touch yet"
expect_ok "show the organisation lists its people" recip show harbor
expect_out "Tom Reed"
expect_ok "forget" recip forget ana "regular order"
expect_ok "show without facts" recip show ana --json
expect_json '.facts | length' 0
expect_fail "forget what is not known" 1 recip forget ana "shoe size"
expect_err "no fact 'shoe size'"

expect_ok "list by role" recip list --role client --json
expect_json '.items | length' 2
expect_ok "list by tag" recip list --tag regular --json
expect_json '.items[0].name' "Ana López"
expect_ok "search by email" recip list --search ana@ --json
expect_json '.total' 1
expect_ok "search by phone digits" recip list --search 555 --json
expect_json '.total' 1
expect_ok "limit and offset" recip list --limit 2 --offset 1 --json
expect_json '.items | length' 2
expect_json '.items[0].name' "Harbor Logistics"
expect_fail "a bad sort" 1 recip list --sort age
expect_err "bad sort 'age'"

expect_ok "archive" recip archive sara
expect_ok "archived parties leave the list" recip list --json
expect_json '.total' 4
expect_ok "unless asked" recip list --archived --json
expect_json '.total' 5
expect_ok "undo" recip archive sara --undo
expect_ok "back in the list" recip list --json
expect_json '.total' 5

expect_ok "ambiguous prefixes are listed" true
expect_ok "add another Ana" recip add person "Anabel Ruiz"
expect_fail "an ambiguous name" 1 recip show an
expect_err "'an' matches 2 parties: Ana López (#1), Anabel Ruiz (#"
expect_ok "by id" recip show 5
expect_ok "by #id" recip show '#1'
expect_ok "by email" recip show ANA@example.com
expect_fail "unknown party" 1 recip show zed
expect_err "unknown party 'zed'"

expect_ok "delete a party without history" recip delete party 6
expect_ok "log shows the changes" recip log
expect_out "tester"
expect_out "delete"
expect_out "name: \"Ana Lopez\" → \"Ana López\""
finish
