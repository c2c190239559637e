"""reliability.py — the drivers of the reliability scenarios (issue 9),
called by tests/cli/t6001-t6003 and by hand for longer runs:

  reliability.py crash DIR ROUNDS [ROWS]
      SIGKILL at random moments: each round starts `recip serve` with a
      client writing through it and `recip import` of a file of ROWS new
      exchanges, then kills the importer, the server or both. After each
      kill: `recip check` passes, the file's rows are all there or none, every
      write the client saw acknowledged is there, and importing the file
      again completes it without duplicates (and once more adds nothing).

  reliability.py concurrent DIR
      two servers, four command-line writers and two importers on one SQLite
      database at once; every write is acknowledged, none is lost, no
      "locked"/"busy" reaches anyone, roll-ups are exact.

  reliability.py limits DIR
      oversized input to the server and to the importer while reading the
      processes' memory (VmHWM) from /proc: it stays bounded.

Everything runs on loopback, bounded in rounds and in time. The results are
printed as "name value" lines (the shell scripts check them); problems go to
stderr, one line each. RECIP names the binary; RECIP_NOW is fixed."""
import http.client
import json
import os
import random
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time

RECIP = os.environ["RECIP"]
PASSWORD = "writer password"


TRACE = os.environ.get("RECIP_TRACE")
T0 = time.monotonic()


def trace(*args):
    if TRACE:
        print(f"{time.monotonic() - T0:8.2f}", *args, file=sys.stderr, flush=True)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


class Db:
    """A database directory: the file, the environment the commands run in."""

    def __init__(self, directory, name="crash.db"):
        self.dir = directory
        os.makedirs(directory, exist_ok=True)
        self.path = os.path.join(directory, name)
        self.env = dict(os.environ)
        self.env.update({"RECIP_DB": self.path, "RECIP_ACTOR": "reliability", "NO_COLOR": "1"})

    def recip(self, *args, stdin=None, check=True, timeout=300):
        done = subprocess.run([RECIP, *args], input=stdin, capture_output=True, text=True, env=self.env,
                              timeout=timeout)
        if check and done.returncode != 0:
            raise RuntimeError(f"recip {' '.join(args)}: exit {done.returncode}: {done.stderr.strip()}")
        return done

    def fresh(self):
        for suffix in ("", "-wal", "-shm"):
            try:
                os.unlink(self.path + suffix)
            except FileNotFoundError:
                pass
        self.recip("init")
        self.recip("add", "person", "Ana Lima")
        self.recip("add", "person", "Bo Chen")
        self.recip("user", "add", "writer", "--role", "member", stdin=PASSWORD + "\n")
        return json.loads(self.recip("token", "create", "writer", "--json").stdout)["token"]

    def query(self, sql, *params):
        # a reader beside the others: WAL lets it in while they write
        con = sqlite3.connect(self.path, timeout=60)
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.close()

    def serve(self, *extra):
        proc = subprocess.Popen([RECIP, "serve", "--listen", "127.0.0.1:0", *extra], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, env=self.env)
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        if not match:
            proc.kill()
            raise RuntimeError("the server did not start: " + line + proc.stderr.read())
        return proc, int(match.group(1))


class Writer(threading.Thread):
    """Writes exchanges through the server, one after another, each with a
    note of its own; keeps the notes of those acknowledged (201)."""

    def __init__(self, port, token, prefix, limit=None, pause=0.0):
        super().__init__(daemon=True)
        self.port, self.token, self.prefix, self.limit, self.pause = port, token, prefix, limit, pause
        self.acked, self.refused, self.stop = [], [], False
        self.answers = {}

    def run(self):
        n = 0
        while not self.stop and (self.limit is None or n < self.limit):
            note = f"{self.prefix}-{n}"
            n += 1
            party = "Ana Lima" if n % 2 else "Bo Chen"
            body = json.dumps({"party": party, "direction": "gave", "kind": "favour", "value": 1, "note": note})
            try:
                con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                con.request("POST", "/api/v1/exchanges", body,
                            {"Authorization": "Bearer " + self.token, "Content-Type": "application/json"})
                resp = con.getresponse()
                text = resp.read().decode("utf-8", "replace")
                con.close()
            except (OSError, http.client.HTTPException):
                if self.limit is None:
                    return  # the server is gone: what was acknowledged stands
                self.refused.append((note, "connection failed"))
                continue
            self.answers[resp.status] = self.answers.get(resp.status, 0) + 1
            if resp.status == 201:
                self.acked.append(note)
            else:
                self.refused.append((note, f"{resp.status} {text[:200]}"))
            if self.pause:
                time.sleep(self.pause)


