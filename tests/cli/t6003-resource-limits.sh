#!/usr/bin/env bash
# t6003 — resource limits (issue 9): every kind of oversized input, to the
# server and to the importer, while reading the processes' peak memory
# (VmHWM in /proc/PID/status, and the kernel's ru_maxrss for the importer).
# Server (--timeout 3, --max-body 1 MiB): a body announced as 100 MB gets
# 413 before it is read; a chunked body of 32 MB gets 413 and is never kept
# past the cap; 200 header fields get 431, 5 MB of headers 431, a 1 MB URL
# 414; a client that sends a byte every half second is cut within the
# timeout; 600 idle connections from 127.0.0.1 do not stop 127.0.0.2 from
# being served; 200 writes afterwards are all acknowledged; the server grows
# by less than 16 MiB over all of it. Importer: a 64 MB field, a 64 MB line
# and a 64 MB vCard property fail with one line and stay within 16 MiB of
# an ordinary command; 38 MB of good rows import within SQLite's page cache
# of a bulk import (256 MiB, lib/bulk.c) plus 64 MiB.
. "$(dirname "$0")/lib.sh"
only_on sqlite "the limits are the processes' own; the database does not matter"
case "${RECIP_TEST_CFLAGS:-}" in
*sanitize*)
	# ASan's shadow memory and quarantine are what a peak would measure
	echo "1..0 # SKIP the memory figures mean nothing under the sanitizers"
	exit 77
	;;
esac

python3 "$(dirname "$0")/reliability.py" limits "$TEST_DIR/limits" >"$OUT" 2>"$ERR"
STATUS=$?
sed 's/^/# /' "$OUT"
figure() { sed -n "s/^$1 //p" "$OUT"; }
below() { [ "$1" -lt "$2" ] && echo yes || echo "no ($1 >= $2)"; }
expect_eq "the driver ran" "$STATUS" 0
expect_eq "a body announced as 100 MB: 413" "$(figure status_declared_huge_body)" 413
expect_eq "a chunked body of 32 MB: 413" "$(figure status_chunked_huge_body)" 413
expect_eq "200 header fields: 431" "$(figure status_many_headers)" 431
expect_eq "5 MB of headers: 431" "$(figure status_huge_headers)" 431
expect_eq "a 1 MB URL: 414" "$(figure status_huge_url)" 414
expect_eq "a slow client is cut within the timeout" "$(below "$(figure slow_client_cut_after_s | cut -d. -f1)" 6)" yes
expect_eq "another address is served during a flood of connections" "$(figure status_other_address_while_flooded)" 200
expect_eq "writes afterwards are all acknowledged" "$(figure writes_after_attacks)" 200
expect_eq "the server grew by less than 16 MiB" "$(below "$(figure server_growth_kib)" 16384)" yes
base=$(figure importer_baseline_kib)
for what in huge_field huge_line huge_vcard_property; do
	expect_eq "import of a $what fails" "$(figure "import_${what}_exit")" 1
	expect_eq "import of a $what stays within 16 MiB of an ordinary command" \
		"$(below "$(figure "import_${what}_peak_kib")" $((base + 16384)))" yes
done
expect_eq "38 MB of good rows import" "$(figure import_many_mb_exit)" 0
expect_eq "… within the bulk page cache and 64 MiB" "$(below "$(figure import_many_mb_peak_kib)" $((320 * 1024)))" yes
grep -q "line 2 of '.*huge-field.csv': the row is longer than 1048576 bytes" "$ERR"
expect_eq "the huge field is named with its line" $? 0
grep -q "line 4 of '.*huge-property.vcf' is longer than 4194304 bytes" "$ERR"
expect_eq "the huge vCard property is named with its line" $? 0
finish
