#!/usr/bin/env bash
# t0600 — help everywhere: recip help, help CMD, CMD --help, the man page and
# bash completion, all made from the same command tables.
. "$(dirname "$0")/lib.sh"

expect_ok "recip alone prints the overview" recip
expect_out "usage: recip COMMAND"
expect_ok "recip help" recip help
expect_out "Ledger:"
expect_ok "--help" recip --help
commands=$("$RECIP" help | awk '/^  [a-z-]+  /{print $1}')
expect_eq "help lists the commands" "$(echo "$commands" | grep -c .)" "$("$RECIP" completion bash | grep -c ') COMPREPLY')"
for cmd in $commands; do
	expect_ok "$cmd --help" recip "$cmd" --help
	expect_out "usage: recip $cmd"
	expect_out "common options:"
	expect_ok "help $cmd" recip help "$cmd"
done
expect_fail "help for no such command" 2 recip help frobnicate

expect_ok "the man page" recip help --man
cp "$OUT" "$TEST_DIR/recip.1"
for cmd in $commands; do
	if ! grep -q "^\.B recip $(echo "$cmd" | sed 's/-/\\\\-/g')" "$TEST_DIR/recip.1"; then
		_report fail "the man page describes $cmd"
	fi
done
_report ok "the man page describes every command"
expect_out ".SH EXIT STATUS"
expect_out "balance.half_life"
if command -v groff >/dev/null; then
	groff -man -Tutf8 -ww "$TEST_DIR/recip.1" >"$TEST_DIR/man.txt" 2>"$TEST_DIR/man.err"
	expect_eq "groff renders it without warnings" "$(cat "$TEST_DIR/man.err")" ""
	expect_eq "the rendered page names the exit codes" "$(grep -cE '^ +3 +the +give-first +gate' "$TEST_DIR/man.txt")" 1
fi
expect_ok "bash completion" recip completion bash
expect_out "complete -F _recip recip"
if bash -n "$OUT"; then _report ok "the completion script parses"; else _report fail "the completion script parses"; fi
expect_fail "completion for an unknown shell" 2 recip completion tcsh
finish
