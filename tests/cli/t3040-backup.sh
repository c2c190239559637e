#!/usr/bin/env bash
# t3040 — recip backup: a consistent copy while other processes write, and
# recip check on it.
. "$(dirname "$0")/lib.sh"

recip init >/dev/null
recip demo >/dev/null

# PostgreSQL: no file copy, but a clear word on what to use instead
if [ "$RECIP_BACKEND" = postgresql ]; then
	expect_fail "a PostgreSQL database is not copied to a file" 1 recip backup "$TEST_DIR/copy.db"
	expect_err "recip backup copies SQLite files; back up PostgreSQL database '$RECIP_DB' with pg_dump, or with 'recip export json'"
	expect_eq "no file is written" "$(ls "$TEST_DIR" | grep -c copy)" 0
	expect_fail "… whatever the options" 1 recip backup "$TEST_DIR/copy.db" --force
	expect_ok "what it points to works: recip export json" recip export json -o "$TEST_DIR/all.json"
	expect_ok "… and pg_dump" pg_dump -Fc -f "$TEST_DIR/all.dump" "$RECIP_DB"
	finish
fi
# some bulk, so that a copy takes a moment
python3 - "$TEST_DIR/visits.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("party,at,amount\n")
    for i in range(20000):
        f.write(f"{1 + i % 5},2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{8 + i % 10:02d}:{i % 60:02d},{i % 17}.50\n")
PY
recip import visits "$TEST_DIR/visits.csv" >/dev/null

expect_ok "backup" recip backup "$TEST_DIR/copy.db"
expect_out "backed up '$RECIP_DB' to '$TEST_DIR/copy.db'"
expect_out "integrity ok"
expect_ok "the copy checks out" recip check --db "$TEST_DIR/copy.db"
expect_eq "the copy holds everything" "$(recip export json --db "$TEST_DIR/copy.db" | sha256sum)" "$(recip export json | sha256sum)"
expect_fail "an existing file is not overwritten" 1 recip backup "$TEST_DIR/copy.db"
expect_err "exists (give --force to overwrite it)"
expect_ok "unless --force" recip backup "$TEST_DIR/copy.db" --force
expect_fail "not onto the database itself" 1 recip backup "$RECIP_DB" --force
expect_fail "not into a directory" 1 recip backup "$TEST_DIR"
expect_fail "not into a directory that is not there" 4 recip backup "$TEST_DIR/no/such/dir/x.db"

# while two other processes write: every copy is one consistent state, and
# the writers never fail
# (fewer under valgrind, where each command takes seconds: the same paths)
WRITES=$([ -n "${RECIP_UNDER_VALGRIND:-}" ] && echo 10 || echo 40)
writer() {
	local i
	for i in $(seq 1 "$WRITES"); do
		"$RECIP" gave "$1" treat --note "written during the backup $i" >/dev/null || echo "writer $1 failed at $i"
	done
}
writer "Mia" >"$TEST_DIR/w1" 2>&1 &
w1=$!
writer "Tom Reed" >"$TEST_DIR/w2" 2>&1 &
w2=$!
ok=0
for n in 1 2 3 4 5; do
	if "$RECIP" backup "$TEST_DIR/during-$n.db" >/dev/null 2>"$TEST_DIR/b-err" &&
		"$RECIP" check --db "$TEST_DIR/during-$n.db" >/dev/null; then
		ok=$((ok + 1))
	else
		cat "$TEST_DIR/b-err"
	fi
done
wait "$w1" "$w2"
expect_eq "five backups taken while writing, each checks out" "$ok" 5
expect_eq "the writers never failed" "$(cat "$TEST_DIR/w1" "$TEST_DIR/w2")" ""
expect_eq "all $((2 * WRITES)) writes landed" \
	"$(db_sql "SELECT count(*) FROM exchange WHERE note LIKE 'written during the backup %'")" $((2 * WRITES))
# each copy holds a whole number of writes: the roll-ups match the ledger in it
expect_ok "and the database itself checks out" recip check
finish
