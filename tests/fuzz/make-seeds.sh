#!/usr/bin/env bash
# make-seeds.sh RECIP — writes the seed corpora of tests/fuzz/corpus/ from
# small hand-made inputs, the vCard fixtures and a real export. The seeds
# are kept in the repository; run this again when a format grows.
set -euo pipefail
RECIP=${1:?usage: make-seeds.sh path/to/recip}
HERE=$(cd "$(dirname "$0")" && pwd)
C=$HERE/corpus
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
export RECIP_NOW=2026-11-23T12:00 RECIP_ACTOR=seed
seed() { # TARGET NAME PREFIX-BYTES(printf) CONTENT-FILE
	printf "$3" >"$C/$1/$2"
	cat "$4" >>"$C/$1/$2"
}
mkdir -p "$C"/{fuzz_csv,fuzz_vcard,fuzz_restore,fuzz_request,fuzz_route,fuzz_date,fuzz_config}

# CSV: byte 0 the kind (0 party, 1 exchange, 2 touch, 3 visit, 4 ask, 5 promise,
# 6 referral, 7 review, 8 nps, 9 project, 10 fact), byte 1 the options
printf '\xef\xbb\xbfName,E-mail,phone,role,org,birthday,fact:regular order\r\nAna Lopez,ana@example.com,[cell] +34 600 111 222,customer,,1984-05-17,"flat white, oat"\r\n"Tom Reed","tom@harbor.com; t.reed@gmail.com",,"client; partner",Acme,,\r\n' >"$TMP/parties.csv"
seed fuzz_csv parties '\x00\x00' "$TMP/parties.csv"
seed fuzz_csv parties-update '\x00\x03' "$TMP/parties.csv"
printf 'party,direction,kind,value,personal,at,note\nAna Lima,gave,favour,,yes,2026-10-01,"sent us ""Meridian""\nwith a line break"\nBo Chen,received,gift,2,no,2026-10-03,\nAcme,gave,referral,5,,2026-11-01T09:00,x\n' >"$TMP/exchanges.csv"
seed fuzz_csv exchanges '\x01\x00' "$TMP/exchanges.csv"
seed fuzz_csv exchanges-skip-bad '\x01\x01' "$TMP/exchanges.csv"
printf 'party;at;amount;note\nAna Lima;2026-11-02T08:10;4.50;flat white\nBo Chen;2026-11-03;;\n' >"$TMP/visits.csv"
seed fuzz_csv visits-semicolon '\x03\x10' "$TMP/visits.csv"
printf 'party\tchannel\tpurpose\tinitiator\tat\nAna Lima\temail\tcheck-in\tus\t2026-11-01\n' >"$TMP/touches.csv"
seed fuzz_csv touches-tab '\x02\x18' "$TMP/touches.csv"
printf 'party,direction,what,status,forced,at\nAna Lima,ours,review,open,yes,2026-11-01\n' >"$TMP/asks.csv"
seed fuzz_csv asks '\x04\x00' "$TMP/asks.csv"
printf 'party,what,at,due,status\nBo Chen,call back,2026-11-01,2026-12-01,open\n' >"$TMP/promises.csv"
seed fuzz_csv promises '\x05\x00' "$TMP/promises.csv"
printf 'referrer,party,status,at\nAna Lima,Bo Chen,converted,2026-10-10\n' >"$TMP/referrals.csv"
seed fuzz_csv referrals '\x06\x00' "$TMP/referrals.csv"
printf 'party,platform,rating,url,at\nAna Lima,google,5,https://example.com/r/1,2026-11-01\n' >"$TMP/reviews.csv"
seed fuzz_csv reviews '\x07\x00' "$TMP/reviews.csv"
printf 'party,score,comment,at\nBo Chen,9,great,2026-11-01\n' >"$TMP/nps.csv"
seed fuzz_csv nps '\x08\x00' "$TMP/nps.csv"
printf 'party,key,value\nAna Lima,dog,Rex\n' >"$TMP/facts.csv"
seed fuzz_csv facts '\x0a\x00' "$TMP/facts.csv"
printf 'name,notes\nJos\xe9 Garc\xeda,caf\xe9\n' >"$TMP/latin1.csv"
seed fuzz_csv cp1252 '\x00\x40' "$TMP/latin1.csv"
printf 'Who,Work email,Notes\nAna Lima,ana@work.example,x\n' >"$TMP/mapped.csv"
seed fuzz_csv mapped '\x00\x80' "$TMP/mapped.csv"