def kill(proc):
    """SIGKILL when still running; whether it hit a live process."""
    if proc.poll() is not None:
        return False
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    return True


def write_exchanges(path, prefix, rows):
    """A CSV of `rows` exchanges with Ana and Bo, each noted PREFIX-N."""
    with open(path, "w") as f:
        f.write("party,direction,kind,value,at,note\n")
        for i in range(rows):
            party = "Ana Lima" if i % 2 else "Bo Chen"
            direction = "gave" if i % 3 else "received"
            f.write(f"{party},{direction},favour,{1 + i % 4},2026-{1 + i % 10:02d}-{1 + i % 28:02d}T{i % 24:02d}:00,"
                    f"{prefix}-{i}\n")


# ---- crash ------------------------------------------------------------------------


def crash(directory, rounds, rows):
    db = Db(directory, "crash.db")
    rng = random.Random(int(os.environ.get("RECIP_CRASH_SEED", "0")) or None)
    started = time.monotonic()
    figures = {"rounds": 0, "kills": 0, "import_kills": 0, "server_kills": 0,
               "imports_absent": 0, "imports_whole": 0, "imports_partial": 0, "acked_writes": 0,
               "lost_writes": 0, "check_failures": 0, "resume_failures": 0, "duplicates": 0}
    token = None
    # how long an import of this size takes here, so that the kills land
    # before, during and after it: timed once on a scratch database
    scratch = Db(os.path.join(directory, "scratch"), "scratch.db")
    scratch.fresh()
    write_exchanges(os.path.join(scratch.dir, "import.csv"), "t", rows)
    t0 = time.monotonic()
    scratch.recip("import", "exchanges", os.path.join(scratch.dir, "import.csv"))
    import_seconds = time.monotonic() - t0
    figures["import_seconds"] = round(import_seconds, 2)
    for r in range(rounds):
        if r % 5 == 0:  # a new database now and then keeps each check short
            token = db.fresh()
        prefix = f"r{r}"
        csv = os.path.join(directory, "import.csv")
        write_exchanges(csv, prefix, rows)
        trace("round", r)
        server, port = db.serve("--threads", "2")
        trace("serving")
        writer = Writer(port, token, f"w{r}")
        writer.start()
        t0 = time.monotonic()
        importer = subprocess.Popen([RECIP, "import", "exchanges", csv], stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, env=db.env)
        # a moment within the import (its length measured as we go)
        time.sleep(rng.uniform(0.0, import_seconds * 1.3))
        victim = rng.choice(["import", "server", "both"])
        if victim in ("import", "both") and kill(importer):
            figures["import_kills"] += 1
        if victim in ("server", "both") and kill(server):
            figures["server_kills"] += 1
        # whatever was not the victim goes on to its end: the import, and
        # the server until the client stops
        trace("killed", victim)
        if importer.poll() is None:
            importer.wait()
            trace("import ended")
            import_seconds = 0.8 * import_seconds + 0.2 * (time.monotonic() - t0)
        import_done = importer.returncode == 0
        if importer.returncode not in (0, -signal.SIGKILL):
            log(f"round {r}: the import failed: {importer.stderr.read().strip()}")
            figures["resume_failures"] += 1
        importer.stderr.close()
        writer.stop = True
        if server.poll() is None:
            time.sleep(rng.uniform(0.0, 0.2))
            if kill(server):  # the server too dies hard, in the middle of writes
                figures["server_kills"] += 1
        writer.join(timeout=120)
        trace("writer stopped", len(writer.acked))
        server.stdout.close()
        server.stderr.close()
        figures["kills"] = figures["import_kills"] + figures["server_kills"]
        figures["rounds"] += 1

        # after the crash: the database checks out ...
        done = db.recip("check", check=False)
        trace("checked")
        if done.returncode != 0:
            figures["check_failures"] += 1
            log(f"round {r}: recip check failed: {done.stdout.strip()} {done.stderr.strip()}")
        # ... the import is all there or not at all ...
        n = db.query("SELECT count(*) FROM exchange WHERE note LIKE ?", prefix + "-%")[0][0]
        before = n
        if n == 0:
            figures["imports_absent"] += 1
        elif n == rows:
            figures["imports_whole"] += 1
        else:
            figures["imports_partial"] += 1
            log(f"round {r}: {n} of {rows} imported exchanges are there")
        if import_done and n != rows:
            log(f"round {r}: the import finished but {n} of {rows} exchanges are there")
            figures["imports_partial"] += 1
        # ... every acknowledged write is there ...
        notes = {row[0] for row in db.query("SELECT note FROM exchange WHERE note LIKE ?", f"w{r}-%")}
        lost = [note for note in writer.acked if note not in notes]
        figures["acked_writes"] += len(writer.acked)
        figures["lost_writes"] += len(lost)
        if lost:
            log(f"round {r}: acknowledged writes missing: {lost[:5]}")
        # ... and importing again completes it, once, without duplicates
        again = json.loads(db.recip("import", "exchanges", csv, "--json").stdout)
        trace("imported again")
        once_more = json.loads(db.recip("import", "exchanges", csv, "--json").stdout)
        trace("once more")
        n = db.query("SELECT count(*) FROM exchange WHERE note LIKE ?", prefix + "-%")[0][0]
        if n != rows or again.get("added") != rows - before or once_more.get("added") != 0:
            figures["duplicates"] += 1
            log(f"round {r}: importing again added {again.get('added')} to {before}, leaving {n} "
                f"(want {rows}); once more added {once_more.get('added')}")
    figures["seconds"] = round(time.monotonic() - started, 1)
    for k, v in figures.items():
        print(k, v)
    bad = figures["lost_writes"] + figures["check_failures"] + figures["imports_partial"] + \
        figures["duplicates"] + figures["resume_failures"]
    return 1 if bad else 0


