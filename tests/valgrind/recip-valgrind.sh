#!/usr/bin/env bash
# recip-valgrind.sh — `recip` under valgrind memcheck, for the "valgrind"
# CTest label: the command-line scenarios run with RECIP pointing here.
# Any memory error or leak (definite or indirect) makes the command exit
# 99, which fails the scenario; valgrind's report goes to stderr. exec, so
# that a test that signals the command (a server it stops) reaches it.
: "${RECIP_REAL:?RECIP_REAL must name the real recip binary}"
exec valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --track-origins=no --num-callers=30 \
	--suppressions="$(dirname "$0")/recip.supp" "$RECIP_REAL" "$@"