# vCard: byte 0 the options
i=0
for f in "$HERE"/../fixtures/vcard/*.vcf; do
	head -c 6000 "$f" >"$TMP/v.vcf"
	seed fuzz_vcard "$(basename "$f" .vcf)" '\x00' "$TMP/v.vcf"
	i=$((i + 1))
done
printf 'BEGIN:VCARD\r\nVERSION:2.1\r\nN:Lima;Ana\r\nFN:Ana Lima\r\nEMAIL;INTERNET:ana@example.com\r\nNOTE;ENCODING=QUOTED-PRINTABLE:caf=C3=A9 =\r\nnoir\r\nEND:VCARD\r\n' >"$TMP/qp.vcf"
seed fuzz_vcard merge-quoted-printable '\x01' "$TMP/qp.vcf"

# restore: small real exports
rm -f "$TMP/a.db"
"$RECIP" init --db "$TMP/a.db" >/dev/null
"$RECIP" add person "Ana Lima" --email ana@example.com --db "$TMP/a.db" >/dev/null
"$RECIP" add person "Bo Chen" --db "$TMP/a.db" >/dev/null
"$RECIP" gave "Ana Lima" favour --db "$TMP/a.db" >/dev/null
"$RECIP" remember "Ana Lima" dog Rex --db "$TMP/a.db" >/dev/null
"$RECIP" export json -o "$C/fuzz_restore/small.jsonl" --db "$TMP/a.db"
"$RECIP" init --db "$TMP/empty.db" >/dev/null
"$RECIP" export json -o "$C/fuzz_restore/empty.jsonl" --db "$TMP/empty.db"

# requests: byte 0 the flags (1 token, 2 session + CSRF, 3 session alone,
# 4 JSON content type, 8 raw), then "METHOD TARGET", headers, "", body
req() { printf "$2" >"$C/fuzz_request/$1"; }
req health '\x00GET /api/v1/health\n'
req parties '\x01GET /api/v1/parties?limit=5&offset=0&q=ana&sort=name&archived=yes\n'
req party-add '\x05POST /api/v1/parties\n\n{"name":"Eve","email":["eve@example.com",{"value":"e@work.example","label":"work"}],"role":"customer"}'
req party-patch '\x05PATCH /api/v1/parties/1\n\n{"notes":"likes tea","phone":null}'
req exchange-add '\x05POST /api/v1/exchanges\n\n{"party":"Ana Lima","direction":"gave","kind":"favour","on":"2026-11-01","value":2.5}'
req ask-add '\x05POST /api/v1/asks\n\n{"party":"1","direction":"ours","what":"review","forced":true}'
req ask-check '\x01GET /api/v1/parties/1/ask-check?what=review&as_of=2026-11-20\n'
req overview '\x01GET /api/v1/parties/1/overview?as_of=-3d\n'
req history '\x01GET /api/v1/parties/1/balance-history?as_of=2026-11-23T10:00\n'
req balance '\x01GET /api/v1/balance?as_of=today\n'
req due '\x03GET /api/v1/due\n'
req audit '\x01GET /api/v1/audit?party=ana%40example.com&limit=3\n'
req session-write '\x06POST /api/v1/touches\nX-Extra: 1\n\n{"party":"Ana Lima","channel":"call","direction":"out"}'
req resolve '\x05POST /api/v1/promises/1/resolve\n\n{"status":"kept"}'
req delete '\x01DELETE /api/v1/visits/3\n'
req entities '\x01GET /api/v1/entities/exchange\n'
req tokens '\x05POST /api/v1/tokens\n\n{"label":"script"}'
req signin '\x04POST /api/v1/session\n\n{"name":"mia","password":"wrong-password"}'
req calendar '\x00GET /calendar.ics?token=rcf_abc\n'
req page '\x00GET /app.js\n'
req raw '\x08GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
req raw-chunked '\x08POST /api/v1/parties HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\n{"nam\r\n0\r\n\r\n'

# routes: byte 0 the method (0 GET, 1 POST, 2 PATCH, 3 DELETE)
route() { printf "$2" >"$C/fuzz_route/$1"; }
route parties '\x00/api/v1/parties'
route party '\x02/api/v1/parties/12'
route overview '\x00/api/v1/parties/1/overview'
route escaped '\x00/api/v1/parties/%%31%%32/overview'
route nul '\x00/index.html%%00.js'
route user '\x02/api/v1/users/mia%%20r'
route asset '\x00/style.css'
route wrong-method '\x03/api/v1/balance'

# dates
date_seed() { printf '%s' "$2" >"$C/fuzz_date/$1"; }
date_seed iso 2026-11-23
date_seed time 2026-11-23T08:15
date_seed seconds '2026-11-23 08:15:30'
date_seed today today
date_seed offset -3d
date_seed weeks +2w
date_seed years -1y
date_seed leap 2024-02-29
date_seed annual --05-17
date_seed duration 30

# configuration files
printf '# recip settings\n[balance]\nhalf_life = 90d\npersonal_bonus = 2\n\n[touch]\nneed_share = 50%%\n; a comment\n[kinds]\nfavour = 4\n' >"$C/fuzz_config/settings.ini"
printf '[gate]\nmin_balance = -1.5\ncooldown = 2w\n[moments]\nbirthday_within = 7d\nowe_below = -3\n' >"$C/fuzz_config/gate.ini"
printf '[nothing]\nkey = value\n' >"$C/fuzz_config/unknown.ini"
echo "seeds written to $C"
