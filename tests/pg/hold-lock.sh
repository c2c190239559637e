# hold-lock.sh — sourced by the scenarios that lose the connection in the
# middle of a write (t5002, t5006): stop a write half-way by holding a lock
# it needs from another session, then end its session or its server.

sql() { psql -qAtX "$@"; }

# The test server is shared by the tests that run at once: every look at
# its sessions keeps to the test's own database.
#
# Waits (at most 20 s) until pg_stat_activity shows a session of DB
# matching COND.
wait_for() { # DB COND
	local i
	for i in $(seq 1 200); do
		[ "$(sql "$1" -c "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND ($2)")" -gt 0 ] &&
			return 0
		sleep 0.1
	done
	echo "# timed out waiting for: $2"
	return 1
}

# Holds the audit table locked from another session (application_name
# 'holder', for at most a minute), so that a write that starts now stops in
# the middle of its transaction — its rows written, its audit entry not yet
# — and waits. HOLDER is the holding psql's pid.
hold_lock() { # DB
	sql "$1" -c "SET application_name = 'holder'" -c "BEGIN" -c "LOCK TABLE audit IN EXCLUSIVE MODE" \
		-c "SELECT pg_sleep(60)" >/dev/null 2>&1 &
	HOLDER=$!
	wait_for "$1" "application_name = 'holder' AND query LIKE '%pg_sleep%'"
}

# Ends the holding session.
release_lock() { # DB
	kill "$HOLDER" 2>/dev/null
	sql "$1" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	             WHERE datname = current_database() AND application_name = 'holder'" >/dev/null
	wait "$HOLDER" 2>/dev/null
}

# Waits until a recip session is stuck on the lock, writing its audit entry.
wait_for_stuck_write() { # DB
	wait_for "$1" "application_name = 'recip' AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO audit%'"
}

# Ends every recip session on DB, as a restart or a failover of the
# PostgreSQL server would.
terminate_recip() { # DB
	sql "$1" -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
	             WHERE datname = current_database() AND application_name = 'recip'" >/dev/null
}
