#!/usr/bin/env bash
# run.sh — runs the libFuzzer targets of tests/fuzz.
#
#   run.sh ci TARGET BINARY       (CTest, label "fuzz") replays
#                                 regressions/TARGET/* — inputs that once
#                                 crashed — then fuzzes from corpus/TARGET for
#                                 RECIP_FUZZ_SECONDS (default 15)
#   run.sh long BUILD_DIR SECONDS [TARGET…]
#                                 the long run by hand: each target in turn
#                                 (one at a time) for SECONDS, from its seeds
#                                 and what earlier long runs found (kept in
#                                 BUILD_DIR/fuzz-corpus/TARGET); prints one
#                                 line per target with executions, coverage
#                                 (cov: edges, ft: features) and the corpus
#
# A crash leaves its input in the current directory (crash-…, leak-…,
# timeout-…); make it a regression: fix the bug, then copy the file into
# regressions/TARGET/ with a name that says what it was.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
MODE=${1:?usage: run.sh ci TARGET BINARY | long BUILD_DIR SECONDS [TARGET…]}
# inputs past a few kB say nothing new to these parsers and slow them down
COMMON=(-max_len=8192 -timeout=20 -rss_limit_mb=2048 -print_final_stats=1)
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

stats() { # log file → "execs N cov C ft F corpus U"
	local log=$1
	local execs cov ft corp
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$log" | tail -n1 | cut -d' ' -f2)
	corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -n1 | cut -d' ' -f2)
	printf 'execs %s cov %s ft %s corpus %s' "${execs:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}"
}

case "$MODE" in
ci)
	target=${2:?target} binary=$(realpath "${3:?binary}")
	work=$(mktemp -d "${TMPDIR:-/tmp}/recip-$target.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	regressions=("$HERE/regressions/$target"/*)
	if [ -e "${regressions[0]}" ]; then
		echo "replaying ${#regressions[@]} regression input(s)"
		"$binary" "${COMMON[@]}" "${regressions[@]}" >"$work/replay.log" 2>&1 || {
			tail -n 60 "$work/replay.log"
			echo "not ok - $target: a regression input fails again"
			exit 1
		}
	fi
	seconds=${RECIP_FUZZ_SECONDS:-15}
	mkdir -p "$work/new"
	(cd "$work" && "$binary" "${COMMON[@]}" -max_total_time="$seconds" "$work/new" "$HERE/corpus/$target" >"$work/fuzz.log" 2>&1)
	rc=$?
	if [ $rc -ne 0 ]; then
		tail -n 80 "$work/fuzz.log"
		mkdir -p "$PWD/fuzz-crashes"
		cp "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$PWD/fuzz-crashes/" 2>/dev/null
		echo "not ok - $target: fuzzing found a failure (input kept in $PWD/fuzz-crashes)"
		exit 1
	fi
	echo "ok - $target: ${seconds}s, $(stats "$work/fuzz.log")"
	;;
long)
	build=${2:?build dir} seconds=${3:?seconds}
	shift 3
	targets=("$@")
	[ ${#targets[@]} -eq 0 ] && targets=(fuzz_csv fuzz_vcard fuzz_restore fuzz_request fuzz_route fuzz_date fuzz_config)
	for target in "${targets[@]}"; do
		corpus="$build/fuzz-corpus/$target"
		mkdir -p "$corpus" "$build/fuzz-artifacts"
		log="$build/fuzz-artifacts/$target.log"
		(cd "$build/fuzz-artifacts" && "$build/tests/fuzz/$target" "${COMMON[@]}" -max_total_time="$seconds" \
			"$corpus" "$HERE/corpus/$target" >"$log" 2>&1)
		rc=$?
		echo "$target ${seconds}s exit $rc $(stats "$log")"
	done
	;;
*)
	echo "usage: run.sh ci TARGET BINARY | long BUILD_DIR SECONDS [TARGET…]" >&2
	exit 2
	;;
esac