# ---- concurrent -------------------------------------------------------------------


def concurrent(directory, http_writes, cli_writes, import_rows):
    """Two servers, four HTTP clients (two on each), four command-line
    writers and two importers on one database at once."""
    db = Db(directory, "shared.db")
    token = db.fresh()
    started = time.monotonic()
    servers = [db.serve("--threads", "4") for _ in range(2)]
    writers = [Writer(port, token, f"h{i}-{k}", limit=http_writes) for k, (_, port) in enumerate(servers)
               for i in range(2)]
    files = []
    for k in range(2):
        path = os.path.join(directory, f"import{k}.csv")
        write_exchanges(path, f"i{k}", import_rows)
        files.append(path)
    failures = []

    def cli_writer(w):
        for i in range(cli_writes):
            party = "Ana Lima" if i % 2 else "Bo Chen"
            done = db.recip("gave", party, "favour", "-v", "1", "-m", f"c{w}-{i}", check=False)
            if done.returncode != 0 or done.stderr.strip():
                failures.append(f"recip gave: exit {done.returncode}: {done.stderr.strip()}")

    def importer(path):
        done = db.recip("import", "exchanges", path, check=False)
        if done.returncode != 0 or done.stderr.strip():
            failures.append(f"recip import: exit {done.returncode}: {done.stderr.strip()}")

    threads = [threading.Thread(target=cli_writer, args=(w,)) for w in range(4)]
    threads += [threading.Thread(target=importer, args=(path,)) for path in files]
    for t in writers + threads:
        t.start()
    for t in writers + threads:
        t.join(timeout=600)
    seconds = time.monotonic() - started
    server_errors = []
    for proc, _ in servers:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
        proc.stdout.close()
        server_errors += [line for line in proc.stderr.read().splitlines()
                          if not line.startswith("recip serve: stop")]
        proc.stderr.close()
    acked = sum(len(w.acked) for w in writers)
    refused = [note for w in writers for note in w.refused]
    notes = {row[0] for row in db.query("SELECT note FROM exchange")}
    lost = [n for w in writers for n in w.acked if n not in notes]
    lost += [f"c{w}-{i}" for w in range(4) for i in range(cli_writes) if f"c{w}-{i}" not in notes]
    lost += [f"i{k}-{i}" for k in range(2) for i in range(import_rows) if f"i{k}-{i}" not in notes]
    everything = failures + [f"{n}: {why}" for n, why in refused] + server_errors
    locked = [line for line in everything if "locked" in line or "busy" in line]
    done = db.recip("check", "--json", check=False)
    report = json.loads(done.stdout) if done.stdout.strip() else {}
    # the counts each party's roll-up must show: every write is a give of 1
    # (HTTP and command line: odd ones to Ana), the imports as written
    expected = {"Ana Lima": [0, 0], "Bo Chen": [0, 0]}
    for k in range(2):
        for i in range(import_rows):
            expected["Ana Lima" if i % 2 else "Bo Chen"][0 if i % 3 else 1] += 1
    for w in writers:
        for note in w.acked:
            n = int(note.rsplit("-", 1)[1]) + 1
            expected["Ana Lima" if n % 2 else "Bo Chen"][0] += 1
    for w in range(4):
        for i in range(cli_writes):
            expected["Ana Lima" if i % 2 else "Bo Chen"][0] += 1
    counts_wrong = 0
    for party, (gave, received) in expected.items():
        row = json.loads(db.recip("balance", party, "--json").stdout)["items"][0]
        if row["gave_count"] != gave or row["received_count"] != received:
            counts_wrong += 1
            log(f"{party}: gave {row['gave_count']} received {row['received_count']}, want {gave} and {received}")
    figures = {
        "writes": http_writes * 4 + cli_writes * 4 + import_rows * 2,
        "http_acked": acked,
        "http_refused": len(refused),
        "cli_failures": len(failures),
        "locked_or_busy": len(locked),
        "server_errors": len(server_errors),
        "lost": len(lost),
        "check_ok": str(report.get("ok", False)).lower(),
        "rollup_mismatches": len(report.get("rollup_mismatches", [])),
        "counts_wrong": counts_wrong,
        "seconds": round(seconds, 1),
        "writes_per_second": round((acked + cli_writes * 4 + import_rows * 2) / seconds, 1),
    }
    for line in everything[:10]:
        log(line)
    for k, v in figures.items():
        print(k, v)
    return 0 if not (everything or lost or counts_wrong or not report.get("ok")) else 1


