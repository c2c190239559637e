#!/usr/bin/env bash
# t4001 — the route table and docs/openapi.yaml describe the same routes:
# a route the document lacks, or a documented route the server lacks, fails.
. "$(dirname "$0")/lib.sh"
SPEC="${RECIP_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}/docs/openapi.yaml"

expect_ok "serve --routes needs no database" recip serve --routes --db "$TEST_DIR/none.db"
expect_out "/api/v1/parties/{id}"
expect_eq "no database was made" "$(test -e "$TEST_DIR/none.db" && echo yes || echo no)" no

# METHOD PATH from the server, and from the document (paths at two spaces,
# operations at four: the layout docs/openapi.yaml keeps)
awk '{print $1, $2}' "$OUT" | sort >"$TEST_DIR/served"
awk '/^  \/[^ ]*:$/ {path=$1; sub(/:$/, "", path); next}
     /^    (get|post|put|patch|delete):$/ {m=$1; sub(/:$/, "", m); print toupper(m), path}' "$SPEC" |
	sort >"$TEST_DIR/documented"
expect_eq "routes counted" "$(wc -l <"$TEST_DIR/served")" "$(wc -l <"$TEST_DIR/documented")"
missing=$(comm -23 "$TEST_DIR/served" "$TEST_DIR/documented" | tr '\n' ';')
extra=$(comm -13 "$TEST_DIR/served" "$TEST_DIR/documented" | tr '\n' ';')
expect_eq "every route is documented" "$missing" ""
expect_eq "every documented route exists" "$extra" ""
expect_eq "GET routes of the API (22 of records, 32 more)" "$(grep -c "^GET /api/v1/" "$TEST_DIR/served")" 54

# the check itself notices a drift: drop one documented operation
awk '/^  \/api\/v1\/due:$/ {skip=1; next} skip && /^  \// {skip=0} !skip' "$SPEC" >"$TEST_DIR/short.yaml"
awk '/^  \/[^ ]*:$/ {path=$1; sub(/:$/, "", path); next}
     /^    (get|post|put|patch|delete):$/ {m=$1; sub(/:$/, "", m); print toupper(m), path}' "$TEST_DIR/short.yaml" |
	sort >"$TEST_DIR/short"
expect_eq "a dropped route is noticed" "$(comm -23 "$TEST_DIR/served" "$TEST_DIR/short" | tr '\n' ';')" "GET /api/v1/due;"

if python3 -c 'import yaml' 2>/dev/null; then
	expect_ok "the document is YAML of OpenAPI 3.1" python3 -c "
import sys, yaml
d = yaml.safe_load(open(sys.argv[1]))
assert d['openapi'].startswith('3.1'), d['openapi']
for path, ops in d['paths'].items():
    for method, op in ops.items():
        assert 'responses' in op, (path, method)
" "$SPEC"
fi
expect_fail "serve with a bad --threads" 2 recip serve --threads 0
expect_err "--threads takes a whole number"
finish
