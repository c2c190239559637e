#!/usr/bin/env bash
# setup.sh — the two set-up commands of the README, for a fresh Debian 12.
#
#   bash scripts/setup.sh demo   install what is missing, build, write the demo
#                                database and show today's agenda on it
#   bash scripts/setup.sh test   install what is missing (test tools too), build
#                                the checked configuration and the sanitizer
#                                one, and run every test in both; the
#                                command-line scenarios again under valgrind;
#                                the fuzz targets (clang) briefly each
#
# Packages come from Debian (apt-get, through sudo when not root) and, for the
# browser tests, the npm registry. Nothing else is downloaded.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
MODE=${1:-}
JOBS=$(nproc 2>/dev/null || echo 2)

BUILD_PACKAGES="build-essential cmake pkg-config sqlite3 libsqlite3-dev libpq-dev libmicrohttpd-dev
  libjansson-dev libsodium-dev libcsv-dev libical-dev libinih-dev libcmocka-dev"
TEST_PACKAGES="python3 python3-vobject python3-icalendar valgrind clang libclang-rt-dev postgresql
  chromium nodejs npm wrk nginx-light util-linux"

say() { printf '\033[1m== %s\033[0m\n' "$*"; }

# took WHAT: how long since the last call (CI's budget is watched from these)
LAST=$SECONDS
took() {
	printf '   (%s took %d min %d s)\n' "$1" $(((SECONDS - LAST) / 60)) $(((SECONDS - LAST) % 60))
	LAST=$SECONDS
}

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

install_packages() {
	local missing=()
	for p in $*; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	# node from elsewhere (nvm, the machine's image) is fine
	if command -v node >/dev/null && command -v npm >/dev/null; then
		missing=("${missing[@]/nodejs/}")
		missing=("${missing[@]/npm/}")
	fi
	local wanted=()
	for p in "${missing[@]}"; do [ -n "$p" ] && wanted+=("$p"); done
	if [ ${#wanted[@]} -eq 0 ]; then
		return 0
	fi
	say "installing ${wanted[*]}"
	as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
}

configure_build() { # dir, cmake options…
	local dir=$1
	shift
	cmake -S "$ROOT" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENABLE_WERROR=ON "$@" >/dev/null
	cmake --build "$dir" -j "$JOBS"
}

case "$MODE" in
demo)
	install_packages "$BUILD_PACKAGES"
	say "building"
	configure_build build
	say "writing the demo database"
	rm -f build/demo.db build/demo.db-wal build/demo.db-shm
	build/recip demo --db build/demo.db
	say "today's agenda"
	build/recip agenda --db build/demo.db
	echo
	echo "Try: build/recip due --db build/demo.db   build/recip show ana --db build/demo.db"
	;;
test)
	install_packages "$BUILD_PACKAGES $TEST_PACKAGES"
	if [ -f tests/browser/package.json ]; then
		say "installing the browser test packages (npm)"
		(cd tests/browser && npm ci --no-audit --no-fund --silent)
	fi
	say "building (warnings are errors)"
	configure_build build/ci -DBUILD_TESTS=ON
	say "running every test"
	(cd build/ci && ctest --output-on-failure -j "$JOBS" -LE valgrind)
	took "every test"
	say "running the command-line scenarios under valgrind memcheck"
	(cd build/ci && ctest --output-on-failure -j "$JOBS" -L valgrind)
	took "the valgrind run"
	say "building with AddressSanitizer and UndefinedBehaviorSanitizer"
	configure_build build/asan -DBUILD_TESTS=ON -DENABLE_SANITIZERS=ON -DCMAKE_BUILD_TYPE=Debug
	say "running every test under the sanitizers"
	# the crash scenario's 50 rounds ran above; here fewer, for the sanitizers' sake.
	# The command-line scenarios on PostgreSQL ran above; here the library's
	# PostgreSQL paths run under the sanitizers through the unit tests (pg_unit_*),
	# and the scenarios on SQLite: the scenarios again on PostgreSQL would double
	# this pass for C code the unit tests already reach.
	(cd build/asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		RECIP_CRASH_ROUNDS=15 ctest --output-on-failure -j "$JOBS" -LE 'valgrind|bench' -E '^pg_cli_')
	took "the sanitizer build and run"
	say "building the fuzz targets (clang: libFuzzer, ASan, UBSan)"
	CC=clang cmake -S "$ROOT" -B build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DENABLE_WERROR=ON \
		-DBUILD_FUZZERS=ON -DBUILD_TESTS=OFF >/dev/null
	cmake --build build/fuzz -j "$JOBS" --target fuzzers
	say "fuzzing each target briefly, after replaying its regression inputs"
	if ! (cd build/fuzz && RECIP_FUZZ_SECONDS=${RECIP_FUZZ_SECONDS:-15} ctest -V -j "$JOBS" -L fuzz >fuzz.log 2>&1); then
		tail -n 200 build/fuzz/fuzz.log
		exit 1
	fi
	grep -E '^[0-9]+: (ok|not ok) ' build/fuzz/fuzz.log | sed 's/^[0-9]*: /   /'
	grep -E 'tests passed|tests failed' build/fuzz/fuzz.log
	took "the fuzz build and run"
	say "all tests passed"
	;;
*)
	echo "usage: bash scripts/setup.sh demo|test" >&2
	exit 2
	;;
esac
