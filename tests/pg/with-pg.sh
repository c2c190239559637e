#!/usr/bin/env bash
# with-pg.sh STATE COMMAND… — runs a test against the PostgreSQL test server
# that `cluster.sh start STATE` started: RECIP_TEST_PG tells the unit tests'
# support.c and the command-line tests' lib.sh to give each test a new
# database there instead of a file.
set -eu
state=$1
shift
if [ ! -s "$state/url" ]; then
	echo "with-pg.sh: no PostgreSQL test server is running (tests/pg/cluster.sh start $state)" >&2
	exit 1
fi
RECIP_TEST_PG=$(cat "$state/url")
export RECIP_TEST_PG
exec "$@"