# ---- limits -----------------------------------------------------------------------


def memory(pid):
    """VmHWM and VmRSS of a live process, in KiB (0 when gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return int(fields["VmHWM"].split()[0]), int(fields["VmRSS"].split()[0])
    except (OSError, KeyError, ValueError):
        return 0, 0


def raw_exchange(port, data, read=True, source="127.0.0.1", timeout=30):
    """Sends bytes on a new connection (from `source`); the status of the
    answer, or 0 when the server closed the connection without one."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    try:
        for i in range(0, len(data), 1 << 16):
            s.sendall(data[i:i + (1 << 16)])
    except OSError:
        pass  # the server may stop reading and answer early
    status = 0
    if read:
        try:
            head = s.recv(64)
            match = re.match(rb"HTTP/1\.[01] (\d{3})", head)
            status = int(match.group(1)) if match else 0
        except OSError:
            pass
    s.close()
    return status


def server_limits(db, token, results):
    server, port = db.serve("--timeout", "3", "--max-body", str(1 << 20))
    pid = server.pid
    auth = f"Authorization: Bearer {token}\r\n".encode()
    # warm up: every worker thread opens its database and answers a few
    warm = Writer(port, token, "warm", limit=40)
    warm.run()
    for _ in range(20):
        raw_exchange(port, b"GET /api/v1/balance HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + auth + b"\r\n")
    base = memory(pid)[0]
    results["server_baseline_kib"] = base
    statuses = {}
    # a body announced as 100 MB: answered 413 before it is read
    statuses["declared_huge_body"] = raw_exchange(
        port, b"POST /api/v1/parties HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + auth +
        b"Content-Length: 104857600\r\n\r\n" + b"x" * (4 << 20))
    # a chunked body of 32 MB: read, never kept past the cap, then 413
    chunk = b"%x\r\n" % (1 << 16) + b"a" * (1 << 16) + b"\r\n"
    statuses["chunked_huge_body"] = raw_exchange(
        port, b"POST /api/v1/parties HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + auth +
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n" + chunk * 512 + b"0\r\n\r\n")
    # many headers: more than 64 fields, and more than 64 KiB of them
    statuses["many_headers"] = raw_exchange(
        port, b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(200)) +
        b"\r\n")
    statuses["huge_headers"] = raw_exchange(
        port, b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: %s\r\n" % (i, b"v" * 1000)
                                                                     for i in range(5000)) + b"\r\n")
    statuses["huge_url"] = raw_exchange(port, b"GET /api/v1/health?" + b"q" * (1 << 20) + b" HTTP/1.1\r\n\r\n")
    # a slow client: one byte a second never completes its request; it is cut
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    s.sendall(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
    t0 = time.monotonic()
    cut_after = None
    try:
        for _ in range(20):
            time.sleep(0.5)
            s.sendall(b"X")
            s.settimeout(0.01)
            try:
                if s.recv(1) == b"":
                    break
            except socket.timeout:
                pass
    except OSError:
        pass
    cut_after = time.monotonic() - t0
    s.close()
    results["slow_client_cut_after_s"] = round(cut_after, 1)
    # many connections: 600 idle ones from 127.0.0.1 (32 are let in per
    # address); another address is still served meanwhile
    idle = []
    for _ in range(600):
        try:
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5))
        except OSError:
            break
    results["idle_connections_opened"] = len(idle)
    statuses["other_address_while_flooded"] = raw_exchange(
        port, b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", source="127.0.0.2")
    for s in idle:
        s.close()
    # load held meanwhile: 200 writes, all acknowledged
    after = Writer(port, token, "after", limit=200)
    after.run()
    results["writes_after_attacks"] = len(after.acked)
    hwm, rss = memory(pid)
    results["server_hwm_kib"] = hwm
    results["server_rss_kib"] = rss
    results["server_growth_kib"] = hwm - base
    for k, v in statuses.items():
        results[f"status_{k}"] = v
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=60)
    server.stdout.close()
    server.stderr.close()


