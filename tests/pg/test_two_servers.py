"""test_two_servers.py — several servers, one database (issue 7, item 4).

Two `recip serve` processes on different free loopback ports over the same
PostgreSQL database; eight clients send interleaved writes to both — gifts
and favours, touches and visits, many of them for the same few parties at
the same moment on both servers — bounded in count (WRITES) and in time
(DEADLINE seconds). Afterwards:

- no write is lost: every acknowledged write (201) is in the database with
  what was sent, and nothing else is;
- `recip check` passes: every roll-up equals its recomputation from the
  ledger;
- the balances both servers report are what the acknowledged writes add up
  to (every write is at the same fixed "now", so a balance is the plain sum
  of values given minus values received), and the same on both;
- each server's reads show the other's writes: every write acknowledged by
  one is read back, record by record, through the other, and its lists
  count them all.

Needs RECIP_TEST_PG (tests/pg/with-pg.sh) and RECIP (the binary)."""
import concurrent.futures
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server"))
from harness import Checks, Server  # noqa: E402

WRITES = 600          # requests in all
CLIENTS = 8           # at once
DEADLINE = 240        # seconds for all of them
PARTIES = ["Ana Lopez", "Ben Okafor", "Chloe Dubois", "Dev Patel", "Emma Stone"]


def admin(sql):
    subprocess.run(["psql", "-qX", "-v", "ON_ERROR_STOP=1", os.environ["RECIP_TEST_PG"], "-c", sql],
                   check=True, capture_output=True)


def write_of(i):
    """The i-th write: which server, what, and the body (a pattern, not
    random, so that a failure can be replayed)."""
    party = PARTIES[(i * 7 + i // 5) % len(PARTIES)]
    kind = i % 4
    if kind == 0:
        return "exchanges", {"party": party, "direction": "gave", "kind": "gift", "value": 1 + i % 5,
                             "note": f"write {i}"}
    if kind == 1:
        return "exchanges", {"party": party, "direction": "received", "kind": "favour", "value": 0.5 + i % 3,
                             "note": f"write {i}"}
    if kind == 2:
        return "touches", {"party": party, "channel": "call", "note": f"write {i}"}
    return "visits", {"party": party, "amount": 2.5, "note": f"write {i}"}


def main():
    if not os.environ.get("RECIP_TEST_PG"):
        print("1..0 # SKIP no PostgreSQL test server (RECIP_TEST_PG)")
        raise SystemExit(77)
    t = Checks()
    name = f"recip_two_servers_{os.getpid()}"
    admin(f"CREATE DATABASE {name}")
    address = os.environ["RECIP_TEST_PG"].replace("/postgres?", f"/{name}?")
    servers = []
    try:
        a = Server(db=address, extra_args=["--threads", "4"])
        servers.append(a)
        b = Server(db=address, tokens=a.tokens, extra_args=["--threads", "4"])
        servers.append(b)
        t.true("two servers on two ports", a.port != b.port, f"{a.port} {b.port}")
        for party in PARTIES:
            st, _, _ = a.request("POST", "/api/v1/parties", {"name": party}, who="mike")
            t.eq(f"{party} added", st, 201)

        # ---- the interleaved writes ----------------------------------------------------
        start = time.monotonic()
        acked = {}      # (kind, id) -> (server index, body)
        failures = []

        def send(i):
            if time.monotonic() - start > DEADLINE:
                return i, None, "deadline", None
            kind, body = write_of(i)
            server = servers[i % 2]
            st, _, doc = server.request("POST", f"/api/v1/{kind}", body, who="mike")
            return i, kind, st, doc

        with concurrent.futures.ThreadPoolExecutor(max_workers=CLIENTS) as pool:
            for i, kind, st, doc in pool.map(send, range(WRITES)):
                if st == 201:
                    acked[(kind, doc["id"])] = (i % 2, write_of(i)[1])
                else:
                    failures.append((i, st, doc))
        elapsed = time.monotonic() - start
        print(f"# {WRITES} writes through 2 servers × 4 threads from {CLIENTS} clients in {elapsed:.1f} s "
              f"({WRITES / elapsed:.0f} writes/s)")
        t.eq("every write acknowledged, within the time allowed", failures[:3], [])
        t.eq("no id handed out twice", len(acked), WRITES - len(failures))

        # ---- no write lost, nothing else written -----------------------------------------
        for table, kind in (("exchange", "exchanges"), ("touch", "touches"), ("visit", "visits")):
            rows = a.sql(f"SELECT id, note FROM {table} ORDER BY id").splitlines()
            stored = {int(r.split("|")[0]): r.split("|")[1] for r in rows}
            expected = {k[1]: v[1]["note"] for k, v in acked.items() if k[0] == kind}
            t.eq(f"every acknowledged {table} is stored, and nothing else", stored, expected)
        done = subprocess.run([os.environ["RECIP"], "check", "--json", "--db", address], capture_output=True,
                              text=True, env=a.env)
        report = json.loads(done.stdout) if done.stdout else {}
        t.eq("recip check: every roll-up equals its recomputation", (done.returncode, report.get("ok")), (0, True))

        # ---- the balances add up, the same on both ---------------------------------------
        expected = {p: 0.0 for p in PARTIES}
        for (kind, _), (_, body) in acked.items():
            if kind == "exchanges":
                expected[body["party"]] += body["value"] if body["direction"] == "gave" else -body["value"]
        for index, server in enumerate(servers):
            st, _, doc = server.request("GET", "/api/v1/balance", who="vera")
            got = {item["name"]: round(item["balance"], 4) for item in doc["items"]}
            t.eq(f"server {'AB'[index]}: every balance is the sum of the acknowledged writes", got,
                 {p: round(v, 4) for p, v in expected.items() if v != 0 or p in got})

        # ---- each server reads the other's writes ----------------------------------------
        for index, server in enumerate(servers):
            other = 1 - index
            missing = []
            for (kind, ident), (by, body) in acked.items():
                if by != other:
                    continue
                st, _, doc = server.request("GET", f"/api/v1/{kind}/{ident}", who="vera")
                if st != 200 or doc.get("note") != body["note"]:
                    missing.append((kind, ident, st))
            t.eq(f"server {'AB'[index]} reads every write server {'AB'[other]} acknowledged", missing[:3], [])
            for kind in ("exchanges", "touches", "visits"):
                st, _, doc = server.request("GET", f"/api/v1/{kind}?limit=1", who="vera")
                t.eq(f"server {'AB'[index]} lists all {kind}", doc["total"],
                     sum(1 for k in acked if k[0] == kind))
        for index, server in enumerate(servers):
            t.eq(f"server {'AB'[index]} stops cleanly", server.stop(), 0)
    finally:
        for server in servers:
            server.close()
        admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    t.finish()


if __name__ == "__main__":
    main()
