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
            f.write(f"{party},{direction},favour,{1 + i % 4},2026-{1 + i % 11:02d}-{1 + i % 28:02d}T{i % 24:02d}:00,"
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


def main():
    what, directory = sys.argv[1], sys.argv[2]
    if what == "crash":
        return crash(directory, int(sys.argv[3]), int(sys.argv[4]) if len(sys.argv) > 4 else 10000)
    log(f"unknown scenario '{what}'")
    return 2


if __name__ == "__main__":
    sys.exit(main())