def peak_of(db, *args):
    """Runs recip, sampling VmHWM from /proc while it runs; the exit code and
    the peak (the larger of the samples and the kernel's ru_maxrss)."""
    proc = subprocess.Popen([RECIP, *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=db.env)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, memory(proc.pid)[0])
        time.sleep(0.005)
    err = proc.stderr.read().decode("utf-8", "replace").strip()
    proc.stderr.close()
    return proc.returncode, peak, err


def importer_limits(db, directory, results):
    mb = 1 << 20
    files = {}
    path = os.path.join(directory, "huge-field.csv")  # one quoted field of 64 MB
    with open(path, "wb") as f:
        f.write(b"party,direction,kind,note\nAna Lima,gave,favour,\"")
        for _ in range(64):
            f.write(b"n" * mb)
        f.write(b"\"\n")
    files["huge_field"] = path
    path = os.path.join(directory, "huge-line.csv")  # a line of 64 MB of fields, unquoted
    with open(path, "wb") as f:
        f.write(b"party,direction,kind,note\n")
        for _ in range(64):
            f.write(b"x," * (mb // 2))
        f.write(b"\n")
    files["huge_line"] = path
    path = os.path.join(directory, "many-mb.csv")  # 40 MB of good rows
    with open(path, "w") as f:
        f.write("party,direction,kind,value,at,note\n")
        note = "n" * 1990
        for i in range(20000):
            f.write(f"Ana Lima,gave,favour,1,2026-0{1 + i % 9}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d},{i}{note}\n")
    files["many_mb"] = path
    path = os.path.join(directory, "huge-property.vcf")  # a vCard property of 64 MB
    with open(path, "wb") as f:
        f.write(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Huge\r\nNOTE:")
        for _ in range(64):
            f.write(b"v" * mb)
        f.write(b"\r\nEND:VCARD\r\n")
    files["huge_vcard_property"] = path
    rc, peak, _ = peak_of(db, "balance")
    results["importer_baseline_kib"] = peak
    for what, path in files.items():
        kind = "vcard" if path.endswith(".vcf") else "exchanges"
        rc, peak, err = peak_of(db, "import", kind, path)
        results[f"import_{what}_exit"] = rc
        results[f"import_{what}_peak_kib"] = peak
        results[f"import_{what}_mb"] = os.path.getsize(path) >> 20
        if rc and err:
            log(f"{what}: {err[:200]}")


def limits(directory):
    db = Db(directory, "limits.db")
    token = db.fresh()
    results = {}
    server_limits(db, token, results)
    importer_limits(db, directory, results)
    for k, v in results.items():
        print(k, v)
    return 0


def main():
    what, directory = sys.argv[1], sys.argv[2]
    if what == "crash":
        return crash(directory, int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 10000)
    if what == "concurrent":
        return concurrent(directory, int(os.environ.get("RECIP_HTTP_WRITES", "60")),
                          int(os.environ.get("RECIP_CLI_WRITES", "30")), int(os.environ.get("RECIP_IMPORT_ROWS", "2000")))
    if what == "limits":
        return limits(directory)
    log(f"unknown scenario '{what}'")
    return 2


if __name__ == "__main__":
    sys.exit(main())
