#!/usr/bin/env bash
# cluster.sh — a throw-away PostgreSQL server for the tests: a new cluster in
# a temporary directory, listening only on a Unix socket there, run as an
# unprivileged user (postgres, else nobody, when we are root), stopped and
# removed at the end.
#
#   cluster.sh start STATE   start one; STATE/url then holds the address of
#                            its "postgres" database (superuser "recip", no
#                            password: trust on the socket only)
#   cluster.sh stop STATE    stop it and remove its files
#   cluster.sh halt STATE    stop the server, keeping its files (a server that
#                            goes away in the middle of a request)
#   cluster.sh resume STATE  start it again
#
# Debian installs the server programs under /usr/lib/postgresql/N/bin, off
# PATH: the newest there is used unless PG_BIN names a directory.
set -euo pipefail
cmd=${1:?usage: cluster.sh start|stop STATE}
state=${2:?usage: cluster.sh start|stop STATE}

find_bin() {
	if [ -n "${PG_BIN:-}" ]; then
		echo "$PG_BIN"
		return
	fi
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$d" ] && [ -x "$d/pg_ctl" ]; then
		echo "$d"
	elif command -v pg_ctl >/dev/null; then
		dirname "$(command -v pg_ctl)"
	else
		echo "cluster.sh: no PostgreSQL server found (install Debian's postgresql)" >&2
		exit 1
	fi
}

server_options() {
	# durability is not what these tests are about: no fsync, to be quick
	echo "-c listen_addresses='' -c unix_socket_directories='$1' -c fsync=off -c synchronous_commit=off \
	      -c full_page_writes=off -c max_connections=200"
}

# Runs a server program as the cluster's owner.
as_owner() {
	if [ "$(id -u)" = 0 ]; then
		(cd / && setpriv --reuid="$owner" --regid="$(id -g "$owner")" --init-groups -- "$@")
	else
		"$@"
	fi
}

stop_cluster() {
	[ -f "$state/dir" ] || return 0
	local dir
	dir=$(cat "$state/dir")
	owner=$(cat "$state/owner" 2>/dev/null || id -un)
	if [ -d "$dir/data" ]; then
		as_owner "$(find_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$dir"
	rm -f "$state/dir" "$state/url" "$state/owner"
}

case "$cmd" in
start)
	mkdir -p "$state"
	stop_cluster # a cluster left over by an interrupted run
	bin=$(find_bin)
	owner=$(id -un)
	if [ "$(id -u)" = 0 ]; then
		owner=postgres
		id postgres >/dev/null 2>&1 || owner=nobody
	fi
	# short and under /tmp: a socket's path is limited to about 100 bytes
	dir=$(mktemp -d /tmp/recip-pg.XXXXXX)
	echo "$dir" >"$state/dir"
	echo "$owner" >"$state/owner"
	chmod 0755 "$dir"
	mkdir -m 0700 "$dir/data"
	[ "$(id -u)" = 0 ] && chown "$owner" "$dir" "$dir/data"
	# C collation: text sorts by code point, as SQLite's does
	as_owner "$bin/initdb" -D "$dir/data" -U recip --auth=trust -E UTF8 --locale=C -N >"$dir/initdb.log" 2>&1 || {
		cat "$dir/initdb.log" >&2
		exit 1
	}
	as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(server_options "$dir")" start \
		>/dev/null || {
		cat "$dir/server.log" >&2
		exit 1
	}
	echo "postgresql:///postgres?host=$dir&user=recip" >"$state/url"
	echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on $dir as $owner"
	;;
stop)
	stop_cluster
	;;
halt | resume)
	dir=$(cat "$state/dir")
	owner=$(cat "$state/owner")
	if [ "$cmd" = halt ]; then
		as_owner "$(find_bin)/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
	else
		as_owner "$(find_bin)/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$(server_options "$dir")" \
			start >/dev/null
	fi
	;;
*)
	echo "usage: cluster.sh start|stop|halt|resume STATE" >&2
	exit 2
	;;
esac
