#!/usr/bin/env bash
# import-speed.sh — rows per second of `recip import exchanges` on a
# generated CSV of ROWS ledger rows, next to what sqlite3's own `.import`
# reaches on the same file into a plain table, and next to sqlite3 inserting
# the same rows into recip's schema (what the storage itself costs).
#
#   bench/import-speed.sh [ROWS=1000000] [RECIP=build/recip]
# Files go to bench/out/ (ignored by git). Takes a minute or two.
set -eu
rows=${1:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
recip=${2:-$here/../build/recip}
out=$here/out
mkdir -p "$out"
csv=$out/exchanges-$rows.csv
if [ ! -f "$csv" ] || [ ! -f "$out/parties.csv" ]; then
	python3 "$here/gen-ledger-csv.py" "$out" "$rows" 1000
	mv "$out/exchanges.csv" "$csv"
fi
export RECIP_NOW=2026-11-23T12:00 RECIP_DB=$out/bench.db
rm -f "$out"/bench.db* "$out"/plain.db* "$out"/floor.db*

seconds() { # command…: prints the wall-clock seconds it took
	local start end
	start=$(date +%s.%N)
	"$@" >/dev/null
	end=$(date +%s.%N)
	echo "$end - $start" | bc
}
rate() { echo "scale=0; $rows / $1" | bc; }

"$recip" init >/dev/null
"$recip" import parties "$out/parties.csv" >/dev/null
t_recip=$(seconds "$recip" import exchanges "$csv")
"$recip" check >/dev/null

t_sqlite=$(seconds sqlite3 "$out/plain.db" ".import --csv $csv exchanges")

RECIP_DB=$out/floor.db "$recip" init >/dev/null
RECIP_DB=$out/floor.db "$recip" import parties "$out/parties.csv" >/dev/null
t_floor=$(seconds sqlite3 "$out/floor.db" "PRAGMA cache_size = -262144; PRAGMA foreign_keys = ON;
ATTACH '$out/plain.db' AS p; BEGIN;
INSERT INTO exchange (party_id, direction, kind, value, personal, unexpected, at, note, ask_id, source_key, created_at)
SELECT pa.id, e.direction, e.kind, COALESCE(NULLIF(e.value, ''), 1) + 0.0, e.personal = 'yes', e.unexpected = 'yes',
       CAST(strftime('%s', e.at) AS INTEGER), NULLIF(e.note, ''), NULL, 'k' || lower(hex(randomblob(16))), 0
FROM p.exchanges e JOIN party pa ON pa.name = e.party; COMMIT;")

printf '%-58s %8s s %9s rows/s\n' "recip import exchanges ($rows rows)" "$t_recip" "$(rate "$t_recip")"
printf '%-58s %8s s %9s rows/s\n' "sqlite3 .import of the same file into a plain table" "$t_sqlite" "$(rate "$t_sqlite")"
printf '%-58s %8s s %9s rows/s\n' "sqlite3 INSERT … SELECT of the rows into recip's schema" "$t_floor" "$(rate "$t_floor")"
printf 'recip / .import: %s\n' "$(echo "scale=3; $t_sqlite / $t_recip" | bc)"
